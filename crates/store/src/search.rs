//! Full-text search over complaints and their notes (DESIGN §13 "Search"), in the database's own
//! index: SQLite FTS5 and PostgreSQL `tsvector` + GIN, no second store to keep in sync.
//!
//! `complaint_search` holds, per complaint, the searchable text (`body`: case number, summary,
//! content, request, product and order; `notes`: the text of every note, one a line) and the
//! index tokens `cloop_nlp` makes of it ([`cloop_nlp::segment::index_text`]: character bigrams of
//! Chinese, Latin words whole). SQLite indexes the token columns with an external-content FTS5
//! table, fed new rows by [`insert_rows`] (one statement per batch) and kept current by
//! triggers on updates and deletes; PostgreSQL with a `tsvector` (body weighted above notes) under
//! a GIN index in the narrow table `complaint_terms`, kept current by a trigger (narrow so that
//! walking it is cheap, see [`window`]). The row is written at intake and touched again only
//! when a note is added or the text changes, so ordinary commands cost the index nothing.
//!
//! Queries are never passed to the database as typed: [`SearchQuery::parse`] turns them into
//! phrase and prefix terms of letters and digits, rendered here into FTS5 or `tsquery` syntax.
//! All SQL that differs between the two databases for search is in the section marked
//! "Dialect" below.

use crate::error::{StoreError, StoreResult};
use crate::scope::Scope;
use crate::{ComplaintFilter, ComplaintListRow, Store};
use cloop_domain::complaint::{Event, EventBody};
use cloop_domain::{Complaint, ComplaintId};
use cloop_nlp::segment::{self, QueryTerm};
pub use cloop_nlp::segment::{SearchQuery, SnippetPart};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, OnConflict, Order, PostgresQueryBuilder, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, TransactionTrait};
use serde::Serialize;
use std::collections::HashMap;

/// Characters of context in a snippet.
pub const SNIPPET_CHARS: usize = 80;

/// The `settings` key that records which [`segment::INDEX_VERSION`] the index was built with.
const INDEX_VERSION_KEY: &str = "search_index_version";

/// The searchable text of a complaint's own fields, one field a line. A summary drawn from the
/// content (or otherwise contained in it) is left out: it would only repeat the content.
pub fn body_text(c: &Complaint) -> String {
    with_case_no(&c.case_no, &fields_text(&c.summary, &c.content, [&c.customer_request, &c.product_ref, &c.order_ref]))
}

/// [`body_text`] without the case number.
fn fields_text(summary: &str, content: &str, optional: [&Option<String>; 3]) -> String {
    // A summary cut from the content (`…` at the end when cut short, as intake makes it when
    // none is given) adds nothing to search: indexed again, its words only made the index and
    // every intake's index write longer.
    let summary = Some(summary).filter(|s| !content.contains(s.trim_end_matches('…')));
    let mut out = String::new();
    for field in [summary, Some(content)]
        .into_iter()
        .chain(optional.into_iter().map(Option::as_deref))
        .flatten()
        .filter(|f| !f.trim().is_empty())
    {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(field);
    }
    out
}

fn with_case_no(case_no: &str, rest: &str) -> String {
    if rest.is_empty() { case_no.to_owned() } else { format!("{case_no}\n{rest}") }
}

/// A new complaint's search row, prepared by the caller before its intake reaches the writer:
/// segmenting the text is the largest part of the row's cost, and the writer is the one serial
/// stage of intake. Only the case number, known inside the writer, is added there. A line break
/// ends every token, so the tokens of the parts joined are the tokens of the joined text.
#[derive(Debug, Clone)]
pub(crate) struct IntakeText {
    rest: String,
    rest_tokens: String,
}

impl IntakeText {
    pub(crate) fn new(n: &crate::NewComplaint) -> Self {
        let rest = fields_text(&n.summary, &n.content, [&n.customer_request, &n.product_ref, &n.order_ref]);
        let rest_tokens = segment::index_text(&rest);
        Self { rest, rest_tokens }
    }

    /// The row's body text and its index tokens, once the case number is known.
    pub(crate) fn row(&self, case_no: &str) -> SearchRow {
        let case_tokens = segment::index_text(case_no);
        let tokens = match (case_tokens.is_empty(), self.rest_tokens.is_empty()) {
            (_, true) => case_tokens,
            (true, false) => self.rest_tokens.clone(),
            (false, false) => format!("{case_tokens} {}", self.rest_tokens),
        };
        SearchRow { body: with_case_no(case_no, &self.rest), tokens }
    }
}

/// A complaint's search row: its text and the tokens indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchRow {
    pub(crate) body: String,
    pub(crate) tokens: String,
}

impl SearchRow {
    pub(crate) fn of(body: String) -> Self {
        let tokens = segment::index_text(&body);
        Self { body, tokens }
    }
}

/// What a batch of events changes in a complaint's search row.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchChange {
    /// The new body text, when a command changed the complaint's text fields.
    body: Option<String>,
    /// Texts of notes added.
    notes: Vec<String>,
}

