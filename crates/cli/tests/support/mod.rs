//! What the black-box tests of the binary share: a database of their own on the test
//! PostgreSQL server (`CLOOP_TEST_DATABASE_URL`, always set in CI).

#![allow(dead_code)] // each test binary uses its own part

use std::time::{SystemTime, UNIX_EPOCH};

/// The URL of a PostgreSQL server for tests, or `None` to skip (never in CI).
pub fn postgres_url() -> Option<String> {
    match std::env::var("CLOOP_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CLOOP_TEST_DATABASE_URL must be set in CI (PostgreSQL tests are not skipped there)")
        }
        _ => {
            eprintln!("note: CLOOP_TEST_DATABASE_URL is not set; skipping the PostgreSQL variant");
            None
        }
    }
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A database of its own on the test server, dropped afterwards.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub async fn create(server_url: &str) -> Self {
        use sea_orm::ConnectionTrait;
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_nanos();
        let name = format!("cloop_cli_{}_{}", std::process::id(), nanos % 1_000_000_000);
        let db = sea_orm::Database::connect(server_url).await.expect("connect to the test PostgreSQL server");
        db.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create a test database");
        db.close().await.ok();
        Self { admin_url: server_url.to_owned(), url: with_database(server_url, &name), name }
    }

    pub async fn drop_it(self) {
        use sea_orm::ConnectionTrait;
        let db = sea_orm::Database::connect(&self.admin_url).await.expect("connect to the test PostgreSQL server");
        db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .await
            .expect("drop the test database");
        db.close().await.ok();
    }
}
