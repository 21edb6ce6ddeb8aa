//! The routing classifier retrains on a schedule (DESIGN §4), from the choices people made since
//! the model in use: the scheduler asks [`cloop_domain::retrain::due`] for both targets,
//! and trains those that are due in the background. A node asks every [`CHECK_EVERY`], not on
//! every pass: the question may count the trained complaints.
//!
//! Training takes seconds to a minute, longer than a scheduler pass may wait, so it runs in its
//! own task behind its own lease (`routing_retrain`, 30 minutes): one node trains at a time, and
//! this node starts no second run while one is going. The model is stored only when
//! [`cloop_domain::retrain::adopt`] accepts its held-out accuracy; every node then picks it up as
//! it does a model a person trained. What happened is kept per target (the admin page shows it)
//! and, when no model was stored, raised as an alert to the administrators.

use crate::AppState;
use crate::alerting;
use crate::routing::{TrainFailure, save_trained, train_and_score};
use chrono::{DateTime, Duration, Utc};
use cloop_domain::retrain::{self, ModelInUse, Verdict};
use cloop_nlp::classifier::Example;
use cloop_store::StoreResult;
use cloop_store::alerts::{Audience, NewAlert};
use cloop_store::routing::{ModelRow, ModelTarget};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::atomic::Ordering;
use utoipa::ToSchema;

const LEASE: &str = "routing_retrain";
/// How often a node's scheduler asks whether retraining is due (asking may count the trained
/// complaints; a schedule in days needs no finer grain).
pub const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(300);
/// Longer than training on 100,000 complaints takes on a busy machine (BENCHMARKS "Routing").
const LEASE_TTL_MINUTES: i64 = 30;
/// The `source` of a model the schedule trained.
pub const SOURCE: &str = "schedule";

/// What one scheduled retraining of a target did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The new model is in use.
    Adopted,
    /// The new model was clearly worse on its held-out part; the model in use stays.
    Kept,
    /// The examples cannot be learned from (one label, …); the model in use stays.
    Refused,
    /// Training failed (database, panic); the model in use stays.
    Failed,
}

/// What the schedule last did for a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RetrainRecord {
    /// When it finished.
    pub at: DateTime<Utc>,
    /// `category` or `department`.
    pub target: String,
    /// What happened.
    pub outcome: Outcome,
    /// The version stored, when adopted.
    pub version: Option<i64>,
    /// Examples trained on.
    pub examples: i64,
    /// The new model's held-out accuracy.
    pub accuracy: Option<f64>,
    /// The held-out accuracy of the model in use before.
    pub previous_accuracy: Option<f64>,
    /// Why it was refused or failed.
    pub detail: Option<String>,
}

/// The model in use of `target` among `models` (newest version).
fn in_use(models: &[ModelRow], target: ModelTarget) -> Option<&ModelRow> {
    models.iter().filter(|m| m.target == target.code()).max_by_key(|m| m.version)
}

/// The model as the schedule sees it: trained from the database (by a person or the schedule)
/// or from a file.
pub fn model_in_use(m: &ModelRow) -> ModelInUse {
    ModelInUse {
        created_at: m.created_at,
        examples: m.examples,
        from_database: m.source == "database" || m.source == SOURCE,
    }
}

fn accuracy(metrics: &serde_json::Value) -> Option<f64> {
    metrics.get("accuracy").and_then(serde_json::Value::as_f64)
}

/// What the schedule says about `target` now.
pub async fn verdict(state: &AppState, target: ModelTarget, now: DateTime<Utc>) -> StoreResult<Verdict> {
    let store = state.store();
    let policy = store.retrain_policy().await?;
    let models = store.models().await?;
    let model = in_use(&models, target).map(model_in_use);
    let last = store.retrain_outcome(target).await?.and_then(|v| serde_json::from_value::<RetrainRecord>(v).ok());
    let last_attempt = last.map(|r| r.at);
    if let Some(v) = retrain::decided_without_count(&policy, model.as_ref(), last_attempt, now) {
        return Ok(v);
    }
    let examples = store.training_example_count(target).await?;
    Ok(retrain::due(&policy, model.as_ref(), last_attempt, examples, now))
}

