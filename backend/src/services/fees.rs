//! Season bills: tariffs an admin sets, bills imported from the company's
//! billing system or computed from a tariff, the bills a resident reads,
//! and what grid workers and property managers may know of them.

use std::collections::HashMap;

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::store::fees::{self as store, Kept, StatedBill};
use crate::store::{audit, households, payments};
use domain::fees::bill::{BillFigures, HouseholdType, Tariff};
use domain::fees::money::{parse_yuan, CentiM2, Fen};
use domain::fees::payment::{PaymentState, Provider, RefundReason, RefundState};
use domain::fees::statement::parse_bill_csv;
use domain::fees::views::{
    BillView, BuildingPaymentCounts, GridPaymentLine, PaymentLine, ReductionLine, RefundLine,
};
use domain::roles::Role;
use domain::service_change::ServiceState;
use translations::{text, Localized, StaticText};

/// How many refused lines an import's answer names.
const PROBLEMS_NAMED: usize = 20;

/// What an import or a computation did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BillsReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Computed bills not written because the billing system's stand.
    pub kept_imported: usize,
    /// Lines refused, with why (at most [`PROBLEMS_NAMED`] named).
    pub refused: Vec<(usize, StaticText)>,
    pub refused_count: usize,
}

impl BillsReport {
    fn count(&mut self, kept: Kept) {
        match kept {
            Kept::Inserted => self.inserted += 1,
            Kept::Updated => self.updated += 1,
            Kept::Unchanged => self.unchanged += 1,
            Kept::KeptImported => self.kept_imported += 1,
        }
    }

    fn refuse(&mut self, line: usize, why: StaticText) {
        self.refused_count += 1;
        if self.refused.len() < PROBLEMS_NAMED {
            self.refused.push((line, why));
        }
    }
}

/// Keeps the bills of a billing system's CSV, line by line: good lines
/// are kept (once per household and season; a line sent again changes
/// nothing), bad ones answered with their line. `actor` is None for the
/// signed nightly sync and the operator's command.
pub async fn import_bills(
    db: &Database,
    actor: Option<&Viewer>,
    csv: &str,
    origin: &RequestOrigin,
) -> BackendResult<BillsReport> {
    if let Some(viewer) = actor {
        viewer.require(Role::Admin)?;
    }
    let (lines, problems) = parse_bill_csv(csv).map_err(BackendError::refused)?;
    let mut report = BillsReport::default();
    for problem in &problems {
        report.refuse(problem.line, problem.problem);
    }
    let accounts: Vec<String> = lines.iter().map(|l| l.account_no.clone()).collect();
    let ids = households::ids_by_account_no(db.reader(), db.engine(), &accounts).await?;
    let mut tx = db.writer().begin().await?;
    for line in &lines {
        let Some(&household_id) = ids.get(&line.account_no) else {
            report.refuse(line.line, text::fees_csv_account_unknown);
            continue;
        };
        let kept = store::keep_bill(
            &mut tx,
            &StatedBill {
                household_id,
                season_start_year: line.season_start_year,
                household_type: line.household_type.as_str(),
                area_centi_m2: line.area.0,
                price_per_m2_fen: line.price_per_m2.0,
                amount_fen: line.amount.0,
                due_at: line.due_at,
                source: "imported",
                billing_ref: line.billing_ref.as_deref(),
                now: origin.now,
            },
        )
        .await?;
        if kept == Kept::Updated {
            refund_if_lowered(&mut tx, household_id, line.season_start_year, origin.now).await?;
        }
        report.count(kept);
    }
    tx.commit().await?;
    report.refused.sort_by_key(|(line, _)| *line);
    audit::record(
        db.writer(),
        &origin.audit(
            actor.map(|v| v.person_id),
            "bills_imported",
            "fee_bill",
            0,
            format!(
                "inserted {}, updated {}, unchanged {}, refused {}",
                report.inserted, report.updated, report.unchanged, report.refused_count
            ),
        ),
    )
    .await?;
    Ok(report)
}

