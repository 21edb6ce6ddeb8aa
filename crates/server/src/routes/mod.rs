//! One module per resource, each exposing `router()`; merged here.

pub mod admin;
pub mod alerts;
pub mod auth;
pub mod complaints;
pub mod customers;
pub mod dto;
pub mod ops;
pub mod public;
pub mod routing;
pub mod routing_outcomes;
pub mod search;
pub mod sla_admin;
pub mod stats;
pub mod web;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Every API route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(complaints::router())
        .merge(customers::router())
        .merge(admin::router())
        .merge(public::router())
        .merge(stats::router())
        .merge(alerts::router())
        .merge(sla_admin::router())
        .merge(search::router())
        .merge(routing::router())
        .merge(routing_outcomes::router())
}
