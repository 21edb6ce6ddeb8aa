//! Keyword rules (DESIGN §4 "admin-editable keyword rules"): words or patterns that route a
//! complaint before the classifier is asked — 退款 → finance, 故障 → technical service — and risk
//! words (受伤 起火 媒体 律师 12315 集体) that raise the severity and flag legal, media or safety risk.
//!
//! A [`KeywordRule`] lists patterns; it matches a text when any of them does. A pattern is
//!
//! - a word or phrase, matched as a substring of the normalised text (full-width forms folded,
//!   Latin lower-cased, so `12315`, `１２３１５` and `Refund`/`refund` match alike);
//! - words joined by `+` (`退款+拒绝`): every one must occur, in any order;
//! - `re:` followed by a regular expression over the normalised text (`re:投诉.{0,4}媒体`).
//!
//! Several rules can match one text. [`RuleSet::evaluate`] combines them: the category comes from
//! the matching rule of highest priority that names one, the department likewise (separately, so a
//! risk rule without a department does not hide a routing rule), the severity floor is the most
//! serious one any matching rule sets, and the flags are the union. Equal priorities are broken by
//! the lower rule id (the older rule), so the outcome never depends on the order rules are loaded.
//!
//! Everything here is pure; the store keeps the rules and the server applies them on intake.

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::segment;

/// Most patterns one rule may carry.
pub const MAX_PATTERNS: usize = 50;
/// Longest pattern, in characters.
pub const MAX_PATTERN_CHARS: usize = 100;

/// A risk flag a rule can raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskFlag {
    /// Legal risk (律师, 起诉, 12315).
    Legal,
    /// Media or public-opinion risk (媒体, 曝光, 微博).
    Media,
    /// Personal safety (受伤, 起火, 爆炸).
    Safety,
}

impl RiskFlag {
    /// Every flag.
    pub const ALL: [RiskFlag; 3] = [RiskFlag::Legal, RiskFlag::Media, RiskFlag::Safety];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RiskFlag::Legal => "legal",
            RiskFlag::Media => "media",
            RiskFlag::Safety => "safety",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// One admin-editable rule, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordRule {
    /// Database id (breaks priority ties: lower wins).
    pub id: i64,
    /// What the admin calls it (shown as the reason of a routing decision).
    pub name: String,
    /// Words, `a+b` conjunctions or `re:` regular expressions; any one matching is enough.
    pub patterns: Vec<String>,
    /// Category code to route to.
    pub category: Option<String>,
    /// Department (by name, looked up within the complaint's company) to route to.
    pub department: Option<String>,
    /// Severity floor: 1 (most serious) to 3; the complaint is at least this serious.
    pub severity_floor: Option<u8>,
    /// Risk flags raised.
    pub flags: Vec<RiskFlag>,
    /// Higher wins when rules disagree.
    pub priority: i32,
    /// Disabled rules are kept but never match.
    pub enabled: bool,
}

/// Why a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// Empty after trimming.
    #[error("empty pattern")]
    Empty,
    /// Longer than [`MAX_PATTERN_CHARS`].
    #[error("pattern longer than {MAX_PATTERN_CHARS} characters")]
    TooLong,
    /// `a+b` with an empty side.
    #[error("a `+` conjunction has an empty word")]
    EmptyConjunct,
    /// `re:` with an expression that does not compile.
    #[error("invalid regular expression: {0}")]
    BadRegex(String),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
enum Pattern {
    /// All these words (one for a plain word).
    Words(Vec<String>),
    /// A regular expression.
    Regex(Regex),
}

