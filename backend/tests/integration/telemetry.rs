//! The simulated smart-heating platform on both engines: it registers the
//! demo city's sensors once, back-fills readings that a rerun leaves as
//! they are, and its dead, stuck and cold flats show as the rules see
//! them.

use backend::db::Database;
use backend::on_both_engines;
use backend::seed::{demo, telemetry as simulator};
use backend::services::telemetry::upkeep::housekeeping;
use backend::store::telemetry::hours_of;
use domain::clock::local_instant;
use domain::telemetry::{cold_spell, ColdRule, Quantity};

const HOUR: i64 = 3600;

fn now() -> i64 {
    local_instant(2026, 12, 6, 10).unwrap() + 17 * 60
}

/// Indoor sensors (id, household) whose household id leaves `rest` when
/// divided by `by`.
async fn indoor_with(db: &Database, by: i64, rest: i64) -> Vec<(i64, i64)> {
    sqlx::query_as(
        "SELECT id, household_id FROM sensors \
         WHERE kind = 'indoor' AND household_id % $1 = $2 ORDER BY id",
    )
    .bind(by)
    .bind(rest)
    .fetch_all(db.reader())
    .await
    .unwrap()
}

on_both_engines!(simulated_city_shows_its_shapes, |db: Database| async move {
    demo::seed_demo(&db, now()).await.unwrap();
    let registered = simulator::register_sensors(&db, now()).await.unwrap();
    let stations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stations")
        .fetch_one(db.reader())
        .await
        .unwrap();
    let heated: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM households WHERE service_state = 'heated' AND id % 4 = 0",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    assert_eq!(registered as i64, heated + stations + 1);
    assert_eq!(
        simulator::register_sensors(&db, now()).await.unwrap(),
        0,
        "once"
    );

    let mut calls = 0;
    let from = now() - 8 * HOUR;
    let first = simulator::simulate(&db, from, now(), now(), &mut |done, total| {
        assert!(done <= total);
        calls += 1;
    })
    .await
    .unwrap();
    assert!(calls >= 2, "progress is told");
    assert!(first.readings > 10_000, "{first:?}");
    assert_eq!(first.kept, first.readings);
    let again = simulator::simulate(&db, from, now(), now(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (again.readings, again.kept),
        (first.readings, 0),
        "a rerun changes nothing"
    );

    // Dead sensors fall silent, stuck ones are caught, the rest trusted.
    let done = housekeeping(&db, now(), 6).await.unwrap();
    let dead = indoor_with(&db, 29, 7).await;
    let stuck: Vec<(i64, i64)> = indoor_with(&db, 31, 11)
        .await
        .into_iter()
        .filter(|(_, household)| household % 29 != 7)
        .collect();
    assert!(!dead.is_empty() && !stuck.is_empty());
    // A station's sensor can lose contact too (station 7 here).
    let dead_stations: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sensors WHERE kind = 'station' AND station_id % 29 = 7",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    assert_eq!(
        done.flagged,
        dead.len() + stuck.len() + dead_stations as usize,
        "{done:?}"
    );
    let flags: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, flag FROM sensors WHERE flag IS NOT NULL ORDER BY id")
            .fetch_all(db.reader())
            .await
            .unwrap();
    for (id, _) in &dead {
        assert!(
            flags.contains(&(*id, "silent".to_string())),
            "{id} {flags:?}"
        );
    }
    for (id, _) in &stuck {
        assert!(
            flags.contains(&(*id, "stuck".to_string())),
            "{id} {flags:?}"
        );
    }

    // A cold flat's hours make a cold spell; a warm flat's do not.
    let spell_of = |sensor: i64| {
        let db = db.clone();
        async move {
            let hours = hours_of(db.reader(), sensor, Quantity::IndoorTemp, from, now())
                .await
                .unwrap();
            let hourly: Vec<(i64, f64)> = hours
                .iter()
                .map(|h| (h.hour, h.total / h.readings as f64))
                .collect();
            cold_spell(&hourly, &[], |_| true, ColdRule::default())
        }
    };
    let cold = indoor_with(&db, 13, 5)
        .await
        .into_iter()
        .find(|(_, household)| household % 29 != 7 && household % 31 != 11)
        .unwrap();
    assert!(spell_of(cold.0).await.is_some());
    let warm = indoor_with(&db, 13, 1).await[0];
    assert_eq!(spell_of(warm.0).await, None);
});
