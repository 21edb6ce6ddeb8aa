//! SLA, risk and early-warning configuration as the store keeps it, and the derived columns of
//! the complaint projection (due times, next scheduler check, risk) computed from it.
//!
//! The configuration lives in the database — the calendar's years in `calendar_years`, the rest
//! as JSON settings — so every node reads the same; each node caches it and reloads it after a
//! change ([`Store::reload_sla_config`]) and on every scheduler pass.

use crate::Store;
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use cloop_domain::batch::BatchSettings;
use cloop_domain::calendar::{BusinessCalendar, CHINA_SCHEDULES_JSON, CalendarDocument, WorkingHours, YearSchedule};
use cloop_domain::risk::{self, Risk, RiskFacts, RiskSettings};
use cloop_domain::sla::SlaPolicy;
use cloop_domain::sla_watch::{AlertThresholds, ComplaintSla};
use cloop_domain::{Complaint, FieldError, OrgUnitId, Severity};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait, Value};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const KEY_HOURS: &str = "calendar.hours";
/// Prefix of a company's own working hours (`calendar.hours.company.<id>`).
const KEY_COMPANY_HOURS: &str = "calendar.hours.company.";
const KEY_POLICY: &str = "sla.policy";
const KEY_THRESHOLDS: &str = "sla.thresholds";
const KEY_RISK: &str = "risk";
const KEY_BATCH: &str = "batch";

/// Everything the SLA clocks, the risk score and the early warnings are computed with.
#[derive(Debug, Clone)]
pub struct SlaConfig {
    /// Targets by severity × tier × category.
    pub policy: SlaPolicy,
    /// Working hours and the published holiday schedules (the group's default).
    pub calendar: BusinessCalendar,
    /// Companies with working hours of their own (same holiday schedules).
    pub company_calendars: std::collections::HashMap<OrgUnitId, BusinessCalendar>,
    /// Warning and escalation thresholds.
    pub thresholds: AlertThresholds,
    /// Risk words and colours.
    pub risk: RiskSettings,
    /// Batch early warning.
    pub batch: BatchSettings,
}

impl Default for SlaConfig {
    fn default() -> Self {
        Self {
            policy: SlaPolicy::seeds(),
            calendar: BusinessCalendar::china_default(),
            company_calendars: Default::default(),
            thresholds: AlertThresholds::default(),
            risk: RiskSettings::default(),
            batch: BatchSettings::default(),
        }
    }
}

impl SlaConfig {
    /// The calendar a company's complaints are counted on: its own working hours if it has
    /// them, else the group's.
    pub fn calendar_for(&self, company: OrgUnitId) -> &BusinessCalendar {
        self.company_calendars.get(&company).unwrap_or(&self.calendar)
    }
}

/// The settings an admin edits in one form (the calendar has its own API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertSettings {
    /// Warning and escalation thresholds.
    pub thresholds: AlertThresholds,
    /// Risk words and colours.
    pub risk: RiskSettings,
    /// Batch early warning.
    pub batch: BatchSettings,
}

/// The projection's derived columns.
#[derive(Debug, Clone)]
pub(crate) struct Derived {
    pub(crate) response_due_at: Option<DateTime<Utc>>,
    pub(crate) resolution_due_at: Option<DateTime<Utc>>,
    pub(crate) sla_next_at: Option<DateTime<Utc>>,
    pub(crate) due_at: Option<DateTime<Utc>>,
    pub(crate) warn_at: Option<DateTime<Utc>>,
    pub(crate) sla_confirmed: bool,
    pub(crate) risk: Risk,
    pub(crate) product_ref: Option<String>,
    pub(crate) pinned: bool,
}

/// The derived columns, in the order of [`Derived::values`].
pub(crate) const DERIVED_COLUMNS: [&str; 11] = [
    "response_due_at",
    "resolution_due_at",
    "sla_next_at",
    "due_at",
    "warn_at",
    "sla_confirmed",
    "risk_score",
    "risk_level",
    "risk_reasons",
    "product_ref",
    "pinned",
];

