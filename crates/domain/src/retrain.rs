//! When the routing classifier retrains by itself (DESIGN §4: "retrains from closed cases on
//! command or on a schedule"), and whether the model it trains replaces the one in use.
//!
//! The scheduler asks [`due`] for each target (category, department) on every pass; the answer
//! depends only on the admin's [`RetrainPolicy`], the model in use, the schedule's last attempt
//! and how many examples the database holds now, so every node answers the same. A model the admin trained from a file is
//! never replaced by the schedule: the file was a deliberate choice, and the database may hold
//! far fewer examples. A new model is adopted unless its held-out accuracy fell more than
//! [`MAX_ACCURACY_DROP`] below the model in use ([`adopt`]), so a burst of mislabelled complaints
//! cannot quietly make routing worse; a small drop is normal noise between two held-out samples.

use crate::error::FieldError;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How far (as a fraction, 0.05 = 5 points) a new model's held-out accuracy may fall below the
/// model in use and still replace it.
pub const MAX_ACCURACY_DROP: f64 = 0.05;

/// The admin's schedule for retraining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrainPolicy {
    /// Whether the scheduler retrains at all.
    pub enabled: bool,
    /// At least this many days between two models of a target (1–90).
    pub interval_days: u32,
    /// And at least this many more training examples than the model in use learned from
    /// (1–100,000): people's choices since the last model.
    pub min_new_examples: u32,
}

impl Default for RetrainPolicy {
    fn default() -> Self {
        Self { enabled: true, interval_days: 7, min_new_examples: 50 }
    }
}

impl RetrainPolicy {
    /// Every field out of range, named.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(1..=90).contains(&self.interval_days) {
            errors.push(FieldError::new(
                "interval_days",
                "out_of_range",
                "间隔为 1–90 天",
                "interval_days must be 1–90",
            ));
        }
        if !(1..=100_000).contains(&self.min_new_examples) {
            errors.push(FieldError::new(
                "min_new_examples",
                "out_of_range",
                "新增样本数为 1–100000",
                "min_new_examples must be 1–100000",
            ));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// The model in use for a target, as far as the schedule cares.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelInUse {
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// How many examples it learned from.
    pub examples: i64,
    /// Whether it was trained from the database (by a person or the schedule), not a file.
    pub from_database: bool,
}

/// What the schedule says about a target now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Verdict {
    /// Train now.
    Due,
    /// The admin turned the schedule off.
    Disabled,
    /// The model in use came from a file; only a person replaces it.
    FileModel,
    /// Too soon: the model in use is younger than the interval (`next` is when it may be).
    TooSoon {
        /// When the interval has passed.
        next: DateTime<Utc>,
    },
    /// Not enough new examples yet (`have` of `need` more than the model in use learned from).
    TooFewExamples {
        /// New examples so far.
        have: i64,
        /// New examples needed.
        need: i64,
    },
}

/// Whether to retrain a target now, given the model in use, when the schedule last tried
/// (`last_attempt`: a refused or rejected attempt stores no model, and must not be retried on
/// every pass) and how many examples the database holds. Without a model the first one is due
/// once the database holds `min_new_examples` examples.
pub fn due(
    policy: &RetrainPolicy,
    in_use: Option<&ModelInUse>,
    last_attempt: Option<DateTime<Utc>>,
    examples_now: i64,
    now: DateTime<Utc>,
) -> Verdict {
    if let Some(v) = decided_without_count(policy, in_use, last_attempt, now) {
        return v;
    }
    let need = i64::from(policy.min_new_examples);
    let have = (examples_now - in_use.map_or(0, |m| m.examples)).max(0);
    if have < need { Verdict::TooFewExamples { have, need } } else { Verdict::Due }
}

