//! Routing storage on both backends (SQLite always, PostgreSQL when `CLOOP_TEST_DATABASE_URL` is
//! set): keyword rules round-trip, models are versioned per target, training examples carry the
//! person's classification, repeat candidates are found by customer and order, and a routed
//! intake writes its follow-up events in the same commit with a chain that verifies.

use chrono::{Duration, TimeZone, Utc};
use cloop_domain::lifecycle::Who;
use cloop_domain::routing::{RoutedTarget, RoutingDecision, RoutingOutcome, TargetSource};
use cloop_domain::*;
use cloop_store::routing::{ModelTarget, NewModel, RuleDraft};
use cloop_store::{IntakeRouting, NewComplaint, NewCustomer, Store, StoreError};

mod support;
use support::stores;

struct World {
    company: OrgUnitId,
    cc: OrgUnitId,
    finance: OrgUnitId,
    agent: Actor,
    category: CategoryId,
}

async fn world(store: &Store) -> World {
    let group = store.org_unit_by_code("group").await.expect("root");
    let company = store.create_org_unit(Some(group.id), "company", "co", "公司", "Co").await.expect("company");
    let cc = store.create_org_unit(Some(company.id), "department", "co.cc", "客服中心", "CC").await.expect("cc");
    let finance =
        store.create_org_unit(Some(company.id), "department", "co.fin", "财务部", "Finance").await.expect("f");
    let role = store.role_by_code("supervisor").await.expect("role");
    let user = store
        .create_user(&cloop_store::accounts::NewUser {
            username: "sup".into(),
            display_name: "李娜".into(),
            email: None,
            org_unit_id: cc.id,
            role_id: role.id,
            password_hash: "x".into(),
        })
        .await
        .expect("user");
    let category = store.create_category(None, "refund_delay", "退款延迟", "Late refund", 0).await.expect("category");
    World {
        company: OrgUnitId(company.id),
        cc: OrgUnitId(cc.id),
        finance: OrgUnitId(finance.id),
        agent: store.actor(user.id).await.expect("actor").0,
        category: CategoryId(category.id),
    }
}

fn complaint(w: &World, phone: &str, order: &str, received_at: chrono::DateTime<Utc>) -> NewComplaint {
    NewComplaint {
        customer: NewCustomer { name: "张三".into(), phone: Some(phone.into()), email: None },
        channel: Channel::Phone,
        summary: "退款未到账".into(),
        content: "退货后十天了还没退款".into(),
        customer_request: None,
        product_ref: None,
        order_ref: Some(order.into()),
        category_id: None,
        severity: None,
        received_at,
        company_id: w.company,
        intake_unit_id: w.cc,
    }
}

fn decision(w: &World, outcome: RoutingOutcome) -> RoutingDecision {
    let target = |id: i64, label: &str| RoutedTarget {
        id: Some(id),
        label: Some(label.into()),
        source: Some(TargetSource::Rule),
        rule_id: Some(1),
        top: Vec::new(),
        model_version: None,
    };
    RoutingDecision {
        outcome,
        rules: Vec::new(),
        category: target(w.category.0, "refund_delay"),
        department: target(w.finance.0, "财务部"),
        severity_floor: Some(Severity::Level1),
        flags: vec!["legal".into()],
        threshold: 0.6,
    }
}

#[tokio::test]
async fn rules_round_trip_and_the_defaults_are_seeded() {
    for (backend, store) in stores("routing").await {
        let seeded = store.routing_rules().await.expect("rules");
        assert!(seeded.iter().any(|r| r.name == "退款" && r.department.as_deref() == Some("财务部")), "{backend}");
        assert!(seeded.iter().any(|r| r.patterns.contains(&"12315".to_owned()) && r.severity_floor == Some(1)));
        assert!(seeded.windows(2).all(|p| p[0].priority >= p[1].priority), "{backend}: priority order");
        let (count, _) = store.routing_rules_stamp().await.expect("stamp");

        let draft = RuleDraft {
            name: "发票".into(),
            patterns: vec!["发票".into(), "开票+延迟".into()],
            category_code: None,
            department: Some("财务部".into()),
            severity_floor: None,
            flags: vec!["legal".into()],
            priority: 7,
            enabled: true,
        };
        let created = store.create_routing_rule(&draft).await.expect("create");
        assert_eq!((created.name.as_str(), created.patterns.len(), created.priority), ("发票", 2, 7), "{backend}");
        let updated = store
            .update_routing_rule(created.id, &RuleDraft { enabled: false, priority: -3, ..draft.clone() })
            .await
            .expect("update");
        assert_eq!((updated.enabled, updated.priority, updated.created_at), (false, -3, created.created_at));
        assert_eq!(store.routing_rules_stamp().await.expect("stamp").0, count + 1, "{backend}");
        store.delete_routing_rule(created.id).await.expect("delete");
        assert!(matches!(store.routing_rule(created.id).await, Err(StoreError::NotFound(_))), "{backend}");
        assert!(matches!(store.delete_routing_rule(created.id).await, Err(StoreError::NotFound(_))));
    }
}

