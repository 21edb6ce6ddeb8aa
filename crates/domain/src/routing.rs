//! What intake routing (智能分派, DESIGN §4) decided about a complaint and why, as the `routed`
//! event records it: the keyword rules that matched, the classifier's best classes with their
//! probabilities, and whether the complaint was assigned or left in the triage queue for a person.
//!
//! The decision itself is made outside the domain (rules and models live in the database, the
//! classifier in `cloop-nlp`); [`intake_events`] turns it into the events that follow the
//! `registered` one, so the log always carries the reasons next to the change they caused.

use crate::complaint::{Complaint, EventBody};
use crate::ids::{CategoryId, OrgUnitId};
use crate::model::{RepeatLink, Severity};
use serde::{Deserialize, Serialize};

/// Whether routing assigned the complaint or left it for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutingOutcome {
    /// Classified and assigned to a department without a person.
    Assigned,
    /// Left in the triage queue (received, no department): not confident enough.
    Triage,
}

/// Who sent a complaint to its first department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutedBy {
    /// A keyword rule.
    Rule,
    /// The classifier, confident enough.
    Model,
    /// Nobody: routing left it in the triage queue for a person.
    Triage,
}

impl RoutedBy {
    /// Every value, in the order the figures list them.
    pub const ALL: [RoutedBy; 3] = [RoutedBy::Rule, RoutedBy::Model, RoutedBy::Triage];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            RoutedBy::Rule => "rule",
            RoutedBy::Model => "model",
            RoutedBy::Triage => "triage",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }
}

/// A keyword rule that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleReason {
    /// The rule's id.
    pub rule_id: i64,
    /// The rule's name.
    pub name: String,
    /// What in the text matched.
    pub matched: String,
}

/// One class the classifier considered, with its probability (rounded to 4 decimals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScore {
    /// The model's label (category code or department name).
    pub label: String,
    /// Probability in `[0, 1]`.
    pub score: f64,
}

/// Where a routing target came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSource {
    /// Given by the person or channel at intake.
    Intake,
    /// A keyword rule.
    Rule,
    /// The classifier, at or above the confidence threshold.
    Model,
}

/// The decision for one target (category or department) with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutedTarget {
    /// The category or department id chosen (none: no confident choice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The label it was chosen by (category code, department name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Where the choice came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<TargetSource>,
    /// The rule that chose it, for [`TargetSource::Rule`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<i64>,
    /// The classifier's best classes, best first (empty without a model).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub top: Vec<ClassScore>,
    /// Version of the model asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version: Option<i64>,
}

/// What routing decided at intake and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutingDecision {
    /// Assigned, or left for triage.
    pub outcome: RoutingOutcome,
    /// The keyword rules that matched, highest priority first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleReason>,
    /// The category decision.
    pub category: RoutedTarget,
    /// The department decision.
    pub department: RoutedTarget,
    /// The severity floor the rules set (risk words), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_floor: Option<Severity>,
    /// Risk flags the rules raised (`legal`, `media`, `safety`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// The confidence a model's choice needed.
    pub threshold: f64,
}

impl RoutingDecision {
    /// A decision that leaves the complaint in triage and names nothing: what
    /// `lifecycle::available_actions` asks about routing again with.
    pub fn triage_probe() -> Self {
        let none = || RoutedTarget {
            id: None,
            label: None,
            source: None,
            rule_id: None,
            top: Vec::new(),
            model_version: None,
        };
        Self {
            outcome: RoutingOutcome::Triage,
            rules: Vec::new(),
            category: none(),
            department: none(),
            severity_floor: None,
            flags: Vec::new(),
            threshold: 1.0,
        }
    }

    /// The triage queue's one-line suggestion, as JSON: the outcome, the best department and
    /// category (the decided one, else the model's best guess with its score) and the flags. None
    /// when there is nothing to suggest. Kept on the complaint's row so the queue shows it without
    /// reading the projection, and written with every change of the decision.
    pub fn hint(&self) -> Option<String> {
        let best = |t: &RoutedTarget| {
            t.label.clone().map(|l| (l, None)).or_else(|| t.top.first().map(|c| (c.label.clone(), Some(c.score))))
        };
        let dept = best(&self.department);
        let cat = best(&self.category);
        if dept.is_none() && cat.is_none() && self.flags.is_empty() {
            return None;
        }
        Some(
            serde_json::json!({
                "outcome": self.outcome,
                "department": dept.as_ref().map(|x| &x.0),
                "department_score": dept.and_then(|x| x.1),
                "category": cat.as_ref().map(|x| &x.0),
                "category_score": cat.and_then(|x| x.1),
                "flags": self.flags,
            })
            .to_string(),
        )
    }

