//! Observability and the cross-cutting HTTP layers: request metrics for Prometheus (labelled
//! by route pattern, never by raw URI, so ids and case numbers don't explode the series),
//! request ids, tracing, panics answered as JSON 500s, body limits and security headers.

use crate::error::ApiError;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;

static PROMETHEUS: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the global Prometheus recorder once per process.
pub fn install_metrics() -> &'static PrometheusHandle {
    PROMETHEUS.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets(&[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0])
            .expect("static buckets are valid")
            // Intakes per group commit: counts, not seconds.
            .set_buckets_for_metric(
                Matcher::Full("cloop_group_commit_batch_size".into()),
                &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0],
            )
            .expect("static buckets are valid")
            // One transaction of the writer: sub-millisecond steps, so a slow commit shows.
            .set_buckets_for_metric(
                Matcher::Full("cloop_group_commit_seconds".into()),
                &[0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.5, 1.0],
            )
            .expect("static buckets are valid")
            .install_recorder()
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder().handle())
    })
}

/// The text exposition of all metrics.
pub fn render_metrics() -> String {
    install_metrics().render()
}

async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let mut res = next.run(req).await;
    if res.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        // The rest of the body stays unread and the connection is dropped after this answer;
        // say so, or the client reuses it and its next request fails.
        res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let labels = [("method", method), ("route", route), ("status", res.status().as_u16().to_string())];
    metrics::counter!("cloop_http_requests_total", &labels).increment(1);
    metrics::histogram!("cloop_http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    res
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal().into_response()
}

/// Wraps the router in the standard layers.
pub fn layers(router: Router) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    router
        .layer(middleware::from_fn(track))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
}
