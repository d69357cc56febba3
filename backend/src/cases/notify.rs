//! Telling residents of their case: a text, and a WeChat template message
//! for every openid linked to the same phone when the portal sends them.

use crate::error::{BackendError, BackendResult};
use crate::integrations::sms::TextTemplate;
use crate::integrations::wechat_template::WeChatMessage;
use crate::services::delivery::{queue_text, WECHAT_CHANNEL};
use crate::store::cases::MergedCase;
use crate::store::{outbox, wechat};
use domain::clock::UnixSeconds;
use sqlx::{Any, Transaction};

/// Queues a text for the resident, once per `dedupe_key` (a timeline entry,
/// or an entry and the merged case it is told to). With
/// `wechat_case_updates` (the portal's
/// [`crate::PortalSettings::wechat_case_updates`]) the same news is also
/// queued as a WeChat template message for every openid linked to the
/// person with that phone, once per key and openid.
pub(crate) async fn tell_resident(
    tx: &mut Transaction<'_, Any>,
    wechat_case_updates: bool,
    phone: &str,
    case_no: &str,
    dedupe_key: &str,
    update: &str,
    now: UnixSeconds,
) -> BackendResult<()> {
    let text = TextTemplate::CaseUpdate {
        case_no: case_no.to_string(),
        update: update.to_string(),
    };
    queue_text(tx, phone, dedupe_key, &text, now).await?;
    if !wechat_case_updates {
        return Ok(());
    }
    let card = WeChatMessage::CaseUpdate {
        case_no: case_no.to_string(),
        update: update.to_string(),
    };
    let payload =
        serde_json::to_string(&card).map_err(|e| BackendError::Internal(e.to_string()))?;
    for openid in wechat::openids_of_phone(tx, phone).await? {
        outbox::enqueue(
            tx,
            &outbox::NewMessage {
                channel: WECHAT_CHANNEL,
                recipient: &openid,
                dedupe_key: &format!("{dedupe_key}:wechat:{openid}"),
                payload: &payload,
                now,
            },
        )
        .await?;
    }
    Ok(())
}

/// Tells the residents whose reports were merged into a case of one of its
/// timeline entries, once per entry and merged case.
pub(crate) async fn tell_merged_residents(
    tx: &mut Transaction<'_, Any>,
    wechat_case_updates: bool,
    merged: &[MergedCase],
    event_id: i64,
    update: &str,
    now: UnixSeconds,
) -> BackendResult<()> {
    for case in merged {
        if let Some(phone) = &case.contact_phone {
            tell_resident(
                tx,
                wechat_case_updates,
                phone,
                &case.case_no,
                &format!("case-event:{event_id}:merged:{}", case.id),
                update,
                now,
            )
            .await?;
        }
    }
    Ok(())
}
