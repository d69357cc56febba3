//! 业务办理: new connection, suspend and resume, and when each may be asked.
//!
//! Suspend and resume are due at least 30 days before the season starts
//! (a configurable company rule); an application made later applies to the
//! following season, and the resident is told so before submitting.

use crate::case_flow::CaseKind;
use crate::clock::UnixSeconds;
use crate::season::SeasonCalendar;
use crate::service_change::ServiceState;
use serde::{Deserialize, Serialize};
use translations::{text, Lang, StaticText};

/// Days before the season's start by which suspend and resume are due.
pub const DEFAULT_DAYS_BEFORE_SEASON: i64 = 30;

/// The season an application is for, and the last moment to apply for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationWindow {
    pub season_start_year: i32,
    pub season_starts_at: UnixSeconds,
    pub apply_by: UnixSeconds,
}

impl ApplicationWindow {
    /// "2027—2028 供暖季"
    pub fn season_label(&self, lang: Lang) -> String {
        crate::season::season_label(self.season_start_year, lang)
    }
}

/// The first season whose application deadline (`days_before` its
/// regulated start) is still ahead of `now`.
pub fn application_window(
    calendar: &SeasonCalendar,
    days_before: i64,
    now: UnixSeconds,
) -> ApplicationWindow {
    let this_year = chrono::Datelike::year(&crate::clock::to_local(now));
    (this_year - 1..=this_year + 1)
        .map(|year| {
            let starts_at = calendar.regulated_window(year).start;
            ApplicationWindow {
                season_start_year: year,
                season_starts_at: starts_at,
                apply_by: starts_at - days_before * 86_400,
            }
        })
        .find(|window| now <= window.apply_by)
        .unwrap_or_else(|| {
            let year = this_year + 2;
            let starts_at = calendar.regulated_window(year).start;
            ApplicationWindow {
                season_start_year: year,
                season_starts_at: starts_at,
                apply_by: starts_at - days_before * 86_400,
            }
        })
}

/// Whether a household in `service` may ask for `kind`; the reason when not.
pub fn check_application(
    kind: CaseKind,
    service: ServiceState,
    has_own_valve: bool,
) -> Result<(), StaticText> {
    match (kind, service) {
        (CaseKind::Suspend, ServiceState::Heated) if has_own_valve => Ok(()),
        (CaseKind::Suspend, ServiceState::Heated) => Err(text::application_suspend_needs_valve),
        (CaseKind::Suspend, _) => Err(text::application_not_heated),
        (CaseKind::Resume, ServiceState::Suspended) => Ok(()),
        (CaseKind::Resume, _) => Err(text::application_not_suspended),
        (CaseKind::Connection, ServiceState::NotConnected) => Ok(()),
        (CaseKind::Connection, _) => Err(text::application_already_connected),
        (CaseKind::Temperature | CaseKind::Repair | CaseKind::Incident, _) => {
            Err(text::application_not_an_application)
        }
    }
}

/// What to bring, per application.
pub fn required_documents(kind: CaseKind, lang: Lang) -> String {
    let documents: &[StaticText] = match kind {
        CaseKind::Connection => &[
            text::document_property_certificate,
            text::document_holder_id,
            text::document_floor_plan,
        ],
        CaseKind::Suspend | CaseKind::Resume => {
            &[text::document_holder_id, text::document_heating_card]
        }
        CaseKind::Temperature | CaseKind::Repair | CaseKind::Incident => &[],
    };
    let names: Vec<&str> = documents.iter().map(|document| document(lang)).collect();
    names.join(text::list_separator(lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;
    use translations::Lang;

    #[test]
    fn the_window_closes_thirty_days_before_the_start() {
        let calendar = SeasonCalendar::default();
        let early = application_window(&calendar, 30, local_instant(2026, 9, 1, 9).unwrap());
        assert_eq!(early.season_start_year, 2026);
        assert_eq!(early.apply_by, local_instant(2026, 10, 15, 12).unwrap());
        assert_eq!(early.season_label(Lang::Zh), "2026—2027 供暖季");

        let on_the_day =
            application_window(&calendar, 30, local_instant(2026, 10, 15, 12).unwrap());
        assert_eq!(on_the_day.season_start_year, 2026);

        let late = application_window(&calendar, 30, local_instant(2026, 10, 15, 13).unwrap());
        assert_eq!(late.season_start_year, 2027);
        let in_season = application_window(&calendar, 30, local_instant(2027, 1, 10, 9).unwrap());
        assert_eq!(in_season.season_start_year, 2027);
    }

    #[test]
    fn each_application_fits_one_service_state() {
        assert!(check_application(CaseKind::Suspend, ServiceState::Heated, true).is_ok());
        assert!(
            check_application(CaseKind::Suspend, ServiceState::Heated, false).unwrap_err()(
                Lang::Zh
            )
            .contains("阀门")
        );
        assert!(check_application(CaseKind::Suspend, ServiceState::Suspended, true).is_err());
        assert!(check_application(CaseKind::Resume, ServiceState::Suspended, false).is_ok());
        assert!(check_application(CaseKind::Resume, ServiceState::Heated, false).is_err());
        assert!(check_application(CaseKind::Connection, ServiceState::NotConnected, false).is_ok());
        assert!(check_application(CaseKind::Connection, ServiceState::Heated, false).is_err());
        assert!(check_application(CaseKind::Repair, ServiceState::Heated, false).is_err());
        assert!(!required_documents(CaseKind::Connection, Lang::Zh).is_empty());
        assert!(required_documents(CaseKind::Repair, Lang::En).is_empty());
    }
}
