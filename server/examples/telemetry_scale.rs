//! Benchmark: telemetry at Weifang's density — 16,000 indoor sensors every
//! 20 minutes and 1,400 stations reporting their six quantities every 5
//! minutes — for N days on one engine, then what people wait for at that
//! size: the property manager's building chart, the resident's home card,
//! the dispatcher's station board and data findings, and the job that
//! computes a day of 室温达标率. Prints rows, sizes on disk and p50/p99 of
//! each over repeated calls on random buildings and companies.
//!
//! The readings are written by the engine itself (one INSERT … SELECT per
//! day and kind, rollups by one GROUP BY per day): this measures reading
//! at scale, not ingest (`telemetry_ingest` does that).
//!
//!   cargo run --release -p server --example telemetry_scale -- postgres 30
//!   cargo run --release -p server --example telemetry_scale -- sqlite 7

use backend::db::Engine;
use backend::services::identity::Viewer;
use backend::testing::TestDb;
use backend::{Database, PortalSettings};
use domain::roles::Role;
use domain::telemetry::{MonthSpan, Quantity, SensorKind};
use std::time::{Duration, Instant};

const INDOOR_SENSORS: i64 = 16_000;
const STATIONS: i64 = 1_400;
const DAY: i64 = 86_400;
/// Calls per measured view.
const CALLS: usize = 200;

fn seconds_since(started: Instant) -> String {
    format!("{:.1} s", started.elapsed().as_secs_f64())
}

/// The households, stations and sensors of a city at Weifang's density.
async fn city(db: &Database, now: i64) {
    let started = Instant::now();
    // A sensor in 16,000 heated homes: the demo city grown to that size.
    backend::seed::scale::seed_scale(db, INDOOR_SENSORS * 50 / 49 + 2_000, now, &mut |_, _| {})
        .await
        .expect("seed the city");
    let companies: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT c.id, MIN(s.id) FROM heating_companies c \
         JOIN heat_sources s ON s.company_id = c.id GROUP BY c.id ORDER BY c.id",
    )
    .fetch_all(db.reader())
    .await
    .expect("companies");
    let stations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stations")
        .fetch_one(db.reader())
        .await
        .expect("stations");
    // The rest of the city's stations (their buildings are not needed to
    // report and be judged).
    for n in stations..STATIONS {
        let (company, source) = companies[(n as usize) % companies.len()];
        sqlx::query(
            "INSERT INTO stations (company_id, heat_source_id, code, name) VALUES ($1, $2, $3, $4)",
        )
        .bind(company)
        .bind(source)
        .bind(format!("SC-{n:05}"))
        .bind(format!("规模测试{n}号换热站"))
        .execute(db.writer())
        .await
        .expect("station");
    }
    sqlx::query(
        "INSERT INTO sensors (code, kind, household_id, building_id, company_id, registered_at) \
         SELECT 'SC-IN-' || h.id, 'indoor', h.id, u.building_id, h.company_id, $1 \
         FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE h.service_state = 'heated' AND h.id IN \
           (SELECT id FROM households WHERE service_state = 'heated' ORDER BY id LIMIT $2)",
    )
    .bind(now - 60 * DAY)
    .bind(INDOOR_SENSORS)
    .execute(db.writer())
    .await
    .expect("indoor sensors");
    sqlx::query(
        "INSERT INTO sensors (code, kind, station_id, company_id, registered_at) \
         SELECT 'SC-ST-' || s.id, 'station', s.id, s.company_id, $1 FROM stations s",
    )
    .bind(now - 60 * DAY)
    .execute(db.writer())
    .await
    .expect("station sensors");
    sqlx::query("INSERT INTO sensors (code, kind, registered_at) VALUES ('SC-OUT', 'outdoor', $1)")
        .bind(now - 60 * DAY)
        .execute(db.writer())
        .await
        .expect("outdoor sensor");
    println!(
        "  city: {} ({} households seeded)",
        seconds_since(started),
        INDOOR_SENSORS * 50 / 49 + 2_000
    );
}

