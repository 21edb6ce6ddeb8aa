//! Who is told what (DESIGN §3, §5): the escalation chain of a complaint (handler → supervisor →
//! department manager → executive), the alerts the scheduler and the level-1 path raise, and
//! the push to open browsers. Raising goes through [`raise`], which stores the alert once (its
//! dedupe key) and wakes the recipients' live badges on this node; other nodes' browsers see it
//! on their next poll of the stream.

use crate::AppState;
use cloop_domain::{Complaint, Severity, SlaClock, UserId};
use cloop_store::alerts::{Audience, NewAlert, ancestor_paths};
use cloop_store::{StoreError, StoreResult};
use serde::Serialize;
use serde_json::json;

/// The roles of the escalation chain, by level (0 = the handler).
pub const CHAIN: [(&str, &str, &str); 4] = [
    ("handler", "处理人", "Handler"),
    ("supervisor", "客服主管", "Supervisor"),
    ("dept_manager", "部门负责人", "Department manager"),
    ("executive", "高层管理", "Executive"),
];

/// One step of a complaint's escalation chain, with the people who stand there.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChainStep {
    /// 0–3.
    pub level: u8,
    /// Role code.
    pub role: String,
    /// Role name (zh).
    pub role_zh: String,
    /// Role name (en).
    pub role_en: String,
    /// The people at this step.
    pub people: Vec<String>,
    /// Whether the complaint has been escalated to this step (or beyond).
    pub reached: bool,
}

/// Paths the audiences are computed from.
struct Places {
    company: String,
    department: Option<String>,
    /// The group-level nodes (headquarters and its departments).
    group: Vec<String>,
}

async fn places(state: &AppState, c: &Complaint) -> StoreResult<Places> {
    let company = state.store().org_path(c.company_id).await?;
    let department = match c.department_id {
        Some(d) => Some(state.store().org_path(d).await?),
        None => None,
    };
    Ok(Places { company, department, group: state.store().group_level_paths().await? })
}

/// The people at escalation `level` for `c` (level 0: the handler).
async fn people_at(state: &AppState, c: &Complaint, level: u8, p: &Places) -> StoreResult<Vec<UserId>> {
    let audience = match level {
        0 => return Ok(c.handler_id.into_iter().collect()),
        // Supervisors of the service centre side: anyone with the role in the company.
        1 => Audience { roles: &["supervisor"], above: Vec::new(), under: vec![p.company.clone()] },
        // The responsible department's managers (the department or a unit above it in the company).
        2 => match &p.department {
            Some(d) => Audience {
                roles: &["dept_manager"],
                above: ancestor_paths(d).into_iter().filter(|a| a.len() >= p.company.len()).collect(),
                under: Vec::new(),
            },
            None => Audience { roles: &["dept_manager"], above: Vec::new(), under: vec![p.company.clone()] },
        },
        // Executives of the company or of the group (headquarters).
        _ => Audience { roles: &["executive"], above: p.group.clone(), under: vec![p.company.clone()] },
    };
    state.store().audience(&audience).await
}

/// The complaint's escalation chain with names, for its detail page.
pub async fn chain(state: &AppState, c: &Complaint) -> StoreResult<Vec<ChainStep>> {
    let p = places(state, c).await?;
    let mut steps = Vec::with_capacity(CHAIN.len());
    for (level, (role, zh, en)) in CHAIN.iter().enumerate() {
        let ids = people_at(state, c, level as u8, &p).await?;
        let mut people = Vec::with_capacity(ids.len());
        for id in ids.iter().take(5) {
            if let Ok(u) = state.store().user(id.0).await {
                people.push(u.display_name);
            }
        }
        steps.push(ChainStep {
            level: level as u8,
            role: (*role).into(),
            role_zh: (*zh).into(),
            role_en: (*en).into(),
            people,
            reached: c.escalation_level as usize >= level,
        });
    }
    Ok(steps)
}

/// Stores an alert and pings the recipients' browsers; `false` when it had been raised before.
pub async fn raise(state: &AppState, alert: &NewAlert, recipients: &[UserId]) -> StoreResult<bool> {
    let id = state.store().raise_alert(alert, recipients, state.now()).await?;
    if id.is_some() {
        metrics::counter!("cloop_alerts_total", "kind" => alert.kind.clone()).increment(1);
        state.ping(recipients.iter().map(|u| u.0).collect());
    }
    Ok(id.is_some())
}

