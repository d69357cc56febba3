//! The duty desk: a dispatcher writes an outage of their own company as a
//! draft, sees who will hear of it, publishes it (now or at a set time),
//! posts progress that may move the expected restore, and restores or
//! cancels it. Every step is audited, and the news of it is queued for
//! everyone in the area in the same transaction.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::integrations::sms::TextTemplate;
use crate::services::identity::{RequestOrigin, Viewer, SMS_CHANNEL};
use crate::store::outage_desk::{self as desk, DeskOutageRow, OutageNewsRow};
use crate::store::{audit, outages, places};
use domain::clock::UnixSeconds;
use domain::notices::AffectedArea;
use domain::outage::OutageKind;
use domain::outage_desk::{
    check_notice, check_outage_form, check_publish_at, check_update, is_urgent, news_send_at,
    next_status, outage_news_text, text_parts, DeskOutage, DeskOutageDetail, DeskPlace, NoticeRule,
    OutageDeskView, OutageForm, OutageNews, OutageStatus, OutageStep, TimelineEntry,
};
use domain::roles::Role;
use translations::text;

/// How many outages the desk lists.
const DESK_LIST_LIMIT: i64 = 100;

/// The dispatcher's company, or a refusal for staff without one.
fn company_of(viewer: &Viewer) -> BackendResult<i64> {
    viewer.require(Role::Dispatcher)?;
    viewer.company_id.ok_or(BackendError::Forbidden)
}

fn desk_outage(row: DeskOutageRow) -> BackendResult<DeskOutage> {
    let bad = |what: &str| BackendError::Internal(format!("outage {} has {what}", row.id));
    Ok(DeskOutage {
        id: row.id,
        kind: OutageKind::parse(&row.kind).ok_or_else(|| bad("an unknown kind"))?,
        status: OutageStatus::parse(&row.status).ok_or_else(|| bad("an unknown status"))?,
        ended_at: row.restored_at.or(row.cancelled_at),
        title: row.title,
        cause: row.cause,
        contact: row.contact,
        short_notice_reason: row.short_notice_reason,
        starts_at: row.starts_at,
        expected_restore_at: row.expected_restore_at,
        published_at: row.published_at,
    })
}

fn places_of(rows: Vec<desk::PlaceRow>) -> Vec<DeskPlace> {
    rows.into_iter()
        .map(|p| DeskPlace {
            id: p.id,
            label: p.label,
        })
        .collect()
}

/// The desk's front page for a dispatcher.
pub async fn desk(
    db: &Database,
    viewer: &Viewer,
    rule: &NoticeRule,
    now: UnixSeconds,
) -> BackendResult<OutageDeskView> {
    let company_id = company_of(viewer)?;
    let outages = desk::company_outages(db.reader(), company_id, DESK_LIST_LIMIT)
        .await?
        .into_iter()
        .map(desk_outage)
        .collect::<BackendResult<Vec<_>>>()?;
    let (stations, communities, buildings) = desk::company_places(db.reader(), company_id).await?;
    let company_name = places::company_short_name(db.reader(), company_id)
        .await?
        .unwrap_or_default();
    Ok(OutageDeskView {
        now,
        company_name,
        outages,
        stations: places_of(stations),
        communities: places_of(communities),
        buildings: places_of(buildings),
        planned_notice_hours: rule.planned_notice_hours,
    })
}

async fn own_outage(db: &Database, company_id: i64, outage_id: i64) -> BackendResult<DeskOutage> {
    let row = desk::company_outage(db.reader(), company_id, outage_id)
        .await?
        .ok_or(BackendError::NotFound(text::outage_not_found))?;
    desk_outage(row)
}

/// The areas an outage covers, grouped by community as residents read them.
async fn areas_of(db: &Database, outage_id: i64) -> BackendResult<Vec<AffectedArea>> {
    let facts = outages::OutageFacts::read(db.reader(), &[outage_id]).await?;
    Ok(super::public::areas_from(&facts, outage_id))
}

/// One of the dispatcher's company's outages with its audience and timeline.
pub async fn outage(
    db: &Database,
    viewer: &Viewer,
    outage_id: i64,
    now: UnixSeconds,
) -> BackendResult<DeskOutageDetail> {
    let company_id = company_of(viewer)?;
    let outage = own_outage(db, company_id, outage_id).await?;
    let audience = desk::audience(db.reader(), outage_id).await?;
    let publish_text = news_text(&outage, OutageNews::Published, &outage.cause);
    let rendered = TextTemplate::OutageNews {
        news: publish_text.clone(),
    }
    .render();
    Ok(DeskOutageDetail {
        now,
        areas: areas_of(db, outage_id).await?,
        audience,
        texts_per_person: text_parts(rendered.chars().count()),
        publish_text,
        timeline: timeline(db, outage_id).await?,
        outage,
    })
}

