//! Tariffs, season bills and fee reductions.

use crate::error::BackendResult;
use crate::store::access::{ASSIGNED_BUILDINGS, BILL_HOUSEHOLDS, GRID_BUILDINGS, OWN_HOUSEHOLDS};
use domain::fees::bill::BillFigures;
use domain::fees::money::Fen;
use sqlx::{Any, AnyPool, Executor, Transaction};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TariffRow {
    pub company_id: i64,
    pub season_start_year: i64,
    pub household_type: String,
    pub price_per_m2_fen: i64,
    pub suspended_share_bp: i64,
}

pub struct NewTariff<'a> {
    pub company_id: i64,
    pub season_start_year: i32,
    pub household_type: &'a str,
    pub price_per_m2_fen: i64,
    pub suspended_share_bp: i64,
    /// None: the demo's seed.
    pub set_by: Option<i64>,
    pub now: i64,
}

const SET_TARIFF: &str = "INSERT INTO fee_tariffs (company_id, season_start_year, household_type, \
         price_per_m2_fen, suspended_share_bp, set_by, set_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (company_id, season_start_year, household_type) DO UPDATE SET \
         price_per_m2_fen = excluded.price_per_m2_fen, \
         suspended_share_bp = excluded.suspended_share_bp, \
         set_by = excluded.set_by, set_at = excluded.set_at";

/// Sets a company's tariff for a season and household type.
pub async fn set_tariff<'e, E>(executor: E, tariff: &NewTariff<'_>) -> BackendResult<()>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(SET_TARIFF)
        .bind(tariff.company_id)
        .bind(i64::from(tariff.season_start_year))
        .bind(tariff.household_type)
        .bind(tariff.price_per_m2_fen)
        .bind(tariff.suspended_share_bp)
        .bind(tariff.set_by)
        .bind(tariff.now)
        .execute(executor)
        .await?;
    Ok(())
}

/// Every tariff, newest season first.
pub async fn tariffs(pool: &AnyPool) -> BackendResult<Vec<TariffRow>> {
    Ok(sqlx::query_as(
        "SELECT company_id, season_start_year, household_type, price_per_m2_fen, \
             suspended_share_bp \
         FROM fee_tariffs ORDER BY season_start_year DESC, company_id, household_type",
    )
    .fetch_all(pool)
    .await?)
}

/// A bill as the billing system states it, or as a tariff computes it.
pub struct StatedBill<'a> {
    pub household_id: i64,
    pub season_start_year: i32,
    pub household_type: &'a str,
    pub area_centi_m2: i64,
    pub price_per_m2_fen: i64,
    pub amount_fen: i64,
    pub due_at: i64,
    pub source: &'a str,
    pub billing_ref: Option<&'a str>,
    pub now: i64,
}

/// What keeping a stated bill did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    Inserted,
    Updated,
    Unchanged,
    /// A computed bill never overwrites an imported one.
    KeptImported,
}

