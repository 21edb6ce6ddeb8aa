//! Routing administration (DESIGN §4): the keyword rules the admin edits, the stored classifier
//! models with their figures, training from the database's own complaints, and a preview that
//! shows what routing would decide for a text. Every change is written to the audit log.

use crate::AppState;
use crate::error::{ApiError, ApiResult, off_the_workers};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Principal};
use crate::routes::stats::{PeriodQuery, period_days};
use crate::routing::{TrainFailure, train_from_database};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cloop_domain::validate::required_text;
use cloop_domain::*;
use cloop_nlp::rules::{MAX_PATTERNS, PatternError, RiskFlag, check_pattern};
use cloop_store::routing::{ModelRow, ModelTarget, RoutingRule, RuleDraft};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rules, create_rule))
        .routes(routes!(update_rule, delete_rule))
        .routes(routes!(models))
        .routes(routes!(train))
        .routes(routes!(restore))
        .routes(routes!(retrain_schedule, put_retrain_schedule))
        .routes(routes!(preview))
        .routes(routes!(backtest))
        .routes(routes!(conflicts))
        .routes(routes!(routing_settings, put_routing_settings))
}

/// A keyword rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleDto {
    /// Id (lower wins a priority tie).
    pub id: i64,
    /// Name, shown as the reason of a routing decision.
    pub name: String,
    /// Words (substring match), `a+b` (all words) or `re:` regular expressions; any one matching is enough.
    pub patterns: Vec<String>,
    /// Category code to route to.
    pub category_code: Option<String>,
    /// Department name to route to (looked up within the complaint's company).
    pub department: Option<String>,
    /// Severity floor 1–3 (1 most serious).
    pub severity_floor: Option<i64>,
    /// Risk flags: `legal`, `media`, `safety`.
    pub flags: Vec<String>,
    /// Higher wins when rules disagree.
    pub priority: i64,
    /// Whether the rule applies.
    pub enabled: bool,
    /// Last change.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<RoutingRule> for RuleDto {
    fn from(r: RoutingRule) -> Self {
        Self {
            id: r.id,
            name: r.name,
            patterns: r.patterns,
            category_code: r.category_code,
            department: r.department,
            severity_floor: r.severity_floor,
            flags: r.flags,
            priority: r.priority,
            enabled: r.enabled,
            updated_at: r.updated_at,
        }
    }
}

/// A keyword rule to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    /// Name (1–50 characters).
    pub name: String,
    /// 1–50 patterns of at most 100 characters.
    pub patterns: Vec<String>,
    /// Category code.
    pub category_code: Option<String>,
    /// Department name.
    pub department: Option<String>,
    /// Severity floor 1–3.
    pub severity_floor: Option<i64>,
    /// Risk flags.
    #[serde(default)]
    pub flags: Vec<String>,
    /// Priority, −1000 to 1000 (default 0).
    pub priority: Option<i64>,
    /// Default true.
    pub enabled: Option<bool>,
}

fn pattern_error(i: usize, e: &PatternError) -> FieldError {
    let field = format!("patterns[{i}]");
    match e {
        PatternError::Empty => FieldError::new(field, "empty_pattern", "关键词不能为空", "a pattern cannot be empty"),
        PatternError::TooLong => {
            FieldError::new(field, "pattern_too_long", "关键词最多 100 个字符", "a pattern is at most 100 characters")
        }
        PatternError::EmptyConjunct => FieldError::new(
            field,
            "empty_conjunct",
            "“+” 两边都需要有词，例如 退款+拒绝",
            "both sides of `+` need a word, e.g. 退款+拒绝",
        ),
        PatternError::BadRegex(msg) => FieldError::new(
            field,
            "invalid_regex",
            &format!("正则表达式无效：{msg}"),
            &format!("invalid regular expression: {msg}"),
        ),
    }
}

