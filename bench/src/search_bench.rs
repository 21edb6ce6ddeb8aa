//! `search-bench`: full-text search at scale. Fills a database with `--complaints` complaints
//! made from the real texts of `shared/data/routing` (direct multi-row inserts, the index built
//! the way the product builds it), then measures the search path the API runs for
//! `GET /complaints?q=…` (`Store::list_complaints` ranked by relevance within a data scope, page
//! of 20, plus `Store::search_snippets`) for one- and two-word Chinese queries, and checks recall:
//! for 1–3-word queries over the first `--recall` complaints, every complaint whose text contains
//! the words (a plain substring scan) must be found.
//!
//! ```sh
//! cargo build --release -p cloop-bench
//! target/release/search-bench --database-url sqlite:///tmp/s/cloop.db?mode=rwc --complaints 1000000
//! target/release/search-bench --database-url postgres://postgres@127.0.0.1:55441/cloop_search_bench --complaints 1000000
//! ```
//! Generating is skipped when the database already holds the complaints.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration as Days, TimeZone, Utc};
use clap::Parser;
use cloop_bench::{default_data, latency_summary, load_texts, name, pct, phone};
use cloop_domain::complaint::{Event, EventBody};
use cloop_domain::{ActorRef, Channel, Complaint, ComplaintId, CustomerId, OrgUnitId, Tier};
use cloop_nlp::segment::{self, SearchQuery};
use cloop_store::{Backend, ComplaintFilter, Scope, SortKey, Store};
use sea_orm::sea_query::Query;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};
use std::path::PathBuf;
use std::time::Instant;

/// Full-text search at scale.
#[derive(Debug, Parser)]
#[command(name = "search-bench", about)]
struct Args {
    #[command(flatten)]
    store: cloop_bench::StoreArgs,
    /// Complaints in the database (generated up to this number).
    #[arg(long, default_value_t = 1_000_000)]
    complaints: usize,
    /// Complaints (the first ones, received in 2025) checked against a substring scan.
    #[arg(long, default_value_t = 100_000)]
    recall: usize,
    /// Measured runs of each query (after two warm-up runs).
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// JSONL data sets (`{"text": …}` lines); default: the routing train and test files.
    #[arg(long)]
    data: Vec<PathBuf>,
    /// Time only these queries (default: the built-in one- and two-word sets).
    #[arg(long = "query")]
    queries: Vec<String>,
    /// Fill the database up to `--complaints` and stop (no timed runs, no recall check).
    #[arg(long)]
    load_only: bool,
    /// Complaints (spread over the ids) whose similar complaints are timed, each `--runs` times.
    #[arg(long, default_value_t = 10)]
    similar: usize,
    /// Skip the query plans and the search latencies (time similar complaints and recall only).
    #[arg(long)]
    skip_search: bool,
}

const ONE_WORD: [&str; 12] =
    ["退货", "物流", "客服", "快递", "质量", "屏幕", "价格", "服务", "ipad", "酒店", "发票", "售后"];
const TWO_WORDS: [&str; 10] = [
    "退货 物流",
    "客服 态度",
    "快递 包装",
    "屏幕 质量",
    "酒店 服务",
    "价格 便宜",
    "ipad 屏幕",
    "售后 服务",
    "发票 退款",
    "物流 太慢",
];
/// One-character words, among the commonest a complaint has: searched as the prefix of the
/// index's bigrams (SQLite keeps a one-character prefix index for them, migration 0017).
const ONE_CHARACTER: [&str; 6] = ["差", "好", "慢", "贵", "退", "质量 差"];
/// Words left out with a minus.
const EXCLUDING: [&str; 4] = ["退货 -物流", "客服 -态度 -电话", "ipad -屏幕", "质量 差 -退货"];
const THREE_WORDS: [&str; 5] =
    ["退货 物流 客服", "ipad 屏幕 问题", "酒店 服务 态度", "质量 问题 退货", "手机 屏幕 问题"];

fn received(i: usize, recall: usize) -> DateTime<Utc> {
    // The recall set in 2025, the rest in 2026: a date filter picks the recall set out.
    let base =
        if i < recall { Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0) } else { Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0) };
    base.unwrap() + Days::seconds((i % 20_000_000) as i64)
}

