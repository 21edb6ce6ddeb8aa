//! The organisation tree (group → company → department → team), roles with their permissions
//! and remedy limits, and the category tree — the admin's data.

use crate::Store;
use crate::error::{StoreError, StoreResult};
use chrono::Utc;
use cloop_domain::authority::RoleAuthority;
use cloop_domain::*;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait};
use serde::Serialize;
use std::collections::BTreeMap;

/// A node of the organisation tree.
#[derive(Debug, Clone, Serialize, FromQueryResult, PartialEq, Eq)]
pub struct OrgUnit {
    /// Id.
    pub id: i64,
    /// Parent node.
    pub parent_id: Option<i64>,
    /// `group`, `company`, `department` or `team`.
    pub kind: String,
    /// Unique code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Materialised path, e.g. `/1/4/9/`.
    pub path: String,
}

/// The kinds of organisation node, top to bottom.
pub const ORG_KINDS: [&str; 4] = ["group", "company", "department", "team"];

/// A role.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Role {
    /// Id.
    pub id: i64,
    /// Code, e.g. `supervisor`.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Rank in the approval order.
    pub rank: i64,
    /// Permissions.
    pub permissions: Vec<Permission>,
}

#[derive(Debug, FromQueryResult)]
struct RoleRow {
    id: i64,
    code: String,
    name: String,
    name_en: String,
    rank: i64,
    permissions: String,
}

impl RoleRow {
    fn into_role(self) -> Role {
        let codes: Vec<String> = serde_json::from_str(&self.permissions).unwrap_or_default();
        Role {
            id: self.id,
            code: self.code,
            name: self.name,
            name_en: self.name_en,
            rank: self.rank,
            permissions: codes.iter().filter_map(|c| Permission::from_code(c)).collect(),
        }
    }
}

/// A category.
#[derive(Debug, Clone, Serialize, FromQueryResult, PartialEq, Eq)]
pub struct Category {
    /// Id.
    pub id: i64,
    /// Parent.
    pub parent_id: Option<i64>,
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Offered for new complaints.
    pub active: bool,
    /// Display order.
    pub sort: i64,
}

impl Store {
    /// Adds a node under `parent` (none for the group root).
    pub async fn create_org_unit(
        &self,
        parent_id: Option<i64>,
        kind: &str,
        code: &str,
        name: &str,
        name_en: &str,
    ) -> StoreResult<OrgUnit> {
        if !ORG_KINDS.contains(&kind) {
            return Err(FieldError::new("kind", "invalid_kind", "组织类型无效", "unknown organisation kind").into());
        }
        let parent_path = match parent_id {
            Some(p) => Some(self.org_unit(p).await?.path),
            None => None,
        };
        let txn = self.db.begin().await?;
        let row = txn
            .query_one(
                &Query::insert()
                    .into_table("org_units")
                    .columns(["parent_id", "kind", "code", "name", "name_en", "path", "created_at"])
                    .values_panic([
                        parent_id.into(),
                        kind.into(),
                        code.into(),
                        name.into(),
                        name_en.into(),
                        "".into(),
                        Utc::now().into(),
                    ])
                    .returning_col("id")
                    .to_owned(),
            )
            .await
            .map_err(|e| dup(e.into(), "code"))?
            .ok_or(StoreError::NotFound("org unit"))?;
        let id: i64 = row.try_get("", "id")?;
        let path = format!("{}{id}/", parent_path.unwrap_or_else(|| "/".into()));
        txn.execute(
            &Query::update().table("org_units").value("path", path).and_where(Expr::col("id").eq(id)).to_owned(),
        )
        .await?;
        txn.commit().await?;
        self.org_unit(id).await
    }

    /// One node.
    pub async fn org_unit(&self, id: i64) -> StoreResult<OrgUnit> {
        // Nodes are never moved or renamed in place, so a cached node stays true; a miss (a node
        // created on another server) reads the database.
        if let Some(u) = self.org_cache.read().expect("org cache lock").get(&id) {
            return Ok(u.clone());
        }
        let unit = self.find_units(Expr::col("id").eq(id)).await?.pop().ok_or(StoreError::NotFound("org unit"))?;
        self.org_cache.write().expect("org cache lock").insert(id, unit.clone());
        Ok(unit)
    }

    /// One node by code.
    pub async fn org_unit_by_code(&self, code: &str) -> StoreResult<OrgUnit> {
        self.find_units(Expr::col("code").eq(code)).await?.pop().ok_or(StoreError::NotFound("org unit"))
    }

    /// The whole tree, parents before children.
    pub async fn org_units(&self) -> StoreResult<Vec<OrgUnit>> {
        self.find_units(Expr::value(true)).await
    }

