//! Watching a complaint's SLA clocks (DESIGN §3, §5): where each clock stands (due time, met,
//! paused), when the scheduler must look at the complaint next, and which warnings, breach and
//! escalation steps are due now.
//!
//! The store keeps [`ComplaintSla::next_check_at`] in an indexed column, so one scheduler pass is
//! an index range scan of the complaints whose next threshold has come; for each of them the
//! scheduler asks [`ComplaintSla::due_commands`] what to record. The answer depends only on the
//! projection (which thresholds were already alerted, the pauses), the policy, the calendar and
//! the time, so two nodes asking at once get the same answer and the complaint's version check
//! lets only one of them record it.

use crate::calendar::BusinessCalendar;
use crate::complaint::Complaint;
use crate::error::FieldError;
use crate::lifecycle::Command;
use crate::model::{Severity, SlaClock};
use crate::sla::{Deadline, SlaPolicy, SlaTarget, deadline, deadline_at_percent, elapsed_share};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The thresholds the scheduler alerts at, in percent of a target. The due time itself (100 %)
/// is always a threshold: the breach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertThresholds {
    /// Warnings before the due time (default 75 % and 90 %).
    pub warn_percents: Vec<u16>,
    /// Escalation after the breach: the n-th entry raises the complaint to level n+1
    /// (handler → supervisor → department manager → executive). Default 100 %, 150 %, 200 %.
    pub escalate_percents: Vec<u16>,
}

impl Default for AlertThresholds {
    fn default() -> Self {
        Self { warn_percents: vec![75, 90], escalate_percents: vec![100, 150, 200] }
    }
}

