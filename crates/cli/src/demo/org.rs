//! The demo organisation of 华腾集团: headquarters departments, two subsidiaries with their
//! departments and call-centre teams, one login for every built-in role (all with the password
//! [`DEMO_PASSWORD`]) and the category tree. Creation is idempotent (found by code or username
//! first), so a demo run that stopped half-way can simply be run again.

use super::texts;
use anyhow::{Context, Result, anyhow};
use cloop_domain::Actor;
use cloop_store::accounts::NewUser;
use cloop_store::org::OrgUnit;
use cloop_store::{Store, StoreError};
use std::collections::HashMap;

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "demo1234";

/// The two subsidiaries: (code, username prefix, zh name, en name).
pub const COMPANIES: [(&str, &str, &str, &str); 2] = [
    ("appliances", "a", "华腾电器有限公司", "Huateng Appliances Co., Ltd."),
    ("ecommerce", "e", "华腾优选电商有限公司", "Huateng Select E-commerce Co., Ltd."),
];

/// Departments of each subsidiary: (short code, zh name, en name). The short codes are the
/// ones the text generator routes to.
pub const DEPARTMENTS: [(&str, &str, &str); 7] = [
    ("call_centre", "客服中心", "Customer service centre"),
    ("quality", "质量管理部", "Quality management"),
    ("logistics", "物流配送部", "Logistics and delivery"),
    ("after_sales", "售后服务部", "After-sales service"),
    ("finance", "财务部", "Finance"),
    ("marketing", "市场营销部", "Marketing"),
    ("legal", "法务合规部", "Legal and compliance"),
];

/// Headquarters departments under the group root: (code, zh name, en name).
const HQ_DEPARTMENTS: [(&str, &str, &str); 3] = [
    ("hq_audit", "集团督导办公室", "Group supervision office"),
    ("hq_legal", "集团法务与公关部", "Group legal and PR"),
    ("hq_exec", "总裁办", "Executive office"),
];

/// Call-centre teams per company: (code suffix, zh name, en name).
const TEAMS: [[(&str, &str, &str); 2]; 2] = [
    [("hotline1", "热线一组", "Hotline team 1"), ("hotline2", "热线二组", "Hotline team 2")],
    [("online", "在线客服组", "Online service team"), ("hotline", "热线组", "Hotline team")],
];

/// One demo login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// Login name.
    pub username: String,
    /// Display name (a person's name and what they do).
    pub display_name: String,
    /// Built-in role code.
    pub role: &'static str,
    /// Code of the organisation unit the user belongs to.
    pub org_code: String,
}

/// Display names of demo staff, in the order [`logins`] hands them out.
const STAFF_NAMES: [&str; 38] = [
    "周建国",
    "沈卫东",
    "韩雪梅",
    "陆明轩",
    "王芳",
    "李娜",
    "张伟",
    "刘洋",
    "陈静",
    "杨磊",
    "赵敏",
    "黄涛",
    "吴婷",
    "周强",
    "徐丽",
    "孙浩",
    "马超",
    "朱琳",
    "胡斌",
    "郭晶",
    "何勇",
    "林燕",
    "高翔",
    "罗佳",
    "郑凯",
    "梁红",
    "谢鹏",
    "宋雨",
    "唐杰",
    "许倩",
    "韩冰",
    "冯刚",
    "邓艳",
    "曹阳",
    "彭飞",
    "曾蕾",
    "肖峰",
    "田甜",
];

/// Every demo login: the group's `admin`, `exec`, `auditor` and `legal`, and per company
/// (`a.` 华腾电器, `e.` 华腾优选) two agents and a supervisor in the call centre and a handler
/// and a manager in every department.
pub fn logins() -> Vec<DemoLogin> {
    let mut out = Vec::new();
    let mut names = STAFF_NAMES.iter();
    let mut push = |username: String, what: &str, role: &'static str, org_code: String| {
        let name = names.next().copied().unwrap_or("演示用户");
        out.push(DemoLogin { username, display_name: format!("{name}（{what}）"), role, org_code });
    };
    push("admin".into(), "系统管理员", "admin", "group".into());
    push("exec".into(), "总裁", "executive", "hq_exec".into());
    push("auditor".into(), "集团督导", "hq_auditor", "hq_audit".into());
    push("legal".into(), "法务公关", "legal", "hq_legal".into());
    for (ci, (company, prefix, _, _)) in COMPANIES.iter().enumerate() {
        push(format!("{prefix}.agent1"), "客服专员", "agent", format!("{company}.call_centre.{}", TEAMS[ci][0].0));
        push(format!("{prefix}.agent2"), "客服专员", "agent", format!("{company}.call_centre.{}", TEAMS[ci][1].0));
        push(format!("{prefix}.supervisor1"), "客服主管", "supervisor", format!("{company}.call_centre"));
        for (dept, dept_name, _) in DEPARTMENTS {
            push(
                format!("{prefix}.{dept}.handler"),
                &format!("{dept_name}处理人"),
                "handler",
                format!("{company}.{dept}"),
            );
            push(
                format!("{prefix}.{dept}.manager"),
                &format!("{dept_name}负责人"),
                "dept_manager",
                format!("{company}.{dept}"),
            );
        }
    }
    out
}

