//! What the workbench stands on: queue counts that match the queues, the dashboard overview,
//! bulk assignment with an answer per complaint, and the actions offered per complaint.

use crate::helpers::{TestApp, sqlite_and_postgres};
use serde_json::{Value, json};

sqlite_and_postgres!(
    queue_counts_match_the_queues,
    bulk_assign_answers_per_complaint,
    detail_offers_only_allowed_actions,
    hot_words_are_the_words_complaints_share_within_scope,
    hot_words_compare_with_the_period_before_and_leave_out_what_the_admin_chose,
);

async fn queue_counts_match_the_queues(app: TestApp) {
    let agent = app.login("agent").await;
    for i in 0..3 {
        agent.intake(&format!("1380000100{i}")).await;
    }
    let counts = agent.get("/api/v1/complaints/queues").await.expect(200).clone();
    for queue in ["triage", "open", "all", "mine", "approval"] {
        let list = agent.get(&format!("/api/v1/complaints?queue={queue}")).await.expect(200).clone();
        assert_eq!(counts[queue], list["total"], "queue {queue}");
    }
    assert_eq!(counts["triage"], 3);
    let overview = agent.get("/api/v1/stats/overview").await.expect(200).clone();
    assert_eq!(overview["open_by_state"]["received"], 3);
    assert_eq!(overview["daily"].as_array().map(Vec::len), Some(30));
    let days_total: i64 = overview["daily"].as_array().unwrap().iter().map(|d| d["count"].as_i64().unwrap()).sum();
    assert_eq!(days_total, 3, "complaints received an hour ago count in the last 30 days");
    assert_eq!(overview["by_category"][0]["count"], 3);
    agent.get("/api/v1/complaints?queue=bogus").await.expect_field("queue", "invalid_queue");
}

async fn bulk_assign_answers_per_complaint(app: TestApp) {
    let agent = app.login("agent").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let c = agent.intake(&format!("1380000200{i}")).await;
        ids.push(c["id"].as_i64().unwrap());
    }
    // One is not classified and one is already assigned elsewhere: both are skipped with reasons.
    agent.command(ids[0], "classify", json!({"category": "product_fault", "severity": 2})).await;
    let mut body = crate::helpers::intake_body("13800002009");
    body.as_object_mut().unwrap().remove("category");
    body.as_object_mut().unwrap().remove("severity");
    let unclassified = agent.intake_with(&body).await["id"].as_i64().unwrap();
    let r = agent
        .post(
            "/api/v1/complaints/bulk-assign",
            &json!({"ids": [ids[0], ids[1], unclassified, 999_999], "department_id": app.seed.acme_quality, "handler_id": app.seed.user("handler")}),
        )
        .await;
    let results = r.expect(200)["results"].as_array().expect("results").clone();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[1]["ok"], true, "classified at intake");
    assert_eq!(results[2]["ok"], false);
    assert_eq!(results[2]["code"], "not_classified");
    assert_eq!(results[3]["code"], "not_found");
    assert_eq!(agent.detail(ids[0]).await["complaint"]["state"], "assigned");
    assert_eq!(agent.detail(unclassified).await["complaint"]["state"], "received");
    // A handler may not bulk-assign at all.
    let handler = app.login("handler").await;
    handler
        .post("/api/v1/complaints/bulk-assign", &json!({"ids": [ids[2]], "department_id": app.seed.acme_quality}))
        .await
        .expect_error(403, "missing_permission");
}