impl SearchChange {
    /// The change from `before` to `after` through `events`.
    pub(crate) fn of(before: &Complaint, after: &Complaint, events: &[Event]) -> Self {
        let (old, new) = (body_text(before), body_text(after));
        let notes = events
            .iter()
            .filter_map(|e| match &e.body {
                EventBody::NoteAdded { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect();
        Self { body: (old != new).then_some(new), notes }
    }
}

/// Inserts the search rows of new complaints (`(id, body)`), inside the writer's transaction.
/// SQLite indexes them here; on PostgreSQL their terms are indexed after the commit, beside the
/// writer (`writer::terms`), and the ids' range is answered for whoever has no indexer to hand
/// it to ([`index_terms`]). The ids must be new: no other search row may lie between the smallest
/// and the largest (true of a batch of new complaints, and of the rebuild, which starts empty and
/// goes up by id). On SQLite, call it as the batch's last intake statement: FTS5 writes out a
/// segment whenever a later statement of the transaction opens a savepoint.
pub(crate) async fn insert_rows(
    txn: &impl crate::conn::Conn,
    rows: &[(i64, SearchRow)],
) -> StoreResult<Option<(i64, i64)>> {
    let (Some(lo), Some(hi)) = (rows.iter().map(|r| r.0).min(), rows.iter().map(|r| r.0).max()) else {
        return Ok(None);
    };
    let values = rows
        .iter()
        .map(|(id, row)| {
            vec![
                (*id).into(),
                row.body.clone().into(),
                String::new().into(),
                row.tokens.clone().into(),
                String::new().into(),
            ]
        })
        .collect();
    crate::chunks::insert(
        txn,
        "complaint_search",
        &["complaint_id", "body", "notes", "body_tokens", "notes_tokens"],
        values,
        &[],
    )
    .await?;
    if txn.backend() == DbBackend::Postgres {
        return Ok(Some((lo, hi)));
    }
    index_terms(txn, lo, hi).await?;
    Ok(None)
}

/// Applies a [`SearchChange`] to one complaint's search row, inside the writer's transaction.
/// Notes are appended in SQL (`notes || …`), so nothing is read first.
pub(crate) async fn apply_change(txn: &impl crate::conn::Conn, id: i64, change: &SearchChange) -> StoreResult<()> {
    if change.body.is_none() && change.notes.is_empty() {
        return Ok(());
    }
    let mut update = Query::update();
    update.table("complaint_search").and_where(Expr::col("complaint_id").eq(id));
    if let Some(body) = &change.body {
        update.value("body", body.clone()).value("body_tokens", segment::index_text(body));
    }
    if !change.notes.is_empty() {
        let mut notes = String::new();
        let mut tokens = String::new();
        for n in &change.notes {
            notes.push('\n');
            notes.push_str(n);
            tokens.push(' ');
            tokens.push_str(&segment::index_text(n));
        }
        update.value("notes", concat(txn.backend(), "notes", notes));
        update.value("notes_tokens", concat(txn.backend(), "notes_tokens", tokens));
    }
    txn.execute(&update).await?;
    Ok(())
}

/// Rebuilds the whole index from the complaints and their note events when it was built with
/// another [`segment::INDEX_VERSION`] (or never: complaints from before the search migration).
/// Runs inside the migration transaction, so one node does it while others wait.
pub(crate) async fn ensure_index(txn: &impl ConnectionTrait) -> StoreResult<Option<u64>> {
    let row = txn
        .query_one(
            &Query::select()
                .column("value")
                .from("settings")
                .and_where(Expr::col("key").eq(INDEX_VERSION_KEY))
                .to_owned(),
        )
        .await?;
    let built: Option<String> = row.map(|r| r.try_get("", "value")).transpose()?;
    if built.as_deref() == Some(segment::INDEX_VERSION.to_string().as_str()) {
        return Ok(None);
    }
    txn.execute(&Query::delete().from_table("complaint_search").to_owned()).await?;
    let mut after = 0i64;
    let mut done = 0u64;
    loop {
        let batch = txn
            .query_all(
                &Query::select()
                    .columns(["id", "doc"])
                    .from("complaints")
                    .and_where(Expr::col("id").gt(after))
                    .order_by("id", Order::Asc)
                    .limit(500)
                    .to_owned(),
            )
            .await?;
        let Some(last) = batch.last() else { break };
        let last: i64 = last.try_get("", "id")?;
        let mut rows = Vec::with_capacity(batch.len());
        for r in &batch {
            let id: i64 = r.try_get("", "id")?;
            let c = crate::complaints::read_projection(id, &r.try_get::<String>("", "doc")?)?;
            rows.push((id, SearchRow::of(body_text(&c))));
        }
        if let Some((lo, hi)) = insert_rows(txn, &rows).await? {
            index_terms(txn, lo, hi).await?;
        }
        let notes = txn
            .query_all(
                &Query::select()
                    .columns(["complaint_id", "payload"])
                    .from("complaint_events")
                    .and_where(Expr::col("kind").eq("note_added"))
                    .and_where(Expr::col("complaint_id").gt(after))
                    .and_where(Expr::col("complaint_id").lte(last))
                    .order_by("id", Order::Asc)
                    .to_owned(),
            )
            .await?;
        let mut by_complaint: HashMap<i64, SearchChange> = HashMap::new();
        for n in notes {
            let payload: String = n.try_get("", "payload")?;
            if let Ok(EventBody::NoteAdded { text, .. }) = serde_json::from_str::<EventBody>(&payload) {
                by_complaint.entry(n.try_get("", "complaint_id")?).or_default().notes.push(text);
            }
        }
        for (id, change) in &by_complaint {
            apply_change(txn, *id, change).await?;
        }
        merge_step(txn, rows.len()).await?;
        done += rows.len() as u64;
        after = last;
    }
    txn.execute(
        &Query::insert()
            .into_table("settings")
            .columns(["key", "value"])
            .values_panic([INDEX_VERSION_KEY.into(), segment::INDEX_VERSION.to_string().into()])
            .on_conflict(OnConflict::column("key").update_column("value").to_owned())
            .to_owned(),
    )
    .await?;
    tracing::info!(complaints = done, version = segment::INDEX_VERSION, "full-text index rebuilt");
    Ok(Some(done))
}

// ---------------------------------------------------------------------------------------------
// Dialect: everything SQLite and PostgreSQL do differently for full-text search is below.
//
// SQLite: `complaint_fts` is an FTS5 table over `complaint_search`'s token columns (rowid =
// complaint id; new rows added per batch, merged in steps: migration 0008); a query is an FTS5 expression of quoted phrases and prefixes; rank is `bm25`
// with the body weighted above notes (lower is better).
// PostgreSQL: `complaint_terms.tsv` is the `tsvector` (body weight A, notes B), filled from
// `complaint_search` after the intake commit by the terms indexer (`writer::terms`) and kept current by a trigger
// when notes or text change (migration 0011); a query is a `tsquery` of `<->` phrases and `:*`
// prefixes; rank is `ts_rank` (higher is better); the ranking window is filled in slices
// (`window_rows`).

/// The terms of PostgreSQL's search rows, as the `complaint_terms_sync` trigger writes them.
const PG_TERMS: &str = "setweight(to_tsvector('simple', s.body_tokens), 'A') \
                        || setweight(to_tsvector('simple', s.notes_tokens), 'B')";

/// Indexes the search rows of complaints `lo..=hi`, in one statement. SQLite: adds them to FTS5
/// (migration 0008 says why once per batch). PostgreSQL: adds their `complaint_terms`; a row
/// already there is left alone, as the trigger keeps it current from then on.
pub(crate) async fn index_terms(db: &impl crate::conn::Conn, lo: i64, hi: i64) -> StoreResult<u64> {
    let stmt = match db.backend() {
        DbBackend::Postgres => sea_orm::Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "INSERT INTO complaint_terms (complaint_id, tsv) SELECT s.complaint_id, {PG_TERMS} \
                 FROM complaint_search s WHERE s.complaint_id BETWEEN $1 AND $2 ON CONFLICT (complaint_id) DO NOTHING"
            ),
            [lo.into(), hi.into()],
        ),
        _ => sea_orm::Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO complaint_fts (rowid, body_tokens, notes_tokens) \
             SELECT complaint_id, body_tokens, notes_tokens FROM complaint_search WHERE complaint_id BETWEEN ? AND ?",
            [lo.into(), hi.into()],
        ),
    };
    db.execute_stmt(stmt).await
}

