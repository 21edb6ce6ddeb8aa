//! Full-text search over complaints and their notes (DESIGN §13 "Search"), in the database's own
//! index: SQLite FTS5 and PostgreSQL `tsvector` + GIN, no second store to keep in sync.
//!
//! `complaint_search` holds, per complaint, the searchable text (`body`: case number, summary,
//! content, request, product and order; `notes`: the text of every note, one a line) and the
//! index tokens `cloop_nlp` makes of it ([`cloop_nlp::segment::index_text`]: character bigrams of
//! Chinese, Latin words whole). SQLite indexes the token columns with an external-content FTS5
//! table kept current by triggers; PostgreSQL with a generated `tsvector` column (body weighted
//! above notes) under a GIN index. The row is written at intake and touched again only when a
//! note is added or the text changes, so ordinary commands cost the index nothing.
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
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, OnConflict, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult};
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
    let summary = Some(summary).filter(|s| !content.contains(s));
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
pub(crate) async fn insert_rows(txn: &impl ConnectionTrait, rows: &[(i64, SearchRow)]) -> StoreResult<()> {
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
    Ok(())
}

/// Applies a [`SearchChange`] to one complaint's search row, inside the writer's transaction.
/// Notes are appended in SQL (`notes || …`), so nothing is read first.
pub(crate) async fn apply_change(txn: &impl ConnectionTrait, id: i64, change: &SearchChange) -> StoreResult<()> {
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
        update.value("notes", concat(txn.get_database_backend(), "notes", notes));
        update.value("notes_tokens", concat(txn.get_database_backend(), "notes_tokens", tokens));
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
            let doc: String = r.try_get("", "doc")?;
            let c: Complaint = serde_json::from_str(&doc)
                .map_err(|e| StoreError::Config(format!("complaint {id} projection unreadable: {e}")))?;
            rows.push((id, SearchRow::of(body_text(&c))));
        }
        insert_rows(txn, &rows).await?;
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
// complaint id); a query is an FTS5 expression of quoted phrases and prefixes; rank is `bm25`
// with the body weighted above notes (lower is better).
// PostgreSQL: `complaint_search.tsv` is the generated `tsvector` (body weight A, notes B); a query
// is a `tsquery` of `<->` phrases and `:*` prefixes; rank is `ts_rank` (higher is better).

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
/// as a parameter, never spliced into SQL.
fn render(backend: DbBackend, terms: &[QueryTerm], combine: Combine) -> String {
    let parts: Vec<String> = terms
        .iter()
        .map(|t| match (backend, t) {
            (DbBackend::Postgres, QueryTerm::Phrase(words)) => {
                format!("({})", words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" <-> "))
            }
            (DbBackend::Postgres, QueryTerm::Prefix(p)) => format!("'{p}':*"),
            (_, QueryTerm::Phrase(words)) => format!("\"{}\"", words.join(" ")),
            (_, QueryTerm::Prefix(p)) => format!("\"{p}\"*"),
        })
        .collect();
    let sep = match (backend, combine) {
        (DbBackend::Postgres, Combine::All) => " & ",
        (DbBackend::Postgres, Combine::Any) => " | ",
        (_, Combine::All) => " AND ",
        (_, Combine::Any) => " OR ",
    };
    parts.join(sep)
}

