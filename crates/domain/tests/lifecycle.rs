//! The closed loop of DESIGN §2 by example: each test is one sentence about how a complaint
//! moves, who may move it, and what a refusal looks like.

mod common;

use MeasureKind::*;
use chrono::Duration;
use cloop_domain::complaint::EventBody;
use cloop_domain::error::RefusalKind;
use cloop_domain::lifecycle::Who;
use cloop_domain::*;
use common::*;

// ---------------------------------------------------------------- intake and validity

#[test]
fn registered_complaint_starts_received_at_version_one() {
    let f = Fixture::new();
    let case = f.case();
    assert_eq!(case.state(), State::Received);
    assert_eq!(case.complaint.version, 1);
    assert_eq!(case.complaint.case_no, "TS20260302000007");
    assert_eq!(case.complaint.invariant_violation(), None);
    case.assert_log_consistent();
}

#[test]
fn received_complaint_can_be_marked_invalid_with_reason() {
    let f = Fixture::new();
    let mut case = f.case();
    case.ok(f.agent(), Command::MarkInvalid { reason: "非本公司产品".into() });
    assert_eq!(case.state(), State::Invalid);
    assert_eq!(case.complaint.invalid_reason.as_deref(), Some("非本公司产品"));
    assert_eq!(case.complaint.invalid_at, Some(case.now));
    assert!(!case.complaint.state.is_open());
    case.assert_log_consistent();
}

#[test]
fn marking_invalid_needs_a_reason() {
    let f = Fixture::new();
    let mut case = f.case();
    let r = case.refused(f.agent(), Command::MarkInvalid { reason: "   ".into() });
    assert_eq!((r.kind, r.code, r.field.as_deref()), (RefusalKind::Invalid, "required", Some("reason")));
    assert_eq!(case.state(), State::Received);
}

#[test]
fn only_received_complaints_can_be_marked_invalid() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    let r = case.refused(f.agent(), Command::MarkInvalid { reason: "重复来电".into() });
    assert_eq!((r.kind, r.code), (RefusalKind::WrongState, "wrong_state"));
}

#[test]
fn invalid_complaint_can_only_be_archived() {
    let f = Fixture::new();
    let mut case = f.case();
    case.ok(f.agent(), Command::MarkInvalid { reason: "恶意骚扰".into() });
    assert_eq!(case.refused(f.agent(), cmd::classify(DELIVERY_DELAY, Severity::Level3)).code, "wrong_state");
    assert_eq!(case.refused(f.agent(), cmd::assign(TECH, None)).code, "wrong_state");
    assert_eq!(
        case.refused(f.supervisor(), Command::Escalate { level: 1, external: None, reason: "x".into() }).code,
        "wrong_state"
    );
    case.ok(f.supervisor(), Command::Archive);
    assert_eq!(case.state(), State::Archived);
    case.assert_log_consistent();
}

// ---------------------------------------------------------------- routing

#[test]
fn assigning_requires_classification_first() {
    let f = Fixture::new();
    let mut case = f.case();
    let r = case.refused(f.agent(), cmd::assign(TECH, None));
    assert_eq!((r.kind, r.code), (RefusalKind::WrongState, "not_classified"));
    case.ok(f.agent(), cmd::classify(DELIVERY_DELAY, Severity::Level2));
    assert_eq!(case.state(), State::Received, "classifying alone does not route");
    case.ok(f.agent(), cmd::assign(TECH, None));
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.complaint.department_id, Some(TECH));
    assert_eq!(case.complaint.handler_id, None);
}

/// A decision as routing makes it: sure of both targets, or of neither.
fn decision(sure: bool, floor: Option<Severity>) -> routing::RoutingDecision {
    let target = |id: i64| routing::RoutedTarget {
        id: sure.then_some(id),
        label: Some("x".into()),
        source: sure.then_some(routing::TargetSource::Model),
        rule_id: None,
        top: vec![routing::ClassScore { label: "x".into(), score: if sure { 0.9 } else { 0.4 } }],
        model_version: Some(2),
    };
    routing::RoutingDecision {
        outcome: if sure { routing::RoutingOutcome::Assigned } else { routing::RoutingOutcome::Triage },
        rules: Vec::new(),
        category: target(DELIVERY_DELAY.0),
        department: target(TECH.0),
        severity_floor: floor,
        flags: Vec::new(),
        threshold: 0.6,
    }
}

#[test]
fn routing_again_records_the_decision_and_assigns_only_when_sure() {
    let f = Fixture::new();
    let mut case = f.case();
    let unsure =
        Command::Route { decision: decision(false, Some(Severity::Level1)), default_severity: Severity::Level3 };
    case.ok(f.agent(), unsure);
    assert_eq!(case.state(), State::Received, "unsure: it stays in triage, with the suggestion");
    assert_eq!(case.complaint.routing, Some(decision(false, Some(Severity::Level1))));
    assert_eq!(case.complaint.severity, Some(Severity::Level1), "a rule's floor raises the severity");

    let sure = Command::Route { decision: decision(true, None), default_severity: Severity::Level3 };
    case.ok(f.agent(), sure.clone());
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(
        (case.complaint.category_id, case.complaint.department_id, case.complaint.severity),
        (Some(DELIVERY_DELAY), Some(TECH), Some(Severity::Level1)),
        "classified and assigned as at intake, keeping the severity it has"
    );
    let r = case.refused(f.agent(), sure.clone());
    assert_eq!(r.code, "wrong_state", "only while in triage");
    let r = f.case().refused(f.handler(), sure);
    assert_eq!(r.code, "missing_permission");
    case.assert_log_consistent();
}

