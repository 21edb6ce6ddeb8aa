//! The alert centre: each user's alerts (SLA warnings, breaches, escalations, level-1 cases,
//! batch warnings, calendar gaps), unread counts, read / acknowledge, and a live stream
//! (Server-Sent Events) that pushes the unread count to open browsers.

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Principal};
use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use cloop_domain::{ComplaintId, FieldError};
use cloop_store::alerts::AlertRow;
use futures_util::stream::Stream;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::time::Duration;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(unread)).routes(routes!(mark)).routes(routes!(stream))
}

/// List parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    /// Only unread alerts.
    pub unread: Option<bool>,
    /// Only alerts about this complaint.
    pub complaint_id: Option<i64>,
    /// Page from 1.
    pub page: Option<u64>,
    /// Rows per page (1–100, default 20).
    pub per_page: Option<u64>,
}

/// One alert.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertDto {
    /// Id.
    pub id: i64,
    /// `sla_warning`, `sla_breach`, `escalation`, `level1`, `batch`, `calendar`, `routing` (scheduled retraining kept the old model).
    pub kind: String,
    /// `info`, `warning`, `critical`.
    pub severity: String,
    /// The complaint it is about.
    pub complaint_id: Option<i64>,
    /// Its case number.
    pub case_no: Option<String>,
    /// Title (zh).
    pub title_zh: String,
    /// Title (en).
    pub title_en: String,
    /// Body (zh).
    pub body_zh: String,
    /// Body (en).
    pub body_en: String,
    /// Details: clock, level, the complaints behind a batch warning …
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// Raised at.
    pub created_at: DateTime<Utc>,
    /// Read at.
    pub read_at: Option<DateTime<Utc>>,
    /// Acknowledged at.
    pub acked_at: Option<DateTime<Utc>>,
}

impl From<AlertRow> for AlertDto {
    fn from(r: AlertRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            severity: r.severity,
            complaint_id: r.complaint_id,
            case_no: r.case_no,
            title_zh: r.title_zh,
            title_en: r.title_en,
            body_zh: r.body_zh,
            body_en: r.body_en,
            data: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null),
            created_at: r.created_at,
            read_at: r.read_at,
            acked_at: r.acked_at,
        }
    }
}

/// A page of alerts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertPage {
    /// Rows, newest first.
    pub items: Vec<AlertDto>,
    /// Matching in all.
    pub total: u64,
    /// Unread in all.
    pub unread: u64,
}

/// The caller's alerts, newest first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertQuery),
    responses((status = 200, body = AlertPage), (status = 422, body = crate::error::ErrorResponse)))]
async fn list(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> ApiResult<Json<AlertPage>> {
    let per_page = q.per_page.unwrap_or(20);
    if !(1..=100).contains(&per_page) {
        return Err(FieldError::new("per_page", "out_of_range", "每页条数为 1–100", "per_page must be 1–100").into());
    }
    if q.page == Some(0) {
        return Err(FieldError::new("page", "out_of_range", "页码从 1 开始", "page starts at 1").into());
    }
    let offset = (q.page.unwrap_or(1) - 1) * per_page;
    let (rows, total) = state
        .store()
        .alerts_for(p.actor.user_id, q.unread.unwrap_or(false), q.complaint_id.map(ComplaintId), per_page, offset)
        .await?;
    let unread = state.store().unread_alerts(p.actor.user_id).await?;
    Ok(Json(AlertPage { items: rows.into_iter().map(Into::into).collect(), total, unread }))
}

/// Unread count.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadDto {
    /// Unread alerts of the caller.
    pub unread: u64,
}

/// How many of the caller's alerts are unread.
#[utoipa::path(get, path = "/api/v1/alerts/unread", tag = "alerts", responses((status = 200, body = UnreadDto)))]
async fn unread(State(state): State<AppState>, p: Principal) -> ApiResult<Json<UnreadDto>> {
    Ok(Json(UnreadDto { unread: state.store().unread_alerts(p.actor.user_id).await? }))
}

/// Marks alerts read or acknowledged.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRequest {
    /// The alerts (omit for all of the caller's).
    pub ids: Option<Vec<i64>>,
    /// Acknowledge (I am on it) instead of just marking read.
    #[serde(default)]
    pub acknowledge: bool,
}

/// How many changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkAnswer {
    /// Alerts changed.
    pub changed: u64,
    /// Unread left.
    pub unread: u64,
}

/// Marks the caller's alerts read, or acknowledges them.
#[utoipa::path(post, path = "/api/v1/alerts/mark", tag = "alerts", request_body = MarkRequest,
    responses((status = 200, body = MarkAnswer), (status = 422, body = crate::error::ErrorResponse)))]
async fn mark(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<MarkRequest>,
) -> ApiResult<Json<MarkAnswer>> {
    if let Some(ids) = &req.ids
        && (ids.is_empty() || ids.len() > 500)
    {
        return Err(FieldError::new("ids", "invalid_length", "请给出 1–500 条提醒", "give 1–500 alert ids").into());
    }
    let changed = state.store().mark_alerts(p.actor.user_id, req.ids.as_deref(), req.acknowledge, state.now()).await?;
    let unread = state.store().unread_alerts(p.actor.user_id).await?;
    state.ping(vec![p.actor.user_id.0]);
    Ok(Json(MarkAnswer { changed, unread }))
}

/// Live unread count as Server-Sent Events: an `unread` event with `{"unread": n}` at once, when
/// an alert for the caller is raised on this node, and every 15 seconds (alerts raised by other
/// nodes).
#[utoipa::path(get, path = "/api/v1/alerts/stream", tag = "alerts",
    responses((status = 200, description = "text/event-stream of `unread` events", content_type = "text/event-stream")))]
async fn stream(State(state): State<AppState>, p: Principal) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let user = p.actor.user_id;
    let mut pings = state.alert_pings();
    let s = async_stream::stream! {
        let mut last: Option<u64> = None;
        let mut tick = tokio::time::interval(Duration::from_secs(15));
        loop {
            let n = state.store().unread_alerts(user).await.unwrap_or(last.unwrap_or(0));
            if last != Some(n) {
                last = Some(n);
                yield Ok(Event::default().event("unread").data(format!("{{\"unread\":{n}}}")));
            }
            tokio::select! {
                _ = tick.tick() => {}
                ping = pings.recv() => match ping {
                    Ok(users) if !users.contains(&user.0) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                    _ => {}
                },
            }
        }
    };
    Sse::new(s).keep_alive(KeepAlive::default())
}
