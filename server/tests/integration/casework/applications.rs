//! Applications that take effect (#19): an approved 报停, 复供 or 报装 is
//! done only when the crew has done the work at the door, recorded with a
//! photo and the seal number, and then the household's service changes in
//! the same transaction, with the timeline and the resident's text.

use super::*;
use crate::support::{resident_signs_in, staff_signs_in, Browser, TestServer};
use backend::on_both_engines;

/// Files an application for `household` as `resident` and answers its id.
async fn apply(resident: &mut Browser, household: &str, kind: &str, label: &str) -> i64 {
    let answer = resident
        .submit_files(
            "/file/application",
            "/api/file/application",
            &[
                ("household_id", household),
                ("kind", kind),
                ("has_own_valve", "1"),
                ("idempotency_key", &key(label)),
            ],
            &[("身份证.png", photo_png(600, 400))],
        )
        .await;
    case_id_of(&answer)
}

/// The dispatcher approves the application and sends the demo crew; the
/// crew goes and arrives.
async fn approve_and_send(
    server: &TestServer,
    dispatcher: &mut Browser,
    crew: &mut Browser,
    id: i64,
) {
    step(dispatcher, id, &[("action", "start_review")]).await;
    step(
        dispatcher,
        id,
        &[("action", "approve"), ("note", "材料齐全")],
    )
    .await;
    let crew_id = crew_id(server).await;
    let assigned = step(
        dispatcher,
        id,
        &[("action", "assign"), ("crew_id", &crew_id)],
    )
    .await;
    assert_eq!(case_id_of(&assigned), id);
    step(crew, id, &[("action", "depart")]).await;
    let arrived = step(crew, id, &[("action", "arrive")]).await;
    assert_eq!(case_id_of(&arrived), id);
}

