//! The walk of one demo complaint through the loop: which commands, by whom, when.
//!
//! The planner decides every step with the real domain rules ([`cloop_domain::decide`]) on an
//! in-memory copy of the complaint, so a plan the store would refuse fails here, at planning
//! time, with the step named; and later steps can look at the outcome of earlier ones (which
//! role must approve a remedy, whether a rating sent the case to secondary review). The store
//! then replays exactly these commands with their back-dated times.

use super::org::{Company, Dept, World};
use super::remedies;
use super::texts::{self, DemoText};
use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Duration, Utc};
use cloop_domain::lifecycle::{Who, to_events};
use cloop_domain::model::State;
use cloop_domain::*;
use rand::Rng;
use rand::seq::IndexedRandom;

/// Who gives a step's command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// A demo staff user (by user id).
    Staff(i64),
    /// The customer on the public pages.
    Customer,
}

/// One command of a walk.
#[derive(Debug, Clone)]
pub struct Step {
    /// When it is given (the store's `now`).
    pub at: DateTime<Utc>,
    /// Who gives it.
    pub by: By,
    /// What.
    pub command: Command,
}

/// What the planner needs to know about one complaint besides its registered state.
#[derive(Debug)]
pub struct Spec<'t> {
    /// The state the walk ends in.
    pub target: State,
    /// The generated text (category, department, severity, money).
    pub text: &'t DemoText,
    /// Index into [`World::companies`].
    pub company: usize,
    /// The agent who owns the case in the call centre.
    pub agent: i64,
    /// Whether the customer answers on the web pages (else the agent records it by phone).
    pub self_service: bool,
    /// An earlier complaint about the same matter.
    pub link: Option<RepeatLink>,
}

/// Facts about a planned walk, for the summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// Resolved at first contact.
    pub first_contact: bool,
    /// Transferred at least once.
    pub transferred: bool,
    /// Escalated.
    pub escalated: bool,
    /// A remedy went through approval.
    pub approved: bool,
    /// The customer disagreed with a remedy at least once.
    pub disagreed: bool,
    /// Went through a secondary review.
    pub reviewed: bool,
    /// Reopened after closing.
    pub reopened: bool,
}

/// Plans the walk of `complaint` (as registered) to `spec.target`; no step is later than
/// `limit`. Answers the steps and the state they end in.
pub fn plan<R: Rng + ?Sized>(
    world: &World,
    policy: &Policy,
    authority: &AuthorityMatrix,
    rng: &mut R,
    complaint: Complaint,
    spec: &Spec<'_>,
    limit: DateTime<Utc>,
) -> Result<(Vec<Step>, Complaint, Facts)> {
    let start = complaint.registered_at;
    let mut p = Planner {
        world,
        policy,
        authority,
        rng: &mut *rng,
        c: complaint.clone(),
        t: start,
        limit,
        steps: Vec::new(),
        facts: Facts::default(),
        company: &world.companies[spec.company],
    };
    walk(&mut p, spec).with_context(|| format!("planning demo complaint {} to {}", complaint.case_no, spec.target))?;
    let (mut steps, mut end, facts) = (p.steps, p.c, p.facts);
    // A walk that would run past "now" is squeezed into the time there is, keeping its order;
    // it ends somewhere in the second half of that time, so recent cases do not all carry the
    // same last-change minute.
    if steps.last().is_some_and(|s| s.at > limit) {
        let span = (steps.last().expect("non-empty").at - start).num_seconds().max(1);
        let available = (limit - start).num_seconds();
        let room = ((available as f64 * rng.random_range(0.5..0.97)) as i64).max(steps.len() as i64);
        for (i, s) in steps.iter_mut().enumerate() {
            let offset = (s.at - start).num_seconds() * room / span;
            s.at = start + Duration::seconds(offset.max(i as i64 + 1));
        }
        end = replay(world, policy, authority, complaint, &steps)?;
    }
    Ok((steps, end, facts))
}

/// Decides `steps` on `complaint` again (after their times changed); the resulting state.
fn replay(
    world: &World,
    policy: &Policy,
    authority: &AuthorityMatrix,
    mut c: Complaint,
    steps: &[Step],
) -> Result<Complaint> {
    for (i, s) in steps.iter().enumerate() {
        apply(world, policy, authority, &mut c, s)
            .with_context(|| format!("demo complaint {}: step {} after squeezing its times", c.case_no, i + 1))?;
    }
    Ok(c)
}

