//! Two instances of the server on one PostgreSQL database, with no sticky
//! sessions: a person signed in through one is signed in at the other, and
//! signing out at one ends the session at both.

mod support;

use backend::db::Engine;
use support::{resident_signs_in, staff_signs_in, TestServer};

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
