//! Small administration commands for whoever runs the server: staff users, API tokens, and
//! read-only views of the category and organisation trees. The web admin pages do the same
//! through the API; these work before the first admin can log in.

use crate::config::Config;
use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use cloop_store::accounts::NewUser;
use cloop_store::{Scope, Store, StoreError};

/// `cloop user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff user / 新建用户
    Add {
        /// Login name / 登录名
        #[arg(long)]
        username: String,
        /// Password (at least 8 characters; or set CLOOP_PASSWORD) / 密码
        #[arg(long, env = "CLOOP_PASSWORD", hide_env_values = true)]
        password: String,
        /// Role code: agent, handler, supervisor, legal, dept_manager, hq_auditor, executive, admin / 角色
        #[arg(long)]
        role: String,
        /// Organisation unit code (see `cloop org list`) / 所属组织
        #[arg(long, default_value = "group")]
        org: String,
        /// Display name (default: the login name) / 显示名
        #[arg(long)]
        name: Option<String>,
    },
    /// Set a user's password (ends their sessions) / 重置密码
    Passwd {
        /// Login name / 登录名
        #[arg(long)]
        username: String,
        /// New password (at least 8 characters; or set CLOOP_PASSWORD) / 新密码
        #[arg(long, env = "CLOOP_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// List all users / 用户列表
    List,
}

/// `cloop token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token acting as a user; the token is printed once / 创建接口令牌
    Create {
        /// The user the token acts as / 令牌所属用户
        #[arg(long)]
        username: String,
        /// What the token is for, e.g. "crm-sync" / 令牌用途
        #[arg(long)]
        name: String,
    },
    /// List tokens (never the secrets) / 令牌列表
    List,
    /// Revoke a token by id / 吊销令牌
    Revoke {
        /// Token id from `cloop token list` / 令牌编号
        id: i64,
    },
}

/// `cloop categories …`
#[derive(Debug, Subcommand)]
pub enum CategoriesCommand {
    /// Print the category tree / 分类树
    List,
}

/// `cloop org …`
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Print the organisation tree / 组织树
    List,
}

/// Runs a `user` subcommand.
pub async fn user(config: &Config, cmd: UserCommand) -> Result<()> {
    let store = config.open_store().await?;
    match cmd {
        UserCommand::Add { username, password, role, org, name } => {
            let username = username.trim().to_owned();
            check_username(&username)?;
            check_password(&password)?;
            let role = match store.role_by_code(&role).await {
                Ok(r) => r,
                Err(StoreError::NotFound(_)) => {
                    let known: Vec<String> =
                        store.roles().await.context("listing roles")?.into_iter().map(|r| r.code).collect();
                    bail!("unknown role '{role}' (known roles: {}) / 角色不存在", known.join(", "));
                }
                Err(e) => return Err(e).context("looking up the role"),
            };
            let unit = match store.org_unit_by_code(&org).await {
                Ok(u) => u,
                Err(StoreError::NotFound(_)) => {
                    bail!("unknown organisation unit '{org}' (see `cloop org list`) / 组织不存在")
                }
                Err(e) => return Err(e).context("looking up the organisation unit"),
            };
            let hash = hash_password(&password)?;
            let new = NewUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                username: username.clone(),
                email: None,
                org_unit_id: unit.id,
                role_id: role.id,
                password_hash: hash,
            };
            let user = match store.create_user(&new).await {
                Ok(u) => u,
                Err(StoreError::Duplicate(_)) => bail!("username '{username}' is already taken / 登录名已存在"),
                Err(e) => return Err(e).context("creating the user"),
            };
            println!("created user {} (id {}, role {}, {})", user.username, user.id, user.role_code, unit.name);
        }
        UserCommand::Passwd { username, password } => {
            check_password(&password)?;
            let (user, _) = find_user(&store, &username).await?;
            let hash = hash_password(&password)?;
            store.set_password_hash(user.id, &hash).await.context("storing the new password")?;
            println!("password of {} changed; their sessions were ended", user.username);
        }
        UserCommand::List => {
            let users = store.users(&Scope::All).await.context("listing users")?;
            let rows: Vec<Vec<String>> = users
                .into_iter()
                .map(|u| {
                    vec![
                        u.id.to_string(),
                        u.username,
                        u.display_name,
                        u.role_code,
                        u.org_unit_name,
                        if u.active { "yes".into() } else { "no".into() },
                    ]
                })
                .collect();
            print!("{}", table(&["id", "username", "name", "role", "org", "active"], &rows));
        }
    }
    Ok(())
}

