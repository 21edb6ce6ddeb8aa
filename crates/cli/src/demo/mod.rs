//! `cloop demo`: fills an empty database with the fictional 华腾集团 — headquarters, two
//! subsidiaries, a login for every role — and a year of complaints walked through the loop
//! with back-dated times, so every queue, state and chart has something to show.
//!
//! Every complaint goes through the same doors as a real one: [`Store::intake`] with the
//! registration time as `now`, then [`Store::execute`] for each command, by the staff member
//! (or the customer) who would give it. Nothing is written around the domain rules, so
//! `cloop verify` holds on demo data like on any other.
//!
//! Everything random is drawn first from the seed. Then a few lanes register complaints side
//! by side, each lane whole China days in registration order (so case numbers follow the
//! clock within a day), and every complaint's walk runs as its own task, many at once: the
//! store's group commit shares each fsync among all of them.

mod arrivals;
pub mod org;
mod remedies;
mod script;
pub mod texts;
mod timeline;

use crate::config::Config;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, Utc};
use clap::Args;
use cloop_domain::lifecycle::Who;
use cloop_domain::model::State;
use cloop_domain::{ActorRef, AuthorityMatrix, Channel, ComplaintId, OrgUnitId, Policy, RepeatLink, Tier, UserId};
use cloop_store::{NewComplaint, NewCustomer, Scope, Store};
use org::World;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use script::{By, Facts, Spec, Step};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use texts::{DemoCompany, DemoText};
use tokio::sync::{Semaphore, SetOnce};
use tokio::task::JoinSet;

/// Options of `cloop demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// If the database already holds complaints, say so and succeed without changes / 已有数据时直接跳过
    #[arg(long)]
    pub if_empty: bool,

    /// How many complaints to create (over the past twelve months) / 生成投诉数量
    #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u32).range(1..=200_000))]
    pub complaints: u32,

    /// Random seed: the same seed gives the same demo data / 随机种子
    #[arg(long, default_value_t = 20_251_111)]
    pub seed: u64,
}

/// Walks in flight at once: enough to fill the writer's group commits.
const PARALLEL_WALKS: usize = 64;

/// Intake lanes. Each lane registers the complaints of its days one after another (so case
/// numbers follow registration time within a day); lanes run side by side so their intakes
/// share group commits.
const LANES: usize = 8;

/// A demo customer, who may come back with another complaint.
#[derive(Debug, Clone)]
struct DemoCustomer {
    name: String,
    phone: String,
    email: Option<String>,
    vip: bool,
    /// Their latest complaint: index, category, company, registered.
    last: Option<(usize, &'static str, DemoCompany, DateTime<Utc>)>,
}

/// One complaint, fully drawn before anything is written (so the seed alone decides it,
/// whatever order the lanes run in).
#[derive(Debug)]
struct Prepared {
    target: State,
    received_at: DateTime<Utc>,
    registered_at: DateTime<Utc>,
    customer: usize,
    text: DemoText,
    company: usize,
    agent: i64,
    team: i64,
    channel: Channel,
    intake_actor: ActorRef,
    /// An earlier complaint (registered before this one) about the same matter.
    link: Option<usize>,
    /// Seeds the planner of this complaint's walk.
    plan_seed: u64,
}

/// What the lanes share.
#[derive(Debug)]
struct Shared {
    store: Store,
    world: World,
    authority: AuthorityMatrix,
    policy: Policy,
    limit: DateTime<Utc>,
    customers: Vec<DemoCustomer>,
    prepared: Vec<Prepared>,
    /// Case numbers as they are given, for repeat links.
    receipts: Vec<SetOnce<(ComplaintId, String)>>,
    /// Customers whose first complaint is in (their VIP tier is set then).
    seen: Mutex<HashSet<usize>>,
    permits: Arc<Semaphore>,
}

/// Counters for the closing summary.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    customers: usize,
    vip: usize,
    repeats: usize,
    first_contact: usize,
    transferred: usize,
    escalated: usize,
    approved: usize,
    disagreed: usize,
    reviewed: usize,
    reopened: usize,
    events: usize,
}

impl Tally {
    fn add(&mut self, f: Facts, steps: usize) {
        self.first_contact += usize::from(f.first_contact);
        self.transferred += usize::from(f.transferred);
        self.escalated += usize::from(f.escalated);
        self.approved += usize::from(f.approved);
        self.disagreed += usize::from(f.disagreed);
        self.reviewed += usize::from(f.reviewed);
        self.reopened += usize::from(f.reopened);
        self.events += steps + 1;
    }

