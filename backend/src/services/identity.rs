//! Signing in and out: one-time codes for residents, passwords for staff,
//! WeChat for residents inside WeChat, and the sessions all of them open.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::integrations::sms::TextTemplate;
use crate::secrets;
use crate::services::delivery::queue_text;
use crate::services::one_time_codes::{self, CodeCheck, StoredCode};
use crate::services::throttle;
use crate::store::audit::{self, AuditRecord};
use crate::store::one_time_codes::CodeKind;
use crate::store::sign_in_codes::{self, NewCode};
use crate::store::{people, sessions, throttles, wechat};
use domain::account::SignedIn;
use domain::credentials::{may_attempt, parse_username, SIGN_IN_REFUSED};
use domain::limits::{STAFF_SIGN_IN_PER_CLIENT, VERIFY_PER_CLIENT, VERIFY_PER_NUMBER};
use domain::otp::{parse_code, OtpPolicy};
use domain::phone::{mask_phone, MobileNumber};
use domain::roles::Role;
use domain::second_factor::needs_second_factor;
use domain::session::{needs_touch, SessionPolicy};
use translations::{text, Localized, StaticText};

/// Where a request came from, for limits and the audit log.
#[derive(Clone, Debug)]
pub struct RequestOrigin {
    pub client_addr: String,
    pub user_agent: String,
    pub now: i64,
}

impl RequestOrigin {
    /// An audit log entry for something done in this request.
    pub fn audit<'a>(
        &'a self,
        actor_id: Option<i64>,
        action: &'a str,
        subject_type: &'a str,
        subject_id: impl ToString,
        detail: impl Into<String>,
    ) -> AuditRecord<'a> {
        AuditRecord {
            at: self.now,
            actor_id,
            action,
            subject_type,
            subject_id: subject_id.to_string(),
            detail: detail.into(),
            client_addr: &self.client_addr,
        }
    }
}

/// The signed-in person a request acts for. Built only from a live session.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub person_id: i64,
    pub display_name: String,
    pub phone: Option<String>,
    pub username: Option<String>,
    pub company_id: Option<i64>,
    pub roles: Vec<Role>,
}

impl Viewer {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn signed_in(&self) -> SignedIn {
        SignedIn {
            display_name: self.display_name.clone(),
            roles: self.roles.clone(),
            masked_phone: self.phone.as_deref().map(mask_phone),
            username: self.username.clone(),
        }
    }

    /// Refuses unless the viewer holds `role`.
    pub fn require(&self, role: Role) -> BackendResult<()> {
        if self.has(role) {
            Ok(())
        } else {
            Err(BackendError::Forbidden)
        }
    }
}

/// The outbox channel sign-in codes go through.
pub const SMS_CHANNEL: &str = "sms";

/// A code on its way: the browser keeps the challenge token (it binds the
/// code to this browser), the page shows the masked number.
#[derive(Clone, Debug)]
pub struct CodeSent {
    pub challenge_token: String,
    pub masked_phone: String,
}

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// The audit log's word for a code that was compared and was wrong (each
/// such entry is one comparison).
pub const WRONG_CODE_AUDIT: &str = "验证码错误";

