//! A text classifier trained on an organisation's own labelled complaints (DESIGN §4): category,
//! responsible department, or any other label set, Chinese or English.
//!
//! Features are jieba words, word bigrams, character 1–3-grams and the text's length
//! ([`FeatureSet`]); the model is linear over them, one weight per feature and label:
//!
//! - [`Algorithm::LogisticRegression`]: multinomial (softmax) logistic regression over sublinear
//!   TF-IDF vectors scaled to unit length, trained by stochastic gradient descent with L2
//!   regularisation. Its softmax output is a usable confidence.
//! - [`Algorithm::NaiveBayes`]: multinomial naive Bayes over raw counts with additive smoothing, the
//!   classic baseline. Its posteriors are over-confident.
//! - [`Algorithm::Ensemble`] (the default): both over the same features, their log-probabilities
//!   mixed with weights `1 − nb_weight` and `nb_weight` and renormalised (a weighted product of
//!   experts). On real complaints it is the most accurate of the three (BENCHMARKS.md, "Routing");
//!   the small naive-Bayes weight sharpens the logistic model's probabilities without letting naive
//!   Bayes' over-confidence dominate. The confidence is the mixed probability: below a threshold, a
//!   person triages.
//!
//! Training is deterministic: the same examples, configuration and seed give the same model, byte
//! for byte. A model serializes to bytes ([`Model::to_bytes`]) with a magic number and a
//! [`FORMAT_VERSION`], so the server can keep it in the database and every node can reload it.
//!
//! Training data comes as [`Example`]s, usually from [`parse_jsonl`], which names the 1-based line
//! of anything malformed; [`train`] refuses input it cannot learn from (no examples, empty text, a
//! single label) with an error rather than producing a useless model.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{BufRead, Read};

use serde::{Deserialize, Serialize};

pub use crate::features::FeatureSet;
use crate::features::{self, Vocabulary, Weighting};
use crate::segment::Analysis;

/// Version of the byte format written by [`Model::to_bytes`]. Bump it whenever the layout, the
/// feature hashing or the feature extraction changes; [`Model::from_bytes`] refuses other versions
/// (the caller retrains), except [`FORMAT_V1`] and [`FORMAT_V2`].
///
/// Version 3 may extract the text's length ([`FeatureSet::length`]): a node built before it would
/// read such a model's header without the flag and score it on the wrong features, so it must
/// refuse the model (and keep the one it has) instead. Version 2 stores the weights quantized
/// ([`QuantizedRows`]); version 1 stored them as `f32`.
pub const FORMAT_VERSION: u32 = 3;

/// The quantized format before the length feature: the same bytes as version 3, with no model
/// extracting the length. Still read as it is.
pub const FORMAT_V2: u32 = 2;

/// The first byte format: the same features, `f32` weights. Still read, and quantized as it
/// loads, so a model stored before version 2 keeps routing; it is written back in the current
/// format.
pub const FORMAT_V1: u32 = 1;

/// Magic bytes that open a serialized model.
const MAGIC: &[u8; 8] = b"CLOOPNLP";

/// Longest JSONL line [`parse_jsonl`] accepts, in bytes (1 MiB). Longer lines are refused rather
/// than read into memory; a complaint is a few kilobytes at most.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How many labels a [`Prediction`] lists in [`Prediction::top`].
pub const TOP_LABELS: usize = 5;

/// One labelled text to learn from or evaluate on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// The complaint text (summary and content, as the caller chooses).
    pub text: String,
    /// The label to predict: a category, a department, anything.
    pub label: String,
}

impl Example {
    /// An example from anything string-like.
    pub fn new(text: impl Into<String>, label: impl Into<String>) -> Self {
        Self { text: text.into(), label: label.into() }
    }
}

/// Which linear model [`train`] fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Multinomial naive Bayes over counts: fast, a baseline, over-confident.
    NaiveBayes,
    /// Softmax logistic regression over TF-IDF: more accurate, calibrated confidence.
    LogisticRegression,
    /// Logistic regression and naive Bayes, log-probabilities mixed by
    /// [`TrainConfig::nb_weight`]: the most accurate.
    Ensemble,
}

/// Everything [`train`] needs besides the examples. `TrainConfig::default()` is the configuration
/// that was tuned on the training splits only, of two data sets so that it fits neither alone:
/// real Chinese complaints and English package descriptions routed to their sections. Of the
/// configurations tried, it has the best mean accuracy on the two hold-outs among those that
/// train 100,000 examples in well under a minute (BENCHMARKS.md, "Routing").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The model to fit.
    pub algorithm: Algorithm,
    /// The features to extract.
    pub features: FeatureSet,
    /// A feature is kept only if it occurs in at least this many training texts (≥ 1).
    pub min_df: u32,
    /// At most this many features are kept (those in the most texts), which bounds the model's
    /// size: 12 bytes per feature plus 4 per feature, label and part (the ensemble has two parts).
    pub max_features: usize,
    /// Every label needs at least this many examples (≥ 1), or training fails naming the label.
    pub min_examples_per_label: usize,
    /// Passes over the data (logistic regression).
    pub epochs: usize,
    /// Initial learning rate (logistic regression).
    pub learning_rate: f32,
    /// L2 regularisation strength λ (logistic regression).
    pub l2: f32,
    /// Additive smoothing α (naive Bayes).
    pub nb_alpha: f32,
    /// Weight of naive Bayes' log-probabilities in the ensemble, in `(0, 1)`; logistic regression
    /// gets the rest.
    pub nb_weight: f32,
    /// Seed for the order in which examples are visited (logistic regression).
    pub seed: u64,
    /// Fit a temperature for the confidence (see [`fit_temperature`]), so that a triage threshold
    /// of 0.6 means "right about 60 % of the time". Needs [`MIN_CALIBRATION_EXAMPLES`] in the
    /// held-out seventh, and [`MIN_CALIBRATION_MISTAKES`] among them; otherwise the model keeps
    /// its raw confidence. Never changes which label wins. Absent from the configuration of
    /// models trained before it existed (`false`).
    #[serde(default)]
    pub calibrate: bool,
}

/// Every how many examples one is held out to fit the temperature.
const CALIBRATION_EVERY: usize = 7;

/// Fewest held-out examples a temperature is fitted on.
pub const MIN_CALIBRATION_EXAMPLES: usize = 100;

