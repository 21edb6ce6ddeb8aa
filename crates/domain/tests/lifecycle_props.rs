//! Property tests of the closed loop: random sequences of every command, from random actors at a
//! clock that only moves forward, must keep the complaint's invariants, replay exactly from the
//! log, number the log from 1, move only along the transitions of DESIGN §2, keep archived
//! complaints archived, and survive the JSON round trip the store puts every event through.

mod common;

use chrono::{DateTime, Duration, Utc};
use cloop_domain::complaint::{Event, EventBody};
use cloop_domain::lifecycle::Who;
use cloop_domain::*;
use common::*;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::collections::BTreeSet;

// ---------------------------------------------------------------- generated input

/// Random arguments for whichever command a step turns out to give.
#[derive(Debug, Clone)]
struct Args {
    department: OrgUnitId,
    handler: Option<UserId>,
    misrouted: bool,
    category: CategoryId,
    severity: Severity,
    product_ref: Option<String>,
    order_ref: Option<String>,
    text: String,
    visibility: Visibility,
    channel: Channel,
    attachment: Attachment,
    remedy: Remedy,
    agree: bool,
    stars: u8,
    visit: ReturnVisit,
    decision: ReviewDecision,
    case_value: bool,
    link: ComplaintId,
    level: u8,
    external: Option<ExternalBody>,
}

/// One step of a sequence: how far the clock moves, whether the command is drawn from all
/// commands or from those that make sense in the current state ("guided", so that sequences
/// reach the far end of the loop), which command and actor, and the arguments.
#[derive(Debug, Clone)]
struct Step {
    advance_secs: i64,
    guided: bool,
    kind: Index,
    who: Index,
    args: Args,
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec!["配送延误", "客户再次来电催促", "已核实", "补偿到账", "reason", "需要转财务处理"]),
        1 => Just(""),
        1 => Just("  \t "),
    ]
    .prop_map(String::from)
}

fn opt_ref() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec!["BCD-520W", "SO-2026-0301-8812", "KFR-35GW"]).prop_map(String::from))
}

fn user() -> impl Strategy<Value = UserId> {
    // 201 and 202 are the two handlers, 203 a handler without an actor here, 401 the manager.
    prop::sample::select(vec![201, 202, 203, 401]).prop_map(UserId)
}

/// An amount in fen from 0 to 30,000 元, with the role limits and their neighbours common.
fn amount() -> impl Strategy<Value = Fen> {
    prop_oneof![
        2 => Just(0),
        4 => 0..=3_000_000i64,
        3 => prop::sample::select(vec![
            20_000, 20_001, 50_000, 50_001, 100_000, 200_000, 200_001, 500_000, 1_000_000, 1_000_001, 2_000_001,
        ]),
    ]
    .prop_map(Fen)
}

fn measure() -> impl Strategy<Value = Measure> {
    (prop::sample::select(MeasureKind::ALL), amount(), prop::bool::weighted(0.9)).prop_map(
        |(kind, amount, free_is_free)| {
            let moneyless =
                matches!(kind, MeasureKind::WrittenApology | MeasureKind::ServiceFix | MeasureKind::Explanation);
            Measure {
                kind,
                // Measures without money usually carry none; sometimes they do and must be refused.
                amount: if moneyless && free_is_free { Fen(0) } else { amount },
                description: String::new(),
            }
        },
    )
}

fn remedy() -> impl Strategy<Value = Remedy> {
    (prop::collection::vec(measure(), 1..=3), text())
        .prop_map(|(measures, explanation)| Remedy { measures, explanation })
}

fn attachment() -> impl Strategy<Value = Attachment> {
    (
        prop::sample::select(vec!["0f", "ab", "c3"]),
        prop::sample::select(vec!["录音.mp3", "photo.jpg", "信函.pdf"]),
        1..10_000_000u64,
    )
        .prop_map(|(hex, name, size)| Attachment {
            sha256: hex.repeat(32),
            file_name: name.into(),
            content_type: "application/octet-stream".into(),
            size,
        })
}

