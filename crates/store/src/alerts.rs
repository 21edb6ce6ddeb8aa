//! Alerts and who receives them (the alert centre), and the leases that let exactly one of
//! several `serve` nodes run a background pass.
//!
//! Raising an alert is idempotent: every alert carries a `dedupe_key` (for an SLA alert, the
//! complaint, the clock and the threshold), and a second raise with the same key — a retry, or
//! another node — changes nothing and tells the caller so.

use crate::Store;
use crate::error::StoreResult;
use chrono::{DateTime, Duration, Utc};
use cloop_domain::{ComplaintId, OrgUnitId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

/// An alert to raise.
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// `sla_warning`, `sla_breach`, `escalation`, `level1`, `batch`, `calendar`, `routing` (scheduled retraining kept the old model).
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// The complaint it is about, if one.
    pub complaint_id: Option<ComplaintId>,
    /// The company it belongs to, if one.
    pub company_id: Option<OrgUnitId>,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// Body in Chinese.
    pub body_zh: String,
    /// Body in English.
    pub body_en: String,
    /// Details for the UI (case number, clock, complaints behind a batch warning …).
    pub data: serde_json::Value,
    /// Raising twice with the same key raises once.
    pub dedupe_key: String,
}

/// An alert as one recipient sees it.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct AlertRow {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// Severity.
    pub severity: String,
    /// Complaint.
    pub complaint_id: Option<i64>,
    /// Case number of the complaint.
    pub case_no: Option<String>,
    /// Title (zh).
    pub title_zh: String,
    /// Title (en).
    pub title_en: String,
    /// Body (zh).
    pub body_zh: String,
    /// Body (en).
    pub body_en: String,
    /// Details, JSON text.
    pub data: String,
    /// Raised at.
    pub created_at: DateTime<Utc>,
    /// Read by this recipient at.
    pub read_at: Option<DateTime<Utc>>,
    /// Acknowledged by this recipient at.
    pub acked_at: Option<DateTime<Utc>>,
}

/// Ancestor-or-self paths of a materialised path: `/1/4/9/` → `/1/`, `/1/4/`, `/1/4/9/`.
pub fn ancestor_paths(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut acc = String::from("/");
    for part in path.split('/').filter(|p| !p.is_empty()) {
        acc.push_str(part);
        acc.push('/');
        out.push(acc.clone());
    }
    out
}

/// Whom to find: active users with one of `roles` whose unit is an ancestor of (or is) one of
/// `above`, or lies under one of `under`.
#[derive(Debug, Clone, Default)]
pub struct Audience<'a> {
    /// Role codes.
    pub roles: &'a [&'a str],
    /// Units at or above these paths (e.g. the department's managers up the tree).
    pub above: Vec<String>,
    /// Units under these paths (e.g. everyone in a company).
    pub under: Vec<String>,
}

impl Store {
    /// Raises an alert for `recipients`; `None` when an alert with the same key exists already.
    ///
    /// Through the group-commit writer, like every complaint write: on SQLite a write on a pool
    /// connection waits for the database lock, which the writer holds most of the time under
    /// intake load, and SQLite's busy handler retried for seconds (the multi-second tail of
    /// routed intakes, whose level-1 complaints raise an alert before they answer).
    pub async fn raise_alert(
        &self,
        alert: &NewAlert,
        recipients: &[UserId],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let job = AlertJob { alert: alert.clone(), recipients: recipients.to_vec(), now };
        self.writer.alert(job).await
    }

