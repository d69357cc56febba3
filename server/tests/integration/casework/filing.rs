//! Filing over HTTP: triage, one case per submit, applications, photos,
//! and keys that never meet another person's.

use super::*;
use backend::on_both_engines;

use crate::support::{resident_signs_in, staff_signs_in, Browser, TestServer};

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
    assert_eq!(filed["season_start_year"], 2027);
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
