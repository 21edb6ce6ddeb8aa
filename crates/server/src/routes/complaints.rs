//! Complaints: intake, queues and search, detail with the timeline, and one endpoint per
//! command of the loop. Every command loads the complaint, checks the caller's data scope, and
//! lets the domain decide; a refusal changes nothing.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Principal, too_large};
use crate::routes::dto::*;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use cloop_domain::lifecycle::Who;
use cloop_domain::validate::{email, optional_text, phone, required_text};
use cloop_domain::*;
use cloop_store::{ComplaintFilter, Loaded, NewComplaint, NewCustomer, RoutingFilter, SortKey};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest evidence file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;
/// Media types accepted as evidence (sniffed from the bytes, not trusted from the client).
const EVIDENCE_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
    "audio/mpeg",
    "audio/x-wav",
    "audio/amr",
    "audio/mp4",
    "video/mp4",
    "text/plain",
];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(intake, list))
        .routes(routes!(detail))
        .routes(routes!(events))
        .routes(routes!(mark_invalid))
        .routes(routes!(classify))
        .routes(routes!(assign))
        .routes(routes!(set_handler))
        .routes(routes!(transfer))
        .routes(routes!(accept))
        .routes(routes!(add_note))
        .routes(routes!(record_contact))
        .routes(routes!(propose_remedy))
        .routes(routes!(approve_remedy))
        .routes(routes!(reject_remedy))
        .routes(routes!(customer_decision))
        .routes(routes!(start_execution))
        .routes(routes!(report_result))
        .routes(routes!(resolve_first_contact))
        .routes(routes!(record_satisfaction))
        .routes(routes!(secondary_review))
        .routes(routes!(return_visit))
        .routes(routes!(close))
        .routes(routes!(reopen))
        .routes(routes!(set_case_value))
        .routes(routes!(archive))
        .routes(routes!(link_repeat))
        .routes(routes!(escalate))
        .routes(routes!(counts))
        .routes(routes!(bulk_assign))
        .routes(routes!(accept_suggestions))
        .routes(routes!(route_again))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(add_evidence))
                .layer(DefaultBodyLimit::max(MAX_EVIDENCE_BYTES + 64 * 1024)),
        )
        .routes(routes!(attachment))
}

// ---------------------------------------------------------------------------------------------
// Intake

/// The customer at intake.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    /// Name.
    pub name: String,
    /// Phone (mobile or landline); phone or email is required.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
}

/// A new complaint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    /// Who complains.
    pub customer: CustomerInput,
    /// `phone`, `web`, `email`, `wechat`, `sms`, `walk_in`, `letter` or `api`.
    pub channel: String,
    /// The customer's words (up to 5,000 characters).
    pub content: String,
    /// One-line summary; drawn from the content when missing.
    pub summary: Option<String>,
    /// Severity 1 (most serious) to 3.
    pub severity: Option<i64>,
    /// Category code (e.g. `product_fault`) or id.
    #[schema(value_type = Option<String>)]
    pub category: Option<serde_json::Value>,
    /// Product / model.
    pub product_ref: Option<String>,
    /// Order number.
    pub order_ref: Option<String>,
    /// What the customer asks for.
    pub customer_request: Option<String>,
    /// When the customer complained, if earlier than now (RFC 3339).
    pub received_at: Option<DateTime<Utc>>,
}

/// A one-line summary from the content: its first sentence, at most 40 characters.
fn summary_from(content: &str) -> String {
    let first =
        content.split(['。', '！', '？', '\n', '!', '?']).find(|s| !s.trim().is_empty()).unwrap_or(content).trim();
    let mut s: String = first.chars().take(40).collect();
    if first.chars().count() > 40 {
        s.push('…');
    }
    s
}

async fn category_id_of(state: &AppState, v: &serde_json::Value) -> Result<CategoryId, FieldError> {
    let unknown = || FieldError::new("category", "unknown_category", "分类不存在", "unknown category");
    let cat = match v {
        serde_json::Value::Number(n) => state.store().category(n.as_i64().ok_or_else(unknown)?).await,
        serde_json::Value::String(code) => state.store().category_by_code(code).await,
        _ => return Err(unknown()),
    };
    match cat {
        Ok(c) if c.active => Ok(CategoryId(c.id)),
        _ => Err(unknown()),
    }
}

/// Keeps the value or collects the error, so one answer names every bad field.
fn take<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// Registers a complaint. With an `Idempotency-Key` header, a retried request returns the first
/// complaint (200) instead of creating another (201).
#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints", request_body = IntakeRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key answers with the same complaint")),
    responses((status = 201, body = ComplaintDto), (status = 200, description = "An earlier request with this key", body = ComplaintDto),
        (status = 422, body = crate::error::ErrorResponse), (status = 401, body = crate::error::ErrorResponse), (status = 403, body = crate::error::ErrorResponse)))]
