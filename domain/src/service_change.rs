//! How an approved application changes a household: the heating service a
//! household is in, the crew's work at the door that changes it (close and
//! seal the valve, unseal it, inspect a new connection), and from when the
//! change counts.
//!
//! An approved 报停, 复供 or 报装 changes nothing until the crew has done
//! that work, recorded with a photo (and, at a valve, the seal number).
//! Sealed before the season, a suspension covers the whole season; sealed
//! within it, it counts from the seal date where the regulations allow
//! that (a setting), and is refused otherwise.

use crate::case_flow::CaseKind;
use crate::clock::{format_date, UnixSeconds};
use crate::season::SeasonStatus;
use crate::typing::halfwidth;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use translations::{text, Lang, Localize};

/// The shortest and longest seal number (铅封号) a crew records.
pub const SEAL_NUMBER_CHARS: std::ops::RangeInclusive<usize> = 4..=20;

/// A household's heating service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceState {
    /// 正常用热
    Heated,
    /// 已报停: the valve is sealed.
    Suspended,
    /// 未入网
    NotConnected,
}

impl ServiceState {
    pub const ALL: [Self; 3] = [Self::Heated, Self::Suspended, Self::NotConnected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Heated => "heated",
            Self::Suspended => "suspended",
            Self::NotConnected => "not_connected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Heated => text::service_state_heated(lang),
            Self::Suspended => text::service_state_suspended(lang),
            Self::NotConnected => text::service_state_not_connected(lang),
        }
    }

    /// "已报停（自 2026年11月15日起）": the state and, when known, since when.
    pub fn describe(self, since: Option<UnixSeconds>, lang: Lang) -> String {
        match since {
            Some(since) => {
                text::service_state_since(lang, format_date(since, lang), self.label(lang))
            }
            None => self.label(lang).to_string(),
        }
    }
}

/// The crew's work at the door that makes an approved application count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldWork {
    /// 关阀铅封 (报停)
    SealValve,
    /// 拆封开阀 (复供)
    UnsealValve,
    /// 验收开通 (报装)
    Inspect,
}

impl FieldWork {
    /// The work an approved application of `kind` waits for.
    pub fn of(kind: CaseKind) -> Option<Self> {
        match kind {
            CaseKind::Suspend => Some(Self::SealValve),
            CaseKind::Resume => Some(Self::UnsealValve),
            CaseKind::Connection => Some(Self::Inspect),
            CaseKind::HolderChange
            | CaseKind::Temperature
            | CaseKind::Repair
            | CaseKind::Incident => None,
        }
    }

    /// The button the crew presses: "关阀铅封".
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::SealValve => text::field_work_seal_valve(lang),
            Self::UnsealValve => text::field_work_unseal_valve(lang),
            Self::Inspect => text::field_work_inspect(lang),
        }
    }

    /// Whether the crew records a seal number: the one it puts on, or the
    /// one it takes off.
    pub fn records_seal(self) -> bool {
        matches!(self, Self::SealValve | Self::UnsealValve)
    }

    /// The service the household must be in for the work, and the one it
    /// is in after it.
    pub fn states(self) -> (ServiceState, ServiceState) {
        match self {
            Self::SealValve => (ServiceState::Heated, ServiceState::Suspended),
            Self::UnsealValve => (ServiceState::Suspended, ServiceState::Heated),
            Self::Inspect => (ServiceState::NotConnected, ServiceState::Heated),
        }
    }
}

/// What the crew recorded at the door.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldWorkRecord {
    pub work: FieldWork,
    /// As typed; checked by [`plan_service_change`].
    pub seal_no: String,
    pub photos: usize,
    pub done_at: UnixSeconds,
}

/// The household as the work finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdService {
    pub state: ServiceState,
    /// The seal on its valve, when one was recorded.
    pub seal_no: Option<String>,
}

/// What the work changes, in one transaction with the case's last step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChange {
    pub from: ServiceState,
    pub to: ServiceState,
    /// From when the change counts (a bill reads this).
    pub effective_from: UnixSeconds,
    /// Whether the change counts from a season's start, for all of it.
    pub whole_season: bool,
    /// The seal now on the valve (after sealing), or None.
    pub seal_on_valve: Option<String>,
    /// The seal taken off (after unsealing).
    pub seal_removed: Option<String>,
    /// What the timeline shows: "关阀铅封，铅封号 QF2026001".
    pub timeline_note: String,
}