/// Content of complaint `i`: a real text, or for `i` past the data set two real texts run
/// together (new neighbours for the words at the seam).
fn content(texts: &[String], i: usize) -> String {
    let n = texts.len();
    if i < n { texts[i].clone() } else { format!("{}{}", texts[i % n], texts[(i * 7919 + 13) % n]) }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let data = if args.data.is_empty() {
        let train = default_data();
        vec![train.with_file_name("shopping_complaints.test.jsonl"), train]
    } else {
        args.data.clone()
    };
    let mut texts = Vec::new();
    for d in &data {
        texts.extend(load_texts(d)?);
    }
    println!(
        "texts: {} real texts from {}",
        texts.len(),
        data.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
    );
    let store = args.store.open().await?;
    let backend = store.backend();
    println!("backend: {backend:?}");

    let (company, unit, path) = org(&store).await?;
    let have = store.complaint_count().await? as usize;
    if have < args.complaints {
        generate(&store, &texts, have, args.complaints, args.recall, company, unit, &path).await?;
    } else {
        println!("database already holds {have} complaints; not generating");
    }
    if args.load_only {
        return Ok(());
    }
    let scope = Scope::Under(path.clone());

    if !args.skip_search {
        search_latency(&store, &scope, &path, &args).await?;
    }
    similar(&store, &texts, &scope, args.complaints, args.similar, args.runs).await?;

    recall(&store, &texts, &scope, args.recall.min(args.complaints)).await?;
    let _ = backend;
    Ok(())
}

/// The benchmark company and its call centre (created once).
async fn org(store: &Store) -> Result<(OrgUnitId, OrgUnitId, String)> {
    let unit = match store.org_unit_by_code("searchbench.cc").await {
        Ok(u) => u,
        Err(_) => {
            let group = store.org_unit_by_code("group").await?;
            let co =
                store.create_org_unit(Some(group.id), "company", "searchbench", "搜索测试公司", "Search bench").await?;
            store.create_org_unit(Some(co.id), "department", "searchbench.cc", "客服中心", "Call centre").await?
        }
    };
    let company = unit.parent_id.context("the call centre has a parent")?;
    Ok((OrgUnitId(company), OrgUnitId(unit.id), store.org_path(OrgUnitId(company)).await?))
}

