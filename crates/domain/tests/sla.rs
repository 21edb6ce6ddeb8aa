//! Hand-worked SLA deadlines on the shipped calendar (09:00–18:00 Beijing time, State Council
//! schedules for 2025 and 2026), each worked out in its comment hour by hour, and the SLA
//! policy: the seeds' targets, most-specific rule wins, and the checks on an admin's policy.

use chrono::{DateTime, Duration, TimeZone, Utc};
use cloop_domain::calendar::{BusinessCalendar, china_standard_time};
use cloop_domain::sla::*;
use cloop_domain::{CategoryId, Severity, Tier};

/// An instant given in Beijing time.
fn beijing(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    china_standard_time().with_ymd_and_hms(y, m, d, h, min, 0).single().expect("valid time").to_utc()
}

fn targets(severity: Severity, tier: Tier) -> SlaTargets {
    SlaPolicy::seeds().pick(severity, tier, None)
}

fn due(start: DateTime<Utc>, target: SlaTarget, pauses: &[Pause]) -> Deadline {
    deadline(start, target, &BusinessCalendar::china_default(), pauses)
}

fn confirmed_at(at: DateTime<Utc>) -> Deadline {
    Deadline { due_at: Some(at), confirmed: true }
}

// ---------------------------------------------------------------- across holidays

#[test]
fn a_level_3_complaint_on_the_friday_before_spring_festival_2026_is_due_the_wednesday_after() {
    // Fri 13 Feb 17:00: 1 h that day; Sat 14 Feb is a make-up workday, 9 h (10); 15–23 Feb is
    // the holiday; Tue 24 Feb 9 h (19); Wed 25 Feb 5 h → 14:00.
    let received = beijing(2026, 2, 13, 17, 0);
    let response = targets(Severity::Level3, Tier::Normal).response;
    assert_eq!(response, SlaTarget::new(ClockKind::Business, 24 * 60).expect("valid"));
    assert_eq!(due(received, response, &[]), confirmed_at(beijing(2026, 2, 25, 14, 0)));
}

#[test]
fn the_saturday_28_february_2026_make_up_day_counts_as_a_working_day() {
    // Level-3 resolution (40 business hours) from Wed 25 Feb 09:00: Wed 9 h, Thu 9 h (18),
    // Fri 9 h (27), Sat 28 Feb make-up 9 h (36), Sun 1 Mar off, Mon 2 Mar 4 h → 13:00.
    let received = beijing(2026, 2, 25, 9, 0);
    let resolution = targets(Severity::Level3, Tier::Normal).resolution;
    assert_eq!(due(received, resolution, &[]), confirmed_at(beijing(2026, 3, 2, 13, 0)));
}

#[test]
fn a_level_2_complaint_on_the_eve_of_national_day_2025_gets_its_response_after_the_holiday() {
    // Tue 30 Sep 16:00: 2 h to 18:00; 1–8 Oct is the holiday; Thu 9 Oct 2 h → 11:00.
    let received = beijing(2025, 9, 30, 16, 0);
    let t = targets(Severity::Level2, Tier::Normal);
    assert_eq!(due(received, t.response, &[]), confirmed_at(beijing(2025, 10, 9, 11, 0)));
    // Its 24-hour resolution runs on the wall clock, holiday or not.
    assert_eq!(due(received, t.resolution, &[]), confirmed_at(beijing(2025, 10, 1, 16, 0)));
}

#[test]
fn the_national_day_2025_make_up_sunday_and_saturday_are_working_days() {
    let response = targets(Severity::Level2, Tier::Normal).response;
    // Received on Sat 27 Sep: the clock starts on Sun 28 Sep (make-up day) at 09:00 → 13:00.
    assert_eq!(due(beijing(2025, 9, 27, 10, 0), response, &[]), confirmed_at(beijing(2025, 9, 28, 13, 0)));
    // Fri 10 Oct 17:00: 1 h, then Sat 11 Oct (make-up day) 3 h → 12:00.
    assert_eq!(due(beijing(2025, 10, 10, 17, 0), response, &[]), confirmed_at(beijing(2025, 10, 11, 12, 0)));
}

