//! The web pages. Until the Vue workbench is embedded, `/` serves a small bilingual landing
//! page pointing at the API documentation, so a person who opens the printed URL sees where to
//! go instead of a 404.

use crate::AppState;
use axum::Router;
use axum::response::Html;
use axum::routing::get;

/// Page routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(index))
}

async fn index() -> Html<&'static str> {
    Html(include_str!("../../assets/index.html"))
}
