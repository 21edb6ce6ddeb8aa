//! Connecting to the database and keeping its schema current. This is the one place where
//! SQLite and PostgreSQL differ in setup (connection settings, migration folder, backup);
//! queries elsewhere are built with sea-query and rendered for whichever backend is in use.

use crate::error::{StoreError, StoreResult};
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use std::path::Path;
use std::time::Duration;

/// One migration, the same version number in both dialect folders.
struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Every migration, in order. Never edit one that has shipped; add a new one.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "portal",
        sqlite: include_str!("../migrations/sqlite/0002_portal.sql"),
        postgres: include_str!("../migrations/postgres/0002_portal.sql"),
    },
    Migration {
        version: 3,
        name: "sla",
        sqlite: include_str!("../migrations/sqlite/0003_sla.sql"),
        postgres: include_str!("../migrations/postgres/0003_sla.sql"),
    },
    Migration {
        version: 4,
        name: "search",
        sqlite: include_str!("../migrations/sqlite/0004_search.sql"),
        postgres: include_str!("../migrations/postgres/0004_search.sql"),
    },
    Migration {
        version: 5,
        name: "routing",
        sqlite: include_str!("../migrations/sqlite/0005_routing.sql"),
        postgres: include_str!("../migrations/postgres/0005_routing.sql"),
    },
    Migration {
        version: 6,
        name: "intake",
        sqlite: include_str!("../migrations/sqlite/0006_intake.sql"),
        postgres: include_str!("../migrations/postgres/0006_intake.sql"),
    },
    Migration {
        version: 7,
        name: "search_speed",
        sqlite: include_str!("../migrations/sqlite/0007_search_speed.sql"),
        postgres: include_str!("../migrations/postgres/0007_search_speed.sql"),
    },
    Migration {
        version: 8,
        name: "fts_batches",
        sqlite: include_str!("../migrations/sqlite/0008_fts_batches.sql"),
        postgres: include_str!("../migrations/postgres/0008_fts_batches.sql"),
    },
    Migration {
        version: 9,
        name: "unconfirmed_deadlines",
        sqlite: include_str!("../migrations/sqlite/0009_unconfirmed_deadlines.sql"),
        postgres: include_str!("../migrations/postgres/0009_unconfirmed_deadlines.sql"),
    },
    Migration {
        version: 10,
        name: "search_merge_room",
        sqlite: include_str!("../migrations/sqlite/0010_search_merge_room.sql"),
        postgres: include_str!("../migrations/postgres/0010_search_merge_room.sql"),
    },
    Migration {
        version: 11,
        name: "terms_beside_writer",
        sqlite: include_str!("../migrations/sqlite/0011_terms_beside_writer.sql"),
        postgres: include_str!("../migrations/postgres/0011_terms_beside_writer.sql"),
    },
    Migration {
        version: 12,
        name: "customer_complaint_counts",
        sqlite: include_str!("../migrations/sqlite/0012_customer_complaint_counts.sql"),
        postgres: include_str!("../migrations/postgres/0012_customer_complaint_counts.sql"),
    },
    Migration {
        version: 13,
        name: "writer_rows_unchecked",
        sqlite: include_str!("../migrations/sqlite/0013_writer_rows_unchecked.sql"),
        postgres: include_str!("../migrations/postgres/0013_writer_rows_unchecked.sql"),
    },
    Migration {
        version: 14,
        name: "repeat_lookups_in_order",
        sqlite: include_str!("../migrations/sqlite/0014_repeat_lookups_in_order.sql"),
        postgres: include_str!("../migrations/postgres/0014_repeat_lookups_in_order.sql"),
    },
    Migration {
        version: 15,
        name: "repeat_lookups_covered",
        sqlite: include_str!("../migrations/sqlite/0015_repeat_lookups_covered.sql"),
        postgres: include_str!("../migrations/postgres/0015_repeat_lookups_covered.sql"),
    },
    Migration {
        version: 16,
        name: "model_restore",
        sqlite: include_str!("../migrations/sqlite/0016_model_restore.sql"),
        postgres: include_str!("../migrations/postgres/0016_model_restore.sql"),
    },
    Migration {
        version: 17,
        name: "search_single_characters",
        sqlite: include_str!("../migrations/sqlite/0017_search_single_characters.sql"),
        postgres: include_str!("../migrations/postgres/0017_search_single_characters.sql"),
    },
    Migration {
        version: 18,
        name: "routing_outcomes",
        sqlite: include_str!("../migrations/sqlite/0018_routing_outcomes.sql"),
        postgres: include_str!("../migrations/postgres/0018_routing_outcomes.sql"),
    },
    Migration {
        version: 19,
        name: "misrouted",
        sqlite: include_str!("../migrations/sqlite/0019_misrouted.sql"),
        postgres: include_str!("../migrations/postgres/0019_misrouted.sql"),
    },
    Migration {
        version: 20,
        name: "audit_lookups",
        sqlite: include_str!("../migrations/sqlite/0020_audit_lookups.sql"),
        postgres: include_str!("../migrations/postgres/0020_audit_lookups.sql"),
    },
];

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL (scale-out).
    Postgres,
}