async fn intake(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    ApiJson(req): ApiJson<IntakeRequest>,
) -> ApiResult<Response> {
    p.require(Permission::Register)?;
    let now = state.now();
    let mut errors = Vec::new();
    let name = take(&mut errors, required_text("customer.name", &req.customer.name, 50));
    let ph = req
        .customer
        .phone
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|v| take(&mut errors, phone("customer.phone", v)));
    let em = req
        .customer
        .email
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|v| take(&mut errors, email("customer.email", v)));
    if req.customer.phone.as_deref().is_none_or(|s| s.trim().is_empty())
        && req.customer.email.as_deref().is_none_or(|s| s.trim().is_empty())
    {
        take::<()>(
            &mut errors,
            Err(FieldError::new(
                "customer.phone",
                "contact_required",
                "电话和邮箱至少填写一项",
                "a phone number or an email is required",
            )),
        );
    }
    let channel = take(
        &mut errors,
        Channel::from_code(&req.channel).ok_or_else(|| {
            FieldError::new(
                "channel",
                "invalid_channel",
                "渠道无效",
                "unknown channel (phone, web, email, wechat, sms, walk_in, letter, api)",
            )
        }),
    );
    let content = take(&mut errors, required_text("content", &req.content, 5000));
    let summary = take(&mut errors, optional_text("summary", req.summary.as_deref(), 100));
    let severity = req.severity.and_then(|s| take(&mut errors, Severity::from_level(s)));
    let product_ref = take(&mut errors, optional_text("product_ref", req.product_ref.as_deref(), 100)).flatten();
    let order_ref = take(&mut errors, optional_text("order_ref", req.order_ref.as_deref(), 100)).flatten();
    let customer_request =
        take(&mut errors, optional_text("customer_request", req.customer_request.as_deref(), 1000)).flatten();
    if let Some(at) = req.received_at {
        if at > now + chrono::Duration::minutes(5) {
            take::<()>(
                &mut errors,
                Err(FieldError::new(
                    "received_at",
                    "in_future",
                    "接收时间不能晚于现在",
                    "received_at cannot be in the future",
                )),
            );
        } else if at < now - chrono::Duration::days(366) {
            take::<()>(
                &mut errors,
                Err(FieldError::new(
                    "received_at",
                    "too_old",
                    "接收时间不能早于一年前",
                    "received_at cannot be more than a year ago",
                )),
            );
        }
    }
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 200 => Some(format!("{}:{k}", p.user.id)),
        Some(_) => {
            take::<()>(
                &mut errors,
                Err(FieldError::new(
                    "Idempotency-Key",
                    "invalid_key",
                    "幂等键无效（1–200 个字符）",
                    "Idempotency-Key must be 1–200 characters",
                )),
            );
            None
        }
    };
    let category_id = match &req.category {
        Some(v) if !v.is_null() => match category_id_of(&state, v).await {
            Ok(id) => Some(id),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        _ => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let (name, channel, content) = (name.expect("checked"), channel.expect("checked"), content.expect("checked"));
    let unit = state.store().org_unit(p.user.org_unit_id).await?;
    let company = state.store().company_of(&unit).await?.unwrap_or_else(|| unit.clone());
    let new = NewComplaint {
        customer: NewCustomer { name, phone: ph, email: em },
        channel,
        summary: summary.flatten().unwrap_or_else(|| summary_from(&content)),
        content,
        customer_request,
        product_ref,
        order_ref,
        category_id,
        severity,
        received_at: req.received_at.unwrap_or(now),
        company_id: OrgUnitId(company.id),
        intake_unit_id: OrgUnitId(unit.id),
    };
    let receipt = state.register(new, ActorRef::User { id: p.actor.user_id }, key, now).await?;
    metrics::counter!("cloop_complaints_registered_total").increment(u64::from(receipt.created));
    // A new complaint comes back from the writer; a retried one is read.
    let complaint = match receipt.complaint {
        Some(c) => c,
        None => state.store().load(receipt.complaint_id).await?.complaint,
    };
    if receipt.created {
        crate::alerting::after_change(&state, None, &complaint).await;
    }
    let status = if receipt.created { StatusCode::CREATED } else { StatusCode::OK };
    let location = format!("/api/v1/complaints/{}", receipt.complaint_id);
    let dto = if receipt.created {
        // The writer hands back the risk it stored; no second read.
        ComplaintDto { risk: receipt.risk.map(Into::into), ..dto_for(&state, &p, &complaint) }
    } else {
        full_dto(&state, &p, &complaint).await?
    };
    Ok((status, [(header::LOCATION, location)], Json(dto)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Lists

/// List filters (all optional, combined with AND).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Queue shortcut: `mine`, `department`, `triage` (unassigned), `approval` (awaiting my role's approval), `awaiting_customer`, `return_visits` (resolved), `overdue` (a running SLA clock past due), `at_risk` (red or orange risk), `open`, `all`. Open level-1 complaints head every queue.
    pub queue: Option<String>,
    /// State codes, comma-separated.
    pub state: Option<String>,
    /// Severity 1–3.
    pub severity: Option<i64>,
    /// Category id (includes sub-categories).
    pub category_id: Option<i64>,
    /// Department id.
    pub department_id: Option<i64>,
    /// Handler id.
    pub handler_id: Option<i64>,
    /// Channel code.
    pub channel: Option<String>,
    /// Customer id.
    pub customer_id: Option<i64>,
    /// Received at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Received before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Full-text search (up to 200 characters) in case number, summary, content, request, product, order and notes; every word must occur, but for `OR` (in capitals) or `|` between two words, which asks for either (`退货 OR 退款`), and a word after a minus (`退货 -退款`) must not (a minus alone is refused with `excludes_only`); Chinese in quotes (`"质量问题"`) must occur as typed. With it, results are ranked by relevance unless `sort` says otherwise, and each row carries a `search` snippet.
    pub q: Option<String>,
    /// Risk colours, comma-separated: `red`, `orange`, `yellow`.
    pub risk: Option<String>,
    /// Only complaints intake routing handled this way, comma-separated: `rule`, `model` (sent to a department), `triage` (left for a person). Any `routed_*` or `routing_result` parameter keeps to complaints that went through routing: the routing page's figures, drilled into.
    pub routed_by: Option<String>,
    /// The department routing chose or suggested, by name.
    pub routed_department: Option<String>,
    /// The keyword rule that chose the department.
    pub routed_rule_id: Option<i64>,
    /// The category routing chose, by code.
    pub routed_category: Option<String>,
    /// What became of them: `kept` (still in the department routing chose or suggested), `moved` (in another), `misrouted` (the first transfer said 分派有误), `reclassified` (another category than routing's), `waiting` (in no department yet).
    pub routing_result: Option<String>,
    /// Sort: `received_at` (default), `updated_at`, `severity`, `case_no`, `state`, `due_at` (earliest running SLA due time), `risk` (score), `relevance` (default when `q` is given).
    pub sort: Option<String>,
    /// `desc` (default) or `asc`.
    pub order: Option<String>,
    /// Page from 1.
    pub page: Option<u64>,
    /// Rows per page (1–200, default 20).
    pub per_page: Option<u64>,
}

/// The routing outcomes' drill-down, when any of its parameters is given.
fn routing_filter(q: &ListQuery, errors: &mut Vec<FieldError>) -> Option<RoutingFilter> {
    use cloop_domain::routing::RoutedBy;
    use cloop_domain::routing_outcomes::RoutingResult;
    let given = q.routed_by.is_some()
        || q.routed_department.is_some()
        || q.routed_rule_id.is_some()
        || q.routed_category.is_some()
        || q.routing_result.is_some();
    if !given {
        return None;
    }
    let mut f = RoutingFilter {
        department: q.routed_department.clone().filter(|d| !d.is_empty()),
        rule_id: q.routed_rule_id,
        category: q.routed_category.clone().filter(|c| !c.is_empty()),
        ..Default::default()
    };
    for code in q.routed_by.as_deref().unwrap_or("").split(',').filter(|c| !c.is_empty()) {
        match RoutedBy::from_code(code) {
            Some(b) => f.by.push(b),
            None => errors.push(FieldError::new(
                "routed_by",
                "invalid_routed_by",
                "分派方式只能是 rule、model 或 triage",
                "routed_by must be rule, model or triage",
            )),
        }
    }
    if let Some(code) = q.routing_result.as_deref().filter(|c| !c.is_empty()) {
        match RoutingResult::from_code(code) {
            Some(r) => f.result = Some(r),
            None => errors.push(FieldError::new(
                "routing_result",
                "invalid_routing_result",
                "分派结果只能是 kept、moved、misrouted、reclassified 或 waiting",
                "routing_result must be kept, moved, misrouted, reclassified or waiting",
            )),
        }
    }
    Some(f)
}

/// Complaints within the caller's data scope.
#[utoipa::path(get, path = "/api/v1/complaints", tag = "complaints", params(ListQuery),
    responses((status = 200, body = ComplaintPage), (status = 422, body = crate::error::ErrorResponse)))]
async fn list(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<ComplaintPage>> {
    p.require(Permission::View)?;
    let mut f = ComplaintFilter::default();
    let mut errors = Vec::new();
    if let Some(states) = &q.state {
        for s in states.split(',').filter(|s| !s.is_empty()) {
            match State_::from_code(s) {
                Some(st) => f.states.push(st),
                None => errors.push(FieldError::new("state", "invalid_state", "状态无效", "unknown state")),
            }
        }
    }
    if let Some(queue) = q.queue.as_deref()
        && let Err(e) = queue_filter(queue, &p, &mut f, state.now())
    {
        errors.push(e);
    }
    if let Some(s) = q.severity {
        match Severity::from_level(s) {
            Ok(s) => f.severity = Some(s),
            Err(e) => errors.push(e),
        }
    }
    if let Some(c) = q.category_id {
        match state.store().category_subtree(c).await {
            Ok(ids) => f.category_ids = ids,
            Err(_) => errors.push(FieldError::new("category_id", "unknown_category", "分类不存在", "unknown category")),
        }
    }
    f.department_id = q.department_id.map(OrgUnitId).or(f.department_id);
    f.handler_id = q.handler_id.map(UserId).or(f.handler_id);
    if let Some(ch) = &q.channel {
        match Channel::from_code(ch) {
            Some(c) => f.channel = Some(c),
            None => errors.push(FieldError::new("channel", "invalid_channel", "渠道无效", "unknown channel")),
        }
    }
    f.customer_id = q.customer_id.map(CustomerId);
    f.received_from = q.from;
    f.received_to = q.to;
    f.text = q.q.clone().filter(|t| !t.trim().is_empty());
    errors.extend(q.q.as_deref().map(crate::routes::search::query_errors).unwrap_or_default());
    if let Some(levels) = &q.risk {
        for l in levels.split(',').filter(|l| !l.is_empty()) {
            match RiskLevel::from_code(l) {
                Some(l) => f.risk_levels.push(l),
                None => errors.push(FieldError::new("risk", "invalid_risk", "风险等级无效", "unknown risk level")),
            }
        }
    }
    f.routing = routing_filter(&q, &mut errors);
    let sort = match q.sort.as_deref() {
        None if f.text.is_some() => SortKey::Relevance,
        None | Some("received_at") => SortKey::ReceivedAt,
        Some("relevance") => SortKey::Relevance,
        Some("updated_at") => SortKey::UpdatedAt,
        Some("severity") => SortKey::Severity,
        Some("case_no") => SortKey::CaseNo,
        Some("state") => SortKey::State,
        Some("due_at") => SortKey::DueAt,
        Some("risk") => SortKey::Risk,
        Some(_) => {
            errors.push(FieldError::new("sort", "invalid_sort", "排序字段无效", "unknown sort key"));
            SortKey::ReceivedAt
        }
    };
    let descending = match q.order.as_deref() {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(_) => {
            errors.push(FieldError::new(
                "order",
                "invalid_order",
                "排序方向只能是 asc 或 desc",
                "order must be asc or desc",
            ));
            true
        }
    };
    let per_page = q.per_page.unwrap_or(20);
    if !(1..=200).contains(&per_page) {
        errors.push(FieldError::new("per_page", "out_of_range", "每页条数为 1–200", "per_page must be 1–200"));
    }
    if q.page == Some(0) {
        errors.push(FieldError::new("page", "out_of_range", "页码从 1 开始", "page starts at 1"));
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let page = state.store().list_complaints(&p.scope, &f, sort, descending, q.page.unwrap_or(1), per_page).await?;
    let mut snippets = match f.text.as_deref() {
        Some(text) => {
            let ids: Vec<i64> = page.items.iter().map(|r| r.id).collect();
            state.store().search_snippets(&ids, &cloop_store::search::SearchQuery::parse(text)).await?
        }
        None => Default::default(),
    };
    Ok(Json(ComplaintPage {
        items: page
            .items
            .into_iter()
            .map(|r| {
                let search = snippets.remove(&r.id).map(Into::into);
                ComplaintListItem { search, ..r.into() }
            })
            .collect(),
        total: page.total,
        capped: page.capped,
        page: page.page,
        per_page: page.per_page,
    }))
}

use cloop_domain::State as State_;

/// Narrows `f` to one of the workbench queues (see [`crate::routes::stats::QUEUES`]).
pub fn queue_filter(queue: &str, p: &Principal, f: &mut ComplaintFilter, now: DateTime<Utc>) -> Result<(), FieldError> {
    match queue {
        // Past a running clock's due time (SLA breached, not yet met).
        "overdue" => f.due_before = Some(now),
        // Red and orange risk.
        "at_risk" => f.risk_levels = vec![RiskLevel::Red, RiskLevel::Orange],
        "all" => {}
        // A person's own queues show the work still to do, unless states are asked for.
        "mine" | "department" => {
            if queue == "mine" {
                f.handler_id = Some(p.actor.user_id);
            } else {
                f.department_id = Some(p.actor.org_unit_id);
            }
            if f.states.is_empty() {
                f.states = State_::ALL.iter().copied().filter(|s| s.is_open()).collect();
            }
        }
        "triage" => {
            f.unassigned = true;
            f.states = vec![State_::Received];
        }
        "approval" => {
            f.states = vec![State_::PendingApproval];
            f.approval_role = Some(p.actor.role.clone());
        }
        "awaiting_customer" => f.states = vec![State_::AwaitingCustomer],
        "return_visits" => f.states = vec![State_::Resolved],
        "open" => f.states = State_::ALL.iter().copied().filter(|s| s.is_open()).collect(),
        _ => return Err(FieldError::new("queue", "invalid_queue", "队列无效", "unknown queue")),
    }
    Ok(())
}

/// Counts per state within the caller's scope.
#[utoipa::path(get, path = "/api/v1/complaints/counts", tag = "complaints", responses((status = 200, body = Object)))]
async fn counts(State(state): State<AppState>, p: Principal) -> ApiResult<Json<serde_json::Value>> {
    p.require(Permission::View)?;
    let rows = state.store().count_by_state(&p.scope).await?;
    Ok(Json(serde_json::Value::Object(rows.into_iter().map(|(s, n)| (s, n.into())).collect())))
}

// ---------------------------------------------------------------------------------------------
// Detail

/// Loads a complaint by id or case number, within the caller's scope (outside it: 404, so the
/// answer does not reveal that it exists).
pub(crate) async fn load_visible(state: &AppState, p: &Principal, key: &str) -> ApiResult<Loaded> {
    let id = match key.parse::<i64>() {
        Ok(id) => ComplaintId(id),
        Err(_) if key.len() <= 40 => state.store().id_by_case_no(key).await?,
        Err(_) => return Err(ApiError::not_found("complaint")),
    };
    let loaded = state.store().load(id).await?;
    if !p.scope.sees(&loaded.intake_path, loaded.dept_path.as_deref()) {
        return Err(ApiError::not_found("complaint"));
    }
    Ok(loaded)
}

async fn actor_names(state: &AppState, events: &[cloop_store::EventRow]) -> std::collections::HashMap<i64, String> {
    let mut names = std::collections::HashMap::new();
    for id in events.iter().filter_map(|e| e.actor_id) {
        if let std::collections::hash_map::Entry::Vacant(v) = names.entry(id)
            && let Ok(u) = state.store().user(id).await
        {
            v.insert(u.display_name);
        }
    }
    names
}

/// A complaint with its customer (masked) and timeline.
#[utoipa::path(get, path = "/api/v1/complaints/{id}", tag = "complaints",
    params(("id" = String, Path, description = "Complaint id or case number")),
    responses((status = 200, body = ComplaintDetailDto), (status = 404, body = crate::error::ErrorResponse)))]
async fn detail(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ComplaintDetailDto>> {
    p.require(Permission::View)?;
    let loaded = load_visible(&state, &p, &id).await?;
    let c = &loaded.complaint;
    let events = state.store().events(c.id).await?;
    let names = actor_names(&state, &events).await;
    let customer = state.store().customer(c.customer_id.0).await?;
    let category_name = match c.category_id {
        Some(id) => state.store().category(id.0).await.ok().map(|c| c.name),
        None => None,
    };
    let department_name = match c.department_id {
        Some(id) => state.store().org_unit(id.0).await.ok().map(|u| u.name),
        None => None,
    };
    let handler_name = match c.handler_id {
        Some(id) => state.store().user(id.0).await.ok().map(|u| u.display_name),
        None => None,
    };
    let company_name = state.store().org_unit(c.company_id.0).await.ok().map(|u| u.name);
    let escalation_chain = crate::alerting::chain(&state, c).await?;
    Ok(Json(ComplaintDetailDto {
        complaint: full_dto(&state, &p, c).await?,
        escalation_chain,
        customer: CustomerDto::masked(customer),
        category_name,
        department_name,
        handler_name,
        company_name,
        events: events
            .into_iter()
            .map(|e| {
                let name = e.actor_id.and_then(|id| names.get(&id).cloned());
                EventDto::new(e, name)
            })
            .collect(),
    }))
}

/// The complaint's events with their hash chain.
#[utoipa::path(get, path = "/api/v1/complaints/{id}/events", tag = "complaints",
    params(("id" = String, Path, description = "Complaint id or case number")),
    responses((status = 200, body = Vec<EventDto>), (status = 404, body = crate::error::ErrorResponse)))]
