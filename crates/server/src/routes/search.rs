//! Full-text search results and similar complaints (DESIGN §13 "Search"). The search itself is
//! the complaint list's `q` parameter (ranked, combined with every list filter, within the data
//! scope); this module holds its snippet types and `GET /complaints/{id}/similar`.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery, Principal};
use crate::routes::complaints::load_visible;
use crate::routes::dto::ComplaintListItem;
use axum::Json;
use axum::extract::State;
use cloop_domain::{FieldError, Permission};
use cloop_store::search::{SearchMatch, SimilarComplaint, SnippetPart};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(similar))
}

/// A piece of a snippet. Render `text` as text (it is not HTML-escaped) and mark it when `hit`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SnippetPartDto {
    /// Text as written.
    pub text: String,
    /// Whether this piece matches the query.
    pub hit: bool,
}

impl From<SnippetPart> for SnippetPartDto {
    fn from(p: SnippetPart) -> Self {
        Self { text: p.text, hit: p.hit }
    }
}

/// Where a complaint matched a search.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchMatchDto {
    /// `body` (case number, summary, content, request, product, order) or `notes`.
    pub field: String,
    /// About 80 characters where most words of the query stand together, in pieces; a word of a
    /// short query further off follows after a cut; `…` marks cuts.
    pub snippet: Vec<SnippetPartDto>,
}

impl From<SearchMatch> for SearchMatchDto {
    fn from(m: SearchMatch) -> Self {
        Self { field: m.field.to_owned(), snippet: m.snippet.into_iter().map(Into::into).collect() }
    }
}

/// How many similar complaints.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SimilarQuery {
    /// 1–20, default 5.
    pub limit: Option<u64>,
}

/// One similar complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarItemDto {
    /// The complaint.
    pub complaint: ComplaintListItem,
    /// Its text around the shared words, marked.
    pub snippet: Vec<SnippetPartDto>,
}

impl From<SimilarComplaint> for SimilarItemDto {
    fn from(s: SimilarComplaint) -> Self {
        Self { complaint: s.complaint.into(), snippet: s.snippet.into_iter().map(Into::into).collect() }
    }
}

/// Complaints like one complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarDto {
    /// The complaint's characteristic words that were searched for.
    pub keywords: Vec<String>,
    /// Best first; never the complaint itself; only what the caller may see.
    pub items: Vec<SimilarItemDto>,
}

/// The complaints most like this one by text (its characteristic words, full-text ranked), within
/// the caller's data scope.
#[utoipa::path(get, path = "/api/v1/complaints/{id}/similar", tag = "complaints",
    params(("id" = String, Path, description = "Complaint id or case number"), SimilarQuery),
    responses((status = 200, body = SimilarDto), (status = 404, body = crate::error::ErrorResponse),
        (status = 422, body = crate::error::ErrorResponse)))]
async fn similar(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<SimilarQuery>,
) -> ApiResult<Json<SimilarDto>> {
    p.require(Permission::View)?;
    let limit = q.limit.unwrap_or(5);
    if !(1..=20).contains(&limit) {
        return Err(ApiError::fields(vec![FieldError::new(
            "limit",
            "out_of_range",
            "数量为 1–20",
            "limit must be 1–20",
        )]));
    }
    let loaded = load_visible(&state, &p, &id).await?;
    let found = state.store().similar_complaints(&p.scope, loaded.complaint.id, limit).await?;
    Ok(Json(SimilarDto { keywords: found.keywords, items: found.items.into_iter().map(Into::into).collect() }))
}
