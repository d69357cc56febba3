//! The duty desk over real HTTP on SQLite and PostgreSQL: a dispatcher
//! drafts an outage for their own company's buildings only, sees who will
//! hear of it, publishes it (one text per person), moves its restore time
//! (told again), restores it (told heat is back); residents who declined
//! routine news hear only of emergencies; another company's dispatcher can
//! neither read nor step it.

use backend::on_both_engines;
use domain::outage::OutageKind;
use domain::outage_desk::news_send_at;
use serde_json::Value;

use crate::support::{public_json, resident_signs_in, staff_signs_in, Answer, Browser, TestServer};

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;
/// The demo resident, bound to the first flat of 金宝花园.
const RESIDENT: &str = "13800000001";

fn local_input(at: i64) -> String {
    domain::clock::format_local_input(at)
}

/// The outage a desk form redirected to.
fn outage_of(answer: &Answer) -> i64 {
    assert!(answer.form_error().is_none(), "{:?}", answer.form_error());
    let location = answer.location.as_deref().unwrap_or_default();
    location
        .strip_prefix("/desk/outages/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an outage page: {answer:?}"))
}

async fn resident_building(server: &TestServer) -> i64 {
    sqlx::query_scalar(
        "SELECT u.building_id FROM person_households ph JOIN people p ON p.id = ph.person_id \
         JOIN households h ON h.id = ph.household_id JOIN units u ON u.id = h.unit_id \
         WHERE p.phone = $1",
    )
    .bind(RESIDENT)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap()
}

/// The demo grid worker and property manager keep a mobile number on file
/// (staff sign in by name; a number is for news).
async fn staff_have_phones(server: &TestServer) {
    for (username, phone) in [
        ("grid_demo", "13900000071"),
        ("property_demo", "13900000072"),
    ] {
        sqlx::query("UPDATE people SET phone = $1 WHERE username = $2")
            .bind(phone)
            .bind(username)
            .execute(server.test_db.db.writer())
            .await
            .unwrap();
    }
}

/// A station of another company than the demo dispatcher's.
async fn foreign_station(server: &TestServer) -> i64 {
    sqlx::query_scalar(
        "SELECT s.id FROM stations s WHERE s.company_id <> \
         (SELECT company_id FROM people WHERE username = 'dispatch_demo') ORDER BY s.id LIMIT 1",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap()
}

/// Outage texts queued for one piece of news, as (recipient, text, due).
async fn news_queued(server: &TestServer, outage: i64, news: &str) -> Vec<(String, String, i64)> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT recipient, payload, available_at FROM outbox WHERE dedupe_key LIKE $1 ORDER BY id",
    )
    .bind(format!("outage:{outage}:{news}:person:%"))
    .fetch_all(server.test_db.db.reader())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(to, payload, due)| {
            let payload: Value = serde_json::from_str(&payload).unwrap();
            assert_eq!(payload["template"], "outage_news", "{payload}");
            (to, payload["news"].as_str().unwrap().to_string(), due)
        })
        .collect()
}

async fn detail(dispatcher: &mut Browser, outage: i64) -> Value {
    let answer = dispatcher
        .api(&format!("/api/desk/outage?id={outage}"))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    serde_json::from_str(&answer.body).unwrap()
}

