//! 12345 work orders beside their cases.

use crate::error::BackendResult;
use sqlx::{Any, AnyPool, Transaction};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub order_id: String,
    pub case_id: i64,
    pub status: String,
    pub received_at: i64,
    pub caller_name: String,
    pub caller_phone: String,
    pub address: String,
    pub placed: i64,
    pub sign_due_at: i64,
    pub reply_due_at: i64,
    pub return_due_at: i64,
    pub extended_days: Option<i64>,
    pub signed_at: Option<i64>,
    pub replied_at: Option<i64>,
}

const ORDER_SELECT: &str = "SELECT id, order_id, case_id, status, received_at, caller_name, \
     caller_phone, address, placed, sign_due_at, reply_due_at, return_due_at, extended_days, \
     signed_at, replied_at FROM hotline_orders";

pub async fn by_order_id(pool: &AnyPool, order_id: &str) -> BackendResult<Option<OrderRow>> {
    Ok(
        sqlx::query_as(&format!("{ORDER_SELECT} WHERE order_id = $1"))
            .bind(order_id)
            .fetch_optional(pool)
            .await?,
    )
}

pub async fn by_case(pool: &AnyPool, case_id: i64) -> BackendResult<Option<OrderRow>> {
    Ok(
        sqlx::query_as(&format!("{ORDER_SELECT} WHERE case_id = $1"))
            .bind(case_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The order of a case while the platform still follows it (not closed,
/// not returned), read inside the transaction that moves the case.
pub async fn open_by_case(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
) -> BackendResult<Option<OrderRow>> {
    Ok(sqlx::query_as(&format!(
        "{ORDER_SELECT} WHERE case_id = $1 AND status NOT IN ('closed', 'returned')"
    ))
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?)
}

pub struct NewOrder<'a> {
    pub order_id: &'a str,
    pub case_id: i64,
    pub received_at: i64,
    pub caller_name: &'a str,
    pub caller_phone: &'a str,
    pub address: &'a str,
    pub placed: bool,
    pub sign_due_at: i64,
    pub reply_due_at: i64,
    pub return_due_at: i64,
    pub payload: &'a str,
    pub now: i64,
}

/// Inserts the order; false when its order id is already there.
pub async fn insert(tx: &mut Transaction<'_, Any>, order: &NewOrder<'_>) -> BackendResult<bool> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO hotline_orders (order_id, case_id, status, received_at, caller_name, \
                caller_phone, address, placed, sign_due_at, reply_due_at, return_due_at, payload, created_at) \
         VALUES ($1, $2, 'received', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (order_id) DO NOTHING RETURNING id",
    )
    .bind(order.order_id)
    .bind(order.case_id)
    .bind(order.received_at)
    .bind(order.caller_name)
    .bind(order.caller_phone)
    .bind(order.address)
    .bind(i64::from(order.placed))
    .bind(order.sign_due_at)
    .bind(order.reply_due_at)
    .bind(order.return_due_at)
    .bind(order.payload)
    .bind(order.now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.is_some())
}

/// What a step changes on the order.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrderChange {
    pub signed_at: Option<i64>,
    pub replied_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub reply_due_at: Option<i64>,
    pub extended_days: Option<i64>,
}

/// Moves the order from the status it was read in; false when someone else
/// moved it meanwhile.
pub async fn move_status(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    from: &str,
    to: &str,
    change: OrderChange,
) -> BackendResult<bool> {
    Ok(sqlx::query(
        "UPDATE hotline_orders SET status = $1, \
                signed_at = COALESCE($2, signed_at), replied_at = COALESCE($3, replied_at), \
                closed_at = COALESCE($4, closed_at), reply_due_at = COALESCE($5, reply_due_at), \
                extended_days = COALESCE($6, extended_days) \
         WHERE id = $7 AND status = $8",
    )
    .bind(to)
    .bind(change.signed_at)
    .bind(change.replied_at)
    .bind(change.closed_at)
    .bind(change.reply_due_at)
    .bind(change.extended_days)
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// A building of a community by name, with its company.
pub async fn building_by_name(
    pool: &AnyPool,
    community_id: i64,
    name: &str,
) -> BackendResult<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT b.id, s.company_id FROM buildings b JOIN stations s ON s.id = b.station_id \
         WHERE b.community_id = $1 AND b.name = $2",
    )
    .bind(community_id)
    .bind(name)
    .fetch_optional(pool)
    .await?)
}

/// A household of a building by unit and room.
pub async fn household_by_place(
    pool: &AnyPool,
    building_id: i64,
    unit: &str,
    room: &str,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE u.building_id = $1 AND u.name = $2 AND h.room = $3",
    )
    .bind(building_id)
    .bind(unit)
    .bind(room)
    .fetch_optional(pool)
    .await?)
}

/// The company unplaced orders go to: the first one.
pub async fn first_company(pool: &AnyPool) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT MIN(id) FROM heating_companies")
        .fetch_one(pool)
        .await?)
}

/// Where a household is: its id and its building's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct HouseholdPlace {
    pub household_id: i64,
    pub building_id: i64,
}

/// A household of the dispatcher's company by account number, with its
/// building.
pub async fn company_household(
    pool: &AnyPool,
    person_id: i64,
    account_no: &str,
) -> BackendResult<Option<HouseholdPlace>> {
    Ok(sqlx::query_as(
        "SELECT h.id AS household_id, u.building_id FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE h.account_no = $2 AND h.company_id IN (SELECT p.company_id FROM people p \
               JOIN person_roles r ON r.person_id = p.id AND r.role = 'dispatcher' WHERE p.id = $1)",
    )
    .bind(person_id)
    .bind(account_no)
    .fetch_optional(pool)
    .await?)
}

/// Places an order's case at a household (once: false when it was placed).
pub async fn place(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
    case_id: i64,
    household_id: i64,
    building_id: i64,
) -> BackendResult<bool> {
    let placed = sqlx::query("UPDATE hotline_orders SET placed = 1 WHERE id = $1 AND placed = 0")
        .bind(order_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1;
    if placed {
        sqlx::query(
            "UPDATE cases SET household_id = $1, building_id = $2, company_id = NULL WHERE id = $3",
        )
        .bind(household_id)
        .bind(building_id)
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(placed)
}

/// Records a 12345 request signature; false when it was seen before (a
/// replay). One statement, so two copies racing in are told apart.
pub async fn first_sight_of_signature(
    pool: &AnyPool,
    signature: &str,
    now: i64,
) -> BackendResult<bool> {
    Ok(sqlx::query(
        "INSERT INTO hotline_signatures (signature, seen_at) VALUES ($1, $2) \
         ON CONFLICT (signature) DO NOTHING",
    )
    .bind(signature.trim().to_ascii_lowercase())
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}

/// Forgets signatures seen before `before` (too old to be accepted again).
pub async fn forget_signatures(pool: &AnyPool, before: i64) -> BackendResult<u64> {
    Ok(
        sqlx::query("DELETE FROM hotline_signatures WHERE seen_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
