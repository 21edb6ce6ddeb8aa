//! The actions offered to a person are exactly those the server would accept.

mod common;

use cloop_domain::lifecycle::available_actions;
use common::*;

#[test]
fn a_received_complaint_offers_the_agent_triage_actions_but_not_handling() {
    let f = Fixture::new();
    let case = f.case();
    let actions = available_actions(&case.complaint, &f.ctx(f.agent(), case.now));
    for a in ["invalidate", "classify", "resolve", "notes", "escalate"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    // Not classified yet, so not assignable; and nobody accepts a complaint that is not assigned.
    for a in ["assign", "accept", "remedy", "close", "archive", "remedy/approve"] {
        assert!(!actions.contains(&a), "{a} should not be offered: {actions:?}");
    }
}

#[test]
fn an_assigned_complaint_offers_accept_to_the_handler_only() {
    let f = Fixture::new();
    let mut case = f.case();
    case.routed();
    let handler = available_actions(&case.complaint, &f.ctx(f.handler(), case.now));
    assert!(handler.contains(&"accept"), "{handler:?}");
    assert!(!handler.contains(&"invalidate"));
    let exec = available_actions(&case.complaint, &f.ctx(f.executive(), case.now));
    assert!(!exec.contains(&"accept"), "{exec:?}");
}

#[test]
fn every_offered_action_is_one_the_domain_accepts_in_its_state() {
    let f = Fixture::new();
    let mut case = f.case();
    case.closed();
    let actions = available_actions(&case.complaint, &f.ctx(f.supervisor(), case.now));
    assert!(actions.contains(&"reopen"), "{actions:?}");
    assert!(actions.contains(&"archive"), "{actions:?}");
    assert!(!actions.contains(&"close"), "{actions:?}");
}