/// Every progress note of an outage, oldest first.
pub async fn timeline(db: &Database, outage_id: i64) -> BackendResult<Vec<TimelineEntry>> {
    Ok(desk::updates(db.reader(), outage_id)
        .await?
        .into_iter()
        .map(|u| TimelineEntry {
            posted_at: u.posted_at,
            message: u.message,
            expected_restore_at: u.expected_restore_at,
        })
        .collect())
}

fn news_text(outage: &DeskOutage, news: OutageNews, note: &str) -> String {
    outage_news_text(
        news,
        outage.kind,
        &outage.title,
        outage.starts_at,
        outage.expected_restore_at,
        note,
    )
}

/// Writes a new outage as a draft of the dispatcher's company.
pub async fn create(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    rule: &NoticeRule,
    form: OutageForm,
) -> BackendResult<i64> {
    let company_id = company_of(viewer)?;
    let checked =
        check_outage_form(rule, form, origin.now).map_err(|e| BackendError::invalid(&e))?;
    if !desk::places_are_company_s(db.reader(), company_id, &checked).await? {
        return Err(BackendError::refused(text::outage_form_place_not_yours));
    }
    let mut tx = db.writer().begin().await?;
    let id =
        desk::insert_draft(&mut tx, company_id, &checked, viewer.person_id, origin.now).await?;
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "outage.draft",
            "outage",
            id,
            format!("{}（{}）", checked.title, checked.kind.as_str()),
        ),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(outage_id = id, company_id, "outage drafted");
    Ok(id)
}

/// Which step, and whether the outage's status allows it (the guarded
/// update then makes sure nobody moved it meanwhile).
fn allowed(outage: &DeskOutage, step: OutageStep) -> BackendResult<()> {
    next_status(outage.status, step)
        .map(|_| ())
        .map_err(BackendError::refused)
}

/// The step lost a race: another dispatcher moved the outage first.
fn moved_meanwhile() -> BackendError {
    BackendError::refused(text::outage_already_ended)
}

/// Queues one piece of news for everyone the outage touches.
async fn tell_area(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    outage: &DeskOutage,
    news_key: &str,
    news: String,
    now: UnixSeconds,
    not_before: UnixSeconds,
) -> BackendResult<u64> {
    let payload = serde_json::to_string(&TextTemplate::OutageNews { news })
        .map_err(|e| BackendError::Internal(e.to_string()))?;
    desk::queue_news(
        tx,
        &OutageNewsRow {
            outage_id: outage.id,
            news_key,
            channel: SMS_CHANNEL,
            payload: &payload,
            now,
            send_at: news_send_at(outage.kind, not_before.max(now)),
            urgent: is_urgent(outage.kind),
        },
    )
    .await
}

/// Publishes a draft now or at `publish_at`; everyone in the area is told
/// when it goes public (routine news not at night).
pub async fn publish(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    rule: &NoticeRule,
    outage_id: i64,
    publish_at: Option<UnixSeconds>,
) -> BackendResult<u64> {
    let company_id = company_of(viewer)?;
    let outage = own_outage(db, company_id, outage_id).await?;
    allowed(&outage, OutageStep::Publish)?;
    let at = check_publish_at(publish_at, origin.now, outage.expected_restore_at)
        .map_err(BackendError::refused)?;
    // The notice counts from when residents see it, not from the draft.
    check_notice(
        rule,
        outage.kind,
        at,
        outage.starts_at,
        outage.expected_restore_at,
        &outage.short_notice_reason,
    )
    .map_err(|e| BackendError::invalid(&e))?;
    let mut tx = db.writer().begin().await?;
    if !desk::publish(&mut tx, company_id, outage_id, at, viewer.person_id).await? {
        tx.rollback().await?;
        return Err(BackendError::refused(text::outage_already_published));
    }
    let text = news_text(&outage, OutageNews::Published, &outage.cause);
    let queued = tell_area(&mut tx, &outage, "published", text, origin.now, at).await?;
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "outage.publish",
            "outage",
            outage_id,
            format!("{}；通知 {queued} 人", outage.title),
        ),
    )
    .await?;
    tx.commit().await?;
    db.outages_changed();
    tracing::info!(outage_id, queued, "outage published");
    Ok(queued)
}

