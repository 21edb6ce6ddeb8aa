//! Shared fixture for the lifecycle tests: a registered complaint, the staff roles of DESIGN §1
//! with realistic permission bundles and the shipped remedy limits, the authority matrix, and a
//! helper that runs `decide` → `to_events` → `apply` the way the store does.

// Each test binary uses a different part of the fixture.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use cloop_domain::authority::RoleAuthority;
use cloop_domain::complaint::{Event, EventBody};
use cloop_domain::lifecycle::{Who, to_events};
use cloop_domain::*;
use std::collections::BTreeSet;

/// The complaint under test.
pub const COMPLAINT: ComplaintId = ComplaintId(3);
/// The company the complaint belongs to.
pub const COMPANY: OrgUnitId = OrgUnitId(1);
/// The call centre that registers complaints.
pub const CALL_CENTRE: OrgUnitId = OrgUnitId(2);
/// Technical service (技术服务部).
pub const TECH: OrgUnitId = OrgUnitId(10);
/// Finance (财务部).
pub const FINANCE: OrgUnitId = OrgUnitId(11);
/// Logistics (物流部).
pub const LOGISTICS: OrgUnitId = OrgUnitId(12);
/// The category "delivery delay".
pub const DELIVERY_DELAY: CategoryId = CategoryId(4);

/// Role codes with their rank in the approval order and whether they approve remedies.
pub const ROLES: &[(&str, i32, bool)] = &[
    ("agent", 10, false),
    ("handler", 20, false),
    ("supervisor", 30, true),
    ("dept_manager", 40, true),
    ("executive", 50, true),
];

/// The permissions each role bundles (DESIGN §1, §11).
pub fn permissions(role: &str) -> BTreeSet<Permission> {
    use Permission::*;
    let list: &[Permission] = match role {
        // 客服专员: intake, classification, routing, customer contact, return visits, closing.
        "agent" => &[
            View,
            Register,
            Validate,
            Classify,
            Assign,
            Note,
            Evidence,
            ProposeRemedy,
            CustomerDecision,
            Resolve,
            Survey,
            ReturnVisit,
            Close,
            Escalate,
            Link,
        ],
        // 责任部门处理人: investigates, proposes and executes.
        "handler" => &[View, Accept, Note, Evidence, ProposeRemedy, Execute],
        // 客服主管: everything on the service-centre side plus approval and review.
        "supervisor" => &[
            View,
            Register,
            Validate,
            Classify,
            Assign,
            Accept,
            Note,
            Evidence,
            ProposeRemedy,
            ApproveRemedy,
            CustomerDecision,
            Execute,
            Resolve,
            Survey,
            Review,
            ReturnVisit,
            Close,
            Reopen,
            Archive,
            CaseValue,
            Escalate,
            Link,
            RevealPii,
        ],
        // 部门负责人: owns the department queue, approves larger remedies, reviews.
        "dept_manager" => &[
            View,
            Assign,
            Accept,
            Note,
            Evidence,
            ProposeRemedy,
            ApproveRemedy,
            Execute,
            Review,
            Reopen,
            CaseValue,
            Escalate,
        ],
        // 高层管理: approves the largest remedies, reviews and escalates.
        "executive" => &[View, Note, ApproveRemedy, Review, Reopen, Escalate, CaseValue],
        _ => &[],
    };
    list.iter().copied().collect()
}

/// A staff actor of `role`.
pub fn actor(user: i64, name: &str, role: &str, unit: OrgUnitId) -> Actor {
    let rank = ROLES.iter().find(|(r, ..)| *r == role).map_or(0, |(_, rank, _)| *rank);
    Actor {
        user_id: UserId(user),
        name: name.to_owned(),
        role: role.to_owned(),
        rank,
        permissions: permissions(role),
        limits: AuthorityMatrix::default_limits(role),
        org_unit_id: unit,
    }
}

/// The authority matrix with the five roles and the shipped limits.
pub fn matrix() -> AuthorityMatrix {
    AuthorityMatrix {
        roles: ROLES
            .iter()
            .map(|(role, rank, can_approve)| RoleAuthority {
                role: (*role).to_owned(),
                rank: *rank,
                can_approve: *can_approve,
                limits: AuthorityMatrix::default_limits(role),
            })
            .collect(),
    }
}

/// A fixed point in time: 2026-03-02 09:00 Beijing time.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap()
}

/// The `Registered` event every complaint starts with.
pub fn registered_event(at: DateTime<Utc>) -> Event {
    Event {
        seq: 1,
        at,
        actor: ActorRef::User { id: UserId(101) },
        body: EventBody::Registered {
            case_no: "TS20260302000007".into(),
            customer_id: CustomerId(77),
            tier: Tier::Normal,
            company_id: COMPANY,
            intake_unit_id: CALL_CENTRE,
            channel: Channel::Phone,
            summary: "冰箱配送延误三天".into(),
            content: "订单说周五送货，到周一还没送到，客服电话一直占线。".into(),
            customer_request: Some("尽快送货并给予补偿".into()),
            product_ref: Some("BCD-520W".into()),
            order_ref: Some("SO-2026-0301-8812".into()),
            category_id: None,
            severity: None,
            received_at: at - Duration::minutes(5),
        },
    }
}