#[test]
fn assigned_complaint_cannot_be_assigned_again_only_transferred() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    let r = case.refused(f.agent(), cmd::assign(FINANCE, None));
    assert_eq!(r.code, "wrong_state");
}

#[test]
fn transfer_to_same_department_is_refused() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    let r = case.refused(f.supervisor(), cmd::transfer(TECH, "转回本部门"));
    assert_eq!((r.kind, r.code, r.field.as_deref()), (RefusalKind::Invalid, "same_department", Some("department_id")));
    assert_eq!(case.complaint.transfer_count, 0);
}

#[test]
fn transfer_to_another_department_is_counted_and_clears_the_handler() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating();
    case.ok(f.supervisor(), cmd::transfer(LOGISTICS, "属于物流配送问题"));
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.complaint.department_id, Some(LOGISTICS));
    assert_eq!(case.complaint.handler_id, None);
    assert_eq!(case.complaint.transfer_count, 1);
    case.ok(f.supervisor(), cmd::transfer(FINANCE, "涉及退款"));
    assert_eq!(case.complaint.transfer_count, 2);
    match &case.log.last().unwrap().body {
        EventBody::Transferred { from_department_id, department_id, .. } => {
            assert_eq!((*from_department_id, *department_id), (LOGISTICS, FINANCE));
        }
        other => panic!("unexpected {other:?}"),
    }
    case.assert_log_consistent();
}

#[test]
fn only_the_first_transfer_can_say_the_complaint_was_misrouted() {
    let f = Fixture::new();
    let misrouted = |department_id, reason: &str| Command::Transfer {
        department_id,
        handler_id: None,
        reason: reason.into(),
        misrouted: true,
    };
    // A hand-off first: the first department was right, and a later transfer cannot say
    // otherwise.
    let mut handed_on = f.case();
    handed_on.investigating();
    handed_on.ok(f.supervisor(), cmd::transfer(LOGISTICS, "需物流部协助"));
    assert!(!handed_on.complaint.misrouted);
    let before = handed_on.complaint.clone();
    let r = handed_on.refused(f.supervisor(), misrouted(FINANCE, "不该转给物流"));
    assert_eq!((r.kind, r.code, r.field.as_deref()), (RefusalKind::Invalid, "not_first_transfer", Some("misrouted")));
    assert_eq!(handed_on.complaint, before, "a refusal changes nothing");

    // Marked on the first transfer: the complaint keeps it, through later transfers too.
    let mut corrected = f.case();
    corrected.routed();
    corrected.ok(f.supervisor(), misrouted(LOGISTICS, "物流问题，分错部门"));
    assert!(corrected.complaint.misrouted);
    match &corrected.log.last().unwrap().body {
        EventBody::Transferred { misrouted, .. } => assert!(misrouted),
        other => panic!("unexpected {other:?}"),
    }
    corrected.ok(f.supervisor(), cmd::transfer(FINANCE, "涉及退款"));
    assert!(corrected.complaint.misrouted);
    corrected.assert_log_consistent();
}

#[test]
fn transfer_needs_a_reason() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    assert_eq!(case.refused(f.supervisor(), cmd::transfer(FINANCE, "")).code, "required");
}

#[test]
fn handler_can_be_changed_but_not_to_the_same_person() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    let same = Command::SetHandler { handler_id: f.handler.user_id };
    assert_eq!(case.refused(f.dept_manager(), same).code, "same_handler");
    case.ok(f.dept_manager(), Command::SetHandler { handler_id: f.other_handler.user_id });
    assert_eq!(case.complaint.handler_id, Some(f.other_handler.user_id));
    assert_eq!(case.state(), State::Assigned);
}

// ---------------------------------------------------------------- accepting

#[test]
fn assigned_handler_accepts_and_investigation_starts() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed().later(Duration::minutes(40));
    case.ok(f.handler(), Command::Accept);
    assert_eq!(case.state(), State::Investigating);
    assert_eq!(case.complaint.handler_id, Some(f.handler.user_id));
    assert_eq!(case.complaint.first_response_at, Some(case.now));
}

#[test]
fn handler_other_than_assigned_cannot_accept() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    let r = case.refused(f.other_handler(), Command::Accept);
    assert_eq!((r.kind, r.code), (RefusalKind::Forbidden, "not_the_handler"));
    assert_eq!(case.state(), State::Assigned);
    // The department manager may take it up on the named handler's behalf.
    case.ok(f.dept_manager(), Command::Accept);
    assert_eq!(case.complaint.handler_id, Some(f.handler.user_id));
}

#[test]
fn any_handler_of_the_department_may_accept_when_none_is_named() {
    let f = Fixture::new();
    let mut case = f.case();
    case.ok(f.agent(), cmd::classify(DELIVERY_DELAY, Severity::Level3)).ok(f.agent(), cmd::assign(TECH, None));
    case.ok(f.other_handler(), Command::Accept);
    assert_eq!(case.complaint.handler_id, Some(f.other_handler.user_id));
}

#[test]
fn only_staff_can_accept() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    assert_eq!(case.refused(Who::System, Command::Accept).code, "staff_only");
    assert_eq!(case.refused(Who::Customer, Command::Accept).code, "missing_permission");
}

// ---------------------------------------------------------------- permissions

