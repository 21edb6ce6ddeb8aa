//! The closed loop as a function (DESIGN §2): [`decide`] takes the current complaint, a command,
//! who gives it and when, and answers with the events to append or a [`Refusal`]. It never
//! changes anything itself; the store appends the events and folds them with
//! [`Complaint::apply`]. Data scope (which complaints a user may see at all) is checked by the
//! caller before the complaint is loaded; everything else is decided here.

use crate::actor::{Actor, ActorRef, Permission};
use crate::authority::AuthorityMatrix;
use crate::complaint::{Complaint, Event, EventBody};
use crate::error::Refusal;
use crate::ids::{CategoryId, OrgUnitId, UserId};
use crate::model::*;
use crate::routing::RoutingDecision;
use chrono::{DateTime, Duration, Utc};

/// A command on an existing complaint. Fields are already parsed at the edge; facts that need
/// the database (a handler belongs to the department, the linked complaint exists) are checked
/// by the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Judge the complaint invalid.
    MarkInvalid { reason: String },
    /// Classify and grade (also re-grade later).
    Classify { category_id: CategoryId, severity: Severity, product_ref: Option<String>, order_ref: Option<String> },
    /// Hand a received complaint to a department.
    Assign { department_id: OrgUnitId, handler_id: Option<UserId> },
    /// Change the handler within the department.
    SetHandler { handler_id: UserId },
    /// Move to another department.
    Transfer {
        department_id: OrgUnitId,
        handler_id: Option<UserId>,
        reason: String,
        /// The department it leaves should never have had it (分派有误): first transfer only.
        misrouted: bool,
    },
    /// The department takes it up.
    Accept,
    /// Internal note or reply to the customer.
    AddNote { visibility: Visibility, text: String },
    /// Attach evidence (already stored).
    AddEvidence { attachment: Attachment },
    /// Record a contact with the customer.
    RecordContact { channel: Channel, summary: String },
    /// Propose a remedy.
    ProposeRemedy { remedy: Remedy },
    /// Approve the pending remedy.
    ApproveRemedy { comment: String },
    /// Reject the pending remedy.
    RejectRemedy { reason: String },
    /// The customer's decision on the remedy.
    CustomerDecision { agree: bool, comment: String },
    /// Start carrying out the remedy.
    StartExecution { note: String },
    /// Report the result of execution.
    ReportResult { result: String },
    /// Resolve at first contact.
    ResolveAtFirstContact { summary: String },
    /// Record a satisfaction rating.
    RecordSatisfaction { stars: u8, comment: String },
    /// Conclude a secondary review.
    ConcludeReview { decision: ReviewDecision, reason: String },
    /// Record a return visit.
    RecordReturnVisit { visit: ReturnVisit },
    /// Close.
    Close { note: String },
    /// Reopen a closed complaint.
    Reopen { reason: String },
    /// Flag (or clear) case value.
    SetCaseValue { value: bool, note: String },
    /// Archive.
    Archive,
    /// Link to an earlier complaint about the same matter.
    LinkRepeat { link: RepeatLink },
    /// Change the escalation level / external flag.
    Escalate { level: u8, external: Option<ExternalBody>, reason: String },
    /// Record that an SLA clock passed a threshold (the scheduler's command; system only).
    SlaAlert { clock: SlaClock, percent: u16, due_at: DateTime<Utc> },
    /// Route a complaint waiting in triage again, with the rules and models as they are now
    /// (`decision`, made by the caller): recorded as intake records it, and when routing is sure
    /// the complaint is classified and assigned as at intake. For complaints that arrived before
    /// the first model, with routing off, or before a rule that now places them.
    Route { decision: RoutingDecision, default_severity: Severity },
}

/// Who gives a command.
#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    /// A staff user.
    Staff(&'a Actor),
    /// The customer on the public pages (already identified by their link token).
    Customer,
    /// The system.
    System,
}

impl Who<'_> {
    /// The reference stored in the log.
    pub fn actor_ref(&self) -> ActorRef {
        match self {
            Who::Staff(a) => ActorRef::User { id: a.user_id },
            Who::Customer => ActorRef::Customer,
            Who::System => ActorRef::System,
        }
    }
}

