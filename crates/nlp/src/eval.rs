//! Measuring a classifier on held-out examples: accuracy, macro-F1, per-label precision, recall
//! and F1, the confusion matrix, and the time each prediction took.
//!
//! [`evaluate`] runs a [`Model`] over test examples; [`Report::from_predictions`] builds the same
//! report from labels predicted elsewhere (e.g. by rules). A label that occurs only in the test
//! data counts as an error whenever it appears, as it would in production.

use std::collections::BTreeSet;
use std::fmt;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::classifier::{Example, Model};

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelScores {
    /// The label.
    pub label: String,
    /// Of the texts predicted as this label, the share that had it.
    pub precision: f64,
    /// Of the texts that had this label, the share predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
    /// How many test texts had this label.
    pub support: usize,
}

/// How long predictions took, each measured alone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Mean time per prediction.
    pub mean: Duration,
    /// Median.
    pub p50: Duration,
    /// 95th percentile.
    pub p95: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
}

impl Latency {
    /// Summarises individual prediction times; `None` for none.
    pub fn from_samples(samples: &[Duration]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let at = |q: f64| sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1];
        let total: Duration = sorted.iter().sum();
        Some(Self {
            mean: total / sorted.len() as u32,
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: sorted[sorted.len() - 1],
        })
    }
}

/// At one confidence threshold: how many predictions reached it (a complaint routes itself) and
/// how many of those were right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThresholdFigure {
    /// The confidence a prediction needs.
    pub threshold: f64,
    /// Predictions at or above it.
    pub routed: usize,
    /// Of those, the right ones.
    pub right: usize,
}

/// The thresholds [`evaluate`] reports on: what an admin choosing the triage threshold compares.
pub const THRESHOLDS: [f64; 10] = [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 0.95];

/// The result of an evaluation. `Display` prints `accuracy 0.9xxx` on the first line, then
/// macro-F1, latency, a per-label table and the confusion matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Number of test examples.
    pub examples: usize,
    /// How many were predicted correctly.
    pub correct: usize,
    /// `correct / examples`.
    pub accuracy: f64,
    /// Unweighted mean of the per-label F1 over the labels present in the test data.
    pub macro_f1: f64,
    /// Scores of every label (model labels and test labels), sorted by label.
    pub per_label: Vec<LabelScores>,
    /// The labels indexing [`Report::confusion`], sorted.
    pub labels: Vec<String>,
    /// `confusion[true][predicted]` counts.
    pub confusion: Vec<Vec<usize>>,
    /// Prediction time, when it was measured.
    pub latency: Option<Latency>,
    /// Per threshold of [`THRESHOLDS`], how many predictions were confident enough and right
    /// (empty when the confidences are not known, as for [`Report::from_predictions`]).
    #[serde(default)]
    pub thresholds: Vec<ThresholdFigure>,
}

/// Predicts every example with `model`, timing each prediction alone, and scores the result.
pub fn evaluate(model: &Model, examples: &[Example]) -> Report {
    let mut predicted = Vec::with_capacity(examples.len());
    let mut confidences = Vec::with_capacity(examples.len());
    let mut times = Vec::with_capacity(examples.len());
    for ex in examples {
        let started = Instant::now();
        let prediction = model.predict(&ex.text);
        times.push(started.elapsed());
        predicted.push(prediction.label);
        confidences.push(f64::from(prediction.confidence));
    }
    let truth: Vec<&str> = examples.iter().map(|e| e.label.as_str()).collect();
    let predicted: Vec<&str> = predicted.iter().map(String::as_str).collect();
    let mut report = Report::from_predictions(&truth, &predicted, model.labels());
    report.latency = Latency::from_samples(&times);
    report.thresholds = THRESHOLDS
        .iter()
        .map(|&threshold| {
            let reached = || confidences.iter().zip(truth.iter().zip(&predicted)).filter(|(c, _)| **c >= threshold);
            ThresholdFigure {
                threshold,
                routed: reached().count(),
                right: reached().filter(|(_, (t, p))| t == p).count(),
            }
        })
        .collect();
    report
}

