//! 业务办理: new connection, suspend and resume, and when each may be asked.
//!
//! Suspend and resume are due at least 30 days before the season starts
//! (a configurable company rule); an application made later applies to the
//! following season, and the resident is told so before submitting.

use crate::case_flow::CaseKind;
use crate::clock::UnixSeconds;
use crate::household::normalize_holder_name;
use crate::phone::MobileNumber;
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
        // Any household may change hands.
        (CaseKind::HolderChange, _) => Ok(()),
        (CaseKind::Connection, _) => Err(text::application_already_connected),
        (CaseKind::Temperature | CaseKind::Repair | CaseKind::Incident, _) => {
            Err(text::application_not_an_application)
        }
    }
}

/// The holder a change of holder (过户) names: their name as on the
/// property certificate, and the mobile number the heating company will
/// hold for them (binding codes go to it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHolder {
    pub name: String,
    pub phone: MobileNumber,
}

impl NewHolder {
    /// Reads the form's two fields; the reason when they will not do.
    pub fn parse(name: &str, phone: &str) -> Result<Self, StaticText> {
        let name = normalize_holder_name(name)
            .map_err(|_| text::application_new_holder_name_missing as StaticText)?;
        let phone = MobileNumber::parse(phone)
            .map_err(|_| text::application_new_holder_phone_invalid as StaticText)?;
        Ok(Self { name, phone })
    }
}

/// What a resident bound to a household hears when it changes hands and
/// they are not its new holder: they are unbound.
pub fn unbound_by_holder_change(account_no: &str, lang: Lang) -> String {
    text::resident_unbound_by_holder_change(lang, account_no)
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
        CaseKind::HolderChange => &[
            text::document_property_certificate,
            text::document_new_holder_id,
        ],
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
        assert!(check_application(CaseKind::HolderChange, ServiceState::Suspended, false).is_ok());
        assert!(required_documents(CaseKind::HolderChange, Lang::Zh).contains("新户主"));
    }

    #[test]
    fn a_new_holder_needs_a_name_and_a_mobile_number() {
        let holder = NewHolder::parse(" 王 芳 ", "138-0000-0099").unwrap();
        assert_eq!(holder.name, "王芳");
        assert_eq!(holder.phone.as_str(), "13800000099");
        assert!(NewHolder::parse("", "13800000099").unwrap_err()(Lang::Zh).contains("姓名"));
        assert!(NewHolder::parse("王芳", "0536-1234567").unwrap_err()(Lang::Zh).contains("手机号"));
        assert!(unbound_by_holder_change("WF0001", Lang::Zh).contains("WF0001"));
    }
}