/// One scheduler pass's part: starts retraining the targets that are due, unless this node is
/// already retraining or another node holds the lease. Returns the task, which tests await.
pub async fn pass(
    state: &AppState,
    node: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<tokio::task::JoinHandle<()>>> {
    let flag = state.router().retraining();
    if flag.load(Ordering::Acquire) {
        return Ok(None);
    }
    let mut due = Vec::new();
    for target in ModelTarget::ALL {
        if verdict(state, target, now).await? == Verdict::Due {
            due.push(target);
        }
    }
    if due.is_empty() || flag.swap(true, Ordering::AcqRel) {
        return Ok(None);
    }
    let store = state.store();
    if !store.try_lease(LEASE, node, Duration::minutes(LEASE_TTL_MINUTES), now).await? {
        flag.store(false, Ordering::Release);
        return Ok(None);
    }
    let state = state.clone();
    let node = node.to_owned();
    Ok(Some(tokio::spawn(async move {
        for target in due {
            let record = retrain(&state, target).await;
            tracing::info!(target = target.code(), outcome = ?record.outcome, version = record.version, "scheduled retraining");
            if let Err(e) = finish(&state, &record).await {
                tracing::error!(error = ?e, target = target.code(), "recording the retraining failed");
            }
        }
        if let Err(e) = state.store().release_lease(LEASE, &node).await {
            tracing::warn!(error = ?e, "releasing the retraining lease failed");
        }
        state.router().retraining().store(false, Ordering::Release);
    })))
}

/// Trains `target` from the database and stores the model if [`retrain::adopt`] accepts it.
async fn retrain(state: &AppState, target: ModelTarget) -> RetrainRecord {
    let store = state.store();
    let mut record = RetrainRecord {
        at: state.now(),
        target: target.code().to_owned(),
        outcome: Outcome::Failed,
        version: None,
        examples: 0,
        accuracy: None,
        previous_accuracy: None,
        detail: None,
    };
    let result: Result<(), TrainFailure> = async {
        let previous = in_use(&store.models().await?, target).map(|m| accuracy(&m.metrics));
        record.previous_accuracy = previous.flatten();
        let examples: Vec<Example> =
            store.training_examples(target).await?.into_iter().map(|(text, label)| Example::new(text, label)).collect();
        record.examples = examples.len() as i64;
        let (model, metrics) = tokio::task::spawn_blocking(move || train_and_score(&examples))
            .await
            .map_err(|e| TrainFailure::Aborted(e.to_string()))??;
        record.accuracy = accuracy(&metrics);
        if !retrain::adopt(record.accuracy, record.previous_accuracy) {
            record.outcome = Outcome::Kept;
            return Ok(());
        }
        let row = save_trained(store, target, SOURCE, &model, metrics).await?;
        state.router().invalidate();
        record.version = Some(row.version);
        record.outcome = Outcome::Adopted;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => {}
        Err(TrainFailure::Data(e)) => {
            record.outcome = Outcome::Refused;
            record.detail = Some(e.to_string());
        }
        Err(e) => {
            tracing::error!(error = %e, target = target.code(), "scheduled retraining failed");
            record.outcome = Outcome::Failed;
            record.detail = Some(e.to_string());
        }
    }
    record.at = state.now();
    record
}

/// Keeps the record, audits an adopted model, and tells the administrators when none was stored.
async fn finish(state: &AppState, record: &RetrainRecord) -> StoreResult<()> {
    let store = state.store();
    let Some(target) = ModelTarget::from_code(&record.target) else { return Ok(()) };
    store.set_retrain_outcome(target, &serde_json::to_value(record).unwrap_or_default()).await?;
    if record.outcome == Outcome::Adopted {
        store.audit(None, "routing.retrain", &format!("routing_model:{}", record.target), json!(record)).await?;
        return Ok(());
    }
    let (what_zh, what_en) = match target {
        ModelTarget::Category => ("分类", "category"),
        ModelTarget::Department => ("部门", "department"),
    };
    let pct = |a: Option<f64>| a.map_or_else(|| "—".to_owned(), |a| format!("{:.1}%", a * 100.0));
    let (body_zh, body_en) = match record.outcome {
        Outcome::Kept => (
            format!(
                "新模型留出集准确率 {}，低于在用模型的 {} 超过 {:.0} 个百分点，未启用；请检查近期的分类/分派是否有误。",
                pct(record.accuracy),
                pct(record.previous_accuracy),
                retrain::MAX_ACCURACY_DROP * 100.0
            ),
            format!(
                "The new model's held-out accuracy {} is more than {:.0} points below the model in use ({}); it was not adopted. Check recent classifications and assignments.",
                pct(record.accuracy),
                retrain::MAX_ACCURACY_DROP * 100.0,
                pct(record.previous_accuracy)
            ),
        ),
        _ => (
            format!("训练未完成：{}", record.detail.as_deref().unwrap_or("")),
            format!("Training did not finish: {}", record.detail.as_deref().unwrap_or("")),
        ),
    };
    let root = store.org_path(store.root_unit().await?).await?;
    let alert = NewAlert {
        kind: "routing".into(),
        severity: "warning".into(),
        complaint_id: None,
        company_id: None,
        title_zh: format!("{what_zh}模型自动训练未采用，仍使用原模型"),
        title_en: format!("Scheduled {what_en} model training not adopted; the model in use stays"),
        body_zh,
        body_en,
        data: json!({ "target": record.target, "outcome": record.outcome }),
        dedupe_key: format!("retrain:{}:{}", record.target, record.at.timestamp()),
    };
    alerting::raise_general(state, alert, &[Audience { roles: &["admin"], above: Vec::new(), under: vec![root] }])
        .await?;
    Ok(())
}
