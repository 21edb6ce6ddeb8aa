//! Counts for the workbench queue tabs and the home dashboard, within the caller's data scope.

use crate::AppState;
use crate::error::{ApiError, ApiResult, off_the_workers};
use crate::extract::{ApiJson, ApiQuery, Principal};
use crate::routes::complaints::queue_filter;
use axum::Json;
use axum::extract::State;
use chrono::{Duration, NaiveDate};
use cloop_domain::FieldError;
use cloop_domain::Permission;
use cloop_domain::case_no::china_offset;
use cloop_store::ComplaintFilter;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queues))
        .routes(routes!(overview))
        .routes(routes!(hot_words))
        .routes(routes!(put_hot_words_excluded))
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

/// The period of a figure (hot words, routing outcomes).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// Complaints received in the last this many days (1–365, default 30).
    pub days: Option<i64>,
}

/// A period of a figure, in days up to now: 1–365, 30 when not given.
pub(crate) fn period_days(days: Option<i64>) -> ApiResult<i64> {
    let days = days.unwrap_or(30);
    if !(1..=365).contains(&days) {
        return Err(ApiError::fields(vec![FieldError::new(
            "days",
            "out_of_range",
            "天数为 1–365",
            "days must be 1–365",
        )]));
    }
    Ok(days)
}

/// One hot word.
#[derive(Debug, Serialize, ToSchema)]
pub struct HotWordDto {
    /// The word (jieba word; Latin words lower-cased).
    pub word: String,
    /// How many of the complaints read have it among their top keywords.
    pub complaints: usize,
    /// Its TF-IDF weight added up over those complaints (orders words as many).
    pub weight: f64,
    /// How many of the previous period's complaints had it among theirs (as many days before).
    pub previous: usize,
}

/// The words complaints of a period share most.
#[derive(Debug, Serialize, ToSchema)]
pub struct HotWords {
    /// The period, in days up to now.
    pub days: i64,
    /// Complaints read: the period's newest, 2,000 at most.
    pub complaints: usize,
    /// Complaints read of the period before, as long, for the comparison (2,000 at most).
    pub previous_complaints: usize,
    /// The words an admin chose to leave out (brand names, words of every complaint).
    pub excluded: Vec<String>,
    /// The words, those most complaints share first; 20 at most.
    pub words: Vec<HotWordDto>,
}

/// How many hot words the dashboard shows.
pub const HOT_WORDS: usize = 20;
/// How many of the period's newest complaints are read: enough to show the words a period
/// shares; every one read is segmented on each request.
pub const HOT_WORD_TEXTS: u64 = 2_000;

/// The hot words of the complaints received in the last `days` days within the caller's scope
/// (DESIGN §9's "hot words"): the words most of them have among their top keywords (TF-IDF
/// over jieba words).
#[utoipa::path(get, path = "/api/v1/stats/hot-words", tag = "stats", params(PeriodQuery),
    responses((status = 200, body = HotWords), (status = 422, body = crate::error::ErrorResponse)))]
async fn hot_words(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<HotWords>> {
    p.require(Permission::View)?;
    let days = period_days(q.days)?;
    let now = state.now();
    let (from, before) = (now - Duration::days(days), now - Duration::days(2 * days));
    let texts = state.store().recent_texts(&p.scope, from, now, HOT_WORD_TEXTS).await?;
    let earlier = state.store().recent_texts(&p.scope, before, from, HOT_WORD_TEXTS).await?;
    let excluded = state.store().hot_words_excluded().await?;
    let (complaints, previous_complaints) = (texts.len(), earlier.len());
    let leave_out = excluded.clone();
    // Segmenting is CPU work (about 13 ms per 2,000 short texts, BENCHMARKS "Hot words"): off
    // the async workers.
    let words = off_the_workers("hot words", move || {
        use cloop_nlp::keywords::{keyword_counts, rank};
        let now = keyword_counts(texts.iter().map(String::as_str));
        let before = keyword_counts(earlier.iter().map(String::as_str));
        rank(&now, HOT_WORDS, &leave_out)
            .into_iter()
            .map(|h| HotWordDto {
                previous: before.get(&h.word).map_or(0, |c| c.0),
                word: h.word,
                complaints: h.texts,
                weight: h.weight,
            })
            .collect::<Vec<_>>()
    })
    .await?;
    Ok(Json(HotWords { days, complaints, previous_complaints, excluded, words }))
}

/// The words hot words leave out.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HotWordsExcluded {
    /// Words, 1–30 characters each, 200 at most; compared ignoring case and full/half width.
    pub words: Vec<String>,
}

/// How many words the admin may leave out of hot words.
pub const MAX_EXCLUDED_WORDS: usize = 200;

/// Replaces the words hot words leave out (for every user: a brand name, a word every complaint
/// of this organisation uses). Needs `admin.routing`; written to the audit log.
#[utoipa::path(put, path = "/api/v1/stats/hot-words/excluded", tag = "stats", request_body = HotWordsExcluded,
    responses((status = 200, body = HotWordsExcluded), (status = 403, body = crate::error::ErrorResponse),
        (status = 422, body = crate::error::ErrorResponse)))]
async fn put_hot_words_excluded(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<HotWordsExcluded>,
) -> ApiResult<Json<HotWordsExcluded>> {
    p.require(Permission::AdminRouting)?;
    let words = excluded_words(&req.words)?;
    state.store().set_hot_words_excluded(&words).await?;
    state
        .store()
        .audit(Some(p.user.id), "admin.hot_words.exclude", "settings", serde_json::json!({"words": words}))
        .await?;
    Ok(Json(HotWordsExcluded { words }))
}

/// The words normalised like hot words (lower case, half width), duplicates dropped, in the
/// order given; every bad word named.
fn excluded_words(words: &[String]) -> ApiResult<Vec<String>> {
    if words.len() > MAX_EXCLUDED_WORDS {
        return Err(ApiError::fields(vec![FieldError::new("words", "too_many", "最多 200 个词", "200 words at most")]));
    }
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut errors = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let word = cloop_nlp::segment::normalize(word.trim());
        let field = format!("words[{i}]");
        match word.chars().count() {
            0 => errors.push(FieldError::new(field, "required", "词不能为空", "a word cannot be empty")),
            1..=30 => {
                if !out.contains(&word) {
                    out.push(word);
                }
            }
            _ => {
                errors.push(FieldError::new(field, "too_long", "每个词最多 30 个字", "30 characters at most per word"))
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(ApiError::fields(errors)) }
}
