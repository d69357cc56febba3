//! The demo city's heating fees: each company's residential tariff for this
//! season and the last, this season's bills computed from them (due at the
//! end of the year), and last season's as paid at the counter. The prices
//! are made up for the demo (Weifang's are the companies' own to enter).
//! Seeded after the city, on its own: a database seeded at an older schema
//! has no fee tables.

use crate::db::Database;
use crate::error::BackendResult;
use crate::store::fees::{self, Kept, NewTariff, StatedBill};
use domain::clock::{local_instant, UnixSeconds};
use domain::fees::bill::Tariff;
use domain::fees::money::{CentiM2, Fen};
use domain::service_change::ServiceState;

/// ¥22.00 per m² and season; a suspended household pays 30 %.
pub const DEMO_PRICE_PER_M2: Fen = Fen(2200);
pub const DEMO_SUSPENDED_SHARE_BP: i64 = 3000;

/// The heating season a day belongs to, by the year it starts: from July
/// the coming one, before July the one under way since the autumn.
fn season_of(now: UnixSeconds) -> i32 {
    use chrono::Datelike;
    let day = domain::clock::to_local(now);
    if day.month() >= 7 {
        day.year()
    } else {
        day.year() - 1
    }
}

/// Seeds the demo bills of the season of `now` and of the one before; how
/// many bills went in.
pub async fn seed_demo_bills(db: &Database, now: UnixSeconds) -> BackendResult<usize> {
    let season_start_year = season_of(now);
    let tariff =
        Tariff::new(DEMO_PRICE_PER_M2, DEMO_SUSPENDED_SHARE_BP).expect("the demo tariff is valid");
    let companies: Vec<i64> = sqlx::query_scalar("SELECT id FROM heating_companies ORDER BY id")
        .fetch_all(db.reader())
        .await?;
    let mut inserted = 0;
    let mut tx = db.writer().begin().await?;
    for company in companies {
        for year in [season_start_year - 1, season_start_year] {
            fees::set_tariff(
                &mut *tx,
                &NewTariff {
                    company_id: company,
                    season_start_year: year,
                    household_type: "residential",
                    price_per_m2_fen: tariff.price_per_m2.0,
                    suspended_share_bp: tariff.suspended_share_bp,
                    set_by: None,
                    now,
                },
            )
            .await?;
        }
        let homes: Vec<(i64, f64, String)> = sqlx::query_as(
            "SELECT id, area_m2, service_state FROM households WHERE company_id = $1 ORDER BY id",
        )
        .bind(company)
        .fetch_all(&mut *tx)
        .await?;
        for (id, area_m2, service) in homes {
            let area = CentiM2((area_m2 * 100.0).round() as i64);
            let service = ServiceState::parse(&service).unwrap_or(ServiceState::Heated);
            for year in [season_start_year - 1, season_start_year] {
                let amount = tariff.season_amount(area, service).unwrap_or(Fen::ZERO);
                let due_at = local_instant(year + 1, 1, 1, 0).unwrap_or(now);
                let kept = fees::keep_bill(
                    &mut tx,
                    &StatedBill {
                        household_id: id,
                        season_start_year: year,
                        household_type: "residential",
                        area_centi_m2: area.0,
                        price_per_m2_fen: tariff.price_per_m2.0,
                        amount_fen: amount.0,
                        due_at,
                        source: "computed",
                        billing_ref: None,
                        now,
                    },
                )
                .await?;
                if kept == Kept::Inserted {
                    inserted += 1;
                }
            }
        }
        // Last season was paid at the company's counter.
        sqlx::query(
            "UPDATE fee_bills SET paid_fen = amount_fen WHERE season_start_year = $1 \
             AND household_id IN (SELECT id FROM households WHERE company_id = $2)",
        )
        .bind(i64::from(season_start_year - 1))
        .bind(company)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(inserted)
}