#[tokio::test]
async fn models_are_versioned_per_target_and_the_newest_is_loaded() {
    for (backend, store) in stores("routing").await {
        assert_eq!(store.latest_model(ModelTarget::Category).await.expect("latest"), None, "{backend}");
        let save = |target, bytes: &'static [u8]| {
            let store = store.clone();
            async move {
                store
                    .save_model(NewModel {
                        target,
                        source: "test.jsonl",
                        examples: 10,
                        labels: 2,
                        metrics: serde_json::json!({"accuracy": 0.9}),
                        bytes,
                    })
                    .await
                    .expect("save")
            }
        };
        let v1 = save(ModelTarget::Category, b"one").await;
        let d1 = save(ModelTarget::Department, b"dept").await;
        let v2 = save(ModelTarget::Category, b"two!").await;
        assert_eq!((v1.version, d1.version, v2.version, v2.size), (1, 1, 2, 4), "{backend}");
        assert_eq!(store.latest_model_version(ModelTarget::Category).await.expect("v"), Some(2));
        assert_eq!(store.latest_model(ModelTarget::Category).await.expect("m"), Some((2, b"two!".to_vec())));
        let all = store.models().await.expect("models");
        assert_eq!(all.len(), 3, "{backend}");
        assert_eq!(all[0].metrics["accuracy"], 0.9, "{backend}");
    }
}

/// Restoring an older version stores its copy as the next version, so the newest is the one in
/// use again; a version not stored or already the newest is refused and stores nothing.
#[tokio::test]
async fn an_older_model_is_restored_as_the_next_version() {
    for (backend, store) in stores("routing_restore").await {
        for (bytes, source, accuracy) in [(&b"first"[..], "database", 0.91), (b"second", "schedule", 0.62)] {
            store
                .save_model(NewModel {
                    target: ModelTarget::Category,
                    source,
                    examples: 40,
                    labels: 3,
                    metrics: serde_json::json!({"accuracy": accuracy}),
                    bytes,
                })
                .await
                .expect("save");
        }
        let restored = store.restore_model(ModelTarget::Category, 1).await.expect("restore");
        assert_eq!(
            (restored.version, restored.restored_from, restored.source.as_str(), restored.size),
            (3, Some(1), "database", 5),
            "{backend}"
        );
        assert_eq!(restored.metrics["accuracy"], 0.91, "{backend}");
        assert_eq!(store.latest_model(ModelTarget::Category).await.expect("m"), Some((3, b"first".to_vec())));
        let before = store.models().await.expect("models");
        assert_eq!(before.iter().filter(|m| m.restored_from.is_some()).count(), 1, "{backend}");

        for (target, version, code) in [
            (ModelTarget::Category, 3, "model_in_use"),
            (ModelTarget::Category, 9, "model_not_found"),
            (ModelTarget::Department, 1, "model_not_found"),
        ] {
            match store.restore_model(target, version).await {
                Err(StoreError::Invalid(e)) => assert_eq!((e.field.as_str(), e.code), ("version", code), "{backend}"),
                other => panic!("{backend}: {target:?} v{version}: {other:?}"),
            }
        }
        assert_eq!(store.models().await.expect("models"), before, "{backend}: a refusal stores nothing");

        // The version the restore replaced can itself be restored: a rollback is undone the same way.
        let again = store.restore_model(ModelTarget::Category, 2).await.expect("restore");
        assert_eq!((again.version, again.restored_from), (4, Some(2)), "{backend}");
        assert_eq!(store.latest_model(ModelTarget::Category).await.expect("m"), Some((4, b"second".to_vec())));
    }
}