async fn detail_offers_only_allowed_actions(app: TestApp) {
    let agent = app.login("agent").await;
    let id = crate::helpers::assigned_complaint(&app, &agent, "13800003001").await;
    let actions = |v: &serde_json::Value| -> Vec<String> {
        v["complaint"]["allowed_actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect()
    };
    let for_agent = actions(&agent.detail(id).await);
    assert!(for_agent.contains(&"transfer".to_owned()), "{for_agent:?}");
    assert!(!for_agent.contains(&"accept".to_owned()), "agents do not accept for departments: {for_agent:?}");
    let handler = app.login("handler").await;
    let for_handler = actions(&handler.detail(id).await);
    assert!(for_handler.contains(&"accept".to_owned()), "{for_handler:?}");
    assert!(!for_handler.contains(&"close".to_owned()));
    // Every offered action really is accepted: take the first one the handler is offered.
    let c = handler.command(id, "accept", json!({})).await;
    assert_eq!(c["state"], "investigating");
    assert!(c["allowed_actions"].as_array().unwrap().iter().any(|a| a == "remedy"), "{c}");
}

async fn hot_words_are_the_words_complaints_share_within_scope(app: TestApp) {
    let agent = app.login("agent").await;
    let texts = ["物流太慢了，一周还没到", "物流信息三天没更新", "快递员态度差，物流也慢", "发票一直没开"];
    for (i, text) in texts.iter().enumerate() {
        let mut body = crate::helpers::intake_body(&format!("1380000300{i}"));
        body["content"] = json!(text);
        agent.intake_with(&body).await;
    }
    let hot = agent.get("/api/v1/stats/hot-words?days=7").await.expect(200).clone();
    assert_eq!(hot["days"], 7);
    assert_eq!(hot["complaints"], 4);
    let words: Vec<&str> = hot["words"].as_array().unwrap().iter().map(|w| w["word"].as_str().unwrap()).collect();
    assert_eq!(words.first(), Some(&"物流"), "{hot}");
    assert_eq!(hot["words"][0]["complaints"], 3, "{hot}");
    assert!(words.contains(&"发票"), "{hot}");
    // No case number or order number among them: they are no words.
    assert!(words.iter().all(|w| !w.starts_with("ts2") && !w.chars().all(|c| c.is_ascii_digit())), "{hot}");
    // Outside the caller's data scope nothing is read: the finance handler sees none of these.
    let finance = app.login("finance").await;
    let none = finance.get("/api/v1/stats/hot-words").await.expect(200).clone();
    assert_eq!((none["complaints"].as_u64(), none["words"].as_array().map(Vec::len)), (Some(0), Some(0)));
    // A period out of range is refused, naming the field.
    agent.get("/api/v1/stats/hot-words?days=0").await.expect_field("days", "out_of_range");
    agent.get("/api/v1/stats/hot-words?days=366").await.expect_field("days", "out_of_range");
    agent.get("/api/v1/stats/hot-words?period=7").await.expect(422);
}

async fn hot_words_compare_with_the_period_before_and_leave_out_what_the_admin_chose(app: TestApp) {
    let agent = app.login("agent").await;
    // Two complaints ten days ago (the 7-day period before), four now.
    let ten_days_ago = (chrono::Utc::now() - chrono::Duration::days(10)).to_rfc3339();
    let earlier = ["华腾的冰箱不制冷，物流也慢", "华腾的冰箱，门关不上"];
    let now = ["华腾的冰箱不制冷", "华腾的冰箱噪音很大", "华腾的空调漏水", "华腾的空调不制冷"];
    for (i, text) in earlier.iter().enumerate() {
        let mut body = crate::helpers::intake_body(&format!("1380000310{i}"));
        body["content"] = json!(text);
        body["received_at"] = json!(ten_days_ago);
        agent.intake_with(&body).await;
    }
    for (i, text) in now.iter().enumerate() {
        let mut body = crate::helpers::intake_body(&format!("1380000320{i}"));
        body["content"] = json!(text);
        agent.intake_with(&body).await;
    }
    let word = |hot: &Value, w: &str| hot["words"].as_array().unwrap().iter().find(|x| x["word"] == w).cloned();
    let hot = agent.get("/api/v1/stats/hot-words?days=7").await.expect(200).clone();
    assert_eq!((hot["complaints"].as_u64(), hot["previous_complaints"].as_u64()), (Some(4), Some(2)), "{hot}");
    assert_eq!(hot["excluded"], json!([]));
    assert_eq!(hot["words"][0]["word"], "华腾", "{hot}");
    let fridge = word(&hot, "冰箱").expect("冰箱");
    assert_eq!((fridge["complaints"].as_u64(), fridge["previous"].as_u64()), (Some(2), Some(2)), "{hot}");
    let aircon = word(&hot, "空调").expect("空调");
    assert_eq!((aircon["complaints"].as_u64(), aircon["previous"].as_u64()), (Some(2), Some(0)), "{hot}");
    // Over 30 days both periods' complaints are in the period, none before it.
    let month = agent.get("/api/v1/stats/hot-words?days=30").await.expect(200).clone();
    assert_eq!((month["complaints"].as_u64(), month["previous_complaints"].as_u64()), (Some(6), Some(0)), "{month}");

    // Only an admin may leave words out; bad words are named and change nothing.
    let body = json!({"words": [" 华腾 ", "ＫＦＲ", "华腾"]});
    agent.put("/api/v1/stats/hot-words/excluded", &body).await.expect(403);
    let admin = app.login("admin").await;
    let bad = admin.put("/api/v1/stats/hot-words/excluded", &json!({"words": ["冰箱", "", "长".repeat(31)]})).await;
    bad.expect_field("words[1]", "required");
    bad.expect_field("words[2]", "too_long");
    admin.put("/api/v1/stats/hot-words/excluded", &json!({"words": ["冰箱"], "extra": 1})).await.expect(422);
    assert_eq!(agent.get("/api/v1/stats/hot-words?days=7").await.expect(200)["excluded"], json!([]));
    let saved = admin.put("/api/v1/stats/hot-words/excluded", &body).await.expect(200).clone();
    assert_eq!(saved["words"], json!(["华腾", "kfr"]), "trimmed, half width, lower case, once");
    let hot = agent.get("/api/v1/stats/hot-words?days=7").await.expect(200).clone();
    assert_eq!(hot["excluded"], json!(["华腾", "kfr"]));
    assert!(word(&hot, "华腾").is_none(), "{hot}");
    assert!(word(&hot, "冰箱").is_some(), "{hot}");
    // Emptying the list brings the word back.
    admin.put("/api/v1/stats/hot-words/excluded", &json!({"words": []})).await.expect(200);
    let hot = agent.get("/api/v1/stats/hot-words?days=7").await.expect(200).clone();
    assert_eq!(hot["words"][0]["word"], "华腾", "{hot}");
}
