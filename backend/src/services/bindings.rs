//! Binding a household to a resident's account. The account number and the
//! holder's name (both printed on every bill) only open a request; the
//! holder's phone on file (a texted code) or a resident already bound (an
//! approval) completes it, and those already bound hear of every new one.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::integrations::sms::TextTemplate;
use crate::secrets;
use crate::services::delivery::queue_text;
use crate::services::identity::{RequestOrigin, Viewer};
use crate::services::one_time_codes::{self, StoredCode};
use crate::services::throttle;
use crate::store::binding_requests::{self, NewRequest, RequestRow};
use crate::store::one_time_codes::CodeKind;
use crate::store::{audit, households};
use domain::account::{AddressPicker, PendingBinding, WaitingBinding};
use domain::household::{
    address_no_match_message, approval_open, approval_request_news, at_the_counter_message,
    binding_code_policy, binding_route, new_binder_news, normalize_holder_name, parse_account_no,
    BindingDecision, BindingRoute, NO_MATCH_MESSAGE,
};
use domain::limits::BIND_FAILURES_PER_PERSON;
use domain::otp::parse_code;
use domain::phone::mask_phone;
use domain::roles::Role;
use sqlx::{Any, Transaction};
use translations::text;

/// How a binding went on once its account number and name matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BindingStarted {
    /// Bound (the resident's own phone is the holder's on file).
    Bound { household_id: i64 },
    /// Waiting for the holder's code and/or a bound resident's approval;
    /// the resident's page keeps the token (and reads the rest with it,
    /// see [`pending`]).
    Waiting { token: String },
}

/// Starts binding a household by account number and holder's name.
/// Failures are counted per person per day before the check (given back
/// when it matches), so names cannot be guessed at length, in parallel or not.
pub async fn request_binding(
    db: &Database,
    viewer: &Viewer,
    account_text: &str,
    holder_text: &str,
    origin: &RequestOrigin,
) -> BackendResult<BindingStarted> {
    viewer.require(Role::Resident)?;
    let account_no = parse_account_no(account_text).map_err(|e| BackendError::invalid(&e))?;
    let holder = normalize_holder_name(holder_text).map_err(|e| BackendError::invalid(&e))?;
    start_binding(
        db,
        viewer,
        BindingTarget::AccountNo(&account_no),
        &holder,
        origin,
    )
    .await
}

/// Starts binding the household picked by its address (district,
/// community, building, unit, flat) and the holder's name: the same rules
/// and limits as by account number.
pub async fn request_binding_at(
    db: &Database,
    viewer: &Viewer,
    household_id: i64,
    holder_text: &str,
    origin: &RequestOrigin,
) -> BackendResult<BindingStarted> {
    viewer.require(Role::Resident)?;
    let holder = normalize_holder_name(holder_text).map_err(|e| BackendError::invalid(&e))?;
    start_binding(
        db,
        viewer,
        BindingTarget::Address(household_id),
        &holder,
        origin,
    )
    .await
}

/// How a resident named the household to bind.
#[derive(Clone, Copy, Debug)]
enum BindingTarget<'a> {
    AccountNo(&'a str),
    /// Picked by its address: the household's id.
    Address(i64),
}

async fn start_binding(
    db: &Database,
    viewer: &Viewer,
    target: BindingTarget<'_>,
    holder: &str,
    origin: &RequestOrigin,
) -> BackendResult<BindingStarted> {
    let attempt = throttle::count(
        db,
        &BIND_FAILURES_PER_PERSON,
        &viewer.person_id.to_string(),
        origin.now,
    )
    .await?;
    let found = match target {
        BindingTarget::AccountNo(account_no) => {
            households::binding_facts(db.reader(), account_no).await?
        }
        BindingTarget::Address(household_id) => {
            households::binding_facts_by_id(db.reader(), household_id).await?
        }
    };
    let matches = |h: &households::BindingFacts| {
        normalize_holder_name(&h.holder_name).is_ok_and(|stored| stored == holder)
    };
    let household = match found {
        Some(household) if matches(&household) => household,
        other => {
            let subject = match target {
                BindingTarget::AccountNo(account_no) => account_no.to_string(),
                BindingTarget::Address(household_id) => household_id.to_string(),
            };
            audit::record(
                db.writer(),
                &origin.audit(
                    Some(viewer.person_id),
                    "household_bind_failed",
                    "household",
                    &subject,
                    "",
                ),
            )
            .await?;
            // Picked by address, the home exists: the resident is told
            // whom to call.
            return Err(match (target, other) {
                (BindingTarget::Address(_), Some(household)) => {
                    BackendError::Invalid(address_no_match_message(&household.company_hotline))
                }
                (BindingTarget::Address(_), None) => {
                    BackendError::refused(text::binding_pick_a_flat)
                }
                (BindingTarget::AccountNo(_), _) => BackendError::refused(NO_MATCH_MESSAGE),
            });
        }
    };
    let account_no = household.account_no.clone();
    throttle::give_back(db, &attempt).await?;
    let bound = households::bound_residents(db.reader(), household.id).await?;
    if bound.iter().any(|(id, _)| *id == viewer.person_id) {
        return Ok(BindingStarted::Bound {
            household_id: household.id,
        });
    }
    let route = binding_route(
        viewer.phone.as_deref(),
        household.holder_phone.as_deref(),
        bound.len(),
    );
    match route {
        BindingRoute::BindNow => {
            let mut tx = db.writer().begin().await?;
            complete(
                &mut tx,
                viewer.person_id,
                household.id,
                "户主预留手机号登录",
                origin,
            )
            .await?;
            tx.commit().await?;
            Ok(BindingStarted::Bound {
                household_id: household.id,
            })
        }
        BindingRoute::AtTheCounter => Err(BackendError::Invalid(at_the_counter_message(
            &household.company_hotline,
        ))),
        BindingRoute::Confirm {
            code_to_holder,
            ask_residents,
        } => {
            let holder_phone = household.holder_phone.filter(|_| code_to_holder);
            let token = open_request(
                db,
                viewer,
                household.id,
                &account_no,
                holder_phone.as_deref(),
                if ask_residents { bound.as_slice() } else { &[] },
                origin,
            )
            .await?;
            Ok(BindingStarted::Waiting { token })
        }
    }
}