#[test]
fn a_level_3_complaint_on_new_years_eve_2025_skips_yuandan_and_works_sunday_4_january() {
    // Wed 31 Dec 10:00: 8 h to 18:00; 1–3 Jan 2026 is 元旦; Sun 4 Jan is a make-up day, 9 h
    // (17); Mon 5 Jan 7 h → 16:00. Both years are loaded, so the deadline is confirmed.
    let received = beijing(2025, 12, 31, 10, 0);
    let response = targets(Severity::Level3, Tier::Normal).response;
    assert_eq!(due(received, response, &[]), confirmed_at(beijing(2026, 1, 5, 16, 0)));
}

// ---------------------------------------------------------------- a year with no schedule

#[test]
fn a_complaint_in_2027_counts_monday_to_friday_and_is_unconfirmed() {
    // 2027 is not loaded. Wed 10 Feb 2027 09:00 (in what will likely be Spring Festival week):
    // Wed 9 h, Thu 9 h (18), Fri 6 h → 15:00, counted as ordinary weekdays.
    let response = targets(Severity::Level3, Tier::Normal).response;
    let deadline = due(beijing(2027, 2, 10, 9, 0), response, &[]);
    assert_eq!(deadline, Deadline { due_at: Some(beijing(2027, 2, 12, 15, 0)), confirmed: false });
}

#[test]
fn a_deadline_that_runs_from_2026_into_2027_is_unconfirmed() {
    // Thu 31 Dec 2026 15:00: 3 h; Fri 1 Jan 2027 is not known to be a holiday, 9 h (12);
    // Mon 4 Jan 9 h (21); Tue 5 Jan 3 h → 12:00. Unconfirmed: 2027 has no schedule yet.
    let response = targets(Severity::Level3, Tier::Normal).response;
    let deadline = due(beijing(2026, 12, 31, 15, 0), response, &[]);
    assert_eq!(deadline, Deadline { due_at: Some(beijing(2027, 1, 5, 12, 0)), confirmed: false });
    // A calendar-time target does not depend on the calendar, so it is always confirmed.
    let level_1 = targets(Severity::Level1, Tier::Normal).response;
    assert!(due(beijing(2026, 12, 31, 23, 0), level_1, &[]).confirmed);
}

// ---------------------------------------------------------------- calendar hours, VIP

#[test]
fn a_level_1_complaint_is_answered_within_two_wall_clock_hours_even_at_night_in_the_holiday() {
    // Tue 17 Feb 2026, the second day of Spring Festival, 22:30.
    let received = beijing(2026, 2, 17, 22, 30);
    let t = targets(Severity::Level1, Tier::Normal);
    assert_eq!(due(received, t.response, &[]), confirmed_at(beijing(2026, 2, 18, 0, 30)));
    assert_eq!(due(received, t.resolution, &[]), confirmed_at(beijing(2026, 2, 18, 22, 30)));
}

#[test]
fn warnings_fall_at_75_and_90_percent_of_a_level_1_response() {
    let cal = BusinessCalendar::china_default();
    let received = beijing(2026, 3, 2, 10, 0);
    let response = targets(Severity::Level1, Tier::Normal).response;
    let share = |h, m| elapsed_share(received, beijing(2026, 3, 2, h, m), response, &cal, &[]);
    assert_eq!(share(11, 30), 0.75);
    assert_eq!(share(11, 48), 0.9);
    assert_eq!(share(12, 0), 1.0);
    assert_eq!(share(13, 0), 1.5);
}

