//! Complaints in the database: intake (with customers, case numbers and idempotency), commands
//! appended to the hash-chained log with the projection updated in the same transaction, and
//! the queries behind queues and detail pages.

use crate::Store;
use crate::chunks;
use crate::error::{StoreError, StoreResult};
use crate::repeats;
use crate::scope::Scope;
use crate::search::{self, SearchChange};
use crate::sla::{DERIVED_COLUMNS, Derived, SlaConfig, customer_counts};
use chrono::{DateTime, Utc};
use cloop_domain::chain::{self, ChainLink, GENESIS};
use cloop_domain::complaint::{Event, EventBody};
use cloop_domain::lifecycle::{Context, Who, to_events};
use cloop_domain::*;
use cloop_nlp::segment::SearchQuery;
use sea_orm::sea_query::{
    Expr, ExprTrait, JoinType, LikeExpr, NullOrdering, OnConflict, Order, Query, SelectStatement,
};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};
use serde::Serialize;
use std::collections::HashMap;

/// A customer as given at intake; found by phone, then email, or created.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    /// Name.
    pub name: String,
    /// Normalised phone.
    pub phone: Option<String>,
    /// Normalised email.
    pub email: Option<String>,
}

/// A complaint as taken in, already validated at the edge.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    /// Who complains.
    pub customer: NewCustomer,
    /// Channel.
    pub channel: Channel,
    /// Summary line.
    pub summary: String,
    /// Customer's words.
    pub content: String,
    /// What they ask for.
    pub customer_request: Option<String>,
    /// Product.
    pub product_ref: Option<String>,
    /// Order.
    pub order_ref: Option<String>,
    /// Category, if known.
    pub category_id: Option<CategoryId>,
    /// Severity, if known.
    pub severity: Option<Severity>,
    /// When the customer complained.
    pub received_at: DateTime<Utc>,
    /// Owning company.
    pub company_id: OrgUnitId,
    /// Registering unit.
    pub intake_unit_id: OrgUnitId,
}

/// An intake waiting for the writer.
#[derive(Debug)]
pub(crate) struct IntakeJob {
    pub(crate) complaint: NewComplaint,
    pub(crate) intake_path: String,
    pub(crate) actor: ActorRef,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) now: DateTime<Utc>,
    pub(crate) case_prefix: String,
    pub(crate) sla: std::sync::Arc<SlaConfig>,
    pub(crate) routing: IntakeRouting,
    /// The search row's text and tokens, made before the writer.
    pub(crate) search: search::IntakeText,
}

/// What intake routing decided before the complaint went to the writer (DESIGN §4): repeat
/// links and the routing decision become events right after `registered`, in the same commit.
#[derive(Debug, Clone, Default)]
pub struct IntakeRouting {
    /// Look for earlier complaints of the same customer (phone or email) or order received since
    /// this moment; the writer does, for its whole batch (`crate::repeats`). `None`: no look-up.
    pub repeat_since: Option<DateTime<Utc>>,
    /// Earlier complaints with nearly the same text, as the node found them, newest first;
    /// linked as repeats too (with `repeat_since` set).
    pub similar: Vec<i64>,
    /// The routing decision, if routing ran.
    pub decision: Option<cloop_domain::routing::RoutingDecision>,
    /// Severity given to a routed complaint that has none (default level 3).
    pub default_severity: Option<Severity>,
    /// Organisation path of the department the decision assigns (data scope).
    pub dept_path: Option<String>,
    /// SimHash of the text, for later near-duplicate checks.
    pub fingerprint: Option<u64>,
}

/// What intake answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntakeReceipt {
    /// The new (or, for a retried idempotent request, the earlier) complaint.
    pub complaint_id: ComplaintId,
    /// Its case number.
    pub case_no: String,
    /// Its customer.
    pub customer_id: CustomerId,
    /// False when an earlier request with the same idempotency key created it.
    pub created: bool,
    /// The new complaint's projection (only when `created`; saves the caller a read).
    #[serde(skip)]
    pub complaint: Option<Complaint>,
    /// The new complaint's risk as stored (only when `created` and there is any; see
    /// [`Store::risk_of`]), for the same reason.
    #[serde(skip)]
    pub risk: Option<cloop_domain::risk::Risk>,
}

/// A decided change waiting for the writer.
#[derive(Debug)]
pub(crate) struct AppendJob {
    complaint: Complaint,
    expected_version: u32,
    dept_path: Option<String>,
    derived: Derived,
    rows: Vec<EventRow>,
    search: SearchChange,
}

/// An event as stored, hash chain included.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    /// Global id (order of commit).
    pub id: i64,
    /// Complaint id.
    pub complaint_id: i64,
    /// Position in the complaint's chain.
    pub seq: i64,
    /// Time.
    pub at: DateTime<Utc>,
    /// `user`, `customer` or `system`.
    pub actor_kind: String,
    /// User id for staff actors.
    pub actor_id: Option<i64>,
    /// Event kind.
    pub kind: String,
    /// Payload JSON (the serialized event body).
    pub payload: serde_json::Value,
    /// Previous hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

impl EventRow {
    fn new(complaint_id: i64, event: &Event, prev_hash: &str) -> Self {
        let payload = serde_json::to_value(&event.body).expect("events serialize");
        let kind = event.body.kind();
        let hash = chain::event_hash(
            prev_hash,
            &ChainLink { complaint_id, seq: event.seq, at: event.at, actor: &event.actor, kind, payload: &payload },
        );
        Self {
            id: 0,
            complaint_id,
            seq: i64::from(event.seq),
            at: event.at,
            actor_kind: event.actor.kind().to_owned(),
            actor_id: event.actor.user_id().map(|u| u.0),
            kind: kind.to_owned(),
            payload,
            prev_hash: prev_hash.to_owned(),
            hash,
        }
    }