    /// Who chose where the complaint went, as the routing-outcome figures count it
    /// ([`crate::routing_outcomes`]): a rule, the model, or nobody yet (triage).
    pub fn routed_by(&self) -> Option<RoutedBy> {
        match (self.outcome, self.department.source) {
            (RoutingOutcome::Triage, _) => Some(RoutedBy::Triage),
            (RoutingOutcome::Assigned, Some(TargetSource::Rule)) => Some(RoutedBy::Rule),
            (RoutingOutcome::Assigned, Some(TargetSource::Model)) => Some(RoutedBy::Model),
            (RoutingOutcome::Assigned, _) => None,
        }
    }

    /// The category routing classified the complaint as (its code), when a rule or the model
    /// chose it and the complaint was assigned: what a person's later classification is compared
    /// with.
    pub fn routed_category(&self) -> Option<&str> {
        let by_routing = matches!(self.category.source, Some(TargetSource::Rule | TargetSource::Model));
        (self.outcome == RoutingOutcome::Assigned && by_routing).then_some(self.category.label.as_deref()).flatten()
    }

    /// The keyword rule that chose the department, when a rule sent the complaint there.
    pub fn routed_rule(&self) -> Option<i64> {
        (self.routed_by() == Some(RoutedBy::Rule)).then_some(self.department.rule_id).flatten()
    }

    /// The department routing sent the complaint to, or for triage the one it would have
    /// (the decided label, else the model's best guess): what a person's later choice is
    /// compared with.
    pub fn routed_department(&self) -> Option<&str> {
        self.department.label.as_deref().or_else(|| self.department.top.first().map(|c| c.label.as_str()))
    }

    /// The department chosen, when the outcome is [`RoutingOutcome::Assigned`].
    pub fn assigned_department(&self) -> Option<OrgUnitId> {
        match self.outcome {
            RoutingOutcome::Assigned => self.department.id.map(OrgUnitId),
            RoutingOutcome::Triage => None,
        }
    }
}

/// What an admin sets for intake routing on every node (系统管理 → 分派规则 → 分派设置). A field
/// left out falls back to the node's configured default (`--routing-threshold`,
/// `--repeat-window-days`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RoutingSettings {
    /// The confidence a model's choice needs, from 0 (every choice counts) to 1 (a model never
    /// routes alone; only the rules do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Earlier complaints of the same customer, order or text within this many days (1–365) are
    /// linked as repeats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_window_days: Option<i64>,
}