/// Configurable rules of the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// How long after closing a complaint may be reopened.
    pub reopen_window: Duration,
    /// How long after closing (or being judged invalid) a complaint may be archived.
    pub archive_after: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self { reopen_window: Duration::days(30), archive_after: Duration::zero() }
    }
}

/// Everything a decision may look at besides the complaint and the command.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Who gives the command.
    pub who: Who<'a>,
    /// The time of the decision (never read from a clock inside the domain).
    pub now: DateTime<Utc>,
    /// Loop rules.
    pub policy: &'a Policy,
    /// The remedy authority matrix.
    pub authority: &'a AuthorityMatrix,
}

fn state_refusal(c: &Complaint, action_zh: &str, action_en: &str) -> Refusal {
    Refusal::wrong_state(
        "wrong_state",
        format!("投诉当前状态为「{}」，不能{}", c.state.label_zh(), action_zh),
        format!("cannot {} while the complaint is {}", action_en, c.state.label_en()),
    )
}

fn need(ctx: &Context<'_>, p: Permission) -> Result<(), Refusal> {
    match ctx.who {
        Who::Staff(a) if a.can(p) => Ok(()),
        Who::System => Ok(()),
        _ => Err(Refusal::forbidden(
            "missing_permission",
            format!("缺少权限：{}", p.label_zh()),
            format!("missing permission: {}", p.label_en()),
        )),
    }
}

/// Staff with the permission, or the customer themselves.
fn need_customer_or(ctx: &Context<'_>, p: Permission) -> Result<(), Refusal> {
    match ctx.who {
        Who::Customer => Ok(()),
        _ => need(ctx, p),
    }
}

fn nonempty(field: &str, v: &str) -> Result<(), Refusal> {
    if v.trim().is_empty() {
        return Err(Refusal::invalid(field, "required", "此项必填", "this field is required"));
    }
    Ok(())
}