/// Sends a sign-in code to a mainland mobile number, within the limits.
pub async fn request_sign_in_code(
    db: &Database,
    policy: &OtpPolicy,
    phone_text: &str,
    origin: &RequestOrigin,
) -> BackendResult<CodeSent> {
    let phone = MobileNumber::parse(phone_text).map_err(|e| BackendError::invalid(&e))?;
    let now = origin.now;
    let challenge_token = secrets::new_token();
    let challenge_hash = secrets::token_hash(&challenge_token);
    let code = secrets::new_code();
    let mut tx = db.writer().begin().await?;
    one_time_codes::check_sends(
        &mut tx,
        CodeKind::SignIn,
        phone.as_str(),
        &origin.client_addr,
        origin.client_addr.clone(),
        policy,
        now,
    )
    .await?;
    sign_in_codes::insert(
        &mut tx,
        &NewCode {
            challenge_hash: &challenge_hash,
            phone: phone.as_str(),
            code_hash: &secrets::code_hash(&challenge_token, &code),
            client_addr: &origin.client_addr,
            now,
        },
    )
    .await?;
    let text = TextTemplate::SignInCode {
        code,
        valid_minutes: (policy.lifetime / 60) as u32,
    };
    queue_text(
        &mut tx,
        phone.as_str(),
        &format!("sign-in-code:{challenge_hash}"),
        &text,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(CodeSent {
        challenge_token,
        masked_phone: phone.masked(),
    })
}

/// A new session: the cookie's token and who it belongs to.
#[derive(Clone, Debug)]
pub struct SignedInSession {
    pub token: String,
    pub viewer: Viewer,
    pub policy: SessionPolicy,
}

/// Checks a code against the challenge of this browser; on success signs in
/// the person with that number (creating the resident on first sign-in) and
/// links a WeChat openid that was waiting for this verification.
pub async fn verify_sign_in_code(
    db: &Database,
    policy: &OtpPolicy,
    challenge_token: &str,
    code_text: &str,
    wechat_pending_token: Option<&str>,
    origin: &RequestOrigin,
) -> BackendResult<SignedInSession> {
    let code = parse_code(code_text).map_err(|e| BackendError::invalid(&e))?;
    let expired = || BackendError::refused(text::sign_in_code_expired);
    let row = sign_in_codes::by_challenge(db.writer(), &secrets::token_hash(challenge_token))
        .await?
        .ok_or_else(expired)?;
    if row.used_at.is_some() {
        return Err(expired());
    }
    let now = origin.now;
    throttle::count(db, &VERIFY_PER_NUMBER, &row.phone, now).await?;
    throttle::count(db, &VERIFY_PER_CLIENT, &origin.client_addr, now).await?;
    let stored = StoredCode {
        kind: CodeKind::SignIn,
        id: row.id,
        created_at: row.created_at,
        tries: row.wrong_tries,
        code_hash: &row.code_hash,
    };
    let checked = one_time_codes::check(db, stored, challenge_token, &code, policy, now).await?;
    if let CodeCheck::Wrong { try_number, .. } = checked {
        audit_failure(
            db,
            "resident",
            &row.phone,
            format!("{WRONG_CODE_AUDIT}（第 {try_number} 次）"),
            origin,
        )
        .await?;
    }
    if let Some(refusal) = checked.refusal() {
        return Err(refusal);
    }

    // Read before the transaction: on SQLite the writer pool is one
    // connection, which the transaction holds.
    let existing = people::by_phone(db.writer(), &row.phone).await?;
    let mut tx = db.writer().begin().await?;
    if !sign_in_codes::mark_used(&mut tx, row.id, now).await? {
        return Err(expired());
    }
    let person_id = match existing {
        Some(person) if person.disabled_at.is_some() => {
            return Err(BackendError::refused(text::account_disabled))
        }
        Some(person) => {
            people::grant_role(&mut tx, person.id, Role::Resident, now).await?;
            person.id
        }
        None => people::insert_resident(&mut tx, &row.phone, now).await?,
    };
    if let Some(pending) = wechat_pending_token {
        link_pending_wechat(&mut tx, pending, person_id, now).await?;
    }
    tx.commit().await?;
    open_session(db, person_id, SessionPolicy::RESIDENT, "resident", origin).await
}

/// Staff sign-in with username and password; repeated failures lock the
/// account for a while, doubling each time. Each attempt is counted (per
/// client address, and as a failure on the account's locked row) before
/// any password is checked, and every refusal reads the same.
pub async fn sign_in_staff(
    db: &Database,
    username_text: &str,
    password: &str,
    require_second_factor: bool,
    origin: &RequestOrigin,
) -> BackendResult<StaffSignIn> {
    let refused = || BackendError::refused(SIGN_IN_REFUSED);
    let now = origin.now;
    throttle::count(db, &STAFF_SIGN_IN_PER_CLIENT, &origin.client_addr, now).await?;
    let person = match parse_username(username_text) {
        Ok(username) => people::by_username(db.writer(), &username).await?,
        Err(_) => None,
    };
    let login = username_text.trim();
    let attempt = password.to_string();
    let Some(person) = person.filter(|p| p.disabled_at.is_none()) else {
        password_work(move || secrets::verify_nothing(&attempt)).await?;
        audit_failure(db, "staff", login, "未知或已停用的用户名".into(), origin).await?;
        return Err(refused());
    };
    let mut tx = db.writer().begin().await?;
    let failures = people::lock_sign_in_failures(&mut tx, person.id)
        .await?
        .ok_or_else(refused)?;
    let allowed = may_attempt(
        failures.failed_sign_ins,
        failures.last_failed_sign_in_at,
        now,
    );
    if allowed.is_ok() {
        people::count_failed_sign_in(&mut tx, person.id, now).await?;
    }
    tx.commit().await?;
    if allowed.is_err() {
        password_work(move || secrets::verify_nothing(&attempt)).await?;
        audit_failure(db, "staff", login, "账号锁定中".into(), origin).await?;
        return Err(refused());
    }
    let stored = person.password_hash.clone().unwrap_or_default();
    let matches = password_work(move || secrets::verify_password(&attempt, &stored)).await?;
    let roles = people::roles(db.writer(), person.id).await?;
    if !matches || !roles.iter().any(|r| r.is_staff()) {
        audit_failure(db, "staff", login, "密码错误".into(), origin).await?;
        return Err(refused());
    }
    if require_second_factor && needs_second_factor(&roles) {
        // The attempt stays counted until the second factor passes too:
        // wrong codes there add to the same lockout.
        let token = crate::services::second_factor::open_challenge(db, person.id, origin).await?;
        return Ok(StaffSignIn::SecondFactor { token });
    }
    people::clear_failed_sign_ins(db.writer(), person.id).await?;
    Ok(StaffSignIn::Session(
        open_session(db, person.id, SessionPolicy::STAFF, "staff", origin).await?,
    ))
}

/// Where a right password leads.
#[derive(Debug)]
pub enum StaffSignIn {
    /// Signed in.
    Session(SignedInSession),
    /// The second factor first: the browser keeps this token for that step.
    SecondFactor { token: String },
}

/// Password work within the process's bound (see [`secrets::password_work`]).
pub(crate) async fn password_work<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> BackendResult<T> {
    secrets::password_work(work).await.map_err(|e| match e {
        secrets::PasswordWorkError::Busy => {
            BackendError::Throttled(Localized::from(text::sign_in_busy as StaticText))
        }
        secrets::PasswordWorkError::Stopped(e) => BackendError::Internal(e),
    })
}

pub(crate) async fn open_session(
    db: &Database,
    person_id: i64,
    policy: SessionPolicy,
    method: &str,
    origin: &RequestOrigin,
) -> BackendResult<SignedInSession> {
    let token = secrets::new_token();
    sessions::insert(
        db.writer(),
        &sessions::NewSession {
            token_hash: &secrets::token_hash(&token),
            person_id,
            now: origin.now,
            idle_timeout: policy.idle,
            absolute_timeout: policy.absolute,
            client_addr: &origin.client_addr,
            user_agent: &origin.user_agent,
        },
    )
    .await?;
    audit::record(
        db.writer(),
        &origin.audit(Some(person_id), "sign_in", "person", person_id, method),
    )
    .await?;
    let viewer = viewer_of(db, person_id)
        .await?
        .ok_or(BackendError::NotFound(text::account_not_found))?;
    Ok(SignedInSession {
        token,
        viewer,
        policy,
    })
}

async fn audit_failure(
    db: &Database,
    kind: &str,
    login: &str,
    reason: String,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    // Phone numbers stay masked even in the log; usernames are not personal.
    let subject = if kind == "resident" {
        mask_phone(login)
    } else {
        login.chars().take(64).collect()
    };
    audit::record(
        db.writer(),
        &origin.audit(None, "sign_in_failed", kind, subject, reason),
    )
    .await
}

async fn viewer_of(db: &Database, person_id: i64) -> BackendResult<Option<Viewer>> {
    let Some(person) = people::by_id(db.reader(), person_id).await? else {
        return Ok(None);
    };
    if person.disabled_at.is_some() {
        return Ok(None);
    }
    let roles = people::roles(db.reader(), person_id).await?;
    Ok(Some(Viewer {
        person_id,
        display_name: person.display_name,
        phone: person.phone,
        username: person.username,
        company_id: person.company_id,
        roles,
    }))
}

/// The person behind a session cookie, if the session is alive; renews its
/// idle limit at most once a minute, and deletes it once it has ended.
pub async fn resolve_session(
    db: &Database,
    token: &str,
    now: i64,
) -> BackendResult<Option<Viewer>> {
    let token_hash = secrets::token_hash(token);
    let Some(found) = sessions::find_with_person(db.reader(), &token_hash).await? else {
        return Ok(None);
    };
    let session = &found.session;
    let policy = SessionPolicy {
        idle: session.idle_timeout,
        absolute: session.absolute_timeout,
    };
    if !policy.is_alive(session.created_at, session.last_seen_at, now) {
        sessions::delete(db.writer(), &token_hash).await?;
        return Ok(None);
    }
    if needs_touch(session.last_seen_at, now) {
        sessions::touch(db.writer(), &token_hash, now).await?;
    }
    Ok(Some(Viewer {
        person_id: session.person_id,
        display_name: found.display_name,
        phone: found.phone,
        username: found.username,
        company_id: found.company_id,
        roles: people::parse_roles(&found.roles),
    }))
}

/// Ends one session.
pub async fn sign_out(db: &Database, token: &str) -> BackendResult<()> {
    sessions::delete(db.writer(), &secrets::token_hash(token)).await
}

/// Ends every session of the viewer, on every device.
pub async fn sign_out_everywhere(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
) -> BackendResult<u64> {
    let ended = sessions::delete_all_of(db.writer(), viewer.person_id).await?;
    audit::record(
        db.writer(),
        &origin.audit(
            Some(viewer.person_id),
            "sign_out_everywhere",
            "person",
            viewer.person_id,
            format!("{ended} 个会话"),
        ),
    )
    .await?;
    Ok(ended)
}

pub use domain::session::WECHAT_PENDING_LIFETIME;

/// What WeChat's answer leads to.
#[derive(Debug)]
pub enum WeChatOutcome {
    /// The openid is linked: signed in.
    SignedIn(SignedInSession),
    /// First use: the phone must be verified once; the browser keeps this token.
    NeedsPhone { pending_token: String },
}

/// Signs in the person linked to a WeChat openid, or parks the openid until
/// the person verifies their phone.
pub async fn sign_in_with_wechat(
    db: &Database,
    openid: &str,
    origin: &RequestOrigin,
) -> BackendResult<WeChatOutcome> {
    let linked = wechat::linked_person(db.writer(), openid).await?;
    if let Some(person_id) = linked {
        let session =
            open_session(db, person_id, SessionPolicy::RESIDENT, "wechat", origin).await?;
        return Ok(WeChatOutcome::SignedIn(session));
    }
    let pending_token = secrets::new_token();
    wechat::park(
        db.writer(),
        &secrets::token_hash(&pending_token),
        openid,
        origin.now,
    )
    .await?;
    Ok(WeChatOutcome::NeedsPhone { pending_token })
}

async fn link_pending_wechat(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pending_token: &str,
    person_id: i64,
    now: i64,
) -> BackendResult<()> {
    let hash = secrets::token_hash(pending_token);
    if let Some(openid) = wechat::take_parked(tx, &hash, now - WECHAT_PENDING_LIFETIME).await? {
        wechat::link(tx, &openid, person_id, now).await?;
    }
    Ok(())
}

pub use domain::otp::KEEP_CODES_FOR;

/// Deletes ended sessions, codes past any limit's window, WeChat openids
/// that waited too long for their phone, ended limit counters, 12345
/// signatures too old to be replayed, and failed sign-ins past their
/// retention; returns the rows removed.
pub async fn purge_expired(db: &Database, now: i64) -> BackendResult<u64> {
    let mut removed = sessions::purge_ended(db.writer(), now).await?;
    removed += sign_in_codes::purge(db.writer(), now - KEEP_CODES_FOR).await?;
    removed += wechat::purge_parked(db.writer(), now - WECHAT_PENDING_LIFETIME).await?;
    removed += crate::store::second_factors::purge_challenges(
        db.writer(),
        now - 2 * domain::second_factor::CHALLENGE_LIFETIME,
    )
    .await?;
    // The longest limit's window is a day; its counters go the day after.
    removed += throttles::purge(db.writer(), now - 2 * DAY).await?;
    removed += audit::purge_anonymous_sign_in_failures(
        db.writer(),
        now - domain::limits::ANONYMOUS_FAILURE_RETENTION,
    )
    .await?;
    removed += crate::store::hotline::forget_signatures(
        db.writer(),
        now - 2 * domain::hotline::MAX_CLOCK_SKEW,
    )
    .await?;
    Ok(removed)
}