/// Fewest wrong predictions among the held-out examples a temperature is fitted on. The fit
/// learns how sure the model should be from the cases it got wrong; with none, sharper is
/// always likelier and the fit runs to its bound (0.25), and with one or two it follows them.
/// The demo's category model, 98.6 % right on 105 held-out texts, got 3.32 from one demo
/// database and 0.25 from another: a rough guess, not a correction, so such a model now keeps
/// its raw confidence.
pub const MIN_CALIBRATION_MISTAKES: usize = 10;

/// Most examples the model that scores the held-out part is trained on. Calibrating trains a
/// second model; capped, it adds at most the time of this many examples (training on 100,000
/// takes about 1.5 times as long instead of twice), and a model of 50,000 examples is about as
/// sure of itself as one of more.
const MAX_CALIBRATION_FIT: usize = 50_000;

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::Ensemble,
            features: FeatureSet::ALL,
            min_df: 2,
            max_features: 300_000,
            min_examples_per_label: 1,
            epochs: 50,
            learning_rate: 0.1,
            l2: 1e-6,
            nb_alpha: 0.1,
            nb_weight: 0.02,
            seed: 20_261_122,
            calibrate: true,
        }
    }
}

impl TrainConfig {
    /// The naive-Bayes baseline over character 1–3-grams, every n-gram kept (the "plain character
    /// n-gram naive Bayes" that routing accuracy is compared with).
    pub fn naive_bayes_baseline() -> Self {
        Self {
            algorithm: Algorithm::NaiveBayes,
            features: FeatureSet::CHARS,
            min_df: 1,
            max_features: usize::MAX,
            calibrate: false,
            ..Self::default()
        }
    }

    fn uses_logistic(&self) -> bool {
        matches!(self.algorithm, Algorithm::LogisticRegression | Algorithm::Ensemble)
    }

    fn uses_naive_bayes(&self) -> bool {
        matches!(self.algorithm, Algorithm::NaiveBayes | Algorithm::Ensemble)
    }

    fn validate(&self) -> Result<(), TrainError> {
        let bad = |what: &str| Err(TrainError::InvalidConfig(what.to_owned()));
        if !self.features.is_valid() {
            return bad("the feature set extracts nothing or has character n-gram bounds outside 1..=5");
        }
        if self.min_df == 0 || self.min_examples_per_label == 0 || self.max_features == 0 {
            return bad("min_df, max_features and min_examples_per_label must be at least 1");
        }
        if self.uses_logistic() {
            if self.epochs == 0 || self.epochs > 1000 {
                return bad("epochs must be between 1 and 1000");
            }
            if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
                return bad("learning_rate must be a positive number");
            }
            if !(self.l2 >= 0.0 && self.l2 < 1.0) {
                return bad("l2 must be in [0, 1)");
            }
        }
        if self.uses_naive_bayes() && !(self.nb_alpha > 0.0 && self.nb_alpha.is_finite()) {
            return bad("nb_alpha must be a positive number");
        }
        if self.algorithm == Algorithm::Ensemble && !(self.nb_weight > 0.0 && self.nb_weight < 1.0) {
            return bad("nb_weight must be between 0 and 1");
        }
        Ok(())
    }
}

/// Why training data was refused. Line numbers are 1-based lines of the JSONL input; example
/// numbers are 1-based positions in the slice given to [`train`].
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// Reading the input failed.
    #[error("line {line}: could not read: {source}")]
    Io {
        /// The line being read.
        line: usize,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line is not valid UTF-8 (e.g. GBK-encoded).
    #[error("line {line}: not valid UTF-8 (convert the file to UTF-8 first)")]
    InvalidUtf8 {
        /// The offending line.
        line: usize,
    },
    /// A line is longer than [`MAX_LINE_BYTES`].
    #[error("line {line}: longer than {max} bytes")]
    LineTooLong {
        /// The offending line.
        line: usize,
        /// The limit.
        max: usize,
    },
    /// A line is not a JSON object with string fields `text` and `label`.
    #[error("line {line}: {message}")]
    Malformed {
        /// The offending line.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A line's `text` is missing, empty or only whitespace.
    #[error("line {line}: empty text")]
    EmptyText {
        /// The offending line.
        line: usize,
    },
    /// A line's `label` is missing, empty or only whitespace.
    #[error("line {line}: missing label")]
    MissingLabel {
        /// The offending line.
        line: usize,
    },
    /// An example given to [`train`] has an empty text.
    #[error("example {example}: empty text")]
    EmptyExampleText {
        /// 1-based position of the example.
        example: usize,
    },
    /// An example given to [`train`] has an empty label.
    #[error("example {example}: empty label")]
    EmptyExampleLabel {
        /// 1-based position of the example.
        example: usize,
    },
    /// There was nothing to train on.
    #[error("no training examples")]
    NoExamples,
    /// All examples carry the same label: there is nothing to decide.
    #[error("every example has the label {label:?}; at least two labels are needed")]
    SingleLabel {
        /// The only label.
        label: String,
    },
    /// A label has fewer examples than [`TrainConfig::min_examples_per_label`].
    #[error("label {label:?} has {count} examples; at least {min} are needed")]
    TooFewExamples {
        /// The label.
        label: String,
        /// How many examples it has.
        count: usize,
        /// The configured minimum.
        min: usize,
    },
    /// The configuration cannot work.
    #[error("invalid training configuration: {0}")]
    InvalidConfig(String),
    /// No feature occurs often enough to be kept (raise the data or lower `min_df`).
    #[error("no feature occurs in at least {min_df} texts")]
    NoFeatures {
        /// The configured `min_df`.
        min_df: u32,
    },
}

/// Why bytes could not be loaded as a [`Model`].
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The bytes do not start with the model magic number.
    #[error("not a Complaint Loop model")]
    BadMagic,
    /// The model was written in another format version; retrain.
    #[error("model format version {found} is not supported (this build reads version {supported}); retrain")]
    UnsupportedVersion {
        /// The version in the bytes.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// The bytes end early or their parts disagree in size.
    #[error("model bytes are truncated or inconsistent: {0}")]
    Corrupt(&'static str),
    /// The header is not valid JSON of the expected shape.
    #[error("model header: {0}")]
    Header(#[from] serde_json::Error),
}

/// Reads training or test examples from JSONL: one `{"text": "…", "label": "…"}` object a line,
/// UTF-8 (a byte-order mark on the first line is accepted). Blank lines are skipped; other fields
/// are ignored. The first malformed line stops the reading with an error naming it (1-based).
///
/// ```
/// use cloop_nlp::classifier::{parse_jsonl, TrainError};
/// let ok = parse_jsonl("{\"text\":\"快递太慢\",\"label\":\"物流\"}\n".as_bytes()).unwrap();
/// assert_eq!(ok[0].label, "物流");
/// let bad = parse_jsonl("{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"\",\"label\":\"x\"}\n".as_bytes());
/// assert!(matches!(bad, Err(TrainError::EmptyText { line: 2 })));
/// ```
pub fn parse_jsonl<R: BufRead>(mut reader: R) -> Result<Vec<Example>, TrainError> {
    #[derive(Deserialize)]
    struct Line {
        text: Option<serde_json::Value>,
        label: Option<serde_json::Value>,
    }

    let mut examples = Vec::new();
    let mut buf = Vec::new();
    let mut line = 0usize;
    loop {
        line += 1;
        buf.clear();
        // Read at most one byte past the limit so a huge line cannot exhaust memory.
        let read = Read::take(&mut reader, MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|source| TrainError::Io { line, source })?;
        if read == 0 {
            break;
        }
        if buf.len() > MAX_LINE_BYTES {
            return Err(TrainError::LineTooLong { line, max: MAX_LINE_BYTES });
        }
        let mut bytes = buf.as_slice();
        if line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| TrainError::InvalidUtf8 { line })?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(trimmed).map_err(|e| TrainError::Malformed {
            line,
            message: format!("not a JSON object with \"text\" and \"label\": {e}"),
        })?;
        let text = match parsed.text {
            None | Some(serde_json::Value::Null) => return Err(TrainError::EmptyText { line }),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => return Err(TrainError::EmptyText { line }),
            Some(serde_json::Value::String(s)) => s,
            Some(_) => return Err(TrainError::Malformed { line, message: "\"text\" must be a string".to_owned() }),
        };
        let label = match parsed.label {
            None | Some(serde_json::Value::Null) => return Err(TrainError::MissingLabel { line }),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => {
                return Err(TrainError::MissingLabel { line });
            }
            Some(serde_json::Value::String(s)) => s.trim().to_owned(),
            Some(_) => return Err(TrainError::Malformed { line, message: "\"label\" must be a string".to_owned() }),
        };
        examples.push(Example { text, label });
    }
    Ok(examples)
}

/// What the model says about one text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The most likely label.
    pub label: String,
    /// Its probability, in `[0, 1]`.
    pub confidence: f32,
    /// The [`TOP_LABELS`] most likely labels with their probabilities, best first (the first is
    /// `label`). Ties are broken by label order, so the list is deterministic.
    pub top: Vec<(String, f32)>,
}

/// Facts about a trained model, for display and for the database row that stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The byte format version it was written in.
    pub format_version: u32,
    /// The configuration it was trained with.
    pub config: TrainConfig,
    /// Its labels, sorted.
    pub labels: Vec<String>,
    /// How many examples it was trained on.
    pub examples: usize,
    /// How many examples each label had.
    pub examples_per_label: BTreeMap<String, usize>,
    /// How many feature columns it kept.
    pub features: usize,
    /// The temperature its confidence was calibrated with (1 when it was not; see
    /// [`TrainConfig::calibrate`]).
    #[serde(default = "one")]
    pub temperature: f32,
}

