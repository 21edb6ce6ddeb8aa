//! The authority matrix (授权机制, DESIGN §6): each role may grant each kind of measure up to a
//! limit. A remedy over the proposer's limits waits for approval by the lowest role whose limits
//! cover every measure.

use crate::model::{Fen, MeasureKind, Remedy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One role's limits: measure kind → the largest amount it may grant. A kind missing from the
/// map may not be granted at all by this role without approval.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleLimits(pub BTreeMap<MeasureKind, Fen>);

impl RoleLimits {
    /// Whether these limits cover every measure of `remedy`.
    pub fn covers(&self, remedy: &Remedy) -> bool {
        // Limits apply per measure kind to the sum of that kind's measures, so splitting one
        // compensation into two lines does not get around the limit.
        let mut per_kind: BTreeMap<MeasureKind, i64> = BTreeMap::new();
        for m in &remedy.measures {
            *per_kind.entry(m.kind).or_default() += m.amount.0;
        }
        per_kind.into_iter().all(|(kind, sum)| self.0.get(&kind).is_some_and(|limit| sum <= limit.0))
    }
}

/// A role as the matrix sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAuthority {
    /// Role code.
    pub role: String,
    /// Rank in the approval order.
    pub rank: i32,
    /// Whether the role may approve remedies at all.
    pub can_approve: bool,
    /// Its limits.
    pub limits: RoleLimits,
}

/// The whole matrix, every role's limits.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuthorityMatrix {
    /// The roles, in any order.
    pub roles: Vec<RoleAuthority>,
}

impl AuthorityMatrix {
    /// The lowest-ranked approving role whose limits cover `remedy`, or `None` if no role can.
    pub fn approver_for(&self, remedy: &Remedy) -> Option<&RoleAuthority> {
        self.roles.iter().filter(|r| r.can_approve && r.limits.covers(remedy)).min_by_key(|r| r.rank)
    }

    /// The shipped defaults (seeds' example: an agent may compensate up to 200 元, a supervisor
    /// up to 2,000 元). Amounts in 元 here for readability.
    pub fn default_limits(role: &str) -> RoleLimits {
        use MeasureKind::*;
        let yuan = |y: i64| Fen(y * 100);
        let table: &[(MeasureKind, i64)] = match role {
            "agent" => &[(Refund, 500), (ReturnExchange, 2_000), (Repair, 1_000), (Compensation, 200), (Gift, 100)],
            "handler" => &[(Refund, 1_000), (ReturnExchange, 5_000), (Repair, 3_000), (Compensation, 500), (Gift, 200)],
            "supervisor" => {
                &[(Refund, 5_000), (ReturnExchange, 10_000), (Repair, 10_000), (Compensation, 2_000), (Gift, 500)]
            }
            "legal" => {
                &[(Refund, 5_000), (ReturnExchange, 10_000), (Repair, 10_000), (Compensation, 5_000), (Gift, 500)]
            }
            "dept_manager" => {
                &[(Refund, 20_000), (ReturnExchange, 50_000), (Repair, 50_000), (Compensation, 10_000), (Gift, 2_000)]
            }
            "executive" | "admin" => &[
                (Refund, 10_000_000),
                (ReturnExchange, 10_000_000),
                (Repair, 10_000_000),
                (Compensation, 10_000_000),
                (Gift, 10_000_000),
            ],
            _ => &[],
        };
        let mut limits: BTreeMap<MeasureKind, Fen> = table.iter().map(|(k, y)| (*k, yuan(*y))).collect();
        // Measures without money may be offered by every role that can propose at all.
        for kind in [WrittenApology, ServiceFix, Explanation] {
            limits.insert(kind, Fen(0));
        }
        RoleLimits(limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Measure;

    fn remedy(kind: MeasureKind, yuan: i64) -> Remedy {
        Remedy {
            measures: vec![Measure { kind, amount: Fen(yuan * 100), description: String::new() }],
            explanation: String::new(),
        }
    }

    fn matrix() -> AuthorityMatrix {
        let role = |code: &str, rank, can_approve| RoleAuthority {
            role: code.into(),
            rank,
            can_approve,
            limits: AuthorityMatrix::default_limits(code),
        };
        AuthorityMatrix {
            roles: vec![
                role("agent", 10, false),
                role("supervisor", 30, true),
                role("dept_manager", 40, true),
                role("executive", 50, true),
            ],
        }
    }

    #[test]
    fn agent_may_compensate_up_to_two_hundred_yuan() {
        let agent = AuthorityMatrix::default_limits("agent");
        assert!(agent.covers(&remedy(MeasureKind::Compensation, 200)));
        assert!(!agent.covers(&remedy(MeasureKind::Compensation, 201)));
    }

    #[test]
    fn split_measures_are_summed_per_kind() {
        let agent = AuthorityMatrix::default_limits("agent");
        let mut r = remedy(MeasureKind::Compensation, 150);
        r.measures.push(r.measures[0].clone());
        assert!(!agent.covers(&r));
    }

    #[test]
    fn lowest_covering_role_approves() {
        let m = matrix();
        assert_eq!(m.approver_for(&remedy(MeasureKind::Compensation, 1_500)).unwrap().role, "supervisor");
        assert_eq!(m.approver_for(&remedy(MeasureKind::Compensation, 8_000)).unwrap().role, "dept_manager");
        assert_eq!(m.approver_for(&remedy(MeasureKind::Compensation, 80_000)).unwrap().role, "executive");
        assert!(m.approver_for(&remedy(MeasureKind::Compensation, 20_000_000)).is_none());
    }
}
