//! Administration of time (DESIGN §3, §5): the business calendar (working hours, the State
//! Council's holiday and 调休 schedules per year), the SLA policy, and the warning, escalation,
//! risk and batch thresholds. Every change is checked in full (all mistakes named), audited,
//! put in use at once on this node (other nodes pick it up on their next scheduler pass), and
//! the open complaints' due times are recomputed.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Principal};
use axum::Json;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use cloop_domain::calendar::{CalendarDocument, DayKind, WorkingHours, WorkingWindow, YearSchedule};
use cloop_domain::sla::{SlaPolicy, SlaPolicyInput};
use cloop_domain::{FieldError, Permission};
use cloop_store::sla::AlertSettings;
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calendar))
        .routes(routes!(calendar_year, put_calendar_year, delete_calendar_year))
        .routes(routes!(import_calendar))
        .routes(routes!(put_hours, delete_company_hours))
        .routes(routes!(sla_policy, put_sla_policy))
        .routes(routes!(alert_settings, put_alert_settings))
}

/// Reads a JSON body into a domain input type, naming the problem on `body` when it does not fit.
fn shape<T: DeserializeOwned>(v: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| {
        FieldError::new(
            "body",
            "invalid_shape",
            &format!("内容格式不正确：{e}"),
            &format!("the body does not have the expected shape: {e}"),
        )
        .into()
    })
}

/// After a change: put it in use, recompute the open complaints' due times (in the background:
/// there may be many), audit.
async fn applied(
    state: &AppState,
    p: &Principal,
    action: &str,
    target: &str,
    detail: serde_json::Value,
) -> ApiResult<()> {
    state.store().reload_sla_config().await?;
    let bg = state.clone();
    tokio::spawn(async move {
        match bg.store().refresh_open_complaints(bg.now()).await {
            Ok(n) => tracing::info!(updated = n, "due times recomputed"),
            Err(e) => tracing::error!(error = ?e, "recomputing due times failed"),
        }
    });
    state.store().audit(Some(p.user.id), action, target, detail).await?;
    Ok(())
}

/// One loaded year.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearSummary {
    /// The year.
    pub year: i32,
    /// The notice it comes from.
    pub source: Option<String>,
    /// Days off listed.
    pub holidays: usize,
    /// Make-up working days listed.
    pub workdays: usize,
}

/// The calendar overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDto {
    /// Working windows of a working day for the group (`HH:MM`, China Standard Time).
    #[schema(value_type = Vec<Object>)]
    pub hours: Vec<WorkingWindow>,
    /// Each company, with its own working windows if it has them (`null`: the group's).
    pub companies: Vec<CompanyHours>,
    /// The years with a published schedule loaded.
    pub years: Vec<YearSummary>,
}

/// A company's working hours.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyHours {
    /// Company id.
    pub company_id: i64,
    /// Company name.
    pub name: String,
    /// Its own working windows, or `null` when it follows the group's.
    #[schema(value_type = Option<Vec<Object>>)]
    pub hours: Option<Vec<WorkingWindow>>,
}

/// Which company's working hours (none: the group's).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompanyParam {
    /// A company's id.
    pub company_id: Option<i64>,
}

async fn company(state: &AppState, id: Option<i64>) -> ApiResult<Option<cloop_domain::OrgUnitId>> {
    match id {
        None => Ok(None),
        Some(id) => match state.store().org_unit(id).await {
            Ok(u) if u.kind == "company" => Ok(Some(cloop_domain::OrgUnitId(id))),
            _ => Err(FieldError::new("company_id", "unknown_company", "公司不存在", "unknown company").into()),
        },
    }
}

/// Working hours and the loaded years.
#[utoipa::path(get, path = "/api/v1/admin/calendar", tag = "sla", responses((status = 200, body = CalendarDto)))]
async fn calendar(State(state): State<AppState>, p: Principal) -> ApiResult<Json<CalendarDto>> {
    p.require(Permission::View)?;
    let cfg = state.store().sla_config();
    let years = cfg
        .calendar
        .document()
        .years
        .iter()
        .map(|(y, s)| YearSummary {
            year: *y,
            source: s.source.clone(),
            holidays: s.holidays.len(),
            workdays: s.workdays.len(),
        })
        .collect();
    let companies = state
        .store()
        .org_units()
        .await?
        .into_iter()
        .filter(|u| u.kind == "company")
        .map(|u| CompanyHours {
            company_id: u.id,
            hours: cfg.company_calendars.get(&cloop_domain::OrgUnitId(u.id)).map(|c| c.hours().windows()),
            name: u.name,
        })
        .collect();
    Ok(Json(CalendarDto { hours: cfg.calendar.hours().windows(), companies, years }))
}

/// A day that is not an ordinary weekday or weekend.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecialDay {
    /// The date.
    pub date: NaiveDate,
    /// `holiday` (放假) or `make_up_workday` (调休上班).
    pub kind: String,
    /// The holiday's name.
    pub name: String,
}

