//! The duty desk: a dispatcher writes an outage of their own company as a
//! draft, sees who will hear of it, publishes it (now or at a set time),
//! posts progress that may move the expected restore, and restores or
//! cancels it. Every step is audited, and the news of it is queued for
//! everyone in the area in the same transaction.

use crate::config::PortalSettings;
use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::integrations::sms::TextTemplate;
use crate::integrations::wechat_template::WeChatMessage;
use crate::services::delivery::WECHAT_CHANNEL;
use crate::services::identity::{RequestOrigin, Viewer, SMS_CHANNEL};
use crate::store::outage_desk::{self as desk, DeskOutageRow, NewsAddress, OutageNewsRow};
use crate::store::{audit, outages, seasons};
use domain::clock::UnixSeconds;
use domain::notices::AffectedArea;
use domain::outage::OutageKind;
use domain::outage_desk::{
    check_notice, check_outage_form, check_publish_at, check_update, is_urgent, news_send_at,
    next_status, outage_news_text, outage_wechat_news, text_parts, CheckedOutage, DeskOutage,
    DeskOutageDetail, DeskPlace, DeskPlaces, DraftChoices, OutageDeskView, OutageForm, OutageNews,
    OutageStatus, OutageStep, TimelineEntry,
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

/// The company's places an outage's form offers.
async fn company_places(db: &Database, company_id: i64) -> BackendResult<DeskPlaces> {
    let (stations, communities, buildings) = desk::company_places(db.reader(), company_id).await?;
    Ok(DeskPlaces {
        stations: places_of(stations),
        communities: places_of(communities),
        buildings: places_of(buildings),
    })
}

/// The desk's front page for a dispatcher.
pub async fn desk(
    db: &Database,
    viewer: &Viewer,
    now: UnixSeconds,
) -> BackendResult<OutageDeskView> {
    let company_id = company_of(viewer)?;
    let rule = db.reference().await?.notice_rule;
    let outages = desk::company_outages(db.reader(), company_id, DESK_LIST_LIMIT)
        .await?
        .into_iter()
        .map(desk_outage)
        .collect::<BackendResult<Vec<_>>>()?;
    let company_name = seasons::companies(db.reader())
        .await?
        .into_iter()
        .find(|company| company.id == company_id)
        .map(|company| company.name)
        .unwrap_or_default();
    Ok(OutageDeskView {
        now,
        company_name,
        outages,
        places: company_places(db, company_id).await?,
        planned_notice_hours: rule.planned_notice_hours,
    })
}

/// One of the company's outages; another company's is not found.
pub(crate) async fn own_outage(
    db: &Database,
    company_id: i64,
    outage_id: i64,
) -> BackendResult<DeskOutage> {
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
    let rule = db.reference().await?.notice_rule;
    let outage = own_outage(db, company_id, outage_id).await?;
    let audience = desk::audience(db.reader(), outage_id).await?;
    let publish_text = news_text(&outage, OutageNews::Published, &outage.cause);
    let rendered = TextTemplate::OutageNews {
        news: publish_text.clone(),
    }
    .render();
    let draft = if outage.status == OutageStatus::Draft {
        let (station_ids, building_ids) = desk::chosen_places(db.reader(), outage_id).await?;
        Some(DraftChoices {
            places: company_places(db, company_id).await?,
            station_ids,
            building_ids,
            planned_notice_hours: rule.planned_notice_hours,
        })
    } else {
        None
    };
    Ok(DeskOutageDetail {
        draft,
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
    form: OutageForm,
) -> BackendResult<i64> {
    let company_id = company_of(viewer)?;
    let rule = db.reference().await?.notice_rule;
    let checked =
        check_outage_form(&rule, form, origin.now).map_err(|e| BackendError::invalid(&e))?;
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

/// Rewrites a draft of the dispatcher's company from the form, checked as
/// a new one is: texts, times and places.
pub async fn edit_draft(
    db: &Database,
    viewer: &Viewer,
    origin: &RequestOrigin,
    outage_id: i64,
    form: OutageForm,
) -> BackendResult<()> {
    let company_id = company_of(viewer)?;
    let rule = db.reference().await?.notice_rule;
    let outage = own_outage(db, company_id, outage_id).await?;
    allowed(&outage, OutageStep::EditDraft)?;
    let checked =
        check_outage_form(&rule, form, origin.now).map_err(|e| BackendError::invalid(&e))?;
    if !desk::places_are_company_s(db.reader(), company_id, &checked).await? {
        return Err(BackendError::refused(text::outage_form_place_not_yours));
    }
    let mut tx = db.writer().begin().await?;
    if !desk::rewrite_draft(&mut tx, company_id, outage_id, &checked).await? {
        tx.rollback().await?;
        return Err(moved_meanwhile());
    }
    audit::record(
        &mut *tx,
        &origin.audit(
            Some(viewer.person_id),
            "outage.edit",
            "outage",
            outage_id,
            format!("{}（{}）", checked.title, checked.kind.as_str()),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The draft just written from `checked` with `id`, as the desk sees it.
pub(crate) fn drafted(id: i64, checked: CheckedOutage) -> DeskOutage {
    let short_notice_reason = checked.short_notice_reason().to_string();
    DeskOutage {
        id,
        kind: checked.kind,
        status: OutageStatus::Draft,
        title: checked.title,
        cause: checked.cause,
        contact: checked.contact,
        short_notice_reason,
        starts_at: checked.starts_at,
        expected_restore_at: checked.expected_restore_at,
        ended_at: None,
        published_at: desk::NOT_YET_PUBLISHED,
    }
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

/// Who hears a piece of news: everyone the outage touches, or only those
/// already told of it (its end is news only to them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Listeners {
    Area,
    ThoseTold,
}

/// One piece of an outage's news, as it is sent.
struct Telling<'a> {
    outage: &'a DeskOutage,
    listeners: Listeners,
    news: OutageNews,
    /// Unique per piece of news of the outage ("published", "update:17").
    news_key: &'a str,
    /// The note the text carries (the cause, or the progress note).
    note: &'a str,
    /// Also as WeChat template messages to linked openids.
    wechat: bool,
}

/// Queues one piece of news for the outage's listeners: a text each, and a
/// WeChat template message for each openid they linked when the account
/// has an outage template. Returns how many texts were queued.
async fn tell(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    telling: Telling<'_>,
    now: UnixSeconds,
    not_before: UnixSeconds,
) -> BackendResult<u64> {
    let outage = telling.outage;
    let text = TextTemplate::OutageNews {
        news: news_text(outage, telling.news, telling.note),
    };
    let card = WeChatMessage::OutageNotice {
        outage_id: outage.id,
        title: outage.title.clone(),
        news: outage_wechat_news(telling.news, outage.kind, outage.expected_restore_at),
    };
    let mut addresses = vec![(
        NewsAddress::Phone,
        SMS_CHANNEL,
        serde_json::to_string(&text),
    )];
    if telling.wechat {
        addresses.push((
            NewsAddress::WeChat,
            WECHAT_CHANNEL,
            serde_json::to_string(&card),
        ));
    }
    let mut texts = 0;
    for (address, channel, payload) in addresses {
        let payload = payload.map_err(|e| BackendError::Internal(e.to_string()))?;
        let queued = desk::queue_news(
            tx,
            &OutageNewsRow {
                outage_id: outage.id,
                address,
                news_key: telling.news_key,
                channel,
                payload: &payload,
                now,
                send_at: news_send_at(outage.kind, not_before.max(now)),
                urgent: is_urgent(outage.kind),
                only_those_told: telling.listeners == Listeners::ThoseTold,
            },
        )
        .await?;
        if address == NewsAddress::Phone {
            texts = queued;
        }
    }
    Ok(texts)
}

/// Who takes a step on an outage, for which company, under which settings
/// and request.
pub(crate) struct DeskActor<'a> {
    pub settings: &'a PortalSettings,
    pub origin: &'a RequestOrigin,
    pub person_id: i64,
    pub company_id: i64,
}

/// Publishes a draft now or at `publish_at`; everyone in the area is told
/// when it goes public (routine news not at night).
pub async fn publish(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    outage_id: i64,
    publish_at: Option<UnixSeconds>,
) -> BackendResult<u64> {
    let company_id = company_of(viewer)?;
    let rule = db.reference().await?.notice_rule;
    let outage = own_outage(db, company_id, outage_id).await?;
    allowed(&outage, OutageStep::Publish)?;
    let at = check_publish_at(publish_at, origin.now, outage.expected_restore_at)
        .map_err(BackendError::refused)?;
    // The notice counts from when residents see it, not from the draft.
    check_notice(
        &rule,
        outage.kind,
        at,
        outage.starts_at,
        outage.expected_restore_at,
        &outage.short_notice_reason,
    )
    .map_err(|e| BackendError::invalid(&e))?;
    let mut tx = db.writer().begin().await?;
    let actor = DeskActor {
        settings,
        origin,
        person_id: viewer.person_id,
        company_id,
    };
    let Some(queued) = publish_within(&mut tx, &actor, &outage, at).await? else {
        tx.rollback().await?;
        return Err(BackendError::refused(text::outage_already_published));
    };
    tx.commit().await?;
    db.outages_changed();
    tracing::info!(outage_id, queued, "outage published");
    Ok(queued)
}

/// Publishes `outage`, a draft of `company_id`, at `at` inside the
/// caller's transaction: the guarded step, the news for everyone in the
/// area and the audit entry. `None` when it was no longer a draft. The one
/// way an outage goes public, from the desk or for an incident.
pub(crate) async fn publish_within(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &DeskActor<'_>,
    outage: &DeskOutage,
    at: UnixSeconds,
) -> BackendResult<Option<u64>> {
    let (origin, actor_id) = (actor.origin, actor.person_id);
    if !desk::publish(tx, actor.company_id, outage.id, at, actor_id).await? {
        return Ok(None);
    }
    let telling = Telling {
        outage,
        listeners: Listeners::Area,
        news: OutageNews::Published,
        news_key: OutageNews::Published.as_str(),
        note: &outage.cause,
        wechat: actor.settings.wechat_outage_news,
    };
    let queued = tell(tx, telling, origin.now, at).await?;
    audit::record(
        &mut **tx,
        &origin.audit(
            Some(actor_id),
            "outage.publish",
            "outage",
            outage.id,
            format!("{}；通知 {queued} 人", outage.title),
        ),
    )
    .await?;
    Ok(Some(queued))
}

/// Posts a progress note; when it moves the expected restore, everyone in
/// the area is told the new time.
pub async fn post_update(
    db: &Database,
    settings: &PortalSettings,
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
        Some(viewer.person_id),
    )
    .await?;
    let mut queued = 0;
    if let Some(at) = moves {
        outage.expected_restore_at = at;
        let telling = Telling {
            outage: &outage,
            listeners: Listeners::Area,
            news: OutageNews::RestoreMoved,
            news_key: &format!("{}{update_id}", desk::UPDATE_NEWS_KEY_PREFIX),
            note: &note,
            wechat: settings.wechat_outage_news,
        };
        queued = tell(&mut tx, telling, origin.now, outage.published_at).await?;
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

/// Ends an outage from the desk: heat is back (restore) or it is called
/// off (cancel; a draft is discarded).
pub async fn end(
    db: &Database,
    settings: &PortalSettings,
    viewer: &Viewer,
    origin: &RequestOrigin,
    outage_id: i64,
    step: OutageStep,
) -> BackendResult<u64> {
    let company_id = company_of(viewer)?;
    let outage = own_outage(db, company_id, outage_id).await?;
    allowed(&outage, step)?;
    let ending = match step {
        OutageStep::Restore => OutageNews::Restored,
        OutageStep::Cancel => OutageNews::Cancelled,
        _ => return Err(BackendError::Internal(format!("{step:?} does not end"))),
    };
    let note = ending.ending_note().unwrap_or_default();
    let mut tx = db.writer().begin().await?;
    let actor = DeskActor {
        settings,
        origin,
        person_id: viewer.person_id,
        company_id,
    };
    let Some(queued) = end_within(&mut tx, &actor, &outage, ending, note).await? else {
        tx.rollback().await?;
        return Err(moved_meanwhile());
    };
    tx.commit().await?;
    db.outages_changed();
    Ok(queued)
}

/// Ends `outage` of `company_id` inside the caller's transaction, with
/// `note` on its timeline: restored (heat is back) or cancelled (a draft
/// too is discarded). Which status it left is decided by the guarded
/// statement itself, so a concurrent publish cannot slip between. News
/// still waiting (for the morning, or for a publishing time) is taken back;
/// once public, those who were told of it hear that it ended. `None` when
/// it had ended meanwhile. The one way an outage ends, from the desk or
/// when its incident closes.
pub(crate) async fn end_within(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &DeskActor<'_>,
    outage: &DeskOutage,
    ending: OutageNews,
    note: &str,
) -> BackendResult<Option<u64>> {
    let (origin, actor_id, company_id) = (actor.origin, actor.person_id, actor.company_id);
    let (restore, action) = match ending {
        OutageNews::Restored => (true, "outage.restore"),
        OutageNews::Cancelled => (false, "outage.cancel"),
        other => return Err(BackendError::Internal(format!("{other:?} does not end"))),
    };
    let mut published_at =
        desk::end(tx, company_id, outage.id, "published", restore, origin.now).await?;
    let was_published = published_at.is_some();
    if !restore && published_at.is_none() {
        published_at = desk::end(tx, company_id, outage.id, "draft", false, origin.now).await?;
    }
    let Some(published_at) = published_at else {
        return Ok(None);
    };
    desk::insert_update(tx, outage.id, origin.now, note, None, Some(actor_id)).await?;
    // News still waiting (for the morning, or for its publishing time)
    // would arrive after the end: it is taken back first, and with it its
    // people drop out of those told.
    let withdrawn = desk::withdraw_pending_news(tx, outage.id, origin.now).await?;
    let mut queued = 0;
    if was_published && published_at <= origin.now {
        let telling = Telling {
            outage,
            listeners: Listeners::ThoseTold,
            news: ending,
            news_key: ending.as_str(),
            note,
            wechat: actor.settings.wechat_outage_news,
        };
        queued = tell(tx, telling, origin.now, origin.now).await?;
    }
    audit::record(
        &mut **tx,
        &origin.audit(
            Some(actor_id),
            action,
            "outage",
            outage.id,
            format!(
                "{}；通知 {queued} 人，撤回未发出的 {withdrawn} 条",
                outage.title
            ),
        ),
    )
    .await?;
    Ok(Some(queued))
}

/// Records whether a person wants routine (non-emergency) outage news;
/// declining it also takes back such news still waiting for them (held
/// for the morning, say).
pub async fn set_news_opt_out(
    db: &Database,
    viewer: &Viewer,
    opted_out: bool,
    now: UnixSeconds,
) -> BackendResult<()> {
    let mut tx = db.writer().begin().await?;
    desk::set_news_opt_out(&mut tx, viewer.person_id, opted_out.then_some(now)).await?;
    if opted_out {
        let routine: Vec<&str> = OutageKind::ALL
            .into_iter()
            .filter(|kind| !is_urgent(*kind))
            .map(OutageKind::as_str)
            .collect();
        let withdrawn =
            desk::withdraw_routine_news_of(&mut tx, viewer.person_id, &routine, now).await?;
        tracing::info!(
            person_id = viewer.person_id,
            withdrawn,
            "routine outage news declined"
        );
    }
    tx.commit().await?;
    Ok(())
}

/// Whether a person declined routine outage news.
pub async fn news_opted_out(db: &Database, viewer: &Viewer) -> BackendResult<bool> {
    desk::news_opted_out(db.reader(), viewer.person_id).await
}