    /// Nodes matching `cond`, parents before children (one place for the column list).
    async fn find_units(&self, cond: Expr) -> StoreResult<Vec<OrgUnit>> {
        let q = Query::select()
            .columns(["id", "parent_id", "kind", "code", "name", "name_en", "path"])
            .from("org_units")
            .and_where(cond)
            .order_by("path", Order::Asc)
            .to_owned();
        Ok(OrgUnit::find_by_statement(self.db.get_database_backend().build(&q)).all(&self.db).await?)
    }

    /// A node's path.
    pub async fn org_path(&self, id: OrgUnitId) -> StoreResult<String> {
        Ok(self.org_unit(id.0).await?.path)
    }

    /// The company a node belongs to (the nearest ancestor of kind `company`, or the node).
    pub async fn company_of(&self, unit: &OrgUnit) -> StoreResult<Option<OrgUnit>> {
        // Walk the path from the node up; each ancestor comes from the node cache.
        let ids: Vec<i64> = unit.path.split('/').filter_map(|s| s.parse().ok()).collect();
        for id in ids.into_iter().rev() {
            let u = self.org_unit(id).await?;
            if u.kind == "company" {
                return Ok(Some(u));
            }
        }
        Ok(None)
    }

    /// The path whose subtree a user of `unit` may see (DESIGN §11): their own node and below,
    /// except at group level — the root and the headquarters' own departments, which belong to
    /// no company — where it is the whole group.
    pub async fn scope_path(&self, unit: OrgUnitId) -> StoreResult<String> {
        let u = self.org_unit(unit.0).await?;
        if self.company_of(&u).await?.is_some() {
            return Ok(u.path);
        }
        let root = u.path.split('/').find(|s| !s.is_empty()).unwrap_or_default();
        Ok(format!("/{root}/"))
    }

