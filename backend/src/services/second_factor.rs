//! The second factor of staff who can see or change a lot: after a right
//! password, a short step where an authenticator app's code (or a recovery
//! code) opens the session. A first sign-in enrols: the page shows the
//! secret as a QR code and ten recovery codes, and the first right code
//! confirms them.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::secrets;
use crate::services::identity::{open_session, RequestOrigin, SignedInSession, Viewer};
use crate::store::{audit, people, second_factors};
use crate::totp;
use domain::roles::Role;
use domain::second_factor::{
    format_recovery_code, parse_second_factor, Enrolment, SecondFactorInput, SecondFactorStep,
    CHALLENGE_LIFETIME, CHALLENGE_MAX_TRIES, RECOVERY_ALPHABET, RECOVERY_CODES, RECOVERY_LENGTH,
    SECOND_FACTOR_REFUSED,
};
use domain::session::SessionPolicy;
use rand::rngs::OsRng;
use rand::Rng;
use translations::text;

/// The name authenticator apps list the account under.
const ISSUER: &str = "heatdesk";

/// Opens the step between a right password and a session; the token goes
/// to the browser.
pub(crate) async fn open_challenge(
    db: &Database,
    person_id: i64,
    origin: &RequestOrigin,
) -> BackendResult<String> {
    let token = secrets::new_token();
    second_factors::open_challenge(
        db.writer(),
        &secrets::token_hash(&token),
        person_id,
        origin.now,
    )
    .await?;
    Ok(token)
}

fn timed_out() -> BackendError {
    BackendError::NotFound(domain::second_factor::SIGN_IN_STEP_EXPIRED)
}

fn new_recovery_code() -> String {
    let compact: String = (0..RECOVERY_LENGTH)
        .map(|_| char::from(RECOVERY_ALPHABET[OsRng.gen_range(0..RECOVERY_ALPHABET.len())]))
        .collect();
    format_recovery_code(&compact)
}

/// What the step shows for the browser's token: a code form, or (not
/// enrolled yet) a new secret and recovery codes, replacing any enrolment
/// left unconfirmed.
pub async fn step(db: &Database, token: &str, now: i64) -> BackendResult<SecondFactorStep> {
    let person_id = second_factors::challenge_person(
        db.writer(),
        &secrets::token_hash(token),
        now - CHALLENGE_LIFETIME,
    )
    .await?
    .ok_or_else(timed_out)?;
    if let Some(factor) = second_factors::factor(db.writer(), person_id).await? {
        if factor.confirmed_at.is_some() {
            return Ok(SecondFactorStep::Verify);
        }
    }
    let person = people::by_id(db.reader(), person_id)
        .await?
        .ok_or_else(timed_out)?;
    let account = person.username.unwrap_or_else(|| person_id.to_string());
    let secret = totp::new_secret();
    let recovery_codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let hashes: Vec<String> = recovery_codes
        .iter()
        .map(|c| secrets::token_hash(c))
        .collect();
    let mut tx = db.writer().begin().await?;
    if !second_factors::begin_enrolment(&mut tx, person_id, &secret, &hashes).await? {
        // Confirmed meanwhile (another tab): a code is what it takes now.
        tx.rollback().await?;
        return Ok(SecondFactorStep::Verify);
    }
    tx.commit().await?;
    let qr_svg = totp::otpauth_url(&secret, ISSUER, &account)
        .and_then(|url| totp::qr_svg(&url))
        .ok_or_else(|| BackendError::Internal("otpauth QR code".into()))?;
    Ok(SecondFactorStep::Enrol(Enrolment {
        secret,
        qr_svg,
        recovery_codes,
    }))
}

/// Checks a code for the browser's token and opens the session. Each try
/// is reserved before the code is checked (five per sign-in), a wrong one
/// counts towards the account's lockout like a wrong password, each time
/// step and each recovery code is accepted once, and every refusal reads
/// the same.
pub async fn complete(
    db: &Database,
    token: &str,
    code_text: &str,
    origin: &RequestOrigin,
) -> BackendResult<SignedInSession> {
    let input = parse_second_factor(code_text).map_err(|e| BackendError::invalid(&e))?;
    let token_hash = secrets::token_hash(token);
    let now = origin.now;
    let refused = || BackendError::refused(SECOND_FACTOR_REFUSED);
    let person_id = second_factors::reserve_try(
        db.writer(),
        &token_hash,
        CHALLENGE_MAX_TRIES,
        now - CHALLENGE_LIFETIME,
    )
    .await?
    .ok_or_else(refused)?;
    let factor = second_factors::factor(db.writer(), person_id)
        .await?
        .ok_or_else(refused)?;
    let accepted = match &input {
        SecondFactorInput::Totp(code) => {
            match totp::matching_step(&factor.secret, code, now.max(0) as u64) {
                Some(step) => {
                    second_factors::accept_step(db.writer(), person_id, step as i64, now).await?
                }
                None => false,
            }
        }
        SecondFactorInput::Recovery(code) => {
            second_factors::spend_recovery_code(
                db.writer(),
                person_id,
                &secrets::token_hash(code),
                now,
            )
            .await?
        }
    };
    if !accepted {
        people::add_failed_sign_in(db.writer(), person_id, now).await?;
        audit::record(
            db.writer(),
            &origin.audit(None, "sign_in_failed", "staff", person_id, "两步验证码错误"),
        )
        .await?;
        return Err(refused());
    }
    if !second_factors::close_challenge(db.writer(), &token_hash, now).await? {
        return Err(refused());
    }
    people::clear_failed_sign_ins(db.writer(), person_id).await?;
    if let SecondFactorInput::Recovery(_) = input {
        let left = second_factors::unused_recovery_codes(db.reader(), person_id).await?;
        audit::record(
            db.writer(),
            &origin.audit(
                Some(person_id),
                "recovery_code_used",
                "person",
                person_id,
                format!("剩余 {left} 个恢复码"),
            ),
        )
        .await?;
    }
    open_session(db, person_id, SessionPolicy::STAFF, "staff+totp", origin).await
}

/// An admin removes a staff member's second factor (a lost phone, used-up
/// recovery codes): their next sign-in enrols anew. Their sessions end.
pub async fn reset(
    db: &Database,
    viewer: &Viewer,
    person_id: i64,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    let mut tx = db.writer().begin().await?;
    let removed = second_factors::remove(&mut tx, person_id).await?;
    if removed {
        audit::record(
            &mut *tx,
            &origin.audit(
                Some(viewer.person_id),
                "second_factor_reset",
                "person",
                person_id,
                "",
            ),
        )
        .await?;
    }
    tx.commit().await?;
    if !removed {
        return Err(BackendError::NotFound(text::second_factor_not_enrolled));
    }
    crate::store::sessions::delete_all_of(db.writer(), person_id).await?;
    Ok(())
}
