//! Complaint Loop's text processing (DESIGN §4): Chinese and English word segmentation, keyword
//! extraction for hot words, a text classifier trained on an organisation's own labelled
//! complaints, its evaluation, and near-duplicate fingerprints.
//!
//! Everything here is pure computation over text: no IO beyond the reader handed to
//! [`classifier::parse_jsonl`], no database, no async. The server stores what this crate produces
//! (segmented `search_text`, serialized models, fingerprints) and calls it on intake; the CLI and
//! `bench/` train and evaluate with it.
//!
//! - [`segment`]: tokens, the full-text `search_text` and query terms.
//! - [`keywords`]: TF-IDF keywords of a text and hot words of many.
//! - [`classifier`]: training, prediction with confidence, model bytes.
//! - [`eval`]: accuracy, macro-F1, per-label scores, confusion matrix, latency.
//! - [`near_dup`]: SimHash fingerprints for repeat complaints.
//! - [`rules`]: admin-editable keyword rules (routing and risk words).
//! - [`backtest`]: a rule tried on complaints already handled, before it is saved.

pub mod backtest;
pub mod classifier;
pub mod eval;
mod features;
pub mod keywords;
pub mod near_dup;
pub mod rules;
pub mod segment;

pub use classifier::{Example, Model, Prediction, TrainConfig, TrainError, parse_jsonl, train};
pub use eval::{Report, evaluate};