/// One kind's readings of `[from, to)` every `step` seconds, written by
/// the engine; returns the rows written.
async fn readings_of(db: &Database, kind: SensorKind, from: i64, to: i64, step: i64) -> u64 {
    let quantities: Vec<String> = Quantity::ALL
        .into_iter()
        .filter(|q| q.is_reported_by(kind))
        .map(|q| format!("SELECT {} AS code", q.code()))
        .collect();
    // Cold flats (one in thirteen), a daily swing, a little noise.
    let value = match kind {
        SensorKind::Indoor => {
            "CASE WHEN s.id % 13 = 5 THEN 16.8 ELSE 20.6 END \
             + ((s.id * 37 + t.at / 1200) % 21) / 10.0 - 1.0"
        }
        SensorKind::Station => "30.0 + q.code * 3 + ((s.id + t.at / 300) % 11) / 5.0",
        SensorKind::Outdoor => "-2.0 + ((t.at / 3600) % 8) - 4",
    };
    let sql = format!(
        "WITH RECURSIVE t(at) AS (SELECT CAST($1 AS BIGINT) UNION ALL \
                                 SELECT at + $3 FROM t WHERE at + $3 < $2), \
              q(code) AS ({}) \
         INSERT INTO telemetry_readings (sensor_id, quantity, measured_at, value) \
         SELECT s.id, q.code, t.at, {value} FROM sensors s, t, q WHERE s.kind = $4",
        quantities.join(" UNION ALL ")
    );
    sqlx::query(&sql)
        .bind(from)
        .bind(to)
        .bind(step)
        .bind(kind.as_str())
        .execute(db.writer())
        .await
        .expect("readings")
        .rows_affected()
}

/// N days of readings and their hourly rollups, day by day.
async fn season(db: &Database, now: i64, days: i64) -> u64 {
    let started = Instant::now();
    let first = now - days * DAY;
    let mut months = vec![MonthSpan::containing(first)];
    while months.last().is_some_and(|m| m.end < now) {
        let next = months.last().map(MonthSpan::next).expect("a month");
        months.push(next);
    }
    backend::store::telemetry::ensure_partitions(db, &months)
        .await
        .expect("partitions");
    let mut rows = 0;
    for day in 0..days {
        let (from, to) = (first + day * DAY, first + (day + 1) * DAY);
        rows += readings_of(db, SensorKind::Indoor, from, to, 1_200).await;
        rows += readings_of(db, SensorKind::Station, from, to, 300).await;
        rows += readings_of(db, SensorKind::Outdoor, from, to, 600).await;
        sqlx::query(
            "INSERT INTO telemetry_hourly (sensor_id, quantity, hour, readings, total, lowest, highest) \
             SELECT sensor_id, quantity, measured_at - measured_at % 3600, COUNT(*), SUM(value), \
                    MIN(value), MAX(value) \
             FROM telemetry_readings WHERE measured_at >= $1 AND measured_at < $2 \
             GROUP BY sensor_id, quantity, measured_at - measured_at % 3600",
        )
        .bind(from)
        .bind(to)
        .execute(db.writer())
        .await
        .expect("rollups");
        eprintln!(
            "  day {}/{days}: {rows} readings, {}",
            day + 1,
            seconds_since(started)
        );
    }
    sqlx::query("UPDATE sensors SET last_heard_at = $1")
        .bind(now - 300)
        .execute(db.writer())
        .await
        .expect("last heard");
    if db.engine() == Engine::Postgres {
        // What autovacuum reaches on its own once past days stop changing:
        // their pages marked all-visible, so charts read the rollups from
        // the primary key alone (index-only scans).
        sqlx::query("VACUUM (ANALYZE) telemetry_hourly")
            .execute(db.writer())
            .await
            .expect("vacuum the rollups");
    }
    sqlx::query("ANALYZE")
        .execute(db.writer())
        .await
        .expect("analyze");
    println!(
        "  {days} days: {rows} readings ({:.0}/day) written and rolled up in {}",
        rows as f64 / days as f64,
        seconds_since(started)
    );
    rows
}

/// Bytes on disk: the raw readings and the rollups (PostgreSQL), or the
/// whole database file (SQLite).
async fn sizes(db: &Database, url: &str) -> String {
    match db.engine() {
        Engine::Postgres => {
            let (raw, hourly): (i64, i64) = sqlx::query_as(
                "SELECT CAST((SELECT SUM(pg_total_relation_size(inhrelid)) FROM pg_inherits \
                              WHERE inhparent = 'telemetry_readings'::regclass) AS BIGINT), \
                        pg_total_relation_size('telemetry_hourly')",
            )
            .fetch_one(db.reader())
            .await
            .expect("sizes");
            format!(
                "raw readings {:.2} GiB, hourly rollups {:.2} GiB",
                raw as f64 / (1u64 << 30) as f64,
                hourly as f64 / (1u64 << 30) as f64
            )
        }
        Engine::Sqlite => {
            let path = url.trim_start_matches("sqlite:");
            let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            format!(
                "database file {:.2} GiB",
                bytes as f64 / (1u64 << 30) as f64
            )
        }
    }
}

