//! The near-duplicate window of a node (DESIGN §4, repeat detection): the text fingerprints of
//! each company's newest complaints, kept in memory, so a routed intake compares its SimHash
//! with them without reading the database.
//!
//! Reading the window per intake (`Store::recent_fingerprints`, 100 rows) was the largest part
//! of routing's cost: on SQLite about a third of the routed intake's CPU, and routed intake ran
//! two thirds as fast with it as without it (BENCHMARKS.md, "The writer, fifth pass").
//!
//! What the window holds, per company, is what that query answered: the newest `size`
//! complaints with a fingerprint, by (received, id). A company's window is read from the
//! database the first time an intake of that company needs it. After that it learns of new
//! complaints two ways:
//! - this node's own intakes, as soon as they are committed ([`NearDupWindow::remember`]);
//! - everyone's, by reading the complaints above the highest id seen, at most once per
//!   [`TAIL_EVERY`] ([`NearDupWindow::window`]). That covers other nodes on a shared PostgreSQL
//!   and complaints registered by the command line. Each read goes back [`TAIL_OVERLAP`] ids,
//!   because on PostgreSQL two nodes' transactions can commit out of id order; anything read
//!   twice is kept once.
//!
//! So a complaint from another node is compared against at most [`TAIL_EVERY`] after it was
//! committed; on one node nothing is missed.

use chrono::{DateTime, Utc};
use cloop_store::routing::RecentFingerprint;
use cloop_store::{Store, StoreResult};
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a node reads the complaints other nodes took in.
pub const TAIL_EVERY: Duration = Duration::from_secs(1);

/// How many ids below the highest seen each read goes back (two writers' largest batches).
pub const TAIL_OVERLAP: i64 = 512;

/// The most complaints one read takes; a node that fell further behind reads again next time.
const TAIL_LIMIT: u64 = 10_000;

/// One company's newest fingerprints, ordered by (received, id).
type Window = BTreeSet<(DateTime<Utc>, i64, u64)>;

#[derive(Debug, Default)]
struct State {
    /// Per company, once read.
    companies: HashMap<i64, Window>,
    /// The highest complaint id read from the database (`None` before the first read).
    last_id: Option<i64>,
    /// When the database was last read.
    tailed: Option<Instant>,
}

/// The windows of one node.
#[derive(Debug)]
pub struct NearDupWindow {
    size: usize,
    state: Mutex<State>,
    /// One reader of the database at a time; the others use what is there.
    tailing: tokio::sync::Mutex<()>,
}

impl NearDupWindow {
    /// Windows of the newest `size` complaints per company.
    pub fn new(size: u64) -> Self {
        Self {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            state: Mutex::new(State::default()),
            tailing: tokio::sync::Mutex::new(()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("near-duplicate window lock")
    }

    /// The fingerprints of `company`'s newest complaints received since `since`, newest first,
    /// as `(id, fingerprint)`: what `Store::recent_fingerprints(company, since, size)` answers.
    pub async fn window(&self, store: &Store, company: i64, since: DateTime<Utc>) -> StoreResult<Vec<(i64, u64)>> {
        if self.size == 0 {
            return Ok(Vec::new());
        }
        self.tail(store).await?;
        let known = self.state().companies.contains_key(&company);
        if !known {
            // Everything up to `last_id` was committed before this read starts, so the read
            // sees it; what comes later, the tail and `remember` add.
            let rows = store.recent_fingerprints(cloop_domain::OrgUnitId(company), epoch(), self.size as u64).await?;
            let mut state = self.state();
            let window = state.companies.entry(company).or_default();
            window.extend(rows.iter().map(|f| (f.received_at, f.id, f.fingerprint)));
            trim(window, self.size);
        }
        let state = self.state();
        Ok(state.companies.get(&company).map_or_else(Vec::new, |w| {
            w.iter().rev().take_while(|(at, ..)| *at >= since).map(|&(_, id, f)| (id, f)).collect()
        }))
    }

    /// Adds a complaint this node has just committed.
    pub fn remember(&self, f: RecentFingerprint) {
        let mut state = self.state();
        if let Some(window) = state.companies.get_mut(&f.company_id) {
            window.insert((f.received_at, f.id, f.fingerprint));
            trim(window, self.size);
        }
    }

    /// Reads the complaints committed since the last read, if that was [`TAIL_EVERY`] ago.
    async fn tail(&self, store: &Store) -> StoreResult<()> {
        let due = |s: &State| s.tailed.is_none_or(|t| t.elapsed() >= TAIL_EVERY);
        if !due(&self.state()) {
            return Ok(());
        }
        let first = self.state().last_id.is_none();
        let _turn = if first {
            self.tailing.lock().await
        } else {
            match self.tailing.try_lock() {
                Ok(turn) => turn,
                Err(_) => return Ok(()),
            }
        };
        let last_id = {
            let state = self.state();
            if !due(&state) {
                return Ok(());
            }
            state.last_id
        };
        let Some(last_id) = last_id else {
            let last = store.last_complaint_id().await?;
            let mut state = self.state();
            state.last_id = Some(last);
            state.tailed = Some(Instant::now());
            return Ok(());
        };
        let rows = store.fingerprints_after(last_id - TAIL_OVERLAP, TAIL_LIMIT).await?;
        let mut state = self.state();
        for f in &rows {
            if let Some(window) = state.companies.get_mut(&f.company_id) {
                window.insert((f.received_at, f.id, f.fingerprint));
            }
        }
        for window in state.companies.values_mut() {
            trim(window, self.size);
        }
        if let Some(newest) = rows.iter().map(|f| f.id).max() {
            state.last_id = Some(newest.max(last_id));
        }
        state.tailed = Some(Instant::now());
        Ok(())
    }
}

/// Keeps the newest `size`.
fn trim(window: &mut Window, size: usize) {
    while window.len() > size {
        window.pop_first();
    }
}

/// A lower bound for `received_at` that every stored complaint passes.
fn epoch() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}