impl RoutingSettings {
    /// Every field out of range, named.
    pub fn validate(&self) -> Result<(), Vec<crate::FieldError>> {
        let mut errors = Vec::new();
        if let Some(t) = self.threshold
            && !(t.is_finite() && (0.0..=1.0).contains(&t))
        {
            errors.push(crate::FieldError::new(
                "threshold",
                "out_of_range",
                "置信度阈值须在 0 到 1 之间",
                "the threshold must be between 0 and 1",
            ));
        }
        if let Some(d) = self.repeat_window_days
            && !(1..=365).contains(&d)
        {
            errors.push(crate::FieldError::new(
                "repeat_window_days",
                "out_of_range",
                "重复投诉时间窗为 1–365 天",
                "the repeat window is 1–365 days",
            ));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// The more serious of two severities (level 1 is the most serious).
pub fn more_serious(a: Option<Severity>, b: Option<Severity>) -> Option<Severity> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if a.level() <= b.level() { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// The events that follow `registered` for a complaint taken in with `repeats` found and
/// `decision` made: the repeat links, the `routed` event, and when routing is confident, the
/// classification (category, and the severity raised to the rules' floor or else the default)
/// and the assignment. `registered` is the complaint as the `registered` event left it.
pub fn intake_events(
    registered: &Complaint,
    repeats: &[RepeatLink],
    decision: Option<&RoutingDecision>,
    default_severity: Severity,
) -> Vec<EventBody> {
    let mut out: Vec<EventBody> = repeats.iter().map(|link| EventBody::RepeatLinked { link: link.clone() }).collect();
    let Some(decision) = decision else { return out };
    out.push(EventBody::Routed { decision: decision.clone() });
    let Some(department_id) = decision.assigned_department() else { return out };
    let Some(category_id) = decision.category.id.map(CategoryId) else { return out };
    let severity = more_serious(registered.severity, decision.severity_floor).unwrap_or(default_severity);
    if registered.category_id != Some(category_id) || registered.severity != Some(severity) {
        out.push(EventBody::Classified { category_id, severity, product_ref: None, order_ref: None });
    }
    out.push(EventBody::Assigned { department_id, handler_id: None });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::ActorRef;
    use crate::complaint::Event;
    use crate::ids::{ComplaintId, CustomerId};
    use crate::model::{Channel, State, Tier};
    use chrono::{TimeZone, Utc};

    fn registered(severity: Option<Severity>) -> Complaint {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let event = Event {
            seq: 1,
            at,
            actor: ActorRef::System,
            body: EventBody::Registered {
                case_no: "TS20261122000001".into(),
                customer_id: CustomerId(1),
                tier: Tier::Normal,
                company_id: OrgUnitId(2),
                intake_unit_id: OrgUnitId(3),
                channel: Channel::Phone,
                summary: "热水器漏电".into(),
                content: "热水器漏电，孩子被电到受伤".into(),
                customer_request: None,
                product_ref: None,
                order_ref: None,
                category_id: None,
                severity,
                received_at: at,
            },
        };
        Complaint::from_registered(ComplaintId(1), &event).unwrap()
    }

    fn target(id: Option<i64>, source: TargetSource) -> RoutedTarget {
        RoutedTarget { id, label: None, source: Some(source), rule_id: None, top: Vec::new(), model_version: None }
    }

    fn decision(outcome: RoutingOutcome, floor: Option<Severity>) -> RoutingDecision {
        RoutingDecision {
            outcome,
            rules: Vec::new(),
            category: target(Some(7), TargetSource::Model),
            department: target(Some(9), TargetSource::Rule),
            severity_floor: floor,
            flags: vec!["safety".into()],
            threshold: 0.6,
        }
    }

    fn replay(c: &Complaint, bodies: Vec<EventBody>) -> Complaint {
        let mut c = c.clone();
        for (i, body) in bodies.into_iter().enumerate() {
            c.apply(&Event { seq: 2 + i as u32, at: c.updated_at, actor: ActorRef::System, body });
        }
        c
    }

    #[test]
    fn a_confident_decision_classifies_and_assigns_with_the_rules_severity() {
        let c = registered(Some(Severity::Level3));
        let d = decision(RoutingOutcome::Assigned, Some(Severity::Level1));
        let events = intake_events(&c, &[], Some(&d), Severity::Level3);
        assert_eq!(events.iter().map(EventBody::kind).collect::<Vec<_>>(), ["routed", "classified", "assigned"]);
        let after = replay(&c, events);
        assert_eq!(after.state, State::Assigned);
        assert_eq!(after.department_id, Some(OrgUnitId(9)));
        assert_eq!(after.category_id, Some(CategoryId(7)));
        assert_eq!(after.severity, Some(Severity::Level1));
        assert_eq!(after.routing, Some(d));
        assert_eq!(after.invariant_violation(), None);
    }

    #[test]
    fn triage_leaves_the_complaint_received_but_risk_words_still_raise_severity() {
        let c = registered(None);
        let d = decision(RoutingOutcome::Triage, Some(Severity::Level1));
        let link = RepeatLink { complaint_id: ComplaintId(5), case_no: "TS1".into(), reasons: vec![] };
        let events = intake_events(&c, std::slice::from_ref(&link), Some(&d), Severity::Level3);
        assert_eq!(events.iter().map(EventBody::kind).collect::<Vec<_>>(), ["repeat_linked", "routed"]);
        let after = replay(&c, events);
        assert_eq!(after.state, State::Received);
        assert_eq!(after.department_id, None);
        assert_eq!(after.severity, Some(Severity::Level1));
        assert_eq!(after.repeat_of, [link]);
    }

    #[test]
    fn without_a_category_nothing_is_assigned_and_the_default_severity_fills_in() {
        let c = registered(None);
        let mut d = decision(RoutingOutcome::Assigned, None);
        d.category.id = None;
        assert_eq!(intake_events(&c, &[], Some(&d), Severity::Level3).len(), 1);
        d.category.id = Some(7);
        let after = replay(&c, intake_events(&c, &[], Some(&d), Severity::Level2));
        assert_eq!(after.severity, Some(Severity::Level2));
        assert!(intake_events(&c, &[], None, Severity::Level3).is_empty());
    }

    #[test]
    fn level_one_is_more_serious_than_level_three() {
        assert_eq!(more_serious(Some(Severity::Level3), Some(Severity::Level1)), Some(Severity::Level1));
        assert_eq!(more_serious(None, Some(Severity::Level2)), Some(Severity::Level2));
        assert_eq!(more_serious(None, None), None);
    }

    #[test]
    fn routing_settings_name_every_field_out_of_range_and_keep_what_is_left_out() {
        let ok = RoutingSettings { threshold: Some(1.0), repeat_window_days: Some(365) };
        assert_eq!(ok.validate(), Ok(()));
        assert_eq!(RoutingSettings::default().validate(), Ok(()));
        let bad = RoutingSettings { threshold: Some(-0.1), repeat_window_days: Some(0) };
        let fields: Vec<_> = bad.validate().unwrap_err().into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            [("threshold".to_owned(), "out_of_range"), ("repeat_window_days".to_owned(), "out_of_range")]
        );
        assert!(RoutingSettings { threshold: Some(f64::NAN), ..ok }.validate().is_err());
        // Stored as JSON that leaves the defaults out.
        let json = serde_json::to_string(&RoutingSettings { threshold: Some(0.8), repeat_window_days: None }).unwrap();
        assert_eq!(json, r#"{"threshold":0.8}"#);
        assert_eq!(serde_json::from_str::<RoutingSettings>("{}").unwrap(), RoutingSettings::default());
    }
}
