//! Health, readiness, metrics, the API contract and its documentation; and the guard that the
//! committed `openapi.json` matches the code.

use crate::helpers::{TestApp, sqlite_and_postgres};

sqlite_and_postgres!(health_metrics_and_docs);

async fn health_metrics_and_docs(app: TestApp) {
    let anon = app.anonymous();
    let r = anon.get("/healthz").await;
    assert_eq!(r.expect(200)["status"], "ok");
    let r = anon.get("/readyz").await;
    assert_eq!(r.expect(200)["status"], "ready");
    assert!(r.headers.contains_key("x-request-id"));
    assert_eq!(r.headers["x-content-type-options"], "nosniff");

    anon.get("/api/v1/complaints").await.expect(401);
    let r = anon.get("/metrics").await;
    r.expect(200);
    let text = r.text();
    assert!(text.contains("cloop_http_requests_total"), "{text}");
    assert!(text.contains(r#"route="/api/v1/complaints""#), "metrics are labelled by route: {text}");
    // PostgreSQL indexes search terms beside the writer; its backlog is a gauge (a pass every
    // 100 ms sets it).
    if app.url.starts_with("postgres") {
        let mut waited = 0;
        let text = loop {
            let text = anon.get("/metrics").await.text();
            if text.contains("cloop_search_terms_waiting_batches") || waited >= 20 {
                break text;
            }
            waited += 1;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        assert!(text.contains("cloop_search_terms_waiting_batches 0"), "{text}");
    }

    let r = anon.get("/api/openapi.json").await;
    let doc = r.expect(200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    for p in ["/api/v1/complaints", "/api/v1/complaints/{id}", "/api/v1/auth/login", "/api/v1/customers/{id}/reveal"] {
        assert!(paths.contains_key(p), "{p} missing from the contract");
    }

    let r = anon.get("/api/docs/").await;
    r.expect(200);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.text().to_lowercase().contains("<html"), "{}", r.text());

    let r = anon.get("/").await;
    r.expect(200);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"));

    // Client-side routes of the web app answer its HTML; unknown API paths are JSON 404s.
    let r = anon.get("/complaints/42").await;
    r.expect(200);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    anon.get("/api/v1/no-such-thing").await.expect_error(404, "not_found");
}

/// The committed contract (`openapi.json` at the workspace root) must match the code.
#[test]
fn openapi_json_matches_the_committed_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");
    let current = cloop_server::openapi_json();
    let current = if current.ends_with('\n') { current } else { format!("{current}\n") };
    if std::env::var("UPDATE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(path, &current).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == current,
        "openapi.json is out of date with the code; run `UPDATE_OPENAPI=1 cargo test -p cloop-server openapi` \
         and commit the result"
    );
}
