//! Open311: the public facts of the cases GET requests lists.

use super::outages::placeholders;
use crate::error::BackendResult;
use sqlx::{AnyPool, FromRow};

/// What anyone may read of a case.
#[derive(Clone, Debug, FromRow)]
pub struct PublicRow {
    pub case_no: String,
    pub kind: String,
    pub state: String,
    pub summary: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub due_at: Option<i64>,
    pub outage_restore_at: Option<i64>,
    pub place: Option<String>,
    pub company: Option<String>,
}

const PUBLIC_SELECT: &str = "SELECT c.case_no, c.kind, c.state, c.summary, c.created_at, \
         c.updated_at, c.due_at, o.expected_restore_at AS outage_restore_at, \
         CASE WHEN b.id IS NULL THEN NULL ELSE cm.name || ' ' || b.name END AS place, \
         co.name AS company \
     FROM cases c \
     LEFT JOIN buildings b ON b.id = c.building_id \
     LEFT JOIN communities cm ON cm.id = b.community_id \
     LEFT JOIN stations st ON st.id = COALESCE(b.station_id, c.station_id) \
     LEFT JOIN heating_companies co ON co.id = COALESCE(st.company_id, c.company_id) \
     LEFT JOIN outages o ON o.id = c.outage_id";

/// The filter GET requests asks for, in the store's terms.
pub struct PublicQuery<'a> {
    /// Case numbers; when any, the other filters are not applied.
    pub case_nos: &'a [String],
    pub kinds: &'a [&'a str],
    pub from: i64,
    pub to: i64,
    /// None: open and closed.
    pub open: Option<bool>,
    pub limit: i64,
}

/// Cases of the asked kinds filed in the window (or the named ones),
/// newest first.
pub async fn public_requests(
    pool: &AnyPool,
    query: &PublicQuery<'_>,
) -> BackendResult<Vec<PublicRow>> {
    if !query.case_nos.is_empty() {
        let sql = format!(
            "{PUBLIC_SELECT} WHERE c.case_no IN ({}) AND c.kind IN ({}) \
             ORDER BY c.created_at DESC, c.id DESC",
            placeholders(1, query.case_nos.len()),
            placeholders(1 + query.case_nos.len(), query.kinds.len()),
        );
        let mut q = sqlx::query_as(&sql);
        for case_no in query.case_nos {
            q = q.bind(case_no);
        }
        for kind in query.kinds {
            q = q.bind(*kind);
        }
        return Ok(q.fetch_all(pool).await?);
    }
    let status = match query.open {
        Some(true) => " AND c.closed_at IS NULL",
        Some(false) => " AND c.closed_at IS NOT NULL",
        None => "",
    };
    let sql = format!(
        "{PUBLIC_SELECT} WHERE c.created_at >= $1 AND c.created_at <= $2 AND c.kind IN ({}){status} \
         ORDER BY c.created_at DESC, c.id DESC LIMIT ${}",
        placeholders(3, query.kinds.len()),
        3 + query.kinds.len(),
    );
    let mut q = sqlx::query_as(&sql).bind(query.from).bind(query.to);
    for kind in query.kinds {
        q = q.bind(*kind);
    }
    Ok(q.bind(query.limit).fetch_all(pool).await?)
}

/// The public facts of the case with this idempotency key.
pub async fn public_by_key(pool: &AnyPool, key: &str) -> BackendResult<Option<PublicRow>> {
    Ok(
        sqlx::query_as(&format!("{PUBLIC_SELECT} WHERE c.idempotency_key = $1"))
            .bind(key)
            .fetch_optional(pool)
            .await?,
    )
}
