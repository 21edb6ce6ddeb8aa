//! A complaint as a projection of its events: [`Complaint::apply`] folds one event into the
//! state. The store keeps this projection in the same transaction as the event it came from, and
//! replaying all events of a complaint must rebuild exactly the stored projection.

use crate::actor::ActorRef;
use crate::ids::{CategoryId, ComplaintId, CustomerId, OrgUnitId, UserId};
use crate::model::*;
use crate::routing::RoutingDecision;
use crate::sla::Pause;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One entry in a complaint's log, as the domain sees it. The store adds the hash chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in this complaint's chain, from 1.
    pub seq: u32,
    /// When it happened (truncated to microseconds so both databases store it exactly).
    pub at: DateTime<Utc>,
    /// Who caused it.
    pub actor: ActorRef,
    /// What happened.
    pub body: EventBody,
}

/// What happened to a complaint. The serialized form (`kind` + fields) is what the log stores
/// and what the hash chain covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventBody {
    /// Taken in (受理) with a case number.
    Registered {
        /// The case number.
        case_no: String,
        /// The customer record (personal data stays there, not in the log).
        customer_id: CustomerId,
        /// The customer's tier at intake.
        tier: Tier,
        /// The company the complaint belongs to.
        company_id: OrgUnitId,
        /// The unit that registered it (e.g. the call centre).
        intake_unit_id: OrgUnitId,
        /// Intake channel.
        channel: Channel,
        /// One-line summary.
        summary: String,
        /// The customer's words.
        content: String,
        /// What the customer asks for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer_request: Option<String>,
        /// Product or model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        product_ref: Option<String>,
        /// Order number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order_ref: Option<String>,
        /// Category if given at intake.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category_id: Option<CategoryId>,
        /// Severity if given at intake.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        severity: Option<Severity>,
        /// When the customer complained (may be before registration).
        received_at: DateTime<Utc>,
    },
    /// Judged invalid.
    MarkedInvalid {
        /// Why.
        reason: String,
    },
    /// Classified and graded (or re-graded).
    Classified {
        /// Category.
        category_id: CategoryId,
        /// Severity.
        severity: Severity,
        /// Product, if corrected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        product_ref: Option<String>,
        /// Order, if corrected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order_ref: Option<String>,
    },
    /// Handed to a responsible department.
    Assigned {
        /// Department.
        department_id: OrgUnitId,
        /// Handler, if chosen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        handler_id: Option<UserId>,
    },
    /// The handler changed within the department.
    HandlerSet {
        /// New handler.
        handler_id: UserId,
    },
    /// Moved to another department (counted).
    Transferred {
        /// Previous department.
        from_department_id: OrgUnitId,
        /// New department.
        department_id: OrgUnitId,
        /// New handler, if chosen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        handler_id: Option<UserId>,
        /// Why.
        reason: String,
        /// The person said the department it leaves should never have had it: routing (or
        /// whoever placed it) got it wrong, as opposed to a hand-off. Only on the first transfer,
        /// which leaves the department the complaint was first sent to.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        misrouted: bool,
    },
    /// Accepted by the department for investigation.
    Accepted {
        /// Who handles it.
        handler_id: UserId,
    },
    /// A note (internal) or a reply to the customer.
    NoteAdded {
        /// Who may see it.
        visibility: Visibility,
        /// The text.
        text: String,
    },
    /// Evidence attached.
    EvidenceAdded {
        /// The stored file.
        attachment: Attachment,
    },
    /// A contact with the customer was recorded.
    ContactRecorded {
        /// How.
        channel: Channel,
        /// What was said.
        summary: String,
    },
    /// A remedy was proposed.
    RemedyProposed {
        /// The remedy.
        remedy: Remedy,
        /// The role that must approve it, when above the proposer's authority.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        approval_role: Option<String>,
    },
    /// The remedy was approved.
    RemedyApproved {
        /// Approver's comment.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        comment: String,
    },
    /// The remedy was rejected.
    RemedyRejected {
        /// Why.
        reason: String,
    },
    /// The customer agreed to the remedy.
    CustomerAgreed {
        /// Their words.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        comment: String,
    },
    /// The customer disagreed (counted).
    CustomerDisagreed {
        /// Their words.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        comment: String,
    },
    /// Execution of the remedy started.
    ExecutionStarted {
        /// Note.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// The department reported the result.
    ResultReported {
        /// What was done.
        result: String,
    },
    /// Resolved at first contact by the agent.
    ResolvedAtFirstContact {
        /// How.
        summary: String,
    },
    /// Satisfaction recorded.
    SatisfactionRecorded {
        /// The rating.
        satisfaction: Satisfaction,
    },
    /// A secondary review ended.
    ReviewConcluded {
        /// Uphold or reopen.
        decision: ReviewDecision,
        /// Why.
        reason: String,
    },
    /// A return visit was made.
    ReturnVisitRecorded {
        /// The visit.
        visit: ReturnVisit,
    },
    /// Closed.
    Closed {
        /// Closing note.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// Reopened after closing.
    Reopened {
        /// Why.
        reason: String,
    },
    /// Case value flagged or cleared.
    CaseValueSet {
        /// Whether the case has value for the case library.
        value: bool,
        /// Why.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// Archived; read-only from now on.
    Archived,
    /// Linked to an earlier complaint about the same matter.
    RepeatLinked {
        /// The earlier complaint.
        link: RepeatLink,
    },
    /// Escalation level or external flag changed.
    Escalated {
        /// New level 0–3.
        level: u8,
        /// Where the customer went, if outside.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external: Option<ExternalBody>,
        /// Why.
        reason: String,
    },
    /// An SLA clock passed a warning threshold (below 100 %) or its due time (100 % and over).
    SlaAlert {
        /// Which clock.
        clock: SlaClock,
        /// The share of the target used, in percent (75, 90, 100, 150 …).
        percent: u16,
        /// The clock's due time when the alert was raised.
        due_at: DateTime<Utc>,
    },
    /// Intake routing decided (rules, classifier) and said why (DESIGN §4). When confident,
    /// `classified` and `assigned` follow in the same commit; otherwise the complaint waits in
    /// triage. A severity floor from risk words raises the severity at once.
    Routed {
        /// The decision and its reasons.
        decision: RoutingDecision,
    },
}

impl EventBody {
    /// The event kind's stable code (the `kind` tag).
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::Registered { .. } => "registered",
            EventBody::MarkedInvalid { .. } => "marked_invalid",
            EventBody::Classified { .. } => "classified",
            EventBody::Assigned { .. } => "assigned",
            EventBody::HandlerSet { .. } => "handler_set",
            EventBody::Transferred { .. } => "transferred",
            EventBody::Accepted { .. } => "accepted",
            EventBody::NoteAdded { .. } => "note_added",
            EventBody::EvidenceAdded { .. } => "evidence_added",
            EventBody::ContactRecorded { .. } => "contact_recorded",
            EventBody::RemedyProposed { .. } => "remedy_proposed",
            EventBody::RemedyApproved { .. } => "remedy_approved",
            EventBody::RemedyRejected { .. } => "remedy_rejected",
            EventBody::CustomerAgreed { .. } => "customer_agreed",
            EventBody::CustomerDisagreed { .. } => "customer_disagreed",
            EventBody::ExecutionStarted { .. } => "execution_started",
            EventBody::ResultReported { .. } => "result_reported",
            EventBody::ResolvedAtFirstContact { .. } => "resolved_at_first_contact",
            EventBody::SatisfactionRecorded { .. } => "satisfaction_recorded",
            EventBody::ReviewConcluded { .. } => "review_concluded",
            EventBody::ReturnVisitRecorded { .. } => "return_visit_recorded",
            EventBody::Closed { .. } => "closed",
            EventBody::Reopened { .. } => "reopened",
            EventBody::CaseValueSet { .. } => "case_value_set",
            EventBody::Archived => "archived",
            EventBody::RepeatLinked { .. } => "repeat_linked",
            EventBody::Escalated { .. } => "escalated",
            EventBody::SlaAlert { .. } => "sla_alert",
            EventBody::Routed { .. } => "routed",
        }
    }
}