/// Checks a rule and turns it into a draft; every bad field is named at once.
async fn draft_of(state: &AppState, req: RuleRequest) -> ApiResult<RuleDraft> {
    let mut errors = Vec::new();
    let name = required_text("name", &req.name, 50).map_err(|e| errors.push(e)).ok();
    let patterns: Vec<String> = req.patterns.iter().map(|p| p.trim().to_owned()).collect();
    if patterns.is_empty() {
        errors.push(FieldError::new("patterns", "required", "至少填写一个关键词", "at least one pattern is required"));
    } else if patterns.len() > MAX_PATTERNS {
        errors.push(FieldError::new("patterns", "too_many", "关键词最多 50 个", "at most 50 patterns"));
    }
    for (i, p) in patterns.iter().enumerate() {
        if let Err(e) = check_pattern(p) {
            errors.push(pattern_error(i, &e));
        }
    }
    let category_code = req.category_code.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if let Some(code) = &category_code {
        let known = state.store().categories().await?.into_iter().any(|c| c.active && &c.code == code);
        if !known {
            errors.push(FieldError::new(
                "category_code",
                "unknown_category",
                "分类不存在或已停用",
                "unknown or inactive category",
            ));
        }
    }
    let department = req.department.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if let Some(name) = &department {
        let known = state.store().org_units().await?.into_iter().any(|u| u.kind == "department" && &u.name == name);
        if !known {
            errors.push(FieldError::new(
                "department",
                "unknown_department",
                "没有这个名称的部门",
                "no department has that name",
            ));
        }
    }
    if let Some(s) = req.severity_floor
        && !(1..=3).contains(&s)
    {
        errors.push(FieldError::new(
            "severity_floor",
            "invalid_severity",
            "级别只能是 1、2 或 3",
            "severity must be 1, 2 or 3",
        ));
    }
    let mut flags = Vec::new();
    for f in &req.flags {
        match RiskFlag::from_code(f.trim()) {
            Some(flag) if !flags.contains(&flag.code().to_owned()) => flags.push(flag.code().to_owned()),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "flags",
                "invalid_flag",
                "风险标记只能是 legal、media 或 safety",
                "flags are legal, media or safety",
            )),
        }
    }
    let priority = req.priority.unwrap_or(0);
    if !(-1000..=1000).contains(&priority) {
        errors.push(FieldError::new(
            "priority",
            "invalid_priority",
            "优先级为 −1000 到 1000",
            "priority is −1000 to 1000",
        ));
    }
    if category_code.is_none() && department.is_none() && req.severity_floor.is_none() && flags.is_empty() {
        errors.push(FieldError::new(
            "department",
            "no_effect",
            "规则至少要指定分类、部门、最低级别或风险标记之一",
            "a rule needs a category, a department, a severity floor or a flag",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    Ok(RuleDraft {
        name: name.expect("checked"),
        patterns,
        category_code,
        department,
        severity_floor: req.severity_floor,
        flags,
        priority,
        enabled: req.enabled.unwrap_or(true),
    })
}

/// The keyword rules, highest priority first.
#[utoipa::path(get, path = "/api/v1/routing/rules", tag = "routing",
    responses((status = 200, body = Vec<RuleDto>), (status = 403, body = crate::error::ErrorResponse)))]
async fn rules(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Vec<RuleDto>>> {
    p.require(Permission::AdminRouting)?;
    Ok(Json(state.store().routing_rules().await?.into_iter().map(Into::into).collect()))
}

/// Adds a keyword rule.
#[utoipa::path(post, path = "/api/v1/routing/rules", tag = "routing", request_body = RuleRequest,
    responses((status = 201, body = RuleDto), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn create_rule(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<RuleRequest>,
) -> ApiResult<(StatusCode, Json<RuleDto>)> {
    p.require(Permission::AdminRouting)?;
    let draft = draft_of(&state, req).await?;
    let rule = state.store().create_routing_rule(&draft).await?;
    state.router().invalidate();
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.routing_rule.create",
            &format!("routing_rule:{}", rule.id),
            serde_json::json!({"name": rule.name}),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(rule.into())))
}

/// Replaces a keyword rule.
#[utoipa::path(put, path = "/api/v1/routing/rules/{id}", tag = "routing", params(("id" = i64, Path, description = "Rule id")), request_body = RuleRequest,
    responses((status = 200, body = RuleDto), (status = 404, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn update_rule(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RuleRequest>,
) -> ApiResult<Json<RuleDto>> {
    p.require(Permission::AdminRouting)?;
    state.store().routing_rule(id).await?;
    let draft = draft_of(&state, req).await?;
    let rule = state.store().update_routing_rule(id, &draft).await?;
    state.router().invalidate();
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.routing_rule.update",
            &format!("routing_rule:{id}"),
            serde_json::json!({"name": rule.name}),
        )
        .await?;
    Ok(Json(rule.into()))
}

/// Deletes a keyword rule (decisions already logged keep its name).
#[utoipa::path(delete, path = "/api/v1/routing/rules/{id}", tag = "routing", params(("id" = i64, Path, description = "Rule id")),
    responses((status = 204), (status = 404, body = crate::error::ErrorResponse)))]
