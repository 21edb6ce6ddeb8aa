//! Staff accounts: users, login sessions, API tokens, and the audit log of sensitive actions
//! (revealing personal data, administration). Secrets are stored only as hashes; hashing
//! passwords is the server's job (argon2), tokens are high-entropy so SHA-256 suffices.

use crate::Store;
use crate::error::{StoreError, StoreResult};
use crate::org::dup;
use crate::scope::Scope;
use chrono::{DateTime, Utc};
use cloop_domain::*;
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

/// A staff user (never with the password hash).
#[derive(Debug, Clone, Serialize, FromQueryResult, PartialEq, Eq)]
pub struct User {
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
    /// Node name.
    pub org_unit_name: String,
    /// Node path (data scope).
    pub org_path: String,
    /// Role.
    pub role_id: i64,
    /// Role code.
    pub role_code: String,
    /// Role name.
    pub role_name: String,
    /// Whether the user may log in.
    pub active: bool,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Email.
    pub email: Option<String>,
    /// Organisation node.
    pub org_unit_id: i64,
    /// Role.
    pub role_id: i64,
    /// Argon2 PHC string.
    pub password_hash: String,
}

/// A login session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user.
    pub user_id: i64,
    /// The CSRF token bound to the session.
    pub csrf_token: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// An API token's public description.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct ApiToken {
    /// Id.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// First characters, to recognise it.
    pub token_prefix: String,
    /// The user it acts as.
    pub user_id: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Which audit entries to read; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Of this action (`pii.reveal`).
    pub action: Option<String>,
    /// By this user.
    pub user_id: Option<i64>,
    /// On this target (`customer:12`).
    pub target: Option<String>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
    /// Older than this entry (its id): the next page.
    pub before: Option<i64>,
}

/// One audit log entry.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct AuditEntry {
    /// Id.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub user_id: Option<i64>,
    /// What, e.g. `pii.reveal`.
    pub action: String,
    /// On what, e.g. `customer:12`.
    pub target: String,
    /// Details (JSON).
    pub detail: String,
}

fn user_query() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .columns([
            ("u", "id"),
            ("u", "username"),
            ("u", "display_name"),
            ("u", "email"),
            ("u", "org_unit_id"),
            ("u", "role_id"),
            ("u", "active"),
        ])
        .expr_as(Expr::col(("o", "name")), "org_unit_name")
        .expr_as(Expr::col(("o", "path")), "org_path")
        .expr_as(Expr::col(("r", "code")), "role_code")
        .expr_as(Expr::col(("r", "name")), "role_name")
        .from_as("users", "u")
        .join_as(JoinType::InnerJoin, "org_units", "o", Expr::col(("o", "id")).equals(("u", "org_unit_id")))
        .join_as(JoinType::InnerJoin, "roles", "r", Expr::col(("r", "id")).equals(("u", "role_id")))
        .to_owned()
}

impl Store {
    /// Creates a user.
    pub async fn create_user(&self, u: &NewUser) -> StoreResult<User> {
        self.org_unit(u.org_unit_id).await?;
        self.role(u.role_id).await?;
        let now = Utc::now();
        self.db
            .execute(
                &Query::insert()
                    .into_table("users")
                    .columns([
                        "username",
                        "display_name",
                        "email",
                        "org_unit_id",
                        "role_id",
                        "password_hash",
                        "active",
                        "created_at",
                        "updated_at",
                    ])
                    .values_panic([
                        u.username.clone().into(),
                        u.display_name.clone().into(),
                        u.email.clone().into(),
                        u.org_unit_id.into(),
                        u.role_id.into(),
                        u.password_hash.clone().into(),
                        true.into(),
                        now.into(),
                        now.into(),
                    ])
                    .to_owned(),
            )
            .await
            .map_err(|e| dup(e.into(), "username"))?;
        self.user_by_username(&u.username).await?.map(|(u, _)| u).ok_or(StoreError::NotFound("user"))
    }

    /// A user and their password hash, by login name.
    pub async fn user_by_username(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        let q =
            user_query().column(("u", "password_hash")).and_where(Expr::col(("u", "username")).eq(username)).to_owned();
        let Some(row) = self.db.query_one(&q).await? else { return Ok(None) };
        let user = User::from_query_result(&row, "")?;
        Ok(Some((user, row.try_get("", "password_hash")?)))
    }