fn args() -> impl Strategy<Value = Args> {
    let routing = (
        (10..=13i64).prop_map(OrgUnitId),
        prop::option::of(user()),
        any::<bool>(),
        (1..=5i64).prop_map(CategoryId),
        prop::sample::select(Severity::ALL),
        opt_ref(),
        opt_ref(),
    );
    let talk = (
        text(),
        prop::sample::select(Visibility::ALL),
        prop::sample::select(Channel::ALL),
        attachment(),
        remedy(),
        any::<bool>(),
    );
    let outcome = (
        prop_oneof![9 => 1..=5u8, 1 => prop::sample::select(vec![0u8, 6])],
        (prop::sample::select(VisitMethod::ALL), prop::sample::select(VisitOutcome::ALL), text())
            .prop_map(|(method, outcome, note)| ReturnVisit { method, outcome, note }),
        prop_oneof![
            Just(ReviewDecision::Uphold),
            prop::option::of(user()).prop_map(|handler_id| ReviewDecision::Reopen { handler_id }),
        ],
        any::<bool>(),
        (1..=5i64).prop_map(ComplaintId),
        0..=4u8,
        prop::option::of(prop::sample::select(ExternalBody::ALL)),
    );
    (routing, talk, outcome).prop_map(
        |(
            (department, handler, misrouted, category, severity, product_ref, order_ref),
            (text, visibility, channel, attachment, remedy, agree),
            (stars, visit, decision, case_value, link, level, external),
        )| Args {
            department,
            handler,
            misrouted,
            category,
            severity,
            product_ref,
            order_ref,
            text,
            visibility,
            channel,
            attachment,
            remedy,
            agree,
            stars,
            visit,
            decision,
            case_value,
            link,
            level,
            external,
        },
    )
}

/// Clock moves: often not at all or by minutes to hours, sometimes days, and sometimes by more
/// than the 30-day reopen window.
fn advance() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => Just(0i64),
        5 => 1..=36_000i64,
        2 => 86_400..=10 * 86_400i64,
        1 => 25 * 86_400..=40 * 86_400i64,
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (advance(), prop::bool::weighted(0.75), any::<Index>(), any::<Index>(), args())
        .prop_map(|(advance_secs, guided, kind, who, args)| Step { advance_secs, guided, kind, who, args })
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(step(), 0..=60)
}

/// The retention period before archiving: none (the default), a week, or two months.
fn archive_after() -> impl Strategy<Value = Duration> {
    prop::sample::select(vec![0i64, 7, 60]).prop_map(Duration::days)
}

// ---------------------------------------------------------------- commands from steps

/// Every `Command` variant, as a tag to build from `Args`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    MarkInvalid,
    Classify,
    Assign,
    SetHandler,
    Transfer,
    Accept,
    AddNote,
    AddEvidence,
    RecordContact,
    ProposeRemedy,
    ApproveRemedy,
    RejectRemedy,
    CustomerDecision,
    StartExecution,
    ReportResult,
    ResolveAtFirstContact,
    RecordSatisfaction,
    ConcludeReview,
    RecordReturnVisit,
    Close,
    Reopen,
    SetCaseValue,
    Archive,
    LinkRepeat,
    Escalate,
    SlaAlert,
    Route,
}

const ALL_KINDS: &[Kind] = &[
    Kind::MarkInvalid,
    Kind::Classify,
    Kind::Assign,
    Kind::SetHandler,
    Kind::Transfer,
    Kind::Accept,
    Kind::AddNote,
    Kind::AddEvidence,
    Kind::RecordContact,
    Kind::ProposeRemedy,
    Kind::ApproveRemedy,
    Kind::RejectRemedy,
    Kind::CustomerDecision,
    Kind::StartExecution,
    Kind::ReportResult,
    Kind::ResolveAtFirstContact,
    Kind::RecordSatisfaction,
    Kind::ConcludeReview,
    Kind::RecordReturnVisit,
    Kind::Close,
    Kind::Reopen,
    Kind::SetCaseValue,
    Kind::Archive,
    Kind::LinkRepeat,
    Kind::Escalate,
    Kind::SlaAlert,
    Kind::Route,
];