async fn delete_rule(State(state): State<AppState>, p: Principal, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    p.require(Permission::AdminRouting)?;
    let rule = state.store().routing_rule(id).await?;
    state.store().delete_routing_rule(id).await?;
    state.router().invalidate();
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.routing_rule.delete",
            &format!("routing_rule:{id}"),
            serde_json::json!({"name": rule.name}),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A stored classifier model.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelDto {
    /// `category` or `department`.
    pub target: String,
    /// Version (per target, from 1).
    pub version: i64,
    /// Stored at.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// `database` (a person trained it), `schedule` (scheduled retraining) or the training file's
    /// name.
    pub source: String,
    /// Training examples.
    pub examples: i64,
    /// Labels it chooses among.
    pub labels: i64,
    /// Figures on a held-out fifth, `{held_out, accuracy, macro_f1, latency_mean_ms, per_label}`
    /// (`per_label`: `[{label, precision, recall, f1, support, mistaken_for, mistaken}]`, where
    /// `mistaken_for` is the label the label's texts were most often predicted as instead),
    /// the `temperature` its confidence was calibrated with (1: not calibrated), and `thresholds`
    /// (`[{threshold, routed, right}]`: per triage threshold, how many held-out texts the model
    /// was confident enough to route and how many of those it got right).
    #[schema(value_type = Object)]
    pub metrics: serde_json::Value,
    /// Size in bytes.
    pub size: i64,
    /// Whether this node routes with it now.
    pub in_use: bool,
    /// The version this one is a copy of, when an admin put an older model back in use.
    pub restored_from: Option<i64>,
}

fn model_dto(m: ModelRow, in_use: (Option<i64>, Option<i64>)) -> ModelDto {
    let using = match m.target.as_str() {
        "category" => in_use.0,
        _ => in_use.1,
    };
    ModelDto {
        in_use: using == Some(m.version),
        target: m.target,
        version: m.version,
        created_at: m.created_at,
        source: m.source,
        examples: m.examples,
        labels: m.labels,
        metrics: m.metrics,
        size: m.size,
        restored_from: m.restored_from,
    }
}

/// The stored models, newest first.
#[utoipa::path(get, path = "/api/v1/routing/models", tag = "routing",
    responses((status = 200, body = Vec<ModelDto>), (status = 403, body = crate::error::ErrorResponse)))]
async fn models(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Vec<ModelDto>>> {
    p.require(Permission::AdminRouting)?;
    let in_use = state.router().snapshot(state.store()).await?.model_versions();
    Ok(Json(state.store().models().await?.into_iter().map(|m| model_dto(m, in_use)).collect()))
}

/// What to train.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainRequest {
    /// `category` or `department`.
    pub target: String,
}

/// Trains a model from the organisation's own routed complaints and stores it as the next
/// version; every node picks it up within its refresh interval. On bad data (e.g. a single
/// label) nothing is stored and the model in use stays.
#[utoipa::path(post, path = "/api/v1/routing/models/train", tag = "routing", request_body = TrainRequest,
    responses((status = 201, body = ModelDto), (status = 422, body = crate::error::ErrorResponse)))]
async fn train(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<TrainRequest>,
) -> ApiResult<(StatusCode, Json<ModelDto>)> {
    p.require(Permission::AdminRouting)?;
    let target = target_of(&req.target)?;
    let row = match train_from_database(state.store(), target).await {
        Ok(row) => row,
        Err(TrainFailure::Data(e)) => {
            return Err(FieldError::new(
                "target",
                "training_data_refused",
                &format!("训练数据不可用：{e}"),
                &format!("the training data was refused: {e}"),
            )
            .into());
        }
        Err(TrainFailure::Store(e)) => return Err(e.into()),
        Err(e @ TrainFailure::Aborted(_)) => {
            tracing::error!(error = %e, "training failed");
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "training_failed",
                "训练失败",
                "training failed",
            ));
        }
    };
    let detail = serde_json::json!({"examples": row.examples});
    stored(&state, &p, row, "admin.routing_model.train", detail).await
}

