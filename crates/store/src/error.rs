//! The store's error type. Domain refusals pass through unchanged so the edge can answer them
//! as client errors; database trouble is kept whole for the logs.

use cloop_domain::{FieldError, Refusal};

/// Everything the store can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist (or is outside the caller's data scope).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The domain refused the command.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    /// Input failed validation against stored facts.
    #[error("invalid: {0}")]
    Invalid(#[from] FieldError),
    /// Input failed validation in several places (every mistake named).
    #[error("invalid: {0:?}")]
    InvalidFields(Vec<FieldError>),
    /// Someone else changed the complaint first, repeatedly.
    #[error("concurrent update, try again")]
    Conflict,
    /// A unique value is taken (username, code …).
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    /// Bad configuration (URL, migrations).
    #[error("configuration: {0}")]
    Config(String),
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// A file operation failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// The writer task is gone (shutting down).
    #[error("the store is shutting down")]
    Closed,
}

/// The store's result.
pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Whether the database reported a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(e) => {
                let s = e.to_string();
                s.contains("UNIQUE constraint failed") || s.contains("duplicate key value")
            }
            _ => false,
        }
    }
}
