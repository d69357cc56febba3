//! The outbox worker with two instances on one database: each message goes
//! out exactly once however the two interleave, an outage's news goes out
//! in batch calls, and both instances together keep to the provider's
//! rate, on SQLite and PostgreSQL.

use backend::db::Database;
use backend::on_both_engines;
use backend::services::delivery::{deliver_due, deliver_due_in_second, Channels, DeliveryRound};
use backend::store::outbox::{self, NewMessage};
use backend::testing::CountingProvider;
use std::sync::Arc;
use std::time::Duration;

const MESSAGES: usize = 60;
const NOW: i64 = 1_795_000_000;

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
        // Slow enough that two workers reading the outbox at once both see
        // the same rows.
        let provider = Arc::new(CountingProvider::with_delay(Duration::from_millis(2)));
        let channels = Arc::new(Channels::sms_only(provider.clone()));
        let (a, b) = tokio::join!(
            tokio::spawn(worker(db.clone(), channels.clone())),
            tokio::spawn(worker(db.clone(), channels.clone())),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.delivered + b.delivered, MESSAGES, "{a:?} {b:?}");
        assert_eq!(a.retrying + b.retrying, 0);
        let sent = provider.per_number();
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
        assert_eq!(round.delivered, MESSAGES);
    }
);

/// `count` texts of one outage's news, to numbers 139…, after `codes`
/// sign-in codes to numbers 138….
async fn queue_news(db: &Database, codes: usize, count: usize) {
    let mut tx = db.writer().begin().await.unwrap();
    let code = r#"{"template":"sign_in_code","code":"246810","valid_minutes":5}"#;
    let news =
        r#"{"template":"outage_news","news":"幸福里小区停热（抢修停热）：预计今日18:00恢复。"}"#;
    let rows = (0..codes)
        .map(|n| (format!("138{n:08}"), format!("code:{n}"), code))
        .chain((0..count).map(|n| {
            (
                format!("139{n:08}"),
                format!("outage:1:published:person:{n}"),
                news,
            )
        }));
    for (phone, key, payload) in rows {
        outbox::enqueue(
            &mut tx,
            &NewMessage {
                channel: "sms",
                recipient: &phone,
                dedupe_key: &key,
                payload,
                now: NOW,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

on_both_engines!(
    outage_news_goes_out_in_batches_within_the_rate,
    |db: Database| async move {
        queue_news(&db, 3, 250).await;
        let provider = Arc::new(CountingProvider::with_delay(Duration::from_millis(2)));
        let channels = Channels {
            texts_per_second: 120,
            ..Channels::sms_only(provider.clone())
        };
        // Second 1000: a round takes as many as the second allows: the
        // codes alone, then the news in a batch of 100 and one of the rest.
        let round = deliver_due_in_second(&db, &channels, NOW, 1_000)
            .await
            .unwrap();
        assert_eq!(
            (round.delivered, round.deferred, round.text_calls),
            (120, 0, 5)
        );
        assert_eq!(provider.call_sizes(), vec![1, 1, 1, 100, 17]);
        // The same second again: nothing more fits, all waits.
        let round = deliver_due_in_second(&db, &channels, NOW + 1, 1_000)
            .await
            .unwrap();
        assert_eq!(
            (round.delivered, round.deferred, round.text_calls),
            (0, 120, 0)
        );
        // The next seconds: the second's allowance each, then the rest.
        let round = deliver_due_in_second(&db, &channels, NOW + 2, 1_001)
            .await
            .unwrap();
        assert_eq!((round.delivered, round.deferred), (120, 0));
        let round = deliver_due_in_second(&db, &channels, NOW + 3, 1_002)
            .await
            .unwrap();
        assert_eq!((round.delivered, round.deferred), (13, 0));
        assert_eq!(provider.call_sizes(), vec![1, 1, 1, 100, 17, 100, 20, 13]);
        let per_number = provider.per_number();
        assert_eq!(per_number.len(), 253);
        assert!(per_number.values().all(|n| *n == 1));
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL OR attempts <> 1",
        )
        .fetch_one(db.reader())
        .await
        .unwrap();
        assert_eq!(
            waiting, 0,
            "each delivered once, none counted as a failed try"
        );
    }
);

on_both_engines!(two_workers_share_one_rate, |db: Database| async move {
    queue_news(&db, 0, 300).await;
    let provider = Arc::new(CountingProvider::with_delay(Duration::from_millis(2)));
    let channels = Arc::new(Channels {
        texts_per_second: 100,
        ..Channels::sms_only(provider.clone())
    });
    let round_in = |second: i64| {
        let (db, channels) = (db.clone(), channels.clone());
        tokio::spawn(async move {
            deliver_due_in_second(&db, &channels, NOW + second - 2_000, second)
                .await
                .unwrap()
        })
    };
    let (a, b) = tokio::join!(round_in(2_000), round_in(2_000));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(
        a.delivered + b.delivered <= 100 && a.delivered + b.delivered > 0,
        "both instances together stay within the second's rate: {a:?} {b:?}"
    );
    // Later seconds drain the rest, each text once.
    let mut second = 2_001;
    while provider.per_number().len() < 300 {
        let (a, b) = tokio::join!(round_in(second), round_in(second));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a.delivered + b.delivered <= 100, "{a:?} {b:?}");
        second += 1;
        assert!(second < 2_020, "drained too slowly");
    }
    assert!(provider.per_number().values().all(|n| *n == 1));
    assert!(provider.call_sizes().iter().all(|size| *size <= 100));
});
