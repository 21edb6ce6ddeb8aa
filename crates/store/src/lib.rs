//! Storage for Complaint Loop: SQLite (embedded default) and PostgreSQL (scale-out) through one
//! code path of sea-query statements. Dialect differences live in [`db`] (setup, migrations) and
//! in the marked dialect section of [`search`] (the full-text index and its queries).
//!
//! Writes to complaints go through one group-commit writer ([`writer`]); reads use the pool.
//! Every change to a complaint appends hash-chained events and updates the projection in the
//! same transaction, so the log and the current state never disagree.

pub mod accounts;
pub mod alerts;
mod chunks;
pub mod complaints;
mod conn;
pub mod customers;
pub mod db;
pub mod error;
pub mod files;
pub mod org;
#[cfg(test)]
mod plan_tests;
pub mod portal;
mod repeats;
pub mod routing;
pub mod scope;
pub mod search;
pub mod seed;
pub mod sla;
pub mod stats;
pub mod verify;
mod writer;

pub use complaints::{
    ComplaintFilter, ComplaintListRow, EventRow, IntakeReceipt, IntakeRouting, Loaded, NewComplaint, NewCustomer, Page,
    RoutingFilter, SortKey,
};
pub use db::Backend;
pub use error::{StoreError, StoreResult};
pub use repeats::MAX_REPEAT_LINKS;
pub use scope::Scope;

use cloop_domain::Policy;
use sea_orm::DatabaseConnection;
use std::path::PathBuf;

/// Settings the store needs.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Case number prefix (default `TS`).
    pub case_prefix: String,
    /// Loop rules (reopen window, retention).
    pub policy: Policy,
    /// Where attachments are kept.
    pub files_dir: PathBuf,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self { case_prefix: "TS".into(), policy: Policy::default(), files_dir: PathBuf::from("cloop-data/files") }
    }
}

/// The database, the writer and the attachment store.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    writer: writer::Writer,
    config: StoreConfig,
    /// Striped locks so commands on one complaint from this process take turns.
    command_locks: std::sync::Arc<Vec<tokio::sync::Mutex<()>>>,
    /// Organisation nodes by id (read on every intake and command for data scope).
    org_cache: std::sync::Arc<std::sync::RwLock<std::collections::HashMap<i64, org::OrgUnit>>>,
    /// SLA, risk and early-warning configuration in use on this node.
    sla: std::sync::Arc<std::sync::RwLock<std::sync::Arc<sla::SlaConfig>>>,
    /// How densely recent searches matched (PostgreSQL sizes its ranking windows by them).
    search_densities: std::sync::Arc<search::Densities>,
}

impl Store {
    /// Connects, migrates and starts the writer.
    pub async fn open(url: &str, config: StoreConfig) -> StoreResult<Self> {
        let (db, backend) = db::connect(url).await?;
        db::migrate(&db).await?;
        std::fs::create_dir_all(&config.files_dir)?;
        let writer = writer::Writer::start(url, &db).await?;
        let command_locks =
            std::sync::Arc::new((0..complaints::COMMAND_LOCK_STRIPES).map(|_| tokio::sync::Mutex::new(())).collect());
        let store = Self {
            db,
            backend,
            writer,
            config,
            command_locks,
            org_cache: Default::default(),
            sla: Default::default(),
            search_densities: Default::default(),
        };
        store.ensure_builtins().await?;
        store.reload_sla_config().await?;
        Ok(store)
    }

    /// The connection pool (for the CLI's maintenance commands and tests).
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The configuration in force.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Whether the database answers and the schema is current (readiness).
    pub async fn ready(&self) -> StoreResult<bool> {
        Ok(db::current_version(&self.db).await? >= db::latest_version())
    }

    /// The database's plan for `query`, a line per step (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN`
    /// on PostgreSQL), for benchmark reports and the tests that pin an index in place.
    pub async fn explain(&self, query: &sea_orm::sea_query::SelectStatement) -> StoreResult<Vec<String>> {
        use sea_orm::ConnectionTrait;
        let stmt = self.db.get_database_backend().build(query);
        let prefix = match self.backend {
            Backend::Sqlite => "EXPLAIN QUERY PLAN ",
            Backend::Postgres => "EXPLAIN ",
        };
        let explain = sea_orm::Statement::from_sql_and_values(
            stmt.db_backend,
            format!("{prefix}{}", stmt.sql),
            stmt.values.map(|v| v.0).unwrap_or_default(),
        );
        let rows = self.db.query_all_raw(explain).await?;
        Ok(rows
            .into_iter()
            .map(|r| match self.backend {
                Backend::Sqlite => r.try_get::<String>("", "detail").unwrap_or_default(),
                Backend::Postgres => r.try_get::<String>("", "QUERY PLAN").unwrap_or_default(),
            })
            .collect())
    }

    /// A consistent copy of the database while it runs. SQLite: `VACUUM INTO`, a transactionally
    /// consistent snapshot. PostgreSQL backups belong to `pg_dump`, which the CLI calls.
    pub async fn backup_sqlite(&self, target: &std::path::Path) -> StoreResult<()> {
        use sea_orm::ConnectionTrait;
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Config("backup_sqlite needs SQLite".into()));
        }
        if target.exists() {
            return Err(StoreError::Config(format!("{} exists already", target.display())));
        }
        let path = target.to_string_lossy().replace('\'', "''");
        self.db.execute_unprepared(&format!("VACUUM INTO '{path}'")).await?;
        Ok(())
    }
}
