//! The loop, end to end, with the right people at each step; the dissatisfied path and
//! transfers; first-contact resolution; refusals in the wrong state; evidence.

use crate::helpers::{Session, TestApp, assert_chain, assigned_complaint, intake_body, sqlite_and_postgres};
use serde_json::json;
use sha2::{Digest, Sha256};

sqlite_and_postgres!(
    whole_loop_to_archive,
    dissatisfied_rating_opens_review_and_transfers_are_counted,
    first_contact_resolution_by_the_agent,
    wrong_state_is_refused_and_changes_nothing,
    evidence_is_stored_by_hash_and_sniffed,
);

async fn whole_loop_to_archive(app: TestApp) {
    let agent = app.login("agent").await;
    let handler = app.login("handler").await;
    let supervisor = app.login("supervisor").await;

    // Register without category or severity, then classify and assign.
    let mut body = intake_body("13800131234");
    body.as_object_mut().unwrap().remove("category");
    body.as_object_mut().unwrap().remove("severity");
    let c = agent.intake_with(&body).await;
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["category_id"], serde_json::Value::Null);
    // Assigning before classifying is refused.
    agent
        .post(&format!("/api/v1/complaints/{id}/assign"), &json!({"department_id": app.seed.acme_quality}))
        .await
        .expect_error(409, "not_classified");
    let c = agent.command(id, "classify", json!({"category": "product_fault", "severity": 2})).await;
    assert_eq!(c["category_id"], app.seed.product_fault);
    assert_eq!(c["severity"], 2);
    let c = agent
        .command(id, "assign", json!({"department_id": app.seed.acme_quality, "handler_id": app.seed.user("handler")}))
        .await;
    assert_eq!(c["state"], "assigned");
    assert_eq!(c["department_id"], app.seed.acme_quality);
    assert_eq!(c["handler_id"], app.seed.user("handler"));

    // The handler investigates and proposes 1,500 元 compensation: above their 500 limit.
    let c = handler.command(id, "accept", json!({})).await;
    assert_eq!(c["state"], "investigating");
    let c = handler.command(id, "notes", json!({"text": "已联系客户，确认电机故障"})).await;
    assert_eq!(c["state"], "investigating");
    let c = handler
        .command(
            id,
            "remedy",
            json!({"measures": [{"kind": "compensation", "amount": 1500, "description": "补偿"}], "explanation": "电机故障，补偿 1500 元"}),
        )
        .await;
    assert_eq!(c["state"], "pending_approval");
    assert_eq!(c["approval_role"], "supervisor");
    assert_eq!(c["remedy"]["measures"][0]["amount"], 150_000, "amounts are kept in fen");
    let version = c["version"].as_u64().unwrap();

    // Handlers cannot approve (their own or any) remedy.
    handler
        .post(&format!("/api/v1/complaints/{id}/remedy/approve"), &json!({}))
        .await
        .expect_error(403, "missing_permission");
    assert_eq!(handler.version(id).await, version, "a refusal changes nothing");
    // It shows in the supervisor's approval queue.
    let queue = supervisor.get("/api/v1/complaints?queue=approval").await.expect(200).clone();
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["id"], id);

    let c = supervisor.command(id, "remedy/approve", json!({"comment": "同意"})).await;
    assert_eq!(c["state"], "awaiting_customer");
    assert_eq!(c["approval_role"], serde_json::Value::Null);
    let c = agent.command(id, "customer-decision", json!({"agree": true, "comment": "客户同意"})).await;
    assert_eq!(c["state"], "executing");
    let c = handler.command(id, "execution/start", json!({"note": "已安排打款"})).await;
    assert_eq!(c["state"], "executing");
    assert_eq!(c["execution_started"], true);
    let c = handler.command(id, "result", json!({"result": "补偿已到账"})).await;
    assert_eq!(c["state"], "resolved");
    assert!(c["resolved_at"].is_string());

    let c = agent.command(id, "satisfaction", json!({"stars": 5, "comment": "满意"})).await;
    assert_eq!(c["state"], "resolved");
    assert_eq!(c["satisfaction"]["stars"], 5);
    let c = agent.command(id, "return-visit", json!({"method": "phone", "outcome": "satisfied"})).await;
    assert_eq!(c["return_visit"]["outcome"], "satisfied");
    let c = agent.command(id, "close", json!({"note": "回访满意"})).await;
    assert_eq!(c["state"], "closed");
    assert!(c["closed_at"].is_string());
    // Agents may not archive; supervisors may.
    agent.post(&format!("/api/v1/complaints/{id}/archive"), &json!({})).await.expect_error(403, "missing_permission");
    let c = supervisor.command(id, "archive", json!({})).await;
    assert_eq!(c["state"], "archived");
    let version = c["version"].as_u64().unwrap();

    // Archived is read-only.
    agent
        .post(&format!("/api/v1/complaints/{id}/notes"), &json!({"text": "再补充"}))
        .await
        .expect_error(409, "archived");
    supervisor
        .post(&format!("/api/v1/complaints/{id}/reopen"), &json!({"reason": "客户再次来电"}))
        .await
        .expect_error(409, "archived");

    // The timeline is a hash chain and the store verifies it.
    let detail = supervisor.detail(id).await;
    assert_eq!(detail["complaint"]["version"], version);
    let events = &detail["events"];
    assert_chain(events);
    let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "registered",
            "classified",
            "assigned",
            "accepted",
            "note_added",
            "remedy_proposed",
            "remedy_approved",
            "customer_agreed",
            "execution_started",
            "result_reported",
            "satisfaction_recorded",
            "return_visit_recorded",
            "closed",
            "archived",
        ]
    );
    assert_eq!(events.as_array().unwrap().len() as u64, version);
    assert_eq!(events[0]["prev_hash"].as_str().map(str::len), Some(64));
    assert_eq!(events[6]["actor_id"], app.seed.user("supervisor"));
    assert_eq!(events[6]["actor_name"], "李主管");
    let separate = supervisor.get(&format!("/api/v1/complaints/{id}/events")).await.expect(200).clone();
    assert_eq!(&separate, events);
    let report = app.store.verify().await.expect("verify");
    assert_eq!(report.complaints, 1);
    assert_eq!(report.events, version);
    assert!(report.first_break.is_none(), "{:?}", report.first_break);
}

