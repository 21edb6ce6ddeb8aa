//! The API's one error type. Every client error names a stable `code`, a message in zh-CN and
//! en, and, for validation, the fields at fault; internal errors are logged whole and answered
//! generically so nothing about the database leaks.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cloop_domain::error::RefusalKind;
use cloop_domain::{FieldError, Refusal, Text};
use cloop_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// A bilingual message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageDto {
    /// Chinese.
    #[serde(rename = "zh-CN")]
    pub zh: String,
    /// English.
    pub en: String,
}

impl From<Text> for MessageDto {
    fn from(t: Text) -> Self {
        Self { zh: t.zh, en: t.en }
    }
}

/// One field that failed validation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldErrorDto {
    /// Dotted path, e.g. `customer.phone`.
    pub field: String,
    /// Stable code, e.g. `invalid_phone`.
    pub code: String,
    /// What is wrong.
    pub message: MessageDto,
}

/// The body of every error answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable code, e.g. `validation_failed`, `wrong_state`, `missing_permission`.
    pub code: String,
    /// What is wrong.
    pub message: MessageDto,
    /// Fields at fault (validation errors).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldErrorDto>,
}

/// Wrapper so the JSON reads `{"error": {...}}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorResponse {
    /// The error.
    pub error: ErrorBody,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

/// Handler result.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with status, code and message.
    pub fn new(status: StatusCode, code: &str, zh: &str, en: &str) -> Self {
        Self { status, body: ErrorBody { code: code.into(), message: Text::new(zh, en).into(), fields: Vec::new() } }
    }

    /// 422 with the fields at fault.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "输入有误，请检查标出的字段",
            "some fields are not valid",
        );
        e.body.fields = errors
            .into_iter()
            .map(|f| FieldErrorDto { field: f.field, code: f.code.into(), message: f.message.into() })
            .collect();
        e
    }

    /// 401.
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录", "please log in")
    }

    /// 403 for a missing permission.
    pub fn forbidden(p: cloop_domain::Permission) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "missing_permission",
            &format!("缺少权限：{}", p.label_zh()),
            &format!("missing permission: {}", p.label_en()),
        )
    }

    /// 404.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("未找到：{}", zh_name(what)),
            &format!("{what} not found"),
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error code.
    pub fn code(&self) -> &str {
        &self.body.code
    }

    /// Code and message, for answers that report many outcomes.
    pub fn parts(self) -> (String, MessageDto) {
        (self.body.code, self.body.message)
    }
}

fn zh_name(what: &str) -> &str {
    match what {
        "complaint" => "投诉",
        "customer" => "客户",
        "user" => "用户",
        "role" => "角色",
        "category" => "分类",
        "org unit" => "组织",
        "attachment" => "附件",
        "token" => "令牌",
        "route" => "接口",
        _ => what,
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::fields(vec![e])
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let status = match r.kind {
            RefusalKind::WrongState => StatusCode::CONFLICT,
            RefusalKind::Forbidden => StatusCode::FORBIDDEN,
            RefusalKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let fields = match &r.field {
            Some(f) => vec![FieldErrorDto { field: f.clone(), code: r.code.into(), message: r.message.clone().into() }],
            None => Vec::new(),
        };
        Self { status, body: ErrorBody { code: r.code.into(), message: r.message.into(), fields } }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::not_found(what),
            StoreError::Refused(r) => r.into(),
            StoreError::Invalid(f) => f.into(),
            StoreError::InvalidFields(f) => Self::fields(f),
            StoreError::Conflict => Self::new(
                StatusCode::CONFLICT,
                "conflict",
                "投诉正被他人修改，请重试",
                "the complaint is being changed by someone else; try again",
            ),
            StoreError::Duplicate(what) => {
                let mut e = Self::new(StatusCode::CONFLICT, "duplicate", "该值已被使用", "that value is already taken");
                e.body.fields.push(FieldErrorDto {
                    field: what.into(),
                    code: "duplicate".into(),
                    message: Text::new("该值已被使用", "that value is already taken").into(),
                });
                e
            }
            StoreError::Closed => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "服务正在停止",
                "the service is shutting down",
            ),
            other => {
                tracing::error!(error = ?other, "internal error");
                Self::internal()
            }
        }
    }
}

impl ApiError {
    /// 500 without details.
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误", "internal server error")
    }
}

/// Runs CPU-bound work (segmenting, matching rules) off the async workers; a panic in it answers
/// 500 and is logged with `what`.
pub(crate) async fn off_the_workers<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> T + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!(error = %e, what, "blocking task failed");
        ApiError::internal()
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorResponse { error: self.body })).into_response()
    }
}
