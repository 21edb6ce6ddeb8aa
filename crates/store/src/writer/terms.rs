//! PostgreSQL's search terms, indexed beside the intake writer rather than inside it.
//!
//! The writer is the one serial stage of intake, and on PostgreSQL computing and inserting a
//! batch's `tsvector`s (and their GIN pending-list entries) was about a fifth of its transaction
//! (BENCHMARKS.md, "The writer, eleventh pass"). The writer now commits the complaints and their
//! search rows and hands the new ids here; this task indexes what has been handed every
//! [`INDEX_INTERVAL`] in one statement, and merges the GIN pending list every
//! [`db::UPKEEP_INTERVAL`]. The search rows are in the writer's commit, so nothing acknowledged
//! depends on this task: it only derives the index from them.
//!
//! - A search waits for the terms of everything committed before it ([`Terms::caught_up`]), so a
//!   complaint is findable as soon as its intake is answered, as on SQLite.
//! - Terms that a node never indexed (it stopped between a commit and the next pass) are found
//!   when any node starts, and by a sweep of the newest complaints every [`SWEEP_INTERVAL`].
//! - Notes and text changes keep the terms current by trigger, which inserts the row if this
//!   task has not yet, and this task never overwrites a row (migration 0011), so the two cannot
//!   leave older terms behind in either order.

use super::Job;
use crate::db;
use crate::search;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, mpsc, watch};

/// How often handed-over complaints are indexed when no search asks sooner.
const INDEX_INTERVAL: Duration = Duration::from_millis(100);

/// How often the newest complaints are checked for terms no node indexed.
const SWEEP_INTERVAL: Duration = Duration::from_secs(60);

/// How many of the newest complaint ids the sweep looks at.
const SWEEP_WINDOW: i64 = 100_000;

/// The longest a search waits for the indexer before it reads what is indexed.
const CATCH_UP_WAIT: Duration = Duration::from_secs(5);

/// What the writer hands over and what searches wait on.
#[derive(Debug)]
pub(crate) struct Terms {
    /// Committed id ranges not yet indexed.
    queue: Mutex<Vec<(i64, i64)>>,
    /// How many ranges have been handed over, ever.
    handed: AtomicU64,
    /// How many of those are indexed (a count of `handed` read before the queue was taken).
    done: watch::Sender<u64>,
    /// Asks the task for a pass now.
    wake: Notify,
}

impl Terms {
    /// Starts with one unit of work handed over: the check for terms left unindexed before
    /// this start, so the first searches wait for it too.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            queue: Mutex::new(Vec::new()),
            handed: AtomicU64::new(1),
            done: watch::Sender::new(0),
            wake: Notify::new(),
        })
    }

    /// The writer: complaints `lo..=hi` are committed.
    pub(crate) fn hand(&self, lo: i64, hi: i64) {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((lo, hi));
        self.handed.fetch_add(1, Ordering::SeqCst);
    }

    /// Waits until every range handed over before the call is indexed (at most
    /// [`CATCH_UP_WAIT`]: past that the search reads what is there).
    pub(crate) async fn caught_up(&self) {
        let target = self.handed.load(Ordering::SeqCst);
        let mut done = self.done.subscribe();
        if *done.borrow_and_update() >= target {
            return;
        }
        self.wake.notify_one();
        if tokio::time::timeout(CATCH_UP_WAIT, done.wait_for(|d| *d >= target)).await.is_err() {
            tracing::warn!("search terms are behind the last commits; searching what is indexed");
        }
    }

    /// Takes the queue; answers the handed count it covers and the smallest range holding it.
    fn take(&self) -> (u64, Option<(i64, i64)>) {
        // Counted before taking: every range counted was queued before its count went up.
        let upto = self.handed.load(Ordering::SeqCst);
        let ranges = std::mem::take(&mut *self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let span = ranges.iter().copied().reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
        (upto, span)
    }

    /// Puts a range back after a failed pass.
    fn requeue(&self, range: (i64, i64)) {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(range);
    }
}

/// The task: first indexes whatever has no terms (a node stopped between commit and indexing),
/// then passes every [`INDEX_INTERVAL`] or when a search asks, until the writer is gone.
pub(crate) async fn run(pool: DatabaseConnection, terms: Arc<Terms>, writer: mpsc::WeakSender<Job>) {
    match search::index_missing_terms(&pool, 0).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(complaints = n, "indexed search terms left over from before a stop"),
        Err(e) => tracing::warn!(error = %e, "could not check for unindexed search terms"),
    }
    // The unit `Terms::new` counted; whatever the writer handed meanwhile is still queued.
    terms.done.send_replace(1);
    let mut tick = tokio::time::interval(INDEX_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut merged, mut swept) = (Instant::now(), Instant::now());
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = terms.wake.notified() => {}
        }
        if writer.upgrade().is_none() {
            return;
        }
        let (upto, span) = terms.take();
        match span {
            Some((lo, hi)) => match search::index_terms(&pool, lo, hi).await {
                Ok(_) => {
                    terms.done.send_replace(upto);
                }
                Err(e) => {
                    tracing::warn!(error = %e, lo, hi, "indexing search terms failed; retrying on the next pass");
                    terms.requeue((lo, hi));
                }
            },
            None => {
                terms.done.send_replace(upto);
            }
        }
        // What operators watch: batches committed whose terms are not indexed yet (0 when the
        // indexer keeps up; a search waits for them, at most CATCH_UP_WAIT).
        let waiting = terms.handed.load(Ordering::SeqCst).saturating_sub(*terms.done.borrow());
        metrics::gauge!("cloop_search_terms_waiting_batches").set(waiting as f64);
        if merged.elapsed() >= db::UPKEEP_INTERVAL {
            merged = Instant::now();
            if let Err(e) = db::upkeep(&pool).await {
                tracing::debug!(error = %e, "merging the search index failed; the next pass tries again");
            }
        }
        if swept.elapsed() >= SWEEP_INTERVAL {
            swept = Instant::now();
            if let Err(e) = sweep(&pool).await {
                tracing::debug!(error = %e, "the sweep for unindexed search terms failed");
            }
        }
    }
}

/// Indexes any of the newest [`SWEEP_WINDOW`] complaints without terms (another node's batch
/// that it committed and then stopped before indexing).
async fn sweep(pool: &DatabaseConnection) -> crate::error::StoreResult<()> {
    let row = pool
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT coalesce(max(complaint_id), 0) AS hi FROM complaint_search",
        ))
        .await?;
    let hi: i64 = row.map(|r| r.try_get("", "hi")).transpose()?.unwrap_or(0);
    let n = search::index_missing_terms(pool, hi - SWEEP_WINDOW).await?;
    if n > 0 {
        tracing::info!(complaints = n, "indexed search terms another node left behind");
    }
    Ok(())
}