async fn draft(
    dispatcher: &mut Browser,
    kind: &str,
    title: &str,
    starts_at: i64,
    restore_at: i64,
    places: &[(&str, i64)],
) -> Answer {
    let starts = local_input(starts_at);
    let restore = local_input(restore_at);
    let ids: Vec<(String, String)> = places
        .iter()
        .map(|(name, id)| (format!("{name}[]"), id.to_string()))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![
        ("kind", kind),
        ("title", title),
        ("cause", "二次网主管道阀门更换"),
        ("contact", "0536-12345678"),
        ("starts_at", &starts),
        ("expected_restore_at", &restore),
        ("short_notice_reason", ""),
    ];
    form.extend(ids.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    dispatcher
        .submit("/desk/outages", "/api/desk/outages/new", &form)
        .await
}

async fn the_desk_runs_an_outage_and_the_area_hears_of_it(server: &TestServer) {
    staff_have_phones(server).await;
    let building = resident_building(server).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let now = server.now();
    let hour = 3600;

    // Another company's station is not this dispatcher's to stop.
    let foreign = foreign_station(server).await;
    let refused = draft(
        &mut dispatcher,
        "planned",
        "不属于本公司",
        now + 72 * hour,
        now + 80 * hour,
        &[("station_ids", foreign)],
    )
    .await;
    assert!(
        refused
            .form_error()
            .unwrap_or_default()
            .contains("不属于本公司"),
        "{refused:?}"
    );
    // Planned work of two days starting tomorrow needs a reason.
    let short = draft(
        &mut dispatcher,
        "planned",
        "提前不足",
        now + 24 * hour,
        now + 72 * hour,
        &[("building_ids", building)],
    )
    .await;
    assert!(
        short.form_error().unwrap_or_default().contains("48 小时"),
        "{short:?}"
    );

    // A planned outage of the resident's building, three days ahead.
    let starts = now + 72 * hour;
    let created = draft(
        &mut dispatcher,
        "planned",
        "金宝花园停热",
        starts,
        starts + 8 * hour,
        &[("building_ids", building)],
    )
    .await;
    let outage = outage_of(&created);
    let before = detail(&mut dispatcher, outage).await;
    assert_eq!(before["outage"]["status"], "Draft");
    let audience = &before["audience"];
    assert_eq!(audience["buildings"], 1);
    // The resident, the building's grid worker and property manager.
    let people = audience["people"].as_u64().unwrap();
    assert_eq!(people, 3, "{audience}");
    assert!(before["publish_text"]
        .as_str()
        .unwrap()
        .contains("金宝花园停热"));

    // A draft is nobody's news yet.
    let (public, _) = public_json(server, &format!("/api/outage?id={outage}")).await;
    assert_ne!(public, 200);
    let board = crate::support::page_text(&server.url("/outages")).await;
    assert!(!board.contains("金宝花园停热"));
    let draft_notice = crate::support::client()
        .get(server.url(&format!("/outages/{outage}/notice")))
        .send()
        .await
        .unwrap();
    assert_eq!(draft_notice.status(), 404);

    // Publishing tells each person once.
    let page = format!("/desk/outages/{outage}");
    let id = outage.to_string();
    let published = dispatcher
        .submit(&page, "/api/desk/outages/publish", &[("id", &id)])
        .await;
    assert_eq!(outage_of(&published), outage);
    let told = news_queued(server, outage, "published").await;
    assert_eq!(told.len() as u64, people);
    let mut recipients: Vec<&str> = told.iter().map(|(to, ..)| to.as_str()).collect();
    recipients.dedup();
    assert_eq!(recipients.len(), told.len(), "one text per person");
    assert!(told.iter().any(|(to, ..)| to == RESIDENT));
    // Routine news waits for the morning when written at night.
    let due = news_send_at(OutageKind::Planned, server.now());
    assert!(told.iter().all(|(_, _, at)| *at == due));
    let twice = dispatcher
        .submit(&page, "/api/desk/outages/publish", &[("id", &id)])
        .await;
    assert!(twice.form_error().is_some(), "{twice:?}");
    assert_eq!(
        news_queued(server, outage, "published").await.len(),
        told.len()
    );
    let board = crate::support::page_text(&server.url("/outages")).await;
    assert!(board.contains("金宝花园停热"));
    let building_page =
        crate::support::page_text(&server.url(&format!("/building?building={building}"))).await;
    assert!(building_page.contains("金宝花园停热"), "{building_page}");
    // The lobby notice, in the company's name, with its hotline and a QR
    // code of the outage's page.
    let printed =
        crate::support::page_text(&server.url(&format!("/outages/{outage}/notice"))).await;
    let (company, hotline): (String, String) = sqlx::query_as(
        "SELECT hc.name, hc.hotline FROM heating_companies hc \
         JOIN people p ON p.company_id = hc.id WHERE p.username = 'dispatch_demo'",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    for expected in [
        "计划停热通知",
        "二次网主管道阀门更换",
        "<svg",
        "/notice.css",
        &company,
        &hotline,
    ] {
        assert!(printed.contains(expected), "{expected} in {printed}");
    }
    assert!(printed.contains(&format!("/outages/{outage}")));

    // Another company's dispatcher cannot see or step it.
    sqlx::query(
        "INSERT INTO people (display_name, username, password_hash, company_id, created_at) \
         SELECT '赵敏', 'dispatch_east', password_hash, \
                (SELECT id FROM heating_companies WHERE short_name = '城东热电'), created_at \
         FROM people WHERE username = 'dispatch_demo'",
    )
    .execute(server.test_db.db.writer())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO person_roles (person_id, role, granted_at) \
         SELECT id, 'dispatcher', created_at FROM people WHERE username = 'dispatch_east'",
    )
    .execute(server.test_db.db.writer())
    .await
    .unwrap();
    let mut other = staff_signs_in(server, "dispatch_east", PASSWORD).await;
    let peek = other.api(&format!("/api/desk/outage?id={outage}")).await;
    assert_ne!(peek.status, 200, "{peek:?}");
    let meddle = other
        .submit(
            &page,
            "/api/desk/outages/end",
            &[("id", &id), ("step", "restore")],
        )
        .await;
    assert!(meddle.form_error().is_some(), "{meddle:?}");

    // A note alone tells nobody; moving the restore time tells everyone.
    let noted = dispatcher
        .submit(
            &page,
            "/api/desk/outages/update",
            &[("id", &id), ("note", "施工队伍已进场")],
        )
        .await;
    assert_eq!(outage_of(&noted), outage);
    let later = local_input(starts + 12 * hour);
    let moved = dispatcher
        .submit(
            &page,
            "/api/desk/outages/update",
            &[
                ("id", &id),
                ("note", "阀门到货延迟"),
                ("expected_restore_at", &later),
            ],
        )
        .await;
    assert_eq!(outage_of(&moved), outage);
    let after = detail(&mut dispatcher, outage).await;
    assert_eq!(
        after["outage"]["expected_restore_at"].as_i64(),
        Some(domain::clock::parse_local_input(&later).unwrap())
    );
    let timeline = after["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 2, "{timeline:?}");
    let moved_texts: Vec<(String, String, i64)> = {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE $1 AND dedupe_key LIKE '%:update:%'",
        )
        .bind(format!("outage:{outage}:%"))
        .fetch_all(server.test_db.db.reader())
        .await
        .unwrap();
        assert_eq!(rows.len() as u64, people, "{rows:?}");
        let update = rows[0].split(':').nth(3).unwrap().to_string();
        news_queued(server, outage, &format!("update:{update}")).await
    };
    assert!(moved_texts
        .iter()
        .all(|(_, text, _)| text.contains("阀门到货延迟") && text.contains("调整为")));

    // Heat back: everyone told hears so, once.
    crate::support::deliver_all(server).await;
    let restored = dispatcher
        .submit(
            &page,
            "/api/desk/outages/end",
            &[("id", &id), ("step", "restore")],
        )
        .await;
    assert_eq!(outage_of(&restored), outage);
    let back = news_queued(server, outage, "restored").await;
    assert_eq!(back.len() as u64, people);
    assert!(back[0].1.contains("已恢复供热"));
    let again = dispatcher
        .submit(
            &page,
            "/api/desk/outages/end",
            &[("id", &id), ("step", "restore")],
        )
        .await;
    assert!(again.form_error().is_some());
    let audit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE subject_type = 'outage' AND subject_id = $1",
    )
    .bind(outage.to_string())
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    // Drafted, published, two updates, restored.
    assert_eq!(audit, 5);
    let (_, public) = public_json(server, &format!("/api/outage?id={outage}")).await;
    assert_eq!(public["notice"]["phase"], "Restored");
    assert_eq!(public["timeline"].as_array().unwrap().len(), 3);
}

