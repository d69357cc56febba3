//! Open311 GeoReport v2: API keys an admin issues and revokes, requests
//! other systems post (filed through the same filing code as residents'
//! own, as ordinary cases), and the public list of requests.

use crate::cases::filing::{
    file_application_as, file_repair_as, file_temperature_as, ApplicationForm, RepairForm,
    TemperatureForm,
};
use crate::cases::opening::Filer;
use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::api_keys;
use crate::services::hotline::place;
use crate::services::identity::RequestOrigin;
use crate::store::open311::{self as store, PublicQuery, PublicRow};
use crate::store::{households, people};
use domain::api_keys::KeyScope;
use domain::case_flow::{CaseKind, CaseState};
use domain::cases::Reporter;
use domain::clock::UnixSeconds;
use domain::household::{normalize_holder_name, NO_MATCH_MESSAGE};
use domain::limits::{Limit, OPEN311_POSTS_PER_KEY};
use domain::open311::{
    parse_post, parse_query, Open311Error, PostedAnswer, PostedDetails, PostedRequest, PublicFacts,
    RequestStatus, ServiceRequest, TokenAnswer, MAX_REQUESTS,
};
use domain::phone::MobileNumber;
use sha2::{Digest, Sha256};
use translations::Lang;

/// A repeated POST from the same key with the same fields within this many
/// seconds answers with the request it made (a client's retry is never a
/// second case).
const RETRY_WINDOW: i64 = 86_400;

/// A system holding a valid key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open311Client {
    pub key_id: i64,
    pub label: String,
}

