//! Risk score of an open complaint (DESIGN §5): points for what makes a complaint likely to go
//! to a regulator, a lawyer or the media — a repeat complainant, earlier escalations, a VIP, the
//! share of the SLA used, transfers, explicit dissatisfaction, risk words in the customer's own
//! text — summed to 0–100 and coloured red / orange / yellow, with every reason listed so a
//! supervisor can see why. Recomputed by the store on every event.

use crate::complaint::Complaint;
use crate::error::FieldError;
use crate::model::{RiskLevel, Severity, Tier};
use serde::{Deserialize, Serialize};

/// The admin's risk settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskSettings {
    /// Words in the complaint's text that signal legal, media, regulator or safety risk.
    pub words: Vec<String>,
    /// Score from which a complaint is yellow.
    pub yellow_at: u8,
    /// Score from which it is orange.
    pub orange_at: u8,
    /// Score from which it is red.
    pub red_at: u8,
}

impl Default for RiskSettings {
    fn default() -> Self {
        let words = [
            "媒体",
            "记者",
            "曝光",
            "电视台",
            "微博",
            "律师",
            "起诉",
            "法院",
            "诉讼",
            "仲裁",
            "12315",
            "12345",
            "消协",
            "消费者协会",
            "市场监管",
            "工商",
            "受伤",
            "起火",
            "爆炸",
            "中毒",
            "触电",
            "住院",
            "集体",
            "维权",
        ];
        Self { words: words.iter().map(|w| (*w).to_owned()).collect(), yellow_at: 20, orange_at: 40, red_at: 70 }
    }
}

impl RiskSettings {
    /// Checks an admin's settings: 1–200 non-empty words of at most 20 characters, and
    /// thresholds with 1 ≤ yellow < orange < red ≤ 100.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.words.len() > 200 {
            errors.push(FieldError::new("words", "too_many", "风险词最多 200 个", "at most 200 risk words"));
        }
        for (i, w) in self.words.iter().enumerate() {
            let n = w.trim().chars().count();
            if n == 0 || n > 20 {
                errors.push(FieldError::new(
                    format!("words[{i}]"),
                    "invalid_word",
                    "风险词须为 1 到 20 个字符",
                    "a risk word must be 1 to 20 characters",
                ));
            }
        }
        if !(1 <= self.yellow_at
            && self.yellow_at < self.orange_at
            && self.orange_at < self.red_at
            && self.red_at <= 100)
        {
            errors.push(FieldError::new(
                "red_at",
                "invalid_thresholds",
                "须满足 1 ≤ 黄色 < 橙色 < 红色 ≤ 100",
                "thresholds must satisfy 1 ≤ yellow < orange < red ≤ 100",
            ));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// The colour of a score.
    pub fn level(&self, score: u8) -> Option<RiskLevel> {
        if score >= self.red_at {
            Some(RiskLevel::Red)
        } else if score >= self.orange_at {
            Some(RiskLevel::Orange)
        } else if score >= self.yellow_at {
            Some(RiskLevel::Yellow)
        } else {
            None
        }
    }
}

/// Facts about a complaint that its projection does not hold.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RiskFacts {
    /// The customer's other complaints (before or after this one).
    pub other_complaints: u32,
    /// The larger share of an SLA target used, in percent (100 = due now).
    pub sla_percent: f64,
}

/// One reason for a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskReason {
    /// Stable code: `repeat_customer`, `repeat_linked`, `escalated`, `external`, `vip`, `sla`,
    /// `transfers`, `disagreed`, `dissatisfied`, `reopened`, `risk_words`, `level1`.
    pub code: String,
    /// Points it adds.
    pub points: u8,
    /// Details: the count, percent or words that triggered it.
    pub detail: String,
}

/// The assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    /// 0–100.
    pub score: u8,
    /// Colour, if the score reaches yellow.
    pub level: Option<RiskLevel>,
    /// Why, highest points first.
    pub reasons: Vec<RiskReason>,
}

impl Risk {
    /// No risk (closed complaints).
    pub fn none() -> Self {
        Self { score: 0, level: None, reasons: Vec::new() }
    }
}