/// The current state of one complaint (the projection).
///
/// Stored as JSON in the `doc` column beside its indexed columns. Empty fields (none, false,
/// zero, no items) are left out of that JSON and read back as their defaults: with every key
/// written, a fresh complaint's row was about 2.2 KB, so SQLite fitted one row per 4 KiB page
/// and PostgreSQL compressed it into TOAST; without them it is about 1.6 KB (BENCHMARKS.md,
/// "The writer, tenth pass"). API responses are built from their own types, not from this JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Complaint {
    /// Database key.
    pub id: ComplaintId,
    /// Case number.
    pub case_no: String,
    /// Loop state.
    pub state: State,
    /// Company it belongs to.
    pub company_id: OrgUnitId,
    /// Unit that registered it.
    pub intake_unit_id: OrgUnitId,
    /// Customer record.
    pub customer_id: CustomerId,
    /// Tier at intake.
    pub tier: Tier,
    /// Channel.
    pub channel: Channel,
    /// Summary line.
    pub summary: String,
    /// Customer's words.
    pub content: String,
    /// What the customer asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_request: Option<String>,
    /// Product / model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_ref: Option<String>,
    /// Order number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_ref: Option<String>,
    /// Category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<CategoryId>,
    /// Severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Responsible department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<OrgUnitId>,
    /// Handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler_id: Option<UserId>,
    /// When the customer complained.
    pub received_at: DateTime<Utc>,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Transfers between departments.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub transfer_count: u32,
    /// The department it was first sent to was the wrong one: the transfer out of it said so
    /// (分派有误). What the routing outcomes tell routing's mistakes from hand-offs by.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub misrouted: bool,
    /// Times the customer disagreed with a remedy.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub disagree_count: u32,
    /// Times reopened (after closing or by secondary review).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reopen_count: u32,
    /// Escalation level 0–3.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub escalation_level: u8,
    /// External escalation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_escalation: Option<ExternalBody>,
    /// Current remedy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy: Option<Remedy>,
    /// Who proposed the current remedy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy_proposed_by: Option<UserId>,
    /// Role that must approve the current remedy (set while pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_role: Option<String>,
    /// Latest satisfaction rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<Satisfaction>,
    /// Latest return visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_visit: Option<ReturnVisit>,
    /// Resolved at first contact.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_contact_resolution: bool,
    /// Execution started.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub execution_started: bool,
    /// First response by staff (accept, contact, reply, or first-contact resolution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response_at: Option<DateTime<Utc>>,
    /// Resolution time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
    /// Closing time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Marked invalid at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_at: Option<DateTime<Utc>>,
    /// Why invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_reason: Option<String>,
    /// Archived at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_at: Option<DateTime<Utc>>,
    /// Case value for the library.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub case_value: bool,
    /// Links to earlier complaints about the same matter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeat_of: Vec<RepeatLink>,
    /// Attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Stretches during which the SLA clocks stood still (waiting on the customer); the last
    /// one is open while the complaint is in `awaiting_customer`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<Pause>,
    /// The highest SLA alert raised on each clock, so no threshold is alerted twice.
    #[serde(default, skip_serializing_if = "SlaAlerted::is_unset")]
    pub sla_alerted: SlaAlerted,
    /// Number of events applied (the complaint's chain length).
    pub version: u32,
    /// What intake routing decided and why (none for complaints registered without routing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingDecision>,
}

