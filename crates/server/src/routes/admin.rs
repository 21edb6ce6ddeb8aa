//! Administration: the organisation tree, users, roles, categories, the remedy authority
//! matrix, API tokens and the audit log; plus `meta`, the vocabulary (states, channels,
//! measures …) with labels for forms. Every change is written to the audit log.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Principal};
use crate::password;
use crate::routes::auth::check_new_password;
use crate::routes::dto::{PermissionDto, UserDto};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cloop_domain::validate::{email, required_text};
use cloop_domain::*;
use cloop_store::Scope;
use cloop_store::accounts::{ApiToken, AuditEntry, AuditFilter, NewUser};
use cloop_store::org::{Category, ORG_KINDS, OrgUnit};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(org_units, create_org_unit))
        .routes(routes!(users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(roles, create_role))
        .routes(routes!(update_role))
        .routes(routes!(categories, create_category))
        .routes(routes!(update_category))
        .routes(routes!(authority, set_authority))
        .routes(routes!(tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(audit_log))
        .routes(routes!(meta))
}

fn code_field(field: &str, v: &str) -> Result<String, FieldError> {
    let v = v.trim();
    if v.is_empty() || v.len() > 64 || !v.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err(FieldError::new(
            field,
            "invalid_code",
            "编码只能包含字母、数字、点、下划线和连字符（1–64 个）",
            "codes are 1–64 letters, digits, dots, underscores or hyphens",
        ));
    }
    Ok(v.to_owned())
}

/// An organisation node to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitRequest {
    /// Parent node.
    pub parent_id: i64,
    /// `company`, `department` or `team`.
    pub kind: String,
    /// Unique code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
}

/// A node of the organisation tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgUnitDto {
    /// Id.
    pub id: i64,
    /// Parent.
    pub parent_id: Option<i64>,
    /// Kind.
    pub kind: String,
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Materialised path.
    pub path: String,
}

impl From<OrgUnit> for OrgUnitDto {
    fn from(u: OrgUnit) -> Self {
        Self {
            id: u.id,
            parent_id: u.parent_id,
            kind: u.kind,
            code: u.code,
            name: u.name,
            name_en: u.name_en,
            path: u.path,
        }
    }
}