/// A bill lowered below what was paid for it gives the difference back.
async fn refund_if_lowered(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    household_id: i64,
    season_start_year: i32,
    now: i64,
) -> BackendResult<()> {
    if let Some((bill_id, money)) = store::money_of(tx, household_id, season_start_year).await? {
        crate::services::payments::refund_beyond_bill(
            tx,
            bill_id,
            &money,
            RefundReason::BillLowered,
            &format!("bill_lowered:{bill_id}:{now}"),
            now,
        )
        .await?;
    }
    Ok(())
}

/// A tariff as the admin's form states it.
#[derive(Clone, Debug)]
pub struct TariffForm<'a> {
    pub company_id: i64,
    pub season_start_year: i32,
    pub household_type: &'a str,
    /// Yuan per m², "22.00".
    pub price_per_m2: &'a str,
    /// Percent for suspended households, "30" or "27.5".
    pub suspended_share_percent: &'a str,
}

/// Sets a company's tariff (admin).
pub async fn set_tariff(
    db: &Database,
    viewer: &Viewer,
    form: &TariffForm<'_>,
    origin: &RequestOrigin,
) -> BackendResult<Tariff> {
    viewer.require(Role::Admin)?;
    let household_type = HouseholdType::parse(form.household_type)
        .ok_or(BackendError::refused(text::fees_csv_household_type))?;
    let price = parse_yuan(form.price_per_m2).map_err(|e| BackendError::refused(e.text()))?;
    // A percent with up to two decimals is basis points.
    let share = parse_yuan(form.suspended_share_percent)
        .map_err(|_| BackendError::refused(text::fees_share_out_of_range))?;
    let tariff = Tariff::new(price, share.0).map_err(|e| BackendError::refused(e.text()))?;
    if !(2000..=2100).contains(&form.season_start_year) {
        return Err(BackendError::refused(text::fees_csv_season));
    }
    store::set_tariff(
        db.writer(),
        &store::NewTariff {
            company_id: form.company_id,
            season_start_year: form.season_start_year,
            household_type: household_type.as_str(),
            price_per_m2_fen: tariff.price_per_m2.0,
            suspended_share_bp: tariff.suspended_share_bp,
            set_by: Some(viewer.person_id),
            now: origin.now,
        },
    )
    .await?;
    audit::record(
        db.writer(),
        &origin.audit(
            Some(viewer.person_id),
            "tariff_set",
            "heating_company",
            form.company_id,
            format!(
                "{} {}: {}/m², suspended {} bp",
                form.season_start_year,
                household_type.as_str(),
                tariff.price_per_m2,
                tariff.suspended_share_bp
            ),
        ),
    )
    .await?;
    Ok(tariff)
}

/// Computes a company's season bills from its residential tariff, for a
/// company without a billing system (admin). A bill the billing system
/// stated is never overwritten.
pub async fn compute_bills(
    db: &Database,
    viewer: &Viewer,
    company_id: i64,
    season_start_year: i32,
    due_at: i64,
    origin: &RequestOrigin,
) -> BackendResult<BillsReport> {
    viewer.require(Role::Admin)?;
    let tariff = store::tariffs(db.reader())
        .await?
        .into_iter()
        .find(|t| {
            t.company_id == company_id
                && t.season_start_year == i64::from(season_start_year)
                && t.household_type == HouseholdType::Residential.as_str()
        })
        .ok_or(BackendError::refused(text::fees_no_tariff))?;
    let tariff = Tariff::new(Fen(tariff.price_per_m2_fen), tariff.suspended_share_bp)
        .map_err(|e| BackendError::refused(e.text()))?;
    let mut report = BillsReport::default();
    let homes = store::billable_households(db.reader(), company_id).await?;
    let mut tx = db.writer().begin().await?;
    for home in &homes {
        // The register keeps m² as a decimal number; bills count hundredths.
        let area = CentiM2((home.area_m2 * 100.0).round() as i64);
        let service = ServiceState::parse(&home.service_state).unwrap_or(ServiceState::Heated);
        let Some(amount) = tariff.season_amount(area, service) else {
            report.refuse(0, text::fees_out_of_range);
            continue;
        };
        let kept = store::keep_bill(
            &mut tx,
            &StatedBill {
                household_id: home.id,
                season_start_year,
                household_type: HouseholdType::Residential.as_str(),
                area_centi_m2: area.0,
                price_per_m2_fen: tariff.price_per_m2.0,
                amount_fen: amount.0,
                due_at,
                source: "computed",
                billing_ref: None,
                now: origin.now,
            },
        )
        .await?;
        if kept == Kept::Updated {
            refund_if_lowered(&mut tx, home.id, season_start_year, origin.now).await?;
        }
        report.count(kept);
    }
    tx.commit().await?;
    audit::record(
        db.writer(),
        &origin.audit(
            Some(viewer.person_id),
            "bills_computed",
            "heating_company",
            company_id,
            format!(
                "{season_start_year}: inserted {}, updated {}, kept imported {}",
                report.inserted, report.updated, report.kept_imported
            ),
        ),
    )
    .await?;
    Ok(report)
}

