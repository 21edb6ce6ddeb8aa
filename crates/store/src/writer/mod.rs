//! Group commit (DESIGN §13, issue #2 benchmarks): one writer task per process takes every
//! complaint write that is waiting, runs them in a single transaction and commits once, then
//! answers each caller. With `synchronous=FULL` a commit costs an fsync; sharing it among all
//! waiting requests is what lets intake reach thousands per second while every acknowledged
//! complaint is on disk.
//!
//! Writes are appended, never read-modify-written here: callers load and decide outside, and the
//! writer checks the complaint's version so a concurrent change is answered with a conflict
//! (the caller decides again). If a batch fails as a whole, each job is retried alone so one
//! bad request cannot fail its neighbours.

mod sqlite;
pub(crate) mod terms;

use crate::alerts::{self, AlertJob};
use crate::complaints::{self, AppendJob, IntakeJob, IntakeReceipt};
use crate::conn::Conn;
use crate::db::{self, Backend};
use crate::error::{StoreError, StoreResult};
use sea_orm::{DatabaseConnection, TransactionTrait};
use sqlite::SqliteWriter;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most jobs one transaction takes.
const MAX_BATCH: usize = 256;

/// A write waiting for the writer.
pub(crate) enum Job {
    Intake(IntakeJob, oneshot::Sender<StoreResult<IntakeReceipt>>),
    Append(AppendJob, oneshot::Sender<StoreResult<()>>),
    Alert(AlertJob, oneshot::Sender<StoreResult<Option<i64>>>),
}

/// The handle callers use to queue writes.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    tx: mpsc::Sender<Job>,
    /// PostgreSQL: the search terms indexed beside the writer ([`terms`]).
    terms: Option<Arc<terms::Terms>>,
}

impl Writer {
    /// Starts the writer on a thread of its own, with its own connection ([`WriterDb`]).
    ///
    /// Its own thread and single-threaded runtime, rather than a task among the HTTP handlers:
    /// the writer is the one serial stage of intake, and as a task it waited in tokio's run
    /// queue behind dozens of busy connections between every statement of a batch. It stops
    /// when the last [`Writer`] handle is dropped.
    ///
    /// It also starts the background upkeep: on SQLite a checkpointer thread with its own
    /// connection ([`sqlite::Checkpointer`]), on PostgreSQL the search terms' indexer on `pool`
    /// ([`terms`]), which also runs [`db::upkeep`].
    pub(crate) async fn start(url: &str, pool: &DatabaseConnection) -> StoreResult<Self> {
        let (tx, rx) = mpsc::channel(4096);
        let (ready, connected) = oneshot::channel::<StoreResult<()>>();
        let url = url.to_owned();
        let url_for_upkeep = url.clone();
        let terms = match Backend::from_url(&url)? {
            Backend::Postgres => Some(terms::Terms::new()),
            Backend::Sqlite => None,
        };
        let terms_for_writer = terms.clone();
        std::thread::Builder::new().name("cloop-writer".into()).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(r) => r,
                Err(e) => {
                    let _ = ready.send(Err(e.into()));
                    return;
                }
            };
            runtime.block_on(async move {
                match WriterDb::connect(&url).await {
                    Ok(db) => {
                        let _ = ready.send(Ok(()));
                        run(db, rx, terms_for_writer).await;
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                    }
                }
            });
        })?;
        connected.await.map_err(|_| StoreError::Closed)??;
        match &terms {
            None => {
                let writer = tx.downgrade();
                sqlite::Checkpointer::open(&url_for_upkeep)?.spawn(move || writer.upgrade().is_some())?;
            }
            Some(terms) => {
                tokio::spawn(terms::run(pool.clone(), terms.clone(), tx.downgrade()));
            }
        }
        Ok(Self { tx, terms })
    }

    /// Waits until searches can find everything this node committed before the call (on
    /// PostgreSQL, whose terms are indexed beside the writer; at once on SQLite).
    pub(crate) async fn search_caught_up(&self) {
        if let Some(terms) = &self.terms {
            terms.caught_up().await;
        }
    }

    pub(crate) async fn intake(&self, job: IntakeJob) -> StoreResult<IntakeReceipt> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Job::Intake(job, reply)).await.map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    pub(crate) async fn append(&self, job: AppendJob) -> StoreResult<()> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Job::Append(job, reply)).await.map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    pub(crate) async fn alert(&self, job: AlertJob) -> StoreResult<Option<i64>> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Job::Alert(job, reply)).await.map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }
}

/// The writer's own connection, kept apart from the read pool: it is always there, so a batch
/// never waits for a pooled connection behind readers. On SQLite it is a rusqlite connection
/// used on the writer's thread ([`sqlite`] says why); on PostgreSQL a pool of one
/// ([`db::connect_writer`]). The statements are the same on both.
enum WriterDb {
    Sqlite(SqliteWriter),
    Postgres(DatabaseConnection),
}

impl WriterDb {
    async fn connect(url: &str) -> StoreResult<Self> {
        Ok(match Backend::from_url(url)? {
            Backend::Sqlite => WriterDb::Sqlite(SqliteWriter::open(url)?),
            Backend::Postgres => WriterDb::Postgres(db::connect_writer(url).await?),
        })
    }
}