/// Routed intakes of one customer (or one order) arriving at once, so that the writer takes
/// several in one batch: each is linked to the one before it, as if they had come one by one.
#[tokio::test]
async fn routed_intakes_in_one_batch_are_linked_to_each_other() {
    for (backend, store) in stores("routing").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 3, 4, 5).unwrap();
        for (group, reason) in [(0, RepeatReason::SameCustomer), (1, RepeatReason::SameOrder)] {
            let mut handles = Vec::new();
            for i in 0..16 {
                let (store, actor) = (store.clone(), actor.clone());
                let (phone, order) = match group {
                    0 => ("13811110000".to_owned(), format!("O-{group}-{i}")),
                    _ => (format!("1382222{i:04}"), "O-shared".to_owned()),
                };
                let c = complaint(&w, &phone, &order, now);
                let routing = IntakeRouting { repeat_since: Some(now - Duration::days(30)), ..Default::default() };
                handles.push(tokio::spawn(async move { store.intake_routed(c, routing, actor, None, now).await }));
            }
            let mut made = Vec::new();
            for h in handles {
                made.push(h.await.expect("task").expect("intake").complaint.expect("created"));
            }
            made.sort_by_key(|c| c.id);
            for pair in made.windows(2) {
                let (before, c) = (&pair[0], &pair[1]);
                assert!(c.repeat_of.len() <= cloop_store::MAX_REPEAT_LINKS, "{backend}");
                assert_eq!(
                    c.repeat_of.first().map(|l| (l.complaint_id, l.case_no.as_str(), l.reasons.as_slice())),
                    Some((before.id, before.case_no.as_str(), [reason].as_slice())),
                    "{backend}: {} links the one before it first",
                    c.case_no
                );
                let stored = store.load(c.id).await.expect("load").complaint;
                assert_eq!(&stored, c, "{backend}: stored projection = answered projection");
            }
            assert!(made[0].repeat_of.is_empty(), "{backend}: the first has nothing to repeat");
        }
        let report = store.verify().await.expect("verify");
        assert_eq!((report.complaints, report.first_break), (32, None), "{backend}");
    }
}