impl Backend {
    /// Picks the backend from a URL.
    pub fn from_url(url: &str) -> StoreResult<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL (expected sqlite:… or postgres://…): {}",
                redact(url)
            )))
        }
    }
}

/// Hides a password in a URL for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***@{}", &url[..s], &url[at + 1..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The SQLite URL for a data directory.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("cloop.db").display())
}

/// Opens a pool. SQLite gets WAL, `synchronous=FULL` (an acknowledged complaint must survive a
/// power cut, and group commit makes the fsync affordable), foreign keys and a busy timeout.
pub async fn connect(url: &str) -> StoreResult<(DatabaseConnection, Backend)> {
    let backend = Backend::from_url(url)?;
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).acquire_timeout(Duration::from_secs(30)).connect_timeout(Duration::from_secs(10));
    match backend {
        Backend::Sqlite => {
            opts.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(sqlite_options);
        }
        Backend::Postgres => {
            opts.max_connections(32).min_connections(2);
        }
    }
    let db = Database::connect(opts).await?;
    Ok((db, backend))
}

/// The group-commit writer's own PostgreSQL connection (a pool of one; on SQLite the writer
/// opens its own, see `writer/sqlite.rs`).
pub(crate) async fn connect_writer(url: &str) -> StoreResult<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .max_connections(1)
        .min_connections(1)
        // The writer's connection lives as long as the store; sqlx would otherwise recycle it
        // after ten idle minutes.
        .idle_timeout(None::<Duration>)
        .max_lifetime(None::<Duration>)
        // The writer's statements keep one text per shape (crate::chunks), so PostgreSQL would
        // switch them to a generic plan after five runs; for `phone IN (…) OR email IN (…)`
        // and `customer_id IN (…)` that plan is a sequential scan, and intake slowed down as
        // the tables grew. Each batch's look-ups are planned for their own values instead; its
        // inserts go back to generic plans ([`generic_plans_from_here`]).
        //
        // Every look-up of the writer is by key and has an index, so it never wants a
        // sequential scan; but on a growing table whose statistics lag (a fresh database, a
        // burst of new customers between two autovacuum analyses) the planner takes the table
        // for a few rows and scans it. In a 20 s intake run on a new database, 677 of about
        // 1,000 batches read the whole customers table and 249 the complaints table. With
        // sequential scans priced out, a table without a usable index is still scanned.
        .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan"), ("enable_seqscan", "off")]));
    Ok(Database::connect(opts).await?)
}

/// Lets PostgreSQL reuse generic plans for the rest of the writer's transaction, once its
/// look-ups (planned per batch, see [`connect_writer`]) are done. The setting also governs the
/// plans of the foreign-key checks PostgreSQL runs for every inserted row (`SELECT 1 FROM
/// org_units x WHERE id = $1 FOR KEY SHARE`, five per complaint): forced to custom plans, each
/// check was planned anew, about a fifth of the writer's backend time (BENCHMARKS.md, "The
/// writer on PostgreSQL"). A no-op on SQLite.
pub(crate) async fn generic_plans_from_here(txn: &impl crate::conn::Conn) -> StoreResult<()> {
    if txn.backend() == DbBackend::Postgres {
        txn.execute_stmt(Statement::from_string(DbBackend::Postgres, "SET LOCAL plan_cache_mode = auto")).await?;
    }
    Ok(())
}

