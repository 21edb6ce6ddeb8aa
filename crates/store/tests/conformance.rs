//! One storage conformance suite, run on SQLite always and on PostgreSQL whenever
//! `CLOOP_TEST_DATABASE_URL` names a server (in CI it must): the same calls must give the same
//! answers on both backends — numbering, customers, idempotency, optimistic concurrency,
//! scope, filters, timestamps that survive a round trip, and verification.

use chrono::{Duration, TimeZone, Utc};
use cloop_domain::lifecycle::Who;
use cloop_domain::*;
use cloop_store::{ComplaintFilter, NewComplaint, NewCustomer, Scope, SortKey, Store, StoreConfig, StoreError};
use sea_orm::ConnectionTrait;

fn random_name() -> String {
    (0..12).map(|_| char::from(b'a' + rand::random_range(0..26u8))).collect()
}

/// A fresh store on each backend that can run here.
async fn stores() -> Vec<(&'static str, Store)> {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(format!("cloop-conf-{}", random_name()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cfg = StoreConfig { files_dir: dir.join("files"), ..StoreConfig::default() };
    out.push(("sqlite", Store::open(&cloop_store::db::sqlite_url(&dir), cfg).await.expect("sqlite store")));
    match std::env::var("CLOOP_TEST_DATABASE_URL") {
        Ok(base) => {
            let name = format!("cloop_conf_{}", random_name());
            let admin = sea_orm::Database::connect(base.as_str()).await.expect("postgres server");
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
            let url = format!("{}/{name}", &base[..base.rfind('/').expect("url names a database")]);
            let cfg = StoreConfig { files_dir: dir.join("pg-files"), ..StoreConfig::default() };
            out.push(("postgres", Store::open(&url, cfg).await.expect("postgres store")));
        }
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CLOOP_TEST_DATABASE_URL must be set in CI: the conformance suite runs on PostgreSQL too")
        }
        Err(_) => eprintln!("note: CLOOP_TEST_DATABASE_URL not set; PostgreSQL skipped on this developer machine"),
    }
    out
}

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
    for (backend, store) in stores().await {
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

        let report = store.verify().await.expect("verify");
        assert_eq!((report.complaints, report.first_break), (43, None), "{backend}");
    }
}

#[tokio::test]
async fn verify_names_the_first_edited_event_on_both_backends() {
    for (backend, store) in stores().await {
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