async fn events(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Vec<EventDto>>> {
    p.require(Permission::View)?;
    let loaded = load_visible(&state, &p, &id).await?;
    let events = state.store().events(loaded.complaint.id).await?;
    let names = actor_names(&state, &events).await;
    Ok(Json(
        events
            .into_iter()
            .map(|e| {
                let name = e.actor_id.and_then(|id| names.get(&id).cloned());
                EventDto::new(e, name)
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Commands

/// The complaint as the API answers it to `p`, with the actions `p` may take now.
pub fn dto_for(state: &AppState, p: &Principal, c: &Complaint) -> ComplaintDto {
    let authority = AuthorityMatrix::default();
    let ctx = cloop_domain::Context {
        who: Who::Staff(&p.actor),
        now: state.now(),
        policy: &state.store().config().policy,
        authority: &authority,
    };
    let mut dto = ComplaintDto::new(c, &state.store().sla_config(), state.now());
    let routing_on = state.router().config().enabled;
    dto.allowed_actions = cloop_domain::lifecycle::available_actions(c, &ctx)
        .into_iter()
        .filter(|a| routing_on || *a != "route")
        .map(str::to_owned)
        .collect();
    dto
}

/// Runs a command for a staff user and answers the new state.
async fn run(state: &AppState, p: &Principal, id: &str, cmd: Command) -> ApiResult<Json<ComplaintDto>> {
    let loaded = load_visible(state, p, id).await?;
    let c = state.store().execute(loaded.complaint.id, &cmd, Who::Staff(&p.actor), state.now()).await?;
    metrics::counter!("cloop_commands_total", "command" => command_name(&cmd)).increment(1);
    crate::alerting::after_change(state, Some(&loaded.complaint), &c).await;
    Ok(Json(full_dto(state, p, &c).await?))
}

/// [`dto_for`] with the stored risk assessment.
pub async fn full_dto(state: &AppState, p: &Principal, c: &Complaint) -> ApiResult<ComplaintDto> {
    let mut dto = dto_for(state, p, c);
    dto.risk = state.store().risk_of(c.id).await?.map(Into::into);
    Ok(dto)
}

fn command_name(cmd: &Command) -> &'static str {
    match cmd {
        Command::MarkInvalid { .. } => "mark_invalid",
        Command::Classify { .. } => "classify",
        Command::Assign { .. } => "assign",
        Command::SetHandler { .. } => "set_handler",
        Command::Transfer { .. } => "transfer",
        Command::Accept => "accept",
        Command::AddNote { .. } => "add_note",
        Command::AddEvidence { .. } => "add_evidence",
        Command::RecordContact { .. } => "record_contact",
        Command::ProposeRemedy { .. } => "propose_remedy",
        Command::ApproveRemedy { .. } => "approve_remedy",
        Command::RejectRemedy { .. } => "reject_remedy",
        Command::CustomerDecision { .. } => "customer_decision",
        Command::StartExecution { .. } => "start_execution",
        Command::ReportResult { .. } => "report_result",
        Command::ResolveAtFirstContact { .. } => "resolve_first_contact",
        Command::RecordSatisfaction { .. } => "record_satisfaction",
        Command::ConcludeReview { .. } => "secondary_review",
        Command::RecordReturnVisit { .. } => "return_visit",
        Command::Close { .. } => "close",
        Command::Reopen { .. } => "reopen",
        Command::SetCaseValue { .. } => "set_case_value",
        Command::Archive => "archive",
        Command::LinkRepeat { .. } => "link_repeat",
        Command::Escalate { .. } => "escalate",
        Command::SlaAlert { .. } => "sla_alert",
        Command::Route { .. } => "route",
    }
}

fn text(field: &str, v: &str, max: usize) -> Result<String, ApiError> {
    Ok(required_text(field, v, max)?)
}

fn opt_text(field: &str, v: Option<&str>, max: usize) -> Result<String, ApiError> {
    Ok(optional_text(field, v, max)?.unwrap_or_default())
}

/// Checks that a department exists and is a department (or team).
async fn department(state: &AppState, id: i64) -> ApiResult<OrgUnitId> {
    match state.store().org_unit(id).await {
        Ok(u) if u.kind == "department" || u.kind == "team" => Ok(OrgUnitId(u.id)),
        _ => Err(FieldError::new("department_id", "unknown_department", "责任部门不存在", "unknown department").into()),
    }
}

/// Checks that a handler exists, is active and belongs to the department (or below it).
async fn handler_in(state: &AppState, handler: Option<i64>, dept: OrgUnitId) -> ApiResult<Option<UserId>> {
    let Some(h) = handler else { return Ok(None) };
    let bad = || -> ApiError {
        FieldError::new(
            "handler_id",
            "handler_not_in_department",
            "处理人不属于该部门",
            "the handler does not belong to that department",
        )
        .into()
    };
    let user = state.store().user(h).await.map_err(|_| bad())?;
    let dept_path = state.store().org_path(dept).await?;
    if !user.active || !user.org_path.starts_with(&dept_path) {
        return Err(bad());
    }
    Ok(Some(UserId(h)))
}

macro_rules! command_endpoint {
    ($name:ident, $path:literal, $summary:literal, $body:ty, |$state:ident, $p:ident, $id:ident, $req:ident| $make:expr) => {
        #[doc = $summary]
        #[utoipa::path(post, path = $path, tag = "complaints", request_body = $body,
            params(("id" = String, Path, description = "Complaint id or case number")),
            responses((status = 200, body = ComplaintDto), (status = 403, body = crate::error::ErrorResponse),
                (status = 404, body = crate::error::ErrorResponse), (status = 409, body = crate::error::ErrorResponse),
                (status = 422, body = crate::error::ErrorResponse)))]
        async fn $name(State($state): State<AppState>, $p: Principal, ApiPath($id): ApiPath<String>, ApiJson($req): ApiJson<$body>) -> ApiResult<Json<ComplaintDto>> {
            let cmd: Command = $make;
            run(&$state, &$p, &$id, cmd).await
        }
    };
}

/// A reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why (required, up to 1,000 characters).
    pub reason: String,
}

/// An optional note.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// Note (optional).
    #[serde(default)]
    pub note: Option<String>,
}

/// Classification.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassifyRequest {
    /// Category code or id.
    #[schema(value_type = String)]
    pub category: serde_json::Value,
    /// Severity 1–3.
    pub severity: i64,
    /// Product, if to be corrected.
    pub product_ref: Option<String>,
    /// Order, if to be corrected.
    pub order_ref: Option<String>,
}