fn complaint_alert(c: &Complaint, kind: &str, severity: &str, key: String, zh: &str, en: &str) -> NewAlert {
    NewAlert {
        kind: kind.into(),
        severity: severity.into(),
        complaint_id: Some(c.id),
        company_id: Some(c.company_id),
        title_zh: format!("{} {}", c.case_no, zh),
        title_en: format!("{} {}", c.case_no, en),
        body_zh: c.summary.clone(),
        body_en: c.summary.clone(),
        data: json!({ "case_no": c.case_no, "severity": c.severity.map(|s| s.level()) }),
        dedupe_key: key,
    }
}

/// Alerts for an SLA threshold the scheduler recorded: warnings to the handler (the company's
/// supervisors while nobody handles it), a breach to the handler and the supervisors.
pub async fn sla_alert(state: &AppState, c: &Complaint, clock: SlaClock, percent: u16) -> StoreResult<bool> {
    let p = places(state, c).await?;
    let mut to = people_at(state, c, 0, &p).await?;
    let breach = percent >= 100;
    if to.is_empty() || breach {
        to.extend(people_at(state, c, 1, &p).await?);
    }
    let (kind, severity, zh, en) = if breach {
        (
            "sla_breach",
            "critical",
            format!("{}已超时（{percent}%）", clock.label_zh()),
            format!("{} overdue ({percent} %)", clock.label_en()),
        )
    } else {
        (
            "sla_warning",
            "warning",
            format!("{}时限已用 {percent}%", clock.label_zh()),
            format!("{percent} % of the {} time used", clock.label_en().to_lowercase()),
        )
    };
    let key = format!("sla:{}:{}:{percent}", c.id.0, clock.code());
    let mut alert = complaint_alert(c, kind, severity, key, &zh, &en);
    alert.data["clock"] = json!(clock.code());
    alert.data["percent"] = json!(percent);
    raise(state, &alert, &to).await
}

/// Alert for an escalation to `level`: the people at that step of the chain.
pub async fn escalation_alert(state: &AppState, c: &Complaint, level: u8, automatic: bool) -> StoreResult<bool> {
    let p = places(state, c).await?;
    let to = people_at(state, c, level.min(3), &p).await?;
    let (role, zh_role, en_role) = CHAIN[usize::from(level.min(3))];
    let how = if automatic { ("超时自动升级", "escalated for SLA breach") } else { ("已升级", "escalated") };
    // An automatic step is raised once whatever happens around it (a retried pass, another
    // node); a person may escalate to the same level again after a de-escalation.
    let key = if automatic {
        format!("escalation:{}:{level}:auto", c.id.0)
    } else {
        format!("escalation:{}:{level}:{}", c.id.0, c.version)
    };
    let mut alert = complaint_alert(
        c,
        "escalation",
        "critical",
        key,
        &format!("{}至{}级（{zh_role}）", how.0, level),
        &format!("{} to level {level} ({en_role})", how.1),
    );
    alert.data["level"] = json!(level);
    alert.data["role"] = json!(role);
    raise(state, &alert, &to).await
}

/// The level-1 path (DESIGN §3): a complaint registered or re-graded to level 1 alerts the
/// executives, legal and the supervisors at once.
pub async fn level1_alert(state: &AppState, c: &Complaint) -> StoreResult<bool> {
    let p = places(state, c).await?;
    let mut to = people_at(state, c, 3, &p).await?;
    to.extend(people_at(state, c, 1, &p).await?);
    to.extend(
        state
            .store()
            .audience(&Audience { roles: &["legal"], above: p.group.clone(), under: vec![p.company.clone()] })
            .await?,
    );
    let key = format!("level1:{}:{}", c.id.0, c.version);
    let alert = complaint_alert(c, "level1", "critical", key, "一级投诉，请立即处理", "level-1 complaint: act now");
    raise(state, &alert, &to).await
}

/// What follows a change made through the API: the level-1 path when the complaint became
/// level 1, and an alert for a manual escalation. Failures are logged, never undo the change.
pub async fn after_change(state: &AppState, before: Option<&Complaint>, after: &Complaint) {
    let became_level1 = after.state.is_open()
        && after.severity == Some(Severity::Level1)
        && before.is_none_or(|b| b.severity != Some(Severity::Level1));
    let result: Result<(), StoreError> = async {
        if became_level1 {
            level1_alert(state, after).await?;
        }
        if let Some(b) = before
            && after.escalation_level > b.escalation_level
        {
            escalation_alert(state, after, after.escalation_level, false).await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = ?e, complaint = after.id.0, "raising alerts failed");
    }
}

/// Alerts without a complaint (batch warnings, calendar gaps) for an audience.
pub async fn raise_general(state: &AppState, alert: NewAlert, audiences: &[Audience<'_>]) -> StoreResult<bool> {
    let mut to = Vec::new();
    for a in audiences {
        to.extend(state.store().audience(a).await?);
    }
    raise(state, &alert, &to).await
}
