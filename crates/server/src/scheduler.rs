//! The background scheduler of `cloop serve` (DESIGN §3, §4, §5): SLA warnings, breaches and
//! escalations; batch early warning; calendar gaps; starting scheduled retraining of routing.
//!
//! Several `serve` nodes may share one PostgreSQL: each pass first takes the `scheduler` lease
//! (one conditional UPDATE), so only one node runs a pass at a time. Behind the lease, every
//! step is idempotent anyway — an alert's dedupe key stores it once, and an SLA alert is an
//! event appended under the complaint's version check, which the domain refuses once recorded —
//! so a node that loses its lease mid-pass cannot make anything happen twice.

use crate::AppState;
use crate::alerting;
use chrono::{DateTime, Duration, Utc};
use cloop_domain::batch::{self, Dimension, KeyCount};
use cloop_domain::lifecycle::{Command, Who};
use cloop_domain::sla_watch::ComplaintSla;
use cloop_store::alerts::{Audience, NewAlert};
use cloop_store::{StoreError, StoreResult};
use serde_json::json;
use std::collections::HashMap;

/// How the scheduler runs.
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// Time between passes.
    pub interval: std::time::Duration,
    /// How long a pass's lease lasts unless renewed.
    pub lease_ttl: Duration,
    /// This node's name in the lease table.
    pub node: String,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            interval: std::time::Duration::from_secs(15),
            lease_ttl: Duration::seconds(60),
            node: format!("{}-{}", std::process::id(), rand::random::<u32>()),
        }
    }
}

const LEASE: &str = "scheduler";
/// Complaints handled per query of a pass.
const CHUNK: u64 = 200;

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// Whether this node held the lease.
    pub ran: bool,
    /// SLA alerts recorded.
    pub sla_alerts: u32,
    /// Escalations recorded.
    pub escalations: u32,
    /// Batch warnings raised.
    pub batch_alerts: u32,
}

/// Runs passes until the state is dropped (the task ends with the runtime).
pub fn spawn(state: AppState, config: SchedulerConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(config.interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match pass(&state, &config).await {
                Ok(r) if r.sla_alerts + r.escalations + r.batch_alerts > 0 => {
                    tracing::info!(?r, "scheduler pass");
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "scheduler pass failed"),
            }
        }
    })
}

/// One pass: take the lease or stop; then SLA thresholds, batch warnings, calendar gaps.
pub async fn pass(state: &AppState, config: &SchedulerConfig) -> StoreResult<PassReport> {
    let now = state.now();
    let store = state.store();
    if !store.try_lease(LEASE, &config.node, config.lease_ttl, now).await? {
        return Ok(PassReport::default());
    }
    store.reload_sla_config().await?;
    let mut report = PassReport { ran: true, ..Default::default() };
    sla_pass(state, now, &mut report).await?;
    batch_pass(state, now, &mut report).await?;
    calendar_pass(state, now).await?;
    // Behind its own lease: training outlasts a pass. Asked every few minutes, not every pass.
    if state.router().retrain_check_due(crate::retrain::CHECK_EVERY) {
        crate::retrain::pass(state, &config.node, now).await?;
    }
    Ok(report)
}

