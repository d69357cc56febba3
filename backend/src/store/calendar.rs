//! The working calendar and the deadline rules, as the admin keeps them.

use crate::error::BackendResult;
use domain::deadlines::{CasePolicy, DeadlinePolicy};
use domain::outage_desk::NoticeRule;
use domain::working_days::{CalendarDay, WorkingCalendar};
use sqlx::AnyPool;

/// The deadlines and the working calendar as the database holds them now.
pub async fn case_policy(pool: &AnyPool) -> BackendResult<CasePolicy> {
    let rules = deadline_rules(pool).await?;
    Ok(CasePolicy {
        deadlines: DeadlinePolicy::from_stored(
            rules
                .iter()
                .map(|(rule, amount, unit)| (rule.as_str(), *amount, unit.as_str())),
        ),
        calendar: WorkingCalendar::new(listed_days(pool).await?),
    })
}

/// How far ahead long planned outages must be announced, as the admin set
/// it (the default until then).
pub async fn notice_rule(pool: &AnyPool) -> BackendResult<NoticeRule> {
    let rules = deadline_rules(pool).await?;
    Ok(NoticeRule::from_stored(rules.iter().map(
        |(rule, amount, unit)| (rule.as_str(), *amount, unit.as_str()),
    )))
}

/// The holidays and make-up working days, by day (unreadable rows skipped).
pub async fn listed_days(pool: &AnyPool) -> BackendResult<Vec<CalendarDay>> {
    Ok(calendar_days(pool)
        .await?
        .into_iter()
        .filter_map(|(day, kind, name)| CalendarDay::from_stored(&day, &kind, name))
        .collect())
}

/// Holidays and make-up workdays: (day "YYYY-MM-DD", kind, name), by day.
pub async fn calendar_days(pool: &AnyPool) -> BackendResult<Vec<(String, String, String)>> {
    Ok(
        sqlx::query_as("SELECT day, kind, name FROM calendar_days ORDER BY day")
            .fetch_all(pool)
            .await?,
    )
}

/// Deadline rules: (rule, amount, unit).
pub async fn deadline_rules(pool: &AnyPool) -> BackendResult<Vec<(String, i64, String)>> {
    Ok(
        sqlx::query_as("SELECT rule, amount, unit FROM deadline_rules ORDER BY rule")
            .fetch_all(pool)
            .await?,
    )
}

/// Sets one deadline rule.
pub async fn set_rule<'e, E>(executor: E, rule: &str, amount: i64, unit: &str) -> BackendResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO deadline_rules (rule, amount, unit) VALUES ($1, $2, $3) \
         ON CONFLICT (rule) DO UPDATE SET amount = excluded.amount, unit = excluded.unit",
    )
    .bind(rule)
    .bind(amount)
    .bind(unit)
    .execute(executor)
    .await?;
    Ok(())
}

/// Adds or changes one listed day.
pub async fn set_day<'e, E>(executor: E, day: &str, kind: &str, name: &str) -> BackendResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
    )
    .bind(day)
    .bind(kind)
    .bind(name)
    .execute(executor)
    .await?;
    Ok(())
}

/// Removes one listed day; whether it was there.
pub async fn remove_day<'e, E>(executor: E, day: &str) -> BackendResult<bool>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let done = sqlx::query("DELETE FROM calendar_days WHERE day = $1")
        .bind(day)
        .execute(executor)
        .await?;
    Ok(done.rows_affected() == 1)
}
