//! Batch early warning (批量投诉预警通报, DESIGN §5): a spike of one category, product or
//! department in a sliding window against its own baseline, and a category whose share of all
//! complaints in the window passes a threshold (the seeds' example: 30 %). The store counts;
//! this module decides.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// The admin's batch-warning settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchSettings {
    /// The sliding window, in hours.
    pub window_hours: u32,
    /// The baseline: this many days before the window.
    pub baseline_days: u32,
    /// A spike is at least this many times the baseline's rate, in percent (300 = three times).
    pub spike_percent: u32,
    /// …and at least this many complaints in the window.
    pub min_count: u32,
    /// A category's share of the window's complaints that raises an alert, in percent.
    pub share_percent: u32,
    /// The share rule needs at least this many complaints in the window.
    pub share_min_total: u32,
}

impl Default for BatchSettings {
    fn default() -> Self {
        Self {
            window_hours: 24,
            baseline_days: 28,
            spike_percent: 300,
            min_count: 5,
            share_percent: 30,
            share_min_total: 20,
        }
    }
}

impl BatchSettings {
    /// Checks an admin's settings.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &str, ok: bool, zh: &str, en: &str| {
            if !ok {
                errors.push(FieldError::new(field, "out_of_range", zh, en));
            }
        };
        check(
            "window_hours",
            (1..=24 * 31).contains(&self.window_hours),
            "窗口须为 1 到 744 小时",
            "the window must be 1 to 744 hours",
        );
        check(
            "baseline_days",
            (1..=365).contains(&self.baseline_days),
            "基线须为 1 到 365 天",
            "the baseline must be 1 to 365 days",
        );
        check(
            "spike_percent",
            (101..=10_000).contains(&self.spike_percent),
            "激增倍数须在 101% 到 10000% 之间",
            "the spike factor must be 101 % to 10000 %",
        );
        check(
            "min_count",
            (1..=100_000).contains(&self.min_count),
            "最少件数须为 1 到 100000",
            "the minimum count must be 1 to 100000",
        );
        check(
            "share_percent",
            (1..=100).contains(&self.share_percent),
            "占比阈值须为 1% 到 100%",
            "the share threshold must be 1 % to 100 %",
        );
        check(
            "share_min_total",
            (1..=1_000_000).contains(&self.share_min_total),
            "占比规则的最少总件数须为 1 到 1000000",
            "the share rule's minimum total must be 1 to 1000000",
        );
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Complaint category.
    Category,
    /// Product / model reference.
    Product,
    /// Responsible department.
    Department,
}

impl Dimension {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Dimension::Category => "category",
            Dimension::Product => "product",
            Dimension::Department => "department",
        }
    }
}

/// Counts of one key of a dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCount {
    /// The key (an id or a product reference).
    pub key: String,
    /// Complaints in the window.
    pub current: u32,
    /// Complaints in the baseline period.
    pub baseline: u32,
}

/// Why an alert is raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// Far above its own baseline.
    Spike,
    /// A category's share of all complaints passed the threshold.
    Share,
}

/// One batch warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchSignal {
    /// What was counted.
    pub dimension: Dimension,
    /// Which key.
    pub key: String,
    /// Spike or share.
    pub kind: SignalKind,
    /// Complaints in the window.
    pub current: u32,
    /// What the baseline predicts for a window.
    pub expected: f64,
    /// Share of the window's complaints, percent.
    pub share_percent: f64,
}

/// The signals among `counts` of `dimension`, given the window's total.
pub fn detect(dimension: Dimension, counts: &[KeyCount], total: u32, s: &BatchSettings) -> Vec<BatchSignal> {
    let windows_in_baseline = f64::from(s.baseline_days) * 24.0 / f64::from(s.window_hours.max(1));
    let mut out = Vec::new();
    for k in counts {
        let expected = f64::from(k.baseline) / windows_in_baseline;
        let share_percent = if total == 0 { 0.0 } else { f64::from(k.current) * 100.0 / f64::from(total) };
        let spike =
            k.current >= s.min_count && f64::from(k.current) * 100.0 >= f64::from(s.spike_percent) * expected.max(1.0);
        let share = dimension == Dimension::Category
            && total >= s.share_min_total
            && f64::from(k.current) * 100.0 >= f64::from(s.share_percent) * f64::from(total);
        for (hit, kind) in [(spike, SignalKind::Spike), (share, SignalKind::Share)] {
            if hit {
                out.push(BatchSignal {
                    dimension,
                    key: k.key.clone(),
                    kind,
                    current: k.current,
                    expected,
                    share_percent,
                });
            }
        }
    }
    out
}