#[test]
fn missing_permission_is_refused_and_changes_nothing() {
    let f = Fixture::new();
    let mut case = f.case();
    // A department handler may not route complaints.
    let r = case.refused(f.handler(), cmd::classify(DELIVERY_DELAY, Severity::Level1));
    assert_eq!((r.kind, r.code), (RefusalKind::Forbidden, "missing_permission"));
    assert!(r.message.zh.contains("分类分级"), "{}", r.message.zh);
    assert!(r.message.en.contains("Classify and grade"), "{}", r.message.en);
    // The customer may not judge validity.
    let r = case.refused(Who::Customer, Command::MarkInvalid { reason: "不想投诉了".into() });
    assert_eq!(r.code, "missing_permission");
    // An executive does not register-side work.
    let r = case.refused(f.executive(), cmd::assign(TECH, None));
    assert_eq!(r.code, "missing_permission");

    case.investigating();
    case.ok(f.handler(), cmd::propose(remedy(&[(Compensation, 1_500)])));
    // An agent has no approval permission at all.
    let r = case.refused(f.agent(), cmd::approve());
    assert_eq!((r.kind, r.code), (RefusalKind::Forbidden, "missing_permission"));
    assert_eq!(case.state(), State::PendingApproval);
}

#[test]
fn permission_is_checked_before_state() {
    let f = Fixture::new();
    let mut case = f.case();
    // Accepting a received complaint is wrong in two ways; the actor hears about permission.
    assert_eq!(case.refused(f.agent(), Command::Accept).code, "missing_permission");
    assert_eq!(case.refused(f.handler(), Command::Accept).code, "wrong_state");
}

#[test]
fn system_may_run_scheduled_work_but_customer_may_not() {
    let f = Fixture::new();
    let mut case = f.case();
    case.closed();
    assert_eq!(case.refused(Who::Customer, Command::Archive).code, "missing_permission");
    case.ok(Who::System, Command::Archive);
    assert_eq!(case.state(), State::Archived);
}

// ---------------------------------------------------------------- remedies and authority

#[test]
fn proposal_within_own_limit_goes_straight_to_the_customer() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating();
    case.ok(f.handler(), cmd::propose(remedy(&[(Compensation, 500), (Refund, 1_000), (WrittenApology, 0)])));
    assert_eq!(case.state(), State::AwaitingCustomer);
    assert_eq!(case.complaint.approval_role, None);
    assert_eq!(case.complaint.remedy_proposed_by, Some(f.handler.user_id));
}

#[test]
fn proposal_above_agent_limit_waits_for_supervisor() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating();
    // An agent may compensate up to 200 元; 500 元 needs the supervisor (limit 2,000 元).
    case.ok(f.agent(), cmd::propose(remedy(&[(Compensation, 500)])));
    assert_eq!(case.state(), State::PendingApproval);
    assert_eq!(case.complaint.approval_role.as_deref(), Some("supervisor"));
    match &case.log.last().unwrap().body {
        EventBody::RemedyProposed { approval_role, .. } => {
            assert_eq!(approval_role.as_deref(), Some("supervisor"))
        }
        other => panic!("unexpected {other:?}"),
    }
    case.later(Duration::hours(2)).ok(f.supervisor(), cmd::approve());
    assert_eq!(case.state(), State::AwaitingCustomer);
    assert_eq!(case.complaint.approval_role, None);
    assert_eq!(case.complaint.remedy, Some(remedy(&[(Compensation, 500)])));
    case.assert_log_consistent();
}

#[test]
fn agent_limit_is_exactly_two_hundred_yuan() {
    let f = Fixture::new();
    let mut at_limit = f.case();
    at_limit.investigating().ok(f.agent(), cmd::propose(remedy(&[(Compensation, 200)])));
    assert_eq!(at_limit.state(), State::AwaitingCustomer);

    let mut above = f.case();
    above.investigating();
    let one_fen_more = Remedy {
        measures: vec![Measure { kind: Compensation, amount: Fen(20_001), description: String::new() }],
        explanation: String::new(),
    };
    above.ok(f.agent(), cmd::propose(one_fen_more));
    assert_eq!(above.state(), State::PendingApproval);
}

#[test]
fn split_compensation_is_summed_against_the_limit() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating();
    // Two lines of 150 元 are 300 元, above the agent's 200 元.
    case.ok(f.agent(), cmd::propose(remedy(&[(Compensation, 150), (Compensation, 150)])));
    assert_eq!(case.complaint.approval_role.as_deref(), Some("supervisor"));
}

#[test]
fn larger_proposals_go_to_the_lowest_role_that_covers_them() {
    let f = Fixture::new();
    for (yuan, role) in [(1_500, "supervisor"), (8_000, "dept_manager"), (80_000, "executive")] {
        let mut case = f.case();
        case.investigating().ok(f.handler(), cmd::propose(remedy(&[(Compensation, yuan)])));
        assert_eq!(case.complaint.approval_role.as_deref(), Some(role), "{yuan} 元");
    }
}

#[test]
fn approver_below_the_required_role_is_refused() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating().ok(f.handler(), cmd::propose(remedy(&[(Compensation, 8_000)])));
    let r = case.refused(f.supervisor(), cmd::approve());
    assert_eq!((r.kind, r.code), (RefusalKind::Forbidden, "beyond_authority"));
    assert!(r.message.en.contains("dept_manager"), "{}", r.message.en);
    case.ok(f.dept_manager(), cmd::approve());
    assert_eq!(case.state(), State::AwaitingCustomer);
}