/// Keeps a stated bill, once per household and season: a new bill is
/// inserted, a changed one updated (its payments and reductions stay), the
/// same one left alone. One statement each way, so two imports of the
/// same file at once insert each bill once.
pub async fn keep_bill(
    tx: &mut Transaction<'_, Any>,
    bill: &StatedBill<'_>,
) -> BackendResult<Kept> {
    let inserted = sqlx::query(
        "INSERT INTO fee_bills (household_id, season_start_year, household_type, area_centi_m2, \
             price_per_m2_fen, amount_fen, due_at, source, billing_ref, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (household_id, season_start_year) DO NOTHING",
    )
    .bind(bill.household_id)
    .bind(i64::from(bill.season_start_year))
    .bind(bill.household_type)
    .bind(bill.area_centi_m2)
    .bind(bill.price_per_m2_fen)
    .bind(bill.amount_fen)
    .bind(bill.due_at)
    .bind(bill.source)
    .bind(bill.billing_ref)
    .bind(bill.now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Kept::Inserted);
    }
    let updated = sqlx::query(
        "UPDATE fee_bills SET household_type = $3, area_centi_m2 = $4, price_per_m2_fen = $5, \
             amount_fen = $6, due_at = $7, source = $8, billing_ref = $9, updated_at = $10 \
         WHERE household_id = $1 AND season_start_year = $2 \
           AND NOT (source = 'imported' AND $8 = 'computed') \
           AND (household_type <> $3 OR area_centi_m2 <> $4 OR price_per_m2_fen <> $5 \
                OR amount_fen <> $6 OR due_at <> $7 OR source <> $8 \
                OR COALESCE(billing_ref, '') <> COALESCE($9, ''))",
    )
    .bind(bill.household_id)
    .bind(i64::from(bill.season_start_year))
    .bind(bill.household_type)
    .bind(bill.area_centi_m2)
    .bind(bill.price_per_m2_fen)
    .bind(bill.amount_fen)
    .bind(bill.due_at)
    .bind(bill.source)
    .bind(bill.billing_ref)
    .bind(bill.now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if updated == 1 {
        return Ok(Kept::Updated);
    }
    let source: String = sqlx::query_scalar(
        "SELECT source FROM fee_bills WHERE household_id = $1 AND season_start_year = $2",
    )
    .bind(bill.household_id)
    .bind(i64::from(bill.season_start_year))
    .fetch_one(&mut **tx)
    .await?;
    Ok(if source == "imported" && bill.source == "computed" {
        Kept::KeptImported
    } else {
        Kept::Unchanged
    })
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BillRow {
    pub id: i64,
    pub household_id: i64,
    pub account_no: String,
    pub holder_name: String,
    pub address: String,
    pub company_id: i64,
    pub company_name: String,
    pub season_start_year: i64,
    pub household_type: String,
    pub area_centi_m2: i64,
    pub price_per_m2_fen: i64,
    pub amount_fen: i64,
    pub reductions_fen: i64,
    pub paid_fen: i64,
    pub refunded_fen: i64,
    pub due_at: i64,
    pub source: String,
    pub billing_ref: Option<String>,
}

const BILL_SELECT: &str = "SELECT fb.id, fb.household_id, h.account_no, h.holder_name, \
         c.name || ' ' || b.name || ' ' || u.name || ' ' || h.room AS address, \
         h.company_id, hc.name AS company_name, fb.season_start_year, fb.household_type, \
         fb.area_centi_m2, fb.price_per_m2_fen, fb.amount_fen, fb.reductions_fen, fb.paid_fen, \
         fb.refunded_fen, fb.due_at, fb.source, fb.billing_ref \
     FROM fee_bills fb \
     JOIN households h ON h.id = fb.household_id \
     JOIN units u ON u.id = h.unit_id \
     JOIN buildings b ON b.id = u.building_id \
     JOIN communities c ON c.id = b.community_id \
     JOIN heating_companies hc ON hc.id = h.company_id";

/// The bills of the households a person reads bills of, newest season first.
pub async fn bills_visible_to(pool: &AnyPool, person_id: i64) -> BackendResult<Vec<BillRow>> {
    Ok(sqlx::query_as(&format!(
        "{BILL_SELECT} WHERE fb.household_id IN ({OWN_HOUSEHOLDS}) \
         ORDER BY fb.household_id, fb.season_start_year DESC"
    ))
    .bind(person_id)
    .fetch_all(pool)
    .await?)
}

/// One bill, if the person reads its amounts.
pub async fn bill_visible_to(
    pool: &AnyPool,
    person_id: i64,
    bill_id: i64,
) -> BackendResult<Option<BillRow>> {
    Ok(sqlx::query_as(&format!(
        "{BILL_SELECT} WHERE fb.id = $2 AND fb.household_id IN ({BILL_HOUSEHOLDS})"
    ))
    .bind(person_id)
    .bind(bill_id)
    .fetch_optional(pool)
    .await?)
}

/// One bill, whoever asks (services that already checked access).
pub async fn bill_by_id(pool: &AnyPool, bill_id: i64) -> BackendResult<Option<BillRow>> {
    Ok(sqlx::query_as(&format!("{BILL_SELECT} WHERE fb.id = $1"))
        .bind(bill_id)
        .fetch_optional(pool)
        .await?)
}

/// A household's bill for a season.
pub async fn bill_of_household(
    tx: &mut Transaction<'_, Any>,
    household_id: i64,
    season_start_year: i32,
) -> BackendResult<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT id, amount_fen FROM fee_bills WHERE household_id = $1 AND season_start_year = $2",
    )
    .bind(household_id)
    .bind(i64::from(season_start_year))
    .fetch_optional(&mut **tx)
    .await?)
}

