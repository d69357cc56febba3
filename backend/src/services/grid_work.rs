//! A grid worker's work: filing for a resident once the resident consents
//! with a texted code, the grid's desk, and the visit log (访民问暖).
//!
//! Consent works like sign-in: the worker's page holds a random token, the
//! resident's phone gets a six-digit code whose hash is keyed with that
//! token; the code is good for ten minutes, five wrong tries, and one case.

use crate::cases::brief;
use crate::cases::opening::{check_idempotency_key, ConsentProof, Filer};
use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::integrations::sms::TextTemplate;
use crate::secrets;
use crate::services::accounts::{looked_after_buildings, BuildingList};
use crate::services::delivery::queue_text;
use crate::services::identity::{RequestOrigin, Viewer};
use crate::services::one_time_codes::{self, StoredCode};
use crate::store::grid_work::{self, NewConsent, NewVisit};
use crate::store::one_time_codes::CodeKind;
use crate::store::{audit, cases, people, places};
use domain::case_flow::CaseKind;
use domain::clock::{to_local, UnixSeconds};
use domain::grid_work::{
    check_visit, consent_policy, filing_path, may_file_for_resident, ConsentForForm, GridDesk,
    VisitEntry, NOT_LINKED_MESSAGE,
};
use domain::household::parse_account_no;
use domain::otp::parse_code;
use domain::phone::{mask_phone, MobileNumber};
use domain::roles::Role;
use translations::{text, Lang, Localized};

/// Visits the desk lists.
const VISITS_SHOWN: i64 = 30;
/// Open cases the desk lists.
const CASES_SHOWN: i64 = 100;

/// A consent code on its way: where the worker's form continues.
#[derive(Clone, Debug)]
pub struct ConsentRequested {
    /// "/file/temperature?consent=…"
    pub form_path: String,
    pub masked_phone: String,
}

/// "金宝花园 1号楼 2单元 301"
async fn household_address(
    db: &Database,
    household: &crate::store::households::HouseholdRow,
) -> BackendResult<String> {
    let place = places::building_place(db.reader(), household.building_id).await?;
    Ok(match place {
        Some(p) => format!(
            "{} {} {} {}",
            p.community_name, p.building_name, household.unit_name, household.room
        ),
        None => format!("{} {}", household.unit_name, household.room),
    })
}

/// Texts the resident a consent code for the worker to file `kind` for
/// the household with account number `account_no` (in the worker's grid).
pub async fn request_filing_consent(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    account_no: &str,
    phone_text: &str,
    kind: &str,
) -> BackendResult<ConsentRequested> {
    viewer.require(Role::GridWorker)?;
    let kind = CaseKind::parse(kind)
        .filter(|k| may_file_for_resident(*k))
        .ok_or_else(|| BackendError::refused(text::grid_kind_missing))?;
    let account_no = parse_account_no(account_no).map_err(|e| BackendError::invalid(&e))?;
    let household =
        grid_work::grid_household_by_account(db.reader(), viewer.person_id, &account_no)
            .await?
            .ok_or_else(|| BackendError::refused(text::grid_household_not_found))?;
    let phone = MobileNumber::parse(phone_text).map_err(|e| BackendError::invalid(&e))?;
    // The code goes only to a number the household already stands behind:
    // a bound resident's, or the holder's on file. A worker cannot send it
    // to a phone of their own choosing.
    let linked = grid_work::household_phones(db.reader(), household.id).await?;
    if !linked.iter().any(|p| p == phone.as_str()) {
        return Err(BackendError::refused(NOT_LINKED_MESSAGE));
    }
    let policy = consent_policy();
    let now = origin.now;
    let token = secrets::new_token();
    let code = secrets::new_code();
    let token_hash = secrets::token_hash(&token);
    let mut tx = db.writer().begin().await?;
    one_time_codes::check_sends(
        &mut tx,
        CodeKind::Consent,
        phone.as_str(),
        &viewer.person_id.to_string(),
        viewer.person_id,
        &policy,
        now,
    )
    .await?;
    let consent_id = grid_work::insert_consent(
        &mut tx,
        &NewConsent {
            token_hash: &token_hash,
            case_kind: kind.as_str(),
            grid_worker_id: viewer.person_id,
            household_id: household.id,
            phone: phone.as_str(),
            code_hash: &secrets::code_hash(&token, &code),
            now,
        },
    )
    .await?;
    let text = TextTemplate::FilingConsent {
        code: code.clone(),
        worker: viewer.display_name.clone(),
        what: kind.label(Lang::Zh).to_string(),
        valid_minutes: u32::try_from(policy.lifetime / 60).unwrap_or(10),
    };
    queue_text(
        &mut tx,
        phone.as_str(),
        &format!("filing-consent:{token_hash}"),
        &text,
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "grid.consent_requested",
            "household",
            household.id,
            format!("{} {}", kind.label(Lang::Zh), phone.masked()),
        ),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        consent_id,
        household_id = household.id,
        "filing consent requested"
    );
    Ok(ConsentRequested {
        form_path: filing_path(kind, &token),
        masked_phone: phone.masked(),
    })
}