/// Inserts complaints `from..to` (and 10,000 customers the first time) with their search rows.
async fn generate(
    store: &Store,
    texts: &[String],
    from: usize,
    to: usize,
    recall: usize,
    company: OrgUnitId,
    unit: OrgUnitId,
    company_path: &str,
) -> Result<()> {
    let db = store.connection();
    let backend = store.backend();
    let intake_path = store.org_path(unit).await?;
    let _ = company_path;
    let customers = 10_000usize;
    let first_customer: i64 = {
        let now = Utc::now();
        let mut ids = Vec::new();
        for chunk in (0..customers).collect::<Vec<_>>().chunks(1000) {
            let mut q = Query::insert();
            q.into_table("customers").columns(["name", "phone", "email", "tier", "created_at", "updated_at"]);
            for &i in chunk {
                q.values_panic([
                    name(i).into(),
                    format!("{}{}", phone(i), from).chars().take(11).collect::<String>().into(),
                    Value::String(None).into(),
                    "normal".into(),
                    now.into(),
                    now.into(),
                ]);
            }
            q.returning_col("id");
            for r in db.query_all(&q).await.context("customers")? {
                ids.push(r.try_get::<i64>("", "id")?);
            }
        }
        ids[0]
    };
    if backend == Backend::Postgres {
        // Bulk load: build the GIN index once at the end rather than row by row.
        db.execute_unprepared("DROP INDEX IF EXISTS complaint_terms_tsv").await?;
    }
    println!("generating complaints {from}..{to}");
    let started = Instant::now();
    let per_statement = 400;
    let per_txn = 20_000;
    let mut i = from;
    while i < to {
        let txn = db.begin().await?;
        let end = Ord::min(i + per_txn, to);
        let mut j = i;
        while j < end {
            let stop = Ord::min(j + per_statement, end);
            let mut complaints = Query::insert();
            complaints.into_table("complaints").columns([
                "id",
                "case_no",
                "company_id",
                "intake_unit_id",
                "intake_path",
                "customer_id",
                "channel",
                "tier",
                "received_at",
                "registered_at",
                "state",
                "severity",
                "summary",
                "escalation_level",
                "transfer_count",
                "updated_at",
                "version",
                "doc",
            ]);
            let mut search = Query::insert();
            search.into_table("complaint_search").columns([
                "complaint_id",
                "body",
                "notes",
                "body_tokens",
                "notes_tokens",
            ]);
            for k in j..stop {
                let id = k as i64 + 1;
                let text = content(texts, k);
                let at = received(k, recall);
                let summary: String = text.chars().take(30).collect();
                let event = Event {
                    seq: 1,
                    at,
                    actor: ActorRef::System,
                    body: EventBody::Registered {
                        case_no: format!("SB{id:012}"),
                        customer_id: CustomerId(first_customer + (k % customers) as i64),
                        tier: Tier::Normal,
                        company_id: company,
                        intake_unit_id: unit,
                        channel: Channel::Web,
                        summary,
                        content: text,
                        customer_request: None,
                        product_ref: None,
                        order_ref: None,
                        category_id: None,
                        severity: Some(cloop_domain::Severity::Level3),
                        received_at: at,
                    },
                };
                let mut c = Complaint::from_registered(ComplaintId(id), &event).context("registered")?;
                c.id = ComplaintId(id);
                let body = cloop_store::search::body_text(&c);
                complaints.values_panic([
                    id.into(),
                    c.case_no.clone().into(),
                    company.0.into(),
                    unit.0.into(),
                    intake_path.clone().into(),
                    c.customer_id.0.into(),
                    c.channel.code().into(),
                    c.tier.code().into(),
                    at.into(),
                    at.into(),
                    c.state.code().into(),
                    3i64.into(),
                    c.summary.clone().into(),
                    0i64.into(),
                    0i64.into(),
                    at.into(),
                    1i64.into(),
                    serde_json::to_string(&c)?.into(),
                ]);
                let tokens = segment::index_text(&body);
                search.values_panic([
                    id.into(),
                    body.into(),
                    String::new().into(),
                    tokens.into(),
                    String::new().into(),
                ]);
            }
            txn.execute(&complaints).await.context("complaints")?;
            txn.execute(&search).await.context("search rows")?;
            j = stop;
        }
        txn.commit().await?;
        i = end;
        let done = i - from;
        println!(
            "  {i} complaints, {:.0} s, {:.0} per second",
            started.elapsed().as_secs_f64(),
            done as f64 / started.elapsed().as_secs_f64()
        );
    }
    if backend == Backend::Postgres {
        let t = Instant::now();
        // The store indexes the terms of its own writes after each commit; these rows were
        // written straight into complaint_search.
        // In slices, each retried once: the store's own sweep indexes the newest rows it finds
        // without terms at the same time, and two inserters of the same keys can deadlock.
        let mut lo = from as i64 + 1;
        while lo <= to as i64 {
            let hi = Ord::min(lo + 99_999, to as i64);
            if let Err(e) = cloop_store::search::index_loaded_rows(db, lo, hi).await {
                println!("  indexing terms of {lo}..={hi} failed ({e}); once more");
                cloop_store::search::index_loaded_rows(db, lo, hi).await?;
            }
            lo = hi + 1;
        }
        println!("search terms of {} complaints in {:.0} s", to - from, t.elapsed().as_secs_f64());
        let t = Instant::now();
        db.execute_unprepared("SET maintenance_work_mem = '1GB'").await?;
        db.execute_unprepared("CREATE INDEX complaint_terms_tsv ON complaint_terms USING gin (tsv)").await?;
        println!("GIN index built in {:.0} s", t.elapsed().as_secs_f64());
        db.execute_unprepared(&format!("SELECT setval(pg_get_serial_sequence('complaints', 'id'), {to})")).await?;
        db.execute_unprepared("ANALYZE").await?;
    } else {
        let t = Instant::now();
        // The loader writes complaint_search rows directly; the store feeds FTS5 itself (there
        // is no insert trigger), so build the index here in one pass.
        db.execute_unprepared("INSERT INTO complaint_fts(complaint_fts) VALUES ('rebuild')").await?;
        db.execute_unprepared("INSERT INTO complaint_fts(complaint_fts) VALUES ('optimize')").await?;
        db.execute_unprepared("ANALYZE").await?;
        println!("FTS5 rebuild + optimize + ANALYZE in {:.0} s", t.elapsed().as_secs_f64());
    }
    println!("generated {} complaints in {:.0} s", to - from, started.elapsed().as_secs_f64());
    Ok(())
}

