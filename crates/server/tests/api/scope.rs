//! Permissions and data scope: who may do what, masked personal data and logged reveals, and
//! who sees which complaints.

use crate::helpers::{TestApp, assigned_complaint, intake_body, sqlite_and_postgres};
use serde_json::json;

sqlite_and_postgres!(
    handlers_cannot_register,
    personal_data_is_masked_and_reveals_are_audited,
    data_scope_follows_the_organisation,
);

async fn handlers_cannot_register(app: TestApp) {
    let handler = app.login("handler").await;
    let r = handler.post("/api/v1/complaints", &intake_body("13800131234")).await;
    let e = r.expect_error(403, "missing_permission");
    assert!(e["message"]["en"].as_str().unwrap().contains("Register complaints"), "{e}");
    assert!(e["message"]["zh-CN"].as_str().unwrap().contains("登记投诉"), "{e}");
    assert_eq!(app.store.complaint_count().await.unwrap(), 0);
    // Nor classify or assign what they were given.
    let agent = app.login("agent").await;
    let id = assigned_complaint(&app, &agent, "13800131234").await;
    let version = agent.version(id).await;
    handler
        .post(&format!("/api/v1/complaints/{id}/classify"), &json!({"category": "product_fault", "severity": 1}))
        .await
        .expect_error(403, "missing_permission");
    handler
        .post(
            &format!("/api/v1/complaints/{id}/transfer"),
            &json!({"department_id": app.seed.acme_finance, "reason": "不归我们管"}),
        )
        .await
        .expect_error(403, "missing_permission");
    // Accepting someone else's complaint is refused too: the finance handler does not even see it.
    let finance = app.login("finance").await;
    finance.post(&format!("/api/v1/complaints/{id}/accept"), &json!({})).await.expect_error(404, "not_found");
    assert_eq!(agent.version(id).await, version);
}

async fn personal_data_is_masked_and_reveals_are_audited(app: TestApp) {
    let agent = app.login("agent").await;
    let supervisor = app.login("supervisor").await;
    let admin = app.login("admin").await;
    let c = agent.intake("13812341234").await;
    let id = c["id"].as_i64().unwrap();
    let customer_id = c["customer_id"].as_i64().unwrap();

    let detail = agent.detail(id).await;
    let customer = &detail["customer"];
    assert_eq!(customer["phone"], "138****1234");
    assert_eq!(customer["name"], "张*");
    assert_eq!(customer["email"], "z***@example.com");
    assert_eq!(customer["revealed"], false);
    assert!(!detail.to_string().contains("13812341234"), "the full phone must not appear in the detail");
    let list = agent.get("/api/v1/complaints").await.expect(200).clone();
    assert_eq!(list["items"][0]["customer_name"], "张*");
    let card = agent.get(&format!("/api/v1/customers/{customer_id}")).await.expect(200).clone();
    assert_eq!(card["customer"]["phone"], "138****1234");
    assert_eq!(card["complaint_count"], 1);
    let found = agent.get("/api/v1/customers?phone=138-1234-1234").await.expect(200).clone();
    assert_eq!(found["customer"]["id"], customer_id);

    let reveal = format!("/api/v1/customers/{customer_id}/reveal");
    agent.post(&reveal, &json!({"complaint_id": id, "reason": "回访"})).await.expect_error(403, "missing_permission");
    let r = supervisor.post(&reveal, &json!({"complaint_id": id, "reason": "需要回电"})).await;
    let full = r.expect(200);
    assert_eq!(full["phone"], "13812341234");
    assert_eq!(full["name"], "张三");
    assert_eq!(full["email"], "zhangsan@example.com");
    assert_eq!(full["revealed"], true);

    let audit = admin.get("/api/v1/audit").await.expect(200).clone();
    let reveals: Vec<_> = audit.as_array().unwrap().iter().filter(|a| a["action"] == "pii.reveal").collect();
    assert_eq!(reveals.len(), 1, "exactly one reveal (the refused one is not logged): {audit}");
    assert_eq!(reveals[0]["user_id"], app.seed.user("supervisor"));
    assert_eq!(reveals[0]["target"], format!("customer:{customer_id}").as_str());
    assert_eq!(reveals[0]["detail"]["reason"], "需要回电");
    assert_eq!(reveals[0]["detail"]["complaint_id"], id);
    // "Who saw this customer's details?", asked of the whole log: by target, action and user.
    let by_target = admin.get(&format!("/api/v1/audit?target=customer:{customer_id}")).await.expect(200).clone();
    assert_eq!(by_target.as_array().unwrap().len(), 1, "{by_target}");
    assert_eq!(by_target[0]["id"], reveals[0]["id"]);
    assert_eq!(by_target[0]["target_name"], "张*", "whose details were seen, masked: {by_target}");
    let supervisor_id = app.seed.user("supervisor");
    let by_user =
        admin.get(&format!("/api/v1/audit?user_id={supervisor_id}&action=pii.reveal")).await.expect(200).clone();
    assert_eq!(by_user.as_array().unwrap().len(), 1, "{by_user}");
    let logins =
        admin.get(&format!("/api/v1/audit?user_id={supervisor_id}&action=auth.login")).await.expect(200).clone();
    assert!(
        logins.as_array().unwrap().iter().all(|a| a["action"] == "auth.login" && a["user_id"] == supervisor_id),
        "{logins}"
    );
    assert_eq!(logins[0]["target_name"], supervisor.me["user"]["display_name"], "a user target by name: {logins}");
    // Pages: newest first, the next one after the last id, nothing twice or left out.
    let all = audit.as_array().unwrap();
    assert!(all.len() >= 3, "{audit}");
    let first = admin.get("/api/v1/audit?limit=2").await.expect(200).clone();
    let last_id = first[1]["id"].as_i64().unwrap();
    let next = admin.get(&format!("/api/v1/audit?limit=2&before={last_id}")).await.expect(200).clone();
    let paged: Vec<_> =
        first.as_array().unwrap().iter().chain(next.as_array().unwrap()).map(|a| a["id"].clone()).collect();
    let expected: Vec<_> = all.iter().take(4).map(|a| a["id"].clone()).collect();
    assert_eq!(paged, expected);
    // A time window: nothing after the last entry, everything from before the first.
    let newest_at = all[0]["at"].as_str().unwrap();
    let later = admin.get(&format!("/api/v1/audit?from={}", newest_at.replace('+', "%2B"))).await.expect(200).clone();
    assert!(later.as_array().unwrap().iter().all(|a| a["at"].as_str().unwrap() >= newest_at), "{later}");
    assert!(admin.get("/api/v1/audit?to=2000-01-01T00:00:00Z").await.expect(200).as_array().unwrap().is_empty());
    // Bad input is refused by field.
    admin.get("/api/v1/audit?limit=0").await.expect_field("limit", "out_of_range");
    admin
        .get("/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")
        .await
        .expect_field("to", "before_from");
    admin.get("/api/v1/audit?user_id=x").await.expect_error(422, "validation_failed");
    // Only auditors read the audit log.
    supervisor.get("/api/v1/audit").await.expect_error(403, "missing_permission");

    // A supervisor of another company cannot reveal this customer.
    let beta_sup = {
        let admin_created = admin
            .post(
                "/api/v1/users",
                &json!({"username": "beta_sup", "display_name": "贝塔主管", "password": "password123",
                        "org_unit_id": app.seed.beta_cc, "role_id": app.seed.role("supervisor")}),
            )
            .await;
        admin_created.expect(201);
        app.login("beta_sup").await
    };
    beta_sup.post(&reveal, &json!({})).await.expect_error(404, "not_found");
}

