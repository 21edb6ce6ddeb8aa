//! Who gives a command: staff users with roles and permissions, customers on the public pages,
//! and the system itself (schedulers, integrations).

use crate::authority::RoleLimits;
use crate::ids::{OrgUnitId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

macro_rules! permissions {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal;)*) => {
        /// A fine-grained permission (DESIGN §11); roles bundle them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Permission { $($(#[$doc])* #[serde(rename = $code)] $variant,)* }

        impl Permission {
            /// Every permission.
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),*];
            /// Stable code, e.g. `complaint.assign`.
            pub fn code(self) -> &'static str { match self { $(Permission::$variant => $code,)* } }
            /// Chinese label.
            pub fn label_zh(self) -> &'static str { match self { $(Permission::$variant => $zh,)* } }
            /// English label.
            pub fn label_en(self) -> &'static str { match self { $(Permission::$variant => $en,)* } }
            /// Parses a code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some(Permission::$variant),)* _ => None }
            }
        }
    };
}

permissions! {
    /// See complaints within the data scope.
    View = "complaint.view", "查看投诉", "View complaints";
    /// Register complaints.
    Register = "complaint.register", "登记投诉", "Register complaints";
    /// Judge validity (mark invalid).
    Validate = "complaint.validate", "有效性判定", "Judge validity";
    /// Classify and grade.
    Classify = "complaint.classify", "分类分级", "Classify and grade";
    /// Assign and transfer between departments.
    Assign = "complaint.assign", "分派转派", "Assign and transfer";
    /// Accept an assigned complaint for handling.
    Accept = "complaint.accept", "受理处理", "Accept for handling";
    /// Add notes and replies.
    Note = "complaint.note", "添加备注", "Add notes";
    /// Add evidence.
    Evidence = "complaint.evidence", "上传证据", "Add evidence";
    /// Propose remedies.
    ProposeRemedy = "remedy.propose", "提出方案", "Propose remedies";
    /// Approve or reject remedies (within the role's authority).
    ApproveRemedy = "remedy.approve", "审批方案", "Approve remedies";
    /// Record the customer's decision on their behalf.
    CustomerDecision = "complaint.customer_decision", "记录客户意见", "Record customer decision";
    /// Start execution and report the result.
    Execute = "complaint.execute", "执行反馈", "Execute and report";
    /// Resolve at first contact.
    Resolve = "complaint.resolve", "首次解决", "Resolve at first contact";
    /// Record satisfaction on the customer's behalf.
    Survey = "complaint.survey", "满意度登记", "Record satisfaction";
    /// Conduct secondary reviews.
    Review = "complaint.review", "二次复核", "Secondary review";
    /// Record return visits.
    ReturnVisit = "complaint.return_visit", "回访", "Return visits";
    /// Close complaints.
    Close = "complaint.close", "关闭投诉", "Close complaints";
    /// Reopen closed complaints.
    Reopen = "complaint.reopen", "重新打开", "Reopen complaints";
    /// Archive closed or invalid complaints.
    Archive = "complaint.archive", "归档", "Archive";
    /// Flag case value.
    CaseValue = "complaint.case_value", "案例价值", "Set case value";
    /// Escalate.
    Escalate = "complaint.escalate", "升级", "Escalate";
    /// Link repeat complaints.
    Link = "complaint.link", "关联重复投诉", "Link repeats";
    /// Reveal full phone numbers and emails (logged).
    RevealPii = "pii.reveal", "查看完整联系方式", "Reveal personal data";
    /// Manage customer records (tier).
    ManageCustomers = "customer.manage", "客户管理", "Manage customers";
    /// Administer the organisation tree.
    AdminOrg = "admin.org", "组织管理", "Administer organisation";
    /// Administer users.
    AdminUsers = "admin.users", "用户管理", "Administer users";
    /// Administer roles.
    AdminRoles = "admin.roles", "角色管理", "Administer roles";
    /// Edit the authority matrix.
    AdminAuthority = "admin.authority", "授权矩阵", "Edit authority matrix";
    /// Edit categories.
    AdminCategories = "admin.categories", "分类管理", "Administer categories";
    /// Create and revoke API tokens.
    AdminTokens = "admin.tokens", "接口令牌", "Administer API tokens";
    /// Verify the tamper-evident record.
    Audit = "audit.verify", "审计校验", "Verify the record";
    /// Edit the business calendar, SLA policy and warning thresholds.
    AdminSla = "admin.sla", "时限与预警配置", "Configure SLA and warnings";
    /// Edit keyword routing rules and train routing models.
    AdminRouting = "admin.routing", "分派规则与模型", "Administer routing rules and models";
}

/// A staff user as the domain needs to know them for a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// Display name (for the log).
    pub name: String,
    /// Role code, e.g. `supervisor`.
    pub role: String,
    /// The role's rank in the approval order (higher approves more).
    pub rank: i32,
    /// What the role may do.
    pub permissions: BTreeSet<Permission>,
    /// The role's remedy limits.
    pub limits: RoleLimits,
    /// The organisation node the user belongs to.
    pub org_unit_id: OrgUnitId,
}

impl Actor {
    /// Whether the actor holds `p`.
    pub fn can(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }
}

/// Who an event was caused by, as stored in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ActorRef {
    /// A staff user.
    User {
        /// The user id.
        id: UserId,
    },
    /// The customer, through the public pages.
    Customer,
    /// The system (scheduler, integration without a user).
    System,
}

impl ActorRef {
    /// Stable kind code stored in its own column.
    pub fn kind(&self) -> &'static str {
        match self {
            ActorRef::User { .. } => "user",
            ActorRef::Customer => "customer",
            ActorRef::System => "system",
        }
    }

    /// The user id, for staff actors.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            ActorRef::User { id } => Some(*id),
            _ => None,
        }
    }
}