impl Derived {
    /// Computes the columns of `c` at `now` (the time of its latest event).
    pub(crate) fn compute(c: &Complaint, cfg: &SlaConfig, other_complaints: u32, now: DateTime<Utc>) -> Self {
        let calendar = cfg.calendar_for(c.company_id);
        let sla = ComplaintSla::compute(c, &cfg.policy, calendar, &cfg.thresholds);
        let sla_percent =
            sla.clocks().iter().filter(|s| s.running).map(|s| s.percent_used(c, now, calendar)).fold(0.0, f64::max);
        let risk = risk::assess(c, &RiskFacts { other_complaints, sla_percent }, &cfg.risk);
        Self {
            response_due_at: sla.response.due_at,
            resolution_due_at: sla.resolution.due_at,
            sla_next_at: sla.next_check_at(),
            due_at: sla.clocks().iter().filter(|s| s.running).filter_map(|s| s.due_at).min(),
            // When the first running clock reaches the first warning threshold (not while paused).
            warn_at: sla
                .clocks()
                .iter()
                .filter(|s| s.running && s.due_at.is_some())
                .filter_map(|s| {
                    let first = cfg.thresholds.warn_percents.first().copied().unwrap_or(100);
                    cloop_domain::sla::deadline_at_percent(c.received_at, s.target, first, calendar, &c.pauses).due_at
                })
                .min(),
            sla_confirmed: sla.confirmed(),
            risk,
            product_ref: c.product_ref.as_deref().map(|p| p.trim().to_uppercase()).filter(|p| !p.is_empty()),
            pinned: c.state.is_open() && c.severity == Some(Severity::Level1),
        }
    }

    pub(crate) fn values(&self) -> Vec<Value> {
        let reasons = (!self.risk.reasons.is_empty())
            .then(|| serde_json::to_string(&self.risk.reasons).expect("reasons serialize"));
        vec![
            self.response_due_at.into(),
            self.resolution_due_at.into(),
            self.sla_next_at.into(),
            self.due_at.into(),
            self.warn_at.into(),
            self.sla_confirmed.into(),
            i64::from(self.risk.score).into(),
            self.risk.level.map(|l| l.code().to_owned()).into(),
            reasons.into(),
            self.product_ref.clone().into(),
            self.pinned.into(),
        ]
    }
}

fn parse<T: for<'de> Deserialize<'de>>(key: &str, json: Option<String>) -> StoreResult<Option<T>> {
    json.map(|j| serde_json::from_str(&j).map_err(|e| StoreError::Config(format!("setting {key} unreadable: {e}"))))
        .transpose()
}

fn field_errors(errors: Vec<FieldError>) -> StoreError {
    StoreError::InvalidFields(errors)
}

impl Store {
    /// The configuration in use on this node.
    pub fn sla_config(&self) -> Arc<SlaConfig> {
        self.sla.read().expect("sla config lock").clone()
    }