fn apply(world: &World, policy: &Policy, authority: &AuthorityMatrix, c: &mut Complaint, s: &Step) -> Result<()> {
    let who = match s.by {
        By::Staff(id) => Who::Staff(world.actor(id)),
        By::Customer => Who::Customer,
    };
    let ctx = Context { who, now: s.at, policy, authority };
    let bodies =
        decide(c, &s.command, &ctx).map_err(|r| anyhow!("{:?} refused: {} ({})", s.command, r.code, r.message.en))?;
    for e in to_events(c, bodies, &ctx) {
        c.apply(&e);
    }
    Ok(())
}

struct Planner<'a, R: ?Sized> {
    world: &'a World,
    policy: &'a Policy,
    authority: &'a AuthorityMatrix,
    rng: &'a mut R,
    c: Complaint,
    t: DateTime<Utc>,
    limit: DateTime<Utc>,
    steps: Vec<Step>,
    facts: Facts,
    company: &'a Company,
}

impl<R: Rng + ?Sized> Planner<'_, R> {
    /// Gives `command` `after` the previous step.
    fn go(&mut self, after: Duration, by: By, command: Command) -> Result<()> {
        self.t += after.max(Duration::seconds(1));
        let step = Step { at: self.t, by, command };
        apply(self.world, self.policy, self.authority, &mut self.c, &step)?;
        self.steps.push(step);
        Ok(())
    }

    fn state(&self) -> State {
        self.c.state
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::seconds(self.rng.random_range(lo * 60..=hi * 60))
    }

    fn hours(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::seconds(self.rng.random_range(lo * 3600..=hi * 3600))
    }

    fn pick(&mut self, options: &[&str]) -> String {
        options.choose(self.rng).copied().unwrap_or_default().to_owned()
    }

    /// The customer answers on the web pages, or tells the agent who records it.
    fn customer_or(&mut self, spec: &Spec<'_>) -> By {
        if spec.self_service || self.chance(0.3) { By::Customer } else { By::Staff(spec.agent) }
    }

    /// The user who approves a remedy waiting for `role`.
    fn approver(&self, role: &str, proposer: By) -> Result<By> {
        let dept = self.c.department_id.and_then(|d| self.company.dept_by_id(d.0));
        let user = match role {
            "supervisor" => self.company.supervisor,
            "legal" => self.world.legal,
            "dept_manager" => dept.map(|d| d.manager).ok_or_else(|| anyhow!("no department to approve"))?,
            "executive" => self.world.exec,
            "admin" => self.world.admin,
            other => bail!("no demo approver for role {other}"),
        };
        Ok(if By::Staff(user) == proposer { By::Staff(self.world.exec) } else { By::Staff(user) })
    }
}

const REPLIES: &[&str] = &[
    "您好，您反映的问题已登记并转交责任部门处理，我们会尽快给您答复，请保持电话畅通。",
    "您好，我们已与相关部门核实情况，处理方案确定后会第一时间通知您。",
    "您好，非常抱歉给您带来不便，您的投诉正在加急处理中。",
    "您好，感谢您的耐心等待，处理进度已更新，如有疑问可随时致电客服热线。",
];
const CONTACTS: &[&str] = &[
    "电话联系客户，核实问题细节和联系方式",
    "客户来电催促处理进度，已安抚情绪并说明进度",
    "回拨客户电话，客户补充了购买凭证信息",
    "短信告知客户案件编号及处理时限",
];
const FIRST_CONTACT: &[&str] = &[
    "已在首次来电中向客户详细解释「{c}」相关规定，客户表示理解，问题当场解决。",
    "已当场为客户处理「{c}」问题并致歉，客户认可处理结果。",
    "经当场核实，已向客户说明情况并给出解决办法，客户表示满意。",
];
const ESCALATE_L1: &[&str] = &[
    "一级投诉，按规定升级至高层并通报法务。",
    "涉及人身安全/舆情风险，立即升级处理。",
    "客户明确表示将诉诸媒体或监管部门，升级跟进。",
];
const ESCALATE_DISAGREE: &[&str] = &["客户对方案不满意，升级至主管跟进。", "客户多次来电，情绪激动，升级处理。"];
const LEGAL_NOTES: &[&str] = &[
    "法务意见：事实清楚，建议在授权范围内尽快和解，并保留沟通记录。",
    "法务意见：存在舆情风险，对外回复须经公关审核，注意证据留存。",
    "法务意见：建议书面致歉并说明整改措施，避免进一步升级。",
];
const EXEC_NOTES: &[&str] =
    &["已阅。请相关部门每日汇报进展，务必妥善处理。", "请质量和法务部门联合跟进，周五前给出整改方案。"];
