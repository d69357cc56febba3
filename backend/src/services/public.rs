//! What anyone may see without signing in: the season, outages, a building.

use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::reference::Reference;
use crate::store::{outages, places};
use chrono::Datelike;
use domain::clock::{to_local, UnixSeconds};
use domain::news_feed::PublicNews;
use domain::notices::{
    communities_to_offer, AffectedArea, BuildingLookup, BuildingReport, HomeOverview, Hotline,
    OutageBoard, OutageNotice, OutagePage, OutageUpdateNote,
};
use domain::outage::{building_heat_status, outage_phase, OutageKind, OutagePhase};
use domain::outage_desk::OutageStatus;
use domain::season::{season_status_for, SeasonCalendar, SeasonStatus};
use std::collections::BTreeSet;

/// Where the heating season stands at `now`, announcements included: for
/// the buildings of `company`, or (`None`) the city as a whole.
pub async fn season_now(
    db: &Database,
    settings: &PortalSettings,
    now: UnixSeconds,
    company: Option<i64>,
) -> BackendResult<SeasonStatus> {
    let reference = db.reference().await?;
    Ok(season_from(&reference, settings, now, company))
}

/// The season calendar: the regulated rule and the years the city fixed.
pub async fn season_calendar(
    db: &Database,
    settings: &PortalSettings,
) -> BackendResult<SeasonCalendar> {
    let reference = db.reference().await?;
    Ok(calendar_of(&reference, settings))
}

fn calendar_of(reference: &Reference, settings: &PortalSettings) -> SeasonCalendar {
    SeasonCalendar {
        rule: settings.season_rule,
        fixed: reference.fixed_windows.clone(),
    }
}

fn season_from(
    reference: &Reference,
    settings: &PortalSettings,
    now: UnixSeconds,
    company: Option<i64>,
) -> SeasonStatus {
    let year = to_local(now).year();
    let announcements = reference.announcements(year - 1, year, now);
    season_status_for(
        &calendar_of(reference, settings),
        &announcements,
        now,
        company,
    )
}

/// Every hotline: the configured ones, then each heating company's.
fn hotlines(reference: &Reference, settings: &PortalSettings) -> Vec<Hotline> {
    settings
        .hotlines
        .iter()
        .cloned()
        .chain(
            reference
                .company_hotlines
                .iter()
                .map(|company| Hotline::company(&company.short_name, &company.hotline)),
        )
        .collect()
}

pub async fn home_overview(
    db: &Database,
    settings: &PortalSettings,
    now: UnixSeconds,
) -> BackendResult<HomeOverview> {
    let reference = db.reference().await?;
    let restored_since = now - settings.keep_restored_for;
    let listed = db
        .listed_outages(restored_since)
        .await?
        .at(now, restored_since);
    let count = |phase: OutagePhase| {
        listed
            .iter()
            .filter(|o| outage_phase(now, o.starts_at, o.restored_at) == phase)
            .count() as u32
    };
    Ok(HomeOverview {
        now,
        season: season_from(&reference, settings, now, None),
        outages_ongoing: count(OutagePhase::Ongoing),
        outages_upcoming: count(OutagePhase::Upcoming),
        hotlines: hotlines(&reference, settings),
    })
}

/// The public outage board, optionally narrowed to a district or community.
/// Its community filter offers the communities the listed outages touch
/// (within the chosen district), so it stays short however large the city.
pub async fn outage_board(
    db: &Database,
    settings: &PortalSettings,
    now: UnixSeconds,
    district: Option<&str>,
    community_id: Option<i64>,
) -> BackendResult<OutageBoard> {
    let restored_since = now - settings.keep_restored_for;
    let listed = db.listed_outages(restored_since).await?;
    let notices = notices_from_rows(listed.at(now, restored_since), &listed.facts, now);
    let reference = db.reference().await?;
    let touched: BTreeSet<i64> = notices
        .iter()
        .flat_map(|n| n.areas.iter())
        .filter(|area| district.is_none_or(|d| area.district == d))
        .map(|area| area.community_id)
        .chain(community_id)
        .collect();
    let communities = reference
        .communities
        .iter()
        .filter(|c| touched.contains(&c.id))
        .cloned()
        .collect();
    let notices = notices
        .into_iter()
        .filter(|n| district.is_none_or(|d| n.touches_district(d)))
        .filter(|n| community_id.is_none_or(|id| n.touches_community(id)))
        .collect();
    Ok(OutageBoard {
        now,
        notices,
        districts: reference.districts.clone(),
        communities,
    })
}

