//! The business calendar (DESIGN §3): which local days are working days, which hours of them
//! count, and the two primitives every business-time SLA clock is built from —
//! [`BusinessCalendar::add_business_time`] and [`BusinessCalendar::business_time_between`].
//!
//! The calendar is data, never dates in code: weekends are Saturday and Sunday, and each year's
//! statutory holidays (放假) and make-up working days (调休上班) come from a [`CalendarDocument`]
//! the admin can edit. The State Council schedules for 2025 and 2026 ship in
//! `crates/domain/data/holidays-cn.json` ([`BusinessCalendar::china_default`]). A year with no
//! schedule loaded counts Monday–Friday; callers learn that through [`BusinessCalendar::has_year`]
//! and [`BusinessCalendar::covers`] (the SLA layer turns it into `confirmed: false`), so nothing
//! is guessed silently.
//!
//! Times outside are UTC; inside, everything works on local days of one fixed offset (China has
//! no daylight saving, so UTC+8 all year; zones with DST are not supported). Working hours are the
//! same windows on every working day and never cross midnight.
//!
//! Speed matters (issue 4 asks for a million due-time computations per second per core), so each
//! year is precomputed once into a 366-bit mask of working days: adding business time is a
//! few divisions plus a popcount walk over at most six words per year, with no per-day loop and
//! no allocation. Years with no schedule use one of fourteen precomputed Monday–Friday masks.

use crate::error::FieldError;
use crate::validate;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

/// The official State Council schedules shipped with the product (2025 and 2026), as the JSON
/// document the admin edits and `cloop calendar import` reads.
pub const CHINA_SCHEDULES_JSON: &str = include_str!("../data/holidays-cn.json");

/// The years a schedule may be loaded for.
pub const SCHEDULE_YEARS: RangeInclusive<i32> = 1970..=2200;

/// The longest name of a holiday or make-up day, in characters.
const NAME_MAX: usize = 40;

/// Arithmetic stops at the end of this year; due times beyond it saturate to
/// [`DateTime::<Utc>::MAX_UTC`] (no policy allows targets anywhere near that long).
const LAST_YEAR: i64 = 9999;

const NANOS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SEC;

/// China Standard Time, UTC+8, the offset of [`BusinessCalendar::china_default`].
pub fn china_standard_time() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is within ±24 hours")
}

// ---------------------------------------------------------------- the admin's document

/// The editable holiday schedule: per year, the statutory holidays and the make-up working days.
///
/// ```json
/// {"years": {"2026": {"source": "国务院办公厅关于2026年部分节假日安排的通知",
///                     "holidays": [{"date": "2026-01-01", "name": "元旦"}],
///                     "workdays": [{"date": "2026-01-04", "name": "元旦调休上班"}]}}}
/// ```
///
/// It is input: [`BusinessCalendar::new`] checks it and reports every problem as a
/// [`FieldError`] with a path such as `years.2026.holidays[3].date`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarDocument {
    /// The schedule of each year, by year.
    pub years: BTreeMap<i32, YearSchedule>,
}

/// One year's official schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearSchedule {
    /// Where the dates come from (the notice's title), shown to the admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Every day off (放假), including the weekend days inside a holiday span.
    #[serde(default)]
    pub holidays: Vec<NamedDate>,
    /// Weekend days that are working days (调休上班).
    #[serde(default)]
    pub workdays: Vec<NamedDate>,
}

/// A date with the name of the holiday it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedDate {
    /// The local date.
    pub date: NaiveDate,
    /// The holiday's name, e.g. `春节` or `春节调休上班`.
    pub name: String,
}

impl CalendarDocument {
    /// Reads a document from JSON; a syntax or shape error becomes an `invalid_json` field error
    /// on `calendar` carrying the parser's message.
    pub fn from_json(json: &str) -> Result<Self, FieldError> {
        serde_json::from_str(json).map_err(|e| {
            FieldError::new(
                "calendar",
                "invalid_json",
                &format!("节假日文件格式不正确：{e}"),
                &format!("the holiday file is not valid: {e}"),
            )
        })
    }

