//! What the storage suites share: a fresh store on every backend that can run here, in a
//! directory of its own that goes when the suite's loop is done.

use cloop_store::{Store, StoreConfig};
use sea_orm::ConnectionTrait;
use std::path::PathBuf;

fn random_name() -> String {
    (0..12).map(|_| char::from(b'a' + rand::random_range(0..26u8))).collect()
}

/// The stores to run a test on, named by backend: SQLite always, PostgreSQL whenever
/// `CLOOP_TEST_DATABASE_URL` names a server (in CI it must). Iterate it once; the temporary
/// directory (SQLite's database, both stores' files) is removed when the iterator is dropped.
pub struct Stores {
    stores: std::vec::IntoIter<(&'static str, Store)>,
    dir: PathBuf,
}

impl Iterator for Stores {
    type Item = (&'static str, Store);
    fn next(&mut self) -> Option<Self::Item> {
        self.stores.next()
    }
}

impl Drop for Stores {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Fresh stores for one test; `suite` names the directory and the PostgreSQL database.
pub async fn stores(suite: &str) -> Stores {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(format!("cloop-{suite}-{}", random_name()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cfg = StoreConfig { files_dir: dir.join("files"), ..StoreConfig::default() };
    out.push(("sqlite", Store::open(&cloop_store::db::sqlite_url(&dir), cfg).await.expect("sqlite store")));
    match std::env::var("CLOOP_TEST_DATABASE_URL") {
        Ok(base) => {
            let name = format!("cloop_{suite}_{}", random_name());
            let admin = sea_orm::Database::connect(base.as_str()).await.expect("postgres server");
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
            let url = format!("{}/{name}", &base[..base.rfind('/').expect("url names a database")]);
            let cfg = StoreConfig { files_dir: dir.join("pg-files"), ..StoreConfig::default() };
            out.push(("postgres", Store::open(&url, cfg).await.expect("postgres store")));
        }
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CLOOP_TEST_DATABASE_URL must be set in CI: the storage suites run on PostgreSQL too")
        }
        Err(_) => eprintln!("note: CLOOP_TEST_DATABASE_URL not set; PostgreSQL skipped on this developer machine"),
    }
    Stores { stores: out.into_iter(), dir }
}