/// Runs a `token` subcommand.
pub async fn token(config: &Config, cmd: TokenCommand) -> Result<()> {
    let store = config.open_store().await?;
    match cmd {
        TokenCommand::Create { username, name } => {
            if name.trim().is_empty() {
                bail!("--name must not be empty / 令牌用途不能为空");
            }
            let (user, _) = find_user(&store, &username).await?;
            let (secret, hash, prefix) = cloop_server::password::new_api_token();
            let t = store.create_api_token(user.id, name.trim(), &hash, &prefix).await.context("storing the token")?;
            println!(
                "token {} created for {} (id {}). It is shown only this once / 令牌只显示这一次:",
                t.name, user.username, t.id
            );
            println!("{secret}");
        }
        TokenCommand::List => {
            let tokens = store.api_tokens(None).await.context("listing tokens")?;
            let users = store.users(&Scope::All).await.context("listing users")?;
            let rows: Vec<Vec<String>> = tokens
                .into_iter()
                .map(|t| {
                    let owner = users.iter().find(|u| u.id == t.user_id).map_or("?", |u| u.username.as_str());
                    vec![
                        t.id.to_string(),
                        t.name,
                        format!("{}…", t.token_prefix),
                        owner.to_owned(),
                        t.created_at.format("%Y-%m-%d %H:%M").to_string(),
                        t.revoked_at.map_or_else(String::new, |r| r.format("%Y-%m-%d %H:%M").to_string()),
                    ]
                })
                .collect();
            print!("{}", table(&["id", "name", "prefix", "user", "created", "revoked"], &rows));
        }
        TokenCommand::Revoke { id } => match store.revoke_api_token(id).await {
            Ok(()) => println!("token {id} revoked"),
            Err(StoreError::NotFound(_)) => bail!("no live token with id {id} / 令牌不存在或已吊销"),
            Err(e) => return Err(e).context("revoking the token"),
        },
    }
    Ok(())
}

/// Runs a `categories` subcommand.
pub async fn categories(config: &Config, cmd: CategoriesCommand) -> Result<()> {
    let store = config.open_store().await?;
    match cmd {
        CategoriesCommand::List => {
            let all = store.categories().await.context("listing categories")?;
            if all.is_empty() {
                println!("(no categories yet)");
            }
            let nodes: Vec<TreeNode> = all
                .iter()
                .map(|c| TreeNode {
                    id: c.id,
                    parent_id: c.parent_id,
                    label: format!(
                        "{} {} ({}){}",
                        c.name,
                        c.name_en,
                        c.code,
                        if c.active { "" } else { " [inactive]" }
                    ),
                })
                .collect();
            print!("{}", tree(&nodes));
        }
    }
    Ok(())
}

/// Runs an `org` subcommand.
pub async fn org(config: &Config, cmd: OrgCommand) -> Result<()> {
    let store = config.open_store().await?;
    match cmd {
        OrgCommand::List => {
            let mut units = store.org_units().await.context("listing organisation units")?;
            // Creation order reads better than the materialised path's string order.
            units.sort_by_key(|u| u.id);
            let users = store.users(&Scope::All).await.context("listing users")?;
            let nodes: Vec<TreeNode> = units
                .iter()
                .map(|u| {
                    let n = users.iter().filter(|x| x.org_unit_id == u.id).count();
                    let people = match n {
                        0 => String::new(),
                        1 => ", 1 user".to_owned(),
                        n => format!(", {n} users"),
                    };
                    TreeNode {
                        id: u.id,
                        parent_id: u.parent_id,
                        label: format!("{} ({}, {}{people})", u.name, u.code, u.kind),
                    }
                })
                .collect();
            print!("{}", tree(&nodes));
        }
    }
    Ok(())
}

