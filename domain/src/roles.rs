//! Who a person is to the portal. A person may hold several roles.

use serde::{Deserialize, Serialize};
use translations::{text, Lang};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Resident,
    GridWorker,
    PropertyManager,
    Dispatcher,
    RepairCrew,
    Admin,
    /// The city heating authority (市供热主管部门): decides the season and
    /// oversees every company.
    HeatingAuthority,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Resident,
        Role::GridWorker,
        Role::PropertyManager,
        Role::Dispatcher,
        Role::RepairCrew,
        Role::Admin,
        Role::HeatingAuthority,
    ];

    /// Roles an admin grants to staff accounts (residents sign up by phone).
    pub const STAFF: [Role; 6] = [
        Role::GridWorker,
        Role::PropertyManager,
        Role::Dispatcher,
        Role::RepairCrew,
        Role::Admin,
        Role::HeatingAuthority,
    ];

    /// The name stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::GridWorker => "grid_worker",
            Self::PropertyManager => "property_manager",
            Self::Dispatcher => "dispatcher",
            Self::RepairCrew => "repair_crew",
            Self::Admin => "admin",
            Self::HeatingAuthority => "heating_authority",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Resident => text::role_resident(lang),
            Self::GridWorker => text::role_grid_worker(lang),
            Self::PropertyManager => text::role_property_manager(lang),
            Self::Dispatcher => text::role_dispatcher(lang),
            Self::RepairCrew => text::role_repair_crew(lang),
            Self::Admin => text::role_admin(lang),
            Self::HeatingAuthority => text::role_heating_authority(lang),
        }
    }

    pub fn is_staff(self) -> bool {
        self != Self::Resident
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::parse(""), None);
    }

    #[test]
    fn staff_roles_are_all_but_resident() {
        assert!(!Role::STAFF.contains(&Role::Resident));
        assert_eq!(Role::STAFF.len() + 1, Role::ALL.len());
        assert!(Role::STAFF.iter().all(|role| role.is_staff()));
    }
}