    /// Active users matching `audience`.
    pub async fn audience(&self, audience: &Audience<'_>) -> StoreResult<Vec<UserId>> {
        if audience.roles.is_empty() || (audience.above.is_empty() && audience.under.is_empty()) {
            return Ok(Vec::new());
        }
        let mut places = sea_orm::Condition::any();
        if !audience.above.is_empty() {
            places = places.add(Expr::col(("o", "path")).is_in(audience.above.clone()));
        }
        for p in &audience.under {
            places = places.add(Expr::col(("o", "path")).like(LikeExpr::new(format!("{p}%"))));
        }
        let rows = self
            .db
            .query_all(
                &Query::select()
                    .column(("u", "id"))
                    .from_as("users", "u")
                    .join_as(JoinType::InnerJoin, "roles", "r", Expr::col(("r", "id")).equals(("u", "role_id")))
                    .join_as(JoinType::InnerJoin, "org_units", "o", Expr::col(("o", "id")).equals(("u", "org_unit_id")))
                    .and_where(Expr::col(("u", "active")).eq(true))
                    .and_where(Expr::col(("r", "code")).is_in(audience.roles.iter().copied()))
                    .cond_where(places)
                    .order_by(("u", "id"), Order::Asc)
                    .to_owned(),
            )
            .await?;
        rows.into_iter().map(|r| Ok(UserId(r.try_get("", "id")?))).collect()
    }

    /// A page of `user`'s alerts, newest first; only unread ones when `unread_only`.
    pub async fn alerts_for(
        &self,
        user: UserId,
        unread_only: bool,
        complaint: Option<ComplaintId>,
        limit: u64,
        offset: u64,
    ) -> StoreResult<(Vec<AlertRow>, u64)> {
        let mut base = Query::select();
        base.from_as("alert_recipients", "ar")
            .join_as(JoinType::InnerJoin, "alerts", "a", Expr::col(("a", "id")).equals(("ar", "alert_id")))
            .and_where(Expr::col(("ar", "user_id")).eq(user.0));
        if unread_only {
            base.and_where(Expr::col(("ar", "read_at")).is_null());
        }
        if let Some(c) = complaint {
            base.and_where(Expr::col(("a", "complaint_id")).eq(c.0));
        }
        let total = self.db.query_one(&base.clone().expr_as(Expr::col(("a", "id")).count(), "n").to_owned()).await?;
        let total: i64 = total.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
        let mut q = base;
        q.columns([
            ("a", "id"),
            ("a", "kind"),
            ("a", "severity"),
            ("a", "complaint_id"),
            ("a", "title_zh"),
            ("a", "title_en"),
            ("a", "body_zh"),
            ("a", "body_en"),
            ("a", "data"),
            ("a", "created_at"),
        ])
        .columns([("ar", "read_at"), ("ar", "acked_at")])
        .expr_as(Expr::col(("c", "case_no")), "case_no")
        .join_as(JoinType::LeftJoin, "complaints", "c", Expr::col(("c", "id")).equals(("a", "complaint_id")))
        .order_by(("a", "id"), Order::Desc)
        .limit(limit.clamp(1, 200))
        .offset(offset);
        let rows = AlertRow::find_by_statement(self.db.get_database_backend().build(&q)).all(&self.db).await?;
        Ok((rows, Ord::max(total, 0) as u64))
    }

