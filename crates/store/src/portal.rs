//! The customer side: links that let a customer follow one complaint without an account, and
//! the few settings the portal needs (which unit takes web complaints in). Link tokens are
//! random and stored only as hashes, like API tokens.

use crate::Store;
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use cloop_domain::ComplaintId;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};

/// Setting: the code of the organisation unit that registers complaints from the public form.
pub const PUBLIC_INTAKE_UNIT: &str = "public_intake_unit";

impl Store {
    /// Stores a link token (by hash) for a complaint.
    pub async fn create_public_link(
        &self,
        complaint: ComplaintId,
        token_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.db
            .execute(
                &Query::insert()
                    .into_table("public_links")
                    .columns(["complaint_id", "token_hash", "created_at", "expires_at"])
                    .values_panic([complaint.0.into(), token_hash.into(), now.into(), expires_at.into()])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    /// The complaint a live link token opens.
    pub async fn public_link(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<ComplaintId> {
        let row = self
            .db
            .query_one(
                &Query::select()
                    .column("complaint_id")
                    .from("public_links")
                    .and_where(Expr::col("token_hash").eq(token_hash))
                    .and_where(Expr::col("expires_at").gt(now))
                    .to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound("complaint"))?;
        Ok(ComplaintId(row.try_get("", "complaint_id")?))
    }

    /// A setting's value.
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let row = self
            .db
            .query_one(&Query::select().column("value").from("settings").and_where(Expr::col("key").eq(key)).to_owned())
            .await?;
        Ok(row.map(|r| r.try_get("", "value")).transpose()?)
    }

    /// Removes a setting (nothing when there is none).
    pub async fn delete_setting(&self, key: &str) -> StoreResult<()> {
        self.db.execute(&Query::delete().from_table("settings").and_where(Expr::col("key").eq(key)).to_owned()).await?;
        Ok(())
    }

    /// Sets a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        self.db
            .execute(
                &Query::insert()
                    .into_table("settings")
                    .columns(["key", "value"])
                    .values_panic([key.into(), value.into()])
                    .on_conflict(OnConflict::column("key").update_column("value").to_owned())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
