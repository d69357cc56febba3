//! Benchmark: readings per second through the telemetry API (batches of
//! 1,000 posted over HTTP by a few clients at once, each checked, kept once
//! and rolled up by hour), beside the engine's own bulk insert of the same
//! rows into a table of the same shape in the same run (PostgreSQL's COPY;
//! on SQLite multi-row INSERTs in one transaction), and their ratio. Runs
//! on SQLite and, when `HEATDESK_TEST_POSTGRES_URL` answers, on PostgreSQL.
//! Called by `scripts/bench.sh`:
//!
//!   cargo run --release -p server --example telemetry_ingest -- 100 4

use backend::db::Engine;
use backend::testing::TestDb;
use backend::Database;
use clap::Parser;
use server::config::Cli;
use server::health::Readiness;
use server::router;
use sqlx::postgres::PgPoolCopyExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

const BATCH: usize = 1_000;
const KEY: &str = "hdtel_benchmark-key-0123456789abcdefghijklmnopqrstuv";

struct Row {
    sensor_id: i64,
    code: String,
    measured_at: i64,
    value: f64,
}

/// `count` readings: every indoor sensor every 20 minutes, going back from
/// `now`.
async fn rows(db: &Database, now: i64, count: usize) -> Vec<Row> {
    let sensors: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, code FROM sensors WHERE kind = 'indoor' ORDER BY id")
            .fetch_all(db.reader())
            .await
            .expect("sensors");
    let mut rows = Vec::with_capacity(count);
    let mut step = 1;
    while rows.len() < count {
        for (id, code) in &sensors {
            if rows.len() == count {
                break;
            }
            rows.push(Row {
                sensor_id: *id,
                code: code.clone(),
                measured_at: now - step * 1_200,
                value: 18.0 + ((id + step) % 50) as f64 / 10.0,
            });
        }
        step += 1;
    }
    rows
}

fn json_batches(rows: &[Row]) -> Vec<String> {
    rows.chunks(BATCH)
        .map(|chunk| {
            let readings: Vec<serde_json::Value> = chunk
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "sensor_id": r.code,
                        "measured_at": r.measured_at,
                        "quantity": "indoor_temp",
                        "value": r.value,
                    })
                })
                .collect();
            serde_json::Value::Array(readings).to_string()
        })
        .collect()
}

/// Serves the portal on a free port; its address.
async fn serve(db: Database, now: i64, workdir: &std::path::Path) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let site = workdir.join("site");
    std::fs::create_dir_all(site.join("pkg")).expect("site");
    let now_text = domain::clock::format_local_input(now);
    let config = Cli::parse_from([
        "heatdesk",
        "--fixed-now",
        &now_text,
        "--site-root",
        site.to_str().expect("path"),
        "--upload-dir",
        workdir.join("uploads").to_str().expect("path"),
        "--public-url",
        &base,
    ])
    .settings
    .validate()
    .expect("config");
    let state = router::state(&config, db, Readiness::default(), false);
    let app = router::build(state, config.request_timeout);
    tokio::spawn(async move {
        router::serve(listener, app, std::future::pending())
            .await
            .expect("serve");
    });
    base
}

/// Seconds the engine takes to bulk-insert the rows into a fresh table of
/// the readings' shape.
async fn bulk_insert(engine: Engine, test_db: &TestDb, rows: &[Row]) -> f64 {
    let db = &test_db.db;
    sqlx::query(
        "CREATE TABLE bulk_readings (sensor_id BIGINT NOT NULL, quantity SMALLINT NOT NULL, \
         measured_at BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, \
         PRIMARY KEY (sensor_id, quantity, measured_at))",
    )
    .execute(db.writer())
    .await
    .expect("table");
    let started = Instant::now();
    match engine {
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&test_db.url).await.expect("pg");
            let mut csv = String::with_capacity(rows.len() * 32);
            for r in rows {
                csv.push_str(&format!(
                    "{},1,{},{}\n",
                    r.sensor_id, r.measured_at, r.value
                ));
            }
            let mut copy = pool
                .copy_in_raw("COPY bulk_readings FROM STDIN (FORMAT csv)")
                .await
                .expect("copy");
            copy.send(csv.as_bytes()).await.expect("send");
            copy.finish().await.expect("finish");
            pool.close().await;
        }
        Engine::Sqlite => {
            // Anonymous parameters: SQLite searches named ones linearly on
            // every bind (see backend's store::ordered_placeholders).
            let mut tx = db.writer().begin().await.expect("tx");
            for chunk in rows.chunks(BATCH) {
                let values = vec!["(?, 1, ?, ?)"; chunk.len()].join(", ");
                let sql = format!(
                    "INSERT INTO bulk_readings (sensor_id, quantity, measured_at, value) VALUES {values}"
                );
                let mut query = sqlx::query(&sql);
                for r in chunk {
                    query = query.bind(r.sensor_id).bind(r.measured_at).bind(r.value);
                }
                query.execute(&mut *tx).await.expect("insert");
            }
            tx.commit().await.expect("commit");
        }
    }
    started.elapsed().as_secs_f64()
}

