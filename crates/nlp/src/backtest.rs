//! Trying a keyword rule on complaints people already handled, before it is saved (试运行): which
//! of them it matches, for how many it would decide the department or category (a rule of higher
//! priority that names one wins, as on intake), how often that agrees with where people put
//! them, and where the rest went. An admin narrowing a rule the routing figures tag 偏高 sees what
//! the narrower words would have done, instead of finding out from the next month's complaints.

use crate::rules::{KeywordRule, RuleSet};
use std::collections::BTreeMap;

/// A complaint people have handled: its text and where it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    /// Summary and content, as routing reads them on intake.
    pub text: String,
    /// The department it is in now (by name, the rules' label); none: still in triage.
    pub department: Option<String>,
    /// Its category now (by code); none: not classified yet.
    pub category: Option<String>,
}

/// What the rule would have done for one target (department or category).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetTrial {
    /// Matched complaints for which the rule would choose the target (no rule of higher
    /// priority names another).
    pub decides: usize,
    /// Of those, the ones people put where the rule says.
    pub agrees: usize,
    /// Matched complaints a rule of higher priority would decide instead: by rule id, how many.
    pub overruled_by: BTreeMap<i64, usize>,
}

/// What a rule would have done over a set of handled complaints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backtest {
    /// Complaints tried.
    pub scanned: usize,
    /// Complaints the rule matches.
    pub matched: usize,
    /// For its department (none when the rule names none).
    pub department: Option<TargetTrial>,
    /// For its category (none when the rule names none).
    pub category: Option<TargetTrial>,
    /// Where the matched complaints are now, most first (none: still in triage).
    pub departments_now: Vec<(Option<String>, usize)>,
    /// Which categories they have now, most first (none: not classified).
    pub categories_now: Vec<(Option<String>, usize)>,
    /// The first matched complaints (index into the input) with the text that matched, for
    /// people to read.
    pub samples: Vec<(usize, String)>,
}

/// Tries `rule` beside the `others` (the enabled rules it would work with; a rule with the
/// same id is left out, since `rule` replaces it) on every `handled` complaint. The rule is tried
/// as if enabled. At most `max_samples` samples are kept.
pub fn backtest(rule: &KeywordRule, others: &[KeywordRule], handled: &[Handled], max_samples: usize) -> Backtest {
    let trial = KeywordRule { enabled: true, ..rule.clone() };
    let set = RuleSet::new(others.iter().filter(|r| r.id != rule.id).cloned().chain([trial]));
    let mut out = Backtest {
        scanned: handled.len(),
        department: rule.department.as_ref().map(|_| TargetTrial::default()),
        category: rule.category.as_ref().map(|_| TargetTrial::default()),
        ..Backtest::default()
    };
    let mut departments: BTreeMap<Option<String>, usize> = BTreeMap::new();
    let mut categories: BTreeMap<Option<String>, usize> = BTreeMap::new();
    for (i, h) in handled.iter().enumerate() {
        let outcome = set.evaluate(&h.text);
        let Some(hit) = outcome.hits.iter().find(|hit| hit.rule_id == rule.id) else { continue };
        out.matched += 1;
        if out.samples.len() < max_samples {
            out.samples.push((i, hit.matched.clone()));
        }
        *departments.entry(h.department.clone()).or_default() += 1;
        *categories.entry(h.category.clone()).or_default() += 1;
        if let Some(t) = out.department.as_mut() {
            t.count(rule.id, outcome.department_rule, rule.department.as_ref() == h.department.as_ref());
        }
        if let Some(t) = out.category.as_mut() {
            t.count(rule.id, outcome.category_rule, rule.category.as_ref() == h.category.as_ref());
        }
    }
    out.departments_now = most_first(departments);
    out.categories_now = most_first(categories);
    out
}

impl TargetTrial {
    fn count(&mut self, rule: i64, decided_by: Option<i64>, agrees: bool) {
        match decided_by {
            Some(id) if id == rule => {
                self.decides += 1;
                self.agrees += usize::from(agrees);
            }
            Some(other) => *self.overruled_by.entry(other).or_default() += 1,
            // Not reached: the rule names the target and matched, so some rule decided it.
            None => {}
        }
    }
}