    fn merge(&mut self, o: Tally) {
        self.customers += o.customers;
        self.vip += o.vip;
        self.repeats += o.repeats;
        self.first_contact += o.first_contact;
        self.transferred += o.transferred;
        self.escalated += o.escalated;
        self.approved += o.approved;
        self.disagreed += o.disagreed;
        self.reviewed += o.reviewed;
        self.reopened += o.reopened;
        self.events += o.events;
    }
}

/// Runs `cloop demo`.
pub async fn run(config: &Config, args: &DemoArgs) -> Result<()> {
    let started = Instant::now();
    let store = config.open_store().await?;
    let existing = store.complaint_count().await.context("counting complaints")?;
    if existing > 0 {
        if args.if_empty {
            println!(
                "demo data exists: the database already holds {existing} complaints; nothing to do / 已有数据，跳过"
            );
            return Ok(());
        }
        bail!(
            "the database already holds {existing} complaints; `cloop demo` only fills an empty database \
             (use --if-empty to skip quietly, or point --data-dir / --database-url at a new one) / 数据库非空，拒绝生成演示数据"
        );
    }

    let world = org::build(&store).await.context("creating the demo organisation")?;
    let logins_file = config.data_dir.join("demo-logins.txt");
    let logins = format!(
        "Complaint Loop 投诉闭环 — demo logins (password {}) / 演示账号\n\n{}",
        org::DEMO_PASSWORD,
        org::logins_table(&org::logins())
    );
    std::fs::write(&logins_file, logins).with_context(|| format!("writing {}", logins_file.display()))?;
    println!("organisation, {} users and {} categories ready", world.actors.len(), world.categories.len());

    let n = args.complaints as usize;
    // The last few arrive through routing once the models are trained (`arrivals`).
    let routed = arrivals::count(n);
    let now = Utc::now();
    let limit = now - Duration::minutes(1);
    let policy = store.config().policy.clone();
    let mut rng = StdRng::seed_from_u64(args.seed);
    let times = timeline::received_times(&mut rng, n - routed, now);
    let slots = timeline::targets(&mut rng, &times, now, policy.archive_after);
    let (customers, prepared) = prepare(&mut rng, &world, &slots, limit);
    let lanes = lanes(&prepared);

    let shared = Arc::new(Shared {
        authority: store.authority_matrix().await.context("loading the authority matrix")?,
        store: store.clone(),
        world,
        policy,
        limit,
        customers,
        receipts: prepared.iter().map(|_| SetOnce::new()).collect(),
        prepared,
        seen: Mutex::new(HashSet::new()),
        permits: Arc::new(Semaphore::new(PARALLEL_WALKS)),
    });
    let mut running = JoinSet::new();
    for order in lanes {
        running.spawn(lane(shared.clone(), order));
    }
    let mut tally = Tally::default();
    while let Some(done) = running.join_next().await {
        tally.merge(done.context("a demo lane stopped unexpectedly")??);
    }
    // Routing models from the demo's own routed complaints, so new complaints arrive routed.
    for target in cloop_store::routing::ModelTarget::ALL {
        match cloop_server::routing::train_from_database(&store, target).await {
            Ok(m) => println!("routing model ({}) trained on {} complaints, {} labels", m.target, m.examples, m.labels),
            Err(e) => println!("routing model ({}) not trained: {e}", target.code()),
        }
    }
    let arrived = arrivals::arrive(&store, &shared.world, &mut rng, routed, limit).await?;
    println!(
        "{} complaints of the last hour taken in through routing: {} assigned on arrival ({} moved by a department \
         since), {} waiting in triage with a suggestion / 最近一小时经智能分派受理 {} 件",
        arrived.assigned + arrived.triage,
        arrived.assigned,
        arrived.moved,
        arrived.triage,
        arrived.assigned + arrived.triage
    );
    summary(&store, config, &tally, n, started).await
}