    /// The actor as the domain knows it.
    pub fn actor(&self) -> ActorRef {
        match (self.actor_kind.as_str(), self.actor_id) {
            ("user", Some(id)) => ActorRef::User { id: UserId(id) },
            ("customer", _) => ActorRef::Customer,
            _ => ActorRef::System,
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct EventDbRow {
    id: i64,
    complaint_id: i64,
    seq: i64,
    at: DateTime<Utc>,
    actor_kind: String,
    actor_id: Option<i64>,
    kind: String,
    payload: String,
    prev_hash: String,
    hash: String,
}

impl EventDbRow {
    fn into_row(self) -> StoreResult<EventRow> {
        Ok(EventRow {
            id: self.id,
            complaint_id: self.complaint_id,
            seq: self.seq,
            at: self.at,
            actor_kind: self.actor_kind,
            actor_id: self.actor_id,
            kind: self.kind,
            payload: serde_json::from_str(&self.payload)
                .map_err(|e| StoreError::Config(format!("event {} payload is not JSON: {e}", self.id)))?,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

const EVENT_COLUMNS: [&str; 10] =
    ["id", "complaint_id", "seq", "at", "actor_kind", "actor_id", "kind", "payload", "prev_hash", "hash"];

/// A complaint as its projection row stores it (`doc`), read back; `id` names it in the error.
pub(crate) fn read_projection(id: i64, doc: &str) -> StoreResult<Complaint> {
    serde_json::from_str(doc).map_err(|e| StoreError::Config(format!("complaint {id} projection unreadable: {e}")))
}

/// The projection's indexed columns, in the order of [`PROJECTION_COLUMNS`].
fn projection_values(c: &Complaint, dept_path: Option<&str>, derived: &Derived) -> Vec<Value> {
    let mut values: Vec<Value> = vec![
        c.department_id.map(|d| d.0).into(),
        dept_path.map(str::to_owned).into(),
        c.handler_id.map(|h| h.0).into(),
        c.state.code().into(),
        c.severity.map(|s| i64::from(s.level())).into(),
        c.category_id.map(|x| x.0).into(),
        c.summary.clone().into(),
        i64::from(c.escalation_level).into(),
        i64::from(c.transfer_count).into(),
        c.approval_role.clone().into(),
        c.updated_at.into(),
        c.closed_at.into(),
        i64::from(c.version).into(),
        serde_json::to_string(c).expect("complaints serialize").into(),
        c.routing.as_ref().and_then(cloop_domain::routing::RoutingDecision::hint).into(),
        c.routing.as_ref().and_then(|r| r.routed_by()).map(|b| b.code()).into(),
        c.routing.as_ref().and_then(|r| r.routed_department()).map(str::to_owned).into(),
        c.routing.as_ref().and_then(cloop_domain::routing::RoutingDecision::routed_rule).into(),
        c.routing.as_ref().and_then(|r| r.routed_category()).map(str::to_owned).into(),
        c.misrouted.into(),
    ];
    values.extend(derived.values());
    values
}

/// The projection's columns: the complaint's own, then the derived ones ([`DERIVED_COLUMNS`]).
fn projection_columns() -> impl Iterator<Item = &'static str> {
    PROJECTION_COLUMNS.into_iter().chain(DERIVED_COLUMNS)
}

const PROJECTION_COLUMNS: [&str; 20] = [
    "department_id",
    "dept_path",
    "handler_id",
    "state",
    "severity",
    "category_id",
    "summary",
    "escalation_level",
    "transfer_count",
    "approval_role",
    "updated_at",
    "closed_at",
    "version",
    "doc",
    "route_hint",
    "routed_by",
    "routed_department",
    "routed_rule_id",
    "routed_category",
    "misrouted",
];

/// Writes a batch of intakes inside the writer's transaction; one receipt per job, in order.
pub(crate) async fn write_intakes(
    txn: &impl crate::conn::Conn,
    jobs: &[&IntakeJob],
) -> StoreResult<Vec<IntakeReceipt>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    // 1. Idempotency: a key seen before answers with the earlier complaint.
    let keys: Vec<String> = jobs.iter().filter_map(|j| j.idempotency_key.clone()).collect();
    let mut by_key: HashMap<String, IntakeReceipt> = HashMap::new();
    if !keys.is_empty() {
        let rows = txn
            .query_all(
                &Query::select()
                    .columns([("i", "key"), ("i", "complaint_id"), ("i", "case_no")])
                    .column(("c", "customer_id"))
                    .from_as("idempotency_keys", "i")
                    .join_as(
                        JoinType::InnerJoin,
                        "complaints",
                        "c",
                        Expr::col(("c", "id")).equals(("i", "complaint_id")),
                    )
                    .and_where(Expr::col(("i", "key")).is_in(chunks::padded(keys.clone())))
                    .to_owned(),
            )
            .await?;
        for r in rows {
            by_key.insert(
                r.try_get("", "key")?,
                IntakeReceipt {
                    complaint_id: ComplaintId(r.try_get("", "complaint_id")?),
                    case_no: r.try_get("", "case_no")?,
                    customer_id: CustomerId(r.try_get("", "customer_id")?),
                    created: false,
                    complaint: None,
                    risk: None,
                },
            );
        }
    }
    // Jobs that create a complaint; a key repeated inside the batch creates it once.
    let mut fresh: Vec<usize> = Vec::new();
    let mut first_with_key: HashMap<&str, usize> = HashMap::new();
    for (i, j) in jobs.iter().enumerate() {
        match j.idempotency_key.as_deref() {
            Some(k) if by_key.contains_key(k) => {}
            Some(k) => {
                if let std::collections::hash_map::Entry::Vacant(v) = first_with_key.entry(k) {
                    v.insert(i);
                    fresh.push(i);
                }
            }
            None => fresh.push(i),
        }
    }

    // 2–7, wave by wave (see `waves`).
    let mut receipts: Vec<Option<IntakeReceipt>> = vec![None; jobs.len()];
    let mut written: Vec<(usize, i64)> = Vec::new();
    for wave in waves(jobs, &fresh) {
        let batch_similar = similar_in_batch(jobs, &wave, &written);
        write_wave(txn, jobs, &wave, &batch_similar, &mut by_key, &mut receipts).await?;
        written.extend(wave.iter().filter_map(|&i| Some((i, receipts[i].as_ref()?.complaint_id.0))));
    }
    Ok(jobs
        .iter()
        .enumerate()
        .map(|(i, j)| match receipts[i].take() {
            Some(r) => r,
            None => by_key[j.idempotency_key.as_deref().expect("only keyed jobs are skipped")].clone(),
        })
        .collect())
}

/// The batch's fresh intakes (positions in `jobs`) in waves, written one after another in the
/// same transaction. A routed intake that may repeat an earlier one of its own batch (the same
/// company and phone, email or order, or nearly the same text) goes in a later wave than that
/// one, so its repeat look-up finds it: written together, neither would see the other, as its
/// id is only known after the insert. Unrouted intakes and unrelated ones share the first wave,
/// so a batch without such pairs is written as one.
fn waves(jobs: &[&IntakeJob], fresh: &[usize]) -> Vec<Vec<usize>> {
    let mut level: Vec<usize> = Vec::with_capacity(fresh.len());
    for (n, &i) in fresh.iter().enumerate() {
        let ji = jobs[i];
        let mut wave = 0;
        if ji.routing.repeat_since.is_some() {
            for (m, &k) in fresh[..n].iter().enumerate() {
                if may_repeat(jobs[k], ji) {
                    wave = Ord::max(wave, level[m] + 1);
                }
            }
        }
        level.push(wave);
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); level.iter().max().map_or(0, |m| m + 1)];
    for (&i, &l) in fresh.iter().zip(&level) {
        out[l].push(i);
    }
    out
}

/// Whether `later` may be a repeat of `earlier`, by what [`repeats::find`] compares.
fn may_repeat(earlier: &IntakeJob, later: &IntakeJob) -> bool {
    let (e, l) = (&earlier.complaint, &later.complaint);
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    e.company_id == l.company_id
        && (same(&e.customer.phone, &l.customer.phone)
            || same(&e.customer.email, &l.customer.email)
            || same(&e.order_ref, &l.order_ref)
            || earlier
                .routing
                .fingerprint
                .zip(later.routing.fingerprint)
                .is_some_and(|(a, b)| cloop_nlp::near_dup::fingerprints_similar(a, b)))
}

/// For the routed intakes of `wave` that nearly repeat the text of one written in an earlier
/// wave (`written`: position and id), their near-duplicate list with those first (they are the
/// newest), then what the node found.
fn similar_in_batch(jobs: &[&IntakeJob], wave: &[usize], written: &[(usize, i64)]) -> HashMap<usize, Vec<i64>> {
    let mut out = HashMap::new();
    for &i in wave {
        let r = &jobs[i].routing;
        let (Some(_), Some(f)) = (r.repeat_since, r.fingerprint) else { continue };
        let mut ids: Vec<i64> = written
            .iter()
            .rev()
            .filter(|&&(k, _)| {
                jobs[k].complaint.company_id == jobs[i].complaint.company_id
                    && jobs[k].routing.fingerprint.is_some_and(|g| cloop_nlp::near_dup::fingerprints_similar(f, g))
            })
            .map(|&(_, id)| id)
            .collect();
        if !ids.is_empty() {
            ids.extend(r.similar.iter().filter(|id| !ids.contains(id)).copied().collect::<Vec<_>>());
            out.insert(i, ids);
        }
    }
    out
}

/// Steps 2–7 of [`write_intakes`] for one wave of the batch's fresh intakes; `batch_similar`
/// replaces the node's near-duplicate list where earlier waves add to it.
async fn write_wave(
    txn: &impl crate::conn::Conn,
    jobs: &[&IntakeJob],
    fresh: &[usize],
    batch_similar: &HashMap<usize, Vec<i64>>,
    by_key: &mut HashMap<String, IntakeReceipt>,
    receipts: &mut [Option<IntakeReceipt>],
) -> StoreResult<()> {
    // 2. Customers: found by phone, then email; missing ones created in one statement.
    let Customers { chosen: customers, alike, counts } = resolve_customers(txn, jobs, fresh).await?;

    // 2a. For the risk score: how many earlier complaints each customer has (on PostgreSQL kept
    // on the customer's row, read with it in step 2 and added to in step 4; on SQLite counted
    // from an index; earlier in this batch is counted as it is written).
    let mut prior = match counts {
        Some(counts) => counts,
        None if fresh.is_empty() => HashMap::new(),
        None => customer_counts(txn, fresh.iter().map(|i| customers[i].0.0)).await?,
    };
    crate::db::generic_plans_from_here(txn).await?;
    // 2b. Earlier complaints they repeat (routed intakes only): one look-up per customer and
    // order, the same statement every batch, so it keeps a generic plan on PostgreSQL.
    let probes: Vec<(usize, repeats::Probe<'_>)> = fresh
        .iter()
        .filter_map(|&i| {
            let (j, r) = (&jobs[i].complaint, &jobs[i].routing);
            let probe = repeats::Probe {
                company: j.company_id.0,
                customers: alike.get(&i).map_or(&[], Vec::as_slice),
                order: j.order_ref.as_deref(),
                since: r.repeat_since?,
                fingerprint: r.fingerprint,
                similar: batch_similar.get(&i).map_or(r.similar.as_slice(), Vec::as_slice),
            };
            Some((i, probe))
        })
        .collect();
    let mut repeat_links = repeats::find(txn, &probes).await?;

    // 3. Case numbers: one counter row per China day, bumped once per wave and day.
    let mut per_day: HashMap<chrono::NaiveDate, Vec<usize>> = HashMap::new();
    for &i in fresh {
        per_day.entry(case_no::case_day(jobs[i].now)).or_default().push(i);
    }
    let mut case_nos: HashMap<usize, String> = HashMap::new();
    for (day, idx) in per_day {
        let n = idx.len() as i64;
        let row = txn
            .query_one(
                &Query::insert()
                    .into_table("case_sequences")
                    .columns(["day", "last"])
                    .values_panic([day.to_string().into(), n.into()])
                    .on_conflict(
                        OnConflict::column("day")
                            .value("last", Expr::cust("case_sequences.last + excluded.last"))
                            .to_owned(),
                    )
                    .returning_col("last")
                    .to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound("case sequence"))?;
        let last: i64 = row.try_get("", "last")?;
        if last > i64::from(case_no::MAX_DAILY) {
            return Err(StoreError::Config(format!("more than {} complaints on {day}", case_no::MAX_DAILY)));
        }
        for (k, i) in idx.into_iter().enumerate() {
            let seq = (last - n + 1 + k as i64) as u32;
            case_nos.insert(i, case_no::format(&jobs[i].case_prefix, day, seq));
        }
    }

    // 4. The complaints, with their projections and risk scores.
    if !fresh.is_empty() {
        let mut drafts: Vec<(usize, Vec<Event>, Complaint, Option<cloop_domain::risk::Risk>)> =
            Vec::with_capacity(fresh.len());
        let columns: Vec<&'static str> = [
            "case_no",
            "company_id",
            "intake_unit_id",
            "intake_path",
            "customer_id",
            "channel",
            "tier",
            "received_at",
            "registered_at",
            "order_ref",
            "fingerprint",
        ]
        .into_iter()
        .chain(projection_columns())
        .collect();
        let mut complaint_rows: Vec<Vec<Value>> = Vec::with_capacity(fresh.len());
        for &i in fresh {
            let j = jobs[i];
            let (customer_id, tier) = customers[&i];
            let n = &j.complaint;
            let event = Event {
                seq: 1,
                at: chain::truncate_micros(j.now),
                actor: j.actor.clone(),
                body: EventBody::Registered {
                    case_no: case_nos[&i].clone(),
                    customer_id,
                    tier,
                    company_id: n.company_id,
                    intake_unit_id: n.intake_unit_id,
                    channel: n.channel,
                    summary: n.summary.clone(),
                    content: n.content.clone(),
                    customer_request: n.customer_request.clone(),
                    product_ref: n.product_ref.clone(),
                    order_ref: n.order_ref.clone(),
                    category_id: n.category_id,
                    severity: n.severity,
                    received_at: chain::truncate_micros(n.received_at),
                },
            };
            let mut c = Complaint::from_registered(ComplaintId(0), &event).expect("registered event");
            let r = &j.routing;
            let follow_ups = cloop_domain::routing::intake_events(
                &c,
                &repeat_links.remove(&i).unwrap_or_default(),
                r.decision.as_ref(),
                r.default_severity.unwrap_or(Severity::Level3),
            );
            let mut events = vec![event];
            for (k, body) in follow_ups.into_iter().enumerate() {
                let e = Event { seq: 2 + k as u32, at: c.registered_at, actor: ActorRef::System, body };
                c.apply(&e);
                events.push(e);
            }
            let dept_path = c.department_id.and(r.dept_path.as_deref());
            let earlier = prior.entry(customer_id.0).or_insert(0);
            let derived = Derived::compute(&c, &j.sla, *earlier, c.registered_at);
            *earlier += 1;
            let mut values: Vec<Value> = vec![
                c.case_no.clone().into(),
                c.company_id.0.into(),
                c.intake_unit_id.0.into(),
                j.intake_path.clone().into(),
                c.customer_id.0.into(),
                c.channel.code().into(),
                c.tier.code().into(),
                c.received_at.into(),
                c.registered_at.into(),
                c.order_ref.clone().into(),
                r.fingerprint.map(|f| f as i64).into(),
            ];
            values.extend(projection_values(&c, dept_path, &derived));
            complaint_rows.push(values);
            drafts.push((i, events, c, crate::sla::shown_risk(derived.risk)));
        }
        let ids: HashMap<String, i64> = chunks::insert(txn, "complaints", &columns, complaint_rows, &["id", "case_no"])
            .await?
            .into_iter()
            .map(|r| Ok((r.try_get::<String>("", "case_no")?, r.try_get::<i64>("", "id")?)))
            .collect::<StoreResult<_>>()?;
        // Their customers' complaint counts (PostgreSQL; read in 2a by the next wave and batch).
        let mut added: HashMap<i64, u32> = HashMap::new();
        for &i in fresh {
            *added.entry(customers[&i].0.0).or_default() += 1;
        }
        crate::sla::count_new_complaints(txn, &added).await?;

        // 5. Their first events, hash-chained from the genesis hash.
        let mut rows = Vec::with_capacity(drafts.len());
        let mut keys: Vec<Vec<Value>> = Vec::new();
        let mut search_rows = Vec::with_capacity(drafts.len());
        for (i, events, c, risk) in drafts {
            let id = ids[&c.case_no];
            let mut prev = GENESIS.to_owned();
            for event in &events {
                let row = EventRow::new(id, event, &prev);
                prev.clone_from(&row.hash);
                rows.push(row);
            }
            search_rows.push((id, jobs[i].search.row(&c.case_no)));
            let mut complaint = c.clone();
            complaint.id = ComplaintId(id);
            let receipt = IntakeReceipt {
                complaint_id: ComplaintId(id),
                case_no: c.case_no.clone(),
                customer_id: c.customer_id,
                created: true,
                complaint: Some(complaint),
                risk,
            };
            if let Some(k) = &jobs[i].idempotency_key {
                keys.push(vec![k.clone().into(), id.into(), c.case_no.clone().into(), jobs[i].now.into()]);
                by_key.insert(
                    k.clone(),
                    IntakeReceipt { created: false, complaint: None, risk: None, ..receipt.clone() },
                );
            }
            receipts[i] = Some(receipt);
        }
        insert_events(txn, &rows).await?;
        // 6. Idempotency keys, so a retried request finds its complaint.
        chunks::insert(txn, "idempotency_keys", &["key", "complaint_id", "case_no", "created_at"], keys, &[]).await?;
        // 7. Their full-text search rows, last (see `search::insert_rows`). On PostgreSQL the
        // writer hands the new ids to the terms indexer once they are committed (`writer::run`).
        search::insert_rows(txn, &search_rows).await?;
    }
    Ok(())
}

/// The customers with any of `phones` or `emails`, or `None` when both are empty; with their
/// complaint counts when `counted` (PostgreSQL keeps them on the row). An empty list is left out
/// of the condition rather than written as an always-false `IN ()`: SQLite cannot use the phone
/// index for `phone IN (…) OR 1 = 2` and scans every customer instead, once per batch.
fn customer_lookup(phones: Vec<String>, emails: Vec<String>, counted: bool) -> Option<SelectStatement> {
    let mut any = sea_orm::Condition::any();
    if !phones.is_empty() {
        any = any.add(Expr::col("phone").is_in(chunks::padded(phones)));
    }
    if !emails.is_empty() {
        any = any.add(Expr::col("email").is_in(chunks::padded(emails)));
    }
    let columns = if counted {
        &["id", "phone", "email", "tier", "complaint_count"][..]
    } else {
        &["id", "phone", "email", "tier"]
    };
    (!any.is_empty())
        .then(|| Query::select().columns(columns.iter().copied()).from("customers").cond_where(any).to_owned())
}

/// The customers of a batch's fresh intakes (by the intake's position in the batch).
struct Customers {
    /// The customer each complaint is filed under: found by phone, else by email, else created.
    chosen: HashMap<usize, (CustomerId, Tier)>,
    /// Every customer with the intake's phone or email (their complaints are repeats).
    alike: HashMap<usize, Vec<i64>>,
    /// On PostgreSQL, every customer's complaint count, read with the customer (a round trip
    /// fewer for the writer than reading it after); new customers have none.
    counts: Option<HashMap<i64, u32>>,
}

async fn resolve_customers(
    txn: &impl crate::conn::Conn,
    jobs: &[&IntakeJob],
    fresh: &[usize],
) -> StoreResult<Customers> {
    let phones: Vec<String> = fresh.iter().filter_map(|&i| jobs[i].complaint.customer.phone.clone()).collect();
    let emails: Vec<String> = fresh.iter().filter_map(|&i| jobs[i].complaint.customer.email.clone()).collect();
    let mut by_phone: HashMap<String, (CustomerId, Tier)> = HashMap::new();
    let mut by_email: HashMap<String, (CustomerId, Tier)> = HashMap::new();
    let counted = txn.backend() == sea_orm::DbBackend::Postgres;
    let mut counts: HashMap<i64, u32> = HashMap::new();
    let remember = |r: &crate::conn::Row,
                    by_phone: &mut HashMap<String, (CustomerId, Tier)>,
                    by_email: &mut HashMap<String, (CustomerId, Tier)>|
     -> StoreResult<()> {
        let id = CustomerId(r.try_get("", "id")?);
        let tier = Tier::from_code(&r.try_get::<String>("", "tier")?).unwrap_or(Tier::Normal);
        if let Some(p) = r.try_get::<Option<String>>("", "phone")? {
            by_phone.insert(p, (id, tier));
        }
        if let Some(e) = r.try_get::<Option<String>>("", "email")? {
            by_email.insert(e, (id, tier));
        }
        Ok(())
    };
    if let Some(lookup) = customer_lookup(phones, emails, counted) {
        for r in &txn.query_all(&lookup).await? {
            remember(r, &mut by_phone, &mut by_email)?;
            if counted {
                counts.insert(r.try_get("", "id")?, Ord::max(r.try_get::<i64>("", "complaint_count")?, 0) as u32);
            }
        }
    }
    let find = |c: &NewCustomer,
                by_phone: &HashMap<String, (CustomerId, Tier)>,
                by_email: &HashMap<String, (CustomerId, Tier)>| {
        c.phone
            .as_ref()
            .and_then(|p| by_phone.get(p))
            .or_else(|| c.email.as_ref().and_then(|e| by_email.get(e)))
            .copied()
    };
    // Create the missing ones (a customer new to us appearing twice in one batch is created once).
    let mut new_customers: Vec<Vec<Value>> = Vec::new();
    let mut pending_phone: HashMap<&str, ()> = HashMap::new();
    let mut pending_email: HashMap<&str, ()> = HashMap::new();
    for &i in fresh {
        let c = &jobs[i].complaint.customer;
        if find(c, &by_phone, &by_email).is_some() {
            continue;
        }
        let seen = c.phone.as_deref().is_some_and(|p| pending_phone.contains_key(p))
            || c.email.as_deref().is_some_and(|e| pending_email.contains_key(e));
        if seen {
            continue;
        }
        if let Some(p) = c.phone.as_deref() {
            pending_phone.insert(p, ());
        }
        // An email already used by another new customer in this batch stays with that one.
        let email = c.email.as_deref().filter(|e| !pending_email.contains_key(e));
        if let Some(e) = email {
            pending_email.insert(e, ());
        }
        let now = jobs[i].now;
        new_customers.push(vec![
            c.name.clone().into(),
            c.phone.clone().into(),
            email.map(str::to_owned).into(),
            Tier::Normal.code().into(),
            now.into(),
            now.into(),
        ]);
    }
    let columns = ["name", "phone", "email", "tier", "created_at", "updated_at"];
    for r in chunks::insert(txn, "customers", &columns, new_customers, &["id", "phone", "email", "tier"]).await? {
        remember(&r, &mut by_phone, &mut by_email)?;
    }
    let chosen = fresh
        .iter()
        .map(|&i| {
            find(&jobs[i].complaint.customer, &by_phone, &by_email)
                .map(|c| (i, c))
                .ok_or(StoreError::NotFound("customer"))
        })
        .collect::<StoreResult<_>>()?;
    let alike = fresh
        .iter()
        .map(|&i| {
            let c = &jobs[i].complaint.customer;
            let by_phone = c.phone.as_ref().and_then(|p| by_phone.get(p));
            let by_email = c.email.as_ref().and_then(|e| by_email.get(e));
            let mut ids: Vec<i64> = by_phone.into_iter().chain(by_email).map(|(id, _)| id.0).collect();
            ids.dedup();
            (i, ids)
        })
        .collect();
    Ok(Customers { chosen, alike, counts: counted.then_some(counts) })
}

async fn insert_events(txn: &impl crate::conn::Conn, rows: &[EventRow]) -> StoreResult<()> {
    let values = rows
        .iter()
        .map(|r| {
            vec![
                r.complaint_id.into(),
                r.seq.into(),
                r.at.into(),
                r.actor_kind.clone().into(),
                r.actor_id.into(),
                r.kind.clone().into(),
                serde_json::to_string(&r.payload).expect("JSON values serialize").into(),
                r.prev_hash.clone().into(),
                r.hash.clone().into(),
            ]
        })
        .collect();
    chunks::insert(txn, "complaint_events", &EVENT_COLUMNS[1..], values, &[]).await?;
    Ok(())
}

/// Writes decided changes; answers, per job, whether it lost a race (version moved on).
pub(crate) async fn write_appends(txn: &impl crate::conn::Conn, jobs: &[&AppendJob]) -> StoreResult<Vec<bool>> {
    let mut conflicts = Vec::with_capacity(jobs.len());
    let mut rows = Vec::new();
    for j in jobs {
        let mut update = Query::update();
        update.table("complaints");
        for (col, v) in projection_columns().zip(projection_values(&j.complaint, j.dept_path.as_deref(), &j.derived)) {
            update.value(col, v);
        }
        update
            .and_where(Expr::col("id").eq(j.complaint.id.0))
            .and_where(Expr::col("version").eq(i64::from(j.expected_version)));
        let lost = txn.execute(&update).await? == 0;
        if !lost {
            rows.extend(j.rows.iter().cloned());
            search::apply_change(txn, j.complaint.id.0, &j.search).await?;
        }
        conflicts.push(lost);
    }
    insert_events(txn, &rows).await?;
    Ok(conflicts)
}

/// A complaint loaded for a decision.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The projection.
    pub complaint: Complaint,
    /// Hash of its last event.
    pub last_hash: String,
    /// Path of the registering unit (data scope).
    pub intake_path: String,
    /// Path of the responsible department (data scope).
    pub dept_path: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct LoadRow {
    id: i64,
    doc: String,
    hash: String,
    intake_path: String,
    dept_path: Option<String>,
}

/// One row of a complaint list.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ComplaintListRow {
    /// Id.
    pub id: i64,
    /// Case number.
    pub case_no: String,
    /// State code.
    pub state: String,
    /// Severity 1–3.
    pub severity: Option<i64>,
    /// Category.
    pub category_id: Option<i64>,
    /// Category name.
    pub category_name: Option<String>,
    /// Channel code.
    pub channel: String,
    /// Summary.
    pub summary: String,
    /// Customer.
    pub customer_id: i64,
    /// Customer name (masked by the edge).
    pub customer_name: String,
    /// Customer tier.
    pub tier: String,
    /// Company.
    pub company_id: i64,
    /// Department.
    pub department_id: Option<i64>,
    /// Department name.
    pub department_name: Option<String>,
    /// Handler.
    pub handler_id: Option<i64>,
    /// Handler name.
    pub handler_name: Option<String>,
    /// Escalation level.
    pub escalation_level: i64,
    /// Transfers.
    pub transfer_count: i64,
    /// Role that must approve the pending remedy.
    pub approval_role: Option<String>,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// First-response due time.
    pub response_due_at: Option<DateTime<Utc>>,
    /// Resolution due time.
    pub resolution_due_at: Option<DateTime<Utc>>,
    /// The earliest due time of a running clock (none once both clocks stopped).
    pub due_at: Option<DateTime<Utc>>,
    /// When the earliest running clock reaches its first warning threshold.
    pub warn_at: Option<DateTime<Utc>>,
    /// Whether the due times were counted on a loaded calendar year.
    pub sla_confirmed: bool,
    /// Risk score 0–100.
    pub risk_score: i64,
    /// Risk colour.
    pub risk_level: Option<String>,
    /// Open level-1 complaint (top of every queue).
    pub pinned: bool,
    /// Intake routing's suggestion (JSON: department, category, score), for the triage queue.
    pub route_hint: Option<String>,
}

/// Filters of a complaint list; every one optional, all combined with AND.
#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    /// Any of these states.
    pub states: Vec<State>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Category (and its sub-categories).
    pub category_ids: Vec<CategoryId>,
    /// Department.
    pub department_id: Option<OrgUnitId>,
    /// Handler.
    pub handler_id: Option<UserId>,
    /// Only complaints without a department (triage).
    pub unassigned: bool,
    /// Channel.
    pub channel: Option<Channel>,
    /// Customer.
    pub customer_id: Option<CustomerId>,
    /// Pending approval by this role.
    pub approval_role: Option<String>,
    /// Received at or after.
    pub received_from: Option<DateTime<Utc>>,
    /// Received before.
    pub received_to: Option<DateTime<Utc>>,
    /// Full-text query over case number, summary, content, request, product, order and notes
    /// (see [`crate::search`]): every word must occur.
    pub text: Option<String>,
    /// A running clock due at or before this instant (the overdue queue, with now).
    pub due_before: Option<DateTime<Utc>>,
    /// Any of these risk colours.
    pub risk_levels: Vec<RiskLevel>,
    /// How intake routing fared with them (the routing page's figures, drilled into).
    pub routing: Option<RoutingFilter>,
}

/// Complaints behind one of the routing outcomes' numbers: who routed them, to which department,
/// by which rule, as which category, and what became of them. Only complaints that went through
/// routing match; every part given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutingFilter {
    /// Any of these (empty: any way of routing).
    pub by: Vec<cloop_domain::routing::RoutedBy>,
    /// The department routing chose or suggested (its name, the models' label).
    pub department: Option<String>,
    /// The keyword rule that chose the department.
    pub rule_id: Option<i64>,
    /// The category routing chose (its code).
    pub category: Option<String>,
    /// What became of them.
    pub result: Option<cloop_domain::routing_outcomes::RoutingResult>,
}

/// Sort keys of a complaint list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Newest received first by default.
    #[default]
    ReceivedAt,
    /// Last change.
    UpdatedAt,
    /// Severity.
    Severity,
    /// Case number.
    CaseNo,
    /// State.
    State,
    /// Earliest due time of a running clock.
    DueAt,
    /// Risk score.
    Risk,
    /// Full-text relevance, best first (newest received among equals); received time when the
    /// filter has no text.
    Relevance,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Rows matching in all (for a ranked search, at most [`search::RANK_WINDOW`]).
    pub total: u64,
    /// A ranked search stopped at [`search::RANK_WINDOW`] matches: more complaints match than
    /// `total` says (narrow the search, or sort by time to page through all).
    pub capped: bool,
    /// Page number from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

/// Number of locks that serialise commands per complaint within one process.
pub(crate) const COMMAND_LOCK_STRIPES: usize = 256;

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

impl Store {
    /// Takes a complaint in: finds or creates the customer, numbers the case and appends the
    /// `registered` event, all in the writer's next group commit. With an idempotency key, a
    /// repeated request answers with the first complaint and creates nothing.
    pub async fn intake(
        &self,
        complaint: NewComplaint,
        actor: ActorRef,
        idempotency_key: Option<String>,
        now: DateTime<Utc>,
    ) -> StoreResult<IntakeReceipt> {
        self.intake_routed(complaint, IntakeRouting::default(), actor, idempotency_key, now).await
    }

