//! Two instances of the server on one PostgreSQL database, with no sticky
//! sessions: a person signed in through one is signed in at the other, and
//! signing out at one ends the session at both; and what one process
//! keeps in memory catches up with another's writes.

use crate::support::{resident_signs_in, staff_signs_in, TestServer};
use backend::db::Engine;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_work_across_two_instances() {
    let first = TestServer::start(Engine::Postgres).await;
    let second = first.second_instance().await;

    let mut resident_here = resident_signs_in(&first, "13800000001").await;
    let mut resident_there = resident_here.at(&second);
    let page = resident_there.get("/me").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("金宝花园"),
        "the resident's home, served by the second instance"
    );
    let cases = resident_there.api("/api/cases").await;
    assert_eq!(cases.status, 200, "{cases:?}");
    assert_eq!(cases.body, resident_here.api("/api/cases").await.body);

    let mut dispatcher_here = staff_signs_in(
        &first,
        "dispatch_demo",
        backend::seed::demo::DEMO_STAFF_PASSWORD,
    )
    .await;
    let mut dispatcher_there = dispatcher_here.at(&second);
    assert_eq!(dispatcher_there.api("/api/dispatch").await.status, 200);

    // Signing out at the second instance ends the session at the first.
    let signed_out = resident_there.submit("/me", "/api/signout", &[]).await;
    assert_eq!(signed_out.status, 302, "{signed_out:?}");
    let after = resident_here.api("/api/cases").await;
    assert_eq!(after.status, 401, "{after:?}");
    assert_eq!(dispatcher_here.api("/api/dispatch").await.status, 200);
    first.finish().await;
}

/// What an instance serves from its snapshot of reference data (here the
/// outage board) shows a change written by another process within about a
/// second, though no word of it reaches this one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_written_elsewhere_shows_within_a_second() {
    let server = TestServer::start(Engine::Postgres).await;
    let db = &server.test_db.db;
    let title = "另一实例发布：鸢飞小区 2号楼 计划停热";
    let board = crate::support::page_text(&server.url("/outages")).await;
    assert!(!board.contains(title));

    let (company_id, building_id): (i64, i64) = sqlx::query_as(
        "SELECT s.company_id, b.id FROM buildings b JOIN stations s ON s.id = b.station_id \
         JOIN communities c ON c.id = b.community_id WHERE c.name = '鸢飞小区' AND b.name = '2号楼'",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    let now = server.now();
    let mut tx = db.writer().begin().await.unwrap();
    backend::store::outages::insert(
        &mut tx,
        &backend::store::outages::NewOutage {
            company_id,
            kind: domain::outage::OutageKind::Planned,
            title: title.to_string(),
            cause: "管网检修".to_string(),
            starts_at: now + 3600,
            expected_restore_at: now + 6 * 3600,
            restored_at: None,
            published_at: now,
            station_ids: Vec::new(),
            building_ids: vec![building_id],
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let written = Instant::now();
    loop {
        let board = crate::support::page_text(&server.url("/outages")).await;
        if board.contains(title) {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_secs(5),
            "the board still lacks the outage 5 s after it was written"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.finish().await;
}
