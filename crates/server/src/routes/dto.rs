//! Shapes of the API's answers. Domain and store types stay free of API concerns; these
//! structs carry the OpenAPI schema and the masking of personal data.

use chrono::{DateTime, Utc};
use cloop_domain::validate::{mask_email, mask_name, mask_phone};
use cloop_domain::{Complaint, Permission};
use cloop_store::accounts::User;
use cloop_store::customers::Customer;
use cloop_store::{ComplaintListRow, EventRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A permission with its labels.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionDto {
    /// Code, e.g. `complaint.assign`.
    pub code: String,
    /// Chinese label.
    pub name: String,
    /// English label.
    pub name_en: String,
}

impl From<Permission> for PermissionDto {
    fn from(p: Permission) -> Self {
        Self { code: p.code().into(), name: p.label_zh().into(), name_en: p.label_en().into() }
    }
}

/// A staff user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Email.
    pub email: Option<String>,
    /// Organisation node.
    pub org_unit_id: i64,
    /// Its name.
    pub org_unit_name: String,
    /// Role id.
    pub role_id: i64,
    /// Role code.
    pub role_code: String,
    /// Role name.
    pub role_name: String,
    /// May log in.
    pub active: bool,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            org_unit_id: u.org_unit_id,
            org_unit_name: u.org_unit_name,
            role_id: u.role_id,
            role_code: u.role_code,
            role_name: u.role_name,
            active: u.active,
        }
    }
}

/// A customer; contact details masked unless revealed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDto {
    /// Id.
    pub id: i64,
    /// Name (masked: 张**).
    pub name: String,
    /// Phone (masked: 138****1234).
    pub phone: Option<String>,
    /// Email (masked).
    pub email: Option<String>,
    /// `normal` or `vip`.
    pub tier: String,
    /// Whether the contact details are shown in full.
    pub revealed: bool,
    /// First seen.
    pub created_at: DateTime<Utc>,
}

impl CustomerDto {
    /// Masked view.
    pub fn masked(c: Customer) -> Self {
        Self {
            id: c.id,
            name: mask_name(&c.name),
            phone: c.phone.as_deref().map(mask_phone),
            email: c.email.as_deref().map(mask_email),
            tier: c.tier,
            revealed: false,
            created_at: c.created_at,
        }
    }

    /// Full view (only after a logged reveal).
    pub fn revealed(c: Customer) -> Self {
        Self {
            id: c.id,
            name: c.name,
            phone: c.phone,
            email: c.email,
            tier: c.tier,
            revealed: true,
            created_at: c.created_at,
        }
    }
}

/// A complaint with its current state.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintDto {
    /// Id.
    pub id: i64,
    /// Case number, e.g. `TS20261122000042`.
    pub case_no: String,
    /// Loop state code.
    pub state: String,
    /// State label (zh).
    pub state_name: String,
    /// Severity 1–3.
    pub severity: Option<u8>,
    /// Channel code.
    pub channel: String,
    /// Summary.
    pub summary: String,
    /// The customer's words.
    pub content: String,
    /// What the customer asks for.
    pub customer_request: Option<String>,
    /// Product / model.
    pub product_ref: Option<String>,
    /// Order number.
    pub order_ref: Option<String>,
    /// Category id.
    pub category_id: Option<i64>,
    /// Company id.
    pub company_id: i64,
    /// Registering unit id.
    pub intake_unit_id: i64,
    /// Responsible department id.
    pub department_id: Option<i64>,
    /// Handler id.
    pub handler_id: Option<i64>,
    /// Customer id.
    pub customer_id: i64,
    /// Tier at intake.
    pub tier: String,
    /// When the customer complained.
    pub received_at: DateTime<Utc>,
    /// When registered.
    pub registered_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// First staff response.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Resolved at.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Closed at.
    pub closed_at: Option<DateTime<Utc>>,
    /// Archived at.
    pub archived_at: Option<DateTime<Utc>>,
    /// Reason when invalid.
    pub invalid_reason: Option<String>,
    /// Transfers.
    pub transfer_count: u32,
    /// The first transfer said its first department was the wrong one (分派有误).
    pub misrouted: bool,
    /// Customer disagreements.
    pub disagree_count: u32,
    /// Reopens.
    pub reopen_count: u32,
    /// Escalation 0–3.
    pub escalation_level: u8,
    /// External escalation.
    pub external_escalation: Option<String>,
    /// Current remedy: `{measures: [{kind, amount (fen), description}], explanation}`.
    #[schema(value_type = Option<Object>)]
    pub remedy: Option<serde_json::Value>,
    /// Role that must approve the pending remedy.
    pub approval_role: Option<String>,
    /// Latest rating `{stars, comment}`.
    #[schema(value_type = Option<Object>)]
    pub satisfaction: Option<serde_json::Value>,
    /// Latest return visit `{method, outcome, note}`.
    #[schema(value_type = Option<Object>)]
    pub return_visit: Option<serde_json::Value>,
    /// Resolved at first contact.
    pub first_contact_resolution: bool,
    /// Execution started.
    pub execution_started: bool,
    /// Case value for the library.
    pub case_value: bool,
    /// Earlier complaints this repeats.
    #[schema(value_type = Vec<Object>)]
    pub repeat_of: Vec<serde_json::Value>,
    /// Evidence.
    #[schema(value_type = Vec<Object>)]
    pub attachments: Vec<serde_json::Value>,
    /// Number of events.
    pub version: u32,
    /// First-response due time, counted from `received_at` on the SLA policy's clock.
    pub response_due_at: Option<DateTime<Utc>>,
    /// Resolution due time.
    pub resolution_due_at: Option<DateTime<Utc>>,
    /// Both SLA clocks in detail.
    pub sla: SlaDto,
    /// Risk score with its reasons (open complaints).
    pub risk: Option<RiskDto>,
    /// Open level-1 complaint: heads every queue.
    pub pinned: bool,
    /// What intake routing decided and why: `{outcome: assigned|triage, rules: [{rule_id, name,
    /// matched}], category: {id, label, source: intake|rule|model, rule_id, top: [{label, score}],
    /// model_version}, department: {…}, severity_floor, flags: [legal|media|safety], threshold}`.
    #[schema(value_type = Option<Object>)]
    pub routing: Option<serde_json::Value>,
    /// What the caller may do now: the command paths under `/api/v1/complaints/{id}/`.
    pub allowed_actions: Vec<String>,
}