impl Pattern {
    fn parse(raw: &str) -> Result<Self, PatternError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(PatternError::Empty);
        }
        if raw.chars().count() > MAX_PATTERN_CHARS {
            return Err(PatternError::TooLong);
        }
        if let Some(expr) = raw.strip_prefix("re:") {
            if expr.trim().is_empty() {
                return Err(PatternError::Empty);
            }
            // Size limit: an admin's pattern must not make intake slow.
            return regex::RegexBuilder::new(expr)
                .size_limit(1 << 20)
                .build()
                .map(Pattern::Regex)
                .map_err(|e| PatternError::BadRegex(e.to_string()));
        }
        let words: Vec<String> = raw.split('+').map(|w| segment::normalize(w.trim())).collect();
        if words.iter().any(String::is_empty) {
            return Err(PatternError::EmptyConjunct);
        }
        Ok(Pattern::Words(words))
    }

    /// The matched text, if it matches `text` (already normalised).
    fn find(&self, text: &str) -> Option<String> {
        match self {
            Pattern::Words(words) => words.iter().all(|w| text.contains(w.as_str())).then(|| words.join("+")),
            Pattern::Regex(re) => re.find(text).map(|m| m.as_str().to_owned()),
        }
    }
}

/// Checks one pattern as [`RuleSet::new`] would compile it.
pub fn check_pattern(raw: &str) -> Result<(), PatternError> {
    Pattern::parse(raw).map(|_| ())
}

/// One rule that matched, with what it matched (the reason shown to people).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleHit {
    /// The rule.
    pub rule_id: i64,
    /// Its name.
    pub name: String,
    /// The text that matched (a word, `a+b`, or the regex's match).
    pub matched: String,
}

/// What the matching rules say together.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RuleOutcome {
    /// Every matching rule, highest priority first.
    pub hits: Vec<RuleHit>,
    /// Category code from the highest-priority matching rule that names one.
    pub category: Option<String>,
    /// The rule that chose the category.
    pub category_rule: Option<i64>,
    /// Department name from the highest-priority matching rule that names one.
    pub department: Option<String>,
    /// The rule that chose the department.
    pub department_rule: Option<i64>,
    /// The most serious severity floor (1 is most serious).
    pub severity_floor: Option<u8>,
    /// Union of the flags, sorted.
    pub flags: Vec<RiskFlag>,
}

/// Rules compiled for matching, highest priority first.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<(KeywordRule, Vec<Pattern>)>,
}

impl RuleSet {
    /// Compiles the enabled rules. A pattern that does not compile (it was validated when saved,
    /// so only a rule written around the API) is skipped rather than failing intake.
    pub fn new(rules: impl IntoIterator<Item = KeywordRule>) -> Self {
        let mut compiled: Vec<(KeywordRule, Vec<Pattern>)> = rules
            .into_iter()
            .filter(|r| r.enabled)
            .map(|r| {
                let patterns = r.patterns.iter().filter_map(|p| Pattern::parse(p).ok()).collect();
                (r, patterns)
            })
            .collect();
        compiled.sort_by(|a, b| b.0.priority.cmp(&a.0.priority).then(a.0.id.cmp(&b.0.id)));
        Self { rules: compiled }
    }

    /// How many enabled rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Matches every rule against `text` and combines the outcome.
    pub fn evaluate(&self, text: &str) -> RuleOutcome {
        let text = segment::normalize(text);
        let mut out = RuleOutcome::default();
        for (rule, patterns) in &self.rules {
            let Some(matched) = patterns.iter().find_map(|p| p.find(&text)) else { continue };
            out.hits.push(RuleHit { rule_id: rule.id, name: rule.name.clone(), matched });
            if out.category.is_none() && rule.category.is_some() {
                out.category.clone_from(&rule.category);
                out.category_rule = Some(rule.id);
            }
            if out.department.is_none() && rule.department.is_some() {
                out.department.clone_from(&rule.department);
                out.department_rule = Some(rule.id);
            }
            if let Some(floor) = rule.severity_floor {
                out.severity_floor = Some(out.severity_floor.map_or(floor, |s| s.min(floor)));
            }
            out.flags.extend(rule.flags.iter().copied());
        }
        out.flags.sort();
        out.flags.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, name: &str, patterns: &[&str]) -> KeywordRule {
        KeywordRule {
            id,
            name: name.to_owned(),
            patterns: patterns.iter().map(|p| (*p).to_owned()).collect(),
            category: None,
            department: None,
            severity_floor: None,
            flags: Vec::new(),
            priority: 0,
            enabled: true,
        }
    }

