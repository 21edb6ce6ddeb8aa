//! How intake routing fares in practice: of the complaints routing sent to a department, how
//! many are still there and how many a person moved elsewhere; of those it left in triage, how
//! often the person chose the department it suggested. Held-out figures say how a model scores
//! on texts it kept aside when it was trained; these say how its decisions held up with the
//! people who handle the complaints, which is what an admin tuning rules and the confidence
//! threshold needs (ServiceNow shows the same as "prediction results" of its classifiers).
//!
//! A complaint counts as moved when the department it is in now is not the one routing chose.
//! That is the label the next training learns from (`Store::training_examples` reads the current
//! department), so the figure measures the model against the same truth it is trained on. A
//! transfer for another reason (the department asked for help upstream) counts too, so moved is
//! an upper bound on routing's mistakes. The first transfer can say the complaint should never
//! have gone to its first department (分派有误, `Complaint::misrouted`); those are counted apart,
//! a lower bound, since people do not always say so.

use crate::routing::RoutedBy;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// What became of a routed complaint, for drilling into the figures: the complaints behind one
/// of their numbers. The store's list filter applies the same definitions as [`outcomes`] and
/// [`per_label`], and a conformance test holds the list counts to the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutingResult {
    /// In the department routing chose or suggested (for triage: the suggestion followed).
    Kept,
    /// In another department than the one routing chose or suggested.
    Moved,
    /// Its first transfer said its first department was wrong (分派有误).
    Misrouted,
    /// Classified as another category than the one routing chose.
    Reclassified,
    /// In no department yet (the triage queue).
    Waiting,
}

impl RoutingResult {
    /// Every value.
    pub const ALL: [RoutingResult; 5] = [
        RoutingResult::Kept,
        RoutingResult::Moved,
        RoutingResult::Misrouted,
        RoutingResult::Reclassified,
        RoutingResult::Waiting,
    ];

    /// The code the API takes.
    pub fn code(self) -> &'static str {
        match self {
            RoutingResult::Kept => "kept",
            RoutingResult::Moved => "moved",
            RoutingResult::Misrouted => "misrouted",
            RoutingResult::Reclassified => "reclassified",
            RoutingResult::Waiting => "waiting",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Complaints that share who routed them, where to, and where they are now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeCount {
    /// Who chose (or, for triage, would have suggested) the department.
    pub routed_by: RoutedBy,
    /// The department routing chose or suggested (a department name, the models' label).
    pub routed: Option<String>,
    /// The department the complaint is in now (none: still in triage).
    pub now: Option<String>,
    /// The keyword rule that chose the department (routed by a rule only).
    pub rule_id: Option<i64>,
    /// A person said its first department was the wrong one (分派有误).
    pub misrouted: bool,
    /// How many complaints.
    pub complaints: i64,
}

/// The figures for one way of routing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceOutcome {
    /// Complaints routed this way.
    pub complaints: i64,
    /// Now in the department routing chose or suggested.
    pub same: i64,
    /// Now in another department than the one chosen or suggested.
    pub other: i64,
    /// In no department yet (the triage queue).
    pub waiting: i64,
    /// Placed by a person where routing had no department to suggest (triage only: no rule
    /// named one and no model guessed).
    pub unsuggested: i64,
    /// Said by a person to have gone to the wrong department first (分派有误): for a rule or
    /// the model, the one routing chose; for triage, the one a person chose. Not a bucket of its
    /// own: such a complaint is also counted as moved (or same, had it come back).
    pub misrouted: i64,
}

impl SourceOutcome {
    fn add(&mut self, c: &OutcomeCount) {
        self.complaints += c.complaints;
        if c.misrouted {
            self.misrouted += c.complaints;
        }
        let bucket = match (&c.routed, &c.now) {
            (_, None) => &mut self.waiting,
            (None, Some(_)) => &mut self.unsuggested,
            (Some(r), Some(n)) if r == n => &mut self.same,
            (Some(_), Some(_)) => &mut self.other,
        };
        *bucket += c.complaints;
    }
}

/// The figures for one label routing chose: a department that rules or the model sent
/// complaints to, or a category they classified complaints as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelOutcome {
    /// The label routing chose (a department's name, a category's code).
    pub label: String,
    /// Complaints routing gave it.
    pub routed: i64,
    /// Of those, now with another label (moved to another department, classified again).
    pub moved: i64,
    /// Of those, said by a person to have been sent there wrongly (departments only).
    pub misrouted: i64,
    /// The label most of the moved ones have now, and how many (ties: the first label).
    pub moved_to: Option<(String, i64)>,
}

