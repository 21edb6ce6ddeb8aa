//! The business calendar and the deadline arithmetic under test: the shipped 2025–2026 State
//! Council schedules day by day, the checks on an admin's holiday document, and property tests
//! of the fast arithmetic against a slow day-by-day reference and against the rules DESIGN §3
//! promises — monotone in the target, never due in non-working time, the business time up to the
//! due time equals the target, a pause costs exactly the time it held the clock, deadline ≥ start.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc, Weekday};
use cloop_domain::calendar::*;
use cloop_domain::sla::{self, ClockKind, Pause, SlaTarget};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

fn weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

// ---------------------------------------------------------------- the shipped schedules

/// The State Council notices for 2025 and 2026, restated by hand: (first, last, name) of each
/// holiday span, then the make-up working days.
/// A date as (year, month, day).
type Ymd = (i32, u32, u32);

const HOLIDAYS: &[(Ymd, Ymd, &str)] = &[
    ((2025, 1, 1), (2025, 1, 1), "元旦"),
    ((2025, 1, 28), (2025, 2, 4), "春节"),
    ((2025, 4, 4), (2025, 4, 6), "清明节"),
    ((2025, 5, 1), (2025, 5, 5), "劳动节"),
    ((2025, 5, 31), (2025, 6, 2), "端午节"),
    ((2025, 10, 1), (2025, 10, 8), "国庆节、中秋节"),
    ((2026, 1, 1), (2026, 1, 3), "元旦"),
    ((2026, 2, 15), (2026, 2, 23), "春节"),
    ((2026, 4, 4), (2026, 4, 6), "清明节"),
    ((2026, 5, 1), (2026, 5, 5), "劳动节"),
    ((2026, 6, 19), (2026, 6, 21), "端午节"),
    ((2026, 9, 25), (2026, 9, 27), "中秋节"),
    ((2026, 10, 1), (2026, 10, 7), "国庆节"),
];

const MAKE_UP_DAYS: &[Ymd] = &[
    (2025, 1, 26),
    (2025, 2, 8),
    (2025, 4, 27),
    (2025, 9, 28),
    (2025, 10, 11),
    (2026, 1, 4),
    (2026, 2, 14),
    (2026, 2, 28),
    (2026, 5, 9),
    (2026, 9, 20),
    (2026, 10, 10),
];

#[test]
fn the_shipped_calendar_holds_2025_and_2026_only() {
    let cal = BusinessCalendar::china_default();
    assert_eq!(cal.years().collect::<Vec<_>>(), vec![2025, 2026]);
    assert!(!cal.has_year(2024) && !cal.has_year(2027));
    assert_eq!(cal.utc_offset(), china_standard_time());
    assert_eq!(cal.hours().per_day(), Duration::hours(9));
    let doc = CalendarDocument::from_json(CHINA_SCHEDULES_JSON).expect("shipped file parses");
    assert_eq!(doc.years[&2025].holidays.len(), 28);
    assert_eq!(doc.years[&2026].holidays.len(), 33);
    assert!(BusinessCalendar::new(WorkingHours::standard(), china_standard_time(), doc).is_ok());
}

#[test]
fn every_day_of_2025_and_2026_matches_the_state_council_notices() {
    let cal = BusinessCalendar::china_default();
    for day in days(date(2025, 1, 1), date(2026, 12, 31)) {
        let holiday = HOLIDAYS
            .iter()
            .find(|((y1, m1, d1), (y2, m2, d2), _)| day >= date(*y1, *m1, *d1) && day <= date(*y2, *m2, *d2));
        let make_up = MAKE_UP_DAYS.iter().any(|&(y, m, d)| day == date(y, m, d));
        let kind = cal.day_kind(day);
        match (holiday, make_up) {
            (Some((_, _, name)), _) => assert_eq!(kind, DayKind::Holiday((*name).to_owned()), "{day}"),
            (None, true) => {
                assert!(weekend(day), "make-up day {day} is a weekend day");
                assert!(matches!(kind, DayKind::MakeUpWorkday(ref n) if n.ends_with("调休上班")), "{day}: {kind:?}");
            }
            (None, false) if weekend(day) => assert_eq!(kind, DayKind::Weekend, "{day}"),
            (None, false) => assert_eq!(kind, DayKind::Working, "{day}"),
        }
        assert_eq!(cal.is_working_day(day), kind.is_working(), "{day}");
    }
}

