//! What the 12345 platform hears of an order: each piece of news queued in
//! the outbox once per timeline entry.

use super::*;
use crate::error::{BackendError, BackendResult};
use crate::store::hotline::{self};
use crate::store::outbox;
use domain::case_flow::CaseState;
use domain::clock::UnixSeconds;
use serde::{Deserialize, Serialize};
use translations::Lang;

/// One piece of news for the platform, as the callback's JSON body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderNews {
    pub order_id: String,
    /// "sign_for", "progress", "extend", "reply", "return"
    pub event: String,
    pub at: i64,
    pub text: String,
    pub case_no: String,
    pub reply_due_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_days: Option<u32>,
    /// With event "status": the case's new state ("dispatched", "closed"…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_state: Option<String>,
}

/// Queues one piece of news for the platform, once per timeline entry.
pub(super) async fn enqueue_news(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    news: &OrderNews,
    event_id: i64,
) -> BackendResult<()> {
    let payload = serde_json::to_string(news).map_err(|e| BackendError::Internal(e.to_string()))?;
    outbox::enqueue(
        tx,
        &outbox::NewMessage {
            channel: HOTLINE_CHANNEL,
            recipient: &news.order_id,
            dedupe_key: &format!("hotline:{}:{event_id}", news.order_id),
            payload: &payload,
            now: news.at,
        },
    )
    .await
}

/// Tells the platform that the case of one of its orders moved (a crew
/// assigned, on site, fixed, closed, an application decided), in the
/// transaction that moved it. Nothing is sent for cases that came another
/// way, nor once the order is closed or returned.
pub(crate) async fn tell_platform_of_case_step(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: i64,
    case_no: &str,
    event_id: i64,
    to: CaseState,
    note: &str,
    now: UnixSeconds,
) -> BackendResult<()> {
    let Some(order) = hotline::open_by_case(tx, case_id).await? else {
        return Ok(());
    };
    let text = if note.is_empty() {
        to.label(Lang::Zh).to_string()
    } else {
        format!("{}：{note}", to.label(Lang::Zh))
    };
    let news = OrderNews {
        order_id: order.order_id,
        event: "status".to_string(),
        at: now,
        text,
        case_no: case_no.to_string(),
        reply_due_at: order.reply_due_at,
        extension_days: None,
        case_state: Some(to.as_str().to_string()),
    };
    enqueue_news(tx, &news, event_id).await
}