/// The organisation tree within the caller's scope (parents first).
#[utoipa::path(get, path = "/api/v1/org-units", tag = "admin", responses((status = 200, body = Vec<OrgUnitDto>)))]
async fn org_units(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Vec<OrgUnitDto>>> {
    let all = state.store().org_units().await?;
    // Everyone sees their own branch (for assignment forms); admins see the whole tree.
    let visible = all
        .into_iter()
        .filter(|u| p.actor.can(Permission::AdminOrg) || matches!(&p.scope, Scope::Under(path) if u.path.starts_with(path.as_str()) || path.starts_with(u.path.as_str())) || p.actor.can(Permission::Assign))
        .map(Into::into)
        .collect();
    Ok(Json(visible))
}

/// Adds a node.
#[utoipa::path(post, path = "/api/v1/org-units", tag = "admin", request_body = OrgUnitRequest,
    responses((status = 201, body = OrgUnitDto), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn create_org_unit(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<OrgUnitRequest>,
) -> ApiResult<(StatusCode, Json<OrgUnitDto>)> {
    p.require(Permission::AdminOrg)?;
    let mut errors = Vec::new();
    let code = code_field("code", &req.code).map_err(|e| errors.push(e)).ok();
    let name = required_text("name", &req.name, 100).map_err(|e| errors.push(e)).ok();
    if !ORG_KINDS[1..].contains(&req.kind.as_str()) {
        errors.push(FieldError::new(
            "kind",
            "invalid_kind",
            "类型只能是 company、department 或 team",
            "kind must be company, department or team",
        ));
    }
    let parent = state.store().org_unit(req.parent_id).await.ok();
    if parent.is_none() {
        errors.push(FieldError::new("parent_id", "unknown_parent", "上级组织不存在", "unknown parent"));
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let name = name.expect("checked");
    let name_en = req.name_en.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(&name).to_owned();
    let unit =
        state.store().create_org_unit(Some(req.parent_id), &req.kind, &code.expect("checked"), &name, &name_en).await?;
    state
        .store()
        .audit(Some(p.user.id), "admin.org.create", &format!("org:{}", unit.id), serde_json::json!({"code": unit.code}))
        .await?;
    Ok((StatusCode::CREATED, Json(unit.into())))
}

/// Users within the caller's scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", responses((status = 200, body = Vec<UserDto>)))]
async fn users(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Vec<UserDto>>> {
    p.require(Permission::View)?;
    let scope = if p.actor.can(Permission::AdminUsers) || p.actor.can(Permission::Assign) {
        Scope::All
    } else {
        p.scope.clone()
    };
    Ok(Json(state.store().users(&scope).await?.into_iter().map(Into::into).collect()))
}

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Login name (letters, digits, `.`, `_`, `-`).
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Initial password (at least 8 characters).
    pub password: String,
    /// Email.
    pub email: Option<String>,
    /// Organisation node.
    pub org_unit_id: i64,
    /// Role.
    pub role_id: i64,
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = CreateUserRequest,
    responses((status = 201, body = UserDto), (status = 409, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn create_user(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> ApiResult<(StatusCode, Json<UserDto>)> {
    p.require(Permission::AdminUsers)?;
    let mut errors = Vec::new();
    let username = code_field("username", &req.username).map_err(|e| errors.push(e)).ok();
    let display_name = required_text("display_name", &req.display_name, 50).map_err(|e| errors.push(e)).ok();
    let em = req
        .email
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|v| email("email", v).map_err(|e| errors.push(e)).ok());
    if let Err(mut e) = check_new_password(&req.password) {
        e.field = "password".into();
        errors.push(e);
    }
    if state.store().org_unit(req.org_unit_id).await.is_err() {
        errors.push(FieldError::new("org_unit_id", "unknown_org_unit", "组织不存在", "unknown organisation node"));
    }
    if state.store().role(req.role_id).await.is_err() {
        errors.push(FieldError::new("role_id", "unknown_role", "角色不存在", "unknown role"));
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let hash = password::hash_blocking(req.password).await.map_err(|_| ApiError::internal())?;
    let user = state
        .store()
        .create_user(&NewUser {
            username: username.expect("checked"),
            display_name: display_name.expect("checked"),
            email: em,
            org_unit_id: req.org_unit_id,
            role_id: req.role_id,
            password_hash: hash,
        })
        .await?;
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.user.create",
            &format!("user:{}", user.id),
            serde_json::json!({"username": user.username}),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// Changes to a user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// Display name.
    pub display_name: String,
    /// Email.
    pub email: Option<String>,
    /// Organisation node.
    pub org_unit_id: i64,
    /// Role.
    pub role_id: i64,
    /// May log in.
    pub active: bool,
    /// A new password (optional; ends the user's sessions).
    pub password: Option<String>,
}

/// Updates a user.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "admin", params(("id" = i64, Path, description = "User id")), request_body = UpdateUserRequest,
    responses((status = 200, body = UserDto), (status = 404, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn update_user(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateUserRequest>,
) -> ApiResult<Json<UserDto>> {
    p.require(Permission::AdminUsers)?;
    let display_name = required_text("display_name", &req.display_name, 50)?;
    let em = req.email.as_deref().filter(|s| !s.trim().is_empty()).map(|v| email("email", v)).transpose()?;
    if let Some(pw) = &req.password {
        check_new_password(pw).map_err(|mut e| {
            e.field = "password".into();
            e
        })?;
    }
    if id == p.user.id && !req.active {
        return Err(FieldError::new(
            "active",
            "cannot_deactivate_self",
            "不能停用自己的账号",
            "you cannot deactivate your own account",
        )
        .into());
    }
    let user =
        state.store().update_user(id, &display_name, em.as_deref(), req.org_unit_id, req.role_id, req.active).await?;
    if let Some(pw) = req.password {
        let hash = password::hash_blocking(pw).await.map_err(|_| ApiError::internal())?;
        state.store().set_password_hash(id, &hash).await?;
    }
    state.clear_token_cache();
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.user.update",
            &format!("user:{id}"),
            serde_json::json!({"role_id": req.role_id, "active": req.active}),
        )
        .await?;
    Ok(Json(user.into()))
}

/// A role.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDto {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Rank in the approval order.
    pub rank: i64,
    /// Permissions.
    pub permissions: Vec<PermissionDto>,
}

impl From<cloop_store::org::Role> for RoleDto {
    fn from(r: cloop_store::org::Role) -> Self {
        Self {
            id: r.id,
            code: r.code,
            name: r.name,
            name_en: r.name_en,
            rank: r.rank,
            permissions: r.permissions.into_iter().map(Into::into).collect(),
        }
    }
}

/// A role to create or change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    /// Code (creation only; ignored on update).
    pub code: Option<String>,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// Rank in the approval order (1–1000).
    pub rank: i64,
    /// Permission codes.
    pub permissions: Vec<String>,
}

fn parse_permissions(codes: &[String]) -> Result<Vec<Permission>, FieldError> {
    codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Permission::from_code(c).ok_or_else(|| {
                FieldError::new(format!("permissions[{i}]"), "unknown_permission", "权限不存在", "unknown permission")
            })
        })
        .collect()
}

/// All roles.
#[utoipa::path(get, path = "/api/v1/roles", tag = "admin", responses((status = 200, body = Vec<RoleDto>)))]
async fn roles(State(state): State<AppState>, _p: Principal) -> ApiResult<Json<Vec<RoleDto>>> {
    Ok(Json(state.store().roles().await?.into_iter().map(Into::into).collect()))
}

/// Creates a role.
#[utoipa::path(post, path = "/api/v1/roles", tag = "admin", request_body = RoleRequest,
    responses((status = 201, body = RoleDto), (status = 409, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn create_role(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<RoleRequest>,
) -> ApiResult<(StatusCode, Json<RoleDto>)> {
    p.require(Permission::AdminRoles)?;
    let code = code_field("code", req.code.as_deref().unwrap_or_default())?;
    let name = required_text("name", &req.name, 50)?;
    if !(1..=1000).contains(&req.rank) {
        return Err(FieldError::new("rank", "out_of_range", "级别为 1–1000", "rank must be 1–1000").into());
    }
    let perms = parse_permissions(&req.permissions)?;
    let name_en = req.name_en.clone().unwrap_or_else(|| name.clone());
    let role = state.store().create_role(&code, &name, &name_en, req.rank, &perms).await?;
    state
        .store()
        .audit(Some(p.user.id), "admin.role.create", &format!("role:{}", role.id), serde_json::json!({"code": code}))
        .await?;
    Ok((StatusCode::CREATED, Json(role.into())))
}

/// Changes a role's names, rank and permissions.
#[utoipa::path(put, path = "/api/v1/roles/{id}", tag = "admin", params(("id" = i64, Path, description = "Role id")), request_body = RoleRequest,
    responses((status = 200, body = RoleDto), (status = 404, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn update_role(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RoleRequest>,
) -> ApiResult<Json<RoleDto>> {
    p.require(Permission::AdminRoles)?;
    let name = required_text("name", &req.name, 50)?;
    if !(1..=1000).contains(&req.rank) {
        return Err(FieldError::new("rank", "out_of_range", "级别为 1–1000", "rank must be 1–1000").into());
    }
    let perms = parse_permissions(&req.permissions)?;
    let current = state.store().role(id).await?;
    if current.code == "admin" && !perms.contains(&Permission::AdminRoles) {
        return Err(FieldError::new(
            "permissions",
            "admin_lockout",
            "管理员角色必须保留角色管理权限",
            "the admin role must keep role administration",
        )
        .into());
    }
    let name_en = req.name_en.clone().unwrap_or_else(|| name.clone());
    let role = state.store().update_role(id, &name, &name_en, req.rank, &perms).await?;
    state.clear_token_cache();
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.role.update",
            &format!("role:{id}"),
            serde_json::json!({"permissions": req.permissions}),
        )
        .await?;
    Ok(Json(role.into()))
}

/// A category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryDto {
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

impl From<Category> for CategoryDto {
    fn from(c: Category) -> Self {
        Self {
            id: c.id,
            parent_id: c.parent_id,
            code: c.code,
            name: c.name,
            name_en: c.name_en,
            active: c.active,
            sort: c.sort,
        }
    }
}

/// A category to create or change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    /// Parent (creation only).
    pub parent_id: Option<i64>,
    /// Code (creation only).
    pub code: Option<String>,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// Offered for new complaints (default true).
    pub active: Option<bool>,
    /// Display order.
    pub sort: Option<i64>,
}

/// The category tree (flat, parents referenced by id).
#[utoipa::path(get, path = "/api/v1/categories", tag = "admin", responses((status = 200, body = Vec<CategoryDto>)))]
async fn categories(State(state): State<AppState>, _p: Principal) -> ApiResult<Json<Vec<CategoryDto>>> {
    Ok(Json(state.store().categories().await?.into_iter().map(Into::into).collect()))
}

/// Adds a category.
#[utoipa::path(post, path = "/api/v1/categories", tag = "admin", request_body = CategoryRequest,
    responses((status = 201, body = CategoryDto), (status = 409, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn create_category(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<CategoryRequest>,
) -> ApiResult<(StatusCode, Json<CategoryDto>)> {
    p.require(Permission::AdminCategories)?;
    let code = code_field("code", req.code.as_deref().unwrap_or_default())?;
    let name = required_text("name", &req.name, 50)?;
    if let Some(parent) = req.parent_id
        && state.store().category(parent).await.is_err()
    {
        return Err(FieldError::new("parent_id", "unknown_parent", "上级分类不存在", "unknown parent category").into());
    }
    let name_en = req.name_en.clone().unwrap_or_else(|| name.clone());
    let c = state.store().create_category(req.parent_id, &code, &name, &name_en, req.sort.unwrap_or(0)).await?;
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.category.create",
            &format!("category:{}", c.id),
            serde_json::json!({"code": code}),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// Renames, re-orders or (de)activates a category.
#[utoipa::path(put, path = "/api/v1/categories/{id}", tag = "admin", params(("id" = i64, Path, description = "Category id")), request_body = CategoryRequest,
    responses((status = 200, body = CategoryDto), (status = 404, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn update_category(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CategoryRequest>,
) -> ApiResult<Json<CategoryDto>> {
    p.require(Permission::AdminCategories)?;
    let current = state.store().category(id).await?;
    let name = required_text("name", &req.name, 50)?;
    let name_en = req.name_en.clone().unwrap_or(current.name_en);
    let c = state
        .store()
        .update_category(id, &name, &name_en, req.active.unwrap_or(current.active), req.sort.unwrap_or(current.sort))
        .await?;
    state
        .store()
        .audit(Some(p.user.id), "admin.category.update", &format!("category:{id}"), serde_json::json!({}))
        .await?;
    Ok(Json(c.into()))
}

/// One cell of the authority matrix.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorityCell {
    /// Role id.
    pub role_id: i64,
    /// Measure kind.
    pub measure: String,
    /// Limit in 元; `null` = the role may not grant this measure without approval.
    pub limit: Option<f64>,
}

/// The authority matrix: every role × measure limit.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorityDto {
    /// Roles (rows).
    pub roles: Vec<RoleDto>,
    /// Measure kinds (columns).
    pub measures: Vec<LabelDto>,
    /// The cells that are set.
    pub cells: Vec<AuthorityCell>,
}

/// The authority matrix.
#[utoipa::path(get, path = "/api/v1/authority", tag = "admin", responses((status = 200, body = AuthorityDto)))]
async fn authority(State(state): State<AppState>, _p: Principal) -> ApiResult<Json<AuthorityDto>> {
    let roles = state.store().roles().await?;
    let mut cells = Vec::new();
    for r in &roles {
        for (kind, limit) in state.store().role_limits(r.id).await?.0 {
            cells.push(AuthorityCell { role_id: r.id, measure: kind.code().into(), limit: Some(limit.yuan()) });
        }
    }
    Ok(Json(AuthorityDto {
        roles: roles.into_iter().map(Into::into).collect(),
        measures: MeasureKind::ALL.iter().map(|m| LabelDto::new(m.code(), m.label_zh(), m.label_en())).collect(),
        cells,
    }))
}

/// Sets one cell of the authority matrix.
#[utoipa::path(put, path = "/api/v1/authority", tag = "admin", request_body = AuthorityCell,
    responses((status = 200, body = AuthorityCell), (status = 403, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn set_authority(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<AuthorityCell>,
) -> ApiResult<Json<AuthorityCell>> {
    p.require(Permission::AdminAuthority)?;
    let kind = MeasureKind::from_code(&req.measure)
        .ok_or_else(|| FieldError::new("measure", "invalid_measure", "措施类型无效", "unknown measure kind"))?;
    let limit = req.limit.map(|y| Fen::from_yuan("limit", y)).transpose()?;
    state.store().set_authority_limit(req.role_id, kind, limit).await?;
    state.clear_token_cache();
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.authority",
            &format!("role:{}", req.role_id),
            serde_json::json!({"measure": req.measure, "limit": req.limit}),
        )
        .await?;
    Ok(Json(req))
}

/// A new API token (shown once).
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenDto {
    /// The token: send as `Authorization: Bearer <token>`. Not shown again.
    pub token: String,
    /// Its description.
    pub info: TokenDto,
}

/// An API token's description.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// First characters.
    pub token_prefix: String,
    /// The user it acts as.
    pub user_id: i64,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Revoked.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<ApiToken> for TokenDto {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            token_prefix: t.token_prefix,
            user_id: t.user_id,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What it is for.
    pub name: String,
    /// The user it acts as (default: yourself).
    pub user_id: Option<i64>,
}

/// API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "admin", responses((status = 200, body = Vec<TokenDto>)))]
async fn tokens(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Vec<TokenDto>>> {
    p.require(Permission::AdminTokens)?;
    Ok(Json(state.store().api_tokens(None).await?.into_iter().map(Into::into).collect()))
}

/// Creates an API token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "admin", request_body = TokenRequest,
    responses((status = 201, body = NewTokenDto), (status = 422, body = crate::error::ErrorResponse)))]
async fn create_token(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<NewTokenDto>)> {
    p.require(Permission::AdminTokens)?;
    let name = required_text("name", &req.name, 100)?;
    let user_id = req.user_id.unwrap_or(p.user.id);
    if state.store().user(user_id).await.is_err() {
        return Err(FieldError::new("user_id", "unknown_user", "用户不存在", "unknown user").into());
    }
    let (token, hash, prefix) = password::new_api_token();
    let info = state.store().create_api_token(user_id, &name, &hash, &prefix).await?;
    state
        .store()
        .audit(
            Some(p.user.id),
            "admin.token.create",
            &format!("token:{}", info.id),
            serde_json::json!({"user_id": user_id}),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(NewTokenDto { token, info: info.into() })))
}

/// Revokes an API token.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "admin", params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = crate::error::ErrorResponse)))]
async fn revoke_token(State(state): State<AppState>, p: Principal, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    p.require(Permission::AdminTokens)?;
    state.store().revoke_api_token(id).await?;
    state.clear_token_cache();
    state.store().audit(Some(p.user.id), "admin.token.revoke", &format!("token:{id}"), serde_json::json!({})).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An audit log entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditDto {
    /// Id.
    pub id: i64,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who.
    pub user_id: Option<i64>,
    /// What.
    pub action: String,
    /// On what, as `kind:id` (`customer:12`) or a name (`settings`).
    pub target: String,
    /// What the target names, as people read it: a user's or routing rule's name, a customer's
    /// masked name (`张*`), a role, category or unit; none for settings and for what is gone.
    pub target_name: Option<String>,
    /// Details.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl AuditDto {
    fn new(a: AuditEntry, target_name: Option<String>) -> Self {
        Self {
            id: a.id,
            at: a.at,
            user_id: a.user_id,
            action: a.action,
            target: a.target,
            target_name,
            detail: serde_json::from_str(&a.detail).unwrap_or_default(),
        }
    }
}

/// What an audit target (`kind:id`) names; see [`AuditDto::target_name`]. Personal data stays
/// masked here: the log says whose details were seen, not what they are.
async fn target_name(state: &AppState, target: &str) -> Option<String> {
    let (kind, id) = target.split_once(':')?;
    let id: i64 = id.parse().ok()?;
    let store = state.store();
    match kind {
        "user" => store.user(id).await.ok().map(|u| u.display_name),
        "customer" => store.customer(id).await.ok().map(|c| validate::mask_name(&c.name)),
        "role" => store.role(id).await.ok().map(|r| r.name),
        "category" => store.category(id).await.ok().map(|c| c.name),
        "org" => store.org_unit(id).await.ok().map(|u| u.name),
        "routing_rule" => store.routing_rule(id).await.ok().map(|r| r.name),
        "token" => store.api_tokens(None).await.ok()?.into_iter().find(|t| t.id == id).map(|t| t.name),
        _ => None,
    }
}

/// Which audit entries, and how many.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Of this action only (`pii.reveal`, `admin.routing_rule.update` …).
    pub action: Option<String>,
    /// By this user only.
    pub user_id: Option<i64>,
    /// On this target only, as the entries name it (`customer:12`, `user:3`).
    pub target: Option<String>,
    /// At or after this time.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this time.
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// Older than the entry with this id: the next page, after the last id of the one before.
    pub before: Option<i64>,
    /// 1–500, default 200.
    pub limit: Option<u64>,
}

/// Audit entries (sign-ins, reveals of personal data, administration), newest first: the newest
/// 200 without filters; filtered by action, user, target and time over the whole log; a page
/// shorter than `limit` is the last.
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, body = Vec<AuditDto>), (status = 422, body = crate::error::ErrorResponse)))]
async fn audit_log(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditDto>>> {
    p.require(Permission::Audit)?;
    let limit = q.limit.unwrap_or(200);
    let mut errors = Vec::new();
    if !(1..=500).contains(&limit) {
        errors.push(FieldError::new("limit", "out_of_range", "数量为 1–500", "limit must be 1–500"));
    }
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from >= to
    {
        errors.push(FieldError::new("to", "before_from", "结束时间须晚于开始时间", "to must be after from"));
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let filter = AuditFilter {
        action: q.action.filter(|a| !a.is_empty()),
        user_id: q.user_id,
        target: q.target.filter(|t| !t.is_empty()),
        from: q.from,
        to: q.to,
        before: q.before,
    };
    let entries = state.store().audit_entries(&filter, limit).await?;
    // A page names few targets (mostly the same users signing in): each is looked up once.
    let mut names: std::collections::HashMap<String, Option<String>> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for a in entries {
        let name = match names.get(&a.target) {
            Some(n) => n.clone(),
            None => {
                let n = target_name(&state, &a.target).await;
                names.insert(a.target.clone(), n.clone());
                n
            }
        };
        out.push(AuditDto::new(a, name));
    }
    Ok(Json(out))
}

/// A code with its labels.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabelDto {
    /// Code.
    pub code: String,
    /// Chinese label.
    pub name: String,
    /// English label.
    pub name_en: String,
}

impl LabelDto {
    fn new(code: &str, zh: &str, en: &str) -> Self {
        Self { code: code.into(), name: zh.into(), name_en: en.into() }
    }
}

/// The product's vocabulary with labels, for forms and filters.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetaDto {
    /// Loop states.
    pub states: Vec<LabelDto>,
    /// Severities.
    pub severities: Vec<LabelDto>,
    /// Channels.
    pub channels: Vec<LabelDto>,
    /// Remedy measures.
    pub measures: Vec<LabelDto>,
    /// Return visit methods.
    pub visit_methods: Vec<LabelDto>,
    /// Return visit outcomes.
    pub visit_outcomes: Vec<LabelDto>,
    /// External escalation bodies.
    pub external_bodies: Vec<LabelDto>,
    /// Customer tiers.
    pub tiers: Vec<LabelDto>,
    /// Permissions.
    pub permissions: Vec<PermissionDto>,
}

macro_rules! labels {
    ($t:ty) => {
        <$t>::ALL.iter().map(|x| LabelDto::new(x.code(), x.label_zh(), x.label_en())).collect()
    };
}

/// The vocabulary (no login needed).
#[utoipa::path(get, path = "/api/v1/meta", tag = "admin", responses((status = 200, body = MetaDto)))]
async fn meta() -> Json<MetaDto> {
    Json(MetaDto {
        states: labels!(cloop_domain::State),
        severities: labels!(Severity),
        channels: labels!(Channel),
        measures: labels!(MeasureKind),
        visit_methods: labels!(VisitMethod),
        visit_outcomes: labels!(VisitOutcome),
        external_bodies: labels!(ExternalBody),
        tiers: labels!(Tier),
        permissions: Permission::ALL.iter().map(|&p| p.into()).collect(),
    })
}
