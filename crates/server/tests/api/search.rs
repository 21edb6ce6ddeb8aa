//! Full-text search through the complaint list's `q` (ranked, snippets, combined with filters,
//! within the data scope), hostile queries, notes, similar complaints, and the searched words
//! marked in a complaint opened from the results.

use crate::helpers::{Session, TestApp, intake_body, sqlite_and_postgres};
use serde_json::{Value, json};

sqlite_and_postgres!(
    search_ranks_results_and_marks_the_words,
    search_combines_with_filters_and_the_data_scope,
    search_finds_notes,
    hostile_search_queries_answer_safely,
    similar_complaints_stay_within_scope,
    an_opened_result_marks_the_searched_words,
);

/// Percent-encodes a query parameter value.
fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
}

async fn complaint(agent: &Session, phone: &str, content: &str, severity: i64) -> Value {
    let mut body = intake_body(phone);
    body["content"] = json!(content);
    body["severity"] = json!(severity);
    agent.intake_with(&body).await
}

async fn search(s: &Session, params: &str) -> Value {
    s.get(&format!("/api/v1/complaints?{params}")).await.expect(200).clone()
}

fn case_nos(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["case_no"].as_str().unwrap().to_owned()).collect()
}

fn marked(item: &Value) -> Vec<String> {
    hits(&item["search"]["snippet"])
}

