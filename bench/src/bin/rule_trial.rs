//! What 试运行 costs (`POST /api/v1/routing/rules/backtest`, issue 5): trying a keyword rule on
//! the newest complaints before it is saved. The two parts the endpoint runs, timed apart on an
//! existing database (the one `search-bench` fills is the large one): reading the newest 5,001
//! complaints with where they are now (`Store::recent_handled`), and matching the rule beside
//! the database's saved rules on 5,000 of them (`cloop_nlp::backtest`); and the rule conflicts
//! (`GET /routing/rules/conflicts`, `cloop_nlp::backtest::conflicts`) over the same complaints
//! with the rule saved beside the others. A benchmark, not a test.
//!
//! ```text
//! cargo run --release -p cloop-bench --bin rule_trial -- --database-url 'sqlite:///tmp/s/cloop.db?mode=rwc'
//! ```

use std::time::Instant;

use anyhow::Result;
use chrono::{TimeZone, Utc};
use clap::Parser;
use cloop_bench::{StoreArgs, latency_summary};
use cloop_nlp::backtest::{backtest, conflicts};
use cloop_store::Scope;
use cloop_store::routing::{RoutingRule, RuleDraft};

/// The endpoint's figures.
const LIMIT: u64 = 5_000;
const SAMPLES: usize = 10;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    store: StoreArgs,
    /// Measured runs of each part (after one warm-up run).
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// Words of the rule tried, comma-separated.
    #[arg(long, default_value = "退货,退款,质量问题,re:假货|假冒")]
    patterns: String,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let store = args.store.open().await?;
    println!("backend: {:?}, complaints: {}", store.backend(), store.complaint_count().await?);
    let saved: Vec<_> = store.routing_rules().await?.into_iter().map(RoutingRule::keyword_rule).collect();
    let draft = RuleDraft {
        name: "试运行".into(),
        patterns: args.patterns.split(',').map(str::to_owned).collect(),
        category_code: None,
        department: Some("财务部".into()),
        severity_floor: None,
        flags: Vec::new(),
        priority: 0,
        enabled: true,
    }
    .keyword_rule(i64::MAX);
    // Every complaint is in the period: the newest are read whatever their dates.
    let since = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();

    let mut read = Vec::new();
    let mut matched = Vec::new();
    let mut conflicting = Vec::new();
    let mut last = None;
    let with_draft: Vec<_> = saved.iter().cloned().chain([draft.clone()]).collect();
    for run in 0..=args.runs {
        let t = Instant::now();
        let mut recent = store.recent_handled(&Scope::All, since, LIMIT + 1).await?;
        recent.truncate(LIMIT as usize);
        let read_us = t.elapsed().as_micros() as u32;
        let handled: Vec<_> = recent.into_iter().map(|r| r.handled).collect();
        let t = Instant::now();
        let b = backtest(&draft, &saved, &handled, SAMPLES);
        let match_us = t.elapsed().as_micros() as u32;
        let t = Instant::now();
        let found = conflicts(&with_draft, &handled);
        let conflicts_us = t.elapsed().as_micros() as u32;
        if run > 0 {
            read.push(read_us);
            matched.push(match_us);
            conflicting.push(conflicts_us);
        }
        last = Some((handled.len(), b.matched, saved.len(), found.len()));
    }
    read.sort_unstable();
    matched.sort_unstable();
    conflicting.sort_unstable();
    let (scanned, hits, rules, pairs) = last.expect("one run at least");
    println!("tried on {scanned} complaints beside {rules} saved rules; the rule matched {hits}; {pairs} conflicts");
    println!("read the newest (Store::recent_handled): {}", latency_summary(&read));
    println!("match the rules (cloop_nlp::backtest):   {}", latency_summary(&matched));
    println!("conflicts (cloop_nlp::backtest::conflicts): {}", latency_summary(&conflicting));
    Ok(())
}