/// The crew records its work at the door.
async fn finish_work(
    crew: &mut Browser,
    id: i64,
    seal_no: &str,
    photos: &[(&'static str, Vec<u8>)],
) -> crate::support::Answer {
    let id_text = id.to_string();
    crew.submit_files(
        &format!("/cases/{id}"),
        "/api/cases/step-with-photos",
        &[
            ("case_id", &id_text),
            ("action", "finish_field_work"),
            ("seal_no", seal_no),
        ],
        photos,
    )
    .await
}

#[derive(Debug, PartialEq, Eq, sqlx::FromRow)]
struct Service {
    service_state: String,
    service_since: Option<i64>,
    seal_no: Option<String>,
}

async fn service_of(server: &TestServer, household: &str) -> Service {
    sqlx::query_as("SELECT service_state, service_since, seal_no FROM households WHERE id = $1")
        .bind(household.parse::<i64>().unwrap())
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap()
}

async fn changes_of(server: &TestServer, household: &str) -> Vec<(String, String, i64)> {
    sqlx::query_as(
        "SELECT from_state, to_state, case_id FROM household_service_changes \
         WHERE household_id = $1 ORDER BY id",
    )
    .bind(household.parse::<i64>().unwrap())
    .fetch_all(server.test_db.db.reader())
    .await
    .unwrap()
}

async fn suspend_then_resume(server: &TestServer) {
    let household = demo_household(server).await;
    let now = domain::clock::local_instant(2026, 11, 28, 10).unwrap();
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let mut crew = staff_signs_in(server, "crew_demo", PASSWORD).await;

    // A rejected application changes nothing.
    let rejected = apply(&mut resident, &household, "suspend", "rejected").await;
    step(
        &mut dispatcher,
        rejected,
        &[("action", "reject"), ("note", "阀门无法关断")],
    )
    .await;
    assert_eq!(service_of(server, &household).await.service_state, "heated");

    let id = apply(&mut resident, &household, "suspend", "suspend").await;
    // Approval alone changes nothing, and the desk cannot call it done.
    step(&mut dispatcher, id, &[("action", "start_review")]).await;
    step(&mut dispatcher, id, &[("action", "approve")]).await;
    let desk_done = step(&mut dispatcher, id, &[("action", "complete")]).await;
    assert!(desk_done.form_error().is_some(), "{desk_done:?}");
    assert_eq!(service_of(server, &household).await.service_state, "heated");
    let crew_id = crew_id(server).await;
    step(
        &mut dispatcher,
        id,
        &[("action", "assign"), ("crew_id", &crew_id)],
    )
    .await;
    step(&mut crew, id, &[("action", "arrive")]).await;

    // Only the crew records the work, and only with a photo and a seal number.
    let photo = [("阀门.png", photo_png(400, 300))];
    let by_resident = finish_work(&mut resident, id, "QF2026-0001", &photo).await;
    assert!(
        by_resident.form_error().unwrap().contains("抢修队"),
        "{by_resident:?}"
    );
    let by_dispatcher = finish_work(&mut dispatcher, id, "QF2026-0001", &photo).await;
    assert!(by_dispatcher.form_error().is_some());
    let no_photo = finish_work(&mut crew, id, "QF2026-0001", &[]).await;
    assert!(
        no_photo.form_error().unwrap().contains("照片"),
        "{no_photo:?}"
    );
    let no_seal = finish_work(&mut crew, id, " ", &photo).await;
    assert!(
        no_seal.form_error().unwrap().contains("铅封号"),
        "{no_seal:?}"
    );
    let bad_seal = finish_work(&mut crew, id, "铅封一号", &photo).await;
    assert!(
        bad_seal.form_error().unwrap().contains("4 到 20 位"),
        "{bad_seal:?}"
    );
    assert_eq!(service_of(server, &household).await.service_state, "heated");
    assert!(changes_of(server, &household).await.is_empty());

    let sealed = finish_work(&mut crew, id, "qf2026-0001", &photo).await;
    assert_eq!(case_id_of(&sealed), id);
    // Sealed within the season (the regulations allow it by default): from
    // the seal date.
    assert_eq!(
        service_of(server, &household).await,
        Service {
            service_state: "suspended".into(),
            service_since: Some(now),
            seal_no: Some("QF2026-0001".into()),
        }
    );
    assert_eq!(
        changes_of(server, &household).await,
        vec![("heated".to_string(), "suspended".to_string(), id)]
    );
    let done = case(&mut resident, id).await;
    assert_eq!(done["brief"]["state"], "Done");
    let last = done["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["note"], "关阀铅封，铅封号 QF2026-0001");
    assert_eq!(
        last["attachments"].as_array().map(Vec::len),
        Some(1),
        "{last}"
    );
    assert!(texts_to(server, RESIDENT)
        .await
        .iter()
        .any(|t| t.contains("报停已生效") && t.contains("2026年11月28日")));
    let cards: Value =
        serde_json::from_str(&resident.api("/api/me/households").await.body).unwrap();
    assert_eq!(cards[0]["service_state"], "suspended");
    assert_eq!(cards[0]["service_since"], now);
    // The case stays done: a second press changes nothing more.
    let again = finish_work(&mut crew, id, "QF2026-0001", &photo).await;
    assert!(again.form_error().is_some());

    // A suspended home is owed no heat: its temperature complaint opens
    // no case and says how to resume.
    let cases_before = case_count(server).await;
    let cold = file_temperature(&mut resident, &household, "12", false, &key("cold")).await;
    assert!(cold.form_error().unwrap().contains("已报停"), "{cold:?}");
    assert_eq!(case_count(server).await, cases_before);

    // Resume: unsealed with a seal other than the one on record, which the
    // timeline says; heated again from the day.
    let resume = apply(&mut resident, &household, "resume", "resume").await;
    approve_and_send(server, &mut dispatcher, &mut crew, resume).await;
    let unsealed = finish_work(&mut crew, resume, "QF2026-0002", &photo).await;
    assert_eq!(case_id_of(&unsealed), resume);
    assert_eq!(
        service_of(server, &household).await,
        Service {
            service_state: "heated".into(),
            service_since: Some(now),
            seal_no: None,
        }
    );
    let resumed = case(&mut resident, resume).await;
    let note = resumed["timeline"].as_array().unwrap().last().unwrap()["note"].clone();
    assert!(
        note.as_str().unwrap().contains("QF2026-0001") && note.as_str().unwrap().contains("不符"),
        "{note}"
    );
    assert_eq!(changes_of(server, &household).await.len(), 2);
}
on_both_engines!(suspend_then_resume, TestServer, suspend_then_resume);

async fn a_connection_is_inspected(server: &TestServer) {
    let household = demo_household(server).await;
    sqlx::query("UPDATE households SET service_state = 'not_connected' WHERE id = $1")
        .bind(household.parse::<i64>().unwrap())
        .execute(server.test_db.db.writer())
        .await
        .unwrap();
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let mut crew = staff_signs_in(server, "crew_demo", PASSWORD).await;
    let id = apply(&mut resident, &household, "connection", "connect").await;
    approve_and_send(server, &mut dispatcher, &mut crew, id).await;
    // An inspection records no seal.
    let inspected = finish_work(&mut crew, id, "", &[("验收.png", photo_png(300, 300))]).await;
    assert_eq!(case_id_of(&inspected), id);
    let service = service_of(server, &household).await;
    assert_eq!(service.service_state, "heated");
    assert_eq!(service.seal_no, None);
    let done = case(&mut resident, id).await;
    assert_eq!(done["brief"]["state"], "Done");
    assert!(texts_to(server, RESIDENT)
        .await
        .iter()
        .any(|t| t.contains("供热已办好")));
}
on_both_engines!(
    a_connection_is_inspected,
    TestServer,
    a_connection_is_inspected
);

/// Two approved suspensions of one household, their seals recorded at the
/// same moment: exactly one changes the household; the other is refused
/// and its case stays open.
async fn two_seals_at_once_change_the_household_once(server: &TestServer) {
    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let mut crew = staff_signs_in(server, "crew_demo", PASSWORD).await;
    let first = apply(&mut resident, &household, "suspend", "first").await;
    let second = apply(&mut resident, &household, "suspend", "second").await;
    for id in [first, second] {
        approve_and_send(server, &mut dispatcher, &mut crew, id).await;
    }
    let presses = [first, second].map(|id| {
        let mut crew = crew.clone();
        async move {
            let seal = format!("QF{id:06}");
            finish_work(&mut crew, id, &seal, &[("阀门.png", photo_png(200, 200))]).await
        }
    });
    let [a, b] = presses;
    let (a, b) = tokio::join!(a, b);
    let refused: Vec<_> = [&a, &b]
        .iter()
        .filter_map(|answer| answer.form_error())
        .collect();
    assert_eq!(refused.len(), 1, "{a:?} {b:?}");
    assert!(refused[0].contains("其他工单"), "{}", refused[0]);
    assert_eq!(changes_of(server, &household).await.len(), 1);
    assert_eq!(
        service_of(server, &household).await.service_state,
        "suspended"
    );
    let states: Vec<String> =
        sqlx::query_scalar("SELECT state FROM cases WHERE id IN ($1, $2) ORDER BY state")
            .bind(first)
            .bind(second)
            .fetch_all(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!(states, vec!["done".to_string(), "on_site".to_string()]);
    // The one left behind is refused with a reason, not stuck; nothing
    // more changes.
    let stuck = if a.form_error().is_some() {
        first
    } else {
        second
    };
    let refused = step(
        &mut dispatcher,
        stuck,
        &[("action", "reject"), ("note", "已由另一张报停单办结")],
    )
    .await;
    assert_eq!(case_id_of(&refused), stuck);
    assert_eq!(
        case(&mut resident, stuck).await["brief"]["state"],
        "Rejected"
    );
    assert_eq!(changes_of(server, &household).await.len(), 1);
}
on_both_engines!(
    two_seals_at_once_change_the_household_once,
    TestServer,
    two_seals_at_once_change_the_household_once
);

async fn case_count(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap()
}

/// 过户: the new holder is named on the filing; approving it writes them to
/// the household, and residents bound to it who are not the new holder are
/// unbound and told. A filing without the new holder is refused.
async fn a_change_of_holder_rebinds_the_household(server: &TestServer) {
    let household = demo_household(server).await;
    let household_id: i64 = household.parse().unwrap();
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    // A relative and the buyer are bound to the home too.
    const RELATIVE: &str = "13800000088";
    const BUYER: &str = "13800000099";
    for phone in [RELATIVE, BUYER] {
        resident_signs_in(server, phone).await;
        sqlx::query(
            "INSERT INTO person_households (person_id, household_id, bound_at) \
             SELECT id, $1, 0 FROM people WHERE phone = $2",
        )
        .bind(household_id)
        .bind(phone)
        .execute(server.test_db.db.writer())
        .await
        .unwrap();
    }
    let holder_change = |name: &'static str, phone: &'static str, label: &'static str| {
        let mut resident = resident.clone();
        let household = household.clone();
        async move {
            resident
                .submit_files(
                    "/file/application",
                    "/api/file/application",
                    &[
                        ("household_id", &household),
                        ("kind", "holder_change"),
                        ("new_holder_name", name),
                        ("new_holder_phone", phone),
                        ("idempotency_key", &key(label)),
                    ],
                    &[("房产证.png", photo_png(600, 400))],
                )
                .await
        }
    };
    let nameless = holder_change(" ", BUYER, "nameless").await;
    assert!(
        nameless.form_error().unwrap().contains("新户主姓名"),
        "{nameless:?}"
    );
    let landline = holder_change("王芳", "0536-8888888", "landline").await;
    assert!(
        landline.form_error().unwrap().contains("手机号"),
        "{landline:?}"
    );

    let id = case_id_of(&holder_change(" 王 芳 ", "138 0000 0099", "holder").await);
    // Someone asks to bind the home meanwhile; the code goes to the old
    // holder's phone. Once the home changes hands it binds nobody.
    let holder_before: (String, String) =
        sqlx::query_as("SELECT account_no, holder_name FROM households WHERE id = $1")
            .bind(household_id)
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    let mut stranger = resident_signs_in(server, "13800000077").await;
    let asked = stranger
        .submit(
            "/me",
            "/api/me/households/bind",
            &[
                ("account_no", &holder_before.0),
                ("holder_name", &holder_before.1),
            ],
        )
        .await;
    let waiting = asked
        .location
        .clone()
        .unwrap_or_else(|| panic!("{:?}", asked.form_error()));
    let token = waiting.split("binding=").nth(1).unwrap().to_string();
    let old_holder_phone: String =
        sqlx::query_scalar("SELECT holder_phone FROM households WHERE id = $1")
            .bind(household_id)
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    let code = crate::support::binding_code_to(server, &old_holder_phone).await;
    let filed = case(&mut dispatcher, id).await;
    assert_eq!(filed["new_holder"], "王芳（138****0099）");
    assert_eq!(
        bound_phones(server, household_id).await.len(),
        3,
        "nothing changes before the decision"
    );

    let approved = step(
        &mut dispatcher,
        id,
        &[("action", "approve"), ("note", "材料齐全")],
    )
    .await;
    assert_eq!(case_id_of(&approved), id);
    let holder: (String, Option<String>) =
        sqlx::query_as("SELECT holder_name, holder_phone FROM households WHERE id = $1")
            .bind(household_id)
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!(holder, ("王芳".to_string(), Some(BUYER.to_string())));
    assert_eq!(
        bound_phones(server, household_id).await,
        vec![BUYER.to_string()]
    );
    let late = stranger
        .submit(
            &waiting,
            "/api/me/households/confirm",
            &[("token", &token), ("code", &code)],
        )
        .await;
    assert!(late.form_error().is_some(), "{late:?}");
    assert_eq!(
        bound_phones(server, household_id).await,
        vec![BUYER.to_string()]
    );
    for phone in [RESIDENT, RELATIVE] {
        assert!(
            texts_to(server, phone)
                .await
                .iter()
                .any(|t| t.contains("已办理过户")),
            "{phone} is told"
        );
    }
    assert!(!texts_to(server, BUYER)
        .await
        .iter()
        .any(|t| t.contains("已办理过户")));
    let state: String = sqlx::query_scalar("SELECT state FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(state, "done");
    // The old holder's home card is gone; the application they filed
    // stays theirs to read.
    let cards: Value =
        serde_json::from_str(&resident.api("/api/me/households").await.body).unwrap();
    assert_eq!(cards.as_array().map(Vec::len), Some(0), "{cards}");
    assert_eq!(case(&mut resident, id).await["brief"]["state"], "Done");
}

async fn bound_phones(server: &TestServer, household_id: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT p.phone FROM person_households ph JOIN people p ON p.id = ph.person_id \
         WHERE ph.household_id = $1 ORDER BY p.phone",
    )
    .bind(household_id)
    .fetch_all(server.test_db.db.reader())
    .await
    .unwrap()
}
on_both_engines!(
    a_change_of_holder_rebinds_the_household,
    TestServer,
    a_change_of_holder_rebinds_the_household
);

/// 上门测温: the crew on site records each room's reading, the resident's
/// confirmation and, below 18 ℃, where the cause lies; the result stays
/// on the household's record for the season and counts in the reports.
async fn a_measurement_on_site_is_kept(server: &TestServer) {
    let household = demo_household(server).await;
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let mut crew = staff_signs_in(server, "crew_demo", PASSWORD).await;
    let id =
        case_id_of(&file_temperature(&mut resident, &household, "16", false, &key("cold")).await);
    let crew_id = crew_id(server).await;
    step(
        &mut dispatcher,
        id,
        &[("action", "assign"), ("crew_id", &crew_id)],
    )
    .await;
    step(&mut crew, id, &[("action", "arrive")]).await;
    let id_text = id.to_string();
    let measure = |fields: Vec<(&'static str, &'static str)>| {
        let mut crew = crew.clone();
        let id_text = id_text.clone();
        async move {
            let mut form = vec![
                ("case_id", id_text.as_str()),
                ("action", "record_measurement"),
            ];
            form.extend(fields);
            crew.submit_files(
                &format!("/cases/{id_text}"),
                "/api/cases/step-with-photos",
                &form,
                &[],
            )
            .await
        }
    };
    let unconfirmed = measure(vec![
        ("room_1", "living_room"),
        ("reading_1", "16.5"),
        ("cause", "network"),
        ("confirmed_by", "王秀英"),
    ])
    .await;
    assert!(
        unconfirmed.form_error().unwrap().contains("居民"),
        "{unconfirmed:?}"
    );
    let no_cause = measure(vec![
        ("room_1", "living_room"),
        ("reading_1", "16.5"),
        ("confirmed", "1"),
        ("confirmed_by", "王秀英"),
    ])
    .await;
    assert!(
        no_cause.form_error().unwrap().contains("原因"),
        "{no_cause:?}"
    );
    let by_resident = {
        let mut resident = resident.clone();
        resident
            .submit_files(
                &format!("/cases/{id}"),
                "/api/cases/step-with-photos",
                &[
                    ("case_id", &id.to_string()),
                    ("action", "record_measurement"),
                    ("room_1", "living_room"),
                    ("reading_1", "25"),
                    ("confirmed", "1"),
                    ("confirmed_by", "王秀英"),
                ],
                &[],
            )
            .await
    };
    assert!(by_resident.form_error().is_some(), "only the crew measures");

    let measured = measure(vec![
        ("room_1", "living_room"),
        ("reading_1", "16.5"),
        ("room_2", "master_bedroom"),
        ("reading_2", "18.2"),
        ("cause", "network"),
        ("confirmed", "1"),
        ("confirmed_by", "王秀英"),
    ])
    .await;
    assert_eq!(case_id_of(&measured), id);
    let detail = case(&mut resident, id).await;
    assert_eq!(detail["brief"]["state"], "OnSite", "the visit goes on");
    let last = detail["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        last["note"],
        "客厅 16.5 ℃、主卧 18.2 ℃；未达标（供热管网）；居民 王秀英 现场确认"
    );
    assert!(texts_to(server, RESIDENT)
        .await
        .iter()
        .any(|t| t.contains("现场测温结果")));
    let kept: (i64, i64, Option<String>, i64) = sqlx::query_as(
        "SELECT lowest_tenths, meets_standard, cause, season_start_year \
         FROM temperature_measurements WHERE case_id = $1",
    )
    .bind(id)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(kept, (165, 0, Some("network".to_string()), 2026));
    let cards: Value =
        serde_json::from_str(&resident.api("/api/me/households").await.body).unwrap();
    assert_eq!(cards[0]["measured_below_this_season"], 1);
    let report: Value =
        serde_json::from_str(&dispatcher.api("/api/reports?period=day").await.body).unwrap();
    assert_eq!(report["Company"]["measured_below"], 1, "{report}");
}
on_both_engines!(
    a_measurement_on_site_is_kept,
    TestServer,
    a_measurement_on_site_is_kept
);
