//! Maintenance subcommands: `migrate`, `verify`, `backup` and `export-openapi`. Each opens
//! the store, does one thing and reports it in a line or two that scripts can read.

use crate::config::Config;
use anyhow::{Context, Result, bail};
use cloop_store::Backend;
use std::path::Path;
use std::process::ExitCode;

/// Exit code of `verify` when the record is broken (1 stays "the command failed").
pub const EXIT_BROKEN: u8 = 2;

/// `cloop migrate`: opening the store applies pending migrations; prints the schema version.
pub async fn migrate(config: &Config) -> Result<()> {
    let store = config.open_store().await?;
    let version = cloop_store::db::current_version(store.connection()).await.context("reading the schema version")?;
    println!("schema version {version} ({})", cloop_store::db::redact(&config.database_url));
    Ok(())
}

/// `cloop verify`: recomputes every hash chain; exit code 2 names the first broken link.
pub async fn verify(config: &Config) -> Result<ExitCode> {
    let store = config.open_store().await?;
    let report = store.verify().await.context("verifying the event log")?;
    println!("checked {} complaints, {} events", report.complaints, report.events);
    match report.first_break {
        None => {
            println!("OK");
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            let case = if b.case_no.is_empty() { String::new() } else { format!("{} ", b.case_no) };
            println!("BROKEN: complaint {case}(id {}) event seq {}: {}", b.complaint_id, b.seq, b.reason);
            Ok(ExitCode::from(EXIT_BROKEN))
        }
    }
}

/// `cloop backup FILE`: `VACUUM INTO` on SQLite, `pg_dump --format=custom` on PostgreSQL.
pub async fn backup(config: &Config, file: &Path) -> Result<()> {
    if file.exists() {
        bail!("{} exists already; choose a new file name / 备份文件已存在", file.display());
    }
    let target = std::path::absolute(file).with_context(|| format!("resolving {}", file.display()))?;
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    match Backend::from_url(&config.database_url).map_err(|e| anyhow::anyhow!("{e}"))? {
        Backend::Sqlite => {
            let store = config.open_store().await?;
            store.backup_sqlite(&target).await.with_context(|| format!("writing the backup {}", target.display()))?;
        }
        Backend::Postgres => pg_dump(&config.database_url, &target)?,
    }
    let size = std::fs::metadata(&target).with_context(|| format!("reading {}", target.display()))?.len();
    println!("backup written to {} ({size} bytes)", target.display());
    Ok(())
}

/// Runs `pg_dump` (blocking: the CLI has nothing else to do meanwhile), with the password passed in `PGPASSWORD` rather than on the command line
/// (where `ps` would show it).
fn pg_dump(url: &str, target: &Path) -> Result<()> {
    let (url_without_password, password) = split_password(url);
    let mut cmd = std::process::Command::new("pg_dump");
    cmd.arg("--format=custom").arg("--file").arg(target).arg("--dbname").arg(&url_without_password);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let status = match cmd.status() {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "pg_dump was not found on PATH; install the PostgreSQL client tools (e.g. apt-get install postgresql-client) / 未找到 pg_dump"
        ),
        Err(e) => return Err(e).context("starting pg_dump"),
    };
    if !status.success() {
        // Leave no half-written backup behind.
        let _ = std::fs::remove_file(target);
        bail!("pg_dump failed ({status}) for {}", cloop_store::db::redact(url));
    }
    Ok(())
}

/// Splits `postgres://user:pass@host/db` into `postgres://user@host/db` and `pass`.
fn split_password(url: &str) -> (String, Option<String>) {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, pass)) => (format!("{}://{user}@{}", &url[..s], &url[at + 1..]), Some(pass.to_owned())),
            None => (url.to_owned(), None),
        },
        _ => (url.to_owned(), None),
    }
}

/// `cloop export-openapi`: the API contract as pretty JSON.
pub fn export_openapi(output: Option<&Path>) -> Result<()> {
    let json = cloop_server::openapi_json();
    match output {
        Some(path) => {
            std::fs::write(path, format!("{json}\n")).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("OpenAPI contract written to {}", path.display());
        }
        None => println!("{json}"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_taken_out_of_the_url_for_pg_dump() {
        assert_eq!(
            split_password("postgres://app:s3cret@db:5432/cloop"),
            ("postgres://app@db:5432/cloop".to_owned(), Some("s3cret".to_owned()))
        );
        assert_eq!(split_password("postgres://app@db/cloop"), ("postgres://app@db/cloop".to_owned(), None));
    }
}
