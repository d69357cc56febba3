//! The city heating authority's season desk: the season as the city sees
//! it, and publishing a decision (early start or extension, for every
//! company or named ones). A decision is one transaction with its audit
//! entry; every page follows it at once (the reference snapshot is renewed).

use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::{RequestOrigin, Viewer};
use crate::services::public::{season_calendar, season_now};
use crate::store::{audit, seasons};
use domain::clock::UnixSeconds;
use domain::roles::Role;
use domain::season::{AnnouncementKind, SeasonAnnouncement};
use domain::season_decision::{check_decision, DecisionForm, SeasonDeskView};

/// The desk: the city's season and the companies a decision may name.
pub async fn desk(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<SeasonDeskView> {
    viewer.require(Role::HeatingAuthority)?;
    Ok(SeasonDeskView {
        now,
        season: season_now(db, settings, now, None).await?,
        companies: seasons::companies(db.reader()).await?,
    })
}

/// What the authority chose in the form, before checking.
pub struct DecisionInput {
    pub kind: Option<AnnouncementKind>,
    pub effective_at: Option<UnixSeconds>,
    pub reason: String,
    pub company_ids: Vec<i64>,
}

/// Publishes a decision; a company id the city does not know is refused.
pub async fn publish(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    input: DecisionInput,
) -> BackendResult<SeasonAnnouncement> {
    viewer.require(Role::HeatingAuthority)?;
    let known = seasons::companies(db.reader()).await?;
    let mut companies = Vec::with_capacity(input.company_ids.len());
    for id in input.company_ids {
        let company = known
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| BackendError::refused(translations::text::decision_company_unknown))?;
        companies.push(company.clone());
    }
    let calendar = season_calendar(db, settings).await?;
    let form = DecisionForm {
        kind: input.kind,
        effective_at: input.effective_at,
        reason: input.reason,
        companies,
    };
    let decision =
        check_decision(&calendar, form, origin.now).map_err(|e| BackendError::invalid(&e))?;
    let mut tx = db.writer().begin().await?;
    let id = seasons::insert_announcement_in(&mut tx, &decision, Some(viewer.person_id)).await?;
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "season.decision",
            "season_announcement",
            id,
            format!(
                "{} {} {}：{}",
                decision.kind.as_str(),
                decision.effective_at,
                decision.scope_label(translations::Lang::Zh),
                decision.reason
            ),
        ),
    )
    .await?;
    tx.commit().await?;
    db.reference_changed();
    tracing::info!(announcement_id = id, "season decision published");
    Ok(decision)
}