    /// [`Store::intake`] with what routing decided beforehand: repeat links, the `routed` event
    /// and, when confident, classification and assignment follow `registered` in the same commit.
    /// A retried idempotent request gets the first complaint as it was routed then.
    pub async fn intake_routed(
        &self,
        complaint: NewComplaint,
        routing: IntakeRouting,
        actor: ActorRef,
        idempotency_key: Option<String>,
        now: DateTime<Utc>,
    ) -> StoreResult<IntakeReceipt> {
        let intake_path = self.org_path(complaint.intake_unit_id).await?;
        let search = search::IntakeText::new(&complaint);
        self.writer
            .intake(IntakeJob {
                complaint,
                intake_path,
                actor,
                idempotency_key,
                now,
                case_prefix: self.config.case_prefix.clone(),
                sla: self.sla_config(),
                routing,
                search,
            })
            .await
    }

    /// Loads a complaint with the hash of its last event.
    pub async fn load(&self, id: ComplaintId) -> StoreResult<Loaded> {
        let row = LoadRow::find_by_statement(
            self.db.get_database_backend().build(
                Query::select()
                    .columns([("c", "id"), ("c", "doc"), ("c", "intake_path"), ("c", "dept_path")])
                    .column(("e", "hash"))
                    .from_as("complaints", "c")
                    .join_as(
                        JoinType::InnerJoin,
                        "complaint_events",
                        "e",
                        Expr::col(("e", "complaint_id"))
                            .equals(("c", "id"))
                            .and(Expr::col(("e", "seq")).equals(("c", "version"))),
                    )
                    .and_where(Expr::col(("c", "id")).eq(id.0)),
            ),
        )
        .one(&self.db)
        .await?
        .ok_or(StoreError::NotFound("complaint"))?;
        let mut complaint: Complaint = serde_json::from_str(&row.doc)
            .map_err(|e| StoreError::Config(format!("complaint {} projection unreadable: {e}", row.id)))?;
        complaint.id = ComplaintId(row.id);
        Ok(Loaded { complaint, last_hash: row.hash, intake_path: row.intake_path, dept_path: row.dept_path })
    }