/// The consent a filing form works under, for its page: the household and
/// the masked phone. Only the worker who asked finds it.
pub async fn consent_for_form(
    db: &Database,
    viewer: &Viewer,
    token: &str,
) -> BackendResult<ConsentForForm> {
    viewer.require(Role::GridWorker)?;
    let gone = || BackendError::NotFound(text::grid_consent_expired);
    let consent =
        grid_work::consent_of_worker(db.reader(), viewer.person_id, &secrets::token_hash(token))
            .await?
            .filter(|c| c.confirmed_at.is_none())
            .ok_or_else(gone)?;
    let household =
        grid_work::grid_household_by_id(db.reader(), viewer.person_id, consent.household_id)
            .await?
            .ok_or_else(gone)?;
    Ok(ConsentForForm {
        token: token.to_string(),
        household_id: household.id,
        address: household_address(db, &household).await?,
        masked_phone: mask_phone(&consent.phone),
        expires_at: consent.created_at + consent_policy().lifetime,
    })
}

/// Checks the resident's code for a worker's filing; the filer it gives
/// files in the worker's name for the resident, whose phone hears of the
/// case. The consent is spent with the case, in the filing's transaction.
pub(crate) async fn consented_filer(
    db: &Database,
    viewer: &Viewer,
    proof: &ConsentProof,
    household_id: i64,
    kind: CaseKind,
    now: UnixSeconds,
) -> BackendResult<Filer> {
    viewer.require(Role::GridWorker)?;
    let code = parse_code(&proof.code).map_err(|e| BackendError::invalid(&e))?;
    let gone = || BackendError::refused(text::grid_consent_expired);
    let consent = grid_work::consent_of_worker(
        db.writer(),
        viewer.person_id,
        &secrets::token_hash(&proof.token),
    )
    .await?
    .filter(|c| c.household_id == household_id && c.confirmed_at.is_none())
    .ok_or_else(gone)?;
    // The resident agreed to one kind of case: that one only.
    if consent.case_kind != kind.as_str() {
        return Err(BackendError::Invalid(Localized::new(|lang| {
            text::grid_consent_for_other_kind(lang, kind.label(lang))
        })));
    }
    let stored = StoredCode {
        kind: CodeKind::Consent,
        id: consent.id,
        created_at: consent.created_at,
        tries: consent.wrong_tries,
        code_hash: &consent.code_hash,
    };
    let checked =
        one_time_codes::check(db, stored, &proof.token, &code, &consent_policy(), now).await?;
    if let Some(refusal) = checked.refusal() {
        return Err(refusal);
    }
    // The household must still be in the worker's grid.
    let household = grid_work::grid_household_by_id(db.reader(), viewer.person_id, household_id)
        .await?
        .ok_or_else(gone)?;
    let resident = people::by_phone(db.reader(), &consent.phone).await?;
    Ok(Filer {
        building_id: household.building_id,
        household: Some(household),
        filed_by: Some(viewer.person_id),
        contact_phone: Some(consent.phone),
        filed_for: resident.map(|p| p.id),
        channel: "grid",
        actor_label: format!("网格员 {}（代居民提交，已短信确认）", viewer.display_name),
        consent_id: Some(consent.id),
        reporter: None,
    })
}