/// The answer to a model newly stored (trained or restored): this node reloads at once and the
/// change is audited, so the answer says whether the model is in use here.
async fn stored(
    state: &AppState,
    p: &Principal,
    row: ModelRow,
    action: &str,
    detail: serde_json::Value,
) -> ApiResult<(StatusCode, Json<ModelDto>)> {
    state.router().invalidate();
    let target = format!("routing_model:{}:{}", row.target, row.version);
    state.store().audit(Some(p.user.id), action, &target, detail).await?;
    let in_use = state.router().snapshot(state.store()).await?.model_versions();
    Ok((StatusCode::CREATED, Json(model_dto(row, in_use))))
}

fn target_of(code: &str) -> Result<ModelTarget, FieldError> {
    ModelTarget::from_code(code).ok_or_else(|| {
        FieldError::new(
            "target",
            "invalid_target",
            "目标只能是 category 或 department",
            "target is category or department",
        )
    })
}

/// Puts an older model version back in use (a rollback, e.g. after a retraining that routes
/// worse in practice than its held-out figures said). The model is stored again as the next
/// version, marked `restored_from`, so every node picks it up within its refresh interval as it
/// picks up a newly trained one. A version not stored, or already the newest, answers 422 on
/// `version` and changes nothing.
#[utoipa::path(post, path = "/api/v1/routing/models/{target}/{version}/restore", tag = "routing",
    params(("target" = String, Path, description = "`category` or `department`"), ("version" = i64, Path, description = "The version to put back in use")),
    responses((status = 201, body = ModelDto), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn restore(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((target, version)): ApiPath<(String, i64)>,
) -> ApiResult<(StatusCode, Json<ModelDto>)> {
    p.require(Permission::AdminRouting)?;
    let target = target_of(&target)?;
    let row = state.store().restore_model(target, version).await?;
    stored(&state, &p, row, "admin.routing_model.restore", serde_json::json!({"restored_from": version})).await
}

/// The retraining schedule as the admin edits it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetrainPolicyDto {
    /// Whether the scheduler retrains the models by itself.
    pub enabled: bool,
    /// At least this many days between two models of a target (1–90).
    pub interval_days: u32,
    /// At least this many more examples than the model in use learned from (1–100,000).
    pub min_new_examples: u32,
}

/// What the schedule says about one target now.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetrainTargetDto {
    /// `category` or `department`.
    pub target: String,
    /// `due`, `disabled`, `file_model` (only a person replaces a model trained from a file),
    /// `too_soon` (see `next`) or `too_few_examples` (see `have` and `need`).
    pub verdict: String,
    /// When the interval has passed (`too_soon`).
    pub next: Option<chrono::DateTime<chrono::Utc>>,
    /// New examples since the model in use (`too_few_examples`).
    pub have: Option<i64>,
    /// New examples needed (`too_few_examples`).
    pub need: Option<i64>,
    /// What the schedule last did for this target.
    pub last: Option<crate::retrain::RetrainRecord>,
}

/// The schedule and where each target stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetrainScheduleDto {
    /// The schedule.
    pub policy: RetrainPolicyDto,
    /// The largest fall in held-out accuracy a new model may show and still be adopted (0.05).
    pub max_accuracy_drop: f64,
    /// Both targets.
    pub targets: Vec<RetrainTargetDto>,
}

/// The retraining schedule (DESIGN §4: the classifier retrains on command or on a schedule),
/// with what it says about each target now and what it did last.
#[utoipa::path(get, path = "/api/v1/routing/retrain", tag = "routing",
    responses((status = 200, body = RetrainScheduleDto), (status = 403, body = crate::error::ErrorResponse)))]
async fn retrain_schedule(State(state): State<AppState>, p: Principal) -> ApiResult<Json<RetrainScheduleDto>> {
    p.require(Permission::AdminRouting)?;
    schedule_dto(&state).await.map(Json)
}

