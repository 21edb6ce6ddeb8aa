//! The vocabulary of a complaint: states, severity, channels, remedies and the other small
//! value types that commands and events carry.

use crate::error::FieldError;
use crate::ids::ComplaintId;
use serde::{Deserialize, Serialize};

macro_rules! labelled_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant,)* }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The stable code used in the API and the database.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code,)* } }
            /// The Chinese label.
            pub fn label_zh(self) -> &'static str { match self { $($name::$variant => $zh,)* } }
            /// The English label.
            pub fn label_en(self) -> &'static str { match self { $($name::$variant => $en,)* } }
            /// Parses the stable code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.code()) }
        }
    };
}

labelled_enum!(
    /// Where a complaint is in the closed loop (DESIGN §2).
    State {
        /// Taken in, case number given, not yet checked.
        Received = "received", "已受理", "Received";
        /// Judged not a valid complaint (terminal until archived).
        Invalid = "invalid", "无效投诉", "Invalid";
        /// Classified and handed to a responsible department.
        Assigned = "assigned", "已分派", "Assigned";
        /// The department is investigating.
        Investigating = "investigating", "调查处理中", "Investigating";
        /// A remedy above the proposer's authority waits for approval.
        PendingApproval = "pending_approval", "待审批", "Pending approval";
        /// The remedy waits for the customer's agreement.
        AwaitingCustomer = "awaiting_customer", "待客户确认", "Awaiting customer";
        /// The agreed remedy is being carried out.
        Executing = "executing", "执行中", "Executing";
        /// Done; survey and return visit follow.
        Resolved = "resolved", "已解决", "Resolved";
        /// The customer was dissatisfied; a higher level reviews.
        SecondaryReview = "secondary_review", "二次复核", "Secondary review";
        /// Closed after the return visit.
        Closed = "closed", "已关闭", "Closed";
        /// Archived after the retention period; read-only.
        Archived = "archived", "已归档", "Archived";
    }
);

impl State {
    /// Whether the complaint still needs work (used for queues and counts).
    pub fn is_open(self) -> bool {
        !matches!(self, State::Invalid | State::Closed | State::Archived)
    }
}

labelled_enum!(
    /// Severity grade (投诉分级): level 1 is the most serious.
    Severity {
        /// 一级: personal safety, mass incident, legal or media risk.
        Level1 = "1", "一级", "Level 1";
        /// 二级: service delay, product defect.
        Level2 = "2", "二级", "Level 2";
        /// 三级: general suggestion.
        Level3 = "3", "三级", "Level 3";
    }
);

impl Severity {
    /// The grade as a number 1–3.
    pub fn level(self) -> u8 {
        match self {
            Severity::Level1 => 1,
            Severity::Level2 => 2,
            Severity::Level3 => 3,
        }
    }

    /// Parses a number 1–3.
    pub fn from_level(level: i64) -> Result<Self, FieldError> {
        match level {
            1 => Ok(Severity::Level1),
            2 => Ok(Severity::Level2),
            3 => Ok(Severity::Level3),
            _ => Err(FieldError::new(
                "severity",
                "invalid_severity",
                "投诉级别只能是 1、2 或 3",
                "severity must be 1, 2 or 3",
            )),
        }
    }
}

labelled_enum!(
    /// The channel a complaint came in through (DESIGN §4).
    Channel {
        /// Hotline call taken by an agent.
        Phone = "phone", "电话", "Phone";
        /// Public web form.
        Web = "web", "网页", "Web form";
        /// Email.
        Email = "email", "邮件", "Email";
        /// WeChat / social media.
        Wechat = "wechat", "微信", "WeChat";
        /// SMS.
        Sms = "sms", "短信", "SMS";
        /// In person at a service point.
        WalkIn = "walk_in", "现场", "Walk-in";
        /// Letter.
        Letter = "letter", "信函", "Letter";
        /// An integration through the REST API.
        Api = "api", "接口", "API";
    }
);

labelled_enum!(
    /// Customer tier; VIPs get the green channel (绿色通道).
    Tier {
        /// Ordinary customer.
        Normal = "normal", "普通", "Normal";
        /// VIP customer.
        Vip = "vip", "VIP", "VIP";
    }
);

labelled_enum!(
    /// The two SLA clocks every complaint carries (DESIGN §3).
    SlaClock {
        /// Time to the first response to the customer.
        Response = "response", "首次响应", "First response";
        /// Time to resolution.
        Resolution = "resolution", "处理完成", "Resolution";
    }
);

labelled_enum!(
    /// Risk colour of an open complaint (DESIGN §5), from least to most serious.
    RiskLevel {
        /// 黄色: watch it.
        Yellow = "yellow", "黄色", "Yellow";
        /// 橙色: act soon.
        Orange = "orange", "橙色", "Orange";
        /// 红色: act now.
        Red = "red", "红色", "Red";
    }
);

labelled_enum!(
    /// The kinds of measure a remedy can contain (DESIGN §6).
    MeasureKind {
        /// Money back.
        Refund = "refund", "退款", "Refund";
        /// Return or exchange of the goods.
        ReturnExchange = "return_exchange", "退换货", "Return / exchange";
        /// Repair.
        Repair = "repair", "维修", "Repair";
        /// Compensation in money.
        Compensation = "compensation", "赔偿", "Compensation";
        /// A gift or voucher.
        Gift = "gift", "赠品", "Gift";
        /// Written apology.
        WrittenApology = "written_apology", "书面致歉", "Written apology";
        /// Fixing the service itself.
        ServiceFix = "service_fix", "服务改进", "Service fix";
        /// Explanation only.
        Explanation = "explanation", "解释说明", "Explanation";
    }
);