fn build(kind: Kind, a: &Args) -> Command {
    let text = a.text.clone();
    match kind {
        Kind::MarkInvalid => Command::MarkInvalid { reason: text },
        Kind::Classify => Command::Classify {
            category_id: a.category,
            severity: a.severity,
            product_ref: a.product_ref.clone(),
            order_ref: a.order_ref.clone(),
        },
        Kind::Assign => Command::Assign { department_id: a.department, handler_id: a.handler },
        Kind::SetHandler => Command::SetHandler { handler_id: a.handler.unwrap_or(UserId(202)) },
        Kind::Transfer => Command::Transfer {
            department_id: a.department,
            handler_id: a.handler,
            reason: text,
            misrouted: a.misrouted,
        },
        Kind::Accept => Command::Accept,
        Kind::AddNote => Command::AddNote { visibility: a.visibility, text },
        Kind::AddEvidence => Command::AddEvidence { attachment: a.attachment.clone() },
        Kind::RecordContact => Command::RecordContact { channel: a.channel, summary: text },
        Kind::ProposeRemedy => Command::ProposeRemedy { remedy: a.remedy.clone() },
        Kind::ApproveRemedy => Command::ApproveRemedy { comment: text },
        Kind::RejectRemedy => Command::RejectRemedy { reason: text },
        Kind::CustomerDecision => Command::CustomerDecision { agree: a.agree, comment: text },
        Kind::StartExecution => Command::StartExecution { note: text },
        Kind::ReportResult => Command::ReportResult { result: text },
        Kind::ResolveAtFirstContact => Command::ResolveAtFirstContact { summary: text },
        Kind::RecordSatisfaction => Command::RecordSatisfaction { stars: a.stars, comment: text },
        Kind::ConcludeReview => Command::ConcludeReview { decision: a.decision.clone(), reason: text },
        Kind::RecordReturnVisit => Command::RecordReturnVisit { visit: a.visit.clone() },
        Kind::Close => Command::Close { note: text },
        Kind::Reopen => Command::Reopen { reason: text },
        Kind::SetCaseValue => Command::SetCaseValue { value: a.case_value, note: text },
        Kind::Archive => Command::Archive,
        Kind::LinkRepeat => Command::LinkRepeat {
            link: RepeatLink {
                complaint_id: a.link,
                case_no: format!("TS20260201{:06}", a.link.0),
                reasons: Vec::new(),
            },
        },
        Kind::Escalate => Command::Escalate { level: a.level, external: a.external, reason: text },
        Kind::SlaAlert => Command::SlaAlert {
            clock: if a.agree { SlaClock::Response } else { SlaClock::Resolution },
            percent: 50 * u16::from(a.level),
            due_at: t0(),
        },
        Kind::Route => {
            // Sure of both targets (classified and assigned as at intake) or of neither (the
            // suggestion is recorded), with a rule's severity floor or none.
            let sure = a.agree;
            let target = |id: i64| routing::RoutedTarget {
                id: sure.then_some(id),
                label: None,
                source: sure.then_some(routing::TargetSource::Model),
                rule_id: None,
                top: Vec::new(),
                model_version: None,
            };
            let mut decision = routing::RoutingDecision::triage_probe();
            decision.outcome = if sure { routing::RoutingOutcome::Assigned } else { routing::RoutingOutcome::Triage };
            decision.category = target(a.category.0);
            decision.department = target(a.department.0);
            decision.severity_floor = (a.level > 1).then_some(a.severity);
            Command::Route { decision, default_severity: Severity::Level3 }
        }
    }
}

/// Commands that make sense in a state (repeated ones are drawn more often).
fn guided_kinds(state: State) -> &'static [Kind] {
    use Kind::*;
    match state {
        State::Received => {
            &[Classify, Classify, Assign, Assign, Assign, MarkInvalid, ResolveAtFirstContact, Escalate, Route]
        }
        State::Assigned => &[Accept, Accept, Accept, Transfer, SetHandler, AddNote],
        State::Investigating => {
            &[ProposeRemedy, ProposeRemedy, ProposeRemedy, Transfer, RecordContact, AddEvidence, SlaAlert]
        }
        State::PendingApproval => &[ApproveRemedy, ApproveRemedy, RejectRemedy],
        State::AwaitingCustomer => &[CustomerDecision, CustomerDecision, SlaAlert],
        State::Executing => &[StartExecution, ReportResult, ReportResult],
        State::Resolved => &[RecordSatisfaction, RecordReturnVisit, RecordReturnVisit, Close, Close],
        State::SecondaryReview => &[ConcludeReview],
        State::Closed => &[Reopen, Archive, Archive, SetCaseValue, LinkRepeat],
        State::Invalid => &[Archive],
        State::Archived => ALL_KINDS,
    }
}

