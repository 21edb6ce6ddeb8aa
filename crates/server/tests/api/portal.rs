//! The customer portal's API: submit without an account, find the complaint again with the
//! case number and contact, agree to the remedy and rate — and nothing internal leaks.

use crate::helpers::{TestApp, sqlite_and_postgres};
use cloop_store::portal::PUBLIC_INTAKE_UNIT;
use serde_json::json;

sqlite_and_postgres!(
    customer_submits_tracks_agrees_and_rates,
    portal_input_is_validated_and_changes_nothing,
    portal_is_rate_limited_per_address,
);

async fn customer_submits_tracks_agrees_and_rates(app: TestApp) {
    app.store.set_setting(PUBLIC_INTAKE_UNIT, "acme.cc").await.expect("setting");
    let customer = app.anonymous();
    let r = customer
        .post(
            "/api/v1/public/complaints",
            &json!({"name": "赵六", "phone": "13700001234", "content": "网购的电饭煲收到时内胆有裂痕，要求换货。", "order_ref": "HT2026112200001"}),
        )
        .await;
    let receipt = r.expect(201).clone();
    let case_no = receipt["case_no"].as_str().expect("case_no").to_owned();
    let token = receipt["token"].as_str().expect("token").to_owned();
    assert_eq!(token.len(), 64);

    let view = customer.get(&format!("/api/v1/public/complaints/{token}")).await.expect(200).clone();
    assert_eq!(view["case_no"], case_no.as_str());
    assert_eq!(view["state"], "received");
    assert_eq!(view["can_decide"], false);
    assert_eq!(view["timeline"][0]["kind"], "registered");

    // A made-up token and a wrong contact open nothing, and say nothing about existence.
    customer.get(&format!("/api/v1/public/complaints/{}", "a".repeat(64))).await.expect_error(404, "not_found");
    customer
        .post("/api/v1/public/track", &json!({"case_no": case_no, "contact": "13700009999"}))
        .await
        .expect_error(404, "not_found");
    customer
        .post("/api/v1/public/track", &json!({"case_no": "TS20990101000001", "contact": "13700001234"}))
        .await
        .expect_error(404, "not_found");
    let tracked = customer.post("/api/v1/public/track", &json!({"case_no": case_no, "contact": "137-0000-1234"})).await;
    let token2 = tracked.expect(200)["token"].as_str().expect("token").to_owned();
    assert_ne!(token2, token);

    // Staff of the intake unit see it and handle it up to the remedy.
    let agent = app.login("agent").await;
    let list = agent.get("/api/v1/complaints?queue=triage").await.expect(200).clone();
    let id =
        list["items"].as_array().expect("items").iter().find(|c| c["case_no"] == case_no.as_str()).expect("in triage")
            ["id"]
            .as_i64()
            .expect("id");
    assert_eq!(list["items"][0]["channel"], "web");
    agent.command(id, "classify", json!({"category": "product_fault", "severity": 2})).await;
    agent
        .command(id, "assign", json!({"department_id": app.seed.acme_quality, "handler_id": app.seed.user("handler")}))
        .await;
    let handler = app.login("handler").await;
    handler.command(id, "accept", json!({})).await;
    handler.command(id, "notes", json!({"text": "内部：供应商批次问题", "visibility": "internal"})).await;
    handler.command(id, "notes", json!({"text": "您好，我们已安排换货。", "visibility": "customer"})).await;
    let c = handler
        .command(id, "remedy", json!({"measures": [{"kind": "return_exchange", "amount": 399}, {"kind": "compensation", "amount": 50}], "explanation": "免费换新并补偿 50 元"}))
        .await;
    assert_eq!(c["state"], "awaiting_customer");

    let view = customer.get(&format!("/api/v1/public/complaints/{token2}")).await.expect(200).clone();
    assert_eq!(view["can_decide"], true);
    assert_eq!(view["remedy"]["measures"][1]["amount"], 5000, "amounts are in fen");
    let texts: Vec<&str> = view["timeline"].as_array().unwrap().iter().filter_map(|e| e["text"].as_str()).collect();
    assert_eq!(texts, vec!["您好，我们已安排换货。"], "only replies reach the customer, never internal notes");

    let agreed = customer.post(&format!("/api/v1/public/complaints/{token}/decision"), &json!({"agree": true})).await;
    assert_eq!(agreed.expect(200)["state"], "executing");
    // Deciding twice is refused by the loop, not by luck.
    customer
        .post(&format!("/api/v1/public/complaints/{token}/decision"), &json!({"agree": false}))
        .await
        .expect_error(409, "wrong_state");
    // Rating before resolution is refused too.
    customer
        .post(&format!("/api/v1/public/complaints/{token}/rating"), &json!({"stars": 5}))
        .await
        .expect_error(409, "wrong_state");

    handler.command(id, "result", json!({"result": "已换新，补偿到账"})).await;
    customer
        .post(&format!("/api/v1/public/complaints/{token}/rating"), &json!({"stars": 9}))
        .await
        .expect_field("stars", "invalid_stars");
    let rated = customer
        .post(&format!("/api/v1/public/complaints/{token}/rating"), &json!({"stars": 4, "comment": "处理及时"}))
        .await;
    let rated = rated.expect(200).clone();
    assert_eq!(rated["satisfaction"]["stars"], 4);
    assert_eq!(rated["can_rate"], false);
    customer
        .post(&format!("/api/v1/public/complaints/{token}/rating"), &json!({"stars": 1}))
        .await
        .expect_error(409, "already_rated");

    // The staff timeline records the customer as the actor of their own steps.
    let detail = agent.detail(id).await;
    let events = detail["events"].as_array().expect("events");
    let by_customer: Vec<&str> =
        events.iter().filter(|e| e["actor_kind"] == "customer").map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(by_customer, vec!["registered", "customer_agreed", "satisfaction_recorded"]);
    assert!(app.store.verify().await.expect("verify").first_break.is_none());
}