/// Joins the index to `c` (complaints) and keeps the complaints that match `terms`.
fn restrict(q: &mut SelectStatement, backend: DbBackend, terms: &[QueryTerm], combine: Combine) {
    let query = render(backend, terms, combine);
    match backend {
        DbBackend::Postgres => {
            q.join_as(
                JoinType::InnerJoin,
                "complaint_search",
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
fn score(backend: DbBackend, terms: &[QueryTerm], combine: Combine) -> Expr {
    match backend {
        DbBackend::Postgres => {
            let query = render(backend, terms, combine);
            Expr::cust_with_values("CAST(ts_rank(s.tsv, to_tsquery('simple', $1)) AS double precision)", [query])
        }
        // bm25() is lower for better matches.
        _ => Expr::cust("-bm25(complaint_fts, 4.0, 1.0)"),
    }
}

/// Newest matches first, in the order the index walks them cheaply: FTS5 reads its lists in
/// rowid (= complaint id) order backwards and stops at the limit; PostgreSQL walks the primary
/// key backwards when a term is common and sorts the few matches when it is rare.
fn newest_first(q: &mut SelectStatement, backend: DbBackend) {
    match backend {
        DbBackend::Postgres => q.order_by(("c", "id"), Order::Desc),
        _ => q.order_by_expr(Expr::cust("complaint_fts.rowid"), Order::Desc),
    };
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
        restrict(q, backend, &parsed.terms, Combine::All);
    }
    Some(parsed)
}

/// How many matches a relevance-ranked search ranks: the newest this many (within scope and
/// filters), like the result cap of other help desks' search. Ranking every match of a word that
/// a tenth of all complaints contain would cost a score per match on every search (hundreds of
/// milliseconds at a million complaints); the newest thousand answer in a few, and a search that
/// finds more says so (`capped`) so the user narrows it or sorts by time to page through all.
pub const RANK_WINDOW: u64 = 1000;

/// The ranking window of a query restricted by [`apply_text`]: columns `wid` (complaint id) and
/// `score` (higher is better) of the newest [`RANK_WINDOW`] + 1 matches (the extra one tells
/// that there are more).
pub(crate) fn window(base: SelectStatement, backend: DbBackend, query: &SearchQuery) -> SelectStatement {
    window_of(base, backend, &query.terms, Combine::All)
}

fn window_of(mut base: SelectStatement, backend: DbBackend, terms: &[QueryTerm], combine: Combine) -> SelectStatement {
    base.expr_as(Expr::col(("c", "id")), "wid").expr_as(score(backend, terms, combine), "score");
    newest_first(&mut base, backend);
    base.limit(RANK_WINDOW + 1);
    base
}

/// Where and how a complaint matched a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchMatch {
    /// `body` (the complaint's own text) or `notes`.
    pub field: &'static str,
    /// The text around the first match, matches marked.
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
    /// Snippets of the complaints `ids` for `query`: around the first match in the first field
    /// of the body that has one (summary, content, request …), else in the first note that has
    /// one, else the start of the content unmarked.
    pub async fn search_snippets(&self, ids: &[i64], query: &SearchQuery) -> StoreResult<HashMap<i64, SearchMatch>> {
        let mut out = HashMap::new();
        for r in self.texts(ids).await? {
            let in_lines = |text: &str| text.lines().find_map(|line| segment::snippet(line, query, SNIPPET_CHARS));
            let found = in_lines(&r.body)
                .map(|s| SearchMatch { field: "body", snippet: s })
                .or_else(|| in_lines(&r.notes).map(|s| SearchMatch { field: "notes", snippet: s }))
                .unwrap_or_else(|| SearchMatch {
                    field: "body",
                    // The line after the case number: the summary or the content.
                    snippet: vec![SnippetPart {
                        text: r.body.lines().nth(1).unwrap_or_default().chars().take(SNIPPET_CHARS).collect(),
                        hit: false,
                    }],
                });
            out.insert(r.complaint_id, found);
        }
        Ok(out)
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
    /// (TF-IDF keywords of its text) searched with OR, ranked by the full-text rank.
    pub async fn similar_complaints(&self, scope: &Scope, id: ComplaintId, limit: u64) -> StoreResult<Similar> {
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
        let c: Complaint = serde_json::from_str(&doc)
            .map_err(|e| StoreError::Config(format!("complaint {} projection unreadable: {e}", id.0)))?;
        let about = format!("{}\n{}\n{}", c.summary, c.content, text.notes);
        let keywords: Vec<String> = cloop_nlp::keywords::keywords(&about, 6).into_iter().map(|k| k.word).collect();
        let query = SearchQuery::parse(&keywords.join(" "));
        if query.is_empty() {
            return Ok(Similar { keywords, items: Vec::new() });
        }
        let backend = self.db.get_database_backend();
        let mut q = Query::select();
        q.from_as("complaints", "c");
        crate::complaints::apply_filter(&mut q, backend, scope, &ComplaintFilter::default());
        restrict(&mut q, backend, &query.terms, Combine::Any);
        q.and_where(Expr::col(("c", "id")).ne(id.0));
        // Like a search: the newest matches are ranked, so a common word costs no more.
        let window = window_of(q, backend, &query.terms, Combine::Any);
        let mut q = Query::select();
        q.from_subquery(window, "w").join_as(
            JoinType::InnerJoin,
            "complaints",
            "c",
            Expr::col(("c", "id")).equals(("w", "wid")),
        );
        crate::complaints::list_columns(&mut q);
        q.order_by(("w", "score"), Order::Desc).order_by(("c", "id"), Order::Desc).limit(Ord::min(limit, 50));
        let rows = ComplaintListRow::find_by_statement(backend.build(&q)).all(&self.db).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut snippets = self.search_snippets(&ids, &query).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let snippet = snippets.remove(&r.id).map(|m| m.snippet).unwrap_or_default();
                SimilarComplaint { complaint: r, snippet }
            })
            .collect();
        Ok(Similar { keywords, items })
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
}