    /// A user and their password hash, by id.
    pub async fn user_with_hash(&self, id: i64) -> StoreResult<(User, String)> {
        let q = user_query().column(("u", "password_hash")).and_where(Expr::col(("u", "id")).eq(id)).to_owned();
        let row = self.db.query_one(&q).await?.ok_or(StoreError::NotFound("user"))?;
        Ok((User::from_query_result(&row, "")?, row.try_get("", "password_hash")?))
    }

    /// One user.
    pub async fn user(&self, id: i64) -> StoreResult<User> {
        Ok(self.user_with_hash(id).await?.0)
    }

    /// Users within a scope (their node at or below the path).
    pub async fn users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        let mut q = user_query();
        if let Scope::Under(p) = scope {
            q.and_where(Expr::col(("o", "path")).like(format!("{p}%")));
        }
        q.order_by(("u", "id"), Order::Asc);
        Ok(User::find_by_statement(self.db.get_database_backend().build(&q)).all(&self.db).await?)
    }

    /// Changes a user's profile, node, role or active flag.
    pub async fn update_user(
        &self,
        id: i64,
        display_name: &str,
        email: Option<&str>,
        org_unit_id: i64,
        role_id: i64,
        active: bool,
    ) -> StoreResult<User> {
        self.org_unit(org_unit_id).await?;
        self.role(role_id).await?;
        let res = self
            .db
            .execute(
                &Query::update()
                    .table("users")
                    .values([
                        ("display_name", display_name.into()),
                        ("email", email.map(str::to_owned).into()),
                        ("org_unit_id", org_unit_id.into()),
                        ("role_id", role_id.into()),
                        ("active", active.into()),
                        ("updated_at", Utc::now().into()),
                    ])
                    .and_where(Expr::col("id").eq(id))
                    .to_owned(),
            )
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        if !active {
            self.delete_sessions_of(id).await?;
        }
        self.user(id).await
    }

    /// Replaces a user's password hash and ends their sessions.
    pub async fn set_password_hash(&self, id: i64, hash: &str) -> StoreResult<()> {
        let res = self
            .db
            .execute(
                &Query::update()
                    .table("users")
                    .values([("password_hash", hash.into()), ("updated_at", Utc::now().into())])
                    .and_where(Expr::col("id").eq(id))
                    .to_owned(),
            )
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        self.delete_sessions_of(id).await
    }

    /// What the domain needs to know about a user to decide their commands.
    pub async fn actor(&self, user_id: i64) -> StoreResult<(Actor, User)> {
        let user = self.user(user_id).await?;
        let role = self.role(user.role_id).await?;
        let limits = self.role_limits(role.id).await?;
        let actor = Actor {
            user_id: UserId(user.id),
            name: user.display_name.clone(),
            role: role.code,
            rank: role.rank as i32,
            permissions: role.permissions.into_iter().collect(),
            limits,
            org_unit_id: OrgUnitId(user.org_unit_id),
        };
        Ok((actor, user))
    }

    /// Stores a new session.
    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.db
            .execute(
                &Query::insert()
                    .into_table("sessions")
                    .columns(["token_hash", "user_id", "csrf_token", "created_at", "expires_at"])
                    .values_panic([
                        token_hash.into(),
                        user_id.into(),
                        csrf_token.into(),
                        Utc::now().into(),
                        expires_at.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    /// A live session by its token hash (expired ones are not returned).
    pub async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Session>> {
        let row = self
            .db
            .query_one(
                &Query::select()
                    .columns([("s", "user_id"), ("s", "csrf_token"), ("s", "expires_at")])
                    .from_as("sessions", "s")
                    .join_as(JoinType::InnerJoin, "users", "u", Expr::col(("u", "id")).equals(("s", "user_id")))
                    .and_where(Expr::col(("s", "token_hash")).eq(token_hash))
                    .and_where(Expr::col(("s", "expires_at")).gt(now))
                    .and_where(Expr::col(("u", "active")).eq(true))
                    .to_owned(),
            )
            .await?;
        row.map(|r| {
            Ok(Session {
                user_id: r.try_get("", "user_id")?,
                csrf_token: r.try_get("", "csrf_token")?,
                expires_at: r.try_get("", "expires_at")?,
            })
        })
        .transpose()
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.db
            .execute(
                &Query::delete().from_table("sessions").and_where(Expr::col("token_hash").eq(token_hash)).to_owned(),
            )
            .await?;
        Ok(())
    }

    /// Ends every session of a user.
    pub async fn delete_sessions_of(&self, user_id: i64) -> StoreResult<()> {
        self.db
            .execute(&Query::delete().from_table("sessions").and_where(Expr::col("user_id").eq(user_id)).to_owned())
            .await?;
        Ok(())
    }

    /// Stores a new API token (by hash).
    pub async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        prefix: &str,
    ) -> StoreResult<ApiToken> {
        self.user(user_id).await?;
        let row = self
            .db
            .query_one(
                &Query::insert()
                    .into_table("api_tokens")
                    .columns(["name", "token_hash", "token_prefix", "user_id", "created_at"])
                    .values_panic([name.into(), token_hash.into(), prefix.into(), user_id.into(), Utc::now().into()])
                    .returning_col("id")
                    .to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound("token"))?;
        let id: i64 = row.try_get("", "id")?;
        self.api_tokens(None).await?.into_iter().find(|t| t.id == id).ok_or(StoreError::NotFound("token"))
    }

    /// The user a live API token acts as.
    pub async fn api_token_user(&self, token_hash: &str) -> StoreResult<Option<i64>> {
        let row = self
            .db
            .query_one(
                &Query::select()
                    .column("user_id")
                    .from("api_tokens")
                    .and_where(Expr::col("token_hash").eq(token_hash))
                    .and_where(Expr::col("revoked_at").is_null())
                    .to_owned(),
            )
            .await?;
        row.map(|r| r.try_get("", "user_id")).transpose().map_err(Into::into)
    }

    /// Tokens, optionally of one user.
    pub async fn api_tokens(&self, user_id: Option<i64>) -> StoreResult<Vec<ApiToken>> {
        let mut q = Query::select();
        q.columns(["id", "name", "token_prefix", "user_id", "created_at", "revoked_at"])
            .from("api_tokens")
            .order_by("id", Order::Asc);
        if let Some(u) = user_id {
            q.and_where(Expr::col("user_id").eq(u));
        }
        Ok(ApiToken::find_by_statement(self.db.get_database_backend().build(&q)).all(&self.db).await?)
    }

    /// Revokes a token.
    pub async fn revoke_api_token(&self, id: i64) -> StoreResult<()> {
        let res = self
            .db
            .execute(
                &Query::update()
                    .table("api_tokens")
                    .value("revoked_at", Utc::now())
                    .and_where(Expr::col("id").eq(id))
                    .and_where(Expr::col("revoked_at").is_null())
                    .to_owned(),
            )
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound("token"));
        }
        Ok(())
    }

    /// Appends to the audit log.
    pub async fn audit(
        &self,
        user_id: Option<i64>,
        action: &str,
        target: &str,
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        self.db
            .execute(
                &Query::insert()
                    .into_table("audit_log")
                    .columns(["at", "user_id", "action", "target", "detail"])
                    .values_panic([
                        Utc::now().into(),
                        user_id.into(),
                        action.into(),
                        target.into(),
                        detail.to_string().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    /// Audit entries matching `filter`, newest first, at most `limit`: a page of the log, the next
    /// one asked for with `before` set to the last id of this one.
    pub async fn audit_entries(&self, filter: &AuditFilter, limit: u64) -> StoreResult<Vec<AuditEntry>> {
        let mut q = Query::select();
        q.columns(["id", "at", "user_id", "action", "target", "detail"])
            .from("audit_log")
            .order_by("id", Order::Desc)
            .limit(limit);
        if let Some(a) = &filter.action {
            q.and_where(Expr::col("action").eq(a.as_str()));
        }
        if let Some(u) = filter.user_id {
            q.and_where(Expr::col("user_id").eq(u));
        }
        if let Some(t) = &filter.target {
            q.and_where(Expr::col("target").eq(t.as_str()));
        }
        if let Some(from) = filter.from {
            q.and_where(Expr::col("at").gte(from));
        }
        if let Some(to) = filter.to {
            q.and_where(Expr::col("at").lt(to));
        }
        if let Some(before) = filter.before {
            q.and_where(Expr::col("id").lt(before));
        }
        Ok(AuditEntry::find_by_statement(self.db.get_database_backend().build(&q)).all(&self.db).await?)
    }
}