    #[test]
    fn a_refund_word_routes_to_finance() {
        let set = RuleSet::new([KeywordRule {
            category: Some("refund".into()),
            department: Some("财务部".into()),
            ..rule(1, "退款", &["退款", "退钱"])
        }]);
        let out = set.evaluate("买了三天就坏了，要求退款！");
        assert_eq!(out.department.as_deref(), Some("财务部"));
        assert_eq!(out.category.as_deref(), Some("refund"));
        assert_eq!(out.hits[0].matched, "退款");
        assert!(set.evaluate("快递太慢").hits.is_empty());
    }

    #[test]
    fn higher_priority_wins_and_ties_go_to_the_older_rule() {
        let set = RuleSet::new([
            KeywordRule { department: Some("售后服务部".into()), priority: 1, ..rule(5, "故障", &["故障"]) },
            KeywordRule { department: Some("财务部".into()), priority: 5, ..rule(9, "退款", &["退款"]) },
            KeywordRule { department: Some("物流配送部".into()), priority: 5, ..rule(7, "物流", &["快递"]) },
        ]);
        let out = set.evaluate("快递送来就有故障，要退款");
        assert_eq!(out.department.as_deref(), Some("物流配送部"), "priority 5, id 7 beats id 9");
        assert_eq!(out.department_rule, Some(7));
        assert_eq!(out.hits.iter().map(|h| h.rule_id).collect::<Vec<_>>(), [7, 9, 5]);
    }

    #[test]
    fn risk_rules_raise_severity_and_flags_without_hiding_routing() {
        let set = RuleSet::new([
            KeywordRule { department: Some("售后服务部".into()), ..rule(1, "故障", &["故障"]) },
            KeywordRule {
                severity_floor: Some(1),
                flags: vec![RiskFlag::Safety],
                priority: 100,
                ..rule(2, "人身安全", &["受伤", "起火"])
            },
            KeywordRule {
                severity_floor: Some(2),
                flags: vec![RiskFlag::Legal, RiskFlag::Safety],
                priority: 50,
                ..rule(3, "投诉升级", &["12315"])
            },
        ]);
        let out = set.evaluate("热水器故障起火，我已经打了１２３１５");
        assert_eq!(out.department.as_deref(), Some("售后服务部"));
        assert_eq!(out.severity_floor, Some(1));
        assert_eq!(out.flags, [RiskFlag::Legal, RiskFlag::Safety]);
    }

    #[test]
    fn conjunctions_need_every_word_and_regexes_match_the_normalised_text() {
        let set = RuleSet::new([rule(1, "拒绝退款", &["退款+拒绝"]), rule(2, "media", &["re:(记者|媒体).{0,6}曝光"])]);
        assert_eq!(set.evaluate("商家拒绝给我退款").hits.len(), 1);
        assert!(set.evaluate("商家给我退款了").hits.is_empty());
        let out = set.evaluate("我要找媒体来曝光你们");
        assert_eq!(out.hits[0].rule_id, 2);
        assert_eq!(out.hits[0].matched, "媒体来曝光");
    }

    #[test]
    fn english_words_match_regardless_of_case_and_disabled_rules_never_match() {
        let set = RuleSet::new([
            KeywordRule { department: Some("Finance".into()), ..rule(1, "refund", &["Refund"]) },
            KeywordRule { enabled: false, department: Some("Legal".into()), ..rule(2, "lawyer", &["lawyer"]) },
        ]);
        let out = set.evaluate("My LAWYER says the REFUND is overdue");
        assert_eq!(out.department.as_deref(), Some("Finance"));
        assert_eq!(out.hits.len(), 1);
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn bad_patterns_are_named() {
        assert_eq!(check_pattern("  "), Err(PatternError::Empty));
        assert_eq!(check_pattern("退款+"), Err(PatternError::EmptyConjunct));
        assert!(matches!(check_pattern("re:(unclosed"), Err(PatternError::BadRegex(_))));
        assert_eq!(check_pattern(&"长".repeat(MAX_PATTERN_CHARS + 1)), Err(PatternError::TooLong));
        assert_eq!(check_pattern("re:"), Err(PatternError::Empty));
        assert!(check_pattern("退款").is_ok());
    }
}
