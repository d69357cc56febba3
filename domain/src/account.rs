//! What signed-in pages show: who is signed in, their households, the
//! buildings staff look after, staff accounts and the audit log. Read models
//! only; the backend fills them in, the pages render them.

use crate::clock::UnixSeconds;
use crate::notices::BuildingReport;
use crate::roles::Role;
use serde::{Deserialize, Serialize};
use translations::Lang;

/// The person behind the current session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub display_name: String,
    pub roles: Vec<Role>,
    /// 138****5678, for residents.
    pub masked_phone: Option<String>,
    /// For staff.
    pub username: Option<String>,
}

impl SignedIn {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Where this person starts: their own work first.
    pub fn home_path(&self) -> &'static str {
        let order = [
            (Role::Dispatcher, "/dispatch"),
            (Role::RepairCrew, "/jobs"),
            (Role::GridWorker, "/grid"),
            (Role::PropertyManager, "/property"),
            (Role::Admin, "/admin"),
            (Role::HeatingAuthority, "/authority/season"),
        ];
        order
            .iter()
            .find(|(role, _)| self.has(*role))
            .map_or("/me", |(_, path)| path)
    }

    /// The name a greeting uses: the display name, else the masked phone.
    pub fn greeting_name(&self) -> String {
        if self.display_name.is_empty() {
            self.masked_phone.clone().unwrap_or_default()
        } else {
            self.display_name.clone()
        }
    }
}

/// A resident's own binding request, on its page: where the holder's code
/// went (masked), and until when it can be completed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingBinding {
    pub token: String,
    /// The holder's phone, masked, when a code went there.
    pub code_sent_to: Option<String>,
    pub expires_at: i64,
}

/// Another's request to bind a household the resident is bound to,
/// waiting for their decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingBinding {
    pub request_id: i64,
    pub account_no: String,
    /// The applicant's phone, masked.
    pub applicant: String,
    pub asked_at: i64,
}

/// One household bound to the signed-in resident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdCard {
    pub household_id: i64,
    pub account_no: String,
    pub holder_name: String,
    pub street_address: String,
    pub unit_name: String,
    pub room: String,
    /// heated / suspended / not_connected
    pub service_state: String,
    /// Since when that state counts, once a crew's work changed it.
    pub service_since: Option<crate::clock::UnixSeconds>,
    /// Measurements on site below the 18 ℃ standard this season (a fee
    /// reduction is computed from them).
    pub measured_below_this_season: i64,
    pub open_cases: i64,
    pub report: BuildingReport,
    /// Its indoor sensor's last days, when it has one.
    pub indoor: Option<crate::telemetry::HomeTemperature>,
}

impl HouseholdCard {
    /// "金宝花园 1号楼 2单元 301"
    pub fn address(&self) -> String {
        format!(
            "{} {} {} {}",
            self.report.community_name, self.report.building_name, self.unit_name, self.room
        )
    }

    /// "已报停（自2026年11月14日起）"
    pub fn service_label(&self, lang: Lang) -> String {
        crate::service_change::ServiceState::parse(&self.service_state)
            .unwrap_or(crate::service_change::ServiceState::Heated)
            .describe(self.service_since, lang)
    }
}

/// A building a grid worker or property manager looks after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffBuilding {
    pub report: BuildingReport,
    pub households: i64,
    /// Of them, suspended (报停).
    pub suspended_households: i64,
    pub open_cases: i64,
    pub overdue_cases: i64,
    /// The lowest indoor reading of the last week (tenths of a degree).
    pub lowest_recent_reading: Option<i32>,
}

/// One looked-after building's page: status, cases, a week of readings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingDesk {
    pub building: StaffBuilding,
    pub cases: Vec<crate::cases::CaseBrief>,
    pub readings: Vec<crate::readings::DailyReading>,
    /// What its indoor sensors measured (empty without sensors).
    pub measured: crate::telemetry::MeasuredBuilding,
}

/// A staff account as the admin pages list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub person_id: i64,
    pub display_name: String,
    pub username: String,
    pub roles: Vec<Role>,
    pub company_name: Option<String>,
    pub grids: Vec<Choice>,
    pub buildings: Vec<Choice>,
    pub disabled: bool,
    pub locked_until: Option<UnixSeconds>,
}

/// A choice in an admin picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// What the admin pages need to edit accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDirectory {
    pub accounts: Vec<StaffAccount>,
    pub companies: Vec<Choice>,
    pub grids: Vec<Choice>,
    pub buildings: Vec<Choice>,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: UnixSeconds,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub client_addr: String,
}

/// A message the demo server "sent" (shown only when running with demo data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoMessage {
    pub at: UnixSeconds,
    pub recipient: String,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(roles: Vec<Role>) -> SignedIn {
        SignedIn {
            display_name: String::new(),
            roles,
            masked_phone: Some("138****0001".into()),
            username: None,
        }
    }

    #[test]
    fn home_follows_the_most_operational_role() {
        assert_eq!(person(vec![Role::Resident]).home_path(), "/me");
        assert_eq!(
            person(vec![Role::Admin, Role::GridWorker]).home_path(),
            "/grid"
        );
        assert_eq!(person(vec![Role::PropertyManager]).home_path(), "/property");
        assert_eq!(person(vec![Role::Admin]).home_path(), "/admin");
        assert_eq!(person(vec![Role::Dispatcher]).home_path(), "/dispatch");
        assert_eq!(person(vec![Role::RepairCrew]).home_path(), "/jobs");
    }

    #[test]
    fn greeting_falls_back_to_the_masked_phone() {
        assert_eq!(person(vec![Role::Resident]).greeting_name(), "138****0001");
    }
}

/// Finding one's home by its address to bind it: the building lookup's
/// pickers (district, community, building, unit) and, once a unit is
/// picked, its flats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressPicker {
    pub lookup: crate::notices::BuildingLookup,
    pub flats: Vec<crate::notices::PlaceChoice>,
}
