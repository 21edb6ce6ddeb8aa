//! SLA clocks, the scheduler (warnings, breach, escalation) on one and on two nodes, the level-1
//! path, risk, the alert centre, and the calendar / threshold administration.

use crate::helpers::{TestApp, intake_body, sqlite_and_postgres};
use chrono::{DateTime, Duration, Utc};
use cloop_domain::calendar::BusinessCalendar;
use cloop_domain::sla::{SlaPolicy, deadline};
use cloop_domain::{Severity, Tier};
use cloop_server::scheduler::{self, PassReport, SchedulerConfig};
use cloop_server::{AppState, ServerConfig};
use serde_json::{Value, json};

sqlite_and_postgres!(
    due_times_follow_the_policy_regrading_and_pauses,
    the_scheduler_warns_breaches_and_escalates_each_step_once,
    two_nodes_share_the_work_without_alerting_twice,
    level_1_alerts_executives_and_legal_and_heads_every_queue,
    risk_is_scored_with_reasons_and_the_overdue_queue_fills,
    the_alert_centre_reads_acknowledges_and_streams,
    calendar_and_thresholds_are_validated_and_applied,
    a_batch_of_one_category_warns_headquarters_and_the_company_once,
);

/// The server's state with its clock moved by `offset` (the `--now` of a demo).
fn later(app: &TestApp, offset: Duration) -> AppState {
    AppState::new(app.store.clone(), ServerConfig { clock_offset: offset, ..ServerConfig::default() })
}

fn node(name: &str) -> SchedulerConfig {
    SchedulerConfig { node: name.into(), ..SchedulerConfig::default() }
}

async fn pass_at(app: &TestApp, offset: Duration) -> PassReport {
    scheduler::pass(&later(app, offset), &node("test")).await.expect("scheduler pass")
}

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap_or_else(|| panic!("not a time: {v}")).parse().expect("RFC 3339")
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

/// A complaint of `severity` received `ago` before now.
fn body(phone: &str, severity: u8, ago: Duration) -> Value {
    let mut b = intake_body(phone);
    b["severity"] = json!(severity);
    b["received_at"] = json!((Utc::now() - ago).to_rfc3339());
    b
}

async fn due_times_follow_the_policy_regrading_and_pauses(app: TestApp) {
    let agent = app.login("agent").await;
    let c = agent.intake_with(&body("13800001111", 3, Duration::minutes(10))).await;
    let id = c["id"].as_i64().unwrap();
    let received = at(&c["received_at"]);
    // Level 3 of the seeds: response 24 business hours, resolution 40 business hours.
    let cal = BusinessCalendar::china_default();
    let targets = SlaPolicy::seeds().pick(Severity::Level3, Tier::Normal, None);
    assert_eq!(at(&c["response_due_at"]), deadline(received, targets.response, &cal, &[]).due_at.unwrap());
    assert_eq!(at(&c["resolution_due_at"]), deadline(received, targets.resolution, &cal, &[]).due_at.unwrap());
    assert_eq!(c["sla"]["response"]["kind"], "business");
    assert_eq!(c["sla"]["response"]["target_minutes"], 24 * 60);
    assert_eq!(c["sla"]["response"]["status"], "on_track");
    assert_eq!(c["sla"]["response"]["confirmed"], true);

    // Re-graded to level 1: two calendar hours from receipt.
    let c = agent.command(id, "classify", json!({"category": "product_fault", "severity": 1})).await;
    assert_eq!(at(&c["response_due_at"]), received + Duration::hours(2));
    assert_eq!(at(&c["resolution_due_at"]), received + Duration::hours(24));
    assert_eq!(c["sla"]["response"]["kind"], "calendar");
    // The list carries the same due times.
    let list = agent.get("/api/v1/complaints").await.expect(200).clone();
    let row = &list["items"][0];
    assert_eq!(at(&row["response_due_at"]), received + Duration::hours(2));
    assert_eq!(at(&row["due_at"]), received + Duration::hours(2), "earliest running clock");
    assert_eq!(at(&row["warn_at"]), received + Duration::minutes(90), "75 % of two hours");

    // Accepting is the first response: that clock stops, met.
    agent.command(id, "assign", json!({"department_id": app.seed.acme_quality})).await;
    let handler = app.login("handler").await;
    let c = handler.command(id, "accept", json!({})).await;
    assert_eq!(c["sla"]["response"]["status"], "met");
    // Waiting on the customer pauses the resolution clock: no due time while it stands still.
    let c = handler
        .command(id, "remedy", json!({"measures": [{"kind": "repair", "amount": 0}], "explanation": "上门维修"}))
        .await;
    assert_eq!(c["state"], "awaiting_customer");
    assert_eq!(c["sla"]["resolution"]["status"], "paused");
    assert_eq!(c["sla"]["resolution"]["paused"], true);
    assert!(c["resolution_due_at"].is_null(), "{c}");
    // …and resuming gives a due time pushed back by the pause.
    let c = agent.command(id, "customer-decision", json!({"agree": true})).await;
    assert_eq!(c["state"], "executing");
    let due = at(&c["resolution_due_at"]);
    assert!(due >= received + Duration::hours(24), "{due}");
    assert_eq!(c["sla"]["resolution"]["paused"], false);
}