    /// Finds a complaint id by case number.
    pub async fn id_by_case_no(&self, case_no: &str) -> StoreResult<ComplaintId> {
        let row = self
            .db
            .query_one(
                &Query::select().column("id").from("complaints").and_where(Expr::col("case_no").eq(case_no)).to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound("complaint"))?;
        Ok(ComplaintId(row.try_get("", "id")?))
    }

    /// Decides `cmd` on the complaint and appends the outcome. Loses no update: if another
    /// writer got there first, the command is decided again on the new state.
    pub async fn execute(
        &self,
        id: ComplaintId,
        cmd: &Command,
        who: Who<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Complaint> {
        self.execute_all(id, std::slice::from_ref(cmd), who, now).await
    }

    /// Decides `cmds` in turn, each on the complaint as the ones before it left it, and appends
    /// all their events in one commit: either every command takes effect or, when one is
    /// refused, none does. For a person's one step that is several commands (accepting
    /// routing's suggestion is a classification and an assignment), so a refusal of the second
    /// cannot leave the first done alone. Loses no update, as [`Store::execute`].
    pub async fn execute_all(
        &self,
        id: ComplaintId,
        cmds: &[Command],
        who: Who<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Complaint> {
        let authority = if cmds.iter().any(|c| matches!(c, Command::ProposeRemedy { .. })) {
            self.authority_matrix().await?
        } else {
            AuthorityMatrix::default()
        };
        // Commands on one complaint from this process take turns (striped locks), so they never
        // race each other for the version; a race with another node is retried with backoff.
        let _turn = self.command_locks[(id.0.rem_euclid(COMMAND_LOCK_STRIPES as i64)) as usize].lock().await;
        for attempt in 0..16u32 {
            if attempt > 0 {
                let jitter = u64::from(rand::random::<u8>() % 8);
                tokio::time::sleep(std::time::Duration::from_millis(u64::from(Ord::min(attempt, 6)) * 5 + jitter))
                    .await;
            }
            let loaded = self.load(id).await?;
            let ctx = Context { who, now, policy: &self.config.policy, authority: &authority };
            let mut next = loaded.complaint.clone();
            let mut prev = loaded.last_hash.clone();
            let mut events = Vec::new();
            let mut rows = Vec::new();
            for cmd in cmds {
                let bodies = cloop_domain::decide(&next, cmd, &ctx)?;
                for e in to_events(&next, bodies, &ctx) {
                    next.apply(&e);
                    let row = EventRow::new(id.0, &e, &prev);
                    prev.clone_from(&row.hash);
                    rows.push(row);
                    events.push(e);
                }
            }
            if rows.is_empty() {
                return Ok(next);
            }
            let dept_path = match next.department_id {
                Some(d) if Some(d) != loaded.complaint.department_id => Some(self.org_path(d).await?),
                Some(_) => loaded.dept_path.clone(),
                None => None,
            };
            let others = customer_counts(&self.db, std::iter::once(next.customer_id.0)).await?;
            let others = others.get(&next.customer_id.0).copied().unwrap_or(1).saturating_sub(1);
            let derived = Derived::compute(&next, &self.sla_config(), others, next.updated_at);
            let search = SearchChange::of(&loaded.complaint, &next, &events);
            let job = AppendJob {
                expected_version: loaded.complaint.version,
                complaint: next.clone(),
                dept_path,
                derived,
                rows,
                search,
            };
            match self.writer.append(job).await {
                Ok(()) => return Ok(next),
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict)
    }

    /// The events of one complaint, oldest first.
    pub async fn events(&self, id: ComplaintId) -> StoreResult<Vec<EventRow>> {
        let stmt = self.db.get_database_backend().build(
            Query::select()
                .columns(EVENT_COLUMNS)
                .from("complaint_events")
                .and_where(Expr::col("complaint_id").eq(id.0))
                .order_by("seq", Order::Asc),
        );
        EventDbRow::find_by_statement(stmt).all(&self.db).await?.into_iter().map(EventDbRow::into_row).collect()
    }

    /// Events in commit order, `after` an id, at most `limit` (for verification and export).
    pub async fn events_after(&self, after: i64, limit: u64) -> StoreResult<Vec<EventRow>> {
        let stmt = self.db.get_database_backend().build(
            Query::select()
                .columns(EVENT_COLUMNS)
                .from("complaint_events")
                .and_where(Expr::col("id").gt(after))
                .order_by("id", Order::Asc)
                .limit(limit),
        );
        EventDbRow::find_by_statement(stmt).all(&self.db).await?.into_iter().map(EventDbRow::into_row).collect()
    }

    /// A page of complaints within `scope`, filtered and sorted.
    pub async fn list_complaints(
        &self,
        scope: &Scope,
        filter: &ComplaintFilter,
        sort: SortKey,
        descending: bool,
        page: u64,
        per_page: u64,
    ) -> StoreResult<Page<ComplaintListRow>> {
        let page = Ord::max(page, 1);
        let per_page = per_page.clamp(1, 200);
        self.text_ready(filter).await;
        let backend = self.db.get_database_backend();
        let mut base = Query::select();
        base.from_as("complaints", "c");
        let query = apply_filter(&mut base, backend, scope, filter);
        if let (SortKey::Relevance, Some(query)) = (sort, &query)
            && !query.is_empty()
        {
            return self.ranked_page(base, query, page, per_page).await;
        }
        let total_row =
            self.db.query_one(&base.clone().expr_as(Expr::col(("c", "id")).count(), "n").to_owned()).await?;
        let total: i64 = total_row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);

        let mut q = base;
        list_columns(&mut q);
        let order = if descending { Order::Desc } else { Order::Asc };
        let col = match sort {
            SortKey::ReceivedAt | SortKey::Relevance => "received_at",
            SortKey::UpdatedAt => "updated_at",
            SortKey::Severity => "severity",
            SortKey::CaseNo => "case_no",
            SortKey::State => "state",
            SortKey::DueAt => "due_at",
            SortKey::Risk => "risk_score",
        };
        // Open level-1 complaints head every queue, whatever the sort (DESIGN §3).
        q.order_by(("c", "pinned"), Order::Desc)
            .order_by_with_nulls(("c", col), order.clone(), NullOrdering::Last)
            .order_by(("c", "id"), order)
            .limit(per_page)
            .offset((page - 1) * per_page);
        let items = ComplaintListRow::find_by_statement(self.db.get_database_backend().build(&q)).all(&self.db).await?;
        Ok(Page { items, total: Ord::max(total, 0) as u64, capped: false, page, per_page })
    }

    /// A page of full-text results ranked by relevance: the newest [`search::RANK_WINDOW`]
    /// matches (within scope and filters) are ranked, the rest are not looked at (see
    /// [`search::window`]). The index gives the ids and scores of the window; the page's rows
    /// are then read by id.
    async fn ranked_page(
        &self,
        base: SelectStatement,
        query: &SearchQuery,
        page: u64,
        per_page: u64,
    ) -> StoreResult<Page<ComplaintListRow>> {
        let mut ranked = search::window(&self.db, &self.search_densities, base, query).await?;
        let capped = ranked.len() as u64 > search::RANK_WINDOW;
        ranked.truncate(search::RANK_WINDOW as usize);
        // Best first; among equals the newest.
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        let ids: Vec<i64> =
            ranked.iter().skip(((page - 1) * per_page) as usize).take(per_page as usize).map(|(id, _)| *id).collect();
        let items = self.list_rows(&ids).await?;
        Ok(Page { items, total: ranked.len() as u64, capped, page, per_page })
    }

    /// The list rows of complaints `ids`, in that order (ids not found are left out).
    pub(crate) async fn list_rows(&self, ids: &[i64]) -> StoreResult<Vec<ComplaintListRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Query::select();
        q.from_as("complaints", "c").and_where(Expr::col(("c", "id")).is_in(ids.iter().copied()));
        list_columns(&mut q);
        let mut rows: HashMap<i64, ComplaintListRow> =
            ComplaintListRow::find_by_statement(self.db.get_database_backend().build(&q))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|r| (r.id, r))
                .collect();
        Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
    }

