//! Request extractors: JSON bodies whose every failure (wrong content type, malformed JSON,
//! unknown or mistyped fields) becomes an [`ApiError`] naming the field, and the authenticated
//! [`Principal`] from a session cookie (with CSRF check) or an API token.

use crate::error::ApiError;
use crate::{AppState, password};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum_extra::extract::CookieJar;
use cloop_domain::{Actor, FieldError, OrgUnitId, Permission};
use cloop_store::Scope;
use cloop_store::accounts::User;
use serde::de::DeserializeOwned;

/// Name of the session cookie (HttpOnly).
pub const SESSION_COOKIE: &str = "cloop_session";
/// Name of the cookie carrying the CSRF token for the web UI to echo (readable by scripts).
pub const CSRF_COOKIE: &str = "cloop_csrf";
/// Header that must echo the CSRF token on unsafe requests authenticated by cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A JSON body with our error answers.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请求体必须是 JSON（Content-Type: application/json）",
                "the body must be JSON (Content-Type: application/json)",
            )),
            Err(JsonRejection::JsonDataError(e)) => {
                // serde's message names the path, e.g. "customer.phone: invalid type …" or
                // "unknown field `x`".
                let detail = e.body_text();
                let field = field_from_serde(&detail);
                Err(ApiError::fields(vec![FieldError {
                    field,
                    code: if detail.contains("unknown field") { "unknown_field" } else { "invalid_value" },
                    message: cloop_domain::Text::new(format!("字段无效：{detail}"), format!("invalid field: {detail}")),
                }]))
            }
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                &format!("JSON 格式错误：{}", e.body_text()),
                &format!("malformed JSON: {}", e.body_text()),
            )),
            Err(JsonRejection::BytesRejection(e)) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large()),
            Err(e) => Err(ApiError::new(e.status(), "bad_request", "请求无效", &e.body_text())),
        }
    }
}

/// 413 answer.
pub fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "请求体过大", "the request body is too large")
}

/// Pulls the field path out of a serde error text.
fn field_from_serde(detail: &str) -> String {
    // axum: "Failed to deserialize the JSON body into the target type: customer.phone: invalid type…"
    let rest = detail.split_once("target type: ").map_or(detail, |(_, r)| r);
    if let Some(start) = rest.find("unknown field `") {
        let name = &rest[start + 15..];
        let name = name.split('`').next().unwrap_or_default();
        let prefix = rest[..start].trim_end_matches(": ").trim();
        // serde_path_to_error's path already ends with the unknown field ("customer.age: unknown
        // field `age`"); older texts stop at its parent.
        return if prefix.is_empty() || prefix.contains(' ') {
            name.into()
        } else if prefix == name || prefix.ends_with(&format!(".{name}")) {
            prefix.into()
        } else {
            format!("{prefix}.{name}")
        };
    }
    if let Some(start) = rest.find("missing field `") {
        let name = rest[start + 15..].split('`').next().unwrap_or_default();
        return name.into();
    }
    match rest.split_once(": ") {
        Some((path, _)) if !path.contains(' ') => path.into(),
        _ => "body".into(),
    }
}

/// How a request was authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    /// Browser session (cookie).
    Session {
        /// The session's token hash.
        token_hash: String,
    },
    /// API token.
    Token,
}

/// The authenticated staff user of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user record.
    pub user: User,
    /// What the domain needs to decide their commands.
    pub actor: Actor,
    /// What data they see.
    pub scope: Scope,
    /// How they authenticated.
    pub via: Via,
}

impl Principal {
    /// Refuses unless the user holds `p`.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.actor.can(p) { Ok(()) } else { Err(ApiError::forbidden(p)) }
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or_else(ApiError::unauthenticated)?;
            let hash = password::token_hash(token);
            if let Some(p) = state.cached_token(&hash) {
                return Ok(p);
            }
            let user_id = state.store().api_token_user(&hash).await?.ok_or_else(ApiError::unauthenticated)?;
            let p = principal(state, user_id, Via::Token).await?;
            state.cache_token(hash, p.clone());
            return Ok(p);
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()).ok_or_else(ApiError::unauthenticated)?;
        let token_hash = password::token_hash(&token);
        let session = state.store().session(&token_hash, state.now()).await?.ok_or_else(ApiError::unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            if !constant_time_eq(sent.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "安全校验失败，请刷新页面后重试",
                    "CSRF check failed; reload the page and try again",
                ));
            }
        }
        principal(state, session.user_id, Via::Session { token_hash }).await
    }
}

async fn principal(state: &AppState, user_id: i64, via: Via) -> Result<Principal, ApiError> {
    let (actor, user) = state.store().actor(user_id).await?;
    if !user.active {
        return Err(ApiError::unauthenticated());
    }
    let scope = Scope::Under(state.store().scope_path(OrgUnitId(user.org_unit_id)).await?);
    Ok(Principal { user, actor, scope, via })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_paths_become_field_names() {
        assert_eq!(
            field_from_serde(
                "Failed to deserialize the JSON body into the target type: customer.phone: invalid type: integer `1`, expected a string at line 1 column 2"
            ),
            "customer.phone"
        );
        assert_eq!(
            field_from_serde(
                "Failed to deserialize the JSON body into the target type: unknown field `colour`, expected one of `a`, `b`"
            ),
            "colour"
        );
        assert_eq!(
            field_from_serde(
                "Failed to deserialize the JSON body into the target type: customer: unknown field `age`, expected `name`"
            ),
            "customer.age"
        );
        // What axum 0.8 actually says: the path includes the unknown field.
        assert_eq!(
            field_from_serde(
                "Failed to deserialize the JSON body into the target type: colour: unknown field `colour`, expected one of `a`"
            ),
            "colour"
        );
        assert_eq!(
            field_from_serde(
                "Failed to deserialize the JSON body into the target type: customer.age: unknown field `age`, expected `name`"
            ),
            "customer.age"
        );
        assert_eq!(
            field_from_serde(
                "Failed to deserialize the JSON body into the target type: missing field `content` at line 1"
            ),
            "content"
        );
    }
}

/// Path parameters, with one that does not parse (`/routing/rules/abc`) answered as the API's
/// usual 422 naming `path` (axum's own `Path` answers plain text).
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(ApiPath(p.0)),
            Err(e) => Err(FieldError::new(
                "path",
                "invalid_path",
                &format!("路径参数无效：{}", e.body_text()),
                &format!("invalid path parameter: {}", e.body_text()),
            )
            .into()),
        }
    }
}

/// Query parameters, with a malformed query answered as the API's usual 422 naming `query`
/// (axum's own `Query` answers plain text).
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(ApiQuery(q.0)),
            Err(e) => Err(FieldError::new(
                "query",
                "invalid_query",
                &format!("查询参数无效：{}", e.body_text()),
                &format!("invalid query: {}", e.body_text()),
            )
            .into()),
        }
    }
}