/// Latencies (µs) of `runs` searches for `q`, the number of ranked matches and whether more match.
async fn measure(store: &Store, scope: &Scope, q: &str, runs: usize) -> Result<(Vec<u32>, u64, bool)> {
    let filter = ComplaintFilter { text: Some(q.into()), ..Default::default() };
    let parsed = SearchQuery::parse(q);
    let mut out = Vec::with_capacity(runs);
    let mut total = 0;
    let mut capped = false;
    for run in 0..runs + 2 {
        let started = Instant::now();
        let page = store.list_complaints(scope, &filter, SortKey::Relevance, true, 1, 20).await?;
        let ids: Vec<i64> = page.items.iter().map(|r| r.id).collect();
        let snippets = store.search_snippets(&ids, &parsed).await?;
        let us = started.elapsed().as_micros() as u32;
        if snippets.len() != ids.len() {
            bail!("{q}: {} snippets for {} rows", snippets.len(), ids.len());
        }
        total = page.total;
        capped = page.capped;
        if run >= 2 {
            out.push(us);
        }
    }
    Ok((out, total, capped))
}

/// The plan of the ranking window (`cloop_store::search::window`) for a query, with the scope
/// filter of a company (`path`).
async fn explain(store: &Store, q: &str, path: &str) -> Result<()> {
    let db = store.connection();
    let parsed = SearchQuery::parse(q);
    let scope = format!("(c.intake_path LIKE '{path}%' OR c.dept_path LIKE '{path}%')");
    let sql = match store.backend() {
        Backend::Sqlite => {
            let m = cloop_store::search::match_expression(Backend::Sqlite, &parsed);
            println!("\n== query plan (SQLite) of the ranking window for {q}: MATCH '{m}' ==");
            format!(
                "EXPLAIN QUERY PLAN SELECT c.id AS wid, -bm25(complaint_fts, 4.0, 1.0) AS score FROM complaints c \
                 JOIN complaint_fts ON complaint_fts.rowid = c.id WHERE {scope} AND complaint_fts MATCH '{m}' \
                 ORDER BY complaint_fts.rowid DESC LIMIT 1001"
            )
        }
        Backend::Postgres => {
            // Inside a SQL string literal here, so its quotes are doubled.
            let m = cloop_store::search::match_expression(Backend::Postgres, &parsed).replace('\'', "''");
            println!(
                "\n== query plan (PostgreSQL) of the whole ranking window as one query for {q}: to_tsquery('{m}') \
                 (the store fills the window in slices of ids, each planned on its own; see BENCHMARKS.md) =="
            );
            format!(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT c.id AS wid, ts_rank(s.tsv, to_tsquery('simple', '{m}')) AS score \
                 FROM complaints c JOIN complaint_terms s ON s.complaint_id = c.id \
                 WHERE {scope} AND s.tsv @@ to_tsquery('simple', '{m}') ORDER BY c.id DESC LIMIT 1001"
            )
        }
    };
    for r in db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await? {
        let line = match store.backend() {
            Backend::Sqlite => r.try_get::<String>("", "detail").unwrap_or_default(),
            Backend::Postgres => r.try_get::<String>("", "QUERY PLAN").unwrap_or_default(),
        };
        println!("  {line}");
    }
    Ok(())
}

