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
use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Order, Query, UnionType};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Most repeat links one intake makes (the newest matches), and so also the most earlier
/// complaints read per customer or order: the newest of each are the only ones that can be linked.
pub const MAX_REPEAT_LINKS: usize = 3;

/// Most look-ups in one statement (SQLite refuses a compound `SELECT` of more than 500 parts,
/// and a writer's batch of 256 intakes can name twice as many customers).
const MAX_ARMS: usize = 64;

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
    customer_id: i64,
    order_ref: Option<String>,
    fingerprint: Option<u64>,
    received_at: DateTime<Utc>,
}

/// One link being gathered: the earlier complaint, its case number and received time (unknown
/// until read for one found by text alone), and the reasons.
struct Gathered {
    id: i64,
    case_no: Option<String>,
    received_at: Option<DateTime<Utc>>,
    reasons: Vec<RepeatReason>,
}

/// The repeat links of every probe, by the probe's key: the newest earlier complaints (by
/// received time) of the same company within the probe's window.
pub(crate) async fn find<K: Copy + Eq + std::hash::Hash>(
    txn: &impl Conn,
    probes: &[(K, Probe<'_>)],
) -> StoreResult<HashMap<K, Vec<RepeatLink>>> {
    if probes.is_empty() {
        return Ok(HashMap::new());
    }
    // Each customer and order once per company, from the earliest moment any probe needs.
    let mut customers: BTreeMap<(i64, i64), DateTime<Utc>> = BTreeMap::new();
    let mut orders: BTreeMap<(&str, i64), DateTime<Utc>> = BTreeMap::new();
    for (_, p) in probes {
        for &c in p.customers {
            customers.entry((c, p.company)).and_modify(|t| *t = Ord::min(*t, p.since)).or_insert(p.since);
        }
        if let Some(o) = p.order {
            orders.entry((o, p.company)).and_modify(|t| *t = Ord::min(*t, p.since)).or_insert(p.since);
        }
    }
    let by_customer =
        newest(txn, "customer_id", customers.into_iter().map(|((c, co), t)| (c.into(), co, t)).collect()).await?;
    let by_order =
        newest(txn, "order_ref", orders.into_iter().map(|((o, co), t)| (o.to_owned().into(), co, t)).collect()).await?;

    let mut found: Vec<(K, Vec<Gathered>)> = Vec::new();
    let mut unseen: HashSet<i64> = HashSet::new();
    for (key, p) in probes {
        let mut links: BTreeMap<i64, Gathered> = BTreeMap::new();
        let in_window = |c: &&(i64, Candidate)| c.0 == p.company && c.1.received_at >= p.since;
        let same_customer = by_customer.iter().filter(in_window).filter(|c| p.customers.contains(&c.1.customer_id));
        let same_order =
            by_order.iter().filter(in_window).filter(|c| p.order.is_some() && c.1.order_ref.as_deref() == p.order);
        for (_, c) in same_customer.chain(same_order) {
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
            let gathered =
                Gathered { id: c.id, case_no: Some(c.case_no.clone()), received_at: Some(c.received_at), reasons };
            links.insert(c.id, gathered);
        }
        for &id in p.similar {
            if let Entry::Vacant(v) = links.entry(id) {
                unseen.insert(id);
                v.insert(Gathered { id, case_no: None, received_at: None, reasons: vec![RepeatReason::SimilarText] });
            }
        }
        found.push((*key, links.into_values().collect()));
    }

    // Case numbers and times only for the few similar ones found by text alone.
    let known = case_nos(txn, unseen.into_iter().collect()).await?;
    Ok(found
        .into_iter()
        .map(|(key, gathered)| {
            let mut links: Vec<(DateTime<Utc>, RepeatLink)> = gathered
                .into_iter()
                .filter_map(|mut g| {
                    let (case_no, received_at) = match (g.case_no, g.received_at) {
                        (Some(n), Some(t)) => (n, t),
                        _ => known.get(&g.id)?.clone(),
                    };
                    g.reasons.sort();
                    Some((received_at, RepeatLink { complaint_id: ComplaintId(g.id), case_no, reasons: g.reasons }))
                })
                .collect();
            links.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.complaint_id.0.cmp(&a.1.complaint_id.0)));
            (key, links.into_iter().take(MAX_REPEAT_LINKS).map(|(_, l)| l).collect())
        })
        .collect())
}

