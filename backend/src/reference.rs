//! What nearly every page and every filing reads and almost nothing changes:
//! the season calendar and its announcements, the hotlines, the communities
//! residents pick from, the case deadlines with the working calendar, the
//! outages now listed, and each company's 未诉先办 proposals and data
//! findings. Each is read
//! from the database at most once a second per process (see
//! [`crate::snapshot`]); the services that change them say so after they
//! commit.

use crate::db::Database;
use crate::error::BackendResult;
use crate::snapshot::Snapshot;
use crate::store::{calendar, outages, places, seasons};
use domain::deadlines::CasePolicy;
use domain::incidents::IncidentProposalView;
use domain::notices::{districts_of, CommunityChoice};
use domain::outage_desk::NoticeRule;
use domain::season::{SeasonAnnouncement, SeasonWindow};
use domain::telemetry::DataFinding;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long a process may serve what it read before reading again.
const PERIOD: Duration = Duration::from_secs(1);

/// The calendar, hotlines, places and case rules as last read.
#[derive(Debug)]
pub struct Reference {
    pub fixed_windows: Vec<SeasonWindow>,
    /// Every announcement, published or scheduled; see [`Self::announcements`].
    all_announcements: Vec<SeasonAnnouncement>,
    /// Each heating company's short name and hotline, in company order.
    pub company_hotlines: Vec<places::CompanyHotline>,
    pub communities: Vec<CommunityChoice>,
    /// The districts of [`Self::communities`], each once, in order.
    pub districts: Vec<String>,
    pub case_policy: Arc<CasePolicy>,
    /// How far ahead long planned outages must be announced (the admin's).
    pub notice_rule: NoticeRule,
}

impl Reference {
    async fn read(db: &Database) -> BackendResult<Self> {
        let pool = db.reader();
        let communities = places::communities(pool).await?;
        Ok(Self {
            fixed_windows: seasons::fixed_windows(pool).await?,
            all_announcements: seasons::announcements(pool, i32::MIN, i32::MAX, i64::MAX).await?,
            company_hotlines: places::company_hotlines(pool).await?,
            districts: districts_of(&communities),
            communities,
            case_policy: Arc::new(calendar::case_policy(pool).await?),
            notice_rule: calendar::notice_rule(pool).await?,
        })
    }

    /// The announcements of the seasons starting in `first_year..=last_year`
    /// published by `now`, oldest first.
    pub fn announcements(
        &self,
        first_year: i32,
        last_year: i32,
        now: i64,
    ) -> Vec<SeasonAnnouncement> {
        self.all_announcements
            .iter()
            .filter(|a| (first_year..=last_year).contains(&a.season_start_year))
            .filter(|a| a.published_at <= now)
            .cloned()
            .collect()
    }
}

/// The outages a public page may list, as last read: every one not restored
/// or restored since `restored_since`, published or scheduled, with the
/// facts their notices show.
#[derive(Debug)]
pub struct ListedOutages {
    restored_since: i64,
    pub rows: Vec<outages::OutageRow>,
    pub facts: outages::OutageFacts,
}

impl ListedOutages {
    /// The rows published by `now` and not restored before `restored_since`.
    pub fn at(&self, now: i64, restored_since: i64) -> Vec<outages::OutageRow> {
        self.rows
            .iter()
            .filter(|o| o.published_at <= now)
            .filter(|o| o.restored_at.is_none_or(|at| at >= restored_since))
            .cloned()
            .collect()
    }
}

/// 未诉先办 proposals of one heating company, as worked out at `now`.
#[derive(Debug)]
pub struct CompanyProposals {
    pub now: i64,
    pub views: Vec<IncidentProposalView>,
}

/// What the data found for one heating company, as worked out at `now`:
/// the findings without the incidents made of them (those are read fresh).
#[derive(Debug)]
pub struct CompanyFindings {
    pub now: i64,
    pub findings: Vec<DataFinding>,
}

/// A snapshot per heating company (a city has a handful).
#[derive(Debug)]
pub struct PerCompany<T>(Mutex<HashMap<i64, Arc<Snapshot<T>>>>);

impl<T> Default for PerCompany<T> {
    fn default() -> Self {
        Self(Mutex::default())
    }
}

impl<T> PerCompany<T> {
    /// The company's snapshot.
    pub fn of(&self, company_id: i64) -> Arc<Snapshot<T>> {
        Arc::clone(
            self.lock()
                .entry(company_id)
                .or_insert_with(|| Arc::new(Snapshot::new(PERIOD))),
        )
    }

    /// Forgets every company's kept value.
    pub fn invalidate(&self) {
        for snapshot in self.lock().values() {
            snapshot.invalidate();
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i64, Arc<Snapshot<T>>>> {
        // A map of snapshots, valid even if a holder panicked.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The snapshots one process keeps.
#[derive(Debug)]
pub struct ReadCaches {
    reference: Snapshot<Reference>,
    outages: Snapshot<ListedOutages>,
    proposals: PerCompany<CompanyProposals>,
    findings: PerCompany<CompanyFindings>,
}

impl Default for ReadCaches {
    fn default() -> Self {
        Self {
            reference: Snapshot::new(PERIOD),
            outages: Snapshot::new(PERIOD),
            proposals: PerCompany::default(),
            findings: PerCompany::default(),
        }
    }
}

impl Database {
    /// The calendar, hotlines, places and case rules.
    pub async fn reference(&self) -> BackendResult<Arc<Reference>> {
        self.caches()
            .reference
            .get(|_| true, || Reference::read(self))
            .await
    }

    /// The outages listed at any time from now on that restored none
    /// before `restored_since` (filter them with [`ListedOutages::at`]).
    pub async fn listed_outages(&self, restored_since: i64) -> BackendResult<Arc<ListedOutages>> {
        self.caches()
            .outages
            .get(
                |listed| listed.restored_since <= restored_since,
                || async move {
                    let rows = outages::current(self.reader(), i64::MAX, restored_since).await?;
                    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                    let facts = outages::OutageFacts::read(self.reader(), &ids).await?;
                    Ok(ListedOutages {
                        restored_since,
                        rows,
                        facts,
                    })
                },
            )
            .await
    }

    /// After a commit that changed seasons, announcements, companies,
    /// places, deadline rules or the working calendar.
    pub fn reference_changed(&self) {
        self.caches().reference.invalidate();
        // A season's dates decide which cold hours count.
        self.caches().findings.invalidate();
    }

    /// After a commit that published, updated or restored an outage.
    pub fn outages_changed(&self) {
        self.caches().outages.invalidate();
        // An outage's hours are excused from cold spells.
        self.caches().findings.invalidate();
    }

    /// The 未诉先办 proposals kept for a company (see
    /// [`crate::services::incidents::proposals`]).
    pub(crate) fn company_proposals(&self, company_id: i64) -> Arc<Snapshot<CompanyProposals>> {
        self.caches().proposals.of(company_id)
    }

    /// What the data found for a company, kept (see
    /// [`crate::services::telemetry::findings::data_findings`]).
    pub(crate) fn company_findings(&self, company_id: i64) -> Arc<Snapshot<CompanyFindings>> {
        self.caches().findings.of(company_id)
    }

    /// After a commit that gathered reports into an incident or put them
    /// under an outage: no company's kept proposals still hold.
    pub fn proposals_changed(&self) {
        self.caches().proposals.invalidate();
    }
}