on_both_engines!(
    the_desk_runs_an_outage_and_the_area_hears_of_it,
    TestServer,
    the_desk_runs_an_outage_and_the_area_hears_of_it
);

async fn opted_out_residents_hear_only_of_emergencies(server: &TestServer) {
    staff_have_phones(server).await;
    let building = resident_signs_in(server, RESIDENT).await;
    let mut resident = building;
    let off = resident
        .submit(
            "/me/settings",
            "/api/me/outage-news/save",
            &[("receive", "0")],
        )
        .await;
    assert_eq!(off.location.as_deref(), Some("/me/settings"), "{off:?}");
    let choice = resident.api("/api/me/outage-news").await;
    assert_eq!(choice.body.trim(), "false");

    let building = resident_building(server).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let now = server.now();
    let mut told_resident = Vec::new();
    for (kind, title) in [("planned", "计划检修"), ("emergency", "管道抢修")] {
        let (starts, ends) = if kind == "planned" {
            (now + 72 * 3600, now + 80 * 3600)
        } else {
            (now, now + 6 * 3600)
        };
        let created = draft(
            &mut dispatcher,
            kind,
            title,
            starts,
            ends,
            &[("building_ids", building)],
        )
        .await;
        let outage = outage_of(&created);
        let before = detail(&mut dispatcher, outage).await;
        assert_eq!(before["audience"]["opted_out"], 1, "{before}");
        let id = outage.to_string();
        dispatcher
            .submit(
                &format!("/desk/outages/{outage}"),
                "/api/desk/outages/publish",
                &[("id", &id)],
            )
            .await;
        let told = news_queued(server, outage, "published").await;
        assert!(!told.is_empty());
        told_resident.push(told.iter().any(|(to, ..)| to == RESIDENT));
        if kind == "emergency" {
            // Emergencies go out at once, whatever the hour.
            assert!(told.iter().all(|(_, _, due)| *due == server.now()));
        }
    }
    assert_eq!(told_resident, vec![false, true]);

    // Published for tomorrow, then called off today: the texts waiting for
    // tomorrow are taken back, and nobody is told of the cancellation.
    let created = draft(
        &mut dispatcher,
        "planned",
        "定时发布后取消",
        now + 96 * 3600,
        now + 100 * 3600,
        &[("building_ids", building)],
    )
    .await;
    let outage = outage_of(&created);
    let id = outage.to_string();
    let page = format!("/desk/outages/{outage}");
    let tomorrow = local_input(now + 24 * 3600);
    let scheduled = dispatcher
        .submit(
            &page,
            "/api/desk/outages/publish",
            &[("id", &id), ("publish_at", &tomorrow)],
        )
        .await;
    assert_eq!(outage_of(&scheduled), outage);
    let waiting = news_queued(server, outage, "published").await;
    assert!(!waiting.is_empty());
    assert!(waiting.iter().all(|(_, _, due)| *due >= now + 24 * 3600));
    let board = crate::support::page_text(&server.url("/outages")).await;
    assert!(
        !board.contains("定时发布后取消"),
        "not public before its time"
    );
    let cancelled = dispatcher
        .submit(
            &page,
            "/api/desk/outages/end",
            &[("id", &id), ("step", "cancel")],
        )
        .await;
    assert_eq!(outage_of(&cancelled), outage);
    assert!(news_queued(server, outage, "published").await.is_empty());
    assert!(news_queued(server, outage, "cancelled").await.is_empty());
    // Called off before it went public, it never shows.
    let board = crate::support::page_text(&server.url("/outages")).await;
    assert!(!board.contains("定时发布后取消"));
    let (page_of_it, _) = public_json(server, &format!("/api/outage?id={outage}")).await;
    assert_ne!(page_of_it, 200);

    // The notice rule counts from publication: a long planned stop drafted
    // three days ahead but published only 42 hours ahead needs its reason.
    let created = draft(
        &mut dispatcher,
        "planned",
        "迟发公告",
        now + 72 * 3600,
        now + 100 * 3600,
        &[("building_ids", building)],
    )
    .await;
    let outage = outage_of(&created);
    let id = outage.to_string();
    let late = local_input(now + 30 * 3600);
    let refused = dispatcher
        .submit(
            &format!("/desk/outages/{outage}"),
            "/api/desk/outages/publish",
            &[("id", &id), ("publish_at", &late)],
        )
        .await;
    assert!(
        refused.form_error().unwrap_or_default().contains("48 小时"),
        "{refused:?}"
    );
}

