//! The two ways the domain says no: a field that does not parse ([`FieldError`]) and a command
//! that is not allowed now ([`Refusal`]). Both carry a stable machine code and a bilingual message.

use crate::text::Text;
use serde::Serialize;

/// An input field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {code}")]
pub struct FieldError {
    /// Dotted path of the field, e.g. `customer.phone`.
    pub field: String,
    /// Stable machine-readable code, e.g. `invalid_phone`.
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: Text,
}

impl FieldError {
    /// A field error with its code and message.
    pub fn new(field: impl Into<String>, code: &'static str, zh: &str, en: &str) -> Self {
        Self { field: field.into(), code, message: Text::new(zh, en) }
    }

    /// Re-roots the field path under `prefix` (e.g. `phone` → `customer.phone`).
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}.{}", self.field);
        self
    }
}

/// Why a command was refused. Refusals change nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}")]
pub struct Refusal {
    /// What kind of refusal this is (decides the HTTP status at the edge).
    pub kind: RefusalKind,
    /// Stable machine-readable code, e.g. `wrong_state`.
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: Text,
    /// The field that caused it, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The families of refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// The command is not legal in the complaint's current state.
    WrongState,
    /// The actor lacks the permission or authority.
    Forbidden,
    /// The command's content is inconsistent with the complaint (e.g. same department).
    Invalid,
}

impl Refusal {
    /// The command does not fit the current state.
    pub fn wrong_state(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { kind: RefusalKind::WrongState, code, message: Text::new(zh, en), field: None }
    }

    /// The actor may not do this.
    pub fn forbidden(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { kind: RefusalKind::Forbidden, code, message: Text::new(zh, en), field: None }
    }

    /// The command contradicts the complaint's facts.
    pub fn invalid(field: &str, code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { kind: RefusalKind::Invalid, code, message: Text::new(zh, en), field: Some(field.to_owned()) }
    }
}

impl From<FieldError> for Refusal {
    fn from(e: FieldError) -> Self {
        Self { kind: RefusalKind::Invalid, code: e.code, message: e.message, field: Some(e.field) }
    }
}