#[test]
fn a_vip_gets_half_the_time_through_the_green_channel() {
    let vip = targets(Severity::Level2, Tier::Vip);
    assert_eq!(vip.response, SlaTarget::new(ClockKind::Business, 2 * 60).expect("valid"));
    assert_eq!(vip.resolution, SlaTarget::new(ClockKind::Calendar, 12 * 60).expect("valid"));
    // Fri 30 Jan 2026 17:00: 1 h; the weekend is off; Mon 2 Feb 1 h → 10:00 (12:00 for others).
    let received = beijing(2026, 1, 30, 17, 0);
    assert_eq!(due(received, vip.response, &[]), confirmed_at(beijing(2026, 2, 2, 10, 0)));
    let normal = targets(Severity::Level2, Tier::Normal).response;
    assert_eq!(due(received, normal, &[]), confirmed_at(beijing(2026, 2, 2, 12, 0)));
    // A VIP level-3 on the Friday before Spring Festival: 1 h + Sat 14 Feb 9 h + Tue 24 Feb 2 h.
    let level_3 = targets(Severity::Level3, Tier::Vip).response;
    assert_eq!(due(beijing(2026, 2, 13, 17, 0), level_3, &[]), confirmed_at(beijing(2026, 2, 24, 11, 0)));
}

// ---------------------------------------------------------------- waiting on the customer

#[test]
fn waiting_on_the_customer_stops_the_clock_and_resuming_starts_it_again() {
    let cal = BusinessCalendar::china_default();
    let t = targets(Severity::Level2, Tier::Normal);
    // Received Mon 9 Mar 2026 10:00; 1 business hour used by 11:00, when the complaint starts
    // waiting on the customer. While it waits there is no due time and the share stands still.
    let received = beijing(2026, 3, 9, 10, 0);
    let waiting = [(beijing(2026, 3, 9, 11, 0), None)];
    assert_eq!(due(received, t.response, &waiting), Deadline { due_at: None, confirmed: true });
    let later = beijing(2026, 3, 10, 17, 0);
    assert_eq!(elapsed_share(received, later, t.response, &cal, &waiting), 0.25);
    // The customer answers Tue 10 Mar 15:00. The 3 business hours left run 15:00–18:00, so the
    // response is due at the close of Tuesday, not Wednesday morning.
    let answered = [(beijing(2026, 3, 9, 11, 0), Some(beijing(2026, 3, 10, 15, 0)))];
    assert_eq!(due(received, t.response, &answered), confirmed_at(beijing(2026, 3, 10, 18, 0)));
    // The 24-hour wall-clock resolution is pushed by the whole 28 hours of waiting.
    assert_eq!(due(received, t.resolution, &answered), confirmed_at(beijing(2026, 3, 11, 14, 0)));
    assert_eq!(
        elapsed(received, beijing(2026, 3, 10, 16, 0), ClockKind::Business, &cal, &answered),
        Duration::hours(2)
    );
}

// ---------------------------------------------------------------- the policy

fn rule(
    severity: i64,
    tier: &str,
    category_id: Option<i64>,
    response: (&str, i64),
    resolution: (&str, i64),
) -> SlaRuleInput {
    SlaRuleInput {
        severity,
        tier: tier.to_owned(),
        category_id,
        response: SlaTargetInput { clock: response.0.to_owned(), minutes: response.1 },
        resolution: SlaTargetInput { clock: resolution.0.to_owned(), minutes: resolution.1 },
    }
}

#[test]
fn the_seeds_policy_round_trips_through_its_input_form() {
    let seeds = SlaPolicy::seeds();
    assert_eq!(seeds.rules().len(), 6);
    let input = SlaPolicyInput::from(seeds.clone());
    assert_eq!(SlaPolicy::parse(&input), Ok(seeds.clone()));
    let json = serde_json::to_value(&seeds).expect("serialises");
    assert_eq!(
        json["rules"][0],
        serde_json::json!({"severity": 1, "tier": "normal",
                           "response": {"clock": "calendar", "minutes": 120},
                           "resolution": {"clock": "calendar", "minutes": 1440}})
    );
}