    /// The document as pretty-printed JSON (what `cloop calendar show` prints and the admin edits).
    pub fn to_json_pretty(&self) -> String {
        // A map of plain strings and dates always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

// ---------------------------------------------------------------- working hours

/// One window of working time in a day, as `HH:MM` local times (`24:00` may end the last one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingWindow {
    /// When the window opens, e.g. `09:00`.
    pub start: String,
    /// When it closes, e.g. `18:00`.
    pub end: String,
}

impl WorkingWindow {
    /// A window from two `HH:MM` strings (checked when [`WorkingHours::parse`] reads it).
    pub fn new(start: &str, end: &str) -> Self {
        Self { start: start.to_owned(), end: end.to_owned() }
    }
}

/// The working time of every working day: one or more ordered, non-overlapping windows, e.g.
/// `09:00–12:00, 13:30–18:00`. Serialised as a list of [`WorkingWindow`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<WorkingWindow>", into = "Vec<WorkingWindow>")]
pub struct WorkingHours {
    /// `(start, end)` in nanoseconds since local midnight, ordered and disjoint.
    windows: Vec<(i64, i64)>,
    /// Sum of the windows, never zero.
    per_day: i64,
}

impl WorkingHours {
    /// The product default: one window, 09:00–18:00 (nine hours; an organisation with a lunch
    /// break configures two windows).
    pub fn standard() -> Self {
        let (s, e) = (9 * 3600 * NANOS_PER_SEC, 18 * 3600 * NANOS_PER_SEC);
        Self { windows: vec![(s, e)], per_day: e - s }
    }

    /// Checks a list of windows: at least one, each `HH:MM` with minutes on the clock, start
    /// before end, in order and not overlapping (touching is fine).
    pub fn parse(windows: &[WorkingWindow]) -> Result<Self, FieldError> {
        if windows.is_empty() {
            return Err(FieldError::new(
                "working_hours",
                "required",
                "至少需要一个工作时段",
                "at least one working window is required",
            ));
        }
        let mut out = Vec::with_capacity(windows.len());
        let mut previous_end = 0;
        for (i, w) in windows.iter().enumerate() {
            let field = format!("working_hours[{i}]");
            let start = parse_clock(&w.start).ok_or_else(|| bad_clock(&format!("{field}.start")))?;
            let end = parse_clock(&w.end).ok_or_else(|| bad_clock(&format!("{field}.end")))?;
            if start >= end {
                return Err(FieldError::new(
                    format!("{field}.end"),
                    "window_not_positive",
                    "工作时段的结束时间必须晚于开始时间",
                    "a working window must end after it starts",
                ));
            }
            if start < previous_end {
                return Err(FieldError::new(
                    format!("{field}.start"),
                    "windows_overlap",
                    "工作时段必须按时间顺序排列且互不重叠",
                    "working windows must be in order and must not overlap",
                ));
            }
            previous_end = end;
            out.push((start, end));
        }
        let per_day = out.iter().map(|(s, e)| e - s).sum();
        Ok(Self { windows: out, per_day })
    }

    /// The windows as `HH:MM` strings.
    pub fn windows(&self) -> Vec<WorkingWindow> {
        self.windows.iter().map(|&(s, e)| WorkingWindow { start: format_clock(s), end: format_clock(e) }).collect()
    }

    /// The working time of one working day.
    pub fn per_day(&self) -> Duration {
        Duration::nanoseconds(self.per_day)
    }

    /// Working time in the day after the local time `t` (nanoseconds since midnight).
    fn after(&self, t: i64) -> i64 {
        self.windows.iter().map(|&(s, e)| (e - s.max(t)).max(0)).sum()
    }

    /// Working time in the day before `t`.
    fn before(&self, t: i64) -> i64 {
        self.windows.iter().map(|&(s, e)| (e.min(t) - s).max(0)).sum()
    }

