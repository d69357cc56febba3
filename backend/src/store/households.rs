//! Households and the residents bound to them.

use crate::error::BackendResult;
use crate::store::access::VISIBLE_HOUSEHOLDS;
use domain::service_change::ServiceChange;
use sqlx::{Any, AnyPool, Executor, Transaction};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HouseholdRow {
    pub id: i64,
    pub account_no: String,
    pub holder_name: String,
    pub room: String,
    pub service_state: String,
    /// Since when its service state counts, once a crew changed it.
    pub service_since: Option<i64>,
    pub unit_name: String,
    pub building_id: i64,
    pub street_address: String,
}

/// A household with its unit and street, for `HouseholdRow`.
pub(crate) const HOUSEHOLD_SELECT: &str = "SELECT h.id, h.account_no, h.holder_name, h.room, \
         h.service_state, h.service_since, u.name AS unit_name, u.building_id, c.street_address \
     FROM households h \
     JOIN units u ON u.id = h.unit_id \
     JOIN buildings b ON b.id = u.building_id \
     JOIN communities c ON c.id = b.community_id";

/// The households a person bound, in the order they bound them.
pub async fn bound_to(pool: &AnyPool, person_id: i64) -> BackendResult<Vec<HouseholdRow>> {
    Ok(sqlx::query_as(&format!(
        "{HOUSEHOLD_SELECT} JOIN person_households ph ON ph.household_id = h.id \
         WHERE ph.person_id = $1 ORDER BY ph.bound_at, h.id"
    ))
    .bind(person_id)
    .fetch_all(pool)
    .await?)
}

/// One household, if the person may read its details (see `access`).
pub async fn visible_to(
    pool: &AnyPool,
    person_id: i64,
    household_id: i64,
) -> BackendResult<Option<HouseholdRow>> {
    Ok(sqlx::query_as(&format!(
        "{HOUSEHOLD_SELECT} WHERE h.id = $2 AND h.id IN ({VISIBLE_HOUSEHOLDS})"
    ))
    .bind(person_id)
    .bind(household_id)
    .fetch_optional(pool)
    .await?)
}

/// The household with this account number, and its holder's name.
pub async fn by_account_no(
    pool: &AnyPool,
    account_no: &str,
) -> BackendResult<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, holder_name FROM households WHERE account_no = $1")
            .bind(account_no)
            .fetch_optional(pool)
            .await?,
    )
}

/// What binding a household checks and who may confirm it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BindingFacts {
    pub id: i64,
    pub account_no: String,
    pub holder_name: String,
    pub holder_phone: Option<String>,
    /// The heating company's hotline, for a binding that cannot be done online.
    pub company_hotline: String,
}

const BINDING_FACTS: &str =
    "SELECT h.id, h.account_no, h.holder_name, h.holder_phone, hc.hotline AS company_hotline \
     FROM households h JOIN heating_companies hc ON hc.id = h.company_id";

/// The household with this account number, as binding needs it.
pub async fn binding_facts(
    pool: &AnyPool,
    account_no: &str,
) -> BackendResult<Option<BindingFacts>> {
    Ok(
        sqlx::query_as(&format!("{BINDING_FACTS} WHERE h.account_no = $1"))
            .bind(account_no)
            .fetch_optional(pool)
            .await?,
    )
}

/// The household picked by its address, as binding needs it.
pub async fn binding_facts_by_id(
    pool: &AnyPool,
    household_id: i64,
) -> BackendResult<Option<BindingFacts>> {
    Ok(sqlx::query_as(&format!("{BINDING_FACTS} WHERE h.id = $1"))
        .bind(household_id)
        .fetch_optional(pool)
        .await?)
}

/// The flats of a unit (each household's id and room), for picking a home
/// by its address.
pub async fn flats_of_unit(
    pool: &AnyPool,
    unit_id: i64,
) -> BackendResult<Vec<domain::notices::PlaceChoice>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, room FROM households WHERE unit_id = $1 \
             ORDER BY LENGTH(room), room, id",
    )
    .bind(unit_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| domain::notices::PlaceChoice { id, name })
        .collect())
}

/// The residents bound to a household: (person id, phone).
pub async fn bound_residents<'e, E>(
    executor: E,
    household_id: i64,
) -> BackendResult<Vec<(i64, String)>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT p.id, p.phone FROM person_households ph JOIN people p ON p.id = ph.person_id \
         WHERE ph.household_id = $1 AND p.phone IS NOT NULL AND p.disabled_at IS NULL \
         ORDER BY ph.bound_at, p.id",
    )
    .bind(household_id)
    .fetch_all(executor)
    .await?)
}

/// A binder's phone and the household's account number, for the news
/// the residents bound before are sent.
pub async fn binder_and_account<'e, E>(
    executor: E,
    person_id: i64,
    household_id: i64,
) -> BackendResult<Option<(Option<String>, String)>>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT p.phone, h.account_no FROM people p, households h WHERE p.id = $1 AND h.id = $2",
    )
    .bind(person_id)
    .bind(household_id)
    .fetch_optional(executor)
    .await?)
}