#[test]
fn approver_cannot_approve_own_proposal() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating();
    // 李强 proposes 1,500 元 as a handler; it waits for a supervisor.
    case.ok(f.handler(), cmd::propose(remedy(&[(Compensation, 1_500)])));
    assert_eq!(case.state(), State::PendingApproval);
    // Promoted to supervisor before it is approved, he still may not approve his own proposal.
    let promoted = actor(f.handler.user_id.0, "李强", "supervisor", TECH);
    let r = case.refused(Who::Staff(&promoted), cmd::approve());
    assert_eq!((r.kind, r.code), (RefusalKind::Forbidden, "own_proposal"));
    // A supervisor proposing beyond their own limit cannot approve it either.
    let mut other = f.case();
    other.investigating().ok(f.supervisor(), cmd::propose(remedy(&[(Compensation, 3_000)])));
    assert_eq!(other.complaint.approval_role.as_deref(), Some("dept_manager"));
    assert_eq!(other.refused(f.supervisor(), cmd::approve()).code, "beyond_authority");
    // Someone else approves.
    case.ok(f.supervisor(), cmd::approve());
    assert_eq!(case.state(), State::AwaitingCustomer);
}

#[test]
fn rejected_remedy_returns_to_investigating_without_a_remedy() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating().ok(f.handler(), cmd::propose(remedy(&[(Compensation, 1_500)])));
    assert_eq!(case.refused(f.supervisor(), Command::RejectRemedy { reason: " ".into() }).code, "required");
    case.ok(f.supervisor(), Command::RejectRemedy { reason: "补偿过高，先核实责任".into() });
    assert_eq!(case.state(), State::Investigating);
    assert_eq!(case.complaint.remedy, None);
    assert_eq!(case.complaint.approval_role, None);
    assert_eq!(case.complaint.remedy_proposed_by, None);
}

#[test]
fn remedy_beyond_every_role_is_refused() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating();
    let r = case.refused(f.handler(), cmd::propose(remedy(&[(Compensation, 20_000_000)])));
    assert_eq!((r.kind, r.code), (RefusalKind::Invalid, "beyond_all_authority"));
    // Money attached to a measure that carries none is beyond everyone too.
    let r = case.refused(f.handler(), cmd::propose(remedy(&[(WrittenApology, 10)])));
    assert_eq!(r.code, "beyond_all_authority");
}

#[test]
fn remedy_needs_at_least_one_measure() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating();
    let empty = Remedy { measures: vec![], explanation: "无".into() };
    assert_eq!(case.refused(f.handler(), cmd::propose(empty)).code, "required");
}

#[test]
fn remedy_can_only_be_proposed_while_investigating() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    assert_eq!(case.refused(f.handler(), cmd::propose(remedy(&[(Explanation, 0)]))).code, "wrong_state");
}

// ---------------------------------------------------------------- the customer's answer

#[test]
fn customer_disagreement_returns_to_investigating_and_is_counted() {
    let f = Fixture::new();
    let mut case = f.case();
    case.awaiting_customer();
    case.ok(Who::Customer, cmd::decision(false));
    assert_eq!(case.state(), State::Investigating);
    assert_eq!(case.complaint.disagree_count, 1);
    assert_eq!(case.complaint.remedy, None);
    assert_eq!(case.complaint.remedy_proposed_by, None);

    case.ok(f.handler(), cmd::propose(remedy(&[(Compensation, 300)])));
    case.ok(f.agent(), cmd::decision(false));
    assert_eq!(case.complaint.disagree_count, 2);

    case.ok(f.handler(), cmd::propose(remedy(&[(Compensation, 500), (Gift, 100)])));
    case.ok(Who::Customer, cmd::decision(true));
    assert_eq!(case.state(), State::Executing);
    assert_eq!(case.complaint.disagree_count, 2, "agreeing does not reset the count");
    case.assert_log_consistent();
}

#[test]
fn execution_starts_once_and_the_result_resolves() {
    let f = Fixture::new();
    let mut case = f.case();
    case.awaiting_customer().ok(Who::Customer, cmd::decision(true));
    case.ok(f.handler(), Command::StartExecution { note: String::new() });
    assert!(case.complaint.execution_started);
    assert_eq!(case.refused(f.handler(), Command::StartExecution { note: String::new() }).code, "already_started");
    assert_eq!(case.refused(f.handler(), Command::ReportResult { result: "".into() }).code, "required");
    case.later(Duration::hours(4)).ok(f.handler(), Command::ReportResult { result: "已更换新机".into() });
    assert_eq!(case.state(), State::Resolved);
    assert_eq!(case.complaint.resolved_at, Some(case.now));
}

// ---------------------------------------------------------------- satisfaction and return visit

#[test]
fn dissatisfied_rating_opens_secondary_review() {
    let f = Fixture::new();
    let mut case = f.case();
    case.resolved();
    case.ok(Who::Customer, cmd::rate(2));
    assert_eq!(case.state(), State::SecondaryReview);
    assert_eq!(case.complaint.satisfaction.as_ref().map(|s| s.stars), Some(2));
    assert_eq!(case.complaint.invariant_violation(), None);
}

#[test]
fn three_stars_is_not_dissatisfied() {
    let f = Fixture::new();
    let mut case = f.case();
    case.resolved().ok(Who::Customer, cmd::rate(3));
    assert_eq!(case.state(), State::Resolved);
}