    /// Whether `t` lies inside a window (start included, end excluded).
    fn contains(&self, t: i64) -> bool {
        self.windows.iter().any(|&(s, e)| s <= t && t < e)
    }

    /// The earliest time of day at which `d` working nanoseconds have passed since `t`.
    /// Requires `0 < d <= self.after(t)`; lands exactly on a window's end when `d` uses it up.
    fn point_after(&self, t: i64, mut d: i64) -> i64 {
        for &(s, e) in &self.windows {
            let from = s.max(t);
            if e <= from {
                continue;
            }
            let available = e - from;
            if d <= available {
                return from + d;
            }
            d -= available;
        }
        // Unreachable under the precondition; the end of the last window is the honest answer.
        self.windows.last().map_or(t, |w| w.1)
    }
}

impl TryFrom<Vec<WorkingWindow>> for WorkingHours {
    type Error = FieldError;

    fn try_from(windows: Vec<WorkingWindow>) -> Result<Self, FieldError> {
        Self::parse(&windows)
    }
}

impl From<WorkingHours> for Vec<WorkingWindow> {
    fn from(hours: WorkingHours) -> Self {
        hours.windows()
    }
}

impl Default for WorkingHours {
    fn default() -> Self {
        Self::standard()
    }
}

/// Parses `HH:MM` (00:00–24:00) into nanoseconds since midnight.
fn parse_clock(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m != 0) {
        return None;
    }
    Some((h * 60 + m) * NANOS_PER_MINUTE)
}

fn format_clock(ns: i64) -> String {
    let minutes = ns / NANOS_PER_MINUTE;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn bad_clock(field: &str) -> FieldError {
    FieldError::new(field, "invalid_time", "时间格式应为 HH:MM（00:00–24:00）", "time must be HH:MM (00:00–24:00)")
}

// ---------------------------------------------------------------- what a day is

/// What kind of day a local date is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary working day (Monday–Friday, no holiday).
    Working,
    /// Saturday or Sunday with nothing scheduled.
    Weekend,
    /// A statutory day off (放假), with the holiday's name.
    Holiday(String),
    /// A weekend day worked instead (调休上班), with the holiday it pays for.
    MakeUpWorkday(String),
}

impl DayKind {
    /// Whether business time runs on this day.
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Working | DayKind::MakeUpWorkday(_))
    }
}

/// The working days of one year, one bit per day from 1 January (bit 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct YearMask([u64; 6]);

impl YearMask {
    /// Monday–Friday for a year whose 1 January falls on `jan1` (0 = Monday) and has `len` days.
    fn weekdays(jan1: i64, len: i64) -> Self {
        let mut bits = [0u64; 6];
        for ordinal in 0..len {
            if (jan1 + ordinal) % 7 < 5 {
                bits[(ordinal / 64) as usize] |= 1 << (ordinal % 64);
            }
        }
        Self(bits)
    }

    fn get(&self, ordinal: i64) -> bool {
        self.0[(ordinal / 64) as usize] >> (ordinal % 64) & 1 == 1
    }

    fn set(&mut self, ordinal: i64, working: bool) {
        let bit = 1u64 << (ordinal % 64);
        let word = &mut self.0[(ordinal / 64) as usize];
        if working {
            *word |= bit;
        } else {
            *word &= !bit;
        }
    }

    /// Working days among ordinals `from..to` (`0 <= from <= to <= 366`).
    fn count(&self, from: i64, to: i64) -> i64 {
        let mut n = 0;
        for (i, &word) in self.0.iter().enumerate() {
            let lo = (i as i64) * 64;
            let (a, b) = (from.max(lo), to.min(lo + 64));
            if a < b {
                n += i64::from((word & bit_range(a - lo, b - lo)).count_ones());
            }
        }
        n
    }