/// The logins as a text table (username, role, password, name, unit).
pub fn logins_table(rows: &[DemoLogin]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|l| {
            vec![
                l.username.clone(),
                l.role.to_owned(),
                DEMO_PASSWORD.to_owned(),
                l.display_name.clone(),
                l.org_code.clone(),
            ]
        })
        .collect();
    crate::admin::table(&["username", "role", "password", "name", "org"], &cells)
}

/// A department of a demo company with its two people.
#[derive(Debug, Clone)]
pub struct Dept {
    /// Short code (`quality` …).
    pub code: &'static str,
    /// Organisation unit id.
    pub id: i64,
    /// The department handler's user id.
    pub handler: i64,
    /// The department manager's user id.
    pub manager: i64,
}

/// The people of one demo company.
#[derive(Debug, Clone)]
pub struct Company {
    /// Organisation unit id.
    pub id: i64,
    /// Agents as (user id, team unit id).
    pub agents: Vec<(i64, i64)>,
    /// The call-centre supervisor.
    pub supervisor: i64,
    /// The departments, in [`DEPARTMENTS`] order.
    pub departments: Vec<Dept>,
}

impl Company {
    /// The department with a short code.
    pub fn dept(&self, code: &str) -> Result<&Dept> {
        self.departments.iter().find(|d| d.code == code).ok_or_else(|| anyhow!("the demo has no department '{code}'"))
    }

    /// The department with an organisation unit id.
    pub fn dept_by_id(&self, id: i64) -> Option<&Dept> {
        self.departments.iter().find(|d| d.id == id)
    }
}

/// Everything the complaint generator needs to know about the demo organisation.
#[derive(Debug)]
pub struct World {
    /// 华腾电器 and 华腾优选, in [`COMPANIES`] order.
    pub companies: Vec<Company>,
    /// The group administrator.
    pub admin: i64,
    /// The executive.
    pub exec: i64,
    /// The HQ auditor.
    pub auditor: i64,
    /// The HQ legal / PR reviewer.
    pub legal: i64,
    /// Category code → (id, zh name).
    pub categories: HashMap<String, (i64, String)>,
    /// Every demo user as the domain sees them, by user id.
    pub actors: HashMap<i64, Actor>,
}

impl World {
    /// The actor of a demo user.
    pub fn actor(&self, user_id: i64) -> &Actor {
        &self.actors[&user_id]
    }
}