/// Why a request is not taken, as the spec's error.
#[derive(Debug, thiserror::Error)]
pub enum Open311Refusal {
    #[error("{}", .0.description)]
    Invalid(Open311Error),
    #[error(transparent)]
    Backend(#[from] BackendError),
}

impl From<Open311Error> for Open311Refusal {
    fn from(error: Open311Error) -> Self {
        Self::Invalid(error)
    }
}

/// The client holding `api_key`, when it is an Open311 key issued and not
/// revoked.
pub async fn client(
    db: &Database,
    api_key: &str,
    now: UnixSeconds,
) -> BackendResult<Option<Open311Client>> {
    Ok(api_keys::holder(db, KeyScope::Open311, api_key, now)
        .await?
        .map(|key| Open311Client {
            key_id: key.id,
            label: key.label,
        }))
}

/// The token of a request: which key, which day, and a digest of what was
/// posted. The case's idempotency key is "open311:" and the token.
fn token(client: &Open311Client, fields: &[(String, String)], day: i64) -> String {
    let mut sorted: Vec<&(String, String)> =
        fields.iter().filter(|(k, _)| k != "api_key").collect();
    sorted.sort();
    let mut hasher = Sha256::new();
    for (name, value) in sorted {
        hasher.update(name.trim().as_bytes());
        hasher.update([0]);
        hasher.update(value.trim().as_bytes());
        hasher.update([0]);
    }
    let digest = hex::encode(hasher.finalize());
    format!("{}-{day}-{}", client.key_id, &digest[..24])
}

fn case_key(token: &str) -> String {
    format!("open311:{token}")
}

/// Where a request is: the household its address_id names, or the building
/// (and household, when unit and room are there) its address text names.
async fn filer(
    db: &Database,
    client: &Open311Client,
    posted: &PostedRequest,
) -> Result<Filer, Open311Refusal> {
    let (household, building_id) = if let Some(account_no) = &posted.address_id {
        let household = match households::by_account_no(db.reader(), account_no).await? {
            Some((id, _)) => households::by_id(db.reader(), id).await?,
            None => None,
        }
        .ok_or_else(|| Open311Error::bad("address_id", "no such household account 户号不存在"))?;
        let building_id = household.building_id;
        (Some(household), building_id)
    } else {
        let address = posted.address_string.as_deref().unwrap_or_default();
        let placement = place(db, address).await?;
        let building_id = placement.building_id.ok_or_else(|| {
            Open311Error::bad(
                "address_string",
                "no building matches; name the community and building, e.g. 幸福小区3号楼2单元301, or send address_id 地址未能匹配到楼栋",
            )
        })?;
        let household = match placement.household_id {
            Some(id) => households::by_id(db.reader(), id).await?,
            None => None,
        };
        (household, building_id)
    };
    let mobile = posted
        .phone
        .as_deref()
        .and_then(|phone| MobileNumber::parse(phone).ok());
    let filed_for = match &mobile {
        Some(mobile) => people::by_phone(db.reader(), mobile.as_str())
            .await?
            .filter(|p| p.disabled_at.is_none())
            .map(|p| p.id),
        None => None,
    };
    Ok(Filer {
        household,
        building_id,
        filed_by: None,
        contact_phone: mobile.map(|m| m.as_str().to_string()),
        filed_for,
        channel: "open311",
        actor_label: format!("Open311：{}", client.label),
        consent_id: None,
        reporter: Some(reporter(posted)),
    })
}

/// Who asked, as the other system passed them on: for the dispatcher and
/// the crew only, never in the case's text.
fn reporter(posted: &PostedRequest) -> Reporter {
    let address = match (&posted.address_string, posted.location) {
        (Some(address), Some((lat, long))) => Some(format!("{address}（坐标 {lat}, {long}）")),
        (Some(address), None) => Some(address.clone()),
        (None, Some((lat, long))) => Some(format!("坐标 {lat}, {long}")),
        (None, None) => None,
    };
    Reporter {
        name: posted.name.clone(),
        phone: posted.phone.clone(),
        email: posted.email.clone(),
        address,
    }
}

/// Files a posted request as a case and answers with its number. A repeat
/// of the same fields by the same key within a day answers with the first.
pub async fn submit(
    db: &Database,
    settings: &PortalSettings,
    client: &Open311Client,
    fields: &[(String, String)],
    origin: &RequestOrigin,
) -> Result<PostedAnswer, Open311Refusal> {
    let limit = Limit {
        max: settings.open311_posts_per_minute,
        ..OPEN311_POSTS_PER_KEY
    };
    crate::services::throttle::count(db, &limit, &client.key_id.to_string(), origin.now).await?;
    let posted = parse_post(fields)?;
    let day = origin.now.div_euclid(86_400);
    let today = token(client, fields, day);
    for earlier in [today.clone(), token(client, fields, day - 1)] {
        if let Some(row) = store::public_by_key(db.reader(), &case_key(&earlier)).await? {
            if origin.now - row.created_at <= RETRY_WINDOW {
                return Ok(answer(row, earlier)?);
            }
        }
    }
    let filer = filer(db, client, &posted).await?;
    if let (PostedDetails::Application { holder_name, .. }, Some(household)) =
        (&posted.details, &filer.household)
    {
        let same = normalize_holder_name(holder_name).ok()
            == normalize_holder_name(&household.holder_name).ok();
        if !same {
            return Err(
                Open311Error::bad("attribute[holder_name]", NO_MATCH_MESSAGE(Lang::Zh)).into(),
            );
        }
    }
    let key = case_key(&today);
    let note = posted.description.clone();
    let filed = match posted.details.clone() {
        PostedDetails::Temperature {
            reading,
            room,
            file_anyway,
        } => {
            let form = TemperatureForm {
                room,
                reading,
                file_anyway,
                note,
                ..TemperatureForm::default()
            };
            file_temperature_as(db, settings, origin, &key, &filer, form).await
        }
        PostedDetails::Repair {
            category,
            water_flooding,
        } => {
            let form = RepairForm {
                category,
                water_flooding,
                description: note,
                ..RepairForm::default()
            };
            file_repair_as(db, settings, origin, &key, &filer, form).await
        }
        PostedDetails::Application { has_own_valve, .. } => {
            let form = ApplicationForm {
                kind: posted.kind.as_str().to_string(),
                has_own_valve,
                note,
                ..ApplicationForm::default()
            };
            let documents = posted.media_url.as_deref().ok_or_else(|| {
                Open311Error::bad(
                    "media_url",
                    "required for this service: a photo of the holder's ID and heating card 请提供材料照片链接",
                )
            })?;
            file_application_as(db, settings, origin, &key, &filer, form, Some(documents)).await
        }
    };
    match filed {
        Ok(_) => {}
        // Triage, the season, the household's state: said as the portal
        // says it to residents.
        Err(BackendError::Invalid(message)) => {
            return Err(Open311Error::new(400, message.get(Lang::Zh)).into())
        }
        Err(error) => return Err(error.into()),
    }
    let row = store::public_by_key(db.reader(), &key)
        .await?
        .ok_or_else(|| BackendError::Internal("open311 request vanished".into()))?;
    tracing::info!(case_no = %row.case_no, key_id = client.key_id, "open311 request filed");
    Ok(answer(row, today)?)
}

fn answer(row: PublicRow, token: String) -> BackendResult<PostedAnswer> {
    let request = public(row)?;
    let service_notice = match &request.expected_datetime {
        Some(at) => format!("已受理，承诺 {at} 前响应 Received; response due by {at}"),
        None => request.status_notes.clone(),
    };
    Ok(PostedAnswer {
        service_request_id: request.service_request_id,
        token,
        service_notice,
        account_id: None,
    })
}

/// The public view of a row; the store only lists kinds of the catalogue
/// and states it wrote, so an unreadable row is a broken database.
fn public(row: PublicRow) -> BackendResult<ServiceRequest> {
    let unreadable = || BackendError::Internal(format!("case {} kind/state", row.case_no));
    Ok(ServiceRequest::public(PublicFacts {
        kind: CaseKind::parse(&row.kind).ok_or_else(unreadable)?,
        state: CaseState::parse(&row.state).ok_or_else(unreadable)?,
        case_no: row.case_no,
        summary: row.summary,
        created_at: row.created_at,
        updated_at: row.updated_at,
        due_at: row.due_at,
        outage_restore_at: row.outage_restore_at,
        place: row.place,
        company: row.company,
    }))
}

/// GET requests: the public view of the cases asked for.
pub async fn find(
    db: &Database,
    fields: &[(String, String)],
    now: UnixSeconds,
) -> Result<Vec<ServiceRequest>, Open311Refusal> {
    let query = parse_query(fields, now)?;
    let kinds: Vec<&str> = query.kinds.iter().map(|k| k.as_str()).collect();
    let open = match query.statuses.as_slice() {
        [RequestStatus::Open] => Some(true),
        [RequestStatus::Closed] => Some(false),
        _ => None,
    };
    let rows = store::public_requests(
        db.reader(),
        &PublicQuery {
            case_nos: &query.ids,
            kinds: &kinds,
            from: query.from,
            to: query.to,
            open,
            limit: MAX_REQUESTS,
        },
    )
    .await?;
    Ok(rows.into_iter().map(public).collect::<BackendResult<_>>()?)
}

/// GET requests/{id}: one case, when it is of a service the catalogue lists.
pub async fn one(db: &Database, case_no: &str) -> BackendResult<Option<ServiceRequest>> {
    let kinds: Vec<&str> = CaseKind::ALL
        .into_iter()
        .filter(|k| domain::open311::service_code(*k).is_some())
        .map(|k| k.as_str())
        .collect();
    let rows = store::public_requests(
        db.reader(),
        &PublicQuery {
            case_nos: &[case_no.to_string()],
            kinds: &kinds,
            from: 0,
            to: 0,
            open: None,
            limit: 1,
        },
    )
    .await?;
    rows.into_iter().next().map(public).transpose()
}

/// GET tokens/{token}.
pub async fn by_token(db: &Database, token: &str) -> BackendResult<Option<TokenAnswer>> {
    if token.len() > 100 {
        return Ok(None);
    }
    Ok(store::public_by_key(db.reader(), &case_key(token))
        .await?
        .map(|row| TokenAnswer {
            service_request_id: row.case_no,
            token: token.to_string(),
        }))
}