const APPROVALS: &[&str] = &["同意该方案，请尽快执行。", "金额在授权范围内，同意。", "同意，注意回访客户满意度。"];
const REJECTIONS: &[&str] = &["补偿金额偏高，请按公司标准重新核定。", "方案依据不足，请补充调查后重新提交。"];
const STARTS: &[&str] = &["已通知责任人按方案执行。", "已安排人员落实方案。", "方案执行中，预计三个工作日内完成。"];
const CLOSE_NOTES: &[&str] =
    &["回访确认客户满意，投诉关闭。", "处理完毕，客户认可，结案。", "客户对处理结果满意，关闭投诉。"];
const UPHOLD: &[&str] =
    &["经复核，原处理方案符合公司标准，维持原处理结果，并已向客户解释。", "复核认为处理得当，维持原结论。"];
const REOPEN_REVIEW: &[&str] =
    &["经复核，原处理不到位，由部门负责人重新处理。", "复核发现调查不充分，退回部门负责人重新处理。"];
const REOPEN_CLOSED: &[&str] = &["客户反映问题再次出现，重新处理。", "客户来电称方案未完全落实，重新打开。"];
const CASE_VALUE: &[&str] =
    &["典型案例，建议纳入集团案例库。", "处理过程规范，具有培训价值。", "暴露流程漏洞，值得复盘。"];

/// The whole walk, stopping at the target state.
fn walk<R: Rng + ?Sized>(p: &mut Planner<'_, R>, spec: &Spec<'_>) -> Result<()> {
    let company = p.company;
    let agent = By::Staff(spec.agent);
    let text = spec.text;
    let target = spec.target;
    let (category_id, category_name) =
        p.world.categories.get(text.category_code).ok_or_else(|| anyhow!("unknown category {}", text.category_code))?;
    let (category_id, category_name) = (CategoryId(*category_id), category_name.clone());
    let severity = Severity::from_level(i64::from(text.severity)).map_err(|e| anyhow!("{e}"))?;

    if let Some(link) = &spec.link {
        let after = p.minutes(2, 20);
        p.go(after, agent, Command::LinkRepeat { link: link.clone() })?;
    }
    if p.chance(0.25) {
        let (after, summary) = (p.minutes(5, 90), p.pick(CONTACTS));
        p.go(after, agent, Command::RecordContact { channel: Channel::Phone, summary })?;
    }
    let classify = Command::Classify { category_id, severity, product_ref: None, order_ref: None };
    match target {
        State::Received => {
            if p.chance(0.4) {
                let after = p.minutes(3, 30);
                p.go(after, agent, classify)?;
            }
            return Ok(());
        }
        State::Invalid => return invalid(p, spec),
        State::Archived if p.chance(0.2) => return invalid(p, spec),
        _ => {}
    }
    let after = p.minutes(3, 40);
    p.go(after, agent, classify)?;
    if severity == Severity::Level1 {
        escalate_level_one(p)?;
    }

    let first_contact_ok = matches!(target, State::Resolved | State::SecondaryReview | State::Closed | State::Archived)
        && match severity {
            Severity::Level3 => true,
            Severity::Level2 => matches!(
                text.category_code,
                "agent_attitude" | "hotline_unreachable" | "membership" | "promotion_rules" | "price_dispute"
            ),
            Severity::Level1 => false,
        };
    let first_contact = first_contact_ok && p.chance(0.45);
    let mut dept = None;
    if first_contact {
        let after = p.minutes(5, 60);
        let summary = p.pick(FIRST_CONTACT).replace("{c}", &category_name);
        p.go(after, agent, Command::ResolveAtFirstContact { summary })?;
        p.facts.first_contact = true;
    } else {
        let d = company.dept(text.department_code)?.clone();
        if !handle(p, spec, &d)? {
            return Ok(());
        }
        dept = Some(d);
    }
    after_resolution(p, spec, dept.as_ref())
}

/// Judged invalid (and archived, for that target).
fn invalid<R: Rng + ?Sized>(p: &mut Planner<'_, R>, spec: &Spec<'_>) -> Result<()> {
    let after = p.minutes(10, 300);
    let reason = texts::invalid_reason(p.rng);
    p.go(after, By::Staff(spec.agent), Command::MarkInvalid { reason })?;
    if spec.target == State::Archived {
        archive(p)?;
    }
    Ok(())
}

