//! One storage conformance suite, run on SQLite always and on PostgreSQL whenever
//! `CLOOP_TEST_DATABASE_URL` names a server (in CI it must): the same calls must give the same
//! answers on both backends — numbering, customers, idempotency, optimistic concurrency,
//! scope, filters, timestamps that survive a round trip, and verification.

use chrono::{Duration, TimeZone, Utc};
use cloop_domain::lifecycle::Who;
use cloop_domain::*;
use cloop_store::{ComplaintFilter, NewComplaint, NewCustomer, Scope, SortKey, Store, StoreError};
use sea_orm::ConnectionTrait;

mod support;
use support::stores;

struct World {
    company: OrgUnitId,
    cc: OrgUnitId,
    quality: OrgUnitId,
    other_company_cc: OrgUnitId,
    agent: Actor,
    category: CategoryId,
}

async fn world(store: &Store) -> World {
    let group = store.org_unit_by_code("group").await.expect("root");
    let company = store.create_org_unit(Some(group.id), "company", "co", "公司", "Co").await.expect("company");
    let cc = store.create_org_unit(Some(company.id), "department", "co.cc", "客服中心", "CC").await.expect("cc");
    let quality = store.create_org_unit(Some(company.id), "department", "co.q", "质量部", "Quality").await.expect("q");
    let other = store.create_org_unit(Some(group.id), "company", "other", "另一公司", "Other").await.expect("other");
    let other_cc =
        store.create_org_unit(Some(other.id), "department", "other.cc", "客服中心", "CC").await.expect("other cc");
    let role = store.role_by_code("agent").await.expect("agent role");
    let user = store
        .create_user(&cloop_store::accounts::NewUser {
            username: "agent".into(),
            display_name: "王芳".into(),
            email: None,
            org_unit_id: cc.id,
            role_id: role.id,
            password_hash: "x".into(),
        })
        .await
        .expect("user");
    let parent = store.create_category(None, "quality", "产品质量", "Quality", 0).await.expect("category");
    let category = store.create_category(Some(parent.id), "fault", "产品故障", "Fault", 0).await.expect("category");
    World {
        company: OrgUnitId(company.id),
        cc: OrgUnitId(cc.id),
        quality: OrgUnitId(quality.id),
        other_company_cc: OrgUnitId(other_cc.id),
        agent: store.actor(user.id).await.expect("actor").0,
        category: CategoryId(category.id),
    }
}

fn complaint(w: &World, phone: &str, unit: OrgUnitId, received_at: chrono::DateTime<Utc>) -> NewComplaint {
    NewComplaint {
        customer: NewCustomer { name: "张三".into(), phone: Some(phone.into()), email: None },
        channel: Channel::Phone,
        summary: "洗衣机漏水".into(),
        content: "洗衣机用了两天就漏水，地板都泡了。IPAD 也坏了".into(),
        customer_request: Some("退货".into()),
        product_ref: None,
        order_ref: Some("HT001".into()),
        category_id: Some(w.category),
        severity: Some(Severity::Level2),
        received_at,
        company_id: w.company,
        intake_unit_id: unit,
    }
}

