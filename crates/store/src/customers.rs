//! Customers as records of their own. Personal data (name, phone, email) lives here and only
//! here, so an erasure request touches one row and the event log keeps its chain.

use crate::Store;
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use cloop_domain::Tier;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

/// A customer record.
#[derive(Debug, Clone, Serialize, FromQueryResult, PartialEq, Eq)]
pub struct Customer {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone (normalised).
    pub phone: Option<String>,
    /// Email (lower-case).
    pub email: Option<String>,
    /// `normal` or `vip`.
    pub tier: String,
    /// First seen.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: [&str; 6] = ["id", "name", "phone", "email", "tier", "created_at"];

impl Store {
    /// One customer.
    pub async fn customer(&self, id: i64) -> StoreResult<Customer> {
        Customer::find_by_statement(
            self.db
                .get_database_backend()
                .build(Query::select().columns(COLUMNS).from("customers").and_where(Expr::col("id").eq(id))),
        )
        .one(&self.db)
        .await?
        .ok_or(StoreError::NotFound("customer"))
    }

    /// A customer by exact (normalised) phone or email.
    pub async fn find_customer(&self, phone: Option<&str>, email: Option<&str>) -> StoreResult<Option<Customer>> {
        let mut cond = sea_orm::Condition::any();
        if let Some(p) = phone {
            cond = cond.add(Expr::col("phone").eq(p));
        }
        if let Some(e) = email {
            cond = cond.add(Expr::col("email").eq(e));
        }
        if phone.is_none() && email.is_none() {
            return Ok(None);
        }
        Ok(Customer::find_by_statement(
            self.db
                .get_database_backend()
                .build(Query::select().columns(COLUMNS).from("customers").cond_where(cond).limit(1)),
        )
        .one(&self.db)
        .await?)
    }

    /// Sets a customer's tier.
    pub async fn set_customer_tier(&self, id: i64, tier: Tier) -> StoreResult<Customer> {
        let res = self
            .db
            .execute(
                &Query::update()
                    .table("customers")
                    .values([("tier", tier.code().into()), ("updated_at", Utc::now().into())])
                    .and_where(Expr::col("id").eq(id))
                    .to_owned(),
            )
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound("customer"));
        }
        self.customer(id).await
    }
}
