//! The SLA watch, the risk score and batch early warning, on hand-worked examples.

mod common;

use chrono::{Duration, TimeZone, Utc};
use cloop_domain::batch::{self, BatchSettings, Dimension, KeyCount, SignalKind};
use cloop_domain::calendar::BusinessCalendar;
use cloop_domain::complaint::{Event, EventBody};
use cloop_domain::risk::{self, RiskFacts, RiskSettings};
use cloop_domain::sla::SlaPolicy;
use cloop_domain::sla_watch::{AlertThresholds, ComplaintSla};
use cloop_domain::*;
use common::*;

fn system_event(c: &Complaint, at: chrono::DateTime<Utc>, body: EventBody) -> Event {
    Event { seq: c.version + 1, at, actor: ActorRef::System, body }
}

/// A level-1 complaint received Monday 2026-03-02 09:00 Beijing: response due in 2 calendar hours.
fn level1() -> Complaint {
    let mut c = new_complaint(t0());
    c.received_at = t0();
    let e = Event {
        seq: 2,
        at: t0(),
        actor: ActorRef::User { id: UserId(101) },
        body: EventBody::Classified {
            category_id: DELIVERY_DELAY,
            severity: Severity::Level1,
            product_ref: None,
            order_ref: None,
        },
    };
    c.apply(&e);
    c
}

fn sla(c: &Complaint) -> ComplaintSla {
    ComplaintSla::compute(c, &SlaPolicy::seeds(), &BusinessCalendar::china_default(), &AlertThresholds::default())
}

fn due(c: &Complaint, minutes_after_t0: i64) -> Vec<Command> {
    sla(c).due_commands(
        c,
        t0() + Duration::minutes(minutes_after_t0),
        &BusinessCalendar::china_default(),
        &AlertThresholds::default(),
    )
}

#[test]
fn a_level_1_complaint_is_due_in_two_hours_and_next_checked_at_75_percent() {
    let c = level1();
    let s = sla(&c);
    assert_eq!(s.response.due_at, Some(t0() + Duration::hours(2)));
    assert_eq!(s.resolution.due_at, Some(t0() + Duration::hours(24)));
    assert!(s.confirmed());
    // 75 % of 2 hours = 90 minutes after receipt.
    assert_eq!(s.next_check_at(), Some(t0() + Duration::minutes(90)));
}

#[test]
fn warnings_then_breach_then_escalation_each_come_once() {
    let mut c = level1();
    assert!(due(&c, 89).is_empty(), "nothing before 75 %");
    let at_90 = due(&c, 90);
    assert!(
        matches!(at_90.as_slice(), [Command::SlaAlert { clock: SlaClock::Response, percent: 75, .. }]),
        "{at_90:?}"
    );
    c.apply(&system_event(
        &c,
        t0() + Duration::minutes(90),
        EventBody::SlaAlert { clock: SlaClock::Response, percent: 75, due_at: t0() + Duration::hours(2) },
    ));
    assert!(due(&c, 100).is_empty(), "75 % is not alerted twice");
    assert_eq!(sla(&c).next_check_at(), Some(t0() + Duration::minutes(108)));
    // Breach at 120 minutes: the alert and the first escalation (to the supervisor).
    let at_breach = due(&c, 120);
    assert!(matches!(
        at_breach.as_slice(),
        [Command::SlaAlert { clock: SlaClock::Response, percent: 100, .. }, Command::Escalate { level: 1, .. }]
    ));
}

#[test]
fn a_scheduler_that_was_down_records_only_the_highest_threshold_reached() {
    let c = level1();
    // 160 % of the response target (192 minutes): one alert at 150 %, escalation to level 2.
    let commands = due(&c, 192);
    assert!(
        matches!(
            commands.as_slice(),
            [Command::SlaAlert { clock: SlaClock::Response, percent: 150, .. }, Command::Escalate { level: 2, .. }]
        ),
        "{commands:?}"
    );
}