labelled_enum!(
    /// How a return visit (回访) was made.
    VisitMethod {
        /// Telephone call.
        Phone = "phone", "电话回访", "Phone";
        /// Text message.
        Sms = "sms", "短信回访", "SMS";
        /// Letter.
        Letter = "letter", "信函回访", "Letter";
        /// Visit in person.
        Visit = "visit", "上门回访", "Visit";
    }
);

labelled_enum!(
    /// What the return visit found.
    VisitOutcome {
        /// The customer is satisfied with the handling.
        Satisfied = "satisfied", "满意", "Satisfied";
        /// The customer is not satisfied (goes to secondary review).
        Dissatisfied = "dissatisfied", "不满意", "Dissatisfied";
        /// The customer could not be reached.
        Unreachable = "unreachable", "无法联系", "Unreachable";
    }
);

labelled_enum!(
    /// Where a customer took the complaint outside the company (升级投诉).
    ExternalBody {
        /// A regulator (市场监管 etc.).
        Regulator = "regulator", "监管部门", "Regulator";
        /// The 12315 consumer hotline or the consumer association.
        Hotline12315 = "hotline_12315", "12315/消协", "12315 / consumer association";
        /// Newspapers, TV, social media.
        Media = "media", "媒体", "Media";
        /// Court or lawyer.
        Legal = "legal", "法律途径", "Legal action";
    }
);

labelled_enum!(
    /// Who may read a note.
    Visibility {
        /// Staff only (内部备注).
        Internal = "internal", "内部备注", "Internal note";
        /// A reply shown to the customer (客户回复).
        Customer = "customer", "客户回复", "Reply to customer";
    }
);

/// An amount of money in fen (分, 1/100 元). Integer so sums never drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// Upper bound of any single amount: 10,000,000 元.
    pub const MAX: Fen = Fen(1_000_000_000);

    /// Parses an amount given in 元 with at most two decimals.
    pub fn from_yuan(field: &str, yuan: f64) -> Result<Self, FieldError> {
        if !yuan.is_finite() || yuan < 0.0 {
            return Err(FieldError::new(
                field,
                "invalid_amount",
                "金额必须是不小于 0 的数字",
                "amount must be a number not below 0",
            ));
        }
        let fen = (yuan * 100.0).round();
        if (fen - yuan * 100.0).abs() > 1e-6 {
            return Err(FieldError::new(
                field,
                "invalid_amount",
                "金额最多保留两位小数",
                "amount may have at most two decimals",
            ));
        }
        if fen > Fen::MAX.0 as f64 {
            return Err(FieldError::new(
                field,
                "amount_too_large",
                "金额超过上限 10,000,000 元",
                "amount is above the 10,000,000 yuan limit",
            ));
        }
        Ok(Fen(fen as i64))
    }

    /// The amount in 元.
    pub fn yuan(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// One measure of a remedy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// What kind of measure.
    pub kind: MeasureKind,
    /// Its value in fen (0 for apology, explanation, service fix).
    pub amount: Fen,
    /// A short description (what exactly is refunded, repaired, given).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A remedy (处理方案): the measures offered to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remedy {
    /// The measures; never empty.
    pub measures: Vec<Measure>,
    /// Explanation told to the customer.
    pub explanation: String,
}

impl Remedy {
    /// Total money value of the remedy.
    pub fn total(&self) -> Fen {
        Fen(self.measures.iter().map(|m| m.amount.0).sum())
    }
}

/// A recorded satisfaction rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// 1–5 stars.
    pub stars: u8,
    /// The customer's comment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

impl Satisfaction {
    /// Ratings at or below this count as dissatisfied and trigger a secondary review.
    pub const DISSATISFIED_AT_MOST: u8 = 2;

    /// Whether the rating counts as dissatisfied.
    pub fn is_dissatisfied(&self) -> bool {
        self.stars <= Self::DISSATISFIED_AT_MOST
    }
}

/// A recorded return visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnVisit {
    /// How the customer was contacted.
    pub method: VisitMethod,
    /// What was found.
    pub outcome: VisitOutcome,
    /// Notes of the visit.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Evidence attached to a complaint; the file itself is stored content-addressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// SHA-256 of the content, hex: the file's address.
    pub sha256: String,
    /// The original file name.
    pub file_name: String,
    /// The sniffed media type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
}

/// How a secondary review ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum ReviewDecision {
    /// The handling stands; the complaint closes.
    Uphold,
    /// Handling starts again under a higher-level owner.
    Reopen {
        /// The new owner.
        handler_id: Option<crate::ids::UserId>,
    },
}

/// A link from this complaint to another one about the same matter (重复投诉).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatLink {
    /// The earlier complaint.
    pub complaint_id: ComplaintId,
    /// Its case number, for display.
    pub case_no: String,
    /// Why intake linked it (empty for a link made by a person).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<RepeatReason>,
}

/// Why intake took a complaint for a repeat of an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepeatReason {
    /// The same customer (phone or email) complained within the window.
    SameCustomer,
    /// The same order number within the window.
    SameOrder,
    /// Nearly the same text (SimHash) within the window.
    SimilarText,
}
