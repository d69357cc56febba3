//! Writing cases: opening one, its timeline, and each change a step makes,
//! always from the state the caller read.

use crate::error::BackendResult;
use domain::cases::Reporter;
use sqlx::{Any, Transaction};

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

/// A case just inserted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsertedCase {
    pub id: i64,
    pub case_no: String,
}

/// Names the new holder of a change of holder (过户) just opened.
pub async fn name_new_holder(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    name: &str,
    phone: &str,
) -> BackendResult<()> {
    sqlx::query("UPDATE cases SET new_holder_name = $1, new_holder_phone = $2 WHERE id = $3")
        .bind(name)
        .bind(phone)
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts a case unless one with the same idempotency key exists; `None`
/// when the key was taken. The number is the prefix and the id.
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    case: &NewCase<'_>,
    number_prefix: &str,
) -> BackendResult<Option<InsertedCase>> {
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
    Ok(Some(InsertedCase { id, case_no }))
}

/// A case's number and the phone its news goes to.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseContact {
    pub case_no: String,
    pub contact_phone: Option<String>,
}

/// A case's number and the phone its news goes to, inside a transaction.
pub async fn contact(tx: &mut Transaction<'_, Any>, case_id: i64) -> BackendResult<CaseContact> {
    Ok(
        sqlx::query_as("SELECT case_no, contact_phone FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut **tx)
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
