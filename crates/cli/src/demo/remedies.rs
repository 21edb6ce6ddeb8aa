//! Remedies (处理方案) for demo complaints: which measures fit a category, and how an offer is
//! pushed over a handler's authority, cut back within it after a rejection, or improved after
//! the customer said no.

use super::texts::DemoText;
use cloop_domain::{Fen, Measure, MeasureKind, Remedy, RoleLimits};
use rand::Rng;

fn yuan(y: u32) -> Fen {
    Fen(i64::from(y) * 100)
}

fn measure(kind: MeasureKind, amount: Fen, description: &str) -> Measure {
    Measure { kind, amount, description: description.to_owned() }
}

/// The measures a handler would offer for this complaint, worth about its
/// `compensation_yuan`.
pub fn for_text<R: Rng + ?Sized>(rng: &mut R, text: &DemoText, explanation: String) -> Remedy {
    use MeasureKind::*;
    let money = text.compensation_yuan;
    let m = |kind, y: u32, d: &str| measure(kind, yuan(y), d);
    let zero = |kind, d: &str| measure(kind, Fen(0), d);
    let mut measures = match text.category_code {
        "product_fault" => {
            if money > 800 {
                vec![m(ReturnExchange, money, "更换同型号新机")]
            } else {
                vec![zero(Repair, "免费上门维修并更换故障部件")]
            }
        }
        "appearance_defect" => {
            if rng.random_bool(0.5) {
                vec![m(Compensation, money.min(300), "外观瑕疵补偿")]
            } else {
                vec![m(ReturnExchange, money, "换货")]
            }
        }
        "safety_hazard" => vec![
            m(ReturnExchange, money, "召回并更换整机"),
            m(Compensation, money / 2 / 10 * 10, "安全隐患补偿"),
            zero(WrittenApology, "书面致歉"),
        ],
        "delivery_delay" => vec![m(Compensation, money.min(200), "延迟配送补偿"), zero(Explanation, "说明延误原因")],
        "damaged_goods" => vec![m(ReturnExchange, money, "破损商品换新"), m(Gift, 30, "赠送优惠券")],
        "wrong_item" => vec![zero(ReturnExchange, "补发正确商品并上门取回错发件"), m(Gift, 50, "赠送优惠券")],
        "install_issue" => vec![zero(Repair, "安排资深师傅重新上门安装"), m(Compensation, money.min(300), "安装补偿")],
        "repair_delay" => vec![zero(Repair, "加急维修，提供备用机"), m(Compensation, money.min(400), "维修延误补偿")],
        "service_fee" | "price_dispute" | "double_charge" => vec![m(Refund, money.max(10), "退还多收款项")],
        "refund_delay" => vec![m(Refund, money.max(20), "加急退款"), m(Compensation, 30, "退款延迟补偿")],
        "return_refused" => vec![m(ReturnExchange, money, "按规定办理退换货")],
        "agent_attitude" => vec![zero(WrittenApology, "向客户书面致歉"), zero(ServiceFix, "涉事客服复训并考核")],
        "hotline_unreachable" => vec![zero(ServiceFix, "增加高峰时段坐席"), zero(Explanation, "说明热线改进措施")],
        "false_advertising" => vec![m(Refund, money.max(50), "退还差价"), zero(WrittenApology, "书面致歉")],
        "promotion_rules" => vec![m(Refund, money.max(10), "按活动规则补发优惠")],
        "membership" => vec![m(Gift, money.min(150), "补发会员权益"), zero(Explanation, "解释会员规则")],
        "privacy_leak" => vec![
            zero(WrittenApology, "书面致歉"),
            zero(ServiceFix, "排查并封堵信息泄露环节"),
            m(Compensation, money, "精神损失补偿"),
        ],
        _ => vec![zero(Explanation, "感谢建议，已转相关部门研究")],
    };
    if money > 0 && matches!(text.category_code, "agent_attitude" | "hotline_unreachable" | "suggestion_general") {
        measures.push(m(Gift, money.min(100), "赠送优惠券"));
    }
    Remedy { measures, explanation }
}

/// The same remedy, made larger than `limits` allow (so it needs approval).
pub fn beyond<R: Rng + ?Sized>(rng: &mut R, mut remedy: Remedy, limits: &RoleLimits) -> Remedy {
    if !limits.covers(&remedy) {
        return remedy;
    }
    let limit = limits.0.get(&MeasureKind::Compensation).copied().unwrap_or_default();
    let amount = Fen(limit.0 + i64::from(rng.random_range(2..30u32)) * 5_000);
    match remedy.measures.iter_mut().find(|m| m.kind == MeasureKind::Compensation) {
        Some(m) => m.amount = amount,
        None => remedy.measures.push(measure(MeasureKind::Compensation, amount, "额外经济补偿")),
    }
    remedy
}

/// The same remedy cut back to what `limits` allow (after an approver rejected it).
pub fn within(mut remedy: Remedy, limits: &RoleLimits) -> Remedy {
    for m in &mut remedy.measures {
        let limit = limits.0.get(&m.kind).copied().unwrap_or_default();
        m.amount = Fen(m.amount.0.min(limit.0));
    }
    // Split measures of one kind could still sum above the limit; keep the first of each kind.
    let mut seen = Vec::new();
    remedy.measures.retain(|m| {
        let first = !seen.contains(&m.kind);
        seen.push(m.kind);
        first
    });
    remedy
}

/// A better offer after the customer turned one down: about a third more money, or a voucher.
pub fn improve<R: Rng + ?Sized>(rng: &mut R, mut remedy: Remedy) -> Remedy {
    let mut raised = false;
    for m in &mut remedy.measures {
        if m.amount.0 > 0 && matches!(m.kind, MeasureKind::Compensation | MeasureKind::Refund | MeasureKind::Gift) {
            let more = (m.amount.0 * 3 / 10).max(2_000) / 1_000 * 1_000;
            m.amount = Fen(m.amount.0 + more);
            raised = true;
        }
    }
    if !raised {
        let y = rng.random_range(3..=10u32) * 10;
        remedy.measures.push(measure(MeasureKind::Gift, yuan(y), "追加赠送优惠券"));
    }
    remedy
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloop_domain::AuthorityMatrix;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn forced_offers_need_approval_and_cut_back_offers_do_not() {
        let handler = AuthorityMatrix::default_limits("handler");
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..300 {
            let text = super::super::texts::complaint_text(&mut rng);
            let r = for_text(&mut rng, &text, "说明".into());
            assert!(!r.measures.is_empty());
            let big = beyond(&mut rng, r.clone(), &handler);
            assert!(!handler.covers(&big), "{big:?}");
            assert!(handler.covers(&within(big, &handler)));
            assert!(improve(&mut rng, r.clone()).total() > r.total() || r.total().0 == 0);
        }
    }
}