/// The people and the authority every sequence runs with.
struct World {
    f: Fixture,
}

impl World {
    fn new(archive_after: Duration) -> Self {
        let mut f = Fixture::new();
        f.policy.archive_after = archive_after;
        Self { f }
    }

    /// Everyone who may give commands.
    fn everyone(&self) -> [Who<'_>; 8] {
        let f = &self.f;
        [
            f.agent(),
            f.handler(),
            f.other_handler(),
            f.supervisor(),
            f.dept_manager(),
            f.executive(),
            Who::Customer,
            Who::System,
        ]
    }

    /// Who usually gives a command (a guided step picks among them; unguided among everyone).
    fn usual(&self, kind: Kind) -> Vec<Who<'_>> {
        use Kind::*;
        let f = &self.f;
        match kind {
            MarkInvalid | Classify | Assign | ResolveAtFirstContact | RecordReturnVisit | Close => {
                vec![f.agent(), f.supervisor()]
            }
            Accept => vec![f.handler(), f.other_handler(), f.dept_manager()],
            SetHandler | Transfer => vec![f.supervisor(), f.dept_manager()],
            ProposeRemedy => vec![f.handler(), f.handler(), f.agent(), f.supervisor(), f.dept_manager(), Who::System],
            ApproveRemedy | RejectRemedy => {
                vec![f.supervisor(), f.dept_manager(), f.executive(), Who::System]
            }
            CustomerDecision | RecordSatisfaction => vec![Who::Customer, Who::Customer, f.agent()],
            StartExecution | ReportResult => vec![f.handler(), f.dept_manager()],
            ConcludeReview | Reopen => vec![f.supervisor(), f.dept_manager(), f.executive()],
            Archive => vec![f.supervisor(), Who::System],
            SlaAlert => vec![Who::System, Who::System, Who::System, f.supervisor()],
            _ => self.everyone().to_vec(),
        }
    }
}

// ---------------------------------------------------------------- the transition table

/// Whether an applied event may move the complaint from `from` to `to` (DESIGN §2). `before`
/// is the complaint before the event.
fn transition_allowed(before: &Complaint, body: &EventBody, to: State) -> bool {
    use State::*;
    let from = before.state;
    // Reopened work goes to the department, or back to routing if there never was one.
    let rework = if before.department_id.is_some() { Investigating } else { Received };
    match (from, body) {
        (Archived, _) => false,
        (_, EventBody::Registered { .. }) => false,
        // Commands beside the main path leave the state as it is.
        (
            _,
            EventBody::Classified { .. }
            | EventBody::HandlerSet { .. }
            | EventBody::NoteAdded { .. }
            | EventBody::EvidenceAdded { .. }
            | EventBody::ContactRecorded { .. }
            | EventBody::CaseValueSet { .. }
            | EventBody::RepeatLinked { .. }
            | EventBody::Escalated { .. }
            | EventBody::SlaAlert { .. },
        ) => to == from,
        // Routing again records a decision while the complaint waits; its assignment is the
        // `assigned` event that follows.
        (Received, EventBody::Routed { .. }) => to == Received,
        (Executing, EventBody::ExecutionStarted { .. }) => to == Executing,
        (Received, EventBody::MarkedInvalid { .. }) => to == Invalid,
        (Received, EventBody::ResolvedAtFirstContact { .. }) => to == Resolved,
        (Received, EventBody::Assigned { .. }) => to == Assigned,
        (Assigned | Investigating, EventBody::Transferred { .. }) => to == Assigned,
        (Assigned, EventBody::Accepted { .. }) => to == Investigating,
        (Investigating, EventBody::RemedyProposed { approval_role, .. }) => {
            to == if approval_role.is_some() { PendingApproval } else { AwaitingCustomer }
        }
        (PendingApproval, EventBody::RemedyApproved { .. }) => to == AwaitingCustomer,
        (PendingApproval, EventBody::RemedyRejected { .. }) => to == Investigating,
        (AwaitingCustomer, EventBody::CustomerAgreed { .. }) => to == Executing,
        (AwaitingCustomer, EventBody::CustomerDisagreed { .. }) => to == Investigating,
        (Executing, EventBody::ResultReported { .. }) => to == Resolved,
        (Resolved, EventBody::SatisfactionRecorded { satisfaction }) => {
            to == if satisfaction.is_dissatisfied() { SecondaryReview } else { Resolved }
        }
        (Resolved, EventBody::ReturnVisitRecorded { visit }) => {
            to == if visit.outcome == VisitOutcome::Dissatisfied { SecondaryReview } else { Resolved }
        }
        (Resolved, EventBody::Closed { .. }) => to == Closed,
        (SecondaryReview, EventBody::ReviewConcluded { decision, .. }) => match decision {
            ReviewDecision::Uphold => to == Closed,
            ReviewDecision::Reopen { .. } => to == rework,
        },
        (Closed, EventBody::Reopened { .. }) => to == rework,
        (Closed | Invalid, EventBody::Archived) => to == Archived,
        _ => false,
    }
}