async fn dissatisfied_rating_opens_review_and_transfers_are_counted(app: TestApp) {
    let agent = app.login("agent").await;
    let handler = app.login("handler").await;
    let supervisor = app.login("supervisor").await;
    let id = assigned_complaint(&app, &agent, "13800131234").await;
    handler.command(id, "accept", json!({})).await;
    // 200 元 repair is within the handler's authority: straight to the customer.
    let c = handler
        .command(id, "remedy", json!({"measures": [{"kind": "repair", "amount": 200}], "explanation": "上门维修"}))
        .await;
    assert_eq!(c["state"], "awaiting_customer");
    agent.command(id, "customer-decision", json!({"agree": true})).await;
    let c = handler.command(id, "result", json!({"result": "已维修"})).await;
    assert_eq!(c["state"], "resolved");

    let c = agent.command(id, "satisfaction", json!({"stars": 2, "comment": "还是有噪音"})).await;
    assert_eq!(c["state"], "secondary_review");
    // Closing is not possible in review.
    agent.post(&format!("/api/v1/complaints/{id}/close"), &json!({})).await.expect_error(409, "wrong_state");

    let c = supervisor
        .command(
            id,
            "review",
            json!({"decision": "reopen", "handler_id": app.seed.user("manager"), "reason": "由部门负责人重新处理"}),
        )
        .await;
    assert_eq!(c["state"], "investigating");
    assert_eq!(c["reopen_count"], 1);
    assert_eq!(c["handler_id"], app.seed.user("manager"));
    assert_eq!(c["transfer_count"], 0);

    // Transfer to finance, counted.
    let c = supervisor
        .command(
            id,
            "transfer",
            json!({"department_id": app.seed.acme_finance, "handler_id": app.seed.user("finance"), "reason": "涉及退款"}),
        )
        .await;
    assert_eq!(c["state"], "assigned");
    assert_eq!(c["department_id"], app.seed.acme_finance);
    assert_eq!(c["handler_id"], app.seed.user("finance"));
    assert_eq!(c["transfer_count"], 1);
    let version = c["version"].as_u64().unwrap();

    // Transfer to the department it is already with.
    let r = supervisor
        .post(
            &format!("/api/v1/complaints/{id}/transfer"),
            &json!({"department_id": app.seed.acme_finance, "reason": "再转一次"}),
        )
        .await;
    let e = r.expect_error(422, "same_department");
    assert_eq!(e["fields"][0]["field"], "department_id");
    // A handler from another department cannot be named.
    supervisor
        .post(
            &format!("/api/v1/complaints/{id}/transfer"),
            &json!({"department_id": app.seed.acme_quality, "handler_id": app.seed.user("finance"), "reason": "退回"}),
        )
        .await
        .expect_field("handler_id", "handler_not_in_department");
    // That first transfer was a hand-off; only the first can say the complaint was misrouted.
    assert_eq!(c["misrouted"], false);
    let r = supervisor
        .post(
            &format!("/api/v1/complaints/{id}/transfer"),
            &json!({"department_id": app.seed.acme_quality, "reason": "分错了", "misrouted": true}),
        )
        .await;
    assert_eq!(r.expect_error(422, "not_first_transfer")["fields"][0]["field"], "misrouted");
    let detail = supervisor.detail(id).await;
    assert_eq!(detail["complaint"]["transfer_count"], 1);
    assert_eq!(detail["complaint"]["version"], version);
    assert_eq!(detail["department_name"], "财务部");
    // The list row carries the count too.
    let list = supervisor.get("/api/v1/complaints").await.expect(200).clone();
    assert_eq!(list["items"][0]["transfer_count"], 1);
    assert_chain(&detail["events"]);
    assert!(app.store.verify().await.unwrap().first_break.is_none());
}