#[test]
fn customer_rates_only_once_and_within_one_to_five_stars() {
    let f = Fixture::new();
    let mut case = f.case();
    case.resolved();
    assert_eq!(case.refused(Who::Customer, cmd::rate(0)).code, "invalid_stars");
    assert_eq!(case.refused(Who::Customer, cmd::rate(6)).code, "invalid_stars");
    case.ok(Who::Customer, cmd::rate(4));
    assert_eq!(case.refused(Who::Customer, cmd::rate(5)).code, "already_rated");
    // Staff may record a later rating given on the phone.
    case.ok(f.agent(), cmd::rate(5));
    assert_eq!(case.complaint.satisfaction.as_ref().map(|s| s.stars), Some(5));
}

#[test]
fn dissatisfied_return_visit_opens_secondary_review() {
    let f = Fixture::new();
    let mut case = f.case();
    case.resolved().ok(f.agent(), cmd::visit(VisitOutcome::Dissatisfied));
    assert_eq!(case.state(), State::SecondaryReview);
}

#[test]
fn secondary_review_can_uphold_and_close() {
    let f = Fixture::new();
    let mut case = f.case();
    case.resolved().ok(Who::Customer, cmd::rate(1));
    let uphold = |reason: &str| Command::ConcludeReview { decision: ReviewDecision::Uphold, reason: reason.into() };
    assert_eq!(case.refused(f.agent(), uphold("处理得当")).code, "missing_permission");
    assert_eq!(case.refused(f.supervisor(), uphold("")).code, "required");
    case.ok(f.supervisor(), uphold("补偿符合标准，维持原处理"));
    assert_eq!(case.state(), State::Closed);
    assert_eq!(case.complaint.closed_at, Some(case.now));
}

#[test]
fn secondary_review_can_reopen_under_a_higher_owner() {
    let f = Fixture::new();
    let mut case = f.case();
    case.resolved().ok(Who::Customer, cmd::rate(1));
    case.ok(
        f.dept_manager(),
        Command::ConcludeReview {
            decision: ReviewDecision::Reopen { handler_id: Some(f.dept_manager.user_id) },
            reason: "由部门负责人亲自跟进".into(),
        },
    );
    assert_eq!(case.state(), State::Investigating);
    assert_eq!(case.complaint.handler_id, Some(f.dept_manager.user_id));
    assert_eq!(case.complaint.department_id, Some(TECH));
    assert_eq!(case.complaint.reopen_count, 1);
    assert_eq!(case.complaint.remedy, None);
    assert_eq!(case.complaint.satisfaction, None);
    assert_eq!(case.complaint.resolved_at, None);
    case.assert_log_consistent();
}

// ---------------------------------------------------------------- closing

#[test]
fn closing_requires_a_return_visit() {
    let f = Fixture::new();
    let mut case = f.case();
    case.resolved();
    let close = || Command::Close { note: String::new() };
    let r = case.refused(f.agent(), close());
    assert_eq!((r.kind, r.code), (RefusalKind::WrongState, "return_visit_required"));
    // A good rating alone is not enough.
    case.ok(Who::Customer, cmd::rate(5));
    assert_eq!(case.refused(f.agent(), close()).code, "return_visit_required");
    case.ok(f.agent(), cmd::visit(VisitOutcome::Satisfied));
    case.ok(f.agent(), close());
    assert_eq!(case.state(), State::Closed);
}

#[test]
fn unreachable_customer_closes_only_with_a_good_rating() {
    let f = Fixture::new();
    let mut case = f.case();
    case.resolved().ok(f.agent(), cmd::visit(VisitOutcome::Unreachable));
    let close = || Command::Close { note: "三次未接通".into() };
    assert_eq!(case.refused(f.agent(), close()).code, "satisfaction_unconfirmed");
    case.ok(Who::Customer, cmd::rate(4));
    case.ok(f.agent(), close());
    assert_eq!(case.state(), State::Closed);
}

#[test]
fn only_resolved_complaints_close() {
    let f = Fixture::new();
    let mut case = f.case();
    case.investigating();
    assert_eq!(case.refused(f.agent(), Command::Close { note: String::new() }).code, "wrong_state");
    assert_eq!(case.refused(f.agent(), cmd::visit(VisitOutcome::Satisfied)).code, "wrong_state");
}

// ---------------------------------------------------------------- reopening

#[test]
fn closed_complaint_reopens_within_the_window() {
    let f = Fixture::new();
    let mut case = f.case();
    case.closed();
    // Exactly at the end of the 30-day window is still inside it.
    case.later(Duration::days(30));
    case.ok(f.supervisor(), cmd::reopen("客户反映问题再次出现"));
    assert_eq!(case.state(), State::Investigating);
    assert_eq!(case.complaint.reopen_count, 1);
    assert_eq!(case.complaint.closed_at, None);
    assert_eq!(case.complaint.return_visit, None);
    assert_eq!(case.complaint.department_id, Some(TECH));
    case.assert_log_consistent();
}

#[test]
fn reopen_is_refused_after_the_window() {
    let f = Fixture::new();
    let mut case = f.case();
    case.closed();
    case.later(Duration::days(30) + Duration::seconds(1));
    let r = case.refused(f.supervisor(), cmd::reopen("客户再次来电"));
    assert_eq!((r.kind, r.code), (RefusalKind::WrongState, "reopen_window_passed"));
    assert!(r.message.en.contains("30-day"), "{}", r.message.en);
    assert_eq!(case.state(), State::Closed);
}

