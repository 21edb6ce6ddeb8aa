//! Intake routing (DESIGN §4) through the API: keyword rules route confidently, a trained model
//! routes what it is sure of, everything else waits in triage with a suggestion; risk words raise
//! the severity; repeats are linked; rules are validated field by field; bad training data
//! leaves the model in use as it was.

use crate::helpers::{Session, TestApp, sqlite_and_postgres_routed};
use cloop_server::routing::{Router, RoutingConfig};
use serde_json::{Value, json};

sqlite_and_postgres_routed!(
    a_keyword_rule_classifies_and_assigns_on_intake,
    without_a_confident_choice_the_complaint_waits_in_triage_with_a_suggestion,
    a_trained_model_routes_what_it_is_sure_of_and_bad_training_keeps_the_model,
    risk_words_raise_the_severity_and_flag_the_complaint,
    repeats_are_linked_by_customer_order_and_similar_text,
    rules_are_validated_field_by_field_and_need_the_permission,
    readiness_waits_for_the_routing_models,
    near_duplicates_are_found_across_nodes,
    the_schedule_retrains_from_peoples_choices_and_keeps_a_clearly_worse_model_out,
    routing_again_places_what_a_new_rule_now_places,
    an_older_model_is_put_back_in_use_and_every_decision_follows_it,
    the_outcomes_show_what_people_moved_and_which_suggestions_they_followed,
    a_rule_is_tried_on_recent_complaints_before_it_is_saved,
    rules_that_disagree_over_recent_complaints_are_listed_ties_first,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_routing_again_needs_routing_switched_on() {
    crate::helpers::run(crate::helpers::Backend::Sqlite, |app| async move {
        let agent = app.login("agent").await;
        let c = agent.intake_with(&body("13800000077", "发票一直没开")).await;
        let actions = agent.detail(c["id"].as_i64().unwrap()).await["complaint"]["allowed_actions"].clone();
        assert!(actions.as_array().unwrap().iter().all(|a| a != "route"), "{actions}");
        let r = agent.post("/api/v1/complaints/triage/route", &json!({"ids": [c["id"]]})).await;
        r.expect_error(409, "routing_off");
        assert_eq!(events(&agent, c["id"].as_i64().unwrap()).await, ["registered"]);
    })
    .await;
}

/// Models trained on a handful of complaints are sure of everything; a threshold no such model
/// reaches leaves their guesses in triage, as an unsure model's would be.
fn unsure_routing() -> RoutingConfig {
    RoutingConfig { threshold: 0.999, ..RoutingConfig::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_accepting_suggestions_classifies_and_assigns_what_waits_in_triage() {
    let backend = crate::helpers::Backend::Sqlite;
    crate::helpers::run_routed_with(
        backend,
        unsure_routing(),
        accepting_suggestions_classifies_and_assigns_what_waits_in_triage,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_accepting_suggestions_classifies_and_assigns_what_waits_in_triage() {
    let backend = crate::helpers::Backend::Postgres;
    crate::helpers::run_routed_with(
        backend,
        unsure_routing(),
        accepting_suggestions_classifies_and_assigns_what_waits_in_triage,
    )
    .await;
}

/// A rule that sends invoices (发票) to 财务部 as a product fault.
async fn invoice_rule(admin: &Session) {
    admin
        .post(
            "/api/v1/routing/rules",
            &json!({"name": "发票问题", "patterns": ["发票"], "category_code": "product_fault",
                    "department": "财务部", "priority": 20}),
        )
        .await
        .expect(201);
}

fn body(phone: &str, content: &str) -> Value {
    json!({
        "customer": {"name": "张三", "phone": phone},
        "channel": "phone",
        "content": content,
    })
}

async fn events(s: &Session, id: i64) -> Vec<String> {
    let e = s.get(&format!("/api/v1/complaints/{id}/events")).await.expect(200).clone();
    e.as_array().expect("events").iter().map(|e| e["kind"].as_str().expect("kind").to_owned()).collect()
}

async fn a_keyword_rule_classifies_and_assigns_on_intake(app: TestApp) {
    let admin = app.login("admin").await;
    let rule = admin
        .post(
            "/api/v1/routing/rules",
            &json!({"name": "发票问题", "patterns": ["发票", "开票+税号"], "category_code": "product_fault",
                    "department": "财务部", "priority": 20}),
        )
        .await
        .expect(201)
        .clone();
    let agent = app.login("agent").await;
    let c = agent.intake_with(&body("13800000001", "买了空调一个月了，发票还没开给我")).await;
    assert_eq!(c["state"], "assigned", "{c}");
    assert_eq!(c["department_id"], app.seed.acme_finance);
    assert_eq!(c["category_id"], app.seed.product_fault);
    assert_eq!(c["severity"], 3, "the default severity of a routed complaint");
    let r = &c["routing"];
    assert_eq!(r["outcome"], "assigned");
    assert_eq!(r["department"]["source"], "rule");
    assert_eq!(r["department"]["rule_id"], rule["id"]);
    assert_eq!(r["rules"][0]["name"], "发票问题");
    assert_eq!(r["rules"][0]["matched"], "发票");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(events(&agent, id).await, ["registered", "routed", "classified", "assigned"]);
    // The department sees it in its queue at once.
    let finance = app.login("finance").await;
    assert_eq!(finance.detail(id).await["complaint"]["state"], "assigned");

    // A disabled rule no longer routes (this node reloads on every use in tests).
    let mut edit = json!({"name": "发票问题", "patterns": ["发票"], "department": "财务部", "enabled": false});
    admin.put(&format!("/api/v1/routing/rules/{}", rule["id"]), &edit).await.expect(200);
    let c = agent.intake_with(&body("13800000002", "发票一直没开")).await;
    assert_eq!((c["state"].as_str(), c["routing"]["outcome"].as_str()), (Some("received"), Some("triage")));
    edit["enabled"] = true.into();
    admin.put(&format!("/api/v1/routing/rules/{}", rule["id"]), &edit).await.expect(200);
    admin.delete(&format!("/api/v1/routing/rules/{}", rule["id"])).await.expect(204);
    admin.delete(&format!("/api/v1/routing/rules/{}", rule["id"])).await.expect_error(404, "not_found");
}

async fn without_a_confident_choice_the_complaint_waits_in_triage_with_a_suggestion(app: TestApp) {
    let agent = app.login("agent").await;
    // The seeded 退款 rule names 财务部, which this organisation has; no category is known,
    // so the complaint waits for a person with the suggestion.
    let c = agent.intake_with(&body("13800000003", "退货十天了还没退款")).await;
    assert_eq!(c["state"], "received");
    assert_eq!(c["department_id"], Value::Null);
    let r = &c["routing"];
    assert_eq!(r["outcome"], "triage");
    assert_eq!(r["department"]["label"], "财务部");
    assert_eq!(r["rules"][0]["name"], "退款");
    let list = agent.get("/api/v1/complaints?queue=triage").await.expect(200).clone();
    let row = list["items"].as_array().unwrap().iter().find(|i| i["id"] == c["id"]).expect("in triage").clone();
    assert_eq!(row["route_hint"]["department"], "财务部", "{row}");
    assert_eq!(row["route_hint"]["outcome"], "triage");

    // Without any rule or model: triage, no suggestion.
    let c = agent.intake_with(&body("13800000004", "你们的服务让我很失望")).await;
    assert_eq!((c["state"].as_str(), c["routing"]["outcome"].as_str()), (Some("received"), Some("triage")));
    assert_eq!(c["routing"]["department"]["top"], Value::Null, "no model, no scores");

    // The preview answers the same decision without registering anything.
    let before = agent.total().await;
    let p = agent.post("/api/v1/routing/preview", &json!({"text": "退货十天了还没退款"})).await.expect(200).clone();
    assert_eq!(p["department"]["label"], "财务部");
    assert_eq!(agent.total().await, before);
}

async fn a_trained_model_routes_what_it_is_sure_of_and_bad_training_keeps_the_model(app: TestApp) {
    let admin = app.login("admin").await;
    let agent = app.login("agent").await;
    // No routed complaints yet: training is refused and nothing is stored.
    let r = admin.post("/api/v1/routing/models/train", &json!({"target": "department"})).await;
    r.expect_error(422, "validation_failed");
    r.expect_field("target", "training_data_refused");
    assert_eq!(admin.get("/api/v1/routing/models").await.expect(200).as_array().unwrap().len(), 0);

    // People route some complaints: screens to quality, deliveries to finance.
    let texts = [
        ("手机屏幕碎裂，屏幕有划痕，质量太差", app.seed.acme_quality),
        ("快递物流太慢，配送一周还没到", app.seed.acme_finance),
    ];
    // (Enough of them, 60, for the held-out fifth to be scored.)
    for i in 0..30 {
        for (k, (text, dept)) in texts.iter().enumerate() {
            let c = agent.intake_with(&body(&format!("1390000{k}{i:03}"), &format!("{text}（第{i}次）"))).await;
            let id = c["id"].as_i64().unwrap();
            agent.command(id, "classify", json!({"category": "product_fault", "severity": 2})).await;
            agent.command(id, "assign", json!({"department_id": dept})).await;
        }
    }
    // A single label (every complaint has the same category) is refused; the model stays none.
    let r = admin.post("/api/v1/routing/models/train", &json!({"target": "category"})).await;
    r.expect_field("target", "training_data_refused");
    assert!(r.text().contains("at least two labels"), "{}", r.text());

    let m = admin.post("/api/v1/routing/models/train", &json!({"target": "department"})).await.expect(201).clone();
    assert_eq!(
        (m["target"].as_str(), m["version"].as_i64(), m["labels"].as_i64()),
        (Some("department"), Some(1), Some(2))
    );
    let models = admin.get("/api/v1/routing/models").await.expect(200).clone();
    assert_eq!(models[0]["in_use"], true, "{models}");

    // A new screen complaint: the model is sure of the department, but no category is known
    // (the category model could not be trained), so it waits in triage with the suggestion.
    let c = agent.intake_with(&body("13700000001", "屏幕碎裂了，质量太差")).await;
    let d = &c["routing"]["department"];
    assert_eq!(d["source"], "model", "{c}");
    assert_eq!(d["id"], app.seed.acme_quality);
    assert_eq!(d["top"][0]["label"], "质量部");
    assert!(d["top"][0]["score"].as_f64().unwrap() >= 0.6, "{d}");
    assert_eq!(d["model_version"], 1);
    assert_eq!(c["state"], "received");
    // With the category given at intake, the model's department is enough to assign.
    let mut b = body("13700000002", "物流配送太慢了");
    b["category"] = "product_fault".into();
    b["severity"] = 2.into();
    let c = agent.intake_with(&b).await;
    assert_eq!(c["state"], "assigned", "{c}");
    assert_eq!(c["department_id"], app.seed.acme_finance);
    assert_eq!(c["routing"]["category"]["source"], "intake");
    assert_eq!(c["severity"], 2);

    // The model's held-out figures per threshold, to choose the triage threshold by.
    let figures = models[0]["metrics"]["thresholds"].as_array().expect("figures per threshold").clone();
    assert_eq!(figures.len(), 10, "{figures:?}");
    let held_out = models[0]["metrics"]["held_out"].as_u64().unwrap();
    for f in &figures {
        assert!(f["right"].as_u64() <= f["routed"].as_u64() && f["routed"].as_u64() <= Some(held_out), "{f}");
    }
    // The admin raises the threshold past any confidence: the same complaint now waits for a person.
    let t = admin.get("/api/v1/routing/settings").await.expect(200)["threshold"].clone();
    assert_eq!((t["saved"].clone(), t["value"].clone()), (Value::Null, t["default"].clone()), "{t}");
    let s = admin.put("/api/v1/routing/settings", &json!({"threshold": 1.0})).await.expect(200).clone();
    assert_eq!((s["threshold"]["value"].as_f64(), s["threshold"]["saved"].as_f64()), (Some(1.0), Some(1.0)));
    b["customer"]["phone"] = "13700000003".into();
    let c = agent.intake_with(&b).await;
    assert_eq!((c["state"].as_str(), c["routing"]["threshold"].as_f64()), (Some("received"), Some(1.0)), "{c}");
    assert_eq!(c["routing"]["department"]["top"][0]["label"], "财务部", "the model's guess is kept as the suggestion");
    // Back to the default: it routes itself again.
    let s = admin.put("/api/v1/routing/settings", &json!({"threshold": null})).await.expect(200).clone();
    assert_eq!(
        (s["threshold"]["saved"].clone(), s["threshold"]["value"].clone()),
        (Value::Null, s["threshold"]["default"].clone())
    );
    b["customer"]["phone"] = "13700000004".into();
    assert_eq!(agent.intake_with(&b).await["state"], "assigned");
    // Out of range or not a number changes nothing; the settings are the routing admin's.
    admin.put("/api/v1/routing/settings", &json!({"threshold": 1.5})).await.expect_field("threshold", "out_of_range");
    admin.put("/api/v1/routing/settings", &json!({"threshold": "high"})).await.expect(422);
    agent.put("/api/v1/routing/settings", &json!({"threshold": 0.5})).await.expect_error(403, "missing_permission");
    assert_eq!(admin.get("/api/v1/routing/settings").await.expect(200)["threshold"]["saved"], Value::Null);
}

async fn risk_words_raise_the_severity_and_flag_the_complaint(app: TestApp) {
    let agent = app.login("agent").await;
    let mut b = body("13800000005", "热水器漏电，孩子洗澡时被电到受伤了，我要找律师");
    b["severity"] = 3.into();
    let c = agent.intake_with(&b).await;
    assert_eq!(c["severity"], 1, "{c}");
    let flags: Vec<&str> = c["routing"]["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(flags, ["legal", "safety"]);
    assert_eq!(c["routing"]["severity_floor"], "level1");
    assert_eq!(c["state"], "received", "risk rules route nowhere by themselves");
}

async fn repeats_are_linked_by_customer_order_and_similar_text(app: TestApp) {
    let agent = app.login("agent").await;
    let first = agent.intake_with(&body("13800000006", "洗衣机漏水严重，地板都泡坏了，要求上门维修")).await;
    let again = agent.intake_with(&body("13800000006", "空调遥控器失灵")).await;
    assert_eq!(again["repeat_of"][0]["case_no"], first["case_no"]);
    assert_eq!(again["repeat_of"][0]["reasons"], json!(["same_customer"]));

    let mut by_order = body("13800000007", "订单里的东西少发了一件");
    by_order["order_ref"] = "HT-9".into();
    let o1 = agent.intake_with(&by_order).await;
    by_order["customer"]["phone"] = "13800000008".into();
    by_order["content"] = "我朋友帮我下的单，东西少了".into();
    let o2 = agent.intake_with(&by_order).await;
    assert_eq!(o2["repeat_of"][0]["case_no"], o1["case_no"]);
    assert_eq!(o2["repeat_of"][0]["reasons"], json!(["same_order"]));

    // Nearly the same words from someone else (a relative calling for the customer).
    let similar = agent.intake_with(&body("13800000009", "洗衣机漏水严重，地板都泡坏了，要求上门维修！")).await;
    assert_eq!(similar["repeat_of"][0]["case_no"], first["case_no"], "{similar}");
    assert_eq!(similar["repeat_of"][0]["reasons"], json!(["similar_text"]));

    // Another company's customer with the same phone is not a repeat across companies.
    let beta = app.login("beta_agent").await;
    let other = beta.intake_with(&body("13800000006", "洗衣机漏水严重，地板都泡坏了，要求上门维修")).await;
    assert_eq!(other["repeat_of"], json!([]));
    let id = again["id"].as_i64().unwrap();
    assert!(events(&agent, id).await.contains(&"repeat_linked".to_owned()));

    // The admin narrows the window to a day: a customer's complaint of three days ago is no
    // longer a repeat; widened again, it is.
    let admin = app.login("admin").await;
    let days = admin.get("/api/v1/routing/settings").await.expect(200)["repeat_window_days"].clone();
    assert_eq!((days["value"].clone(), days["saved"].clone()), (days["default"].clone(), Value::Null), "{days}");
    let mut old = body("13800000010", "热水器不出热水");
    old["received_at"] = (chrono::Utc::now() - chrono::Duration::days(3)).to_rfc3339().into();
    let old = agent.intake_with(&old).await;
    let s = admin.put("/api/v1/routing/settings", &json!({"repeat_window_days": 1})).await.expect(200).clone();
    assert_eq!((s["repeat_window_days"]["value"].as_i64(), s["threshold"]["saved"].clone()), (Some(1), Value::Null));
    let late = agent.intake_with(&body("13800000010", "热水器还是不出热水")).await;
    assert_eq!(late["repeat_of"], json!([]), "{late}");
    admin.put("/api/v1/routing/settings", &json!({"repeat_window_days": 30})).await.expect(200);
    let later = agent.intake_with(&body("13800000010", "热水器第三次报修")).await;
    let linked: Vec<_> = later["repeat_of"].as_array().unwrap().iter().map(|l| l["case_no"].clone()).collect();
    assert!(linked.contains(&old["case_no"]), "{later}");
    admin
        .put("/api/v1/routing/settings", &json!({"repeat_window_days": 0}))
        .await
        .expect_field("repeat_window_days", "out_of_range");
    admin.put("/api/v1/routing/settings", &json!({"repeat_window": 3})).await.expect(422);
}

async fn rules_are_validated_field_by_field_and_need_the_permission(app: TestApp) {
    let admin = app.login("admin").await;
    let rules = admin.get("/api/v1/routing/rules").await.expect(200).clone();
    assert!(rules.as_array().unwrap().iter().any(|r| r["name"] == "人身安全"), "the defaults are seeded");

    let bad = json!({"name": " ", "patterns": ["退款+", "re:(unclosed"], "category_code": "nope",
                     "department": "不存在的部门", "severity_floor": 5, "flags": ["fire"], "priority": 5000});
    let r = admin.post("/api/v1/routing/rules", &bad).await;
    r.expect_error(422, "validation_failed");
    for (field, code) in [
        ("name", "required"),
        ("patterns[0]", "empty_conjunct"),
        ("patterns[1]", "invalid_regex"),
        ("category_code", "unknown_category"),
        ("department", "unknown_department"),
        ("severity_floor", "invalid_severity"),
        ("flags", "invalid_flag"),
        ("priority", "invalid_priority"),
    ] {
        r.expect_field(field, code);
    }
    let r = admin.post("/api/v1/routing/rules", &json!({"name": "空", "patterns": ["词"]})).await;
    r.expect_field("department", "no_effect");
    let r = admin.post("/api/v1/routing/rules", &json!({"name": "空", "patterns": []})).await;
    r.expect_field("patterns", "required");
    let err =
        admin.post("/api/v1/routing/rules", &json!({"name": "x", "patterns": ["re:("], "flags": ["legal"]})).await;
    let e = err.expect_field("patterns[0]", "invalid_regex");
    let f = e["fields"].as_array().unwrap().iter().find(|f| f["field"] == "patterns[0]").unwrap();
    assert!(f["message"]["zh-CN"].as_str().unwrap().starts_with("正则表达式无效"), "{f}");
    assert!(f["message"]["en"].as_str().unwrap().starts_with("invalid regular expression"), "{f}");

    let agent = app.login("agent").await;
    agent.get("/api/v1/routing/rules").await.expect_error(403, "missing_permission");
    agent
        .post("/api/v1/routing/rules", &json!({"name": "x", "patterns": ["y"], "flags": ["legal"]}))
        .await
        .expect_error(403, "missing_permission");
    agent
        .post("/api/v1/routing/models/train", &json!({"target": "category"}))
        .await
        .expect_error(403, "missing_permission");
}

/// A node with routing on is not ready until its rules and models are read (the server reads
/// them as it starts, so the first complaints do not wait for them); with routing off it is.
async fn readiness_waits_for_the_routing_models(app: TestApp) {
    let router = Router::new(RoutingConfig::default());
    assert!(!router.is_ready(), "nothing read yet");
    router.preload(&app.store).await;
    assert!(router.is_ready(), "rules and models read");
    assert!(Router::new(RoutingConfig { enabled: false, ..RoutingConfig::default() }).is_ready());

    let anon = app.anonymous();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let r = anon.get("/readyz").await;
        if r.status == reqwest::StatusCode::OK {
            assert_eq!(r.json["status"], "ready");
            break;
        }
        assert_eq!(r.status, reqwest::StatusCode::SERVICE_UNAVAILABLE, "{:?}", r.json);
        assert_eq!(r.json["status"], "loading routing models");
        assert!(std::time::Instant::now() < deadline, "the routing models were never read");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Each node keeps its companies' newest text fingerprints in memory. A complaint is compared
/// with at once on the node that took it in, and on another node once that node's window has
/// read the database again (at most `TAIL_EVERY` later).
async fn near_duplicates_are_found_across_nodes(app: TestApp) {
    // A second node: its own store, router and windows, on the same database.
    let store = cloop_store::Store::open(&app.url, cloop_store::StoreConfig::default()).await.expect("second node");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = format!("http://{}", listener.local_addr().expect("local addr"));
    let routing = RoutingConfig { refresh: std::time::Duration::ZERO, ..RoutingConfig::default() };
    let config = cloop_server::ServerConfig { public_url: addr.clone(), routing, ..Default::default() };
    let state = cloop_server::AppState::new(store, config);
    tokio::spawn(async move { cloop_server::serve(listener, state, std::future::pending()).await.expect("serves") });
    let (a, _) = app.token_client("agent").await;
    let b = Session { base: addr, ..a.clone() };

    // Each node reads the company's window with its first intake.
    a.intake_with(&body("13800000020", "快递员态度很差，把包裹扔在门口就走了")).await;
    b.intake_with(&body("13800000021", "发票抬头开错了，需要重新开具")).await;

    let text = "冰箱不制冷，里面的菜全坏了，要求换货";
    let first = a.intake_with(&body("13800000022", text)).await;
    let case_no = first["case_no"].clone();
    let linked = |c: &Value| {
        c["repeat_of"]
            .as_array()
            .expect("repeat_of")
            .iter()
            .any(|r| r["case_no"] == case_no && r["reasons"] == json!(["similar_text"]))
    };
    let same_node = a.intake_with(&body("13800000023", &format!("{text}！"))).await;
    assert!(linked(&same_node), "the node that took it in compares with it at once: {same_node}");

    tokio::time::sleep(cloop_server::near_dup_window::TAIL_EVERY + std::time::Duration::from_millis(200)).await;
    let other_node = b.intake_with(&body("13800000024", &format!("{text}。"))).await;
    assert!(linked(&other_node), "the other node has read it since: {other_node}");
}

async fn an_older_model_is_put_back_in_use_and_every_decision_follows_it(app: TestApp) {
    let admin = app.login("admin").await;
    let agent = app.login("agent").await;
    // Version 1 learns screens → quality and deliveries → finance. Then people route the same
    // texts the other way round and version 2 learns both at once: a model to roll back from.
    people_route(&agent, 1, 8, app.seed.acme_quality, app.seed.acme_finance).await;
    admin.post("/api/v1/routing/models/train", &json!({"target": "department"})).await.expect(201);
    people_route(&agent, 2, 8, app.seed.acme_finance, app.seed.acme_quality).await;
    let v2 = admin.post("/api/v1/routing/models/train", &json!({"target": "department"})).await.expect(201).clone();
    assert_eq!(
        (v2["version"].as_i64(), v2["examples"].as_i64(), v2["in_use"].as_bool()),
        (Some(2), Some(32), Some(true))
    );

    // Bad requests change nothing: only an admin restores, an unknown target or version and the
    // version already in use are named.
    agent.post("/api/v1/routing/models/department/1/restore", &json!({})).await.expect_error(403, "missing_permission");
    admin.post("/api/v1/routing/models/bogus/1/restore", &json!({})).await.expect_field("target", "invalid_target");
    admin.post("/api/v1/routing/models/department/2/restore", &json!({})).await.expect_field("version", "model_in_use");
    admin
        .post("/api/v1/routing/models/department/99/restore", &json!({}))
        .await
        .expect_field("version", "model_not_found");
    admin
        .post("/api/v1/routing/models/category/1/restore", &json!({}))
        .await
        .expect_field("version", "model_not_found");
    // A version that is not a number is named too, not answered in plain text.
    let r = admin.post("/api/v1/routing/models/department/abc/restore", &json!({})).await;
    r.expect_field("path", "invalid_path");
    assert!(r.text().contains("abc"), "{}", r.text());
    admin.delete("/api/v1/routing/rules/x1").await.expect_field("path", "invalid_path");
    assert_eq!(admin.get("/api/v1/routing/models").await.expect(200).as_array().unwrap().len(), 2);

    let v3 = admin.post("/api/v1/routing/models/department/1/restore", &json!({})).await.expect(201).clone();
    assert_eq!(
        (v3["version"].as_i64(), v3["restored_from"].as_i64(), v3["examples"].as_i64(), v3["in_use"].as_bool()),
        (Some(3), Some(1), Some(16), Some(true)),
        "{v3}"
    );
    assert_eq!(v3["source"], "database");
    let models = admin.get("/api/v1/routing/models").await.expect(200).clone();
    let in_use: Vec<(i64, bool)> =
        models.as_array().unwrap().iter().map(|m| (m["version"].as_i64().unwrap(), m["in_use"] == true)).collect();
    assert_eq!(in_use, [(3, true), (2, false), (1, false)], "{models}");

    // Intake now decides with version 1's knowledge, under the new version number.
    let c = agent.intake_with(&body("13722220000", "屏幕碎裂了，屏幕有划痕")).await;
    let d = &c["routing"]["department"];
    assert_eq!((d["model_version"].as_i64(), d["top"][0]["label"].as_str()), (Some(3), Some("质量部")), "{c}");
    assert!(d["top"][0]["score"].as_f64().unwrap() >= 0.6, "{d}");

    let audit = admin.get("/api/v1/audit").await.expect(200).clone();
    let restore = audit.as_array().unwrap().iter().find(|a| a["action"] == "admin.routing_model.restore");
    assert!(restore.is_some_and(|a| a["detail"]["restored_from"] == 1), "{audit}");
}

/// People route `n` screen complaints to `screens` and `n` delivery complaints to `deliveries`.
async fn people_route(agent: &Session, round: usize, n: usize, screens: i64, deliveries: i64) {
    let texts = [("手机屏幕碎裂，屏幕有划痕，质量太差", screens), ("快递物流太慢，配送一周还没到", deliveries)];
    for i in 0..n {
        for (k, (text, dept)) in texts.iter().enumerate() {
            let c = agent
                .intake_with(&body(&format!("138{round}{k}00{i:04}"), &format!("{text}（第{round}-{i}次）")))
                .await;
            let id = c["id"].as_i64().unwrap();
            agent.command(id, "classify", json!({"category": "product_fault", "severity": 2})).await;
            agent.command(id, "assign", json!({"department_id": dept})).await;
        }
    }
}

async fn the_schedule_retrains_from_peoples_choices_and_keeps_a_clearly_worse_model_out(app: TestApp) {
    use cloop_server::{AppState, ServerConfig, retrain};
    let admin = app.login("admin").await;
    let agent = app.login("agent").await;
    let at = |days: i64| {
        AppState::new(
            app.store.clone(),
            ServerConfig { clock_offset: chrono::Duration::days(days), ..ServerConfig::default() },
        )
    };
    let pass = |state: AppState| async move {
        let now = state.now();
        retrain::pass(&state, "test-node", now).await.expect("retrain pass")
    };

    // The default schedule: on, weekly, once 50 people's choices are new.
    let s = admin.get("/api/v1/routing/retrain").await.expect(200).clone();
    assert_eq!(s["policy"], json!({"enabled": true, "interval_days": 7, "min_new_examples": 50}), "{s}");
    assert_eq!(s["targets"][1]["verdict"], "too_few_examples", "{s}");
    assert_eq!((s["targets"][1]["have"].as_i64(), s["targets"][1]["need"].as_i64()), (Some(0), Some(50)));
    // Bad input is named field by field and changes nothing; only an admin edits it.
    let bad = admin
        .put("/api/v1/routing/retrain", &json!({"enabled": true, "interval_days": 0, "min_new_examples": 0}))
        .await;
    bad.expect_field("interval_days", "out_of_range");
    bad.expect_field("min_new_examples", "out_of_range");
    admin
        .put("/api/v1/routing/retrain", &json!({"enabled": true, "interval_days": 1, "min_new_examples": 5, "x": 1}))
        .await
        .expect(422);
    agent
        .put("/api/v1/routing/retrain", &json!({"enabled": false, "interval_days": 1, "min_new_examples": 5}))
        .await
        .expect(403);
    assert_eq!(admin.get("/api/v1/routing/retrain").await.expect(200)["policy"]["interval_days"], 7);
    let s = admin
        .put("/api/v1/routing/retrain", &json!({"enabled": true, "interval_days": 1, "min_new_examples": 20}))
        .await
        .expect(200)
        .clone();
    assert_eq!(s["policy"]["min_new_examples"], 20);

    // 60 choices: both targets are due. The category model is refused (every complaint has the
    // same category) and the admins are told; the department model is trained and in use.
    people_route(&agent, 1, 30, app.seed.acme_quality, app.seed.acme_finance).await;
    let s = admin.get("/api/v1/routing/retrain").await.expect(200).clone();
    assert_eq!(
        (s["targets"][0]["verdict"].as_str(), s["targets"][1]["verdict"].as_str()),
        (Some("due"), Some("due")),
        "{s}"
    );
    pass(at(0)).await.expect("retraining started").await.expect("retraining task");
    assert!(pass(at(0)).await.is_none(), "nothing is due right after");
    let models = admin.get("/api/v1/routing/models").await.expect(200).clone();
    assert_eq!(models.as_array().unwrap().len(), 1, "{models}");
    assert_eq!((models[0]["target"].as_str(), models[0]["source"].as_str()), (Some("department"), Some("schedule")));
    assert_eq!(models[0]["metrics"]["accuracy"], 1.0, "{models}");
    let per_label = models[0]["metrics"]["per_label"].as_array().expect("per-label figures").clone();
    let figures: Vec<(&str, f64, bool)> = per_label
        .iter()
        .map(|l| (l["label"].as_str().unwrap(), l["f1"].as_f64().unwrap(), l["mistaken_for"].is_null()))
        .collect();
    assert_eq!(figures, [("财务部", 1.0, true), ("质量部", 1.0, true)], "{models}");
    let s = admin.get("/api/v1/routing/retrain").await.expect(200).clone();
    let (category, department) = (&s["targets"][0], &s["targets"][1]);
    assert_eq!(
        (department["last"]["outcome"].as_str(), department["last"]["version"].as_i64()),
        (Some("adopted"), Some(1)),
        "{s}"
    );
    assert_eq!(category["last"]["outcome"], "refused", "{s}");
    assert!(category["last"]["detail"].as_str().unwrap().contains("at least two labels"), "{s}");
    // A refused attempt waits for the interval too, not for the next pass.
    assert_eq!((category["verdict"].as_str(), department["verdict"].as_str()), (Some("too_soon"), Some("too_soon")));
    let alerts = admin.get("/api/v1/alerts").await.expect(200).clone();
    let routing_alerts: Vec<&Value> =
        alerts["items"].as_array().unwrap().iter().filter(|a| a["kind"] == "routing").collect();
    assert_eq!(routing_alerts.len(), 1, "{alerts}");
    assert!(routing_alerts[0]["title_zh"].as_str().unwrap().contains("分类"), "{alerts}");
    let c = agent.intake_with(&body("13711110000", "屏幕碎裂了，质量太差")).await;
    assert_eq!(c["routing"]["department"]["model_version"], 1, "every node picks up the scheduled model: {c}");

    // Then people route the same texts the other way round, 60 times: a model trained on that
    // is clearly worse on its held-out part, so the model in use stays and the admins are told.
    people_route(&agent, 2, 30, app.seed.acme_finance, app.seed.acme_quality).await;
    pass(at(2)).await.expect("retraining started").await.expect("retraining task");
    let models = admin.get("/api/v1/routing/models").await.expect(200).clone();
    assert_eq!(models.as_array().unwrap().iter().filter(|m| m["target"] == "department").count(), 1, "{models}");
    let s = admin.get("/api/v1/routing/retrain").await.expect(200).clone();
    let last = &s["targets"][1]["last"];
    assert_eq!(last["outcome"], "kept", "{s}");
    assert_eq!(last["previous_accuracy"], 1.0);
    assert!(last["accuracy"].as_f64().unwrap() < 0.95, "{s}");
    assert_eq!(last["examples"], 120);
    let alerts = admin.get("/api/v1/alerts").await.expect(200).clone();
    assert!(
        alerts["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "routing" && a["title_zh"].as_str().unwrap().contains("部门")),
        "{alerts}"
    );

    // Switched off, nothing is due however much is new.
    admin
        .put("/api/v1/routing/retrain", &json!({"enabled": false, "interval_days": 1, "min_new_examples": 20}))
        .await
        .expect(200);
    let s = admin.get("/api/v1/routing/retrain").await.expect(200).clone();
    assert_eq!(s["targets"][1]["verdict"], "disabled");
    assert!(pass(at(30)).await.is_none());
}

async fn accepting_suggestions_classifies_and_assigns_what_waits_in_triage(app: TestApp) {
    let admin = app.login("admin").await;
    let agent = app.login("agent").await;
    let accept = |ids: Vec<i64>| json!({"ids": ids, "severity": 3});
    // Before any model: nothing to suggest.
    let bare = agent.intake_with(&body("13722220000", "你好，请尽快回电话")).await;
    let bare_id = bare["id"].as_i64().unwrap();
    // People route screens (a fault, to quality) and deliveries (a quality matter, to finance).
    for i in 0..8 {
        for (k, (text, category, dept)) in [
            ("手机屏幕碎裂，屏幕有划痕", "product_fault", app.seed.acme_quality),
            ("快递物流太慢，配送一周还没到", "product_quality", app.seed.acme_finance),
        ]
        .iter()
        .enumerate()
        {
            let c = agent.intake_with(&body(&format!("1372{k}00{i:04}"), &format!("{text}（第{i}次）"))).await;
            let id = c["id"].as_i64().unwrap();
            agent.command(id, "classify", json!({"category": category, "severity": 2})).await;
            agent.command(id, "assign", json!({"department_id": dept})).await;
        }
    }
    admin.post("/api/v1/routing/models/train", &json!({"target": "category"})).await.expect(201);
    admin.post("/api/v1/routing/models/train", &json!({"target": "department"})).await.expect(201);
    // A refund: the seeded 退款 rule names the department; the category model's guess is below
    // the threshold, so the complaint waits with it.
    let unsure = agent.intake_with(&body("13722220001", "退货十天了还没退款")).await;
    let unsure_id = unsure["id"].as_i64().unwrap();
    assert_eq!(unsure["state"], "received", "{unsure}");
    let best_category = unsure["routing"]["category"]["top"][0]["label"].as_str().unwrap().to_owned();
    assert_eq!(unsure["routing"]["department"]["source"], "rule", "{unsure}");
    let assigned = crate::helpers::assigned_complaint(&app, &agent, "13722220002").await;

    // Bad input changes nothing; a handler may not classify and assign.
    let r = agent.post("/api/v1/complaints/triage/accept", &json!({"ids": [], "severity": 4})).await;
    r.expect_field("ids", "invalid_count");
    r.expect_field("severity", "invalid_severity");
    agent.post("/api/v1/complaints/triage/accept", &json!({"ids": [unsure_id]})).await.expect(422);
    app.login("handler").await.post("/api/v1/complaints/triage/accept", &accept(vec![unsure_id])).await.expect(403);
    assert_eq!(agent.detail(unsure_id).await["complaint"]["state"], "received");

    let r = agent
        .post("/api/v1/complaints/triage/accept", &accept(vec![unsure_id, bare_id, assigned, 999_999]))
        .await
        .expect(200)
        .clone();
    let codes: Vec<Value> = r["results"].as_array().unwrap().iter().map(|x| x["code"].clone()).collect();
    assert_eq!(r["results"][0]["ok"], true, "{r}");
    assert_eq!(codes[1..], [json!("no_suggestion"), json!("not_in_triage"), json!("not_found")], "{r}");
    assert!(r["results"][1]["message"]["zh-CN"].as_str().unwrap().contains("人工分派"), "{r}");

    // The unsure one is now what routing guessed, as if a person chose it in the forms.
    let c = agent.detail(unsure_id).await["complaint"].clone();
    assert_eq!(c["state"], "assigned", "{c}");
    assert_eq!(c["severity"], 3);
    let category_id = if best_category == "product_fault" { app.seed.product_fault } else { app.seed.product_quality };
    assert_eq!(
        (c["category_id"].as_i64(), c["department_id"].as_i64()),
        (Some(category_id), Some(app.seed.acme_finance)),
        "{c}"
    );
    let kinds = events(&agent, unsure_id).await;
    assert_eq!(kinds[kinds.len() - 2..], ["classified".to_owned(), "assigned".to_owned()], "{kinds:?}");
    // Nothing else moved.
    assert_eq!(agent.detail(bare_id).await["complaint"]["state"], "received");
}

/// Complaints that waited in triage before a rule (or model) could place them are placed when
/// routed again; the ones routing is still unsure of keep waiting, with the new decision.
async fn routing_again_places_what_a_new_rule_now_places(app: TestApp) {
    let admin = app.login("admin").await;
    let agent = app.login("agent").await;
    let invoice = agent.intake_with(&body("13733330001", "买了空调一个月了，发票还没开给我")).await;
    let vague = agent.intake_with(&body("13733330002", "你们的服务让我很失望")).await;
    let (invoice_id, vague_id) = (invoice["id"].as_i64().unwrap(), vague["id"].as_i64().unwrap());
    let actions = agent.detail(invoice_id).await["complaint"]["allowed_actions"].clone();
    assert!(actions.as_array().unwrap().iter().any(|a| a == "route"), "{actions}");
    assert_eq!(
        (invoice["state"].as_str(), invoice["routing"]["department"]["label"].as_str()),
        (Some("received"), None)
    );
    let assigned = crate::helpers::assigned_complaint(&app, &agent, "13733330003").await;

    // Bad input changes nothing; a handler may not classify and assign.
    let route = "/api/v1/complaints/triage/route";
    agent.post(route, &json!({"ids": []})).await.expect_field("ids", "invalid_count");
    agent.post(route, &json!({"ids": [invoice_id], "severity": 2})).await.expect(422);
    app.login("handler").await.post(route, &json!({"ids": [invoice_id]})).await.expect(403);
    assert_eq!(events(&agent, invoice_id).await, ["registered", "routed"]);

    invoice_rule(&admin).await;
    // A rule that names a department but no category: routing is not sure of the category.
    admin
        .post(
            "/api/v1/routing/rules",
            &json!({"name": "失望", "patterns": ["失望"], "department": "财务部", "priority": 10}),
        )
        .await
        .expect(201);
    // A person classified the invoice complaint meanwhile: routing again keeps that.
    agent.command(invoice_id, "classify", json!({"category": app.seed.product_quality, "severity": 2})).await;
    let r = agent.post(route, &json!({"ids": [invoice_id, vague_id, assigned, 999_999]})).await.expect(200).clone();
    let got: Vec<(Value, Value, Value)> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["ok"].clone(), x["outcome"].clone(), x["code"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (json!(true), json!("assigned"), Value::Null),
            (json!(true), json!("triage"), Value::Null),
            (json!(false), Value::Null, json!("not_in_triage")),
            (json!(false), Value::Null, json!("not_found")),
        ],
        "{r}"
    );

    // Placed as intake would have placed it, with the rule as the reason, in the person's category.
    let c = agent.detail(invoice_id).await["complaint"].clone();
    assert_eq!(
        (c["state"].as_str(), c["department_id"].as_i64()),
        (Some("assigned"), Some(app.seed.acme_finance)),
        "{c}"
    );
    assert_eq!((c["category_id"].as_i64(), c["severity"].as_i64()), (Some(app.seed.product_quality), Some(2)), "{c}");
    assert_eq!(c["routing"]["department"]["source"], "rule", "{c}");
    assert_eq!(c["routing"]["category"]["source"], "intake", "{c}");
    assert_eq!(events(&agent, invoice_id).await, ["registered", "routed", "classified", "routed", "assigned"]);
    // Still unsure: it waits, and the triage queue shows this run's suggestion.
    let list = agent.get("/api/v1/complaints?queue=triage").await.expect(200).clone();
    let row = list["items"].as_array().unwrap().iter().find(|i| i["id"] == vague_id).expect("in triage").clone();
    assert_eq!(
        (row["route_hint"]["outcome"].as_str(), row["route_hint"]["department"].as_str()),
        (Some("triage"), Some("财务部")),
        "{row}"
    );
    // Still unsure: it waits, with the decision made now.
    assert_eq!(agent.detail(vague_id).await["complaint"]["state"], "received");
    assert_eq!(events(&agent, vague_id).await, ["registered", "routed", "routed"]);
}

/// The routing page's 分派效果: a rule's complaint a supervisor moved to another department
/// counts as moved, with where it went; a triage complaint assigned where routing suggested
/// counts as followed; one still waiting, as waiting.
async fn the_outcomes_show_what_people_moved_and_which_suggestions_they_followed(app: TestApp) {
    let admin = app.login("admin").await;
    invoice_rule(&admin).await;
    let agent = app.login("agent").await;
    let empty = admin.get("/api/v1/routing/outcomes").await.expect(200).clone();
    assert_eq!((empty["days"].as_i64(), empty["complaints"].as_i64()), (Some(30), Some(0)), "{empty}");
    assert_eq!(empty["departments"], json!([]));

    let mut kept = Vec::new();
    for i in 0..3 {
        let c = agent.intake_with(&body(&format!("1374444000{i}"), &format!("发票第{i}次还没开"))).await;
        assert_eq!(c["routing"]["department"]["source"], "rule", "{c}");
        kept.push(c["id"].as_i64().unwrap());
    }
    let moved = kept.pop().unwrap();
    app.login("supervisor")
        .await
        .command(
            moved,
            "transfer",
            json!({"department_id": app.seed.acme_quality, "reason": "是质量问题", "misrouted": true}),
        )
        .await;
    // The seeded 退款 rule suggests 财务部 without a category: triage, then a person follows it.
    let followed = agent.intake_with(&body("13744440010", "退货十天了还没退款")).await;
    let followed = followed["id"].as_i64().unwrap();
    agent.command(followed, "classify", json!({"category": "product_fault", "severity": 2})).await;
    agent.command(followed, "assign", json!({"department_id": app.seed.acme_finance})).await;
    agent.intake_with(&body("13744440011", "你们的服务让我很失望")).await;

    let o = admin.get("/api/v1/routing/outcomes?days=7").await.expect(200).clone();
    assert_eq!((o["days"].as_i64(), o["complaints"].as_i64()), (Some(7), Some(5)), "{o}");
    let source = |s: &Value| {
        [&s["complaints"], &s["same"], &s["other"], &s["waiting"], &s["unsuggested"], &s["misrouted"]]
            .map(|v| v.as_i64().unwrap())
    };
    assert_eq!(source(&o["rule"]), [3, 2, 1, 0, 0, 1], "{o}");
    assert_eq!(source(&o["model"]), [0, 0, 0, 0, 0, 0], "{o}");
    assert_eq!(source(&o["triage"]), [2, 1, 0, 1, 0, 0], "{o}");
    assert_eq!(
        o["departments"],
        json!([{"label": "财务部", "routed": 3, "moved": 1, "misrouted": 1, "moved_to": "质量部", "moved_to_count": 1}])
    );
    // The category the rule gave them, which nobody changed (the followed one was classified by
    // a person, not by routing).
    assert_eq!(
        o["categories"],
        json!([{"label": "product_fault", "routed": 3, "moved": 0, "misrouted": 0, "moved_to": null, "moved_to_count": 0}])
    );
    // The rule that sent them, by name: the invoice rule, not the seeded 退款 one (its
    // suggestion left the complaint in triage).
    assert_eq!(o["rules"].as_array().map(Vec::len), Some(1), "{o}");
    assert_eq!(
        (o["rules"][0]["name"].as_str(), o["rules"][0]["department"].as_str()),
        (Some("发票问题"), Some("财务部"))
    );
    let rule = &o["rules"][0];
    assert_eq!([&rule["routed"], &rule["moved"], &rule["misrouted"]].map(Value::as_i64), [Some(3), Some(1), Some(1)]);
    // Each number opens the complaints behind it, in the caller's list.
    let listed = |query: String| {
        let admin = &admin;
        async move {
            let page = admin.get(&format!("/api/v1/complaints?queue=all&{query}")).await.expect(200).clone();
            page["total"].as_i64().unwrap()
        }
    };
    let finance = "routed_by=rule,model&routed_department=%E8%B4%A2%E5%8A%A1%E9%83%A8"; // 财务部
    assert_eq!(listed(format!("{finance}&routing_result=moved")).await, 1);
    assert_eq!(listed(format!("{finance}&routing_result=misrouted")).await, 1);
    assert_eq!(listed(format!("{finance}&routing_result=kept")).await, 2);
    assert_eq!(listed(format!("routed_rule_id={}", rule["rule_id"])).await, 3);
    assert_eq!(listed("routed_by=triage&routing_result=waiting".into()).await, 1);
    assert_eq!(listed("routed_category=product_fault&routing_result=reclassified".into()).await, 0);
    admin.get("/api/v1/complaints?routed_by=robot").await.expect_field("routed_by", "invalid_routed_by");
    admin.get("/api/v1/complaints?routing_result=lost").await.expect_field("routing_result", "invalid_routing_result");

    // A rule deleted since keeps its figures, without a name.
    admin.delete(&format!("/api/v1/routing/rules/{}", o["rules"][0]["rule_id"])).await.expect(204);
    let after = admin.get("/api/v1/routing/outcomes?days=7").await.expect(200).clone();
    assert_eq!((after["rules"][0]["name"].clone(), after["rules"][0]["routed"].as_i64()), (Value::Null, Some(3)));

    // Bad input changes nothing; the figures are the routing admin's.
    admin.get("/api/v1/routing/outcomes?days=0").await.expect_field("days", "out_of_range");
    admin.get("/api/v1/routing/outcomes?days=x").await.expect(422);
    admin.get("/api/v1/routing/outcomes?day=7").await.expect(422);
    agent.get("/api/v1/routing/outcomes").await.expect_error(403, "missing_permission");
}

/// 试运行: a rule tried on the newest complaints before it is saved, beside the saved rules and
/// by their priorities, against where people put the complaints. Nothing is saved.
async fn a_rule_is_tried_on_recent_complaints_before_it_is_saved(app: TestApp) {
    let admin = app.login("admin").await;
    invoice_rule(&admin).await;
    let agent = app.login("agent").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let c = agent.intake_with(&body(&format!("1375555000{i}"), &format!("发票第{i}次还没开"))).await;
        ids.push(c["id"].as_i64().unwrap());
    }
    agent.intake_with(&body("13755550009", "物流太慢了，一周还没到")).await;
    app.login("supervisor")
        .await
        .command(ids[2], "transfer", json!({"department_id": app.seed.acme_quality, "reason": "是质量问题"}))
        .await;
    let saved = admin.get("/api/v1/routing/rules").await.expect(200).clone();
    let invoice =
        saved.as_array().unwrap().iter().find(|r| r["name"] == "发票问题").expect("the invoice rule")["id"].clone();
    let draft = |priority: i64| json!({"name": "开票", "patterns": ["开票", "发票"], "department": "财务部", "priority": priority});
    let trial = |req: Value| {
        let admin = &admin;
        async move { admin.post("/api/v1/routing/rules/backtest", &req).await.expect(200).clone() }
    };

    // Beside the invoice rule, below its priority: it matches the three, and that rule decides them.
    let t = trial(json!({"rule": draft(0)})).await;
    assert_eq!([&t["scanned"], &t["matched"], &t["capped"]], [&json!(4), &json!(3), &json!(false)], "{t}");
    assert_eq!(t["department"]["decides"], 0, "{t}");
    assert_eq!(t["department"]["overruled_by"], json!([{"rule_id": invoice, "name": "发票问题", "complaints": 3}]));
    assert_eq!(t["category"], Value::Null, "the rule names no category");
    // Above it, it decides them; two are still where it would send them.
    let t = trial(json!({"rule": draft(50), "days": 7})).await;
    assert_eq!([&t["department"]["decides"], &t["department"]["agrees"]], [&json!(3), &json!(2)], "{t}");
    assert_eq!(t["department"]["label"], "财务部");
    assert_eq!(t["departments_now"][0], json!({"label": "财务部", "complaints": 2}));
    assert_eq!(t["departments_now"][1], json!({"label": "质量部", "complaints": 1}));
    let samples = t["samples"].as_array().expect("samples");
    assert_eq!(samples.len(), 3);
    assert_eq!(
        (samples[0]["id"].as_i64(), samples[0]["matched"].as_str()),
        (Some(ids[2]), Some("发票")),
        "newest first"
    );
    assert_eq!(samples[0]["department"], "质量部");
    // Editing the invoice rule itself: the draft is tried in its place.
    let t = trial(json!({"rule": draft(0), "rule_id": invoice})).await;
    assert_eq!([&t["department"]["decides"], &t["department"]["agrees"]], [&json!(3), &json!(2)], "{t}");
    assert_eq!(t["department"]["overruled_by"], json!([]));
    // Nothing was saved.
    assert_eq!(admin.get("/api/v1/routing/rules").await.expect(200).clone(), saved);

    // Bad input is refused field by field, as on saving; the trial is the routing admin's.
    let bad = json!({"rule": {"name": "x", "patterns": ["re:("], "department": "财务部"}});
    admin.post("/api/v1/routing/rules/backtest", &bad).await.expect_field("patterns[0]", "invalid_regex");
    let days = json!({"rule": draft(0), "days": 0});
    admin.post("/api/v1/routing/rules/backtest", &days).await.expect_field("days", "out_of_range");
    let unknown = json!({"rule": draft(0), "rule_id": 999_999});
    admin.post("/api/v1/routing/rules/backtest", &unknown).await.expect_field("rule_id", "unknown_rule");
    let extra = json!({"rule": draft(0), "limit": 5});
    admin.post("/api/v1/routing/rules/backtest", &extra).await.expect(422);
    let forbidden = agent.post("/api/v1/routing/rules/backtest", &json!({"rule": draft(0)})).await;
    forbidden.expect_error(403, "missing_permission");
}

/// 规则冲突: enabled rules that matched the same recent complaints and name different
/// departments; a tie of priority (decided by the rules' numbers) comes first.
async fn rules_that_disagree_over_recent_complaints_are_listed_ties_first(app: TestApp) {
    let admin = app.login("admin").await;
    let none = admin.get("/api/v1/routing/rules/conflicts").await.expect(200).clone();
    assert_eq!((none["days"].as_i64(), none["conflicts"].clone()), (Some(30), json!([])), "{none}");
    invoice_rule(&admin).await;
    let rule = |name: &str, department: &str, priority: i64| json!({"name": name, "patterns": ["发票"], "department": department, "priority": priority});
    admin.post("/api/v1/routing/rules", &rule("税号", "质量部", 20)).await.expect(201);
    admin.post("/api/v1/routing/rules", &rule("票据", "客服中心", 5)).await.expect(201);
    admin.post("/api/v1/routing/rules", &rule("开票", "财务部", 0)).await.expect(201);
    let agent = app.login("agent").await;
    agent.intake_with(&body("13766660001", "发票还没开")).await;
    let newest = agent.intake_with(&body("13766660002", "发票开错了抬头")).await;

    let c = admin.get("/api/v1/routing/rules/conflicts?days=7").await.expect(200).clone();
    assert_eq!((c["scanned"].as_i64(), c["capped"].as_bool()), (Some(2), Some(false)), "{c}");
    let pairs: Vec<_> = c["conflicts"]
        .as_array()
        .expect("conflicts")
        .iter()
        .map(|x| {
            let (w, l) = (&x["winner"], &x["loser"]);
            (w["name"].as_str(), l["name"].as_str(), l["label"].as_str(), x["tie"].as_bool(), x["complaints"].as_i64())
        })
        .collect();
    // The rule naming the same department (开票) is no conflict.
    assert_eq!(
        pairs,
        [
            (Some("发票问题"), Some("税号"), Some("质量部"), Some(true), Some(2)),
            (Some("发票问题"), Some("票据"), Some("客服中心"), Some(false), Some(2)),
        ],
        "{c}"
    );
    assert_eq!(c["conflicts"][0]["target"], "department");
    assert_eq!(c["conflicts"][0]["winner"]["priority"], 20);
    assert_eq!(c["conflicts"][0]["example"]["case_no"], newest["case_no"], "the newest example");

    admin.get("/api/v1/routing/rules/conflicts?days=400").await.expect_field("days", "out_of_range");
    agent.get("/api/v1/routing/rules/conflicts").await.expect_error(403, "missing_permission");
}
