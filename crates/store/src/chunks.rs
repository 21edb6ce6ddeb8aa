//! Statement shapes that stay prepared. The group-commit writer writes a batch of any size, and
//! a multi-row `INSERT` or an `IN (…)` list of n values is a different statement text for every
//! n: each batch was parsed and planned afresh, and the driver's statement cache (100 texts per
//! connection) churned. Cutting rows into power-of-two runs, and padding `IN` lists to a power
//! of two, leaves a handful of texts per statement that every connection keeps prepared.

use crate::conn::{Conn, Row};
use crate::error::StoreResult;
use sea_orm::Value;
use sea_orm::sea_query::{Expr, Query};

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
        let mut insert = Query::insert();
        insert.into_table(table).columns(columns.iter().copied());
        for row in rows.by_ref().take(run) {
            insert.values_panic(row.into_iter().map(Expr::val));
        }
        if returning.is_empty() {
            db.execute(&insert).await?;
        } else {
            insert.returning(Query::returning().columns(returning.iter().copied()));
            out.extend(db.query_all(&insert).await?);
        }
    }
    Ok(out)
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

    #[test]
    fn padding_repeats_the_last_value() {
        assert_eq!(padded(vec![1, 2, 3]), [1, 2, 3, 3]);
        assert_eq!(padded(vec![7; 4]), [7; 4]);
        assert!(padded(Vec::<i32>::new()).is_empty());
    }
}