#[tokio::test]
async fn both_backends_behave_the_same() {
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        // Nanoseconds in, microseconds stored: the hash must still verify after the round trip.
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 3, 4, 5).unwrap() + Duration::nanoseconds(123_456_789);

        // Numbering: per China day, consecutive, prefix from the config.
        let a = store.intake(complaint(&w, "13800000001", w.cc, now), actor.clone(), None, now).await.expect("intake");
        let b = store.intake(complaint(&w, "13800000001", w.cc, now), actor.clone(), None, now).await.expect("intake");
        assert_eq!(a.case_no, "TS20261122000001", "{backend}");
        assert_eq!(b.case_no, "TS20261122000002", "{backend}");
        assert_eq!(a.customer_id, b.customer_id, "{backend}: same phone, same customer");
        assert!(a.created && b.created);

        // Idempotency: the same key answers the first complaint and creates nothing.
        let k1 = store
            .intake(complaint(&w, "13800000002", w.cc, now), actor.clone(), Some("k".into()), now)
            .await
            .expect("intake");
        let k2 = store
            .intake(complaint(&w, "13800000002", w.cc, now), actor.clone(), Some("k".into()), now)
            .await
            .expect("intake");
        assert_eq!((k1.complaint_id, k1.created, k2.created), (k2.complaint_id, true, false), "{backend}");
        assert_eq!(store.complaint_count().await.expect("count"), 3, "{backend}");

        // Concurrent intakes share commits and never share a number.
        let mut handles = Vec::new();
        for i in 0..40 {
            let (store, actor) = (store.clone(), actor.clone());
            let c = complaint(&w, &format!("1390000{i:04}"), if i % 2 == 0 { w.cc } else { w.other_company_cc }, now);
            handles.push(tokio::spawn(async move { store.intake(c, actor, None, now).await.expect("intake").case_no }));
        }
        let mut numbers = Vec::new();
        for h in handles {
            numbers.push(h.await.expect("task"));
        }
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 40, "{backend}");

        // Commands: decided, appended, projected; a refusal changes nothing.
        let who = Who::Staff(&w.agent);
        let refused = store.execute(a.complaint_id, &Command::Accept, who, now).await;
        assert!(matches!(refused, Err(StoreError::Refused(_))), "{backend}: {refused:?}");
        let c = store
            .execute(a.complaint_id, &Command::Assign { department_id: w.quality, handler_id: None }, who, now)
            .await
            .expect("assign");
        assert_eq!((c.state, c.version), (State::Assigned, 2), "{backend}");
        let loaded = store.load(a.complaint_id).await.expect("load");
        assert_eq!(loaded.complaint, c, "{backend}: the stored projection is what execute answered");
        assert_eq!(loaded.dept_path.as_deref().map(|p| p.ends_with(&format!("/{}/", w.quality.0))), Some(true));
        assert_eq!(loaded.complaint.registered_at.timestamp_subsec_nanos(), 123_456_000, "{backend}: µs precision");

        // Optimistic concurrency: simultaneous commands on one complaint all land, in some order.
        let mut handles = Vec::new();
        for i in 0..10 {
            let (store, actor) = (store.clone(), w.agent.clone());
            handles.push(tokio::spawn(async move {
                let cmd = Command::AddNote { visibility: Visibility::Internal, text: format!("备注 {i}") };
                store.execute(a.complaint_id, &cmd, Who::Staff(&actor), now).await.expect("note").version
            }));
        }
        for h in handles {
            h.await.expect("task");
        }
        let events = store.events(a.complaint_id).await.expect("events");
        assert_eq!(events.len(), 12, "{backend}: register + assign + 10 notes");
        assert!(events.windows(2).all(|p| p[1].prev_hash == p[0].hash && p[1].seq == p[0].seq + 1), "{backend}");

        // Scope and filters.
        let cc_path = store.org_path(w.cc).await.expect("path");
        let quality_path = store.org_path(w.quality).await.expect("path");
        let all = ComplaintFilter::default();
        let page =
            store.list_complaints(&Scope::Under(cc_path), &all, SortKey::ReceivedAt, true, 1, 100).await.unwrap();
        assert_eq!(page.total, 23, "{backend}: 3 + 20 registered by the call centre");
        let page =
            store.list_complaints(&Scope::Under(quality_path), &all, SortKey::ReceivedAt, true, 1, 100).await.unwrap();
        assert_eq!(page.total, 1, "{backend}: the department sees only what is assigned to it");
        let text = ComplaintFilter { text: Some("ipad 漏水".into()), ..Default::default() };
        assert_eq!(store.list_complaints(&Scope::All, &text, SortKey::CaseNo, false, 1, 5).await.unwrap().total, 43);
        let none = ComplaintFilter { text: Some("100%_".into()), ..Default::default() };
        assert_eq!(store.list_complaints(&Scope::All, &none, SortKey::CaseNo, false, 1, 5).await.unwrap().total, 0);
        let assigned = ComplaintFilter { states: vec![State::Assigned], ..Default::default() };
        let page = store.list_complaints(&Scope::All, &assigned, SortKey::UpdatedAt, true, 1, 5).await.unwrap();
        assert_eq!(page.items.iter().map(|r| r.case_no.as_str()).collect::<Vec<_>>(), vec![a.case_no.as_str()]);
        let counts = store.count_by_state(&Scope::All).await.expect("counts");
        assert_eq!(counts.iter().map(|(_, n)| n).sum::<i64>(), 43, "{backend}");

        // New customers arriving at once, each several times: their batches (and, on
        // PostgreSQL, other nodes' writers) race to create them. Every intake lands, each phone
        // is one customer, and no number is given twice.
        let mut handles = Vec::new();
        for i in 0..120 {
            let (store, actor) = (store.clone(), actor.clone());
            let phone = format!("1370000{:04}", i % 30);
            let c = complaint(&w, &phone, w.cc, now);
            handles.push(tokio::spawn(async move {
                let r = store.intake(c, actor, None, now).await.expect("intake");
                (phone, r.customer_id, r.case_no)
            }));
        }
        let mut customer_of: std::collections::HashMap<String, CustomerId> = Default::default();
        let mut numbers = std::collections::BTreeSet::new();
        for h in handles {
            let (phone, customer, case_no) = h.await.expect("task");
            assert_eq!(*customer_of.entry(phone.clone()).or_insert(customer), customer, "{backend}: {phone}");
            assert!(numbers.insert(case_no), "{backend}: a number given twice");
        }
        assert_eq!((customer_of.len(), numbers.len()), (30, 120), "{backend}");
        let distinct: std::collections::BTreeSet<_> = customer_of.values().collect();
        assert_eq!(distinct.len(), 30, "{backend}: one customer per phone");

        let report = store.verify().await.expect("verify");
        assert_eq!((report.complaints, report.first_break), (163, None), "{backend}");
    }
}

