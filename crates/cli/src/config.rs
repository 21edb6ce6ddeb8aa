//! Command-line options shared by every subcommand, and the one typed [`Config`] they become.
//!
//! Precedence is clap's: a flag beats its `CLOOP_*` environment variable, which beats the
//! default. The database password never reaches a log line: [`Config`]'s `Debug` redacts it.

use anyhow::{Context, Result, bail};
use chrono::Duration;
use clap::Args;
use cloop_domain::Policy;
use cloop_store::StoreConfig;
use std::fmt;
use std::path::PathBuf;

/// Options accepted by every subcommand (`cloop <command> --data-dir …`).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options / 全局选项")]
pub struct GlobalArgs {
    /// Data directory: SQLite database, attachments, demo logins / 数据目录
    #[arg(long, global = true, env = "CLOOP_DATA_DIR", default_value = "./cloop-data", value_name = "DIR")]
    pub data_dir: PathBuf,

    /// Database URL (sqlite://… or postgres://…); default: SQLite file in the data directory / 数据库地址
    #[arg(long, global = true, env = "CLOOP_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Case number prefix, 1–8 upper-case letters / 案件编号前缀
    #[arg(long, global = true, env = "CLOOP_CASE_PREFIX", default_value = "TS", value_name = "PREFIX")]
    pub case_prefix: String,

    /// Days after closing within which a complaint may be reopened / 关闭后可重开天数
    #[arg(long, global = true, env = "CLOOP_REOPEN_DAYS", default_value_t = 30, value_name = "DAYS")]
    pub reopen_days: u32,

    /// Days after closing before a complaint may be archived / 关闭后可归档天数
    #[arg(long, global = true, env = "CLOOP_ARCHIVE_AFTER_DAYS", default_value_t = 0, value_name = "DAYS")]
    pub archive_after_days: u32,
}

/// Everything a subcommand needs to open the store, checked once.
#[derive(Clone)]
pub struct Config {
    /// The data directory (exists once the config is built).
    pub data_dir: PathBuf,
    /// The database URL (may hold a password: see the `Debug` impl).
    pub database_url: String,
    /// What the store is opened with.
    pub store: StoreConfig,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("database_url", &cloop_store::db::redact(&self.database_url))
            .field("store", &self.store)
            .finish()
    }
}

impl Config {
    /// Validates the options, creates the data directory and fills in the defaults that depend
    /// on it (the SQLite URL, the attachment folder).
    pub fn from_args(args: &GlobalArgs) -> Result<Self> {
        if !cloop_domain::case_no::valid_prefix(&args.case_prefix) {
            bail!(
                "invalid --case-prefix '{}': use 1–8 upper-case letters A–Z / 案件编号前缀须为 1–8 个大写字母",
                args.case_prefix
            );
        }
        std::fs::create_dir_all(&args.data_dir)
            .with_context(|| format!("creating the data directory {}", args.data_dir.display()))?;
        let database_url = match args.database_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => url.to_owned(),
            None => cloop_store::db::sqlite_url(&args.data_dir),
        };
        cloop_store::Backend::from_url(&database_url).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Self {
            store: StoreConfig {
                case_prefix: args.case_prefix.clone(),
                policy: Policy {
                    reopen_window: Duration::days(i64::from(args.reopen_days)),
                    archive_after: Duration::days(i64::from(args.archive_after_days)),
                },
                files_dir: args.data_dir.join("files"),
            },
            data_dir: args.data_dir.clone(),
            database_url,
        })
    }

    /// Opens (and migrates) the store.
    pub async fn open_store(&self) -> Result<cloop_store::Store> {
        cloop_store::Store::open(&self.database_url, self.store.clone())
            .await
            .with_context(|| format!("opening the database {}", cloop_store::db::redact(&self.database_url)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(dir: &std::path::Path) -> GlobalArgs {
        GlobalArgs {
            data_dir: dir.to_path_buf(),
            database_url: Some("postgres://app:secret@db:5432/cloop".into()),
            case_prefix: "TS".into(),
            reopen_days: 30,
            archive_after_days: 0,
        }
    }

    #[test]
    fn the_database_password_never_shows_in_debug_output() {
        let dir = std::env::temp_dir().join(format!("cloop-cli-config-{}", std::process::id()));
        let config = Config::from_args(&args(&dir)).unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("app:***@db"), "{shown}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_lower_case_prefix_is_refused() {
        let dir = std::env::temp_dir().join(format!("cloop-cli-config-p-{}", std::process::id()));
        let mut a = args(&dir);
        a.case_prefix = "ts".into();
        assert!(Config::from_args(&a).is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
