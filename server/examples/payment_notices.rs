//! Benchmark: payment notifications handled per second over HTTP, each
//! verified (WeChat Pay's RSA signature, its AES-256-GCM resource
//! decrypted) and booked once (the order paid, the bill's paid sum, the
//! household's text), then the same notifications again (resends: verified,
//! counted, nothing booked). The sandbox provider signs them; a few clients
//! post at once. On SQLite and, when `HEATDESK_TEST_POSTGRES_URL` answers,
//! on PostgreSQL. Called by `scripts/bench.sh`:
//!
//!   cargo run --release -p server --example payment_notices -- 2000 4

use backend::db::Engine;
use backend::integrations::payments::OrderToStart;
use backend::testing::TestDb;
use clap::Parser;
use domain::fees::money::Fen;
use domain::fees::payment::{out_trade_no, Channel};
use server::config::Cli;
use server::health::Readiness;
use server::payment_sandbox::SignedNotification;
use server::router;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Posts every notification once with `clients` at a time; the rate.
async fn post_all(notices: Arc<Vec<SignedNotification>>, clients: usize) -> f64 {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (notices, next) = (notices.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((headers, body, url)) = notices.get(i) else {
                    break;
                };
                let mut request = client.post(url).body(body.clone());
                for (name, value) in headers {
                    request = request.header(name, value);
                }
                let status = request.send().await.expect("posted").status();
                assert_eq!(status, 204, "notification {i}");
            }
        }));
    }
    for worker in workers {
        worker.await.expect("worker");
    }
    notices.len() as f64 / started.elapsed().as_secs_f64()
}

async fn run(engine: Engine, count: usize, clients: usize) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.db.clone();
    let now = domain::clock::local_instant(2026, 11, 28, 10).expect("a time");
    backend::seed::scale::seed_scale(&db, count as i64, now, &mut |_, _| {})
        .await
        .expect("a city");
    backend::seed::demo_bills::seed_demo_bills(&db, now)
        .await
        .expect("bills");
    let workdir = std::env::temp_dir().join(format!("heatdesk-pay-bench-{}", std::process::id()));
    std::fs::create_dir_all(workdir.join("site/pkg")).expect("site");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let config = Cli::parse_from([
        "heatdesk",
        "--fixed-now",
        &domain::clock::format_local_input(now),
        "--site-root",
        workdir.join("site").to_str().expect("path"),
        "--upload-dir",
        workdir.join("uploads").to_str().expect("path"),
        "--public-url",
        &base,
    ])
    .settings
    .validate()
    .expect("config");
    let state = router::state(&config, db.clone(), Readiness::default(), true);
    let (providers, sandbox) = (
        state.services.payments.clone(),
        state.payment_sandbox.clone().expect("sandbox"),
    );
    let app = router::build(state, config.request_timeout);
    tokio::spawn(async move {
        router::serve(listener, app, std::future::pending())
            .await
            .expect("serve")
    });

    // One open order per bill of this season, opened at the sandbox and paid there.
    let bills: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, household_id, amount_fen FROM fee_bills WHERE season_start_year = 2026 AND amount_fen > 0 \
         ORDER BY id LIMIT $1",
    )
    .bind(count as i64)
    .fetch_all(db.reader())
    .await
    .expect("bills");
    let mut notices = Vec::with_capacity(bills.len());
    for (bill, household, amount) in &bills {
        let order: i64 = sqlx::query_scalar(
            "INSERT INTO payment_orders (bill_id, household_id, channel, provider, amount_fen, state, created_at) \
             VALUES ($1, $2, 'wechat_h5', 'wechat', $3, 'paying', $4) RETURNING id",
        )
        .bind(bill)
        .bind(household)
        .bind(amount)
        .bind(now)
        .fetch_one(db.writer())
        .await
        .expect("an order");
        let number = out_trade_no(order);
        providers
            .start(&OrderToStart {
                out_trade_no: number.clone(),
                description: "热费".to_string(),
                amount: Fen(*amount),
                channel: Channel::WeChatH5,
                openid: None,
                payer_ip: "127.0.0.1".to_string(),
                return_url: format!("{base}/me/bills"),
                expires_at: now + domain::fees::payment::CLOSE_AFTER_SECONDS,
            })
            .await
            .expect("opened at the sandbox");
        sandbox.pay_quietly(&number).expect("paid");
        notices.push(sandbox.notification(&number).expect("a notification"));
    }
    let notices = Arc::new(notices);
    let first = post_all(notices.clone(), clients).await;
    let paid: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM payment_orders WHERE state = 'paid'")
        .fetch_one(db.reader())
        .await
        .expect("count");
    assert_eq!(paid as usize, notices.len(), "every order booked");
    let resent = post_all(notices.clone(), clients).await;
    println!(
        "{engine:?}: {} notifications, {clients} clients: {first:.0}/s booked, {resent:.0}/s resent (verified, nothing booked)",
        notices.len()
    );
    let _ = std::fs::remove_dir_all(&workdir);
    test_db.finish().await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let clients: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(4);
    run(Engine::Sqlite, count, clients).await;
    if std::env::var("HEATDESK_TEST_POSTGRES_URL").is_ok() {
        run(Engine::Postgres, count, clients).await;
    }
}