#[test]
fn years_without_a_schedule_count_monday_to_friday() {
    let cal = BusinessCalendar::china_default();
    // 1 January and the Spring Festival of 2027 are not loaded: plain weekdays.
    assert_eq!(cal.day_kind(date(2027, 1, 1)), DayKind::Working);
    assert_eq!(cal.day_kind(date(2027, 1, 2)), DayKind::Weekend);
    assert_eq!(cal.day_kind(date(2024, 10, 1)), DayKind::Working);
    for day in days(date(2027, 1, 1), date(2028, 12, 31)) {
        assert_eq!(cal.is_working_day(day), !weekend(day), "{day}");
    }
}

#[test]
fn the_document_round_trips_through_json() {
    let cal = BusinessCalendar::china_default();
    let json = cal.document().to_json_pretty();
    assert_eq!(&CalendarDocument::from_json(&json).expect("parses"), cal.document());
}

// ---------------------------------------------------------------- checking the admin's input

fn errors_of(json: &str) -> Vec<(String, &'static str)> {
    let doc = CalendarDocument::from_json(json).expect("well-formed JSON");
    match BusinessCalendar::new(WorkingHours::standard(), china_standard_time(), doc) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

#[test]
fn a_holiday_document_with_mistakes_is_refused_with_every_mistake_named() {
    let errors = errors_of(
        r#"{"years": {"2027": {
            "holidays": [{"date": "2027-02-06", "name": "春节"}, {"date": "2026-12-31", "name": "元旦"},
                         {"date": "2027-02-06", "name": "春节"}, {"date": "2027-02-07", "name": " "}],
            "workdays": [{"date": "2027-02-08", "name": "春节调休上班"}, {"date": "2027-02-07", "name": "春节调休上班"}]
        }, "1900": {}}}"#,
    );
    assert_eq!(
        errors,
        vec![
            ("years.1900".to_owned(), "year_out_of_range"),
            ("years.2027.holidays[1].date".to_owned(), "date_outside_year"),
            ("years.2027.holidays[2].date".to_owned(), "duplicate_date"),
            ("years.2027.holidays[3].name".to_owned(), "required"),
            ("years.2027.workdays[0].date".to_owned(), "workday_not_weekend"),
            ("years.2027.workdays[1].date".to_owned(), "duplicate_date"),
        ]
    );
}

#[test]
fn an_unknown_field_or_a_bad_date_is_a_json_error() {
    for json in [
        r#"{"years": {"2027": {"holiday": []}}}"#,
        r#"{"years": {"2027": {"holidays": [{"date": "2027-02-30", "name": "x"}]}}}"#,
        r#"{"years": {"next": {}}}"#,
    ] {
        let e = CalendarDocument::from_json(json).expect_err(json);
        assert_eq!((e.field.as_str(), e.code), ("calendar", "invalid_json"));
    }
}

#[test]
fn an_admin_can_add_2027_and_its_deadlines_become_confirmed() {
    let mut doc = BusinessCalendar::china_default().document().clone();
    doc.years.insert(2027, YearSchedule::default());
    let cal = BusinessCalendar::new(WorkingHours::standard(), china_standard_time(), doc).expect("valid");
    assert!(cal.has_year(2027));
    let start = Utc.with_ymd_and_hms(2027, 3, 1, 2, 0, 0).single().expect("valid");
    let target = SlaTarget::new(ClockKind::Business, 60).expect("valid");
    assert!(sla::deadline(start, target, &cal, &[]).confirmed);
}