#[test]
fn reopen_needs_a_reason_and_the_permission() {
    let f = Fixture::new();
    let mut case = f.case();
    case.closed();
    assert_eq!(case.refused(f.supervisor(), cmd::reopen("")).code, "required");
    assert_eq!(case.refused(f.agent(), cmd::reopen("客户要求")).code, "missing_permission");
}

// ---------------------------------------------------------------- archive

#[test]
fn archive_waits_for_the_retention_period() {
    let mut f = Fixture::new();
    f.policy.archive_after = Duration::days(180);
    let mut case = f.case();
    case.closed();
    case.later(Duration::days(179));
    let r = case.refused(f.supervisor(), Command::Archive);
    assert_eq!(r.code, "retention_not_reached");
    case.later(Duration::days(1));
    case.ok(f.supervisor(), Command::Archive);
    assert_eq!(case.state(), State::Archived);
    assert_eq!(case.complaint.archived_at, Some(case.now));
}

#[test]
fn open_complaint_cannot_be_archived() {
    let f = Fixture::new();
    let mut case = f.case();
    case.resolved();
    assert_eq!(case.refused(f.supervisor(), Command::Archive).code, "wrong_state");
}

/// One command of every kind, with plausible arguments.
fn every_command(f: &Fixture) -> Vec<Command> {
    vec![
        Command::MarkInvalid { reason: "无效".into() },
        cmd::classify(DELIVERY_DELAY, Severity::Level1),
        cmd::assign(FINANCE, None),
        Command::SetHandler { handler_id: f.other_handler.user_id },
        cmd::transfer(FINANCE, "转财务"),
        Command::Accept,
        Command::AddNote { visibility: Visibility::Internal, text: "内部备注".into() },
        Command::AddEvidence {
            attachment: Attachment {
                sha256: "ab".repeat(32),
                file_name: "发票.jpg".into(),
                content_type: "image/jpeg".into(),
                size: 20_480,
            },
        },
        Command::RecordContact { channel: Channel::Phone, summary: "客户来电".into() },
        cmd::propose(remedy(&[(Compensation, 100)])),
        cmd::approve(),
        Command::RejectRemedy { reason: "驳回".into() },
        cmd::decision(true),
        Command::StartExecution { note: String::new() },
        Command::ReportResult { result: "完成".into() },
        Command::ResolveAtFirstContact { summary: "当场解决".into() },
        cmd::rate(1),
        Command::ConcludeReview { decision: ReviewDecision::Uphold, reason: "维持".into() },
        cmd::visit(VisitOutcome::Satisfied),
        Command::Close { note: String::new() },
        cmd::reopen("重开"),
        Command::SetCaseValue { value: true, note: "典型案例".into() },
        Command::Archive,
        Command::LinkRepeat {
            link: RepeatLink { complaint_id: ComplaintId(1), case_no: "TS20260201000001".into(), reasons: Vec::new() },
        },
        Command::Escalate { level: 2, external: Some(ExternalBody::Media), reason: "媒体曝光".into() },
    ]
}

#[test]
fn archived_complaint_refuses_every_command() {
    let f = Fixture::new();
    let mut case = f.case();
    case.closed().ok(f.supervisor(), Command::Archive);
    assert_eq!(case.state(), State::Archived);
    let commands = every_command(&f);
    assert_eq!(commands.len(), 25, "one command per Command variant");
    for command in commands {
        for who in [f.agent(), f.supervisor(), f.executive(), Who::Customer, Who::System] {
            let r = case.refused(who, command.clone());
            assert_eq!((r.kind, r.code), (RefusalKind::WrongState, "archived"), "{command:?}");
        }
    }
    assert_eq!(case.state(), State::Archived);
    case.assert_log_consistent();
}

// ---------------------------------------------------------------- side commands

#[test]
fn notes_evidence_and_contacts_do_not_move_the_complaint() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    case.ok(f.agent(), Command::AddNote { visibility: Visibility::Internal, text: "客户情绪激动".into() });
    assert_eq!(case.complaint.first_response_at, None, "an internal note is not a response");
    case.later(Duration::minutes(10));
    case.ok(f.agent(), Command::AddNote { visibility: Visibility::Customer, text: "您好，已为您加急处理".into() });
    assert_eq!(case.complaint.first_response_at, Some(case.now));
    case.ok(
        Who::Customer,
        Command::AddEvidence {
            attachment: Attachment {
                sha256: "0f".repeat(32),
                file_name: "签收单.png".into(),
                content_type: "image/png".into(),
                size: 1_024,
            },
        },
    );
    assert_eq!(case.complaint.attachments.len(), 1);
    assert_eq!(
        case.refused(f.agent(), Command::AddNote { visibility: Visibility::Internal, text: "".into() }).code,
        "required"
    );
    assert_eq!(
        case.refused(Who::Customer, Command::AddNote { visibility: Visibility::Customer, text: "hi".into() }).code,
        "missing_permission"
    );
    assert_eq!(case.state(), State::Assigned);
    case.assert_log_consistent();
}