    /// Counts of complaints per state within `scope` (for queue badges and the dashboard).
    pub async fn count_by_state(&self, scope: &Scope) -> StoreResult<Vec<(String, i64)>> {
        let mut q = Query::select();
        q.from_as("complaints", "c");
        apply_filter(&mut q, self.db.get_database_backend(), scope, &ComplaintFilter::default());
        q.column(("c", "state")).expr_as(Expr::col(("c", "id")).count(), "n").group_by_col(("c", "state"));
        self.db.query_all(&q).await?.into_iter().map(|r| Ok((r.try_get("", "state")?, r.try_get("", "n")?))).collect()
    }

    /// Number of complaints in the database (all scopes).
    pub async fn complaint_count(&self) -> StoreResult<i64> {
        let row = self
            .db
            .query_one(&Query::select().expr_as(Expr::col("id").count(), "n").from("complaints").to_owned())
            .await?;
        Ok(row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0))
    }
}

/// The columns and joins of a [`ComplaintListRow`] (`c` = complaints).
impl Store {
    /// Before a text search: waits until the search terms of everything this node committed
    /// are indexed (PostgreSQL indexes them beside the writer, `writer::terms`).
    pub(crate) async fn text_ready(&self, filter: &ComplaintFilter) {
        if filter.text.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            self.writer.search_caught_up().await;
        }
    }
}

