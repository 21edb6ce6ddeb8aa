//! The customer portal's API (DESIGN §7): submit a complaint, find it again by case number plus
//! the phone or email it was filed with, see the proposed remedy and agree or disagree, and rate
//! the handling. No login: each complaint is opened through a link carrying an unguessable token
//! (stored hashed, valid 180 days). Every endpoint is rate-limited per client address, and
//! answers never tell whether a case number exists unless the contact matches.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::password;
use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use cloop_domain::complaint::EventBody;
use cloop_domain::lifecycle::Who;
use cloop_domain::validate::{email, optional_text, phone, required_text};
use cloop_domain::*;
use cloop_store::portal::PUBLIC_INTAKE_UNIT;
use cloop_store::{NewComplaint, NewCustomer};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How long a portal link stays valid.
const LINK_DAYS: i64 = 180;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(track))
        .routes(routes!(view))
        .routes(routes!(decide_remedy))
        .routes(routes!(rate))
}

/// A request to the public API that passed the rate limit.
struct Limited;

impl FromRequestParts<AppState> for Limited {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ip =
            parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        if state.allow_public(ip) {
            Ok(Limited)
        } else {
            metrics::counter!("cloop_public_rate_limited_total").increment(1);
            Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "操作过于频繁，请稍后再试",
                "too many requests; try again in a minute",
            ))
        }
    }
}

/// A complaint submitted by a customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicSubmission {
    /// Your name.
    pub name: String,
    /// Your mobile or landline number (phone or email is required).
    pub phone: Option<String>,
    /// Your email.
    pub email: Option<String>,
    /// What happened (up to 5,000 characters).
    pub content: String,
    /// Category code, if you know it.
    pub category: Option<String>,
    /// Product / model.
    pub product_ref: Option<String>,
    /// Order number.
    pub order_ref: Option<String>,
    /// What you would like us to do.
    pub customer_request: Option<String>,
}

/// The case number and the private link token.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReceipt {
    /// The case number (keep it to track your complaint).
    pub case_no: String,
    /// The link token: `/portal/c/<token>` shows your complaint.
    pub token: String,
}

fn collect<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

async fn new_link(state: &AppState, id: ComplaintId) -> ApiResult<String> {
    let token = password::random_secret();
    let now = state.now();
    state
        .store()
        .create_public_link(id, &password::token_hash(&token), now, now + chrono::Duration::days(LINK_DAYS))
        .await?;
    Ok(token)
}

/// Submits a complaint from the public page.
#[utoipa::path(post, path = "/api/v1/public/complaints", tag = "public", request_body = PublicSubmission,
    responses((status = 201, body = PublicReceipt), (status = 422, body = crate::error::ErrorResponse), (status = 429, body = crate::error::ErrorResponse)))]
async fn submit(
    State(state): State<AppState>,
    _: Limited,
    ApiJson(req): ApiJson<PublicSubmission>,
) -> ApiResult<(StatusCode, Json<PublicReceipt>)> {
    let mut errors = Vec::new();
    let name = collect(&mut errors, required_text("name", &req.name, 50));
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let ph = given(&req.phone).and_then(|v| collect(&mut errors, phone("phone", &v)));
    let em = given(&req.email).and_then(|v| collect(&mut errors, email("email", &v)));
    if given(&req.phone).is_none() && given(&req.email).is_none() {
        errors.push(FieldError::new(
            "phone",
            "contact_required",
            "电话和邮箱至少填写一项",
            "a phone number or an email is required",
        ));
    }
    let content = collect(&mut errors, required_text("content", &req.content, 5000));
    let product_ref = collect(&mut errors, optional_text("product_ref", req.product_ref.as_deref(), 100)).flatten();
    let order_ref = collect(&mut errors, optional_text("order_ref", req.order_ref.as_deref(), 100)).flatten();
    let customer_request =
        collect(&mut errors, optional_text("customer_request", req.customer_request.as_deref(), 1000)).flatten();
    let category_id = match given(&req.category) {
        Some(code) => match state.store().category_by_code(&code).await {
            Ok(c) if c.active => Some(CategoryId(c.id)),
            _ => {
                errors.push(FieldError::new("category", "unknown_category", "分类不存在", "unknown category"));
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let content = content.expect("checked");
    let unit = match state.store().setting(PUBLIC_INTAKE_UNIT).await? {
        Some(code) => state.store().org_unit_by_code(&code).await?,
        None => state.store().org_unit_by_code("group").await?,
    };
    let company = state.store().company_of(&unit).await?.unwrap_or_else(|| unit.clone());
    let now = state.now();
    let summary: String = content.chars().take(40).collect();
    let receipt = state
        .register(
            NewComplaint {
                customer: NewCustomer { name: name.expect("checked"), phone: ph, email: em },
                channel: Channel::Web,
                summary,
                content,
                customer_request,
                product_ref,
                order_ref,
                category_id,
                severity: None,
                received_at: now,
                company_id: OrgUnitId(company.id),
                intake_unit_id: OrgUnitId(unit.id),
            },
            ActorRef::Customer,
            None,
            now,
        )
        .await?;
    metrics::counter!("cloop_complaints_registered_total").increment(1);
    let token = new_link(&state, receipt.complaint_id).await?;
    Ok((StatusCode::CREATED, Json(PublicReceipt { case_no: receipt.case_no, token })))
}

/// Finding a complaint again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackRequest {
    /// The case number.
    pub case_no: String,
    /// The phone number or email the complaint was filed with.
    pub contact: String,
}

/// A fresh link token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackAnswer {
    /// The link token.
    pub token: String,
}

/// Opens a complaint by case number plus the phone or email it was filed with.
#[utoipa::path(post, path = "/api/v1/public/track", tag = "public", request_body = TrackRequest,
    responses((status = 200, body = TrackAnswer), (status = 404, body = crate::error::ErrorResponse), (status = 429, body = crate::error::ErrorResponse)))]