/// Texts for the search tests: pieces that jieba cuts differently in different neighbourhoods
/// (`退货款`, `不退货`, `客服务`), Latin words in several spellings, punctuation.
fn generated_texts(n: usize, seed: u64) -> Vec<String> {
    const PIECES: [&str; 30] = [
        "退",
        "货",
        "款",
        "不",
        "物",
        "流",
        "客",
        "服",
        "退货",
        "货款",
        "退货款",
        "不退货",
        "物流",
        "客服",
        "客服务",
        "服务",
        "ipad",
        "iPad",
        "ＩＰＡＤ",
        "myipad",
        "2",
        "mini",
        "，",
        "。",
        " ",
        "！",
        "很差",
        "快递",
        "了",
        "\"*(OR)",
    ];
    let mut state = seed;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    (0..n).map(|_| (0..2 + next(12)).map(|_| PIECES[next(PIECES.len())]).collect()).collect()
}

/// Every case number a full-text query finds (all pages).
async fn found(store: &Store, scope: &Scope, filter: &ComplaintFilter) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for page in 1.. {
        let p = store.list_complaints(scope, filter, SortKey::Relevance, true, page, 200).await.expect("search");
        let n = p.items.len();
        out.extend(p.items.into_iter().map(|r| r.case_no));
        if n < 200 {
            break;
        }
    }
    out
}

/// `word` in `text`; a Latin word or a number only where no letter (digit) stands before it.
fn substring(text: &str, word: &str) -> bool {
    let same_kind = |a: char, b: char| {
        (a.is_ascii_alphabetic() && b.is_ascii_alphabetic()) || (a.is_ascii_digit() && b.is_ascii_digit())
    };
    let first = word.chars().next().expect("a word");
    text.match_indices(word).any(|(i, _)| text[..i].chars().next_back().is_none_or(|before| !same_kind(before, first)))
}

fn text_filter(q: &str) -> ComplaintFilter {
    ComplaintFilter { text: Some(q.into()), ..Default::default() }
}

#[tokio::test]
async fn full_text_search_finds_what_a_substring_scan_finds_on_both_backends() {
    use cloop_nlp::segment::SearchQuery;
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let contents = generated_texts(240, 20261122);
        let notes = generated_texts(240, 7);
        let mut handles = Vec::new();
        for (i, content) in contents.iter().enumerate() {
            let (store, actor) = (store.clone(), actor.clone());
            let mut c = complaint(&w, &format!("1370000{i:04}"), w.cc, now);
            c.summary = "投诉".into();
            c.content = content.clone();
            c.customer_request = None;
            c.order_ref = None;
            handles.push(tokio::spawn(async move { store.intake(c, actor, None, now).await.expect("intake") }));
        }
        let mut receipts = Vec::new();
        for h in handles {
            receipts.push(h.await.expect("task"));
        }
        // Every third complaint gets a note: notes are searched too.
        let mut texts: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
        for (i, r) in receipts.iter().enumerate() {
            let mut all = format!("{}\n投诉\n{}", r.case_no, contents[i]);
            if i % 3 == 0 {
                let cmd = Command::AddNote { visibility: Visibility::Internal, text: notes[i].clone() };
                store.execute(r.complaint_id, &cmd, Who::Staff(&w.agent), now).await.expect("note");
                all.push('\n');
                all.push_str(&notes[i]);
            }
            texts.insert(r.case_no.clone(), all);
        }
        for q in [
            "退货",
            "物流",
            "客服",
            "ipad",
            "退货款",
            "不退货",
            "退",
            "款",
            "货款",
            "退货 物流",
            "客服 退货 ipad",
            "物流客服",
            "很差",
            "服务",
            "iPad mini",
            "快递了",
            "退货物流",
            "2",
        ] {
            let parsed = SearchQuery::parse(q);
            let expected: std::collections::BTreeSet<String> =
                texts.iter().filter(|(_, t)| parsed.matches_text(t)).map(|(k, _)| k.clone()).collect();
            // The meaning `matches_text` promises is the plain substring scan (Latin words and
            // numbers from a word start): check it by hand too, so the comparison is not circular.
            for (case_no, t) in &texts {
                let folded = cloop_nlp::segment::normalize(t);
                let all_words = cloop_nlp::segment::normalize(q).split(' ').all(|word| substring(&folded, word));
                // (A typed run such as 物流客服 is searched as its words, so more may match.)
                if all_words {
                    assert!(expected.contains(case_no), "{backend}: {q:?} in {t:?}");
                }
            }
            assert!(!expected.is_empty(), "{backend}: the generated texts contain {q:?}");
            assert_eq!(found(&store, &Scope::All, &text_filter(q)).await, expected, "{backend}: {q:?}");
        }
        // Quoted Chinese is found as typed: exactly the texts that hold the run itself.
        for q in ["\"退货物流\"", "“物流客服”", "\"货款\""] {
            let run: String = q.chars().filter(|c| !matches!(c, '"' | '“' | '”')).collect();
            let expected: std::collections::BTreeSet<String> = texts
                .iter()
                .filter(|(_, t)| substring(&cloop_nlp::segment::normalize(t), &run))
                .map(|(k, _)| k.clone())
                .collect();
            assert!(!expected.is_empty(), "{backend}: the generated texts hold {run}");
            assert_eq!(found(&store, &Scope::All, &text_filter(q)).await, expected, "{backend}: {q:?}");
        }
        let by_words = found(&store, &Scope::All, &text_filter("退货物流")).await;
        assert!(by_words.len() > found(&store, &Scope::All, &text_filter("\"退货物流\"")).await.len(), "{backend}");
        // Words after a minus are left out: checked by hand against the substring scan.
        for (q, wanted, unwanted) in [
            ("退货 -物流", &["退货"][..], &["物流"][..]),
            ("客服 -退货 -ipad", &["客服"], &["退货", "ipad"]),
            ("物流 －很差", &["物流"], &["很差"]),
        ] {
            let expected: std::collections::BTreeSet<String> = texts
                .iter()
                .filter(|(_, t)| {
                    let folded = cloop_nlp::segment::normalize(t);
                    wanted.iter().all(|w| substring(&folded, w)) && !unwanted.iter().any(|u| substring(&folded, u))
                })
                .map(|(k, _)| k.clone())
                .collect();
            let without: std::collections::BTreeSet<String> = found(&store, &Scope::All, &text_filter(wanted[0])).await;
            assert!(
                !expected.is_empty() && expected.len() < without.len(),
                "{backend}: {q:?} leaves some out, not all"
            );
            assert_eq!(found(&store, &Scope::All, &text_filter(q)).await, expected, "{backend}: {q:?}");
        }
        // OR asks for either side (a side of two words for both): checked by hand against the
        // substring scan. The first side alone finds some of them, not all.
        for (q, sides) in [
            ("退货 OR ipad", &[&["退货"][..], &["ipad"]][..]),
            ("物流 | 快递 很差", &[&["物流", "很差"][..], &["快递", "很差"]]),
            ("客服 OR 退货物流 -mini", &[&["客服"][..], &["退货", "物流"]]),
        ] {
            let expected: std::collections::BTreeSet<String> = texts
                .iter()
                .filter(|(_, t)| {
                    let folded = cloop_nlp::segment::normalize(t);
                    sides.iter().any(|side| side.iter().all(|w| substring(&folded, w)))
                        && !(q.ends_with("-mini") && substring(&folded, "mini"))
                })
                .map(|(k, _)| k.clone())
                .collect();
            if !q.contains('-') {
                let first = found(&store, &Scope::All, &text_filter(&sides[0].join(" "))).await;
                assert!(
                    first.is_subset(&expected) && expected.len() > first.len(),
                    "{backend}: {q:?} adds the other side"
                );
            }
            assert_eq!(found(&store, &Scope::All, &text_filter(q)).await, expected, "{backend}: {q:?}");
        }
        if backend == "sqlite" {
            // The writer feeds FTS5 once per batch and merges in steps: the index must hold every
            // search row exactly once ('integrity-check' with rank 1 compares it to the rows).
            store
                .connection()
                .execute_unprepared("INSERT INTO complaint_fts (complaint_fts, rank) VALUES ('integrity-check', 1)")
                .await
                .expect("the FTS5 index matches complaint_search");
        }
    }
}