fn one() -> f32 {
    1.0
}

/// A trained linear text classifier. Share it behind an `Arc`; prediction takes `&self`.
#[derive(Clone)]
pub struct Model {
    info: ModelInfo,
    vocab: Vocabulary,
    /// One linear model per algorithm in use; their log-probabilities are mixed.
    parts: Vec<Part>,
    /// Every part's weights, one row per feature: all that one feature contributes to every part
    /// lies together, so prediction reads one place per feature (the weights of a large
    /// vocabulary do not stay in cache, and two parts apart cost two misses).
    weights: QuantizedRows,
}

/// The weights of every part, one row of bytes per feature: for each part a scale (`f32` LE)
/// and one `i8` per label, the weight being `scale × i8`.
///
/// Why quantized: prediction is bound by memory, not arithmetic. A text reads a few hundred
/// rows scattered over the model, nearly every one a cache miss, and with `f32` weights two
/// models (category and department) took 50 MB that no cache holds. At 28 bytes a row instead
/// of 80 (ten labels, two parts) most rows are one cache line and both models fit the shared L3.
///
/// Each part's row is centred on its mean before it is scaled: adding the same amount to one
/// feature's weight for every label adds the same amount to every label's score, which the
/// softmax ignores, and the centred row needs a smaller scale, so the rounding error is smaller.
/// On the routing test split the quantized model scores what the `f32` one did
/// (BENCHMARKS.md, "Routing").
#[derive(Clone)]
struct QuantizedRows {
    bytes: Vec<u8>,
    /// Labels per part.
    k: usize,
    /// Bytes per feature: `parts × (4 + k)`.
    width: usize,
}

impl QuantizedRows {
    /// Quantizes each part's `features × labels` weights (row-major), interleaving the parts.
    fn quantize(parts: &[Vec<f32>], d: usize, k: usize) -> Self {
        let width = parts.len() * (4 + k);
        let mut bytes = Vec::with_capacity(d * width);
        let mut centred = vec![0f32; k];
        for col in 0..d {
            for w in parts {
                let row = &w[col * k..col * k + k];
                let mean = (row.iter().map(|&x| f64::from(x)).sum::<f64>() / k as f64) as f32;
                for (c, &x) in centred.iter_mut().zip(row) {
                    *c = x - mean;
                }
                let max = centred.iter().fold(0f32, |m, &x| m.max(x.abs()));
                let scale = if max > 0.0 && max.is_finite() { max / 127.0 } else { 0.0 };
                bytes.extend_from_slice(&scale.to_le_bytes());
                for &c in &centred {
                    let q = if scale > 0.0 { (c / scale).round().clamp(-127.0, 127.0) as i8 } else { 0 };
                    bytes.push(q as u8);
                }
            }
        }
        Self { bytes, k, width }
    }

    /// Reads the first byte of each of `cols`' rows, so that their cache misses overlap: in
    /// this loop each read is independent of the one before and the processor runs dozens
    /// ahead, where the scoring loop's long body lets only a few rows be in flight at once
    /// and each costs a full trip to memory (it was two thirds of prediction's time).
    #[inline]
    fn touch(&self, cols: impl Iterator<Item = usize>) {
        let mut acc = 0u8;
        for col in cols {
            acc ^= self.bytes[col * self.width];
        }
        std::hint::black_box(acc);
    }

    /// The row of feature column `col`.
    #[inline]
    fn row(&self, col: usize) -> &[u8] {
        &self.bytes[col * self.width..(col + 1) * self.width]
    }