/// Scores an open complaint; a closed, invalid or archived one has no risk.
pub fn assess(c: &Complaint, facts: &RiskFacts, settings: &RiskSettings) -> Risk {
    if !c.state.is_open() {
        return Risk::none();
    }
    let mut reasons: Vec<RiskReason> = Vec::new();
    let mut add = |code: &str, points: u32, detail: String| {
        if points > 0 {
            reasons.push(RiskReason { code: code.to_owned(), points: points.min(100) as u8, detail });
        }
    };
    add("repeat_customer", (facts.other_complaints * 10).min(25), facts.other_complaints.to_string());
    add("repeat_linked", (c.repeat_of.len() as u32 * 10).min(20), c.repeat_of.len().to_string());
    add("escalated", u32::from(c.escalation_level) * 10, c.escalation_level.to_string());
    if let Some(body) = c.external_escalation {
        add("external", 30, body.code().to_owned());
    }
    if c.tier == Tier::Vip {
        add("vip", 15, String::new());
    }
    let sla = facts.sla_percent;
    let sla_points = if sla >= 100.0 {
        25
    } else if sla >= 90.0 {
        15
    } else if sla >= 75.0 {
        10
    } else {
        0
    };
    add("sla", sla_points, format!("{}", sla.floor() as i64));
    add("transfers", (c.transfer_count * 5).min(15), c.transfer_count.to_string());
    add("disagreed", (c.disagree_count * 10).min(20), c.disagree_count.to_string());
    if c.satisfaction.as_ref().is_some_and(|s| s.is_dissatisfied()) {
        add("dissatisfied", 20, String::new());
    }
    add("reopened", (c.reopen_count * 10).min(20), c.reopen_count.to_string());
    let found = risk_words(c, &settings.words);
    if !found.is_empty() {
        add("risk_words", (20 + 10 * found.len() as u32).min(40), found.join("、"));
    }
    if c.severity == Some(Severity::Level1) {
        add("level1", 20, String::new());
    }
    reasons.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.code.cmp(&b.code)));
    let score = reasons.iter().map(|r| u32::from(r.points)).sum::<u32>().min(100) as u8;
    Risk { score, level: settings.level(score), reasons }
}

/// The risk words that occur in the customer's words (summary, content, request), in the order
/// of the list, ignoring case.
pub fn risk_words<'a>(c: &Complaint, words: &'a [String]) -> Vec<&'a str> {
    let mut text = format!("{} {}", c.summary, c.content);
    if let Some(r) = &c.customer_request {
        text.push(' ');
        text.push_str(r);
    }
    let text = fold_case(&text);
    words.iter().map(|w| w.trim()).filter(|w| !w.is_empty() && text.contains(&*fold_case(w))).collect()
}

/// `str::to_lowercase`, without its per-character table look-ups for text that has nothing to
/// lower: Chinese characters and ASCII lower-case are the whole of most complaints, and this
/// runs on every change of every complaint (the risk score is stored with it).
fn fold_case(text: &str) -> std::borrow::Cow<'_, str> {
    let caseless = |c: char| {
        if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else {
            // CJK symbols and punctuation, CJK unified ideographs (and extension A), and the
            // full-width forms other than the letters Ａ–Ｚ.
            matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
                || (matches!(c, '\u{FF00}'..='\u{FFEF}') && !matches!(c, '\u{FF21}'..='\u{FF3A}'))
        }
    };
    if text.chars().all(caseless) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::fold_case;
    use proptest::prelude::*;

    proptest! {
        /// The fast path changes nothing: it lowers exactly as `str::to_lowercase` does, for
        /// Chinese, full-width, Latin, Greek (final sigma) and anything else.
        #[test]
        fn fold_case_is_to_lowercase(text in "[a-zA-Z0-9 退货客服，。！ＡＢＣａｂｃ１２ΣσςÄäİǅ\\u{3000}-\\u{303F}\\u{FF00}-\\u{FFEF}]{0,40}") {
            let (fast, slow) = (fold_case(&text).into_owned(), text.to_lowercase());
            prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn chinese_text_is_not_copied() {
        assert!(matches!(fold_case("物流太慢，客服不理人"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(fold_case("要投诉到ＣＣＴＶ和Media"), "要投诉到ｃｃｔｖ和media");
    }
}
