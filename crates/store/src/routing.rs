//! What intake routing keeps in the database (DESIGN §4): the admin's keyword rules, the trained
//! classifier models (versioned, so every node can tell it has an older one and reload), the
//! labelled examples the next training learns from, and the earlier complaints repeat detection
//! compares a new one with.
//!
//! The store knows nothing of how rules match or models predict (that is `cloop-nlp`); it keeps
//! rules as rows (handing them over as `cloop-nlp`'s `KeywordRule`) and models as bytes.

use crate::Store;
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use cloop_domain::retrain::RetrainPolicy;
use cloop_domain::*;
use cloop_nlp::rules::{KeywordRule, RiskFlag};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait};
use serde::Serialize;

/// A keyword rule as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoutingRule {
    /// Id (lower wins a priority tie).
    pub id: i64,
    /// Name shown as the reason of a decision.
    pub name: String,
    /// Words, `a+b` conjunctions or `re:` expressions.
    pub patterns: Vec<String>,
    /// Category code to route to.
    pub category_code: Option<String>,
    /// Department name to route to (looked up within the complaint's company).
    pub department: Option<String>,
    /// Severity floor 1–3.
    pub severity_floor: Option<i64>,
    /// Risk flags (`legal`, `media`, `safety`).
    pub flags: Vec<String>,
    /// Higher wins.
    pub priority: i64,
    /// Whether it applies.
    pub enabled: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A keyword rule to create or change (validated at the edge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDraft {
    /// Name.
    pub name: String,
    /// Patterns.
    pub patterns: Vec<String>,
    /// Category code.
    pub category_code: Option<String>,
    /// Department name.
    pub department: Option<String>,
    /// Severity floor 1–3.
    pub severity_floor: Option<i64>,
    /// Risk flags.
    pub flags: Vec<String>,
    /// Priority.
    pub priority: i64,
    /// Enabled.
    pub enabled: bool,
}

impl RoutingRule {
    /// The rule as the matcher takes it.
    pub fn keyword_rule(self) -> KeywordRule {
        let draft = RuleDraft {
            name: self.name,
            patterns: self.patterns,
            category_code: self.category_code,
            department: self.department,
            severity_floor: self.severity_floor,
            flags: self.flags,
            priority: self.priority,
            enabled: self.enabled,
        };
        draft.keyword_rule(self.id)
    }
}

impl RuleDraft {
    /// The rule as the matcher takes it, under the id it has (or, not saved yet, would be given).
    pub fn keyword_rule(self, id: i64) -> KeywordRule {
        KeywordRule {
            id,
            name: self.name,
            patterns: self.patterns,
            category: self.category_code,
            department: self.department,
            severity_floor: self.severity_floor.and_then(|s| u8::try_from(s).ok()),
            flags: self.flags.iter().filter_map(|f| RiskFlag::from_code(f)).collect(),
            priority: i32::try_from(self.priority).unwrap_or(if self.priority > 0 { i32::MAX } else { i32::MIN }),
            enabled: self.enabled,
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct RuleRow {
    id: i64,
    name: String,
    patterns: String,
    category_code: Option<String>,
    department: Option<String>,
    severity_floor: Option<i64>,
    flags: String,
    priority: i64,
    enabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl RuleRow {
    fn into_rule(self) -> RoutingRule {
        RoutingRule {
            id: self.id,
            name: self.name,
            patterns: serde_json::from_str(&self.patterns).unwrap_or_default(),
            category_code: self.category_code,
            department: self.department,
            severity_floor: self.severity_floor,
            flags: serde_json::from_str(&self.flags).unwrap_or_default(),
            priority: self.priority,
            enabled: self.enabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

const RULE_COLUMNS: [&str; 11] = [
    "id",
    "name",
    "patterns",
    "category_code",
    "department",
    "severity_floor",
    "flags",
    "priority",
    "enabled",
    "created_at",
    "updated_at",
];

/// What a model was trained to predict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelTarget {
    /// The category code.
    Category,
    /// The responsible department's name.
    Department,
}

impl ModelTarget {
    /// Both targets.
    pub const ALL: [ModelTarget; 2] = [ModelTarget::Category, ModelTarget::Department];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ModelTarget::Category => "category",
            ModelTarget::Department => "department",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The column of the label's table a model learns: the category's code, the department's
    /// name.
    fn label_column(self) -> &'static str {
        match self {
            ModelTarget::Category => "code",
            ModelTarget::Department => "name",
        }
    }
}

/// The columns that describe a stored model (besides its id, its bytes and `restored_from`), in
/// the order a restore's copy selects them.
const DESCRIBED: [&str; 7] = ["target", "version", "created_at", "source", "examples", "labels", "metrics"];

/// The newest stored version of `target`'s model, if any.
async fn newest_version(db: &impl ConnectionTrait, target: ModelTarget) -> StoreResult<Option<i64>> {
    let row = db
        .query_one(
            &Query::select()
                .expr_as(Expr::col("version").max(), "v")
                .from("routing_models")
                .and_where(Expr::col("target").eq(target.code()))
                .to_owned(),
        )
        .await?;
    Ok(row.and_then(|r| r.try_get::<Option<i64>>("", "v").ok().flatten()))
}

/// Setting: the retraining schedule ([`RetrainPolicy`], JSON).
pub const RETRAIN_POLICY: &str = "routing_retrain";
/// Setting: what the admin set for routing ([`cloop_domain::routing::RoutingSettings`], JSON;
/// none: every node's configured defaults).
pub const ROUTING_SETTINGS: &str = "routing_settings";
/// Setting prefix: what the schedule last did, per target (`routing_retrain_last.category`).
pub const RETRAIN_OUTCOME: &str = "routing_retrain_last";

/// A stored model's description (its bytes are loaded separately).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelRow {
    /// Row id.
    pub id: i64,
    /// `category` or `department`.
    pub target: String,
    /// Version, from 1, per target.
    pub version: i64,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// What it was trained on (`database`, or the file name).
    pub source: String,
    /// Training examples.
    pub examples: i64,
    /// Labels it chooses among.
    pub labels: i64,
    /// Evaluation figures (accuracy, macro-F1 … on a held-out part).
    pub metrics: serde_json::Value,
    /// Size of the model in bytes.
    pub size: i64,
    /// The version this one is a copy of, when an admin put an older model back in use.
    pub restored_from: Option<i64>,
}

#[derive(Debug, FromQueryResult)]
struct ModelDbRow {
    id: i64,
    target: String,
    version: i64,
    created_at: DateTime<Utc>,
    source: String,
    examples: i64,
    labels: i64,
    metrics: String,
    size: i64,
    restored_from: Option<i64>,
}

impl ModelDbRow {
    fn into_row(self) -> ModelRow {
        ModelRow {
            id: self.id,
            target: self.target,
            version: self.version,
            created_at: self.created_at,
            source: self.source,
            examples: self.examples,
            labels: self.labels,
            metrics: serde_json::from_str(&self.metrics).unwrap_or(serde_json::Value::Null),
            size: self.size,
            restored_from: self.restored_from,
        }
    }
}

/// A model to store.
#[derive(Debug, Clone)]
pub struct NewModel<'a> {
    /// What it predicts.
    pub target: ModelTarget,
    /// What it was trained on.
    pub source: &'a str,
    /// Training examples.
    pub examples: i64,
    /// Labels.
    pub labels: i64,
    /// Evaluation figures.
    pub metrics: serde_json::Value,
    /// The serialized model.
    pub bytes: &'a [u8],
}

/// States whose department and category a person has confirmed (or that the loop went through),
/// which training learns from.
const TRAINED_STATES: [State; 8] = [
    State::Assigned,
    State::Investigating,
    State::PendingApproval,
    State::AwaitingCustomer,
    State::Executing,
    State::Resolved,
    State::SecondaryReview,
    State::Closed,
];

impl Store {
    /// Every keyword rule, by priority (highest first), then id.
    pub async fn routing_rules(&self) -> StoreResult<Vec<RoutingRule>> {
        let stmt = self.db.get_database_backend().build(
            Query::select()
                .columns(RULE_COLUMNS)
                .from("routing_rules")
                .order_by("priority", Order::Desc)
                .order_by("id", Order::Asc),
        );
        Ok(RuleRow::find_by_statement(stmt).all(&self.db).await?.into_iter().map(RuleRow::into_rule).collect())
    }

    /// One keyword rule.
    pub async fn routing_rule(&self, id: i64) -> StoreResult<RoutingRule> {
        let stmt = self
            .db
            .get_database_backend()
            .build(Query::select().columns(RULE_COLUMNS).from("routing_rules").and_where(Expr::col("id").eq(id)));
        RuleRow::find_by_statement(stmt)
            .one(&self.db)
            .await?
            .map(RuleRow::into_rule)
            .ok_or(StoreError::NotFound("routing rule"))
    }

    /// Adds a keyword rule.
    pub async fn create_routing_rule(&self, draft: &RuleDraft) -> StoreResult<RoutingRule> {
        let now = chrono::Utc::now();
        let row = self
            .db
            .query_one(
                &Query::insert()
                    .into_table("routing_rules")
                    .columns(RULE_COLUMNS[1..].iter().copied())
                    .values_panic(rule_values(draft, now).into_iter().chain([now.into()]).map(Expr::val))
                    .returning_col("id")
                    .to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound("routing rule"))?;
        self.routing_rule(row.try_get("", "id")?).await
    }

    /// Changes a keyword rule.
    pub async fn update_routing_rule(&self, id: i64, draft: &RuleDraft) -> StoreResult<RoutingRule> {
        let now = chrono::Utc::now();
        let mut update = Query::update();
        update.table("routing_rules");
        // Every column but id and created_at.
        for (col, v) in RULE_COLUMNS[1..9].iter().zip(rule_values(draft, now)) {
            update.value(*col, v);
        }
        update.value("updated_at", cloop_domain::chain::truncate_micros(now));
        let res = self.db.execute(&update.and_where(Expr::col("id").eq(id)).to_owned()).await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound("routing rule"));
        }
        self.routing_rule(id).await
    }

    /// Deletes a keyword rule (decisions already logged keep its name and id).
    pub async fn delete_routing_rule(&self, id: i64) -> StoreResult<()> {
        let res = self
            .db
            .execute(&Query::delete().from_table("routing_rules").and_where(Expr::col("id").eq(id)).to_owned())
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound("routing rule"));
        }
        Ok(())
    }

    /// A cheap fingerprint of the rule table (count and last change), so nodes notice edits.
    pub async fn routing_rules_stamp(&self) -> StoreResult<(i64, Option<DateTime<Utc>>)> {
        let row = self
            .db
            .query_one(
                &Query::select()
                    .expr_as(Expr::col("id").count(), "n")
                    .expr_as(Expr::col("updated_at").max(), "last")
                    .from("routing_rules")
                    .to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound("routing rules"))?;
        Ok((row.try_get("", "n")?, row.try_get::<Option<DateTime<Utc>>>("", "last")?))
    }

    /// Stores a model as the next version of its target and returns its row. Versions only grow,
    /// so a node that holds version `n` knows to reload when it sees `n + 1`.
    pub async fn save_model(&self, model: NewModel<'_>) -> StoreResult<ModelRow> {
        let txn = self.db.begin().await?;
        let version = self.newest_version_locked(&txn, model.target).await?.unwrap_or(0) + 1;
        let now = cloop_domain::chain::truncate_micros(chrono::Utc::now());
        txn.execute(
            &Query::insert()
                .into_table("routing_models")
                .columns(DESCRIBED.into_iter().chain(["bytes"]))
                .values_panic([
                    model.target.code().into(),
                    version.into(),
                    now.into(),
                    model.source.into(),
                    model.examples.into(),
                    model.labels.into(),
                    model.metrics.to_string().into(),
                    model.bytes.to_vec().into(),
                ])
                .to_owned(),
        )
        .await?;
        txn.commit().await?;
        self.model_row(model.target, version).await
    }

    /// Puts an older model of `target` back in use: stores a copy of `version` (its bytes,
    /// source, figures) as the next version, marked `restored_from`. Copying rather than
    /// pointing keeps "the newest version is the one in use", which is how every node knows to
    /// reload and how the retraining schedule finds the model it compares with; the list of
    /// versions then reads as a history, the rollback included.
    ///
    /// Refused (field `version`) when `version` is not stored or already the newest.
    pub async fn restore_model(&self, target: ModelTarget, version: i64) -> StoreResult<ModelRow> {
        let txn = self.db.begin().await?;
        let newest = self.newest_version_locked(&txn, target).await?;
        let exists = txn
            .query_one(
                &Query::select()
                    .column("id")
                    .from("routing_models")
                    .and_where(Expr::col("target").eq(target.code()))
                    .and_where(Expr::col("version").eq(version))
                    .to_owned(),
            )
            .await?
            .is_some();
        if !exists {
            return Err(FieldError::new(
                "version",
                "model_not_found",
                &format!("没有第 {version} 版模型"),
                &format!("there is no model version {version}"),
            )
            .into());
        }
        let next = newest.unwrap_or(0) + 1;
        if newest == Some(version) {
            return Err(FieldError::new(
                "version",
                "model_in_use",
                &format!("第 {version} 版已是最新版本，正在使用"),
                &format!("version {version} is already the newest, the one in use"),
            )
            .into());
        }
        let now = cloop_domain::chain::truncate_micros(chrono::Utc::now());
        let copy = Query::select()
            .expr(Expr::val(target.code()))
            .expr(Expr::val(next))
            .expr(Expr::val(now))
            .columns(["source", "examples", "labels", "metrics", "bytes"])
            .expr(Expr::val(version))
            .from("routing_models")
            .and_where(Expr::col("target").eq(target.code()))
            .and_where(Expr::col("version").eq(version))
            .to_owned();
        txn.execute(
            &Query::insert()
                .into_table("routing_models")
                .columns(DESCRIBED.into_iter().chain(["bytes", "restored_from"]))
                .select_from(copy)
                .map_err(|e| StoreError::Config(format!("restore query: {e}")))?
                .to_owned(),
        )
        .await?;
        txn.commit().await?;
        self.model_row(target, next).await
    }

    /// The newest version of `target` inside `txn`, with the table locked on PostgreSQL so that
    /// concurrent trainings and restores of one target take gapless, unique versions (SQLite's
    /// one writer serialises them already).
    async fn newest_version_locked(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        target: ModelTarget,
    ) -> StoreResult<Option<i64>> {
        if self.backend == crate::Backend::Postgres {
            txn.execute_unprepared("LOCK TABLE routing_models IN SHARE ROW EXCLUSIVE MODE").await?;
        }
        newest_version(txn, target).await
    }

    /// One stored model's row (without bytes).
    async fn model_row(&self, target: ModelTarget, version: i64) -> StoreResult<ModelRow> {
        self.models()
            .await?
            .into_iter()
            .find(|m| m.target == target.code() && m.version == version)
            .ok_or(StoreError::NotFound("model"))
    }

    /// Every stored model, newest first (without bytes).
    pub async fn models(&self) -> StoreResult<Vec<ModelRow>> {
        let size = match self.backend {
            crate::Backend::Postgres => "CAST(octet_length(bytes) AS BIGINT)",
            crate::Backend::Sqlite => "length(bytes)",
        };
        let stmt = self.db.get_database_backend().build(
            Query::select()
                .columns(["id"].into_iter().chain(DESCRIBED).chain(["restored_from"]))
                .expr_as(Expr::cust(size), "size")
                .from("routing_models")
                .order_by("id", Order::Desc),
        );
        Ok(ModelDbRow::find_by_statement(stmt).all(&self.db).await?.into_iter().map(ModelDbRow::into_row).collect())
    }

    /// The newest version of a target's model, if any.
    pub async fn latest_model_version(&self, target: ModelTarget) -> StoreResult<Option<i64>> {
        newest_version(&self.db, target).await
    }

    /// The newest model of a target: its version and bytes.
    pub async fn latest_model(&self, target: ModelTarget) -> StoreResult<Option<(i64, Vec<u8>)>> {
        let row = self
            .db
            .query_one(
                &Query::select()
                    .columns(["version", "bytes"])
                    .from("routing_models")
                    .and_where(Expr::col("target").eq(target.code()))
                    .order_by("version", Order::Desc)
                    .limit(1)
                    .to_owned(),
            )
            .await?;
        row.map(|r| Ok((r.try_get("", "version")?, r.try_get::<Vec<u8>>("", "bytes")?))).transpose()
    }

    /// Labelled texts to train on: every complaint that went past triage (assigned … closed),
    /// its summary and content with the category code or the department's name as the label.
    /// A person's classification or assignment (including a correction of routing) is what the
    /// projection holds, so the next training learns from it.
    pub async fn training_examples(&self, target: ModelTarget) -> StoreResult<Vec<(String, String)>> {
        let mut q = training_query(target);
        q.columns([("c", "id"), ("c", "doc")]).expr_as(Expr::col(("x", target.label_column())), "label");
        q.order_by(("c", "id"), Order::Asc);
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            let label: String = r.try_get("", "label")?;
            let c = crate::complaints::read_projection(r.try_get("", "id")?, &r.try_get::<String>("", "doc")?)?;
            out.push((training_text(&c.summary, &c.content), label));
        }
        Ok(out)
    }

    /// The complaints (`c`) received at or after `since` within `scope`: what the routing
    /// outcomes group.
    fn received_since(&self, scope: &crate::Scope, since: DateTime<Utc>) -> sea_orm::sea_query::SelectStatement {
        let mut q = Query::select();
        q.from_as("complaints", "c");
        let filter = crate::ComplaintFilter { received_from: Some(since), ..Default::default() };
        crate::complaints::apply_filter(&mut q, self.db.get_database_backend(), scope, &filter);
        q
    }

    /// How routing fared for the complaints received at or after `since` within `scope`: who
    /// routed them (which rule), where to, which department they are in now and whether a
    /// person said the first one was wrong, grouped
    /// ([`cloop_domain::routing_outcomes::outcomes`] sums them). Complaints registered without
    /// routing are left out.
    pub async fn routing_outcome_counts(
        &self,
        scope: &crate::Scope,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<routing_outcomes::OutcomeCount>> {
        let mut q = self.received_since(scope, since);
        q.join_as(JoinType::LeftJoin, "org_units", "d", Expr::col(("d", "id")).equals(("c", "department_id")))
            .and_where(Expr::col(("c", "routed_by")).is_not_null())
            .columns([("c", "routed_by"), ("c", "routed_department"), ("c", "routed_rule_id"), ("c", "misrouted")])
            .expr_as(Expr::col(("d", "name")), "now")
            .expr_as(Expr::col(("c", "id")).count(), "n")
            .group_by_col(("c", "routed_by"))
            .group_by_col(("c", "routed_department"))
            .group_by_col(("c", "routed_rule_id"))
            .group_by_col(("c", "misrouted"))
            .group_by_col(("d", "name"));
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            let code: String = r.try_get("", "routed_by")?;
            let routed_by = routing::RoutedBy::from_code(&code)
                .ok_or_else(|| StoreError::Config(format!("complaints.routed_by holds an unknown code {code:?}")))?;
            out.push(routing_outcomes::OutcomeCount {
                routed_by,
                routed: r.try_get("", "routed_department")?,
                now: r.try_get("", "now")?,
                rule_id: r.try_get("", "routed_rule_id")?,
                misrouted: r.try_get("", "misrouted")?,
                complaints: r.try_get("", "n")?,
            });
        }
        Ok(out)
    }

    /// For the complaints received at or after `since` within `scope` that routing classified
    /// (assigned, the category chosen by a rule or the model): the category it chose and the
    /// one they have now (codes), grouped.
    pub async fn routing_category_counts(
        &self,
        scope: &crate::Scope,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<routing_outcomes::LabelCount>> {
        let mut q = self.received_since(scope, since);
        q.join_as(JoinType::LeftJoin, "categories", "x", Expr::col(("x", "id")).equals(("c", "category_id")))
            .and_where(Expr::col(("c", "routed_category")).is_not_null())
            .column(("c", "routed_category"))
            .expr_as(Expr::col(("x", "code")), "now")
            .expr_as(Expr::col(("c", "id")).count(), "n")
            .group_by_col(("c", "routed_category"))
            .group_by_col(("x", "code"));
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            out.push(routing_outcomes::LabelCount {
                routed: r.try_get("", "routed_category")?,
                now: r.try_get("", "now")?,
                misrouted: false,
                complaints: r.try_get("", "n")?,
            });
        }
        Ok(out)
    }

    /// The newest complaints received at or after `since` within `scope`, at most `limit`, with
    /// the text routing reads and where people put them: what a keyword rule is tried on before
    /// it is saved ([`cloop_nlp::backtest`]).
    pub async fn recent_handled(
        &self,
        scope: &crate::Scope,
        since: DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<HandledComplaint>> {
        let mut q = self.received_since(scope, since);
        q.join_as(JoinType::LeftJoin, "org_units", "d", Expr::col(("d", "id")).equals(("c", "department_id")))
            .join_as(JoinType::LeftJoin, "categories", "x", Expr::col(("x", "id")).equals(("c", "category_id")))
            .columns([("c", "id"), ("c", "case_no"), ("c", "doc")])
            .expr_as(Expr::col(("d", "name")), "department")
            .expr_as(Expr::col(("x", "code")), "category")
            .order_by(("c", "received_at"), Order::Desc)
            .order_by(("c", "id"), Order::Desc)
            .limit(limit);
        let mut out = Vec::new();
        for r in self.db.query_all(&q).await? {
            let id: i64 = r.try_get("", "id")?;
            let c = crate::complaints::read_projection(id, &r.try_get::<String>("", "doc")?)?;
            out.push(HandledComplaint {
                id,
                case_no: r.try_get("", "case_no")?,
                handled: cloop_nlp::backtest::Handled {
                    text: training_text(&c.summary, &c.content),
                    department: r.try_get("", "department")?,
                    category: r.try_get("", "category")?,
                },
                summary: c.summary,
            });
        }
        Ok(out)
    }

    /// How many examples [`Store::training_examples`] would read now (for the retraining
    /// schedule, which must not read every text to decide).
    pub async fn training_example_count(&self, target: ModelTarget) -> StoreResult<i64> {
        let mut q = training_query(target);
        q.expr_as(Expr::col(("c", "id")).count(), "n");
        let row = self.db.query_one(&q).await?;
        Ok(row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0))
    }

    /// The admin's retraining schedule (the default until one is saved).
    pub async fn retrain_policy(&self) -> StoreResult<RetrainPolicy> {
        match self.setting(RETRAIN_POLICY).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| StoreError::Config(format!("setting {RETRAIN_POLICY} unreadable: {e}"))),
            None => Ok(RetrainPolicy::default()),
        }
    }

    /// Saves the retraining schedule (validated by the caller).
    pub async fn set_retrain_policy(&self, policy: &RetrainPolicy) -> StoreResult<()> {
        let json = serde_json::to_string(policy).map_err(|e| StoreError::Config(e.to_string()))?;
        self.set_setting(RETRAIN_POLICY, &json).await
    }

    /// What the admin set for routing (every node's routing reads it on refresh).
    pub async fn routing_settings(&self) -> StoreResult<cloop_domain::routing::RoutingSettings> {
        match self.setting(ROUTING_SETTINGS).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| StoreError::Config(format!("setting {ROUTING_SETTINGS} unreadable: {e}"))),
            None => Ok(Default::default()),
        }
    }

    /// Saves the routing settings as a whole (validated by the caller); with nothing set, forgets
    /// them, so each node's configured defaults apply again.
    pub async fn set_routing_settings(&self, settings: &cloop_domain::routing::RoutingSettings) -> StoreResult<()> {
        if *settings == Default::default() {
            return self.delete_setting(ROUTING_SETTINGS).await;
        }
        let json = serde_json::to_string(settings).map_err(|e| StoreError::Config(e.to_string()))?;
        self.set_setting(ROUTING_SETTINGS, &json).await
    }

    /// What the schedule last did for `target`, as [`Store::set_retrain_outcome`] saved it.
    pub async fn retrain_outcome(&self, target: ModelTarget) -> StoreResult<Option<serde_json::Value>> {
        let key = format!("{RETRAIN_OUTCOME}.{}", target.code());
        self.setting(&key)
            .await?
            .map(|json| {
                serde_json::from_str(&json).map_err(|e| StoreError::Config(format!("setting {key} unreadable: {e}")))
            })
            .transpose()
    }

    /// Records what the schedule did for `target` (the admin page shows it).
    pub async fn set_retrain_outcome(&self, target: ModelTarget, outcome: &serde_json::Value) -> StoreResult<()> {
        self.set_setting(&format!("{RETRAIN_OUTCOME}.{}", target.code()), &outcome.to_string()).await
    }

    /// The text fingerprints of the newest complaints of `company` received since `since`, at
    /// most `limit`, newest first: the near-duplicate comparison's window, which each node keeps
    /// in memory and reads from here once per company (`cloop_server::near_dup_window`). Only
    /// the numbers, walked backwards along the (company, received, fingerprint) index, which
    /// SQLite answers from the index alone.
    pub async fn recent_fingerprints(
        &self,
        company: OrgUnitId,
        since: DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<RecentFingerprint>> {
        let q = Query::select()
            .columns(FINGERPRINT_COLUMNS)
            .from("complaints")
            .and_where(Expr::col("company_id").eq(company.0))
            .and_where(Expr::col("received_at").gte(since))
            .and_where(Expr::col("fingerprint").is_not_null())
            .order_by("received_at", Order::Desc)
            .limit(limit)
            .to_owned();
        self.fingerprints(&q).await
    }

    async fn fingerprints(&self, q: &sea_orm::sea_query::SelectStatement) -> StoreResult<Vec<RecentFingerprint>> {
        self.db
            .query_all(q)
            .await?
            .iter()
            .map(|r| {
                Ok(RecentFingerprint {
                    id: r.try_get("", "id")?,
                    company_id: r.try_get("", "company_id")?,
                    received_at: r.try_get("", "received_at")?,
                    fingerprint: r.try_get::<i64>("", "fingerprint")? as u64,
                })
            })
            .collect()
    }

    /// Text fingerprints of the complaints with an id above `after`, in id order, at most
    /// `limit`: what a node's near-duplicate window reads to learn of complaints that other
    /// nodes took in. A primary-key range.
    pub async fn fingerprints_after(&self, after: i64, limit: u64) -> StoreResult<Vec<RecentFingerprint>> {
        let q = Query::select()
            .columns(FINGERPRINT_COLUMNS)
            .from("complaints")
            .and_where(Expr::col("id").gt(after))
            .and_where(Expr::col("fingerprint").is_not_null())
            .order_by("id", Order::Asc)
            .limit(limit)
            .to_owned();
        self.fingerprints(&q).await
    }

    /// The highest complaint id (0 when there is none).
    pub async fn last_complaint_id(&self) -> StoreResult<i64> {
        let q = Query::select().expr_as(Expr::col("id").max(), "id").from("complaints").to_owned();
        let row = self.db.query_one(&q).await?;
        Ok(row.map(|r| r.try_get::<Option<i64>>("", "id")).transpose()?.flatten().unwrap_or(0))
    }
}