async fn sla_pass(state: &AppState, now: DateTime<Utc>, report: &mut PassReport) -> StoreResult<()> {
    let store = state.store();
    let cfg = store.sla_config();
    let mut seen_without_progress = 0usize;
    loop {
        let ids = store.complaints_due_for_check(now, CHUNK).await?;
        if ids.is_empty() {
            break;
        }
        let mut progressed = false;
        for id in &ids {
            let loaded = store.load(*id).await?;
            let c = loaded.complaint;
            let calendar = cfg.calendar_for(c.company_id);
            let sla = ComplaintSla::compute(&c, &cfg.policy, calendar, &cfg.thresholds);
            let commands = sla.due_commands(&c, now, calendar, &cfg.thresholds);
            if commands.is_empty() {
                // The stored next-check time is stale (policy or calendar changed): recompute.
                store.refresh_complaints(&[*id], now).await?;
                continue;
            }
            for cmd in commands {
                // Alert first (stored once by its key), then the event: a crash in between leaves
                // the event to the next pass and the alert is not repeated.
                match &cmd {
                    Command::SlaAlert { clock, percent, .. } => {
                        alerting::sla_alert(state, &c, *clock, *percent).await?;
                    }
                    Command::Escalate { level, .. } => {
                        let mut escalated = c.clone();
                        escalated.escalation_level = *level;
                        alerting::escalation_alert(state, &escalated, *level, true).await?;
                    }
                    _ => {}
                }
                match store.execute(*id, &cmd, Who::System, now).await {
                    Ok(_) => {
                        progressed = true;
                        match cmd {
                            Command::SlaAlert { .. } => report.sla_alerts += 1,
                            Command::Escalate { .. } => report.escalations += 1,
                            _ => {}
                        }
                    }
                    // Another node (or an earlier attempt) recorded it; nothing to do.
                    Err(StoreError::Refused(r)) => tracing::debug!(complaint = id.0, refusal = ?r, "already recorded"),
                    Err(e) => return Err(e),
                }
            }
        }
        if !progressed {
            seen_without_progress += 1;
            if seen_without_progress > 2 {
                break;
            }
        }
        if (ids.len() as u64) < CHUNK {
            break;
        }
    }
    Ok(())
}