async fn find_user(store: &Store, username: &str) -> Result<(cloop_store::accounts::User, String)> {
    store
        .user_by_username(username)
        .await
        .context("looking up the user")?
        .ok_or_else(|| anyhow!("no user named '{username}' (see `cloop user list`) / 用户不存在"))
}

fn check_username(username: &str) -> Result<()> {
    let ok = (1..=64).contains(&username.chars().count())
        && username.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c));
    if !ok {
        bail!("invalid username '{username}': 1–64 letters, digits or . _ - @ / 登录名格式不正确");
    }
    Ok(())
}

fn check_password(password: &str) -> Result<()> {
    let min = cloop_server::password::MIN_LENGTH;
    if password.chars().count() < min {
        bail!("the password must have at least {min} characters / 密码至少 {min} 个字符");
    }
    Ok(())
}

fn hash_password(password: &str) -> Result<String> {
    cloop_server::password::hash(password).map_err(|e| anyhow!("hashing the password: {e}"))
}

/// One node of a printed tree.
struct TreeNode {
    id: i64,
    parent_id: Option<i64>,
    label: String,
}

/// Prints nodes as an indented tree (children under their parents, in the given order).
fn tree(nodes: &[TreeNode]) -> String {
    fn walk(nodes: &[TreeNode], parent: Option<i64>, prefix: &str, out: &mut String) {
        let children: Vec<&TreeNode> = nodes.iter().filter(|n| n.parent_id == parent).collect();
        for (i, n) in children.iter().enumerate() {
            let last = i + 1 == children.len();
            if parent.is_none() {
                out.push_str(&format!("{}\n", n.label));
                walk(nodes, Some(n.id), "", out);
            } else {
                out.push_str(&format!("{prefix}{}{}\n", if last { "└─ " } else { "├─ " }, n.label));
                walk(nodes, Some(n.id), &format!("{prefix}{}", if last { "   " } else { "│  " }), out);
            }
        }
    }
    let mut out = String::new();
    // Roots are nodes without a parent, or whose parent is missing from the list.
    let ids: Vec<i64> = nodes.iter().map(|n| n.id).collect();
    let orphans: Vec<TreeNode> = nodes
        .iter()
        .map(|n| TreeNode { id: n.id, parent_id: n.parent_id.filter(|p| ids.contains(p)), label: n.label.clone() })
        .collect();
    walk(&orphans, None, "", &mut out);
    out
}

/// Formats rows as a left-aligned text table (widths by characters; CJK counts double).
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let width = |s: &str| s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum::<usize>();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let mut s = String::new();
        for (i, c) in cells.enumerate() {
            s.push_str(c);
            if i + 1 < widths.len() {
                s.push_str(&" ".repeat(widths[i] - width(c) + 2));
            }
        }
        s.trim_end().to_owned() + "\n"
    };
    let mut out = line(&mut headers.iter().copied());
    out.push_str(&line(&mut widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str)));
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_print_children_under_their_parents() {
        let n = |id, parent_id, label: &str| TreeNode { id, parent_id, label: label.into() };
        let out = tree(&[n(1, None, "group"), n(2, Some(1), "a"), n(3, Some(2), "a1"), n(4, Some(1), "b")]);
        assert_eq!(out, "group\n├─ a\n│  └─ a1\n└─ b\n");
    }

    #[test]
    fn tables_align_chinese_text() {
        let out = table(&["user", "role"], &[vec!["张三".into(), "agent".into()]]);
        assert_eq!(out, "user  role\n----  -----\n张三  agent\n");
    }
}
