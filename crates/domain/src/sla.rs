//! SLA clocks (DESIGN §3): the targets a policy sets for a complaint's first response and
//! resolution, and the deadline arithmetic — when a target falls due, how much of it is used at a
//! given moment — as pure functions of (start, target, calendar, pauses).
//!
//! A target runs on one of two clocks ([`ClockKind`]): wall-clock time, or business time on a
//! [`BusinessCalendar`]. The clock stops while the complaint waits on the customer
//! (`awaiting_customer`): a pause pushes the deadline by the time it held the clock, measured on
//! the target's own clock, so a pause over a weekend costs a business-time target nothing.
//!
//! The due time is the most trusted number in the product; `tests/calendar_props.rs` and
//! `tests/sla.rs` check it with property tests and hand-worked examples.

use crate::calendar::BusinessCalendar;
use crate::error::FieldError;
use crate::ids::CategoryId;
use crate::model::{Severity, Tier};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const NANOS_PER_MINUTE: i64 = 60_000_000_000;

/// A stretch during which the clock stood still: from the first instant to the second, or still
/// stopped when the second is `None` (the complaint is waiting on the customer now). Pauses may
/// come in any order and overlap; parts before the clock's start and empty or inverted pauses
/// are ignored.
pub type Pause = (DateTime<Utc>, Option<DateTime<Utc>>);

// ---------------------------------------------------------------- targets

/// Which time a target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// Wall-clock time, nights and holidays included (自然时间): level-1 safety cases.
    Calendar,
    /// Working hours of working days only (工作时间), per the business calendar.
    Business,
}

impl ClockKind {
    /// The stable code used in the API and the database.
    pub fn code(self) -> &'static str {
        match self {
            ClockKind::Calendar => "calendar",
            ClockKind::Business => "business",
        }
    }

    /// Parses the stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "calendar" => Some(ClockKind::Calendar),
            "business" => Some(ClockKind::Business),
            _ => None,
        }
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            ClockKind::Calendar => "自然时间",
            ClockKind::Business => "工作时间",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            ClockKind::Calendar => "Calendar time",
            ClockKind::Business => "Business time",
        }
    }
}

/// A checked SLA target: a whole number of minutes (1 minute to 366 days) on one clock.
/// Serialised as `{"clock": "business", "minutes": 240}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "SlaTargetInput", into = "SlaTargetInput")]
pub struct SlaTarget {
    clock: ClockKind,
    minutes: u32,
}

impl SlaTarget {
    /// The longest target allowed, in minutes (366 days).
    pub const MAX_MINUTES: u32 = 366 * 24 * 60;

    /// A target of `minutes` on `clock`; errors name the field `minutes`.
    pub fn new(clock: ClockKind, minutes: i64) -> Result<Self, FieldError> {
        match u32::try_from(minutes) {
            Ok(m) if (1..=Self::MAX_MINUTES).contains(&m) => Ok(Self { clock, minutes: m }),
            _ => Err(FieldError::new(
                "minutes",
                "invalid_target",
                &format!("时限必须在 1 到 {} 分钟之间", Self::MAX_MINUTES),
                &format!("the target must be between 1 and {} minutes", Self::MAX_MINUTES),
            )),
        }
    }

    /// The clock the target runs on.
    pub fn clock(self) -> ClockKind {
        self.clock
    }

    /// The target in minutes.
    pub fn minutes(self) -> u32 {
        self.minutes
    }

    /// The target as a duration on its clock.
    pub fn length(self) -> Duration {
        Duration::minutes(i64::from(self.minutes))
    }

    fn nanos(self) -> i64 {
        i64::from(self.minutes) * NANOS_PER_MINUTE
    }
}

/// A target as typed by the admin, before checking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTargetInput {
    /// `calendar` or `business`.
    pub clock: String,
    /// The target in minutes.
    pub minutes: i64,
}

impl TryFrom<SlaTargetInput> for SlaTarget {
    type Error = FieldError;

    fn try_from(input: SlaTargetInput) -> Result<Self, FieldError> {
        let clock = ClockKind::from_code(&input.clock).ok_or_else(|| {
            FieldError::new(
                "clock",
                "invalid_clock",
                "计时方式只能是 calendar（自然时间）或 business（工作时间）",
                "clock must be calendar or business",
            )
        })?;
        SlaTarget::new(clock, input.minutes)
    }
}

impl From<SlaTarget> for SlaTargetInput {
    fn from(target: SlaTarget) -> Self {
        Self { clock: target.clock.code().to_owned(), minutes: i64::from(target.minutes) }
    }
}

// ---------------------------------------------------------------- deadline arithmetic

