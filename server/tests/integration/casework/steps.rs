//! Steps over HTTP: the whole loop from filing to rating, and who may
//! read or work a case.

use super::*;
use backend::on_both_engines;

use crate::support::{resident_signs_in, staff_signs_in, TestServer};
use serde_json::Value;

async fn the_whole_loop(server: &TestServer) {
    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;

    // A repair: a burst pipe is an emergency with a 2-hour promise.
    let filed = resident
        .submit_multipart(
            "/file/repair",
            "/api/file/repair",
            &[
                ("household_id", &household),
                ("category", "burst_pipe"),
                ("description", "卫生间暖气管爆了，正在跑水"),
                ("idempotency_key", &key("repair")),
            ],
        )
        .await;
    let id = case_id_of(&filed);
    let filed_case = case(&mut resident, id).await;
    assert_eq!(filed_case["brief"]["state"], "Acknowledged");
    assert_eq!(filed_case["brief"]["emergency"], true);
    assert_eq!(
        filed_case["brief"]["deadline"]["due_at"].as_i64().unwrap(),
        server.now() + 2 * 3600
    );
    let page = resident.get(&format!("/cases/{id}")).await;
    assert!(
        page.body.contains("抢修人员应于 11月28日 12:00 前到达"),
        "{}",
        page.body
    );
    assert!(texts_to(server, RESIDENT)
        .await
        .iter()
        .any(|t| t.contains("报修已受理")));

    // The resident cannot dispatch.
    let crew = crew_id(server).await;
    let refused = step(
        &mut resident,
        id,
        &[("action", "assign"), ("crew_id", &crew)],
    )
    .await;
    assert!(refused
        .form_error()
        .unwrap()
        .ends_with("「派单」需由调度员操作。"));

    // The dispatcher sees it at the top of the queue and assigns the crew.
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let queue: Value = serde_json::from_str(&dispatcher.api("/api/dispatch").await.body).unwrap();
    let queued: Vec<i64> = queue["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["case_id"].as_i64())
        .collect();
    assert!(queued.contains(&id), "{queue}");
    let detail = case(&mut dispatcher, id).await;
    assert_eq!(detail["contact_phone"], RESIDENT, "the dispatcher may call");
    assert!(detail["crews"].as_array().unwrap().len() == 1);
    let assigned = step(
        &mut dispatcher,
        id,
        &[("action", "assign"), ("crew_id", &crew)],
    )
    .await;
    assert_eq!(case_id_of(&assigned), id);

    // The crew: on the way, on site within the promise, fixed with a note.
    let mut crew_member = staff_signs_in(server, "crew_demo", PASSWORD).await;
    let jobs: Value = serde_json::from_str(&crew_member.api("/api/jobs").await.body).unwrap();
    assert!(jobs
        .as_array()
        .unwrap()
        .iter()
        .any(|job| job["case_id"].as_i64() == Some(id)));
    let no_note = step(&mut crew_member, id, &[("action", "fix")]).await;
    assert!(no_note.form_error().unwrap().contains("工单当前"));
    step(&mut crew_member, id, &[("action", "depart")]).await;
    server.advance(40 * 60);
    step(&mut crew_member, id, &[("action", "arrive")]).await;
    let empty_note = step(&mut crew_member, id, &[("action", "fix"), ("note", "  ")]).await;
    assert!(empty_note
        .form_error()
        .unwrap()
        .ends_with("请填写说明（原因或处理情况）。"));
    let fixed = step(
        &mut crew_member,
        id,
        &[("action", "fix"), ("note", "更换爆裂管段")],
    )
    .await;
    assert_eq!(case_id_of(&fixed), id);
    let on_site = case(&mut crew_member, id).await;
    assert_eq!(on_site["response"]["on_time"], true);
    assert_eq!(on_site["brief"]["state"], "Fixed");

    // The crew cannot confirm for the resident; the resident confirms and rates.
    let not_theirs = step(&mut crew_member, id, &[("action", "confirm")]).await;
    assert!(not_theirs.form_error().unwrap().contains("居民本人"));
    step(&mut resident, id, &[("action", "confirm")]).await;
    let rated = step(
        &mut resident,
        id,
        &[
            ("action", "rate"),
            ("rating", "5"),
            ("note", "师傅来得很快"),
        ],
    )
    .await;
    assert_eq!(case_id_of(&rated), id);
    let again = step(&mut resident, id, &[("action", "rate"), ("rating", "1")]).await;
    assert!(again.form_error().is_some(), "rated once only");

    let done = case(&mut resident, id).await;
    assert_eq!(done["brief"]["state"], "Closed");
    assert_eq!(done["rating"], 5);
    let steps: Vec<&str> = done["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap_or("filed"))
        .collect();
    assert_eq!(
        steps,
        ["filed", "Assign", "Depart", "Arrive", "Fix", "Confirm", "Rate"]
    );
    assert_eq!(
        done["contact_phone"], "138****0001",
        "masked for the resident"
    );
    let page = resident.get(&format!("/cases/{id}")).await;
    for text in [
        "派单",
        "抢修人员出发",
        "抢修人员到场",
        "更换爆裂管段",
        "5 星：师傅来得很快",
    ] {
        assert!(
            page.body.contains(text),
            "timeline shows {text}: {} {}",
            page.status,
            page.body
        );
    }

    // One text per step the resident cares about, none twice.
    let texts = texts_to(server, RESIDENT).await;
    for expected in ["报修已受理", "已派单", "已出发", "已到达", "已处理完成"] {
        assert_eq!(
            texts.iter().filter(|t| t.contains(expected)).count(),
            1,
            "{expected}: {texts:?}"
        );
    }
}
on_both_engines!(the_whole_loop, TestServer, the_whole_loop);

async fn nobody_reads_or_works_a_case_they_should_not(server: &TestServer) {
    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let id = case_id_of(
        &resident
            .submit_multipart(
                "/file/repair",
                "/api/file/repair",
                &[
                    ("household_id", &household),
                    ("category", "noise"),
                    ("idempotency_key", &key("noise")),
                ],
            )
            .await,
    );
    // Another resident: no read, no step, no hint, not even whether the
    // case has news.
    let mut neighbour = resident_signs_in(server, "13900000007").await;
    assert_eq!(
        neighbour
            .api(&format!("/api/cases/one?id={id}"))
            .await
            .status,
        404
    );
    assert_eq!(
        neighbour
            .api(&format!("/api/cases/one/events?id={id}"))
            .await
            .status,
        404
    );
    // Its own resident's open page asks how long the timeline is: a bare
    // number, as the case page's news island reads it.
    let events = resident
        .api(&format!("/api/cases/one/events?id={id}"))
        .await;
    assert_eq!(
        (events.status, events.body.trim()),
        (200, "1"),
        "{events:?}"
    );
    let cancel = step(&mut neighbour, id, &[("action", "cancel")]).await;
    assert!(cancel.form_error().unwrap().contains("没有找到该工单"));
    // A form the server cannot read (a case number that is not a number)
    // is refused with a message that says so, not "the network".
    let case_page = format!("/cases/{id}");
    let garbled = resident
        .submit(
            &case_page,
            "/api/cases/step",
            &[("case_id", "abc"), ("action", "cancel")],
        )
        .await;
    let location = garbled
        .location
        .clone()
        .unwrap_or_else(|| panic!("{garbled:?}"));
    let back = &location[location
        .find(&case_page)
        .unwrap_or_else(|| panic!("{location}"))..];
    let page = resident.get(back).await;
    assert!(page.body.contains("表单内容有误"), "{}", page.body);
    assert!(!page.body.contains("网络不稳定"));
    // The property manager of the building sees the case, not the phone.
    let mut property = staff_signs_in(server, "property_demo", PASSWORD).await;
    let seen = property.api(&format!("/api/cases/one?id={id}")).await;
    assert_eq!(seen.status, 200);
    assert!(!seen.body.contains(RESIDENT) && !seen.body.contains("138****"));
    let note = step(
        &mut property,
        id,
        &[("action", "note"), ("note", "物业已知悉")],
    )
    .await;
    assert!(note.form_error().is_some(), "property managers only read");
    // The grid worker may add a note; the resident's number is not theirs
    // to see (they did not file this case).
    let mut grid = staff_signs_in(server, "grid_demo", PASSWORD).await;
    let detail = case(&mut grid, id).await;
    assert_eq!(detail["contact_phone"], serde_json::Value::Null);
    let noted = step(
        &mut grid,
        id,
        &[("action", "note"), ("note", "已电话联系居民")],
    )
    .await;
    assert_eq!(case_id_of(&noted), id);
    // Only the crew assigned takes crew steps: unassigned, nobody departs.
    let mut crew_member = staff_signs_in(server, "crew_demo", PASSWORD).await;
    assert_eq!(
        crew_member
            .api(&format!("/api/cases/one?id={id}"))
            .await
            .status,
        404
    );
    // The resident may withdraw before dispatch; the dispatcher's read of
    // the phone number is in the audit log.
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    case(&mut dispatcher, id).await;
    // The page refreshing itself is the same look.
    server.advance(15);
    case(&mut dispatcher, id).await;
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'read_contact' AND subject_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(audited, 1);
    step(&mut resident, id, &[("action", "cancel")]).await;
    assert_eq!(case(&mut resident, id).await["brief"]["state"], "Cancelled");
}
on_both_engines!(
    nobody_reads_or_works_a_case_they_should_not,
    TestServer,
    nobody_reads_or_works_a_case_they_should_not
);
