//! Bilingual user-facing text. Chinese is the source language; every message the product shows a
//! person exists in zh-CN and en so that the edge can answer in the caller's language.

use serde::{Deserialize, Serialize};

/// A message in both product languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Simplified Chinese (the default language).
    #[serde(rename = "zh-CN")]
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Builds a message from its two translations.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }
}
