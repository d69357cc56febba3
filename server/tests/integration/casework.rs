//! Cases over real HTTP on SQLite and PostgreSQL: a resident files, a
//! dispatcher assigns, a crew goes, the resident confirms and rates; triage,
//! deadlines, idempotency, applications and who may do what.

use backend::on_both_engines;

use crate::support::{resident_signs_in, staff_signs_in, Answer, Browser, TestServer};
use serde_json::Value;

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;
/// The demo resident, bound to the first flat of 金宝花园 (heat on).
const RESIDENT: &str = "13800000001";

/// A real PNG photo of the given size.
fn photo_png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

fn key(label: &str) -> String {
    format!("test-key-{label}-0123456789")
}

/// The id of the case a filing or step redirected to.
fn case_id_of(answer: &Answer) -> i64 {
    assert!(answer.form_error().is_none(), "{:?}", answer.form_error());
    let location = answer
        .location
        .as_deref()
        .unwrap_or_else(|| panic!("{answer:?}"));
    location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a case page: {location}"))
}

async fn household_of(server: &TestServer, account_no: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM households WHERE account_no = $1")
        .bind(account_no)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap()
}

async fn demo_household(server: &TestServer) -> String {
    let id: i64 = sqlx::query_scalar(
        "SELECT ph.household_id FROM person_households ph JOIN people p ON p.id = ph.person_id \
         WHERE p.phone = $1",
    )
    .bind(RESIDENT)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    id.to_string()
}

async fn crew_id(server: &TestServer) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM crews WHERE name = '奎文抢修一队'")
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    id.to_string()
}