#[test]
fn a_met_clock_and_a_paused_clock_raise_nothing() {
    let mut c = level1();
    c.first_response_at = Some(t0() + Duration::minutes(30));
    let s = sla(&c);
    assert!(!s.response.running);
    assert_eq!(s.response.next_alert, None);
    // Waiting on the customer: the resolution clock stands still, nothing to check until it resumes.
    c.state = State::AwaitingCustomer;
    c.pauses.push((t0() + Duration::hours(1), None));
    let s = sla(&c);
    assert!(s.resolution.paused);
    assert_eq!(s.resolution.due_at, None);
    assert_eq!(s.next_check_at(), None);
    assert!(due(&c, 60 * 30).is_empty());
}

#[test]
fn thresholds_are_validated() {
    let bad = AlertThresholds { warn_percents: vec![90, 75, 100], escalate_percents: vec![] };
    let errors = bad.validate().unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"warn_percents[2]"), "{fields:?}");
    assert!(fields.contains(&"escalate_percents"), "{fields:?}");
    assert!(fields.contains(&"warn_percents"), "{fields:?}");
    assert!(AlertThresholds::default().validate().is_ok());
    assert_eq!(AlertThresholds::default().level_at(149), 1);
    assert_eq!(AlertThresholds::default().level_at(200), 3);
}

#[test]
fn risk_adds_up_reasons_and_colours_them() {
    let mut c = level1();
    c.content = "热水器漏电致孩子受伤，再不处理就找媒体曝光并起诉".into();
    c.tier = Tier::Vip;
    let settings = RiskSettings::default();
    let r = risk::assess(&c, &RiskFacts { other_complaints: 2, sla_percent: 95.0 }, &settings);
    let codes: Vec<&str> = r.reasons.iter().map(|x| x.code.as_str()).collect();
    for code in ["risk_words", "repeat_customer", "vip", "sla", "level1"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let words = r.reasons.iter().find(|x| x.code == "risk_words").unwrap();
    assert_eq!(words.detail, "媒体、曝光、起诉、受伤");
    assert_eq!(r.score, 100);
    assert_eq!(r.level, Some(RiskLevel::Red));
    // A quiet complaint has no colour; a closed one has no risk at all.
    let quiet = new_complaint(t0());
    assert_eq!(risk::assess(&quiet, &RiskFacts::default(), &settings).level, None);
    c.state = State::Closed;
    assert_eq!(risk::assess(&c, &RiskFacts { other_complaints: 2, sla_percent: 95.0 }, &settings).score, 0);
}

#[test]
fn risk_settings_are_validated() {
    let bad = RiskSettings { words: vec![" ".into()], yellow_at: 50, orange_at: 40, red_at: 101 };
    let fields: Vec<String> = bad.validate().unwrap_err().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["words[0]", "red_at"]);
}

#[test]
fn a_category_spike_and_a_category_share_are_both_found() {
    let s = BatchSettings::default();
    // Baseline 28 days: 28 complaints = 1 per 24-hour window; 6 today is a spike (≥ 3×, ≥ 5).
    let counts = vec![
        KeyCount { key: "4".into(), current: 6, baseline: 28 },
        KeyCount { key: "5".into(), current: 4, baseline: 0 },
        KeyCount { key: "6".into(), current: 10, baseline: 280 },
    ];
    let signals = batch::detect(Dimension::Category, &counts, 20, &s);
    let found: Vec<(&str, SignalKind)> = signals.iter().map(|x| (x.key.as_str(), x.kind)).collect();
    assert!(found.contains(&("4", SignalKind::Spike)), "{found:?}");
    assert!(!found.iter().any(|(k, _)| *k == "5"), "below the minimum count");
    assert!(found.contains(&("4", SignalKind::Share)), "6 of 20 = 30 %");
    assert!(found.contains(&("6", SignalKind::Share)), "10 of 20 = 50 %");
    assert!(!found.contains(&("6", SignalKind::Spike)), "10 against an expected 10 is no spike");
    // Products have no share rule.
    let products = batch::detect(Dimension::Product, &counts, 20, &s);
    assert!(products.iter().all(|x| x.kind == SignalKind::Spike));
}