/// When a target falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The due time; `None` while a pause that began before the target was used up has not
    /// ended — the clock is stopped and the due time is not known until it resumes.
    pub due_at: Option<DateTime<Utc>>,
    /// False when the count ran through a year with no holiday schedule loaded (counted
    /// Monday–Friday): the deadline may move once the State Council publishes the year, and the
    /// admin should be alerted. Calendar-time targets are always confirmed.
    pub confirmed: bool,
}

/// The deadline of `target` counted from `start`, with the clock stopped during `pauses`.
///
/// For a business-time target the due time is the earliest instant at which the target's
/// business time has run outside the pauses; it always lies inside a working window or exactly
/// at a window's end (a target that ends with the day is due at 18:00, not the next morning).
/// A pause that starts after the due time changes nothing: a breach is not undone by waiting.
pub fn deadline(start: DateTime<Utc>, target: SlaTarget, cal: &BusinessCalendar, pauses: &[Pause]) -> Deadline {
    deadline_nanos(start, target.clock, target.nanos(), cal, pauses)
}

/// When `percent` of `target` is used, counted like [`deadline`]: the instants of the 75 % and
/// 90 % warnings and of the escalation steps after the due time (150 %, 200 %).
pub fn deadline_at_percent(
    start: DateTime<Utc>,
    target: SlaTarget,
    percent: u16,
    cal: &BusinessCalendar,
    pauses: &[Pause],
) -> Deadline {
    // At most 366 days × 655.35 in nanoseconds: far inside i64.
    let nanos = target.nanos() / 100 * i64::from(percent);
    deadline_nanos(start, target.clock, nanos.max(1), cal, pauses)
}

fn deadline_nanos(
    start: DateTime<Utc>,
    clock: ClockKind,
    nanos: i64,
    cal: &BusinessCalendar,
    pauses: &[Pause],
) -> Deadline {
    let confirmed = |end| clock == ClockKind::Calendar || cal.covers(start, end);
    let mut remaining = nanos;
    let mut cursor = start;
    for (paused, resumed) in normalise(start, pauses) {
        let available = measure(clock, cursor, paused, cal);
        if available >= remaining {
            break;
        }
        remaining -= available;
        match resumed {
            Some(resumed) => cursor = resumed,
            None => return Deadline { due_at: None, confirmed: confirmed(paused) },
        }
    }
    let due = advance(clock, cursor, remaining, cal);
    Deadline { due_at: Some(due), confirmed: confirmed(due) }
}

/// The business time between `a` and `b` on `cal` (zero when `b` is not after `a`).
pub fn business_time_between(a: DateTime<Utc>, b: DateTime<Utc>, cal: &BusinessCalendar) -> Duration {
    cal.business_time_between(a, b)
}

/// How much of a `clock` target has been used between `start` and `now`, not counting `pauses`
/// (an open pause stops the count at its start). Zero when `now` is not after `start`.
pub fn elapsed(
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    clock: ClockKind,
    cal: &BusinessCalendar,
    pauses: &[Pause],
) -> Duration {
    if now <= start {
        return Duration::zero();
    }
    let mut used: i64 = 0;
    let mut cursor = start;
    for (paused, resumed) in normalise(start, pauses) {
        if paused >= now {
            break;
        }
        used = used.saturating_add(measure(clock, cursor, paused, cal));
        match resumed {
            Some(resumed) if resumed < now => cursor = resumed,
            _ => return Duration::nanoseconds(used),
        }
    }
    Duration::nanoseconds(used.saturating_add(measure(clock, cursor, now, cal)))
}

/// The share of `target` used at `now` (0.0 at the start, 1.0 at the due time, above 1.0 once
/// overdue), for the 75 % and 90 % warnings and the risk score.
pub fn elapsed_share(
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    target: SlaTarget,
    cal: &BusinessCalendar,
    pauses: &[Pause],
) -> f64 {
    let used = elapsed(start, now, target.clock, cal, pauses).num_nanoseconds().unwrap_or(i64::MAX);
    used as f64 / target.nanos() as f64
}

/// Time on `clock` between `a` and `b` (`a <= b`), in nanoseconds.
fn measure(clock: ClockKind, a: DateTime<Utc>, b: DateTime<Utc>, cal: &BusinessCalendar) -> i64 {
    match clock {
        ClockKind::Calendar => (b - a).num_nanoseconds().unwrap_or(i64::MAX).max(0),
        ClockKind::Business => cal.between_nanos(a, b),
    }
}

/// The earliest instant `d` nanoseconds on `clock` after `from`.
fn advance(clock: ClockKind, from: DateTime<Utc>, d: i64, cal: &BusinessCalendar) -> DateTime<Utc> {
    match clock {
        ClockKind::Calendar => from.checked_add_signed(Duration::nanoseconds(d)).unwrap_or(DateTime::<Utc>::MAX_UTC),
        ClockKind::Business => cal.add_business_nanos(from, d),
    }
}