    /// Reads the configuration from the database (seeding the shipped calendar years on first
    /// use) and puts it in use on this node.
    pub async fn reload_sla_config(&self) -> StoreResult<Arc<SlaConfig>> {
        self.seed_calendar().await?;
        let rows =
            self.db.query_all(&Query::select().columns(["year", "schedule"]).from("calendar_years").to_owned()).await?;
        let mut document = CalendarDocument::default();
        for r in rows {
            let year: i64 = r.try_get("", "year")?;
            let schedule: String = r.try_get("", "schedule")?;
            let schedule: YearSchedule = serde_json::from_str(&schedule)
                .map_err(|e| StoreError::Config(format!("calendar year {year} unreadable: {e}")))?;
            document.years.insert(year as i32, schedule);
        }
        let hours: WorkingHours = parse(KEY_HOURS, self.setting(KEY_HOURS).await?)?.unwrap_or_default();
        let build = |hours: WorkingHours| {
            BusinessCalendar::new(hours, cloop_domain::calendar::china_standard_time(), document.clone())
                .map_err(|e| StoreError::Config(format!("stored calendar invalid: {e:?}")))
        };
        let calendar = build(hours)?;
        let mut company_calendars = std::collections::HashMap::new();
        for (key, value) in self.settings_with_prefix(KEY_COMPANY_HOURS).await? {
            let Ok(company) = key[KEY_COMPANY_HOURS.len()..].parse::<i64>() else { continue };
            let hours: WorkingHours = parse(&key, Some(value))?.unwrap_or_default();
            company_calendars.insert(OrgUnitId(company), build(hours)?);
        }
        let policy = match parse::<cloop_domain::sla::SlaPolicyInput>(KEY_POLICY, self.setting(KEY_POLICY).await?)? {
            Some(input) => SlaPolicy::parse(&input).map_err(field_errors)?,
            None => SlaPolicy::seeds(),
        };
        let cfg = Arc::new(SlaConfig {
            policy,
            calendar,
            company_calendars,
            thresholds: parse(KEY_THRESHOLDS, self.setting(KEY_THRESHOLDS).await?)?.unwrap_or_default(),
            risk: parse(KEY_RISK, self.setting(KEY_RISK).await?)?.unwrap_or_default(),
            batch: parse(KEY_BATCH, self.setting(KEY_BATCH).await?)?.unwrap_or_default(),
        });
        *self.sla.write().expect("sla config lock") = cfg.clone();
        Ok(cfg)
    }

    /// Loads the shipped State Council schedules when the table is empty (first start).
    async fn seed_calendar(&self) -> StoreResult<()> {
        let any = self.db.query_one(&Query::select().column("year").from("calendar_years").limit(1).to_owned()).await?;
        if any.is_none() {
            let doc = CalendarDocument::from_json(CHINA_SCHEDULES_JSON)
                .map_err(|e| StoreError::Config(format!("shipped calendar unreadable: {e:?}")))?;
            self.import_calendar(&doc, Utc::now()).await?;
        }
        Ok(())
    }