/// Posts a progress note; when it moves the expected restore, everyone in
/// the area is told the new time.
pub async fn post_update(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    outage_id: i64,
    note: &str,
    new_restore_at: Option<UnixSeconds>,
) -> BackendResult<u64> {
    let company_id = company_of(viewer)?;
    let mut outage = own_outage(db, company_id, outage_id).await?;
    allowed(&outage, OutageStep::PostUpdate)?;
    let (note, new_restore_at) =
        check_update(note, new_restore_at, outage.starts_at).map_err(BackendError::refused)?;
    let moves = new_restore_at.filter(|at| *at != outage.expected_restore_at);
    let mut tx = db.writer().begin().await?;
    let still_published = match moves {
        Some(at) => desk::move_restore(&mut tx, company_id, outage_id, at).await?,
        None => desk::touch_published(&mut tx, company_id, outage_id).await?,
    };
    if !still_published {
        tx.rollback().await?;
        return Err(moved_meanwhile());
    }
    let update_id = desk::insert_update(
        &mut tx,
        outage_id,
        origin.now,
        &note,
        moves,
        viewer.person_id,
    )
    .await?;
    let mut queued = 0;
    if let Some(at) = moves {
        outage.expected_restore_at = at;
        let text = news_text(&outage, OutageNews::RestoreMoved, &note);
        queued = tell_area(
            &mut tx,
            &outage,
            &format!("update:{update_id}"),
            text,
            origin.now,
            outage.published_at,
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "outage.update",
            "outage",
            outage_id,
            match moves {
                Some(at) => format!(
                    "{note}；预计恢复改为 {}；通知 {queued} 人",
                    domain::clock::format_full(at, translations::Lang::Zh)
                ),
                None => note.clone(),
            },
        ),
    )
    .await?;
    tx.commit().await?;
    db.outages_changed();
    Ok(queued)
}

/// Ends an outage: heat is back (restore) or it is called off (cancel; a
/// draft is discarded). Which it was is decided by the guarded statement
/// itself, so a concurrent publish cannot slip between. News still waiting
/// (for the morning, or for a publishing time) is taken back; once public,
/// everyone in the area hears that it ended.
pub async fn end(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    outage_id: i64,
    step: OutageStep,
) -> BackendResult<u64> {
    let company_id = company_of(viewer)?;
    let outage = own_outage(db, company_id, outage_id).await?;
    allowed(&outage, step)?;
    let restore = match step {
        OutageStep::Restore => true,
        OutageStep::Cancel => false,
        _ => return Err(BackendError::Internal(format!("{step:?} does not end"))),
    };
    let (news, action) = if restore {
        (OutageNews::Restored, "outage.restore")
    } else {
        (OutageNews::Cancelled, "outage.cancel")
    };
    let note = news.ending_note().unwrap_or_default();
    let mut tx = db.writer().begin().await?;
    let mut published_at = desk::end(
        &mut tx,
        company_id,
        outage_id,
        "published",
        restore,
        origin.now,
    )
    .await?;
    let was_published = published_at.is_some();
    if !restore && published_at.is_none() {
        published_at =
            desk::end(&mut tx, company_id, outage_id, "draft", false, origin.now).await?;
    }
    let Some(published_at) = published_at else {
        tx.rollback().await?;
        return Err(moved_meanwhile());
    };
    desk::insert_update(&mut tx, outage_id, origin.now, note, None, viewer.person_id).await?;
    // News still waiting (for the morning, or for its publishing time)
    // would arrive after the end: it is taken back first.
    let withdrawn = desk::withdraw_pending_news(&mut tx, outage_id, origin.now).await?;
    let mut queued = 0;
    if was_published && published_at <= origin.now {
        let text = news_text(&outage, news, note);
        queued = tell_area(
            &mut tx,
            &outage,
            news.as_str(),
            text,
            origin.now,
            origin.now,
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            action,
            "outage",
            outage_id,
            format!(
                "{}；通知 {queued} 人，撤回未发出的 {withdrawn} 条",
                outage.title
            ),
        ),
    )
    .await?;
    tx.commit().await?;
    db.outages_changed();
    Ok(queued)
}

/// Records whether a person wants routine (non-emergency) outage news.
pub async fn set_news_opt_out(
    db: &Database,
    viewer: &Viewer,
    opted_out: bool,
    now: UnixSeconds,
) -> BackendResult<()> {
    desk::set_news_opt_out(db.writer(), viewer.person_id, opted_out.then_some(now)).await
}

/// Whether a person declined routine outage news.
pub async fn news_opted_out(db: &Database, viewer: &Viewer) -> BackendResult<bool> {
    desk::news_opted_out(db.reader(), viewer.person_id).await
}