/// Level-1 complaints go up at once: the supervisor escalates, legal and sometimes the
/// executive comment.
fn escalate_level_one<R: Rng + ?Sized>(p: &mut Planner<'_, R>) -> Result<()> {
    let supervisor = By::Staff(p.company.supervisor);
    let level = if p.chance(0.25) { 3 } else { 2 };
    let external = if p.chance(0.35) {
        Some(
            *[ExternalBody::Hotline12315, ExternalBody::Media, ExternalBody::Regulator, ExternalBody::Legal]
                .choose(p.rng)
                .expect("non-empty"),
        )
    } else {
        None
    };
    let (after, reason) = (p.minutes(5, 30), p.pick(ESCALATE_L1));
    p.go(after, supervisor, Command::Escalate { level, external, reason })?;
    p.facts.escalated = true;
    let (after, text) = (p.minutes(30, 300), p.pick(LEGAL_NOTES));
    p.go(after, By::Staff(p.world.legal), Command::AddNote { visibility: Visibility::Internal, text })?;
    if level == 3 {
        let (after, text) = (p.minutes(30, 240), p.pick(EXEC_NOTES));
        p.go(after, By::Staff(p.world.exec), Command::AddNote { visibility: Visibility::Internal, text })?;
    }
    Ok(())
}

/// Routing, investigation, remedy, agreement and execution by the department. `Ok(false)`
/// when the walk stopped on the way (its target is one of these states).
fn handle<R: Rng + ?Sized>(p: &mut Planner<'_, R>, spec: &Spec<'_>, dept: &Dept) -> Result<bool> {
    let target = spec.target;
    let agent = By::Staff(spec.agent);
    let handler = By::Staff(dept.handler);
    let company = p.company;

    // Some complaints first land in the wrong department, whose manager passes them on.
    let wrong = if p.chance(0.08) {
        let others: Vec<&Dept> = company.departments.iter().filter(|d| d.id != dept.id).collect();
        others.choose(p.rng).map(|d| (*d).clone())
    } else {
        None
    };
    let first = wrong.as_ref().unwrap_or(dept);
    let assigner = if p.chance(0.8) { agent } else { By::Staff(company.supervisor) };
    let after = p.minutes(5, 60);
    p.go(
        after,
        assigner,
        Command::Assign { department_id: OrgUnitId(first.id), handler_id: Some(UserId(first.handler)) },
    )?;
    if let Some(w) = &wrong {
        // Most managers say so when a complaint was never theirs (分派有误); some just pass it on.
        let (after, reason, misrouted) = (p.hours(1, 20), texts::transfer_reason(p.rng), p.chance(0.7));
        p.go(
            after,
            By::Staff(w.manager),
            Command::Transfer {
                department_id: OrgUnitId(dept.id),
                handler_id: Some(UserId(dept.handler)),
                reason,
                misrouted,
            },
        )?;
        p.facts.transferred = true;
    }
    if target == State::Assigned {
        return Ok(false);
    }
    let after = match p.c.severity {
        Some(Severity::Level1) => p.minutes(10, 90),
        Some(Severity::Level2) => p.hours(1, 12),
        _ => p.hours(2, 30),
    };
    p.go(after, handler, Command::Accept)?;
    let (after, text) = (p.hours(1, 30), texts::investigation_note(p.rng, spec.text.category_code));
    p.go(after, handler, Command::AddNote { visibility: Visibility::Internal, text })?;
    if p.chance(0.4) {
        let (after, text) = (p.hours(1, 24), p.pick(REPLIES));
        p.go(after, agent, Command::AddNote { visibility: Visibility::Customer, text })?;
    }
    if target == State::Investigating {
        return Ok(false);
    }

    let explanation = texts::remedy_explanation(p.rng, spec.text.category_code);
    let mut remedy = remedies::for_text(p.rng, spec.text, explanation);
    if target == State::PendingApproval {
        let limits = p.world.actor(dept.handler).limits.clone();
        remedy = remedies::beyond(p.rng, remedy, &limits);
    }
    if !settle(p, spec, handler, remedy, true)? {
        return Ok(false);
    }
    if target == State::Executing {
        if p.chance(0.6) {
            let (after, note) = (p.hours(1, 24), p.pick(STARTS));
            p.go(after, handler, Command::StartExecution { note })?;
        }
        return Ok(false);
    }
    execute(p, spec, handler)?;
    Ok(true)
}