/// Pauses clipped to start no earlier than `start`, empty ones dropped, sorted, overlapping ones
/// merged; nothing follows an open pause. Allocates only when there are pauses.
fn normalise(start: DateTime<Utc>, pauses: &[Pause]) -> Vec<Pause> {
    let mut clipped: Vec<Pause> = pauses
        .iter()
        .filter_map(|&(from, to)| {
            let from = from.max(start);
            match to {
                Some(to) if to <= from => None,
                _ => Some((from, to)),
            }
        })
        .collect();
    if clipped.len() < 2 {
        return clipped;
    }
    clipped.sort_by_key(|p| p.0);
    let mut merged: Vec<Pause> = Vec::with_capacity(clipped.len());
    for (from, to) in clipped {
        if let Some(last) = merged.last_mut() {
            match last.1 {
                None => break,
                Some(end) if from <= end => {
                    last.1 = to.map(|to| to.max(end));
                    continue;
                }
                Some(_) => {}
            }
        }
        merged.push((from, to));
    }
    merged
}

// ---------------------------------------------------------------- policy

/// A complaint's two targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlaTargets {
    /// Time to the first response to the customer.
    pub response: SlaTarget,
    /// Time to resolution.
    pub resolution: SlaTarget,
}

/// One line of the policy: the targets for a severity and tier, optionally only in one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaRule {
    /// The severity the rule is for.
    pub severity: Severity,
    /// The customer tier the rule is for.
    pub tier: Tier,
    /// The category the rule is limited to; `None` for every category.
    pub category_id: Option<CategoryId>,
    /// The targets.
    pub targets: SlaTargets,
}

/// A rule as typed by the admin, before checking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaRuleInput {
    /// 1, 2 or 3.
    pub severity: i64,
    /// `normal` or `vip`.
    pub tier: String,
    /// Limits the rule to one category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<i64>,
    /// First-response target.
    pub response: SlaTargetInput,
    /// Resolution target.
    pub resolution: SlaTargetInput,
}

/// A policy as typed by the admin, before checking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicyInput {
    /// The rules, in any order.
    pub rules: Vec<SlaRuleInput>,
}

/// The checked SLA policy: targets by severity × tier × optional category, with a rule for every
/// severity and tier that applies to all categories, so [`SlaPolicy::pick`] always has an
/// answer. Serialises as its [`SlaPolicyInput`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "SlaPolicyInput")]
pub struct SlaPolicy {
    rules: Vec<SlaRule>,
}

impl SlaPolicy {
    /// The seeds' defaults (DESIGN §3):
    ///
    /// | severity | response | resolution |
    /// |---|---|---|
    /// | 1 | 2 h calendar | 24 h calendar |
    /// | 2 | 4 h business | 24 h calendar |
    /// | 3 | 24 h business | 40 h business |
    ///
    /// VIP targets are half of these. Level 3 "reply within 3 working days" is counted as
    /// 24 business hours, i.e. three 8-hour working days: the law counts "three working days"
    /// from the day after receipt to the end of the third (民法典 §201, §203), and 24 business
    /// hours never ends later than that for any working day of 8 hours or more — with the
    /// default 09:00–18:00 day it errs on the early side. The 40-hour level-3 resolution target
    /// (five 8-hour days) is the product's own choice; the seeds name none.
    pub fn seeds() -> Self {
        let rules = Severity::ALL
            .iter()
            .flat_map(|&severity| {
                Tier::ALL.iter().map(move |&tier| SlaRule {
                    severity,
                    tier,
                    category_id: None,
                    targets: seed_targets(severity, tier),
                })
            })
            .collect();
        Self { rules }
    }