async fn data_scope_follows_the_organisation(app: TestApp) {
    let agent = app.login("agent").await;
    let beta_agent = app.login("beta_agent").await;
    let finance = app.login("finance").await;
    let handler = app.login("handler").await;
    let admin = app.login("admin").await;

    let id = assigned_complaint(&app, &agent, "13800131234").await;
    let case_no = agent.detail(id).await["complaint"]["case_no"].as_str().unwrap().to_owned();
    let beta_c = beta_agent.intake("13900139999").await;
    assert_eq!(beta_c["company_id"], app.seed.beta);
    let beta_id = beta_c["id"].as_i64().unwrap();

    // Beta does not see acme's complaint, by id or case number, nor in lists and counts.
    beta_agent.get(&format!("/api/v1/complaints/{id}")).await.expect_error(404, "not_found");
    beta_agent.get(&format!("/api/v1/complaints/{case_no}")).await.expect_error(404, "not_found");
    beta_agent.get(&format!("/api/v1/complaints/{id}/events")).await.expect_error(404, "not_found");
    beta_agent
        .post(&format!("/api/v1/complaints/{id}/notes"), &json!({"text": "窥探"}))
        .await
        .expect_error(404, "not_found");
    let beta_list = beta_agent.get("/api/v1/complaints").await.expect(200).clone();
    assert_eq!(beta_list["total"], 1);
    assert_eq!(beta_list["items"][0]["id"], beta_id);
    let counts = beta_agent.get("/api/v1/complaints/counts").await.expect(200).clone();
    assert_eq!(counts, json!({"received": 1}));
    // … and acme does not see beta's.
    agent.get(&format!("/api/v1/complaints/{beta_id}")).await.expect_error(404, "not_found");
    assert_eq!(agent.total().await, 1);

    // The finance handler does not see a complaint assigned to quality; the quality handler does.
    finance.get(&format!("/api/v1/complaints/{id}")).await.expect_error(404, "not_found");
    assert_eq!(finance.total().await, 0);
    handler.detail(id).await;
    assert_eq!(handler.total().await, 1);
    let mine = handler.get("/api/v1/complaints?queue=mine").await.expect(200).clone();
    assert_eq!(mine["items"][0]["id"], id);

    // The group admin sees everything.
    assert_eq!(admin.total().await, 2);
    admin.detail(id).await;
    admin.detail(beta_id).await;

    // After a transfer to finance, quality no longer sees it and finance does.
    let supervisor = app.login("supervisor").await;
    supervisor.command(id, "transfer", json!({"department_id": app.seed.acme_finance, "reason": "涉及退款"})).await;
    finance.detail(id).await;
    handler.get(&format!("/api/v1/complaints/{id}")).await.expect_error(404, "not_found");
}