#[tokio::test]
async fn search_ranks_filters_scopes_snippets_and_survives_hostile_queries_on_both_backends() {
    use cloop_nlp::segment::SearchQuery;
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let intake = |content: &str, unit: OrgUnitId, severity: Severity, phone: &str| {
            let mut c = complaint(&w, phone, unit, now);
            c.summary = content.chars().take(10).collect();
            c.content = content.into();
            c.customer_request = None;
            c.order_ref = None;
            c.severity = Some(severity);
            let (store, actor) = (store.clone(), actor.clone());
            async move { store.intake(c, actor, None, now).await.expect("intake") }
        };
        let strong = intake("退货退货，还是退货！商家拒绝退货", w.cc, Severity::Level1, "13600000001").await;
        let weak = intake(
            "物流很慢，快递员态度差，客服也不理人，说可以退货但一直没人处理这件事情",
            w.cc,
            Severity::Level2,
            "13600000002",
        )
        .await;
        let other = intake("我要退货，别的公司受理的", w.other_company_cc, Severity::Level2, "13600000003").await;
        let washer = intake("洗衣机漏水，洗衣机排水管破裂，地板泡水", w.cc, Severity::Level3, "13600000004").await;
        let washer2 = intake("新买的洗衣机漏水严重，排水管有裂缝", w.cc, Severity::Level3, "13600000005").await;
        let _phone = intake("手机屏幕碎了，充电很慢", w.cc, Severity::Level3, "13600000006").await;

        // Ranking: the complaint about returns ranks above the one that mentions it in passing.
        let page =
            store.list_complaints(&Scope::All, &text_filter("退货"), SortKey::Relevance, true, 1, 10).await.unwrap();
        let order: Vec<&str> = page.items.iter().map(|r| r.case_no.as_str()).collect();
        assert_eq!(page.total, 3, "{backend}: {order:?}");
        assert!(
            order.iter().position(|c| *c == strong.case_no) < order.iter().position(|c| *c == weak.case_no),
            "{backend}: {order:?}"
        );

        // Scope: the call centre does not find the other company's complaint.
        let cc = Scope::Under(store.org_path(w.cc).await.expect("path"));
        let in_scope = found(&store, &cc, &text_filter("退货")).await;
        assert!(in_scope.contains(&strong.case_no) && !in_scope.contains(&other.case_no), "{backend}: {in_scope:?}");

        // Filters combine with text.
        let severe = ComplaintFilter { severity: Some(Severity::Level1), ..text_filter("退货") };
        let only: Vec<String> = found(&store, &Scope::All, &severe).await.into_iter().collect();
        assert_eq!(only, std::slice::from_ref(&strong.case_no), "{backend}");
        let later = ComplaintFilter { received_from: Some(now + Duration::days(1)), ..text_filter("退货") };
        assert!(found(&store, &Scope::All, &later).await.is_empty(), "{backend}");

        // Notes are found, with their snippet.
        let cmd =
            Command::AddNote { visibility: Visibility::Internal, text: "客户补充：蓝牙耳机也坏了".into() };
        store.execute(washer.complaint_id, &cmd, Who::Staff(&w.agent), now).await.expect("note");
        let hits = found(&store, &Scope::All, &text_filter("蓝牙耳机")).await;
        assert_eq!(hits.into_iter().collect::<Vec<_>>(), std::slice::from_ref(&washer.case_no), "{backend}");
        let snippets =
            store.search_snippets(&[washer.complaint_id.0], &SearchQuery::parse("蓝牙耳机")).await.expect("snippets");
        let m = &snippets[&washer.complaint_id.0];
        assert_eq!(m.field, "notes", "{backend}");
        assert!(m.snippet.iter().any(|p| p.hit && p.text == "蓝牙耳机"), "{backend}: {m:?}");

        // Commands that do not touch the text leave the index alone; text changes re-index.
        let cmd = Command::Classify {
            category_id: w.category,
            severity: Severity::Level3,
            product_ref: Some("XQB80-型号".into()),
            order_ref: None,
        };
        store.execute(washer2.complaint_id, &cmd, Who::Staff(&w.agent), now).await.expect("classify");
        assert_eq!(found(&store, &Scope::All, &text_filter("xqb80")).await.len(), 1, "{backend}");

        // Hostile or odd queries answer, never error: symbols only find nothing.
        for q in [
            "\"",
            "\"\"",
            "*",
            "(",
            ")",
            "NEAR(退货 物流)",
            "退货 OR 物流",
            "-退货",
            "退货*",
            "'; DROP TABLE complaints; --",
            "^$@!~`",
            "AND",
            "NOT 退货",
            "col:退货",
            "{退货}",
            "退货\"物流",
            &"退货".repeat(100),
            "😡😡",
            "\u{0}",
        ] {
            store
                .list_complaints(&Scope::All, &text_filter(q), SortKey::Relevance, true, 1, 20)
                .await
                .unwrap_or_else(|e| panic!("{backend}: {q:?} failed: {e}"));
        }
        for q in ["\"", "*()", "😡😡", "-:^"] {
            assert_eq!(found(&store, &Scope::All, &text_filter(q)).await.len(), 0, "{backend}: {q:?}");
        }

        // Similar complaints: the other washing machine leak, never itself, within scope.
        let similar = store.similar_complaints(&Scope::All, washer.complaint_id, 5).await.expect("similar");
        assert_eq!(
            similar.items.first().map(|s| s.complaint.case_no.as_str()),
            Some(washer2.case_no.as_str()),
            "{backend}: {similar:?}"
        );
        assert!(similar.items.iter().all(|s| s.complaint.id != washer.complaint_id.0), "{backend}");
        assert!(similar.keywords.iter().any(|k| k == "洗衣机"), "{backend}: {:?}", similar.keywords);
        let other_scope = Scope::Under(store.org_path(w.other_company_cc).await.expect("path"));
        let none = store.similar_complaints(&other_scope, washer.complaint_id, 5).await.expect("similar");
        assert!(none.items.is_empty(), "{backend}: {none:?}");

        // Complaints from before the index (or after a tokenisation change) are indexed at
        // migration: drop the index rows and the version, migrate, and search finds them again.
        let db = store.connection();
        db.execute_unprepared("DELETE FROM complaint_search").await.expect("clear");
        db.execute_unprepared("DELETE FROM settings WHERE key = 'search_index_version'").await.expect("forget");
        assert!(found(&store, &Scope::All, &text_filter("退货")).await.is_empty(), "{backend}");
        cloop_store::db::migrate(db).await.expect("migrate");
        assert_eq!(found(&store, &Scope::All, &text_filter("退货")).await.len(), 3, "{backend}");
        assert_eq!(found(&store, &Scope::All, &text_filter("蓝牙耳机")).await.len(), 1, "{backend}: notes too");
    }
}

