//! Operations: liveness, readiness (database reachable and schema current), Prometheus metrics,
//! the OpenAPI contract and the browsable API documentation (Swagger UI, bundled so it works
//! offline).

use crate::AppState;
use crate::observe::render_metrics;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use utoipa_swagger_ui::SwaggerUi;

/// Health, metrics and docs routes.
pub fn router(doc: utoipa::openapi::OpenApi) -> Router<AppState> {
    let docs: Router<AppState> = SwaggerUi::new("/api/docs").url("/api/openapi.json", doc).into();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(docs)
}

async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({"status": "ok"}))
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store().ready().await {
        Ok(true) if !state.router().is_ready() => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "loading routing models"})))
        }
        Ok(true) => (StatusCode::OK, Json(serde_json::json!({"status": "ready"}))),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "migrating"}))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "database unavailable"})))
        }
    }
}

async fn metrics() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], render_metrics())
}
