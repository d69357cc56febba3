//! API keys for other systems (admin): issue one for a scope (shown once),
//! list and revoke them; and the holder of a key a request carries.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::secrets;
use crate::services::identity::{RequestOrigin, Viewer};
use crate::store::api_keys::{self as store, ActiveKey, NewKey};
use crate::store::{audit, people};
use domain::account::Choice;
use domain::api_keys::{check_api_key_label, ApiKeyDirectory, ApiKeySummary, KeyScope};
use domain::clock::UnixSeconds;
use domain::roles::Role;
use translations::text;

/// How many of a key's characters the list shows.
const HINT_CHARS: usize = 10;

/// A key just issued: the only time the key itself is seen.
#[derive(Clone, Debug)]
pub struct IssuedKey {
    pub id: i64,
    pub key: String,
}

/// What the admin asks for: a holder, a scope, and for a company's
/// telemetry platform its company.
#[derive(Clone, Debug)]
pub struct KeyRequest<'a> {
    pub label: &'a str,
    pub scope: KeyScope,
    pub company: Option<i64>,
}

/// Issues a key (admin).
pub async fn issue(
    db: &Database,
    viewer: &Viewer,
    request: &KeyRequest<'_>,
    origin: &RequestOrigin,
) -> BackendResult<IssuedKey> {
    viewer.require(Role::Admin)?;
    let label = check_api_key_label(request.label).map_err(BackendError::refused)?;
    let company = match (request.scope, request.company) {
        (KeyScope::Telemetry, Some(company)) => {
            let known = people::company_choices(db.reader())
                .await?
                .into_iter()
                .any(|(id, _)| id == company);
            if !known {
                return Err(BackendError::refused(text::api_key_company_unknown));
            }
            Some(company)
        }
        // Open311 keys file for any company: the address decides.
        _ => None,
    };
    let key = format!("{}{}", request.scope.prefix(), secrets::new_token());
    let hint: String = key.chars().take(HINT_CHARS).collect();
    let id = store::insert(
        db.writer(),
        &NewKey {
            scope: request.scope,
            label: &label,
            company,
            key_hash: &secrets::token_hash(&key),
            key_hint: &hint,
            issued_by: viewer.person_id,
            now: origin.now,
        },
    )
    .await?;
    audit::record(
        db.writer(),
        &origin.audit(
            Some(viewer.person_id),
            "api_key_issued",
            "api_key",
            id,
            format!("{}: {label}（{hint}…）", request.scope.as_str()),
        ),
    )
    .await?;
    Ok(IssuedKey { id, key })
}

/// Revokes a key (admin); requests with it are refused from now on.
pub async fn revoke(
    db: &Database,
    viewer: &Viewer,
    key_id: i64,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    let Some(scope) = store::revoke(db.writer(), key_id, viewer.person_id, origin.now).await?
    else {
        return Err(BackendError::NotFound(text::api_key_not_found));
    };
    audit::record(
        db.writer(),
        &origin.audit(
            Some(viewer.person_id),
            "api_key_revoked",
            "api_key",
            key_id,
            scope,
        ),
    )
    .await
}

/// Every key issued, and the companies to bind one to (admin).
pub async fn directory(db: &Database, viewer: &Viewer) -> BackendResult<ApiKeyDirectory> {
    viewer.require(Role::Admin)?;
    let keys = store::all(db.reader())
        .await?
        .into_iter()
        .map(|k| ApiKeySummary {
            id: k.id,
            scope: KeyScope::parse(&k.scope).unwrap_or(KeyScope::Open311),
            label: k.label,
            company: k.company_name,
            hint: k.key_hint,
            issued_by: k.issued_by_name,
            issued_at: k.issued_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
        })
        .collect();
    let companies = people::company_choices(db.reader())
        .await?
        .into_iter()
        .map(|(id, label)| Choice { id, label })
        .collect();
    Ok(ApiKeyDirectory { keys, companies })
}

/// How precisely a key's last use is kept: a write at most this often per
/// key, not one per request.
const KEY_USE_NOTED_EVERY: UnixSeconds = 60;

/// The holder of `key` when it is a key of `scope`, issued and not
/// revoked; its use is noted.
pub async fn holder(
    db: &Database,
    scope: KeyScope,
    key: &str,
    now: UnixSeconds,
) -> BackendResult<Option<ActiveKey>> {
    if !scope.could_be(key) {
        return Ok(None);
    }
    let Some(active) = store::active(db.reader(), scope, &secrets::token_hash(key)).await? else {
        return Ok(None);
    };
    let noted_since = now - KEY_USE_NOTED_EVERY;
    if active.last_used_at.is_none_or(|at| at < noted_since) {
        store::touch(db.writer(), active.id, now, noted_since).await?;
    }
    Ok(Some(active))
}