/// The query plans of a common word and a rare pair, then the latency of every query.
async fn search_latency(store: &Store, scope: &Scope, path: &str, args: &Args) -> Result<()> {
    // Query plans, for the record: a common word and a rare pair.
    for q in ["服务", "发票 退款"] {
        explain(store, q, path).await?;
    }

    println!(
        "\n== latency: list_complaints(q, relevance, page of 20, scope) + search_snippets, {} runs each after 2 warm-up runs ==",
        args.runs
    );
    let classes: Vec<(&str, Vec<&str>)> = if args.queries.is_empty() {
        vec![
            ("one word", ONE_WORD.to_vec()),
            ("two words", TWO_WORDS.to_vec()),
            ("one character", ONE_CHARACTER.to_vec()),
            ("excluding", EXCLUDING.to_vec()),
        ]
    } else {
        vec![("chosen", args.queries.iter().map(String::as_str).collect())]
    };
    for (label, queries) in classes {
        let mut class = Vec::new();
        for q in queries {
            let (lat, total, capped) = measure(store, scope, q, args.runs).await?;
            let mut sorted = lat.clone();
            sorted.sort_unstable();
            println!(
                "{q:<12} ranked {total:>5}{}  p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms",
                if capped { "+" } else { " " },
                pct(&sorted, 50.0),
                pct(&sorted, 95.0),
                pct(&sorted, 100.0)
            );
            class.extend(lat);
        }
        class.sort_unstable();
        println!("-- {label}: {} searches, {}", class.len(), latency_summary(&class));
    }
    Ok(())
}