    /// The ordinal of the `n`-th (1-based) working day at or after `from`, if the year has one.
    fn select(&self, from: i64, mut n: i64) -> Option<i64> {
        let first = (from / 64) as usize;
        for (i, &word) in self.0.iter().enumerate().skip(first) {
            let mut w = if i == first { word & bit_range(from % 64, 64) } else { word };
            let ones = i64::from(w.count_ones());
            if n > ones {
                n -= ones;
                continue;
            }
            for _ in 1..n {
                w &= w - 1;
            }
            return Some(i as i64 * 64 + i64::from(w.trailing_zeros()));
        }
        None
    }
}

/// Bits `a..b` of a word (`0 <= a <= b <= 64`).
fn bit_range(a: i64, b: i64) -> u64 {
    let upper = if b >= 64 { u64::MAX } else { (1u64 << b) - 1 };
    let lower = if a >= 64 { u64::MAX } else { (1u64 << a) - 1 };
    upper & !lower
}

// ---------------------------------------------------------------- the calendar

/// A checked business calendar: working hours, a fixed UTC offset, and the working-day mask of
/// every scheduled year. Cheap to share by reference; all queries are pure.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    hours: WorkingHours,
    offset: FixedOffset,
    /// Seconds to add to a UTC timestamp to get local time.
    offset_secs: i64,
    document: CalendarDocument,
    /// First scheduled year; `known[i]` is year `first_year + i`.
    first_year: i64,
    known: Vec<Option<YearMask>>,
    /// Monday–Friday masks by (weekday of 1 January, leap year): index `jan1 + 7 * leap`.
    fallback: [YearMask; 14],
}

impl BusinessCalendar {
    /// Builds a calendar from working hours, the local offset and the holiday document, reporting
    /// every problem in the document: a year outside [`SCHEDULE_YEARS`], a date outside its
    /// year, a date listed twice or as both holiday and workday, a make-up workday that is not a
    /// Saturday or Sunday (almost always a typo), a missing or over-long name.
    pub fn new(hours: WorkingHours, offset: FixedOffset, document: CalendarDocument) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut document = document;
        for &year in document.years.keys().filter(|y| !SCHEDULE_YEARS.contains(y)) {
            let (lo, hi) = (SCHEDULE_YEARS.start(), SCHEDULE_YEARS.end());
            errors.push(FieldError::new(
                format!("years.{year}"),
                "year_out_of_range",
                &format!("年份必须在 {lo} 到 {hi} 之间"),
                &format!("the year must be between {lo} and {hi}"),
            ));
        }
        let mut calendar = Self::empty(hours, offset);
        let mut valid = document.years.iter_mut().filter(|(y, _)| SCHEDULE_YEARS.contains(y)).peekable();
        let first_year = valid.peek().map_or(2000, |(y, _)| i64::from(**y));
        calendar.first_year = first_year;
        for (&year, schedule) in valid {
            let field = format!("years.{year}");
            let year = i64::from(year);
            let mut mask = *calendar.mask(year);
            let start = year_start(year);
            let mut seen = BTreeSet::new();
            for (list, working) in [(&mut schedule.holidays, false), (&mut schedule.workdays, true)] {
                let list_name = if working { "workdays" } else { "holidays" };
                for (i, day) in list.iter_mut().enumerate() {
                    let at = format!("{field}.{list_name}[{i}]");
                    match validate::required_text(&format!("{at}.name"), &day.name, NAME_MAX) {
                        Ok(name) => day.name = name,
                        Err(e) => errors.push(e),
                    }
                    if i64::from(day.date.year()) != year {
                        errors.push(FieldError::new(
                            format!("{at}.date"),
                            "date_outside_year",
                            &format!("日期 {} 不属于 {year} 年", day.date),
                            &format!("{} is not in {year}", day.date),
                        ));
                    } else if !seen.insert(day.date) {
                        errors.push(FieldError::new(
                            format!("{at}.date"),
                            "duplicate_date",
                            &format!("日期 {} 重复出现（或同时是放假日和调休上班日）", day.date),
                            &format!("{} is listed twice (or as both a holiday and a workday)", day.date),
                        ));
                    } else if working && !matches!(day.date.weekday(), Weekday::Sat | Weekday::Sun) {
                        errors.push(FieldError::new(
                            format!("{at}.date"),
                            "workday_not_weekend",
                            &format!("调休上班日 {} 不是周六或周日", day.date),
                            &format!("make-up workday {} is not a Saturday or Sunday", day.date),
                        ));
                    } else {
                        mask.set(day_number(day.date) - start, working);
                    }
                }
                // Sorted only now, so that error paths point at the admin's own positions.
                list.sort_by_key(|d| d.date);
            }
            // Years are visited in ascending order, so the slot is always the next or a later one.
            let index = (year - first_year) as usize;
            calendar.known.resize(index + 1, None);
            calendar.known[index] = Some(mask);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        calendar.document = document;
        Ok(calendar)
    }