/// Indexes the search rows of complaints `lo..=hi` that a bulk loader wrote straight into
/// `complaint_search` (the search benchmark); the store indexes its own writes.
pub async fn index_loaded_rows(db: &sea_orm::DatabaseConnection, lo: i64, hi: i64) -> StoreResult<u64> {
    index_terms(db, lo, hi).await
}

/// PostgreSQL: indexes every search row of a complaint above `after` that has no terms yet (the
/// last batches of a node that stopped between its commit and their indexing). Answers how many.
pub(crate) async fn index_missing_terms(db: &impl crate::conn::Conn, after: i64) -> StoreResult<u64> {
    if db.backend() != DbBackend::Postgres {
        return Ok(0);
    }
    db.execute_stmt(sea_orm::Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO complaint_terms (complaint_id, tsv) SELECT s.complaint_id, {PG_TERMS} FROM complaint_search s \
             WHERE s.complaint_id > $1 \
             AND NOT EXISTS (SELECT 1 FROM complaint_terms t WHERE t.complaint_id = s.complaint_id) \
             ON CONFLICT (complaint_id) DO NOTHING"
        ),
        [after.into()],
    ))
    .await
}

/// FTS5 pages merged after a batch of `jobs` at most. A complaint adds about a fifth of a leaf
/// page of postings, merged up a few levels later, so a page per complaint keeps pace (at 6,000
/// intakes a second the index stayed at 16 segments or fewer) while the longest step stays near
/// 5 ms; at four pages per complaint steps took 8-15 ms, and automerge, which migration 0008
/// turned off, did the same work in bursts of 15-20 ms.
fn merge_pages(jobs: usize) -> usize {
    8 + jobs
}

/// SQLite: the FTS5 merge work owed for a batch of `jobs`, inside the writer's transaction. FTS5
/// starts a merge only when a level holds `usermerge` (4) segments and carries one on where it
/// stopped, so most batches merge nothing and none merges more than [`merge_pages`].
/// PostgreSQL: nothing (its GIN pending list is cleaned by `db::upkeep`).
pub(crate) async fn merge_step(txn: &impl crate::conn::Conn, jobs: usize) -> StoreResult<()> {
    if txn.backend() == DbBackend::Sqlite && jobs > 0 {
        let pages = i64::try_from(merge_pages(jobs)).unwrap_or(i64::MAX);
        txn.execute_stmt(sea_orm::Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO complaint_fts (complaint_fts, rank) VALUES ('merge', ?)",
            [pages.into()],
        ))
        .await?;
    }
    Ok(())
}

/// How the terms of a query combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Combine {
    /// Every term (search).
    All,
    /// Any term (similar complaints).
    Any,
}

