//! How routing fared in practice (the routing page's 分派效果): of the complaints rules and the
//! model sent to a department, how many a person moved elsewhere, and of those left in triage,
//! how often the person chose the department routing suggested; of the categories routing chose,
//! how many a person changed. The definitions are in
//! [`cloop_domain::routing_outcomes`].

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiQuery, Principal};
use crate::routes::stats::{PeriodQuery, period_days};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use cloop_domain::Permission;
use cloop_domain::routing_outcomes::{LabelOutcome, SourceOutcome, outcomes, per_label};
use cloop_store::routing::RoutingRule;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(routing_outcomes))
}

/// The figures for one way of routing.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceOutcomeDto {
    /// Complaints routed this way.
    pub complaints: i64,
    /// Now in the department routing chose (for triage: the one it suggested).
    pub same: i64,
    /// Now in another department than the one chosen or suggested.
    pub other: i64,
    /// In no department yet (the triage queue).
    pub waiting: i64,
    /// Placed by a person where routing had no department to suggest (triage only).
    pub unsuggested: i64,
    /// Said by a person to have gone to the wrong department first (分派有误, marked on the
    /// first transfer): routing's choice, or for triage the person's.
    pub misrouted: i64,
}

impl From<SourceOutcome> for SourceOutcomeDto {
    fn from(s: SourceOutcome) -> Self {
        Self {
            complaints: s.complaints,
            same: s.same,
            other: s.other,
            waiting: s.waiting,
            unsuggested: s.unsuggested,
            misrouted: s.misrouted,
        }
    }
}

/// One label routing chose: a department rules or the model sent complaints to, or a category
/// they classified complaints as.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabelOutcomeDto {
    /// The department's name or the category's code (the models' label).
    pub label: String,
    /// Complaints routing gave it.
    pub routed: i64,
    /// Of those, now in another department (classified as another category).
    pub moved: i64,
    /// Of those, said by a person to have been sent there wrongly (departments only).
    pub misrouted: i64,
    /// Where most of the moved ones are now.
    pub moved_to: Option<String>,
    /// How many are there.
    pub moved_to_count: i64,
}

impl From<LabelOutcome> for LabelOutcomeDto {
    fn from(d: LabelOutcome) -> Self {
        let (moved_to, moved_to_count) = d.moved_to.map_or((None, 0), |(label, n)| (Some(label), n));
        Self { label: d.label, routed: d.routed, moved: d.moved, misrouted: d.misrouted, moved_to, moved_to_count }
    }
}

/// One keyword rule that sent complaints to a department.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleOutcomeDto {
    /// The rule's id.
    pub rule_id: i64,
    /// Its name now (none: the rule was deleted since).
    pub name: Option<String>,
    /// The department it names now.
    pub department: Option<String>,
    /// Complaints it sent to a department in the period.
    pub routed: i64,
    /// Of those, now in another department.
    pub moved: i64,
    /// Of those, said by a person to have been sent there wrongly (分派有误).
    pub misrouted: i64,
}

/// How routing fared for the complaints received in a period, within the caller's data scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingOutcomesDto {
    /// The period, in days up to now.
    pub days: i64,
    /// Its start.
    pub since: DateTime<Utc>,
    /// Complaints that went through routing (complaints registered with routing off are not counted).
    pub complaints: i64,
    /// Sent to a department by a keyword rule.
    pub rule: SourceOutcomeDto,
    /// Sent to a department by the model.
    pub model: SourceOutcomeDto,
    /// Left in triage for a person.
    pub triage: SourceOutcomeDto,
    /// Per department rules or the model sent complaints to, the most often moved away first.
    pub departments: Vec<LabelOutcomeDto>,
    /// Per category rules or the model classified assigned complaints as, the most often
    /// classified again first.
    pub categories: Vec<LabelOutcomeDto>,
    /// Per keyword rule that sent complaints to a department, the most often moved away first.
    pub rules: Vec<RuleOutcomeDto>,
}

/// How routing fared: complaints a person moved away from the department a rule or the model
/// chose, and how often a person deciding from triage followed the suggestion. A complaint counts
/// as moved when its department now is not the one routing chose, the same department the next
/// training learns from; as misrouted when the first transfer said the department was wrong.
#[utoipa::path(get, path = "/api/v1/routing/outcomes", tag = "routing", params(PeriodQuery),
    responses((status = 200, body = RoutingOutcomesDto), (status = 403), (status = 422)))]
async fn routing_outcomes(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<RoutingOutcomesDto>> {
    p.require(Permission::AdminRouting)?;
    let days = period_days(q.days)?;
    let since = state.now() - Duration::days(days);
    let o = outcomes(&state.store().routing_outcome_counts(&p.scope, since).await?);
    let categories = per_label(state.store().routing_category_counts(&p.scope, since).await?);
    let rules_by_id: HashMap<i64, RoutingRule> =
        state.store().routing_rules().await?.into_iter().map(|r| (r.id, r)).collect();
    let rules = o
        .rules
        .into_iter()
        .map(|r| {
            let rule = rules_by_id.get(&r.rule_id);
            RuleOutcomeDto {
                rule_id: r.rule_id,
                name: rule.map(|x| x.name.clone()),
                department: rule.and_then(|x| x.department.clone()),
                routed: r.routed,
                moved: r.moved,
                misrouted: r.misrouted,
            }
        })
        .collect();
    Ok(Json(RoutingOutcomesDto {
        days,
        since,
        complaints: o.complaints,
        rule: o.rule.into(),
        model: o.model.into(),
        triage: o.triage.into(),
        departments: o.departments.into_iter().map(Into::into).collect(),
        categories: categories.into_iter().map(Into::into).collect(),
        rules,
    }))
}