/// Complaints that routing gave one label and that have another (or the same) now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelCount {
    /// The label routing chose.
    pub routed: String,
    /// The label now (none: none yet).
    pub now: Option<String>,
    /// A person said the routed label was wrong (departments: the first transfer said
    /// 分派有误; categories have no such mark, a reclassification says it).
    pub misrouted: bool,
    /// How many complaints.
    pub complaints: i64,
}

/// Per label routing chose, how many have another now and which most of them have: most often
/// changed first. The order of `counts` does not matter.
pub fn per_label(counts: impl IntoIterator<Item = LabelCount>) -> Vec<LabelOutcome> {
    #[derive(Default)]
    struct Sums {
        routed: i64,
        moved: i64,
        misrouted: i64,
        moved_to: BTreeMap<String, i64>,
    }
    let mut by_label: BTreeMap<String, Sums> = BTreeMap::new();
    for c in counts.into_iter().filter(|c| c.complaints > 0) {
        let entry = by_label.entry(c.routed.clone()).or_default();
        entry.routed += c.complaints;
        if c.misrouted {
            entry.misrouted += c.complaints;
        }
        if let Some(now) = c.now.filter(|n| *n != c.routed) {
            entry.moved += c.complaints;
            *entry.moved_to.entry(now).or_default() += c.complaints;
        }
    }
    let mut out: Vec<LabelOutcome> = by_label
        .into_iter()
        .map(|(label, Sums { routed, moved, misrouted, moved_to: to })| LabelOutcome {
            label,
            routed,
            moved,
            misrouted,
            // The largest count; among equals the first label, since max_by keeps the last.
            moved_to: to.into_iter().rev().max_by_key(|(_, n)| *n),
        })
        .collect();
    out.sort_by(|a, b| most_moved_first((a.moved, a.routed), (b.moved, b.routed)).then(a.label.cmp(&b.label)));
    out
}

/// The figures for one keyword rule that sent complaints to a department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    /// The rule's id.
    pub rule_id: i64,
    /// Complaints the rule sent to a department.
    pub routed: i64,
    /// Of those, now in another department.
    pub moved: i64,
    /// Of those, said by a person to have been sent there wrongly (分派有误).
    pub misrouted: i64,
}

/// How routing fared over a set of complaints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoutingOutcomes {
    /// Complaints that went through routing.
    pub complaints: i64,
    /// Sent to a department by a keyword rule.
    pub rule: SourceOutcome,
    /// Sent to a department by the model.
    pub model: SourceOutcome,
    /// Left in triage for a person.
    pub triage: SourceOutcome,
    /// Per department rules or the model sent complaints to: most often moved away first.
    pub departments: Vec<LabelOutcome>,
    /// Per keyword rule that sent complaints to a department: most often moved away first (a
    /// rule too broad for its department shows here before anywhere else).
    pub rules: Vec<RuleOutcome>,
}

/// Sums grouped counts into the figures. The order of `counts` does not matter.
pub fn outcomes(counts: &[OutcomeCount]) -> RoutingOutcomes {
    let mut out = RoutingOutcomes::default();
    // rule → (routed, moved, misrouted)
    let mut by_rule: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new();
    let mut sent = Vec::new();
    for c in counts.iter().filter(|c| c.complaints > 0) {
        out.complaints += c.complaints;
        match c.routed_by {
            RoutedBy::Rule => out.rule.add(c),
            RoutedBy::Model => out.model.add(c),
            RoutedBy::Triage => out.triage.add(c),
        }
        if c.routed_by == RoutedBy::Triage {
            continue;
        }
        let Some(routed) = c.routed.as_deref() else { continue };
        sent.push(LabelCount {
            routed: routed.to_owned(),
            now: c.now.clone(),
            misrouted: c.misrouted,
            complaints: c.complaints,
        });
        if let Some(rule) = c.rule_id.filter(|_| c.routed_by == RoutedBy::Rule) {
            let moved = c.now.as_deref().is_some_and(|n| n != routed);
            let entry = by_rule.entry(rule).or_default();
            entry.0 += c.complaints;
            entry.1 += if moved { c.complaints } else { 0 };
            entry.2 += if c.misrouted { c.complaints } else { 0 };
        }
    }
    out.rules = by_rule
        .into_iter()
        .map(|(rule_id, (routed, moved, misrouted))| RuleOutcome { rule_id, routed, moved, misrouted })
        .collect();
    out.rules.sort_by(|a, b| most_moved_first((a.moved, a.routed), (b.moved, b.routed)));
    out.departments = per_label(sent);
    out
}