async fn the_scheduler_warns_breaches_and_escalates_each_step_once(app: TestApp) {
    let agent = app.login("agent").await;
    let supervisor = app.login("supervisor").await;
    let exec = app.login("exec").await;
    // Level 1, received an hour ago: half of its two-hour response time used.
    let c = agent.intake_with(&body("13800002222", 1, Duration::hours(1))).await;
    let id = c["id"].as_i64().unwrap();
    let level1_alerts = supervisor.get("/api/v1/alerts").await.expect(200)["total"].as_u64().unwrap();

    let r = pass_at(&app, Duration::zero()).await;
    assert!(r.ran);
    assert_eq!(r.sla_alerts, 0, "nothing due at 50 %");

    // 35 minutes on: past 75 % of the response time.
    let r = pass_at(&app, Duration::minutes(35)).await;
    assert_eq!(r.sla_alerts, 1);
    let r = pass_at(&app, Duration::minutes(36)).await;
    assert_eq!(r.sla_alerts, 0, "75 % is recorded once");
    let d = agent.detail(id).await;
    let warning = d["events"].as_array().unwrap().iter().find(|e| e["kind"] == "sla_alert").unwrap().clone();
    assert_eq!(warning["actor_kind"], "system");
    assert_eq!(warning["payload"]["clock"], "response");
    assert_eq!(warning["payload"]["percent"], 75);
    // Nobody handles it yet, so the company's supervisors are told.
    let alerts = supervisor.get("/api/v1/alerts").await.expect(200).clone();
    assert_eq!(alerts["total"].as_u64().unwrap(), level1_alerts + 1);
    assert_eq!(alerts["items"][0]["kind"], "sla_warning");
    assert_eq!(alerts["items"][0]["complaint_id"], id);

    // Past the due time: the breach, and the first escalation step (to the supervisors).
    let r = pass_at(&app, Duration::minutes(61)).await;
    assert_eq!((r.sla_alerts, r.escalations), (1, 1));
    let d = agent.detail(id).await;
    assert_eq!(d["complaint"]["escalation_level"], 1);
    let chain = d["escalation_chain"].as_array().unwrap();
    assert_eq!(chain.len(), 4);
    assert_eq!(chain[1]["role"], "supervisor");
    assert_eq!(chain[1]["reached"], true);
    assert_eq!(chain[1]["people"][0], "李主管");
    assert_eq!(chain[3]["people"][0], "周总", "HQ executives stand at the top of every company's chain");
    assert_eq!(chain[3]["reached"], false);

    // Five hours later (over 200 % of the response): straight to the executive, in one step.
    let r = pass_at(&app, Duration::hours(5)).await;
    assert_eq!((r.sla_alerts, r.escalations), (1, 1));
    let d = agent.detail(id).await;
    assert_eq!(d["complaint"]["escalation_level"], 3);
    let k = kinds(&d);
    assert_eq!(k.iter().filter(|k| *k == "sla_alert").count(), 3, "{k:?}");
    assert_eq!(k.iter().filter(|k| *k == "escalated").count(), 2, "{k:?}");
    let exec_alerts = exec.get("/api/v1/alerts").await.expect(200).clone();
    assert!(
        exec_alerts["items"].as_array().unwrap().iter().any(|a| a["kind"] == "escalation" && a["data"]["level"] == 3),
        "{exec_alerts}"
    );
    // The log stays a valid chain with the system's events in it.
    crate::helpers::assert_chain(&d["events"]);
    // Once answered, the response clock stops alerting.
    agent.command(id, "assign", json!({"department_id": app.seed.acme_quality})).await;
    app.login("handler").await.command(id, "accept", json!({})).await;
    let before = agent.version(id).await;
    let r = pass_at(&app, Duration::hours(6)).await;
    assert_eq!(r.sla_alerts, 0, "resolution (24 h) is not yet at 75 %");
    assert_eq!(agent.version(id).await, before);
}