/// The query in the backend's full-text syntax. Terms hold letters and digits only (see
/// [`SearchQuery::parse`]), so quoting them cannot be broken out of; the string is still bound
/// as a parameter, never spliced into SQL. Excluded words follow the terms: `(…) NOT (… OR …)`
/// in FTS5, `(…) & !(… | …)` in PostgreSQL (both read the index of the terms first and drop
/// what the excluded words' postings hold).
fn render(backend: DbBackend, query: &SearchQuery, combine: Combine) -> String {
    let terms = render_terms(backend, &query.terms, combine);
    if query.excluded.is_empty() {
        return terms;
    }
    let excluded: Vec<String> =
        query.excluded.iter().map(|e| format!("({})", render_terms(backend, &e.terms, Combine::All))).collect();
    match backend {
        DbBackend::Postgres => format!("({terms}) & !({})", excluded.join(" | ")),
        _ => format!("({terms}) NOT ({})", excluded.join(" OR ")),
    }
}

/// The full-text condition a search for `query` matches with, as the backend reads it (an FTS5
/// `MATCH` expression or a `tsquery`): for the search benchmark's query plans.
pub fn match_expression(backend: crate::Backend, query: &SearchQuery) -> String {
    let backend = match backend {
        crate::Backend::Postgres => DbBackend::Postgres,
        crate::Backend::Sqlite => DbBackend::Sqlite,
    };
    render(backend, query, Combine::All)
}

fn render_terms(backend: DbBackend, terms: &[QueryTerm], combine: Combine) -> String {
    let sep = |combine| match (backend, combine) {
        (DbBackend::Postgres, Combine::All) => " & ",
        (DbBackend::Postgres, Combine::Any) => " | ",
        (_, Combine::All) => " AND ",
        (_, Combine::Any) => " OR ",
    };
    let parts: Vec<String> = terms
        .iter()
        .map(|t| match (backend, t) {
            (DbBackend::Postgres, QueryTerm::Phrase(words)) => {
                format!("({})", words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" <-> "))
            }
            (DbBackend::Postgres, QueryTerm::Prefix(p)) => format!("'{p}':*"),
            (_, QueryTerm::Phrase(words)) => format!("\"{}\"", words.join(" ")),
            (_, QueryTerm::Prefix(p)) => format!("\"{p}\"*"),
            // `退货 OR 退款物流`: `(("退货") OR ("退款" AND "物流"))`, the same shape in both.
            (_, QueryTerm::AnyOf(groups)) => {
                let groups: Vec<String> =
                    groups.iter().map(|g| format!("({})", render_terms(backend, g, Combine::All))).collect();
                format!("({})", groups.join(sep(Combine::Any)))
            }
        })
        .collect();
    parts.join(sep(combine))
}

/// Joins the index to `c` (complaints) and keeps the complaints that match `terms`.
fn restrict(q: &mut SelectStatement, backend: DbBackend, query: &SearchQuery, combine: Combine) {
    let query = render(backend, query, combine);
    match backend {
        DbBackend::Postgres => {
            q.join_as(
                JoinType::InnerJoin,
                "complaint_terms",
                "s",
                Expr::col(("s", "complaint_id")).equals(("c", "id")),
            )
            .and_where(Expr::cust_with_values("s.tsv @@ to_tsquery('simple', $1)", [query]));
        }
        _ => {
            q.join(JoinType::InnerJoin, "complaint_fts", Expr::cust("complaint_fts.rowid = c.id"))
                .and_where(Expr::cust_with_values("complaint_fts MATCH ?", [query]));
        }
    }
}

/// The relevance of a match, higher is better (after [`restrict`] with the same terms).
fn score(backend: DbBackend, query: &SearchQuery, combine: Combine) -> Expr {
    match backend {
        DbBackend::Postgres => {
            let query = render(backend, query, combine);
            Expr::cust_with_values("CAST(ts_rank(s.tsv, to_tsquery('simple', $1)) AS double precision)", [query])
        }
        // bm25() is lower for better matches.
        _ => Expr::cust("-bm25(complaint_fts, 4.0, 1.0)"),
    }
}

/// Newest matches first, in the order the index walks them cheaply: FTS5 reads its lists in
/// rowid (= complaint id) order backwards and stops at the limit; on PostgreSQL each slice of
/// [`window_rows`] is either walked backwards along the primary key or read from the GIN bitmap
/// and sorted, as the density of matches measured so far decides.
fn newest_first(q: &mut SelectStatement, backend: DbBackend) {
    match backend {
        DbBackend::Postgres => q.order_by(("c", "id"), Order::Desc),
        _ => q.order_by_expr(Expr::cust("complaint_fts.rowid"), Order::Desc),
    };
}

/// Complaints in the first slice a PostgreSQL ranking window looks at (see [`window_rows`]).
const PROBE_SLICE: i64 = 4096;

/// From this share of matching complaints (measured by the slices so far) the next slice of a
/// PostgreSQL ranking window is walked along the primary key (at most 25,000 rows, ~15 ms, for
/// 1,000 matches); below it, it is read from the GIN bitmap intersected with the key range.
const WALK_DENSITY: f64 = 0.04;

/// The densities PostgreSQL ranking windows measured (matches per complaint id, within scope
/// and filters), by query (a hash of the SQL of the restricted query before its window: words,
/// scope and filters), so that the next search for the same thing sizes its first slice right
/// away instead of probing (see [`window_rows`]). They are only a guess for the slice sizes: a
/// stale one costs a slice more or less, never a match.
#[derive(Debug, Default)]
pub(crate) struct Densities(std::sync::Mutex<HashMap<u64, f64>>);