async fn schedule_dto(state: &AppState) -> ApiResult<RetrainScheduleDto> {
    use cloop_domain::retrain::Verdict;
    let store = state.store();
    let policy = store.retrain_policy().await?;
    let now = state.now();
    let mut targets = Vec::new();
    for target in ModelTarget::ALL {
        let verdict = crate::retrain::verdict(state, target, now).await?;
        let last = store.retrain_outcome(target).await?.and_then(|v| serde_json::from_value(v).ok());
        let (code, next, have, need) = match verdict {
            Verdict::Due => ("due", None, None, None),
            Verdict::Disabled => ("disabled", None, None, None),
            Verdict::FileModel => ("file_model", None, None, None),
            Verdict::TooSoon { next } => ("too_soon", Some(next), None, None),
            Verdict::TooFewExamples { have, need } => ("too_few_examples", None, Some(have), Some(need)),
        };
        targets.push(RetrainTargetDto {
            target: target.code().to_owned(),
            verdict: code.to_owned(),
            next,
            have,
            need,
            last,
        });
    }
    Ok(RetrainScheduleDto {
        policy: RetrainPolicyDto {
            enabled: policy.enabled,
            interval_days: policy.interval_days,
            min_new_examples: policy.min_new_examples,
        },
        max_accuracy_drop: cloop_domain::retrain::MAX_ACCURACY_DROP,
        targets,
    })
}

/// Replaces the retraining schedule (every field out of range named; nothing changes then).
/// Written to the audit log; the next scheduler pass follows it.
#[utoipa::path(put, path = "/api/v1/routing/retrain", tag = "routing", request_body = RetrainPolicyDto,
    responses((status = 200, body = RetrainScheduleDto), (status = 403, body = crate::error::ErrorResponse),
        (status = 422, body = crate::error::ErrorResponse)))]
async fn put_retrain_schedule(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<RetrainPolicyDto>,
) -> ApiResult<Json<RetrainScheduleDto>> {
    p.require(Permission::AdminRouting)?;
    let policy = cloop_domain::retrain::RetrainPolicy {
        enabled: req.enabled,
        interval_days: req.interval_days,
        min_new_examples: req.min_new_examples,
    };
    policy.validate().map_err(ApiError::fields)?;
    state.store().set_retrain_policy(&policy).await?;
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.routing.retrain_schedule",
            "settings",
            serde_json::to_value(policy).unwrap_or_default(),
        )
        .await?;
    schedule_dto(&state).await.map(Json)
}

/// A text to route without registering it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// The complaint's words.
    pub text: String,
    /// The company whose departments the decision names (default: the caller's company, or the
    /// first company for users at group level).
    pub company_id: Option<i64>,
}

/// What routing would decide for a text from the caller's company (rules and models as this node
/// has them); registers nothing. Answers the decision in the shape of a complaint's `routing`.
#[utoipa::path(post, path = "/api/v1/routing/preview", tag = "routing", request_body = PreviewRequest,
    responses((status = 200, body = Object), (status = 422, body = crate::error::ErrorResponse)))]
async fn preview(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<PreviewRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    p.require(Permission::View)?;
    let text = required_text("text", &req.text, 5000)?;
    let company = match req.company_id {
        Some(id) => {
            let unit = state.store().org_unit(id).await.ok().filter(|u| u.kind == "company");
            unit.ok_or_else(|| FieldError::new("company_id", "unknown_company", "公司不存在", "unknown company"))?.id
        }
        None => {
            let unit = state.store().org_unit(p.user.org_unit_id).await?;
            match state.store().company_of(&unit).await? {
                Some(c) => c.id,
                None => {
                    state.store().org_units().await?.into_iter().find(|u| u.kind == "company").map_or(unit.id, |c| c.id)
                }
            }
        }
    };
    let decision = state.router().preview(state.store(), OrgUnitId(company), &text).await?;
    Ok(Json(serde_json::to_value(decision).map_err(|e| {
        tracing::error!(error = %e, "decision does not serialize");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "内部错误", "internal error")
    })?))
}

/// How many of the newest complaints a rule is tried on: enough to show what it does, few
/// enough to answer at once on a million-complaint database.
const BACKTEST_LIMIT: u64 = 5_000;
/// How many matched complaints the answer lists.
const BACKTEST_SAMPLES: usize = 10;

/// The period's newest complaints within the caller's scope that rules are tried on, and whether
/// the period holds more (one more than is tried tells).
async fn recent_handled(
    state: &AppState,
    p: &Principal,
    since: chrono::DateTime<chrono::Utc>,
) -> ApiResult<(Vec<cloop_store::routing::HandledComplaint>, bool)> {
    let mut recent = state.store().recent_handled(&p.scope, since, BACKTEST_LIMIT + 1).await?;
    let capped = recent.len() as u64 > BACKTEST_LIMIT;
    recent.truncate(BACKTEST_LIMIT as usize);
    Ok((recent, capped))
}