/// One year of the calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearDto {
    /// The year.
    pub year: i32,
    /// Whether its schedule is loaded; if not, Monday–Friday are counted and deadlines in it
    /// are unconfirmed.
    pub loaded: bool,
    /// The notice it comes from.
    pub source: Option<String>,
    /// Holidays and make-up working days, by date.
    pub days: Vec<SpecialDay>,
    /// Working days in the year.
    pub working_days: u32,
    /// The schedule as stored (the body `PUT` takes).
    #[schema(value_type = Object)]
    pub schedule: YearSchedule,
}

/// One year: its holidays and make-up working days, and the number of working days.
#[utoipa::path(get, path = "/api/v1/admin/calendar/{year}", tag = "sla",
    params(("year" = i32, Path, description = "Year")),
    responses((status = 200, body = YearDto), (status = 422, body = crate::error::ErrorResponse)))]
async fn calendar_year(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<Json<YearDto>> {
    p.require(Permission::View)?;
    let start = NaiveDate::from_ymd_opt(year, 1, 1)
        .filter(|_| cloop_domain::calendar::SCHEDULE_YEARS.contains(&year))
        .ok_or_else(|| FieldError::new("year", "out_of_range", "年份超出范围", "year out of range"))?;
    let cfg = state.store().sla_config();
    let schedule = cfg.calendar.document().years.get(&year).cloned();
    let mut days = Vec::new();
    let mut working_days = 0;
    let mut d = start;
    while d.year() == year {
        match cfg.calendar.day_kind(d) {
            DayKind::Holiday(name) => days.push(SpecialDay { date: d, kind: "holiday".into(), name }),
            DayKind::MakeUpWorkday(name) => {
                working_days += 1;
                days.push(SpecialDay { date: d, kind: "make_up_workday".into(), name });
            }
            DayKind::Working => working_days += 1,
            DayKind::Weekend => {}
        }
        d = d.succ_opt().expect("dates go on");
    }
    Ok(Json(YearDto {
        year,
        loaded: schedule.is_some(),
        source: schedule.as_ref().and_then(|s| s.source.clone()),
        days,
        working_days,
        schedule: schedule.unwrap_or_default(),
    }))
}

/// Sets (replaces) one year's schedule.
#[utoipa::path(put, path = "/api/v1/admin/calendar/{year}", tag = "sla",
    params(("year" = i32, Path, description = "Year")),
    request_body(content = Object, description = "`{source?, holidays: [{date, name}], workdays: [{date, name}]}`"),
    responses((status = 200, body = YearDto), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn put_calendar_year(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(year): ApiPath<i32>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<Json<YearDto>> {
    p.require(Permission::AdminSla)?;
    let schedule: YearSchedule = shape(body)?;
    let mut doc = CalendarDocument::default();
    doc.years.insert(year, schedule);
    state.store().import_calendar(&doc, state.now()).await?;
    applied(&state, &p, "admin.calendar.year", &format!("calendar:{year}"), serde_json::json!({ "year": year }))
        .await?;
    calendar_year(State(state), p, ApiPath(year)).await
}

/// Removes one year's schedule (its days are then counted Monday–Friday, unconfirmed).
#[utoipa::path(delete, path = "/api/v1/admin/calendar/{year}", tag = "sla",
    params(("year" = i32, Path, description = "Year")),
    responses((status = 200, body = YearDto), (status = 403, body = crate::error::ErrorResponse), (status = 404, body = crate::error::ErrorResponse)))]
async fn delete_calendar_year(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<Json<YearDto>> {
    p.require(Permission::AdminSla)?;
    if !state.store().delete_calendar_year(year).await? {
        return Err(ApiError::not_found("calendar year"));
    }
    applied(&state, &p, "admin.calendar.delete", &format!("calendar:{year}"), serde_json::json!({ "year": year }))
        .await?;
    calendar_year(State(state), p, ApiPath(year)).await
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportAnswer {
    /// Years loaded or replaced.
    pub years: Vec<i32>,
}

/// Imports a calendar document `{"years": {"2027": {source, holidays, workdays}}}`: the years in
/// it replace the stored ones, other years stay. Checked in full first; nothing changes on error.
#[utoipa::path(post, path = "/api/v1/admin/calendar/import", tag = "sla",
    request_body(content = Object, description = "Calendar document, as shipped in crates/domain/data/holidays-cn.json"),
    responses((status = 200, body = ImportAnswer), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn import_calendar(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<Json<ImportAnswer>> {
    p.require(Permission::AdminSla)?;
    let doc: CalendarDocument = shape(body)?;
    if doc.years.is_empty() {
        return Err(FieldError::new("years", "required", "至少包含一个年份", "give at least one year").into());
    }
    state.store().import_calendar(&doc, state.now()).await?;
    let years: Vec<i32> = doc.years.keys().copied().collect();
    applied(&state, &p, "admin.calendar.import", "calendar", serde_json::json!({ "years": years })).await?;
    Ok(Json(ImportAnswer { years }))
}

/// Sets the working windows of a working day, e.g. `[{"start":"09:00","end":"12:00"},{"start":"13:30","end":"18:00"}]`:
/// the group's, or with `?company_id=` one company's own.
#[utoipa::path(put, path = "/api/v1/admin/calendar/hours", tag = "sla", params(CompanyParam),
    request_body(content = Vec<Object>, description = "Working windows"),
    responses((status = 200, body = CalendarDto), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn put_hours(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<CompanyParam>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<Json<CalendarDto>> {
    p.require(Permission::AdminSla)?;
    let company = company(&state, q.company_id).await?;
    let windows: Vec<WorkingWindow> = shape(body)?;
    let hours = WorkingHours::parse(&windows)?;
    state.store().set_working_hours(company, &hours).await?;
    let detail = serde_json::json!({ "hours": windows, "company_id": q.company_id });
    applied(&state, &p, "admin.calendar.hours", "calendar", detail).await?;
    calendar(State(state), p).await
}

/// A company follows the group's working hours again.
#[utoipa::path(delete, path = "/api/v1/admin/calendar/hours", tag = "sla", params(CompanyParam),
    responses((status = 200, body = CalendarDto), (status = 403, body = crate::error::ErrorResponse), (status = 404, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn delete_company_hours(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<CompanyParam>,
) -> ApiResult<Json<CalendarDto>> {
    p.require(Permission::AdminSla)?;
    let Some(company) = company(&state, q.company_id).await? else {
        return Err(FieldError::new("company_id", "required", "请指定公司", "give company_id").into());
    };
    if !state.store().clear_company_hours(company).await? {
        return Err(ApiError::not_found("working hours"));
    }
    let detail = serde_json::json!({ "company_id": company.0, "cleared": true });
    applied(&state, &p, "admin.calendar.hours", "calendar", detail).await?;
    calendar(State(state), p).await
}

/// The SLA policy: `{"rules": [{severity, tier, category_id?, response: {clock, minutes}, resolution: {clock, minutes}}]}`.
#[utoipa::path(get, path = "/api/v1/admin/sla-policy", tag = "sla", responses((status = 200, body = Object)))]
async fn sla_policy(State(state): State<AppState>, p: Principal) -> ApiResult<Json<SlaPolicyInput>> {
    p.require(Permission::View)?;
    Ok(Json(state.store().sla_config().policy.clone().into()))
}

/// Replaces the SLA policy. Every severity × tier needs a rule for all categories; mistakes are
/// all named, and nothing changes until the whole policy is right.
#[utoipa::path(put, path = "/api/v1/admin/sla-policy", tag = "sla", request_body = Object,
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn put_sla_policy(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<Json<SlaPolicyInput>> {
    p.require(Permission::AdminSla)?;
    let input: SlaPolicyInput = shape(body)?;
    let mut errors = SlaPolicy::parse(&input).err().unwrap_or_default();
    for (i, rule) in input.rules.iter().enumerate() {
        if let Some(id) = rule.category_id.filter(|id| *id > 0)
            && state.store().category(id).await.is_err()
        {
            errors.push(FieldError::new(
                format!("rules[{i}].category_id"),
                "unknown_category",
                "分类不存在",
                "unknown category",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let policy = SlaPolicy::parse(&input).map_err(ApiError::fields)?;
    state.store().set_sla_policy(&policy).await?;
    applied(&state, &p, "admin.sla.policy", "sla", serde_json::json!({ "rules": input.rules.len() })).await?;
    Ok(Json(policy.into()))
}

/// Warning and escalation thresholds, risk words and colours, batch early warning.
#[utoipa::path(get, path = "/api/v1/admin/alert-settings", tag = "sla", responses((status = 200, body = Object)))]
async fn alert_settings(State(state): State<AppState>, p: Principal) -> ApiResult<Json<AlertSettings>> {
    p.require(Permission::View)?;
    let cfg = state.store().sla_config();
    Ok(Json(AlertSettings { thresholds: cfg.thresholds.clone(), risk: cfg.risk.clone(), batch: cfg.batch.clone() }))
}

/// Replaces the warning, risk and batch settings (checked in full; every mistake named).
#[utoipa::path(put, path = "/api/v1/admin/alert-settings", tag = "sla", request_body = Object,
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn put_alert_settings(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<Json<AlertSettings>> {
    p.require(Permission::AdminSla)?;
    let settings: AlertSettings = shape(body)?;
    state.store().set_alert_settings(&settings).await?;
    applied(&state, &p, "admin.sla.alerts", "sla", serde_json::to_value(&settings).unwrap_or_default()).await?;
    alert_settings(State(state), p).await
}