// ---------------------------------------------------------------- running a sequence

/// What a run saw, for the coverage check.
#[derive(Debug, Default)]
struct Seen {
    states: BTreeSet<State>,
    events: BTreeSet<&'static str>,
    refusals: BTreeSet<&'static str>,
}

/// Runs `steps` on a fresh complaint, checking the per-step properties; returns the complaint
/// and its log for the end-of-run checks.
fn run(world: &World, steps: &[Step], seen: &mut Seen) -> Result<(Complaint, Vec<Event>), TestCaseError> {
    let f = &world.f;
    let mut now: DateTime<Utc> = t0();
    let first = registered_event(now);
    let mut c = Complaint::from_registered(COMPLAINT, &first).expect("registered");
    let mut log = vec![first];
    seen.states.insert(c.state);

    for (i, s) in steps.iter().enumerate() {
        now += Duration::seconds(s.advance_secs);
        let kind = if s.guided { *s.kind.get(guided_kinds(c.state)) } else { *s.kind.get(ALL_KINDS) };
        let who = if s.guided { *s.who.get(&world.usual(kind)) } else { *s.who.get(&world.everyone()) };
        let command = build(kind, &s.args);
        let before = c.clone();
        let ctx = f.ctx(who, now);

        match decide(&c, &command, &ctx) {
            Ok(bodies) => {
                prop_assert!(!bodies.is_empty(), "step {i}: accepted {command:?} without events");
                // (e) Nothing is ever accepted once archived.
                prop_assert_ne!(before.state, State::Archived, "step {}: archived complaint accepted {:?}", i, command);
                let events = cloop_domain::lifecycle::to_events(&c, bodies, &ctx);
                for e in events {
                    let from = c.clone();
                    c.apply(&e);
                    // (d) Only the transitions of DESIGN §2.
                    prop_assert!(
                        transition_allowed(&from, &e.body, c.state),
                        "step {}: {} moved {} → {} ({:?})",
                        i,
                        e.body.kind(),
                        from.state,
                        c.state,
                        command
                    );
                    // (f) The store keeps bodies (and events) as JSON.
                    let json = serde_json::to_string(&e.body).expect("body serializes");
                    let back: EventBody = serde_json::from_str(&json).expect("body deserializes");
                    prop_assert_eq!(&back, &e.body, "step {}: {}", i, json);
                    let value = serde_json::to_value(&e).expect("event serializes");
                    let back: Event = serde_json::from_value(value).expect("event deserializes");
                    prop_assert_eq!(&back, &e);
                    prop_assert_eq!(c.version, e.seq);
                    seen.events.insert(e.body.kind());
                    log.push(e);
                }
            }
            Err(refusal) => {
                // A refusal changes nothing.
                prop_assert_eq!(&c, &before, "step {}: refused {:?} changed the complaint", i, command);
                seen.refusals.insert(refusal.code);
            }
        }
        // (a) The invariants hold after every step.
        prop_assert_eq!(c.invariant_violation(), None, "step {}: after {:?} by {:?}", i, command, who.actor_ref());
        // (e) Archived stays archived.
        if before.state == State::Archived {
            prop_assert_eq!(c.state, State::Archived);
        }
        seen.states.insert(c.state);
    }
    Ok((c, log))
}

