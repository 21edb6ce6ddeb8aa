//! Counts behind the workbench badges and the home dashboard, always within the caller's data
//! scope. Richer KPIs (DESIGN §9) build on these later.

use crate::Store;
use crate::complaints::{ComplaintFilter, apply_filter};
use crate::error::{StoreError, StoreResult};
use crate::scope::Scope;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Order, Query};

/// A name with a count.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NamedCount {
    /// Id of the thing counted (category, department), if any.
    pub id: Option<i64>,
    /// Its name (empty for "none").
    pub name: String,
    /// How many.
    pub count: i64,
}

impl Store {
    /// How many complaints match `filter` within `scope`.
    pub async fn count_complaints(&self, scope: &Scope, filter: &ComplaintFilter) -> StoreResult<i64> {
        self.text_ready(filter).await;
        let mut q = Query::select();
        q.from_as("complaints", "c").expr_as(Expr::col(("c", "id")).count(), "n");
        apply_filter(&mut q, self.db.get_database_backend(), scope, filter);
        let row = self.db.query_one(&q).await?;
        Ok(row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0))
    }

    /// Complaint counts grouped by category or department (`by` is `category` or `department`),
    /// largest first.
    pub async fn count_by(
        &self,
        scope: &Scope,
        filter: &ComplaintFilter,
        by: &str,
        limit: u64,
    ) -> StoreResult<Vec<NamedCount>> {
        let (table, key, name) = match by {
            "category" => ("categories", "category_id", "name"),
            _ => ("org_units", "department_id", "name"),
        };
        self.text_ready(filter).await;
        let mut q = Query::select();
        q.from_as("complaints", "c")
            .expr_as(Expr::col(("c", key)), "id")
            .expr_as(Expr::col(("x", name)).max(), "name")
            .expr_as(Expr::col(("c", "id")).count(), "n")
            .join_as(JoinType::LeftJoin, table, "x", Expr::col(("x", "id")).equals(("c", key)))
            .group_by_col(("c", key))
            .order_by_expr(Expr::col(("c", "id")).count(), Order::Desc)
            .limit(limit);
        apply_filter(&mut q, self.db.get_database_backend(), scope, filter);
        self.db
            .query_all(&q)
            .await?
            .into_iter()
            .map(|r| {
                Ok(NamedCount {
                    id: r.try_get("", "id")?,
                    name: r.try_get::<Option<String>>("", "name")?.unwrap_or_default(),
                    count: r.try_get("", "n")?,
                })
            })
            .collect()
    }

    /// What the newest `limit` complaints received in `[from, until)` within `scope` say, for the
    /// dashboard's hot words: their summary, content, request and product as search holds them
    /// (`search::fields_text`), without the case number and order number, which are no words.
    pub async fn recent_texts(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<String>> {
        let mut q = Query::select();
        q.from_as("complaints", "c").columns([("s", "body"), ("c", "case_no"), ("c", "order_ref")]).join_as(
            JoinType::InnerJoin,
            "complaint_search",
            "s",
            Expr::col(("s", "complaint_id")).equals(("c", "id")),
        );
        apply_filter(
            &mut q,
            self.db.get_database_backend(),
            scope,
            &ComplaintFilter { received_from: Some(from), received_to: Some(until), ..Default::default() },
        );
        q.order_by(("c", "received_at"), Order::Desc).order_by(("c", "id"), Order::Desc).limit(limit);
        let mut texts = Vec::new();
        for r in self.db.query_all(&q).await? {
            let body: String = r.try_get("", "body")?;
            let case_no: String = r.try_get("", "case_no")?;
            let order: Option<String> = r.try_get("", "order_ref")?;
            let words: Vec<&str> = body.lines().filter(|l| *l != case_no && Some(*l) != order.as_deref()).collect();
            texts.push(words.join("\n"));
        }
        Ok(texts)
    }

    /// Reception times of complaints received since `from` within `scope` (bucketed into days
    /// by the caller, in China time, so no dialect-specific date functions are needed).
    pub async fn received_times(&self, scope: &Scope, from: DateTime<Utc>) -> StoreResult<Vec<DateTime<Utc>>> {
        let mut q = Query::select();
        q.from_as("complaints", "c").column(("c", "received_at"));
        apply_filter(
            &mut q,
            self.db.get_database_backend(),
            scope,
            &ComplaintFilter { received_from: Some(from), ..Default::default() },
        );
        self.db.query_all(&q).await?.into_iter().map(|r| Ok(r.try_get("", "received_at")?)).collect()
    }
}

/// Setting: the words the dashboard's hot words leave out (a JSON array), which an admin edits.
pub const HOT_WORDS_EXCLUDED: &str = "hot_words_excluded";

impl Store {
    /// The words hot words leave out, as the admin saved them (none when never set).
    pub async fn hot_words_excluded(&self) -> StoreResult<Vec<String>> {
        match self.setting(HOT_WORDS_EXCLUDED).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| StoreError::Config(format!("setting {HOT_WORDS_EXCLUDED} unreadable: {e}"))),
            None => Ok(Vec::new()),
        }
    }

    /// Replaces the words hot words leave out (checked by the caller).
    pub async fn set_hot_words_excluded(&self, words: &[String]) -> StoreResult<()> {
        self.set_setting(HOT_WORDS_EXCLUDED, &serde_json::Value::from(words).to_string()).await
    }
}