/// Assignment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// Department id.
    pub department_id: i64,
    /// Handler (a user of that department).
    pub handler_id: Option<i64>,
}

/// Handler change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlerRequest {
    /// The new handler.
    pub handler_id: i64,
}

/// Transfer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// New department.
    pub department_id: i64,
    /// New handler.
    pub handler_id: Option<i64>,
    /// Why.
    pub reason: String,
    /// The department it leaves should never have had it (分派有误), as opposed to a hand-off:
    /// counted in the routing outcomes. First transfer only.
    #[serde(default)]
    pub misrouted: bool,
}

/// A note or reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddNoteRequest {
    /// The text (up to 5,000 characters).
    pub text: String,
    /// `internal` (default) or `customer` (a reply the customer sees).
    pub visibility: Option<String>,
}

/// A contact with the customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    /// Channel used (`phone`, `sms`, `email`, …).
    pub channel: String,
    /// What was said.
    pub summary: String,
}

/// One measure of a remedy.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureInput {
    /// `refund`, `return_exchange`, `repair`, `compensation`, `gift`, `written_apology`, `service_fix`, `explanation`.
    pub kind: String,
    /// Value in 元 (two decimals at most); 0 for apology, explanation, service fix.
    #[serde(default)]
    pub amount: f64,
    /// Description.
    pub description: Option<String>,
}

