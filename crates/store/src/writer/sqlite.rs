//! The group-commit writer's SQLite connection: rusqlite, called on the writer's own thread,
//! behind [`Conn`], so the writer's statements stay the ones the store builds with sea-query
//! (and runs on PostgreSQL through sqlx) while SQLite runs them in the writer's thread.
//!
//! Why not sqlx here: sqlx runs each SQLite connection on a worker thread of its own and hands
//! every statement and every result row across a channel. A batch of intakes is a dozen
//! statements, so the writer and that worker woke each other a dozen times per batch; profiled
//! under intake load, the hand-offs (channel sends, wake-ups, context switches, contended
//! mutexes) cost more per complaint than SQLite's own index work (BENCHMARKS.md, "The writer,
//! third pass"). The read pool keeps sqlx: readers run in parallel, so a hand-off there costs
//! latency, not the throughput of the one serial stage.
//!
//! What this module must get exactly right is what sqlx would have stored: values are bound the
//! way sqlx-sqlite encodes them (dates as RFC 3339 text, booleans as integers …), because the
//! pool reads and compares what the writer wrote (a unit test compares both byte for byte).

use crate::conn::{Conn, Row};
use crate::error::{StoreError, StoreResult};
use chrono::SecondsFormat;
use rusqlite::types::{ToSqlOutput, ValueRef};
use sea_orm::sea_query::{OptionEnum, Value};
use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::{DbBackend, Statement};
use std::future::Future;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard};

/// The writer's page cache (KiB) while the database file is under 1 GiB. Its own connection
/// keeps the cache valid from one batch to the next (WAL invalidates a connection's cache
/// whenever another connection wrote, and only this one writes complaints); without it every
/// batch re-read the customer and category index pages (17 `pread`s per complaint).
///
/// 32 MiB rather than more, because SQLite walks the whole cache at the end of a transaction
/// whenever a B-tree rebalance borrowed the lock-byte page number (the page at 1 GiB) to swap
/// two pages, which FTS5's segment writes do in most batches: `pcache1TruncateUnsafe` visits
/// every cached page while that page number lies beyond the end of the file. At 128 MiB that
/// walk was a tenth of the writer's time; at 32 MiB intake ran 6,200–6,400/s against
/// 5,700–5,800/s by turns (BENCHMARKS.md, "The writer, fifth pass").
const CACHE_KIB: u32 = 32 * 1024;

/// The writer's page cache (KiB) once the file is past 1 GiB: the borrowed page number then lies
/// inside the file, the walk is gone, and a larger cache only saves reads of index pages.
const LARGE_CACHE_KIB: u32 = 128 * 1024;

/// How many transactions pass between two looks at the file's size.
const SIZE_CHECK_EVERY: u32 = 256;

/// The page cache (KiB) for a file of `page_count` pages of `page_size` bytes: [`CACHE_KIB`]
/// until the file reaches SQLite's lock-byte page (`PENDING_BYTE` = 1 GiB), [`LARGE_CACHE_KIB`]
/// from then on.
fn cache_kib_for(page_count: u64, page_size: u64) -> u32 {
    const PENDING_BYTE: u64 = 0x4000_0000;
    let lock_byte_page = PENDING_BYTE / page_size.max(512) + 1;
    if page_count > lock_byte_page { LARGE_CACHE_KIB } else { CACHE_KIB }
}

/// WAL pages after which the writer finishes a checkpoint itself (SQLite's default is 1,000;
/// 32,000 pages are 128 MiB of WAL). Nearly all checkpointing is done off this thread by the
/// [`Checkpointer`], every few milliseconds while the WAL grows, but that one can never
/// finish while the writer keeps appending, and the WAL only starts over after a finished one.
/// When the writer gets here only the last few milliseconds of frames are left to copy, so its
/// checkpoint is short; the higher this is, the rarer that pause (at 4,000 pages, with upkeep
/// every 250 ms, one batch in thirty paid 10-25 ms for it, BENCHMARKS.md "The writer, fourth
/// pass").
const CHECKPOINT_PAGES: u32 = 32_000;

