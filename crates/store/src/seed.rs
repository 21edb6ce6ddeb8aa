//! What every fresh database starts with: the built-in roles of DESIGN §1 with their
//! permissions and remedy limits, and a root organisation node. Idempotent, run at start.
//! Demo data (companies, people, complaints) is the CLI's `demo` command, not this.

use crate::Store;
use crate::error::{StoreError, StoreResult};
use cloop_domain::{AuthorityMatrix, Permission};

/// A built-in role: code, zh name, en name, rank, permissions.
#[derive(Debug)]
pub struct BuiltinRole {
    /// Code.
    pub code: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Rank in the approval order.
    pub rank: i64,
    /// Permissions.
    pub permissions: fn() -> Vec<Permission>,
}

fn agent() -> Vec<Permission> {
    use Permission::*;
    vec![
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
        Link,
        Escalate,
        CaseValue,
    ]
}

fn supervisor() -> Vec<Permission> {
    use Permission::*;
    let mut p = agent();
    p.extend([ApproveRemedy, Review, Reopen, Archive, RevealPii, ManageCustomers, Accept, Execute]);
    p
}

fn handler() -> Vec<Permission> {
    use Permission::*;
    vec![View, Accept, Note, Evidence, ProposeRemedy, Execute, Escalate, Link, CustomerDecision]
}

fn dept_manager() -> Vec<Permission> {
    use Permission::*;
    let mut p = handler();
    p.extend([Assign, ApproveRemedy, Review, RevealPii, CaseValue, Reopen, Classify]);
    p
}

fn legal() -> Vec<Permission> {
    use Permission::*;
    vec![View, Note, Evidence, Escalate, RevealPii, CaseValue, Review, ApproveRemedy]
}

fn executive() -> Vec<Permission> {
    use Permission::*;
    vec![View, Note, ApproveRemedy, Review, Escalate, RevealPii, CaseValue]
}

fn hq_auditor() -> Vec<Permission> {
    use Permission::*;
    vec![View, Note, CaseValue, Archive, Audit]
}

fn admin() -> Vec<Permission> {
    Permission::ALL.to_vec()
}

/// The roles of DESIGN §1, lowest rank first.
pub const BUILTIN_ROLES: &[BuiltinRole] = &[
    BuiltinRole { code: "agent", name: "客服专员", name_en: "Agent", rank: 10, permissions: agent },
    BuiltinRole {
        code: "handler",
        name: "责任部门处理人",
        name_en: "Department handler",
        rank: 20,
        permissions: handler,
    },
    BuiltinRole { code: "supervisor", name: "客服主管", name_en: "Supervisor", rank: 30, permissions: supervisor },
    BuiltinRole { code: "legal", name: "法务/公关", name_en: "Legal / PR reviewer", rank: 35, permissions: legal },
    BuiltinRole {
        code: "dept_manager",
        name: "部门负责人",
        name_en: "Department manager",
        rank: 40,
        permissions: dept_manager,
    },
    BuiltinRole { code: "hq_auditor", name: "集团督导", name_en: "HQ auditor", rank: 45, permissions: hq_auditor },
    BuiltinRole { code: "executive", name: "高层管理", name_en: "Executive", rank: 50, permissions: executive },
    BuiltinRole { code: "admin", name: "系统管理员", name_en: "Administrator", rank: 60, permissions: admin },
];

impl Store {
    /// Creates the built-in roles (with default limits) and the root node when missing.
    pub async fn ensure_builtins(&self) -> StoreResult<()> {
        for r in BUILTIN_ROLES {
            match self.role_by_code(r.code).await {
                // The administrator holds every permission, including ones added by upgrades.
                Ok(role) if r.code == "admin" && role.permissions.len() < Permission::ALL.len() => {
                    self.update_role(role.id, &role.name, &role.name_en, role.rank, Permission::ALL).await?;
                }
                Ok(_) => {}
                Err(StoreError::NotFound(_)) => {
                    let role = match self.create_role(r.code, r.name, r.name_en, r.rank, &(r.permissions)()).await {
                        Ok(role) => role,
                        // Another node created it at the same moment.
                        Err(StoreError::Duplicate(_)) => continue,
                        Err(e) => return Err(e),
                    };
                    for (kind, limit) in AuthorityMatrix::default_limits(r.code).0 {
                        self.set_authority_limit(role.id, kind, Some(limit)).await?;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        if self.org_units().await?.is_empty() {
            match self.create_org_unit(None, "group", "group", "集团总部", "Group headquarters").await {
                Ok(_) | Err(StoreError::Duplicate(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