async fn track(
    State(state): State<AppState>,
    _: Limited,
    ApiJson(req): ApiJson<TrackRequest>,
) -> ApiResult<Json<TrackAnswer>> {
    let no_match = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "未找到与该联系方式匹配的投诉",
            "no complaint with that case number and contact",
        )
    };
    let case_no = req.case_no.trim();
    if case_no.is_empty() || case_no.len() > 40 {
        return Err(FieldError::new("case_no", "required", "请输入投诉编号", "enter the case number").into());
    }
    let id = state.store().id_by_case_no(case_no).await.map_err(|_| no_match())?;
    let loaded = state.store().load(id).await?;
    let customer = state.store().customer(loaded.complaint.customer_id.0).await?;
    let contact = req.contact.trim();
    let matches = phone("contact", contact).ok().is_some_and(|p| customer.phone.as_deref() == Some(p.as_str()))
        || email("contact", contact).ok().is_some_and(|e| customer.email.as_deref() == Some(e.as_str()));
    if !matches {
        return Err(no_match());
    }
    Ok(Json(TrackAnswer { token: new_link(&state, id).await? }))
}

/// One message or milestone the customer sees.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// `registered`, `accepted`, `remedy_proposed`, `customer_agreed`, `customer_disagreed`, `result_reported`, `resolved_at_first_contact`, `satisfaction_recorded`, `closed`, `reopened`, or `reply`.
    pub kind: String,
    /// The reply's text (for `reply`).
    pub text: Option<String>,
}

/// A complaint as its customer sees it: no internal notes, no staff names.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicComplaint {
    /// Case number.
    pub case_no: String,
    /// State code.
    pub state: String,
    /// State (zh).
    pub state_name: String,
    /// State (en).
    pub state_name_en: String,
    /// Summary.
    pub summary: String,
    /// What you wrote.
    pub content: String,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The remedy offered to you: `{measures: [{kind, amount (fen), description}], explanation}`.
    #[schema(value_type = Option<Object>)]
    pub remedy: Option<serde_json::Value>,
    /// Whether you can agree or disagree now.
    pub can_decide: bool,
    /// Whether you can rate the handling now.
    pub can_rate: bool,
    /// Your rating.
    #[schema(value_type = Option<Object>)]
    pub satisfaction: Option<serde_json::Value>,
    /// Replies and milestones, oldest first.
    pub timeline: Vec<PublicEvent>,
}

async fn open(state: &AppState, token: &str) -> ApiResult<cloop_store::Loaded> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::not_found("complaint"));
    }
    let id = state.store().public_link(&password::token_hash(token), state.now()).await?;
    Ok(state.store().load(id).await?)
}

