//! One case: what its page shows, how a person stands to it, its timeline,
//! and the cases tied to it (merged, gathered, found by number).

use crate::error::BackendResult;
use crate::store::access::{
    COMPANY_BUILDINGS, COMPANY_CASE, OWN_HOUSEHOLD_CASE, PERSON_CREWS, VISIBLE_CASE,
};
use domain::account::Choice;
use domain::cases::Reporter;
use sqlx::AnyPool;

/// What a case page shows beyond its list line. Read only after
/// [`one_visible_to`] allowed it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseFacts {
    pub details: String,
    pub category: Option<String>,
    pub room: Option<String>,
    pub reading_tenths: Option<i64>,
    pub measured_as_guided: Option<i64>,
    pub season_start_year: Option<i64>,
    pub contact_phone: Option<String>,
    pub filed_by: Option<i64>,
    pub outage_id: Option<i64>,
    pub outage_title: Option<String>,
    pub outage_restore_at: Option<i64>,
    pub assigned_crew_id: Option<i64>,
    pub company_id: Option<i64>,
    pub responded_at: Option<i64>,
    pub response_on_time: Option<i64>,
    pub decision_note: Option<String>,
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
    pub address: String,
    /// The household's service now, and the seal on its valve.
    pub household_service_state: Option<String>,
    pub household_seal_no: Option<String>,
    pub household_account_no: Option<String>,
    /// The holder a change of holder names.
    pub new_holder_name: Option<String>,
    pub new_holder_phone: Option<String>,
    pub household_id: Option<i64>,
}

/// The columns of [`CaseFacts`] beyond those of a [`super::CaseRow`]
/// (`household_id`, `responded_at`), over [`case_joins!`] and
/// [`FACTS_JOINS`].
const FACTS_COLUMNS: &str =
    "c.details, c.category, c.room, c.reading_tenths, c.measured_as_guided, \
     c.season_start_year, c.contact_phone, c.filed_by, c.outage_id, o.title AS outage_title, \
     o.expected_restore_at AS outage_restore_at, c.assigned_crew_id, \
     COALESCE(s.company_id, c.company_id) AS company_id, c.response_on_time, c.decision_note, \
     c.rating, c.rating_comment, \
     h.service_state AS household_service_state, h.seal_no AS household_seal_no, \
     h.account_no AS household_account_no, c.new_holder_name, c.new_holder_phone, \
     COALESCE(cm.district || ' ' || cm.name || ' ' || b.name \
              || COALESCE(' ' || u.name || ' ' || h.room, ''), '') AS address";

/// The case's outage `o`, household `h`, unit `u` and heating station `s`.
const FACTS_JOINS: &str = "LEFT JOIN outages o ON o.id = c.outage_id \
     LEFT JOIN households h ON h.id = c.household_id \
     LEFT JOIN units u ON u.id = h.unit_id \
     LEFT JOIN stations s ON s.id = COALESCE(b.station_id, c.station_id)";

pub async fn facts(pool: &AnyPool, case_id: i64) -> BackendResult<Option<CaseFacts>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {FACTS_COLUMNS}, c.household_id, c.responded_at {} {FACTS_JOINS} WHERE c.id = $1",
        case_joins!()
    ))
    .bind(case_id)
    .fetch_optional(pool)
    .await?)
}

/// How a person stands to the case `c` (person `$1`): the columns of a
/// [`Relation`].
fn relation_columns() -> String {
    format!(
        "CASE WHEN {COMPANY_CASE} THEN 1 ELSE 0 END AS dispatcher, \
         CASE WHEN c.assigned_crew_id IN ({PERSON_CREWS}) THEN 1 ELSE 0 END AS crew, \
         CASE WHEN {OWN_HOUSEHOLD_CASE} \
                OR (c.filed_for = $1 AND EXISTS (SELECT 1 FROM person_roles r \
                      WHERE r.person_id = $1 AND r.role = 'resident')) \
              THEN 1 ELSE 0 END AS resident"
    )
}

/// A case as one person stands to it: its list line, what its page shows,
/// and their relation to it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseForPerson {
    #[sqlx(flatten)]
    pub row: super::CaseRow,
    #[sqlx(flatten)]
    pub facts: CaseFacts,
    #[sqlx(flatten)]
    pub relation: Relation,
}

/// One case as the person stands to it, if they may read it: what its
/// page and its steps need, in one statement.
pub async fn for_person(
    pool: &AnyPool,
    person_id: i64,
    case_id: i64,
) -> BackendResult<Option<CaseForPerson>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {}, {FACTS_COLUMNS}, {} {} {FACTS_JOINS} WHERE c.id = $2 AND {VISIBLE_CASE}",
        case_columns!(),
        relation_columns(),
        case_joins!()
    ))
    .bind(person_id)
    .bind(case_id)
    .fetch_optional(pool)
    .await?)
}

/// Who reported a case through another system, if anyone did. Read only
/// for a viewer who may call them (the service decides).
pub async fn reporter(pool: &AnyPool, case_id: i64) -> BackendResult<Option<Reporter>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        name: Option<String>,
        phone: Option<String>,
        email: Option<String>,
        address: Option<String>,
    }
    let row: Option<Row> =
        sqlx::query_as("SELECT name, phone, email, address FROM case_reporters WHERE case_id = $1")
            .bind(case_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|row| Reporter {
        name: row.name,
        phone: row.phone,
        email: row.email,
        address: row.address,
    }))
}