/// For each `(key, company, since)`, the company's newest [`MAX_REPEAT_LINKS`] complaints whose
/// `column` is `key`, received since `since`, with the company they were read for.
///
/// One statement of one small ordered, limited look-up per key, each an index range read of a
/// few rows. Reading every complaint of the batch's customers in the window (an `IN (…)` list)
/// made each batch read more rows the longer a customer had been complaining: routed intake fell
/// by a quarter within a 20 s benchmark run (BENCHMARKS.md, "The writer, tenth pass").
/// Statements take up to [`MAX_ARMS`] look-ups, padded to a power of two with copies of the
/// last, so that a few statement texts stay prepared; the copies' rows are dropped.
async fn newest(
    txn: &impl Conn,
    column: &'static str,
    keys: Vec<(sea_orm::Value, i64, DateTime<Utc>)>,
) -> StoreResult<Vec<(i64, Candidate)>> {
    let mut out = Vec::new();
    for chunk in keys.chunks(MAX_ARMS) {
        let Some(last) = chunk.last().cloned() else { continue };
        let mut padded = chunk.to_vec();
        padded.resize(chunk.len().next_power_of_two(), last);
        let Some(stmt) = look_ups_stmt(txn.backend(), column, padded) else { continue };
        for r in txn.query_stmt(stmt).await? {
            let arm = usize::try_from(r.try_get::<i64>("", "arm")?).unwrap_or(usize::MAX);
            let Some(&(_, company, _)) = chunk.get(arm) else { continue }; // a padding copy
            out.push((
                company,
                Candidate {
                    id: r.try_get("", "id")?,
                    case_no: r.try_get("", "case_no")?,
                    customer_id: r.try_get("", "customer_id")?,
                    order_ref: r.try_get("", "order_ref")?,
                    fingerprint: r.try_get::<Option<i64>>("", "fingerprint")?.map(|f| f as u64),
                    received_at: r.try_get("", "received_at")?,
                },
            ));
        }
    }
    Ok(out)
}

/// The statement of [`newest`]: for each `(key, company, since)`, one ordered and limited
/// look-up, tagged with its position as `arm`, all in one `UNION ALL`.
fn look_ups(
    column: &'static str,
    keys: Vec<(sea_orm::Value, i64, DateTime<Utc>)>,
) -> Option<sea_orm::sea_query::SelectStatement> {
    let mut union: Option<sea_orm::sea_query::SelectStatement> = None;
    for (i, (key, company, since)) in keys.into_iter().enumerate() {
        let look_up = Query::select()
            .expr_as(Expr::val(i as i64), "arm")
            .columns(["id", "case_no", "customer_id", "order_ref", "fingerprint", "received_at"])
            .from("complaints")
            .and_where(Expr::col(column).eq(key))
            // `+ 0` keeps the planner off `complaints_company_received`: PostgreSQL, with the
            // statistics of a young table, took it for the smaller range and read the whole
            // company's window to find a customer's three (BENCHMARKS.md, "The writer, tenth pass").
            .and_where(Expr::col("company_id").add(0).eq(company))
            .and_where(Expr::col("received_at").gte(since))
            .order_by("received_at", Order::Desc)
            .order_by("id", Order::Desc)
            .limit(MAX_REPEAT_LINKS as u64)
            .to_owned();
        let arm = Query::select().column(Asterisk).from_subquery(look_up, format!("k{i}")).to_owned();
        match union.as_mut() {
            None => union = Some(arm),
            Some(u) => {
                u.union(UnionType::All, arm);
            }
        }
    }
    union
}

/// The look-ups of [`newest`] as a statement to run: its text made once per column, arm count
/// and dialect, and the values bound in the order that text takes them. Building the union with
/// sea-query for every batch was a quarter of what reading the repeats cost the writer.
///
/// On SQLite the text is [`look_ups`]' `UNION ALL`. On PostgreSQL it is [`lateral_look_ups`]:
/// the writer's look-ups are planned for every batch (`db::connect_writer`), and a union of 32
/// arms took 3.5 ms to plan, one plan per arm, against 0.15 ms for the one subquery of the
/// lateral join; on routed intake the planner was two fifths of the writer's backend
/// (BENCHMARKS.md, "The writer, thirteenth pass").
fn look_ups_stmt(
    backend: sea_orm::DbBackend,
    column: &'static str,
    keys: Vec<(sea_orm::Value, i64, DateTime<Utc>)>,
) -> Option<sea_orm::Statement> {
    let first = keys.first()?.clone();
    let n = keys.len();
    if backend == sea_orm::DbBackend::Postgres {
        let sql = chunks::kept_text(format!("repeats {backend:?} {column} {n}"), || lateral_look_ups(column, n));
        let values: Vec<sea_orm::Value> =
            keys.into_iter().flat_map(|(key, company, since)| [key, company.into(), since.into()]).collect();
        return Some(sea_orm::Statement::from_sql_and_values(backend, sql.as_ref(), values));
    }
    let sql = chunks::kept_text(format!("repeats {backend:?} {column} {n}"), || {
        let sample = look_ups(column, vec![first; n]).expect("one look-up at least");
        sea_orm::StatementBuilder::build(&sample, &backend).sql
    });
    Some(sea_orm::Statement::from_sql_and_values(backend, sql.as_ref(), look_up_values(keys)))
}