/// Queries [`Densities`] remembers; it forgets them all when full (a few dozen kilobytes).
const REMEMBERED_QUERIES: usize = 4096;

impl Densities {
    fn key(query: &SelectStatement) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        query.to_string(PostgresQueryBuilder).hash(&mut h);
        h.finish()
    }

    fn get(&self, key: u64) -> Option<f64> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key).copied()
    }

    fn put(&self, key: u64, density: f64) {
        let mut seen = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= REMEMBERED_QUERIES && !seen.contains_key(&key) {
            seen.clear();
        }
        seen.insert(key, density);
    }
}

/// Ids a slice must cover to hold `missing` more matches at `density`, with `margin` to spare.
fn slice_for(missing: usize, density: f64, margin: f64) -> i64 {
    (margin * missing as f64 / density).ceil() as i64
}

/// What a slice sized by a density measured in this window holds to spare (its matches are
/// few, so the measure is rough: a quarter more).
const MEASURED_MARGIN: f64 = 1.25;

/// What a slice sized by a remembered density holds to spare: that one was measured over a whole
/// window, and a slice that comes up short costs another GIN intersection, one too long only
/// some primary-key entries.
const REMEMBERED_MARGIN: f64 = 1.1;

/// The ids and scores (when `ranked`; higher is better) of the newest `want` complaints of
/// `base` (restricted by [`restrict`] with the same terms), newest first.
///
/// SQLite: one query; FTS5 walks its doclists from the newest rowid and stops at the limit.
///
/// PostgreSQL: a GIN index returns its matches as an unordered bitmap, so "the newest 1,001"
/// costs either a backward walk of the primary key that checks every row's `tsvector` until
/// enough match (cheap for a word in every tenth complaint, ~70,000 rows for one in every
/// seventieth), or a visit to every match (hundreds of thousands for a common word). Neither is
/// cheap for every word. So the window is filled slice by slice of complaint ids, newest first:
/// a probe of the newest [`PROBE_SLICE`] ids measures how densely the query matches here
/// (within scope and filters), the next slice is sized to hold the rest of the window at that
/// density (a quarter more, and at least doubling the ids covered), and so on until the
/// window is full or every id is covered. Each slice bounds both primary keys, so the planner
/// can intersect the GIN bitmap with a primary-key range instead of reading every match; dense
/// slices are walked instead ([`WALK_DENSITY`]). The density a window measured is remembered
/// ([`Densities`]), so the same search again skips the probe and reads one slice of the right
/// size. The result is exactly the newest matches, as from one query.
async fn window_rows(
    db: &DatabaseConnection,
    densities: &Densities,
    base: SelectStatement,
    query: &SearchQuery,
    combine: Combine,
    ranked: bool,
    want: usize,
) -> StoreResult<Vec<(i64, f64)>> {
    let backend = db.get_database_backend();
    let read = |rows: Vec<sea_orm::QueryResult>| -> StoreResult<Vec<(i64, f64)>> {
        rows.into_iter().map(|r| Ok((r.try_get::<i64>("", "wid")?, r.try_get::<f64>("", "score")?))).collect()
    };
    if backend != DbBackend::Postgres {
        return read(db.query_all(&window_of(base, backend, query, combine, ranked, want as u64)).await?);
    }
    let key = Densities::key(&base);
    let remembered = densities.get(key);
    // The statements are prepared once per connection and run with other words and bounds:
    // a generic plan, blind to how common the words are and how wide the slice is, would
    // pick one strategy for all, so every run is planned for its own values. A slice is a few
    // milliseconds of work: parallel workers cost more to start than they save, and a parallel
    // backward walk reads past the limit in every worker. The newest complaints a window
    // reads are the ones in cache, so a lookup by key costs about what reading the next row
    // does (the default random_page_cost of 4 has the planner walk 20,000 complaints to spare
    // itself 1,000 lookups).
    let txn = db.begin().await?;
    // One round trip for the settings (a simple query may hold several statements).
    txn.execute_unprepared(
        "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL max_parallel_workers_per_gather = 0; \
         SET LOCAL random_page_cost = 1.1",
    )
    .await?;
    let newest = txn
        .query_one(&Query::select().expr_as(Expr::col("complaint_id").max(), "hi").from("complaint_terms").to_owned())
        .await?;
    let Some(newest) = newest.map(|r| r.try_get::<Option<i64>>("", "hi")).transpose()?.flatten() else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(i64, f64)> = Vec::with_capacity(want);
    let mut upper = newest;
    // How each slice is read is decided here, from the density measured so far, not left to
    // the planner: it counts checking a row's `tsvector` as nearly free, guesses how common
    // prefix terms and word pairs are (`ipad` matching one complaint in 500 was walked over
    // 500,000 rows; 酒店 服务 in 7 % was intersected from 74,000 postings), and so picks the
    // wrong one either way. The probe walks: its 4,096 rows cost a few milliseconds. A
    // remembered density skips it.
    let mut slice = remembered.map_or(PROBE_SLICE, |d| slice_for(want, d, REMEMBERED_MARGIN));
    let mut walking = remembered.is_none_or(|d| d >= WALK_DENSITY);
    set_strategy(&txn, walking).await?;
    loop {
        let lower = Ord::max(upper.saturating_sub(slice), 0);
        let mut q = base.clone();
        for col in [("c", "id"), ("s", "complaint_id")] {
            q.and_where(Expr::col(col).lte(upper));
            if lower > 0 {
                q.and_where(Expr::col(col).gt(lower));
            }
        }
        let need = want - out.len();
        out.extend(read(txn.query_all(&window_of(q, backend, query, combine, ranked, need as u64)).await?)?);
        if out.len() >= want || lower == 0 {
            break;
        }
        let covered = (newest - lower) as f64;
        let density = Ord::max(out.len(), 1) as f64 / covered;
        slice = Ord::max(slice_for(want - out.len(), density, MEASURED_MARGIN), newest - lower);
        upper = lower;
        let walk = density >= WALK_DENSITY;
        if walk != walking {
            set_strategy(&txn, walk).await?;
            walking = walk;
        }
    }
    txn.commit().await?;
    // The density over the ids the window needed (down to its oldest match), or over all.
    let span = match out.last() {
        Some(&(oldest, _)) if out.len() >= want => newest - oldest + 1,
        _ => newest,
    };
    densities.put(key, Ord::max(out.len(), 1) as f64 / Ord::max(span, 1) as f64);
    Ok(out)
}