#[tokio::test]
async fn similar_complaints_rank_by_the_characteristic_words_shared_and_reach_past_newer_ones() {
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let intake = |content: String, phone: String| {
            let mut c = complaint(&w, &phone, w.cc, now);
            c.summary = content.chars().take(8).collect();
            c.content = content;
            c.customer_request = None;
            c.order_ref = None;
            c.product_ref = None;
            let (store, actor) = (store.clone(), actor.clone());
            async move { store.intake(c, actor, None, now).await.expect("intake") }
        };
        let original = intake("洗衣机漏水，排水管破裂，地板泡水".into(), "13700000001".into()).await;
        let alike = intake("洗衣机排水管破裂以后一直漏水，地板泡水了".into(), "13700000002".into()).await;
        // More newer complaints share one of its words than the panel looks at by date.
        let mut handles = Vec::new();
        for i in 0..250 {
            handles.push(tokio::spawn(intake(format!("第{i}号：卫生间漏水，物业不管"), format!("1371{i:07}"))));
        }
        for h in handles {
            h.await.expect("task");
        }
        let repeats = intake("漏水漏水，屋顶漏水，一直在漏水".into(), "13700000003".into()).await;

        let similar = store.similar_complaints(&Scope::All, original.complaint_id, 5).await.expect("similar");
        let order: Vec<&str> = similar.items.iter().map(|s| s.complaint.case_no.as_str()).collect();
        assert_eq!(order.first(), Some(&alike.case_no.as_str()), "{backend}: {:?} {order:?}", similar.keywords);
        assert!(!order.contains(&original.case_no.as_str()), "{backend}");
        // Repeating one shared word does not outweigh sharing the others.
        let repeats_at = order.iter().position(|c| *c == repeats.case_no);
        assert!(repeats_at.is_none_or(|at| at > 0), "{backend}: {order:?}");
        assert_eq!(similar.items.len(), 5, "{backend}: {order:?}");
    }
}