/// The verdict of [`due`] when it does not depend on the number of examples (counting them
/// reads the complaints table, so the scheduler asks this first); `None` when it does.
pub fn decided_without_count(
    policy: &RetrainPolicy,
    in_use: Option<&ModelInUse>,
    last_attempt: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<Verdict> {
    if !policy.enabled {
        return Some(Verdict::Disabled);
    }
    if in_use.is_some_and(|m| !m.from_database) {
        return Some(Verdict::FileModel);
    }
    let interval = Duration::days(i64::from(policy.interval_days));
    let last = in_use.map(|m| m.created_at).into_iter().chain(last_attempt).max();
    match last.map(|t| t + interval) {
        Some(next) if now < next => Some(Verdict::TooSoon { next }),
        _ => None,
    }
}

/// Whether a new model with held-out `candidate` accuracy replaces the model in use, whose
/// held-out accuracy was `in_use` (none: unknown, e.g. too few examples to hold any out).
pub fn adopt(candidate: Option<f64>, in_use: Option<f64>) -> bool {
    match (candidate, in_use) {
        (Some(new), Some(old)) => new + MAX_ACCURACY_DROP >= old,
        // Nothing to compare with: a model trained on more of the organisation's own choices.
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 2, 0, 0).unwrap()
    }

    fn model(day: u32, examples: i64) -> ModelInUse {
        ModelInUse { created_at: at(day), examples, from_database: true }
    }

    #[test]
    fn due_once_the_interval_passed_and_enough_people_chose() {
        let p = RetrainPolicy::default();
        let m = model(1, 100);
        assert_eq!(due(&p, Some(&m), None, 200, at(8)), Verdict::Due);
        assert_eq!(due(&p, Some(&m), None, 200, at(7)), Verdict::TooSoon { next: at(8) });
        assert_eq!(due(&p, Some(&m), None, 149, at(9)), Verdict::TooFewExamples { have: 49, need: 50 });
        assert_eq!(due(&p, Some(&m), None, 150, at(9)), Verdict::Due);
        // Fewer examples than the model had (complaints deleted, a file-sized model): none new.
        assert_eq!(due(&p, Some(&m), None, 10, at(9)), Verdict::TooFewExamples { have: 0, need: 50 });
        // Counting is needed only once the cheap checks pass.
        assert_eq!(decided_without_count(&p, Some(&m), None, at(7)), Some(Verdict::TooSoon { next: at(8) }));
        assert_eq!(decided_without_count(&p, Some(&m), None, at(8)), None);
    }

    #[test]
    fn an_attempt_that_stored_nothing_waits_an_interval_too() {
        let p = RetrainPolicy::default();
        let m = model(1, 100);
        assert_eq!(due(&p, Some(&m), Some(at(9)), 500, at(10)), Verdict::TooSoon { next: at(16) });
        assert_eq!(due(&p, Some(&m), Some(at(9)), 500, at(16)), Verdict::Due);
        assert_eq!(due(&p, None, Some(at(9)), 500, at(10)), Verdict::TooSoon { next: at(16) });
        // An attempt older than the model does not hold the model's interval back.
        assert_eq!(due(&p, Some(&model(5, 100)), Some(at(1)), 500, at(12)), Verdict::Due);
    }

    #[test]
    fn the_first_model_waits_for_enough_examples() {
        let p = RetrainPolicy { min_new_examples: 30, ..Default::default() };
        assert_eq!(due(&p, None, None, 29, at(1)), Verdict::TooFewExamples { have: 29, need: 30 });
        assert_eq!(due(&p, None, None, 30, at(1)), Verdict::Due);
    }

    #[test]
    fn off_or_a_file_model_is_never_due() {
        let off = RetrainPolicy { enabled: false, ..Default::default() };
        assert_eq!(due(&off, None, None, 10_000, at(30)), Verdict::Disabled);
        let file = ModelInUse { from_database: false, ..model(1, 10) };
        assert_eq!(due(&RetrainPolicy::default(), Some(&file), None, 10_000, at(30)), Verdict::FileModel);
    }

    #[test]
    fn a_new_model_replaces_the_old_unless_clearly_worse() {
        assert!(adopt(Some(0.90), Some(0.92)));
        assert!(adopt(Some(0.87), Some(0.92)));
        assert!(!adopt(Some(0.86), Some(0.92)));
        assert!(adopt(Some(0.50), None));
        assert!(adopt(None, Some(0.92)));
    }

    #[test]
    fn policy_names_every_field_out_of_range() {
        assert!(RetrainPolicy::default().validate().is_ok());
        let bad = RetrainPolicy { enabled: true, interval_days: 0, min_new_examples: 0 }.validate().unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["interval_days", "min_new_examples"]);
        assert!(RetrainPolicy { interval_days: 91, ..Default::default() }.validate().is_err());
    }
}