pub(crate) fn list_columns(q: &mut SelectStatement) {
    q.columns([
        ("c", "id"),
        ("c", "case_no"),
        ("c", "state"),
        ("c", "severity"),
        ("c", "category_id"),
        ("c", "channel"),
        ("c", "summary"),
        ("c", "customer_id"),
        ("c", "tier"),
        ("c", "company_id"),
        ("c", "department_id"),
        ("c", "handler_id"),
        ("c", "escalation_level"),
        ("c", "transfer_count"),
        ("c", "approval_role"),
        ("c", "received_at"),
        ("c", "updated_at"),
        ("c", "response_due_at"),
        ("c", "resolution_due_at"),
        ("c", "due_at"),
        ("c", "warn_at"),
        ("c", "sla_confirmed"),
        ("c", "risk_score"),
        ("c", "risk_level"),
        ("c", "pinned"),
        ("c", "route_hint"),
    ])
    .expr_as(Expr::col(("cat", "name")), "category_name")
    .expr_as(Expr::col(("cu", "name")), "customer_name")
    .expr_as(Expr::col(("d", "name")), "department_name")
    .expr_as(Expr::col(("u", "display_name")), "handler_name")
    .join_as(JoinType::LeftJoin, "categories", "cat", Expr::col(("cat", "id")).equals(("c", "category_id")))
    .join_as(JoinType::InnerJoin, "customers", "cu", Expr::col(("cu", "id")).equals(("c", "customer_id")))
    .join_as(JoinType::LeftJoin, "org_units", "d", Expr::col(("d", "id")).equals(("c", "department_id")))
    .join_as(JoinType::LeftJoin, "users", "u", Expr::col(("u", "id")).equals(("c", "handler_id")));
}