/// Each customer's complaint count, kept on the customer's row for the risk score on
/// PostgreSQL, equals the complaints the customer has, for intakes in one batch, in several,
/// and idempotent retries.
#[tokio::test]
async fn customer_complaint_counts_follow_the_complaints() {
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let mut handles = Vec::new();
        for i in 0..60u32 {
            let (store, actor) = (store.clone(), actor.clone());
            let c = complaint(&w, &format!("137300000{:02}", i % 7), w.cc, now);
            let key = (i % 10 == 0).then(|| format!("retry-{i}"));
            handles.push(tokio::spawn(async move {
                let first = store.intake(c.clone(), actor.clone(), key.clone(), now).await.expect("intake");
                if key.is_some() {
                    let again = store.intake(c, actor, key, now).await.expect("retry");
                    assert_eq!(again.case_no, first.case_no);
                }
            }));
        }
        for h in handles {
            h.await.expect("task");
        }
        // The next complaint's risk counts every earlier one of its customer.
        let earlier = 60 / 7 + 1; // phone 13730000000 got intakes 0, 7, …, 56
        let next = store.intake(complaint(&w, "13730000000", w.cc, now), actor, None, now).await.expect("intake");
        let risk = next.risk.expect("a new complaint's risk");
        let repeat = risk.reasons.iter().find(|r| r.code == "repeat_customer").expect("a repeat customer");
        assert_eq!(repeat.detail, earlier.to_string(), "{backend}");
        if backend != "postgres" {
            continue; // SQLite counts from its index (no kept count)
        }
        let rows = store
            .connection()
            .query_all_raw(sea_orm::Statement::from_string(
                store.connection().get_database_backend(),
                "SELECT c.phone AS phone, c.complaint_count AS kept, \
                 (SELECT COUNT(*) FROM complaints x WHERE x.customer_id = c.id) AS counted \
                 FROM customers c WHERE c.phone LIKE '1373%' ORDER BY c.phone",
            ))
            .await
            .expect("counts");
        assert_eq!(rows.len(), 7, "{backend}");
        for r in rows {
            let (phone, kept, counted): (String, i64, i64) =
                (r.try_get("", "phone").unwrap(), r.try_get("", "kept").unwrap(), r.try_get("", "counted").unwrap());
            assert_eq!(kept, counted, "{backend}: {phone}");
            assert!(counted >= 8, "{backend}: {phone} has {counted}");
        }
    }
}

