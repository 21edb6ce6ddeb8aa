//! The web front end, embedded in the binary: the staff console at `/` and the customer portal
//! at `/portal/`, both single-page apps built from `web/` (`npm run build` → `web/dist`). Any
//! path that is not a file answers the app's HTML so client-side routes survive a reload;
//! `/api/…` paths never do (an unknown API path is a JSON 404). Built without the front end
//! (e.g. `cargo build` before `npm run build`), `/` serves a small landing page instead.

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::RustEmbed;

/// The built front end (`web/dist`); empty when it has not been built.
#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../web/dist"]
#[allow_missing = true]
struct Assets;

/// Page routes: everything the API does not claim.
pub fn router() -> Router<AppState> {
    Router::new().fallback(page)
}

async fn page(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "api" {
        return ApiError::not_found("route").into_response();
    }
    if !path.is_empty()
        && let Some(file) = Assets::get(path)
    {
        // Vite puts content-hashed files under assets/: cache them for good.
        let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        let mut res = file.data.into_response();
        let headers = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(file.metadata.mimetype()) {
            headers.insert(header::CONTENT_TYPE, v);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        return res;
    }
    let entry = if path == "portal" || path.starts_with("portal/") { "portal.html" } else { "index.html" };
    match Assets::get(entry) {
        Some(file) => {
            let mut res = Html(file.data).into_response();
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            res
        }
        None => Html(include_str!("../../assets/index.html")).into_response(),
    }
}
