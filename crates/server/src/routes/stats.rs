//! Counts for the workbench queue tabs and the home dashboard, within the caller's data scope.

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Principal;
use crate::routes::complaints::queue_filter;
use axum::Json;
use axum::extract::State;
use chrono::{Duration, NaiveDate};
use cloop_domain::Permission;
use cloop_domain::case_no::china_offset;
use cloop_store::ComplaintFilter;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(queues)).routes(routes!(overview))
}

/// The workbench queues: the queue names of `GET /api/v1/complaints?queue=` with their sizes.
pub const QUEUES: [&str; 10] = [
    "mine",
    "department",
    "triage",
    "approval",
    "awaiting_customer",
    "return_visits",
    "overdue",
    "at_risk",
    "open",
    "all",
];

/// How many complaints wait in each queue.
#[utoipa::path(get, path = "/api/v1/complaints/queues", tag = "stats", responses((status = 200, body = BTreeMap<String, i64>)))]
async fn queues(State(state): State<AppState>, p: Principal) -> ApiResult<Json<BTreeMap<String, i64>>> {
    p.require(Permission::View)?;
    let mut out = BTreeMap::new();
    for q in QUEUES {
        let mut f = ComplaintFilter::default();
        queue_filter(q, &p, &mut f, state.now()).expect("known queue");
        out.insert(q.to_owned(), state.store().count_complaints(&p.scope, &f).await?);
    }
    Ok(Json(out))
}

/// A name with a count.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedCountDto {
    /// Id of the category or department (none for "unassigned").
    pub id: Option<i64>,
    /// Name.
    pub name: String,
    /// Count.
    pub count: i64,
}

/// Complaints received on one day (China time).
#[derive(Debug, Serialize, ToSchema)]
pub struct DayCount {
    /// The day, `YYYY-MM-DD`.
    pub day: NaiveDate,
    /// Complaints received.
    pub count: i64,
}

/// The home dashboard's numbers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Overview {
    /// Open complaints per state.
    pub open_by_state: BTreeMap<String, i64>,
    /// Complaints received today (China time).
    pub new_today: i64,
    /// Open complaints per category (top 10).
    pub by_category: Vec<NamedCountDto>,
    /// Open complaints per responsible department (top 10), named "company · department".
    pub by_department: Vec<NamedCountDto>,
    /// Complaints received per day over the last 30 days.
    pub daily: Vec<DayCount>,
}

/// The basic numbers for the home dashboard.
#[utoipa::path(get, path = "/api/v1/stats/overview", tag = "stats", responses((status = 200, body = Overview)))]
async fn overview(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Overview>> {
    p.require(Permission::View)?;
    let store = state.store();
    let open_states: Vec<_> = cloop_domain::State::ALL.iter().copied().filter(|s| s.is_open()).collect();
    let open_by_state = store
        .count_by_state(&p.scope)
        .await?
        .into_iter()
        .filter(|(s, _)| open_states.iter().any(|o| o.code() == s))
        .collect();
    let open = ComplaintFilter { states: open_states, ..Default::default() };
    let named = |v: Vec<cloop_store::stats::NamedCount>| {
        v.into_iter().map(|n| NamedCountDto { id: n.id, name: n.name, count: n.count }).collect::<Vec<_>>()
    };
    let by_category = named(store.count_by(&p.scope, &open, "category", 10).await?);
    // Departments repeat across companies (each has a 质量管理部), so name them with their
    // company; complaints not yet assigned belong to no department and are left out here.
    let mut by_department = Vec::new();
    for n in store.count_by(&p.scope, &open, "department", 11).await? {
        let Some(id) = n.id else { continue };
        let name = match store.org_unit(id).await {
            Ok(unit) => match store.company_of(&unit).await? {
                Some(company) if company.id != unit.id => format!("{} · {}", company.name, unit.name),
                _ => unit.name,
            },
            Err(_) => n.name,
        };
        by_department.push(NamedCountDto { id: Some(id), name, count: n.count });
    }
    by_department.truncate(10);
    let now = state.now().with_timezone(&china_offset());
    let today = now.date_naive();
    let first = today - Duration::days(29);
    let from = first
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_local_timezone(china_offset())
        .single()
        .expect("fixed offset");
    let mut per_day: BTreeMap<NaiveDate, i64> = (0..30).map(|i| (first + Duration::days(i), 0)).collect();
    for at in store.received_times(&p.scope, from.to_utc()).await? {
        if let Some(n) = per_day.get_mut(&at.with_timezone(&china_offset()).date_naive()) {
            *n += 1;
        }
    }
    let new_today = per_day.get(&today).copied().unwrap_or(0);
    Ok(Json(Overview {
        open_by_state,
        new_today,
        by_category,
        by_department,
        daily: per_day.into_iter().map(|(day, count)| DayCount { day, count }).collect(),
    }))
}