impl Report {
    /// Scores `predicted` against `truth` (same length, same order). `known_labels` adds labels that
    /// may never occur in either (e.g. all of a model's labels) to the table.
    ///
    /// # Panics
    /// If `truth` and `predicted` differ in length.
    pub fn from_predictions(truth: &[&str], predicted: &[&str], known_labels: &[String]) -> Self {
        assert_eq!(truth.len(), predicted.len(), "one prediction per example");
        let labels: Vec<String> = known_labels
            .iter()
            .map(String::as_str)
            .chain(truth.iter().copied())
            .chain(predicted.iter().copied())
            .map(str::to_owned)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index = |l: &str| labels.binary_search_by(|x| x.as_str().cmp(l)).expect("every label was collected");
        let n = labels.len();
        let mut confusion = vec![vec![0usize; n]; n];
        for (t, p) in truth.iter().zip(predicted) {
            confusion[index(t)][index(p)] += 1;
        }
        let correct = (0..n).map(|i| confusion[i][i]).sum::<usize>();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let per_label: Vec<LabelScores> = (0..n)
            .map(|i| {
                let tp = confusion[i][i];
                let support: usize = confusion[i].iter().sum();
                let predicted_as: usize = confusion.iter().map(|row| row[i]).sum();
                let precision = ratio(tp, predicted_as);
                let recall = ratio(tp, support);
                let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
                LabelScores { label: labels[i].clone(), precision, recall, f1, support }
            })
            .collect();
        let present: Vec<&LabelScores> = per_label.iter().filter(|s| s.support > 0).collect();
        let macro_f1 =
            if present.is_empty() { 0.0 } else { present.iter().map(|s| s.f1).sum::<f64>() / present.len() as f64 };
        Self {
            examples: truth.len(),
            correct,
            accuracy: ratio(correct, truth.len()),
            macro_f1,
            per_label,
            labels,
            confusion,
            latency: None,
            thresholds: Vec::new(),
        }
    }
}

impl Report {
    /// For each label (in [`Report::labels`] order), the other label its texts were most often
    /// predicted as, and how many times: where a person should look first (a keyword rule, or
    /// two labels that overlap). `None` for a label none of whose texts went wrong. A tie goes to
    /// the label first in order, so the answer is stable.
    pub fn mistaken_for(&self) -> Vec<Option<(&str, usize)>> {
        self.confusion
            .iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .filter(|&(j, &n)| j != i && n > 0)
                    .fold(None, |best: Option<(usize, usize)>, (j, &n)| match best {
                        Some((_, m)) if m >= n => best,
                        _ => Some((j, n)),
                    })
                    .map(|(j, n)| (self.labels[j].as_str(), n))
            })
            .collect()
    }
}

/// Columns a string takes in a terminal: 2 for CJK and other wide characters, 1 otherwise.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
                || (0x1F300..=0x1FAFF).contains(&u)
                || (0x20000..=0x3FFFD).contains(&u);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// `s` padded with spaces to `width` columns (left-aligned).
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