impl AlertThresholds {
    /// Checks an admin's thresholds: warnings strictly between 0 and 100 and increasing; one to
    /// three escalation steps from 100 % to 1,000 %, increasing.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.warn_percents.len() > 5 {
            errors.push(FieldError::new(
                "warn_percents",
                "too_many",
                "预警阈值最多 5 个",
                "at most 5 warning thresholds",
            ));
        }
        for (i, p) in self.warn_percents.iter().enumerate() {
            if !(1..=99).contains(p) {
                errors.push(FieldError::new(
                    format!("warn_percents[{i}]"),
                    "out_of_range",
                    "预警阈值须在 1% 到 99% 之间",
                    "a warning threshold must be between 1 % and 99 %",
                ));
            }
        }
        if self.escalate_percents.is_empty() || self.escalate_percents.len() > 3 {
            errors.push(FieldError::new(
                "escalate_percents",
                "invalid_length",
                "升级阈值须为 1 到 3 个（对应主管、部门经理、高管）",
                "give 1 to 3 escalation thresholds (supervisor, department manager, executive)",
            ));
        }
        for (i, p) in self.escalate_percents.iter().enumerate() {
            if !(100..=1000).contains(p) {
                errors.push(FieldError::new(
                    format!("escalate_percents[{i}]"),
                    "out_of_range",
                    "升级阈值须在 100% 到 1000% 之间",
                    "an escalation threshold must be between 100 % and 1000 %",
                ));
            }
        }
        for (name, list) in [("warn_percents", &self.warn_percents), ("escalate_percents", &self.escalate_percents)] {
            if list.windows(2).any(|w| w[0] >= w[1]) {
                errors.push(FieldError::new(
                    name,
                    "not_increasing",
                    "阈值须从小到大且不重复",
                    "thresholds must increase without repeats",
                ));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// Every threshold in increasing order, the breach (100 %) included once.
    pub fn all(&self) -> Vec<u16> {
        let mut all: Vec<u16> = self.warn_percents.iter().chain(&self.escalate_percents).copied().collect();
        all.push(100);
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The escalation level a clock has earned once `percent` of it is used (0 below the first
    /// escalation threshold).
    pub fn level_at(&self, percent: u16) -> u8 {
        self.escalate_percents.iter().take(3).filter(|&&p| percent >= p).count() as u8
    }
}

/// Where one clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClockStatus {
    /// Which clock.
    pub clock: SlaClock,
    /// The target the policy picked.
    pub target: SlaTarget,
    /// When it falls due (`None` while paused before the due time).
    pub due_at: Option<DateTime<Utc>>,
    /// False when counted through a year with no holiday schedule loaded.
    pub confirmed: bool,
    /// When the goal was reached (first response; resolution), if it was.
    pub met_at: Option<DateTime<Utc>>,
    /// Whether the clock stands still now (waiting on the customer).
    pub paused: bool,
    /// Whether the clock still counts (open complaint, goal not reached).
    pub running: bool,
    /// The next threshold to alert and when it is reached, if the clock runs.
    pub next_alert: Option<(u16, DateTime<Utc>)>,
}

impl ClockStatus {
    /// Percent of the target used at `now` (what the queue's countdown and the risk score show).
    pub fn percent_used(&self, c: &Complaint, now: DateTime<Utc>, cal: &BusinessCalendar) -> f64 {
        let until = self.met_at.unwrap_or(now);
        elapsed_share(c.received_at, until, self.target, cal, &c.pauses) * 100.0
    }
}

/// Both clocks of a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ComplaintSla {
    /// Time to the first response.
    pub response: ClockStatus,
    /// Time to resolution.
    pub resolution: ClockStatus,
}

/// The severity whose targets apply to a complaint not graded yet: level 2, the middle, so an
/// ungraded complaint is neither let rot nor treated as an emergency.
pub const UNGRADED_SEVERITY: Severity = Severity::Level2;

impl ComplaintSla {
    /// The clocks of `c` under `policy` on `cal`, counted from `received_at` with the pauses.
    pub fn compute(c: &Complaint, policy: &SlaPolicy, cal: &BusinessCalendar, thresholds: &AlertThresholds) -> Self {
        let targets = policy.pick(c.severity.unwrap_or(UNGRADED_SEVERITY), c.tier, c.category_id);
        let paused = c.pauses.last().is_some_and(|p| p.1.is_none());
        let status = |clock: SlaClock, target: SlaTarget, met_at: Option<DateTime<Utc>>| {
            let Deadline { due_at, confirmed } = deadline(c.received_at, target, cal, &c.pauses);
            let running = c.clock_running(clock);
            let alerted = c.sla_alerted.get(clock);
            let next_alert = if running {
                thresholds.all().into_iter().find(|&p| p > alerted).and_then(|p| {
                    let at = if p == 100 {
                        due_at
                    } else {
                        deadline_at_percent(c.received_at, target, p, cal, &c.pauses).due_at
                    };
                    at.map(|at| (p, at))
                })
            } else {
                None
            };
            ClockStatus { clock, target, due_at, confirmed, met_at, paused: paused && running, running, next_alert }
        };
        Self {
            response: status(SlaClock::Response, targets.response, c.first_response_at),
            resolution: status(SlaClock::Resolution, targets.resolution, c.resolved_at),
        }
    }

    /// Both clocks, response first.
    pub fn clocks(&self) -> [&ClockStatus; 2] {
        [&self.response, &self.resolution]
    }

    /// When the scheduler must look at the complaint next; `None` when no clock can alert any
    /// more (both met, complaint closed, or paused — the event that ends a pause recomputes it).
    pub fn next_check_at(&self) -> Option<DateTime<Utc>> {
        self.clocks().iter().filter_map(|s| s.next_alert.map(|(_, at)| at)).min()
    }

    /// Whether every deadline was counted on a loaded calendar year.
    pub fn confirmed(&self) -> bool {
        self.clocks().iter().all(|s| !s.running || s.confirmed)
    }

    /// Whether a running clock is past its due time at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.clocks().iter().any(|s| s.running && s.due_at.is_some_and(|d| d <= now))
    }

    /// What the scheduler records at `now`: for each running clock, one alert for the highest
    /// threshold reached and not yet alerted (a server that was down does not replay every
    /// missed warning), then an escalation when a clock has earned a higher level than the
    /// complaint has. Empty when nothing is due.
    pub fn due_commands(
        &self,
        c: &Complaint,
        now: DateTime<Utc>,
        cal: &BusinessCalendar,
        thresholds: &AlertThresholds,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        let mut escalation: Option<(u8, SlaClock)> = None;
        for s in self.clocks() {
            if !s.running || s.next_alert.is_none_or(|(_, at)| at > now) {
                continue;
            }
            let Some(due_at) = s.due_at else { continue };
            let reached = thresholds
                .all()
                .into_iter()
                .filter(|&p| p > c.sla_alerted.get(s.clock))
                .take_while(|&p| {
                    let at = if p == 100 {
                        Some(due_at)
                    } else {
                        deadline_at_percent(c.received_at, s.target, p, cal, &c.pauses).due_at
                    };
                    at.is_some_and(|at| at <= now)
                })
                .last();
            if let Some(percent) = reached {
                commands.push(Command::SlaAlert { clock: s.clock, percent, due_at });
                let level = thresholds.level_at(percent);
                if escalation.is_none_or(|(l, _)| level > l) && level > 0 {
                    escalation = Some((level, s.clock));
                }
            }
        }
        if let Some((level, clock)) = escalation.filter(|(l, _)| *l > c.escalation_level) {
            commands.push(Command::Escalate {
                level,
                external: None,
                reason: format!(
                    "{}超时，系统自动升级 / {} overdue, escalated automatically",
                    clock.label_zh(),
                    clock.label_en()
                ),
            });
        }
        commands
    }
}