#[test]
fn escalation_levels_run_from_zero_to_three() {
    let f = Fixture::new();
    let mut case = f.case();
    let escalate =
        |level, external| Command::Escalate { level, external, reason: "客户扬言投诉到 12315".into() };
    let r = case.refused(f.supervisor(), escalate(4, None));
    assert_eq!((r.code, r.field.as_deref()), ("invalid_level", Some("level")));
    assert_eq!(case.refused(f.supervisor(), escalate(0, None)).code, "unchanged");
    case.ok(f.supervisor(), escalate(2, Some(ExternalBody::Hotline12315)));
    assert_eq!(case.complaint.escalation_level, 2);
    assert_eq!(case.complaint.external_escalation, Some(ExternalBody::Hotline12315));
    // Lowering the level keeps the external flag.
    case.ok(f.supervisor(), escalate(1, None));
    assert_eq!(case.complaint.external_escalation, Some(ExternalBody::Hotline12315));
    assert_eq!(case.refused(f.supervisor(), escalate(1, Some(ExternalBody::Hotline12315))).code, "unchanged");
    case.ok(f.executive(), escalate(3, None));
    assert_eq!(case.complaint.escalation_level, 3);
    assert_eq!(case.state(), State::Received);
}

#[test]
fn repeat_links_refuse_self_and_duplicates() {
    let f = Fixture::new();
    let mut case = f.case();
    let link = |id| Command::LinkRepeat {
        link: RepeatLink {
            complaint_id: ComplaintId(id),
            case_no: format!("TS2026020100000{id}"),
            reasons: Vec::new(),
        },
    };
    assert_eq!(case.refused(f.agent(), link(COMPLAINT.0)).code, "self_link");
    case.ok(f.agent(), link(1));
    assert_eq!(case.refused(f.agent(), link(1)).code, "already_linked");
    case.ok(f.agent(), link(2));
    assert_eq!(case.complaint.repeat_of.len(), 2);
}

#[test]
fn case_value_can_be_set_on_a_closed_complaint_but_not_twice() {
    let f = Fixture::new();
    let mut case = f.case();
    case.closed();
    let set = |value| Command::SetCaseValue { value, note: "配送流程典型问题".into() };
    assert_eq!(case.refused(f.supervisor(), set(false)).code, "unchanged");
    case.ok(f.supervisor(), set(true));
    assert!(case.complaint.case_value);
    assert_eq!(case.state(), State::Closed);
}

// ---------------------------------------------------------------- whole paths

#[test]
fn happy_path_from_registered_to_archived_with_approval() {
    let f = Fixture::new();
    let mut case = f.case();
    case.ok(
        f.agent(),
        Command::Classify {
            category_id: DELIVERY_DELAY,
            severity: Severity::Level2,
            product_ref: None,
            order_ref: Some("SO-2026-0301-8812".into()),
        },
    )
    .ok(f.agent(), cmd::assign(TECH, None))
    .later(Duration::minutes(30))
    .ok(f.handler(), Command::Accept)
    .ok(f.handler(), Command::RecordContact { channel: Channel::Phone, summary: "已致电客户核实送货地址".into() })
    .later(Duration::hours(6))
    .ok(f.handler(), cmd::propose(remedy(&[(Compensation, 1_000), (Gift, 100), (WrittenApology, 0)])))
    .later(Duration::hours(1))
    .ok(f.supervisor(), cmd::approve())
    .later(Duration::hours(2))
    .ok(Who::Customer, cmd::decision(true))
    .ok(f.handler(), Command::StartExecution { note: "安排次日上午送达".into() })
    .later(Duration::days(1))
    .ok(f.handler(), Command::ReportResult { result: "已送达并发放补偿".into() })
    .later(Duration::hours(20))
    .ok(Who::Customer, cmd::rate(5))
    .later(Duration::days(2))
    .ok(f.agent(), cmd::visit(VisitOutcome::Satisfied))
    .ok(f.agent(), Command::Close { note: "客户满意".into() })
    .ok(f.supervisor(), Command::SetCaseValue { value: true, note: "配送时效典型案例".into() })
    .later(Duration::days(60))
    .ok(Who::System, Command::Archive);

    assert_eq!(
        case.kinds(),
        [
            "classified",
            "assigned",
            "accepted",
            "contact_recorded",
            "remedy_proposed",
            "remedy_approved",
            "customer_agreed",
            "execution_started",
            "result_reported",
            "satisfaction_recorded",
            "return_visit_recorded",
            "closed",
            "case_value_set",
            "archived",
        ]
    );
    let c = &case.complaint;
    assert_eq!(c.state, State::Archived);
    assert_eq!(c.department_id, Some(TECH));
    assert_eq!(c.handler_id, Some(f.handler.user_id));
    assert_eq!(c.order_ref.as_deref(), Some("SO-2026-0301-8812"));
    assert_eq!(c.remedy.as_ref().map(Remedy::total), Some(Fen(110_000)));
    assert_eq!(c.remedy_proposed_by, Some(f.handler.user_id));
    assert_eq!(c.approval_role, None);
    assert!(c.case_value);
    assert!(!c.first_contact_resolution);
    assert_eq!((c.transfer_count, c.disagree_count, c.reopen_count), (0, 0, 0));
    assert!(c.first_response_at.is_some() && c.resolved_at.is_some() && c.closed_at.is_some());
    assert_eq!(c.archived_at, Some(case.now));
    assert_eq!(c.updated_at, case.now);
    assert_eq!(c.version, 15);
    // The approval is a step in the log, by the supervisor.
    let approval = case.log.iter().find(|e| e.body.kind() == "remedy_approved").unwrap();
    assert_eq!(approval.actor, ActorRef::User { id: f.supervisor.user_id });
    case.assert_log_consistent();
}