#[test]
fn working_hours_are_checked_and_round_trip() {
    let lunch = WorkingHours::parse(&[WorkingWindow::new("09:00", "12:00"), WorkingWindow::new("13:30", "18:00")])
        .expect("valid");
    assert_eq!(lunch.per_day(), Duration::minutes(7 * 60 + 30));
    let json = serde_json::to_string(&lunch).expect("serialises");
    assert_eq!(json, r#"[{"start":"09:00","end":"12:00"},{"start":"13:30","end":"18:00"}]"#);
    assert_eq!(serde_json::from_str::<WorkingHours>(&json).expect("parses"), lunch);

    let code = |w: &[WorkingWindow]| WorkingHours::parse(w).map(|_| ()).map_err(|e| (e.field, e.code));
    assert_eq!(code(&[]), Err(("working_hours".to_owned(), "required")));
    assert_eq!(
        code(&[WorkingWindow::new("9:00", "18:00")]),
        Err(("working_hours[0].start".to_owned(), "invalid_time"))
    );
    assert_eq!(
        code(&[WorkingWindow::new("18:00", "09:00")]),
        Err(("working_hours[0].end".to_owned(), "window_not_positive"))
    );
    assert_eq!(
        code(&[WorkingWindow::new("09:00", "13:00"), WorkingWindow::new("12:00", "18:00")]),
        Err(("working_hours[1].start".to_owned(), "windows_overlap"))
    );
    assert_eq!(code(&[WorkingWindow::new("00:00", "24:00")]), Ok(()));
}

// ---------------------------------------------------------------- the calendars under test

/// Four calendars on the shipped schedules: the default day in Beijing; a lunch break; a
/// 24-hour working day (windows touching midnight); and an offset west of UTC with minutes.
fn calendars() -> Vec<BusinessCalendar> {
    let doc = BusinessCalendar::china_default().document().clone();
    let hours = |w: &[(&str, &str)]| {
        WorkingHours::parse(&w.iter().map(|(s, e)| WorkingWindow::new(s, e)).collect::<Vec<_>>()).expect("valid")
    };
    let offset = |secs| FixedOffset::east_opt(secs).expect("valid");
    vec![
        BusinessCalendar::china_default(),
        BusinessCalendar::new(hours(&[("09:00", "12:00"), ("13:30", "18:00")]), china_standard_time(), doc.clone())
            .expect("valid"),
        BusinessCalendar::new(hours(&[("00:00", "08:00"), ("08:00", "24:00")]), china_standard_time(), doc.clone())
            .expect("valid"),
        BusinessCalendar::new(hours(&[("08:15", "11:45"), ("12:30", "17:10")]), offset(-(5 * 3600 + 30 * 60)), doc)
            .expect("valid"),
    ]
}

/// The slow reference: walk local days one by one, asking `day_kind` (which reads the document,
/// not the bit masks) and walking the windows.
fn reference_add(cal: &BusinessCalendar, start: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
    if amount <= Duration::zero() {
        return start;
    }
    let offset = cal.utc_offset();
    let local = start.with_timezone(&offset);
    let mut day = local.date_naive();
    let mut left = amount;
    let windows: Vec<(Duration, Duration)> =
        cal.hours().windows().iter().map(|w| (clock(&w.start), clock(&w.end))).collect();
    let midnight = |d: NaiveDate| offset.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("valid")).unwrap().to_utc();
    loop {
        if cal.day_kind(day).is_working() {
            for &(s, e) in &windows {
                let from = (midnight(day) + s).max(start);
                let to = midnight(day) + e;
                if to <= from {
                    continue;
                }
                if left <= to - from {
                    return from + left;
                }
                left -= to - from;
            }
        }
        day = day.succ_opt().expect("in range");
    }
}

fn reference_between(cal: &BusinessCalendar, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
    let offset = cal.utc_offset();
    let mut total = Duration::zero();
    let mut day = a.with_timezone(&offset).date_naive();
    let midnight = |d: NaiveDate| offset.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("valid")).unwrap().to_utc();
    while midnight(day) < b {
        if cal.day_kind(day).is_working() {
            for w in cal.hours().windows() {
                let from = (midnight(day) + clock(&w.start)).max(a);
                let to = (midnight(day) + clock(&w.end)).min(b);
                if to > from {
                    total += to - from;
                }
            }
        }
        day = day.succ_opt().expect("in range");
    }
    total
}

fn clock(hhmm: &str) -> Duration {
    let (h, m) = hhmm.split_once(':').expect("HH:MM");
    Duration::hours(h.parse().expect("hours")) + Duration::minutes(m.parse().expect("minutes"))
}