async fn case(browser: &mut Browser, id: i64) -> Value {
    let answer = browser.api(&format!("/api/cases/one?id={id}")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    serde_json::from_str(&answer.body).unwrap()
}

async fn step(browser: &mut Browser, id: i64, form: &[(&str, &str)]) -> Answer {
    let id = id.to_string();
    let mut fields = vec![("case_id", id.as_str())];
    fields.extend_from_slice(form);
    browser
        .submit(&format!("/cases/{id}"), "/api/cases/step", &fields)
        .await
}

async fn texts_to(server: &TestServer, phone: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT payload FROM outbox WHERE recipient = $1 ORDER BY id")
        .bind(phone)
        .fetch_all(server.test_db.db.reader())
        .await
        .unwrap()
}

async fn file_temperature(
    browser: &mut Browser,
    household: &str,
    reading: &str,
    anyway: bool,
    key: &str,
) -> Answer {
    let mut form = vec![
        ("household_id", household),
        ("room", "living_room"),
        ("reading", reading),
        ("measured_as_guided", "1"),
        ("note", "客厅一直不热"),
        ("idempotency_key", key),
    ];
    if anyway {
        form.push(("file_anyway", "1"));
    }
    browser
        .submit_multipart("/file/temperature", "/api/file/temperature", &form)
        .await
}

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

async fn temperature_triage(server: &TestServer) {
    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;

    // 18 ℃ meets the standard: explained, nothing filed unless insisted.
    let warm = file_temperature(&mut resident, &household, "18.5", false, &key("warm")).await;
    let message = warm.form_error().unwrap();
    assert!(message.contains("18.5 ℃ 已达到"), "{message}");
    let insisted = file_temperature(&mut resident, &household, "18.5", true, &key("warm")).await;
    let warm_id = case_id_of(&insisted);

    // Below 18 ℃: measured within 24 hours.
    let cold = file_temperature(&mut resident, &household, "１６．５", false, &key("cold")).await;
    let cold_id = case_id_of(&cold);
    let cold_case = case(&mut resident, cold_id).await;
    assert_eq!(cold_case["reading"], 165);
    assert_eq!(cold_case["room"], "LivingRoom");
    assert_eq!(cold_case["measured_as_guided"], true);
    assert_eq!(
        cold_case["brief"]["deadline"]["due_at"].as_i64().unwrap(),
        server.now() + 24 * 3600
    );
    assert_ne!(warm_id, cold_id);

    let unreadable = file_temperature(&mut resident, &household, "很冷", false, &key("bad")).await;
    assert!(unreadable.form_error().unwrap().contains("温度读数"));

    // 东方花园 is in an outage: the case joins it, with no clock of its own.
    let outage_home = household_of(server, "WF10000145").await.to_string();
    crate::support::binds_household(server, &mut resident, "WF10000145", "李志强").await;
    let covered = file_temperature(&mut resident, &outage_home, "12", false, &key("outage")).await;
    let covered_case = case(&mut resident, case_id_of(&covered)).await;
    assert!(
        covered_case["outage"]["title"].is_string(),
        "{covered_case}"
    );
    assert!(covered_case["brief"]["deadline"].is_null());

    // Someone else's household cannot be complained about.
    let stranger = household_of(server, "WF10000002").await.to_string();
    let refused = file_temperature(&mut resident, &stranger, "15", false, &key("stranger")).await;
    assert!(refused.form_error().unwrap().contains("已绑定"));

    // After the season nothing is filed; the next start is shown.
    server.advance(108 * 86_400);
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let spring = file_temperature(&mut resident, &household, "14", false, &key("spring")).await;
    let message = spring.form_error().unwrap();
    assert!(
        message.contains("不在供暖期") && message.contains("11月14日 12:00"),
        "{message}"
    );
}
on_both_engines!(temperature_triage, TestServer, temperature_triage);

async fn one_submit_makes_one_case(server: &TestServer) {
    let household = demo_household(server).await;
    let resident = resident_signs_in(server, RESIDENT).await;
    let key = key("twenty");
    let tabs: Vec<_> = (0..20)
        .map(|_| {
            let mut tab = resident.clone();
            let household = household.clone();
            let key = key.clone();
            tokio::spawn(async move {
                tab.submit_multipart(
                    "/file/repair",
                    "/api/file/repair",
                    &[
                        ("household_id", &household),
                        ("category", "radiator_cold"),
                        ("idempotency_key", &key),
                    ],
                )
                .await
            })
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for tab in tabs {
        ids.insert(case_id_of(&tab.await.unwrap()));
    }
    assert_eq!(ids.len(), 1, "20 identical submits, one case: {ids:?}");
    let id = *ids.first().unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE idempotency_key LIKE $1")
        .bind(format!("%{key}"))
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(count, 1);
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_events WHERE case_id = $1")
        .bind(id)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(events, 1);
    let texts = texts_to(server, RESIDENT).await;
    assert_eq!(texts.iter().filter(|t| t.contains("报修已受理")).count(), 1);

    // A form without a usable key is refused, not filed twice.
    let mut resident = resident.clone();
    let stale = resident
        .submit_multipart(
            "/file/repair",
            "/api/file/repair",
            &[
                ("household_id", &household),
                ("category", "radiator_cold"),
                ("idempotency_key", "short"),
            ],
        )
        .await;
    assert!(stale.form_error().unwrap().contains("刷新页面"));
}
on_both_engines!(
    one_submit_makes_one_case,
    TestServer,
    one_submit_makes_one_case
);

async fn applications_are_reviewed(server: &TestServer) {
    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let apply = |valve: bool, kind: &'static str, key: String| {
        let household = household.clone();
        let mut resident = resident.clone();
        let documents = vec![("身份证.png", photo_png(800, 500))];
        async move {
            let mut form = vec![
                ("household_id", household.clone()),
                ("kind", kind.to_string()),
                ("idempotency_key", key),
            ];
            if valve {
                form.push(("has_own_valve", "1".to_string()));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            resident
                .submit_files(
                    "/file/application",
                    "/api/file/application",
                    &form,
                    &documents,
                )
                .await
        }
    };
    let no_documents = resident
        .clone()
        .submit_multipart(
            "/file/application",
            "/api/file/application",
            &[
                ("household_id", &household),
                ("kind", "suspend"),
                ("has_own_valve", "1"),
                ("idempotency_key", &key("nodocs")),
            ],
        )
        .await;
    assert!(no_documents.form_error().unwrap().contains("户主身份证"));
    let no_valve = apply(false, "suspend", key("novalve")).await;
    assert!(no_valve.form_error().unwrap().contains("阀门"));
    let resume = apply(true, "resume", key("resume")).await;
    assert!(resume.form_error().unwrap().contains("没有报停"));

    let id = case_id_of(&apply(true, "suspend", key("suspend")).await);
    let filed = case(&mut resident, id).await;
    assert_eq!(filed["brief"]["state"], "Submitted");
    // Filed 28 Nov 2026, after the 15 Oct deadline: for the next season.
    assert_eq!(filed["season_label"], "2027—2028 供暖季");
    // Saturday 10:00 + 3 working days → the end of Wednesday 2 December.
    let due = filed["brief"]["deadline"]["due_at"].as_i64().unwrap();
    assert_eq!(due, domain::clock::local_instant(2026, 12, 3, 0).unwrap());

    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let no_reason = step(&mut dispatcher, id, &[("action", "reject")]).await;
    assert!(no_reason.form_error().unwrap().contains("请填写"));
    step(&mut dispatcher, id, &[("action", "start_review")]).await;
    let rejected = step(
        &mut dispatcher,
        id,
        &[
            ("action", "reject"),
            ("note", "入户阀门无法关断，请先维修阀门"),
        ],
    )
    .await;
    assert_eq!(case_id_of(&rejected), id);
    let decided = case(&mut resident, id).await;
    assert_eq!(decided["brief"]["state"], "Rejected");
    assert_eq!(decided["decision_note"], "入户阀门无法关断，请先维修阀门");
    assert_eq!(decided["response"]["on_time"], true);
    assert!(texts_to(server, RESIDENT)
        .await
        .iter()
        .any(|t| t.contains("审核未通过，原因：入户阀门无法关断")));
}
on_both_engines!(
    applications_are_reviewed,
    TestServer,
    applications_are_reviewed
);

/// The queue's place box finds cases by part of a community's or a
/// station's name, taking what is typed literally.
async fn the_queue_finds_cases_by_place(server: &TestServer) {
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let mut read = async |path: &str| -> Value {
        let answer = dispatcher.api(path).await;
        assert_eq!(answer.status, 200, "{path}: {answer:?}");
        serde_json::from_str(&answer.body).unwrap()
    };
    let places = |queue: &Value| -> Vec<String> {
        queue["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["place"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let all = read("/api/dispatch").await;
    assert_eq!(all["more"], false);
    let every = places(&all);
    let community = every
        .iter()
        .find_map(|p| p.split_whitespace().next().filter(|c| c.ends_with("花园")))
        .unwrap_or_else(|| panic!("a case in a 花园: {every:?}"))
        .to_string();
    let found = places(&read(&format!("/api/dispatch?place={community}")).await);
    assert!(!found.is_empty() && found.len() < every.len(), "{found:?}");
    assert!(found.iter().all(|p| p.contains(&community)), "{found:?}");
    // Each demo community has its own station, named after it.
    let station = places(&read(&format!("/api/dispatch?place={community}换热站")).await);
    assert!(station.len() >= found.len(), "{station:?}");
    assert!(
        station.iter().all(|p| p.contains(&community)),
        "{station:?}"
    );
    assert!(
        places(&read("/api/dispatch?place=%25").await).is_empty(),
        "% is a character, not a wildcard"
    );
    let page = dispatcher
        .get(&format!("/dispatch?place={community}"))
        .await;
    assert!(
        page.body.contains(&format!("value=\"{community}\"")),
        "the box keeps what was typed"
    );
}
on_both_engines!(
    the_queue_finds_cases_by_place,
    TestServer,
    the_queue_finds_cases_by_place
);

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
    // Another resident: no read, no step, no hint.
    let mut neighbour = resident_signs_in(server, "13900000007").await;
    assert_eq!(
        neighbour
            .api(&format!("/api/cases/one?id={id}"))
            .await
            .status,
        404
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

async fn photos_are_checked_cleaned_and_kept_private(server: &TestServer) {
    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let repair = |key: String, files: Vec<(&'static str, Vec<u8>)>| {
        let mut resident = resident.clone();
        let household = household.clone();
        async move {
            resident
                .submit_files(
                    "/file/repair",
                    "/api/file/repair",
                    &[
                        ("household_id", &household),
                        ("category", "leak"),
                        ("idempotency_key", &key),
                    ],
                    &files,
                )
                .await
        }
    };

    // Refused: too large, not an image, an image in name only.
    let mut huge = photo_png(16, 16);
    huge.resize(domain::uploads::MAX_UPLOAD_BYTES + 1, 0);
    let too_large = repair(key("huge"), vec![("漏水.png", huge)]).await;
    assert!(
        too_large.form_error().unwrap().contains("超过 5 MB"),
        "{too_large:?}"
    );
    let text = repair(key("text"), vec![("漏水.jpg", b"just some text".to_vec())]).await;
    assert!(text
        .form_error()
        .unwrap()
        .contains("不是 JPEG、PNG 或 WebP"));
    let mut disguised = vec![0xFF, 0xD8, 0xFF, 0xE0];
    disguised.extend_from_slice(b"<script>alert(1)</script>");
    let fake = repair(key("fake"), vec![("漏水.jpg", disguised)]).await;
    assert!(fake.form_error().unwrap().contains("无法读取"));
    let too_many = repair(key("many"), vec![("a.png", photo_png(8, 8)); 7]).await;
    assert!(too_many.form_error().unwrap().contains("最多"));
    let none: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments")
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(none, 0, "nothing kept of refused forms");
    // A body declared over the limit is refused before it is sent.
    let over = {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let address = server.base.trim_start_matches("http://").to_string();
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        let head = format!(
            "POST /api/file/repair HTTP/1.1\r\nHost: {address}\r\n\
             Content-Type: multipart/form-data; boundary=x\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            server::uploads::MAX_UPLOAD_BODY + 1
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    };
    assert!(over.starts_with("HTTP/1.1 413"), "{over}");

    // Accepted: re-encoded as JPEG, scaled down, served to the case's readers only.
    let id = case_id_of(&repair(key("photo"), vec![("漏水.png", photo_png(2400, 1800))]).await);
    let filed = case(&mut resident, id).await;
    let link = filed["timeline"][0]["attachments"][0]["id"]
        .as_i64()
        .unwrap();
    let path = format!("/attachments/{link}");
    let own = resident.get(&path).await;
    assert_eq!(own.status, 200);
    let served = reqwest::Client::new()
        .get(server.url(&path))
        .header(
            "cookie",
            resident
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(
        served.headers()["cache-control"],
        "private, no-store",
        "a photo of someone's home stays in no cache"
    );
    let bytes = served.bytes().await.unwrap();
    let picture = image::load_from_memory(&bytes).unwrap();
    assert_eq!((picture.width(), picture.height()), (1600, 1200));
    let mut neighbour = resident_signs_in(server, "13900000008").await;
    assert_eq!(neighbour.get(&path).await.status, 404);
    assert_eq!(Browser::new(server).get(&path).await.status, 404);
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    assert_eq!(dispatcher.get(&path).await.status, 200);

    // The crew's photo of the work goes with 完成处理.
    let crew = crew_id(server).await;
    step(
        &mut dispatcher,
        id,
        &[("action", "assign"), ("crew_id", &crew)],
    )
    .await;
    let mut crew_member = staff_signs_in(server, "crew_demo", PASSWORD).await;
    step(&mut crew_member, id, &[("action", "arrive")]).await;
    let fixed = crew_member
        .submit_files(
            &format!("/cases/{id}"),
            "/api/cases/step-with-photos",
            &[
                ("case_id", &id.to_string()),
                ("action", "fix"),
                ("note", "更换垫片"),
            ],
            &[("现场.png", photo_png(300, 200))],
        )
        .await;
    assert_eq!(case_id_of(&fixed), id);
    let done = case(&mut resident, id).await;
    let fix = done["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "Fix")
        .unwrap()
        .clone();
    assert_eq!(fix["attachments"].as_array().unwrap().len(), 1);
}
on_both_engines!(
    photos_are_checked_cleaned_and_kept_private,
    TestServer,
    photos_are_checked_cleaned_and_kept_private
);

async fn cold_flats_are_gathered_into_one_incident(server: &TestServer) {
    // Three flats of 鸢飞小区 1号楼 (heat on, no outage) report cold.
    let flats: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT h.id, h.account_no, h.holder_name FROM households h \
         JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id \
         JOIN communities c ON c.id = b.community_id \
         WHERE c.name = '鸢飞小区' AND b.name = '1号楼' ORDER BY h.id LIMIT 3 OFFSET 6",
    )
    .fetch_all(server.test_db.db.reader())
    .await
    .unwrap();
    let mut residents = Vec::new();
    let mut reports = Vec::new();
    for (index, (household, account, holder)) in flats.iter().enumerate() {
        let phone = format!("1390000011{index}");
        let mut resident = resident_signs_in(server, &phone).await;
        crate::support::binds_household(server, &mut resident, account, holder).await;
        server.advance(20 * 60);
        let filed = file_temperature(
            &mut resident,
            &household.to_string(),
            "15",
            false,
            &key(&format!("cold{index}")),
        )
        .await;
        reports.push(case_id_of(&filed));
        residents.push((phone, resident));
    }

    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let queue: Value = serde_json::from_str(&dispatcher.api("/api/dispatch").await.body).unwrap();
    let proposal = queue["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["label"] == "鸢飞小区 1号楼")
        .unwrap_or_else(|| panic!("a proposal for the building: {queue}"))
        .clone();
    let ids: Vec<i64> = proposal["proposal"]["case_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_i64().unwrap())
        .collect();
    assert_eq!(ids, reports);
    let scope = proposal["proposal"]["scope"]["Building"].as_i64().unwrap();
    let form = [
        ("scope", format!("building:{scope}")),
        (
            "case_ids",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        ),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = dispatcher
        .submit("/dispatch", "/api/incidents/create", &form)
        .await;
    let incident = case_id_of(&created);
    let again = dispatcher
        .submit("/dispatch", "/api/incidents/create", &form)
        .await;
    assert!(
        again.form_error().is_some() || case_id_of(&again) == incident,
        "gathering twice makes no second incident"
    );

    let gathered = case(&mut dispatcher, incident).await;
    assert_eq!(gathered["brief"]["kind"], "Incident");
    assert_eq!(gathered["brief"]["summary"], "鸢飞小区 1号楼 3 户报冷");
    for id in &reports {
        let (phone, resident) = &mut residents[reports.iter().position(|r| r == id).unwrap()];
        let merged = case(resident, *id).await;
        assert_eq!(merged["brief"]["state"], "Merged");
        assert!(texts_to(server, phone)
            .await
            .iter()
            .any(|t| t.contains("合并为集中处理事件")));
    }
    let queue: Value = serde_json::from_str(&dispatcher.api("/api/dispatch").await.body).unwrap();
    assert!(!queue["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["label"] == "鸢飞小区 1号楼"));

    // The repair stops the heat: the dispatcher publishes an outage for the
    // building, which residents see and later complaints join.
    assert_eq!(gathered["may_publish_outage"], true);
    let incident_text = incident.to_string();
    let publish = |hours: &'static str| {
        [
            ("case_id", incident_text.clone()),
            ("cause", "楼内供水立管阀门损坏，需关阀更换".to_string()),
            ("restore_in_hours", hours.to_string()),
        ]
    };
    let page = format!("/cases/{incident}");
    let odd = publish("5");
    let odd: Vec<(&str, &str)> = odd.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = dispatcher
        .submit(&page, "/api/incidents/publish-outage", &odd)
        .await;
    assert!(
        refused
            .form_error()
            .unwrap_or_default()
            .contains("恢复供热的时间"),
        "{refused:?}"
    );
    let six = publish("6");
    let six: Vec<(&str, &str)> = six.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (phone0, resident0) = &mut residents[0];
    let not_yours = resident0
        .submit(&page, "/api/incidents/publish-outage", &six)
        .await;
    assert!(not_yours.form_error().is_some(), "{not_yours:?}");
    let published = dispatcher
        .submit(&page, "/api/incidents/publish-outage", &six)
        .await;
    assert_eq!(case_id_of(&published), incident);
    let twice = dispatcher
        .submit(&page, "/api/incidents/publish-outage", &six)
        .await;
    assert!(
        twice
            .form_error()
            .unwrap_or_default()
            .contains("已经发布过"),
        "{twice:?}"
    );
    assert!(texts_to(server, phone0)
        .await
        .iter()
        .any(|t| t.contains("已发布停热公告") && t.contains("阀门损坏")));
    let with_outage = case(&mut dispatcher, incident).await;
    assert_eq!(with_outage["may_publish_outage"], false);
    let outage_id = with_outage["outage"]["outage_id"].as_i64().unwrap();
    assert_eq!(
        with_outage["outage"]["expected_restore_at"].as_i64(),
        Some(server.now() + 6 * 3600)
    );
    let board = crate::support::page_text(&server.url("/outages")).await;
    assert!(
        board.contains("鸢飞小区 1号楼 抢修停热"),
        "the outage board shows it"
    );
    // A fourth flat's complaint is triaged as covered by the outage.
    let (fourth, account, holder): (i64, String, String) = sqlx::query_as(
        "SELECT h.id, h.account_no, h.holder_name FROM households h \
         JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id \
         JOIN communities c ON c.id = b.community_id \
         WHERE c.name = '鸢飞小区' AND b.name = '1号楼' ORDER BY h.id LIMIT 1 OFFSET 9",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let mut late_resident = resident_signs_in(server, "13900000119").await;
    crate::support::binds_household(server, &mut late_resident, &account, &holder).await;
    let covered = file_temperature(
        &mut late_resident,
        &fourth.to_string(),
        "14",
        false,
        &key("covered"),
    )
    .await;
    let covered = case(&mut late_resident, case_id_of(&covered)).await;
    assert_eq!(covered["outage"]["outage_id"].as_i64(), Some(outage_id));
    assert!(
        covered["brief"]["deadline"].is_null(),
        "no clock of its own"
    );

    // One crew works the incident; every gathered resident hears of it.
    let crew = crew_id(server).await;
    step(
        &mut dispatcher,
        incident,
        &[("action", "assign"), ("crew_id", &crew)],
    )
    .await;
    let mut crew_member = staff_signs_in(server, "crew_demo", PASSWORD).await;
    step(&mut crew_member, incident, &[("action", "arrive")]).await;
    step(
        &mut crew_member,
        incident,
        &[("action", "fix"), ("note", "楼内立管排气")],
    )
    .await;
    for (phone, _) in &residents {
        let texts = texts_to(server, phone).await;
        assert!(
            texts
                .iter()
                .any(|t| t.contains("抢修人员已到达") && t.contains("集中处理事件")),
            "{texts:?}"
        );
        assert!(texts.iter().any(|t| t.contains("楼内立管排气")));
    }
    let closed = step(&mut dispatcher, incident, &[("action", "complete")]).await;
    assert_eq!(case_id_of(&closed), incident);
    assert_eq!(
        case(&mut dispatcher, incident).await["brief"]["state"],
        "Closed"
    );
    // Closing the incident restores its outage.
    let restored: Option<i64> = sqlx::query_scalar("SELECT restored_at FROM outages WHERE id = $1")
        .bind(outage_id)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(restored, Some(server.now()));
}
on_both_engines!(
    cold_flats_are_gathered_into_one_incident,
    TestServer,
    cold_flats_are_gathered_into_one_incident
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

async fn property_managers_see_readings_not_residents(server: &TestServer) {
    let household = demo_household(server).await;
    let building: i64 = sqlx::query_scalar(
        "SELECT u.building_id FROM households h JOIN units u ON u.id = h.unit_id WHERE h.id = $1",
    )
    .bind(household.parse::<i64>().unwrap())
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let mut resident = resident_signs_in(server, RESIDENT).await;
    case_id_of(&file_temperature(&mut resident, &household, "15.5", false, &key("chart")).await);

    let mut property = staff_signs_in(server, "property_demo", PASSWORD).await;
    let list: Value =
        serde_json::from_str(&property.api("/api/property/buildings").await.body).unwrap();
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["report"]["building_id"].as_i64() == Some(building))
        .unwrap_or_else(|| panic!("{list}"))
        .clone();
    assert_eq!(row["lowest_recent_reading"], 155);
    let desk = property
        .api(&format!("/api/buildings/looked-after?id={building}"))
        .await;
    assert_eq!(desk.status, 200);
    assert!(!desk.body.contains(RESIDENT) && !desk.body.contains("王秀英"));
    let desk: Value = serde_json::from_str(&desk.body).unwrap();
    let days = desk["readings"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert_eq!(days[6]["lowest"], 155, "today's reading, last in the week");
    // The demo's closed complaints of earlier this week are charted too.
    assert_eq!(
        days.iter()
            .filter(|d| d["count"].as_u64() > Some(0))
            .count(),
        4
    );
    let page = property.get(&format!("/buildings/{building}")).await;
    assert!(page.body.contains("<svg") && page.body.contains("chart__bar--below"));
}
on_both_engines!(
    property_managers_see_readings_not_residents,
    TestServer,
    property_managers_see_readings_not_residents
);

/// The consent code the newest consent request texted to `phone`.
async fn consent_code_to(server: &TestServer, phone: &str) -> String {
    let texts = texts_to(server, phone).await;
    let payload = texts
        .iter()
        .rev()
        .find(|t| t.contains("filing_consent"))
        .unwrap_or_else(|| panic!("no consent text to {phone}: {texts:?}"));
    let payload: Value = serde_json::from_str(payload).unwrap();
    payload["code"].as_str().unwrap().to_string()
}

/// A household of the demo grid worker's grid, and one outside it.
async fn grid_and_other_household(server: &TestServer) -> ((i64, String, i64), String) {
    let inside: (i64, String, i64) = sqlx::query_as(
        "SELECT h.id, h.account_no, u.building_id FROM households h \
         JOIN units u ON u.id = h.unit_id \
         JOIN grid_buildings gb ON gb.building_id = u.building_id \
         JOIN grids g ON g.id = gb.grid_id \
         WHERE g.name = '奎文区广文街道第一网格' ORDER BY h.id LIMIT 1 OFFSET 21",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let outside: String = sqlx::query_scalar(
        "SELECT h.account_no FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE u.building_id NOT IN (SELECT gb.building_id FROM grid_buildings gb \
             JOIN grids g ON g.id = gb.grid_id WHERE g.name = '奎文区广文街道第一网格') \
         ORDER BY h.id LIMIT 1",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    (inside, outside)
}

/// Puts `phone` on file as a household's holder's number.
async fn holder_phone_on_file(server: &TestServer, household: i64, phone: &str) {
    sqlx::query("UPDATE households SET holder_phone = $1 WHERE id = $2")
        .bind(phone)
        .bind(household)
        .execute(server.test_db.db.writer())
        .await
        .unwrap();
}

async fn grid_workers_file_for_residents_and_log_visits(server: &TestServer) {
    let ((household, account, building), outside) = grid_and_other_household(server).await;
    let phone = "13900000201";
    // The holder's number on file: where a consent code may go.
    holder_phone_on_file(server, household, phone).await;
    // The resident has an account (no household bound): the case is theirs.
    let mut resident = resident_signs_in(server, phone).await;
    let mut grid = staff_signs_in(server, "grid_demo", PASSWORD).await;

    let ask = |account: &str, phone: &str| {
        vec![
            ("kind".to_string(), "temperature".to_string()),
            ("account_no".to_string(), account.to_string()),
            ("phone".to_string(), phone.to_string()),
        ]
    };
    let pairs = |form: &[(String, String)]| -> Vec<(String, String)> { form.to_vec() };
    let send = |browser: &mut Browser, form: Vec<(String, String)>| {
        let mut browser = browser.clone();
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            browser.submit("/grid", "/api/grid/consent", &form).await
        }
    };
    let refused = send(&mut grid, pairs(&ask(&outside, phone))).await;
    assert!(
        refused
            .form_error()
            .unwrap_or_default()
            .contains("不在您负责的网格内"),
        "{refused:?}"
    );
    let refused = send(&mut grid, pairs(&ask(&account, "12345"))).await;
    assert!(refused.form_error().is_some(), "a bad number is refused");
    // Not a number the household stands behind (the worker's own, say).
    let refused = send(&mut grid, pairs(&ask(&account, "13900000299"))).await;
    assert_eq!(
        refused.form_error().as_deref(),
        Some(domain::grid_work::NOT_LINKED_MESSAGE)
    );
    assert!(
        texts_to(server, "13900000299").await.is_empty(),
        "no code sent"
    );
    let not_a_worker = send(&mut resident, pairs(&ask(&account, phone))).await;
    assert!(not_a_worker.form_error().is_some(), "{not_a_worker:?}");

    let asked = send(&mut grid, pairs(&ask(&account.to_lowercase(), phone))).await;
    assert!(asked.form_error().is_none(), "{:?}", asked.form_error());
    let form_path = asked.location.clone().unwrap();
    assert!(
        form_path.starts_with("/file/temperature?consent="),
        "{form_path}"
    );
    let token = form_path.split("consent=").nth(1).unwrap().to_string();
    let code = consent_code_to(server, phone).await;
    let page = grid.get(&form_path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("139****0201") && page.body.contains("consent_code"));

    let household_text = household.to_string();
    let file = |code: &str, key_label: &str| {
        let mut browser = grid.clone();
        let form: Vec<(String, String)> = [
            ("household_id", household_text.as_str()),
            ("room", "bedroom"),
            ("reading", "16"),
            ("consent_token", token.as_str()),
            ("consent_code", code),
            ("idempotency_key", &key(key_label)),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let form_path = form_path.clone();
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            browser
                .submit_multipart(&form_path, "/api/file/temperature", &form)
                .await
        }
    };
    // Agreed to a temperature complaint: not to a suspension.
    let suspend = grid
        .clone()
        .submit_multipart(
            &form_path.replace("/file/temperature", "/file/application"),
            "/api/file/application",
            &[
                ("household_id", household_text.as_str()),
                ("kind", "suspend"),
                ("has_own_valve", "on"),
                ("note", ""),
                ("consent_token", token.as_str()),
                ("consent_code", code.as_str()),
                ("idempotency_key", &key("grid-suspend")),
            ],
        )
        .await;
    assert!(
        suspend
            .form_error()
            .unwrap_or_default()
            .contains("居民同意代办的不是"),
        "{suspend:?}"
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = file(wrong, "grid-wrong").await;
    assert!(
        refused
            .form_error()
            .unwrap_or_default()
            .contains("验证码不正确"),
        "{refused:?}"
    );
    let filed = file(&code, "grid-file").await;
    let id = case_id_of(&filed);
    assert_eq!(
        case_id_of(&file(&code, "grid-file").await),
        id,
        "a retry answers with the case"
    );
    let spent = file(&code, "grid-again").await;
    assert!(
        spent.form_error().unwrap_or_default().contains("失效"),
        "{spent:?}"
    );

    let seen_by_worker = case(&mut grid, id).await;
    let first = &seen_by_worker["timeline"][0];
    assert!(
        first["actor_label"].as_str().unwrap().contains("网格员"),
        "{first}"
    );
    assert_eq!(seen_by_worker["contact_phone"], "139****0201");
    let mine: Value = serde_json::from_str(&resident.api("/api/cases").await.body).unwrap();
    assert!(
        mine.as_array().unwrap().iter().any(|c| c["case_id"] == id),
        "the resident sees the case filed for them: {mine}"
    );
    assert!(texts_to(server, phone)
        .await
        .iter()
        .any(|t| t.contains("室温投诉已受理")));

    // The grid's desk lists the case; a visit is logged once per submit.
    let desk: Value = serde_json::from_str(&grid.api("/api/grid/desk").await.body).unwrap();
    assert!(desk["desk"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["case_id"] == id));
    let case_no = seen_by_worker["brief"]["case_no"]
        .as_str()
        .unwrap()
        .to_string();
    let today = desk["desk"]["today"].as_str().unwrap().to_string();
    let building_text = building.to_string();
    let visit = |date: &str, building: &str, key_label: &str| {
        let mut browser = grid.clone();
        let form: Vec<(String, String)> = [
            ("building_id", building),
            ("account_no", account.as_str()),
            ("visited_on", date),
            ("notes", "老人家卧室 16 度，已代为投诉"),
            ("follow_up_case_no", case_no.as_str()),
            ("idempotency_key", &key(key_label)),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            browser.submit("/grid", "/api/grid/visits", &form).await
        }
    };
    let logged = visit(&today, &building_text, "visit").await;
    assert_eq!(logged.location.as_deref(), Some("/grid"), "{logged:?}");
    visit(&today, &building_text, "visit").await;
    let future = visit("2099-01-01", &building_text, "visit-future").await;
    assert!(future
        .form_error()
        .unwrap_or_default()
        .contains("不能晚于今天"));
    let elsewhere: i64 = sqlx::query_scalar(
        "SELECT id FROM buildings WHERE id NOT IN (SELECT gb.building_id FROM grid_buildings gb \
             JOIN grids g ON g.id = gb.grid_id WHERE g.name = '奎文区广文街道第一网格') ORDER BY id LIMIT 1",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let outside_visit = visit(&today, &elsewhere.to_string(), "visit-outside").await;
    assert!(outside_visit
        .form_error()
        .unwrap_or_default()
        .contains("网格内的楼栋"));
    let desk: Value = serde_json::from_str(&grid.api("/api/grid/desk").await.body).unwrap();
    let visits = desk["desk"]["visits"].as_array().unwrap();
    assert_eq!(
        visits.len(),
        1,
        "one visit for the repeated submit: {visits:?}"
    );
    assert_eq!(visits[0]["follow_up"][1], case_no.as_str());
    let page = grid.get("/grid").await;
    assert!(page.body.contains("访民问暖") && page.body.contains("已代为投诉"));

    // Nobody else reads the grid's desk.
    let mut property = staff_signs_in(server, "property_demo", PASSWORD).await;
    assert_eq!(property.api("/api/grid/desk").await.status, 403);
}
on_both_engines!(
    grid_workers_file_for_residents_and_log_visits,
    TestServer,
    grid_workers_file_for_residents_and_log_visits
);

/// 100 wrong consent codes at once: each reserves a try before it is
/// compared, so five are, and the right code after them files nothing.
async fn parallel_consent_guesses_get_five_tries(server: &TestServer) {
    let ((household, account, _), _) = grid_and_other_household(server).await;
    let phone = "13900000202";
    holder_phone_on_file(server, household, phone).await;
    let mut grid = staff_signs_in(server, "grid_demo", PASSWORD).await;
    let asked = grid
        .submit(
            "/grid",
            "/api/grid/consent",
            &[
                ("kind", "temperature"),
                ("account_no", &account),
                ("phone", phone),
            ],
        )
        .await;
    let form_path = asked
        .location
        .clone()
        .unwrap_or_else(|| panic!("{asked:?}"));
    let token = form_path.split("consent=").nth(1).unwrap().to_string();
    let code = consent_code_to(server, phone).await;
    let household = household.to_string();
    let file = |guess: String, label: String| {
        let mut browser = grid.clone();
        let (household, token, form_path) = (household.clone(), token.clone(), form_path.clone());
        async move {
            browser
                .submit_multipart(
                    &form_path,
                    "/api/file/temperature",
                    &[
                        ("household_id", household.as_str()),
                        ("room", "bedroom"),
                        ("reading", "16"),
                        ("consent_token", token.as_str()),
                        ("consent_code", guess.as_str()),
                        ("idempotency_key", &key(&label)),
                    ],
                )
                .await
        }
    };
    let guesses: Vec<_> = (0..100)
        .map(|i| {
            let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
            tokio::spawn(file(guess, format!("consent-guess-{i}")))
        })
        .collect();
    let mut wrong_with_tries_left = 0;
    for guess in guesses {
        let answer = guess.await.unwrap();
        let error = answer
            .form_error()
            .unwrap_or_else(|| panic!("filed: {answer:?}"));
        if error.contains("还可以再试") {
            wrong_with_tries_left += 1;
        }
    }
    assert_eq!(wrong_with_tries_left, 4, "five tries were compared");
    let right = file(code.clone(), "consent-right".to_string()).await;
    assert!(right.form_error().is_some(), "the code is void: {right:?}");
    let tries: i64 = sqlx::query_scalar("SELECT wrong_tries FROM filing_consents WHERE phone = $1")
        .bind(phone)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(tries, 5);
}
on_both_engines!(
    parallel_consent_guesses_get_five_tries,
    TestServer,
    parallel_consent_guesses_get_five_tries
);

async fn reports_count_the_company_cases(server: &TestServer) {
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let report = |browser: &mut Browser, query: &'static str| {
        let mut browser = browser.clone();
        async move {
            let answer = browser.api(&format!("/api/reports?{query}")).await;
            assert_eq!(answer.status, 200, "{answer:?}");
            serde_json::from_str::<Value>(&answer.body).unwrap()
        }
    };
    let before = report(&mut dispatcher, "period=day").await;
    let repairs_before = before["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "故障报修")
        .map_or(0, |t| t["count"].as_u64().unwrap());

    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let filed = resident
        .submit_multipart(
            "/file/repair",
            "/api/file/repair",
            &[
                ("household_id", &household),
                ("category", "radiator_cold"),
                ("description", "报表测试：暖气片不热"),
                ("idempotency_key", &key("report")),
            ],
        )
        .await;
    let id = case_id_of(&filed);
    let crew = crew_id(server).await;
    step(
        &mut dispatcher,
        id,
        &[("action", "assign"), ("crew_id", &crew)],
    )
    .await;
    let mut crew_member = staff_signs_in(server, "crew_demo", PASSWORD).await;
    server.advance(30 * 60);
    step(&mut crew_member, id, &[("action", "arrive")]).await;

    let after = report(&mut dispatcher, "period=day").await;
    assert_eq!(
        after["filed"].as_u64().unwrap(),
        before["filed"].as_u64().unwrap() + 1
    );
    let repairs_after = after["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "故障报修")
        .unwrap()["count"]
        .as_u64()
        .unwrap();
    assert_eq!(repairs_after, repairs_before + 1);
    assert_eq!(
        after["on_time"]["count"].as_u64().unwrap(),
        before["on_time"]["count"].as_u64().unwrap() + 1,
        "the crew arrived within the promise"
    );
    let listed = after["cases"].as_array().unwrap();
    assert!(listed
        .iter()
        .any(|c| c["case_id"] == id && c["crew"] == "奎文抢修一队"));
    let week = report(&mut dispatcher, "period=week").await;
    assert_eq!(week["over_time"].as_array().unwrap().len(), 7);
    assert!(week["filed"].as_u64() >= after["filed"].as_u64());
    let month = report(&mut dispatcher, "period=month&date=2026-02-10").await;
    assert_eq!(month["over_time"].as_array().unwrap().len(), 28);

    // The page, its charts, and the CSV.
    let page = dispatcher.get("/reports?period=day").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("日调度") && page.body.contains("<svg"));
    let case_no = listed.iter().find(|c| c["case_id"] == id).unwrap()["case_no"]
        .as_str()
        .unwrap()
        .to_string();
    let csv = dispatcher.get("/reports/cases.csv?period=day").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with("\u{feff}工单编号,类型,状态"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(&case_no));
    assert_eq!(
        resident.get("/reports/cases.csv?period=day").await.status,
        403
    );
    assert_eq!(
        Browser::new(server).get("/reports/cases.csv").await.status,
        401
    );
    assert_eq!(resident.api("/api/reports?period=day").await.status, 403);
}
on_both_engines!(
    reports_count_the_company_cases,
    TestServer,
    reports_count_the_company_cases
);

/// An outage speaks for a company: a dispatcher who may read another
/// company's incident (here as that grid's worker too) cannot publish an
/// outage for it.
async fn outages_are_published_for_the_dispatchers_own_company(server: &TestServer) {
    let db = server.test_db.db.writer();
    let scalar = |sql: String| async move {
        sqlx::query_scalar::<_, i64>(&sql)
            .fetch_one(db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    let building = scalar(
        "SELECT MIN(b.id) FROM buildings b JOIN communities c ON c.id = b.community_id \
         WHERE c.name = '通亭街小区'"
            .to_string(),
    )
    .await;
    let now = server.now();
    let incident = scalar(format!(
        "INSERT INTO cases (case_no, kind, state, channel, building_id, summary, details, \
                            created_at, updated_at) \
         VALUES ('I-OTHER-COMPANY', 'incident', 'acknowledged', 'web', {building}, \
                 '通亭街小区 3 户报冷', '', {now}, {now}) RETURNING id"
    ))
    .await;
    let dispatcher = scalar("SELECT id FROM people WHERE username = 'dispatch_demo'".into()).await;
    let grid = scalar(
        "INSERT INTO grids (name, district) VALUES ('寒亭测试网格', '寒亭区') RETURNING id".into(),
    )
    .await;
    for sql in [
        format!("INSERT INTO grid_buildings (grid_id, building_id) VALUES ({grid}, {building})"),
        format!("INSERT INTO grid_assignments (person_id, grid_id) VALUES ({dispatcher}, {grid})"),
        format!(
            "INSERT INTO person_roles (person_id, role, granted_at) VALUES ({dispatcher}, 'grid_worker', 0)"
        ),
    ] {
        sqlx::query(&sql).execute(db).await.unwrap();
    }
    let mut browser = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    assert_eq!(
        browser
            .api(&format!("/api/cases/one?id={incident}"))
            .await
            .status,
        200,
        "readable as the grid's worker"
    );
    let outages_before = scalar("SELECT COUNT(*) FROM outages".into()).await;
    let answer = browser
        .call(
            "/api/incidents/publish-outage",
            &[
                ("case_id", &incident.to_string()),
                ("cause", "换热站循环泵故障"),
                ("restore_in_hours", "4"),
            ],
        )
        .await;
    assert_eq!(answer.status, 404, "{answer:?}");
    assert_eq!(
        scalar("SELECT COUNT(*) FROM outages".into()).await,
        outages_before
    );
}
on_both_engines!(
    outages_are_published_for_the_dispatchers_own_company,
    TestServer,
    outages_are_published_for_the_dispatchers_own_company
);

/// A resident's one-time keys live apart from other systems' ("12345:…").
async fn residents_keys_have_their_own_namespace(server: &TestServer) {
    let mut resident = resident_signs_in(server, "13800000001").await;
    let household: i64 = sqlx::query_scalar(
        "SELECT ph.household_id FROM person_households ph JOIN people p ON p.id = ph.person_id \
         WHERE p.phone = '13800000001'",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let filed = resident
        .submit_multipart(
            "/file/repair",
            "/api/file/repair",
            &[
                ("household_id", &household.to_string()),
                ("category", "noise"),
                ("description", "暖气片有异响"),
                ("idempotency_key", "SD12345-namespaced-01"),
            ],
        )
        .await;
    let id = case_id_of(&filed);
    let key: String = sqlx::query_scalar("SELECT idempotency_key FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert!(key.starts_with("web:"), "{key}");
}
on_both_engines!(
    residents_keys_have_their_own_namespace,
    TestServer,
    residents_keys_have_their_own_namespace
);

/// A burst of consent requests to one number: one code a minute, however
/// many arrive together.
async fn parallel_consent_requests_send_one_code(server: &TestServer) {
    let ((household, account, _), _) = grid_and_other_household(server).await;
    let phone = "13900000203";
    holder_phone_on_file(server, household, phone).await;
    let grid = staff_signs_in(server, "grid_demo", PASSWORD).await;
    let asks: Vec<_> = (0..10)
        .map(|_| {
            let mut browser = grid.clone();
            let account = account.clone();
            tokio::spawn(async move {
                browser
                    .submit(
                        "/grid",
                        "/api/grid/consent",
                        &[
                            ("kind", "repair"),
                            ("account_no", &account),
                            ("phone", phone),
                        ],
                    )
                    .await
            })
        })
        .collect();
    for ask in asks {
        ask.await.unwrap();
    }
    let consents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM filing_consents WHERE phone = $1")
        .bind(phone)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(consents, 1);
    assert_eq!(texts_to(server, phone).await.len(), 1);
}
on_both_engines!(
    parallel_consent_requests_send_one_code,
    TestServer,
    parallel_consent_requests_send_one_code
);
