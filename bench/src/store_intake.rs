//! `store-intake`: the intake path below HTTP. Opens the store the way `cloop serve` does and
//! has `--clients` tasks register complaints in a loop for `--duration`, doing what the intake
//! handler does after validation:
//!
//! * `--mode handler` (default): org unit and its company (cached by the store), `Store::intake`
//!   (org path, then the group-commit writer, which hands back the new complaint);
//! * `--mode write`: only `Store::intake`.
//!
//! Comparing with `intake-load` against `cloop serve` on the same database separates the cost
//! of HTTP + auth + JSON + validation from the cost of the store. Group-commit batch sizes are
//! read from the store's own `cloop_group_commit_batch_size` metric.

use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::{Parser, ValueEnum};
use cloop_bench::{Rng, default_data, load_texts, mean_ms, name, parse_duration, pct, phone, process_cpu};
use cloop_domain::{ActorRef, Channel, OrgUnitId, UserId};
use cloop_store::{NewComplaint, NewCustomer, Store, StoreConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// The reads and the write of the intake handler.
    Handler,
    /// Only `Store::intake` (org path + group commit).
    Write,
}

/// Intake straight into the store, no HTTP.
#[derive(Debug, Parser)]
#[command(name = "store-intake", about)]
struct Args {
    /// Data directory (the SQLite file is DIR/cloop.db unless --database-url is given).
    #[arg(long)]
    data_dir: PathBuf,
    /// Database URL (sqlite://… or postgres://…).
    #[arg(long)]
    database_url: Option<String>,
    /// An existing user the complaints are registered by (`cloop user add`).
    #[arg(long, default_value = "bench")]
    username: String,
    /// Concurrent tasks.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Measured window.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Warm-up before the measured window.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    warmup: Duration,
    /// What each task does per complaint.
    #[arg(long, value_enum, default_value = "handler")]
    mode: Mode,
    /// JSONL data set (`{"text": …}` lines).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Distinct customer phone numbers.
    #[arg(long, default_value_t = 20_000)]
    phones: usize,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let prometheus = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .context("installing the metrics recorder")?;
    let url = args.database_url.clone().unwrap_or_else(|| cloop_store::db::sqlite_url(&args.data_dir));
    let config = StoreConfig { files_dir: args.data_dir.join("files"), ..StoreConfig::default() };
    let store = Store::open(&url, config).await.context("opening the store")?;
    let (user, _) = store.user_by_username(&args.username).await?.context("no such user (run `cloop user add`)")?;
    let texts = Arc::new(load_texts(&args.data.clone().unwrap_or_else(default_data))?);
    let phones: Arc<Vec<(String, String)>> = Arc::new((0..args.phones).map(|i| (phone(i), name(i))).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let warmup_end = start + args.warmup;
    let end = warmup_end + args.duration;
    let cpu0 = process_cpu();
    let mut tasks = Vec::new();
    for id in 0..args.clients {
        let (store, texts, phones, next, user) =
            (store.clone(), texts.clone(), phones.clone(), next.clone(), user.clone());
        let mode = args.mode;
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::for_client(id);
            let mut lat = Vec::new();
            let mut done_total = 0u64;
            while Instant::now() < end {
                let r = rng.next_u64();
                let (ph, nm) = &phones[(r >> 16) as usize % phones.len()];
                let content = texts[next.fetch_add(1, Ordering::Relaxed) % texts.len()].clone();
                let t0 = Instant::now();
                let now = Utc::now();
                let (unit_id, company_id) = if mode == Mode::Handler {
                    let unit = store.org_unit(user.org_unit_id).await?;
                    let company = store.company_of(&unit).await?.unwrap_or_else(|| unit.clone());
                    (unit.id, company.id)
                } else {
                    (user.org_unit_id, user.org_unit_id)
                };
                let new = NewComplaint {
                    customer: NewCustomer { name: nm.clone(), phone: Some(ph.clone()), email: None },
                    channel: Channel::Web,
                    summary: content.chars().take(40).collect(),
                    content,
                    customer_request: None,
                    product_ref: None,
                    order_ref: None,
                    category_id: None,
                    severity: None,
                    received_at: now,
                    company_id: OrgUnitId(company_id),
                    intake_unit_id: OrgUnitId(unit_id),
                };
                let receipt = store.intake(new, ActorRef::User { id: UserId(user.id) }, None, now).await?;
                // Like the handler: a new complaint comes back from the writer; only a retried
                // (idempotent) one is read again.
                if mode == Mode::Handler && receipt.complaint.is_none() {
                    store.load(receipt.complaint_id).await?;
                }
                let done = Instant::now();
                done_total += 1;
                if done >= warmup_end && done <= end {
                    lat.push((done - t0).as_micros().min(u128::from(u32::MAX)) as u32);
                }
            }
            Ok::<_, anyhow::Error>((lat, done_total))
        }));
    }
    let mut lat = Vec::new();
    let mut total = 0;
    for t in tasks {
        let (l, n) = t.await??;
        lat.extend(l);
        total += n;
    }
    let cpu = match (cpu0, process_cpu()) {
        (Some(a), Some(b)) => Some((b - a).as_secs_f64()),
        _ => None,
    };
    let wall = start.elapsed().as_secs_f64();
    lat.sort_unstable();
    if lat.is_empty() {
        bail!("nothing was registered in the measured window");
    }
    let metrics = prometheus.render();
    let metric = |name: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    let batches = metric("cloop_group_commit_batch_size_count");
    let batched = metric("cloop_group_commit_batch_size_sum");
    println!("mode                   {:?} ({} tasks, {})", args.mode, args.clients, cloop_store::db::redact(&url));
    println!("registered             {total} (of which {} in the measured window)", lat.len());
    println!(
        "throughput             {:.0} complaints/s over {:.1} s",
        lat.len() as f64 / args.duration.as_secs_f64(),
        args.duration.as_secs_f64()
    );
    println!(
        "latency (ms)           p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}  mean {:.2}",
        pct(&lat, 50.0),
        pct(&lat, 90.0),
        pct(&lat, 99.0),
        pct(&lat, 100.0),
        mean_ms(&lat)
    );
    if let (Some(n), Some(s)) = (batches, batched) {
        println!("group commits          {n:.0} transactions, {:.1} complaints each on average", s / n.max(1.0));
    }
    if let Some(c) = cpu {
        println!("process CPU            {c:.1} s over {wall:.1} s wall ({:.0}% of one core)", 100.0 * c / wall);
    }
    Ok(())
}