async fn two_nodes_share_the_work_without_alerting_twice(app: TestApp) {
    let agent = app.login("agent").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let c = agent.intake_with(&body(&format!("1380000{:04}", 3000 + i), 1, Duration::hours(3))).await;
        ids.push(c["id"].as_i64().unwrap());
    }
    // A second node on the same database.
    let other = cloop_store::Store::open(&app.url, cloop_store::StoreConfig::default()).await.expect("second node");
    let a = AppState::new(app.store.clone(), ServerConfig::default());
    let b = AppState::new(other, ServerConfig::default());
    let (na, nb) = (node("node-a"), node("node-b"));
    let (ra, rb) = tokio::join!(scheduler::pass(&a, &na), scheduler::pass(&b, &nb));
    let (ra, rb) = (ra.expect("pass a"), rb.expect("pass b"));
    assert!(ra.ran ^ rb.ran, "exactly one node holds the lease: {ra:?} {rb:?}");
    assert_eq!(ra.sla_alerts + rb.sla_alerts, 6, "one breach per complaint");
    // While the lease runs, the other node stays idle; the holder renews it.
    let (winner, loser, wname, lname) =
        if ra.ran { (&a, &b, "node-a", "node-b") } else { (&b, &a, "node-b", "node-a") };
    assert!(!scheduler::pass(loser, &node(lname)).await.unwrap().ran);
    assert!(scheduler::pass(winner, &node(wname)).await.unwrap().ran);
    // When the holder goes quiet past the lease, the other takes over.
    let loser_later = AppState::new(
        loser.store().clone(),
        ServerConfig { clock_offset: Duration::minutes(2), ..ServerConfig::default() },
    );
    assert!(scheduler::pass(&loser_later, &node(lname)).await.unwrap().ran);
    // Even racing past the lease (two passes at once on the same node name), nothing doubles.
    let same = node(lname);
    let also_later = later(&app, Duration::minutes(2));
    let (x, y) = tokio::join!(scheduler::pass(&loser_later, &same), scheduler::pass(&also_later, &same));
    x.unwrap();
    y.unwrap();
    for id in ids {
        let d = agent.detail(id).await;
        let k = kinds(&d);
        assert_eq!(k.iter().filter(|k| *k == "sla_alert").count(), 1, "complaint {id}: {k:?}");
        assert_eq!(k.iter().filter(|k| *k == "escalated").count(), 1, "complaint {id}: {k:?}");
    }
    let supervisor = app.login("supervisor").await;
    let alerts = supervisor.get("/api/v1/alerts?per_page=100").await.expect(200).clone();
    let breaches = alerts["items"].as_array().unwrap().iter().filter(|a| a["kind"] == "sla_breach").count();
    assert_eq!(breaches, 6);
}