async fn search_ranks_results_and_marks_the_words(app: TestApp) {
    let agent = app.login("agent").await;
    let weak = complaint(&agent, "13800000001", "快递员态度差，物流三天没更新，客服说可以退货但没人处理", 2).await;
    let strong = complaint(&agent, "13800000002", "退货！我要退货！<script>alert(1)</script>商家拒绝退货", 2).await;
    complaint(&agent, "13800000003", "空调不制冷，师傅上门两次没修好", 2).await;

    let page = search(&agent, &format!("q={}", enc("退货"))).await;
    assert_eq!(page["total"], 2, "{page}");
    assert_eq!(case_nos(&page), [strong["case_no"].as_str().unwrap(), weak["case_no"].as_str().unwrap()]);
    let top = &page["items"][0];
    assert_eq!(top["search"]["field"], "body");
    assert!(marked(top).iter().all(|m| m == "退货") && !marked(top).is_empty(), "{top}");
    // Snippet text comes back as written, for the client to render as text (never as HTML).
    let text: String =
        top["search"]["snippet"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert!(text.contains("<script>alert(1)</script>"), "{text}");

    // An explicit sort wins over relevance; without q there is no snippet.
    let by_time = search(&agent, &format!("q={}&sort=received_at&order=asc", enc("退货"))).await;
    assert_eq!(by_time["items"][0]["case_no"], weak["case_no"]);
    let plain = search(&agent, "").await;
    assert!(plain["items"][0].get("search").is_none(), "{plain}");
    // Latin words inside Chinese text, any case; two words must both occur.
    let ipad = complaint(&agent, "13800000004", "我的iPad2屏幕坏了，要求退货", 3).await;
    let page = search(&agent, &format!("q={}", enc("IPAD 退货"))).await;
    assert_eq!(case_nos(&page), [ipad["case_no"].as_str().unwrap()]);
    assert_eq!(marked(&page["items"][0]), ["iPad", "退货"]);
    // A word after a minus is left out: of the three returns, only the one without 物流 or ipad.
    let page = search(&agent, &format!("q={}", enc("退货 -物流 -ipad"))).await;
    assert_eq!(case_nos(&page), [strong["case_no"].as_str().unwrap()]);
    assert_eq!(
        marked(&page["items"][0]).iter().collect::<std::collections::BTreeSet<_>>().len(),
        1,
        "only 退货 is marked"
    );
}

async fn search_combines_with_filters_and_the_data_scope(app: TestApp) {
    let agent = app.login("agent").await;
    let beta_agent = app.login("beta_agent").await;
    let severe = complaint(&agent, "13800000001", "物流太慢，包裹丢失", 1).await;
    complaint(&agent, "13800000002", "物流信息一直不更新", 3).await;
    let beta = complaint(&beta_agent, "13900000001", "物流公司把包裹送错了", 3).await;

    let q = enc("物流");
    assert_eq!(search(&agent, &format!("q={q}")).await["total"], 2);
    let page = search(&agent, &format!("q={q}&severity=1")).await;
    assert_eq!(case_nos(&page), [severe["case_no"].as_str().unwrap()]);
    let page = search(&agent, &format!("q={q}&state=received&severity=3")).await;
    assert_eq!(page["total"], 1);
    let tomorrow = enc(&(chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339());
    assert_eq!(search(&agent, &format!("q={q}&from={tomorrow}")).await["total"], 0);
    // Each company finds only its own.
    let page = search(&beta_agent, &format!("q={q}")).await;
    assert_eq!(case_nos(&page), [beta["case_no"].as_str().unwrap()]);
    let admin = app.login("admin").await;
    assert_eq!(search(&admin, &format!("q={q}")).await["total"], 3);
}

async fn search_finds_notes(app: TestApp) {
    let agent = app.login("agent").await;
    let c = complaint(&agent, "13800000001", "洗衣机无法启动", 2).await;
    let id = c["id"].as_i64().unwrap();
    assert_eq!(search(&agent, &format!("q={}", enc("蓝牙耳机"))).await["total"], 0);
    agent.command(id, "notes", json!({"text": "客户来电补充：蓝牙耳机也一起坏了"})).await;
    let page = search(&agent, &format!("q={}", enc("蓝牙耳机"))).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["search"]["field"], "notes");
    assert_eq!(marked(&page["items"][0]), ["蓝牙耳机"]);
}

async fn hostile_search_queries_answer_safely(app: TestApp) {
    let agent = app.login("agent").await;
    complaint(&agent, "13800000001", "退货 物流 客服 ipad \"引号\" (括号) 星号*", 2).await;
    for q in [
        "\"",
        "\"\"\"",
        "*",
        "(",
        ")",
        "()",
        "NEAR(退货 物流)",
        "退货 OR 物流",
        "退货*",
        "a:b",
        "^退货",
        "'; DROP TABLE complaints; --",
        "%",
        "_",
        "\\",
        "{}[]",
        "AND",
        "NOT",
        "😡",
        "\u{3000}",
        "ＡＢＣ",
    ] {
        search(&agent, &format!("q={}", enc(q))).await;
    }
    // Operator symbols are just separators: these find the complaint by its words. (Operator
    // words such as NEAR or OR are searched for as words.)
    for q in ["退货-物流", "退货*", "\"客服\"", "(退货)", "退货^物流", "退货:物流", "物流 -空调", "物流 - 退货"]
    {
        assert_eq!(search(&agent, &format!("q={}", enc(q))).await["total"], 1, "{q}");
    }
    // Quoted Chinese is searched as typed: 退货物流 is not in the text as one run.
    assert_eq!(search(&agent, &format!("q={}", enc("退货物流"))).await["total"], 1);
    assert_eq!(search(&agent, &format!("q={}", enc("“退货物流”"))).await["total"], 0);
    assert_eq!(search(&agent, &format!("q={}", enc("\"物流 客服\""))).await["total"], 1);
    // A minus before a word leaves out what has it; a minus alone asks for a word to search for.
    assert_eq!(search(&agent, &format!("q={}", enc("物流 -退货"))).await["total"], 0);
    assert_eq!(search(&agent, &format!("q={}", enc("物流 －IPAD"))).await["total"], 0);
    for q in ["-退货", "－退货 -物流"] {
        agent.get(&format!("/api/v1/complaints?q={}", enc(q))).await.expect_field("q", "excludes_only");
    }
    // Symbols only: nothing to search for, nothing found.
    for q in ["\"", "*()", "😡", "-:^"] {
        assert_eq!(search(&agent, &format!("q={}", enc(q))).await["total"], 0, "{q}");
    }
    // Long queries are refused with the standard error body; so is an unknown sort.
    let long = "退货".repeat(101);
    agent.get(&format!("/api/v1/complaints?q={}", enc(&long))).await.expect_field("q", "too_long");
    agent.get(&format!("/api/v1/complaints?q={}&sort=best", enc("退货"))).await.expect_field("sort", "invalid_sort");
    // The longest accepted query answers quickly.
    let started = std::time::Instant::now();
    search(&agent, &format!("q={}", enc(&"退货物流客服ipad ".repeat(18)))).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

async fn similar_complaints_stay_within_scope(app: TestApp) {
    let agent = app.login("agent").await;
    let beta_agent = app.login("beta_agent").await;
    let a = complaint(&agent, "13800000001", "洗衣机漏水，排水管破裂，地板全湿了", 2).await;
    let b = complaint(&agent, "13800000002", "新买的洗衣机漏水，排水管有裂缝", 2).await;
    complaint(&agent, "13800000003", "手机充电很慢，电池发烫", 2).await;
    complaint(&beta_agent, "13900000001", "洗衣机漏水，排水管坏了", 2).await;
    let id = a["id"].as_i64().unwrap();

    let similar = agent.get(&format!("/api/v1/complaints/{id}/similar")).await.expect(200).clone();
    let items = similar["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only acme's other leak, not itself, not beta's: {similar}");
    assert_eq!(items[0]["complaint"]["case_no"], b["case_no"]);
    assert!(items[0]["snippet"].as_array().unwrap().iter().any(|p| p["hit"] == true), "{similar}");
    assert!(similar["keywords"].as_array().unwrap().iter().any(|k| k == "洗衣机"), "{similar}");
    // By case number too; other companies cannot ask; bad limits are refused.
    let case_no = a["case_no"].as_str().unwrap();
    agent.get(&format!("/api/v1/complaints/{case_no}/similar?limit=1")).await.expect(200);
    beta_agent.get(&format!("/api/v1/complaints/{id}/similar")).await.expect_error(404, "not_found");
    agent.get(&format!("/api/v1/complaints/{id}/similar?limit=0")).await.expect_field("limit", "out_of_range");
    agent.get(&format!("/api/v1/complaints/{id}/similar?limit=x")).await.expect_error(422, "validation_failed");
}

/// The texts marked in a list of parts.
fn hits(parts: &Value) -> Vec<String> {
    parts
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["hit"] == true)
        .map(|p| p["text"].as_str().unwrap().to_owned())
        .collect()
}

/// The parts joined: the field's whole text.
fn joined(parts: &Value) -> String {
    parts.as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap()).collect()
}