/// A bill row with its reductions, payments and refunds, as a page shows it.
pub(crate) async fn bill_view(
    db: &Database,
    row: store::BillRow,
    reductions: Vec<ReductionLine>,
) -> BackendResult<BillView> {
    let payments = payments::orders_of_bill(db.reader(), row.id)
        .await?
        .into_iter()
        .filter_map(|o| {
            Some(PaymentLine {
                id: o.id,
                provider: Provider::parse(&o.provider)?,
                amount: Fen(o.paid_fen.unwrap_or(o.amount_fen)),
                state: PaymentState::parse(&o.state)?,
                transaction_id: o.transaction_id,
                created_at: o.created_at,
                paid_at: o.paid_at,
            })
        })
        .collect();
    let refunds = payments::refunds_of_bill(db.reader(), row.id)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(RefundLine {
                amount: Fen(r.amount_fen),
                reason: RefundReason::parse(&r.reason)?,
                state: RefundState::parse(&r.state)?,
                requested_at: r.requested_at,
                finished_at: r.finished_at,
            })
        })
        .collect();
    Ok(BillView {
        id: row.id,
        household_id: row.household_id,
        figures: row.figures(),
        household_type: HouseholdType::parse(&row.household_type)
            .unwrap_or(HouseholdType::Residential),
        area: CentiM2(row.area_centi_m2),
        price_per_m2: Fen(row.price_per_m2_fen),
        season_start_year: i32::try_from(row.season_start_year).unwrap_or_default(),
        due_at: row.due_at,
        account_no: row.account_no,
        holder_name: row.holder_name,
        address: row.address,
        company_name: row.company_name,
        reductions,
        payments,
        refunds,
    })
}

/// The bills of the households a resident bound, each household's newest
/// season first.
pub async fn my_bills(db: &Database, viewer: &Viewer) -> BackendResult<Vec<BillView>> {
    let rows = store::bills_visible_to(db.reader(), viewer.person_id).await?;
    let mut reductions: HashMap<i64, Vec<ReductionLine>> = HashMap::new();
    for r in store::reductions_visible_to(db.reader(), viewer.person_id).await? {
        reductions
            .entry(r.bill_id)
            .or_default()
            .push(ReductionLine {
                case_no: r.case_no,
                amount: Fen(r.amount_fen),
                lowest_tenths: i32::try_from(r.lowest_tenths).unwrap_or_default(),
                days: r.days,
                percent: r.percent,
                granted_at: r.granted_at,
            });
    }
    let mut bills = Vec::with_capacity(rows.len());
    for row in rows {
        let lines = reductions.remove(&row.id).unwrap_or_default();
        bills.push(bill_view(db, row, lines).await?);
    }
    Ok(bills)
}

