//! Customer records: lookup at intake (by phone or email, masked), the customer card with the
//! complaint history, revealing contact details (a permission, and always logged), and tiers.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, Principal};
use crate::routes::dto::{ComplaintListItem, CustomerDto};
use axum::Json;
use axum::extract::{Query, State};
use cloop_domain::validate::{email, phone};
use cloop_domain::{CustomerId, FieldError, Permission, Tier};
use cloop_store::{ComplaintFilter, SortKey};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(lookup)).routes(routes!(card)).routes(routes!(reveal)).routes(routes!(set_tier))
}

/// Lookup by contact.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// Phone number (any formatting).
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
}

/// A customer and their complaints within the caller's scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerCard {
    /// The customer (masked).
    pub customer: CustomerDto,
    /// Their complaints, newest first (up to 50).
    pub complaints: Vec<ComplaintListItem>,
    /// How many complaints they made in all (within scope).
    pub complaint_count: u64,
}

async fn card_of(state: &AppState, p: &Principal, id: i64) -> ApiResult<CustomerCard> {
    let customer = state.store().customer(id).await?;
    let filter = ComplaintFilter { customer_id: Some(CustomerId(id)), ..Default::default() };
    let page = state.store().list_complaints(&p.scope, &filter, SortKey::ReceivedAt, true, 1, 50).await?;
    Ok(CustomerCard {
        customer: CustomerDto::masked(customer),
        complaint_count: page.total,
        complaints: page.items.into_iter().map(Into::into).collect(),
    })
}

/// Finds a customer by phone or email (for intake: shows history and repeat complaints).
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(LookupQuery),
    responses((status = 200, body = Option<CustomerCard>), (status = 422, body = crate::error::ErrorResponse)))]
async fn lookup(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<LookupQuery>,
) -> ApiResult<Json<Option<CustomerCard>>> {
    p.require(Permission::View)?;
    let ph = q.phone.as_deref().filter(|s| !s.trim().is_empty()).map(|v| phone("phone", v)).transpose()?;
    let em = q.email.as_deref().filter(|s| !s.trim().is_empty()).map(|v| email("email", v)).transpose()?;
    if ph.is_none() && em.is_none() {
        return Err(FieldError::new(
            "phone",
            "contact_required",
            "请提供电话或邮箱",
            "give a phone number or an email",
        )
        .into());
    }
    match state.store().find_customer(ph.as_deref(), em.as_deref()).await? {
        Some(c) => Ok(Json(Some(card_of(&state, &p, c.id).await?))),
        None => Ok(Json(None)),
    }
}

/// The customer card.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path, description = "Customer id")),
    responses((status = 200, body = CustomerCard), (status = 404, body = crate::error::ErrorResponse)))]
async fn card(State(state): State<AppState>, p: Principal, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<CustomerCard>> {
    p.require(Permission::View)?;
    Ok(Json(card_of(&state, &p, id).await?))
}

/// Why personal data is revealed (kept in the audit log).
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    /// The complaint being handled, if any.
    pub complaint_id: Option<i64>,
    /// Why.
    pub reason: Option<String>,
}

/// Shows the full name, phone and email. Needs `pii.reveal`; every reveal is logged.
#[utoipa::path(post, path = "/api/v1/customers/{id}/reveal", tag = "customers", params(("id" = i64, Path, description = "Customer id")),
    request_body = RevealRequest,
    responses((status = 200, body = CustomerDto), (status = 403, body = crate::error::ErrorResponse), (status = 404, body = crate::error::ErrorResponse)))]
async fn reveal(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RevealRequest>,
) -> ApiResult<Json<CustomerDto>> {
    p.require(Permission::RevealPii)?;
    // The customer must be visible: one of their complaints lies in the caller's scope.
    let card = card_of(&state, &p, id).await?;
    if card.complaint_count == 0 {
        return Err(ApiError::not_found("customer"));
    }
    let customer = state.store().customer(id).await?;
    state
        .store()
        .audit(
            Some(p.user.id),
            "pii.reveal",
            &format!("customer:{id}"),
            serde_json::json!({"complaint_id": req.complaint_id, "reason": req.reason}),
        )
        .await?;
    metrics::counter!("cloop_pii_reveals_total").increment(1);
    Ok(Json(CustomerDto::revealed(customer)))
}

/// Tier change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierRequest {
    /// `normal` or `vip`.
    pub tier: String,
}

/// Sets the customer's tier (VIP green channel).
#[utoipa::path(put, path = "/api/v1/customers/{id}/tier", tag = "customers", params(("id" = i64, Path, description = "Customer id")),
    request_body = TierRequest, responses((status = 200, body = CustomerDto), (status = 403, body = crate::error::ErrorResponse)))]
async fn set_tier(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<TierRequest>,
) -> ApiResult<Json<CustomerDto>> {
    p.require(Permission::ManageCustomers)?;
    let tier = Tier::from_code(&req.tier).ok_or_else(|| {
        FieldError::new("tier", "invalid_tier", "客户等级只能是 normal 或 vip", "tier must be normal or vip")
    })?;
    card_of(&state, &p, id).await?;
    let c = state.store().set_customer_tier(id, tier).await?;
    state
        .store()
        .audit(Some(p.user.id), "customer.tier", &format!("customer:{id}"), serde_json::json!({"tier": tier.code()}))
        .await?;
    Ok(Json(CustomerDto::masked(c)))
}
