//! Opening a case: the one place a case, its number, its reporter and its
//! first timeline entry are written (web filing, Open311, 12345 orders, incidents
//! and the demo data alike), and the start every web filing shares.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::Viewer;
use crate::store::cases::{self, NewCase, NewEvent};
use crate::store::households;
use domain::case_flow::{CaseKind, FILED_EVENT};
use domain::cases::{Filed, Reporter};
use domain::clock::{to_local, UnixSeconds};
use domain::roles::Role;
use sqlx::{Any, Transaction};
use translations::text;

/// Who writes a case's first timeline entry, and what it says.
#[derive(Clone, Copy, Debug)]
pub struct FirstEvent<'a> {
    pub actor_id: Option<i64>,
    /// "居民", "12345 热线（工单 …）", "调度员 张敏"
    pub actor_label: &'a str,
    pub note: &'a str,
}

/// What [`open_case`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    New {
        case_id: i64,
        case_no: String,
        /// The first timeline entry, for the messages and files that belong to it.
        event_id: i64,
    },
    /// A case with the same idempotency key exists: nothing was written.
    AlreadyOpen,
}

/// Writes a case of `kind` in its first state, its number (the kind's
/// prefix, the filing date and the id: R20261128000042), its reporter when
/// another system passed one on, and its first entry ([`FILED_EVENT`]), inside `tx`. A key
/// taken already writes nothing.
pub async fn open_case(
    tx: &mut Transaction<'_, Any>,
    kind: CaseKind,
    case: NewCase<'_>,
    first_event: FirstEvent<'_>,
    reporter: Option<&Reporter>,
) -> BackendResult<Opened> {
    let initial = kind.initial_state();
    let case = NewCase {
        kind: kind.as_str(),
        state: initial.as_str(),
        ..case
    };
    let Some(cases::InsertedCase {
        id: case_id,
        case_no,
    }) = cases::insert(tx, &case, &number_prefix(kind, case.now)).await?
    else {
        return Ok(Opened::AlreadyOpen);
    };
    if let Some(reporter) = reporter.filter(|r| !r.is_empty()) {
        cases::insert_reporter(tx, case_id, reporter).await?;
    }
    let event_id = cases::append_event(
        tx,
        &NewEvent {
            case_id,
            at: case.now,
            actor_id: first_event.actor_id,
            actor_label: first_event.actor_label,
            kind: FILED_EVENT,
            from_state: None,
            to_state: initial.as_str(),
            note: first_event.note,
        },
    )
    .await?;
    Ok(Opened::New {
        case_id,
        case_no,
        event_id,
    })
}

/// Case numbers read the filing date: R20261128000042.
fn number_prefix(kind: CaseKind, now: UnixSeconds) -> String {
    format!("{}{}", kind.number_prefix(), to_local(now).format("%Y%m%d"))
}

/// The case an idempotency key (as stored) opened, after [`Opened::AlreadyOpen`].
pub(crate) async fn already_open(db: &Database, stored_key: &str) -> BackendResult<Filed> {
    let case_id = cases::by_idempotency_key(db.writer(), stored_key)
        .await?
        .ok_or_else(|| BackendError::Internal("idempotency key vanished".into()))?;
    Ok(Filed {
        case_id,
        created: false,
    })
}

/// Who files a case, for which household, and who hears of it: the
/// resident for their own home, a grid worker for a resident who consented
/// with a texted code, or another system (Open311).
pub(crate) struct Filer {
    /// The household; another system may name only a building.
    pub household: Option<households::HouseholdRow>,
    pub building_id: i64,
    /// The person who files; None when another system does.
    pub filed_by: Option<i64>,
    /// The phone the case's news goes to.
    pub contact_phone: Option<String>,
    /// The resident the case is for, when they have an account.
    pub filed_for: Option<i64>,
    /// "web" (the resident), "grid" (a grid worker for them) or "open311".
    pub channel: &'static str,
    /// "居民", "网格员 李娜（代居民提交）"
    pub actor_label: String,
    /// The consent this filing spends.
    pub consent_id: Option<i64>,
    /// Who asked, as another system passed them on (name, phone, email,
    /// address as given): kept apart from the case's text, for the
    /// dispatchers and the crew only.
    pub reporter: Option<Reporter>,
}

/// A grid worker's proof that the resident agreed: the consent's token
/// (from the page address) and the code the resident read out.
#[derive(Clone, Debug, Default)]
pub struct ConsentProof {
    pub token: String,
    pub code: String,
}

/// How a web filing starts.
pub(crate) enum FilingStart {
    /// A new filing: the key as stored and who files.
    New {
        stored_key: String,
        filer: Box<Filer>,
    },
    /// The form's key filed a case already: a retried or repeated submit
    /// answers with it, whatever changed since.
    AlreadyFiled(Filed),
}

/// An idempotency key as the form sent it: 16 to 64 letters, digits, `-`, `_`.
pub(crate) fn check_idempotency_key(key: &str) -> BackendResult<&str> {
    let key = key.trim();
    let fine = (16..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if fine {
        Ok(key)
    } else {
        Err(BackendError::refused(text::filing_form_expired))
    }
}

/// The idempotency key as stored: one person's keys never meet another's,
/// nor those of other systems ("12345:…", "open311:…", "incident:…").
fn scoped_key(viewer: &Viewer, key: &str) -> String {
    format!("web:{}:{key}", viewer.person_id)
}

/// The start every web filing shares: the form's one-time key, scoped to
/// the person, and who files for which household.
pub(crate) async fn begin_filing(
    db: &Database,
    viewer: &Viewer,
    idempotency_key: &str,
    household_id: i64,
    kind: CaseKind,
    consent: Option<&ConsentProof>,
    now: UnixSeconds,
) -> BackendResult<FilingStart> {
    let stored_key = scoped_key(viewer, check_idempotency_key(idempotency_key)?);
    if let Some(case_id) = cases::by_idempotency_key(db.reader(), &stored_key).await? {
        return Ok(FilingStart::AlreadyFiled(Filed {
            case_id,
            created: false,
        }));
    }
    let filer = match consent {
        Some(proof) => {
            crate::services::grid_work::consented_filer(db, viewer, proof, household_id, kind, now)
                .await?
        }
        None => {
            let household = own_household(db, viewer, household_id).await?;
            Filer {
                building_id: household.building_id,
                household: Some(household),
                filed_by: Some(viewer.person_id),
                contact_phone: viewer.phone.clone(),
                filed_for: Some(viewer.person_id),
                channel: "web",
                actor_label: "居民".to_string(),
                consent_id: None,
                reporter: None,
            }
        }
    };
    Ok(FilingStart::New {
        stored_key,
        filer: Box::new(filer),
    })
}

/// A household the resident bound, with what filing needs of it.
async fn own_household(
    db: &Database,
    viewer: &Viewer,
    household_id: i64,
) -> BackendResult<households::HouseholdRow> {
    viewer.require(Role::Resident)?;
    households::bound_to(db.reader(), viewer.person_id)
        .await?
        .into_iter()
        .find(|h| h.id == household_id)
        .ok_or(BackendError::NotFound(text::filing_household_not_bound))
}