/// One SLA clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockDto {
    /// `response` or `resolution`.
    pub clock: String,
    /// `calendar` (自然时间) or `business` (工作时间).
    pub kind: String,
    /// The target in minutes on that clock.
    pub target_minutes: u32,
    /// Due time (`null` while paused before it).
    pub due_at: Option<DateTime<Utc>>,
    /// False when counted through a year with no holiday schedule (Monday–Friday).
    pub confirmed: bool,
    /// When the goal was reached.
    pub met_at: Option<DateTime<Utc>>,
    /// Waiting on the customer: the clock stands still.
    pub paused: bool,
    /// Share of the target used so far, percent.
    pub percent_used: f64,
    /// `on_track`, `warning`, `breached`, `paused`, `met`, `met_late` or `stopped`.
    pub status: String,
}

/// Both SLA clocks.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlaDto {
    /// Time to first response.
    pub response: ClockDto,
    /// Time to resolution.
    pub resolution: ClockDto,
}

impl SlaDto {
    /// The clocks of `c` at `now`.
    pub fn new(c: &Complaint, cfg: &cloop_store::sla::SlaConfig, now: DateTime<Utc>) -> Self {
        let calendar = cfg.calendar_for(c.company_id);
        let sla = cloop_domain::sla_watch::ComplaintSla::compute(c, &cfg.policy, calendar, &cfg.thresholds);
        let first_warning = cfg.thresholds.warn_percents.first().copied().unwrap_or(75);
        let clock = |s: &cloop_domain::sla_watch::ClockStatus| {
            let percent_used = (s.percent_used(c, now, calendar) * 10.0).round() / 10.0;
            let status = match (s.met_at, s.due_at) {
                (Some(met), Some(due)) if met > due => "met_late",
                (Some(_), _) => "met",
                _ if !s.running => "stopped",
                // Overdue stays overdue while waiting on the customer: a pause does not undo it.
                (None, Some(due)) if due <= now => "breached",
                _ if s.paused => "paused",
                _ if percent_used >= f64::from(first_warning) => "warning",
                _ => "on_track",
            };
            ClockDto {
                clock: s.clock.code().into(),
                kind: s.target.clock().code().into(),
                target_minutes: s.target.minutes(),
                due_at: s.due_at,
                confirmed: s.confirmed,
                met_at: s.met_at,
                paused: s.paused,
                percent_used,
                status: status.into(),
            }
        };
        Self { response: clock(&sla.response), resolution: clock(&sla.resolution) }
    }
}