    /// Checks an admin's policy, reporting every problem: a severity other than 1–3, an unknown
    /// tier or clock, a category id that is not positive, a target outside 1 minute–366 days, a
    /// resolution target shorter than the response target on the same clock, two rules for the
    /// same severity, tier and category, and a severity × tier with no all-category rule.
    pub fn parse(input: &SlaPolicyInput) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut rules = Vec::with_capacity(input.rules.len());
        let mut keys = BTreeSet::new();
        for (i, raw) in input.rules.iter().enumerate() {
            let at = format!("rules[{i}]");
            let severity = Severity::from_level(raw.severity).map_err(|e| e.under(&at));
            let tier = Tier::from_code(raw.tier.trim()).ok_or_else(|| {
                FieldError::new(
                    format!("{at}.tier"),
                    "invalid_tier",
                    "客户等级只能是 normal 或 vip",
                    "tier must be normal or vip",
                )
            });
            let category_id = match raw.category_id {
                Some(id) if id <= 0 => Err(FieldError::new(
                    format!("{at}.category_id"),
                    "invalid_category",
                    "投诉类别编号无效",
                    "category id is not valid",
                )),
                other => Ok(other.map(CategoryId)),
            };
            let response = SlaTarget::try_from(raw.response.clone()).map_err(|e| e.under(&format!("{at}.response")));
            let resolution =
                SlaTarget::try_from(raw.resolution.clone()).map_err(|e| e.under(&format!("{at}.resolution")));
            match (severity, tier, category_id, response, resolution) {
                (Ok(severity), Ok(tier), Ok(category_id), Ok(response), Ok(resolution)) => {
                    if response.clock == resolution.clock && resolution.minutes < response.minutes {
                        errors.push(FieldError::new(
                            format!("{at}.resolution.minutes"),
                            "resolution_before_response",
                            "解决时限不能短于首次响应时限",
                            "the resolution target cannot be shorter than the response target",
                        ));
                    }
                    if !keys.insert((severity, tier, category_id)) {
                        errors.push(FieldError::new(
                            at,
                            "duplicate_rule",
                            "同一级别、客户等级和类别的规则重复",
                            "another rule has the same severity, tier and category",
                        ));
                    }
                    rules.push(SlaRule { severity, tier, category_id, targets: SlaTargets { response, resolution } });
                }
                (severity, tier, category_id, response, resolution) => {
                    errors.extend(severity.err());
                    errors.extend(tier.err());
                    errors.extend(category_id.err());
                    errors.extend(response.err());
                    errors.extend(resolution.err());
                }
            }
        }
        // A rule that did not parse may be the missing one: report gaps only for a clean list.
        let clean = errors.is_empty();
        for &severity in Severity::ALL {
            for &tier in Tier::ALL {
                if clean && !keys.contains(&(severity, tier, None)) {
                    errors.push(FieldError::new(
                        "rules",
                        "missing_rule",
                        &format!("缺少{}、{}客户适用于所有类别的规则", severity.label_zh(), tier.label_zh()),
                        &format!("no rule for {} {} customers in every category", severity.label_en(), tier.label_en()),
                    ));
                }
            }
        }
        if errors.is_empty() { Ok(Self { rules }) } else { Err(errors) }
    }

    /// The targets for a complaint: the rule for its severity, tier and category if there is
    /// one, else the all-category rule for its severity and tier. Categories are matched
    /// exactly (a rule for a parent category does not cover its children).
    pub fn pick(&self, severity: Severity, tier: Tier, category_id: Option<CategoryId>) -> SlaTargets {
        let mut general = None;
        for rule in self.rules.iter().filter(|r| r.severity == severity && r.tier == tier) {
            match rule.category_id {
                Some(c) if Some(c) == category_id => return rule.targets,
                None => general = Some(rule.targets),
                Some(_) => {}
            }
        }
        // `parse` guarantees the general rule; the seeds are the safe answer should it be absent.
        general.unwrap_or_else(|| seed_targets(severity, tier))
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[SlaRule] {
        &self.rules
    }
}

impl Default for SlaPolicy {
    fn default() -> Self {
        Self::seeds()
    }
}

impl From<SlaPolicy> for SlaPolicyInput {
    fn from(policy: SlaPolicy) -> Self {
        let rules = policy
            .rules
            .iter()
            .map(|r| SlaRuleInput {
                severity: i64::from(r.severity.level()),
                tier: r.tier.code().to_owned(),
                category_id: r.category_id.map(|c| c.0),
                response: r.targets.response.into(),
                resolution: r.targets.resolution.into(),
            })
            .collect();
        Self { rules }
    }
}

/// The seeds' targets for one severity and tier (see [`SlaPolicy::seeds`]).
fn seed_targets(severity: Severity, tier: Tier) -> SlaTargets {
    use ClockKind::{Business, Calendar};
    let ((response_clock, response), (resolution_clock, resolution)) = match severity {
        Severity::Level1 => ((Calendar, 2 * 60), (Calendar, 24 * 60)),
        Severity::Level2 => ((Business, 4 * 60), (Calendar, 24 * 60)),
        Severity::Level3 => ((Business, 24 * 60), (Business, 40 * 60)),
    };
    let divisor = match tier {
        Tier::Normal => 1,
        Tier::Vip => 2,
    };
    SlaTargets {
        response: SlaTarget { clock: response_clock, minutes: response / divisor },
        resolution: SlaTarget { clock: resolution_clock, minutes: resolution / divisor },
    }
}