/// Writes a request; texts the holder its code and the bound residents
/// the request, in one transaction with it. Codes to one holder's phone
/// are limited like sign-in codes, under the number's lock.
async fn open_request(
    db: &Database,
    viewer: &Viewer,
    household_id: i64,
    account_no: &str,
    holder_phone: Option<&str>,
    bound: &[(i64, String)],
    origin: &RequestOrigin,
) -> BackendResult<String> {
    let now = origin.now;
    let policy = binding_code_policy();
    let token = secrets::new_token();
    let token_hash = secrets::token_hash(&token);
    let code = holder_phone.map(|_| secrets::new_code());
    let applicant = viewer.phone.as_deref().map(mask_phone).unwrap_or_default();
    let mut tx = db.writer().begin().await?;
    if let Some(phone) = holder_phone {
        one_time_codes::check_sends(
            &mut tx,
            CodeKind::Binding,
            phone,
            &viewer.person_id.to_string(),
            viewer.person_id,
            &policy,
            now,
        )
        .await?;
    }
    let code_hash = code.as_deref().map(|code| secrets::code_hash(&token, code));
    let request_id = binding_requests::insert(
        &mut tx,
        &NewRequest {
            token_hash: &token_hash,
            person_id: viewer.person_id,
            household_id,
            sent_to: holder_phone,
            code_hash: code_hash.as_deref(),
            now,
        },
    )
    .await?;
    if let (Some(phone), Some(code)) = (holder_phone, code) {
        let text = TextTemplate::BindingCode {
            code,
            account_no: account_no.to_string(),
            applicant: applicant.clone(),
            valid_minutes: u32::try_from(policy.lifetime / 60).unwrap_or(10),
        };
        queue_text(
            &mut tx,
            phone,
            &format!("binding-code:{request_id}"),
            &text,
            now,
        )
        .await?;
    }
    for (person_id, phone) in bound {
        let text = TextTemplate::AccountNews {
            account_no: account_no.to_string(),
            news: approval_request_news(&applicant),
        };
        let key = format!("binding-asked:{request_id}:{person_id}");
        queue_text(&mut tx, phone, &key, &text, now).await?;
    }
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "household_bind_requested",
            "household",
            household_id,
            if holder_phone.is_some() {
                "户主预留手机验证码"
            } else {
                "请已绑定居民确认"
            },
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Binds, records it and tells the residents bound before, in the
/// caller's transaction. `how` says how it was confirmed.
async fn complete(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    household_id: i64,
    how: &str,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    let before = households::bound_residents(&mut **tx, household_id).await?;
    if !households::bind(tx, person_id, household_id, origin.now).await? {
        return Ok(());
    }
    let (phone, account_no) = households::binder_and_account(&mut **tx, person_id, household_id)
        .await?
        .ok_or_else(|| BackendError::Internal(format!("binding {person_id} to {household_id}")))?;
    let news = new_binder_news(&phone.as_deref().map(mask_phone).unwrap_or_default(), how);
    for (other, other_phone) in before.iter().filter(|(id, _)| *id != person_id) {
        let text = TextTemplate::AccountNews {
            account_no: account_no.clone(),
            news: news.clone(),
        };
        let key = format!(
            "binding-news:{household_id}:{person_id}:{other}:{}",
            origin.now
        );
        queue_text(tx, other_phone, &key, &text, origin.now).await?;
    }
    audit::record(
        &mut **tx,
        &origin.audit(
            Some(person_id),
            "household_bound",
            "household",
            household_id,
            how,
        ),
    )
    .await
}

/// The resident's own waiting request, for its page.
pub async fn pending(db: &Database, viewer: &Viewer, token: &str) -> BackendResult<PendingBinding> {
    viewer.require(Role::Resident)?;
    let request = own_request(db, viewer, token).await?;
    Ok(PendingBinding {
        token: token.to_string(),
        code_sent_to: request.sent_to.as_deref().map(mask_phone),
        expires_at: request.created_at
            + if request.code_hash.is_some() {
                binding_code_policy().lifetime
            } else {
                domain::household::APPROVAL_WINDOW
            },
    })
}

async fn own_request(db: &Database, viewer: &Viewer, token: &str) -> BackendResult<RequestRow> {
    binding_requests::of_person(db.writer(), viewer.person_id, &secrets::token_hash(token))
        .await?
        .filter(|r| r.decided_at.is_none())
        .ok_or(BackendError::NotFound(text::binding_expired))
}

/// Completes the resident's request with the code the holder read out.
/// Each try is reserved before the comparison, as for sign-in codes.
pub async fn confirm_with_code(
    db: &Database,
    viewer: &Viewer,
    token: &str,
    code_text: &str,
    origin: &RequestOrigin,
) -> BackendResult<i64> {
    viewer.require(Role::Resident)?;
    let code = parse_code(code_text).map_err(|e| BackendError::invalid(&e))?;
    let request = own_request(db, viewer, token).await?;
    let Some(code_hash) = request.code_hash.as_deref() else {
        return Err(BackendError::refused(text::binding_needs_approval_not_code));
    };
    let stored = StoredCode {
        kind: CodeKind::Binding,
        id: request.id,
        created_at: request.created_at,
        tries: request.wrong_tries,
        code_hash,
    };
    let checked =
        one_time_codes::check(db, stored, token, &code, &binding_code_policy(), origin.now).await?;
    if let Some(refusal) = checked.refusal() {
        return Err(refusal);
    }
    let mut tx = db.writer().begin().await?;
    if !binding_requests::decide(&mut tx, request.id, "code", None, origin.now).await? {
        tx.rollback().await?;
        return Err(BackendError::refused(text::binding_already_decided));
    }
    complete(
        &mut tx,
        viewer.person_id,
        request.household_id,
        "户主短信确认",
        origin,
    )
    .await?;
    tx.commit().await?;
    Ok(request.household_id)
}

/// Requests by others to bind the viewer's households, still open.
pub async fn waiting_for_me(
    db: &Database,
    viewer: &Viewer,
    now: i64,
) -> BackendResult<Vec<WaitingBinding>> {
    viewer.require(Role::Resident)?;
    let since = now - domain::household::APPROVAL_WINDOW;
    Ok(
        binding_requests::waiting_for(db.reader(), viewer.person_id, since)
            .await?
            .into_iter()
            .map(|row| WaitingBinding {
                request_id: row.id,
                account_no: row.account_no,
                applicant: mask_phone(&row.applicant_phone),
                asked_at: row.created_at,
            })
            .collect(),
    )
}

/// A bound resident approves or declines another's request.
pub async fn decide(
    db: &Database,
    viewer: &Viewer,
    request_id: i64,
    decision: &str,
    origin: &RequestOrigin,
) -> BackendResult<BindingDecision> {
    viewer.require(Role::Resident)?;
    let decision = BindingDecision::parse(decision)
        .ok_or_else(|| BackendError::refused(text::binding_decision_missing))?;
    let request = binding_requests::waiting_one(db.reader(), viewer.person_id, request_id)
        .await?
        .filter(|r| r.decided_at.is_none() && approval_open(r.created_at, origin.now))
        .ok_or(BackendError::NotFound(text::binding_request_not_found))?;
    let mut tx = db.writer().begin().await?;
    if !binding_requests::decide(
        &mut tx,
        request.id,
        decision.as_str(),
        Some(viewer.person_id),
        origin.now,
    )
    .await?
    {
        tx.rollback().await?;
        return Err(BackendError::NotFound(text::binding_request_not_found));
    }
    match decision {
        BindingDecision::Approve => {
            complete(
                &mut tx,
                request.person_id,
                request.household_id,
                "已绑定居民同意",
                origin,
            )
            .await?
        }
        BindingDecision::Decline => {
            audit::record(
                &mut *tx,
                &origin.audit(
                    Some(viewer.person_id),
                    "household_bind_declined",
                    "household",
                    request.household_id,
                    "",
                ),
            )
            .await?
        }
    }
    tx.commit().await?;
    Ok(decision)
}

/// The pickers for finding one's home by its address: what the building
/// lookup offers for the choices so far, and the flats of a picked unit.
pub async fn address_picker(
    db: &Database,
    settings: &crate::config::PortalSettings,
    viewer: &Viewer,
    choice: crate::services::public::LookupChoice<'_>,
    now: i64,
) -> BackendResult<AddressPicker> {
    viewer.require(Role::Resident)?;
    let lookup = crate::services::public::building_lookup(db, settings, now, choice).await?;
    let flats = match lookup.unit_id {
        Some(unit) => households::flats_of_unit(db.reader(), unit).await?,
        None => Vec::new(),
    };
    Ok(AddressPicker { lookup, flats })
}