async fn public_view(state: &AppState, c: &Complaint) -> ApiResult<PublicComplaint> {
    let events = state.store().events(c.id).await?;
    let mut timeline = Vec::new();
    for e in events {
        let body: Option<EventBody> = serde_json::from_value(e.payload.clone()).ok();
        let entry = match body {
            Some(EventBody::NoteAdded { visibility: Visibility::Customer, text }) => Some(("reply", Some(text))),
            Some(EventBody::NoteAdded { .. }) | None => None,
            Some(b) => match b.kind() {
                k @ ("registered"
                | "accepted"
                | "remedy_proposed"
                | "customer_agreed"
                | "customer_disagreed"
                | "result_reported"
                | "resolved_at_first_contact"
                | "satisfaction_recorded"
                | "closed"
                | "reopened") => Some((k, None)),
                _ => None,
            },
        };
        if let Some((kind, text)) = entry {
            timeline.push(PublicEvent { at: e.at, kind: kind.into(), text });
        }
    }
    let show_remedy = matches!(
        c.state,
        cloop_domain::State::AwaitingCustomer
            | cloop_domain::State::Executing
            | cloop_domain::State::Resolved
            | cloop_domain::State::Closed
    );
    Ok(PublicComplaint {
        case_no: c.case_no.clone(),
        state: c.state.code().into(),
        state_name: c.state.label_zh().into(),
        state_name_en: c.state.label_en().into(),
        summary: c.summary.clone(),
        content: c.content.clone(),
        received_at: c.received_at,
        updated_at: c.updated_at,
        remedy: if show_remedy { c.remedy.as_ref().map(to_json) } else { None },
        can_decide: c.state == cloop_domain::State::AwaitingCustomer,
        can_rate: c.state == cloop_domain::State::Resolved && c.satisfaction.is_none(),
        satisfaction: c.satisfaction.as_ref().map(to_json),
        timeline,
    })
}

fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("domain values serialize")
}

/// Your complaint, opened with its link token.
#[utoipa::path(get, path = "/api/v1/public/complaints/{token}", tag = "public", params(("token" = String, Path, description = "The link token")),
    responses((status = 200, body = PublicComplaint), (status = 404, body = crate::error::ErrorResponse), (status = 429, body = crate::error::ErrorResponse)))]
async fn view(
    State(state): State<AppState>,
    _: Limited,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Json<PublicComplaint>> {
    let loaded = open(&state, &token).await?;
    Ok(Json(public_view(&state, &loaded.complaint).await?))
}

/// Your answer to the proposed remedy.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicDecision {
    /// Whether you agree.
    pub agree: bool,
    /// Anything you want to add.
    pub comment: Option<String>,
}

/// Agrees or disagrees with the proposed remedy.
#[utoipa::path(post, path = "/api/v1/public/complaints/{token}/decision", tag = "public", params(("token" = String, Path, description = "The link token")),
    request_body = PublicDecision,
    responses((status = 200, body = PublicComplaint), (status = 404, body = crate::error::ErrorResponse), (status = 409, body = crate::error::ErrorResponse)))]
async fn decide_remedy(
    State(state): State<AppState>,
    _: Limited,
    ApiPath(token): ApiPath<String>,
    ApiJson(req): ApiJson<PublicDecision>,
) -> ApiResult<Json<PublicComplaint>> {
    let loaded = open(&state, &token).await?;
    let comment = optional_text("comment", req.comment.as_deref(), 1000)?.unwrap_or_default();
    let cmd = Command::CustomerDecision { agree: req.agree, comment };
    let c = state.store().execute(loaded.complaint.id, &cmd, Who::Customer, state.now()).await?;
    Ok(Json(public_view(&state, &c).await?))
}

/// Your rating.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicRating {
    /// 1–5 stars.
    pub stars: i64,
    /// Comment.
    pub comment: Option<String>,
}

/// Rates the handling of a resolved complaint (once).
#[utoipa::path(post, path = "/api/v1/public/complaints/{token}/rating", tag = "public", params(("token" = String, Path, description = "The link token")),
    request_body = PublicRating,
    responses((status = 200, body = PublicComplaint), (status = 404, body = crate::error::ErrorResponse), (status = 409, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn rate(
    State(state): State<AppState>,
    _: Limited,
    ApiPath(token): ApiPath<String>,
    ApiJson(req): ApiJson<PublicRating>,
) -> ApiResult<Json<PublicComplaint>> {
    let loaded = open(&state, &token).await?;
    if !(1..=5).contains(&req.stars) {
        return Err(FieldError::new("stars", "invalid_stars", "满意度为 1 到 5 星", "stars must be 1 to 5").into());
    }
    let comment = optional_text("comment", req.comment.as_deref(), 1000)?.unwrap_or_default();
    let cmd = Command::RecordSatisfaction { stars: req.stars as u8, comment };
    let c = state.store().execute(loaded.complaint.id, &cmd, Who::Customer, state.now()).await?;
    Ok(Json(public_view(&state, &c).await?))
}