/// Why the work cannot be recorded as sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldWorkRefusal {
    /// Heated, suspended or not connected: not what the work needs.
    HouseholdMovedOn {
        now: ServiceState,
    },
    SealNumberMissing,
    SealNumberMalformed,
    PhotoMissing,
    /// The regulations do not allow suspending within the season.
    NotWithinSeason {
        season_ends_at: UnixSeconds,
    },
}

impl Localize for FieldWorkRefusal {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::HouseholdMovedOn { now } => {
                text::field_work_household_moved_on(lang, now.label(lang)).into()
            }
            Self::SealNumberMissing => text::field_work_seal_number_missing(lang).into(),
            Self::SealNumberMalformed => text::field_work_seal_number_malformed(lang).into(),
            Self::PhotoMissing => text::field_work_photo_missing(lang).into(),
            Self::NotWithinSeason { season_ends_at } => {
                text::field_work_not_within_season(lang, format_date(*season_ends_at, lang)).into()
            }
        }
    }
}

translations::localized_error!(FieldWorkRefusal);

/// A seal number as typed ("qf 2026-001", full-width digits) in the form
/// kept: "QF2026-001".
pub fn clean_seal_number(typed: &str) -> Result<String, FieldWorkRefusal> {
    let cleaned: String = typed
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if cleaned.is_empty() {
        return Err(FieldWorkRefusal::SealNumberMissing);
    }
    let fits = SEAL_NUMBER_CHARS.contains(&cleaned.chars().count())
        && cleaned
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && cleaned.chars().any(|c| c.is_ascii_alphanumeric());
    if fits {
        Ok(cleaned)
    } else {
        Err(FieldWorkRefusal::SealNumberMalformed)
    }
}

/// The change the recorded work makes to `household`, when the season
/// stands as `season` at the time of the work (the season running then,
/// or the next one). `suspend_within_season` is the regulations' word on
/// sealing a valve while heat is on.
pub fn plan_service_change(
    record: &FieldWorkRecord,
    household: &HouseholdService,
    season: &SeasonStatus,
    suspend_within_season: bool,
) -> Result<ServiceChange, FieldWorkRefusal> {
    let (from, to) = record.work.states();
    if household.state != from {
        return Err(FieldWorkRefusal::HouseholdMovedOn {
            now: household.state,
        });
    }
    let seal = if record.work.records_seal() {
        Some(clean_seal_number(&record.seal_no)?)
    } else {
        None
    };
    if record.photos == 0 {
        return Err(FieldWorkRefusal::PhotoMissing);
    }
    let in_season = season.is_heating();
    if record.work == FieldWork::SealValve && in_season && !suspend_within_season {
        return Err(FieldWorkRefusal::NotWithinSeason {
            season_ends_at: season.effective.end,
        });
    }
    // Within a season the change counts from the day of the work; before
    // one, from its start, for all of it.
    let (effective_from, whole_season) = if in_season {
        (record.done_at, false)
    } else {
        (season.effective.start.max(record.done_at), true)
    };
    let lang = Lang::Zh;
    let timeline_note = match (record.work, &seal) {
        (FieldWork::SealValve, Some(seal)) => text::field_work_sealed_note(lang, seal).to_string(),
        (FieldWork::UnsealValve, Some(seal)) => match household.seal_no.as_deref() {
            Some(on_record) if on_record != seal => {
                text::field_work_unsealed_mismatch_note(lang, on_record, seal)
            }
            _ => text::field_work_unsealed_note(lang, seal),
        },
        _ => text::field_work_inspected_note(lang).to_string(),
    };
    Ok(ServiceChange {
        from,
        to,
        effective_from,
        whole_season,
        seal_on_valve: (record.work == FieldWork::SealValve)
            .then(|| seal.clone())
            .flatten(),
        seal_removed: (record.work == FieldWork::UnsealValve)
            .then_some(seal)
            .flatten(),
        timeline_note,
    })
}

