//! The admin's side of deadlines: the clock of each rule, when yellow
//! starts, and the holidays and make-up working days the working-day clocks
//! follow. Every change is audited.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::store::{audit, calendar};
use chrono::{Datelike, NaiveDate};
use domain::clock::to_local;
use domain::deadlines::{CaseRules, Clock, DeadlineRule};
use domain::outage_desk::{NoticeRule, NOTICE_RULE_NAME};
use domain::roles::Role;
use domain::working_days::DayKind;
use translations::{text, Lang};

/// The rules in force and the listed days from the start of last year on.
pub async fn case_rules(db: &Database, viewer: &Viewer, now: i64) -> BackendResult<CaseRules> {
    viewer.require(Role::Admin)?;
    let policy = calendar::case_policy(db.reader()).await?;
    let from = NaiveDate::from_ymd_opt(to_local(now).year() - 1, 1, 1).unwrap_or_default();
    let days = calendar::listed_days(db.reader())
        .await?
        .into_iter()
        .filter(|d| d.day >= from)
        .collect();
    Ok(CaseRules {
        policy: policy.deadlines,
        planned_notice_hours: calendar::notice_rule(db.reader())
            .await?
            .planned_notice_hours,
        days,
    })
}

/// Sets one rule's clock ("hours" 1–720 or "working_days" 1–60).
pub async fn set_deadline(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    rule: &str,
    amount: i64,
    unit: &str,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    let rule =
        DeadlineRule::parse(rule).ok_or_else(|| BackendError::refused(text::case_rule_unknown))?;
    let clock = Clock::parse(amount, unit)
        .ok_or_else(|| BackendError::refused(text::case_rule_length_invalid))?;
    save_rule(
        db,
        viewer,
        origin,
        (rule.as_str(), i64::from(clock.amount()), clock.unit()),
        format!("{}：{}", rule.label(Lang::Zh), clock.describe(Lang::Zh)),
    )
    .await
}

/// Writes one row of `deadline_rules` (rule, amount, unit) and its audit
/// entry together.
async fn save_rule(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    (rule, amount, unit): (&str, i64, &str),
    detail: String,
) -> BackendResult<()> {
    let mut tx = db.writer().begin().await?;
    calendar::set_rule(&mut *tx, rule, amount, unit).await?;
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "set_deadline",
            "deadline_rule",
            rule,
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    db.reference_changed();
    Ok(())
}

/// Sets when hour-scale clocks turn yellow: with this percent of the time left.
pub async fn set_warning(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    percent: i64,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    if !(1..=90).contains(&percent) {
        return Err(BackendError::refused(text::case_rule_warning_invalid));
    }
    save_rule(
        db,
        viewer,
        origin,
        ("warn_before", percent, "percent"),
        format!("剩余 {percent}% 时黄色预警"),
    )
    .await
}

/// Sets how many hours ahead planned outages of over a day must be
/// announced (1–720); shorter notice then needs a reason residents read.
pub async fn set_outage_notice(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    hours: i64,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    let rule = NoticeRule::from_hours(hours)
        .ok_or_else(|| BackendError::refused(text::case_rule_notice_hours_invalid))?;
    save_rule(
        db,
        viewer,
        origin,
        (NOTICE_RULE_NAME, rule.planned_notice_hours, "hours"),
        format!("计划停热提前 {hours} 小时公告"),
    )
    .await
}

/// Lists a holiday or make-up working day ("2027-01-01").
pub async fn set_calendar_day(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    day: &str,
    kind: &str,
    name: &str,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    let date = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| BackendError::refused(text::calendar_date_invalid))?;
    let kind = DayKind::parse(kind)
        .ok_or_else(|| BackendError::refused(text::calendar_day_kind_missing))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 20 {
        return Err(BackendError::refused(text::calendar_day_name_invalid));
    }
    let day = date.format("%Y-%m-%d").to_string();
    let mut tx = db.writer().begin().await?;
    calendar::set_day(&mut *tx, &day, kind.as_str(), name).await?;
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "set_calendar_day",
            "calendar_day",
            &day,
            format!("{} {name}", kind.label(Lang::Zh)),
        ),
    )
    .await?;
    tx.commit().await?;
    db.reference_changed();
    Ok(())
}

pub async fn remove_calendar_day(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    day: &str,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    let mut tx = db.writer().begin().await?;
    if !calendar::remove_day(&mut *tx, day.trim()).await? {
        return Err(BackendError::NotFound(text::calendar_day_not_found));
    }
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "remove_calendar_day",
            "calendar_day",
            day.trim(),
            "",
        ),
    )
    .await?;
    tx.commit().await?;
    db.reference_changed();
    Ok(())
}