async fn run(db: WriterDb, mut rx: mpsc::Receiver<Job>, terms: Option<Arc<terms::Terms>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Committed: new complaints go to the terms indexer before anyone hears of them, so a
    // search that follows an answer waits for their terms.
    let committed = |results: &[StoreResult<Outcome>]| {
        if let Some(terms) = &terms {
            let ids = results.iter().filter_map(|r| match r {
                Ok(Outcome::Intake(receipt)) if receipt.created => Some(receipt.complaint_id.0),
                _ => None,
            });
            if let Some((lo, hi)) = ids.fold(None, |span: Option<(i64, i64)>, id| {
                Some(span.map_or((id, id), |(lo, hi)| (lo.min(id), hi.max(id))))
            }) {
                terms.hand(lo, hi);
            }
        }
    };
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        metrics::histogram!("cloop_group_commit_batch_size").record(batch.len() as f64);
        let jobs = std::mem::take(&mut batch);
        let started = std::time::Instant::now();
        let outcome = commit(&db, &jobs).await;
        metrics::histogram!("cloop_group_commit_seconds").record(started.elapsed().as_secs_f64());
        match outcome {
            Ok(results) => {
                committed(&results);
                answer(jobs, results);
            }
            Err(e) => {
                tracing::warn!(error = %e, size = jobs.len(), "group commit failed; retrying jobs one by one");
                for job in jobs {
                    let result = commit(&db, std::slice::from_ref(&job)).await;
                    match result {
                        Ok(results) => {
                            committed(&results);
                            answer(vec![job], results);
                        }
                        Err(e) => answer(vec![job], vec![Err(e)]),
                    }
                }
            }
        }
    }
}

/// What one job produced inside the transaction.
pub(crate) enum Outcome {
    Intake(IntakeReceipt),
    Append,
    Alert(Option<i64>),
}

fn answer(jobs: Vec<Job>, results: Vec<StoreResult<Outcome>>) {
    for (job, result) in jobs.into_iter().zip(results) {
        match job {
            Job::Intake(_, reply) => {
                let _ = reply.send(result.map(|o| match o {
                    Outcome::Intake(r) => r,
                    Outcome::Append | Outcome::Alert(_) => unreachable!("intake jobs produce receipts"),
                }));
            }
            Job::Append(_, reply) => {
                let _ = reply.send(result.map(|_| ()));
            }
            Job::Alert(_, reply) => {
                let _ = reply.send(result.map(|o| match o {
                    Outcome::Alert(id) => id,
                    Outcome::Intake(_) | Outcome::Append => unreachable!("alert jobs produce alert ids"),
                }));
            }
        }
    }
}

/// Runs `jobs` in one transaction. A job refused on its own merits (version conflict) gets its
/// error in the result list; a database error fails the whole batch.
async fn commit(db: &WriterDb, jobs: &[Job]) -> StoreResult<Vec<StoreResult<Outcome>>> {
    match db {
        WriterDb::Sqlite(conn) => conn.transaction(async |conn| write_batch(conn, jobs).await).await,
        WriterDb::Postgres(db) => {
            let txn = db.begin().await?;
            let results = write_batch(&txn, jobs).await?;
            txn.commit().await?;
            Ok(results)
        }
    }
}

/// Writes `jobs` inside the caller's transaction.
async fn write_batch(txn: &impl Conn, jobs: &[Job]) -> StoreResult<Vec<StoreResult<Outcome>>> {
    let intakes: Vec<&IntakeJob> = jobs
        .iter()
        .filter_map(|j| match j {
            Job::Intake(i, _) => Some(i),
            Job::Append(..) | Job::Alert(..) => None,
        })
        .collect();
    let mut receipts = complaints::write_intakes(txn, &intakes).await?.into_iter();
    let mut results = Vec::with_capacity(jobs.len());
    let mut appends = Vec::new();
    for job in jobs {
        match job {
            Job::Intake(..) => results.push(Ok(Outcome::Intake(receipts.next().expect("one receipt per intake")))),
            Job::Append(a, _) => {
                appends.push(a);
                results.push(Ok(Outcome::Append));
            }
            // Placeholders: alerts are written after the complaints they may name.
            Job::Alert(..) => results.push(Ok(Outcome::Alert(None))),
        }
    }
    if !appends.is_empty() {
        let conflicts = complaints::write_appends(txn, &appends).await?;
        let mut i = 0;
        for (job, result) in jobs.iter().zip(results.iter_mut()) {
            if let Job::Append(..) = job {
                if conflicts[i] {
                    *result = Err(StoreError::Conflict);
                }
                i += 1;
            }
        }
    }
    for (job, result) in jobs.iter().zip(results.iter_mut()) {
        if let Job::Alert(a, _) = job {
            *result = Ok(Outcome::Alert(alerts::write_alert(txn, a).await?));
        }
    }
    crate::search::merge_step(txn, jobs.len()).await?;
    Ok(results)
}