/// [`look_ups`] for PostgreSQL, for `n` keys: a `VALUES` list of `(arm, key, company, since)`
/// joined laterally to one ordered, limited look-up. It binds per arm the key, the company and
/// the window's start. The `+ 0` is there for the reason given in [`look_ups`].
fn lateral_look_ups(column: &'static str, n: usize) -> String {
    let key_type = if column == "order_ref" { "text" } else { "bigint" };
    let rows: Vec<String> = (0..n)
        .map(|i| {
            format!("({i}::bigint, ${}::{key_type}, ${}::bigint, ${}::timestamptz)", 3 * i + 1, 3 * i + 2, 3 * i + 3)
        })
        .collect();
    format!(
        "SELECT k.arm, c.id, c.case_no, c.customer_id, c.order_ref, c.fingerprint, c.received_at \
         FROM (VALUES {rows}) AS k(arm, key, company, since) \
         CROSS JOIN LATERAL (SELECT id, case_no, customer_id, order_ref, fingerprint, received_at \
         FROM complaints WHERE \"{column}\" = k.key AND company_id + 0 = k.company AND received_at >= k.since \
         ORDER BY received_at DESC, id DESC LIMIT {MAX_REPEAT_LINKS}) AS c",
        rows = rows.join(", "),
    )
}

/// The values of [`look_ups`] in the order its text binds them: per arm its number, the key,
/// the `+ 0`, the company, the window's start and the limit.
fn look_up_values(keys: Vec<(sea_orm::Value, i64, DateTime<Utc>)>) -> Vec<sea_orm::Value> {
    let mut values = Vec::with_capacity(keys.len() * 6);
    for (i, (key, company, since)) in keys.into_iter().enumerate() {
        values.extend([
            (i as i64).into(),
            key,
            0_i32.into(),
            company.into(),
            since.into(),
            (MAX_REPEAT_LINKS as u64).into(),
        ]);
    }
    values
}

/// Case numbers and received times of `ids`.
async fn case_nos(txn: &impl Conn, ids: Vec<i64>) -> StoreResult<HashMap<i64, (String, DateTime<Utc>)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = Query::select()
        .columns(["id", "case_no", "received_at"])
        .from("complaints")
        .and_where(Expr::col("id").is_in(chunks::padded(ids)))
        .to_owned();
    txn.query_all(&q)
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<i64>("", "id")?, (r.try_get("", "case_no")?, r.try_get("", "received_at")?))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan_tests::{postgres_plan_of, temp_sqlite};

    /// Each look-up reads its key's own index range; a plan through the company's index reads
    /// the company's whole window instead. Checked on SQLite and, when the CI database is given,
    /// on PostgreSQL, each with the statement the writer runs there.
    #[tokio::test]
    async fn each_look_up_uses_its_keys_index() {
        let sqlite = temp_sqlite("repeat-plan").await;
        let since = Utc::now();
        let cases = [
            ("customer_id", vec![(7_i64.into(), 1, since), (8_i64.into(), 2, since)], "complaints_customer_received"),
            ("order_ref", vec![("O-1".to_owned().into(), 1, since)], "complaints_order_ref"),
        ];
        for (column, keys, index) in cases {
            let sqlite_plan = sqlite.store.explain(&look_ups(column, keys.clone()).unwrap()).await.unwrap();
            let postgres = look_ups_stmt(sea_orm::DbBackend::Postgres, column, keys).unwrap();
            for (db, plan) in [("SQLite", Some(sqlite_plan)), ("PostgreSQL", postgres_plan_of(postgres).await)] {
                let Some(plan) = plan else { continue };
                assert!(plan.iter().all(|step| !step.contains("company_received")), "{db} {column}: {plan:?}");
                assert!(plan.iter().any(|step| step.contains(index)), "{db} {column}: {plan:?}");
                // SQLite answers from the index alone (migration 0015): no visit to the table's
                // rows, which were most of the look-up's time once the file outgrew the cache.
                if db == "SQLite" {
                    let covering = format!("COVERING INDEX {index}");
                    assert!(plan.iter().any(|step| step.contains(&covering)), "{db} {column}: {plan:?}");
                }
                // In the look-up's order straight from the index, so it stops at the third row
                // instead of reading and sorting every complaint of the key in the window.
                assert!(
                    plan.iter().all(|step| !step.contains("Sort") && !step.contains("TEMP B-TREE")),
                    "{db} {column}: {plan:?}"
                );
            }
        }
        // SQLite's kept text and its values are what sea-query builds.
        let keys = vec![(7_i64.into(), 1, since), (8_i64.into(), 2, since - chrono::Duration::days(1))];
        let backend = sea_orm::DbBackend::Sqlite;
        let built = sea_orm::StatementBuilder::build(&look_ups("customer_id", keys.clone()).unwrap(), &backend);
        let kept = look_ups_stmt(backend, "customer_id", keys).unwrap();
        assert_eq!((kept.sql, kept.values), (built.sql, built.values));
        // A batch can name more customers than one statement takes: 600 look-ups, in chunks.
        let keys: Vec<_> = (1..=600_i64).map(|c| (c.into(), 1, since)).collect();
        assert!(newest(&sqlite.store.db, "customer_id", keys).await.unwrap().is_empty());
    }
}