on_both_engines!(
    opted_out_residents_hear_only_of_emergencies,
    TestServer,
    opted_out_residents_hear_only_of_emergencies
);

/// Who one piece of an outage's news was queued for.
async fn recipients(server: &TestServer, outage: i64, news: &str) -> Vec<String> {
    let mut to: Vec<String> = news_queued(server, outage, news)
        .await
        .into_iter()
        .map(|(to, ..)| to)
        .collect();
    to.sort();
    to
}

/// Another building of the dispatcher's company than `building`.
/// A building of the dispatcher's company other than `building`, with a
/// different number of households (so that an audience tells them apart).
async fn another_building(server: &TestServer, building: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT b.id FROM buildings b JOIN stations s ON s.id = b.station_id \
         WHERE s.company_id = (SELECT company_id FROM people WHERE username = 'dispatch_demo') \
           AND b.id <> $1 \
           AND (SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id \
                 WHERE u.building_id = b.id) \
            <> (SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id \
                 WHERE u.building_id = $1) \
         ORDER BY b.id LIMIT 1",
    )
    .bind(building)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap()
}

async fn submit_step(
    dispatcher: &mut Browser,
    outage: i64,
    action: &str,
    form: &[(&str, &str)],
) -> Answer {
    let id = outage.to_string();
    let mut fields = vec![("id", id.as_str())];
    fields.extend_from_slice(form);
    dispatcher
        .submit(&format!("/desk/outages/{outage}"), action, &fields)
        .await
}

