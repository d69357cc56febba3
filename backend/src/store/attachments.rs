//! Photos and documents of cases. The files live on disk under the upload
//! directory; a row says whose they are.

use crate::error::BackendResult;
use crate::store::access::VISIBLE_CASE;
use sqlx::{Any, AnyPool, Transaction};

/// An attachment to record.
pub struct NewAttachment<'a> {
    pub case_id: i64,
    pub event_id: i64,
    pub uploaded_by: Option<i64>,
    pub purpose: &'a str,
    pub content_type: &'a str,
    pub byte_size: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub now: i64,
}

pub async fn insert(tx: &mut Transaction<'_, Any>, a: &NewAttachment<'_>) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO attachments (case_id, event_id, uploaded_by, purpose, content_type, \
                byte_size, sha256, storage_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(a.case_id)
    .bind(a.event_id)
    .bind(a.uploaded_by)
    .bind(a.purpose)
    .bind(a.content_type)
    .bind(a.byte_size)
    .bind(a.sha256)
    .bind(a.storage_key)
    .bind(a.now)
    .fetch_one(&mut **tx)
    .await?)
}

/// A file kept with a case, as its page lists it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseFile {
    pub id: i64,
    /// The timeline entry it came with.
    pub event_id: Option<i64>,
    pub purpose: String,
    pub created_at: i64,
}

/// A case's files, oldest first.
pub async fn of_case(pool: &AnyPool, case_id: i64) -> BackendResult<Vec<CaseFile>> {
    Ok(sqlx::query_as(
        "SELECT id, event_id, purpose, created_at FROM attachments WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?)
}

/// (content type, storage key) of an attachment, if the person may read its case.
pub async fn visible_file(
    pool: &AnyPool,
    person_id: i64,
    attachment_id: i64,
) -> BackendResult<Option<(String, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT a.content_type, a.storage_key FROM attachments a \
         JOIN cases c ON c.id = a.case_id WHERE a.id = $2 AND {VISIBLE_CASE}"
    ))
    .bind(person_id)
    .bind(attachment_id)
    .fetch_optional(pool)
    .await?)
}