/// Decides a command. `Ok` holds the events to append, in order (never empty); `Err` says why
/// nothing happens.
pub fn decide(c: &Complaint, cmd: &Command, ctx: &Context<'_>) -> Result<Vec<EventBody>, Refusal> {
    use State::*;
    if c.state == Archived {
        return Err(Refusal::wrong_state("archived", "投诉已归档，只读", "the complaint is archived and read-only"));
    }
    let event = match cmd {
        Command::MarkInvalid { reason } => {
            need(ctx, Permission::Validate)?;
            if c.state != Received {
                return Err(state_refusal(c, "判定为无效投诉", "mark it invalid"));
            }
            nonempty("reason", reason)?;
            EventBody::MarkedInvalid { reason: reason.clone() }
        }
        Command::Classify { category_id, severity, product_ref, order_ref } => {
            need(ctx, Permission::Classify)?;
            if !c.state.is_open() {
                return Err(state_refusal(c, "分类分级", "classify it"));
            }
            EventBody::Classified {
                category_id: *category_id,
                severity: *severity,
                product_ref: product_ref.clone(),
                order_ref: order_ref.clone(),
            }
        }
        Command::Route { decision, default_severity } => {
            need(ctx, Permission::Classify)?;
            need(ctx, Permission::Assign)?;
            if c.state != Received {
                return Err(state_refusal(
                    c,
                    "重新智能分派（仅待分派的投诉）",
                    "route it again (only while in triage)",
                ));
            }
            return Ok(crate::routing::intake_events(c, &[], Some(decision), *default_severity));
        }
        Command::Assign { department_id, handler_id } => {
            need(ctx, Permission::Assign)?;
            if c.state != Received {
                return Err(state_refusal(c, "分派（已分派的请用转派）", "assign it (use transfer once assigned)"));
            }
            if c.category_id.is_none() || c.severity.is_none() {
                return Err(Refusal::wrong_state(
                    "not_classified",
                    "请先完成分类和分级再分派",
                    "classify and grade the complaint before assigning it",
                ));
            }
            EventBody::Assigned { department_id: *department_id, handler_id: *handler_id }
        }
        Command::SetHandler { handler_id } => {
            need(ctx, Permission::Assign)?;
            if !matches!(c.state, Assigned | Investigating) {
                return Err(state_refusal(c, "更换处理人", "change the handler"));
            }
            if c.handler_id == Some(*handler_id) {
                return Err(Refusal::invalid("handler_id", "same_handler", "已经是该处理人", "already the handler"));
            }
            EventBody::HandlerSet { handler_id: *handler_id }
        }
        Command::Transfer { department_id, handler_id, reason, misrouted } => {
            need(ctx, Permission::Assign)?;
            if !matches!(c.state, Assigned | Investigating) {
                return Err(state_refusal(c, "转派", "transfer it"));
            }
            nonempty("reason", reason)?;
            let from = c.department_id.expect("routed complaints have a department");
            if from == *department_id {
                return Err(Refusal::invalid(
                    "department_id",
                    "same_department",
                    "不能转派给当前责任部门",
                    "cannot transfer to the current department",
                ));
            }
            // Whether the first placement was wrong is a question about the department the
            // complaint was first sent to, which only the first transfer leaves.
            if *misrouted && c.transfer_count > 0 {
                return Err(Refusal::invalid(
                    "misrouted",
                    "not_first_transfer",
                    "只有首次转派可以标记为分派有误",
                    "only the first transfer can say the complaint was misrouted",
                ));
            }
            EventBody::Transferred {
                from_department_id: from,
                department_id: *department_id,
                handler_id: *handler_id,
                reason: reason.clone(),
                misrouted: *misrouted,
            }
        }
        Command::Accept => {
            need(ctx, Permission::Accept)?;
            if c.state != Assigned {
                return Err(state_refusal(c, "受理", "accept it"));
            }
            let Who::Staff(actor) = ctx.who else {
                return Err(Refusal::forbidden("staff_only", "只有员工可以受理", "only staff can accept"));
            };
            if let Some(h) = c.handler_id
                && h != actor.user_id
                && !actor.can(Permission::Assign)
            {
                return Err(Refusal::forbidden(
                    "not_the_handler",
                    "该投诉已指定其他处理人",
                    "another handler is assigned to this complaint",
                ));
            }
            EventBody::Accepted { handler_id: c.handler_id.unwrap_or(actor.user_id) }
        }
        Command::AddNote { visibility, text } => {
            need(ctx, Permission::Note)?;
            nonempty("text", text)?;
            EventBody::NoteAdded { visibility: *visibility, text: text.clone() }
        }
        Command::AddEvidence { attachment } => {
            need_customer_or(ctx, Permission::Evidence)?;
            EventBody::EvidenceAdded { attachment: attachment.clone() }
        }
        Command::RecordContact { channel, summary } => {
            need(ctx, Permission::Note)?;
            nonempty("summary", summary)?;
            EventBody::ContactRecorded { channel: *channel, summary: summary.clone() }
        }
        Command::ProposeRemedy { remedy } => {
            need(ctx, Permission::ProposeRemedy)?;
            if c.state != Investigating {
                return Err(state_refusal(c, "提出处理方案", "propose a remedy"));
            }
            if remedy.measures.is_empty() {
                return Err(Refusal::invalid(
                    "measures",
                    "required",
                    "处理方案至少包含一项措施",
                    "a remedy needs at least one measure",
                ));
            }
            let within = match ctx.who {
                Who::Staff(a) => a.limits.covers(remedy),
                _ => false,
            };
            let approval_role = if within {
                None
            } else {
                let approver = ctx.authority.approver_for(remedy).ok_or_else(|| {
                    Refusal::invalid(
                        "measures",
                        "beyond_all_authority",
                        "方案金额超出所有角色的审批权限",
                        "the remedy exceeds every role's approval authority",
                    )
                })?;
                Some(approver.role.clone())
            };
            EventBody::RemedyProposed { remedy: remedy.clone(), approval_role }
        }
        Command::ApproveRemedy { comment } => {
            need(ctx, Permission::ApproveRemedy)?;
            if c.state != PendingApproval {
                return Err(state_refusal(c, "审批方案", "approve a remedy"));
            }
            if let Who::Staff(a) = ctx.who {
                let remedy = c.remedy.as_ref().expect("pending approval has a remedy");
                if !a.limits.covers(remedy) {
                    return Err(Refusal::forbidden(
                        "beyond_authority",
                        format!("方案超出您的审批权限，需要「{}」审批", c.approval_role.as_deref().unwrap_or("-")),
                        format!(
                            "the remedy is beyond your authority; it needs role '{}'",
                            c.approval_role.as_deref().unwrap_or("-")
                        ),
                    ));
                }
                if c.remedy_proposed_by == Some(a.user_id) {
                    return Err(Refusal::forbidden(
                        "own_proposal",
                        "不能审批自己提出的方案",
                        "you cannot approve your own proposal",
                    ));
                }
            }
            EventBody::RemedyApproved { comment: comment.clone() }
        }
        Command::RejectRemedy { reason } => {
            need(ctx, Permission::ApproveRemedy)?;
            if c.state != PendingApproval {
                return Err(state_refusal(c, "驳回方案", "reject a remedy"));
            }
            nonempty("reason", reason)?;
            EventBody::RemedyRejected { reason: reason.clone() }
        }
        Command::CustomerDecision { agree, comment } => {
            need_customer_or(ctx, Permission::CustomerDecision)?;
            if c.state != AwaitingCustomer {
                return Err(state_refusal(c, "确认方案", "record the customer's decision"));
            }
            if *agree {
                EventBody::CustomerAgreed { comment: comment.clone() }
            } else {
                EventBody::CustomerDisagreed { comment: comment.clone() }
            }
        }
        Command::StartExecution { note } => {
            need(ctx, Permission::Execute)?;
            if c.state != Executing {
                return Err(state_refusal(c, "开始执行", "start execution"));
            }
            if c.execution_started {
                return Err(Refusal::wrong_state("already_started", "已开始执行", "execution has already started"));
            }
            EventBody::ExecutionStarted { note: note.clone() }
        }
        Command::ReportResult { result } => {
            need(ctx, Permission::Execute)?;
            if c.state != Executing {
                return Err(state_refusal(c, "反馈执行结果", "report a result"));
            }
            nonempty("result", result)?;
            EventBody::ResultReported { result: result.clone() }
        }
        Command::ResolveAtFirstContact { summary } => {
            need(ctx, Permission::Resolve)?;
            if c.state != Received {
                return Err(state_refusal(c, "首次解决", "resolve it at first contact"));
            }
            nonempty("summary", summary)?;
            EventBody::ResolvedAtFirstContact { summary: summary.clone() }
        }
        Command::RecordSatisfaction { stars, comment } => {
            need_customer_or(ctx, Permission::Survey)?;
            if c.state != Resolved {
                return Err(state_refusal(c, "评价满意度", "rate it"));
            }
            if !(1..=5).contains(stars) {
                return Err(Refusal::invalid("stars", "invalid_stars", "满意度为 1 到 5 星", "stars must be 1 to 5"));
            }
            if c.satisfaction.is_some() && matches!(ctx.who, Who::Customer) {
                return Err(Refusal::wrong_state(
                    "already_rated",
                    "您已评价过",
                    "you have already rated this complaint",
                ));
            }
            EventBody::SatisfactionRecorded { satisfaction: Satisfaction { stars: *stars, comment: comment.clone() } }
        }
        Command::ConcludeReview { decision, reason } => {
            need(ctx, Permission::Review)?;
            if c.state != SecondaryReview {
                return Err(state_refusal(c, "完成二次复核", "conclude a secondary review"));
            }
            nonempty("reason", reason)?;
            EventBody::ReviewConcluded { decision: decision.clone(), reason: reason.clone() }
        }
        Command::RecordReturnVisit { visit } => {
            need(ctx, Permission::ReturnVisit)?;
            if c.state != Resolved {
                return Err(state_refusal(c, "回访", "record a return visit"));
            }
            EventBody::ReturnVisitRecorded { visit: visit.clone() }
        }
        Command::Close { note } => {
            need(ctx, Permission::Close)?;
            if c.state != Resolved {
                return Err(state_refusal(c, "关闭", "close it"));
            }
            let visited_satisfied = c.return_visit.as_ref().map(|v| v.outcome);
            let rated_ok = c.satisfaction.as_ref().map(|s| !s.is_dissatisfied());
            match (visited_satisfied, rated_ok) {
                (Some(VisitOutcome::Satisfied), _) | (Some(VisitOutcome::Unreachable), Some(true)) => {}
                (None, _) => {
                    return Err(Refusal::wrong_state(
                        "return_visit_required",
                        "关闭前需要完成回访",
                        "a return visit is required before closing",
                    ));
                }
                _ => {
                    return Err(Refusal::wrong_state(
                        "satisfaction_unconfirmed",
                        "回访未能确认客户满意，且无满意的评价，不能关闭",
                        "neither the return visit nor a rating confirms the customer is satisfied",
                    ));
                }
            }
            EventBody::Closed { note: note.clone() }
        }
        Command::Reopen { reason } => {
            need(ctx, Permission::Reopen)?;
            if c.state != Closed {
                return Err(state_refusal(c, "重新打开", "reopen it"));
            }
            nonempty("reason", reason)?;
            let closed_at = c.closed_at.expect("closed complaints have a closing time");
            if ctx.now > closed_at + ctx.policy.reopen_window {
                return Err(Refusal::wrong_state(
                    "reopen_window_passed",
                    format!("已超过关闭后 {} 天的重开期限", ctx.policy.reopen_window.num_days()),
                    format!("the {}-day reopen window after closing has passed", ctx.policy.reopen_window.num_days()),
                ));
            }
            EventBody::Reopened { reason: reason.clone() }
        }
        Command::SetCaseValue { value, note } => {
            need(ctx, Permission::CaseValue)?;
            if c.case_value == *value {
                return Err(Refusal::invalid("value", "unchanged", "案例价值标记未改变", "case value is unchanged"));
            }
            EventBody::CaseValueSet { value: *value, note: note.clone() }
        }
        Command::Archive => {
            need(ctx, Permission::Archive)?;
            let since = match c.state {
                Closed => c.closed_at,
                Invalid => c.invalid_at,
                _ => {
                    return Err(state_refusal(
                        c,
                        "归档（仅已关闭或无效投诉可归档）",
                        "archive it (only closed or invalid complaints)",
                    ));
                }
            }
            .expect("closed and invalid complaints carry their time");
            if ctx.now < since + ctx.policy.archive_after {
                return Err(Refusal::wrong_state(
                    "retention_not_reached",
                    format!("关闭后需满 {} 天才能归档", ctx.policy.archive_after.num_days()),
                    format!("complaints can be archived {} days after closing", ctx.policy.archive_after.num_days()),
                ));
            }
            EventBody::Archived
        }
        Command::LinkRepeat { link } => {
            need(ctx, Permission::Link)?;
            if link.complaint_id == c.id {
                return Err(Refusal::invalid(
                    "complaint",
                    "self_link",
                    "不能关联到自身",
                    "cannot link a complaint to itself",
                ));
            }
            if c.repeat_of.iter().any(|l| l.complaint_id == link.complaint_id) {
                return Err(Refusal::invalid(
                    "complaint",
                    "already_linked",
                    "已关联该投诉",
                    "already linked to that complaint",
                ));
            }
            EventBody::RepeatLinked { link: link.clone() }
        }
        Command::Escalate { level, external, reason } => {
            need(ctx, Permission::Escalate)?;
            if !c.state.is_open() {
                return Err(state_refusal(c, "升级", "escalate it"));
            }
            if *level > 3 {
                return Err(Refusal::invalid("level", "invalid_level", "升级级别为 0 到 3", "level must be 0 to 3"));
            }
            nonempty("reason", reason)?;
            let external_changes = external.is_some() && *external != c.external_escalation;
            if *level == c.escalation_level && !external_changes {
                return Err(Refusal::invalid("level", "unchanged", "升级级别未改变", "escalation is unchanged"));
            }
            EventBody::Escalated { level: *level, external: *external, reason: reason.clone() }
        }
        Command::SlaAlert { clock, percent, due_at } => {
            if !matches!(ctx.who, Who::System) {
                return Err(Refusal::forbidden(
                    "system_only",
                    "SLA 预警只能由系统记录",
                    "SLA alerts are recorded by the system only",
                ));
            }
            if !c.clock_running(*clock) {
                return Err(state_refusal(c, "记录 SLA 预警", "record an SLA alert"));
            }
            if *percent == 0 || *percent <= c.sla_alerted.get(*clock) {
                return Err(Refusal::invalid(
                    "percent",
                    "already_alerted",
                    "该时限阈值已预警过",
                    "this SLA threshold was already alerted",
                ));
            }
            EventBody::SlaAlert { clock: *clock, percent: *percent, due_at: *due_at }
        }
    };
    Ok(vec![event])
}

