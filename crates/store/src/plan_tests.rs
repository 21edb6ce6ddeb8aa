//! Helpers for the tests that pin a query to an index: a throwaway SQLite store, and the plan
//! PostgreSQL would choose on a table too large to scan.

use crate::{Store, StoreConfig};
use sea_orm::sea_query::{PostgresQueryBuilder, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use std::path::PathBuf;

/// A fresh SQLite store in a directory of its own, removed when dropped.
pub(crate) struct TempSqlite {
    pub store: Store,
    dir: PathBuf,
}

impl Drop for TempSqlite {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Opens a fresh SQLite store named `name` (unique per test process).
pub(crate) async fn temp_sqlite(name: &str) -> TempSqlite {
    let dir = std::env::temp_dir().join(format!("cloop-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = StoreConfig { files_dir: dir.join("files"), ..StoreConfig::default() };
    let store = Store::open(&crate::db::sqlite_url(&dir), config).await.expect("open SQLite");
    TempSqlite { store, dir }
}

/// PostgreSQL's plan for `query` with sequential scans priced out (as on a table too large to
/// scan, whatever its statistics say), on the database of `CLOOP_TEST_DATABASE_URL` (set in CI);
/// `None` without one.
pub(crate) async fn postgres_plan(query: &SelectStatement) -> Option<Vec<String>> {
    postgres_plan_of(Statement::from_string(DbBackend::Postgres, query.to_string(PostgresQueryBuilder))).await
}

/// [`postgres_plan`] for a statement already built, its values bound.
pub(crate) async fn postgres_plan_of(stmt: Statement) -> Option<Vec<String>> {
    let url = std::env::var("CLOOP_TEST_DATABASE_URL").ok()?;
    let store = Store::open(&url, StoreConfig::default()).await.expect("open PostgreSQL");
    let txn = store.db.begin().await.expect("transaction");
    txn.execute_unprepared("SET LOCAL enable_seqscan = off").await.expect("set");
    let explain = Statement { sql: format!("EXPLAIN {}", stmt.sql), ..stmt };
    let rows = txn.query_all_raw(explain).await.expect("explain");
    Some(rows.iter().map(|r| r.try_get::<String>("", "QUERY PLAN").expect("plan line")).collect())
}