#[tokio::test]
async fn a_routed_intake_is_assigned_in_one_commit_and_verifies() {
    for (backend, store) in stores("routing").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 3, 4, 5).unwrap();
        let finance_path = store.org_path(w.finance).await.expect("path");

        let first = store.intake(complaint(&w, "13800000001", "O-1", now), actor.clone(), None, now).await.unwrap();
        let routing = IntakeRouting {
            repeat_since: Some(now - Duration::days(30)),
            similar: Vec::new(),
            decision: Some(decision(&w, RoutingOutcome::Assigned)),
            default_severity: None,
            dept_path: Some(finance_path.clone()),
            fingerprint: Some(u64::MAX - 5),
        };
        let later = now + Duration::minutes(5);
        let r = store
            .intake_routed(complaint(&w, "13800000001", "O-1", later), routing, actor.clone(), None, later)
            .await
            .expect("routed intake");
        let c = r.complaint.clone().expect("created");
        assert_eq!((c.state, c.department_id, c.category_id), (State::Assigned, Some(w.finance), Some(w.category)));
        assert_eq!(c.severity, Some(Severity::Level1), "{backend}: the rules' floor");
        let found = RepeatLink {
            complaint_id: first.complaint_id,
            case_no: first.case_no.clone(),
            reasons: vec![RepeatReason::SameCustomer, RepeatReason::SameOrder],
        };
        assert_eq!(c.repeat_of, [found], "{backend}: the writer found the earlier complaint by phone and order");
        let loaded = store.load(r.complaint_id).await.expect("load");
        assert_eq!(loaded.complaint, c, "{backend}: stored projection = answered projection");
        assert_eq!(loaded.dept_path.as_deref(), Some(finance_path.as_str()), "{backend}");
        let kinds: Vec<String> = store.events(r.complaint_id).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["registered", "repeat_linked", "routed", "classified", "assigned"], "{backend}");

        // Triage: received, no department, the suggestion shown in the list.
        let routing = IntakeRouting { decision: Some(decision(&w, RoutingOutcome::Triage)), ..Default::default() };
        let t = store
            .intake_routed(complaint(&w, "13800000002", "O-2", later), routing, actor.clone(), None, later)
            .await
            .expect("triage intake");
        let t = t.complaint.expect("created");
        assert_eq!((t.state, t.department_id, t.severity), (State::Received, None, Some(Severity::Level1)));
        let triage = cloop_store::ComplaintFilter { unassigned: true, ..Default::default() };
        let page = store
            .list_complaints(&cloop_store::Scope::All, &triage, cloop_store::SortKey::ReceivedAt, true, 1, 10)
            .await
            .expect("list");
        let row = page.items.iter().find(|i| i.id == t.id.0).expect("in triage");
        assert!(row.route_hint.as_deref().is_some_and(|h| h.contains("财务部")), "{backend}");

        // Repeats, as the writer finds them for its batch: same phone, or same order, within the
        // window and the company; near-duplicates the node found by text get their case numbers.
        let routed = |since: chrono::DateTime<Utc>, similar: Vec<i64>| IntakeRouting {
            repeat_since: Some(since),
            similar,
            ..Default::default()
        };
        let links = |r: cloop_store::IntakeReceipt| -> Vec<(i64, String, Vec<RepeatReason>)> {
            let c = r.complaint.expect("created");
            c.repeat_of.into_iter().map(|l| (l.complaint_id.0, l.case_no, l.reasons)).collect()
        };
        let at = later + Duration::minutes(1);
        let by_order = store
            .intake_routed(complaint(&w, "13800000003", "O-2", at), routed(now, vec![]), actor.clone(), None, at)
            .await
            .expect("intake");
        assert_eq!(
            links(by_order),
            [(t.id.0, t.case_no.clone(), vec![RepeatReason::SameOrder])],
            "{backend}: another customer, the same order"
        );
        let by_phone = store
            .intake_routed(complaint(&w, "13800000001", "O-9", at), routed(now, vec![]), actor.clone(), None, at)
            .await
            .expect("intake");
        let same =
            |id: cloop_domain::ComplaintId, case_no: &str| (id.0, case_no.to_owned(), vec![RepeatReason::SameCustomer]);
        assert_eq!(
            links(by_phone),
            [same(r.complaint_id, &r.case_no), same(first.complaint_id, &first.case_no)],
            "{backend}: the same phone, newest first"
        );
        let after_window = at + Duration::days(2);
        let outside = store
            .intake_routed(
                complaint(&w, "13800000001", "O-1", after_window),
                routed(at + Duration::days(1), vec![]),
                actor.clone(),
                None,
                after_window,
            )
            .await
            .expect("intake");
        assert!(links(outside).is_empty(), "{backend}: outside the window nothing is linked");
        let by_text = store
            .intake_routed(
                complaint(&w, "13800000009", "O-8", at),
                routed(now, vec![first.complaint_id.0, -1]),
                actor.clone(),
                None,
                at,
            )
            .await
            .expect("intake");
        assert_eq!(
            links(by_text),
            [(first.complaint_id.0, first.case_no.clone(), vec![RepeatReason::SimilarText])],
            "{backend}: a similar text found by the node; an id that does not exist is left out"
        );
        let unrouted = store.intake(complaint(&w, "13800000001", "O-1", at), actor.clone(), None, at).await;
        assert!(links(unrouted.expect("intake")).is_empty(), "{backend}: no routing, no look-up");
        // Only the one complaint routed with a fingerprint is in the near-duplicate window.
        let recent = store.recent_fingerprints(w.company, now, 10).await.expect("recent");
        let expected = cloop_store::routing::RecentFingerprint {
            id: r.complaint_id.0,
            company_id: w.company.0,
            received_at: c.received_at,
            fingerprint: u64::MAX - 5,
        };
        assert_eq!(recent, [expected], "{backend}: u64 survives as i64");
        // The same complaint as the tail of every node's window reads it, by id.
        let last = store.last_complaint_id().await.expect("last id");
        assert!(last >= r.complaint_id.0, "{backend}: {last}");
        let after = store.fingerprints_after(r.complaint_id.0 - 1, 10).await.expect("after");
        assert_eq!(after, [expected], "{backend}: only complaints with a fingerprint, from the id on");
        assert!(store.fingerprints_after(r.complaint_id.0, 10).await.expect("after").is_empty(), "{backend}");
        assert!(store.recent_fingerprints(w.company, now, 0).await.expect("recent").is_empty(), "{backend}: limit");
        let later_window = store.recent_fingerprints(w.company, later + Duration::days(1), 10).await.expect("r");
        assert!(later_window.is_empty(), "{backend}: outside the window");

        // A person's correction is what the next training learns.
        let who = Who::Staff(&w.agent);
        let cmd = Command::Classify {
            category_id: w.category,
            severity: Severity::Level2,
            product_ref: None,
            order_ref: None,
        };
        store.execute(first.complaint_id, &cmd, who, later).await.expect("classify");
        store
            .execute(first.complaint_id, &Command::Assign { department_id: w.finance, handler_id: None }, who, later)
            .await
            .expect("assign");
        let cats = store.training_examples(ModelTarget::Category).await.expect("examples");
        assert_eq!(cats.len(), 2, "{backend}: the routed one and the one a person assigned; triage is not trained on");
        assert!(cats.iter().all(|(text, label)| label == "refund_delay" && text.contains("退款")), "{backend}");
        let depts = store.training_examples(ModelTarget::Department).await.expect("examples");
        assert!(depts.iter().all(|(_, label)| label == "财务部"), "{backend}");

        assert_eq!(store.verify().await.expect("verify").first_break, None, "{backend}");
    }
}