/// Walk the primary keys (`walk`) or read GIN bitmaps, for the slices that follow.
async fn set_strategy(txn: &impl ConnectionTrait, walk: bool) -> StoreResult<()> {
    let (bitmaps, index_scans) = if walk { ("off", "on") } else { ("on", "off") };
    txn.execute_unprepared(&format!(
        "SET LOCAL enable_bitmapscan = {bitmaps}; SET LOCAL enable_indexscan = {index_scans}"
    ))
    .await?;
    Ok(())
}

/// `column || suffix` (the same in both dialects, but sea-query's placeholders are not).
fn concat(backend: DbBackend, column: &'static str, suffix: String) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust_with_values(format!("{column} || $1"), [suffix]),
        _ => Expr::cust_with_values(format!("{column} || ?"), [suffix]),
    }
}

// End of the dialect section.
// ---------------------------------------------------------------------------------------------

/// Adds the text condition of `filter` to a complaint query (`c` = complaints). Empty text adds
/// nothing; text without letters or digits matches nothing. Answers the parsed query when there is
/// one, for ranking and snippets.
pub(crate) fn apply_text(q: &mut SelectStatement, backend: DbBackend, filter: &ComplaintFilter) -> Option<SearchQuery> {
    let text = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    let parsed = SearchQuery::parse(text);
    if parsed.is_empty() {
        q.and_where(Expr::cust("1 = 0"));
    } else {
        restrict(q, backend, &parsed, Combine::All);
    }
    Some(parsed)
}

/// How many matches a relevance-ranked search ranks: the newest this many (within scope and
/// filters), like the result cap of other help desks' search. Ranking every match of a word that
/// a tenth of all complaints contain would cost a score per match on every search (hundreds of
/// milliseconds at a million complaints); the newest thousand answer in a few, and a search that
/// finds more says so (`capped`) so the user narrows it or sorts by time to page through all.
pub const RANK_WINDOW: u64 = 1000;

/// The ranking window of a query restricted by [`apply_text`] (`base`, `c` = complaints): the
/// ids and scores (higher is better) of the newest [`RANK_WINDOW`] + 1 matches, newest first
/// (the extra one tells that there are more).
pub(crate) async fn window(
    db: &DatabaseConnection,
    densities: &Densities,
    base: SelectStatement,
    query: &SearchQuery,
) -> StoreResult<Vec<(i64, f64)>> {
    window_rows(db, densities, base, query, Combine::All, true, RANK_WINDOW as usize + 1).await
}

/// `base` with the columns `wid` (complaint id) and `score` (0 unless `ranked`), newest first, at
/// most `limit`.
fn window_of(
    mut base: SelectStatement,
    backend: DbBackend,
    query: &SearchQuery,
    combine: Combine,
    ranked: bool,
    limit: u64,
) -> SelectStatement {
    newest_first(&mut base, backend);
    base.limit(limit);
    base.expr_as(Expr::col(("c", "id")), "wid");
    if !ranked {
        base.expr_as(Expr::val(0.0f64), "score");
        return base;
    }
    match backend {
        // Scored after the limit: `ts_rank` reads (detoasts) the whole `tsvector`, and the
        // planner would otherwise score every match of a slice before sorting it.
        DbBackend::Postgres => {
            let mut q = Query::select();
            q.from_subquery(base, "w")
                .join_as(
                    JoinType::InnerJoin,
                    "complaint_terms",
                    "s",
                    Expr::col(("s", "complaint_id")).equals(("w", "wid")),
                )
                .column(("w", "wid"))
                .expr_as(score(backend, query, combine), "score")
                .order_by(("w", "wid"), Order::Desc);
            q
        }
        // bm25() only exists next to its MATCH.
        _ => {
            base.expr_as(score(backend, query, combine), "score");
            base
        }
    }
}

/// Where and how a complaint matched a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchMatch {
    /// `body` (the complaint's own text) or `notes`.
    pub field: &'static str,
    /// The text where the most of the query's words stand together, matches marked.
    pub snippet: Vec<SnippetPart>,
}

/// A complaint like another one.
#[derive(Debug, Clone, Serialize)]
pub struct SimilarComplaint {
    /// The complaint.
    pub complaint: ComplaintListRow,
    /// The words of the original it shares, highlighted in the snippet.
    pub snippet: Vec<SnippetPart>,
}