/// Adds the scope and the filters to a complaint query (`c` = complaints); answers the parsed
/// full-text query when the filter has text.
pub(crate) fn apply_filter(
    q: &mut SelectStatement,
    backend: DbBackend,
    scope: &Scope,
    f: &ComplaintFilter,
) -> Option<SearchQuery> {
    if let Scope::Under(path) = scope {
        let like = format!("{}%", escape_like(path));
        q.cond_where(
            sea_orm::Condition::any()
                .add(Expr::col(("c", "intake_path")).like(LikeExpr::new(like.clone()).escape('\\')))
                .add(Expr::col(("c", "dept_path")).like(LikeExpr::new(like).escape('\\'))),
        );
    }
    if !f.states.is_empty() {
        q.and_where(Expr::col(("c", "state")).is_in(f.states.iter().map(|s| s.code())));
    }
    if let Some(s) = f.severity {
        q.and_where(Expr::col(("c", "severity")).eq(i64::from(s.level())));
    }
    if !f.category_ids.is_empty() {
        q.and_where(Expr::col(("c", "category_id")).is_in(f.category_ids.iter().map(|c| c.0)));
    }
    if let Some(d) = f.department_id {
        q.and_where(Expr::col(("c", "department_id")).eq(d.0));
    }
    if let Some(h) = f.handler_id {
        q.and_where(Expr::col(("c", "handler_id")).eq(h.0));
    }
    if f.unassigned {
        q.and_where(Expr::col(("c", "department_id")).is_null());
    }
    if let Some(ch) = f.channel {
        q.and_where(Expr::col(("c", "channel")).eq(ch.code()));
    }
    if let Some(cu) = f.customer_id {
        q.and_where(Expr::col(("c", "customer_id")).eq(cu.0));
    }
    if let Some(role) = &f.approval_role {
        q.and_where(Expr::col(("c", "approval_role")).eq(role.clone()));
    }
    if let Some(from) = f.received_from {
        q.and_where(Expr::col(("c", "received_at")).gte(from));
    }
    if let Some(to) = f.received_to {
        q.and_where(Expr::col(("c", "received_at")).lt(to));
    }
    if let Some(before) = f.due_before {
        q.and_where(Expr::col(("c", "due_at")).lte(before));
    }
    if !f.risk_levels.is_empty() {
        q.and_where(Expr::col(("c", "risk_level")).is_in(f.risk_levels.iter().map(|l| l.code())));
    }
    if let Some(r) = &f.routing {
        apply_routing_filter(q, r);
    }
    search::apply_text(q, backend, f)
}

