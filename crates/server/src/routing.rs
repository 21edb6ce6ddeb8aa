//! Intake routing (智能分派, DESIGN §4) as the server runs it: before a complaint goes to the
//! writer, the keyword rules are matched, the classifier asked, and earlier complaints of the same
//! customer or order (or with nearly the same text) looked up; what comes out
//! ([`cloop_store::IntakeRouting`]) is written in the same group commit as the complaint, so routing
//! costs intake no extra transaction.
//!
//! Rules, models, categories and departments are read from the database into a [`Snapshot`] that
//! every node refreshes on use when it is older than [`RoutingConfig::refresh`]: an admin's rule
//! edit or a newly trained model (a higher version) reaches every node within that interval
//! without a restart. The refresh runs in one request at a time; the others keep using the
//! snapshot they have.
//!
//! Training ([`train_from_database`], [`train_examples`]) is here too, so the CLI and the demo
//! share one path: a held-out fifth is scored for the stored metrics, then the model is trained on
//! everything and stored as the next version.

use crate::near_dup_window::NearDupWindow;
use cloop_domain::routing::{ClassScore, RoutedTarget, RoutingDecision, RoutingOutcome, RuleReason, TargetSource};
use cloop_domain::{CategoryId, OrgUnitId, Severity};
use cloop_nlp::classifier::{Example, Model, TrainConfig, TrainError};
use cloop_nlp::near_dup;
use cloop_nlp::rules::RuleSet;
use cloop_nlp::segment::Analysis;
use cloop_store::routing::{ModelRow, ModelTarget, NewModel, RoutingRule, training_text};
use cloop_store::{IntakeRouting, MAX_REPEAT_LINKS, NewComplaint, Store, StoreResult};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How routing behaves; part of [`crate::ServerConfig`].
#[derive(Debug, Clone)]
pub struct RoutingConfig {
    /// Route on intake at all (off: every complaint waits in triage, as before).
    pub enabled: bool,
    /// A model's choice counts only at or above this probability; below it the complaint waits
    /// in the triage queue. The default: a threshold the admin saves (系统管理 → 分派规则 →
    /// 分派设置) takes its place on every node at the next refresh.
    pub threshold: f64,
    /// Earlier complaints within this window are compared for repeats. The default, as the
    /// threshold is.
    pub repeat_window: chrono::Duration,
    /// At most this many recent complaints of the company are compared for near-duplicate text.
    pub near_dup_scan: u64,
    /// Severity of a routed complaint that has none and matched no risk rule.
    pub default_severity: Severity,
    /// How old the snapshot of rules and models may get before a request refreshes it.
    pub refresh: Duration,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            threshold: 0.6,
            repeat_window: chrono::Duration::days(30),
            near_dup_scan: 100,
            default_severity: Severity::Level3,
            refresh: Duration::from_secs(10),
        }
    }
}

/// How many of the classifier's classes a decision records.
const TOP_CLASSES: usize = 3;

/// A department by name within a company.
#[derive(Debug, Clone)]
struct Department {
    id: i64,
    path: String,
}

/// What routing reads from the database, as of one refresh.
#[derive(Debug)]
pub struct Snapshot {
    rules: RuleSet,
    rules_stamp: Option<(i64, Option<chrono::DateTime<chrono::Utc>>)>,
    category_model: Option<(i64, Arc<Model>)>,
    department_model: Option<(i64, Arc<Model>)>,
    /// Active category code → id.
    categories: HashMap<String, i64>,
    /// (company id, department name) → department.
    departments: HashMap<(i64, String), Department>,
    /// The triage threshold in effect: the admin's, else the configured one.
    threshold: f64,
    /// The repeat window in effect, likewise.
    repeat_window: chrono::Duration,
    taken: Instant,
}

impl Snapshot {
    fn empty() -> Self {
        Self {
            rules: RuleSet::default(),
            rules_stamp: None,
            category_model: None,
            department_model: None,
            categories: HashMap::new(),
            departments: HashMap::new(),
            threshold: f64::NAN,
            repeat_window: chrono::Duration::zero(),
            taken: Instant::now() - Duration::from_secs(24 * 3600),
        }
    }