/// Similar complaints and the words they were found by.
#[derive(Debug, Clone, Serialize)]
pub struct Similar {
    /// The characteristic words of the complaint that were searched for.
    pub keywords: Vec<String>,
    /// The most similar complaints, best first.
    pub items: Vec<SimilarComplaint>,
}

#[derive(Debug, FromQueryResult)]
struct TextRow {
    complaint_id: i64,
    body: String,
    notes: String,
}

impl Store {
    /// Snippets of the complaints `ids` for `query`: where most of its words stand together, in
    /// the line that shows the most of them (of the body, summary, content, request …, the
    /// earliest on a tie, then of the notes), else the line after the case number unmarked.
    pub async fn search_snippets(&self, ids: &[i64], query: &SearchQuery) -> StoreResult<HashMap<i64, SearchMatch>> {
        Ok(self.texts(ids).await?.iter().map(|r| (r.complaint_id, r.snippet(query))).collect())
    }

    async fn texts(&self, ids: &[i64]) -> StoreResult<Vec<TextRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let stmt = self.db.get_database_backend().build(
            Query::select()
                .columns(["complaint_id", "body", "notes"])
                .from("complaint_search")
                .and_where(Expr::col("complaint_id").is_in(ids.iter().copied())),
        );
        Ok(TextRow::find_by_statement(stmt).all(&self.db).await?)
    }

    /// The complaints most like `id` within `scope` (itself excluded): its characteristic words
    /// (TF-IDF keywords of its text) are searched for; the newest [`SIMILAR_CANDIDATES`]
    /// complaints that share any of them and the newest [`SIMILAR_STRONG_CANDIDATES`] that
    /// share the [`SIMILAR_STRONG_KEYWORDS`] weightiest are ranked by how much of the words'
    /// weight they share ([`shared_weight`]), newer first among equals.
    pub async fn similar_complaints(&self, scope: &Scope, id: ComplaintId, limit: u64) -> StoreResult<Similar> {
        self.writer.search_caught_up().await;
        let texts = self.texts(&[id.0]).await?;
        let text = texts.first().ok_or(StoreError::NotFound("complaint"))?;
        // What the complaint is about: its summary, content and notes (case number and
        // references would only find themselves).
        let doc = self
            .db
            .query_one(&Query::select().column("doc").from("complaints").and_where(Expr::col("id").eq(id.0)).to_owned())
            .await?
            .ok_or(StoreError::NotFound("complaint"))?
            .try_get::<String>("", "doc")?;
        let c = crate::complaints::read_projection(id.0, &doc)?;
        let about = format!("{}\n{}\n{}", c.summary, c.content, text.notes);
        let weighted = cloop_nlp::keywords::keywords(&about, SIMILAR_KEYWORDS);
        let keywords: Vec<String> = weighted.iter().map(|k| k.word.clone()).collect();
        let query = SearchQuery::parse(&keywords.join(" "));
        if query.is_empty() {
            return Ok(Similar { keywords, items: Vec::new() });
        }
        let backend = self.db.get_database_backend();
        let candidates = |words: &SearchQuery, combine| {
            let mut q = Query::select();
            q.from_as("complaints", "c");
            crate::complaints::apply_filter(&mut q, backend, scope, &ComplaintFilter::default());
            restrict(&mut q, backend, words, combine);
            q.and_where(Expr::col(("c", "id")).ne(id.0));
            q
        };
        // Two sets of candidates, read at the same time on two connections: the newest that
        // share any keyword (like a search, so a common word costs no more), and the newest
        // that share the most characteristic ones, however old (a complaint about the same
        // thing months ago, which the first set would not reach back to). The database does
        // not rank them (bm25 and ts_rank would weigh each word by how rare it is in the index,
        // read from its whole posting list): the keywords' own weights do, below.
        let strongest = SearchQuery::parse(&keywords[..Ord::min(keywords.len(), SIMILAR_STRONG_KEYWORDS)].join(" "));

        let (any, strong) = tokio::try_join!(
            window_rows(
                &self.db,
                &self.search_densities,
                candidates(&query, Combine::Any),
                &query,
                Combine::Any,
                false,
                SIMILAR_CANDIDATES,
            ),
            window_rows(
                &self.db,
                &self.search_densities,
                candidates(&strongest, Combine::All),
                &strongest,
                Combine::All,
                false,
                SIMILAR_STRONG_CANDIDATES,
            ),
        )?;
        let mut ids: Vec<i64> = any.into_iter().chain(strong).map(|(id, _)| id).collect();
        ids.sort_unstable();
        ids.dedup();
        let texts = self.texts(&ids).await?;
        let mut ranked: Vec<(f64, &TextRow)> = texts.iter().map(|t| (shared_weight(&weighted, t), t)).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.complaint_id.cmp(&a.1.complaint_id)));
        ranked.truncate(Ord::min(limit, 50) as usize);
        let rows = self.list_rows(&ranked.iter().map(|(_, t)| t.complaint_id).collect::<Vec<_>>()).await?;
        let mut snippets: HashMap<i64, Vec<SnippetPart>> =
            ranked.iter().map(|(_, t)| (t.complaint_id, t.snippet(&query).snippet)).collect();
        let items = rows
            .into_iter()
            .map(|r| {
                let snippet = snippets.remove(&r.id).unwrap_or_default();
                SimilarComplaint { complaint: r, snippet }
            })
            .collect();
        Ok(Similar { keywords, items })
    }
}

