//! Administration: organisation, users, roles, categories and the authority matrix, each with
//! an effect the rest of the product feels.

use crate::helpers::{TestApp, assigned_complaint, intake_body, sqlite_and_postgres};
use serde_json::json;

sqlite_and_postgres!(admin_manages_org_users_roles_and_categories, authority_change_sends_remedy_to_approval);

async fn admin_manages_org_users_roles_and_categories(app: TestApp) {
    let admin = app.login("admin").await;
    let agent = app.login("agent").await;
    assert_eq!(admin.me["user"]["org_unit_id"], app.seed.group);

    // Organisation.
    let r = admin
        .post(
            "/api/v1/org-units",
            &json!({"parent_id": app.seed.acme, "kind": "department", "code": "acme.legal", "name": "法务部"}),
        )
        .await;
    let unit = r.expect(201).clone();
    let unit_id = unit["id"].as_i64().unwrap();
    assert_eq!(unit["parent_id"], app.seed.acme);
    assert_eq!(unit["name_en"], "法务部");
    assert!(unit["path"].as_str().unwrap().ends_with(&format!("/{}/{unit_id}/", app.seed.acme)), "{unit}");
    admin
        .post(
            "/api/v1/org-units",
            &json!({"parent_id": app.seed.acme, "kind": "department", "code": "acme.legal", "name": "法务部二"}),
        )
        .await
        .expect_error(409, "duplicate");
    admin
        .post("/api/v1/org-units", &json!({"parent_id": 999_999, "kind": "planet", "code": "x y", "name": ""}))
        .await
        .expect_error(422, "validation_failed");
    agent
        .post(
            "/api/v1/org-units",
            &json!({"parent_id": app.seed.acme, "kind": "department", "code": "acme.x", "name": "X"}),
        )
        .await
        .expect_error(403, "missing_permission");
    let units = admin.get("/api/v1/org-units").await.expect(200).clone();
    assert!(units.as_array().unwrap().iter().any(|u| u["code"] == "acme.legal"));

    // Users.
    let new_user = json!({"username": "lawyer", "display_name": "周律师", "password": "password123",
        "email": "Lawyer@Example.com", "org_unit_id": unit_id, "role_id": app.seed.role("legal")});
    let user = admin.post("/api/v1/users", &new_user).await.expect(201).clone();
    assert_eq!(user["role_code"], "legal");
    assert_eq!(user["org_unit_name"], "法务部");
    assert_eq!(user["email"], "lawyer@example.com");
    let e = admin.post("/api/v1/users", &new_user).await.expect_error(409, "duplicate").clone();
    assert_eq!(e["fields"][0]["field"], "username");
    admin
        .post(
            "/api/v1/users",
            &json!({"username": "shorty", "display_name": "短", "password": "short",
            "org_unit_id": unit_id, "role_id": 999_999}),
        )
        .await
        .expect_field("password", "too_short");
    agent
        .post(
            "/api/v1/users",
            &json!({"username": "x", "display_name": "x", "password": "password123",
        "org_unit_id": unit_id, "role_id": 1}),
        )
        .await
        .expect_error(403, "missing_permission");
    let lawyer = app.login("lawyer").await;
    assert_eq!(lawyer.me["user"]["id"], user["id"]);

    // Deactivating a user ends their access.
    let user_id = user["id"].as_i64().unwrap();
    let r = admin
        .put(
            &format!("/api/v1/users/{user_id}"),
            &json!({"display_name": "周律师", "org_unit_id": unit_id, "role_id": app.seed.role("legal"), "active": false}),
        )
        .await;
    assert_eq!(r.expect(200)["active"], false);
    lawyer.get("/api/v1/auth/me").await.expect_error(401, "unauthenticated");
    app.login_with("lawyer", "password123").await.expect_err("inactive").expect_error(401, "bad_credentials");

    // Categories.
    let cat = admin
        .post(
            "/api/v1/categories",
            &json!({"parent_id": app.seed.product_quality, "code": "noise", "name": "噪音", "name_en": "Noise"}),
        )
        .await
        .expect(201)
        .clone();
    assert_eq!(cat["parent_id"], app.seed.product_quality);
    assert_eq!(cat["active"], true);
    admin.post("/api/v1/categories", &json!({"code": "noise", "name": "噪音"})).await.expect_error(409, "duplicate");
    let mut body = intake_body("13800131234");
    body["category"] = "noise".into();
    let c = agent.intake_with(&body).await;
    assert_eq!(c["category_id"], cat["id"]);
    // The parent category's filter includes its children.
    let by_parent = agent.get(&format!("/api/v1/complaints?category_id={}", app.seed.product_quality)).await;
    assert_eq!(by_parent.expect(200)["total"], 1);
    // Deactivated categories are not offered for new complaints.
    admin
        .put(&format!("/api/v1/categories/{}", cat["id"]), &json!({"name": "噪音", "active": false}))
        .await
        .expect(200);
    agent.post("/api/v1/complaints", &body).await.expect_field("category", "unknown_category");

    // Roles: taking registration away from agents takes effect at once.
    let roles = admin.get("/api/v1/roles").await.expect(200).clone();
    let agent_role = roles.as_array().unwrap().iter().find(|r| r["code"] == "agent").unwrap().clone();
    let perms: Vec<String> = agent_role["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .filter(|c| c != "complaint.register")
        .collect();
    let updated = admin
        .put(
            &format!("/api/v1/roles/{}", agent_role["id"]),
            &json!({"name": "客服专员", "name_en": "Agent", "rank": 10, "permissions": perms}),
        )
        .await
        .expect(200)
        .clone();
    assert!(!updated["permissions"].as_array().unwrap().iter().any(|p| p["code"] == "complaint.register"));
    agent.post("/api/v1/complaints", &intake_body("13800131234")).await.expect_error(403, "missing_permission");
    admin
        .put(
            &format!("/api/v1/roles/{}", agent_role["id"]),
            &json!({"name": "客服专员", "rank": 10, "permissions": ["complaint.fly"]}),
        )
        .await
        .expect_field("permissions[0]", "unknown_permission");
    let admin_role = app.seed.role("admin");
    admin
        .put(
            &format!("/api/v1/roles/{admin_role}"),
            &json!({"name": "管理员", "rank": 60, "permissions": ["complaint.view"]}),
        )
        .await
        .expect_field("permissions", "admin_lockout");

    // Every change is audited.
    let audit = admin.get("/api/v1/audit").await.expect(200).clone();
    let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    for action in
        ["admin.org.create", "admin.user.create", "admin.user.update", "admin.category.create", "admin.role.update"]
    {
        assert!(actions.contains(&action), "{action} missing from {actions:?}");
    }
}

async fn authority_change_sends_remedy_to_approval(app: TestApp) {
    let admin = app.login("admin").await;
    let agent = app.login("agent").await;
    let handler = app.login("handler").await;
    let remedy = json!({"measures": [{"kind": "compensation", "amount": 300}], "explanation": "补偿 300 元"});

    // With the default 500 元 limit, 300 元 is the handler's own call.
    let a = assigned_complaint(&app, &agent, "13800131234").await;
    handler.command(a, "accept", json!({})).await;
    let c = handler.command(a, "remedy", remedy.clone()).await;
    assert_eq!(c["state"], "awaiting_customer");
    assert_eq!(c["approval_role"], serde_json::Value::Null);

    // Lower the handler's compensation limit to 100 元.
    let handler_role = app.seed.role("handler");
    let cell = json!({"role_id": handler_role, "measure": "compensation", "limit": 100.0});
    let r = admin.put("/api/v1/authority", &cell).await;
    assert_eq!(r.expect(200)["limit"], 100.0);
    let matrix = admin.get("/api/v1/authority").await.expect(200).clone();
    assert!(
        matrix["cells"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["role_id"] == handler_role && c["measure"] == "compensation" && c["limit"] == 100.0),
        "{matrix}"
    );
    handler.put("/api/v1/authority", &cell).await.expect_error(403, "missing_permission");
    admin
        .put("/api/v1/authority", &json!({"role_id": handler_role, "measure": "teleport", "limit": 1.0}))
        .await
        .expect_field("measure", "invalid_measure");

    let b = assigned_complaint(&app, &agent, "13900139999").await;
    handler.command(b, "accept", json!({})).await;
    let c = handler.command(b, "remedy", remedy).await;
    assert_eq!(c["state"], "pending_approval");
    assert_eq!(c["approval_role"], "supervisor");
    // The supervisor approves it.
    let supervisor = app.login("supervisor").await;
    let c = supervisor.command(b, "remedy/approve", json!({})).await;
    assert_eq!(c["state"], "awaiting_customer");
}
