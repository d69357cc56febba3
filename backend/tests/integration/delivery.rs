//! The outbox worker with two instances on one database: each message goes
//! out exactly once however the two interleave, on SQLite and PostgreSQL.

use backend::db::Database;
use backend::integrations::sms::{BoxFuture, NotificationChannel, OutgoingText, SendFailure};
use backend::on_both_engines;
use backend::services::delivery::{deliver_due, Channels, DeliveryRound};
use backend::store::outbox::{self, NewMessage};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MESSAGES: usize = 60;
const NOW: i64 = 1_795_000_000;

/// A provider that counts what it is asked to send, slowly enough that two
/// workers reading the outbox at once both see the same rows.
#[derive(Debug, Default)]
struct CountingProvider {
    sent: Mutex<HashMap<String, usize>>,
}

impl NotificationChannel for CountingProvider {
    fn name(&self) -> &'static str {
        "counting"
    }

    fn send<'a>(&'a self, text: &'a OutgoingText) -> BoxFuture<'a, Result<(), SendFailure>> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(2)).await;
            let key = format!("{}:{:?}", text.phone, text.message);
            *self.sent.lock().unwrap().entry(key).or_default() += 1;
            Ok(())
        })
    }
}

async fn queue(db: &Database) {
    let mut tx = db.writer().begin().await.unwrap();
    for n in 0..MESSAGES {
        let payload = format!(
            "{{\"template\":\"sign_in_code\",\"code\":\"{:06}\",\"valid_minutes\":5}}",
            n
        );
        outbox::enqueue(
            &mut tx,
            &NewMessage {
                channel: "sms",
                recipient: &format!("138{:08}", n),
                dedupe_key: &format!("two-workers:{n}"),
                payload: &payload,
                now: NOW,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// One instance's worker: rounds until nothing is left due.
async fn worker(db: Database, channels: Arc<Channels>) -> DeliveryRound {
    let mut total = DeliveryRound::default();
    loop {
        let round = deliver_due(&db, &channels, NOW).await.unwrap();
        total.delivered += round.delivered;
        total.claimed_elsewhere += round.claimed_elsewhere;
        total.retrying += round.retrying;
        if round.delivered == 0 && round.claimed_elsewhere == 0 {
            return total;
        }
    }
}

on_both_engines!(
    two_workers_send_each_message_once,
    |db: Database| async move {
        queue(&db).await;
        let provider = Arc::new(CountingProvider::default());
        let channels = Arc::new(Channels::sms_only(provider.clone()));
        let (a, b) = tokio::join!(
            tokio::spawn(worker(db.clone(), channels.clone())),
            tokio::spawn(worker(db.clone(), channels.clone())),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.delivered + b.delivered, MESSAGES, "{a:?} {b:?}");
        assert_eq!(a.retrying + b.retrying, 0);
        let sent = provider.sent.lock().unwrap().clone();
        assert_eq!(sent.len(), MESSAGES);
        assert!(sent.values().all(|count| *count == 1), "{sent:?}");
        let waiting: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")
                .fetch_one(db.reader())
                .await
                .unwrap();
        assert_eq!(waiting, 0);
    }
);

on_both_engines!(
    a_message_whose_worker_died_goes_out_after_the_lease,
    |db: Database| async move {
        queue(&db).await;
        // A worker claimed every message and died before sending.
        for message in outbox::due(db.reader(), NOW, 1000).await.unwrap() {
            assert!(outbox::claim(db.writer(), &message, NOW + 120)
                .await
                .unwrap());
            assert!(
                !outbox::claim(db.writer(), &message, NOW + 120)
                    .await
                    .unwrap(),
                "a claimed message cannot be claimed again"
            );
        }
        let provider = Arc::new(CountingProvider::default());
        let channels = Channels::sms_only(provider.clone());
        let round = deliver_due(&db, &channels, NOW + 60).await.unwrap();
        assert_eq!(round.delivered, 0, "still leased");
        let round = deliver_due(&db, &channels, NOW + 120).await.unwrap();
        assert_eq!(round.delivered, MESSAGES.min(50));
    }
);