    /// What a person accepting routing's suggestion for `decision` would choose, within
    /// `company`: for each target the decided id, else the classifier's best class when its
    /// label still names an active category or a department of that company.
    pub fn suggestion(
        &self,
        decision: &RoutingDecision,
        company: OrgUnitId,
    ) -> (Option<CategoryId>, Option<OrgUnitId>) {
        let best = |t: &RoutedTarget| t.top.first().map(|c| c.label.clone());
        let category = decision
            .category
            .id
            .or_else(|| best(&decision.category).and_then(|code| self.categories.get(&code).copied()))
            .map(CategoryId);
        let department = decision
            .department
            .id
            .or_else(|| {
                best(&decision.department).and_then(|name| self.departments.get(&(company.0, name)).map(|d| d.id))
            })
            .map(OrgUnitId);
        (category, department)
    }

    /// The model versions in use (category, department).
    pub fn model_versions(&self) -> (Option<i64>, Option<i64>) {
        (self.category_model.as_ref().map(|m| m.0), self.department_model.as_ref().map(|m| m.0))
    }
}

/// The routing state of one node.
#[derive(Debug)]
pub struct Router {
    config: RoutingConfig,
    current: Mutex<Arc<Snapshot>>,
    refreshing: tokio::sync::Mutex<()>,
    /// Rules and models have been read at least once.
    loaded: AtomicBool,
    /// Each company's newest text fingerprints, for the near-duplicate comparison.
    near_dups: NearDupWindow,
    /// This node is retraining on the schedule (`crate::retrain`).
    retraining: AtomicBool,
    /// When this node's scheduler last asked whether retraining is due.
    retrain_checked: Mutex<Option<Instant>>,
}

impl Router {
    /// A router that reads everything on first use.
    pub fn new(config: RoutingConfig) -> Self {
        Self {
            near_dups: NearDupWindow::new(config.near_dup_scan),
            config,
            current: Mutex::new(Arc::new(Snapshot::empty())),
            refreshing: tokio::sync::Mutex::new(()),
            loaded: AtomicBool::new(false),
            retraining: AtomicBool::new(false),
            retrain_checked: Mutex::new(None),
        }
    }

    /// Whether the scheduler should ask about retraining now: at most once per `every`, as
    /// asking may count the complaints table and a pass runs every few seconds.
    pub(crate) fn retrain_check_due(&self, every: Duration) -> bool {
        let mut last = self.retrain_checked.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if last.is_some_and(|t| now.duration_since(t) < every) {
            return false;
        }
        *last = Some(now);
        true
    }

    /// Set while this node retrains on the schedule, so a pass starts no second run.
    pub(crate) fn retraining(&self) -> &AtomicBool {
        &self.retraining
    }

    /// Whether intake can be routed without waiting: routing is off, or its rules and models
    /// have been read. `/readyz` answers 503 until then, so a load balancer sends no complaints
    /// to a node that would make them wait for two models to load.
    pub fn is_ready(&self) -> bool {
        !self.config.enabled || self.loaded.load(Ordering::Acquire)
    }