/// One complaint's text fingerprint, as [`Store::recent_fingerprints`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentFingerprint {
    /// The complaint.
    pub id: i64,
    /// Its company.
    pub company_id: i64,
    /// When the customer complained.
    pub received_at: DateTime<Utc>,
    /// Its SimHash ([`cloop_nlp::near_dup::fingerprint`]).
    pub fingerprint: u64,
}

const FINGERPRINT_COLUMNS: [&str; 4] = ["id", "company_id", "received_at", "fingerprint"];

/// The text a model learns from and predicts on: the summary, then the content.
pub fn training_text(summary: &str, content: &str) -> String {
    if content.starts_with(summary.trim_end_matches('…')) {
        content.to_owned()
    } else {
        format!("{summary}\n{content}")
    }
}

fn rule_values(d: &RuleDraft, now: DateTime<Utc>) -> Vec<sea_orm::Value> {
    let now = cloop_domain::chain::truncate_micros(now);
    vec![
        d.name.clone().into(),
        serde_json::to_string(&d.patterns).expect("strings serialize").into(),
        d.category_code.clone().into(),
        d.department.clone().into(),
        d.severity_floor.into(),
        serde_json::to_string(&d.flags).expect("strings serialize").into(),
        d.priority.into(),
        d.enabled.into(),
        now.into(),
    ]
}

/// The complaints training learns from for `target` (see [`Store::training_examples`]), joined
/// to their label as `x`; the caller picks the columns.
/// A recent complaint with where people put it ([`Store::recent_handled`]).
#[derive(Debug, Clone)]
pub struct HandledComplaint {
    /// Its id.
    pub id: i64,
    /// Its case number.
    pub case_no: String,
    /// Its summary, to show.
    pub summary: String,
    /// Its text and where it is now.
    pub handled: cloop_nlp::backtest::Handled,
}

fn training_query(target: ModelTarget) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.from_as("complaints", "c").and_where(Expr::col(("c", "state")).is_in(TRAINED_STATES.iter().map(|s| s.code())));
    let (table, key) = match target {
        ModelTarget::Category => ("categories", "category_id"),
        ModelTarget::Department => ("org_units", "department_id"),
    };
    q.join_as(JoinType::InnerJoin, table, "x", Expr::col(("x", "id")).equals(("c", key)));
    q
}