/// How often [`upkeep`] runs, off the writer's path. Each merge rewrites the posting lists of
/// the index terms its complaints contain, and the common character bigrams are in nearly all
/// of them, so a merge of four times as many complaints costs far less than four merges: every
/// 250 ms the merges took 44 % of PostgreSQL's CPU during intake, and merging every second cut
/// PostgreSQL's CPU per complaint by a sixth and its WAL by 30 % (BENCHMARKS.md, "The writer,
/// eleventh pass"). A second of intake at 6,000/s fills about 4 MB of pending list, a quarter
/// of the room migration 0010 gives the index.
pub(crate) const UPKEEP_INTERVAL: Duration = Duration::from_secs(1);

/// Background upkeep on PostgreSQL, run by the search terms' indexer (`writer::terms`): it
/// merges the search index's GIN pending list. Inserts append to that list, and the insert that
/// finds it past `gin_pending_list_limit` merges it on the spot; when those inserts were the
/// writer's, intake stalled for about 250 ms every few seconds (BENCHMARKS.md). Merged here, it
/// never grows that far. Searches read the pending list as well as the index, so merging
/// later makes nothing findable later. (SQLite's counterpart, copying the WAL into the database
/// file, runs on a thread and connection of its own: `writer::sqlite::Checkpointer`.)
pub(crate) async fn upkeep(db: &DatabaseConnection) -> StoreResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("SELECT gin_clean_pending_list('complaint_terms_tsv'::regclass)").await?;
    }
    Ok(())
}

/// How long an SQLite connection waits for another's write lock (the pool's and the writer's).
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

fn sqlite_options(o: SqliteConnectOptions) -> SqliteConnectOptions {
    o.journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .foreign_keys(true)
        .create_if_missing(true)
}

/// Applies every migration not yet applied, each in its own transaction. Safe to run from
/// several nodes at once on PostgreSQL (an advisory lock serialises them).
pub async fn migrate(db: &DatabaseConnection) -> StoreResult<Vec<i64>> {
    let backend = db.get_database_backend();
    db.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    let txn = db.begin().await?;
    if backend == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7331001)").await?;
    }
    let rows = txn.query_all(&Query::select().column("version").from("schema_migrations").to_owned()).await?;
    let applied: Vec<i64> = rows.iter().map(|r| r.try_get::<i64>("", "version")).collect::<Result<_, _>>()?;
    let mut done = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match backend {
            DbBackend::Postgres => m.postgres,
            _ => m.sqlite,
        };
        for stmt in split_statements(sql) {
            txn.execute_unprepared(&stmt)
                .await
                .map_err(|e| StoreError::Config(format!("migration {} ({}) failed: {e}", m.version, m.name)))?;
        }
        txn.execute(
            &Query::insert()
                .into_table("schema_migrations")
                .columns(["version", "name", "applied_at"])
                .values_panic([m.version.into(), m.name.into(), Utc::now().to_rfc3339().into()])
                .on_conflict(OnConflict::column("version").do_nothing().to_owned())
                .to_owned(),
        )
        .await?;
        done.push(m.version);
    }
    // Not a migration file: the full-text index is built in Rust (segmentation lives in
    // crates/nlp), for complaints that predate it or when its tokenisation changed.
    crate::search::ensure_index(&txn).await?;
    txn.commit().await?;
    Ok(done)
}