/// A rule to try on recent complaints before it is saved (试运行).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestRequest {
    /// The rule as it would be saved (checked as on saving).
    pub rule: RuleRequest,
    /// The saved rule it would replace, when editing one: left out of the rules it is tried beside.
    pub rule_id: Option<i64>,
    /// Complaints received in the last this many days (1–365, default 30).
    pub days: Option<i64>,
}

/// A rule that would decide instead, and how often.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverruledByDto {
    /// The rule's id.
    pub rule_id: i64,
    /// Its name.
    pub name: Option<String>,
    /// Matched complaints it would decide instead.
    pub complaints: usize,
}

/// What the rule would have done for its department or category.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetTrialDto {
    /// The department's name or the category's code the rule names.
    pub label: String,
    /// Matched complaints for which the rule would choose it (no rule of higher priority names another).
    pub decides: usize,
    /// Of those, the ones people put there.
    pub agrees: usize,
    /// Matched complaints rules of higher priority would decide instead.
    pub overruled_by: Vec<OverruledByDto>,
}

/// How many matched complaints have one label now.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabelCountDto {
    /// A department's name or a category's code; none: none yet (triage, not classified).
    pub label: Option<String>,
    /// How many.
    pub complaints: usize,
}

/// A matched complaint.
#[derive(Debug, Serialize, ToSchema)]
pub struct BacktestSampleDto {
    /// Its id.
    pub id: i64,
    /// Its case number.
    pub case_no: String,
    /// Its summary.
    pub summary: String,
    /// What the rule matched in it.
    pub matched: String,
    /// Its department now.
    pub department: Option<String>,
    /// Its category now (code).
    pub category: Option<String>,
}

/// What a rule would have done with the period's newest complaints.
#[derive(Debug, Serialize, ToSchema)]
pub struct BacktestDto {
    /// The period, in days up to now.
    pub days: i64,
    /// Its start.
    pub since: chrono::DateTime<chrono::Utc>,
    /// Complaints tried: the newest of the period within the caller's data scope.
    pub scanned: usize,
    /// Whether the period holds more than were tried.
    pub capped: bool,
    /// Complaints the rule matches.
    pub matched: usize,
    /// For the department it names.
    pub department: Option<TargetTrialDto>,
    /// For the category it names.
    pub category: Option<TargetTrialDto>,
    /// Where the matched complaints are now, most first.
    pub departments_now: Vec<LabelCountDto>,
    /// Which categories they have now, most first.
    pub categories_now: Vec<LabelCountDto>,
    /// The newest matched complaints.
    pub samples: Vec<BacktestSampleDto>,
}

/// Tries a rule on the newest complaints of a period (at most 5,000, within the caller's data
/// scope) beside the other enabled rules, as if it were saved and enabled: which it matches, for
/// how many it would decide the department and category (a rule of higher priority wins), how
/// often that agrees with where people put them, and where they are now. Saves nothing.
#[utoipa::path(post, path = "/api/v1/routing/rules/backtest", tag = "routing", request_body = BacktestRequest,
    responses((status = 200, body = BacktestDto), (status = 403), (status = 422, body = crate::error::ErrorResponse)))]