/// Characteristic words of a complaint that [`Store::similar_complaints`] looks for.
const SIMILAR_KEYWORDS: usize = 6;

/// Complaints sharing any keyword (the newest, within scope) that [`Store::similar_complaints`]
/// ranks; reading and ranking them costs a few milliseconds.
const SIMILAR_CANDIDATES: usize = 200;

/// The most characteristic keywords (by weight), all of which the strong candidates of
/// [`Store::similar_complaints`] contain.
const SIMILAR_STRONG_KEYWORDS: usize = 3;

/// Complaints containing all the most characteristic keywords (the newest, within scope) that
/// [`Store::similar_complaints`] ranks with the others.
const SIMILAR_STRONG_CANDIDATES: usize = 50;

/// The weight of the `keywords` that the complaint's text contains: a complaint sharing the
/// original's two most characteristic words ranks above one that shares only a common one,
/// however often it repeats it.
fn shared_weight(keywords: &[cloop_nlp::keywords::Keyword], text: &TextRow) -> f64 {
    let body = segment::normalize(&text.body);
    let notes = segment::normalize(&text.notes);
    keywords
        .iter()
        .filter(|k| body.contains(k.word.as_str()) || notes.contains(k.word.as_str()))
        .map(|k| k.weight)
        .sum()
}

impl TextRow {
    /// See [`Store::search_snippets`].
    fn snippet(&self, query: &SearchQuery) -> SearchMatch {
        // The line, of the body or the notes, that shows the most of the query; the body first.
        let body_lines = self.body.lines().count();
        let lines = self.body.lines().chain(self.notes.lines());
        segment::best_snippet(lines, query, SNIPPET_CHARS)
            .map(|(line, snippet)| SearchMatch { field: if line < body_lines { "body" } else { "notes" }, snippet })
            .unwrap_or_else(|| SearchMatch {
                field: "body",
                // The line after the case number: the summary or the content.
                snippet: vec![SnippetPart {
                    text: self.body.lines().nth(1).unwrap_or_default().chars().take(SNIPPET_CHARS).collect(),
                    hit: false,
                }],
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NewComplaint, NewCustomer};
    use chrono::{TimeZone, Utc};
    use cloop_domain::{ActorRef, Channel, CustomerId, OrgUnitId, Tier};

    fn complaint(n: &NewComplaint, case_no: &str) -> Complaint {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let event = Event {
            seq: 1,
            at,
            actor: ActorRef::System,
            body: EventBody::Registered {
                case_no: case_no.into(),
                customer_id: CustomerId(1),
                tier: Tier::Normal,
                company_id: OrgUnitId(2),
                intake_unit_id: OrgUnitId(3),
                channel: n.channel,
                summary: n.summary.clone(),
                content: n.content.clone(),
                customer_request: n.customer_request.clone(),
                product_ref: n.product_ref.clone(),
                order_ref: n.order_ref.clone(),
                category_id: None,
                severity: None,
                received_at: at,
            },
        };
        Complaint::from_registered(ComplaintId(0), &event).expect("a registered event")
    }

    /// The writer builds a new complaint's search row from text segmented before the batch; it
    /// must be exactly the row a rebuild makes from the stored complaint.
    #[test]
    fn the_row_prepared_before_the_writer_is_the_row_of_the_stored_complaint() {
        let some = |s: &str| Some(s.to_owned());
        let cases = [
            ("退货慢", "买的iPad退货一直没处理，客服不回", some("退款"), some("iPad Pro"), some("JD-2026-0001")),
            ("买的iPad退货", "买的iPad退货一直没处理", None, None, None),
            ("", "ｉｐａｄ２ 屏幕坏了", some("  "), None, some("A1")),
            ("物流", "x", None, some("Mate60"), None),
        ];
        for (summary, content, request, product, order) in cases {
            let n = NewComplaint {
                customer: NewCustomer { name: "张三".into(), phone: Some("13800000000".into()), email: None },
                channel: Channel::Phone,
                summary: summary.into(),
                content: content.into(),
                customer_request: request,
                product_ref: product,
                order_ref: order,
                category_id: None,
                severity: None,
                received_at: Utc::now(),
                company_id: OrgUnitId(2),
                intake_unit_id: OrgUnitId(3),
            };
            let case_no = "TS20261122000042";
            let stored = SearchRow::of(body_text(&complaint(&n, case_no)));
            assert_eq!(IntakeText::new(&n).row(case_no), stored, "{summary} / {content}");
            assert!(stored.tokens.split(' ').any(|t| t == "20261122000042"), "{}", stored.tokens);
        }
    }

    /// A summary taken from the content (cut short with `…` as intake does) is not indexed a
    /// second time; one written by a person is.
    #[test]
    fn a_summary_cut_from_the_content_is_indexed_once() {
        let content = "后盖拆不下来，手机设计不好，难道装卡装电池了以后都不用拆下来吗";
        let text = |summary: &str| fields_text(summary, content, [&None, &None, &None]);
        assert_eq!(text("后盖拆不下来，手机设计不好…"), content);
        assert_eq!(text("后盖拆不下来"), content);
        assert_eq!(text("…"), content);
        assert_eq!(text("手机后盖问题"), format!("手机后盖问题\n{content}"));
        assert_eq!(text("后盖拆不下来，手机设计很好…"), format!("后盖拆不下来，手机设计很好…\n{content}"));
    }
}