/// Everything public at `now` for the Atom feed: the whole outage board (no
/// filter) and the current season's announcements.
pub async fn public_news(
    db: &Database,
    settings: &PortalSettings,
    now: UnixSeconds,
) -> BackendResult<PublicNews> {
    let board = outage_board(db, settings, now, None, None).await?;
    let season = season_now(db, settings, now, None).await?;
    Ok(PublicNews {
        now,
        outages: board.notices,
        announcements: season.announcements,
    })
}

/// What a person has picked in the building lookup so far.
#[derive(Clone, Debug, Default)]
pub struct LookupChoice<'a> {
    pub district: Option<&'a str>,
    pub community: Option<i64>,
    pub building: Option<i64>,
    pub unit: Option<i64>,
}

/// The building lookup: the pickers for what was chosen so far, and the
/// report once a building is chosen.
pub async fn building_lookup(
    db: &Database,
    settings: &PortalSettings,
    now: UnixSeconds,
    choice: LookupChoice<'_>,
) -> BackendResult<BuildingLookup> {
    let pool = db.reader();
    let reference = db.reference().await?;
    let all = &reference.communities;
    let LookupChoice {
        district,
        community: community_id,
        building: building_id,
        unit: unit_id,
    } = choice;

    // The coarser choice wins: a community outside the chosen district, a
    // building outside the chosen community, or a unit outside the chosen
    // building is dropped (the person just picked another district or
    // community). A building alone implies its community, a community its
    // district.
    let district = district.filter(|d| reference.districts.iter().any(|known| known == d));
    let in_district = |community: i64| {
        all.iter()
            .any(|c| c.id == community && district.is_none_or(|d| c.district == d))
    };
    let community_id = community_id.filter(|id| in_district(*id));
    let building_community = match building_id {
        Some(building) => places::community_of_building(pool, building).await?,
        None => None,
    };
    let (community_id, building_id) = match (community_id, building_community) {
        (Some(chosen), Some(of_building)) if chosen == of_building => (Some(chosen), building_id),
        (Some(chosen), _) => (Some(chosen), None),
        (None, Some(of_building)) if in_district(of_building) => (Some(of_building), building_id),
        (None, _) => (None, None),
    };
    let district = district.map(str::to_string).or_else(|| {
        community_id
            .and_then(|id| all.iter().find(|c| c.id == id))
            .map(|c| c.district.clone())
    });
    let unit_building = match (unit_id, building_id) {
        (Some(unit), Some(_)) => places::building_of_unit(pool, unit).await?,
        _ => None,
    };
    let unit_id = unit_id.filter(|_| unit_building.is_some() && unit_building == building_id);

    let buildings = match community_id {
        Some(community) => places::buildings_of_community(pool, community).await?,
        None => Vec::new(),
    };
    let units = match building_id {
        Some(building) => places::units_of_building(pool, building).await?,
        None => Vec::new(),
    };
    let report = match building_id {
        Some(building) => {
            let unit_name = unit_id
                .and_then(|id| units.iter().find(|u| u.id == id))
                .map(|u| u.name.clone());
            building_report(db, settings, now, building, unit_name).await?
        }
        None => None,
    };
    Ok(BuildingLookup {
        districts: reference.districts.clone(),
        communities: communities_to_offer(all, district.as_deref()),
        district,
        community_id,
        buildings,
        building_id,
        units,
        unit_id,
        report,
    })
}

/// Whether a building has heat now and every outage of this season that
/// touches it (restored ones included).
pub async fn building_report(
    db: &Database,
    settings: &PortalSettings,
    now: UnixSeconds,
    building_id: i64,
    unit_name: Option<String>,
) -> BackendResult<Option<BuildingReport>> {
    let Some(place) = places::building_place(db.reader(), building_id).await? else {
        return Ok(None);
    };
    let season = season_now(db, settings, now, Some(place.company_id)).await?;
    let since = (now - settings.keep_restored_for).min(season.effective.start);
    let rows = outages::current_touching_building(db.reader(), building_id, now, since).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let facts = outages::OutageFacts::read(db.reader(), &ids).await?;
    let notices = notices_from_rows(rows, &facts, now);
    let phases: Vec<(OutageKind, OutagePhase)> =
        notices.iter().map(|n| (n.kind, n.phase)).collect();
    Ok(Some(BuildingReport {
        building_id,
        building_name: place.building_name,
        community_name: place.community_name,
        district: place.district,
        unit_name,
        station_name: place.station_name,
        company_name: place.company_name,
        company_hotline: place.company_hotline,
        heat: building_heat_status(season.is_heating(), &phases),
        season,
        outages: notices,
    }))
}