/// Any household by its id, for a filing that came from another system.
pub async fn by_id(pool: &AnyPool, household_id: i64) -> BackendResult<Option<HouseholdRow>> {
    Ok(
        sqlx::query_as(&format!("{HOUSEHOLD_SELECT} WHERE h.id = $1"))
            .bind(household_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// Binds a household; false when it was already bound to this person.
pub async fn bind(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    household_id: i64,
    now: i64,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "INSERT INTO person_households (person_id, household_id, bound_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id, household_id) DO NOTHING",
    )
    .bind(person_id)
    .bind(household_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Unbinds one of the person's own households; false when it was not theirs.
pub async fn unbind(pool: &AnyPool, person_id: i64, household_id: i64) -> BackendResult<bool> {
    let done =
        sqlx::query("DELETE FROM person_households WHERE person_id = $1 AND household_id = $2")
            .bind(person_id)
            .bind(household_id)
            .execute(pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Open cases per household, for the given households.
pub async fn open_case_count(pool: &AnyPool, household_id: i64) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE household_id = $1 AND closed_at IS NULL",
    )
    .bind(household_id)
    .fetch_one(pool)
    .await?)
}

/// Changes a household's service as the crew's work at the door did, and
/// keeps the change's record, in the case's transaction. False, changing
/// nothing, when the household is no longer in the state the work found
/// (another application changed it first): one guarded statement.
pub async fn change_service(
    tx: &mut Transaction<'_, Any>,
    household_id: i64,
    case_id: i64,
    change: &ServiceChange,
    recorded_by: i64,
    at: i64,
) -> BackendResult<bool> {
    let moved = sqlx::query(
        "UPDATE households SET service_state = $1, service_since = $2, seal_no = $3 \
         WHERE id = $4 AND service_state = $5",
    )
    .bind(change.to.as_str())
    .bind(change.effective_from)
    .bind(change.seal_on_valve.as_deref())
    .bind(household_id)
    .bind(change.from.as_str())
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO household_service_changes (household_id, case_id, from_state, to_state, \
             effective_from, whole_season, seal_on_valve, seal_removed, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(household_id)
    .bind(case_id)
    .bind(change.from.as_str())
    .bind(change.to.as_str())
    .bind(change.effective_from)
    .bind(i64::from(change.whole_season))
    .bind(change.seal_on_valve.as_deref())
    .bind(change.seal_removed.as_deref())
    .bind(recorded_by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Writes an approved change of holder to the household and unbinds every
/// resident bound to it but the new holder (by their phone), in the case's
/// transaction. Answers the unbound residents' phones.
pub async fn change_holder(
    tx: &mut Transaction<'_, Any>,
    household_id: i64,
    holder_name: &str,
    holder_phone: &str,
) -> BackendResult<Vec<String>> {
    sqlx::query("UPDATE households SET holder_name = $1, holder_phone = $2 WHERE id = $3")
        .bind(holder_name)
        .bind(holder_phone)
        .bind(household_id)
        .execute(&mut **tx)
        .await?;
    // The DELETE says whom it unbound: a binding made meanwhile is either
    // kept or unbound and told, never dropped untold.
    let unbound: Vec<i64> = sqlx::query_scalar(
        "DELETE FROM person_households WHERE household_id = $1 \
           AND person_id NOT IN (SELECT id FROM people WHERE phone = $2) \
         RETURNING person_id",
    )
    .bind(household_id)
    .bind(holder_phone)
    .fetch_all(&mut **tx)
    .await?;
    let mut phones = Vec::with_capacity(unbound.len());
    for person_id in unbound {
        let phone: Option<String> =
            sqlx::query_scalar("SELECT phone FROM people WHERE id = $1 AND disabled_at IS NULL")
                .bind(person_id)
                .fetch_optional(&mut **tx)
                .await?
                .flatten();
        phones.extend(phone);
    }
    Ok(phones)
}

/// The ids of the households with these account numbers (unknown ones are
/// left out), read in chunks so a long file is a few statements.
pub async fn ids_by_account_no(
    pool: &AnyPool,
    engine: crate::db::Engine,
    account_nos: &[String],
) -> BackendResult<std::collections::HashMap<String, i64>> {
    let mut ids = std::collections::HashMap::with_capacity(account_nos.len());
    for chunk in account_nos.chunks(500) {
        let sql = format!(
            "SELECT account_no, id FROM households WHERE account_no IN ({})",
            crate::store::ordered_placeholders(engine, 1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
        for account_no in chunk {
            query = query.bind(account_no);
        }
        ids.extend(query.fetch_all(pool).await?);
    }
    Ok(ids)
}

/// A household's account number.
pub async fn account_no_of<'e, E>(executor: E, household_id: i64) -> BackendResult<String>
where
    E: Executor<'e, Database = Any>,
{
    Ok(
        sqlx::query_scalar("SELECT account_no FROM households WHERE id = $1")
            .bind(household_id)
            .fetch_one(executor)
            .await?,
    )
}