/// A complaint made from its `Registered` event.
pub fn new_complaint(at: DateTime<Utc>) -> Complaint {
    Complaint::from_registered(COMPLAINT, &registered_event(at)).expect("registered event")
}

/// A remedy of `(kind, 元)` measures.
pub fn remedy(measures: &[(MeasureKind, i64)]) -> Remedy {
    Remedy {
        measures: measures
            .iter()
            .map(|(kind, yuan)| Measure { kind: *kind, amount: Fen(yuan * 100), description: String::new() })
            .collect(),
        explanation: "对配送延误深表歉意".into(),
    }
}

/// The people of a small service centre and two departments.
#[derive(Debug)]
pub struct Fixture {
    pub policy: Policy,
    pub authority: AuthorityMatrix,
    /// 客服专员 王芳.
    pub agent: Actor,
    /// 技术服务部处理人 李强.
    pub handler: Actor,
    /// Another handler of the same department, 赵磊.
    pub other_handler: Actor,
    /// 客服主管 陈静.
    pub supervisor: Actor,
    /// 部门负责人 刘伟.
    pub dept_manager: Actor,
    /// 高层管理 周总.
    pub executive: Actor,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture {
    pub fn new() -> Self {
        Self {
            policy: Policy::default(),
            authority: matrix(),
            agent: actor(101, "王芳", "agent", CALL_CENTRE),
            handler: actor(201, "李强", "handler", TECH),
            other_handler: actor(202, "赵磊", "handler", TECH),
            supervisor: actor(301, "陈静", "supervisor", CALL_CENTRE),
            dept_manager: actor(401, "刘伟", "dept_manager", TECH),
            executive: actor(501, "周总", "executive", COMPANY),
        }
    }

    pub fn agent(&self) -> Who<'_> {
        Who::Staff(&self.agent)
    }
    pub fn handler(&self) -> Who<'_> {
        Who::Staff(&self.handler)
    }
    pub fn other_handler(&self) -> Who<'_> {
        Who::Staff(&self.other_handler)
    }
    pub fn supervisor(&self) -> Who<'_> {
        Who::Staff(&self.supervisor)
    }
    pub fn dept_manager(&self) -> Who<'_> {
        Who::Staff(&self.dept_manager)
    }
    pub fn executive(&self) -> Who<'_> {
        Who::Staff(&self.executive)
    }

    /// The decision context for `who` at `now`.
    pub fn ctx<'a>(&'a self, who: Who<'a>, now: DateTime<Utc>) -> Context<'a> {
        Context { who, now, policy: &self.policy, authority: &self.authority }
    }

    /// Decides `cmd` and, if allowed, returns the complaint with the resulting events applied
    /// (and the events), exactly as the store would fold them.
    pub fn step(
        &self,
        c: &Complaint,
        cmd: &Command,
        who: Who<'_>,
        now: DateTime<Utc>,
    ) -> Result<(Complaint, Vec<Event>), Refusal> {
        let ctx = self.ctx(who, now);
        let bodies = decide(c, cmd, &ctx)?;
        assert!(!bodies.is_empty(), "an accepted command yields at least one event");
        let events = to_events(c, bodies, &ctx);
        let mut next = c.clone();
        for e in &events {
            next.apply(e);
        }
        Ok((next, events))
    }

    /// A fresh case registered at [`t0`].
    pub fn case(&self) -> Case<'_> {
        let first = registered_event(t0());
        Case { f: self, complaint: Complaint::from_registered(COMPLAINT, &first).unwrap(), log: vec![first], now: t0() }
    }
}

/// One complaint being driven through the loop, with its log and a clock.
#[derive(Debug)]
pub struct Case<'f> {
    pub f: &'f Fixture,
    pub complaint: Complaint,
    pub log: Vec<Event>,
    pub now: DateTime<Utc>,
}