/// How a person stands to a case, which decides the steps they may take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Relation {
    /// A dispatcher of the company heating the case's building.
    pub dispatcher: i64,
    /// A member of the crew the case is assigned to.
    pub crew: i64,
    /// The resident it was filed for, or bound to its household.
    pub resident: i64,
}

pub async fn relation(pool: &AnyPool, person_id: i64, case_id: i64) -> BackendResult<Relation> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM cases c WHERE c.id = $2",
        relation_columns()
    ))
    .bind(person_id)
    .bind(case_id)
    .fetch_optional(pool)
    .await?
    .unwrap_or_default())
}

/// One timeline entry as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub at: i64,
    pub actor_label: String,
    pub kind: String,
    pub to_state: Option<String>,
    pub note: String,
}

pub async fn timeline(pool: &AnyPool, case_id: i64) -> BackendResult<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT id, at, actor_label, kind, to_state, note FROM case_events \
         WHERE case_id = $1 ORDER BY at, id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?)
}

/// How many entries a case's timeline holds.
pub async fn timeline_length(pool: &AnyPool, case_id: i64) -> BackendResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM case_events WHERE case_id = $1")
            .bind(case_id)
            .fetch_one(pool)
            .await?,
    )
}

/// The few facts a step on a case's 12345 order needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseCore {
    pub case_no: String,
    pub state: String,
    pub deadline_rule: Option<String>,
}

/// A case by id, without any access rule: callers checked access first.
pub async fn one_row(pool: &AnyPool, case_id: i64) -> BackendResult<Option<CaseCore>> {
    Ok(
        sqlx::query_as("SELECT case_no, state, deadline_rule FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// A case's number.
pub async fn case_no(pool: &AnyPool, case_id: i64) -> BackendResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT case_no FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The case an idempotency key created.
pub async fn by_idempotency_key(pool: &AnyPool, key: &str) -> BackendResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM cases WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?,
    )
}

/// Where an incident is: its building or its station, and its outage.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct IncidentPlace {
    pub building_id: Option<i64>,
    pub station_id: Option<i64>,
    pub outage_id: Option<i64>,
}

pub async fn incident_place(pool: &AnyPool, case_id: i64) -> BackendResult<Option<IncidentPlace>> {
    Ok(sqlx::query_as(
        "SELECT building_id, station_id, outage_id FROM cases WHERE id = $1 AND kind = 'incident'",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?)
}

/// An open case of a dispatcher's company, by its number.
pub async fn open_case_by_number(
    pool: &AnyPool,
    person_id: i64,
    case_no: &str,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT c.id FROM cases c WHERE c.case_no = $2 AND c.closed_at IS NULL \
           AND {COMPANY_CASE}"
    ))
    .bind(person_id)
    .bind(case_no)
    .fetch_optional(pool)
    .await?)
}

/// An open report of cold, as incident proposals weigh it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ColdReportRow {
    pub case_id: i64,
    pub household_id: i64,
    pub building_id: i64,
    pub station_id: i64,
    pub state: String,
    pub created_at: i64,
}

/// The condition that makes a case an open report of cold, not yet part of
/// an outage or an incident (`c` is the case).
const OPEN_COLD_REPORT: &str = "c.closed_at IS NULL AND c.parent_case_id IS NULL \
     AND c.outage_id IS NULL AND c.household_id IS NOT NULL \
     AND c.state IN ('acknowledged', 'dispatched') \
     AND (c.kind = 'temperature' OR (c.kind = 'repair' AND c.category IN ('no_heat', 'radiator_cold')))";

/// Open reports of cold in a dispatcher's company filed at or after `since`.
pub async fn cold_reports(
    pool: &AnyPool,
    person_id: i64,
    since: i64,
) -> BackendResult<Vec<ColdReportRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT c.id AS case_id, c.household_id, c.building_id, b.station_id, c.state, \
                c.created_at \
         FROM cases c JOIN buildings b ON b.id = c.building_id \
         WHERE c.building_id IN ({COMPANY_BUILDINGS}) AND c.created_at >= $2 AND {OPEN_COLD_REPORT} \
         ORDER BY c.created_at, c.id"
    ))
    .bind(person_id)
    .bind(since)
    .fetch_all(pool)
    .await?)
}

/// A case merged into another: whose news goes to whom.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MergedCase {
    pub id: i64,
    pub case_no: String,
    pub contact_phone: Option<String>,
}

/// The cases merged into a case, oldest first.
pub async fn merged_into(pool: &AnyPool, parent_id: i64) -> BackendResult<Vec<MergedCase>> {
    Ok(sqlx::query_as(
        "SELECT id, case_no, contact_phone FROM cases WHERE parent_case_id = $1 ORDER BY id",
    )
    .bind(parent_id)
    .fetch_all(pool)
    .await?)
}

/// The crews of a company, by name.
pub async fn company_crews(pool: &AnyPool, company_id: i64) -> BackendResult<Vec<Choice>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM crews WHERE company_id = $1 ORDER BY name, id")
            .bind(company_id)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, label)| Choice { id, label })
        .collect())
}