/// Wraps decided bodies into events numbered after the complaint's current version.
pub fn to_events(c: &Complaint, bodies: Vec<EventBody>, ctx: &Context<'_>) -> Vec<Event> {
    let at = crate::chain::truncate_micros(ctx.now);
    let actor = ctx.who.actor_ref();
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| Event { seq: c.version + 1 + i as u32, at, actor: actor.clone(), body })
        .collect()
}

/// The actions (named as the API's command paths) that `ctx.who` may take on `c` right now.
/// Decided by asking [`decide`] itself with a representative command for each action, so the
/// buttons a person sees can never disagree with what the server accepts. A refusal for the
/// content of a form (an `Invalid` refusal) still counts as available: the form will say why.
pub fn available_actions(c: &Complaint, ctx: &Context<'_>) -> Vec<&'static str> {
    use crate::error::RefusalKind;
    let probe_attachment =
        Attachment { sha256: String::new(), file_name: String::new(), content_type: String::new(), size: 0 };
    let next_level = if c.escalation_level < 3 { c.escalation_level + 1 } else { 0 };
    let x = || "x".to_owned();
    let probes: Vec<(&'static str, Command)> = vec![
        ("invalidate", Command::MarkInvalid { reason: x() }),
        (
            "classify",
            Command::Classify {
                category_id: CategoryId(-1),
                severity: Severity::Level3,
                product_ref: None,
                order_ref: None,
            },
        ),
        ("assign", Command::Assign { department_id: OrgUnitId(-1), handler_id: None }),
        ("route", Command::Route { decision: RoutingDecision::triage_probe(), default_severity: Severity::Level3 }),
        ("handler", Command::SetHandler { handler_id: UserId(-1) }),
        (
            "transfer",
            Command::Transfer { department_id: OrgUnitId(-1), handler_id: None, reason: x(), misrouted: false },
        ),
        ("accept", Command::Accept),
        ("notes", Command::AddNote { visibility: Visibility::Internal, text: x() }),
        ("contacts", Command::RecordContact { channel: Channel::Phone, summary: x() }),
        (
            "remedy",
            Command::ProposeRemedy {
                remedy: Remedy {
                    measures: vec![Measure {
                        kind: MeasureKind::Explanation,
                        amount: Fen(0),
                        description: String::new(),
                    }],
                    explanation: x(),
                },
            },
        ),
        ("remedy/approve", Command::ApproveRemedy { comment: String::new() }),
        ("remedy/reject", Command::RejectRemedy { reason: x() }),
        ("customer-decision", Command::CustomerDecision { agree: true, comment: String::new() }),
        ("execution/start", Command::StartExecution { note: String::new() }),
        ("result", Command::ReportResult { result: x() }),
        ("resolve", Command::ResolveAtFirstContact { summary: x() }),
        ("satisfaction", Command::RecordSatisfaction { stars: 5, comment: String::new() }),
        ("review", Command::ConcludeReview { decision: ReviewDecision::Uphold, reason: x() }),
        (
            "return-visit",
            Command::RecordReturnVisit {
                visit: ReturnVisit {
                    method: VisitMethod::Phone,
                    outcome: VisitOutcome::Satisfied,
                    note: String::new(),
                },
            },
        ),
        ("close", Command::Close { note: String::new() }),
        ("reopen", Command::Reopen { reason: x() }),
        ("case-value", Command::SetCaseValue { value: !c.case_value, note: String::new() }),
        ("archive", Command::Archive),
        (
            "links",
            Command::LinkRepeat {
                link: RepeatLink {
                    complaint_id: crate::ids::ComplaintId(-1),
                    case_no: String::new(),
                    reasons: Vec::new(),
                },
            },
        ),
        ("escalate", Command::Escalate { level: next_level, external: None, reason: x() }),
        ("evidence", Command::AddEvidence { attachment: probe_attachment }),
    ];
    probes
        .into_iter()
        .filter(|(_, cmd)| match decide(c, cmd, ctx) {
            Ok(_) => true,
            Err(r) => r.kind == RefusalKind::Invalid,
        })
        .map(|(name, _)| name)
        .collect()
}