async fn level_1_alerts_executives_and_legal_and_heads_every_queue(app: TestApp) {
    let agent = app.login("agent").await;
    let exec = app.login("exec").await;
    let legal = app.login("legal").await;
    let l1 = agent.intake_with(&body("13800004444", 1, Duration::minutes(30))).await;
    // Registered later, so newer — still below the level-1 complaint.
    agent.intake_with(&body("13800005555", 2, Duration::minutes(5))).await;
    for who in [&exec, &legal] {
        let a = who.get("/api/v1/alerts?unread=true").await.expect(200).clone();
        assert_eq!(a["unread"], 1, "{}: {a}", who.me["user"]["username"]);
        assert_eq!(a["items"][0]["kind"], "level1");
        assert_eq!(a["items"][0]["case_no"], l1["case_no"]);
    }
    for path in
        ["/api/v1/complaints", "/api/v1/complaints?queue=open", "/api/v1/complaints?sort=received_at&order=desc"]
    {
        let list = agent.get(path).await.expect(200).clone();
        assert_eq!(list["items"][0]["id"], l1["id"], "{path}");
        assert_eq!(list["items"][0]["pinned"], true);
    }
    // Re-grading another complaint to level 1 alerts again; the executive at HQ sees all companies.
    let c = agent.intake_with(&body("13800006666", 3, Duration::minutes(1))).await;
    agent.command(c["id"].as_i64().unwrap(), "classify", json!({"category": "product_fault", "severity": 1})).await;
    assert_eq!(exec.get("/api/v1/alerts/unread").await.expect(200)["unread"], 2);
    assert_eq!(exec.total().await, 3, "headquarters sees the whole group");
}

async fn risk_is_scored_with_reasons_and_the_overdue_queue_fills(app: TestApp) {
    let agent = app.login("agent").await;
    let mut b = body("13800007777", 2, Duration::days(3));
    b["content"] = json!("热水器漏电，孩子手被电伤，我已经联系了律师，再不处理就找媒体曝光");
    let risky = agent.intake_with(&b).await;
    let id = risky["id"].as_i64().unwrap();
    // Same customer again: a repeat complainant.
    let again = agent.intake_with(&body("13800007777", 3, Duration::minutes(1))).await;
    let d = agent.detail(id).await;
    let risk = &d["complaint"]["risk"];
    let codes: Vec<&str> = risk["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"risk_words"), "{risk}");
    assert!(codes.contains(&"sla"), "three days old: overdue: {risk}");
    let words = risk["reasons"].as_array().unwrap().iter().find(|r| r["code"] == "risk_words").unwrap();
    assert!(words["detail"].as_str().unwrap().contains("律师"), "{words}");
    assert!(risk["level"] == "red" || risk["level"] == "orange", "{risk}");
    // The second complaint of the customer counts the first.
    let d2 = agent.detail(again["id"].as_i64().unwrap()).await;
    assert!(
        d2["complaint"]["risk"]["reasons"].as_array().unwrap().iter().any(|r| r["code"] == "repeat_customer"),
        "{}",
        d2["complaint"]["risk"]
    );
    let overdue = agent.get("/api/v1/complaints?queue=overdue").await.expect(200).clone();
    let ids: Vec<i64> = overdue["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [id], "only the three-day-old one is past due");
    let at_risk = agent.get("/api/v1/complaints?queue=at_risk").await.expect(200).clone();
    assert_eq!(at_risk["items"][0]["id"], id);
    assert!(at_risk["items"][0]["risk_level"].is_string());
    let by_risk = agent.get("/api/v1/complaints?sort=risk&order=desc").await.expect(200).clone();
    assert_eq!(by_risk["items"][0]["id"], id);
    agent.get("/api/v1/complaints?risk=purple").await.expect_field("risk", "invalid_risk");
    agent.get("/api/v1/complaints?queue=soon").await.expect_field("queue", "invalid_queue");
    let queues = agent.get("/api/v1/complaints/queues").await.expect(200).clone();
    assert_eq!(queues["overdue"], 1);
}

async fn the_alert_centre_reads_acknowledges_and_streams(app: TestApp) {
    let agent = app.login("agent").await;
    let exec = app.login("exec").await;
    for i in 0..3 {
        agent.intake_with(&body(&format!("1380000{:04}", 8000 + i), 1, Duration::minutes(1))).await;
    }
    let page = exec.get("/api/v1/alerts").await.expect(200).clone();
    assert_eq!(page["unread"], 3);
    let first = page["items"][0]["id"].as_i64().unwrap();
    let r = exec.post("/api/v1/alerts/mark", &json!({"ids": [first]})).await.expect(200).clone();
    assert_eq!((r["changed"].as_u64(), r["unread"].as_u64()), (Some(1), Some(2)));
    let r = exec.post("/api/v1/alerts/mark", &json!({"ids": [first], "acknowledge": true})).await.expect(200).clone();
    assert_eq!(r["changed"], 1);
    let page = exec.get("/api/v1/alerts").await.expect(200).clone();
    let acked = page["items"].as_array().unwrap().iter().find(|a| a["id"] == first).unwrap();
    assert!(acked["acked_at"].is_string() && acked["read_at"].is_string());
    // Someone else's alert cannot be touched: nothing changes.
    let agent_mark = agent.post("/api/v1/alerts/mark", &json!({"ids": [first + 1]})).await.expect(200).clone();
    assert_eq!(agent_mark["changed"], 0);
    exec.post("/api/v1/alerts/mark", &json!({"ids": []})).await.expect_field("ids", "invalid_length");
    exec.get("/api/v1/alerts?per_page=0").await.expect_field("per_page", "out_of_range");
    // The live stream answers the unread count at once.
    let res = exec.request(reqwest::Method::GET, "/api/v1/alerts/stream").send().await.expect("stream");
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut res = res;
    let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), res.chunk()).await.expect("in time").unwrap();
    let text = String::from_utf8(chunk.unwrap().to_vec()).unwrap();
    assert!(text.contains("event: unread") && text.contains("\"unread\":2"), "{text}");
    // A new alert for the user is pushed to the open stream.
    agent.intake_with(&body("13800009999", 1, Duration::minutes(1))).await;
    let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), res.chunk()).await.expect("pushed").unwrap();
    let text = String::from_utf8(chunk.unwrap().to_vec()).unwrap();
    assert!(text.contains("\"unread\":3"), "{text}");
    // Read all.
    let r = exec.post("/api/v1/alerts/mark", &json!({})).await.expect(200).clone();
    assert_eq!(r["unread"], 0);
    app.anonymous().get("/api/v1/alerts").await.expect_error(401, "unauthenticated");
}

