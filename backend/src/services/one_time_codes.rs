//! Texted one-time codes, sent and checked one way for sign-in, a grid
//! worker's consent and a household binding: the send limits are counted
//! under the number's and the asker's locks in the transaction that writes
//! the code, and each try is reserved before the code is compared.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::secrets;
use crate::store::one_time_codes::{self, CodeKind};
use crate::store::throttles;
use domain::clock::UnixSeconds;
use domain::otp::{check_send, issued_after, judge_try, may_try, CodeVerdict, OtpPolicy};
use sqlx::{Any, Transaction};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// In the transaction that will write a new code: takes the number's and
/// the asker's locks, counts the codes they were sent and asked for, and
/// refuses (with when to retry) when `policy` allows no more now.
/// `asker_key` names the asker in the lock, `asker` in the table.
pub(crate) async fn check_sends<T>(
    tx: &mut Transaction<'_, Any>,
    kind: CodeKind,
    number: &str,
    asker_key: &str,
    asker: T,
    policy: &OtpPolicy,
    now: UnixSeconds,
) -> BackendResult<()>
where
    T: for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send,
{
    throttles::lock(tx, &kind.number_lock(number), now).await?;
    throttles::lock(tx, &kind.asker_lock(asker_key), now).await?;
    let number_sends = one_time_codes::sent_to_number(&mut **tx, kind, number, now - DAY).await?;
    let asker_sends = one_time_codes::asked_by(&mut **tx, kind, asker, now - HOUR).await?;
    check_send(policy, &number_sends, &asker_sends, now)
        .map_err(|refusal| BackendError::Throttled(refusal.message(now)))
}

/// A stored code, as a check needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StoredCode<'a> {
    pub kind: CodeKind,
    pub id: i64,
    pub created_at: i64,
    /// Tries reserved when the row was read.
    pub tries: i64,
    /// The code's hash, keyed with the token only the asker's page holds.
    pub code_hash: &'a str,
}

/// What a typed code turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeCheck {
    Accepted,
    /// Compared, and wrong: the `try_number`-th comparison.
    Wrong {
        try_number: i64,
        verdict: CodeVerdict,
    },
    /// Not compared: no try left, or too late.
    NoTryLeft(CodeVerdict),
}

impl CodeCheck {
    /// A refusal for the person, or nothing when the code was right.
    pub fn refusal(self) -> Option<BackendError> {
        match self {
            Self::Accepted => None,
            Self::Wrong { verdict, .. } | Self::NoTryLeft(verdict) => {
                Some(BackendError::Invalid(verdict.message()))
            }
        }
    }
}

/// Checks a typed code (six digits) against a stored one whose hash is
/// keyed with `token`. The try is reserved first, in one statement, so
/// parallel guesses never get more comparisons than `policy` allows.
pub(crate) async fn check(
    db: &Database,
    stored: StoredCode<'_>,
    token: &str,
    code: &str,
    policy: &OtpPolicy,
    now: UnixSeconds,
) -> BackendResult<CodeCheck> {
    let reserved = one_time_codes::reserve_try(
        db.writer(),
        stored.kind,
        stored.id,
        policy.max_wrong_tries,
        issued_after(policy, now),
    )
    .await?;
    let Some(try_number) = reserved else {
        let tries = u32::try_from(stored.tries).unwrap_or(u32::MAX);
        let verdict = may_try(policy, stored.created_at, tries, now)
            .err()
            .unwrap_or(CodeVerdict::Exhausted);
        return Ok(CodeCheck::NoTryLeft(verdict));
    };
    let matches = secrets::same_hash(&secrets::code_hash(token, code), stored.code_hash);
    Ok(
        match judge_try(
            policy,
            u32::try_from(try_number).unwrap_or(u32::MAX),
            matches,
        ) {
            CodeVerdict::Accepted => CodeCheck::Accepted,
            verdict => CodeCheck::Wrong {
                try_number,
                verdict,
            },
        },
    )
}
