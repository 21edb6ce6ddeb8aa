//! Login, logout, the current user and password changes. Sessions are random tokens kept only
//! as hashes; the cookie is HttpOnly and SameSite=Lax, and a CSRF token (returned at login and
//! in a readable cookie) must be echoed on every write.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, CSRF_COOKIE, Principal, SESSION_COOKIE, Via};
use crate::routes::dto::{PermissionDto, UserDto};
use crate::{AppState, password};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use cloop_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How long a session lasts.
const SESSION_HOURS: i64 = 12;

/// Login request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// The logged-in user and the CSRF token to echo in `X-CSRF-Token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    /// The user.
    pub user: UserDto,
    /// What the user may do.
    pub permissions: Vec<PermissionDto>,
    /// Echo this in `X-CSRF-Token` on writes.
    pub csrf_token: String,
}

/// Password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub current_password: String,
    /// The new password (at least 8 characters).
    pub new_password: String,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
}

fn permissions_of(p: &Principal) -> Vec<PermissionDto> {
    p.actor.permissions.iter().map(|&x| PermissionDto::from(x)).collect()
}

/// Starts a session.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionDto), (status = 401, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, Json<SessionDto>)> {
    let mut errors = Vec::new();
    if req.username.trim().is_empty() {
        errors.push(FieldError::new("username", "required", "请输入用户名", "username is required"));
    }
    if req.password.is_empty() {
        errors.push(FieldError::new("password", "required", "请输入密码", "password is required"));
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let found = state.store().user_by_username(req.username.trim()).await?;
    // Verify against a dummy hash when the user does not exist, so timing does not tell.
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), h),
        None => (None, password::hash("timing-equaliser").unwrap_or_default()),
    };
    let ok = password::verify_blocking(req.password, hash).await;
    let user = match user {
        Some(u) if ok && u.active => u,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "用户名或密码错误",
                "wrong username or password",
            ));
        }
    };
    let token = password::random_secret();
    let csrf = password::random_secret();
    let expires = state.now() + chrono::Duration::hours(SESSION_HOURS);
    state.store().create_session(user.id, &password::token_hash(&token), &csrf, expires).await?;
    state.store().audit(Some(user.id), "auth.login", &format!("user:{}", user.id), serde_json::json!({})).await?;
    let (actor, user) = state.store().actor(user.id).await?;
    let secure = state.config().secure_cookies;
    let jar = jar
        .add(
            Cookie::build((SESSION_COOKIE, token))
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(secure)
                .path("/")
                .build(),
        )
        .add(Cookie::build((CSRF_COOKIE, csrf.clone())).same_site(SameSite::Lax).secure(secure).path("/").build());
    let permissions = actor.permissions.iter().map(|&x| PermissionDto::from(x)).collect();
    Ok((jar, Json(SessionDto { user: user.into(), permissions, csrf_token: csrf })))
}

/// Ends the session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = crate::error::ErrorResponse)))]
async fn logout(State(state): State<AppState>, p: Principal, jar: CookieJar) -> ApiResult<(CookieJar, StatusCode)> {
    if let Via::Session { token_hash } = &p.via {
        state.store().delete_session(token_hash).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/")).remove(Cookie::build(CSRF_COOKIE).path("/"));
    Ok((jar, StatusCode::NO_CONTENT))
}

/// The current user.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = SessionDto), (status = 401, body = crate::error::ErrorResponse)))]
async fn me(State(state): State<AppState>, p: Principal, jar: CookieJar) -> ApiResult<Json<SessionDto>> {
    let csrf = match &p.via {
        Via::Session { token_hash } => state.store().session(token_hash, state.now()).await?.map(|s| s.csrf_token),
        Via::Token => None,
    };
    let _ = jar;
    Ok(Json(SessionDto { permissions: permissions_of(&p), user: p.user.into(), csrf_token: csrf.unwrap_or_default() }))
}

/// Changes the current user's password (ends all their sessions).
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204), (status = 401, body = crate::error::ErrorResponse), (status = 422, body = crate::error::ErrorResponse)))]
async fn change_password(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let (_, hash) = state.store().user_with_hash(p.user.id).await?;
    if !password::verify_blocking(req.current_password, hash).await {
        return Err(FieldError::new(
            "current_password",
            "wrong_password",
            "当前密码不正确",
            "the current password is wrong",
        )
        .into());
    }
    check_new_password(&req.new_password)?;
    let hash = password::hash_blocking(req.new_password).await.map_err(|_| ApiError::internal())?;
    state.store().set_password_hash(p.user.id, &hash).await?;
    state
        .store()
        .audit(Some(p.user.id), "auth.password", &format!("user:{}", p.user.id), serde_json::json!({}))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The password rule, shared with user administration.
pub fn check_new_password(pw: &str) -> Result<(), FieldError> {
    if pw.chars().count() < password::MIN_LENGTH {
        return Err(FieldError::new(
            "new_password",
            "too_short",
            &format!("密码至少 {} 个字符", password::MIN_LENGTH),
            &format!("the password needs at least {} characters", password::MIN_LENGTH),
        ));
    }
    Ok(())
}
