//! Attachments stored content-addressed on disk: a file's name is its SHA-256, so the same
//! photo uploaded twice is stored once and a changed file can never pass for the original.

use crate::Store;
use crate::error::{StoreError, StoreResult};
use chrono::Utc;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{OnConflict, Query};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;

impl Store {
    fn file_path(&self, sha256: &str) -> StoreResult<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(StoreError::NotFound("attachment"));
        }
        Ok(self.config.files_dir.join(&sha256[..2]).join(sha256))
    }

    /// Stores bytes (fsynced before the answer) and returns their SHA-256.
    pub async fn save_file(&self, bytes: Vec<u8>, content_type: &str) -> StoreResult<String> {
        let sha = hex::encode(Sha256::digest(&bytes));
        let path = self.file_path(&sha)?;
        let size = bytes.len() as i64;
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            if path.exists() {
                return Ok(());
            }
            let dir = path.parent().expect("files live in a sub-folder");
            std::fs::create_dir_all(dir)?;
            let tmp = dir.join(format!(".{}.tmp", rand::random::<u64>()));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;
        self.db
            .execute(
                &Query::insert()
                    .into_table("attachments")
                    .columns(["sha256", "size", "content_type", "created_at"])
                    .values_panic([sha.clone().into(), size.into(), content_type.into(), Utc::now().into()])
                    .on_conflict(OnConflict::column("sha256").do_nothing().to_owned())
                    .to_owned(),
            )
            .await?;
        Ok(sha)
    }

    /// Reads a stored file.
    pub async fn read_file(&self, sha256: &str) -> StoreResult<Vec<u8>> {
        let path = self.file_path(sha256)?;
        match tokio::fs::read(&path).await {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound("attachment")),
            Err(e) => Err(e.into()),
        }
    }
}