/// The admin sets the notice rule (the desk follows at once); a draft is
/// rewritten, area included, until it is published; the news of an
/// outage's end goes only to those who were told of it; declining routine
/// news takes back such news still waiting.
async fn drafts_change_and_endings_reach_those_told(server: &TestServer) {
    staff_have_phones(server).await;
    let building = resident_building(server).await;
    let elsewhere = another_building(server, building).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let now = server.now();
    let hour = 3600;

    // The notice rule is the admin's, not the dispatcher's.
    let not_admin = dispatcher
        .submit(
            "/admin/case-rules",
            "/api/admin/case-rules/outage-notice",
            &[("hours", "72")],
        )
        .await;
    assert!(not_admin.form_error().is_some(), "{not_admin:?}");
    let mut admin = staff_signs_in(server, "admin_demo", PASSWORD).await;
    let odd = admin
        .submit(
            "/admin/case-rules",
            "/api/admin/case-rules/outage-notice",
            &[("hours", "0")],
        )
        .await;
    assert!(
        odd.form_error().unwrap_or_default().contains("1 到 720"),
        "{odd:?}"
    );
    let set = admin
        .submit(
            "/admin/case-rules",
            "/api/admin/case-rules/outage-notice",
            &[("hours", "72")],
        )
        .await;
    assert!(set.form_error().is_none(), "{set:?}");
    let rules = admin.api("/api/admin/case-rules").await;
    let rules: Value = serde_json::from_str(&rules.body).unwrap();
    assert_eq!(rules["planned_notice_hours"], 72);
    let desk = dispatcher.api("/api/desk/outages").await;
    let desk: Value = serde_json::from_str(&desk.body).unwrap();
    assert_eq!(desk["planned_notice_hours"], 72);
    let short = draft(
        &mut dispatcher,
        "planned",
        "提前 60 小时",
        now + 60 * hour,
        now + 90 * hour,
        &[("building_ids", building)],
    )
    .await;
    assert!(
        short.form_error().unwrap_or_default().contains("72 小时"),
        "{short:?}"
    );

    // A draft of the resident's building, moved to another building and
    // retitled before it goes out.
    let created = draft(
        &mut dispatcher,
        "planned",
        "草稿原标题",
        now + 80 * hour,
        now + 90 * hour,
        &[("building_ids", building)],
    )
    .await;
    let outage = outage_of(&created);
    let before = detail(&mut dispatcher, outage).await;
    assert_eq!(
        before["draft"]["building_ids"],
        serde_json::json!([building])
    );
    let households_before = before["audience"]["households"].as_i64().unwrap();
    let (starts, restore) = (local_input(now + 80 * hour), local_input(now + 96 * hour));
    let elsewhere_id = elsewhere.to_string();
    let foreign = foreign_station(server).await.to_string();
    let edit = |title: &'static str, place: (&'static str, String)| {
        vec![
            ("kind", "planned".to_string()),
            ("title", title.to_string()),
            ("cause", "改为更换楼内立管".to_string()),
            ("contact", "".to_string()),
            ("starts_at", starts.clone()),
            ("expected_restore_at", restore.clone()),
            ("short_notice_reason", "".to_string()),
            (place.0, place.1),
        ]
    };
    let as_form =
        |fields: &[(&'static str, String)]| -> Vec<(&'static str, String)> { fields.to_vec() };
    let foreign_edit = as_form(&edit("改到别家", ("station_ids[]", foreign)));
    let refused = submit_step(
        &mut dispatcher,
        outage,
        "/api/desk/outages/edit",
        &foreign_edit
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert!(
        refused
            .form_error()
            .unwrap_or_default()
            .contains("不属于本公司"),
        "{refused:?}"
    );
    let good_edit = as_form(&edit(
        "草稿新标题",
        ("building_ids[]", elsewhere_id.clone()),
    ));
    let good_edit: Vec<(&str, &str)> = good_edit.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let edited = submit_step(
        &mut dispatcher,
        outage,
        "/api/desk/outages/edit",
        &good_edit,
    )
    .await;
    assert_eq!(outage_of(&edited), outage);
    let after = detail(&mut dispatcher, outage).await;
    assert_eq!(after["outage"]["title"], "草稿新标题");
    assert_eq!(after["outage"]["cause"], "改为更换楼内立管");
    assert_eq!(
        after["outage"]["expected_restore_at"],
        now + 96 * hour - (now + 96 * hour) % 60
    );
    assert_eq!(
        after["draft"]["building_ids"],
        serde_json::json!([elsewhere])
    );
    assert_ne!(
        after["audience"]["households"].as_i64(),
        Some(households_before)
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'outage.edit' AND subject_id = $1",
    )
    .bind(outage.to_string())
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(audited, 1);
    // Published, it is no longer a draft to rewrite.
    let published = submit_step(&mut dispatcher, outage, "/api/desk/outages/publish", &[]).await;
    assert_eq!(outage_of(&published), outage);
    let late_edit = submit_step(
        &mut dispatcher,
        outage,
        "/api/desk/outages/edit",
        &good_edit,
    )
    .await;
    assert!(late_edit.form_error().is_some(), "{late_edit:?}");
    assert!(detail(&mut dispatcher, outage).await["draft"].is_null());

    // An emergency in the resident's building: those told of it, and only
    // they, hear that the heat is back; a resident who bound a flat there
    // afterwards was never told, so is not told of its end either.
    let created = draft(
        &mut dispatcher,
        "emergency",
        "金宝花园抢修",
        now,
        now + 6 * hour,
        &[("building_ids", building)],
    )
    .await;
    let emergency = outage_of(&created);
    submit_step(&mut dispatcher, emergency, "/api/desk/outages/publish", &[]).await;
    let told = recipients(server, emergency, "published").await;
    assert!(told.contains(&RESIDENT.to_string()), "{told:?}");
    crate::support::deliver_all(server).await;
    let (account, holder): (String, String) = sqlx::query_as(
        "SELECT h.account_no, h.holder_name FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE u.building_id = $1 AND h.id NOT IN (SELECT household_id FROM person_households) \
         ORDER BY h.id LIMIT 1",
    )
    .bind(building)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let newcomer = "13900000131";
    let mut late = resident_signs_in(server, newcomer).await;
    crate::support::binds_household(server, &mut late, &account, &holder).await;
    let audience = detail(&mut dispatcher, emergency).await["audience"]["people"]
        .as_i64()
        .unwrap();
    assert_eq!(
        audience,
        told.len() as i64 + 1,
        "the newcomer is in the area now"
    );
    submit_step(
        &mut dispatcher,
        emergency,
        "/api/desk/outages/end",
        &[("step", "restore")],
    )
    .await;
    let heat_back = recipients(server, emergency, "restored").await;
    assert_eq!(heat_back, told);
    assert!(!heat_back.contains(&newcomer.to_string()));

    // News waiting for its publishing time: declining routine news takes
    // back the planned outage's, not the emergency's.
    let tomorrow = local_input(now + 24 * hour);
    let mut waiting = Vec::new();
    for (kind, title, starts) in [
        ("planned", "明日公告的计划检修", now + 110 * hour),
        ("emergency", "明日公告的抢修", now + 25 * hour),
    ] {
        let created = draft(
            &mut dispatcher,
            kind,
            title,
            starts,
            starts + 4 * hour,
            &[("building_ids", building)],
        )
        .await;
        let id = outage_of(&created);
        let scheduled = submit_step(
            &mut dispatcher,
            id,
            "/api/desk/outages/publish",
            &[("publish_at", &tomorrow)],
        )
        .await;
        assert_eq!(outage_of(&scheduled), id);
        assert!(recipients(server, id, "published")
            .await
            .contains(&RESIDENT.to_string()));
        waiting.push(id);
    }
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let off = resident
        .submit(
            "/me/settings",
            "/api/me/outage-news/save",
            &[("receive", "0")],
        )
        .await;
    assert!(off.form_error().is_none(), "{off:?}");
    let planned = recipients(server, waiting[0], "published").await;
    assert!(!planned.contains(&RESIDENT.to_string()), "{planned:?}");
    assert!(
        planned.contains(&newcomer.to_string()),
        "others keep theirs"
    );
    let urgent = recipients(server, waiting[1], "published").await;
    assert!(urgent.contains(&RESIDENT.to_string()), "{urgent:?}");
    assert!(
        recipients(server, emergency, "published")
            .await
            .contains(&RESIDENT.to_string()),
        "news already sent stays on record"
    );
}

on_both_engines!(
    drafts_change_and_endings_reach_those_told,
    TestServer,
    drafts_change_and_endings_reach_those_told
);

async fn a_heat_source_limit_reduces_the_building_s_heat(server: &TestServer) {
    let building = resident_building(server).await;
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let now = server.now();
    // Three days of reduced heat from now: no advance notice is asked for.
    let created = draft(
        &mut dispatcher,
        "heat_source",
        "城东片区热源限供",
        now,
        now + 72 * 3600,
        &[("building_ids", building)],
    )
    .await;
    let outage = outage_of(&created);
    let id = outage.to_string();
    dispatcher
        .submit(
            &format!("/desk/outages/{outage}"),
            "/api/desk/outages/publish",
            &[("id", &id)],
        )
        .await;
    let (_, lookup) = public_json(server, &format!("/api/building?building={building}")).await;
    let report = &lookup["report"];
    assert_eq!(report["heat"], "Reduced", "{report}");
    assert!(
        report["outages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == outage && o["kind"] == "HeatSource"),
        "{report}"
    );
    let told = news_queued(server, outage, "published").await;
    assert!(!told.is_empty());
    assert!(
        told.iter()
            .all(|(_, text, _)| text.contains("降温运行") && !text.contains("起停热")),
        "{told:?}"
    );
}

on_both_engines!(
    a_heat_source_limit_reduces_the_building_s_heat,
    TestServer,
    a_heat_source_limit_reduces_the_building_s_heat
);