/// The risk assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskDto {
    /// 0–100.
    pub score: u8,
    /// `yellow`, `orange`, `red` or none.
    pub level: Option<String>,
    /// Why.
    pub reasons: Vec<RiskReasonDto>,
}

/// One reason of a risk score.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskReasonDto {
    /// Stable code.
    pub code: String,
    /// Points.
    pub points: u8,
    /// Count, percent or words.
    pub detail: String,
}

impl From<cloop_domain::risk::Risk> for RiskDto {
    fn from(r: cloop_domain::risk::Risk) -> Self {
        Self {
            score: r.score,
            level: r.level.map(|l| l.code().into()),
            reasons: r
                .reasons
                .into_iter()
                .map(|x| RiskReasonDto { code: x.code, points: x.points, detail: x.detail })
                .collect(),
        }
    }
}

fn json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("domain values serialize")
}

impl ComplaintDto {
    /// The complaint with its SLA clocks at `now` (risk and allowed actions are added by the
    /// caller, which knows the database and the user).
    pub fn new(c: &Complaint, cfg: &cloop_store::sla::SlaConfig, now: DateTime<Utc>) -> Self {
        let sla = SlaDto::new(c, cfg, now);
        Self {
            id: c.id.0,
            case_no: c.case_no.clone(),
            state: c.state.code().into(),
            state_name: c.state.label_zh().into(),
            severity: c.severity.map(|s| s.level()),
            channel: c.channel.code().into(),
            summary: c.summary.clone(),
            content: c.content.clone(),
            customer_request: c.customer_request.clone(),
            product_ref: c.product_ref.clone(),
            order_ref: c.order_ref.clone(),
            category_id: c.category_id.map(|x| x.0),
            company_id: c.company_id.0,
            intake_unit_id: c.intake_unit_id.0,
            department_id: c.department_id.map(|x| x.0),
            handler_id: c.handler_id.map(|x| x.0),
            customer_id: c.customer_id.0,
            tier: c.tier.code().into(),
            received_at: c.received_at,
            registered_at: c.registered_at,
            updated_at: c.updated_at,
            first_response_at: c.first_response_at,
            resolved_at: c.resolved_at,
            closed_at: c.closed_at,
            archived_at: c.archived_at,
            invalid_reason: c.invalid_reason.clone(),
            transfer_count: c.transfer_count,
            misrouted: c.misrouted,
            disagree_count: c.disagree_count,
            reopen_count: c.reopen_count,
            escalation_level: c.escalation_level,
            external_escalation: c.external_escalation.map(|e| e.code().into()),
            remedy: c.remedy.as_ref().map(json),
            approval_role: c.approval_role.clone(),
            satisfaction: c.satisfaction.as_ref().map(json),
            return_visit: c.return_visit.as_ref().map(json),
            first_contact_resolution: c.first_contact_resolution,
            execution_started: c.execution_started,
            case_value: c.case_value,
            repeat_of: c.repeat_of.iter().map(json).collect(),
            attachments: c.attachments.iter().map(json).collect(),
            version: c.version,
            response_due_at: sla.response.due_at,
            resolution_due_at: sla.resolution.due_at,
            sla,
            risk: None,
            pinned: c.state.is_open() && c.severity == Some(cloop_domain::Severity::Level1),
            routing: c.routing.as_ref().map(json),
            allowed_actions: Vec::new(),
        }
    }
}

/// One event of a complaint's timeline, with its place in the hash chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// Global id.
    pub id: i64,
    /// Position in the complaint's chain.
    pub seq: i64,
    /// Time.
    pub at: DateTime<Utc>,
    /// `user`, `customer` or `system`.
    pub actor_kind: String,
    /// Staff user id.
    pub actor_id: Option<i64>,
    /// Staff user name.
    pub actor_name: Option<String>,
    /// Event kind, e.g. `remedy_proposed`.
    pub kind: String,
    /// The event's data.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Hash of the previous event.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