    /// The shipped calendar: 09:00–18:00 China Standard Time with the State Council schedules
    /// for 2025 and 2026 ([`CHINA_SCHEDULES_JSON`]).
    pub fn china_default() -> Self {
        // The shipped file is checked by the tests; should it ever be broken the product still
        // runs, on Monday–Friday with every deadline unconfirmed, rather than panicking.
        CalendarDocument::from_json(CHINA_SCHEDULES_JSON)
            .ok()
            .and_then(|doc| Self::new(WorkingHours::standard(), china_standard_time(), doc).ok())
            .unwrap_or_else(|| Self::empty(WorkingHours::standard(), china_standard_time()))
    }

    /// A calendar with no schedule at all: Monday–Friday everywhere.
    fn empty(hours: WorkingHours, offset: FixedOffset) -> Self {
        let mut fallback = [YearMask([0; 6]); 14];
        for (i, mask) in fallback.iter_mut().enumerate() {
            *mask = YearMask::weekdays(i as i64 % 7, if i >= 7 { 366 } else { 365 });
        }
        Self {
            hours,
            offset_secs: i64::from(offset.local_minus_utc()),
            offset,
            document: CalendarDocument::default(),
            first_year: 2000,
            known: Vec::new(),
            fallback,
        }
    }

    /// The working hours of every working day.
    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    /// The local offset from UTC.
    pub fn utc_offset(&self) -> FixedOffset {
        self.offset
    }

    /// The checked document, each year's lists sorted by date.
    pub fn document(&self) -> &CalendarDocument {
        &self.document
    }

    /// Whether an official schedule is loaded for `year`.
    pub fn has_year(&self, year: i32) -> bool {
        self.known_mask(i64::from(year)).is_some()
    }