async fn first_contact_resolution_by_the_agent(app: TestApp) {
    let agent = app.login("agent").await;
    let c = agent.intake("13800131234").await;
    let id = c["id"].as_i64().unwrap();
    let c = agent.command(id, "resolve", json!({"summary": "指导客户复位后恢复正常"})).await;
    assert_eq!(c["state"], "resolved");
    assert_eq!(c["first_contact_resolution"], true);
    assert!(c["resolved_at"].is_string());
    assert_eq!(c["department_id"], serde_json::Value::Null);
    // Resolving again is refused.
    agent
        .post(&format!("/api/v1/complaints/{id}/resolve"), &json!({"summary": "again"}))
        .await
        .expect_error(409, "wrong_state");
    // Handlers cannot resolve at first contact (they cannot see an unassigned complaint either).
    let handler = app.login("handler").await;
    handler.get(&format!("/api/v1/complaints/{id}")).await.expect_error(404, "not_found");
    let detail = agent.detail(id).await;
    assert_eq!(detail["events"][1]["kind"], "resolved_at_first_contact");
    assert_chain(&detail["events"]);
}

async fn wrong_state_is_refused_and_changes_nothing(app: TestApp) {
    let agent = app.login("agent").await;
    let supervisor = app.login("supervisor").await;
    let c = agent.intake("13800131234").await;
    let id = c["id"].as_i64().unwrap();
    let before = agent.detail(id).await;

    let r = supervisor.post(&format!("/api/v1/complaints/{id}/accept"), &json!({})).await;
    let e = r.expect_error(409, "wrong_state");
    assert!(e["message"]["zh-CN"].as_str().unwrap().contains("不能受理"), "{e}");
    assert!(e["message"]["en"].as_str().unwrap().contains("cannot accept"), "{e}");

    // Other refusals in `received`.
    for (cmd, body) in [
        ("remedy/approve", json!({})),
        ("result", json!({"result": "done"})),
        ("close", json!({})),
        ("archive", json!({})),
    ] {
        let r = supervisor.post(&format!("/api/v1/complaints/{id}/{cmd}"), &body).await;
        r.expect_error(409, "wrong_state");
    }
    let after = agent.detail(id).await;
    assert_eq!(after["complaint"]["version"], 1);
    assert_eq!(after["complaint"], before["complaint"]);
    assert_eq!(after["events"], before["events"]);
}

/// The smallest byte string `infer` recognises as PNG: signature + IHDR chunk.
fn png_bytes() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&13u32.to_be_bytes());
    b.extend_from_slice(b"IHDR");
    b.extend_from_slice(&1u32.to_be_bytes()); // width
    b.extend_from_slice(&1u32.to_be_bytes()); // height
    b.extend_from_slice(&[8, 6, 0, 0, 0]); // depth, colour type, compression, filter, interlace
    b.extend_from_slice(&[0x1F, 0x15, 0xC4, 0x89]); // CRC
    b
}

async fn upload(s: &Session, id: i64, name: &str, bytes: Vec<u8>) -> crate::helpers::Reply {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    Session::send(s.request(reqwest::Method::POST, &format!("/api/v1/complaints/{id}/evidence")).multipart(form)).await
}

async fn evidence_is_stored_by_hash_and_sniffed(app: TestApp) {
    let agent = app.login("agent").await;
    let c = agent.intake("13800131234").await;
    let id = c["id"].as_i64().unwrap();
    let png = png_bytes();
    let sha = hex::encode(Sha256::digest(&png));

    let r = upload(&agent, id, "photo.png", png.clone()).await;
    let c = r.expect(200);
    let att = &c["attachments"][0];
    assert_eq!(att["sha256"], sha.as_str());
    assert_eq!(att["content_type"], "image/png");
    assert_eq!(att["file_name"], "photo.png");
    assert_eq!(att["size"], png.len());
    assert_eq!(c["version"], 2);

    let detail = agent.detail(id).await;
    assert_eq!(detail["complaint"]["attachments"][0]["sha256"], sha.as_str());
    assert_eq!(detail["events"][1]["kind"], "evidence_added");

    let r = agent.get(&format!("/api/v1/complaints/{id}/attachments/{sha}")).await;
    r.expect(200);
    assert_eq!(r.headers["content-type"], "image/png");
    assert_eq!(r.bytes, png, "the download returns the uploaded bytes");
    agent.get(&format!("/api/v1/complaints/{id}/attachments/{}", "0".repeat(64))).await.expect_error(404, "not_found");

    // An executable disguised as a picture is refused and nothing is attached.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend_from_slice(&[0u8; 64]);
    let r = upload(&agent, id, "invoice.png", exe).await;
    r.expect_field("file", "unsupported_file_type");
    // Not multipart at all.
    agent
        .post(&format!("/api/v1/complaints/{id}/evidence"), &json!({"file": "x"}))
        .await
        .expect_error(415, "unsupported_media_type");
    let detail = agent.detail(id).await;
    assert_eq!(detail["complaint"]["version"], 2);
    assert_eq!(detail["complaint"]["attachments"].as_array().unwrap().len(), 1);

    // Another company's agent cannot download it.
    let beta = app.login("beta_agent").await;
    beta.get(&format!("/api/v1/complaints/{id}/attachments/{sha}")).await.expect_error(404, "not_found");
}