/// A customer who complains often: a new complaint links the newest three of the same company
/// by the time they were received (a complaint recorded after the fact counts from when it was
/// received, not from when it was registered), and a newer complaint of the same phone at
/// another company is not among them.
#[tokio::test]
async fn repeats_link_the_newest_three_of_the_company_by_received_time() {
    for (backend, store) in stores("routing").await {
        let w = world(&store).await;
        let group = store.org_unit_by_code("group").await.expect("root");
        let other = store.create_org_unit(Some(group.id), "company", "co2", "二公司", "Co 2").await.expect("co2");
        let other_cc =
            store.create_org_unit(Some(other.id), "department", "co2.cc", "客服", "CC 2").await.expect("cc2");
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 3, 4, 5).unwrap();
        let phone = "13855550000";
        // Received 10, 9, … 1 hours ago, registered in that order, then one recorded now but
        // received five and a half hours ago (the newest by id, not by received time).
        let mut made = Vec::new();
        for hours in (1..=10).rev() {
            let at = now - Duration::hours(hours);
            let r = store.intake(complaint(&w, phone, &format!("O-{hours}"), at), actor.clone(), None, at).await;
            made.push(r.expect("intake"));
        }
        let late = complaint(&w, phone, "O-late", now - Duration::minutes(330));
        made.push(store.intake(late, actor.clone(), None, now).await.expect("late intake"));
        let mut elsewhere = complaint(&w, phone, "O-co2", now - Duration::minutes(1));
        elsewhere.company_id = OrgUnitId(other.id);
        elsewhere.intake_unit_id = OrgUnitId(other_cc.id);
        store.intake(elsewhere, actor.clone(), None, now).await.expect("other company");

        let routing = IntakeRouting { repeat_since: Some(now - Duration::days(30)), ..Default::default() };
        let r = store.intake_routed(complaint(&w, phone, "O-new", now), routing, actor.clone(), None, now).await;
        let c = r.expect("routed intake").complaint.expect("created");
        let linked: Vec<&str> = c.repeat_of.iter().map(|l| l.case_no.as_str()).collect();
        let newest: Vec<&str> = [9, 8, 7].iter().map(|&i| made[i].case_no.as_str()).collect();
        assert_eq!(linked, newest, "{backend}: received 1, 2 and 3 hours ago, newest first");
        assert!(c.repeat_of.iter().all(|l| l.reasons == [RepeatReason::SameCustomer]), "{backend}");

        // A window that starts between them keeps only those received since.
        let routing = IntakeRouting { repeat_since: Some(now - Duration::minutes(90)), ..Default::default() };
        let r = store.intake_routed(complaint(&w, phone, "O-new2", now), routing, actor.clone(), None, now).await;
        let c = r.expect("routed intake").complaint.expect("created");
        let linked: Vec<&str> = c.repeat_of.iter().map(|l| l.case_no.as_str()).collect();
        assert_eq!(linked.len(), 2, "{backend}: {linked:?}");
        assert_eq!(linked[1], newest[0], "{backend}: the routed one just made, then the one of 1 hour ago");
    }
}

