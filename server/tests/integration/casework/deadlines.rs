//! Deadlines: yellow then red as a case's clock runs, and the admin's
//! rules and holidays they follow.

use super::*;
use backend::on_both_engines;

use crate::support::{resident_signs_in, staff_signs_in, Browser, TestServer};
use serde_json::Value;

async fn deadlines_turn_yellow_then_red(server: &TestServer) {
    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let id = case_id_of(
        &resident
            .submit_multipart(
                "/file/repair",
                "/api/file/repair",
                &[
                    ("household_id", &household),
                    ("category", "valve"),
                    ("idempotency_key", &key("valve")),
                ],
            )
            .await,
    );
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    // The demo queue holds other cases: look at this one.
    let urgency = |queue: &Value| {
        queue["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["case_id"].as_i64() == Some(id))
            .and_then(|c| c["urgency"].as_str())
            .map(str::to_string)
    };
    let read = |d: &mut Browser, path: &'static str| {
        let mut d = d.clone();
        async move { serde_json::from_str::<Value>(&d.api(path).await.body).unwrap() }
    };
    let queue = read(&mut dispatcher, "/api/dispatch?kind=repair").await;
    assert_eq!(urgency(&queue).as_deref(), Some("OnTime"), "{queue}");
    server.advance(95 * 60);
    let queue = read(&mut dispatcher, "/api/dispatch?kind=repair").await;
    assert_eq!(urgency(&queue).as_deref(), Some("DueSoon"));
    let overdue_only = read(&mut dispatcher, "/api/dispatch?kind=repair&overdue=1").await;
    assert_eq!(urgency(&overdue_only), None, "not overdue yet");
    server.advance(30 * 60);
    let overdue = read(&mut dispatcher, "/api/dispatch?kind=repair&overdue=1").await;
    assert_eq!(urgency(&overdue).as_deref(), Some("Overdue"), "{overdue}");
    assert!(overdue["cases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["urgency"] == "Overdue" && c["kind"] == "Repair"));
    let page = dispatcher.get("/dispatch?overdue=1").await;
    assert!(page.body.contains("已超期"), "red on the queue page");

    // A late arrival is recorded as a missed promise.
    let crew = crew_id(server).await;
    step(
        &mut dispatcher,
        id,
        &[("action", "assign"), ("crew_id", &crew)],
    )
    .await;
    let mut crew_member = staff_signs_in(server, "crew_demo", PASSWORD).await;
    step(&mut crew_member, id, &[("action", "arrive")]).await;
    let late = case(&mut resident, id).await;
    assert_eq!(late["response"]["on_time"], false);
    assert!(
        late["brief"]["deadline"].is_null(),
        "the clock stopped on site"
    );

    // Not fixed: reopened with a new 2-hour clock, and back in the queue.
    step(
        &mut crew_member,
        id,
        &[("action", "fix"), ("note", "已调阀门")],
    )
    .await;
    step(
        &mut resident,
        id,
        &[("action", "reopen"), ("note", "还是不热")],
    )
    .await;
    let reopened = case(&mut resident, id).await;
    assert_eq!(reopened["brief"]["state"], "Acknowledged");
    assert_eq!(
        reopened["brief"]["deadline"]["due_at"].as_i64().unwrap(),
        server.now() + 2 * 3600
    );
    assert!(reopened["brief"]["crew_name"].is_null());
}
on_both_engines!(
    deadlines_turn_yellow_then_red,
    TestServer,
    deadlines_turn_yellow_then_red
);

async fn admins_set_deadlines_and_holidays(server: &TestServer) {
    let mut admin = staff_signs_in(server, "admin_demo", PASSWORD).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let refused = dispatcher
        .call(
            "/api/admin/case-rules/deadline",
            &[
                ("rule", "repair_on_site"),
                ("amount", "1"),
                ("unit", "hours"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    let nonsense = admin
        .call(
            "/api/admin/case-rules/deadline",
            &[
                ("rule", "repair_on_site"),
                ("amount", "0"),
                ("unit", "hours"),
            ],
        )
        .await;
    assert!(nonsense.body.contains("1–720 小时"), "{nonsense:?}");
    let set = admin
        .call(
            "/api/admin/case-rules/deadline",
            &[
                ("rule", "repair_on_site"),
                ("amount", "1"),
                ("unit", "hours"),
            ],
        )
        .await;
    assert_eq!(set.status, 200, "{set:?}");
    // Monday 30 November becomes a holiday: reviews filed on Saturday end a day later.
    let holiday = admin
        .call(
            "/api/admin/case-rules/day",
            &[
                ("day", "2026-11-30"),
                ("kind", "holiday"),
                ("name", "演示假日"),
            ],
        )
        .await;
    assert_eq!(holiday.status, 200, "{holiday:?}");
    let rules: Value =
        serde_json::from_str(&admin.api("/api/admin/case-rules").await.body).unwrap();
    assert_eq!(rules["policy"]["repair_on_site"]["Hours"], 1);
    assert!(rules["days"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["day"] == "2026-11-30" && d["name"] == "演示假日"));

    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let repair = case_id_of(
        &resident
            .submit_multipart(
                "/file/repair",
                "/api/file/repair",
                &[
                    ("household_id", &household),
                    ("category", "valve"),
                    ("idempotency_key", &key("onehour")),
                ],
            )
            .await,
    );
    let repair = case(&mut resident, repair).await;
    assert_eq!(
        repair["brief"]["deadline"]["due_at"].as_i64().unwrap(),
        server.now() + 3600
    );
    let application = case_id_of(
        &resident
            .submit_files(
                "/file/application",
                "/api/file/application",
                &[
                    ("household_id", &household),
                    ("kind", "suspend"),
                    ("has_own_valve", "1"),
                    ("idempotency_key", &key("holiday")),
                ],
                &[("房产证.png", photo_png(64, 64))],
            )
            .await,
    );
    let application = case(&mut resident, application).await;
    assert_eq!(
        application["brief"]["deadline"]["due_at"].as_i64().unwrap(),
        domain::clock::local_instant(2026, 12, 4, 0).unwrap(),
        "Tue, Wed, Thu"
    );
    let removed = admin
        .call("/api/admin/case-rules/day/remove", &[("day", "2026-11-30")])
        .await;
    assert_eq!(removed.status, 200);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('set_deadline', 'set_calendar_day', 'remove_calendar_day')",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(audited, 3);
}
on_both_engines!(
    admins_set_deadlines_and_holidays,
    TestServer,
    admins_set_deadlines_and_holidays
);