    /// Replaces the schedules of the years in `doc` (other years stay), after checking the
    /// whole document; then recomputes the open complaints' due times.
    pub async fn import_calendar(&self, doc: &CalendarDocument, now: DateTime<Utc>) -> StoreResult<()> {
        let current = self.sla_config();
        BusinessCalendar::new(current.calendar.hours().clone(), current.calendar.utc_offset(), doc.clone())
            .map_err(field_errors)?;
        let txn = self.db.begin().await?;
        for (year, schedule) in &doc.years {
            txn.execute(
                &Query::insert()
                    .into_table("calendar_years")
                    .columns(["year", "schedule", "updated_at"])
                    .values_panic([
                        i64::from(*year).into(),
                        serde_json::to_string(schedule).expect("schedule serializes").into(),
                        now.into(),
                    ])
                    .on_conflict(OnConflict::column("year").update_columns(["schedule", "updated_at"]).to_owned())
                    .to_owned(),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Removes a year's schedule (its dates are then counted Monday–Friday, unconfirmed).
    pub async fn delete_calendar_year(&self, year: i32) -> StoreResult<bool> {
        let res = self
            .db
            .execute(
                &Query::delete()
                    .from_table("calendar_years")
                    .and_where(Expr::col("year").eq(i64::from(year)))
                    .to_owned(),
            )
            .await?;
        Ok(res.rows_affected() > 0)
    }

    /// Sets the group's working hours, or a company's own (`Some(company)`).
    pub async fn set_working_hours(&self, company: Option<OrgUnitId>, hours: &WorkingHours) -> StoreResult<()> {
        let windows: Vec<cloop_domain::calendar::WorkingWindow> = hours.clone().into();
        let key = match company {
            Some(c) => format!("{KEY_COMPANY_HOURS}{}", c.0),
            None => KEY_HOURS.to_owned(),
        };
        self.set_setting(&key, &serde_json::to_string(&windows).expect("hours serialize")).await
    }

    /// Removes a company's own working hours (it follows the group's again); false if it had none.
    pub async fn clear_company_hours(&self, company: OrgUnitId) -> StoreResult<bool> {
        let res = self
            .db
            .execute(
                &Query::delete()
                    .from_table("settings")
                    .and_where(Expr::col("key").eq(format!("{KEY_COMPANY_HOURS}{}", company.0)))
                    .to_owned(),
            )
            .await?;
        Ok(res.rows_affected() > 0)
    }

    async fn settings_with_prefix(&self, prefix: &str) -> StoreResult<Vec<(String, String)>> {
        let rows = self
            .db
            .query_all(
                &Query::select()
                    .columns(["key", "value"])
                    .from("settings")
                    .and_where(Expr::col("key").like(format!("{prefix}%")))
                    .to_owned(),
            )
            .await?;
        rows.into_iter().map(|r| Ok((r.try_get("", "key")?, r.try_get("", "value")?))).collect()
    }

    /// Sets the SLA policy (already checked).
    pub async fn set_sla_policy(&self, policy: &SlaPolicy) -> StoreResult<()> {
        self.set_setting(KEY_POLICY, &serde_json::to_string(policy).expect("policy serializes")).await
    }

    /// Sets thresholds, risk and batch settings after checking them all.
    pub async fn set_alert_settings(&self, s: &AlertSettings) -> StoreResult<()> {
        let mut errors = Vec::new();
        for (prefix, result) in
            [("thresholds", s.thresholds.validate()), ("risk", s.risk.validate()), ("batch", s.batch.validate())]
        {
            if let Err(e) = result {
                errors.extend(e.into_iter().map(|e| e.under(prefix)));
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::InvalidFields(errors));
        }
        self.set_setting(KEY_THRESHOLDS, &serde_json::to_string(&s.thresholds).expect("serializes")).await?;
        self.set_setting(KEY_RISK, &serde_json::to_string(&s.risk).expect("serializes")).await?;
        self.set_setting(KEY_BATCH, &serde_json::to_string(&s.batch).expect("serializes")).await
    }

    /// Recomputes the derived columns of every open complaint with the configuration in use (after
    /// the policy, the calendar or the thresholds changed). Returns how many were updated.
    pub async fn refresh_open_complaints(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let open: Vec<&str> = cloop_domain::State::ALL.iter().filter(|s| s.is_open()).map(|s| s.code()).collect();
        let mut after = 0i64;
        let mut updated = 0u64;
        loop {
            let rows = self
                .db
                .query_all(
                    &Query::select()
                        .column("id")
                        .from("complaints")
                        .and_where(Expr::col("state").is_in(open.clone()))
                        .and_where(Expr::col("id").gt(after))
                        .order_by("id", Order::Asc)
                        .limit(500)
                        .to_owned(),
                )
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("", "id")?;
            let ids = rows
                .iter()
                .map(|r| Ok(cloop_domain::ComplaintId(r.try_get("", "id")?)))
                .collect::<StoreResult<Vec<_>>>()?;
            updated += self.refresh_complaints(&ids, now).await?;
        }
        Ok(updated)
    }

    /// Recomputes the derived columns of the given complaints (skipping any that changed
    /// meanwhile: their own write computed them). Returns how many were updated.
    pub async fn refresh_complaints(&self, ids: &[cloop_domain::ComplaintId], now: DateTime<Utc>) -> StoreResult<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let cfg = self.sla_config();
        let rows = self
            .db
            .query_all(
                &Query::select()
                    .columns(["id", "doc"])
                    .from("complaints")
                    .and_where(Expr::col("id").is_in(ids.iter().map(|i| i.0)))
                    .to_owned(),
            )
            .await?;
        let complaints: Vec<Complaint> = rows
            .iter()
            .map(|r| {
                let id: i64 = r.try_get("", "id")?;
                let mut c = crate::complaints::read_projection(id, &r.try_get::<String>("", "doc")?)?;
                c.id = cloop_domain::ComplaintId(id);
                Ok(c)
            })
            .collect::<StoreResult<_>>()?;
        let counts = self.other_complaint_counts(&complaints).await?;
        let txn = self.db.begin().await?;
        let mut updated = 0;
        for c in &complaints {
            let other = counts.get(&c.customer_id.0).copied().unwrap_or(1).saturating_sub(1);
            let d = Derived::compute(c, &cfg, other, Ord::max(now, c.updated_at));
            let mut update = Query::update();
            update.table("complaints");
            for (col, v) in DERIVED_COLUMNS.iter().zip(d.values()) {
                update.value(*col, v);
            }
            update.and_where(Expr::col("id").eq(c.id.0)).and_where(Expr::col("version").eq(i64::from(c.version)));
            updated += txn.execute(&update).await?.rows_affected();
        }
        txn.commit().await?;
        Ok(updated)
    }

    /// The stored risk assessment of a complaint (`None` for a closed one).
    pub async fn risk_of(&self, id: cloop_domain::ComplaintId) -> StoreResult<Option<Risk>> {
        let row = self
            .db
            .query_one(
                &Query::select()
                    .columns(["risk_score", "risk_level", "risk_reasons"])
                    .from("complaints")
                    .and_where(Expr::col("id").eq(id.0))
                    .to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound("complaint"))?;
        let score: i64 = row.try_get("", "risk_score")?;
        let level: Option<String> = row.try_get("", "risk_level")?;
        let reasons: Option<String> = row.try_get("", "risk_reasons")?;
        let reasons: Vec<cloop_domain::risk::RiskReason> = match reasons {
            Some(r) => {
                serde_json::from_str(&r).map_err(|e| StoreError::Config(format!("risk reasons unreadable: {e}")))?
            }
            None => Vec::new(),
        };
        Ok(shown_risk(Risk {
            score: score.clamp(0, 100) as u8,
            level: level.as_deref().and_then(cloop_domain::RiskLevel::from_code),
            reasons,
        }))
    }

    /// The root of the organisation (the group).
    pub async fn root_unit(&self) -> StoreResult<cloop_domain::OrgUnitId> {
        let row = self
            .db
            .query_one(
                &Query::select()
                    .column("id")
                    .from("org_units")
                    .and_where(Expr::col("parent_id").is_null())
                    .order_by("id", Order::Asc)
                    .limit(1)
                    .to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound("org unit"))?;
        Ok(cloop_domain::OrgUnitId(row.try_get("", "id")?))
    }

    /// How many complaints each of the customers of `complaints` has in all.
    pub(crate) async fn other_complaint_counts(
        &self,
        complaints: &[Complaint],
    ) -> StoreResult<std::collections::HashMap<i64, u32>> {
        customer_counts(&self.db, complaints.iter().map(|c| c.customer_id.0)).await
    }
}

/// A risk worth showing: none when nothing scores.
pub(crate) fn shown_risk(r: Risk) -> Option<Risk> {
    (r.score > 0 || !r.reasons.is_empty()).then_some(r)
}

/// Complaints per customer, for the customers given. PostgreSQL reads the count kept on each
/// customer's row (migration 0012): counting there visits a heap page per earlier complaint.
/// SQLite counts from the index `complaints_customer_received`, which holds the rowid, so it
/// never reads the table, and a kept count would add the customers' pages to every commit.
pub(crate) async fn customer_counts(
    db: &impl crate::conn::Conn,
    customers: impl Iterator<Item = i64>,
) -> StoreResult<std::collections::HashMap<i64, u32>> {
    let mut ids: Vec<i64> = customers.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let query = match db.backend() {
        DbBackend::Postgres => Query::select()
            .expr_as(Expr::col("id"), "customer_id")
            .expr_as(Expr::col("complaint_count"), "n")
            .from("customers")
            .and_where(Expr::col("id").is_in(crate::chunks::padded(ids)))
            .to_owned(),
        _ => Query::select()
            .column("customer_id")
            .expr_as(Expr::col("id").count(), "n")
            .from("complaints")
            .and_where(Expr::col("customer_id").is_in(crate::chunks::padded(ids)))
            .group_by_col("customer_id")
            .to_owned(),
    };
    let rows = db.query_all(&query).await?;
    rows.into_iter()
        .map(|r| Ok((r.try_get::<i64>("", "customer_id")?, Ord::max(r.try_get::<i64>("", "n")?, 0) as u32)))
        .collect()
}

/// PostgreSQL: adds newly written complaints to their customers' counts (`added`: customer id
/// → how many), inside the writer's transaction: one statement per distinct number added (as a
/// rule one). SQLite counts from its index instead ([`customer_counts`]).
pub(crate) async fn count_new_complaints(
    txn: &impl crate::conn::Conn,
    added: &std::collections::HashMap<i64, u32>,
) -> StoreResult<()> {
    if txn.backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut by_n: std::collections::BTreeMap<u32, Vec<i64>> = std::collections::BTreeMap::new();
    for (&customer, &n) in added {
        by_n.entry(n).or_default().push(customer);
    }
    for (n, mut ids) in by_n {
        ids.sort_unstable();
        txn.execute(
            &Query::update()
                .table("customers")
                .value("complaint_count", Expr::col("complaint_count").add(i64::from(n)))
                .and_where(Expr::col("id").is_in(crate::chunks::padded(ids)))
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

/// Counted complaints of one key in a window, for batch early warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowCount {
    /// The key (category id, department id or product reference, as text).
    pub key: String,
    /// Complaints received in the window.
    pub n: u32,
}

impl Store {
    /// Complaints whose next SLA threshold has come, earliest first (an index range scan on
    /// `sla_next_at`).
    pub async fn complaints_due_for_check(
        &self,
        now: DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<cloop_domain::ComplaintId>> {
        let rows = self.db.query_all(&due_for_check_query(now, limit)).await?;
        rows.into_iter().map(|r| Ok(cloop_domain::ComplaintId(r.try_get("", "id")?))).collect()
    }

    /// The query plan of the scheduler's scan (for the benchmark's report).
    pub async fn explain_due_for_check(&self, now: DateTime<Utc>) -> StoreResult<Vec<String>> {
        self.explain(&due_for_check_query(now, 1000)).await
    }

    /// Complaints received in `[from, to)` per key of `dimension` (keys without a value left out),
    /// and the total.
    pub async fn window_counts(
        &self,
        dimension: cloop_domain::batch::Dimension,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<(Vec<WindowCount>, u32)> {
        let col = dimension_column(dimension);
        let rows = self
            .db
            .query_all(
                &Query::select()
                    .expr_as(Expr::col(col), "k")
                    .expr_as(Expr::col("id").count(), "n")
                    .from("complaints")
                    .and_where(Expr::col("received_at").gte(from))
                    .and_where(Expr::col("received_at").lt(to))
                    .and_where(Expr::col(col).is_not_null())
                    .group_by_col(col)
                    .to_owned(),
            )
            .await?;
        let counts = rows
            .into_iter()
            .map(|r| {
                let key = match dimension {
                    cloop_domain::batch::Dimension::Product => r.try_get::<String>("", "k")?,
                    _ => r.try_get::<i64>("", "k")?.to_string(),
                };
                Ok(WindowCount { key, n: Ord::max(r.try_get::<i64>("", "n")?, 0) as u32 })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let total = self
            .db
            .query_one(
                &Query::select()
                    .expr_as(Expr::col("id").count(), "n")
                    .from("complaints")
                    .and_where(Expr::col("received_at").gte(from))
                    .and_where(Expr::col("received_at").lt(to))
                    .to_owned(),
            )
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        Ok((counts, Ord::max(total, 0) as u32))
    }

    /// The complaints behind a batch warning: id, case number and company, newest first.
    pub async fn window_complaints(
        &self,
        dimension: cloop_domain::batch::Dimension,
        key: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<(i64, String, i64)>> {
        let col = dimension_column(dimension);
        let mut q = Query::select();
        q.columns(["id", "case_no", "company_id"])
            .from("complaints")
            .and_where(Expr::col("received_at").gte(from))
            .and_where(Expr::col("received_at").lt(to))
            .order_by("received_at", Order::Desc)
            .limit(limit);
        match dimension {
            cloop_domain::batch::Dimension::Product => q.and_where(Expr::col(col).eq(key)),
            _ => q.and_where(Expr::col(col).eq(key.parse::<i64>().unwrap_or(-1))),
        };
        let rows = self.db.query_all(&q).await?;
        rows.into_iter()
            .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "case_no")?, r.try_get("", "company_id")?)))
            .collect()
    }

    /// Years in which open complaints have deadlines counted without a loaded schedule.
    pub async fn unconfirmed_years(&self) -> StoreResult<Vec<i32>> {
        let rows = self.db.query_all(&unconfirmed_query()).await?;
        let cfg = self.sla_config();
        let mut years = std::collections::BTreeSet::new();
        for r in rows {
            for col in ["response_due_at", "resolution_due_at"] {
                if let Some(at) = r.try_get::<Option<DateTime<Utc>>>("", col)? {
                    let y = chrono::Datelike::year(&cfg.calendar.local_date(at));
                    if !cfg.calendar.has_year(y) {
                        years.insert(y);
                    }
                }
            }
        }
        Ok(years.into_iter().collect())
    }
}

/// Open complaints whose deadlines were counted without a holiday schedule (at most 1,000: the
/// years they name are what matters). Answered from the partial index `complaints_unconfirmed`.
fn unconfirmed_query() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .columns(["response_due_at", "resolution_due_at"])
        .from("complaints")
        .and_where(Expr::col("sla_confirmed").eq(false))
        .and_where(Expr::col("due_at").is_not_null())
        .limit(1000)
        .to_owned()
}

fn due_for_check_query(now: DateTime<Utc>, limit: u64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column("id")
        .from("complaints")
        .and_where(Expr::col("sla_next_at").is_not_null())
        .and_where(Expr::col("sla_next_at").lte(now))
        .order_by("sla_next_at", Order::Asc)
        .limit(limit)
        .to_owned()
}

fn dimension_column(d: cloop_domain::batch::Dimension) -> &'static str {
    match d {
        cloop_domain::batch::Dimension::Category => "category_id",
        cloop_domain::batch::Dimension::Department => "department_id",
        cloop_domain::batch::Dimension::Product => "product_ref",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan_tests::{postgres_plan, temp_sqlite};

    /// The scheduler's question of every pass must not read every complaint: the plan uses the
    /// partial index on unconfirmed deadlines, on SQLite and (when the CI database is given) on
    /// PostgreSQL.
    #[tokio::test]
    async fn unconfirmed_deadlines_are_found_through_their_index() {
        let sqlite = temp_sqlite("unconfirmed").await;
        let sqlite_plan = sqlite.store.explain(&unconfirmed_query()).await.unwrap();
        for (db, plan) in [("SQLite", Some(sqlite_plan)), ("PostgreSQL", postgres_plan(&unconfirmed_query()).await)] {
            let Some(plan) = plan else { continue };
            assert!(plan.iter().any(|step| step.contains("complaints_unconfirmed")), "{db}: {plan:?}");
        }
    }
}
