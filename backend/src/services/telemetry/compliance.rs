//! 室温达标率: the background job that judges every trusted home sensor's
//! day (domain::compliance) and keeps each company's tally per day, and the
//! figures the city's oversight reads.

use super::home_series::company_home_series;
use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::BackendResult;
use crate::store::compliance as store;
use chrono::{Days, NaiveDate};
use domain::clock::{to_local, UnixSeconds};
use domain::compliance::{
    day_span, days_to_refresh, days_touched, hours_read, judge_home_day, ComplianceDay,
    REFRESH_DAYS,
};
use domain::telemetry::ColdRule;

/// Computes the days `days_to_refresh` names for every company: the days
/// never computed, and those late data may still change. Returns how many
/// days it computed.
pub async fn refresh_compliance(
    db: &Database,
    settings: &PortalSettings,
    now: UnixSeconds,
) -> BackendResult<usize> {
    let today = to_local(now).date_naive();
    let first = today
        .checked_sub_days(Days::new(REFRESH_DAYS))
        .unwrap_or(today);
    let computed: Vec<(NaiveDate, UnixSeconds)> =
        store::computed_since(db.reader(), day_span(first).0)
            .await?
            .into_iter()
            .map(|(day_start, at)| (to_local(day_start).date_naive(), at))
            .collect();
    let days = days_to_refresh(today, &computed, now);
    compute_days(db, settings, &days, now).await?;
    Ok(days.len())
}

/// After readings for `[from, to)` arrived at once (the simulator's
/// back-fill, an import of old data): computes again every ended day whose
/// verdict reads those hours, even one computed before they arrived, then
/// the days the job would compute anyway. Returns how many days it
/// computed.
pub async fn refresh_after_fill(
    db: &Database,
    settings: &PortalSettings,
    from: UnixSeconds,
    to: UnixSeconds,
    now: UnixSeconds,
) -> BackendResult<usize> {
    let today = to_local(now).date_naive();
    let touched = days_touched(from, to, today, ColdRule::default());
    compute_days(db, settings, &touched, now).await?;
    Ok(touched.len() + refresh_compliance(db, settings, now).await?)
}

/// Judges `days` for every company and saves each company's tally (also
/// for days the job would not choose, such as after an import of old data).
pub async fn compute_days(
    db: &Database,
    settings: &PortalSettings,
    days: &[NaiveDate],
    now: UnixSeconds,
) -> BackendResult<()> {
    let rule = ColdRule::default();
    for (company_id, _) in crate::store::people::company_choices(db.reader()).await? {
        for &day in days {
            let tally = company_day(db, settings, company_id, day, rule).await?;
            store::save_day(
                db.writer(),
                company_id,
                day_span(day).0,
                tally.measured,
                tally.below,
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// One company's homes on one day.
async fn company_day(
    db: &Database,
    settings: &PortalSettings,
    company_id: i64,
    day: NaiveDate,
    rule: ColdRule,
) -> BackendResult<ComplianceDay> {
    let (from, to) = hours_read(day, rule);
    let (start, end) = day_span(day);
    let season = crate::services::public::season_now(
        db,
        settings,
        start + (end - start) / 2,
        Some(company_id),
    )
    .await?
    .effective;
    let in_season = |hour: UnixSeconds| season.contains(hour);
    let homes = company_home_series(db, company_id, from, to, None).await?;
    let verdicts = homes
        .iter()
        .map(|home| judge_home_day(&home.hours, &home.excused, in_season, rule, day));
    Ok(ComplianceDay::tally(day, company_id, verdicts))
}

/// Every company's computed days in `[from, to)`, for the city's report.
pub async fn days_between(
    db: &Database,
    from: UnixSeconds,
    to: UnixSeconds,
) -> BackendResult<Vec<ComplianceDay>> {
    Ok(store::days_between(db.reader(), from, to)
        .await?
        .into_iter()
        .map(|(company_id, day_start, measured, below)| ComplianceDay {
            day: to_local(day_start).date_naive(),
            company_id,
            measured: u32::try_from(measured).unwrap_or(0),
            below: u32::try_from(below).unwrap_or(0),
        })
        .collect())
}