#[test]
fn first_contact_resolution_path() {
    let f = Fixture::new();
    let mut case = f.case();
    case.later(Duration::minutes(8))
        .ok(f.agent(), Command::ResolveAtFirstContact { summary: "查询物流后告知明早送达，客户认可".into() });
    assert_eq!(case.state(), State::Resolved);
    assert!(case.complaint.first_contact_resolution);
    assert_eq!(case.complaint.resolved_at, Some(case.now));
    assert_eq!(case.complaint.first_response_at, Some(case.now));
    assert_eq!(case.complaint.department_id, None, "never routed");

    case.later(Duration::hours(2))
        .ok(Who::Customer, cmd::rate(5))
        .later(Duration::days(1))
        .ok(f.agent(), cmd::visit(VisitOutcome::Satisfied))
        .ok(f.agent(), Command::Close { note: String::new() })
        .ok(f.supervisor(), Command::Archive);
    assert_eq!(
        case.kinds(),
        ["resolved_at_first_contact", "satisfaction_recorded", "return_visit_recorded", "closed", "archived"]
    );
    case.assert_log_consistent();
}

#[test]
fn first_contact_resolution_needs_the_resolve_permission_and_a_summary() {
    let f = Fixture::new();
    let mut case = f.case();
    assert_eq!(
        case.refused(f.handler(), Command::ResolveAtFirstContact { summary: "x".into() }).code,
        "missing_permission"
    );
    assert_eq!(case.refused(f.agent(), Command::ResolveAtFirstContact { summary: "".into() }).code, "required");
    case.routed();
    assert_eq!(case.refused(f.agent(), Command::ResolveAtFirstContact { summary: "x".into() }).code, "wrong_state");
}

#[test]
fn reopened_first_contact_resolution_goes_back_for_routing() {
    let f = Fixture::new();
    let mut case = f.case();
    case.ok(f.agent(), Command::ResolveAtFirstContact { summary: "已解释退款到账时间".into() })
        .ok(f.agent(), cmd::visit(VisitOutcome::Satisfied))
        .ok(f.agent(), Command::Close { note: String::new() })
        .later(Duration::days(3))
        .ok(f.supervisor(), cmd::reopen("退款仍未到账"));
    // Never routed, so there is no department to investigate: it is routed first.
    assert_eq!(case.state(), State::Received);
    assert_eq!(case.complaint.reopen_count, 1);
    case.ok(f.agent(), cmd::classify(DELIVERY_DELAY, Severity::Level2))
        .ok(f.agent(), cmd::assign(FINANCE, None))
        .ok(f.dept_manager(), Command::Accept);
    assert_eq!(case.state(), State::Investigating);
    case.assert_log_consistent();
}

#[test]
fn dissatisfied_first_contact_resolution_reopened_by_review_goes_back_for_routing() {
    let f = Fixture::new();
    let mut case = f.case();
    case.ok(f.agent(), Command::ResolveAtFirstContact { summary: "已解释".into() }).ok(Who::Customer, cmd::rate(1)).ok(
        f.supervisor(),
        Command::ConcludeReview {
            decision: ReviewDecision::Reopen { handler_id: None },
            reason: "解释不充分，转部门处理".into(),
        },
    );
    assert_eq!(case.state(), State::Received);
    assert_eq!(case.complaint.satisfaction, None);
    assert!(case.refused(f.supervisor(), cmd::transfer(FINANCE, "转财务")).code == "wrong_state");
    case.assert_log_consistent();
}

// ---------------------------------------------------------------- the stored projection

#[test]
fn stored_projection_leaves_empty_fields_out() {
    let c = new_complaint(t0());
    let stored = serde_json::to_string(&c).unwrap();
    assert!(!stored.contains("null"), "{stored}");
    for key in ["\"remedy\"", "\"transfer_count\"", "\"case_value\"", "\"repeat_of\"", "\"sla_alerted\""] {
        assert!(!stored.contains(key), "{key} in {stored}");
    }
    assert_eq!(serde_json::from_str::<Complaint>(&stored).unwrap(), c);
}

#[test]
fn projection_stored_with_every_key_still_reads() {
    // A row as the store wrote it before empty fields were left out (routing omitted).
    let old = r#"{"id":0,"case_no":"TS20261124116263","state":"received","company_id":1,"intake_unit_id":1,
        "customer_id":10301,"tier":"normal","channel":"phone","summary":"吃苹果","content":"吃苹果，心被吃进去了。",
        "customer_request":null,"product_ref":null,"order_ref":null,"category_id":null,"severity":null,
        "department_id":null,"handler_id":null,"received_at":"2026-11-23T21:18:19.820326Z",
        "registered_at":"2026-11-23T21:18:19.820326Z","updated_at":"2026-11-23T21:18:19.820326Z",
        "transfer_count":0,"disagree_count":0,"reopen_count":0,"escalation_level":0,"external_escalation":null,
        "remedy":null,"remedy_proposed_by":null,"approval_role":null,"satisfaction":null,"return_visit":null,
        "first_contact_resolution":false,"execution_started":false,"first_response_at":null,"resolved_at":null,
        "closed_at":null,"invalid_at":null,"invalid_reason":null,"archived_at":null,"case_value":false,
        "repeat_of":[{"complaint_id":65017,"case_no":"TS20261124065017","reasons":["same_customer"]}],
        "attachments":[],"sla_alerted":{"response":0,"resolution":0},"version":4}"#;
    let c: Complaint = serde_json::from_str(old).unwrap();
    assert_eq!((c.customer_id, c.version, c.repeat_of.len()), (CustomerId(10301), 4, 1));
    let again = serde_json::to_string(&c).unwrap();
    assert!(again.len() < old.len() / 2, "{again}");
    assert_eq!(serde_json::from_str::<Complaint>(&again).unwrap(), c);
}
