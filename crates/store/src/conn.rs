//! What the group-commit writer's statements run on: any sea-orm connection or transaction, or
//! the writer's own SQLite connection ([`crate::writer`]). The statements are built once, with
//! sea-query, for both; only where they run differs.

use crate::error::{StoreError, StoreResult};
use sea_orm::sea_query::{Value, ValueType};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, StatementBuilder, TryGetable};
use std::future::Future;

/// A connection the writer's statements can run on.
pub(crate) trait Conn: Sync {
    /// Which SQL dialect it speaks.
    fn backend(&self) -> DbBackend;

    /// Runs a statement already built for [`Conn::backend`]; answers the rows it changed.
    fn execute_stmt(&self, stmt: Statement) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Runs a statement already built for [`Conn::backend`]; answers its rows.
    fn query_stmt(&self, stmt: Statement) -> impl Future<Output = StoreResult<Vec<Row>>> + Send;

    /// Builds and runs a statement; answers the rows it changed.
    fn execute<S: StatementBuilder>(&self, stmt: &S) -> impl Future<Output = StoreResult<u64>> + Send {
        self.execute_stmt(stmt.build(&self.backend()))
    }

    /// Builds and runs a query; answers its rows.
    fn query_all<S: StatementBuilder>(&self, stmt: &S) -> impl Future<Output = StoreResult<Vec<Row>>> + Send {
        self.query_stmt(stmt.build(&self.backend()))
    }

    /// Builds and runs a query; answers its first row.
    fn query_one<S: StatementBuilder>(&self, stmt: &S) -> impl Future<Output = StoreResult<Option<Row>>> + Send {
        let rows = self.query_stmt(stmt.build(&self.backend()));
        async move { Ok(rows.await?.into_iter().next()) }
    }
}

impl<C: ConnectionTrait> Conn for C {
    fn backend(&self) -> DbBackend {
        self.get_database_backend()
    }

    async fn execute_stmt(&self, stmt: Statement) -> StoreResult<u64> {
        Ok(self.execute_raw(stmt).await?.rows_affected())
    }

    async fn query_stmt(&self, stmt: Statement) -> StoreResult<Vec<Row>> {
        Ok(self.query_all_raw(stmt).await?.into_iter().map(Row::Orm).collect())
    }
}

/// One result row.
#[derive(Debug)]
pub(crate) enum Row {
    /// From sqlx, through sea-orm.
    Orm(QueryResult),
    /// From the writer's SQLite connection: the statement's column names (shared by all its
    /// rows) and this row's values (NULLs typed by the column's declared type).
    Values(std::sync::Arc<[String]>, Vec<Value>),
}

impl Row {
    /// The value of column `col` (`pre` is a prefix, as in sea-orm's `try_get`).
    pub(crate) fn try_get<T: TryGetable + ValueType + 'static>(&self, pre: &str, col: &str) -> StoreResult<T> {
        match self {
            Row::Orm(r) => Ok(r.try_get(pre, col)?),
            Row::Values(names, values) => {
                let value = names
                    .iter()
                    .position(|name| name.len() == pre.len() + col.len() && name.strip_prefix(pre) == Some(col))
                    .map(|i| values[i].clone())
                    .ok_or_else(|| StoreError::Config(format!("no column {pre}{col} in the row")))?;
                // SQLite keeps times as the RFC 3339 text sqlx writes; a time is asked for as one.
                let value = match value {
                    Value::String(Some(s))
                        if std::any::TypeId::of::<T>() == std::any::TypeId::of::<chrono::DateTime<chrono::Utc>>() =>
                    {
                        let t = chrono::DateTime::parse_from_rfc3339(&s)
                            .map_err(|e| StoreError::Config(format!("column {pre}{col}: not a time: {e}")))?;
                        Value::ChronoDateTimeUtc(Some(t.to_utc()))
                    }
                    other => other,
                };
                T::try_from(value).map_err(|e| StoreError::Config(format!("column {pre}{col}: {e}")))
            }
        }
    }
}
