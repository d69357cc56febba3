//! What sign-in codes, grid consents and binding requests share: a texted
//! code whose tries are reserved one at a time before it is compared, and
//! the times codes went to a number or were asked for by someone, which
//! their send limits count.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Executor};

/// The tables that keep one-time codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    /// A resident's sign-in code (`sign_in_codes`).
    SignIn,
    /// A resident's consent to a grid worker's filing (`filing_consents`).
    Consent,
    /// The holder's consent to a household binding (`binding_requests`).
    Binding,
}

impl CodeKind {
    fn table(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in_codes",
            Self::Consent => "filing_consents",
            Self::Binding => "binding_requests",
        }
    }

    /// The column set once the code has done its work.
    fn spent(self) -> &'static str {
        match self {
            Self::SignIn => "used_at",
            Self::Consent => "confirmed_at",
            Self::Binding => "decided_at",
        }
    }

    /// The column with the number the code went to.
    fn number(self) -> &'static str {
        match self {
            Self::SignIn | Self::Consent => "phone",
            Self::Binding => "sent_to",
        }
    }

    /// The column naming who asked for it: a client address, a grid
    /// worker, a resident.
    fn asker(self) -> &'static str {
        match self {
            Self::SignIn => "client_addr",
            Self::Consent => "grid_worker_id",
            Self::Binding => "person_id",
        }
    }

    /// The name of the lock a send to `number` takes (see [`crate::store::throttles::lock`]).
    pub fn number_lock(self, number: &str) -> String {
        format!("{}-number:{number}", self.table())
    }

    /// The name of the lock a send asked for by `asker` takes.
    pub fn asker_lock(self, asker: &str) -> String {
        format!("{}-asker:{asker}", self.table())
    }
}

/// Reserves one try of code `id` before it is compared, in one statement:
/// counted only while the code is unspent, issued after `issued_after` and
/// tried fewer than `max_tries` times (`domain::otp::may_try`). The number
/// of this try (1 for the first), or None when no try is left.
pub async fn reserve_try(
    pool: &AnyPool,
    kind: CodeKind,
    id: i64,
    max_tries: u32,
    issued_after: i64,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(&format!(
        "UPDATE {table} SET wrong_tries = wrong_tries + 1 \
         WHERE id = $1 AND {spent} IS NULL AND wrong_tries < $2 AND created_at > $3 \
         RETURNING wrong_tries",
        table = kind.table(),
        spent = kind.spent(),
    ))
    .bind(id)
    .bind(i64::from(max_tries))
    .bind(issued_after)
    .fetch_optional(pool)
    .await?)
}

/// When codes of this kind went to `number` since `since` (read inside the
/// transaction that holds the number's lock).
pub async fn sent_to_number<'e, E>(
    executor: E,
    kind: CodeKind,
    number: &str,
    since: i64,
) -> BackendResult<Vec<i64>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_scalar(&format!(
        "SELECT created_at FROM {table} WHERE {number} = $1 AND created_at >= $2",
        table = kind.table(),
        number = kind.number(),
    ))
    .bind(number)
    .bind(since)
    .fetch_all(executor)
    .await?)
}

/// When `asker` asked for codes of this kind since `since` (read inside
/// the transaction that holds the asker's lock).
pub async fn asked_by<'e, E, T>(
    executor: E,
    kind: CodeKind,
    asker: T,
    since: i64,
) -> BackendResult<Vec<i64>>
where
    E: Executor<'e, Database = Any>,
    T: for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send,
{
    Ok(sqlx::query_scalar(&format!(
        "SELECT created_at FROM {table} WHERE {asker} = $1 AND created_at >= $2",
        table = kind.table(),
        asker = kind.asker(),
    ))
    .bind(asker)
    .bind(since)
    .fetch_all(executor)
    .await?)
}