async fn backtest(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<BacktestRequest>,
) -> ApiResult<Json<BacktestDto>> {
    p.require(Permission::AdminRouting)?;
    let days = period_days(req.days)?;
    let draft = draft_of(&state, req.rule).await?;
    let since = state.now() - chrono::Duration::days(days);
    let saved = state.store().routing_rules().await?;
    if let Some(id) = req.rule_id
        && !saved.iter().any(|r| r.id == id)
    {
        return Err(FieldError::new("rule_id", "unknown_rule", "规则不存在", "unknown rule").into());
    }
    // A new rule gets a higher id than any saved one, so it loses priority ties to all of them.
    let id = req.rule_id.unwrap_or_else(|| saved.iter().map(|r| r.id).max().unwrap_or(0) + 1);
    let names: std::collections::HashMap<i64, String> = saved.iter().map(|r| (r.id, r.name.clone())).collect();
    let others: Vec<_> = saved.into_iter().map(RoutingRule::keyword_rule).collect();
    let rule = draft.keyword_rule(id);
    let (recent, capped) = recent_handled(&state, &p, since).await?;
    let handled: Vec<_> = recent.iter().map(|r| r.handled.clone()).collect();
    let b = off_the_workers("trying a rule", {
        let rule = rule.clone();
        move || cloop_nlp::backtest::backtest(&rule, &others, &handled, BACKTEST_SAMPLES)
    })
    .await?;
    let trial = |label: Option<&String>, t: Option<cloop_nlp::backtest::TargetTrial>| {
        Some(TargetTrialDto {
            label: label?.clone(),
            decides: t.as_ref()?.decides,
            agrees: t.as_ref()?.agrees,
            overruled_by: t?
                .overruled_by
                .into_iter()
                .map(|(rule_id, complaints)| OverruledByDto { rule_id, name: names.get(&rule_id).cloned(), complaints })
                .collect(),
        })
    };
    let counts = |v: Vec<(Option<String>, usize)>| {
        v.into_iter().map(|(label, complaints)| LabelCountDto { label, complaints }).collect()
    };
    Ok(Json(BacktestDto {
        days,
        since,
        scanned: b.scanned,
        capped,
        matched: b.matched,
        department: trial(rule.department.as_ref(), b.department),
        category: trial(rule.category.as_ref(), b.category),
        departments_now: counts(b.departments_now),
        categories_now: counts(b.categories_now),
        samples: b
            .samples
            .into_iter()
            .map(|(i, matched)| {
                let r = &recent[i];
                BacktestSampleDto {
                    id: r.id,
                    case_no: r.case_no.clone(),
                    summary: r.summary.clone(),
                    matched,
                    department: r.handled.department.clone(),
                    category: r.handled.category.clone(),
                }
            })
            .collect(),
    }))
}

/// One side of a conflict: a rule and what it names.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictRuleDto {
    /// The rule's id.
    pub rule_id: i64,
    /// Its name.
    pub name: String,
    /// Its priority.
    pub priority: i64,
    /// The department's name or category's code it names.
    pub label: String,
}

/// Two enabled rules naming different departments (or categories) for the same complaints.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictDto {
    /// `department` or `category`.
    pub target: String,
    /// The rule that decides: higher priority, or on a tie the lower id.
    pub winner: ConflictRuleDto,
    /// The rule it overrules.
    pub loser: ConflictRuleDto,
    /// Same priority: the rules' numbers decide, which nobody chose. Give one a higher priority.
    pub tie: bool,
    /// Complaints where they disagree.
    pub complaints: usize,
    /// The newest of them.
    pub example: ConflictExampleDto,
}

/// A complaint two rules disagree about.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictExampleDto {
    /// Its id.
    pub id: i64,
    /// Its case number.
    pub case_no: String,
    /// Its summary.
    pub summary: String,
}

/// Where the enabled rules disagree over the period's newest complaints.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictsDto {
    /// The period, in days up to now.
    pub days: i64,
    /// Its start.
    pub since: chrono::DateTime<chrono::Utc>,
    /// Complaints tried: the newest of the period within the caller's data scope (at most 5,000).
    pub scanned: usize,
    /// Whether the period holds more than were tried.
    pub capped: bool,
    /// Ties of priority first, then the most complaints.
    pub conflicts: Vec<ConflictDto>,
}

/// Rule conflicts (规则冲突): pairs of enabled rules that matched the same recent complaints and
/// name different departments or categories for them. The rule of higher priority decides; two
/// of the same priority are decided by their numbers, which nobody chose, so ties come first.
#[utoipa::path(get, path = "/api/v1/routing/rules/conflicts", tag = "routing", params(PeriodQuery),
    responses((status = 200, body = ConflictsDto), (status = 403), (status = 422, body = crate::error::ErrorResponse)))]