    /// Part `p`'s scale and quantized weights within a row.
    #[inline]
    fn part<'a>(&self, row: &'a [u8], p: usize) -> (f32, &'a [u8]) {
        let at = p * (4 + self.k);
        let scale = f32::from_le_bytes([row[at], row[at + 1], row[at + 2], row[at + 3]]);
        (scale, &row[at + 4..at + 4 + self.k])
    }

    /// The weight of feature `col` for `label` in part `p`, as prediction uses it.
    #[cfg(test)]
    fn weight(&self, col: usize, p: usize, label: usize) -> f32 {
        let (scale, q) = self.part(self.row(col), p);
        scale * f32::from(q[label] as i8)
    }
}

/// One linear model over the shared vocabulary (its weights are in [`Model::weights`]).
#[derive(Clone)]
struct Part {
    /// How feature counts become the values this part's weights multiply.
    weighting: Weighting,
    /// Weight of this part's log-probabilities in the mix.
    mix: f32,
    /// One intercept per label.
    bias: Vec<f32>,
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("algorithm", &self.info.config.algorithm)
            .field("labels", &self.info.labels)
            .field("examples", &self.info.examples)
            .field("features", &self.vocab.len())
            .field("parts", &self.parts.len())
            .finish_non_exhaustive()
    }
}

/// Trains a model on `examples` with `config`. Deterministic for a given input and seed.
///
/// Fails, without a model, on no examples, an empty text or label (naming the example), a single
/// label overall, a label below [`TrainConfig::min_examples_per_label`], or an unusable
/// configuration.
pub fn train(examples: &[Example], config: &TrainConfig) -> Result<Model, TrainError> {
    config.validate()?;
    if examples.is_empty() {
        return Err(TrainError::NoExamples);
    }
    let mut per_label: BTreeMap<String, usize> = BTreeMap::new();
    for (i, ex) in examples.iter().enumerate() {
        if ex.text.trim().is_empty() {
            return Err(TrainError::EmptyExampleText { example: i + 1 });
        }
        if ex.label.trim().is_empty() {
            return Err(TrainError::EmptyExampleLabel { example: i + 1 });
        }
        *per_label.entry(ex.label.clone()).or_insert(0) += 1;
    }
    if per_label.len() == 1 {
        let label = per_label.into_keys().next().unwrap_or_default();
        return Err(TrainError::SingleLabel { label });
    }
    if let Some((label, &count)) = per_label.iter().find(|&(_, &n)| n < config.min_examples_per_label) {
        return Err(TrainError::TooFewExamples { label: label.clone(), count, min: config.min_examples_per_label });
    }
    let labels: Vec<String> = per_label.keys().cloned().collect();
    let label_index: BTreeMap<&str, usize> = labels.iter().enumerate().map(|(i, l)| (l.as_str(), i)).collect();
    let targets: Vec<usize> = examples.iter().map(|ex| label_index[ex.label.as_str()]).collect();

    let ids: Vec<Vec<u64>> = examples
        .iter()
        .map(|ex| {
            let mut out = Vec::new();
            features::extract(&Analysis::of(&ex.text), &config.features, &mut out);
            out
        })
        .collect();
    let vocab = Vocabulary::build(&ids, config.min_df, config.max_features);
    if vocab.len() == 0 {
        return Err(TrainError::NoFeatures { min_df: config.min_df });
    }
    // Consuming the ids frees each document's list as soon as it has become a sparse row.
    let mut rows: Vec<Vec<(u32, f32)>> = ids.into_iter().map(|doc| vocab.counts(&doc)).collect();
    let (k, d) = (labels.len(), vocab.len());

    let mut parts = Vec::new();
    let mut part_weights = Vec::new();
    if config.uses_naive_bayes() {
        let (weights, bias) = fit_naive_bayes(&rows, &targets, k, d, config.nb_alpha);
        let mix = if config.algorithm == Algorithm::Ensemble { config.nb_weight } else { 1.0 };
        parts.push(Part { weighting: Weighting::Counts, mix, bias });
        part_weights.push(weights);
    }
    if config.uses_logistic() {
        for row in &mut rows {
            vocab.weigh(row, Weighting::SublinearTfIdfL2);
        }
        let (weights, bias) = fit_logistic(&rows, &targets, k, d, config);
        let mix = if config.algorithm == Algorithm::Ensemble { 1.0 - config.nb_weight } else { 1.0 };
        parts.insert(0, Part { weighting: Weighting::SublinearTfIdfL2, mix, bias });
        part_weights.insert(0, weights);
    }
    let weights = QuantizedRows::quantize(&part_weights, d, k);
    let info = ModelInfo {
        format_version: FORMAT_VERSION,
        config: config.clone(),
        labels,
        examples: examples.len(),
        examples_per_label: per_label,
        features: vocab.len(),
        temperature: 1.0,
    };
    let mut model = Model { info, vocab, parts, weights };
    if config.calibrate
        && let Some(t) = calibration_temperature(examples, config)
    {
        // Dividing every part's mix divides the mixed logits: the softmax of `z / t`.
        for part in &mut model.parts {
            part.mix /= t;
        }
        model.info.temperature = t;
    }
    Ok(model)
}

/// The temperature for a model trained on `examples`: a model trained the same way on six
/// sevenths of them (at most [`MAX_CALIBRATION_FIT`]) scores the seventh it did not see, and
/// [`fit_temperature`] fits its logits.
/// `None` when the held-out part is too small, when the smaller model gets fewer than
/// [`MIN_CALIBRATION_MISTAKES`] of it wrong, or when it cannot be trained.
fn calibration_temperature(examples: &[Example], config: &TrainConfig) -> Option<f32> {
    let held_out = |i: usize| i % CALIBRATION_EVERY == CALIBRATION_EVERY - 1;
    if examples.len() / CALIBRATION_EVERY < MIN_CALIBRATION_EXAMPLES {
        return None;
    }
    let fit: Vec<Example> = examples
        .iter()
        .enumerate()
        .filter(|&(i, _)| !held_out(i))
        .map(|(_, e)| e.clone())
        .take(MAX_CALIBRATION_FIT)
        .collect();
    let model = train(&fit, &TrainConfig { calibrate: false, ..config.clone() }).ok()?;
    let scored: Vec<(Vec<f32>, usize)> = examples
        .iter()
        .enumerate()
        .filter(|&(i, _)| held_out(i))
        .filter_map(|(_, e)| {
            let label = model.info.labels.iter().position(|l| *l == e.label)?;
            Some((model.logits_analyzed(&Analysis::of(&e.text)), label))
        })
        .collect();
    let mistakes = scored.iter().filter(|(z, y)| argmax(z) != *y).count();
    (scored.len() >= MIN_CALIBRATION_EXAMPLES && mistakes >= MIN_CALIBRATION_MISTAKES).then(|| fit_temperature(&scored))
}