/// 我的网格: buildings, open cases overdue first, the newest visits.
pub async fn grid_desk(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<GridDesk> {
    let buildings = looked_after_buildings(db, settings, viewer, BuildingList::Grid, now).await?;
    let cases = cases::open_in_grids(db.reader(), viewer.person_id, CASES_SHOWN)
        .await?
        .into_iter()
        .map(|row| brief(row, now))
        .collect();
    let visits = grid_work::visits_in_grids(db.reader(), viewer.person_id, VISITS_SHOWN)
        .await?
        .into_iter()
        .map(|v| VisitEntry {
            visit_id: v.id,
            visited_on: v.visited_on,
            place: v.place,
            worker_name: v.worker_name,
            notes: v.notes,
            follow_up: v.follow_up_case_id.zip(v.follow_up_case_no),
        })
        .collect();
    Ok(GridDesk {
        buildings,
        cases,
        visits,
        today: to_local(now).format("%Y-%m-%d").to_string(),
    })
}

/// A visit as the form sends it.
#[derive(Clone, Debug, Default)]
pub struct VisitForm {
    pub building_id: i64,
    /// Optional: the household visited, by account number.
    pub account_no: String,
    pub visited_on: String,
    pub notes: String,
    /// Optional: the case that followed, by number.
    pub follow_up_case_no: String,
    pub idempotency_key: String,
}

/// Logs a visit to a building (or one household) of the worker's grid.
pub async fn log_visit(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    form: VisitForm,
) -> BackendResult<i64> {
    viewer.require(Role::GridWorker)?;
    let key = format!(
        "{}:{}",
        viewer.person_id,
        check_idempotency_key(&form.idempotency_key)?
    );
    let today = to_local(origin.now).date_naive();
    let visit = check_visit(&form.visited_on, &form.notes, today).map_err(BackendError::refused)?;
    if !places::building_in_scope(
        db.reader(),
        viewer.person_id,
        form.building_id,
        crate::store::access::GRID_BUILDINGS,
    )
    .await?
    {
        return Err(BackendError::refused(text::grid_building_missing));
    }
    let household_id = if form.account_no.trim().is_empty() {
        None
    } else {
        let account_no =
            parse_account_no(&form.account_no).map_err(|e| BackendError::invalid(&e))?;
        let household =
            grid_work::grid_household_by_account(db.reader(), viewer.person_id, &account_no)
                .await?
                .filter(|h| h.building_id == form.building_id)
                .ok_or_else(|| BackendError::refused(text::grid_household_not_in_building))?;
        Some(household.id)
    };
    let case_no = form.follow_up_case_no.trim().to_uppercase();
    let follow_up_case_id = if case_no.is_empty() {
        None
    } else {
        Some(
            cases::visible_by_number(db.reader(), viewer.person_id, &case_no)
                .await?
                .ok_or_else(|| BackendError::refused(text::grid_case_not_found))?,
        )
    };
    let visited_on = visit.visited_on.format("%Y-%m-%d").to_string();
    let id = grid_work::insert_visit(
        db.writer(),
        &NewVisit {
            grid_worker_id: viewer.person_id,
            building_id: form.building_id,
            household_id,
            visited_on: &visited_on,
            notes: &visit.notes,
            follow_up_case_id,
            idempotency_key: &key,
            now: origin.now,
        },
    )
    .await?;
    Ok(id)
}