/// Draws every complaint: who complains (new or returning, VIP or not), what about, through
/// which channel, taken by which agent, and the seed of its walk.
fn prepare(
    rng: &mut StdRng,
    world: &World,
    slots: &[timeline::Slot],
    limit: DateTime<Utc>,
) -> (Vec<DemoCustomer>, Vec<Prepared>) {
    let mut customers: Vec<DemoCustomer> = Vec::new();
    let mut prepared = Vec::with_capacity(slots.len());
    for (i, slot) in slots.iter().enumerate() {
        // Mostly someone new, sometimes a customer who complained before.
        let who = if !customers.is_empty() && rng.random_bool(0.09) {
            let from = customers.len().saturating_sub(200);
            rng.random_range(from..customers.len())
        } else {
            let name = texts::person_name(rng);
            let phone = texts::mobile_phone(rng);
            let email = texts::maybe_email(rng, &phone);
            let vip = rng.random_bool(0.05);
            customers.push(DemoCustomer { name, phone, email, vip, last: None });
            customers.len() - 1
        };
        // A returning customer often complains again about the same matter (重复投诉); the
        // earlier complaint was registered before this one arrived.
        let mut text = texts::complaint_text(rng);
        let mut link = None;
        if let Some((earlier, category, earlier_company, earlier_at)) = customers[who].last
            && earlier_at < slot.received_at
            && slot.received_at - earlier_at < Duration::days(120)
            && rng.random_bool(0.6)
        {
            for _ in 0..200 {
                if text.category_code == category && text.company == earlier_company {
                    link = Some(earlier);
                    break;
                }
                text = texts::complaint_text(rng);
            }
        }
        let company = usize::from(text.company == DemoCompany::Ecommerce);
        let channel = Channel::from_code(text.channel).unwrap_or(Channel::Phone);
        let (agent, team) = world.companies[company].agents[rng.random_range(0..2)];
        let delay = match channel {
            Channel::Web | Channel::Wechat | Channel::Api => Duration::seconds(rng.random_range(1..5)),
            Channel::Email | Channel::Letter => Duration::minutes(rng.random_range(20..600)),
            _ => Duration::minutes(rng.random_range(1..12)),
        };
        let registered_at = (slot.received_at + delay).min(limit).max(slot.received_at);
        let intake_actor = match channel {
            Channel::Web | Channel::Wechat => ActorRef::Customer,
            Channel::Api => ActorRef::System,
            _ => ActorRef::User { id: UserId(agent) },
        };
        customers[who].last = Some((i, text.category_code, text.company, registered_at));
        prepared.push(Prepared {
            target: slot.target,
            received_at: slot.received_at,
            registered_at,
            customer: who,
            company,
            channel,
            text,
            agent,
            team,
            intake_actor,
            link,
            plan_seed: rng.random(),
        });
    }
    (customers, prepared)
}

/// Splits the complaints into lanes by China registration day (whole days per lane, in
/// order), each lane in registration order.
fn lanes(prepared: &[Prepared]) -> Vec<Vec<usize>> {
    let mut by_day: BTreeMap<chrono::NaiveDate, Vec<usize>> = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        by_day.entry(cloop_domain::case_no::case_day(p.registered_at)).or_default().push(i);
    }
    let mut lanes = vec![Vec::new(); LANES];
    for (d, (_, mut day)) in by_day.into_iter().enumerate() {
        day.sort_by_key(|&i| (prepared[i].registered_at, i));
        lanes[d % LANES].extend(day);
    }
    lanes.retain(|l| !l.is_empty());
    lanes
}