/// A search finds a complaint as soon as its intake is answered. On PostgreSQL the search terms
/// are indexed after the commit, beside the writer: a node that stopped in between leaves
/// complaints without terms, and the next store to start indexes them before its searches run.
#[tokio::test]
async fn search_terms_a_stop_left_unindexed_are_indexed_when_a_store_starts() {
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let mut cases = std::collections::BTreeSet::new();
        for (i, text) in ["热水器漏电，师傅一直不来", "热水器打不着火", "冰箱不制冷"].into_iter().enumerate()
        {
            let mut c = complaint(&w, &format!("1372000{i:04}"), w.cc, now);
            c.content = text.into();
            let receipt = store.intake(c, actor.clone(), None, now).await.expect("intake");
            if text.contains("热水器") {
                cases.insert(receipt.case_no);
            }
        }
        assert_eq!(found(&store, &Scope::All, &text_filter("热水器")).await, cases, "{backend}: found at once");
        if backend != "postgres" {
            continue;
        }
        let db = store.connection();
        db.execute_unprepared("DELETE FROM complaint_terms").await.expect("lose the terms");
        assert!(found(&store, &Scope::All, &text_filter("热水器")).await.is_empty(), "the terms are gone");
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT current_database() AS name",
            ))
            .await
            .expect("database name")
            .expect("a row");
        let name: String = row.try_get("", "name").expect("name");
        let base = std::env::var("CLOOP_TEST_DATABASE_URL").expect("the PostgreSQL store came from it");
        let url = format!("{}/{name}", &base[..base.rfind('/').expect("url names a database")]);
        let files = std::env::temp_dir().join(format!("cloop-conf-restart-{name}"));
        let restarted = Store::open(&url, cloop_store::StoreConfig { files_dir: files.clone(), ..Default::default() })
            .await
            .expect("restart");
        assert_eq!(found(&restarted, &Scope::All, &text_filter("热水器")).await, cases, "indexed at the start");
        let _ = std::fs::remove_dir_all(files);
    }
}

#[tokio::test]
async fn a_search_finds_the_newest_matches_when_its_words_grew_rarer_since_it_last_ran() {
    let window = cloop_store::search::RANK_WINDOW as usize;
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let intake_all = |contents: Vec<String>, prefix: &'static str| {
            let mut handles = Vec::new();
            for (i, content) in contents.into_iter().enumerate() {
                let (store, actor) = (store.clone(), actor.clone());
                let mut c = complaint(&w, &format!("{prefix}{i:07}"), w.cc, now);
                c.content = content;
                c.customer_request = None;
                handles.push(tokio::spawn(async move { store.intake(c, actor, None, now).await.expect("intake") }));
            }
            async move {
                for h in handles {
                    h.await.expect("task");
                }
            }
        };
        let filter = ComplaintFilter { text: Some("发票".into()), ..Default::default() };
        let window_of = |sort: SortKey| {
            let (store, filter) = (store.clone(), filter.clone());
            async move {
                let mut ids = std::collections::BTreeSet::new();
                for page in 1..=(window as u64 / 200) {
                    let p = store.list_complaints(&Scope::All, &filter, sort, true, page, 200).await.unwrap();
                    ids.extend(p.items.into_iter().map(|r| r.id));
                }
                ids
            }
        };
        // In every complaint at first: PostgreSQL remembers a high density and next time reads a
        // slice just wide enough for the window at that density.
        intake_all((0..window + 10).map(|i| format!("第{i}号：发票开错了")).collect(), "1360").await;
        assert_eq!(window_of(SortKey::Relevance).await, window_of(SortKey::ReceivedAt).await, "{backend}");
        // Then in none of the newest: that slice falls short, and the answer must not.
        intake_all((0..600).map(|i| format!("第{i}号：物流太慢")).collect(), "1361").await;
        let ranked = window_of(SortKey::Relevance).await;
        assert_eq!(ranked.len(), window, "{backend}");
        assert_eq!(ranked, window_of(SortKey::ReceivedAt).await, "{backend}: the ranked window is the newest matches");
    }
}

#[tokio::test]
async fn ranked_search_ranks_the_newest_matches_and_says_when_there_are_more() {
    let window = cloop_store::search::RANK_WINDOW as usize;
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let mut handles = Vec::new();
        for i in 0..window + 5 {
            let (store, actor) = (store.clone(), actor.clone());
            let mut c = complaint(&w, &format!("1350{i:07}"), w.cc, now);
            c.content = if i == 3 {
                "退货退货退货，必须退货".into()
            } else {
                format!("第{i}号：商品有问题，要求退货")
            };
            c.customer_request = None;
            handles.push(tokio::spawn(async move { store.intake(c, actor, None, now).await.expect("intake") }));
        }
        for h in handles {
            h.await.expect("task");
        }
        let filter = ComplaintFilter { text: Some("退货".into()), ..Default::default() };
        let ranked = store.list_complaints(&Scope::All, &filter, SortKey::Relevance, true, 1, 20).await.unwrap();
        assert_eq!((ranked.total, ranked.capped), (window as u64, true), "{backend}");
        // Sorting by time pages through every match with the exact total.
        let by_time = store.list_complaints(&Scope::All, &filter, SortKey::ReceivedAt, true, 1, 20).await.unwrap();
        assert_eq!((by_time.total, by_time.capped), (window as u64 + 5, false), "{backend}");
        // Below the window the ranking is over every match.
        let narrow = ComplaintFilter { text: Some("必须退货".into()), ..Default::default() };
        let page = store.list_complaints(&Scope::All, &narrow, SortKey::Relevance, true, 1, 20).await.unwrap();
        assert_eq!((page.total, page.capped), (1, false), "{backend}");
    }
}

