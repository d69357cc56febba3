//! How many SQL statements a page view runs once this process's
//! once-a-second snapshots are warm: the public pages none (their data is
//! the snapshots), a resident's case page its viewer, its case, its
//! timeline and its files, the dispatcher's queue its viewer, its cases and
//! the incidents made of the data's findings. A page that reads the viewer
//! once per server function, or its case in pieces, fails here.
//!
//! The statements are counted as sqlx runs them (its `sqlx::query`
//! events); the test server runs no background workers, so every one
//! counted is the page's.

// Alone in its process: it counts every statement the process runs.
#[path = "integration/support/mod.rs"]
mod support;

use backend::db::Engine;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{resident_signs_in, staff_signs_in, Browser, TestServer};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

static STATEMENTS: AtomicUsize = AtomicUsize::new(0);

/// Counts the statements sqlx reports running.
struct CountStatements;

impl<S: tracing::Subscriber> Layer<S> for CountStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            STATEMENTS.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The statements one view of `path` runs: the fewest of three views,
/// each right after a view that warms the snapshots (one may expire
/// during a view and be read again).
async fn statements_of(browser: &mut Browser, path: &str) -> usize {
    let mut fewest = usize::MAX;
    for _ in 0..3 {
        assert_eq!(browser.get(path).await.status, 200, "{path}");
        STATEMENTS.store(0, Ordering::SeqCst);
        assert_eq!(browser.get(path).await.status, 200, "{path}");
        fewest = fewest.min(STATEMENTS.load(Ordering::SeqCst));
    }
    fewest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_run_few_statements() {
    let subscriber = tracing_subscriber::registry().with(
        CountStatements.with_filter(
            tracing_subscriber::filter::Targets::new()
                .with_target("sqlx::query", tracing::Level::DEBUG),
        ),
    );
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let server = TestServer::start(Engine::Sqlite).await;

    let mut visitor = Browser::new(&server);
    assert_eq!(statements_of(&mut visitor, "/").await, 0, "home");
    assert_eq!(statements_of(&mut visitor, "/outages").await, 0, "outages");

    let mut resident = resident_signs_in(&server, "13800000001").await;
    let cases: serde_json::Value =
        serde_json::from_str(&resident.api("/api/cases").await.body).unwrap();
    let case_id = cases[0]["case_id"].as_i64().unwrap();
    // The viewer, the case as the resident stands to it, its timeline and
    // its files.
    let case_page = statements_of(&mut resident, &format!("/cases/{case_id}")).await;
    assert!(case_page <= 4, "a resident's case page ran {case_page}");

    let password = backend::seed::demo::DEMO_STAFF_PASSWORD;
    let mut dispatcher = staff_signs_in(&server, "dispatch_demo", password).await;
    // The viewer, the queue's cases and the open data incidents.
    let queue = statements_of(&mut dispatcher, "/dispatch").await;
    assert!(queue <= 3, "the dispatcher's queue ran {queue}");
    server.finish().await;
}
