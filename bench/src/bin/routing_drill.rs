//! What opening a number of 分派效果 costs (issue 5): the workbench's first page of the
//! complaints behind it (`Store::list_complaints` with a `RoutingFilter`, page of 20 with the
//! total, newest first), on a large database. A benchmark, not a test.
//!
//! On a database `search-bench --load-only` filled (its complaints went through no routing),
//! `--mark-routed` first writes routing columns as intake would have: a third each by rule, model
//! and triage, a fifth sent to 财务部 and the rest to the 客服中心 they are in, a tenth marked
//! misrouted. That changes the database: use it on a benchmark's copy only.
//!
//! ```text
//! cargo run --release -p cloop-bench --bin routing_drill -- --database-url 'sqlite:///tmp/s/cloop.db?mode=rwc' --mark-routed
//! ```

use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use clap::Parser;
use cloop_bench::{StoreArgs, latency_summary};
use cloop_domain::routing::RoutedBy;
use cloop_domain::routing_outcomes::RoutingResult;
use cloop_store::{ComplaintFilter, RoutingFilter, Scope, SortKey};
use sea_orm::ConnectionTrait;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    store: StoreArgs,
    /// Write routing columns first (a benchmark database only).
    #[arg(long)]
    mark_routed: bool,
    /// The period, in days up to the newest complaint.
    #[arg(long, default_value_t = 30)]
    days: i64,
    /// Measured runs of each list (after one warm-up run).
    #[arg(long, default_value_t = 10)]
    runs: usize,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let store = args.store.open().await?;
    println!("backend: {:?}, complaints: {}", store.backend(), store.complaint_count().await?);
    let db = store.connection();
    if args.mark_routed {
        let unit = store.org_unit_by_code("searchbench.cc").await.context("a search-bench database")?;
        let t = Instant::now();
        let n = db
            .execute_unprepared(&format!(
                "UPDATE complaints SET department_id = {unit}, \
                 routed_by = CASE id % 3 WHEN 0 THEN 'rule' WHEN 1 THEN 'model' ELSE 'triage' END, \
                 routed_department = CASE WHEN id % 5 = 0 THEN '财务部' ELSE '客服中心' END, \
                 misrouted = (id % 10 = 0) WHERE routed_by IS NULL",
                unit = unit.id
            ))
            .await?
            .rows_affected();
        println!("marked {n} complaints routed in {:.1} s", t.elapsed().as_secs_f64());
    }
    let newest: DateTime<Utc> = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT max(received_at) AS m FROM complaints",
        ))
        .await?
        .context("no complaints")?
        .try_get("", "m")?;
    let since = newest - Duration::days(args.days);
    let cases = [
        (
            "moved away from 财务部 (rule, model)",
            RoutingFilter {
                by: vec![RoutedBy::Rule, RoutedBy::Model],
                department: Some("财务部".into()),
                result: Some(RoutingResult::Moved),
                ..Default::default()
            },
        ),
        (
            "kept in 客服中心 (rule, model)",
            RoutingFilter {
                by: vec![RoutedBy::Rule, RoutedBy::Model],
                department: Some("客服中心".into()),
                result: Some(RoutingResult::Kept),
                ..Default::default()
            },
        ),
        (
            "misrouted (model)",
            RoutingFilter { by: vec![RoutedBy::Model], result: Some(RoutingResult::Misrouted), ..Default::default() },
        ),
    ];
    for (name, routing) in cases {
        let filter = ComplaintFilter { received_from: Some(since), routing: Some(routing), ..Default::default() };
        let mut times = Vec::new();
        let mut total = 0;
        for run in 0..=args.runs {
            let t = Instant::now();
            let page = store.list_complaints(&Scope::All, &filter, SortKey::ReceivedAt, true, 1, 20).await?;
            if run > 0 {
                times.push(t.elapsed().as_micros() as u32);
            }
            total = page.total;
        }
        times.sort_unstable();
        println!("{name}: {total} complaints; first page with the total: {}", latency_summary(&times));
    }
    Ok(())
}
