//! Benchmark: publishing an outage for stations of N bound households
//! queues one text per person in one transaction; then two delivery
//! workers (two "instances") drain the outbox in batch calls within a
//! provider rate of R texts per second shared by both, and no text goes
//! twice. Runs on SQLite and, when `HEATDESK_TEST_POSTGRES_URL` answers, on
//! PostgreSQL. Called by `scripts/bench.sh`:
//!
//!   cargo run --release -p backend --features test-support --example outage_fanout -- 5000 1000

use backend::db::Engine;
use backend::services::delivery::{deliver_due, Channels};
use backend::services::identity::{RequestOrigin, Viewer};
use backend::services::outage_desk;
use backend::testing::{CountingProvider, TestDb};
use backend::Database;
use domain::outage::OutageKind;
use domain::outage_desk::OutageForm;
use domain::roles::Role;
use std::sync::Arc;
use std::time::Instant;

async fn scalar(db: &Database, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(db.reader())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn run(engine: Engine, households: i64, texts_per_second: u32) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.db.clone();
    let now = domain::clock::local_instant(2026, 12, 1, 10).expect("a time");
    let seeding = Instant::now();
    // The scale seed spreads households over several companies; seed
    // enough that the first company alone heats `households`.
    backend::seed::scale::seed_scale(&db, households * 3 + 2_000, now, &mut |_, _| {})
        .await
        .expect("seed");
    // The newest stations of one company, until they heat `households`.
    let stations: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT b.station_id, s.company_id, COUNT(*) FROM households h \
         JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id \
         JOIN stations s ON s.id = b.station_id \
         WHERE s.company_id = (SELECT MIN(id) FROM heating_companies) \
         GROUP BY b.station_id, s.company_id ORDER BY b.station_id DESC",
    )
    .fetch_all(db.reader())
    .await
    .expect("stations");
    let mut chosen = Vec::new();
    let mut covered = 0;
    for (station, _, count) in &stations {
        if covered >= households {
            break;
        }
        chosen.push(*station);
        covered += count;
    }
    let company_id = stations[0].1;
    let ids = chosen
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    // One resident with a phone bound to every household there.
    let in_area = format!(
        "SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id \
         JOIN buildings b ON b.id = u.building_id WHERE b.station_id IN ({ids})"
    );
    let phone_of = "'170' || CAST(h.id + 10000000 AS TEXT)";
    sqlx::query(&format!(
        "INSERT INTO people (display_name, phone, created_at) \
         SELECT 'bench', {phone_of}, {now} FROM households h WHERE h.id IN ({in_area})"
    ))
    .execute(db.writer())
    .await
    .expect("people");
    sqlx::query(&format!(
        "INSERT INTO person_households (person_id, household_id, bound_at) \
         SELECT p.id, h.id, {now} FROM households h JOIN people p ON p.phone = {phone_of} \
         WHERE h.id IN ({in_area})"
    ))
    .execute(db.writer())
    .await
    .expect("bindings");
    let dispatcher_id: i64 = sqlx::query_scalar(
        "INSERT INTO people (display_name, username, company_id, created_at) \
         VALUES ('值班调度', 'bench_dispatcher', $1, $2) RETURNING id",
    )
    .bind(company_id)
    .bind(now)
    .fetch_one(db.writer())
    .await
    .expect("dispatcher");
    let seeded = seeding.elapsed();

    let viewer = Viewer {
        person_id: dispatcher_id,
        display_name: "值班调度".into(),
        phone: None,
        username: Some("bench_dispatcher".into()),
        company_id: Some(company_id),
        roles: vec![Role::Dispatcher],
    };
    let origin = RequestOrigin {
        client_addr: "127.0.0.1".into(),
        user_agent: "bench".into(),
        now,
    };
    let form = OutageForm {
        kind: Some(OutageKind::Emergency),
        title: "管网抢修停热".into(),
        cause: "一次网主管道爆管".into(),
        starts_at: Some(now),
        expected_restore_at: Some(now + 8 * 3600),
        station_ids: chosen.clone(),
        ..OutageForm::default()
    };
    let outage = outage_desk::create(&db, &viewer, &origin, form)
        .await
        .expect("draft");
    let publishing = Instant::now();
    let queued = outage_desk::publish(
        &db,
        &backend::PortalSettings::default(),
        &viewer,
        &origin,
        outage,
        None,
    )
    .await
    .expect("publish");
    let published = publishing.elapsed();

    // Two instances drain the outbox side by side.
    let channel = Arc::new(CountingProvider::default());
    let draining = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..2 {
        let db = Database::connect(&test_db.url).await.expect("second pool");
        let channels = Channels {
            texts_per_second,
            ..Channels::sms_only(channel.clone())
        };
        workers.push(tokio::spawn(async move {
            loop {
                let round = deliver_due(&db, &channels, now).await.expect("round");
                if round.deferred > 0 {
                    // This second's rate is spent: wait for the next one.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                } else if round.delivered == 0 && round.claimed_elsewhere == 0 {
                    break;
                }
            }
        }));
    }
    for worker in workers {
        worker.await.expect("worker");
    }
    let drained = draining.elapsed();
    let sent = channel.per_number();
    let total = u32::try_from(sent.values().sum::<usize>()).expect("a count");
    let calls = channel.call_sizes().len();
    let twice = sent.values().filter(|n| **n > 1).count();
    let left = scalar(
        &db,
        "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND abandoned_at IS NULL",
    )
    .await;
    println!(
        "{engine:?}: {covered} households on {} stations (seeded in {:.1} s); \
         publishing queued {queued} texts in {:.3} s ({:.0} texts/s); \
         two workers drained them in {:.2} s ({:.0} texts/s, {:.0}% of the provider \
         rate of {texts_per_second}/s) in {calls} provider calls; sent {total}, \
         numbers sent twice {twice}, left undelivered {left}",
        chosen.len(),
        seeded.as_secs_f64(),
        published.as_secs_f64(),
        queued as f64 / published.as_secs_f64(),
        drained.as_secs_f64(),
        f64::from(total) / drained.as_secs_f64(),
        100.0 * f64::from(total) / drained.as_secs_f64() / f64::from(texts_per_second),
    );
    assert_eq!(u64::from(total), queued, "every queued text sent once");
    assert_eq!(twice, 0);
    test_db.finish().await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let households: i64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    let texts_per_second: u32 = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    run(Engine::Sqlite, households, texts_per_second).await;
    if std::env::var("HEATDESK_TEST_POSTGRES_URL").is_ok() {
        run(Engine::Postgres, households, texts_per_second).await;
    }
}