    /// Reads the rules and models as the server starts, instead of in the first intakes, which
    /// waited for them (two 25 MiB models load in 0.3 s on a quiet machine, longer on a busy
    /// one, and every request that arrived meanwhile waited too). Retries every second until the
    /// database answers.
    pub async fn preload(&self, store: &Store) {
        if !self.config.enabled {
            return;
        }
        while let Err(e) = self.snapshot(store).await {
            tracing::warn!(error = %e, "reading the routing rules and models failed; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// The configuration.
    pub fn config(&self) -> &RoutingConfig {
        &self.config
    }

    fn current(&self) -> Arc<Snapshot> {
        self.current.lock().expect("routing snapshot lock").clone()
    }

    /// Forgets the snapshot's age, so the next use reloads (after an edit on this node).
    pub fn invalidate(&self) {
        let mut cur = self.current.lock().expect("routing snapshot lock");
        let mut stale = Snapshot::empty();
        stale.rules = cur.rules.clone();
        stale.rules_stamp = None;
        stale.category_model.clone_from(&cur.category_model);
        stale.department_model.clone_from(&cur.department_model);
        stale.categories.clone_from(&cur.categories);
        stale.departments.clone_from(&cur.departments);
        *cur = Arc::new(stale);
    }

    /// The snapshot, refreshed first if it is older than the configured interval. The first
    /// request to notice refreshes; the others go on with the snapshot they have, unless there
    /// is none yet.
    pub async fn snapshot(&self, store: &Store) -> StoreResult<Arc<Snapshot>> {
        let cur = self.current();
        if cur.taken.elapsed() < self.config.refresh {
            return Ok(cur);
        }
        let first = cur.rules_stamp.is_none() && cur.categories.is_empty();
        let _turn = if first {
            self.refreshing.lock().await
        } else {
            match self.refreshing.try_lock() {
                Ok(g) => g,
                Err(_) => return Ok(cur),
            }
        };
        let cur = self.current();
        if cur.taken.elapsed() < self.config.refresh {
            return Ok(cur);
        }
        let next = Arc::new(self.load(store, &cur).await?);
        *self.current.lock().expect("routing snapshot lock") = next.clone();
        self.loaded.store(true, Ordering::Release);
        Ok(next)
    }

    async fn load(&self, store: &Store, cur: &Snapshot) -> StoreResult<Snapshot> {
        let stamp = store.routing_rules_stamp().await?;
        let rules = if cur.rules_stamp == Some(stamp) {
            cur.rules.clone()
        } else {
            RuleSet::new(store.routing_rules().await?.into_iter().map(RoutingRule::keyword_rule))
        };
        let category_model = reload_model(store, ModelTarget::Category, cur.category_model.as_ref()).await?;
        let department_model = reload_model(store, ModelTarget::Department, cur.department_model.as_ref()).await?;
        let categories = store.categories().await?.into_iter().filter(|c| c.active).map(|c| (c.code, c.id)).collect();
        let units = store.org_units().await?;
        let companies: Vec<_> = units.iter().filter(|u| u.kind == "company").collect();
        let mut departments = HashMap::new();
        for d in units.iter().filter(|u| u.kind == "department") {
            // A department belongs to the nearest company above it (none for headquarters).
            if let Some(company) = companies.iter().filter(|c| d.path.starts_with(&c.path)).max_by_key(|c| c.path.len())
            {
                departments.insert((company.id, d.name.clone()), Department { id: d.id, path: d.path.clone() });
            }
        }
        // Settings out of range (written around the API) are ignored, not obeyed.
        let settings = Some(store.routing_settings().await?).filter(|s| s.validate().is_ok()).unwrap_or_default();
        let threshold = settings.threshold.unwrap_or(self.config.threshold);
        let repeat_window = settings.repeat_window_days.map_or(self.config.repeat_window, chrono::Duration::days);
        Ok(Snapshot {
            rules,
            rules_stamp: Some(stamp),
            category_model,
            department_model,
            categories,
            departments,
            threshold,
            repeat_window,
            taken: Instant::now(),
        })
    }

    /// Routes a complaint about to be taken in: repeats, rules, classifier. Never fails intake
    /// over routing: a database error while looking for repeats is logged and routing goes on.
    pub async fn plan(&self, store: &Store, new: &NewComplaint) -> StoreResult<IntakeRouting> {
        if !self.config.enabled {
            return Ok(IntakeRouting::default());
        }
        let snap = self.snapshot(store).await?;
        let text = training_text(&new.summary, &new.content);
        // Segmented once, for the fingerprint and both models.
        let analysis = Analysis::of(&text);
        let fingerprint = near_dup::fingerprint_of(&analysis);
        let similar = match self.similar(store, new, fingerprint, new.received_at - snap.repeat_window).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "reading the near-duplicate window failed; intake goes on without it");
                Vec::new()
            }
        };
        let decision = decide(&snap, new.company_id, new.category_id, &text, &analysis);
        let dept_path = decision
            .assigned_department()
            .and_then(|d| snap.departments.values().find(|x| x.id == d.0).map(|x| x.path.clone()));
        Ok(IntakeRouting {
            repeat_since: Some(new.received_at - snap.repeat_window),
            similar,
            decision: Some(decision),
            default_severity: Some(self.config.default_severity),
            dept_path,
            fingerprint: Some(fingerprint),
        })
    }

    /// Tells the near-duplicate window of a complaint this node has just registered, so the
    /// next intake compares with it at once.
    pub fn registered(&self, complaint: &cloop_domain::Complaint, fingerprint: Option<u64>) {
        if let Some(fingerprint) = fingerprint.filter(|&f| f != 0) {
            self.near_dups.remember(cloop_store::routing::RecentFingerprint {
                id: complaint.id.0,
                company_id: complaint.company_id.0,
                received_at: complaint.received_at,
                fingerprint,
            });
        }
    }