/// Distinct statement texts kept prepared: the writer's statements come in power-of-two run
/// lengths ([`crate::chunks`]), a few shapes per table, and must never be re-parsed per batch.
const STATEMENT_CACHE: usize = 256;

/// One rusqlite connection, used by the writer's thread only (the mutex is uncontended; it is
/// there because [`Conn`] wants `Sync`).
#[derive(Debug)]
pub(crate) struct SqliteWriter {
    conn: Mutex<rusqlite::Connection>,
    sizing: Mutex<CacheSizing>,
}

/// The writer's page-cache size and when it was last chosen ([`SqliteWriter::size_cache`]).
#[derive(Debug, Default)]
struct CacheSizing {
    /// Transactions since the file's size was last looked at.
    since_check: u32,
    /// The cache chosen then (KiB; 0 before the first look).
    kib: u32,
}

impl SqliteWriter {
    /// Opens the database file a `sqlite:` URL names, with the pool's settings (WAL,
    /// `synchronous=FULL`, foreign keys, busy timeout; see [`crate::db::connect`]) and the
    /// writer's own (cache, checkpoints, statement journals in memory).
    pub(crate) fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad SQLite URL {}: {e}", crate::db::redact(url))))?;
        let path = options.get_filename();
        if path.as_os_str().is_empty() || path.to_str().is_some_and(|p| p.contains(":memory:")) {
            return Err(StoreError::Config(
                "the writer needs a database file, not an in-memory SQLite (each connection would see its own)".into(),
            ));
        }
        let conn = rusqlite::Connection::open(path).map_err(sql_err)?;
        conn.busy_timeout(crate::db::SQLITE_BUSY_TIMEOUT).map_err(sql_err)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Plans that do not depend on bound values. Otherwise SQLite notes every parameter the
        // planner looked at (a `LIMIT ?`, or any value while the indexes have STAT4 samples) and
        // prepares the cached statement again whenever that parameter's value changes: the
        // repeat look-up's `LIMIT` changes with each batch, so it was re-prepared on every
        // commit (about 4 % of the writer's time with routing on). Every statement the writer
        // runs has one good plan through its indexes whatever the values.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(sql_err)?;
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES};
             PRAGMA temp_store = MEMORY;"
        ))
        .map_err(sql_err)?;
        let writer = Self { conn: Mutex::new(conn), sizing: Mutex::new(CacheSizing::default()) };
        writer.size_cache()?;
        Ok(writer)
    }

    /// Sets the page cache for the file's current size ([`cache_kib_for`]).
    fn size_cache(&self) -> StoreResult<()> {
        let conn = self.conn();
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(sql_err)?;
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(sql_err)?;
        let kib = cache_kib_for(pages.unsigned_abs(), page_size.unsigned_abs());
        let mut sizing = self.sizing.lock().unwrap_or_else(|p| p.into_inner());
        if sizing.kib != kib {
            conn.execute_batch(&format!("PRAGMA cache_size = -{kib}")).map_err(sql_err)?;
            if sizing.kib != 0 {
                tracing::info!(cache_kib = kib, pages, "the database passed 1 GiB; the writer's page cache grows");
            }
        }
        *sizing = CacheSizing { since_check: 0, kib };
        Ok(())
    }

    /// The page cache in use (KiB).
    #[cfg(test)]
    fn cache_kib(&self) -> i64 {
        -self.conn().query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0)).expect("cache_size")
    }

    fn conn(&self) -> MutexGuard<'_, rusqlite::Connection> {
        // Poisoned only if a statement panicked; the connection itself is still sound (SQLite
        // rolls back what it must when the next BEGIN finds a transaction open).
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` inside `BEGIN IMMEDIATE … COMMIT` (rolled back on any error, a failed `COMMIT`
    /// included). IMMEDIATE takes the write lock at BEGIN, so the read-then-write inside a batch
    /// cannot fail with `SQLITE_BUSY_SNAPSHOT` when a session or audit row was written meanwhile.
    pub(crate) async fn transaction<T, F>(&self, f: F) -> StoreResult<T>
    where
        F: AsyncFnOnce(&Self) -> StoreResult<T>,
    {
        self.execute_batch("BEGIN IMMEDIATE")?;
        let result = match f(self).await {
            Ok(v) => self.execute_batch("COMMIT").map(|_| v),
            Err(e) => Err(e),
        };
        if result.is_err() {
            // Fails harmlessly when SQLite already rolled back (an I/O error at COMMIT does).
            let _ = self.execute_batch("ROLLBACK");
        }
        let due = {
            let mut sizing = self.sizing.lock().unwrap_or_else(|p| p.into_inner());
            sizing.since_check += 1;
            sizing.since_check >= SIZE_CHECK_EVERY && sizing.kib != LARGE_CACHE_KIB
        };
        // Never an error of the transaction: it has committed, and the writer retries a failed
        // batch job by job, which would register its complaints twice.
        if due && let Err(e) = self.size_cache() {
            tracing::warn!(error = %e, "could not size the writer's page cache; keeping the one in use");
        }
        result
    }

    /// Runs SQL text without parameters (transaction control, DDL in tests).
    pub(crate) fn execute_batch(&self, sql: &str) -> StoreResult<()> {
        self.conn().execute_batch(sql).map_err(sql_err)
    }

    fn run(&self, stmt: Statement) -> StoreResult<u64> {
        let conn = self.conn();
        let mut s = conn.prepare_cached(&stmt.sql).map_err(sql_err)?;
        bind(&mut s, stmt.values)?;
        // Stepped to the end rather than `raw_execute`, which refuses a statement that returns
        // rows (an `INSERT … RETURNING` run for its effect).
        let mut rows = s.raw_query();
        while rows.next().map_err(sql_err)?.is_some() {}
        Ok(conn.changes())
    }

    fn rows(&self, stmt: Statement) -> StoreResult<Vec<Row>> {
        let conn = self.conn();
        let mut s = conn.prepare_cached(&stmt.sql).map_err(sql_err)?;
        // A NULL is typed by the column's declared type, so `try_get::<Option<String>>` of a
        // NULL text column finds the `Value` variant it expects.
        let nulls: Vec<Value> = s.columns().iter().map(|c| typed_null(c.decl_type())).collect();
        let names: std::sync::Arc<[String]> = s.column_names().into_iter().map(str::to_owned).collect();
        bind(&mut s, stmt.values)?;
        let mut out = Vec::new();
        let mut rows = s.raw_query();
        while let Some(row) = rows.next().map_err(sql_err)? {
            let mut values = Vec::with_capacity(nulls.len());
            for (i, (name, null)) in names.iter().zip(&nulls).enumerate() {
                let v = match row.get_ref(i).map_err(sql_err)? {
                    ValueRef::Null => null.clone(),
                    ValueRef::Integer(n) => Value::BigInt(Some(n)),
                    ValueRef::Real(x) => Value::Double(Some(x)),
                    ValueRef::Text(t) => Value::String(Some(
                        std::str::from_utf8(t)
                            .map_err(|e| StoreError::Config(format!("column {name} is not UTF-8: {e}")))?
                            .to_owned(),
                    )),
                    ValueRef::Blob(b) => Value::Bytes(Some(b.to_vec())),
                };
                values.push(v);
            }
            out.push(Row::Values(names.clone(), values));
        }
        Ok(out)
    }
}

/// Runs synchronously on the writer's thread: the futures are ready when first polled.
impl Conn for SqliteWriter {
    fn backend(&self) -> DbBackend {
        DbBackend::Sqlite
    }

    fn execute_stmt(&self, stmt: Statement) -> impl Future<Output = StoreResult<u64>> + Send {
        std::future::ready(self.run(stmt))
    }

    fn query_stmt(&self, stmt: Statement) -> impl Future<Output = StoreResult<Vec<Row>>> + Send {
        std::future::ready(self.rows(stmt))
    }
}

/// The NULL of the `Value` variant a declared column type reads as (SQLite's affinity rules:
/// INT anywhere is an integer, REAL/FLOA/DOUB a float, BLOB a blob, anything else text).
fn typed_null(decl: Option<&str>) -> Value {
    let decl = decl.unwrap_or_default().to_ascii_uppercase();
    if decl.contains("INT") {
        Value::BigInt(None)
    } else if decl.contains("REAL") || decl.contains("FLOA") || decl.contains("DOUB") {
        Value::Double(None)
    } else if decl.contains("BLOB") {
        Value::Bytes(None)
    } else {
        Value::String(None)
    }
}

fn bind(s: &mut rusqlite::CachedStatement<'_>, values: Option<sea_orm::sea_query::Values>) -> StoreResult<()> {
    for (i, v) in values.into_iter().flat_map(|v| v.0).enumerate() {
        s.raw_bind_parameter(i + 1, Bound(v)).map_err(sql_err)?;
    }
    Ok(())
}

/// A sea-query value bound the way sqlx-sqlite encodes it (`sea-query-sqlx` hands each variant
/// to sqlx's `Encode`): integers and booleans as INTEGER, floats as REAL, dates and times as
/// the text sqlx writes, JSON as its text.
struct Bound(Value);

impl rusqlite::ToSql for Bound {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::Value as Owned;
        let int = |n: Option<i64>| n.map_or(ToSqlOutput::Owned(Owned::Null), |n| ToSqlOutput::Owned(Owned::Integer(n)));
        let text =
            |s: Option<String>| s.map_or(ToSqlOutput::Owned(Owned::Null), |s| ToSqlOutput::Owned(Owned::Text(s)));
        Ok(match &self.0 {
            Value::Bool(b) => int(b.map(i64::from)),
            Value::TinyInt(n) => int(n.map(i64::from)),
            Value::SmallInt(n) => int(n.map(i64::from)),
            Value::Int(n) => int(n.map(i64::from)),
            Value::BigInt(n) => int(*n),
            Value::TinyUnsigned(n) => int(n.map(i64::from)),
            Value::SmallUnsigned(n) => int(n.map(i64::from)),
            Value::Unsigned(n) => int(n.map(i64::from)),
            Value::BigUnsigned(n) => int(n
                .map(i64::try_from)
                .transpose()
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?),
            Value::Float(x) => {
                x.map_or(ToSqlOutput::Owned(Owned::Null), |x| ToSqlOutput::Owned(Owned::Real(f64::from(x))))
            }
            Value::Double(x) => x.map_or(ToSqlOutput::Owned(Owned::Null), |x| ToSqlOutput::Owned(Owned::Real(x))),
            Value::String(s) => s
                .as_deref()
                .map_or(ToSqlOutput::Owned(Owned::Null), |s| ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))),
            Value::Char(c) => text(c.map(|c| c.to_string())),
            Value::Enum(e) => match e {
                OptionEnum::Some(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.value.as_bytes())),
                OptionEnum::None(_) => ToSqlOutput::Owned(Owned::Null),
            },
            Value::Bytes(b) => {
                b.as_deref().map_or(ToSqlOutput::Owned(Owned::Null), |b| ToSqlOutput::Borrowed(ValueRef::Blob(b)))
            }
            Value::Json(j) => text(j.as_ref().map(|j| j.to_string())),
            Value::ChronoDate(d) => text(d.map(|d| d.format("%F").to_string())),
            Value::ChronoTime(t) => text(t.map(|t| t.format("%T%.f").to_string())),
            Value::ChronoDateTime(t) => text(t.map(|t| t.format("%F %T%.f").to_string())),
            Value::ChronoDateTimeUtc(t) => text(t.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, false))),
            Value::ChronoDateTimeLocal(t) => text(t.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, false))),
            Value::ChronoDateTimeWithTimeZone(t) => text(t.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, false))),
            other => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("the writer cannot bind {other:?} for SQLite").into(),
                ));
            }
        })
    }
}

/// How soon the [`Checkpointer`] copies again after it found new WAL frames: under intake load
/// the WAL grows by a few thousand pages a second, and what is left uncopied when the WAL reaches
/// [`CHECKPOINT_PAGES`] the writer copies itself, stalling every complaint behind it. Every
/// 10 ms leaves it a few hundred pages at most.
const CHECKPOINT_BUSY_INTERVAL: std::time::Duration = std::time::Duration::from_millis(10);

/// How often the [`Checkpointer`] looks when nothing was written: an idle server wakes four times
/// a second, not a hundred.
const CHECKPOINT_IDLE_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

/// Copies the WAL into the database file (`PRAGMA wal_checkpoint(PASSIVE)`) on a thread and a
/// connection of its own, beside the writer: a passive checkpoint blocks neither the writer nor
/// readers, so the copying runs on the other core instead of inside a batch. Its own
/// connection, not one of the read pool's, because under load it is busy most of the time (and
/// waits in `fsync`), and the pool's eight connections are what routed intakes queue for.
pub(crate) struct Checkpointer {
    conn: rusqlite::Connection,
}

impl Checkpointer {
    /// Opens its connection to the database a `sqlite:` URL names.
    pub(crate) fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad SQLite URL {}: {e}", crate::db::redact(url))))?;
        let conn = rusqlite::Connection::open(options.get_filename()).map_err(sql_err)?;
        conn.busy_timeout(crate::db::SQLITE_BUSY_TIMEOUT).map_err(sql_err)?;
        Ok(Self { conn })
    }

    /// One passive checkpoint; answers how many frames the WAL holds.
    fn checkpoint(&self) -> StoreResult<i64> {
        // One row: (busy, frames in the WAL, frames copied); -1s when not in WAL mode.
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1)).map_err(sql_err)
    }

    /// Runs on a thread named `cloop-checkpoint` while `alive()`: again soon while the WAL keeps
    /// changing, rarely when it does not.
    pub(crate) fn spawn(self, alive: impl Fn() -> bool + Send + 'static) -> StoreResult<()> {
        std::thread::Builder::new().name("cloop-checkpoint".into()).spawn(move || {
            let mut last = None;
            while alive() {
                let pause = match self.checkpoint() {
                    Ok(frames) if last.replace(frames) != Some(frames) => CHECKPOINT_BUSY_INTERVAL,
                    Ok(_) => CHECKPOINT_IDLE_INTERVAL,
                    Err(e) => {
                        tracing::debug!(error = %e, "background checkpoint failed; the writer checkpoints at its threshold");
                        CHECKPOINT_IDLE_INTERVAL
                    }
                };
                std::thread::sleep(pause);
            }
        })?;
        Ok(())
    }
}

/// SQLite's errors as the store reports sqlx's (the message kept whole: callers look for
/// "UNIQUE constraint failed", see [`StoreError::is_unique_violation`]).
#[expect(clippy::needless_pass_by_value, reason = "a `map_err` callback takes the error by value")]
fn sql_err(e: rusqlite::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Exec(sea_orm::RuntimeErr::Internal(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, NaiveDate, TimeZone, Utc};
    use sea_orm::ConnectionTrait;
    use sea_orm::sea_query::{Expr, Query};

    fn temp_db(name: &str) -> (std::path::PathBuf, String) {
        let dir = std::env::temp_dir().join(format!("cloop-writer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = crate::db::sqlite_url(&dir);
        (dir, url)
    }

    /// The small cache until the file reaches the lock-byte page, the large one after.
    #[test]
    fn the_page_cache_grows_once_the_file_passes_the_lock_byte_page() {
        assert_eq!(cache_kib_for(1, 4096), CACHE_KIB);
        assert_eq!(cache_kib_for(262_145, 4096), CACHE_KIB, "the lock-byte page itself is the file's last");
        assert_eq!(cache_kib_for(262_146, 4096), LARGE_CACHE_KIB);
        assert_eq!(cache_kib_for(16_385, 65_536), CACHE_KIB);
        assert_eq!(cache_kib_for(16_386, 65_536), LARGE_CACHE_KIB);
    }

    /// The writer sets the cache as it opens and looks again every few hundred transactions.
    #[tokio::test]
    async fn a_new_database_gets_the_small_cache_and_keeps_it_while_small() {
        let (dir, url) = temp_db("cache");
        crate::db::connect(&url).await.expect("migrated");
        let writer = SqliteWriter::open(&url).unwrap();
        assert_eq!(writer.cache_kib(), i64::from(CACHE_KIB));
        for _ in 0..SIZE_CHECK_EVERY + 1 {
            writer.transaction(async |_| Ok(())).await.unwrap();
        }
        assert_eq!(writer.cache_kib(), i64::from(CACHE_KIB));
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A cached statement is not prepared again when a parameter the planner could look at
    /// (here the `LIMIT`) changes between runs.
    #[tokio::test]
    async fn the_writer_keeps_its_plans_when_bound_values_change() {
        let (dir, url) = temp_db("qpsg");
        let writer = SqliteWriter::open(&url).unwrap();
        writer
            .execute_batch(
                "CREATE TABLE c (id INTEGER PRIMARY KEY, customer_id INTEGER, received_at TEXT);
                 CREATE INDEX c_customer_received ON c (customer_id, received_at);
                 INSERT INTO c (customer_id, received_at) VALUES (1, '2026-01-01'), (2, '2026-01-02');",
            )
            .unwrap();
        let reprepares = |conn: &rusqlite::Connection| {
            let sql = "SELECT id FROM c WHERE customer_id IN (?1, ?2) ORDER BY received_at DESC LIMIT ?3";
            let mut total = 0;
            for limit in [50, 100, 150, 200] {
                let mut s = conn.prepare_cached(sql).unwrap();
                let mut rows = s.query(rusqlite::params![1, 2, limit]).unwrap();
                while rows.next().unwrap().is_some() {}
                drop(rows);
                total = s.get_status(rusqlite::StatementStatus::RePrepare);
            }
            total
        };
        assert_eq!(reprepares(&writer.conn()), 0);
        // The same statement on a connection with SQLite's default settings is prepared again.
        let plain = rusqlite::Connection::open(dir.join("cloop.db")).unwrap();
        assert!(reprepares(&plain) > 0, "the default re-prepares on a new LIMIT");
        let _ = std::fs::remove_dir_all(dir);
    }

    /// The checkpointer reports the WAL's size, which is what keeps it running often under
    /// load and rarely when idle, and copies the WAL into the database file.
    #[tokio::test]
    async fn the_checkpointer_reports_the_wal_and_copies_it() {
        let (dir, url) = temp_db("checkpoint");
        let (pool, _) = crate::db::connect(&url).await.unwrap();
        pool.execute_unprepared("CREATE TABLE t (x)").await.unwrap();
        let checkpointer = Checkpointer::open(&url).unwrap();
        let before = checkpointer.checkpoint().unwrap();
        assert!(before > 0, "the CREATE TABLE is in the WAL: {before}");
        pool.execute_unprepared("INSERT INTO t VALUES (1)").await.unwrap();
        let after = checkpointer.checkpoint().unwrap();
        // (The WAL starts over once everything in it was copied, so the count changes, not
        // necessarily upwards.)
        assert!(after > 0 && after != before, "an insert is a new frame: {before} -> {after}");
        assert_eq!(checkpointer.checkpoint().unwrap(), after, "nothing written, nothing changes");
        // Copied: the database file alone (no WAL) holds the row.
        drop(pool);
        let copy = dir.join("copy.db");
        std::fs::copy(dir.join("cloop.db"), &copy).unwrap();
        let plain = rusqlite::Connection::open(&copy).unwrap();
        assert_eq!(plain.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Every value kind the store writes lands in the file exactly as sqlx would have stored it
    /// (same storage class, same bytes), so the pool's reads and comparisons see no difference.
    #[tokio::test]
    async fn values_are_stored_exactly_as_sqlx_stores_them() {
        let (dir, url) = temp_db("bind");
        let (pool, _) = crate::db::connect(&url).await.unwrap();
        pool.execute_unprepared("CREATE TABLE t (via TEXT NOT NULL, k INTEGER NOT NULL, v)").await.unwrap();
        let writer = SqliteWriter::open(&url).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 1, 2, 3).unwrap() + chrono::Duration::microseconds(450_120);
        let values: Vec<Value> = vec![
            true.into(),
            false.into(),
            7i32.into(),
            (-9_000_000_000i64).into(),
            u64::from(u32::MAX).into(),
            1.5f32.into(),
            0.1f64.into(),
            "投诉 ü".into(),
            'x'.into(),
            vec![0u8, 159, 146, 150].into(),
            serde_json::json!({"a": [1, "二"]}).into(),
            NaiveDate::from_ymd_opt(2026, 2, 17).unwrap().into(),
            at.naive_utc().time().into(),
            at.naive_utc().into(),
            at.into(),
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap().into(),
            at.with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap()).into(),
            Option::<String>::None.into(),
            Option::<i64>::None.into(),
            Option::<chrono::DateTime<Utc>>::None.into(),
        ];
        for (k, v) in values.iter().enumerate() {
            let insert = |via: &str| {
                Query::insert()
                    .into_table("t")
                    .columns(["via", "k", "v"])
                    .values_panic([via.into(), (k as i64).into(), Expr::val(v.clone())])
                    .to_owned()
            };
            ConnectionTrait::execute(&pool, &insert("sqlx")).await.unwrap();
            Conn::execute(&writer, &insert("writer")).await.unwrap();
        }
        let stored = |via: &'static str| {
            let pool = pool.clone();
            async move {
                pool.query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    "SELECT k, typeof(v) AS ty, quote(v) AS q FROM t WHERE via = ? ORDER BY k",
                    [via.into()],
                ))
                .await
                .unwrap()
                .into_iter()
                .map(|r| {
                    (
                        r.try_get::<i64>("", "k").unwrap(),
                        r.try_get::<String>("", "ty").unwrap(),
                        r.try_get::<String>("", "q").unwrap(),
                    )
                })
                .collect::<Vec<_>>()
            }
        };
        let (by_sqlx, by_writer) = (stored("sqlx").await, stored("writer").await);
        assert_eq!(by_sqlx.len(), values.len());
        assert_eq!(by_writer, by_sqlx);
        drop(writer);
        pool.close().await.unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Rows come back with the values `try_get` expects, NULLs included, and a failed batch
    /// leaves nothing behind.
    #[tokio::test]
    async fn reads_nulls_and_rolls_back() {
        let (dir, url) = temp_db("rows");
        let writer = SqliteWriter::open(&url).unwrap();
        writer.execute_batch("CREATE TABLE c (id INTEGER PRIMARY KEY, phone TEXT, n BIGINT, x REAL)").unwrap();
        let rows = writer
            .query_all(
                &Query::insert()
                    .into_table("c")
                    .columns(["phone", "n", "x"])
                    .values_panic([Option::<String>::None.into(), Option::<i64>::None.into(), 2.5f64.into()])
                    .values_panic(["138".into(), 4i64.into(), Option::<f64>::None.into()])
                    .returning(Query::returning().columns(["id", "phone", "n", "x"]))
                    .to_owned(),
            )
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].try_get::<Option<String>>("", "phone").unwrap(), None);
        assert_eq!(rows[0].try_get::<Option<i64>>("", "n").unwrap(), None);
        assert_eq!(rows[0].try_get::<f64>("", "x").unwrap(), 2.5);
        assert_eq!(rows[1].try_get::<Option<String>>("", "phone").unwrap().as_deref(), Some("138"));
        assert_eq!(rows[1].try_get::<i64>("", "n").unwrap(), 4);
        assert_eq!(rows[1].try_get::<Option<f64>>("", "x").unwrap(), None);

        let count = |w: &SqliteWriter| {
            w.rows(Statement::from_string(DbBackend::Sqlite, "SELECT count(*) AS n FROM c")).unwrap()[0]
                .try_get::<i64>("", "n")
                .unwrap()
        };
        let failed: StoreResult<()> = writer
            .transaction(async |w| {
                w.execute_batch("INSERT INTO c (phone) VALUES ('139')")?;
                w.execute_batch("INSERT INTO nowhere VALUES (1)")?;
                Ok(())
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(count(&writer), 2, "the failed batch left a row");
        let kept = writer
            .transaction(async |w| {
                w.execute_stmt(Statement::from_string(DbBackend::Sqlite, "INSERT INTO c (phone) VALUES ('140')")).await
            })
            .await;
        assert_eq!(kept.unwrap(), 1);
        assert_eq!(count(&writer), 3);
        drop(writer);
        let _ = std::fs::remove_dir_all(dir);
    }
}