/// A remedy proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemedyRequest {
    /// The measures (1–10).
    pub measures: Vec<MeasureInput>,
    /// Explanation for the customer.
    pub explanation: String,
}

/// Approval.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    /// Comment.
    pub comment: Option<String>,
}

/// The customer's decision, recorded by staff.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Whether the customer agrees.
    pub agree: bool,
    /// Their words.
    pub comment: Option<String>,
}

/// Execution result.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultRequest {
    /// What was done.
    pub result: String,
}

/// First-contact resolution.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// How it was resolved.
    pub summary: String,
}

/// Satisfaction.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SatisfactionRequest {
    /// 1–5 stars (1–2 count as dissatisfied and open a secondary review).
    pub stars: i64,
    /// Comment.
    pub comment: Option<String>,
}

/// Secondary review outcome.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// `uphold` (close) or `reopen` (investigate again).
    pub decision: String,
    /// New (higher-level) owner when reopening.
    pub handler_id: Option<i64>,
    /// Why.
    pub reason: String,
}

/// Return visit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnVisitRequest {
    /// `phone`, `sms`, `letter` or `visit`.
    pub method: String,
    /// `satisfied`, `dissatisfied` or `unreachable`.
    pub outcome: String,
    /// Notes.
    pub note: Option<String>,
}

/// Case value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseValueRequest {
    /// Whether the case has value for the library.
    pub value: bool,
    /// Why.
    pub note: Option<String>,
}

/// Link to an earlier complaint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The earlier complaint's id or case number.
    pub complaint: String,
}

/// Escalation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateRequest {
    /// Level 0 (normal) to 3 (executive).
    pub level: i64,
    /// Where the customer went: `regulator`, `hotline_12315`, `media`, `legal`.
    pub external: Option<String>,
    /// Why.
    pub reason: String,
}

command_endpoint!(
    mark_invalid,
    "/api/v1/complaints/{id}/invalidate",
    "Judges the complaint invalid (received only).",
    ReasonRequest,
    |state, p, id, req| Command::MarkInvalid { reason: text("reason", &req.reason, 1000)? }
);

command_endpoint!(
    classify,
    "/api/v1/complaints/{id}/classify",
    "Classifies and grades (also re-grades).",
    ClassifyRequest,
    |state, p, id, req| {
        let category_id = category_id_of(&state, &req.category).await?;
        Command::Classify {
            category_id,
            severity: Severity::from_level(req.severity)?,
            product_ref: optional_text("product_ref", req.product_ref.as_deref(), 100)?,
            order_ref: optional_text("order_ref", req.order_ref.as_deref(), 100)?,
        }
    }
);

command_endpoint!(
    assign,
    "/api/v1/complaints/{id}/assign",
    "Assigns a received complaint to a department.",
    AssignRequest,
    |state, p, id, req| {
        let d = department(&state, req.department_id).await?;
        Command::Assign { department_id: d, handler_id: handler_in(&state, req.handler_id, d).await? }
    }
);

command_endpoint!(
    set_handler,
    "/api/v1/complaints/{id}/handler",
    "Changes the handler within the department.",
    HandlerRequest,
    |state, p, id, req| {
        let loaded = load_visible(&state, &p, &id).await?;
        let dept = loaded.complaint.department_id.ok_or_else(|| {
            ApiError::from(Refusal::wrong_state("not_assigned", "投诉尚未分派", "the complaint is not assigned"))
        })?;
        Command::SetHandler { handler_id: handler_in(&state, Some(req.handler_id), dept).await?.expect("given") }
    }
);

command_endpoint!(
    transfer,
    "/api/v1/complaints/{id}/transfer",
    "Transfers to another department (counted).",
    TransferRequest,
    |state, p, id, req| {
        let d = department(&state, req.department_id).await?;
        Command::Transfer {
            department_id: d,
            handler_id: handler_in(&state, req.handler_id, d).await?,
            reason: text("reason", &req.reason, 1000)?,
            misrouted: req.misrouted,
        }
    }
);

command_endpoint!(
    accept,
    "/api/v1/complaints/{id}/accept",
    "The department accepts the complaint for investigation.",
    NoteRequest,
    |state, p, id, req| {
        let _ = req;
        Command::Accept
    }
);