/// The index of the largest logit (the first of equals: the label [`Model::predict`] picks).
fn argmax(z: &[f32]) -> usize {
    z.iter().enumerate().fold(0, |best, (i, &v)| if v > z[best] { i } else { best })
}

/// The temperature `t` that minimises the negative log-likelihood of the right labels under
/// `softmax(logits / t)` (temperature scaling, Guo et al. 2017). The likelihood is convex in
/// `1 / t`, so a golden-section search over `1 / t` in `[0.1, 4]` finds it; `t` is kept in
/// `[0.25, 10]`. A model whose confidence runs ahead of its accuracy gets `t > 1`.
pub fn fit_temperature(scored: &[(Vec<f32>, usize)]) -> f32 {
    let nll = |beta: f64| {
        scored
            .iter()
            .map(|(z, y)| {
                let max = z.iter().map(|&v| f64::from(v) * beta).fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = z.iter().map(|&v| (f64::from(v) * beta - max).exp()).sum();
                max + sum.ln() - f64::from(z[*y]) * beta
            })
            .sum::<f64>()
    };
    let (mut lo, mut hi) = (0.1f64, 4.0f64);
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
    let (mut fa, mut fb) = (nll(a), nll(b));
    for _ in 0..60 {
        if fa <= fb {
            hi = b;
            (b, fb) = (a, fa);
            a = hi - ratio * (hi - lo);
            fa = nll(a);
        } else {
            lo = a;
            (a, fa) = (b, fb);
            b = lo + ratio * (hi - lo);
            fb = nll(b);
        }
    }
    ((1.0 / ((lo + hi) / 2.0)) as f32).clamp(0.25, 10.0)
}

/// Multinomial naive Bayes: weight = ln P(feature | label), bias = ln P(label).
fn fit_naive_bayes(
    rows: &[Vec<(u32, f32)>],
    targets: &[usize],
    k: usize,
    d: usize,
    alpha: f32,
) -> (Vec<f32>, Vec<f32>) {
    let mut counts = vec![0f64; d * k];
    let mut totals = vec![0f64; k];
    let mut docs = vec![0usize; k];
    for (row, &y) in rows.iter().zip(targets) {
        docs[y] += 1;
        for &(col, v) in row {
            counts[col as usize * k + y] += f64::from(v);
            totals[y] += f64::from(v);
        }
    }
    let alpha = f64::from(alpha);
    let denom: Vec<f64> = totals.iter().map(|t| (t + alpha * d as f64).ln()).collect();
    let weights = counts.iter().enumerate().map(|(i, c)| ((c + alpha).ln() - denom[i % k]) as f32).collect();
    let n = rows.len() as f64;
    let bias = docs.iter().map(|&m| (m as f64 / n).ln() as f32).collect();
    (weights, bias)
}

/// Softmax regression by SGD with L2, the learning rate decaying as `η₀ / (1 + η₀ λ t)`. The L2
/// shrinkage of all weights at every step is applied lazily through a common scale factor, so a
/// step costs only the example's non-zeros times the number of labels.
fn fit_logistic(
    rows: &[Vec<(u32, f32)>],
    targets: &[usize],
    k: usize,
    d: usize,
    config: &TrainConfig,
) -> (Vec<f32>, Vec<f32>) {
    let mut v = vec![0f32; d * k];
    let mut bias = vec![0f32; k];
    let mut scale = 1f64;
    let lambda = f64::from(config.l2);
    let eta0 = f64::from(config.learning_rate);
    let mut rng = SplitMix64(config.seed);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut scores = vec![0f32; k];
    let mut t = 0f64;
    for _ in 0..config.epochs {
        // Fisher–Yates with our own generator: the order, and so the model, depends on the seed only.
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &i in &order {
            let eta = eta0 / (1.0 + eta0 * lambda * t);
            t += 1.0;
            let row = &rows[i];
            scores.copy_from_slice(&bias);
            let s = scale as f32;
            for &(col, x) in row {
                let w = &v[col as usize * k..col as usize * k + k];
                let xs = x * s;
                for (score, &wk) in scores.iter_mut().zip(w) {
                    *score += wk * xs;
                }
            }
            softmax_in_place(&mut scores);
            // scores now hold probabilities; the gradient of the loss w.r.t. score k is p_k − y_k.
            scores[targets[i]] -= 1.0;
            scale *= 1.0 - eta * lambda;
            let step = (eta / scale) as f32;
            for &(col, x) in row {
                let w = &mut v[col as usize * k..col as usize * k + k];
                let xs = x * step;
                for (wk, &g) in w.iter_mut().zip(scores.iter()) {
                    *wk -= g * xs;
                }
            }
            let eta = eta as f32;
            for (b, &g) in bias.iter_mut().zip(scores.iter()) {
                *b -= eta * g;
            }
            if scale < 1e-6 {
                let s = scale as f32;
                v.iter_mut().for_each(|w| *w *= s);
                scale = 1.0;
            }
        }
    }
    let s = scale as f32;
    v.iter_mut().for_each(|w| *w *= s);
    (v, bias)
}

/// Replaces scores by their softmax, stably.
fn softmax_in_place(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0f32;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        sum += *s;
    }
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

/// SplitMix64: a tiny, well-mixed generator; enough to shuffle, and stable across platforms.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The JSON header of the byte format; the arrays follow it in binary.
#[derive(Serialize, Deserialize)]
struct Header {
    info: ModelInfo,
    parts: Vec<PartHeader>,
}

/// What the header says about one part; its weights follow in the binary section.
#[derive(Serialize, Deserialize)]
struct PartHeader {
    weighting: Weighting,
    mix: f32,
}

impl Model {
    /// Classifies `text`: the most likely label, its probability and the runners-up. Never fails;
    /// a text with no known features gets the label the intercepts favour, with low confidence.
    pub fn predict(&self, text: &str) -> Prediction {
        self.predict_analyzed(&Analysis::of(text))
    }

