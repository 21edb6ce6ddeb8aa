//! `sla-scan`: the SLA scheduler at scale (issue #4).
//!
//! * `scan`: fills a database with `--complaints` open complaints (generated in SQL: next check
//!   times spread over the coming 30 days, `--due` of them already due) and times the scheduler's
//!   query — "which complaints have a threshold due now" — `--runs` times, printing p50/p95/max,
//!   how many it found against how many are due, and the database's query plan.
//! * `deadlines`: due-time computations per second on one core with the shipped business
//!   calendar: business-time and calendar-time targets from random start times over two years.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, TimeZone, Utc};
use clap::{Parser, Subcommand};
use cloop_bench::Rng;
use cloop_domain::calendar::BusinessCalendar;
use cloop_domain::sla::{ClockKind, SlaTarget, deadline};
use cloop_store::{Backend, Store, StoreConfig};
use sea_orm::ConnectionTrait;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Parser)]
#[command(name = "sla-scan", about)]
struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Time the scheduler's due query over many open complaints.
    Scan {
        /// Data directory for SQLite (ignored with --database-url).
        #[arg(long, default_value = "/tmp/cloop-sla-scan")]
        data_dir: PathBuf,
        /// PostgreSQL URL (an empty database; it is filled).
        #[arg(long)]
        database_url: Option<String>,
        /// Open complaints to generate.
        #[arg(long, default_value_t = 1_000_000)]
        complaints: u64,
        /// How many of them are due now.
        #[arg(long, default_value_t = 1_000)]
        due: u64,
        /// Timed runs of the query.
        #[arg(long, default_value_t = 50)]
        runs: usize,
    },
    /// Due-time computations per second on one core.
    Deadlines {
        /// Computations.
        #[arg(long, default_value_t = 2_000_000)]
        n: usize,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    match Args::parse().what {
        What::Scan { data_dir, database_url, complaints, due, runs } => {
            scan(data_dir, database_url, complaints, due, runs).await
        }
        What::Deadlines { n } => {
            deadlines(n);
            Ok(())
        }
    }
}