/// Proposes `remedy` and takes it through approval and the customer's agreement. With `stop`,
/// halts (answering `false`) where the target state is reached on the way.
fn settle<R: Rng + ?Sized>(
    p: &mut Planner<'_, R>,
    spec: &Spec<'_>,
    proposer: By,
    remedy: Remedy,
    stop: bool,
) -> Result<bool> {
    let after = p.hours(2, 48);
    p.go(after, proposer, Command::ProposeRemedy { remedy: remedy.clone() })?;
    let mut remedy = remedy;
    if p.state() == State::PendingApproval {
        if stop && spec.target == State::PendingApproval {
            return Ok(false);
        }
        let role = p.c.approval_role.clone().unwrap_or_default();
        let approver = p.approver(&role, proposer)?;
        if stop && p.chance(0.15) {
            let (after, reason) = (p.hours(1, 24), p.pick(REJECTIONS));
            p.go(after, approver, Command::RejectRemedy { reason })?;
            let limits = match proposer {
                By::Staff(id) => p.world.actor(id).limits.clone(),
                By::Customer => bail!("customers do not propose remedies"),
            };
            remedy = remedies::within(remedy, &limits);
            let after = p.hours(2, 24);
            p.go(after, proposer, Command::ProposeRemedy { remedy: remedy.clone() })?;
        } else {
            let (after, comment) = (p.hours(1, 24), p.pick(APPROVALS));
            p.go(after, approver, Command::ApproveRemedy { comment })?;
            p.facts.approved = true;
        }
    }
    if stop && spec.target == State::AwaitingCustomer {
        return Ok(false);
    }
    if stop && p.chance(0.12) {
        let by = p.customer_or(spec);
        let (after, comment) = (p.hours(2, 48), texts::disagree_comment(p.rng));
        p.go(after, by, Command::CustomerDecision { agree: false, comment })?;
        p.facts.disagreed = true;
        if p.chance(0.3) && p.c.escalation_level < 3 {
            let level = p.c.escalation_level + 1;
            let (after, reason) = (p.hours(1, 8), p.pick(ESCALATE_DISAGREE));
            p.go(after, By::Staff(p.company.supervisor), Command::Escalate { level, external: None, reason })?;
            p.facts.escalated = true;
        }
        let better = remedies::improve(p.rng, remedy);
        return settle(p, spec, proposer, better, false);
    }
    let by = p.customer_or(spec);
    let after = p.hours(1, 48);
    p.go(after, by, Command::CustomerDecision { agree: true, comment: String::new() })?;
    Ok(true)
}

/// Execution and the result report: `executing` → `resolved`.
fn execute<R: Rng + ?Sized>(p: &mut Planner<'_, R>, spec: &Spec<'_>, executor: By) -> Result<()> {
    let (after, note) = (p.hours(1, 24), p.pick(STARTS));
    p.go(after, executor, Command::StartExecution { note })?;
    let (after, result) = (p.hours(4, 96), texts::result_report(p.rng, spec.text.category_code));
    p.go(after, executor, Command::ReportResult { result })
}

/// Work again after a review or a reopening: note, new remedy, agreement, execution.
fn rework<R: Rng + ?Sized>(p: &mut Planner<'_, R>, spec: &Spec<'_>, owner: By) -> Result<()> {
    let (after, text) = (p.hours(2, 24), texts::investigation_note(p.rng, spec.text.category_code));
    p.go(after, owner, Command::AddNote { visibility: Visibility::Internal, text })?;
    let explanation = texts::remedy_explanation(p.rng, spec.text.category_code);
    let base = remedies::for_text(p.rng, spec.text, explanation);
    let remedy = remedies::improve(p.rng, base);
    settle(p, spec, owner, remedy, false)?;
    execute(p, spec, owner)
}

