//! Full-text search results and similar complaints (DESIGN §13 "Search"). The search itself is
//! the complaint list's `q` parameter (ranked, combined with every list filter, within the data
//! scope); this module holds its snippet types, `GET /complaints/{id}/similar` and
//! `GET /complaints/{id}/marks` (the words of a search marked in the complaint it opened).

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery, Principal};
use crate::routes::complaints::load_visible;
use crate::routes::dto::ComplaintListItem;
use axum::Json;
use axum::extract::State;
use cloop_domain::{FieldError, Permission};
use cloop_store::search::{SearchMatch, SearchQuery, SimilarComplaint, SnippetPart};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(similar)).routes(routes!(marks))
}

/// Longest search text, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// What is wrong with a search text `q`, the same for the list's search and for the marks of a
/// complaint opened from it.
pub(crate) fn query_errors(q: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if q.chars().count() > MAX_QUERY_CHARS {
        errors.push(FieldError::new(
            "q",
            "too_long",
            "搜索词不能超过 200 个字符",
            "search text must be at most 200 characters",
        ));
    } else if SearchQuery::parse(q).excludes_only() {
        errors.push(FieldError::new(
            "q",
            "excludes_only",
            "“-词”表示排除，请至少再输入一个要搜索的词",
            "a word after a minus is left out; give at least one word to search for",
        ));
    }
    errors
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

/// The search whose words to mark.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MarksQuery {
    /// The search as typed in the complaint list (the same syntax and limits as its `q`).
    pub q: String,
}

/// A note of the timeline with the search's words marked.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteMarksDto {
    /// The note's event (`seq` in the timeline).
    pub seq: i64,
    /// The whole note in pieces.
    pub text: Vec<SnippetPartDto>,
}

/// Where a search's words stand in one complaint: each searched field that holds one of them,
/// whole and in pieces, the words marked. A field without a match is left out (`null`, or not in
/// `notes`); what is shown of it stays as it is.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SearchMarksDto {
    /// Marks in all (matches that touch are one); 0 when the words stand nowhere in these texts
    /// (the complaint was found by its case number, or its text has changed since).
    pub hits: usize,
    /// The summary.
    pub summary: Option<Vec<SnippetPartDto>>,
    /// The complaint's content.
    pub content: Option<Vec<SnippetPartDto>>,
    /// The customer's request.
    pub customer_request: Option<Vec<SnippetPartDto>>,
    /// The product reference.
    pub product_ref: Option<Vec<SnippetPartDto>>,
    /// The order reference.
    pub order_ref: Option<Vec<SnippetPartDto>>,
    /// Notes and replies (note events), oldest first.
    pub notes: Vec<NoteMarksDto>,
}

/// Marks `query` in `text`: the parts and how many matches, or `None` without one.
fn marked(text: &str, query: &SearchQuery) -> Option<(usize, Vec<SnippetPartDto>)> {
    let parts = cloop_nlp::segment::mark(text, query);
    let hits = parts.iter().filter(|p| p.hit).count();
    (hits > 0).then(|| (hits, parts.into_iter().map(Into::into).collect()))
}

/// The words of a search marked in a complaint opened from its results, for the complaint page
/// to show where they stand: the fields the search reads (summary, content, request, product and
/// order references, notes), each whole. Within the caller's data scope, like the complaint.
#[utoipa::path(get, path = "/api/v1/complaints/{id}/marks", tag = "complaints",
    params(("id" = String, Path, description = "Complaint id or case number"), MarksQuery),
    responses((status = 200, body = SearchMarksDto), (status = 404, body = crate::error::ErrorResponse),
        (status = 422, body = crate::error::ErrorResponse)))]
async fn marks(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<MarksQuery>,
) -> ApiResult<Json<SearchMarksDto>> {
    p.require(Permission::View)?;
    let errors = query_errors(&q.q);
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let loaded = load_visible(&state, &p, &id).await?;
    let c = &loaded.complaint;
    let query = SearchQuery::parse(&q.q);
    let mut out = SearchMarksDto::default();
    let mut field = |text: Option<&str>| {
        let (hits, parts) = marked(text?, &query)?;
        out.hits += hits;
        Some(parts)
    };
    out.summary = field(Some(&c.summary));
    out.content = field(Some(&c.content));
    out.customer_request = field(c.customer_request.as_deref());
    out.product_ref = field(c.product_ref.as_deref());
    out.order_ref = field(c.order_ref.as_deref());
    for e in state.store().events(c.id).await? {
        // The notes the search reads: note events' text (EventBody::NoteAdded).
        let text = e.payload.get("text").and_then(serde_json::Value::as_str).filter(|_| e.kind == "note_added");
        if let Some((hits, parts)) = text.and_then(|t| marked(t, &query)) {
            out.hits += hits;
            out.notes.push(NoteMarksDto { seq: e.seq, text: parts });
        }
    }
    Ok(Json(out))
}