/// Batch early warning over the last window against the baseline before it.
async fn batch_pass(state: &AppState, now: DateTime<Utc>, report: &mut PassReport) -> StoreResult<()> {
    let store = state.store();
    let settings = store.sla_config().batch.clone();
    let window = Duration::hours(i64::from(settings.window_hours));
    let baseline = Duration::days(i64::from(settings.baseline_days));
    let from = now - window;
    // Alerts are keyed by window bucket, so one spike is reported once per window length.
    let bucket = now.timestamp() / window.num_seconds().max(1);
    let hq = store.group_level_paths().await?;
    for dim in [Dimension::Category, Dimension::Department, Dimension::Product] {
        let (current, total) = store.window_counts(dim, from, now).await?;
        if current.is_empty() {
            continue;
        }
        let (before, _) = store.window_counts(dim, from - baseline, from).await?;
        let before: HashMap<String, u32> = before.into_iter().map(|w| (w.key, w.n)).collect();
        let counts: Vec<KeyCount> = current
            .into_iter()
            .map(|w| KeyCount { baseline: before.get(&w.key).copied().unwrap_or(0), key: w.key, current: w.n })
            .collect();
        for signal in batch::detect(dim, &counts, total, &settings) {
            let behind = store.window_complaints(dim, &signal.key, from, now, 50).await?;
            let name = dimension_name(state, dim, &signal.key).await;
            let (zh, en) = match signal.kind {
                batch::SignalKind::Spike => (
                    format!(
                        "批量投诉预警：{name} {} 小时内 {} 件（基线约 {:.1} 件）",
                        settings.window_hours, signal.current, signal.expected
                    ),
                    format!(
                        "Batch warning: {name}, {} complaints in {} hours (baseline about {:.1})",
                        signal.current, settings.window_hours, signal.expected
                    ),
                ),
                batch::SignalKind::Share => (
                    format!(
                        "批量投诉预警：{name} 占比 {:.0}%（{} / {} 件）",
                        signal.share_percent, signal.current, total
                    ),
                    format!(
                        "Batch warning: {name} is {:.0} % of complaints ({} of {total})",
                        signal.share_percent, signal.current
                    ),
                ),
            };
            let mut audiences =
                vec![Audience { roles: &["hq_auditor", "executive"], above: hq.clone(), under: Vec::new() }];
            let mut companies: Vec<i64> = behind.iter().map(|b| b.2).collect();
            companies.sort_unstable();
            companies.dedup();
            let mut company_paths = Vec::new();
            for c in companies {
                company_paths.push(store.org_path(cloop_domain::OrgUnitId(c)).await?);
            }
            let dept_path = match dim {
                Dimension::Department => match signal.key.parse::<i64>() {
                    Ok(d) => Some(store.org_path(cloop_domain::OrgUnitId(d)).await?),
                    Err(_) => None,
                },
                _ => None,
            };
            if let Some(d) = dept_path {
                audiences.push(Audience {
                    roles: &["dept_manager", "supervisor"],
                    above: vec![d.clone()],
                    under: vec![d],
                });
            }
            audiences.push(Audience {
                roles: &["supervisor", "dept_manager"],
                above: Vec::new(),
                under: company_paths,
            });
            let alert = NewAlert {
                kind: "batch".into(),
                severity: "warning".into(),
                complaint_id: None,
                company_id: None,
                title_zh: zh,
                title_en: en,
                body_zh: behind.iter().map(|b| b.1.as_str()).collect::<Vec<_>>().join("、"),
                body_en: behind.iter().map(|b| b.1.as_str()).collect::<Vec<_>>().join(", "),
                data: json!({
                    "dimension": dim.code(),
                    "key": signal.key,
                    "name": name,
                    "signal": signal.kind,
                    "current": signal.current,
                    "expected": signal.expected,
                    "share_percent": signal.share_percent,
                    "complaints": behind.iter().map(|b| json!({"id": b.0, "case_no": b.1})).collect::<Vec<_>>(),
                }),
                dedupe_key: format!(
                    "batch:{}:{}:{}:{bucket}",
                    dim.code(),
                    serde_json::to_value(signal.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    signal.key
                ),
            };
            if alerting::raise_general(state, alert, &audiences).await? {
                report.batch_alerts += 1;
            }
        }
    }
    Ok(())
}

async fn dimension_name(state: &AppState, dim: Dimension, key: &str) -> String {
    let id = key.parse::<i64>().ok();
    match (dim, id) {
        (Dimension::Category, Some(id)) => {
            state.store().category(id).await.map(|c| c.name).unwrap_or_else(|_| key.into())
        }
        (Dimension::Department, Some(id)) => {
            state.store().org_unit(id).await.map(|u| u.name).unwrap_or_else(|_| key.into())
        }
        _ => key.to_owned(),
    }
}

/// Tells the admins when deadlines were counted through a year with no holiday schedule, and
/// from November on when next year's schedule is still missing (the State Council publishes it
/// in November or December; deadlines that run into January need it).
async fn calendar_pass(state: &AppState, now: DateTime<Utc>) -> StoreResult<()> {
    use chrono::Datelike;
    let store = state.store();
    let mut years = store.unconfirmed_years().await?;
    let cal = &store.sla_config().calendar;
    let today = cal.local_date(now);
    if today.month() >= 11 && !cal.has_year(today.year() + 1) && !years.contains(&(today.year() + 1)) {
        years.push(today.year() + 1);
    }
    if years.is_empty() {
        return Ok(());
    }
    let root = store.org_path(store.root_unit().await?).await?;
    for year in years {
        let alert = NewAlert {
            kind: "calendar".into(),
            severity: "warning".into(),
            complaint_id: None,
            company_id: None,
            title_zh: format!("{year} 年节假日安排未导入，相关时限按周一至周五计算（未确认）"),
            title_en: format!("No holiday schedule for {year}: deadlines there count Monday–Friday (unconfirmed)"),
            body_zh: format!("请在“工作日历”中导入 {year} 年国务院节假日安排，导入后时限将自动重算。"),
            body_en: format!(
                "Import the State Council's {year} schedule on the Calendar page; deadlines are recomputed on import."
            ),
            data: json!({ "year": year }),
            dedupe_key: format!("calendar:{year}"),
        };
        alerting::raise_general(
            state,
            alert,
            &[Audience { roles: &["admin"], above: Vec::new(), under: vec![root.clone()] }],
        )
        .await?;
    }
    Ok(())
}