/// Serde's test for counts left out of the stored projection when zero.
fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}

/// The highest share (percent) of each SLA target already alerted; 0 before any alert.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaAlerted {
    /// First-response clock.
    pub response: u16,
    /// Resolution clock.
    pub resolution: u16,
}

impl SlaAlerted {
    /// No alert raised on either clock.
    pub fn is_unset(&self) -> bool {
        *self == Self::default()
    }

    /// The value for one clock.
    pub fn get(&self, clock: SlaClock) -> u16 {
        match clock {
            SlaClock::Response => self.response,
            SlaClock::Resolution => self.resolution,
        }
    }

    fn raise(&mut self, clock: SlaClock, percent: u16) {
        let slot = match clock {
            SlaClock::Response => &mut self.response,
            SlaClock::Resolution => &mut self.resolution,
        };
        *slot = (*slot).max(percent);
    }
}

impl Complaint {
    /// Builds the projection from its first event.
    pub fn from_registered(id: ComplaintId, event: &Event) -> Option<Self> {
        let EventBody::Registered {
            case_no,
            customer_id,
            tier,
            company_id,
            intake_unit_id,
            channel,
            summary,
            content,
            customer_request,
            product_ref,
            order_ref,
            category_id,
            severity,
            received_at,
        } = &event.body
        else {
            return None;
        };
        Some(Self {
            id,
            case_no: case_no.clone(),
            state: State::Received,
            company_id: *company_id,
            intake_unit_id: *intake_unit_id,
            customer_id: *customer_id,
            tier: *tier,
            channel: *channel,
            summary: summary.clone(),
            content: content.clone(),
            customer_request: customer_request.clone(),
            product_ref: product_ref.clone(),
            order_ref: order_ref.clone(),
            category_id: *category_id,
            severity: *severity,
            department_id: None,
            handler_id: None,
            received_at: *received_at,
            registered_at: event.at,
            updated_at: event.at,
            transfer_count: 0,
            misrouted: false,
            disagree_count: 0,
            reopen_count: 0,
            escalation_level: 0,
            external_escalation: None,
            remedy: None,
            remedy_proposed_by: None,
            approval_role: None,
            satisfaction: None,
            return_visit: None,
            first_contact_resolution: false,
            execution_started: false,
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            invalid_at: None,
            invalid_reason: None,
            archived_at: None,
            case_value: false,
            repeat_of: Vec::new(),
            attachments: Vec::new(),
            pauses: Vec::new(),
            sla_alerted: SlaAlerted::default(),
            version: 1,
            routing: None,
        })
    }