/// p50, p99 and the slowest of `durations`, in milliseconds.
fn percentiles(mut durations: Vec<Duration>) -> String {
    durations.sort();
    let at = |p: f64| {
        let i = ((durations.len() as f64 * p).ceil() as usize).clamp(1, durations.len()) - 1;
        durations[i].as_secs_f64() * 1_000.0
    };
    format!(
        "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} calls)",
        at(0.50),
        at(0.99),
        at(1.0),
        durations.len()
    )
}

async fn timed<F, Fut>(calls: usize, mut call: F) -> String
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut durations = Vec::with_capacity(calls);
    for i in 0..calls {
        let started = Instant::now();
        call(i).await;
        durations.push(started.elapsed());
    }
    percentiles(durations)
}

fn dispatcher(company_id: i64) -> Viewer {
    Viewer {
        person_id: 1,
        display_name: "规模测试".to_string(),
        phone: None,
        username: None,
        company_id: Some(company_id),
        roles: vec![Role::Dispatcher],
    }
}

async fn views(db: &Database, now: i64) {
    let buildings: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT building_id FROM sensors WHERE kind = 'indoor' ORDER BY building_id",
    )
    .fetch_all(db.reader())
    .await
    .expect("buildings");
    let homes: Vec<i64> = sqlx::query_scalar(
        "SELECT household_id FROM sensors WHERE kind = 'indoor' ORDER BY household_id",
    )
    .fetch_all(db.reader())
    .await
    .expect("homes");
    let companies: Vec<i64> = sqlx::query_scalar("SELECT id FROM heating_companies ORDER BY id")
        .fetch_all(db.reader())
        .await
        .expect("companies");
    let pick = |list: &[i64], i: usize| list[(i * 7_919) % list.len()];
    let building = timed(CALLS, |i| {
        let id = pick(&buildings, i);
        async move {
            let measured = backend::services::telemetry::views::measured_building(db, id, now)
                .await
                .expect("building chart");
            assert!(!measured.is_empty(), "building {id} has data");
        }
    })
    .await;
    println!("  building chart (a week per day, each flat's 24 h): {building}");
    let home = timed(CALLS, |i| {
        let id = pick(&homes, i);
        async move {
            let card = backend::services::telemetry::views::home_temperature(db, id, now, 3 * DAY)
                .await
                .expect("home card");
            assert!(card.is_some(), "home {id} has data");
        }
    })
    .await;
    println!("  home card (3 days of hours): {home}");
    let board = timed(CALLS / 4, |i| {
        let viewer = dispatcher(pick(&companies, i));
        async move {
            let board = backend::services::telemetry::views::station_board(db, &viewer, now)
                .await
                .expect("station board");
            assert!(
                board.stations.len() >= 100,
                "{} stations",
                board.stations.len()
            );
        }
    })
    .await;
    println!("  station board (every station of a company): {board}");
    let settings = PortalSettings::default();
    let findings = timed(10, |i| {
        let viewer = dispatcher(pick(&companies, i));
        let settings = settings.clone();
        async move {
            backend::services::telemetry::findings::data_findings(db, &settings, &viewer, now)
                .await
                .expect("findings");
        }
    })
    .await;
    println!("  data findings on the queue: {findings}");
    let day = domain::clock::to_local(now - DAY).date_naive();
    let compliance = timed(3, |_| {
        let settings = settings.clone();
        async move {
            backend::services::telemetry::compliance::compute_days(db, &settings, &[day], now)
                .await
                .expect("compliance");
        }
    })
    .await;
    println!("  室温达标率, one day of every company: {compliance}");
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let engine = match args.get(1).map(String::as_str) {
        Some("postgres") => Engine::Postgres,
        _ => Engine::Sqlite,
    };
    let days: i64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(7);
    let now = domain::clock::local_instant(2027, 1, 15, 0).expect("a time");
    println!("{engine:?}, {days} days at Weifang's density:");
    if let Ok(url) = std::env::var("HEATDESK_SCALE_REUSE") {
        // A database an earlier run kept (HEATDESK_SCALE_KEEP): the views
        // again, without writing the season again.
        let db = Database::connect(&url).await.expect("the kept database");
        println!("  on disk: {}", sizes(&db, &url).await);
        views(&db, now).await;
        return;
    }
    let test_db = TestDb::new(engine).await;
    let db = test_db.db.clone();
    city(&db, now).await;
    season(&db, now, days).await;
    println!("  on disk: {}", sizes(&db, &test_db.url).await);
    views(&db, now).await;
    if std::env::var("HEATDESK_SCALE_KEEP").is_ok() {
        // For a look at query plans afterwards.
        println!("  kept at {}", test_db.url);
        return;
    }
    test_db.finish().await;
}
