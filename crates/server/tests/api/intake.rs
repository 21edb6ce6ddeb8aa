//! Intake: case numbers, customers found again by phone, idempotent retries, concurrency.

use crate::helpers::{TestApp, intake_body, is_case_no, sqlite_and_postgres};
use std::collections::HashSet;

sqlite_and_postgres!(
    intake_returns_case_number_and_finds_the_customer_again,
    idempotent_retry_returns_the_first_complaint,
    concurrent_intakes_get_distinct_case_numbers,
);

async fn intake_returns_case_number_and_finds_the_customer_again(app: TestApp) {
    let agent = app.login("agent").await;
    let r = agent.post("/api/v1/complaints", &intake_body("13800131234")).await;
    let first = r.expect(201).clone();
    let case_no = first["case_no"].as_str().expect("case_no");
    assert!(is_case_no(case_no), "case number {case_no} is not TS + 8 + 6 digits");
    assert_eq!(first["state"], "received");
    assert_eq!(first["channel"], "phone");
    assert_eq!(first["severity"], 2);
    assert_eq!(first["category_id"], app.seed.product_fault);
    assert_eq!(first["company_id"], app.seed.acme);
    assert_eq!(first["intake_unit_id"], app.seed.acme_cc);
    assert_eq!(first["version"], 1);
    assert_eq!(first["summary"], "洗衣机使用三天后无法启动");
    let id = first["id"].as_i64().expect("id");
    assert_eq!(r.headers["location"], format!("/api/v1/complaints/{id}").as_str());

    // The same phone typed differently is the same customer.
    let mut body = intake_body("138-0013-1234");
    body["content"] = "维修后再次出现故障".into();
    let second = agent.post("/api/v1/complaints", &body).await.expect(201).clone();
    assert_eq!(second["customer_id"], first["customer_id"]);
    assert_ne!(second["case_no"], first["case_no"]);
    assert!(is_case_no(second["case_no"].as_str().unwrap()));

    // A different phone is a different customer.
    let mut body = intake_body("13900139999");
    body["customer"]["email"] = "lisi@example.com".into();
    let third = agent.post("/api/v1/complaints", &body).await.expect(201).clone();
    assert_ne!(third["customer_id"], first["customer_id"]);

    // Detail by id and by case number agree.
    let by_case = agent.get(&format!("/api/v1/complaints/{case_no}")).await.expect(200).clone();
    assert_eq!(by_case["complaint"]["id"], id);
    assert_eq!(agent.total().await, 3);
}

async fn idempotent_retry_returns_the_first_complaint(app: TestApp) {
    let agent = app.login("agent").await;
    let body = intake_body("13800131234");
    let post = |key: &'static str| {
        let agent = agent.clone();
        let body = body.clone();
        async move {
            crate::helpers::Session::send(
                agent.request(reqwest::Method::POST, "/api/v1/complaints").header("Idempotency-Key", key).json(&body),
            )
            .await
        }
    };
    let first = post("call-2024-0001").await;
    let first = first.expect(201).clone();
    assert_eq!(agent.total().await, 1);

    let retry = post("call-2024-0001").await;
    let retry = retry.expect(200);
    assert_eq!(retry["case_no"], first["case_no"]);
    assert_eq!(retry["id"], first["id"]);
    assert_eq!(agent.total().await, 1, "a retry must not create a second complaint");
    assert_eq!(agent.version(first["id"].as_i64().unwrap()).await, 1);

    // Another key is another complaint.
    let other = post("call-2024-0002").await;
    assert_ne!(other.expect(201)["case_no"], first["case_no"]);
    assert_eq!(agent.total().await, 2);

    // A key is per user: the supervisor's request with the same key is new.
    let supervisor = app.login("supervisor").await;
    let r = crate::helpers::Session::send(
        supervisor
            .request(reqwest::Method::POST, "/api/v1/complaints")
            .header("Idempotency-Key", "call-2024-0001")
            .json(&body),
    )
    .await;
    assert_ne!(r.expect(201)["case_no"], first["case_no"]);
    assert_eq!(agent.total().await, 3);
}

async fn concurrent_intakes_get_distinct_case_numbers(app: TestApp) {
    let agent = app.login("agent").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let agent = agent.clone();
        tasks.spawn(async move {
            let r = agent.post("/api/v1/complaints", &intake_body(&format!("1380013{i:04}"))).await;
            r.expect(201)["case_no"].as_str().expect("case_no").to_owned()
        });
    }
    let mut seen = HashSet::new();
    while let Some(case_no) = tasks.join_next().await {
        let case_no = case_no.expect("task");
        assert!(is_case_no(&case_no), "{case_no}");
        assert!(seen.insert(case_no.clone()), "case number {case_no} given twice");
    }
    assert_eq!(seen.len(), 50);
    assert_eq!(agent.total().await, 50);
    assert!(app.store.verify().await.expect("verify").first_break.is_none());
}
