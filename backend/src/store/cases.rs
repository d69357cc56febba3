//! Cases and their timelines. Reads go through the access rules; writes take
//! a transaction and change a case only from the state the caller read.

use crate::error::BackendResult;
use crate::store::access::{
    COMPANY_BUILDINGS, COMPANY_CASE, GRID_BUILDINGS, LOOKED_AFTER_BUILDINGS, OWN_HOUSEHOLD_CASE,
    PERSON_CREWS, VISIBLE_CASE, VISIBLE_CASES,
};
use domain::cases::Reporter;
use sqlx::{Any, AnyPool, Transaction};

/// A case as lists show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub case_no: String,
    pub kind: String,
    pub state: String,
    pub summary: String,
    pub place: String,
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub created_at: i64,
    pub due_at: Option<i64>,
    pub warn_at: Option<i64>,
    pub responded_at: Option<i64>,
    pub urgency: String,
    pub crew_name: Option<String>,
    pub closed_at: Option<i64>,
}

const CASE_SELECT: &str = "SELECT c.id, c.case_no, c.kind, c.state, c.summary, \
         COALESCE(cm.name || ' ' || b.name, st.name, '') AS place, c.household_id, c.building_id, \
         c.created_at, c.due_at, c.warn_at, c.responded_at, c.urgency, cr.name AS crew_name, \
         c.closed_at \
     FROM cases c \
     LEFT JOIN buildings b ON b.id = c.building_id \
     LEFT JOIN communities cm ON cm.id = b.community_id \
     LEFT JOIN crews cr ON cr.id = c.assigned_crew_id \
     LEFT JOIN stations st ON st.id = c.station_id";

/// Open cases only: the nearest deadline first, then the oldest. The same
/// expression as the index `cases_open_by_deadline` (migration 0008), so a
/// queue walks that index and stops at its limit.
const OPEN_ORDER: &str = "ORDER BY \
     CASE WHEN c.responded_at IS NULL AND c.due_at IS NOT NULL THEN c.due_at ELSE 9999999999 END, \
     c.created_at, c.id";

/// Open cases first, the nearest deadline first, then the oldest.
const READING_ORDER: &str = "ORDER BY CASE WHEN c.closed_at IS NULL THEN 0 ELSE 1 END, \
     CASE WHEN c.responded_at IS NULL AND c.due_at IS NOT NULL THEN c.due_at ELSE 9999999999 END, \
     c.created_at, c.id";

/// The cases a person may read, open ones by deadline first.
pub async fn visible_to(pool: &AnyPool, person_id: i64, limit: i64) -> BackendResult<Vec<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.id IN ({VISIBLE_CASES}) {READING_ORDER} LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// One case, if the person may read it.
pub async fn one_visible_to(
    pool: &AnyPool,
    person_id: i64,
    case_id: i64,
) -> BackendResult<Option<CaseRow>> {
    Ok(
        sqlx::query_as(&format!("{CASE_SELECT} WHERE c.id = $2 AND {VISIBLE_CASE}"))
            .bind(person_id)
            .bind(case_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// One case, if it belongs to the dispatcher's own company (not merely
/// one they may read through another role).
pub async fn one_of_dispatcher_company(
    pool: &AnyPool,
    person_id: i64,
    case_id: i64,
) -> BackendResult<Option<CaseRow>> {
    Ok(
        sqlx::query_as(&format!("{CASE_SELECT} WHERE c.id = $2 AND {COMPANY_CASE}"))
            .bind(person_id)
            .bind(case_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The open cases of a grid worker's buildings, nearest deadline first.
pub async fn open_in_grids(
    pool: &AnyPool,
    person_id: i64,
    limit: i64,
) -> BackendResult<Vec<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.closed_at IS NULL AND c.building_id IN ({GRID_BUILDINGS}) \
         {OPEN_ORDER} LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// A case the person may read, by its number.
pub async fn visible_by_number(
    pool: &AnyPool,
    person_id: i64,
    case_no: &str,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT c.id FROM cases c WHERE c.case_no = $2 AND {VISIBLE_CASE}"
    ))
    .bind(person_id)
    .bind(case_no)
    .fetch_optional(pool)
    .await?)
}

/// The cases of one building, if the person looks after it (nothing when not).
pub async fn of_looked_after_building(
    pool: &AnyPool,
    person_id: i64,
    building_id: i64,
) -> BackendResult<Vec<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.building_id = $2 AND c.building_id IN ({LOOKED_AFTER_BUILDINGS}) \
         {READING_ORDER}"
    ))
    .bind(person_id)
    .bind(building_id)
    .fetch_all(pool)
    .await?)
}

