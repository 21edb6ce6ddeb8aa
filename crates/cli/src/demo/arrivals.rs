//! The last hour's complaints, taken in through intake routing after the demo trained its
//! models, as `cloop serve` takes complaints in. The rest of the demo is registered straight
//! into the store (its routing models are trained from it), so without these the demo would open
//! with a triage queue whose complaints carry no suggestion and no complaint showing why it was
//! routed. Some are written so that neither a rule nor a model can place them: they wait in
//! triage with routing's best guess, for a person to confirm.

use super::org::World;
use super::texts::{self, DemoCompany};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use cloop_domain::lifecycle::Who;
use cloop_domain::model::State;
use cloop_domain::{ActorRef, Channel, Command, OrgUnitId, UserId};
use cloop_server::{AppState, ServerConfig};
use cloop_store::{NewComplaint, NewCustomer, Store};
use rand::Rng;
use rand::rngs::StdRng;

/// How many of the demo's `n` complaints arrive through routing: 12, or a tenth of a small demo.
pub fn count(n: usize) -> usize {
    12.min(n / 10)
}

/// Complaints that name no product, fault or department: every third arrival is one.
const VAGUE: [(&str, &str); 4] = [
    ("上次反映的问题一直没人联系", "你好，上次反映的问题到现在还没有人联系我，请尽快回电话给我一个说法。"),
    ("东西收到就不对，客服推来推去", "我要投诉！东西收到就不对，打了几次客服都推来推去，没人给个准话。"),
    ("订单出了问题，请处理", "我的订单出了问题，已经等了一个星期了，麻烦你们查一下尽快处理，谢谢。"),
    ("打了三次电话还是没有结果", "已经打了三次电话了，每次都说会有人回复，还是没有结果，到底谁来管？"),
];

/// A faulty product whose customer asks for a refund: the 退款 rule sends it to 财务部 and
/// 质量管理部 takes it over, saying routing got it wrong (分派有误), so the routing page's figures
/// have a misrouted complaint to show on every demo, whatever the models make of the rest.
const REFUND_FOR_A_FAULT: (&str, &str) = (
    "冰箱用了三天不制冷，要求退款",
    "上周买的冰箱用了三天就不制冷了，冷藏室里的菜都坏了，售后说配件要等半个月。这是质量问题，我要求退款。",
);

/// What routing did with the arrivals.
#[derive(Debug, Default)]
pub struct Arrivals {
    /// Assigned on arrival (a rule or a confident model placed them).
    pub assigned: usize,
    /// Waiting in triage with a suggestion.
    pub triage: usize,
    /// Assigned on arrival and moved by the department's manager since (the routing page's
    /// 分派效果 counts them).
    pub moved: usize,
}

/// Why a manager sends a vague complaint routing assigned back to the call centre.
const BACK_TO_CALL_CENTRE: &str = "投诉没有说明具体问题，转回客服中心先联系客户核实";

/// Takes `n` complaints in through routing, received within the hour before `now`.
pub async fn arrive(store: &Store, world: &World, rng: &mut StdRng, n: usize, now: DateTime<Utc>) -> Result<Arrivals> {
    let state = AppState::new(store.clone(), ServerConfig::default());
    let mut out = Arrivals::default();
    for i in 0..n {
        let mut text = texts::complaint_text(rng);
        if i == 0 {
            text.company = DemoCompany::Appliances;
            text.department_code = "quality";
            (text.summary, text.content) = (REFUND_FOR_A_FAULT.0.to_owned(), REFUND_FOR_A_FAULT.1.to_owned());
        }
        let (summary, content, request, product, order) = if i % 3 == 2 {
            let (summary, content) = VAGUE[(i / 3) % VAGUE.len()];
            (summary.to_owned(), content.to_owned(), "尽快回复".to_owned(), None, None)
        } else {
            (text.summary, text.content, text.customer_request, text.product_ref, text.order_ref)
        };
        let company = &world.companies[usize::from(text.company == DemoCompany::Ecommerce)];
        let (agent, team) = company.agents[i % company.agents.len()];
        let phone = texts::mobile_phone(rng);
        let received_at = now - Duration::minutes(rng.random_range(2..60));
        let complaint = NewComplaint {
            customer: NewCustomer {
                name: texts::person_name(rng),
                email: texts::maybe_email(rng, &phone),
                phone: Some(phone),
            },
            channel: Channel::Phone,
            summary,
            content,
            customer_request: Some(request),
            product_ref: product,
            order_ref: order,
            category_id: None,
            severity: None,
            received_at,
            company_id: OrgUnitId(company.id),
            intake_unit_id: OrgUnitId(team),
        };
        let registered_at = received_at + Duration::minutes(1);
        let receipt = state
            .register(complaint, ActorRef::User { id: UserId(agent) }, None, registered_at)
            .await
            .with_context(|| format!("routing demo arrival {}", i + 1))?;
        let Some(c) = receipt.complaint else { continue };
        if c.state == State::Received {
            out.triage += 1;
            continue;
        }
        out.assigned += 1;
        // A routing mistake a department corrects, as people do: the manager of the department
        // routing chose moves the complaint where its text says it belongs (a vague one back to
        // the call centre, to ask the customer).
        let (Some(at_dept), vague) = (c.department_id.and_then(|d| company.dept_by_id(d.0)), i % 3 == 2) else {
            continue;
        };
        let (belongs, reason) = if vague {
            (company.dept("call_centre")?, BACK_TO_CALL_CENTRE.to_owned())
        } else {
            (company.dept(text.department_code)?, texts::transfer_reason(rng))
        };
        if belongs.id == at_dept.id || (vague && out.moved > 0) {
            continue;
        }
        // Sent where the text belongs, the manager says routing got it wrong (分派有误); sent
        // back to the call centre to ask the customer, it is a hand-off.
        let transfer = Command::Transfer {
            department_id: OrgUnitId(belongs.id),
            handler_id: Some(UserId(belongs.handler)),
            reason,
            misrouted: !vague,
        };
        let at = registered_at + Duration::minutes(rng.random_range(1..5)).min(now - registered_at);
        store
            .execute(receipt.complaint_id, &transfer, Who::Staff(world.actor(at_dept.manager)), at)
            .await
            .with_context(|| format!("moving routing demo arrival {}", i + 1))?;
        out.moved += 1;
    }
    Ok(out)
}