    /// How many of `user`'s alerts are unread.
    pub async fn unread_alerts(&self, user: UserId) -> StoreResult<u64> {
        let row = self
            .db
            .query_one(
                &Query::select()
                    .expr_as(Expr::col("alert_id").count(), "n")
                    .from("alert_recipients")
                    .and_where(Expr::col("user_id").eq(user.0))
                    .and_where(Expr::col("read_at").is_null())
                    .to_owned(),
            )
            .await?;
        Ok(Ord::max(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0), 0) as u64)
    }

    /// Marks alerts read (all of the user's when `ids` is `None`); acknowledging also marks read.
    /// Returns how many changed.
    pub async fn mark_alerts(
        &self,
        user: UserId,
        ids: Option<&[i64]>,
        acknowledge: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut q = Query::update();
        q.table("alert_recipients").and_where(Expr::col("user_id").eq(user.0));
        if let Some(ids) = ids {
            q.and_where(Expr::col("alert_id").is_in(ids.iter().copied()));
        }
        if acknowledge {
            q.value("acked_at", now).and_where(Expr::col("acked_at").is_null());
            // Acknowledged is read as well (keep an earlier read time).
            q.value("read_at", Func::coalesce([Expr::col("read_at"), Expr::val(now)]));
        } else {
            q.value("read_at", now).and_where(Expr::col("read_at").is_null());
        }
        Ok(self.db.execute(&q).await?.rows_affected())
    }

    /// Alerts raised about a complaint (for its detail page), oldest first.
    pub async fn complaint_alert_count(&self, complaint: ComplaintId) -> StoreResult<u64> {
        let row = self
            .db
            .query_one(
                &Query::select()
                    .expr_as(Expr::col("id").count(), "n")
                    .from("alerts")
                    .and_where(Expr::col("complaint_id").eq(complaint.0))
                    .to_owned(),
            )
            .await?;
        Ok(Ord::max(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0), 0) as u64)
    }

    /// Takes or renews the lease `name` for `holder` until `now + ttl`; false when another holder
    /// has it and it has not expired. One conditional statement, so two nodes racing for it
    /// cannot both win.
    pub async fn try_lease(&self, name: &str, holder: &str, ttl: Duration, now: DateTime<Utc>) -> StoreResult<bool> {
        self.db
            .execute(
                &Query::insert()
                    .into_table("scheduler_leases")
                    .columns(["name", "holder", "expires_at"])
                    .values_panic([name.into(), "".into(), (now - Duration::seconds(1)).into()])
                    .on_conflict(OnConflict::column("name").do_nothing().to_owned())
                    .to_owned(),
            )
            .await?;
        let res = self
            .db
            .execute(
                &Query::update()
                    .table("scheduler_leases")
                    .value("holder", holder)
                    .value("expires_at", now + ttl)
                    .and_where(Expr::col("name").eq(name))
                    .cond_where(
                        sea_orm::Condition::any()
                            .add(Expr::col("holder").eq(holder))
                            .add(Expr::col("expires_at").lt(now)),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(res.rows_affected() == 1)
    }

    /// Gives a lease up (on shutdown) so another node can take over at once.
    pub async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        self.db
            .execute(
                &Query::update()
                    .table("scheduler_leases")
                    .value("expires_at", DateTime::<Utc>::UNIX_EPOCH)
                    .and_where(Expr::col("name").eq(name))
                    .and_where(Expr::col("holder").eq(holder))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}

/// An alert waiting for the writer ([`Store::raise_alert`]).
#[derive(Debug)]
pub(crate) struct AlertJob {
    pub(crate) alert: NewAlert,
    pub(crate) recipients: Vec<UserId>,
    pub(crate) now: DateTime<Utc>,
}

/// Writes one alert and its recipients inside the writer's transaction; `None` when an alert
/// with the same key exists already (then nothing is written).
pub(crate) async fn write_alert(txn: &impl crate::conn::Conn, job: &AlertJob) -> StoreResult<Option<i64>> {
    let AlertJob { alert, recipients, now } = job;
    let row = txn
        .query_one(
            &Query::insert()
                .into_table("alerts")
                .columns([
                    "kind",
                    "severity",
                    "complaint_id",
                    "company_id",
                    "title_zh",
                    "title_en",
                    "body_zh",
                    "body_en",
                    "data",
                    "dedupe_key",
                    "created_at",
                ])
                .values_panic([
                    alert.kind.clone().into(),
                    alert.severity.clone().into(),
                    alert.complaint_id.map(|c| c.0).into(),
                    alert.company_id.map(|c| c.0).into(),
                    alert.title_zh.clone().into(),
                    alert.title_en.clone().into(),
                    alert.body_zh.clone().into(),
                    alert.body_en.clone().into(),
                    alert.data.to_string().into(),
                    alert.dedupe_key.clone().into(),
                    (*now).into(),
                ])
                .on_conflict(OnConflict::column("dedupe_key").do_nothing().to_owned())
                .returning_col("id")
                .to_owned(),
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("", "id")?;
    let mut users: Vec<i64> = recipients.iter().map(|u| u.0).collect();
    users.sort_unstable();
    users.dedup();
    if !users.is_empty() {
        let mut insert = Query::insert();
        insert.into_table("alert_recipients").columns(["alert_id", "user_id"]);
        for u in users {
            insert.values_panic([id.into(), u.into()]);
        }
        txn.execute(&insert).await?;
    }
    Ok(Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestor_paths_walk_down_from_the_root() {
        assert_eq!(ancestor_paths("/1/4/9/"), ["/1/", "/1/4/", "/1/4/9/"]);
        assert!(ancestor_paths("/").is_empty());
    }
}