command_endpoint!(
    add_note,
    "/api/v1/complaints/{id}/notes",
    "Adds an internal note or a reply to the customer.",
    AddNoteRequest,
    |state, p, id, req| {
        let visibility = match req.visibility.as_deref() {
            None => Visibility::Internal,
            Some(v) => Visibility::from_code(v).ok_or_else(|| {
                FieldError::new(
                    "visibility",
                    "invalid_visibility",
                    "可见范围只能是 internal 或 customer",
                    "visibility must be internal or customer",
                )
            })?,
        };
        Command::AddNote { visibility, text: text("text", &req.text, 5000)? }
    }
);

command_endpoint!(
    record_contact,
    "/api/v1/complaints/{id}/contacts",
    "Records a contact with the customer.",
    ContactRequest,
    |state, p, id, req| {
        let channel = Channel::from_code(&req.channel)
            .ok_or_else(|| FieldError::new("channel", "invalid_channel", "渠道无效", "unknown channel"))?;
        Command::RecordContact { channel, summary: text("summary", &req.summary, 2000)? }
    }
);

command_endpoint!(
    propose_remedy,
    "/api/v1/complaints/{id}/remedy",
    "Proposes a remedy; above the proposer's authority it waits for approval by the lowest role that covers it.",
    RemedyRequest,
    |state, p, id, req| {
        let mut errors = Vec::new();
        if req.measures.is_empty() || req.measures.len() > 10 {
            errors.push(FieldError::new(
                "measures",
                "invalid_count",
                "处理方案需要 1–10 项措施",
                "a remedy needs 1 to 10 measures",
            ));
        }
        let mut measures = Vec::new();
        for (i, m) in req.measures.iter().enumerate() {
            let kind = MeasureKind::from_code(&m.kind);
            if kind.is_none() {
                errors.push(FieldError::new(
                    format!("measures[{i}].kind"),
                    "invalid_measure",
                    "措施类型无效",
                    "unknown measure kind",
                ));
            }
            let amount = Fen::from_yuan(&format!("measures[{i}].amount"), m.amount).map_err(|e| errors.push(e)).ok();
            let description = optional_text(&format!("measures[{i}].description"), m.description.as_deref(), 500)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten();
            if let (Some(kind), Some(amount)) = (kind, amount) {
                measures.push(Measure { kind, amount, description: description.unwrap_or_default() });
            }
        }
        let explanation = required_text("explanation", &req.explanation, 2000).map_err(|e| errors.push(e)).ok();
        if !errors.is_empty() {
            return Err(ApiError::fields(errors));
        }
        Command::ProposeRemedy { remedy: Remedy { measures, explanation: explanation.expect("checked") } }
    }
);

command_endpoint!(
    approve_remedy,
    "/api/v1/complaints/{id}/remedy/approve",
    "Approves the pending remedy (within the approver's authority; not one's own).",
    ApproveRequest,
    |state, p, id, req| Command::ApproveRemedy { comment: opt_text("comment", req.comment.as_deref(), 1000)? }
);

command_endpoint!(
    reject_remedy,
    "/api/v1/complaints/{id}/remedy/reject",
    "Rejects the pending remedy.",
    ReasonRequest,
    |state, p, id, req| Command::RejectRemedy { reason: text("reason", &req.reason, 1000)? }
);

command_endpoint!(
    customer_decision,
    "/api/v1/complaints/{id}/customer-decision",
    "Records the customer's agreement or disagreement with the remedy.",
    DecisionRequest,
    |state, p, id, req| Command::CustomerDecision {
        agree: req.agree,
        comment: opt_text("comment", req.comment.as_deref(), 1000)?
    }
);

command_endpoint!(
    start_execution,
    "/api/v1/complaints/{id}/execution/start",
    "Starts carrying out the agreed remedy.",
    NoteRequest,
    |state, p, id, req| Command::StartExecution { note: opt_text("note", req.note.as_deref(), 1000)? }
);

command_endpoint!(
    report_result,
    "/api/v1/complaints/{id}/result",
    "Reports the result of execution (resolves).",
    ResultRequest,
    |state, p, id, req| Command::ReportResult { result: text("result", &req.result, 2000)? }
);

command_endpoint!(
    resolve_first_contact,
    "/api/v1/complaints/{id}/resolve",
    "Resolves a received complaint at first contact.",
    ResolveRequest,
    |state, p, id, req| Command::ResolveAtFirstContact { summary: text("summary", &req.summary, 2000)? }
);

command_endpoint!(
    record_satisfaction,
    "/api/v1/complaints/{id}/satisfaction",
    "Records the customer's rating (1–2 stars open a secondary review).",
    SatisfactionRequest,
    |state, p, id, req| {
        if !(1..=5).contains(&req.stars) {
            return Err(FieldError::new("stars", "invalid_stars", "满意度为 1 到 5 星", "stars must be 1 to 5").into());
        }
        Command::RecordSatisfaction {
            stars: req.stars as u8,
            comment: opt_text("comment", req.comment.as_deref(), 1000)?,
        }
    }
);

command_endpoint!(
    secondary_review,
    "/api/v1/complaints/{id}/review",
    "Concludes a secondary review: uphold (close) or reopen.",
    ReviewRequest,
    |state, p, id, req| {
        let decision = match req.decision.as_str() {
            "uphold" => ReviewDecision::Uphold,
            "reopen" => {
                let handler_id = match req.handler_id {
                    Some(h) => {
                        let u = state.store().user(h).await.map_err(|_| {
                            ApiError::from(FieldError::new(
                                "handler_id",
                                "unknown_user",
                                "处理人不存在",
                                "unknown handler",
                            ))
                        })?;
                        Some(UserId(u.id))
                    }
                    None => None,
                };
                ReviewDecision::Reopen { handler_id }
            }
            _ => {
                return Err(FieldError::new(
                    "decision",
                    "invalid_decision",
                    "复核结论只能是 uphold 或 reopen",
                    "decision must be uphold or reopen",
                )
                .into());
            }
        };
        Command::ConcludeReview { decision, reason: text("reason", &req.reason, 1000)? }
    }
);

command_endpoint!(
    return_visit,
    "/api/v1/complaints/{id}/return-visit",
    "Records a return visit (dissatisfied opens a secondary review).",
    ReturnVisitRequest,
    |state, p, id, req| {
        let method = VisitMethod::from_code(&req.method)
            .ok_or_else(|| FieldError::new("method", "invalid_method", "回访方式无效", "unknown visit method"))?;
        let outcome = VisitOutcome::from_code(&req.outcome)
            .ok_or_else(|| FieldError::new("outcome", "invalid_outcome", "回访结果无效", "unknown visit outcome"))?;
        Command::RecordReturnVisit {
            visit: ReturnVisit { method, outcome, note: opt_text("note", req.note.as_deref(), 2000)? },
        }
    }
);

command_endpoint!(
    close,
    "/api/v1/complaints/{id}/close",
    "Closes a resolved complaint after a satisfied return visit.",
    NoteRequest,
    |state, p, id, req| Command::Close { note: opt_text("note", req.note.as_deref(), 1000)? }
);

command_endpoint!(
    reopen,
    "/api/v1/complaints/{id}/reopen",
    "Reopens a closed complaint within the reopen window.",
    ReasonRequest,
    |state, p, id, req| Command::Reopen { reason: text("reason", &req.reason, 1000)? }
);