async fn scan(data_dir: PathBuf, url: Option<String>, n: u64, due: u64, runs: usize) -> Result<()> {
    if due > n {
        bail!("--due must not exceed --complaints");
    }
    let url = match url {
        Some(u) => u,
        None => {
            let _ = std::fs::remove_dir_all(&data_dir);
            std::fs::create_dir_all(&data_dir)?;
            cloop_store::db::sqlite_url(&data_dir)
        }
    };
    let store = Store::open(&url, StoreConfig { files_dir: data_dir.join("files"), ..StoreConfig::default() })
        .await
        .context("opening the store")?;
    let backend = Backend::from_url(&url)?;
    let db = store.connection();
    let now = Utc::now();
    let started = Instant::now();
    // One company unit and one customer for the foreign keys; the rows themselves in one
    // INSERT … SELECT over a generated series (dialect-specific: this is a benchmark).
    let unit = store.create_org_unit(Some(store.root_unit().await?.0), "company", "bench", "压测公司", "Bench").await?;
    db.execute_unprepared(
        "INSERT INTO customers (name, phone, tier, created_at, updated_at) VALUES ('压测', '13800000000', 'normal', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
    )
    .await?;
    let sql = match backend {
        Backend::Sqlite => format!(
            "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n})
             INSERT INTO complaints (case_no, company_id, intake_unit_id, intake_path, customer_id, state, severity,
               channel, tier, summary, search_text, received_at, registered_at, updated_at, version, doc,
               response_due_at, resolution_due_at, sla_next_at, due_at)
             SELECT printf('TS%014d', x), {u}, {u}, '{p}', (SELECT max(id) FROM customers), 'investigating', 2,
               'phone', 'normal', '压测', '压测', '{t}', '{t}', '{t}', 2, '{{}}',
               strftime('%Y-%m-%dT%H:%M:%S+00:00', '{t}', '+' || (x % 43200) || ' minutes'),
               strftime('%Y-%m-%dT%H:%M:%S+00:00', '{t}', '+' || (x % 43200) || ' minutes'),
               CASE WHEN x <= {due} THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', '{t}', '-' || (x % 60 + 1) || ' minutes')
                    ELSE strftime('%Y-%m-%dT%H:%M:%S+00:00', '{t}', '+' || (x % 43200 + 1) || ' minutes') END,
               strftime('%Y-%m-%dT%H:%M:%S+00:00', '{t}', '+' || (x % 43200) || ' minutes')
             FROM s",
            u = unit.id,
            p = unit.path,
            t = now.format("%Y-%m-%dT%H:%M:%S+00:00"),
        ),
        Backend::Postgres => format!(
            "INSERT INTO complaints (case_no, company_id, intake_unit_id, intake_path, customer_id, state, severity,
               channel, tier, summary, search_text, received_at, registered_at, updated_at, version, doc,
               response_due_at, resolution_due_at, sla_next_at, due_at)
             SELECT 'TS' || lpad(x::text, 14, '0'), {u}, {u}, '{p}', (SELECT max(id) FROM customers), 'investigating', 2,
               'phone', 'normal', '压测', '压测', '{t}', '{t}', '{t}', 2, '{{}}',
               '{t}'::timestamptz + (x % 43200) * interval '1 minute',
               '{t}'::timestamptz + (x % 43200) * interval '1 minute',
               CASE WHEN x <= {due} THEN '{t}'::timestamptz - (x % 60 + 1) * interval '1 minute'
                    ELSE '{t}'::timestamptz + (x % 43200 + 1) * interval '1 minute' END,
               '{t}'::timestamptz + (x % 43200) * interval '1 minute'
             FROM generate_series(1, {n}) AS x",
            u = unit.id,
            p = unit.path,
            t = now.to_rfc3339(),
        ),
    };
    db.execute_unprepared(&sql).await.context("generating complaints")?;
    if backend == Backend::Postgres {
        db.execute_unprepared("ANALYZE complaints").await?;
    } else {
        db.execute_unprepared("ANALYZE").await?;
    }
    println!("generated {n} open complaints ({due} due) in {:.1} s", started.elapsed().as_secs_f64());

    let mut times = Vec::with_capacity(runs);
    let mut found = 0;
    for _ in 0..runs {
        let t = Instant::now();
        // The scheduler reads in chunks; every due complaint fits in one read here.
        let ids = store.complaints_due_for_check(now, due.max(1) + 1000).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        found = ids.len();
    }
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "scheduler scan over {n} open complaints: found {found} of {due} due; p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({runs} runs)",
        p(0.5),
        p(0.95),
        times[times.len() - 1]
    );
    if found as u64 != due {
        bail!("the scan found {found} complaints, {due} are due");
    }
    println!("query plan:");
    for line in store.explain_due_for_check(now).await? {
        println!("  {line}");
    }
    Ok(())
}

fn deadlines(n: usize) {
    let cal = BusinessCalendar::china_default();
    let mut rng = Rng::for_client(20261122);
    let base = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let starts: Vec<DateTime<Utc>> =
        (0..4096).map(|_| base + Duration::minutes((rng.next_u64() % (2 * 365 * 1440)) as i64)).collect();
    let targets = [
        SlaTarget::new(ClockKind::Business, 4 * 60).unwrap(),
        SlaTarget::new(ClockKind::Business, 24 * 60).unwrap(),
        SlaTarget::new(ClockKind::Business, 40 * 60).unwrap(),
        SlaTarget::new(ClockKind::Calendar, 2 * 60).unwrap(),
    ];
    let t = Instant::now();
    let mut checksum = 0i64;
    for i in 0..n {
        let d = deadline(starts[i % starts.len()], targets[i % targets.len()], &cal, &[]);
        checksum ^= d.due_at.map_or(0, |d| d.timestamp());
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} due-time computations (3 business-time targets of 4–40 h, 1 calendar-time) in {:.3} s on one core: {:.0} per second (checksum {checksum})",
        secs,
        n as f64 / secs
    );
}