async fn conflicts(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<ConflictsDto>> {
    p.require(Permission::AdminRouting)?;
    let days = period_days(q.days)?;
    let since = state.now() - chrono::Duration::days(days);
    let saved = state.store().routing_rules().await?;
    let (recent, capped) = recent_handled(&state, &p, since).await?;
    let handled: Vec<_> = recent.iter().map(|r| r.handled.clone()).collect();
    let rules: Vec<_> = saved.iter().cloned().map(RoutingRule::keyword_rule).collect();
    let found =
        off_the_workers("finding rule conflicts", move || cloop_nlp::backtest::conflicts(&rules, &handled)).await?;
    let side = |id: i64, target: cloop_nlp::backtest::Target| {
        let r = saved.iter().find(|r| r.id == id).expect("conflicts name saved rules");
        let label = match target {
            cloop_nlp::backtest::Target::Department => r.department.clone(),
            cloop_nlp::backtest::Target::Category => r.category_code.clone(),
        };
        ConflictRuleDto { rule_id: r.id, name: r.name.clone(), priority: r.priority, label: label.unwrap_or_default() }
    };
    let conflicts = found
        .into_iter()
        .map(|c| {
            let first = &recent[c.first];
            ConflictDto {
                target: match c.target {
                    cloop_nlp::backtest::Target::Department => "department",
                    cloop_nlp::backtest::Target::Category => "category",
                }
                .to_owned(),
                winner: side(c.winner, c.target),
                loser: side(c.loser, c.target),
                tie: c.tie,
                complaints: c.complaints,
                example: ConflictExampleDto {
                    id: first.id,
                    case_no: first.case_no.clone(),
                    summary: first.summary.clone(),
                },
            }
        })
        .collect();
    Ok(Json(ConflictsDto { days, since, scanned: recent.len(), capped, conflicts }))
}

/// One routing setting: the value in effect, what the admin saved, and the node's default.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingDto<T> {
    /// In effect on every node (within 10 s of a change): the saved one, else the default.
    pub value: T,
    /// What the admin saved, if anything.
    pub saved: Option<T>,
    /// This node's configured default, in effect when none is saved.
    pub default: T,
}

/// What an admin sets for intake routing on every node.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingSettingsDto {
    /// The triage threshold: the confidence a model's choice needs (default `--routing-threshold`).
    /// Each model's held-out figures per threshold (`metrics.thresholds` of `GET /routing/models`)
    /// say what a change would do.
    #[schema(value_type = SettingDto<f64>)]
    pub threshold: SettingDto<f64>,
    /// Earlier complaints of the same customer, order or text within this many days are linked as
    /// repeats (default `--repeat-window-days`).
    #[schema(value_type = SettingDto<i64>)]
    pub repeat_window_days: SettingDto<i64>,
}

/// The routing settings as a whole; a field left out or null goes back to the node's default.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingSettingsRequest {
    /// 0–1 (1: models never route alone, only rules do), at most three decimals kept.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// 1–365 days.
    #[serde(default)]
    pub repeat_window_days: Option<i64>,
}

async fn settings_dto(state: &AppState) -> ApiResult<RoutingSettingsDto> {
    let saved = state.store().routing_settings().await?;
    let config = state.router().config();
    let default_days = config.repeat_window.num_days();
    Ok(RoutingSettingsDto {
        threshold: SettingDto {
            value: saved.threshold.unwrap_or(config.threshold),
            saved: saved.threshold,
            default: config.threshold,
        },
        repeat_window_days: SettingDto {
            value: saved.repeat_window_days.unwrap_or(default_days),
            saved: saved.repeat_window_days,
            default: default_days,
        },
    })
}

/// The routing settings in effect: the triage threshold and the repeat window.
#[utoipa::path(get, path = "/api/v1/routing/settings", tag = "routing",
    responses((status = 200, body = RoutingSettingsDto), (status = 403)))]
async fn routing_settings(State(state): State<AppState>, p: Principal) -> ApiResult<Json<RoutingSettingsDto>> {
    p.require(Permission::AdminRouting)?;
    settings_dto(&state).await.map(Json)
}

/// Saves the routing settings for every node (a field null or left out goes back to each node's
/// default). Audit-logged; bad values change nothing.
#[utoipa::path(put, path = "/api/v1/routing/settings", tag = "routing", request_body = RoutingSettingsRequest,
    responses((status = 200, body = RoutingSettingsDto), (status = 403), (status = 422, body = crate::error::ErrorResponse)))]
async fn put_routing_settings(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<RoutingSettingsRequest>,
) -> ApiResult<Json<RoutingSettingsDto>> {
    p.require(Permission::AdminRouting)?;
    let settings = cloop_domain::routing::RoutingSettings {
        // Three decimals at most: what the page offers (0.999 keeps nearly every model's choice
        // for a person), so a stored value never shows more digits than can be typed.
        threshold: req.threshold.map(|t| (t * 1000.0).round() / 1000.0),
        repeat_window_days: req.repeat_window_days,
    };
    settings.validate().map_err(ApiError::fields)?;
    state.store().set_routing_settings(&settings).await?;
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.routing.settings",
            "settings",
            serde_json::to_value(settings).unwrap_or_default(),
        )
        .await?;
    state.router().invalidate();
    settings_dto(&state).await.map(Json)
}