    /// What routing decides now for a complaint already taken in (routing it again): as at
    /// intake, keeping the category it has, whether given at intake or chosen by a person.
    pub async fn decide_again(&self, store: &Store, c: &cloop_domain::Complaint) -> StoreResult<RoutingDecision> {
        let snap = self.snapshot(store).await?;
        let text = training_text(&c.summary, &c.content);
        Ok(decide(&snap, c.company_id, c.category_id, &text, &Analysis::of(&text)))
    }

    /// What routing would decide for `text` from `company`, registering nothing.
    pub async fn preview(&self, store: &Store, company: OrgUnitId, text: &str) -> StoreResult<RoutingDecision> {
        let snap = self.snapshot(store).await?;
        Ok(decide(&snap, company, None, text, &Analysis::of(text)))
    }

    /// Earlier complaints of the company within the window whose text is nearly the same,
    /// newest first, from the node's memory. The writer links them, with the same customer's
    /// and the same order's complaints, which it looks up for its whole batch.
    async fn similar(
        &self,
        store: &Store,
        new: &NewComplaint,
        fingerprint: u64,
        since: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Vec<i64>> {
        if fingerprint == 0 || self.config.near_dup_scan == 0 {
            return Ok(Vec::new());
        }
        let window = self.near_dups.window(store, new.company_id.0, since).await?;
        let mut ids: Vec<i64> = window
            .into_iter()
            .filter(|&(_, f)| near_dup::fingerprints_similar(f, fingerprint))
            .map(|(id, _)| id)
            .collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.truncate(MAX_REPEAT_LINKS);
        Ok(ids)
    }
}

async fn reload_model(
    store: &Store,
    target: ModelTarget,
    cur: Option<&(i64, Arc<Model>)>,
) -> StoreResult<Option<(i64, Arc<Model>)>> {
    let latest = store.latest_model_version(target).await?;
    if latest.is_none() || latest == cur.map(|c| c.0) {
        return Ok(cur.cloned());
    }
    let Some((version, bytes)) = store.latest_model(target).await? else { return Ok(cur.cloned()) };
    let loaded = tokio::task::spawn_blocking(move || Model::from_bytes(&bytes)).await;
    match loaded {
        Ok(Ok(model)) => {
            tracing::info!(target = target.code(), version, "routing model loaded");
            Ok(Some((version, Arc::new(model))))
        }
        Ok(Err(e)) => {
            tracing::error!(target = target.code(), version, error = %e, "routing model unreadable; keeping the one in use");
            Ok(cur.cloned())
        }
        Err(e) => {
            tracing::error!(error = %e, "loading the routing model panicked");
            Ok(cur.cloned())
        }
    }
}

fn rounded(p: f32) -> f64 {
    (f64::from(p) * 10_000.0).round() / 10_000.0
}

/// The classifier's view of `text` for one target: its best classes and the label chosen when
/// the best is at or above the threshold.
fn classify(
    model: Option<&(i64, Arc<Model>)>,
    text: &Analysis,
    threshold: f64,
) -> (Vec<ClassScore>, Option<String>, Option<i64>) {
    let Some((version, model)) = model else { return (Vec::new(), None, None) };
    let p = model.predict_analyzed(text);
    let top: Vec<ClassScore> = p
        .top
        .iter()
        .take(TOP_CLASSES)
        .map(|(label, s)| ClassScore { label: label.clone(), score: rounded(*s) })
        .collect();
    let chosen = (f64::from(p.confidence) >= threshold).then_some(p.label);
    (top, chosen, Some(*version))
}

/// The decision for a complaint of `new.company_id` with `text` (and its analysis, which the
/// models read): pure over the snapshot.
fn decide(
    snap: &Snapshot,
    company: OrgUnitId,
    intake_category: Option<CategoryId>,
    text: &str,
    analysis: &Analysis,
) -> RoutingDecision {
    let rules = snap.rules.evaluate(text);
    let rule_reasons = rules
        .hits
        .iter()
        .map(|h| RuleReason { rule_id: h.rule_id, name: h.name.clone(), matched: h.matched.clone() })
        .collect();

    // Category: given at intake, else a rule, else a confident model.
    let (cat_top, cat_model, cat_version) = classify(snap.category_model.as_ref(), analysis, snap.threshold);
    let mut category =
        RoutedTarget { id: None, label: None, source: None, rule_id: None, top: cat_top, model_version: cat_version };
    let rule_category = rules.category.as_ref().and_then(|code| snap.categories.get(code).map(|id| (code, *id)));
    if let Some(id) = intake_category {
        category.id = Some(id.0);
        category.label = snap.categories.iter().find(|(_, v)| **v == id.0).map(|(k, _)| k.clone());
        category.source = Some(TargetSource::Intake);
    } else if let Some((code, id)) = rule_category {
        category.id = Some(id);
        category.label = Some(code.clone());
        category.source = Some(TargetSource::Rule);
        category.rule_id = rules.category_rule;
    } else if let Some(code) = cat_model
        && let Some(id) = snap.categories.get(&code)
    {
        category.id = Some(*id);
        category.label = Some(code);
        category.source = Some(TargetSource::Model);
    }

    // Department: a rule, else a confident model; looked up by name within the company.
    let company = company.0;
    let (dept_top, dept_model, dept_version) = classify(snap.department_model.as_ref(), analysis, snap.threshold);
    let mut department =
        RoutedTarget { id: None, label: None, source: None, rule_id: None, top: dept_top, model_version: dept_version };
    let lookup = |name: &str| snap.departments.get(&(company, name.to_owned())).map(|d| d.id);
    if let Some(name) = rules.department.as_ref()
        && let Some(id) = lookup(name)
    {
        department.id = Some(id);
        department.label = Some(name.clone());
        department.source = Some(TargetSource::Rule);
        department.rule_id = rules.department_rule;
    } else if let Some(name) = dept_model
        && let Some(id) = lookup(&name)
    {
        department.id = Some(id);
        department.label = Some(name);
        department.source = Some(TargetSource::Model);
    }

    let outcome = if category.id.is_some() && department.id.is_some() {
        RoutingOutcome::Assigned
    } else {
        RoutingOutcome::Triage
    };
    RoutingDecision {
        outcome,
        rules: rule_reasons,
        category,
        department,
        severity_floor: rules.severity_floor.and_then(|s| Severity::from_level(i64::from(s)).ok()),
        flags: rules.flags.iter().map(|f| f.code().to_owned()).collect(),
        threshold: snap.threshold,
    }
}

/// Why training failed; the model in use stays as it was.
#[derive(Debug, thiserror::Error)]
pub enum TrainFailure {
    /// The examples cannot be learned from.
    #[error("{0}")]
    Data(#[from] TrainError),
    /// The database failed.
    #[error("database: {0}")]
    Store(#[from] cloop_store::StoreError),
    /// Training panicked or was cancelled.
    #[error("training did not finish: {0}")]
    Aborted(String),
}

/// Trains a model for `target` on `examples`, scores it on a held-out fifth (every fifth example
/// by position after a stable shuffle), retrains on everything and stores it as the next version.
/// Nothing is stored when the examples are refused.
pub async fn train_examples(
    store: &Store,
    target: ModelTarget,
    source: &str,
    examples: Vec<Example>,
) -> Result<ModelRow, TrainFailure> {
    let trained = tokio::task::spawn_blocking(move || train_and_score(&examples))
        .await
        .map_err(|e| TrainFailure::Aborted(e.to_string()))??;
    let (model, metrics) = trained;
    Ok(save_trained(store, target, source, &model, metrics).await?)
}

/// Stores a trained model as the next version of `target`.
pub async fn save_trained(
    store: &Store,
    target: ModelTarget,
    source: &str,
    model: &Model,
    metrics: serde_json::Value,
) -> StoreResult<ModelRow> {
    let bytes = model.to_bytes();
    store
        .save_model(NewModel {
            target,
            source,
            examples: model.info().examples as i64,
            labels: model.labels().len() as i64,
            metrics,
            bytes: &bytes,
        })
        .await
}

/// Trains `target` from the database's own complaints ([`Store::training_examples`]).
pub async fn train_from_database(store: &Store, target: ModelTarget) -> Result<ModelRow, TrainFailure> {
    let examples =
        store.training_examples(target).await?.into_iter().map(|(text, label)| Example::new(text, label)).collect();
    train_examples(store, target, "database", examples).await
}

/// Each label's held-out figures, for the admin to see where the model is weak and what it
/// confuses the label with (a keyword rule is often the fix): `label`, `precision`, `recall`,
/// `f1`, `support`, and `mistaken_for` / `mistaken` (the label its texts were most often
/// predicted as instead, and how often; null and 0 when none went wrong).
fn per_label_figures(report: &cloop_nlp::Report) -> serde_json::Value {
    report
        .per_label
        .iter()
        .zip(report.mistaken_for())
        .map(|(s, wrong)| {
            serde_json::json!({
                "label": s.label,
                "precision": s.precision,
                "recall": s.recall,
                "f1": s.f1,
                "support": s.support,
                "mistaken_for": wrong.map(|(l, _)| l),
                "mistaken": wrong.map_or(0, |(_, n)| n),
            })
        })
        .collect()
}

/// Training and its held-out figures (accuracy, macro-F1, latency, per label) as JSON.
pub fn train_and_score(examples: &[Example]) -> Result<(Model, serde_json::Value), TrainError> {
    let config = TrainConfig::default();
    // Validate the whole set first, so a bad example is named by its place in the input.
    let model = cloop_nlp::train(examples, &config)?;
    let mut held_out = Vec::new();
    let mut fit = Vec::new();
    for (i, ex) in examples.iter().enumerate() {
        if (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).is_multiple_of(5) {
            held_out.push(ex.clone())
        } else {
            fit.push(ex.clone())
        }
    }
    let metrics = if held_out.len() >= 10 && cloop_nlp::classifier::labels_of(&fit).len() >= 2 {
        // Accuracy does not depend on the confidence's calibration, so the scored model skips
        // fitting one and takes the whole model's temperature instead: its figures per threshold
        // then read as the confidence routing compares with the threshold does.
        match cloop_nlp::train(&fit, &TrainConfig { calibrate: false, ..config }) {
            Ok(partial) => {
                let partial = partial.with_temperature(model.info().temperature);
                let report = cloop_nlp::evaluate(&partial, &held_out);
                serde_json::json!({
                    "held_out": report.examples,
                    "accuracy": report.accuracy,
                    "macro_f1": report.macro_f1,
                    "latency_mean_ms": report.latency.map(|l| l.mean.as_secs_f64() * 1000.0),
                    "per_label": per_label_figures(&report),
                    "thresholds": report.thresholds,
                })
            }
            Err(_) => serde_json::json!({ "held_out": 0 }),
        }
    } else {
        serde_json::json!({ "held_out": 0 })
    };
    let mut metrics = metrics;
    metrics["temperature"] = serde_json::json!(model.info().temperature);
    Ok((model, metrics))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three labels, one of which has the very texts of the other two: the held-out figures name,
    /// for every label that went wrong, what it was taken for, and the counts add up.
    #[test]
    fn held_out_figures_name_what_each_label_is_mistaken_for() {
        let mut examples = Vec::new();
        for i in 0..40 {
            examples.push(Example::new(format!("手机屏幕碎了，屏幕划痕 {i}"), "质量部"));
            examples.push(Example::new(format!("快递物流太慢，配送没到 {i}"), "财务部"));
            // The same texts under a third label: no model can tell these apart.
            let same =
                if i % 2 == 0 { "手机屏幕碎了，屏幕划痕" } else { "快递物流太慢，配送没到" };
            examples.push(Example::new(format!("{same} {i}"), "客服中心"));
        }
        let (_, metrics) = train_and_score(&examples).expect("trains");
        let held_out = metrics["held_out"].as_u64().expect("held out");
        assert!(held_out >= 10, "{metrics}");
        let per_label = metrics["per_label"].as_array().expect("per label");
        let labels: Vec<&str> = per_label.iter().map(|l| l["label"].as_str().unwrap()).collect();
        assert_eq!(labels, ["客服中心", "财务部", "质量部"], "sorted as the report sorts");
        assert_eq!(per_label.iter().map(|l| l["support"].as_u64().unwrap()).sum::<u64>(), held_out);
        for l in per_label {
            let support = l["support"].as_u64().unwrap() as f64;
            let right = (l["recall"].as_f64().unwrap() * support).round();
            let wrong = l["mistaken"].as_u64().unwrap();
            assert!(wrong as f64 <= support - right, "{l}");
            assert_eq!(l["mistaken_for"].is_null(), right == support, "{l}");
            if !l["mistaken_for"].is_null() {
                assert_ne!(l["mistaken_for"], l["label"], "{l}");
                assert!(wrong >= 1, "{l}");
            }
        }
        assert!(
            per_label.iter().any(|l| !l["mistaken_for"].is_null()),
            "the mixed texts go wrong somewhere: {metrics}"
        );
    }
}