/// `Store::similar_complaints` (the detail page's panel, 5 complaints) for `n` complaints spread
/// over the ids: the first call (after loading the keyword extractor, as the server does at
/// start), then `runs` calls of each. Prints the keywords and the case numbers and first words of what was found, so
/// the ranking can be read.
///
/// Past the data set every complaint is two real texts run together (see [`content`]), so each
/// text recurs in about `complaints / texts` complaints: the share of the found complaints that
/// share a text with the original ("relatives") is a measure of the ranking that does not
/// depend on how it ranks; so is how many of the original's keywords the found ones contain.
async fn similar(
    store: &Store,
    texts: &[String],
    scope: &Scope,
    complaints: usize,
    n: usize,
    runs: usize,
) -> Result<()> {
    if n == 0 || complaints == 0 {
        return Ok(());
    }
    let ids: Vec<i64> = (0..n).map(|k| (1 + (k * complaints / n + k * 7919) % complaints) as i64).collect();
    println!("\n== similar complaints (5) of {n} complaints, {runs} runs each after the first call ==");
    // `cloop serve` loads the keyword extractor's dictionaries as it starts.
    let started = Instant::now();
    cloop_nlp::keywords::warm_up();
    println!("keyword extractor loaded in {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);
    let started = Instant::now();
    store.similar_complaints(scope, ComplaintId(ids[0]), 5).await?;
    let first = started.elapsed().as_micros() as u32;
    let mut all = Vec::new();
    let (mut found, mut relatives, mut shared) = (0usize, 0usize, 0usize);
    for &id in &ids {
        let mut lat = Vec::with_capacity(runs);
        let mut last = None;
        for _ in 0..runs {
            let started = Instant::now();
            let s = store.similar_complaints(scope, ComplaintId(id), 5).await?;
            lat.push(started.elapsed().as_micros() as u32);
            last = Some(s);
        }
        lat.sort_unstable();
        let s = last.context("runs > 0")?;
        println!(
            "#{id:<7} p50 {:>6.2} ms  p95 {:>6.2} ms  keywords {:?}",
            pct(&lat, 50.0),
            pct(&lat, 95.0),
            s.keywords
        );
        let mine = sources(texts.len(), id as usize - 1);
        for item in &s.items {
            let theirs = sources(texts.len(), item.complaint.id as usize - 1);
            let related = theirs.iter().any(|t| mine.contains(t));
            let text = segment::normalize(&content(texts, item.complaint.id as usize - 1));
            let words = s.keywords.iter().filter(|k| text.contains(k.as_str())).count();
            found += 1;
            relatives += usize::from(related);
            shared += words;
            let snippet: String = item.snippet.iter().map(|p| p.text.as_str()).collect();
            println!(
                "    {} {}{}/{} keywords  {}",
                item.complaint.case_no,
                if related { "relative " } else { "" },
                words,
                s.keywords.len(),
                snippet.chars().take(36).collect::<String>()
            );
        }
        all.extend(lat);
    }
    all.sort_unstable();
    println!(
        "-- similar complaints: first call {:.2} ms; {} calls, {}",
        f64::from(first) / 1000.0,
        all.len(),
        latency_summary(&all)
    );
    println!(
        "-- similar complaints found: {found}, relatives (a text in common) {relatives}, keywords contained {:.2} per found",
        shared as f64 / found.max(1) as f64
    );
    Ok(())
}

/// The indexes of the real texts complaint `i` is made of (see [`content`]).
fn sources(n: usize, i: usize) -> Vec<usize> {
    if i < n { vec![i] } else { vec![i % n, (i * 7919 + 13) % n] }
}

/// Recall over the first `n` complaints (received in 2025): the search must find every complaint
/// whose text contains the query's words; a substring scan over the same texts is the truth.
async fn recall(store: &Store, texts: &[String], scope: &Scope, n: usize) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    println!(
        "\n== recall against a substring scan over the first {n} complaints (1–3-word queries); the ranked window \
         must be the newest {} of them ==",
        cloop_store::search::RANK_WINDOW
    );
    let folded: Vec<(i64, String)> = (0..n).map(|i| (i as i64 + 1, segment::normalize(&content(texts, i)))).collect();
    let window = ComplaintFilter {
        received_from: Some(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()),
        received_to: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        ..Default::default()
    };
    let mut missed_all = 0;
    for q in ONE_WORD.iter().chain(&TWO_WORDS).chain(&THREE_WORDS) {
        let words: Vec<String> = segment::normalize(q).split(' ').map(str::to_owned).collect();
        let truth: std::collections::BTreeSet<i64> =
            folded.iter().filter(|(_, t)| words.iter().all(|w| contains(t, w))).map(|(id, _)| *id).collect();
        let latin_inside: usize = folded
            .iter()
            .filter(|(_, t)| words.iter().all(|w| t.contains(w.as_str())) && !words.iter().all(|w| contains(t, w)))
            .count();
        let filter = ComplaintFilter { text: Some((*q).into()), ..window.clone() };
        let mut found = std::collections::BTreeSet::new();
        for page in 1.. {
            let p = store.list_complaints(scope, &filter, SortKey::ReceivedAt, true, page, 200).await?;
            let len = p.items.len();
            found.extend(p.items.into_iter().map(|r| r.id));
            if len < 200 {
                break;
            }
        }
        let missed = truth.difference(&found).count();
        let extra = found.difference(&truth).count();
        // Ranked by relevance, the window must hold exactly the newest matches.
        let mut ranked = std::collections::BTreeSet::new();
        for page in 1..=(cloop_store::search::RANK_WINDOW / 200) {
            let p = store.list_complaints(scope, &filter, SortKey::Relevance, true, page, 200).await?;
            ranked.extend(p.items.into_iter().map(|r| r.id));
        }
        let newest: std::collections::BTreeSet<i64> =
            truth.iter().rev().take(cloop_store::search::RANK_WINDOW as usize).copied().collect();
        let window_wrong = newest.symmetric_difference(&ranked).count();
        missed_all += missed + window_wrong;
        println!(
            "{q:<16} substring scan {:>6}  found {:>6}  missed {missed}  found beyond the scan {extra}  \
             ranked window {:>4}, not the newest matches {window_wrong}{}",
            truth.len(),
            found.len(),
            ranked.len(),
            if latin_inside > 0 {
                format!("  (inside longer Latin words, not searched: {latin_inside})")
            } else {
                String::new()
            }
        );
    }
    println!("-- missed in all (and ranked windows wrong): {missed_all}");
    if missed_all > 0 {
        bail!("recall below 100 % or a ranked window not the newest matches");
    }
    Ok(())
}

/// `word` in `text` (both normalised); a Latin word or number only at the start of a word.
fn contains(text: &str, word: &str) -> bool {
    let first = word.chars().next().unwrap_or(' ');
    let same = |c: char| {
        (c.is_ascii_alphabetic() && first.is_ascii_alphabetic()) || (c.is_ascii_digit() && first.is_ascii_digit())
    };
    text.match_indices(word).any(|(i, _)| text[..i].chars().next_back().is_none_or(|b| !same(b)))
}