/// What two rules disagree about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The department to send the complaint to.
    Department,
    /// The category to classify it as.
    Category,
}

/// Two enabled rules that match the same complaints and name different departments (or
/// categories) for them: the one of higher priority decides, the other is overruled there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// What they disagree about.
    pub target: Target,
    /// The rule that decides (higher priority; on a tie, the lower id).
    pub winner: i64,
    /// The rule it overrules.
    pub loser: i64,
    /// Both have the same priority: the rule's number decides, which nobody chose.
    pub tie: bool,
    /// Complaints where they disagree.
    pub complaints: usize,
    /// The first of them (index into the input).
    pub first: usize,
}

/// Where the enabled `rules` disagree over the `handled` complaints: for every complaint and
/// target, the rule that decides against each other matching rule naming another label. Ties of
/// priority come first (the order is then an accident of numbering), then the most complaints.
pub fn conflicts(rules: &[KeywordRule], handled: &[Handled]) -> Vec<Conflict> {
    let set = RuleSet::new(rules.iter().cloned());
    let by_id: BTreeMap<i64, &KeywordRule> = rules.iter().map(|r| (r.id, r)).collect();
    // (target, winner, loser) → (complaints, first)
    let mut found: BTreeMap<(Target, i64, i64), (usize, usize)> = BTreeMap::new();
    for (i, h) in handled.iter().enumerate() {
        let outcome = set.evaluate(&h.text);
        let matched: Vec<&KeywordRule> =
            outcome.hits.iter().filter_map(|hit| by_id.get(&hit.rule_id).copied()).collect();
        for target in [Target::Department, Target::Category] {
            fn label(r: &KeywordRule, target: Target) -> Option<&str> {
                match target {
                    Target::Department => r.department.as_deref(),
                    Target::Category => r.category.as_deref(),
                }
            }
            // Hits come highest priority first: the first that names the target decides it.
            let mut naming = matched.iter().filter_map(|r| label(r, target).map(|l| (r, l)));
            let Some((winner, chosen)) = naming.next() else { continue };
            for (loser, _) in naming.filter(|(_, l)| *l != chosen) {
                let entry = found.entry((target, winner.id, loser.id)).or_insert((0, i));
                entry.0 += 1;
            }
        }
    }
    let mut out: Vec<Conflict> = found
        .into_iter()
        .map(|((target, winner, loser), (complaints, first))| Conflict {
            target,
            winner,
            loser,
            tie: by_id[&winner].priority == by_id[&loser].priority,
            complaints,
            first,
        })
        .collect();
    out.sort_by(|a, b| b.tie.cmp(&a.tie).then(b.complaints.cmp(&a.complaints)));
    out
}