    /// The years with a schedule, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.document.years.keys().copied()
    }

    /// Whether every local year from `from`'s to `to`'s has a schedule, i.e. whether business
    /// time between them is counted on official dates rather than Monday–Friday.
    pub fn covers(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        let (a, b) = (self.to_local(from.min(to)).day, self.to_local(from.max(to)).day);
        let (ya, yb) = (year_of_day(a), year_of_day(b));
        (ya..=yb).all(|y| self.known_mask(y).is_some())
    }

    /// The local date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        date_of_day(self.to_local(at).day)
    }

    /// What kind of day `date` is. Years without a schedule only know working days and weekends.
    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        if let Some(schedule) = self.document.years.get(&date.year()) {
            if let Some(d) = schedule.holidays.iter().find(|d| d.date == date) {
                return DayKind::Holiday(d.name.clone());
            }
            if let Some(d) = schedule.workdays.iter().find(|d| d.date == date) {
                return DayKind::MakeUpWorkday(d.name.clone());
            }
        }
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) { DayKind::Weekend } else { DayKind::Working }
    }

    /// Whether business time runs on `date` (the fast path of [`Self::day_kind`]).
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.working(day_number(date))
    }

    /// Whether `at` falls inside a working window of a working day (a window's start counts, its
    /// end does not).
    pub fn is_working_time(&self, at: DateTime<Utc>) -> bool {
        let l = self.to_local(at);
        self.working(l.day) && self.hours.contains(l.ns)
    }

    /// The earliest instant at which `amount` of business time has passed since `start`. A
    /// result that uses up a window exactly is that window's end (18:00), not the next morning;
    /// a zero or negative amount gives `start`. Saturates at [`DateTime::<Utc>::MAX_UTC`] past
    /// the year 9999.
    pub fn add_business_time(&self, start: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        let d = amount.num_nanoseconds().unwrap_or(i64::MAX);
        self.add_business_nanos(start, d)
    }

    /// The business time between `a` and `b`: the working windows of working days inside
    /// `[a, b]`. Zero when `b` is not after `a`; saturates beyond about 292 years.
    pub fn business_time_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        Duration::nanoseconds(self.between_nanos(a, b))
    }

    // ------------------------------------------------------------ the arithmetic

    pub(crate) fn add_business_nanos(&self, start: DateTime<Utc>, mut d: i64) -> DateTime<Utc> {
        if d <= 0 {
            return start;
        }
        let l = self.to_local(start);
        if self.working(l.day) {
            let rest_of_today = self.hours.after(l.ns);
            if d <= rest_of_today {
                return self.instant_at(l.day, self.hours.point_after(l.ns, d));
            }
            d -= rest_of_today;
        }
        // Whole working days before the last one, and what is left for the last one (never 0).
        let per_day = self.hours.per_day;
        let whole = (d - 1) / per_day;
        let last = d - whole * per_day;
        match self.nth_working_day_after(l.day, whole + 1) {
            Some(day) => self.instant_at(day, self.hours.point_after(0, last)),
            None => DateTime::<Utc>::MAX_UTC,
        }
    }

    pub(crate) fn between_nanos(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        let (la, lb) = (self.to_local(a), self.to_local(b));
        if la.day == lb.day {
            return if self.working(la.day) { self.hours.before(lb.ns) - self.hours.before(la.ns) } else { 0 };
        }
        let head = if self.working(la.day) { self.hours.after(la.ns) } else { 0 };
        let tail = if self.working(lb.day) { self.hours.before(lb.ns) } else { 0 };
        let middle = self.count_working_days(la.day + 1, lb.day).saturating_mul(self.hours.per_day);
        head.saturating_add(middle).saturating_add(tail)
    }

    /// The `n`-th (n ≥ 1) working day strictly after `day`, or `None` past [`LAST_YEAR`].
    fn nth_working_day_after(&self, day: i64, mut n: i64) -> Option<i64> {
        let first = day + 1;
        let mut year = year_of_day(first);
        let mut start = year_start(year);
        let mut from = first - start;
        while year <= LAST_YEAR {
            let mask = self.mask(year);
            let next_start = year_start(year + 1);
            let available = mask.count(from, next_start - start);
            if n <= available {
                return mask.select(from, n).map(|ordinal| start + ordinal);
            }
            n -= available;
            year += 1;
            start = next_start;
            from = 0;
        }
        None
    }

    /// Working days among local days `from..to`.
    fn count_working_days(&self, from: i64, to: i64) -> i64 {
        let mut n = 0;
        let mut day = from;
        while day < to {
            let year = year_of_day(day);
            let start = year_start(year);
            let end = year_start(year + 1).min(to);
            n += self.mask(year).count(day - start, end - start);
            day = end;
        }
        n
    }

    fn working(&self, day: i64) -> bool {
        let year = year_of_day(day);
        self.mask(year).get(day - year_start(year))
    }

    fn known_mask(&self, year: i64) -> Option<&YearMask> {
        let i = usize::try_from(year - self.first_year).ok()?;
        self.known.get(i)?.as_ref()
    }

    fn mask(&self, year: i64) -> &YearMask {
        self.known_mask(year).unwrap_or(&self.fallback[fallback_index(year)])
    }

    fn to_local(&self, at: DateTime<Utc>) -> Local {
        let secs = at.timestamp() + self.offset_secs;
        // chrono represents a leap second as nanos ≥ 1e9; it counts as the second before.
        let nanos = i64::from(at.timestamp_subsec_nanos().min(999_999_999));
        Local { day: secs.div_euclid(SECS_PER_DAY), ns: secs.rem_euclid(SECS_PER_DAY) * NANOS_PER_SEC + nanos }
    }

    /// The instant `ns` nanoseconds (up to a whole day) after local midnight of `day`.
    fn instant_at(&self, day: i64, ns: i64) -> DateTime<Utc> {
        let secs = day * SECS_PER_DAY + ns.div_euclid(NANOS_PER_SEC) - self.offset_secs;
        let nanos = ns.rem_euclid(NANOS_PER_SEC) as u32;
        DateTime::from_timestamp(secs, nanos).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// A local instant: day number (days since 1970-01-01) and nanoseconds since that midnight.
#[derive(Debug, Clone, Copy)]
struct Local {
    day: i64,
    ns: i64,
}

// ---------------------------------------------------------------- civil-date arithmetic
// Days since 1970-01-01 from a proleptic Gregorian date and back, after Howard Hinnant's
// public-domain `days_from_civil` / `civil_from_days`: integer-only, valid for any year.

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn year_of_day(day: i64) -> i64 {
    civil_from_days(day).0
}

fn year_start(year: i64) -> i64 {
    days_from_civil(year, 1, 1)
}

fn day_number(date: NaiveDate) -> i64 {
    days_from_civil(i64::from(date.year()), i64::from(date.month()), i64::from(date.day()))
}

fn date_of_day(day: i64) -> NaiveDate {
    let (y, m, d) = civil_from_days(day);
    i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, m as u32, d as u32)).unwrap_or(if day < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// Index into the Monday–Friday masks: weekday of 1 January (0 = Monday) plus 7 for leap years.
fn fallback_index(year: i64) -> usize {
    let jan1 = (year_start(year) + 3).rem_euclid(7);
    let leap = year_start(year + 1) - year_start(year) == 366;
    (jan1 + if leap { 7 } else { 0 }) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    const NANOS_PER_DAY: i64 = SECS_PER_DAY * NANOS_PER_SEC;

    #[test]
    fn day_numbers_agree_with_chrono() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let mut date = NaiveDate::from_ymd_opt(1899, 12, 25).unwrap_or_default();
        while date.year() < 2105 {
            let n = day_number(date);
            assert_eq!(n, (date - epoch).num_days(), "{date}");
            assert_eq!(date_of_day(n), date);
            date = date.succ_opt().unwrap_or_default();
        }
    }

    #[test]
    fn weekday_masks_match_the_weekdays_of_every_year() {
        let cal = BusinessCalendar::empty(WorkingHours::standard(), china_standard_time());
        for year in 1990..2110 {
            let mut date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
            while date.year() == year {
                let weekday = !matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
                assert_eq!(cal.is_working_day(date), weekday, "{date}");
                date = date.succ_opt().unwrap_or_default();
            }
        }
    }

    #[test]
    fn select_finds_the_nth_working_day_across_word_boundaries() {
        let mask = YearMask::weekdays(0, 366);
        let days: Vec<i64> = (0..366).filter(|&o| mask.get(o)).collect();
        for from in [0, 1, 60, 63, 64, 65, 127, 128, 300, 365] {
            let after: Vec<i64> = days.iter().copied().filter(|&o| o >= from).collect();
            assert_eq!(mask.count(from, 366), after.len() as i64);
            for (k, &o) in after.iter().enumerate() {
                assert_eq!(mask.select(from, k as i64 + 1), Some(o));
            }
            assert_eq!(mask.select(from, after.len() as i64 + 1), None);
        }
    }

    #[test]
    fn clock_strings_parse_and_print() {
        assert_eq!(parse_clock("09:00"), Some(9 * 3600 * NANOS_PER_SEC));
        assert_eq!(parse_clock("24:00"), Some(NANOS_PER_DAY));
        for bad in ["9:00", "24:01", "12:60", "ab:cd", "", "12"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
        assert_eq!(format_clock(13 * 3600 * NANOS_PER_SEC + 30 * NANOS_PER_MINUTE), "13:30");
    }
}
