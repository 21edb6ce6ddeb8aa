//! Authentication: sessions with CSRF, logout, API tokens and their revocation, password
//! changes.

use crate::helpers::{PASSWORD, Session, TestApp, intake_body, sqlite_and_postgres};
use reqwest::Method;
use serde_json::json;

sqlite_and_postgres!(
    no_credentials_is_401,
    wrong_password_is_401_bad_credentials,
    session_writes_need_the_csrf_header,
    logout_ends_the_session,
    bearer_tokens_work_without_csrf_until_revoked,
    password_change_retires_the_old_password,
);

async fn no_credentials_is_401(app: TestApp) {
    let anon = app.anonymous();
    anon.get("/api/v1/complaints").await.expect_error(401, "unauthenticated");
    anon.get("/api/v1/auth/me").await.expect_error(401, "unauthenticated");
    anon.post("/api/v1/complaints", &intake_body("13800131234")).await.expect_error(401, "unauthenticated");
    // A made-up cookie or token is no better.
    Session::send(anon.raw(Method::GET, "/api/v1/complaints").header("cookie", "cloop_session=forged"))
        .await
        .expect_error(401, "unauthenticated");
    Session::send(anon.raw(Method::GET, "/api/v1/complaints").bearer_auth("clp_forged"))
        .await
        .expect_error(401, "unauthenticated");
    Session::send(anon.raw(Method::GET, "/api/v1/complaints").header("authorization", "Basic YWdlbnQ6eA=="))
        .await
        .expect_error(401, "unauthenticated");
    assert_eq!(app.store.complaint_count().await.unwrap(), 0);
    // The vocabulary is public.
    let meta = anon.get("/api/v1/meta").await.expect(200).clone();
    assert!(meta["states"].as_array().unwrap().iter().any(|s| s["code"] == "pending_approval"));
}

async fn wrong_password_is_401_bad_credentials(app: TestApp) {
    let r = app.login_with("agent", "wrong-password").await.expect_err("wrong password must fail");
    r.expect_error(401, "bad_credentials");
    let r = app.login_with("nobody", PASSWORD).await.expect_err("unknown user must fail");
    r.expect_error(401, "bad_credentials");
    let r = app.login_with("agent", "").await.expect_err("empty password must fail");
    r.expect_field("password", "required");
    // The right one works and answers the user, permissions and the CSRF token.
    let agent = app.login("agent").await;
    assert_eq!(agent.me["user"]["username"], "agent");
    assert_eq!(agent.me["user"]["role_code"], "agent");
    assert_eq!(agent.me["user"]["org_unit_id"], app.seed.acme_cc);
    assert_eq!(agent.me["csrf_token"].as_str().map(str::len), Some(64));
    let perms: Vec<&str> =
        agent.me["permissions"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert!(perms.contains(&"complaint.register"));
    assert!(!perms.contains(&"remedy.approve"));
    let me = agent.get("/api/v1/auth/me").await.expect(200).clone();
    assert_eq!(me["user"]["id"], app.seed.user("agent"));
    assert_eq!(me["csrf_token"], agent.me["csrf_token"]);
}

async fn session_writes_need_the_csrf_header(app: TestApp) {
    let agent = app.login("agent").await;
    let r = Session::send(agent.raw(Method::POST, "/api/v1/complaints").json(&intake_body("13800131234"))).await;
    r.expect_error(403, "csrf_failed");
    let r = Session::send(
        agent
            .raw(Method::POST, "/api/v1/complaints")
            .header("x-csrf-token", "0".repeat(64))
            .json(&intake_body("13800131234")),
    )
    .await;
    r.expect_error(403, "csrf_failed");
    assert_eq!(agent.total().await, 0, "refused writes create nothing");
    // Reads need no CSRF token.
    agent.get("/api/v1/complaints").await.expect(200);
    // With the token the write goes through.
    agent.post("/api/v1/complaints", &intake_body("13800131234")).await.expect(201);
    assert_eq!(agent.total().await, 1);
}

async fn logout_ends_the_session(app: TestApp) {
    let agent = app.login("agent").await;
    agent.get("/api/v1/auth/me").await.expect(200);
    let r = agent.post("/api/v1/auth/logout", &json!({})).await;
    r.expect(204);
    agent.get("/api/v1/auth/me").await.expect_error(401, "unauthenticated");
    agent.get("/api/v1/complaints").await.expect_error(401, "unauthenticated");
    // Another session of the same user is unaffected.
    let other = app.login("agent").await;
    other.get("/api/v1/auth/me").await.expect(200);
}

async fn bearer_tokens_work_without_csrf_until_revoked(app: TestApp) {
    let admin = app.login("admin").await;
    let r = admin.post("/api/v1/tokens", &json!({"name": "webhook", "user_id": app.seed.user("agent")})).await;
    let created = r.expect(201).clone();
    let token = created["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with(created["info"]["token_prefix"].as_str().unwrap()));
    let token_id = created["info"]["id"].as_i64().unwrap();
    let listed = admin.get("/api/v1/tokens").await.expect(200).clone();
    assert!(listed.as_array().unwrap().iter().any(|t| t["id"] == token_id && t.get("token").is_none()));

    let client = Session { bearer: Some(token), ..app.anonymous() };
    let c = client.post("/api/v1/complaints", &intake_body("13800131234")).await.expect(201).clone();
    assert_eq!(c["intake_unit_id"], app.seed.acme_cc, "the token acts as the agent");
    let me = client.get("/api/v1/auth/me").await.expect(200).clone();
    assert_eq!(me["user"]["username"], "agent");
    assert_eq!(me["csrf_token"], "");

    admin.delete(&format!("/api/v1/tokens/{token_id}")).await.expect(204);
    client.get("/api/v1/auth/me").await.expect_error(401, "unauthenticated");
    client.post("/api/v1/complaints", &intake_body("13800131234")).await.expect_error(401, "unauthenticated");
    admin.delete(&format!("/api/v1/tokens/{token_id}")).await.expect_error(404, "not_found");
    assert_eq!(admin.total().await, 1);

    // A token made directly in the store works the same.
    let (direct, _) = app.token_client("supervisor").await;
    direct.get("/api/v1/complaints").await.expect(200);
}

async fn password_change_retires_the_old_password(app: TestApp) {
    let agent = app.login("agent").await;
    agent
        .post("/api/v1/auth/password", &json!({"current_password": "not-it", "new_password": "new-password-1"}))
        .await
        .expect_field("current_password", "wrong_password");
    agent
        .post("/api/v1/auth/password", &json!({"current_password": PASSWORD, "new_password": "short"}))
        .await
        .expect_field("new_password", "too_short");
    agent.get("/api/v1/auth/me").await.expect(200);

    agent
        .post("/api/v1/auth/password", &json!({"current_password": PASSWORD, "new_password": "new-password-1"}))
        .await
        .expect(204);
    // The change ends the user's sessions.
    agent.get("/api/v1/auth/me").await.expect_error(401, "unauthenticated");
    app.login_with("agent", PASSWORD).await.expect_err("old password").expect_error(401, "bad_credentials");
    let again = app.login_with("agent", "new-password-1").await.expect("new password works");
    again.get("/api/v1/auth/me").await.expect(200);
}