    /// [`Model::predict`] for a text already analysed, which other models and the near-duplicate
    /// fingerprint can share.
    pub fn predict_analyzed(&self, text: &Analysis) -> Prediction {
        let probs = self.probabilities_analyzed(text);
        let mut ranked: Vec<(usize, f32)> = probs.into_iter().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(TOP_LABELS);
        let top: Vec<(String, f32)> = ranked.iter().map(|&(i, p)| (self.info.labels[i].clone(), p)).collect();
        Prediction { label: top[0].0.clone(), confidence: top[0].1, top }
    }

    /// The probability of every label for `text`, in the order of [`Model::labels`].
    pub fn probabilities(&self, text: &str) -> Vec<f32> {
        self.probabilities_analyzed(&Analysis::of(text))
    }

    fn probabilities_analyzed(&self, text: &Analysis) -> Vec<f32> {
        let mut mixed = self.logits_analyzed(text);
        softmax_in_place(&mut mixed);
        mixed
    }

    /// The mixed scores whose softmax is the labels' probabilities.
    fn logits_analyzed(&self, text: &Analysis) -> Vec<f32> {
        let mut ids = Vec::new();
        features::extract(text, &self.info.config.features, &mut ids);
        let counts = self.vocab.counts(&ids);
        let tf_idf = self.parts.iter().any(|p| p.weighting == Weighting::SublinearTfIdfL2).then(|| {
            let mut row = counts.clone();
            self.vocab.weigh(&mut row, Weighting::SublinearTfIdfL2);
            row
        });
        // Every part's scores (logits), side by side as the weights are.
        let k = self.info.labels.len();
        let mut scores: Vec<f32> = self.parts.iter().flat_map(|p| p.bias.iter().copied()).collect();
        self.weights.touch(counts.iter().map(|&(col, _)| col as usize));
        for (i, &(col, count)) in counts.iter().enumerate() {
            let row = self.weights.row(col as usize);
            for (p, part) in self.parts.iter().enumerate() {
                let x = match (part.weighting, &tf_idf) {
                    (Weighting::SublinearTfIdfL2, Some(t)) => t[i].1,
                    _ => count,
                };
                let (scale, q) = self.weights.part(row, p);
                let step = scale * x;
                for (score, &q) in scores[p * k..(p + 1) * k].iter_mut().zip(q) {
                    *score += step * f32::from(q as i8);
                }
            }
        }
        // A weighted product of experts: the mix of the parts' log-probabilities, renormalised.
        // Each part's log-normaliser is the same for every label, so it cancels in the softmax
        // and the logits can be mixed directly.
        let mut mixed = vec![0f32; k];
        for (p, part) in self.parts.iter().enumerate() {
            for (m, s) in mixed.iter_mut().zip(&scores[p * k..(p + 1) * k]) {
                *m += part.mix * s;
            }
        }
        mixed
    }

    /// The same model with its confidence divided by temperature `t` instead (1: raw), as
    /// calibration would have left it: for scoring a model trained on part of the examples with
    /// the temperature the whole set was calibrated to.
    pub fn with_temperature(mut self, t: f32) -> Model {
        let t = if t.is_finite() && t > 0.0 { t } else { 1.0 };
        let ratio = self.info.temperature / t;
        for part in &mut self.parts {
            part.mix *= ratio;
        }
        self.info.temperature = t;
        self
    }

    /// The labels the model chooses among, sorted.
    pub fn labels(&self) -> &[String] {
        &self.info.labels
    }

    /// What the model is and what it was trained on.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Serializes the model: the magic `CLOOPNLP`, the format version (`u32` little-endian), the
    /// length of a JSON header (`u32` LE), the header ([`ModelInfo`] and how each linear part weighs
    /// features and is mixed), then the feature ids (`u64` LE), their idf (`f32` LE), the weight
    /// rows as prediction reads them (per feature, per part: a scale `f32` LE and one `i8` per
    /// label; see [`QuantizedRows`]), and each part's intercepts (`f32` LE).
    pub fn to_bytes(&self) -> Vec<u8> {
        let parts = self.parts.iter().map(|p| PartHeader { weighting: p.weighting, mix: p.mix }).collect();
        let info = ModelInfo { format_version: FORMAT_VERSION, ..self.info.clone() };
        let header = serde_json::to_vec(&Header { info, parts }).expect("the model header serializes");
        let floats = self.vocab.idf.len() + self.parts.iter().map(|p| p.bias.len()).sum::<usize>();
        let mut out =
            Vec::with_capacity(16 + header.len() + self.vocab.keys.len() * 8 + floats * 4 + self.weights.bytes.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        for key in &self.vocab.keys {
            out.extend_from_slice(&key.to_le_bytes());
        }
        for x in &self.vocab.idf {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out.extend_from_slice(&self.weights.bytes);
        for x in self.parts.iter().flat_map(|p| &p.bias) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    }

    /// Loads a model written by [`Model::to_bytes`], checking the magic, the version and that
    /// every part has the size the header announces.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut r = Reader(bytes);
        if r.take(MAGIC.len())? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let version = r.u32()?;
        if ![FORMAT_VERSION, FORMAT_V2, FORMAT_V1].contains(&version) {
            return Err(ModelError::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
        }
        let header_len = r.u32()? as usize;
        let header: Header = serde_json::from_slice(r.take(header_len)?)?;
        let d = header.info.features;
        let k = header.info.labels.len();
        let n_parts = header.parts.len();
        if k < 2 || d == 0 || n_parts == 0 || header.info.format_version != version {
            return Err(ModelError::Corrupt("header describes an empty model"));
        }
        // Keys and idf, then (version 1) every part's f32 weights and biases, or (version 2) the
        // quantized rows and then every part's biases.
        let weight_bytes = if version == FORMAT_V1 {
            d.checked_mul(k).and_then(|w| w.checked_mul(n_parts)).and_then(|w| w.checked_mul(4))
        } else {
            d.checked_mul(n_parts * (4 + k))
        };
        let expected =
            weight_bytes.and_then(|w| w.checked_add(d.checked_mul(12)?)).and_then(|w| w.checked_add(n_parts * k * 4));
        if expected != Some(r.0.len()) {
            return Err(ModelError::Corrupt("array sizes do not match the header"));
        }
        let keys: Vec<u64> = (0..d).map(|_| r.u64()).collect::<Result<_, _>>()?;
        if keys.windows(2).any(|w| w[0] >= w[1]) {
            return Err(ModelError::Corrupt("feature ids are not sorted"));
        }
        let idf: Vec<f32> = (0..d).map(|_| r.f32()).collect::<Result<_, _>>()?;
        let mut biases = Vec::with_capacity(n_parts);
        let weights = if version == FORMAT_V1 {
            let mut part_weights = Vec::with_capacity(n_parts);
            for _ in 0..n_parts {
                part_weights.push((0..d * k).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?);
                biases.push((0..k).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?);
            }
            QuantizedRows::quantize(&part_weights, d, k)
        } else {
            let bytes = r.take(d * n_parts * (4 + k))?.to_vec();
            for _ in 0..n_parts {
                biases.push((0..k).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?);
            }
            QuantizedRows { bytes, k, width: n_parts * (4 + k) }
        };
        let parts = header
            .parts
            .into_iter()
            .zip(biases)
            .map(|(part, bias)| Part { weighting: part.weighting, mix: part.mix, bias })
            .collect();
        let info = ModelInfo { format_version: FORMAT_VERSION, ..header.info };
        Ok(Self { info, vocab: Vocabulary::from_parts(keys, idf), parts, weights })
    }
}

/// A cursor over model bytes that fails instead of panicking when they run out.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if self.0.len() < n {
            return Err(ModelError::Corrupt("unexpected end of bytes"));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_le_bytes(self.array()?))
    }
}