impl EventDto {
    /// From a stored row, with the actor's name if known.
    pub fn new(e: EventRow, actor_name: Option<String>) -> Self {
        Self {
            id: e.id,
            seq: e.seq,
            at: e.at,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            actor_name,
            kind: e.kind,
            payload: e.payload,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// A complaint with everything the detail page shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintDetailDto {
    /// The complaint.
    pub complaint: ComplaintDto,
    /// Its customer (masked).
    pub customer: CustomerDto,
    /// Category name.
    pub category_name: Option<String>,
    /// Department name.
    pub department_name: Option<String>,
    /// Handler name.
    pub handler_name: Option<String>,
    /// Company name.
    pub company_name: Option<String>,
    /// The timeline, oldest first.
    pub events: Vec<EventDto>,
    /// Who the complaint escalates to, step by step, and how far it has gone.
    pub escalation_chain: Vec<crate::alerting::ChainStep>,
}

/// One row of a complaint list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintListItem {
    /// Id.
    pub id: i64,
    /// Case number.
    pub case_no: String,
    /// State code.
    pub state: String,
    /// Severity 1–3.
    pub severity: Option<i64>,
    /// Category id.
    pub category_id: Option<i64>,
    /// Category name.
    pub category_name: Option<String>,
    /// Channel.
    pub channel: String,
    /// Summary.
    pub summary: String,
    /// Customer id.
    pub customer_id: i64,
    /// Customer name (masked).
    pub customer_name: String,
    /// Tier.
    pub tier: String,
    /// Company id.
    pub company_id: i64,
    /// Department.
    pub department_id: Option<i64>,
    /// Department name.
    pub department_name: Option<String>,
    /// Handler.
    pub handler_id: Option<i64>,
    /// Handler name.
    pub handler_name: Option<String>,
    /// Escalation level.
    pub escalation_level: i64,
    /// Transfers.
    pub transfer_count: i64,
    /// Role that must approve.
    pub approval_role: Option<String>,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// First-response due time.
    pub response_due_at: Option<DateTime<Utc>>,
    /// Resolution due time.
    pub resolution_due_at: Option<DateTime<Utc>>,
    /// Earliest due time of a running SLA clock (the queue's countdown); none once both are met.
    pub due_at: Option<DateTime<Utc>>,
    /// From when the row is "nearing": the first warning threshold (default 75 %) of the
    /// earliest running clock, counted on its own clock (business hours, pauses).
    pub warn_at: Option<DateTime<Utc>>,
    /// False when a deadline was counted without a loaded holiday schedule.
    pub sla_confirmed: bool,
    /// Risk score 0–100.
    pub risk_score: i64,
    /// Risk colour: `yellow`, `orange`, `red`.
    pub risk_level: Option<String>,
    /// Open level-1 complaint (heads the queue).
    pub pinned: bool,
    /// Where a full-text search (`q`) matched, with the words marked; only on search results.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<crate::routes::search::SearchMatchDto>,
    /// Intake routing's suggestion (for the triage queue).
    pub route_hint: Option<RouteHintDto>,
}

/// What intake routing suggested for a complaint, as the triage queue shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RouteHintDto {
    /// `assigned` or `triage`.
    pub outcome: String,
    /// Suggested department (name).
    pub department: Option<String>,
    /// The classifier's probability for it (none when a rule chose it).
    pub department_score: Option<f64>,
    /// Suggested category (code).
    pub category: Option<String>,
    /// The classifier's probability for it.
    pub category_score: Option<f64>,
    /// Risk flags raised by keyword rules.
    #[serde(default)]
    pub flags: Vec<String>,
}

impl From<ComplaintListRow> for ComplaintListItem {
    fn from(r: ComplaintListRow) -> Self {
        Self {
            id: r.id,
            case_no: r.case_no,
            state: r.state,
            severity: r.severity,
            category_id: r.category_id,
            category_name: r.category_name,
            channel: r.channel,
            summary: r.summary,
            customer_id: r.customer_id,
            customer_name: mask_name(&r.customer_name),
            tier: r.tier,
            company_id: r.company_id,
            department_id: r.department_id,
            department_name: r.department_name,
            handler_id: r.handler_id,
            handler_name: r.handler_name,
            escalation_level: r.escalation_level,
            transfer_count: r.transfer_count,
            approval_role: r.approval_role,
            received_at: r.received_at,
            updated_at: r.updated_at,
            response_due_at: r.response_due_at,
            resolution_due_at: r.resolution_due_at,
            due_at: r.due_at,
            warn_at: r.warn_at,
            sla_confirmed: r.sla_confirmed,
            risk_score: r.risk_score,
            risk_level: r.risk_level,
            pinned: r.pinned,
            search: None,
            route_hint: r.route_hint.as_deref().and_then(|h| serde_json::from_str(h).ok()),
        }
    }
}

/// A page of complaints.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintPage {
    /// Rows.
    pub items: Vec<ComplaintListItem>,
    /// Matching rows in all. A search ranked by relevance ranks the newest 1,000 matches at most; then `total` is 1,000 and `capped` is true.
    pub total: u64,
    /// More complaints match than were ranked (relevance search only): narrow the search, or sort by time to page through every match.
    pub capped: bool,
    /// Page from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}