/// What the resident is told when the work is done: the new service and
/// from when.
pub fn resident_news(change: &ServiceChange, lang: Lang) -> String {
    let from = format_date(change.effective_from, lang);
    match (change.to, change.whole_season) {
        (ServiceState::Suspended, true) => text::resident_suspended_whole_season(lang, from),
        (ServiceState::Suspended, false) => text::resident_suspended_from(lang, from),
        (_, true) => text::resident_heated_with_season(lang, from),
        (_, false) => text::resident_heated_from(lang, from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;
    use crate::season::{season_status, SeasonCalendar};
    use proptest::prelude::*;

    fn record(
        work: FieldWork,
        seal_no: &str,
        photos: usize,
        done_at: UnixSeconds,
    ) -> FieldWorkRecord {
        FieldWorkRecord {
            work,
            seal_no: seal_no.to_string(),
            photos,
            done_at,
        }
    }

    fn household(state: ServiceState) -> HouseholdService {
        HouseholdService {
            state,
            seal_no: None,
        }
    }

    fn season_at(now: UnixSeconds) -> SeasonStatus {
        season_status(&SeasonCalendar::default(), &[], now)
    }

    #[test]
    fn sealed_before_the_season_suspends_all_of_it() {
        let done_at = local_instant(2026, 10, 20, 10).unwrap();
        let change = plan_service_change(
            &record(FieldWork::SealValve, "qf 2026-001", 1, done_at),
            &household(ServiceState::Heated),
            &season_at(done_at),
            false,
        )
        .unwrap();
        assert_eq!(change.to, ServiceState::Suspended);
        assert!(change.whole_season);
        assert_eq!(
            change.effective_from,
            local_instant(2026, 11, 14, 12).unwrap()
        );
        assert_eq!(change.seal_on_valve.as_deref(), Some("QF2026-001"));
        assert_eq!(change.timeline_note, "关阀铅封，铅封号 QF2026-001");
        assert!(resident_news(&change, Lang::Zh).contains("2026年11月14日"));
    }

    #[test]
    fn sealed_within_the_season_counts_from_the_seal_where_allowed() {
        let done_at = local_instant(2026, 12, 7, 10).unwrap();
        let season = season_at(done_at);
        let sealed = record(FieldWork::SealValve, "QF1234", 2, done_at);
        let change =
            plan_service_change(&sealed, &household(ServiceState::Heated), &season, true).unwrap();
        assert_eq!(change.effective_from, done_at);
        assert!(!change.whole_season);
        let refused =
            plan_service_change(&sealed, &household(ServiceState::Heated), &season, false);
        assert!(matches!(
            refused,
            Err(FieldWorkRefusal::NotWithinSeason { .. })
        ));
        assert!(refused.unwrap_err().to_string().contains("供暖季"));
    }

    #[test]
    fn each_work_needs_its_record() {
        let now = local_instant(2026, 12, 7, 10).unwrap();
        let season = season_at(now);
        let heated = household(ServiceState::Heated);
        assert_eq!(
            plan_service_change(
                &record(FieldWork::SealValve, " ", 1, now),
                &heated,
                &season,
                true
            ),
            Err(FieldWorkRefusal::SealNumberMissing)
        );
        assert_eq!(
            plan_service_change(
                &record(FieldWork::SealValve, "铅封1234", 1, now),
                &heated,
                &season,
                true
            ),
            Err(FieldWorkRefusal::SealNumberMalformed)
        );
        assert_eq!(
            clean_seal_number("----"),
            Err(FieldWorkRefusal::SealNumberMalformed)
        );
        assert_eq!(
            plan_service_change(
                &record(FieldWork::SealValve, "QF1234", 0, now),
                &heated,
                &season,
                true
            ),
            Err(FieldWorkRefusal::PhotoMissing)
        );
        // An inspection records no seal.
        let connected = plan_service_change(
            &record(FieldWork::Inspect, "", 1, now),
            &household(ServiceState::NotConnected),
            &season,
            false,
        )
        .unwrap();
        assert_eq!(
            (connected.to, connected.seal_on_valve),
            (ServiceState::Heated, None)
        );
        assert_eq!(
            plan_service_change(
                &record(FieldWork::Inspect, "", 1, now),
                &heated,
                &season,
                true
            ),
            Err(FieldWorkRefusal::HouseholdMovedOn {
                now: ServiceState::Heated
            })
        );
    }

    #[test]
    fn an_unseal_names_a_seal_other_than_the_one_on_record() {
        let now = local_instant(2026, 12, 7, 10).unwrap();
        let suspended = HouseholdService {
            state: ServiceState::Suspended,
            seal_no: Some("QF0001".to_string()),
        };
        let same = plan_service_change(
            &record(FieldWork::UnsealValve, "qf0001", 1, now),
            &suspended,
            &season_at(now),
            false,
        )
        .unwrap();
        assert_eq!(same.timeline_note, "拆封开阀，拆下铅封号 QF0001");
        assert_eq!(same.seal_removed.as_deref(), Some("QF0001"));
        let other = plan_service_change(
            &record(FieldWork::UnsealValve, "QF0002", 1, now),
            &suspended,
            &season_at(now),
            false,
        )
        .unwrap();
        assert!(
            other.timeline_note.contains("QF0001"),
            "{}",
            other.timeline_note
        );
        assert!(
            other.timeline_note.contains("不符"),
            "{}",
            other.timeline_note
        );
    }

    #[test]
    fn states_and_works_round_trip() {
        for state in ServiceState::ALL {
            assert_eq!(ServiceState::parse(state.as_str()), Some(state));
        }
        for kind in [CaseKind::Connection, CaseKind::Suspend, CaseKind::Resume] {
            let work = FieldWork::of(kind).unwrap();
            assert!(!work.label(Lang::Zh).is_empty());
        }
        assert_eq!(FieldWork::of(CaseKind::HolderChange), None);
        assert_eq!(FieldWork::of(CaseKind::Repair), None);
    }

    fn works() -> impl Strategy<Value = FieldWork> {
        prop::sample::select(vec![
            FieldWork::SealValve,
            FieldWork::UnsealValve,
            FieldWork::Inspect,
        ])
    }
    fn states() -> impl Strategy<Value = ServiceState> {
        prop::sample::select(ServiceState::ALL.to_vec())
    }

    proptest! {
        /// Whatever the household, the time and what was typed: the work
        /// changes only the state it expects, into its one successor; the
        /// change never counts from before the work; a seal is recorded
        /// exactly for the valve works; a suspension within a season
        /// happens only where allowed.
        #[test]
        fn work_moves_only_the_expected_state(
            work in works(),
            state in states(),
            // 2026-01-01 .. 2028-12-31
            done_at in 1_767_196_800i64..1_861_891_200,
            seal in "[a-zA-Z0-9 ]{0,24}",
            photos in 0usize..3,
            allowed in any::<bool>(),
        ) {
            let season = season_at(done_at);
            let planned = plan_service_change(
                &record(work, &seal, photos, done_at),
                &household(state),
                &season,
                allowed,
            );
            let (from, to) = work.states();
            match planned {
                Ok(change) => {
                    prop_assert_eq!((change.from, change.to), (from, to));
                    prop_assert_eq!(state, from);
                    prop_assert!(photos > 0);
                    prop_assert!(change.effective_from >= done_at);
                    prop_assert_eq!(change.whole_season, !season.is_heating());
                    if change.whole_season {
                        prop_assert_eq!(change.effective_from, season.effective.start);
                    }
                    prop_assert_eq!(change.seal_on_valve.is_some(), work == FieldWork::SealValve);
                    prop_assert_eq!(change.seal_removed.is_some(), work == FieldWork::UnsealValve);
                    if work == FieldWork::SealValve && season.is_heating() {
                        prop_assert!(allowed);
                    }
                }
                Err(FieldWorkRefusal::HouseholdMovedOn { now }) => prop_assert_ne!(now, from),
                Err(_) => prop_assert!(
                    state == from
                        && (photos == 0
                            || work.records_seal()
                            || (work == FieldWork::SealValve && !allowed))
                ),
            }
        }

        /// A seal number is kept in one form: typed again in any case or
        /// width, it is the same number.
        #[test]
        fn seal_numbers_have_one_form(seal in "[A-Z0-9]{4,20}") {
            let typed = format!(" {} ", seal.to_ascii_lowercase());
            prop_assert_eq!(clean_seal_number(&typed), Ok(seal.clone()));
            let wide: String = seal
                .chars()
                .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
                .collect();
            prop_assert_eq!(clean_seal_number(&wide), Ok(seal));
        }
    }
}