async fn portal_input_is_validated_and_changes_nothing(app: TestApp) {
    let customer = app.anonymous();
    let admin = app.login("admin").await;
    let before = admin.total().await;
    let r = customer.post("/api/v1/public/complaints", &json!({"name": " ", "content": ""})).await;
    r.expect_field("name", "required");
    r.expect_field("content", "required");
    r.expect_field("phone", "contact_required");
    customer
        .post("/api/v1/public/complaints", &json!({"name": "钱七", "phone": "12", "content": "x"}))
        .await
        .expect_field("phone", "invalid_phone");
    customer
        .post(
            "/api/v1/public/complaints",
            &json!({"name": "钱七", "phone": "13700001234", "content": "x", "category": "nope"}),
        )
        .await
        .expect_field("category", "unknown_category");
    customer
        .post(
            "/api/v1/public/complaints",
            &json!({"name": "钱七", "phone": "13700001234", "content": "x", "severity": 1}),
        )
        .await
        .expect_field("severity", "unknown_field");
    assert_eq!(admin.total().await, before, "refused submissions create nothing");
}

async fn portal_is_rate_limited_per_address(app: TestApp) {
    let customer = app.anonymous();
    let mut statuses = Vec::new();
    for _ in 0..(cloop_server::PUBLIC_REQUESTS_PER_MINUTE + 3) {
        let r = customer.get(&format!("/api/v1/public/complaints/{}", "b".repeat(64))).await;
        statuses.push(r.status.as_u16());
    }
    let limit = cloop_server::PUBLIC_REQUESTS_PER_MINUTE as usize;
    assert!(statuses[..limit].iter().all(|&s| s == 404), "{statuses:?}");
    assert!(statuses[limit..].iter().all(|&s| s == 429), "{statuses:?}");
    // Staff endpoints are not limited by the public budget.
    let agent = app.login("agent").await;
    agent.get("/api/v1/complaints").await.expect(200);
}