async fn run(engine: Engine, batches: usize, clients: usize) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.db.clone();
    let now = domain::clock::local_instant(2026, 12, 6, 10).expect("a time");
    backend::seed::demo::seed_demo(&db, now)
        .await
        .expect("seed");
    backend::seed::telemetry::register_sensors(&db, now)
        .await
        .expect("sensors");
    let admin: i64 = sqlx::query_scalar("SELECT MIN(id) FROM people")
        .fetch_one(db.reader())
        .await
        .expect("a person");
    sqlx::query(
        "INSERT INTO api_keys (scope, label, key_hash, key_hint, issued_by, issued_at) \
         VALUES ('telemetry', 'bench', $1, 'hdtel_benc', $2, $3)",
    )
    .bind(backend::secrets::token_hash(KEY))
    .bind(admin)
    .bind(now)
    .execute(db.writer())
    .await
    .expect("key");
    let rows = rows(&db, now, batches * BATCH).await;
    let bodies = Arc::new(json_batches(&rows));
    let workdir = std::env::temp_dir().join(format!("heatdesk-ingest-{}", std::process::id()));
    let base = serve(db.clone(), now, &workdir).await;
    let url = format!("{base}/telemetry/v1/readings");
    let client = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (client, url, bodies, next) =
                (client.clone(), url.clone(), bodies.clone(), next.clone());
            tokio::spawn(async move {
                let mut accepted = 0u64;
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(body) = bodies.get(i) else {
                        return accepted;
                    };
                    let answer: serde_json::Value = client
                        .post(&url)
                        .header("authorization", format!("Bearer {KEY}"))
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .expect("post")
                        .json()
                        .await
                        .expect("answer");
                    accepted += answer["accepted"]
                        .as_u64()
                        .unwrap_or_else(|| panic!("{answer}"));
                }
            })
        })
        .collect();
    let mut accepted = 0;
    for worker in workers {
        accepted += worker.await.expect("worker");
    }
    let api_seconds = started.elapsed().as_secs_f64();
    assert_eq!(accepted as usize, rows.len(), "every reading kept once");
    let rolled: i64 =
        sqlx::query_scalar("SELECT CAST(SUM(readings) AS BIGINT) FROM telemetry_hourly")
            .fetch_one(db.reader())
            .await
            .expect("rollups");
    assert_eq!(rolled as usize, rows.len(), "every reading rolled up once");
    let bulk_seconds = bulk_insert(engine, &test_db, &rows).await;
    let api_rate = rows.len() as f64 / api_seconds;
    let bulk_rate = rows.len() as f64 / bulk_seconds;
    println!(
        "{engine:?}: {} readings in batches of {BATCH} by {clients} clients: API {api_rate:.0}/s ({api_seconds:.2} s); \
         bulk insert of the same rows {bulk_rate:.0}/s ({bulk_seconds:.2} s); ratio {:.2}",
        rows.len(),
        api_rate / bulk_rate
    );
    let _ = std::fs::remove_dir_all(&workdir);
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let batches: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let clients: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(4);
    run(Engine::Sqlite, batches, clients).await;
    if std::env::var("HEATDESK_TEST_POSTGRES_URL").is_ok() {
        run(Engine::Postgres, batches, clients).await;
    }
}