command_endpoint!(
    set_case_value,
    "/api/v1/complaints/{id}/case-value",
    "Flags (or clears) case value for the case library.",
    CaseValueRequest,
    |state, p, id, req| Command::SetCaseValue { value: req.value, note: opt_text("note", req.note.as_deref(), 1000)? }
);

command_endpoint!(
    archive,
    "/api/v1/complaints/{id}/archive",
    "Archives a closed or invalid complaint after the retention period.",
    NoteRequest,
    |state, p, id, req| {
        let _ = req;
        Command::Archive
    }
);

command_endpoint!(
    link_repeat,
    "/api/v1/complaints/{id}/links",
    "Links this complaint to an earlier one about the same matter (repeat complaint).",
    LinkRequest,
    |state, p, id, req| {
        let other = load_visible(&state, &p, req.complaint.trim()).await.map_err(|_| {
            ApiError::from(FieldError::new(
                "complaint",
                "unknown_complaint",
                "关联的投诉不存在",
                "the complaint to link does not exist",
            ))
        })?;
        Command::LinkRepeat {
            link: RepeatLink {
                complaint_id: other.complaint.id,
                case_no: other.complaint.case_no,
                reasons: Vec::new(),
            },
        }
    }
);

command_endpoint!(
    escalate,
    "/api/v1/complaints/{id}/escalate",
    "Changes the escalation level (0–3) and the external flag.",
    EscalateRequest,
    |state, p, id, req| {
        if !(0..=3).contains(&req.level) {
            return Err(FieldError::new("level", "invalid_level", "升级级别为 0 到 3", "level must be 0 to 3").into());
        }
        let external = match req.external.as_deref() {
            None => None,
            Some(e) => Some(ExternalBody::from_code(e).ok_or_else(|| {
                FieldError::new("external", "invalid_external", "外部渠道无效", "unknown external body")
            })?),
        };
        Command::Escalate { level: req.level as u8, external, reason: text("reason", &req.reason, 1000)? }
    }
);

/// Bulk assignment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAssignRequest {
    /// Complaint ids (1–200).
    pub ids: Vec<i64>,
    /// Department.
    pub department_id: i64,
    /// Handler (a user of that department).
    pub handler_id: Option<i64>,
}

/// The outcome for one complaint of a bulk action.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    /// Complaint id.
    pub id: i64,
    /// Whether it was done.
    pub ok: bool,
    /// Why not (error code).
    pub code: Option<String>,
    /// Why not (message in zh-CN and en).
    pub message: Option<crate::error::MessageDto>,
    /// For routing again: where the complaint is now, `assigned` (routing was sure) or `triage`
    /// (it waits, with the new suggestion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

impl BulkResult {
    /// The answer for complaint `id`: done (with where it ended up, when the action says) or why not.
    fn of(id: i64, done: ApiResult<Option<&str>>) -> Self {
        match done {
            Ok(outcome) => Self { id, ok: true, code: None, message: None, outcome: outcome.map(str::to_owned) },
            Err(e) => {
                let (code, message) = e.parts();
                Self { id, ok: false, code: Some(code), message: Some(message), outcome: None }
            }
        }
    }
}

/// A triage action on a complaint that no longer waits in triage.
fn not_in_triage() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "not_in_triage",
        "不在待分派队列中（已分派或已办结）",
        "not waiting in triage (assigned or finished)",
    )
}

/// Outcomes per complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkAnswer {
    /// One per id, in the order given.
    pub results: Vec<BulkResult>,
}

/// Assigns many received complaints to one department; each is decided on its own, so the
/// answer says, per complaint, whether it was assigned or why it was skipped.
#[utoipa::path(post, path = "/api/v1/complaints/bulk-assign", tag = "complaints", request_body = BulkAssignRequest,
    responses((status = 200, body = BulkAnswer), (status = 422, body = crate::error::ErrorResponse)))]
async fn bulk_assign(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<BulkAssignRequest>,
) -> ApiResult<Json<BulkAnswer>> {
    p.require(Permission::Assign)?;
    if req.ids.is_empty() || req.ids.len() > 200 {
        return Err(FieldError::new(
            "ids",
            "invalid_count",
            "一次可分派 1–200 条投诉",
            "assign 1 to 200 complaints at a time",
        )
        .into());
    }
    let d = department(&state, req.department_id).await?;
    let handler_id = handler_in(&state, req.handler_id, d).await?;
    let cmd = Command::Assign { department_id: d, handler_id };
    let mut results = Vec::with_capacity(req.ids.len());
    for id in req.ids {
        let outcome = match load_visible(&state, &p, &id.to_string()).await {
            Ok(loaded) => state
                .store()
                .execute(loaded.complaint.id, &cmd, Who::Staff(&p.actor), state.now())
                .await
                .map_err(ApiError::from),
            Err(e) => Err(e),
        };
        results.push(BulkResult::of(id, outcome.map(|_| None)));
    }
    Ok(Json(BulkAnswer { results }))
}

/// Accepting routing's suggestions for complaints waiting in triage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptSuggestionsRequest {
    /// Complaint ids (1–200), each waiting in triage (received).
    pub ids: Vec<i64>,
    /// Severity 1–3 for a complaint that has none yet; a rule's floor (risk words) raises it.
    pub severity: i64,
}

/// Classifies and assigns each complaint waiting in triage as routing suggested: its category
/// (or the classifier's best category) and the department routing decided or thought most
/// likely, as a person would in the classify and assign forms. A complaint keeps a category or
/// severity it already has. Each is decided on its own: the answer says per complaint whether it
/// was assigned or why it was skipped (`not_in_triage`, `no_suggestion`, or the refusal). What
/// is accepted trains the next model like any person's choice.
#[utoipa::path(post, path = "/api/v1/complaints/triage/accept", tag = "complaints", request_body = AcceptSuggestionsRequest,
    responses((status = 200, body = BulkAnswer), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn accept_suggestions(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<AcceptSuggestionsRequest>,
) -> ApiResult<Json<BulkAnswer>> {
    p.require(Permission::Classify)?;
    p.require(Permission::Assign)?;
    let mut errors = Vec::new();
    if req.ids.is_empty() || req.ids.len() > 200 {
        errors.push(FieldError::new(
            "ids",
            "invalid_count",
            "一次可处理 1–200 条投诉",
            "1 to 200 complaints at a time",
        ));
    }
    let requested = Severity::from_level(req.severity);
    if requested.is_err() {
        errors.push(FieldError::new("severity", "invalid_severity", "级别为 1–3", "severity must be 1–3"));
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let requested = requested.expect("checked above");
    let snapshot = state.router().snapshot(state.store()).await?;
    let mut results = Vec::with_capacity(req.ids.len());
    for id in req.ids {
        let outcome: ApiResult<()> = async {
            let c = load_visible(&state, &p, &id.to_string()).await?.complaint;
            if c.state != cloop_domain::State::Received {
                return Err(not_in_triage());
            }
            let no_suggestion = || {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "no_suggestion",
                    "智能分派没有给出分类或部门建议，请人工分派",
                    "routing suggested no category or department; assign it by hand",
                )
            };
            let decision = c.routing.as_ref().ok_or_else(no_suggestion)?;
            let (category, department) = snapshot.suggestion(decision, c.company_id);
            let (Some(category), Some(department)) = (c.category_id.or(category), department) else {
                return Err(no_suggestion());
            };
            let severity = c.severity.unwrap_or_else(|| {
                cloop_domain::routing::more_serious(Some(requested), decision.severity_floor).unwrap_or(requested)
            });
            let mut commands = Vec::with_capacity(2);
            if c.category_id != Some(category) || c.severity != Some(severity) {
                commands.push(Command::Classify {
                    category_id: category,
                    severity,
                    product_ref: None,
                    order_ref: None,
                });
            }
            commands.push(Command::Assign { department_id: department, handler_id: None });
            // One commit: a refused assignment leaves the complaint unclassified in triage too,
            // as it was, rather than half accepted.
            let after = state.store().execute_all(c.id, &commands, Who::Staff(&p.actor), state.now()).await?;
            // A level-1 complaint alerts as it would through the classify form.
            crate::alerting::after_change(&state, Some(&c), &after).await;
            Ok(())
        }
        .await;
        results.push(BulkResult::of(id, outcome.map(|()| None)));
    }
    Ok(Json(BulkAnswer { results }))
}

/// Complaints waiting in triage to route again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteAgainRequest {
    /// Complaint ids (1–200), each waiting in triage (received).
    pub ids: Vec<i64>,
}