/// One outage's page: its notice and every progress note; `None` for a
/// draft, a notice not yet public or no outage at all.
pub async fn outage_page(
    db: &Database,
    now: UnixSeconds,
    outage_id: i64,
) -> BackendResult<Option<OutagePage>> {
    let Some(row) = outages::one_public(db.reader(), outage_id, now).await? else {
        return Ok(None);
    };
    let facts = outages::OutageFacts::read(db.reader(), &[outage_id]).await?;
    let notice = notices_from_rows(vec![row], &facts, now)
        .pop()
        .ok_or_else(|| BackendError::Internal(format!("outage {outage_id} vanished")))?;
    Ok(Some(OutagePage {
        now,
        notice,
        timeline: super::outage_desk::timeline(db, outage_id).await?,
        public_url: String::new(),
    }))
}

/// The printed notice of a public outage: its words, in the company's
/// name, and a QR code of its page at `page_url`.
pub async fn printed_notice(
    db: &Database,
    now: UnixSeconds,
    outage_id: i64,
    page_url: &str,
    lang: translations::Lang,
) -> BackendResult<Option<(domain::print_notice::PrintedNotice, String)>> {
    let Some(page) = outage_page(db, now, outage_id).await? else {
        return Ok(None);
    };
    let (company, hotline) = places::company_of_outage(db.reader(), outage_id)
        .await?
        .unwrap_or_default();
    let words = domain::print_notice::printed_notice(&page.notice, &company, &hotline, now, lang);
    let qr = crate::qr::qr_svg(page_url)
        .ok_or_else(|| BackendError::Internal(format!("no QR code for {page_url}")))?;
    Ok(Some((words, qr)))
}

/// Turns outage rows into notices: areas grouped by community, the latest
/// update, and the order residents read them in (ongoing, upcoming, restored).
fn notices_from_rows(
    rows: Vec<outages::OutageRow>,
    facts: &outages::OutageFacts,
    now: UnixSeconds,
) -> Vec<OutageNotice> {
    let mut notices: Vec<OutageNotice> = rows
        .into_iter()
        .map(|row| {
            let areas = areas_from(facts, row.id);
            OutageNotice {
                cancelled: row.status == OutageStatus::Cancelled.as_str(),
                short_notice_reason: row.short_notice_reason,
                contact: row.contact,
                id: row.id,
                kind: OutageKind::parse(&row.kind).unwrap_or(OutageKind::Planned),
                phase: outage_phase(now, row.starts_at, row.restored_at),
                title: row.title,
                cause: row.cause,
                company_name: row.company_name,
                starts_at: row.starts_at,
                expected_restore_at: row.expected_restore_at,
                restored_at: row.restored_at,
                published_at: row.published_at,
                areas,
                latest_update: facts
                    .latest_updates
                    .get(&row.id)
                    .map(|(posted_at, message)| OutageUpdateNote {
                        posted_at: *posted_at,
                        message: message.clone(),
                    }),
            }
        })
        .collect();
    notices.sort_by_key(reading_order);
    notices
}

/// The communities an outage touches, each with its affected buildings
/// (or "all of them"), in the order [`outages::affected_buildings`] gives.
pub(crate) fn areas_from(facts: &outages::OutageFacts, outage_id: i64) -> Vec<AffectedArea> {
    let mut areas: Vec<AffectedArea> = Vec::new();
    for building in facts.affected.iter().filter(|a| a.outage_id == outage_id) {
        match areas.last_mut() {
            Some(area) if area.community_id == building.community_id => {
                area.buildings.push(building.building_name.clone());
            }
            _ => areas.push(AffectedArea {
                community_id: building.community_id,
                community_name: building.community_name.clone(),
                district: building.district.clone(),
                whole_community: false,
                buildings: vec![building.building_name.clone()],
            }),
        }
    }
    for area in &mut areas {
        let total = facts
            .building_counts
            .get(&area.community_id)
            .copied()
            .unwrap_or(0);
        area.whole_community = total > 0 && area.buildings.len() as i64 >= total;
    }
    areas
}

/// Ongoing first (emergencies on top), then upcoming by start, then restored
/// with the most recent first.
fn reading_order(notice: &OutageNotice) -> (u8, u8, i64) {
    let emergency_first = u8::from(notice.kind != OutageKind::Emergency);
    match notice.phase {
        OutagePhase::Ongoing => (0, emergency_first, notice.starts_at),
        OutagePhase::Upcoming => (1, 0, notice.starts_at),
        OutagePhase::Restored => (2, 0, -notice.restored_at.unwrap_or(0)),
    }
}