// Commands are taken by value so tests read `case.ok(who, Command::Accept)`.
#[allow(clippy::needless_pass_by_value)]
impl Case<'_> {
    /// Moves the clock forward.
    pub fn later(&mut self, d: Duration) -> &mut Self {
        self.now += d;
        self
    }

    /// Gives a command and applies its events, or returns the refusal (changing nothing).
    pub fn try_do(&mut self, who: Who<'_>, cmd: Command) -> Result<&mut Self, Refusal> {
        let (next, events) = self.f.step(&self.complaint, &cmd, who, self.now)?;
        self.complaint = next;
        self.log.extend(events);
        assert_eq!(self.complaint.invariant_violation(), None, "after {cmd:?}");
        Ok(self)
    }

    /// Gives a command that must be accepted.
    #[track_caller]
    pub fn ok(&mut self, who: Who<'_>, cmd: Command) -> &mut Self {
        let shown = format!("{cmd:?}");
        match self.try_do(who, cmd) {
            Ok(s) => s,
            Err(r) => panic!("{shown} was refused: {} ({})", r.code, r.message.en),
        }
    }

    /// Gives a command that must be refused; checks nothing changed and returns the refusal.
    #[track_caller]
    pub fn refused(&mut self, who: Who<'_>, cmd: Command) -> Refusal {
        let before = self.complaint.clone();
        let log_len = self.log.len();
        let shown = format!("{cmd:?}");
        let refusal = match self.try_do(who, cmd) {
            Ok(_) => panic!("{shown} was accepted in state {}", before.state),
            Err(r) => r,
        };
        assert_eq!(self.complaint, before, "a refusal changes nothing");
        assert_eq!(self.log.len(), log_len, "a refusal appends nothing");
        refusal
    }

    pub fn state(&self) -> State {
        self.complaint.state
    }

    /// The kinds of the events after registration, in order.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.log.iter().skip(1).map(|e| e.body.kind()).collect()
    }

    /// The log rebuilds the live complaint and is numbered from 1.
    #[track_caller]
    pub fn assert_log_consistent(&self) {
        let replayed = Complaint::replay(COMPLAINT, &self.log).expect("log starts with Registered");
        assert_eq!(replayed, self.complaint);
        assert_eq!(self.complaint.version as usize, self.log.len());
        for (i, e) in self.log.iter().enumerate() {
            assert_eq!(e.seq as usize, i + 1);
        }
    }

    // Well-trodden paths, so each test can start where it is interesting.

    /// Agent classifies and assigns to technical service with `handler` named.
    pub fn routed(&mut self) -> &mut Self {
        let f = self.f;
        self.ok(f.agent(), cmd::classify(DELIVERY_DELAY, Severity::Level2))
            .ok(f.agent(), cmd::assign(TECH, Some(f.handler.user_id)))
    }

    /// Routed and accepted by the named handler.
    pub fn investigating(&mut self) -> &mut Self {
        let f = self.f;
        self.routed().later(Duration::hours(1)).ok(f.handler(), Command::Accept)
    }

    /// Investigating, and the handler proposed a remedy within their own limits.
    pub fn awaiting_customer(&mut self) -> &mut Self {
        let f = self.f;
        self.investigating().ok(
            f.handler(),
            cmd::propose(remedy(&[(MeasureKind::Compensation, 100), (MeasureKind::WrittenApology, 0)])),
        )
    }

    /// The customer agreed and the handler reported the result.
    pub fn resolved(&mut self) -> &mut Self {
        let f = self.f;
        self.awaiting_customer()
            .later(Duration::hours(3))
            .ok(Who::Customer, cmd::decision(true))
            .ok(f.handler(), Command::StartExecution { note: "已安排当日送达".into() })
            .later(Duration::hours(5))
            .ok(f.handler(), Command::ReportResult { result: "已送达，补偿 100 元已发放".into() })
    }

    /// Resolved, visited (satisfied) and closed by the agent.
    pub fn closed(&mut self) -> &mut Self {
        let f = self.f;
        self.resolved()
            .later(Duration::days(1))
            .ok(f.agent(), cmd::visit(VisitOutcome::Satisfied))
            .ok(f.agent(), Command::Close { note: "回访满意，关闭".into() })
    }
}

/// Short constructors for the commands the tests give most.
pub mod cmd {
    use cloop_domain::*;

    pub fn classify(category_id: CategoryId, severity: Severity) -> Command {
        Command::Classify { category_id, severity, product_ref: None, order_ref: None }
    }

    pub fn assign(department_id: OrgUnitId, handler_id: Option<UserId>) -> Command {
        Command::Assign { department_id, handler_id }
    }

    pub fn transfer(department_id: OrgUnitId, reason: &str) -> Command {
        Command::Transfer { department_id, handler_id: None, reason: reason.into(), misrouted: false }
    }

    pub fn propose(remedy: Remedy) -> Command {
        Command::ProposeRemedy { remedy }
    }

    pub fn approve() -> Command {
        Command::ApproveRemedy { comment: "同意".into() }
    }

    pub fn decision(agree: bool) -> Command {
        Command::CustomerDecision { agree, comment: if agree { "可以接受".into() } else { "补偿太少".into() } }
    }

    pub fn rate(stars: u8) -> Command {
        Command::RecordSatisfaction { stars, comment: String::new() }
    }

    pub fn visit(outcome: VisitOutcome) -> Command {
        Command::RecordReturnVisit {
            visit: ReturnVisit { method: VisitMethod::Phone, outcome, note: "电话回访".into() },
        }
    }

    pub fn reopen(reason: &str) -> Command {
        Command::Reopen { reason: reason.into() }
    }
}