fn check_log(c: &Complaint, log: &[Event]) -> Result<(), TestCaseError> {
    // (b) The log rebuilds the live complaint.
    let replayed = Complaint::replay(COMPLAINT, log).expect("log starts with Registered");
    prop_assert_eq!(&replayed, c);
    prop_assert_eq!(c.version as usize, log.len());
    // (c) Sequence numbers are consecutive from 1, and time never goes backwards.
    for (i, e) in log.iter().enumerate() {
        prop_assert_eq!(e.seq as usize, i + 1);
    }
    prop_assert!(log.windows(2).all(|w| w[0].at <= w[1].at));
    // (e) Misrouted means the first transfer, the one out of the first department, said so.
    let first_transfer = log.iter().find_map(|e| match &e.body {
        EventBody::Transferred { misrouted, .. } => Some(*misrouted),
        _ => None,
    });
    prop_assert_eq!(c.misrouted, first_transfer == Some(true));
    // (d) The stored projection (JSON that leaves empty fields out) reads back as the same
    // complaint, whatever the loop filled in or emptied again.
    let stored = serde_json::to_string(c).expect("complaints serialize");
    let read: Complaint = serde_json::from_str(&stored).expect("stored projection reads back");
    prop_assert_eq!(&read, c);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_command_sequences_keep_the_loop_sound(archive_after in archive_after(), steps in steps()) {
        let world = World::new(archive_after);
        let (c, log) = run(&world, &steps, &mut Seen::default())?;
        check_log(&c, &log)?;
    }
}

/// Guards the property above against testing little: with a fixed seed, the generated sequences
/// reach every state, produce every event kind, and meet the important refusals.
#[test]
fn generated_sequences_cover_the_whole_loop() {
    let mut seen = Seen::default();
    let strategy = (archive_after(), steps());
    let mut runner = TestRunner::deterministic();
    for _ in 0..300 {
        let (archive_after, steps) = strategy.new_tree(&mut runner).expect("generate").current();
        let world = World::new(archive_after);
        let (c, log) = run(&world, &steps, &mut seen).expect("properties hold");
        check_log(&c, &log).expect("log is consistent");
    }
    for state in State::ALL {
        assert!(seen.states.contains(state), "never reached {state}");
    }
    let kinds = [
        "marked_invalid",
        "classified",
        "assigned",
        "handler_set",
        "transferred",
        "accepted",
        "note_added",
        "evidence_added",
        "contact_recorded",
        "remedy_proposed",
        "remedy_approved",
        "remedy_rejected",
        "customer_agreed",
        "customer_disagreed",
        "execution_started",
        "result_reported",
        "resolved_at_first_contact",
        "satisfaction_recorded",
        "review_concluded",
        "return_visit_recorded",
        "closed",
        "reopened",
        "case_value_set",
        "archived",
        "repeat_linked",
        "escalated",
        "sla_alert",
        "routed",
    ];
    for kind in kinds {
        assert!(seen.events.contains(kind), "never produced {kind}");
    }
    for code in [
        "archived",
        "wrong_state",
        "missing_permission",
        "required",
        "not_classified",
        "same_department",
        "not_first_transfer",
        "not_the_handler",
        "beyond_authority",
        "beyond_all_authority",
        "invalid_level",
        "reopen_window_passed",
        "return_visit_required",
        "retention_not_reached",
        "invalid_stars",
        "satisfaction_unconfirmed",
        "already_rated",
        "already_started",
        "already_linked",
        "self_link",
        "same_handler",
        "staff_only",
        "unchanged",
        "already_alerted",
        "system_only",
    ] {
        assert!(seen.refusals.contains(code), "never refused with {code}; saw {:?}", seen.refusals);
    }
}