async fn an_opened_result_marks_the_searched_words(app: TestApp) {
    let agent = app.login("agent").await;
    let beta_agent = app.login("beta_agent").await;
    let content = "iPad 屏幕碎了，要求退货。\n商家说物流签收后不能退货";
    let c = complaint(&agent, "13800000001", content, 2).await;
    let id = c["id"].as_i64().unwrap();
    agent.command(id, "notes", json!({"text": "已联系物流，等退货单号"})).await;
    agent.command(id, "notes", json!({"text": "客户没有接电话"})).await;
    let url = |q: &str| format!("/api/v1/complaints/{id}/marks?q={}", enc(q));

    let m = agent.get(&url("退货 OR 退款 ipad -换货")).await.expect(200).clone();
    // Every field whole, every match marked; fields and notes without one left out.
    assert_eq!(joined(&m["content"]), content, "{m}");
    assert_eq!(hits(&m["content"]), ["iPad", "退货", "退货"], "{m}");
    assert!(m["summary"].is_null() || !hits(&m["summary"]).is_empty(), "{m}");
    assert!(m["customer_request"].is_null() && m["order_ref"].is_null(), "{m}");
    let notes = m["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "only the note with a match: {m}");
    assert_eq!(hits(&notes[0]["text"]), ["退货"]);
    let detail = agent.get(&format!("/api/v1/complaints/{id}")).await.expect(200).clone();
    let note =
        detail["events"].as_array().unwrap().iter().find(|e| e["seq"] == notes[0]["seq"]).expect("the note's event");
    assert_eq!(note["payload"]["text"], "已联系物流，等退货单号", "seq names the note's event");
    let summary_hits = if m["summary"].is_null() { 0 } else { hits(&m["summary"]).len() };
    assert_eq!(m["hits"], 3 + 1 + summary_hits, "{m}");

    // Words that stand nowhere: nothing marked, not an error.
    let none = agent.get(&url("空调")).await.expect(200).clone();
    assert_eq!(none["hits"], 0);
    assert!(none["content"].is_null() && none["notes"].as_array().unwrap().is_empty(), "{none}");
    // The list's limits and the complaint's scope.
    agent.get(&url("-退货")).await.expect_field("q", "excludes_only");
    agent.get(&url(&"退".repeat(201))).await.expect_field("q", "too_long");
    agent.get(&format!("/api/v1/complaints/{id}/marks")).await.expect_error(422, "validation_failed");
    beta_agent.get(&url("退货")).await.expect_error(404, "not_found");
    let case_no = c["case_no"].as_str().unwrap();
    agent.get(&format!("/api/v1/complaints/{case_no}/marks?q={}", enc("物流"))).await.expect(200);
}