/// The latest schema version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Splits a migration file into statements (no semicolons inside our DDL's literals). A
/// `CREATE TRIGGER … BEGIN … END;` (SQLite) and a `$$`-quoted function body (PostgreSQL) are
/// one statement although their bodies have semicolons.
fn split_statements(sql: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open_trigger = false;
    let text = sql.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
    for piece in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        if open_trigger {
            let last = out.last_mut().expect("a trigger was started");
            last.push_str(";\n");
            last.push_str(piece);
        } else {
            out.push(piece.to_owned());
        }
        let current = out.last().expect("just pushed").to_ascii_uppercase();
        let trigger_body = current.starts_with("CREATE TRIGGER") && current.split_whitespace().any(|w| w == "BEGIN");
        open_trigger = (trigger_body && !current.ends_with("END")) || current.matches("$$").count() % 2 == 1;
    }
    out
}

/// The highest applied version (for readiness checks).
pub async fn current_version(db: &DatabaseConnection) -> StoreResult<i64> {
    let row = db
        .query_one(&Query::select().expr_as(Expr::col("version").max(), "v").from("schema_migrations").to_owned())
        .await?;
    Ok(row.and_then(|r| r.try_get::<Option<i64>>("", "v").ok().flatten()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines outside `-- dialect: begin` … `-- dialect: end` blocks (the full-text index is
    /// FTS5 on SQLite and tsvector + GIN on PostgreSQL, on purpose).
    fn shared_lines(sql: &str) -> Vec<&str> {
        let mut inside = false;
        sql.lines()
            .filter(|l| {
                let t = l.trim_start();
                if t.starts_with("-- dialect: begin") {
                    inside = true;
                } else if t.starts_with("-- dialect: end") {
                    inside = false;
                    return false;
                }
                !inside
            })
            .collect()
    }

    #[test]
    fn both_dialects_have_the_same_tables_columns_and_indexes() {
        for m in MIGRATIONS {
            let names = |sql: &str| -> Vec<String> {
                shared_lines(sql)
                    .into_iter()
                    .filter(|l| !l.trim_start().starts_with("--"))
                    .filter_map(|l| l.split_whitespace().next().map(|w| w.to_owned()))
                    .collect()
            };
            assert_eq!(names(m.sqlite), names(m.postgres), "migration {} differs", m.version);
        }
    }

    #[test]
    fn triggers_stay_one_statement() {
        let sql = "CREATE TABLE a (x INT);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n  INSERT INTO c VALUES (2);\nEND;\nCREATE INDEX i ON a(x);";
        let stmts = split_statements(sql);
        assert_eq!(stmts.len(), 3, "{stmts:?}");
        assert!(stmts[1].starts_with("CREATE TRIGGER") && stmts[1].ends_with("END"), "{}", stmts[1]);
    }

    #[test]
    fn dollar_quoted_function_bodies_stay_one_statement() {
        let sql = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  DELETE FROM b;\n  RETURN NULL;\nEND\n$$;\nCREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION f();\nANALYZE a;";
        let stmts = split_statements(sql);
        assert_eq!(stmts.len(), 3, "{stmts:?}");
        assert!(stmts[0].starts_with("CREATE FUNCTION") && stmts[0].ends_with("$$"), "{}", stmts[0]);
        assert!(stmts[1].starts_with("CREATE TRIGGER") && stmts[1].ends_with("f()"), "{}", stmts[1]);
    }

    /// The writer's look-ups are planned per batch and the rest of its transaction, foreign-key
    /// checks included, may reuse generic plans; the next transaction starts with custom plans
    /// again. Runs on the PostgreSQL of `CLOOP_TEST_DATABASE_URL` (required in CI).
    #[tokio::test]
    async fn the_writer_plans_look_ups_per_batch_and_reuses_the_rest() {
        let Ok(url) = std::env::var("CLOOP_TEST_DATABASE_URL") else {
            assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CLOOP_TEST_DATABASE_URL must be set in CI");
            return;
        };
        let writer = connect_writer(&url).await.unwrap();
        let mode = async |txn: &sea_orm::DatabaseTransaction| -> String {
            let row = txn
                .query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT current_setting('plan_cache_mode') AS m",
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get("", "m").unwrap()
        };
        for _ in 0..2 {
            let txn = writer.begin().await.unwrap();
            assert_eq!(mode(&txn).await, "force_custom_plan", "the look-ups are planned for their own values");
            generic_plans_from_here(&txn).await.unwrap();
            assert_eq!(mode(&txn).await, "auto", "the inserts and their foreign-key checks reuse plans");
            txn.commit().await.unwrap();
        }
    }

    /// A key look-up on the writer's connection uses the index even when the table's statistics
    /// say it is tiny (analysed at 10 rows, then grown to 20,000), where the planner's default
    /// choice, shown first, is to scan the table.
    #[tokio::test]
    async fn the_writer_looks_up_by_index_when_statistics_lag() {
        let Ok(url) = std::env::var("CLOOP_TEST_DATABASE_URL") else {
            assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CLOOP_TEST_DATABASE_URL must be set in CI");
            return;
        };
        let writer = connect_writer(&url).await.unwrap();
        for sql in [
            "CREATE TEMP TABLE lagging (id BIGSERIAL PRIMARY KEY, phone TEXT UNIQUE)",
            "INSERT INTO lagging (phone) SELECT 'p' || g FROM generate_series(1, 10) g",
            "ANALYZE lagging",
            "INSERT INTO lagging (phone) SELECT 'p' || g FROM generate_series(11, 20000) g",
        ] {
            writer.execute_unprepared(sql).await.unwrap();
        }
        let phones: Vec<String> = (0..32).map(|i| format!("'p{}'", 17 + i * 613)).collect();
        let explain = format!("EXPLAIN SELECT id FROM lagging WHERE phone IN ({})", phones.join(", "));
        let plan = async |txn: &sea_orm::DatabaseTransaction| -> String {
            let rows = txn.query_all_raw(Statement::from_string(DbBackend::Postgres, explain.clone())).await.unwrap();
            rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect::<Vec<_>>().join("\n")
        };
        let txn = writer.begin().await.unwrap();
        txn.execute_unprepared("SET LOCAL enable_seqscan = on").await.unwrap();
        let default_plan = plan(&txn).await;
        assert!(
            default_plan.contains("Seq Scan on lagging"),
            "the lagging statistics mislead the planner:\n{default_plan}"
        );
        txn.rollback().await.unwrap();
        let txn = writer.begin().await.unwrap();
        let writer_plan = plan(&txn).await;
        assert!(
            writer_plan.contains("lagging_phone_key") && !writer_plan.contains("Seq Scan"),
            "the writer reads the index:\n{writer_plan}"
        );
        txn.rollback().await.unwrap();
    }

    /// The search index's pending list has room for several upkeep intervals of intake at the
    /// target rate, so the intake writer's own inserts do not merge it (migration 0010). Runs on
    /// the PostgreSQL of `CLOOP_TEST_DATABASE_URL` (required in CI).
    #[tokio::test]
    async fn the_search_index_has_room_between_upkeeps() {
        let Ok(url) = std::env::var("CLOOP_TEST_DATABASE_URL") else {
            assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CLOOP_TEST_DATABASE_URL must be set in CI");
            return;
        };
        let store = crate::Store::open(&url, crate::StoreConfig::default()).await.unwrap();
        let row = store
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT array_to_string(reloptions, ',') AS o FROM pg_class WHERE relname = 'complaint_terms_tsv'",
            ))
            .await
            .unwrap()
            .expect("the search index exists");
        let options: String = row.try_get::<Option<String>>("", "o").unwrap().unwrap_or_default();
        let limit_kb: u64 = options
            .split(',')
            .find_map(|o| o.strip_prefix("gin_pending_list_limit="))
            .unwrap_or_else(|| panic!("no pending-list limit of its own: {options}"))
            .parse()
            .unwrap();
        // Measured: about 700 bytes of pending list per benchmark complaint (BENCHMARKS.md).
        let per_interval_kb = 6_000 * 700 * UPKEEP_INTERVAL.as_millis() as u64 / 1000 / 1024;
        assert!(limit_kb >= 3 * per_interval_kb, "{limit_kb} kB against {per_interval_kb} kB per upkeep interval");
    }

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(redact("postgres://app:secret@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(redact("sqlite://a.db"), "sqlite://a.db");
    }
}