    /// Rebuilds a complaint from its whole log; `None` if the log does not start with
    /// `Registered`.
    pub fn replay(id: ComplaintId, events: &[Event]) -> Option<Self> {
        let (first, rest) = events.split_first()?;
        let mut c = Self::from_registered(id, first)?;
        for e in rest {
            c.apply(e);
        }
        Some(c)
    }

    /// Folds one (already decided) event into the state.
    pub fn apply(&mut self, event: &Event) {
        let at = event.at;
        let before = self.state;
        let staff = matches!(event.actor, ActorRef::User { .. });
        match &event.body {
            EventBody::Registered { .. } => {}
            EventBody::MarkedInvalid { reason } => {
                self.state = State::Invalid;
                self.invalid_at = Some(at);
                self.invalid_reason = Some(reason.clone());
            }
            EventBody::Classified { category_id, severity, product_ref, order_ref } => {
                self.category_id = Some(*category_id);
                self.severity = Some(*severity);
                if product_ref.is_some() {
                    self.product_ref.clone_from(product_ref);
                }
                if order_ref.is_some() {
                    self.order_ref.clone_from(order_ref);
                }
            }
            EventBody::Assigned { department_id, handler_id } => {
                self.state = State::Assigned;
                self.department_id = Some(*department_id);
                self.handler_id = *handler_id;
            }
            EventBody::HandlerSet { handler_id } => self.handler_id = Some(*handler_id),
            EventBody::Transferred { department_id, handler_id, misrouted, .. } => {
                self.state = State::Assigned;
                self.department_id = Some(*department_id);
                self.handler_id = *handler_id;
                self.misrouted |= *misrouted && self.transfer_count == 0;
                self.transfer_count += 1;
            }
            EventBody::Accepted { handler_id } => {
                self.state = State::Investigating;
                self.handler_id = Some(*handler_id);
                self.first_response_at.get_or_insert(at);
            }
            EventBody::NoteAdded { visibility, .. } => {
                if staff && *visibility == Visibility::Customer {
                    self.first_response_at.get_or_insert(at);
                }
            }
            EventBody::EvidenceAdded { attachment } => self.attachments.push(attachment.clone()),
            EventBody::ContactRecorded { .. } => {
                if staff {
                    self.first_response_at.get_or_insert(at);
                }
            }
            EventBody::RemedyProposed { remedy, approval_role } => {
                self.remedy = Some(remedy.clone());
                self.remedy_proposed_by = event.actor.user_id();
                self.approval_role.clone_from(approval_role);
                self.state = if approval_role.is_some() { State::PendingApproval } else { State::AwaitingCustomer };
            }
            EventBody::RemedyApproved { .. } => {
                self.approval_role = None;
                self.state = State::AwaitingCustomer;
            }
            EventBody::RemedyRejected { .. } => {
                self.approval_role = None;
                self.remedy = None;
                self.remedy_proposed_by = None;
                self.state = State::Investigating;
            }
            EventBody::CustomerAgreed { .. } => {
                self.state = State::Executing;
                self.execution_started = false;
            }
            EventBody::CustomerDisagreed { .. } => {
                self.state = State::Investigating;
                self.disagree_count += 1;
                self.remedy = None;
                self.remedy_proposed_by = None;
            }
            EventBody::ExecutionStarted { .. } => self.execution_started = true,
            EventBody::ResultReported { .. } => {
                self.state = State::Resolved;
                self.resolved_at = Some(at);
            }
            EventBody::ResolvedAtFirstContact { .. } => {
                self.state = State::Resolved;
                self.first_contact_resolution = true;
                self.resolved_at = Some(at);
                self.first_response_at.get_or_insert(at);
            }
            EventBody::SatisfactionRecorded { satisfaction } => {
                if satisfaction.is_dissatisfied() {
                    self.state = State::SecondaryReview;
                }
                self.satisfaction = Some(satisfaction.clone());
            }
            EventBody::ReviewConcluded { decision, .. } => match decision {
                ReviewDecision::Uphold => {
                    self.state = State::Closed;
                    self.closed_at = Some(at);
                }
                ReviewDecision::Reopen { handler_id } => {
                    self.state = self.rework_state();
                    if handler_id.is_some() {
                        self.handler_id = *handler_id;
                    }
                    self.reopen_count += 1;
                    self.reset_for_rework();
                }
            },
            EventBody::ReturnVisitRecorded { visit } => {
                if visit.outcome == VisitOutcome::Dissatisfied {
                    self.state = State::SecondaryReview;
                }
                self.return_visit = Some(visit.clone());
            }
            EventBody::Closed { .. } => {
                self.state = State::Closed;
                self.closed_at = Some(at);
            }
            EventBody::Reopened { .. } => {
                self.state = self.rework_state();
                self.reopen_count += 1;
                self.closed_at = None;
                self.reset_for_rework();
            }
            EventBody::CaseValueSet { value, .. } => self.case_value = *value,
            EventBody::Archived => {
                self.state = State::Archived;
                self.archived_at = Some(at);
            }
            EventBody::RepeatLinked { link } => self.repeat_of.push(link.clone()),
            EventBody::Escalated { level, external, .. } => {
                self.escalation_level = *level;
                if external.is_some() {
                    self.external_escalation = *external;
                }
            }
            EventBody::Routed { decision } => {
                self.severity = crate::routing::more_serious(self.severity, decision.severity_floor);
                self.routing = Some(decision.clone());
            }
            EventBody::SlaAlert { clock, percent, .. } => self.sla_alerted.raise(*clock, *percent),
        }
        // The SLA clocks stand still while the complaint waits on the customer (DESIGN §3).
        let waiting = |s: State| s == State::AwaitingCustomer;
        if !waiting(before) && waiting(self.state) {
            self.pauses.push((at, None));
        } else if waiting(before)
            && !waiting(self.state)
            && let Some(open) = self.pauses.last_mut().filter(|p| p.1.is_none())
        {
            open.1 = Some(at);
        }
        self.updated_at = at;
        self.version += 1;
    }