/// Every distinct label of `examples`, sorted.
pub fn labels_of(examples: &[Example]) -> Vec<String> {
    examples.iter().map(|e| e.label.clone()).collect::<BTreeSet<_>>().into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_model() -> Model {
        let examples: Vec<Example> = ["退款 没到账", "退款 太慢", "快递 丢了", "快递 太慢", "屏幕 坏了", "屏幕 碎了"]
            .iter()
            .zip(["refund", "refund", "delivery", "delivery", "quality", "quality"])
            .map(|(t, l)| Example::new(*t, l))
            .collect();
        let config = TrainConfig { min_df: 1, epochs: 3, ..TrainConfig::default() };
        train(&examples, &config).unwrap()
    }

    /// The current format's bytes (laid out as version 2's): the keys, the idf, the quantized rows
    /// as they are in memory, then each part's biases.
    #[test]
    fn the_bytes_hold_the_rows_as_prediction_reads_them() {
        let model = small_model();
        let (d, k, parts) = (model.vocab.len(), model.info.labels.len(), model.parts.len());
        assert_eq!((k, parts), (3, 2));
        let bytes = model.to_bytes();
        let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
        let rows_at = 16 + header_len + d * 12;
        let width = parts * (4 + k);
        assert_eq!(&bytes[rows_at..rows_at + d * width], model.weights.bytes.as_slice());
        let float = |at: usize| f32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        for p in 0..parts {
            for label in 0..k {
                assert_eq!(float(rows_at + d * width + (p * k + label) * 4), model.parts[p].bias[label]);
            }
        }
        assert_eq!(bytes.len(), rows_at + d * width + parts * k * 4);
    }

    /// A quantized weight is the original less its row's mean (the same for every label), up to
    /// half a step.
    #[test]
    fn quantized_rows_keep_the_weights_up_to_a_shift_and_half_a_step() {
        let k = 4;
        let a = vec![-12.5f32, -9.0, -14.25, -10.0, 0.0, 0.0, 0.0, 0.0];
        let b = vec![0.3f32, -0.7, 0.05, 0.35, 1e-3, -1e-3, 0.0, 2e-3];
        let rows = QuantizedRows::quantize(&[a.clone(), b.clone()], 2, k);
        assert_eq!(rows.width, 2 * (4 + k));
        for (p, w) in [a, b].iter().enumerate() {
            for col in 0..2 {
                let original = &w[col * k..col * k + k];
                let got: Vec<f32> = (0..k).map(|l| rows.weight(col, p, l)).collect();
                let shift = original.iter().sum::<f32>() / k as f32;
                let step = rows.part(rows.row(col), p).0;
                for (o, g) in original.iter().zip(&got) {
                    assert!((o - g - shift).abs() <= step * 0.5 + 1e-6, "part {p} col {col}: {original:?} → {got:?}");
                }
            }
        }
        // A row of equal weights says nothing about the label: all zero, scale zero.
        let flat = QuantizedRows::quantize(&[vec![-3.0f32; k]], 1, k);
        assert_eq!(flat.bytes, [0u8; 4 + 4]);
    }

    /// Labels drawn from known probabilities, scored by a model whose logits are those of the
    /// truth times `sharpen`: the fitted temperature undoes the sharpening.
    #[test]
    fn the_fitted_temperature_undoes_over_confidence() {
        let mut rng = SplitMix64(42);
        let mut uniform = || (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
        let truth: Vec<(Vec<f64>, usize)> = (0..4000)
            .map(|_| {
                let u: Vec<f64> = (0..4).map(|_| (uniform() - 0.5) * 4.0).collect();
                let total: f64 = u.iter().map(|v| v.exp()).sum();
                let (mut r, mut y) = (uniform() * total, 3);
                for (i, v) in u.iter().enumerate() {
                    if r < v.exp() {
                        y = i;
                        break;
                    }
                    r -= v.exp();
                }
                (u, y)
            })
            .collect();
        for (sharpen, lo, hi) in [(3.0, 2.6, 3.4), (1.0, 0.9, 1.1), (0.5, 0.43, 0.57)] {
            let scored: Vec<(Vec<f32>, usize)> =
                truth.iter().map(|(u, y)| (u.iter().map(|v| (v * sharpen) as f32).collect(), *y)).collect();
            let t = fit_temperature(&scored);
            assert!((lo..=hi).contains(&t), "sharpened {sharpen}: fitted {t}");
        }
    }

    /// Calibration changes the confidence, never the label, and is skipped on small data and on
    /// data the model gets (nearly) all right.
    #[test]
    fn calibration_keeps_every_prediction_and_needs_enough_examples() {
        let words = [("退款", "refund"), ("快递", "delivery"), ("屏幕", "quality"), ("客服", "service")];
        let filler = ["今天", "还是", "一直", "没有", "问题", "处理", "已经", "非常"];
        let mut rng = SplitMix64(7);
        let examples: Vec<Example> = (0..1400)
            .map(|i| {
                let (word, label) = words[i % 4];
                // One text in five names another label's word too: the labels overlap.
                let other = words[(rng.next() % 4) as usize].0;
                let a = filler[(rng.next() % 8) as usize];
                let b = filler[(rng.next() % 8) as usize];
                let text =
                    if rng.next().is_multiple_of(5) { format!("{a}{word}{other}{b}") } else { format!("{a}{word}{b}") };
                // And one in ten was filed under a wrong label, as people do: mistakes to learn
                // the confidence from.
                let label = if rng.next().is_multiple_of(10) { words[(rng.next() % 4) as usize].1 } else { label };
                Example::new(text, label)
            })
            .collect();
        let config = TrainConfig { epochs: 5, ..TrainConfig::default() };
        let calibrated = train(&examples, &config).unwrap();
        let raw = train(&examples, &TrainConfig { calibrate: false, ..config.clone() }).unwrap();
        assert_ne!(calibrated.info().temperature, 1.0);
        assert_eq!(raw.info().temperature, 1.0);
        for text in ["退款没有到", "快递还是没到", "屏幕问题", "客服退款", "快递屏幕", "今天"]
        {
            let (c, r) = (calibrated.predict(text), raw.predict(text));
            assert_eq!(c.label, r.label, "{text}");
        }
        let reloaded = Model::from_bytes(&calibrated.to_bytes()).unwrap();
        assert_eq!(reloaded.predict("客服退款"), calibrated.predict("客服退款"));
        // The raw model given the calibrated model's temperature speaks as it does, and back.
        let t = calibrated.info().temperature;
        let recalibrated = raw.clone().with_temperature(t);
        let uncalibrated = calibrated.clone().with_temperature(1.0);
        for text in ["退款没有到", "快递屏幕", "今天"] {
            let (a, b) = (recalibrated.predict(text), calibrated.predict(text));
            assert_eq!(a.label, b.label, "{text}");
            assert!((a.confidence - b.confidence).abs() < 1e-4, "{text}: {} against {}", a.confidence, b.confidence);
            let (c, r) = (uncalibrated.predict(text), raw.predict(text));
            assert!((c.confidence - r.confidence).abs() < 1e-4, "{text}: {} against {}", c.confidence, r.confidence);
        }
        assert_eq!(recalibrated.info().temperature, t);
        // Fewer than MIN_CALIBRATION_EXAMPLES held out: the raw confidence is kept.
        let small = train(&examples[..MIN_CALIBRATION_EXAMPLES * CALIBRATION_EVERY - 1], &config).unwrap();
        assert_eq!(small.info().temperature, 1.0);
        // Enough held out, but every label's word alone decides it: no mistakes to learn from,
        // and the raw confidence is kept instead of a temperature at the fit's bound.
        let clear: Vec<Example> = examples
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let (word, label) = words[i % 4];
                Example::new(format!("{}{word}", filler[(i / 4) % 8]), label)
            })
            .collect();
        let clear_model = train(&clear, &config).unwrap();
        assert_eq!(clear_model.info().temperature, 1.0);
        assert_eq!(clear_model.predict("快递还是没到").label, words.iter().find(|w| w.0 == "快递").unwrap().1);
    }

    /// A version 2 model, written before the length feature, loads with its features as they
    /// were and predicts exactly what it did.
    #[test]
    fn a_version_2_model_still_loads_without_the_length() {
        let examples: Vec<Example> = ["退款 没到账", "退款 太慢", "快递 丢了", "快递 太慢", "屏幕 坏了", "屏幕 碎了"]
            .iter()
            .zip(["refund", "refund", "delivery", "delivery", "quality", "quality"])
            .map(|(t, l)| Example::new(*t, l))
            .collect();
        let features = FeatureSet { length: false, ..FeatureSet::ALL };
        let model =
            train(&examples, &TrainConfig { min_df: 1, epochs: 3, features, ..TrainConfig::default() }).unwrap();
        // As version 2 wrote it: the version, and a header without the `length` flag.
        let bytes = model.to_bytes();
        let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
        let header = std::str::from_utf8(&bytes[16..16 + header_len]).unwrap();
        let old_header = header
            .replace(&format!("\"format_version\":{FORMAT_VERSION}"), &format!("\"format_version\":{FORMAT_V2}"))
            .replace(",\"length\":false", "");
        assert!(!old_header.contains("length") && old_header.contains(&format!("\"format_version\":{FORMAT_V2}")));
        let mut v2 = Vec::new();
        v2.extend_from_slice(MAGIC);
        v2.extend_from_slice(&FORMAT_V2.to_le_bytes());
        v2.extend_from_slice(&(old_header.len() as u32).to_le_bytes());
        v2.extend_from_slice(old_header.as_bytes());
        v2.extend_from_slice(&bytes[16 + header_len..]);
        let loaded = Model::from_bytes(&v2).unwrap();
        assert!(!loaded.info().config.features.length);
        for text in ["退款 没到账", "快递 太慢", "完全无关的一句很长很长的话"] {
            assert_eq!(loaded.probabilities(text), model.probabilities(text), "{text}");
        }
    }

    /// A version 1 model (f32 weights) still loads, predicts what it predicted before up to the
    /// rounding, and is written back in the current format.
    #[test]
    fn a_version_1_model_still_loads() {
        let model = small_model();
        let (d, k, n_parts) = (model.vocab.len(), model.info.labels.len(), model.parts.len());
        // Version 1's layout, from the weights as prediction sees them.
        let parts = model.parts.iter().map(|p| PartHeader { weighting: p.weighting, mix: p.mix }).collect();
        let info = ModelInfo { format_version: FORMAT_V1, ..model.info.clone() };
        let header = serde_json::to_vec(&Header { info, parts }).unwrap();
        let mut v1 = Vec::new();
        v1.extend_from_slice(MAGIC);
        v1.extend_from_slice(&FORMAT_V1.to_le_bytes());
        v1.extend_from_slice(&(header.len() as u32).to_le_bytes());
        v1.extend_from_slice(&header);
        for key in &model.vocab.keys {
            v1.extend_from_slice(&key.to_le_bytes());
        }
        for x in &model.vocab.idf {
            v1.extend_from_slice(&x.to_le_bytes());
        }
        for p in 0..n_parts {
            for col in 0..d {
                for label in 0..k {
                    v1.extend_from_slice(&model.weights.weight(col, p, label).to_le_bytes());
                }
            }
            for x in &model.parts[p].bias {
                v1.extend_from_slice(&x.to_le_bytes());
            }
        }
        let loaded = Model::from_bytes(&v1).unwrap();
        assert_eq!(loaded.info(), model.info());
        for text in ["退款 没到账", "快递 太慢", "屏幕 碎了", "完全无关"] {
            let (a, b) = (model.probabilities(text), loaded.probabilities(text));
            assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-3), "{text}: {a:?} vs {b:?}");
        }
        assert_eq!(u32::from_le_bytes(loaded.to_bytes()[8..12].try_into().unwrap()), FORMAT_VERSION);
    }
}