/// The jobs assigned to a repair crew member's crews.
pub async fn crew_jobs(pool: &AnyPool, person_id: i64, limit: i64) -> BackendResult<Vec<CaseRow>> {
    Ok(sqlx::query_as(&format!(
        "{CASE_SELECT} WHERE c.assigned_crew_id IN ({PERSON_CREWS}) {READING_ORDER} LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// A dispatcher's queue filters, as the store reads them.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery<'a> {
    pub kind: Option<&'a str>,
    pub state: Option<&'a str>,
    /// A `LIKE` pattern for the community's or the station's name.
    pub place_pattern: Option<String>,
    pub overdue_at: Option<i64>,
    pub include_finished: bool,
    pub limit: i64,
}

/// A `LIKE` pattern (with `ESCAPE '\'`) matching names that contain `text`.
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The cases of a dispatcher's company, filtered, by deadline.
pub async fn queue(
    pool: &AnyPool,
    person_id: i64,
    query: &QueueQuery<'_>,
) -> BackendResult<Vec<CaseRow>> {
    let mut sql = format!("{CASE_SELECT} WHERE {COMPANY_CASE}");
    let mut next = 2;
    let mut placeholder = || {
        let p = format!("${next}");
        next += 1;
        p
    };
    if query.kind.is_some() {
        sql += &format!(" AND c.kind = {}", placeholder());
    }
    if query.state.is_some() {
        sql += &format!(" AND c.state = {}", placeholder());
    }
    if query.place_pattern.is_some() {
        let pattern = placeholder();
        sql += &format!(
            " AND (cm.name LIKE {pattern} ESCAPE '\\' \
               OR COALESCE(b.station_id, c.station_id) IN \
                  (SELECT s.id FROM stations s WHERE s.name LIKE {pattern} ESCAPE '\\'))"
        );
    }
    if query.overdue_at.is_some() {
        sql += &format!(
            " AND c.closed_at IS NULL AND c.responded_at IS NULL AND c.due_at <= {}",
            placeholder()
        );
    }
    let order = if query.include_finished {
        READING_ORDER
    } else {
        sql += " AND c.closed_at IS NULL";
        OPEN_ORDER
    };
    sql += &format!(" {order} LIMIT {}", placeholder());
    let mut q = sqlx::query_as(&sql).bind(person_id);
    if let Some(kind) = query.kind {
        q = q.bind(kind);
    }
    if let Some(state) = query.state {
        q = q.bind(state);
    }
    if let Some(pattern) = &query.place_pattern {
        q = q.bind(pattern.clone());
    }
    if let Some(at) = query.overdue_at {
        q = q.bind(at);
    }
    Ok(q.bind(query.limit).fetch_all(pool).await?)
}

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
}

pub async fn facts(pool: &AnyPool, case_id: i64) -> BackendResult<Option<CaseFacts>> {
    Ok(sqlx::query_as(
        "SELECT c.details, c.category, c.room, c.reading_tenths, c.measured_as_guided, \
                c.season_start_year, c.contact_phone, c.filed_by, c.outage_id, o.title AS outage_title, \
                o.expected_restore_at AS outage_restore_at, c.assigned_crew_id, \
                COALESCE(s.company_id, c.company_id) AS company_id, c.responded_at, c.response_on_time, c.decision_note, c.rating, c.rating_comment, \
                COALESCE(cm.district || ' ' || cm.name || ' ' || b.name \
                         || COALESCE(' ' || u.name || ' ' || h.room, ''), '') AS address \
         FROM cases c \
         LEFT JOIN outages o ON o.id = c.outage_id \
         LEFT JOIN households h ON h.id = c.household_id \
         LEFT JOIN units u ON u.id = h.unit_id \
         LEFT JOIN buildings b ON b.id = c.building_id \
         LEFT JOIN stations s ON s.id = COALESCE(b.station_id, c.station_id) \
         LEFT JOIN communities cm ON cm.id = b.community_id \
         WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?)
}

/// Keeps who reported a case through another system, beside the case.
pub async fn insert_reporter(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    reporter: &Reporter,
) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO case_reporters (case_id, name, phone, email, address) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(case_id)
    .bind(reporter.name.as_deref())
    .bind(reporter.phone.as_deref())
    .bind(reporter.email.as_deref())
    .bind(reporter.address.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(())
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
        "SELECT \
           CASE WHEN {COMPANY_CASE} THEN 1 ELSE 0 END AS dispatcher, \
           CASE WHEN c.assigned_crew_id IN ({PERSON_CREWS}) THEN 1 ELSE 0 END AS crew, \
           CASE WHEN {OWN_HOUSEHOLD_CASE} \
                  OR (c.filed_for = $1 AND EXISTS (SELECT 1 FROM person_roles r \
                        WHERE r.person_id = $1 AND r.role = 'resident')) \
                THEN 1 ELSE 0 END AS resident \
         FROM cases c WHERE c.id = $2"
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

/// A case to insert.
#[derive(Clone, Debug, Default)]
pub struct NewCase<'a> {
    pub kind: &'a str,
    pub state: &'a str,
    pub channel: &'a str,
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub station_id: Option<i64>,
    /// Who filed it; none for an order that came from the 12345 platform.
    pub filed_by: Option<i64>,
    pub filed_for: Option<i64>,
    pub outage_id: Option<i64>,
    pub summary: &'a str,
    pub details: &'a str,
    pub idempotency_key: &'a str,
    pub category: Option<&'a str>,
    pub urgency: &'a str,
    pub room: Option<&'a str>,
    pub reading_tenths: Option<i64>,
    pub measured_as_guided: Option<i64>,
    pub triage: Option<&'a str>,
    pub season_start_year: Option<i64>,
    pub contact_phone: Option<&'a str>,
    pub deadline_rule: Option<&'a str>,
    pub due_at: Option<i64>,
    pub warn_at: Option<i64>,
    /// Only for a case with neither building nor station yet.
    pub company_id: Option<i64>,
    pub now: i64,
}

/// Inserts a case unless one with the same idempotency key exists; the new
/// id and number, or `None` when the key was taken. The number is the
/// prefix and the id.
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    case: &NewCase<'_>,
    number_prefix: &str,
) -> BackendResult<Option<(i64, String)>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO cases (case_no, kind, state, channel, household_id, building_id, filed_by, \
                filed_for, outage_id, summary, details, idempotency_key, category, urgency, room, \
                reading_tenths, measured_as_guided, triage, season_start_year, contact_phone, \
                deadline_rule, due_at, warn_at, created_at, updated_at, station_id, company_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $1, $12, $13, $14, $15, $16, \
                 $17, $18, $19, $20, $21, $22, $23, $23, $24, $25) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(case.idempotency_key)
    .bind(case.kind)
    .bind(case.state)
    .bind(case.channel)
    .bind(case.household_id)
    .bind(case.building_id)
    .bind(case.filed_by)
    .bind(case.filed_for)
    .bind(case.outage_id)
    .bind(case.summary)
    .bind(case.details)
    .bind(case.category)
    .bind(case.urgency)
    .bind(case.room)
    .bind(case.reading_tenths)
    .bind(case.measured_as_guided)
    .bind(case.triage)
    .bind(case.season_start_year)
    .bind(case.contact_phone)
    .bind(case.deadline_rule)
    .bind(case.due_at)
    .bind(case.warn_at)
    .bind(case.now)
    .bind(case.station_id)
    .bind(case.company_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = id else { return Ok(None) };
    let case_no = format!("{number_prefix}{id:06}");
    sqlx::query("UPDATE cases SET case_no = $1 WHERE id = $2")
        .bind(&case_no)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(Some((id, case_no)))
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

/// The case an idempotency key created.
/// A case's number.
pub async fn case_no(pool: &AnyPool, case_id: i64) -> BackendResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT case_no FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// A case's number and the phone its news goes to, inside a transaction.
pub async fn number_and_phone(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
) -> BackendResult<(String, Option<String>)> {
    Ok(
        sqlx::query_as("SELECT case_no, contact_phone FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

pub async fn by_idempotency_key(pool: &AnyPool, key: &str) -> BackendResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM cases WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?,
    )
}

/// A timeline entry to append.
pub struct NewEvent<'a> {
    pub case_id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_label: &'a str,
    pub kind: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: &'a str,
    pub note: &'a str,
}

/// Appends a timeline entry; its id.
pub async fn append_event(
    tx: &mut Transaction<'_, Any>,
    event: &NewEvent<'_>,
) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO case_events (case_id, at, actor_id, actor_label, kind, from_state, to_state, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(event.case_id)
    .bind(event.at)
    .bind(event.actor_id)
    .bind(event.actor_label)
    .bind(event.kind)
    .bind(event.from_state)
    .bind(event.to_state)
    .bind(event.note)
    .fetch_one(&mut **tx)
    .await?)
}

/// Moves a case from `from` to `to`; false when it was no longer in `from`
/// (someone else moved it first).
pub async fn move_state(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    from: &str,
    to: &str,
    is_final: bool,
    now: i64,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "UPDATE cases SET state = $1, updated_at = $2, \
                closed_at = CASE WHEN $3 = 1 THEN COALESCE(closed_at, $2) ELSE NULL END \
         WHERE id = $4 AND state = $5",
    )
    .bind(to)
    .bind(now)
    .bind(i64::from(is_final))
    .bind(case_id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn assign_crew(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    crew_id: i64,
) -> BackendResult<()> {
    sqlx::query("UPDATE cases SET assigned_crew_id = $1 WHERE id = $2")
        .bind(crew_id)
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records the first response (crew on site, a decision) and whether it
/// kept the deadline; later responses change nothing.
pub async fn record_response(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    at: i64,
) -> BackendResult<()> {
    sqlx::query(
        "UPDATE cases SET responded_at = $1, \
                response_on_time = CASE WHEN due_at IS NULL OR $1 <= due_at THEN 1 ELSE 0 END \
         WHERE id = $2 AND responded_at IS NULL",
    )
    .bind(at)
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Starts a new response clock (a reopened case owes a new visit).
pub async fn restart_clock(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    rule: &str,
    due_at: i64,
    warn_at: i64,
) -> BackendResult<()> {
    sqlx::query(
        "UPDATE cases SET deadline_rule = $1, due_at = $2, warn_at = $3, responded_at = NULL, \
                response_on_time = NULL, assigned_crew_id = NULL WHERE id = $4",
    )
    .bind(rule)
    .bind(due_at)
    .bind(warn_at)
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn record_decision(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    note: &str,
) -> BackendResult<()> {
    sqlx::query("UPDATE cases SET decision_note = $1 WHERE id = $2")
        .bind(note)
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records the resident's rating; false when the case was already rated.
pub async fn record_rating(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    rating: i64,
    comment: &str,
    at: i64,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "UPDATE cases SET rating = $1, rating_comment = $2, rated_at = $3 \
         WHERE id = $4 AND rating IS NULL",
    )
    .bind(rating)
    .bind(comment)
    .bind(at)
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ties a case to an outage unless it already has one. Returns false when
/// it had one.
pub async fn set_outage(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    outage_id: i64,
) -> BackendResult<bool> {
    Ok(
        sqlx::query("UPDATE cases SET outage_id = $1 WHERE id = $2 AND outage_id IS NULL")
            .bind(outage_id)
            .bind(case_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
            == 1,
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

/// Marks a case as merged into `parent_id`.
pub async fn set_parent(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    parent_id: i64,
) -> BackendResult<()> {
    sqlx::query("UPDATE cases SET parent_case_id = $1 WHERE id = $2")
        .bind(parent_id)
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
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
pub async fn company_crews(pool: &AnyPool, company_id: i64) -> BackendResult<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM crews WHERE company_id = $1 ORDER BY name, id")
            .bind(company_id)
            .fetch_all(pool)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn a_search_matches_its_text_literally() {
        assert_eq!(contains_pattern("东方"), "%东方%");
        assert_eq!(contains_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
    }
}