/// Creates (or finds) the organisation, users and categories.
pub async fn build(store: &Store) -> Result<World> {
    let group = store.org_unit_by_code("group").await.context("finding the group root")?;
    for (code, name, name_en) in HQ_DEPARTMENTS {
        ensure_unit(store, group.id, "department", code, name, name_en).await?;
    }
    let mut company_units = Vec::new();
    for (ci, (code, _, name, name_en)) in COMPANIES.iter().enumerate() {
        let company = ensure_unit(store, group.id, "company", code, name, name_en).await?;
        for (dept, dept_name, dept_en) in DEPARTMENTS {
            let unit =
                ensure_unit(store, company.id, "department", &format!("{code}.{dept}"), dept_name, dept_en).await?;
            if dept == "call_centre" {
                for (team, team_name, team_en) in TEAMS[ci] {
                    ensure_unit(store, unit.id, "team", &format!("{code}.call_centre.{team}"), team_name, team_en)
                        .await?;
                }
            }
        }
        company_units.push(company);
    }
    // Complaints from the public web form land in the first company's first call-centre team,
    // whose agents pick them up (staff see their own node and below, so a team-level agent
    // would not see complaints filed at the call-centre node itself).
    let (first_company, ..) = COMPANIES[0];
    store
        .set_setting(cloop_store::portal::PUBLIC_INTAKE_UNIT, &format!("{first_company}.call_centre.{}", TEAMS[0][0].0))
        .await
        .context("routing public complaints to the call centre")?;

    // One hash for every demo login: argon2 is slow by design, and they share the password.
    let hash = cloop_server::password::hash(DEMO_PASSWORD).map_err(|e| anyhow!("hashing the demo password: {e}"))?;
    let mut ids: HashMap<String, i64> = HashMap::new();
    let mut actors = HashMap::new();
    for login in logins() {
        let id = ensure_user(store, &login, &hash).await?;
        let (actor, _) = store.actor(id).await.with_context(|| format!("loading demo user {}", login.username))?;
        actors.insert(id, actor);
        ids.insert(login.username, id);
    }
    let user = |name: &str| ids.get(name).copied().ok_or_else(|| anyhow!("demo user {name} missing"));

    let mut companies = Vec::new();
    for (ci, (code, prefix, _, _)) in COMPANIES.iter().enumerate() {
        let mut agents = Vec::new();
        for (i, (team, _, _)) in TEAMS[ci].iter().enumerate() {
            let team_unit = store
                .org_unit_by_code(&format!("{code}.call_centre.{team}"))
                .await
                .context("finding a call-centre team")?;
            agents.push((user(&format!("{prefix}.agent{}", i + 1))?, team_unit.id));
        }
        let mut departments = Vec::new();
        for (dept, _, _) in DEPARTMENTS {
            let unit = store.org_unit_by_code(&format!("{code}.{dept}")).await.context("finding a department")?;
            departments.push(Dept {
                code: dept,
                id: unit.id,
                handler: user(&format!("{prefix}.{dept}.handler"))?,
                manager: user(&format!("{prefix}.{dept}.manager"))?,
            });
        }
        companies.push(Company {
            id: company_units[ci].id,
            agents,
            supervisor: user(&format!("{prefix}.supervisor1"))?,
            departments,
        });
    }

    let mut categories = HashMap::new();
    for (sort, c) in texts::categories().iter().enumerate() {
        let parent = match c.parent {
            Some(p) => Some(
                categories
                    .get(p)
                    .map(|(id, _): &(i64, String)| *id)
                    .ok_or_else(|| anyhow!("category {} is listed before its parent {p}", c.code))?,
            ),
            None => None,
        };
        let cat = match store.category_by_code(c.code).await {
            Ok(cat) => cat,
            Err(StoreError::NotFound(_)) => store
                .create_category(parent, c.code, c.name_zh, c.name_en, sort as i64)
                .await
                .with_context(|| format!("creating category {}", c.code))?,
            Err(e) => return Err(e).context("looking up a category"),
        };
        categories.insert(c.code.to_owned(), (cat.id, cat.name));
    }

    Ok(World {
        companies,
        admin: user("admin")?,
        exec: user("exec")?,
        auditor: user("auditor")?,
        legal: user("legal")?,
        categories,
        actors,
    })
}

async fn ensure_unit(store: &Store, parent: i64, kind: &str, code: &str, name: &str, name_en: &str) -> Result<OrgUnit> {
    match store.org_unit_by_code(code).await {
        Ok(u) => Ok(u),
        Err(StoreError::NotFound(_)) => store
            .create_org_unit(Some(parent), kind, code, name, name_en)
            .await
            .with_context(|| format!("creating organisation unit {code}")),
        Err(e) => Err(e).context("looking up an organisation unit"),
    }
}

async fn ensure_user(store: &Store, login: &DemoLogin, hash: &str) -> Result<i64> {
    if let Some((u, _)) = store.user_by_username(&login.username).await.context("looking up a demo user")? {
        return Ok(u.id);
    }
    let role = store.role_by_code(login.role).await.with_context(|| format!("finding role {}", login.role))?;
    let unit = store.org_unit_by_code(&login.org_code).await.with_context(|| format!("finding {}", login.org_code))?;
    let user = store
        .create_user(&NewUser {
            username: login.username.clone(),
            display_name: login.display_name.clone(),
            email: Some(format!("{}@huateng.example", login.username)),
            org_unit_id: unit.id,
            role_id: role.id,
            password_hash: hash.to_owned(),
        })
        .await
        .with_context(|| format!("creating demo user {}", login.username))?;
    Ok(user.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloop_store::seed::BUILTIN_ROLES;

    #[test]
    fn every_built_in_role_has_a_demo_login() {
        let logins = logins();
        for role in BUILTIN_ROLES {
            assert!(logins.iter().any(|l| l.role == role.code), "no demo login for {}", role.code);
        }
        let mut names: Vec<&str> = logins.iter().map(|l| l.username.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), logins.len(), "usernames are unique");
        assert_eq!(logins.len(), STAFF_NAMES.len(), "every login has its own display name");
    }
}