async fn calendar_and_thresholds_are_validated_and_applied(app: TestApp) {
    let admin = app.login("admin").await;
    let agent = app.login("agent").await;
    let cal = admin.get("/api/v1/admin/calendar").await.expect(200).clone();
    let years: Vec<i64> = cal["years"].as_array().unwrap().iter().map(|y| y["year"].as_i64().unwrap()).collect();
    assert!(years.contains(&2025) && years.contains(&2026), "{years:?}");
    let y2026 = admin.get("/api/v1/admin/calendar/2026").await.expect(200).clone();
    assert_eq!(y2026["loaded"], true);
    assert!(y2026["days"].as_array().unwrap().iter().any(|d| d["kind"] == "make_up_workday"));
    let y2031 = admin.get("/api/v1/admin/calendar/2031").await.expect(200).clone();
    assert_eq!(y2031["loaded"], false);

    // A bad year: a make-up day that is a Tuesday, a date outside the year. Nothing changes.
    let bad = json!({"holidays": [{"date": "2028-01-01", "name": "元旦"}], "workdays": [{"date": "2027-10-12", "name": "国庆节调休"}]});
    let e = admin.put("/api/v1/admin/calendar/2027", &bad).await.expect(422).clone();
    assert!(e["error"]["fields"].as_array().unwrap().len() >= 2, "{e}");
    assert_eq!(admin.get("/api/v1/admin/calendar/2027").await.expect(200)["loaded"], false);
    agent
        .put("/api/v1/admin/calendar/2027", &json!({"holidays": [], "workdays": []}))
        .await
        .expect_error(403, "missing_permission");
    admin.put("/api/v1/admin/calendar/2027", &json!({"weird": 1})).await.expect_field("body", "invalid_shape");
    let good = json!({"source": "国务院办公厅关于2027年部分节假日安排的通知", "holidays": [{"date": "2027-01-01", "name": "元旦"}], "workdays": []});
    let y = admin.put("/api/v1/admin/calendar/2027", &good).await.expect(200).clone();
    assert_eq!(y["loaded"], true);

    // Removing the current year leaves open deadlines unconfirmed and tells the admin.
    let c = agent.intake_with(&body("13800001212", 3, Duration::minutes(5))).await;
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["sla"]["response"]["confirmed"], true);
    let this_year = Utc::now().format("%Y").to_string();
    admin.delete(&format!("/api/v1/admin/calendar/{this_year}")).await.expect(200);
    let d = agent.detail(id).await;
    assert_eq!(d["complaint"]["sla"]["response"]["confirmed"], false);
    app.store.refresh_open_complaints(Utc::now()).await.unwrap();
    pass_at(&app, Duration::zero()).await;
    let alerts = admin.get("/api/v1/alerts").await.expect(200).clone();
    assert!(
        alerts["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "calendar" && a["data"]["year"] == this_year.parse::<i64>().unwrap()),
        "{alerts}"
    );
    // Re-import from the shipped file restores it.
    let shipped: Value = serde_json::from_str(cloop_domain::calendar::CHINA_SCHEDULES_JSON).unwrap();
    let r = admin.post("/api/v1/admin/calendar/import", &shipped).await.expect(200).clone();
    assert!(r["years"].as_array().unwrap().iter().any(|y| y.as_i64() == this_year.parse().ok()));
    assert_eq!(agent.detail(id).await["complaint"]["sla"]["response"]["confirmed"], true);

    // Working hours: overlapping windows are refused.
    admin
        .put(
            "/api/v1/admin/calendar/hours",
            &json!([{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "18:00"}]),
        )
        .await
        .expect(422);
    admin
        .put(
            "/api/v1/admin/calendar/hours",
            &json!([{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "17:30"}]),
        )
        .await
        .expect(200);

    // A company with working hours of its own: its complaints count on them; removing them
    // brings back the group's.
    let before = at(&agent.detail(id).await["complaint"]["response_due_at"]);
    let acme = app.seed.acme;
    let cal = admin
        .put(&format!("/api/v1/admin/calendar/hours?company_id={acme}"), &json!([{"start": "10:00", "end": "16:00"}]))
        .await
        .expect(200)
        .clone();
    let own = cal["companies"].as_array().unwrap().iter().find(|c| c["company_id"] == acme).unwrap();
    assert_eq!(own["hours"], json!([{"start": "10:00", "end": "16:00"}]));
    let beta = cal["companies"].as_array().unwrap().iter().find(|c| c["company_id"] == app.seed.beta).unwrap();
    assert!(beta["hours"].is_null());
    assert!(at(&agent.detail(id).await["complaint"]["response_due_at"]) > before, "six-hour days end later");
    admin.delete(&format!("/api/v1/admin/calendar/hours?company_id={acme}")).await.expect(200);
    assert_eq!(at(&agent.detail(id).await["complaint"]["response_due_at"]), before);
    admin.delete(&format!("/api/v1/admin/calendar/hours?company_id={acme}")).await.expect_error(404, "not_found");
    admin
        .put(
            &format!("/api/v1/admin/calendar/hours?company_id={}", app.seed.acme_cc),
            &json!([{"start": "09:00", "end": "17:00"}]),
        )
        .await
        .expect_field("company_id", "unknown_company");
    admin.put("/api/v1/admin/calendar/hours?company=1", &json!([])).await.expect_field("query", "invalid_query");

    // Thresholds: every mistake named, nothing stored; then a good change is in use at once.
    let mut s = admin.get("/api/v1/admin/alert-settings").await.expect(200).clone();
    assert_eq!(s["thresholds"]["warn_percents"], json!([75, 90]));
    let mut bad = s.clone();
    bad["thresholds"]["warn_percents"] = json!([120, 90]);
    bad["risk"]["red_at"] = json!(10);
    bad["batch"]["window_hours"] = json!(0);
    let e = admin.put("/api/v1/admin/alert-settings", &bad).await.expect(422).clone();
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["thresholds.warn_percents[0]", "thresholds.warn_percents", "risk.red_at", "batch.window_hours"] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
    assert_eq!(
        admin.get("/api/v1/admin/alert-settings").await.expect(200)["thresholds"]["warn_percents"],
        json!([75, 90])
    );
    s["thresholds"]["warn_percents"] = json!([50]);
    admin.put("/api/v1/admin/alert-settings", &s).await.expect(200);
    let c = agent.intake_with(&body("13800001313", 1, Duration::minutes(61))).await;
    let r = pass_at(&app, Duration::zero()).await;
    assert!(r.sla_alerts >= 1);
    let d = agent.detail(c["id"].as_i64().unwrap()).await;
    let alert = d["events"].as_array().unwrap().iter().find(|e| e["kind"] == "sla_alert").unwrap().clone();
    assert_eq!(alert["payload"]["percent"], 50);

    // SLA policy: a policy missing a severity is refused with the gap named.
    let policy = admin.get("/api/v1/admin/sla-policy").await.expect(200).clone();
    let mut partial = policy.clone();
    partial["rules"] =
        json!(policy["rules"].as_array().unwrap().iter().filter(|r| r["severity"] != 3).cloned().collect::<Vec<_>>());
    admin.put("/api/v1/admin/sla-policy", &partial).await.expect(422);
    let mut unknown = policy.clone();
    unknown["rules"].as_array_mut().unwrap().push(json!({
        "severity": 1, "tier": "vip", "category_id": 99999,
        "response": {"clock": "calendar", "minutes": 30}, "resolution": {"clock": "calendar", "minutes": 600}
    }));
    admin
        .put("/api/v1/admin/sla-policy", &unknown)
        .await
        .expect_field(&format!("rules[{}].category_id", policy["rules"].as_array().unwrap().len()), "unknown_category");
    admin.put("/api/v1/admin/sla-policy", &policy).await.expect(200);
    agent.put("/api/v1/admin/sla-policy", &policy).await.expect_error(403, "missing_permission");
}