fn fmt_duration(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "accuracy {:.4} ({}/{})", self.accuracy, self.correct, self.examples)?;
        writeln!(f, "macro-F1 {:.4}", self.macro_f1)?;
        if let Some(l) = &self.latency {
            writeln!(
                f,
                "latency per prediction: mean {}, p50 {}, p95 {}, p99 {}, max {}",
                fmt_duration(l.mean),
                fmt_duration(l.p50),
                fmt_duration(l.p95),
                fmt_duration(l.p99),
                fmt_duration(l.max)
            )?;
        }
        let w = self.labels.iter().map(|l| display_width(l)).max().unwrap_or(0).max(5);
        writeln!(f)?;
        writeln!(f, "{}  precision  recall  F1      support", pad("label", w))?;
        for s in &self.per_label {
            writeln!(f, "{}  {:<9.4}  {:<6.4}  {:<6.4}  {}", pad(&s.label, w), s.precision, s.recall, s.f1, s.support)?;
        }
        writeln!(f)?;
        writeln!(f, "confusion matrix (rows: true label, columns: predicted, in the order of the rows)")?;
        let cell = self.confusion.iter().flatten().map(|n| n.to_string().len()).max().unwrap_or(1).max(3);
        for (label, row) in self.labels.iter().zip(&self.confusion) {
            write!(f, "{}", pad(label, w))?;
            for n in row {
                write!(f, " {n:>cell$}")?;
            }
            writeln!(f)?;
        }
        if !self.thresholds.is_empty() {
            writeln!(f)?;
            writeln!(f, "by confidence threshold (below it a complaint waits in triage)")?;
            writeln!(f, "threshold  routed             right among routed")?;
            for t in &self.thresholds {
                let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 * 100.0 / b as f64 };
                writeln!(
                    f,
                    "{:<9.2}  {:<6} ({:>5.1} %)  {:>5.1} %",
                    t.threshold,
                    t.routed,
                    share(t.routed, self.examples),
                    share(t.right, t.routed)
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_a_hand_computed_example() {
        let truth = ["a", "a", "a", "b", "b", "c"];
        let predicted = ["a", "a", "b", "b", "c", "c"];
        let r = Report::from_predictions(&truth, &predicted, &[]);
        assert_eq!(r.correct, 4);
        assert!((r.accuracy - 4.0 / 6.0).abs() < 1e-12);
        let a = &r.per_label[0];
        assert_eq!((a.precision, a.recall, a.support), (1.0, 2.0 / 3.0, 3));
        let b = &r.per_label[1];
        assert_eq!((b.precision, b.recall), (0.5, 0.5));
        let c = &r.per_label[2];
        assert_eq!((c.precision, c.recall), (0.5, 1.0));
        let f1 = |p: f64, r: f64| 2.0 * p * r / (p + r);
        let expected = (f1(1.0, 2.0 / 3.0) + 0.5 + f1(0.5, 1.0)) / 3.0;
        assert!((r.macro_f1 - expected).abs() < 1e-12);
        assert_eq!(r.confusion, vec![vec![2, 1, 0], vec![0, 1, 1], vec![0, 0, 1]]);
    }

    #[test]
    fn each_label_names_what_its_texts_were_most_often_mistaken_for() {
        let truth = ["a", "a", "a", "a", "b", "b", "c", "c"];
        let predicted = ["a", "c", "c", "b", "a", "c", "c", "c"];
        let r = Report::from_predictions(&truth, &predicted, &["z".into()]);
        assert_eq!(r.mistaken_for(), vec![Some(("c", 2)), Some(("a", 1)), None, None]);
    }

    #[test]
    fn each_threshold_counts_the_confident_predictions_and_the_right_ones_among_them() {
        let examples: Vec<Example> =
            [("退款没有到账", "refund"), ("退款太慢", "refund"), ("快递丢了", "delivery"), ("快递很慢", "delivery")]
                .iter()
                .cycle()
                .take(40)
                .map(|(t, l)| Example::new(*t, *l))
                .collect();
        let model =
            crate::train(&examples, &crate::TrainConfig { epochs: 3, ..crate::TrainConfig::default() }).unwrap();
        let mut test = examples[..8].to_vec();
        test.push(Example::new("退款没有到账", "delivery")); // filed under the wrong label
        let r = evaluate(&model, &test);
        assert_eq!(r.thresholds.iter().map(|f| f.threshold).collect::<Vec<_>>(), THRESHOLDS);
        for pair in r.thresholds.windows(2) {
            assert!(pair[1].routed <= pair[0].routed, "a higher threshold routes no more");
        }
        for f in &r.thresholds {
            assert!(f.right <= f.routed && f.routed <= test.len());
        }
        // At the lowest threshold this clear-cut model routes all, and gets the mislabelled one wrong.
        assert_eq!((r.thresholds[0].routed, r.thresholds[0].right), (9, 8));
        assert!(Report::from_predictions(&["a"], &["a"], &[]).thresholds.is_empty());
    }

    #[test]
    fn labels_never_seen_in_test_do_not_lower_macro_f1() {
        let r = Report::from_predictions(&["a", "b"], &["a", "b"], &["a".into(), "b".into(), "z".into()]);
        assert_eq!(r.macro_f1, 1.0);
        assert_eq!(r.labels, ["a", "b", "z"]);
    }

    #[test]
    fn display_starts_with_accuracy_and_aligns_chinese_labels() {
        let mut r = Report::from_predictions(&["物流", "退款", "物流"], &["物流", "物流", "物流"], &[]);
        r.latency = Latency::from_samples(&[Duration::from_micros(100), Duration::from_micros(300)]);
        let text = r.to_string();
        assert!(text.starts_with("accuracy 0.6667 (2/3)\nmacro-F1 "), "{text}");
        assert!(text.contains("latency per prediction: mean 0.200 ms"), "{text}");
        assert!(text.contains("物流   1.0000") || text.contains("物流 "), "{text}");
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("物流") || l.starts_with("退款")).collect();
        assert_eq!(rows.len(), 4, "{text}");
    }

    #[test]
    fn latency_percentiles_come_from_sorted_samples() {
        let samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        let l = Latency::from_samples(&samples).unwrap();
        assert_eq!(l.p50, Duration::from_millis(50));
        assert_eq!(l.p95, Duration::from_millis(95));
        assert_eq!(l.max, Duration::from_millis(100));
        assert!(Latency::from_samples(&[]).is_none());
    }
}