#[test]
fn the_most_specific_rule_wins() {
    const DELIVERY_DELAY: CategoryId = CategoryId(4);
    let mut input = SlaPolicyInput::from(SlaPolicy::seeds());
    input.rules.push(rule(2, "normal", Some(4), ("business", 60), ("business", 8 * 60)));
    let policy = SlaPolicy::parse(&input).expect("valid");
    let special = policy.pick(Severity::Level2, Tier::Normal, Some(DELIVERY_DELAY));
    assert_eq!(special.response, SlaTarget::new(ClockKind::Business, 60).expect("valid"));
    // Other categories, other tiers and no category fall back to the general rule.
    let general = targets(Severity::Level2, Tier::Normal);
    assert_eq!(policy.pick(Severity::Level2, Tier::Normal, Some(CategoryId(5))), general);
    assert_eq!(policy.pick(Severity::Level2, Tier::Normal, None), general);
    assert_eq!(policy.pick(Severity::Level2, Tier::Vip, Some(DELIVERY_DELAY)), targets(Severity::Level2, Tier::Vip));
}

#[test]
fn a_policy_with_mistakes_is_refused_with_every_mistake_named() {
    let mut input = SlaPolicyInput::from(SlaPolicy::seeds());
    input.rules.extend([
        rule(4, "normal", None, ("calendar", 60), ("calendar", 60)),
        rule(1, "gold", Some(0), ("weekly", 0), ("calendar", 60)),
        rule(1, "vip", None, ("calendar", 60), ("calendar", 600)),
        rule(2, "vip", Some(7), ("calendar", 120), ("calendar", 60)),
        rule(3, "normal", Some(7), ("business", 60), ("business", 366 * 24 * 60 + 1)),
    ]);
    let errors: Vec<(String, &str)> =
        SlaPolicy::parse(&input).expect_err("invalid").into_iter().map(|e| (e.field, e.code)).collect();
    assert_eq!(
        errors,
        vec![
            ("rules[6].severity".to_owned(), "invalid_severity"),
            ("rules[7].tier".to_owned(), "invalid_tier"),
            ("rules[7].category_id".to_owned(), "invalid_category"),
            ("rules[7].response.clock".to_owned(), "invalid_clock"),
            ("rules[8]".to_owned(), "duplicate_rule"),
            ("rules[9].resolution.minutes".to_owned(), "resolution_before_response"),
            ("rules[10].resolution.minutes".to_owned(), "invalid_target"),
        ]
    );
}

#[test]
fn a_policy_must_cover_every_severity_and_tier_for_all_categories() {
    let mut input = SlaPolicyInput::from(SlaPolicy::seeds());
    input.rules.retain(|r| !(r.severity == 3 && r.tier == "vip"));
    input.rules.push(rule(3, "vip", Some(4), ("business", 60), ("business", 60)));
    let errors = SlaPolicy::parse(&input).expect_err("incomplete");
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].field.as_str(), errors[0].code), ("rules", "missing_rule"));
    assert!(errors[0].message.en.contains("Level 3 VIP"), "{}", errors[0].message.en);
}

#[test]
fn targets_are_whole_minutes_from_one_minute_to_366_days() {
    assert!(SlaTarget::new(ClockKind::Business, 0).is_err());
    assert!(SlaTarget::new(ClockKind::Business, -5).is_err());
    assert!(SlaTarget::new(ClockKind::Calendar, i64::from(SlaTarget::MAX_MINUTES)).is_ok());
    let parsed: SlaTarget = serde_json::from_str(r#"{"clock": "business", "minutes": 240}"#).expect("valid");
    assert_eq!(parsed.length(), Duration::hours(4));
    assert!(serde_json::from_str::<SlaTarget>(r#"{"clock": "business", "minutes": 0}"#).is_err());
}