async fn a_batch_of_one_category_warns_headquarters_and_the_company_once(app: TestApp) {
    let agent = app.login("agent").await;
    let exec = app.login("exec").await;
    let supervisor = app.login("supervisor").await;
    let beta = app.login("beta_agent").await;
    // Six complaints about one category within the day, none before: a spike (the share rule
    // needs 20 in the window, so it stays quiet).
    let mut cases = Vec::new();
    for i in 0..6 {
        let c = agent.intake_with(&body(&format!("1380001{:04}", 100 + i), 3, Duration::minutes(30 + i))).await;
        cases.push(c["case_no"].as_str().unwrap().to_owned());
    }
    let r = pass_at(&app, Duration::zero()).await;
    assert_eq!(r.batch_alerts, 1, "{r:?}");
    for who in [&exec, &supervisor] {
        let alerts = who.get("/api/v1/alerts").await.expect(200).clone();
        let batch = alerts["items"].as_array().unwrap().iter().find(|a| a["kind"] == "batch").cloned();
        let batch = batch.unwrap_or_else(|| panic!("{}: no batch alert in {alerts}", who.me["user"]["username"]));
        assert_eq!(batch["data"]["dimension"], "category");
        assert_eq!(batch["data"]["signal"], "spike");
        assert_eq!(batch["data"]["current"], 6);
        assert_eq!(batch["data"]["name"], "产品故障");
        let behind: Vec<&str> =
            batch["data"]["complaints"].as_array().unwrap().iter().map(|c| c["case_no"].as_str().unwrap()).collect();
        for case in &cases {
            assert!(behind.contains(&case.as_str()), "{case} missing from {behind:?}");
        }
        assert!(batch["title_zh"].as_str().unwrap().contains("批量投诉预警"), "{batch}");
    }
    // The other company's people are not told about it.
    let other = beta.get("/api/v1/alerts").await.expect(200).clone();
    assert!(!other["items"].as_array().unwrap().iter().any(|a| a["kind"] == "batch"), "{other}");
    // The same spike is reported once per window: a pass later in the same window (alerts are
    // keyed by window bucket, a UTC day by default) raises nothing new. Five minutes on, unless
    // the day ends sooner (a pass after midnight is a new window and rightly warns again).
    let left_today = Duration::seconds(86_400 - Utc::now().timestamp().rem_euclid(86_400) - 2);
    let r = pass_at(&app, Duration::minutes(5).min(left_today).max(Duration::zero())).await;
    assert_eq!(r.batch_alerts, 0);
}