/// Routes each complaint waiting in triage again with the rules and models in use now, as intake
/// would: the decision and its reasons are recorded (a `routed` event), and when routing is
/// sure the complaint is classified and assigned. A category the complaint already has (given at
/// intake or chosen by a person) is kept, as at intake. For complaints that arrived before the first
/// model was trained, while routing was off, or before a rule that now places them; the others
/// keep waiting with a fresh suggestion. Each is decided on its own; the answer says per complaint
/// where it is now (`outcome`) or why it was skipped (`not_in_triage`, `routing_off`, the
/// refusal).
#[utoipa::path(post, path = "/api/v1/complaints/triage/route", tag = "complaints", request_body = RouteAgainRequest,
    responses((status = 200, body = BulkAnswer), (status = 403, body = crate::error::ErrorResponse), (status = 409, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn route_again(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<RouteAgainRequest>,
) -> ApiResult<Json<BulkAnswer>> {
    p.require(Permission::Classify)?;
    p.require(Permission::Assign)?;
    if req.ids.is_empty() || req.ids.len() > 200 {
        return Err(FieldError::new(
            "ids",
            "invalid_count",
            "一次可处理 1–200 条投诉",
            "1 to 200 complaints at a time",
        )
        .into());
    }
    let router = state.router();
    if !router.config().enabled {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "routing_off",
            "智能分派未开启，无法重新分派",
            "intake routing is switched off on this server",
        ));
    }
    let mut results = Vec::with_capacity(req.ids.len());
    for id in req.ids {
        let outcome: ApiResult<Complaint> = async {
            let c = load_visible(&state, &p, &id.to_string()).await?.complaint;
            if c.state != cloop_domain::State::Received {
                return Err(not_in_triage());
            }
            let decision = router.decide_again(state.store(), &c).await?;
            let cmd = Command::Route { decision, default_severity: router.config().default_severity };
            let after = state.store().execute(c.id, &cmd, Who::Staff(&p.actor), state.now()).await?;
            metrics::counter!("cloop_commands_total", "command" => command_name(&cmd)).increment(1);
            // A rule's floor or a sure classification can make it level 1, which alerts as at intake.
            crate::alerting::after_change(&state, Some(&c), &after).await;
            Ok(after)
        }
        .await;
        let outcome =
            outcome.map(|after| Some(if after.state == cloop_domain::State::Received { "triage" } else { "assigned" }));
        results.push(BulkResult::of(id, outcome));
    }
    Ok(Json(BulkAnswer { results }))
}

// ---------------------------------------------------------------------------------------------
// Evidence

/// An evidence upload (multipart: one `file` part).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct EvidenceUpload {
    /// The file (images, PDF, audio, video, text; up to 20 MB).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Attaches evidence. The type is sniffed from the bytes; the file is stored by its SHA-256.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/evidence", tag = "complaints",
    params(("id" = String, Path, description = "Complaint id or case number")),
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = ComplaintDto), (status = 413, body = crate::error::ErrorResponse), (status = 415, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn add_evidence(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<ComplaintDto>> {
    p.require(Permission::Evidence)?;
    let mut multipart = multipart.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请使用 multipart/form-data 上传文件",
            "upload the file as multipart/form-data",
        )
    })?;
    let loaded = load_visible(&state, &p, &id).await?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", "上传内容无效", "invalid multipart body")
        }
    })? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("file").to_owned();
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", "上传内容无效", "invalid multipart body")
                }
            })?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file.ok_or_else(|| {
        ApiError::from(FieldError::new(
            "file",
            "required",
            "请选择要上传的文件",
            "a file part named `file` is required",
        ))
    })?;
    if bytes.is_empty() {
        return Err(FieldError::new("file", "empty_file", "文件为空", "the file is empty").into());
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(too_large());
    }
    let content_type = infer::get(&bytes)
        .map(|t| t.mime_type().to_owned())
        .or_else(|| std::str::from_utf8(&bytes).ok().map(|_| "text/plain".to_owned()));
    let Some(content_type) = content_type.filter(|t| EVIDENCE_TYPES.contains(&t.as_str())) else {
        return Err(ApiError::fields(vec![FieldError::new(
            "file",
            "unsupported_file_type",
            "不支持的文件类型（支持图片、PDF、音频、视频、文本）",
            "unsupported file type (images, PDF, audio, video, text)",
        )]));
    };
    let file_name = optional_text("file", Some(&name), 200)?.unwrap_or_else(|| "file".into());
    let size = bytes.len() as u64;
    let sha256 = state.store().save_file(bytes, &content_type).await?;
    let cmd = Command::AddEvidence { attachment: Attachment { sha256, file_name, content_type, size } };
    let c = state.store().execute(loaded.complaint.id, &cmd, Who::Staff(&p.actor), state.now()).await?;
    Ok(Json(dto_for(&state, &p, &c)))
}

/// Downloads an attachment of a complaint the caller can see.
#[utoipa::path(get, path = "/api/v1/complaints/{id}/attachments/{sha256}", tag = "complaints",
    params(("id" = String, Path, description = "Complaint id or case number"), ("sha256" = String, Path, description = "The attachment's SHA-256")),
    responses((status = 200, description = "The file"), (status = 404, body = crate::error::ErrorResponse)))]
async fn attachment(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((id, sha256)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    p.require(Permission::View)?;
    let loaded = load_visible(&state, &p, &id).await?;
    let Some(a) = loaded.complaint.attachments.iter().find(|a| a.sha256 == sha256) else {
        return Err(ApiError::not_found("attachment"));
    };
    let bytes = state.store().read_file(&a.sha256).await?;
    let disposition = format!("inline; filename*=UTF-8''{}", percent_encode(&a.file_name));
    Ok(([(header::CONTENT_TYPE, a.content_type.clone()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