/// A bill's money, after a change.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct BillMoney {
    pub amount_fen: i64,
    pub reductions_fen: i64,
    pub paid_fen: i64,
    pub refunded_fen: i64,
}

impl BillMoney {
    /// The money as the bill rules read it.
    pub fn figures(&self) -> BillFigures {
        BillFigures {
            amount: Fen(self.amount_fen),
            reductions: Fen(self.reductions_fen),
            paid: Fen(self.paid_fen),
            refunded: Fen(self.refunded_fen),
        }
    }
}

impl BillRow {
    /// The bill's money as the bill rules read it.
    pub fn figures(&self) -> BillFigures {
        BillMoney {
            amount_fen: self.amount_fen,
            reductions_fen: self.reductions_fen,
            paid_fen: self.paid_fen,
            refunded_fen: self.refunded_fen,
        }
        .figures()
    }
}

const MONEY: &str = "amount_fen, reductions_fen, paid_fen, refunded_fen";

/// A household's bill for a season and its money.
pub async fn money_of(
    tx: &mut Transaction<'_, Any>,
    household_id: i64,
    season_start_year: i32,
) -> BackendResult<Option<(i64, BillMoney)>> {
    let row: Option<(i64, i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT id, {MONEY} FROM fee_bills WHERE household_id = $1 AND season_start_year = $2"
    ))
    .bind(household_id)
    .bind(i64::from(season_start_year))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(
        row.map(|(id, amount_fen, reductions_fen, paid_fen, refunded_fen)| {
            (
                id,
                BillMoney {
                    amount_fen,
                    reductions_fen,
                    paid_fen,
                    refunded_fen,
                },
            )
        }),
    )
}

/// Adds a verified payment to a bill, in one statement; the bill's money after.
pub async fn add_paid(
    tx: &mut Transaction<'_, Any>,
    bill_id: i64,
    fen: i64,
    now: i64,
) -> BackendResult<BillMoney> {
    Ok(sqlx::query_as(&format!(
        "UPDATE fee_bills SET paid_fen = paid_fen + $2, updated_at = $3 WHERE id = $1 RETURNING {MONEY}"
    ))
    .bind(bill_id)
    .bind(fen)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Adds a refund that went through to a bill.
pub async fn add_refunded(
    tx: &mut Transaction<'_, Any>,
    bill_id: i64,
    fen: i64,
    now: i64,
) -> BackendResult<BillMoney> {
    Ok(sqlx::query_as(&format!(
        "UPDATE fee_bills SET refunded_fen = refunded_fen + $2, updated_at = $3 WHERE id = $1 RETURNING {MONEY}"
    ))
    .bind(bill_id)
    .bind(fen)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// A reduction for a complaint measured below the standard.
pub struct NewReduction {
    pub bill_id: i64,
    pub case_id: i64,
    pub amount_fen: i64,
    pub lowest_tenths: i32,
    pub days: i64,
    pub percent: i64,
    pub now: i64,
}

/// Grants a reduction once per complaint; the bill's money after, or
/// `None` when this complaint's reduction was granted before.
pub async fn grant_reduction(
    tx: &mut Transaction<'_, Any>,
    reduction: &NewReduction,
) -> BackendResult<Option<(i64, BillMoney)>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO fee_reductions (bill_id, case_id, amount_fen, lowest_tenths, days, percent, granted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id) DO NOTHING RETURNING id",
    )
    .bind(reduction.bill_id)
    .bind(reduction.case_id)
    .bind(reduction.amount_fen)
    .bind(i64::from(reduction.lowest_tenths))
    .bind(reduction.days)
    .bind(reduction.percent)
    .bind(reduction.now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = id else { return Ok(None) };
    let money = sqlx::query_as(&format!(
        "UPDATE fee_bills SET reductions_fen = reductions_fen + $2, updated_at = $3 WHERE id = $1 RETURNING {MONEY}"
    ))
    .bind(reduction.bill_id)
    .bind(reduction.amount_fen)
    .bind(reduction.now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some((id, money)))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReductionRow {
    pub bill_id: i64,
    pub case_id: i64,
    pub case_no: String,
    pub amount_fen: i64,
    pub lowest_tenths: i64,
    pub days: i64,
    pub percent: i64,
    pub granted_at: i64,
}

/// The reductions on bills a person reads.
pub async fn reductions_visible_to(
    pool: &AnyPool,
    person_id: i64,
) -> BackendResult<Vec<ReductionRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT fr.bill_id, fr.case_id, cs.case_no, fr.amount_fen, fr.lowest_tenths, fr.days, \
             fr.percent, fr.granted_at \
         FROM fee_reductions fr JOIN fee_bills fb ON fb.id = fr.bill_id \
         JOIN cases cs ON cs.id = fr.case_id \
         WHERE fb.household_id IN ({OWN_HOUSEHOLDS}) ORDER BY fr.granted_at"
    ))
    .bind(person_id)
    .fetch_all(pool)
    .await?)
}