/// Counts, most first; among equals the labels in order (none first).
fn most_first(counts: BTreeMap<Option<String>, usize>) -> Vec<(Option<String>, usize)> {
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, patterns: &[&str], department: Option<&str>, priority: i32) -> KeywordRule {
        KeywordRule {
            id,
            name: format!("rule {id}"),
            patterns: patterns.iter().map(|p| (*p).to_owned()).collect(),
            category: None,
            department: department.map(Into::into),
            severity_floor: None,
            flags: Vec::new(),
            priority,
            enabled: true,
        }
    }

    fn handled(text: &str, department: Option<&str>, category: Option<&str>) -> Handled {
        Handled { text: text.into(), department: department.map(Into::into), category: category.map(Into::into) }
    }

    #[test]
    fn counts_what_the_rule_decides_and_where_people_put_them() {
        let draft = rule(100, &["退款"], Some("财务部"), 0);
        let texts = [
            handled("退款一直没到账", Some("财务部"), Some("refund")),
            handled("申请退款被拒", Some("财务部"), Some("refund")),
            handled("冰箱坏了要求退款", Some("质量管理部"), Some("fault")),
            handled("物流太慢", Some("物流配送部"), None),
            handled("退款的事还在等", None, None),
        ];
        let b = backtest(&draft, &[], &texts, 10);
        assert_eq!((b.scanned, b.matched), (5, 4));
        let d = b.department.expect("the rule names a department");
        assert_eq!((d.decides, d.agrees), (4, 2));
        assert!(d.overruled_by.is_empty());
        assert_eq!(b.category, None, "the rule names no category");
        assert_eq!(b.departments_now[0], (Some("财务部".into()), 2));
        assert_eq!(b.departments_now.iter().map(|(_, n)| n).sum::<usize>(), 4);
        assert!(b.departments_now.contains(&(None, 1)), "one still waits in triage");
        assert_eq!(b.samples.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1, 2, 4]);
        assert_eq!(b.samples[0].1, "退款");
    }

    #[test]
    fn a_rule_of_higher_priority_overrules_it_and_the_rule_it_replaces_does_not() {
        let fault = rule(7, &["坏了"], Some("质量管理部"), 10);
        let old = rule(100, &["退款", "坏了"], Some("财务部"), 0);
        let draft = rule(100, &["退款"], Some("财务部"), 0);
        let texts = [handled("冰箱坏了要求退款", Some("质量管理部"), None), handled("退款没到", Some("财务部"), None)];
        let b = backtest(&draft, &[fault.clone(), old], &texts, 1);
        let d = b.department.expect("department");
        assert_eq!((d.decides, d.agrees), (1, 1));
        assert_eq!(d.overruled_by, BTreeMap::from([(7, 1)]));
        assert_eq!(b.samples.len(), 1, "samples are capped");
        // Tried as if enabled, even when saved disabled; a lower priority loses to nothing else.
        let off = KeywordRule { enabled: false, priority: 20, ..draft };
        let b = backtest(&off, &[fault], &texts, 10);
        assert_eq!(b.department.map(|d| (d.decides, d.agrees)), Some((2, 1)));
    }

    #[test]
    fn rules_that_name_different_departments_for_the_same_complaints_conflict() {
        let refund = rule(1, &["退款"], Some("财务部"), 10);
        let fault = rule(2, &["坏了", "不制冷"], Some("售后服务部"), 5);
        let money = rule(3, &["钱"], Some("客服中心"), 10);
        let also_finance = rule(4, &["退钱"], Some("财务部"), 0);
        let off = KeywordRule { enabled: false, ..rule(5, &["退款"], Some("法务部"), 99) };
        let category = KeywordRule { category: Some("refund".into()), ..rule(6, &["退款"], None, 0) };
        let other_category = KeywordRule { category: Some("fault".into()), ..rule(7, &["坏了"], None, 0) };
        let texts = [
            handled("冰箱坏了要求退款", None, None),
            handled("冰箱不制冷，要求退款", None, None),
            handled("退款的钱还没到，退钱太慢", None, None),
            handled("物流太慢", None, None),
        ];
        let rules = [refund, fault, money, also_finance, off, category, other_category];
        let found = conflicts(&rules, &texts);
        let summary: Vec<_> =
            found.iter().map(|c| (c.target, c.winner, c.loser, c.tie, c.complaints, c.first)).collect();
        assert_eq!(
            summary,
            [
                // Same priority, different departments: the lower id decides, which nobody chose.
                (Target::Department, 1, 3, true, 1, 2),
                (Target::Category, 6, 7, true, 1, 0),
                (Target::Department, 1, 2, false, 2, 0),
            ]
        );
        // Rules that agree, and disabled rules, do not conflict.
        assert!(found.iter().all(|c| c.loser != 4 && c.loser != 5 && c.winner != 5));
        assert!(conflicts(&rules, &[]).is_empty());
    }

    #[test]
    fn nothing_handled_or_nothing_matched_gives_empty_figures() {
        let draft = KeywordRule { category: Some("refund".into()), ..rule(1, &["退款"], None, 0) };
        let b = backtest(&draft, &[], &[], 5);
        assert_eq!((b.scanned, b.matched), (0, 0));
        assert_eq!(b.category, Some(TargetTrial::default()));
        let b = backtest(&draft, &[], &[handled("物流太慢", None, None)], 5);
        assert_eq!((b.scanned, b.matched, b.samples.len()), (1, 0, 0));
        assert!(b.departments_now.is_empty());
    }
}