// ---------------------------------------------------------------- generators

/// Instants from October 2024 to mid-2027 (both sides of the shipped years), with sub-second
/// parts sometimes and on exact window edges often.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let base = Utc.with_ymd_and_hms(2024, 10, 1, 0, 0, 0).single().expect("valid");
    prop_oneof![
        (0i64..1000 * 86_400, 0u32..1_000_000_000)
            .prop_map(move |(s, n)| base + Duration::seconds(s) + Duration::nanoseconds(i64::from(n))),
        (0i64..1000 * 96).prop_map(move |q| base + Duration::minutes(q * 15)),
    ]
}

/// Durations from 1 ns to 60 days, whole minutes more often than not.
fn amount() -> impl Strategy<Value = Duration> {
    prop_oneof![
        (1i64..60 * 24 * 60).prop_map(Duration::minutes),
        (1i64..60 * 86_400 * 1_000_000_000).prop_map(Duration::nanoseconds),
    ]
}

fn target() -> impl Strategy<Value = SlaTarget> {
    (prop_oneof![Just(ClockKind::Calendar), Just(ClockKind::Business)], 1i64..=40 * 24 * 60)
        .prop_map(|(clock, minutes)| SlaTarget::new(clock, minutes).expect("in range"))
}

fn lands_in_working_time(cal: &BusinessCalendar, at: DateTime<Utc>) -> bool {
    cal.is_working_time(at) || cal.is_working_time(at - Duration::nanoseconds(1))
}

fn due(start: DateTime<Utc>, target: SlaTarget, cal: &BusinessCalendar, pauses: &[Pause]) -> DateTime<Utc> {
    sla::deadline(start, target, cal, pauses).due_at.expect("no open pause")
}