/// Whether each household in a grid worker's grids has paid this season:
/// `(household_id, account_no, address, status)` where status is what
/// `BillFigures::status` reads from the sums; nothing of the amounts.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GridBillRow {
    pub household_id: i64,
    pub account_no: String,
    pub address: String,
    pub owed_fen: Option<i64>,
    pub kept_fen: Option<i64>,
}

pub async fn grid_bill_status(
    pool: &AnyPool,
    person_id: i64,
    season_start_year: i32,
) -> BackendResult<Vec<GridBillRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT h.id AS household_id, h.account_no, \
             c.name || ' ' || b.name || ' ' || u.name || ' ' || h.room AS address, \
             fb.amount_fen - fb.reductions_fen - fb.paid_fen + fb.refunded_fen AS owed_fen, \
             fb.paid_fen - fb.refunded_fen AS kept_fen \
         FROM households h \
         JOIN units u ON u.id = h.unit_id \
         JOIN buildings b ON b.id = u.building_id \
         JOIN communities c ON c.id = b.community_id \
         LEFT JOIN fee_bills fb ON fb.household_id = h.id AND fb.season_start_year = $2 \
         WHERE u.building_id IN ({GRID_BUILDINGS}) \
         ORDER BY c.name, b.name, u.name, h.room"
    ))
    .bind(person_id)
    .bind(i64::from(season_start_year))
    .fetch_all(pool)
    .await?)
}

/// Per building a property manager looks after: households billed this
/// season, and how many of them have paid in full.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BuildingPaidCounts {
    pub building_id: i64,
    pub building: String,
    pub billed: i64,
    pub paid: i64,
}

pub async fn building_paid_counts(
    pool: &AnyPool,
    person_id: i64,
    season_start_year: i32,
) -> BackendResult<Vec<BuildingPaidCounts>> {
    Ok(sqlx::query_as(&format!(
        "SELECT b.id AS building_id, c.name || ' ' || b.name AS building, \
             COUNT(fb.id) AS billed, \
             COALESCE(SUM(CASE WHEN fb.paid_fen - fb.refunded_fen >= fb.amount_fen - fb.reductions_fen \
                 THEN 1 ELSE 0 END), 0) AS paid \
         FROM buildings b \
         JOIN communities c ON c.id = b.community_id \
         JOIN units u ON u.building_id = b.id \
         JOIN households h ON h.unit_id = u.id \
         LEFT JOIN fee_bills fb ON fb.household_id = h.id AND fb.season_start_year = $2 \
         WHERE b.id IN ({ASSIGNED_BUILDINGS}) \
         GROUP BY b.id, c.name, b.name ORDER BY c.name, b.name"
    ))
    .bind(person_id)
    .bind(i64::from(season_start_year))
    .fetch_all(pool)
    .await?)
}

/// Households of a company for computing bills: id, type, area in m²
/// (as the household register keeps it) and service state.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BillableHousehold {
    pub id: i64,
    pub area_m2: f64,
    pub service_state: String,
}

pub async fn billable_households(
    pool: &AnyPool,
    company_id: i64,
) -> BackendResult<Vec<BillableHousehold>> {
    Ok(sqlx::query_as(
        "SELECT id, area_m2, service_state FROM households WHERE company_id = $1 ORDER BY id",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await?)
}

/// One bill of a household the person bound as a resident (paying).
pub async fn own_bill(
    pool: &AnyPool,
    person_id: i64,
    bill_id: i64,
) -> BackendResult<Option<BillRow>> {
    Ok(sqlx::query_as(&format!(
        "{BILL_SELECT} WHERE fb.id = $2 AND fb.household_id IN ({OWN_HOUSEHOLDS})"
    ))
    .bind(person_id)
    .bind(bill_id)
    .fetch_optional(pool)
    .await?)
}