/// Whether each household in a grid worker's grids has paid this season.
pub async fn grid_payment_status(
    db: &Database,
    viewer: &Viewer,
    season_start_year: i32,
) -> BackendResult<Vec<GridPaymentLine>> {
    viewer.require(Role::GridWorker)?;
    Ok(
        store::grid_bill_status(db.reader(), viewer.person_id, season_start_year)
            .await?
            .into_iter()
            .map(|row| GridPaymentLine {
                status: row.owed_fen.zip(row.kept_fen).map(|(owed, kept)| {
                    BillFigures {
                        amount: Fen(owed.max(0) + kept),
                        paid: Fen(kept),
                        ..BillFigures::default()
                    }
                    .status()
                }),
                account_no: row.account_no,
                address: row.address,
            })
            .collect(),
    )
}

/// Per building a property manager looks after: billed and paid counts.
pub async fn building_payment_counts(
    db: &Database,
    viewer: &Viewer,
    season_start_year: i32,
) -> BackendResult<Vec<BuildingPaymentCounts>> {
    viewer.require(Role::PropertyManager)?;
    Ok(
        store::building_paid_counts(db.reader(), viewer.person_id, season_start_year)
            .await?
            .into_iter()
            .map(|row| BuildingPaymentCounts {
                building: row.building,
                billed: row.billed,
                paid: row.paid,
            })
            .collect(),
    )
}

/// The refusal of an import that kept nothing, naming its lines.
pub fn refusal_text(report: &BillsReport) -> Localized {
    let named = report.refused.clone();
    let count = report.refused_count;
    Localized::new(move |lang| {
        let lines: Vec<String> = named
            .iter()
            .map(|(line, problem)| text::telemetry_csv_line(lang, line, problem(lang)))
            .collect();
        text::telemetry_csv_refused(lang, count, lines.join("; "))
    })
}

/// When a temperature complaint measured below the standard is fixed, the
/// season's bill of its household is reduced (`domain::fees::reduction`),
/// once per complaint; money already paid beyond the reduced bill goes
/// back through the payment it came by. In the step's transaction; the
/// reduction's amount when one was granted.
pub(crate) async fn reduce_for_fixed_complaint(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    scale: &domain::fees::reduction::ReductionScale,
    case_id: i64,
    household_id: i64,
    season: &domain::season::SeasonWindow,
    fixed_at: i64,
) -> BackendResult<Option<Fen>> {
    use domain::fees::reduction::{reduction_for, Shortfall};
    let Some((lowest, cause, measured_at, season_start_year)) =
        crate::store::measurements::first_below_standard(tx, case_id).await?
    else {
        return Ok(None);
    };
    let Some((bill_id, amount)) = store::bill_of_household(
        tx,
        household_id,
        i32::try_from(season_start_year).unwrap_or_default(),
    )
    .await?
    else {
        return Ok(None);
    };
    let shortfall = Shortfall {
        lowest_tenths: i32::try_from(lowest).unwrap_or_default(),
        cause: cause
            .as_deref()
            .and_then(domain::measurement::CauseSide::parse),
        measured_at,
        resolved_at: fixed_at,
    };
    let season_days = ((season.end - season.start) / 86_400).max(1);
    let reduction = reduction_for(shortfall, Fen(amount), season_days, scale);
    if reduction == Fen::ZERO {
        return Ok(None);
    }
    let Some((reduction_id, money)) = store::grant_reduction(
        tx,
        &store::NewReduction {
            bill_id,
            case_id,
            amount_fen: reduction.0,
            lowest_tenths: shortfall.lowest_tenths,
            days: shortfall.days().min(season_days),
            percent: scale.percent_for(shortfall.lowest_tenths),
            now: fixed_at,
        },
    )
    .await?
    else {
        return Ok(None);
    };
    crate::services::payments::refund_beyond_bill(
        tx,
        bill_id,
        &money,
        RefundReason::Reduction,
        &format!("reduction:{reduction_id}"),
        fixed_at,
    )
    .await?;
    Ok(Some(reduction))
}