#[tokio::test]
async fn verify_names_the_first_edited_event_on_both_backends() {
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let r = store.intake(complaint(&w, "13800000009", w.cc, now), actor, None, now).await.expect("intake");
        store
            .execute(
                r.complaint_id,
                &Command::AddNote { visibility: Visibility::Internal, text: "已联系客户".into() },
                Who::Staff(&w.agent),
                now,
            )
            .await
            .expect("note");
        assert_eq!(store.verify().await.expect("verify").first_break, None);
        // Someone edits the note in the database by hand.
        store
            .connection()
            .execute_unprepared(&format!(
                "UPDATE complaint_events SET payload = replace(payload, '已联系客户', '未联系客户') WHERE complaint_id = {} AND seq = 2",
                r.complaint_id
            ))
            .await
            .expect("tamper");
        let broken = store.verify().await.expect("verify").first_break.expect("the edit is found");
        assert_eq!((broken.case_no.as_str(), broken.seq), (r.case_no.as_str(), 2), "{backend}");
    }
}

/// PostgreSQL does not check the references of the intake writer's rows (migration 0013), so
/// `verify` does: a complaint pointed by hand at a customer that does not exist is named.
#[tokio::test]
async fn verify_names_a_complaint_whose_customer_is_missing_on_both_backends() {
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let r = store.intake(complaint(&w, "13800000019", w.cc, now), actor, None, now).await.expect("intake");
        assert_eq!(store.verify().await.expect("verify").first_break, None, "{backend}");
        // SQLite still checks its keys; the hand edit turns the check off on its connection.
        let (off, on) = match backend {
            "sqlite" => ("PRAGMA foreign_keys = OFF;", "PRAGMA foreign_keys = ON;"),
            _ => ("", ""),
        };
        store
            .connection()
            .execute_unprepared(&format!(
                "{off} UPDATE complaints SET customer_id = 987654 WHERE id = {}; {on}",
                r.complaint_id
            ))
            .await
            .expect("edit by hand");
        let broken = store.verify().await.expect("verify").first_break.expect("the dangling customer is found");
        assert_eq!(broken.complaint_id, r.complaint_id.0, "{backend}");
        assert!(broken.reason.contains("customer") && broken.reason.contains("987654"), "{backend}: {}", broken.reason);
    }
}

#[tokio::test]
async fn verify_names_a_complaint_that_search_cannot_find_on_both_backends() {
    for (backend, store) in stores("conf").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc::now();
        let r = store.intake(complaint(&w, "13800000020", w.cc, now), actor, None, now).await.expect("intake");
        assert_eq!(store.verify().await.expect("verify").first_break, None, "{backend}");
        store
            .connection()
            .execute_unprepared(&format!("DELETE FROM complaint_search WHERE complaint_id = {}", r.complaint_id))
            .await
            .expect("edit by hand");
        let broken = store.verify().await.expect("verify").first_break.expect("the missing search row is found");
        assert_eq!((broken.complaint_id, broken.case_no.as_str()), (r.complaint_id.0, r.case_no.as_str()), "{backend}");
        assert!(broken.reason.contains("search row"), "{backend}: {}", broken.reason);
    }
}

#[tokio::test]
async fn several_commands_commit_together_or_not_at_all_on_both_backends() {
    for (backend, store) in stores("execute_all").await {
        let w = world(&store).await;
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 3, 4, 5).unwrap();
        let actor = ActorRef::User { id: w.agent.user_id };
        let id =
            store.intake(complaint(&w, "13800000009", w.cc, now), actor, None, now).await.expect("intake").complaint_id;
        let who = Who::Staff(&w.agent);
        let classify = Command::Classify {
            category_id: w.category,
            severity: Severity::Level1,
            product_ref: None,
            order_ref: None,
        };

        // The second is refused (a received complaint cannot be accepted by a handler), so the
        // first, which alone would be allowed, is not kept either.
        let refused = store.execute_all(id, &[classify.clone(), Command::Accept], who, now).await;
        assert!(matches!(refused, Err(StoreError::Refused(_))), "{backend}: {refused:?}");
        let unchanged = store.load(id).await.expect("load").complaint;
        assert_eq!((unchanged.version, unchanged.severity), (1, Some(Severity::Level2)), "{backend}");
        assert_eq!(store.events(id).await.expect("events").len(), 1, "{backend}");

        // Both allowed: one commit, each decided on what the one before left.
        let assign = Command::Assign { department_id: w.quality, handler_id: None };
        let done = store.execute_all(id, &[classify, assign], who, now).await.expect("classify and assign");
        assert_eq!(
            (done.state, done.severity, done.version),
            (State::Assigned, Some(Severity::Level1), 3),
            "{backend}"
        );
        assert_eq!(store.load(id).await.expect("load").complaint, done, "{backend}");
        let kinds: Vec<_> = store.events(id).await.expect("events").into_iter().map(|e| (e.seq, e.kind)).collect();
        assert_eq!(
            kinds,
            [(1, "registered".to_owned()), (2, "classified".to_owned()), (3, "assigned".to_owned())],
            "{backend}"
        );
        assert_eq!(store.verify().await.expect("verify").first_break, None, "{backend}");
    }
}