/// Registers a lane's complaints one by one and starts each one's walk.
async fn lane(shared: Arc<Shared>, order: Vec<usize>) -> Result<Tally> {
    let mut tally = Tally::default();
    let mut walks: JoinSet<Result<()>> = JoinSet::new();
    let store = &shared.store;
    for i in order {
        let p = &shared.prepared[i];
        let c = &shared.customers[p.customer];
        let company = &shared.world.companies[p.company];
        let complaint = NewComplaint {
            customer: NewCustomer { name: c.name.clone(), phone: Some(c.phone.clone()), email: c.email.clone() },
            channel: p.channel,
            summary: p.text.summary.clone(),
            content: p.text.content.clone(),
            customer_request: Some(p.text.customer_request.clone()),
            product_ref: p.text.product_ref.clone(),
            order_ref: p.text.order_ref.clone(),
            category_id: None,
            severity: None,
            received_at: p.received_at,
            company_id: OrgUnitId(company.id),
            intake_unit_id: OrgUnitId(p.team),
        };
        let receipt = store
            .intake(complaint, p.intake_actor.clone(), None, p.registered_at)
            .await
            .with_context(|| format!("registering demo complaint {}", i + 1))?;
        let first = shared.seen.lock().expect("seen lock").insert(p.customer);
        if first {
            tally.customers += 1;
            if c.vip {
                store.set_customer_tier(receipt.customer_id.0, Tier::Vip).await.context("marking a VIP customer")?;
                tally.vip += 1;
            }
        }
        let _ = shared.receipts[i].set((receipt.complaint_id, receipt.case_no.clone()));
        let link = match p.link {
            Some(earlier) => {
                // Registered earlier, so on an earlier day's lane or earlier in this one.
                let (id, case_no) = shared.receipts[earlier].wait().await;
                tally.repeats += 1;
                Some(RepeatLink { complaint_id: *id, case_no: case_no.clone(), reasons: Vec::new() })
            }
            None => None,
        };

        let registered = store.load(receipt.complaint_id).await.context("loading a registered complaint")?.complaint;
        let spec = Spec {
            target: p.target,
            text: &p.text,
            company: p.company,
            agent: p.agent,
            self_service: matches!(p.channel, Channel::Web | Channel::Wechat),
            link,
        };
        let mut rng = StdRng::seed_from_u64(p.plan_seed);
        let (steps, _end, facts) =
            script::plan(&shared.world, &shared.policy, &shared.authority, &mut rng, registered, &spec, shared.limit)?;
        tally.add(facts, steps.len());

        let permit = shared.permits.clone().acquire_owned().await.context("waiting for a walk slot")?;
        let shared = shared.clone();
        walks.spawn(async move {
            let _permit = permit;
            walk(&shared.store, &shared.world, receipt.complaint_id, &receipt.case_no, &steps).await
        });
        while let Some(done) = walks.try_join_next() {
            done.context("a demo walk stopped unexpectedly")??;
        }
    }
    while let Some(done) = walks.join_next().await {
        done.context("a demo walk stopped unexpectedly")??;
    }
    Ok(tally)
}

/// Replays a planned walk against the store.
async fn walk(store: &Store, world: &World, id: ComplaintId, case_no: &str, steps: &[Step]) -> Result<()> {
    for (i, s) in steps.iter().enumerate() {
        let who = match s.by {
            By::Staff(user) => Who::Staff(world.actor(user)),
            By::Customer => Who::Customer,
        };
        store
            .execute(id, &s.command, who, s.at)
            .await
            .with_context(|| format!("demo complaint {case_no}, step {}: {:?}", i + 1, s.command))?;
    }
    Ok(())
}

/// Prints counts per state and what the walks did.
async fn summary(store: &Store, config: &Config, t: &Tally, n: usize, started: Instant) -> Result<()> {
    let counts: BTreeMap<String, i64> =
        store.count_by_state(&Scope::All).await.context("counting complaints per state")?.into_iter().collect();
    println!("{n} demo complaints over the past twelve months / 演示投诉 {n} 件:");
    let mut missing = Vec::new();
    let mut rows = Vec::new();
    for state in State::ALL {
        let count = counts.get(state.code()).copied().unwrap_or(0);
        if count == 0 {
            missing.push(state.code());
        }
        rows.push(vec![state.code().to_owned(), state.label_zh().to_owned(), format!("{count:>5}")]);
    }
    print!("{}", crate::admin::table(&["state", "状态", "count",], &rows));
    println!(
        "customers {} (VIP {}), repeat complaints {}, resolved at first contact {}, transferred {}, escalated {}, \
         approvals {}, customer disagreements {}, secondary reviews {}, reopened {}, events {}",
        t.customers,
        t.vip,
        t.repeats,
        t.first_contact,
        t.transferred,
        t.escalated,
        t.approved,
        t.disagreed,
        t.reviewed,
        t.reopened,
        t.events
    );
    if !missing.is_empty() {
        println!(
            "note: no complaint ended in {} (a small demo or a long --archive-after-days leaves some states empty)",
            missing.join(", ")
        );
    }
    println!(
        "logins (password {}): admin, exec, auditor, legal, a.agent1, a.supervisor1, a.quality.handler, … — all in {}",
        org::DEMO_PASSWORD,
        config.data_dir.join("demo-logins.txt").display()
    );
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_department_exists_in_the_demo_organisation() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..500 {
            let t: DemoText = texts::complaint_text(&mut rng);
            assert!(org::DEPARTMENTS.iter().any(|d| d.0 == t.department_code), "{}", t.department_code);
            assert!(Channel::from_code(t.channel).is_some(), "{}", t.channel);
            assert!(texts::categories().iter().any(|c| c.code == t.category_code));
        }
    }
}
