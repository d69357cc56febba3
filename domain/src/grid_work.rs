//! A community grid worker's (网格员) work: filing for a resident once the
//! resident consents with a code texted to their phone, the grid's desk
//! (buildings, open cases, visits) and the visit log (访民问暖).

use crate::account::StaffBuilding;
use crate::case_flow::CaseKind;
use crate::cases::CaseBrief;
use crate::otp::OtpPolicy;
use crate::typing::halfwidth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use translations::{text, StaticText};

/// Limits on consent codes: ten minutes to read the code out to the worker,
/// five wrong tries, one code a minute and ten a day per number, thirty an
/// hour per worker.
pub fn consent_policy() -> OtpPolicy {
    OtpPolicy {
        lifetime: 10 * 60,
        max_wrong_tries: 5,
        min_interval_per_number: 60,
        max_per_number_per_day: 10,
        max_per_client_per_hour: 30,
    }
}

/// Why a consent code is not sent to a number: it goes only to a phone the
/// household stands behind (a bound resident's, or the holder's on file).
pub const NOT_LINKED_MESSAGE: StaticText = text::consent_phone_not_linked;

/// What a worker may file for a resident: every kind a resident files.
pub fn may_file_for_resident(kind: CaseKind) -> bool {
    !matches!(kind, CaseKind::Incident)
}

/// Where the filing form for `kind` lives, with the consent's token.
pub fn filing_path(kind: CaseKind, consent_token: &str) -> String {
    let form = match kind {
        CaseKind::Temperature => "temperature",
        CaseKind::Connection | CaseKind::Suspend | CaseKind::Resume | CaseKind::HolderChange => {
            "application"
        }
        CaseKind::Repair | CaseKind::Incident => "repair",
    };
    format!("/file/{form}?consent={consent_token}")
}

/// A consent the filing form is working under, as the worker sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentForForm {
    pub token: String,
    pub household_id: i64,
    /// "金宝花园 1号楼 2单元 301"
    pub address: String,
    pub masked_phone: String,
    pub expires_at: i64,
}

/// The longest visit note kept, in characters.
pub const MAX_VISIT_NOTES_CHARS: usize = 500;
/// How far back a visit may be logged.
pub const VISIT_LOG_DAYS_BACK: i64 = 30;

/// A visit as the worker typed it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitInput {
    pub visited_on: NaiveDate,
    pub notes: String,
}

/// Checks a visit: a date (YYYY-MM-DD) from the last
/// [`VISIT_LOG_DAYS_BACK`] days up to today, and notes of at most
/// [`MAX_VISIT_NOTES_CHARS`].
pub fn check_visit(
    visited_on: &str,
    notes: &str,
    today: NaiveDate,
) -> Result<VisitInput, StaticText> {
    let date: String = visited_on.trim().chars().map(halfwidth).collect();
    let visited_on = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .map_err(|_| text::visit_date_missing as StaticText)?;
    if visited_on > today {
        return Err(text::visit_date_in_future);
    }
    if (today - visited_on).num_days() > VISIT_LOG_DAYS_BACK {
        return Err(text::visit_too_old);
    }
    let notes = notes.trim();
    if notes.is_empty() {
        return Err(text::visit_notes_missing);
    }
    if notes.chars().count() > MAX_VISIT_NOTES_CHARS {
        return Err(text::visit_notes_too_long);
    }
    Ok(VisitInput {
        visited_on,
        notes: notes.to_string(),
    })
}

/// One logged visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitEntry {
    pub visit_id: i64,
    /// "2026-11-28"
    pub visited_on: String,
    /// "金宝花园 1号楼" or "金宝花园 1号楼 2单元 301"
    pub place: String,
    pub worker_name: String,
    pub notes: String,
    pub follow_up: Option<(i64, String)>,
}

/// 我的网格: the grid's buildings, its open cases (overdue first) and the
/// newest visits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridDesk {
    pub buildings: Vec<StaffBuilding>,
    pub cases: Vec<CaseBrief>,
    pub visits: Vec<VisitEntry>,
    /// Today in Shanghai, for the visit form's default: "2026-11-28".
    pub today: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use translations::Lang;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn visits_are_dated_within_the_last_month_and_have_notes() {
        let today = day("2026-11-28");
        let visit = check_visit(" 2026-11-27 ", "  李大爷家暖气不热，已报修  ", today).unwrap();
        assert_eq!(visit.visited_on, day("2026-11-27"));
        assert_eq!(visit.notes, "李大爷家暖气不热，已报修");
        assert!(check_visit("２０２６-１１-２８", "走访", today).is_ok());
        assert_eq!(
            check_visit("2026-11-29", "x", today).map_err(|t| t(Lang::Zh)),
            Err("走访日期不能晚于今天")
        );
        assert!(check_visit("2026-10-28", "x", today).unwrap_err()(Lang::Zh).contains("30"));
        assert!(check_visit("2026-10-29", "x", today).is_ok());
        assert!(check_visit("11/28", "x", today).unwrap_err()(Lang::Zh).contains("日期"));
        assert_eq!(
            check_visit("2026-11-28", "   ", today).map_err(|t| t(Lang::Zh)),
            Err("请填写走访情况")
        );
        let long = "冷".repeat(MAX_VISIT_NOTES_CHARS + 1);
        assert!(check_visit("2026-11-28", &long, today).is_err());
    }

    #[test]
    fn consent_leads_to_the_right_form() {
        assert_eq!(
            filing_path(CaseKind::Temperature, "tok"),
            "/file/temperature?consent=tok"
        );
        assert_eq!(
            filing_path(CaseKind::Suspend, "t"),
            "/file/application?consent=t"
        );
        assert_eq!(filing_path(CaseKind::Repair, "t"), "/file/repair?consent=t");
        assert!(!may_file_for_resident(CaseKind::Incident));
        assert!(may_file_for_resident(CaseKind::Resume));
        let policy = consent_policy();
        assert!(policy.lifetime > crate::otp::OtpPolicy::default().lifetime);
    }
}