/// The routing outcomes' definitions as conditions ([`cloop_domain::routing_outcomes`]): kept
/// and moved compare the department routing named with the name of the one the complaint is in
/// now, reclassified the category's code, as the figures' grouped counts do.
fn apply_routing_filter(q: &mut SelectStatement, r: &RoutingFilter) {
    use cloop_domain::routing_outcomes::RoutingResult;
    q.and_where(Expr::col(("c", "routed_by")).is_not_null());
    if !r.by.is_empty() {
        q.and_where(Expr::col(("c", "routed_by")).is_in(r.by.iter().map(|b| b.code())));
    }
    if let Some(d) = &r.department {
        q.and_where(Expr::col(("c", "routed_department")).eq(d.clone()));
    }
    if let Some(rule) = r.rule_id {
        q.and_where(Expr::col(("c", "routed_rule_id")).eq(rule));
    }
    if let Some(code) = &r.category {
        q.and_where(Expr::col(("c", "routed_category")).eq(code.clone()));
    }
    // The departments named as routing named it (or not): `o.name = c.routed_department`.
    let departments_named = |same: bool| {
        let name = Expr::col(("o", "name"));
        let routed = ("c", "routed_department");
        Query::select()
            .column(("o", "id"))
            .from_as("org_units", "o")
            .and_where(if same { name.equals(routed) } else { name.not_equals(routed) })
            .to_owned()
    };
    match r.result {
        None => {}
        Some(RoutingResult::Kept) => {
            q.and_where(Expr::col(("c", "department_id")).in_subquery(departments_named(true)));
        }
        Some(RoutingResult::Moved) => {
            q.and_where(Expr::col(("c", "department_id")).in_subquery(departments_named(false)));
        }
        Some(RoutingResult::Misrouted) => {
            q.and_where(Expr::col(("c", "misrouted")).eq(true));
        }
        Some(RoutingResult::Reclassified) => {
            let other_categories = Query::select()
                .column(("x", "id"))
                .from_as("categories", "x")
                .and_where(Expr::col(("x", "code")).not_equals(("c", "routed_category")))
                .to_owned();
            q.and_where(Expr::col(("c", "category_id")).in_subquery(other_categories));
        }
        Some(RoutingResult::Waiting) => {
            q.and_where(Expr::col(("c", "department_id")).is_null());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(company: i64, phone: &str, order: &str, fingerprint: u64, routed: bool) -> IntakeJob {
        let now = Utc::now();
        let complaint = NewComplaint {
            customer: NewCustomer { name: "王".into(), phone: Some(phone.into()), email: None },
            channel: Channel::Phone,
            summary: "s".into(),
            content: "c".into(),
            customer_request: None,
            product_ref: None,
            order_ref: Some(order.into()),
            category_id: None,
            severity: None,
            received_at: now,
            company_id: OrgUnitId(company),
            intake_unit_id: OrgUnitId(company),
        };
        IntakeJob {
            search: search::IntakeText::new(&complaint),
            complaint,
            intake_path: "/1/".into(),
            actor: ActorRef::System,
            idempotency_key: None,
            now,
            case_prefix: "TS".into(),
            sla: Default::default(),
            routing: IntakeRouting {
                repeat_since: routed.then_some(now),
                fingerprint: Some(fingerprint),
                similar: vec![900],
                ..Default::default()
            },
        }
    }

    /// A routed intake goes after every earlier one of its batch it may repeat (same company and
    /// phone, order or nearly the same text), in as few waves as that allows; unrouted intakes and
    /// other companies' stay in the first.
    #[test]
    fn a_batch_is_written_in_waves_that_put_each_repeat_after_what_it_repeats() {
        // Fingerprints at least 32 bits apart, so only equal ones are near-duplicates.
        let (t0, t1, t2, t4) =
            (0x0000_0000_FFFF_FFFF, 0xAAAA_AAAA_AAAA_AAAA, 0xFFFF_FFFF_0000_0000, 0x5555_5555_5555_5555);
        let jobs = [
            job(1, "A", "o1", t0, true),  // 0
            job(1, "A", "o2", t1, true),  // 1: the phone of 0
            job(1, "B", "o2", t2, true),  // 2: the order of 1
            job(2, "A", "o1", t0, true),  // 3: another company's
            job(1, "A", "o9", t4, false), // 4: not routed
            job(1, "C", "o3", t0, true),  // 5: the text of 0
            job(1, "D", "o4", t1, true),  // 6: the text of 1
        ];
        let refs: Vec<&IntakeJob> = jobs.iter().collect();
        let fresh: Vec<usize> = (0..jobs.len()).collect();
        assert_eq!(waves(&refs, &fresh), vec![vec![0, 3, 4], vec![1, 5], vec![2, 6]]);
        assert_eq!(waves(&refs, &[0, 3, 4]), vec![vec![0, 3, 4]], "no repeats: one wave");
        assert!(waves(&refs, &[]).is_empty());

        // Written 0 (id 10) and 1 (id 11): 5 nearly repeats 0's text, 6 repeats 1's; the batch's
        // own come first, then what the node found; 2 shares no text and keeps the node's list.
        let found = similar_in_batch(&refs, &[2, 5, 6], &[(0, 10), (1, 11)]);
        assert_eq!(found.get(&5), Some(&vec![10, 900]));
        assert_eq!(found.get(&6), Some(&vec![11, 900]));
        assert_eq!(found.get(&2), None);
    }

    /// The intake batch finds its customers through the phone and email indexes, whichever of
    /// the two lists is empty: a scan here reads every customer once per batch.
    #[tokio::test]
    async fn customer_lookup_uses_the_indexes() {
        let sqlite = crate::plan_tests::temp_sqlite("customer-lookup").await;
        let store = &sqlite.store;
        let phones = || vec!["13800000001".to_owned(), "13800000002".to_owned(), "13800000003".to_owned()];
        let emails = || vec!["a@example.com".to_owned()];
        for (what, phones, emails) in
            [("phones", phones(), Vec::new()), ("emails", Vec::new(), emails()), ("both", phones(), emails())]
        {
            let query = customer_lookup(phones.clone(), emails.clone(), false).expect("a lookup");
            let plan = store.explain(&query).await.unwrap();
            assert!(
                plan.iter().all(|step| !step.starts_with("SCAN customers")),
                "{what}: the customers are scanned: {plan:?}"
            );
            assert!(plan.iter().any(|step| step.contains("USING INDEX")), "{what}: no index in {plan:?}");
            // PostgreSQL's lookup, with the complaint counts it reads along.
            let counted = customer_lookup(phones, emails, true).expect("a lookup");
            if let Some(plan) = crate::plan_tests::postgres_plan(&counted).await {
                assert!(plan.iter().all(|step| !step.contains("Seq Scan")), "{what}: {plan:?}");
                assert!(
                    plan.iter()
                        .any(|step| step.contains("customers_phone_key") || step.contains("customers_email_key")),
                    "{what}: {plan:?}"
                );
            }
        }
        assert!(customer_lookup(Vec::new(), Vec::new(), true).is_none());
    }
}