    /// Paths of the group-level nodes: the root and every node not inside a company (the
    /// headquarters and its departments).
    pub async fn group_level_paths(&self) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for u in self.org_units().await? {
            if u.kind != "company" && self.company_of(&u).await?.is_none() {
                out.push(u.path);
            }
        }
        Ok(out)
    }

    /// Adds a role.
    pub async fn create_role(
        &self,
        code: &str,
        name: &str,
        name_en: &str,
        rank: i64,
        permissions: &[Permission],
    ) -> StoreResult<Role> {
        let perms: Vec<&str> = permissions.iter().map(|p| p.code()).collect();
        self.db
            .execute(
                &Query::insert()
                    .into_table("roles")
                    .columns(["code", "name", "name_en", "rank", "permissions", "created_at"])
                    .values_panic([
                        code.into(),
                        name.into(),
                        name_en.into(),
                        rank.into(),
                        serde_json::to_string(&perms).expect("json").into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await
            .map_err(|e| dup(e.into(), "code"))?;
        self.role_by_code(code).await
    }

    /// Changes a role's names, rank and permissions.
    pub async fn update_role(
        &self,
        id: i64,
        name: &str,
        name_en: &str,
        rank: i64,
        permissions: &[Permission],
    ) -> StoreResult<Role> {
        let perms: Vec<&str> = permissions.iter().map(|p| p.code()).collect();
        let res = self
            .db
            .execute(
                &Query::update()
                    .table("roles")
                    .values([
                        ("name", name.into()),
                        ("name_en", name_en.into()),
                        ("rank", rank.into()),
                        ("permissions", serde_json::to_string(&perms).expect("json").into()),
                    ])
                    .and_where(Expr::col("id").eq(id))
                    .to_owned(),
            )
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound("role"));
        }
        self.role(id).await
    }

    /// All roles, lowest rank first.
    pub async fn roles(&self) -> StoreResult<Vec<Role>> {
        self.find_roles(Expr::value(true)).await
    }

    /// One role.
    pub async fn role(&self, id: i64) -> StoreResult<Role> {
        self.find_roles(Expr::col("id").eq(id)).await?.pop().ok_or(StoreError::NotFound("role"))
    }

    /// One role by code.
    pub async fn role_by_code(&self, code: &str) -> StoreResult<Role> {
        self.find_roles(Expr::col("code").eq(code)).await?.pop().ok_or(StoreError::NotFound("role"))
    }

    /// Roles matching `cond`, lowest rank first (one place for the column list).
    async fn find_roles(&self, cond: Expr) -> StoreResult<Vec<Role>> {
        let q = Query::select()
            .columns(["id", "code", "name", "name_en", "rank", "permissions"])
            .from("roles")
            .and_where(cond)
            .order_by("rank", Order::Asc)
            .to_owned();
        Ok(RoleRow::find_by_statement(self.db.get_database_backend().build(&q))
            .all(&self.db)
            .await?
            .into_iter()
            .map(RoleRow::into_role)
            .collect())
    }

    /// One role's remedy limits.
    pub async fn role_limits(&self, role_id: i64) -> StoreResult<RoleLimits> {
        let rows = self
            .db
            .query_all(
                &Query::select()
                    .columns(["measure_kind", "limit_fen"])
                    .from("authority_limits")
                    .and_where(Expr::col("role_id").eq(role_id))
                    .to_owned(),
            )
            .await?;
        let mut map = BTreeMap::new();
        for r in rows {
            if let Some(kind) = MeasureKind::from_code(&r.try_get::<String>("", "measure_kind")?) {
                map.insert(kind, Fen(r.try_get("", "limit_fen")?));
            }
        }
        Ok(RoleLimits(map))
    }

    /// Sets (or, with `None`, removes) one cell of the authority matrix.
    pub async fn set_authority_limit(&self, role_id: i64, kind: MeasureKind, limit: Option<Fen>) -> StoreResult<()> {
        self.role(role_id).await?;
        match limit {
            Some(l) => {
                self.db
                    .execute(
                        &Query::insert()
                            .into_table("authority_limits")
                            .columns(["role_id", "measure_kind", "limit_fen"])
                            .values_panic([role_id.into(), kind.code().into(), l.0.into()])
                            .on_conflict(
                                OnConflict::columns(["role_id", "measure_kind"]).update_column("limit_fen").to_owned(),
                            )
                            .to_owned(),
                    )
                    .await?;
            }
            None => {
                self.db
                    .execute(
                        &Query::delete()
                            .from_table("authority_limits")
                            .and_where(Expr::col("role_id").eq(role_id))
                            .and_where(Expr::col("measure_kind").eq(kind.code()))
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// The whole authority matrix.
    pub async fn authority_matrix(&self) -> StoreResult<AuthorityMatrix> {
        let mut roles = Vec::new();
        for role in self.roles().await? {
            let limits = self.role_limits(role.id).await?;
            roles.push(RoleAuthority {
                can_approve: role.permissions.contains(&Permission::ApproveRemedy),
                role: role.code,
                rank: role.rank as i32,
                limits,
            });
        }
        Ok(AuthorityMatrix { roles })
    }

    /// Adds a category.
    pub async fn create_category(
        &self,
        parent_id: Option<i64>,
        code: &str,
        name: &str,
        name_en: &str,
        sort: i64,
    ) -> StoreResult<Category> {
        if let Some(p) = parent_id {
            self.category(p).await?;
        }
        self.db
            .execute(
                &Query::insert()
                    .into_table("categories")
                    .columns(["parent_id", "code", "name", "name_en", "active", "sort"])
                    .values_panic([
                        parent_id.into(),
                        code.into(),
                        name.into(),
                        name_en.into(),
                        true.into(),
                        sort.into(),
                    ])
                    .to_owned(),
            )
            .await
            .map_err(|e| dup(e.into(), "code"))?;
        self.category_by_code(code).await
    }

    /// Renames, re-orders or (de)activates a category.
    pub async fn update_category(
        &self,
        id: i64,
        name: &str,
        name_en: &str,
        active: bool,
        sort: i64,
    ) -> StoreResult<Category> {
        self.db
            .execute(
                &Query::update()
                    .table("categories")
                    .values([
                        ("name", name.into()),
                        ("name_en", name_en.into()),
                        ("active", active.into()),
                        ("sort", sort.into()),
                    ])
                    .and_where(Expr::col("id").eq(id))
                    .to_owned(),
            )
            .await?;
        self.category(id).await
    }

    /// All categories, in display order.
    pub async fn categories(&self) -> StoreResult<Vec<Category>> {
        Ok(Category::find_by_statement(
            self.db.get_database_backend().build(
                Query::select()
                    .columns(["id", "parent_id", "code", "name", "name_en", "active", "sort"])
                    .from("categories")
                    .order_by("sort", Order::Asc)
                    .order_by("id", Order::Asc),
            ),
        )
        .all(&self.db)
        .await?)
    }

    /// One category.
    pub async fn category(&self, id: i64) -> StoreResult<Category> {
        self.categories().await?.into_iter().find(|c| c.id == id).ok_or(StoreError::NotFound("category"))
    }

    /// One category by code.
    pub async fn category_by_code(&self, code: &str) -> StoreResult<Category> {
        self.categories().await?.into_iter().find(|c| c.code == code).ok_or(StoreError::NotFound("category"))
    }

    /// A category and all its descendants (a filter on a parent includes its children).
    pub async fn category_subtree(&self, id: i64) -> StoreResult<Vec<CategoryId>> {
        let all = self.categories().await?;
        if !all.iter().any(|c| c.id == id) {
            return Err(StoreError::NotFound("category"));
        }
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            let parent = out[i];
            out.extend(all.iter().filter(|c| c.parent_id == Some(parent)).map(|c| c.id));
            i += 1;
        }
        Ok(out.into_iter().map(CategoryId).collect())
    }
}

/// Turns a unique violation into [`StoreError::Duplicate`].
pub(crate) fn dup(e: StoreError, what: &'static str) -> StoreError {
    if e.is_unique_violation() { StoreError::Duplicate(what) } else { e }
}