/// From `resolved`: rating, return visit, close; or secondary review; then maybe case value,
/// reopening and archiving.
fn after_resolution<R: Rng + ?Sized>(p: &mut Planner<'_, R>, spec: &Spec<'_>, dept: Option<&Dept>) -> Result<()> {
    match spec.target {
        State::Resolved => {
            if p.chance(0.4) {
                rate(p, spec, 4, 5)?;
            }
            return Ok(());
        }
        State::SecondaryReview => {
            if p.chance(0.7) {
                rate(p, spec, 1, 2)?;
            } else {
                let (after, note) = (p.hours(24, 72), texts::return_visit_note(p.rng, false));
                let visit = ReturnVisit { method: VisitMethod::Phone, outcome: VisitOutcome::Dissatisfied, note };
                p.go(after, By::Staff(spec.agent), Command::RecordReturnVisit { visit })?;
            }
            return Ok(());
        }
        State::Closed | State::Archived => {}
        other => bail!("{other} is not reached after resolution"),
    }
    if p.chance(0.10) {
        rate(p, spec, 1, 2)?;
        p.facts.reviewed = true;
        let reviewer = By::Staff(dept.map_or(p.company.supervisor, |d| d.manager));
        match dept {
            Some(d) if p.chance(0.45) => {
                let reason = p.pick(REOPEN_REVIEW);
                let decision = ReviewDecision::Reopen { handler_id: Some(UserId(d.manager)) };
                let after = p.hours(4, 48);
                p.go(after, reviewer, Command::ConcludeReview { decision, reason })?;
                rework(p, spec, By::Staff(d.manager))?;
                satisfied_close(p, spec)?;
            }
            _ => {
                let (after, reason) = (p.hours(4, 48), p.pick(UPHOLD));
                p.go(after, reviewer, Command::ConcludeReview { decision: ReviewDecision::Uphold, reason })?;
            }
        }
    } else {
        satisfied_close(p, spec)?;
    }
    if p.c.severity != Some(Severity::Level3) && p.chance(0.06) {
        let by = if p.chance(0.5) { By::Staff(p.company.supervisor) } else { By::Staff(p.world.auditor) };
        let (after, note) = (p.hours(1, 72), p.pick(CASE_VALUE));
        p.go(after, by, Command::SetCaseValue { value: true, note })?;
    }
    // Reopening must fall within the reopen window after closing (at most ten days here).
    let closed_at = p.c.closed_at.unwrap_or(p.t);
    let room_hours = (closed_at + p.policy.reopen_window - p.t).num_hours().min(240);
    if let Some(d) = dept
        && room_hours >= 2
        && p.chance(0.03)
    {
        let (after, reason) = (p.hours(1, room_hours - 1), p.pick(REOPEN_CLOSED));
        p.go(after, By::Staff(p.company.supervisor), Command::Reopen { reason })?;
        p.facts.reopened = true;
        rework(p, spec, By::Staff(d.handler))?;
        satisfied_close(p, spec)?;
    }
    if spec.target == State::Archived {
        archive(p)?;
    }
    Ok(())
}

/// A rating of `lo..=hi` stars by the customer or the agent's survey call.
fn rate<R: Rng + ?Sized>(p: &mut Planner<'_, R>, spec: &Spec<'_>, lo: u8, hi: u8) -> Result<()> {
    let stars = p.rng.random_range(lo..=hi);
    let by = p.customer_or(spec);
    let (after, comment) = (p.hours(2, 30), texts::satisfaction_comment(p.rng, stars));
    p.go(after, by, Command::RecordSatisfaction { stars, comment })
}

/// A good rating (mostly), the return visit and closing.
fn satisfied_close<R: Rng + ?Sized>(p: &mut Planner<'_, R>, spec: &Spec<'_>) -> Result<()> {
    let rated = p.chance(0.8);
    if rated {
        let stars = match p.rng.random_range(0..100) {
            0..55 => 5,
            55..90 => 4,
            _ => 3,
        };
        rate(p, spec, stars, stars)?;
    }
    let outcome = if rated && p.chance(0.1) { VisitOutcome::Unreachable } else { VisitOutcome::Satisfied };
    let method = if p.chance(0.8) { VisitMethod::Phone } else { VisitMethod::Sms };
    let note = texts::return_visit_note(p.rng, outcome == VisitOutcome::Satisfied);
    let after = p.hours(20, 72);
    p.go(after, By::Staff(spec.agent), Command::RecordReturnVisit { visit: ReturnVisit { method, outcome, note } })?;
    let (after, note) = (p.minutes(5, 120), p.pick(CLOSE_NOTES));
    p.go(after, By::Staff(spec.agent), Command::Close { note })
}

/// Archiving once the retention period has passed (skipped if that is still in the future).
fn archive<R: Rng + ?Sized>(p: &mut Planner<'_, R>) -> Result<()> {
    let since = p.c.closed_at.or(p.c.invalid_at).ok_or_else(|| anyhow!("archiving needs a closed or invalid case"))?;
    let at = since + p.policy.archive_after + Duration::minutes(p.rng.random_range(10 * 1440..=45 * 1440));
    if at > p.limit {
        return Ok(());
    }
    let by = if p.chance(0.5) { By::Staff(p.world.auditor) } else { By::Staff(p.company.supervisor) };
    let after = (at - p.t).max(Duration::seconds(1));
    p.go(after, by, Command::Archive)
}