/// The routing page's figures: who routed each complaint and where to, against where it is now.
/// A person's transfer shows as moved, and as misrouted when it says so; triage counts the suggestion the person followed. The
/// migration that added the columns fills them from the stored decision exactly as the writer
/// does.
#[tokio::test]
async fn routing_outcomes_count_what_people_moved_and_the_backfill_agrees() {
    use cloop_domain::routing::ClassScore;
    use cloop_domain::routing_outcomes::{LabelOutcome, RuleOutcome, SourceOutcome, outcomes, per_label};
    use sea_orm::ConnectionTrait;
    for (backend, store) in stores("routing").await {
        let w = world(&store).await;
        let actor = ActorRef::User { id: w.agent.user_id };
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 3, 4, 5).unwrap();
        let finance_path = store.org_path(w.finance).await.expect("path");
        let intake = |phone: &'static str, decision: RoutingDecision| {
            let (store, actor) = (store.clone(), actor.clone());
            let c = complaint(&w, phone, phone, now);
            let dept_path = decision.assigned_department().map(|_| finance_path.clone());
            async move {
                let routing = IntakeRouting { decision: Some(decision), dept_path, ..Default::default() };
                store.intake_routed(c, routing, actor, None, now).await.expect("intake").complaint_id
            }
        };
        let by_rule = decision(&w, RoutingOutcome::Assigned);
        let mut by_model = by_rule.clone();
        by_model.department.source = Some(TargetSource::Model);
        let mut guessed = decision(&w, RoutingOutcome::Triage);
        guessed.department = RoutedTarget {
            id: None,
            label: None,
            source: None,
            rule_id: None,
            top: vec![ClassScore { label: "财务部".into(), score: 0.41 }],
            model_version: Some(1),
        };
        let mut blank = guessed.clone();
        blank.department.top.clear();

        intake("13900000001", by_rule).await;
        let moved = intake("13900000002", by_model).await;
        let followed = intake("13900000003", guessed).await;
        intake("13900000004", blank).await;
        let later = now + Duration::hours(1);
        let staff = Who::Staff(&w.agent);
        // Moved, and said to have been misrouted (分派有误).
        let transfer =
            Command::Transfer {
                department_id: w.cc, handler_id: None, reason: "不是财务问题".into(), misrouted: true
            };
        store.execute(moved, &transfer, staff, later).await.expect("transfer");
        let classify = Command::Classify {
            category_id: w.category,
            severity: Severity::Level2,
            product_ref: None,
            order_ref: None,
        };
        store.execute(followed, &classify, Who::Staff(&w.agent), later).await.expect("classify");
        let assign = Command::Assign { department_id: w.finance, handler_id: None };
        store.execute(followed, &assign, Who::Staff(&w.agent), later).await.expect("assign");

        // A person classifies the moved one again, as another category.
        let billing = store.create_category(None, "billing", "账单", "Billing", 0).await.expect("category");
        let reclassify = Command::Classify {
            category_id: CategoryId(billing.id),
            severity: Severity::Level2,
            product_ref: None,
            order_ref: None,
        };
        store.execute(moved, &reclassify, Who::Staff(&w.agent), later).await.expect("classify again");

        let figures = |since| {
            let store = store.clone();
            async move { outcomes(&store.routing_outcome_counts(&cloop_store::Scope::All, since).await.expect("counts")) }
        };
        let o = figures(now - Duration::days(30)).await;
        assert_eq!(o.complaints, 4, "{backend}: {o:?}");
        assert_eq!(
            o.rule,
            SourceOutcome { complaints: 1, same: 1, other: 0, waiting: 0, unsuggested: 0, misrouted: 0 },
            "{backend}"
        );
        assert_eq!(
            o.model,
            SourceOutcome { complaints: 1, same: 0, other: 1, waiting: 0, unsuggested: 0, misrouted: 1 },
            "{backend}"
        );
        assert_eq!(
            o.triage,
            SourceOutcome { complaints: 2, same: 1, other: 0, waiting: 1, unsuggested: 0, misrouted: 0 },
            "{backend}"
        );
        assert_eq!(
            o.departments,
            [LabelOutcome {
                label: "财务部".into(),
                routed: 2,
                moved: 1,
                misrouted: 1,
                moved_to: Some(("客服中心".into(), 1))
            }],
            "{backend}"
        );
        assert_eq!(
            o.rules,
            [RuleOutcome { rule_id: 1, routed: 1, moved: 0, misrouted: 0 }],
            "{backend}: the rule that chose"
        );
        // The categories routing chose (the two it assigned), against what people made of them.
        let categories = store.routing_category_counts(&cloop_store::Scope::All, now - Duration::days(30)).await;
        assert_eq!(
            per_label(categories.expect("category counts")),
            [LabelOutcome {
                label: "refund_delay".into(),
                routed: 2,
                moved: 1,
                misrouted: 0,
                moved_to: Some(("billing".into(), 1))
            }],
            "{backend}"
        );
        // Drilling into the figures: the list filter finds the complaints behind each number.
        {
            use cloop_domain::routing::RoutedBy::{Model, Rule, Triage};
            use cloop_domain::routing_outcomes::RoutingResult::{Kept, Misrouted, Moved, Reclassified, Waiting};
            use cloop_store::{ComplaintFilter, RoutingFilter};
            let since = now - Duration::days(30);
            let count = |routing: RoutingFilter| {
                let store = store.clone();
                async move {
                    let f =
                        ComplaintFilter { received_from: Some(since), routing: Some(routing), ..Default::default() };
                    store.count_complaints(&cloop_store::Scope::All, &f).await.expect("count")
                }
            };
            let by = |by: Vec<_>, result| RoutingFilter { by, result, ..Default::default() };
            assert_eq!(count(RoutingFilter::default()).await, o.complaints, "{backend}: every routed complaint");
            assert_eq!(count(by(vec![Rule], Some(Kept))).await, o.rule.same, "{backend}");
            assert_eq!(count(by(vec![Model], Some(Moved))).await, o.model.other, "{backend}");
            assert_eq!(count(by(vec![Model], Some(Misrouted))).await, o.model.misrouted, "{backend}");
            assert_eq!(count(by(vec![Model], Some(Kept))).await, 0, "{backend}");
            assert_eq!(count(by(vec![Triage], Some(Kept))).await, o.triage.same, "{backend}");
            assert_eq!(count(by(vec![Triage], Some(Waiting))).await, o.triage.waiting, "{backend}");
            let finance = |result| RoutingFilter {
                by: vec![Rule, Model],
                department: Some("财务部".into()),
                result,
                ..Default::default()
            };
            assert_eq!(count(finance(None)).await, o.departments[0].routed, "{backend}");
            assert_eq!(count(finance(Some(Moved))).await, o.departments[0].moved, "{backend}");
            assert_eq!(count(finance(Some(Misrouted))).await, o.departments[0].misrouted, "{backend}");
            let rule = RoutingFilter { rule_id: Some(o.rules[0].rule_id), ..Default::default() };
            assert_eq!(count(rule).await, o.rules[0].routed, "{backend}");
            let refund = |result| RoutingFilter { category: Some("refund_delay".into()), result, ..Default::default() };
            assert_eq!(count(refund(None)).await, 2, "{backend}");
            assert_eq!(count(refund(Some(Reclassified))).await, 1, "{backend}");
        }

        // Only complaints received in the period, and only within the caller's scope.
        assert_eq!(figures(now + Duration::seconds(1)).await.complaints, 0, "{backend}");
        let group = store.org_unit_by_code("group").await.expect("root");
        let elsewhere =
            store.create_org_unit(Some(group.id), "company", "other", "别的公司", "Other").await.expect("unit");
        let path = store.org_path(OrgUnitId(elsewhere.id)).await.expect("path");
        let scoped = store.routing_outcome_counts(&cloop_store::Scope::Under(path), now - Duration::days(1)).await;
        assert_eq!(scoped.expect("counts"), [], "{backend}");

        // The migration's backfill: forget the columns, run its UPDATE, and the figures return.
        let db = store.connection();
        db.execute_unprepared(
            "UPDATE complaints SET routed_by = NULL, routed_department = NULL, routed_rule_id = NULL, \
             routed_category = NULL",
        )
        .await
        .expect("clear");
        assert_eq!(figures(now - Duration::days(30)).await.complaints, 0, "{backend}");
        let migration = match backend {
            "sqlite" => include_str!("../migrations/sqlite/0018_routing_outcomes.sql"),
            _ => include_str!("../migrations/postgres/0018_routing_outcomes.sql"),
        };
        let update = &migration[migration.find("UPDATE").expect("the backfill")..];
        db.execute_unprepared(update).await.expect("backfill");
        assert_eq!(figures(now - Duration::days(30)).await, o, "{backend}");
        let categories = store.routing_category_counts(&cloop_store::Scope::All, now - Duration::days(30)).await;
        assert_eq!(categories.expect("category counts").iter().map(|c| c.complaints).sum::<i64>(), 2, "{backend}");
    }
}
