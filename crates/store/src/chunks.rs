//! Statement shapes that stay prepared. The group-commit writer writes a batch of any size, and
//! a multi-row `INSERT` or an `IN (…)` list of n values is a different statement text for every
//! n: each batch was parsed and planned afresh, and the driver's statement cache (100 texts per
//! connection) churned. Cutting rows into power-of-two runs, and padding `IN` lists to a power
//! of two, leaves a handful of texts per statement that every connection keeps prepared.

use crate::conn::{Conn, Row};
use crate::error::StoreResult;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{DbBackend, Statement, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The longest run one statement takes (SQLite allows 32,766 parameters; 64 rows of the
/// widest table use under 3,000).
const MAX_RUN: usize = 64;

/// Lengths of the runs `n` rows are written in: powers of two, largest first (35 → 32, 2, 1).
pub(crate) fn runs(mut n: usize) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if n == 0 {
            return None;
        }
        let run = if n >= MAX_RUN { MAX_RUN } else { 1 << (usize::BITS - 1 - n.leading_zeros()) };
        n -= run;
        Some(run)
    })
}

/// `values` padded with copies of its last one to a power-of-two length, for `IN (…)`, where a
/// repeated value changes nothing.
pub(crate) fn padded<T: Clone>(mut values: Vec<T>) -> Vec<T> {
    if let Some(last) = values.last().cloned() {
        values.resize(values.len().next_power_of_two(), last);
    }
    values
}

/// Inserts `rows` into `table` in [`runs`]; with `returning` columns, gives back what the
/// database returned for every row (in no particular order across runs).
///
/// The statement text of each run shape is made once per process ([`insert_sql`]) and the
/// values are bound as they are: building a 64-row `INSERT` with sea-query for every run was
/// a tenth of the intake writer's own CPU, on the path every complaint waits on.
pub(crate) async fn insert(
    db: &impl Conn,
    table: &'static str,
    columns: &[&'static str],
    rows: Vec<Vec<Value>>,
    returning: &[&'static str],
) -> StoreResult<Vec<Row>> {
    let mut out = Vec::new();
    let mut rows = rows.into_iter();
    for run in runs(rows.len()) {
        let sql = insert_sql(db.backend(), table, columns, run, returning);
        let values: Vec<Value> = rows.by_ref().take(run).flatten().collect();
        debug_assert_eq!(values.len(), run * columns.len(), "every row has a value per column");
        let stmt = Statement::from_sql_and_values(db.backend(), sql.as_ref(), values);
        if returning.is_empty() {
            db.execute_stmt(stmt).await?;
        } else {
            out.extend(db.query_stmt(stmt).await?);
        }
    }
    Ok(out)
}

/// The text of a `run`-row `INSERT` into `table`, as sea-query writes it for `backend`, made
/// once per shape and kept.
fn insert_sql(
    backend: DbBackend,
    table: &'static str,
    columns: &[&'static str],
    run: usize,
    returning: &[&'static str],
) -> Arc<str> {
    kept_text(format!("insert {backend:?} {table} {run} {columns:?} {returning:?}"), || {
        let mut insert = Query::insert();
        insert.into_table(table).columns(columns.iter().copied());
        for _ in 0..run {
            insert.values_panic(columns.iter().map(|_| Expr::val(0_i64)));
        }
        if !returning.is_empty() {
            insert.returning(Query::returning().columns(returning.iter().copied()));
        }
        sea_orm::StatementBuilder::build(&insert, &backend).sql
    })
}

/// A statement text made by `make` the first time its `key` (which names its dialect and
/// shape) is asked for, and kept for the life of the process: the writer's statements come in
/// a handful of shapes, and building one with sea-query for every batch cost more than
/// running it on some.
pub(crate) fn kept_text(key: String, make: impl FnOnce() -> String) -> Arc<str> {
    static TEXTS: OnceLock<Mutex<HashMap<String, Arc<str>>>> = OnceLock::new();
    let texts = TEXTS.get_or_init(Mutex::default);
    if let Some(sql) = texts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key) {
        return sql.clone();
    }
    let sql: Arc<str> = make().into();
    texts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key, sql.clone());
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_row_in_few_shapes() {
        for n in 0..600 {
            let r: Vec<usize> = runs(n).collect();
            assert_eq!(r.iter().sum::<usize>(), n);
            assert!(r.iter().all(|&x| x.is_power_of_two() && x <= MAX_RUN), "{n}: {r:?}");
            assert!(r.windows(2).all(|w| w[0] >= w[1]), "{n}: {r:?}");
        }
        assert_eq!(runs(35).collect::<Vec<_>>(), [32, 2, 1]);
    }

    /// The kept text binds the values in the order sea-query would, on both dialects.
    #[test]
    fn kept_insert_texts_are_what_sea_query_builds() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let mut insert = Query::insert();
            insert.into_table("t").columns(["a", "b"]);
            insert.values_panic([Expr::val(1_i64), Expr::val("x")]);
            insert.values_panic([Expr::val(2_i64), Expr::val("y")]);
            insert.returning(Query::returning().columns(["id"]));
            let built = sea_orm::StatementBuilder::build(&insert, &backend);
            let kept = insert_sql(backend, "t", &["a", "b"], 2, &["id"]);
            assert_eq!(built.sql, kept.as_ref(), "{backend:?}");
            assert_eq!(
                built.values.unwrap().0,
                [Value::from(1_i64), Value::from("x"), Value::from(2_i64), Value::from("y")],
                "{backend:?}"
            );
            // Another shape is another text, and asking again gives the kept one.
            assert_ne!(insert_sql(backend, "t", &["a", "b"], 1, &["id"]), kept);
            assert!(Arc::ptr_eq(&insert_sql(backend, "t", &["a", "b"], 2, &["id"]), &kept));
        }
    }

    #[test]
    fn padding_repeats_the_last_value() {
        assert_eq!(padded(vec![1, 2, 3]), [1, 2, 3, 3]);
        assert_eq!(padded(vec![7; 4]), [7; 4]);
        assert!(padded(Vec::<i32>::new()).is_empty());
    }
}