/// Orders `(moved, routed)` pairs most often moved away first (the shares compared exactly, by
/// cross-multiplying), then the busiest.
fn most_moved_first(a: (i64, i64), b: (i64, i64)) -> Ordering {
    (b.0 * a.1).cmp(&(a.0 * b.1)).then(b.1.cmp(&a.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn count(by: RoutedBy, routed: Option<&str>, now: Option<&str>, n: i64) -> OutcomeCount {
        OutcomeCount {
            routed_by: by,
            routed: routed.map(Into::into),
            now: now.map(Into::into),
            rule_id: None,
            misrouted: false,
            complaints: n,
        }
    }

    fn rule(id: i64, routed: &str, now: Option<&str>, n: i64) -> OutcomeCount {
        OutcomeCount { rule_id: Some(id), ..count(RoutedBy::Rule, Some(routed), now, n) }
    }

    #[test]
    fn each_rule_counts_what_it_sent_and_what_people_moved() {
        let o = outcomes(&[
            rule(1, "财务部", Some("财务部"), 9),
            rule(1, "财务部", Some("质量部"), 1),
            rule(2, "财务部", Some("质量部"), 3),
            rule(2, "财务部", Some("财务部"), 1),
            rule(3, "物流部", Some("物流部"), 2),
            count(RoutedBy::Model, Some("财务部"), Some("质量部"), 5),
        ]);
        assert_eq!(
            o.rules,
            [
                RuleOutcome { rule_id: 2, routed: 4, moved: 3, misrouted: 0 },
                RuleOutcome { rule_id: 1, routed: 10, moved: 1, misrouted: 0 },
                RuleOutcome { rule_id: 3, routed: 2, moved: 0, misrouted: 0 },
            ]
        );
        assert_eq!(o.rule.other, 4, "the rules' figures add up to the rule tile");
    }

    #[test]
    fn kept_moved_and_waiting_are_told_apart_per_source() {
        let o = outcomes(&[
            count(RoutedBy::Model, Some("财务部"), Some("财务部"), 8),
            count(RoutedBy::Model, Some("财务部"), Some("售后服务部"), 2),
            count(RoutedBy::Model, Some("物流部"), Some("售后服务部"), 1),
            count(RoutedBy::Model, Some("物流部"), Some("客服中心"), 1),
            count(RoutedBy::Rule, Some("售后服务部"), Some("售后服务部"), 5),
            count(RoutedBy::Triage, Some("物流部"), Some("物流部"), 3),
            count(RoutedBy::Triage, Some("物流部"), Some("财务部"), 1),
            count(RoutedBy::Triage, None, Some("财务部"), 2),
            count(RoutedBy::Triage, None, None, 4),
        ]);
        assert_eq!(o.complaints, 27);
        assert_eq!(
            o.model,
            SourceOutcome { complaints: 12, same: 8, other: 4, waiting: 0, unsuggested: 0, misrouted: 0 }
        );
        assert_eq!(
            o.rule,
            SourceOutcome { complaints: 5, same: 5, other: 0, waiting: 0, unsuggested: 0, misrouted: 0 }
        );
        assert_eq!(
            o.triage,
            SourceOutcome { complaints: 10, same: 3, other: 1, waiting: 4, unsuggested: 2, misrouted: 0 }
        );
        // 物流部 lost both of its two; 财务部 two of ten; 售后服务部 none. A tie between
        // destinations names the first in name order.
        let names: Vec<_> = o.departments.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(names, ["物流部", "财务部", "售后服务部"]);
        assert_eq!(o.departments[0].moved_to, Some(("售后服务部".into(), 1)));
        assert_eq!(o.departments[1].moved_to, Some(("售后服务部".into(), 2)));
        assert_eq!(
            o.departments[2],
            LabelOutcome { label: "售后服务部".into(), routed: 5, moved: 0, misrouted: 0, moved_to: None }
        );
    }

    #[test]
    fn misrouted_complaints_are_counted_apart_from_hand_offs() {
        let wrong = |c: OutcomeCount| OutcomeCount { misrouted: true, ..c };
        let o = outcomes(&[
            rule(1, "财务部", Some("财务部"), 6),
            // Two moved, one of them marked 分派有误, the other a hand-off.
            wrong(rule(1, "财务部", Some("质量部"), 1)),
            rule(1, "财务部", Some("质量部"), 1),
            wrong(count(RoutedBy::Model, Some("物流部"), Some("客服中心"), 2)),
            // A person placed it from triage, and said so of their own choice.
            wrong(count(RoutedBy::Triage, Some("物流部"), Some("财务部"), 1)),
        ]);
        assert_eq!((o.rule.other, o.rule.misrouted), (2, 1));
        assert_eq!((o.model.other, o.model.misrouted), (2, 2));
        assert_eq!(o.triage.misrouted, 1);
        assert_eq!(o.rules, [RuleOutcome { rule_id: 1, routed: 8, moved: 2, misrouted: 1 }]);
        let finance = o.departments.iter().find(|d| d.label == "财务部").expect("财务部");
        assert_eq!((finance.routed, finance.moved, finance.misrouted), (8, 2, 1));
        let logistics = o.departments.iter().find(|d| d.label == "物流部").expect("物流部");
        assert_eq!((logistics.moved, logistics.misrouted), (2, 2), "triage's own placement is not routing's");
    }

    #[test]
    fn nothing_routed_gives_empty_figures() {
        assert_eq!(outcomes(&[]), RoutingOutcomes::default());
        assert_eq!(outcomes(&[count(RoutedBy::Model, Some("财务部"), None, 0)]), RoutingOutcomes::default());
    }

    fn any_count() -> impl Strategy<Value = OutcomeCount> {
        let name = prop::option::of(prop::sample::select(vec!["甲", "乙", "丙"]));
        (prop::sample::select(RoutedBy::ALL.to_vec()), name.clone(), name, 0..50i64, 1..4i64, any::<bool>()).prop_map(
            |(by, routed, now, n, rule, misrouted)| OutcomeCount {
                rule_id: (by == RoutedBy::Rule).then_some(rule),
                misrouted,
                ..count(by, routed, now, n)
            },
        )
    }

    proptest! {
        /// Every complaint lands in exactly one of same / other / waiting / unsuggested, per
        /// source and per department, whatever the grouping of the counts.
        #[test]
        fn every_complaint_is_counted_once(counts in prop::collection::vec(any_count(), 0..40)) {
            let o = outcomes(&counts);
            let total: i64 = counts.iter().map(|c| c.complaints).sum();
            prop_assert_eq!(o.complaints, total);
            for s in [&o.rule, &o.model, &o.triage] {
                prop_assert_eq!(s.same + s.other + s.waiting + s.unsuggested, s.complaints);
            }
            prop_assert_eq!(o.rule.complaints + o.model.complaints + o.triage.complaints, total);
            let auto_named: i64 = counts.iter()
                .filter(|c| c.routed_by != RoutedBy::Triage && c.routed.is_some())
                .map(|c| c.complaints).sum();
            prop_assert_eq!(o.departments.iter().map(|d| d.routed).sum::<i64>(), auto_named);
            let by_rules: i64 = counts.iter()
                .filter(|c| c.routed_by == RoutedBy::Rule && c.routed.is_some())
                .map(|c| c.complaints).sum();
            prop_assert_eq!(o.rules.iter().map(|r| r.routed).sum::<i64>(), by_rules);
            prop_assert_eq!(o.rules.iter().map(|r| r.moved).sum::<i64>(), o.rule.other);
            prop_assert!(o.rules.iter().all(|r| r.moved <= r.routed && r.misrouted <= r.routed));
            let misrouted: i64 = counts.iter().filter(|c| c.misrouted).map(|c| c.complaints).sum();
            prop_assert_eq!(o.rule.misrouted + o.model.misrouted + o.triage.misrouted, misrouted);
            prop_assert_eq!(o.rules.iter().map(|r| r.misrouted).sum::<i64>(), o.rule.misrouted - counts.iter()
                .filter(|c| c.misrouted && c.routed_by == RoutedBy::Rule && c.routed.is_none())
                .map(|c| c.complaints).sum::<i64>());
            for d in &o.departments {
                prop_assert!(d.moved <= d.routed && d.misrouted <= d.routed);
                prop_assert_eq!(d.moved_to.is_some(), d.moved > 0);
                if let Some((to, n)) = &d.moved_to {
                    prop_assert!(to != &d.label && *n <= d.moved);
                }
            }
            // Splitting a group in two changes nothing.
            let mut split = Vec::new();
            for c in &counts {
                let half = c.complaints / 2;
                split.push(OutcomeCount { complaints: half, ..c.clone() });
                split.push(OutcomeCount { complaints: c.complaints - half, ..c.clone() });
            }
            split.reverse();
            prop_assert_eq!(outcomes(&split), o);
        }
    }
}