fn years_loaded(cal: &BusinessCalendar, a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    (cal.local_date(a).year()..=cal.local_date(b).year()).all(|y| cal.has_year(y))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn adding_business_time_agrees_with_the_day_by_day_reference(
        which in 0usize..4, start in instant(), d in amount()
    ) {
        let cal = &calendars()[which];
        prop_assert_eq!(cal.add_business_time(start, d), reference_add(cal, start, d));
    }

    #[test]
    fn business_time_between_agrees_with_the_day_by_day_reference(
        which in 0usize..4, a in instant(), b in instant()
    ) {
        let cal = &calendars()[which];
        let expected = if b > a { reference_between(cal, a, b) } else { Duration::zero() };
        prop_assert_eq!(cal.business_time_between(a, b), expected);
    }

    #[test]
    fn business_time_up_to_the_due_time_is_the_target_and_lands_in_working_time(
        which in 0usize..4, start in instant(), d in amount()
    ) {
        let cal = &calendars()[which];
        let due = cal.add_business_time(start, d);
        prop_assert!(due > start);
        prop_assert_eq!(cal.business_time_between(start, due), d);
        prop_assert!(lands_in_working_time(cal, due), "{} is outside working time", due);
        // It is the earliest such instant: a nanosecond earlier the target is not yet used up.
        prop_assert!(cal.business_time_between(start, due - Duration::nanoseconds(1)) < d);
    }

    #[test]
    fn a_longer_target_is_never_due_earlier(
        which in 0usize..4, start in instant(), a in target(), extra in 0i64..10 * 24 * 60
    ) {
        let cal = &calendars()[which];
        let b = SlaTarget::new(a.clock(), i64::from(a.minutes()) + extra).expect("in range");
        prop_assert!(due(start, b, cal, &[]) >= due(start, a, cal, &[]));
    }

    #[test]
    fn a_deadline_is_never_before_its_start_and_is_confirmed_only_on_loaded_years(
        which in 0usize..4, start in instant(), t in target(),
        pauses in prop::collection::vec((0i64..30 * 86_400, 0i64..5 * 86_400), 0..4)
    ) {
        let cal = &calendars()[which];
        let pauses: Vec<Pause> = pauses
            .iter()
            .map(|&(off, len)| (start + Duration::seconds(off), Some(start + Duration::seconds(off + len))))
            .collect();
        let deadline = sla::deadline(start, t, cal, &pauses);
        let at = deadline.due_at.expect("all pauses closed");
        let least = if t.clock() == ClockKind::Calendar { t.length() } else { Duration::zero() };
        prop_assert!(at >= start + least);
        let expected = t.clock() == ClockKind::Calendar || years_loaded(cal, start, at);
        prop_assert_eq!(deadline.confirmed, expected);
        if t.clock() == ClockKind::Business {
            prop_assert!(lands_in_working_time(cal, at));
        }
        // The order pauses come in does not matter.
        let reversed: Vec<Pause> = pauses.iter().rev().copied().collect();
        prop_assert_eq!(sla::deadline(start, t, cal, &reversed), deadline);
        // At the due time exactly the whole target is used.
        prop_assert_eq!(sla::elapsed(start, at, t.clock(), cal, &pauses), t.length());
        prop_assert!((sla::elapsed_share(start, at, t, cal, &pauses) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_pause_costs_exactly_the_time_it_held_the_clock(
        which in 0usize..4, start in instant(), t in target(),
        into in 0.0f64..1.0, length in 1i64..10 * 86_400
    ) {
        let cal = &calendars()[which];
        let unpaused = due(start, t, cal, &[]);
        // The pause starts somewhere before the unpaused due time.
        let offset = ((unpaused - start).num_seconds() as f64 * into) as i64;
        let (paused, resumed) = (start + Duration::seconds(offset), start + Duration::seconds(offset + length));
        prop_assume!(paused < unpaused);
        let with_pause = due(start, t, cal, &[(paused, Some(resumed))]);
        match t.clock() {
            ClockKind::Calendar => prop_assert_eq!(with_pause, unpaused + (resumed - paused)),
            ClockKind::Business => {
                let held = cal.business_time_between(paused, resumed);
                prop_assert_eq!(with_pause, cal.add_business_time(start, t.length() + held));
                prop_assert_eq!(cal.business_time_between(start, with_pause) - held, t.length());
            }
        }
        // Still waiting on the customer: no due time, and the share used stands still.
        let open = sla::deadline(start, t, cal, &[(paused, None)]);
        prop_assert_eq!(open.due_at, None);
        let frozen = sla::elapsed_share(start, paused, t, cal, &[]);
        prop_assert_eq!(sla::elapsed_share(start, paused + Duration::days(40), t, cal, &[(paused, None)]), frozen);
        prop_assert!(frozen < 1.0);
    }

    #[test]
    fn a_pause_after_the_due_time_changes_nothing(
        which in 0usize..4, start in instant(), t in target(), after in 0i64..86_400, length in 1i64..86_400
    ) {
        let cal = &calendars()[which];
        let unpaused = due(start, t, cal, &[]);
        let paused = unpaused + Duration::seconds(after);
        let pauses = [(paused, Some(paused + Duration::seconds(length))), (paused + Duration::days(2), None)];
        prop_assert_eq!(due(start, t, cal, &pauses), unpaused);
    }

    #[test]
    fn pauses_before_the_start_and_overlapping_pauses_count_once(
        start in instant(), t in target(), a in 0i64..86_400, b in 0i64..86_400, c in 1i64..86_400
    ) {
        let cal = BusinessCalendar::china_default();
        let (from, to) = (start + Duration::seconds(a.min(b)), start + Duration::seconds(a.max(b) + c));
        let whole = [(from, Some(to))];
        let pieces = [
            (start - Duration::days(3), Some(start - Duration::days(2))),
            (start - Duration::hours(1), Some(start)),
            (from, Some(to - Duration::seconds(c / 2 + 1))),
            (from + Duration::seconds(c / 3), Some(to)),
        ];
        prop_assert_eq!(sla::deadline(start, t, &cal, &pieces), sla::deadline(start, t, &cal, &whole));
    }
}

#[test]
fn due_times_past_the_year_9999_saturate_instead_of_panicking() {
    let cal = BusinessCalendar::china_default();
    let start = Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).single().expect("valid");
    assert_eq!(cal.add_business_time(start, Duration::days(30)), DateTime::<Utc>::MAX_UTC);
    assert!(cal.add_business_time(DateTime::<Utc>::MIN_UTC, Duration::hours(1)) > DateTime::<Utc>::MIN_UTC);
}