#[test]
fn a_deadline_in_an_unloaded_year_is_unconfirmed() {
    let mut c = level1();
    let late = Utc.with_ymd_and_hms(2030, 12, 30, 1, 0, 0).unwrap();
    c.received_at = late;
    c.severity = Some(Severity::Level3);
    let s = sla(&c);
    assert!(!s.confirmed());
    assert!(s.response.due_at.is_some());
}

mod scheduler_properties {
    //! Whatever the complaint and however irregularly the scheduler wakes, it records each
    //! threshold at most once, in increasing order, never before its time; escalation only rises;
    //! and after a pass nothing already due is left unrecorded.

    use super::*;
    use cloop_domain::lifecycle::{Context, Who, decide, to_events};
    use proptest::prelude::*;

    fn scenario() -> impl Strategy<Value = (u8, bool, i64, Vec<i64>)> {
        (
            1..=3u8,
            any::<bool>(),
            // Received somewhere in 2025–2026.
            0..(2 * 365 * 24 * 60i64),
            // Minutes between scheduler wake-ups: often short, sometimes days.
            prop::collection::vec(prop_oneof![5 => 1..120i64, 2 => 120..2_000i64, 1 => 2_000..20_000i64], 1..40),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn thresholds_are_recorded_once_in_order_and_never_early((level, vip, start, gaps) in scenario()) {
            let cal = BusinessCalendar::china_default();
            let thresholds = AlertThresholds::default();
            let policy = SlaPolicy::seeds();
            let received = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(start);
            let mut c = new_complaint(received);
            c.received_at = received;
            c.severity = Some(Severity::from_level(i64::from(level)).unwrap());
            c.tier = if vip { Tier::Vip } else { Tier::Normal };
            let authority = AuthorityMatrix::default();
            let loop_policy = Policy::default();
            let mut now = received;
            let mut seen: Vec<(SlaClock, u16)> = Vec::new();
            for gap in gaps {
                now += Duration::minutes(gap);
                let sla = ComplaintSla::compute(&c, &policy, &cal, &thresholds);
                let level_before = c.escalation_level;
                for cmd in sla.due_commands(&c, now, &cal, &thresholds) {
                    let ctx = Context { who: Who::System, now, policy: &loop_policy, authority: &authority };
                    let bodies = decide(&c, &cmd, &ctx).map_err(|r| TestCaseError::fail(format!("{cmd:?} refused: {r:?}")))?;
                    for e in to_events(&c, bodies, &ctx) {
                        if let EventBody::SlaAlert { clock, percent, due_at } = &e.body {
                            // Never early: the threshold's instant has passed.
                            let target = match clock { SlaClock::Response => policy.pick(c.severity.unwrap(), c.tier, None).response, SlaClock::Resolution => policy.pick(c.severity.unwrap(), c.tier, None).resolution };
                            let when = cloop_domain::sla::deadline_at_percent(received, target, *percent, &cal, &[]).due_at.unwrap();
                            prop_assert!(when <= now, "{clock:?} {percent}% recorded at {now}, due {when}");
                            prop_assert_eq!(Some(*due_at), cloop_domain::sla::deadline(received, target, &cal, &[]).due_at);
                            // Once, and increasing per clock.
                            prop_assert!(!seen.iter().any(|(c2, p)| c2 == clock && p >= percent), "{clock:?} {percent}% after {seen:?}");
                            seen.push((*clock, *percent));
                        }
                        c.apply(&e);
                    }
                }
                prop_assert!(c.escalation_level >= level_before);
                // After the pass nothing due is left: asking again at the same moment finds nothing.
                let again = ComplaintSla::compute(&c, &policy, &cal, &thresholds).due_commands(&c, now, &cal, &thresholds);
                prop_assert!(again.is_empty(), "left over at {now}: {again:?}");
            }
            // The escalation level matches the highest threshold recorded.
            let highest = seen.iter().map(|(_, p)| *p).max().unwrap_or(0);
            prop_assert_eq!(c.escalation_level, thresholds.level_at(highest));
        }
    }
}
