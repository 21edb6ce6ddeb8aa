//! Repeat detection on intake (DESIGN §4), done by the group-commit writer for its whole batch:
//! earlier complaints of the same customer (by phone or email) or the same order within the
//! window, and the near-duplicates the node found in its memory, become `repeat_linked` events in
//! the same commit as `registered`.
//!
//! Why the writer and not the request: looked up per request, the three look-ups (customers,
//! their complaints, the order's complaints) were a round trip each to the read pool, about
//! 120 µs of CPU per intake on SQLite plus the thread hand-offs, more than the writer's share of
//! the whole complaint. Batched, they are two `IN (…)` queries per commit on the writer's own
//! connection, and the writer already knows the customers (it finds or creates them).

use crate::chunks;
use crate::conn::Conn;
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use cloop_domain::{ComplaintId, RepeatLink, RepeatReason};
use cloop_nlp::near_dup;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Most repeat links one intake makes (the newest matches).
pub const MAX_REPEAT_LINKS: usize = 3;

/// At most this many earlier complaints per customer or order are compared (the newest).
const CANDIDATES_PER_KEY: u64 = 50;

/// What one intake of the batch looks for.
#[derive(Debug)]
pub(crate) struct Probe<'a> {
    /// The intake's company: repeats are looked for within it.
    pub company: i64,
    /// Customers with the intake's phone or email.
    pub customers: &'a [i64],
    /// The intake's order number.
    pub order: Option<&'a str>,
    /// Earlier complaints received before this moment are not compared.
    pub since: DateTime<Utc>,
    /// SimHash of the intake's text.
    pub fingerprint: Option<u64>,
    /// Earlier complaints with nearly the same text, found by the node (newest first).
    pub similar: &'a [i64],
}

/// An earlier complaint that may be the same matter as a new one.
#[derive(Debug, Clone)]
struct Candidate {
    id: i64,
    case_no: String,
    company_id: i64,
    customer_id: i64,
    order_ref: Option<String>,
    fingerprint: Option<u64>,
    received_at: DateTime<Utc>,
}

/// One intake's links being gathered: newest complaint first, with its case number (empty until
/// read) and the reasons.
type Links = BTreeMap<std::cmp::Reverse<i64>, (String, Vec<RepeatReason>)>;

/// The repeat links of every probe, by the probe's key.
pub(crate) async fn find<K: Copy + Eq + std::hash::Hash>(
    txn: &impl Conn,
    probes: &[(K, Probe<'_>)],
) -> StoreResult<HashMap<K, Vec<RepeatLink>>> {
    let Some(since) = probes.iter().map(|(_, p)| p.since).min() else { return Ok(HashMap::new()) };
    let customers: HashSet<i64> = probes.iter().flat_map(|(_, p)| p.customers.iter().copied()).collect();
    let orders: HashSet<&str> = probes.iter().filter_map(|(_, p)| p.order).collect();
    let by_customer = candidates(txn, "customer_id", customers.into_iter().map(Into::into).collect(), since).await?;
    let by_order =
        candidates(txn, "order_ref", orders.into_iter().map(|o| o.to_owned().into()).collect(), since).await?;

    let mut found: Vec<(K, Links)> = Vec::new();
    let mut unseen: HashSet<i64> = HashSet::new();
    for (key, p) in probes {
        let mut links = BTreeMap::new();
        let mine = |c: &&Candidate| c.company_id == p.company && c.received_at >= p.since;
        let same_customer = by_customer.iter().filter(mine).filter(|c| p.customers.contains(&c.customer_id));
        let same_order =
            by_order.iter().filter(mine).filter(|c| p.order.is_some() && c.order_ref.as_deref() == p.order);
        // The newest per key, as a per-intake look-up with a LIMIT would have compared.
        for c in same_customer.take(CANDIDATES_PER_KEY as usize).chain(same_order.take(CANDIDATES_PER_KEY as usize)) {
            let mut reasons = Vec::new();
            if p.customers.contains(&c.customer_id) {
                reasons.push(RepeatReason::SameCustomer);
            }
            if p.order.is_some() && c.order_ref.as_deref() == p.order {
                reasons.push(RepeatReason::SameOrder);
            }
            if p.similar.contains(&c.id)
                || c.fingerprint.zip(p.fingerprint).is_some_and(|(a, b)| near_dup::fingerprints_similar(a, b))
            {
                reasons.push(RepeatReason::SimilarText);
            }
            links.insert(std::cmp::Reverse(c.id), (c.case_no.clone(), reasons));
        }
        for &id in p.similar {
            if let Entry::Vacant(v) = links.entry(std::cmp::Reverse(id)) {
                unseen.insert(id);
                v.insert((String::new(), vec![RepeatReason::SimilarText]));
            }
        }
        found.push((*key, links));
    }

    // Case numbers only for the few similar ones found by text alone.
    let case_nos = case_nos(txn, unseen.into_iter().collect()).await?;
    Ok(found
        .into_iter()
        .map(|(key, links)| {
            let links = links
                .into_iter()
                .filter_map(|(id, (case_no, mut reasons))| {
                    let case_no = if case_no.is_empty() { case_nos.get(&id.0)?.clone() } else { case_no };
                    reasons.sort();
                    Some(RepeatLink { complaint_id: ComplaintId(id.0), case_no, reasons })
                })
                .take(MAX_REPEAT_LINKS)
                .collect();
            (key, links)
        })
        .collect())
}

/// Complaints whose `column` is one of `keys`, received since `since`, newest first; each key
/// uses its (column, received_at) index.
async fn candidates(
    txn: &impl Conn,
    column: &'static str,
    keys: Vec<sea_orm::Value>,
    since: DateTime<Utc>,
) -> StoreResult<Vec<Candidate>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let limit = CANDIDATES_PER_KEY * keys.len() as u64;
    let cond = Expr::col(column).is_in(chunks::padded(keys));
    let q = Query::select()
        .columns(["id", "case_no", "company_id", "customer_id", "order_ref", "fingerprint", "received_at"])
        .from("complaints")
        .and_where(cond)
        .and_where(Expr::col("received_at").gte(since))
        .order_by("received_at", Order::Desc)
        .order_by("id", Order::Desc)
        .limit(limit)
        .to_owned();
    txn.query_all(&q)
        .await?
        .iter()
        .map(|r| {
            Ok(Candidate {
                id: r.try_get("", "id")?,
                case_no: r.try_get("", "case_no")?,
                company_id: r.try_get("", "company_id")?,
                customer_id: r.try_get("", "customer_id")?,
                order_ref: r.try_get("", "order_ref")?,
                fingerprint: r.try_get::<Option<i64>>("", "fingerprint")?.map(|f| f as u64),
                received_at: r.try_get("", "received_at")?,
            })
        })
        .collect()
}

async fn case_nos(txn: &impl Conn, ids: Vec<i64>) -> StoreResult<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = Query::select()
        .columns(["id", "case_no"])
        .from("complaints")
        .and_where(Expr::col("id").is_in(chunks::padded(ids)))
        .to_owned();
    txn.query_all(&q)
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<i64>("", "id")?, r.try_get::<String>("", "case_no")?)))
        .collect()
}