    /// Whether an SLA clock is still counting: the complaint is open and the clock's goal (first
    /// response; resolution) is not reached. A paused clock is still running in this sense.
    pub fn clock_running(&self, clock: SlaClock) -> bool {
        self.state.is_open()
            && self.resolved_at.is_none()
            && (clock == SlaClock::Resolution || self.first_response_at.is_none())
    }

    /// Where reopened work starts: with the responsible department (`investigating`), or back in
    /// `received` for classifying and routing when the complaint never had a department (it was
    /// resolved at first contact), since an investigation needs a department.
    fn rework_state(&self) -> State {
        if self.department_id.is_some() { State::Investigating } else { State::Received }
    }

    /// Work starts again: the old remedy, rating and visit no longer describe the outcome.
    fn reset_for_rework(&mut self) {
        self.remedy = None;
        self.remedy_proposed_by = None;
        self.approval_role = None;
        self.satisfaction = None;
        self.return_visit = None;
        self.resolved_at = None;
        self.closed_at = None;
        self.execution_started = false;
    }

    /// The facts every state promises. Used by property tests and by `verify`.
    pub fn invariant_violation(&self) -> Option<&'static str> {
        use State::*;
        let routed = matches!(self.state, Assigned | Investigating | PendingApproval | AwaitingCustomer | Executing);
        if routed && self.department_id.is_none() {
            return Some("routed complaint without department");
        }
        if routed && (self.category_id.is_none() || self.severity.is_none()) {
            return Some("routed complaint without category and severity");
        }
        if self.state == PendingApproval && (self.remedy.is_none() || self.approval_role.is_none()) {
            return Some("pending approval without remedy or approver");
        }
        if matches!(self.state, AwaitingCustomer | Executing) && (self.remedy.is_none() || self.approval_role.is_some())
        {
            return Some("remedy not approved");
        }
        if matches!(self.state, Resolved | SecondaryReview) && self.resolved_at.is_none() {
            return Some("resolved without time");
        }
        if self.state == Closed && self.closed_at.is_none() {
            return Some("closed without time");
        }
        if self.state == Invalid && self.invalid_reason.is_none() {
            return Some("invalid without reason");
        }
        if self.state == Archived && self.archived_at.is_none() {
            return Some("archived without time");
        }
        if self.escalation_level > 3 {
            return Some("escalation above 3");
        }
        let open_pause = self.pauses.last().is_some_and(|p| p.1.is_none());
        if open_pause != (self.state == AwaitingCustomer) {
            return Some("SLA clock paused outside awaiting customer");
        }
        None
    }
}
