//! 未诉先办: cold flats gathered into one incident, and outages published
//! for it by the dispatcher's own company.

use super::*;
use backend::on_both_engines;

use crate::support::{resident_signs_in, staff_signs_in, TestServer};
use serde_json::Value;

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
    // It went public the desk's way: everyone bound in the building hears
    // of it as of any emergency, not only those who reported cold.
    let told = outage_news_to(server, outage_id, "published").await;
    for (phone, _) in &residents {
        assert!(told.contains(phone), "{told:?}");
    }
    let bound_in_building: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT p.id) FROM people p JOIN person_households ph ON ph.person_id = p.id \
         JOIN households h ON h.id = ph.household_id JOIN units u ON u.id = h.unit_id \
         JOIN buildings b ON b.id = u.building_id JOIN communities c ON c.id = b.community_id \
         WHERE c.name = '鸢飞小区' AND b.name = '1号楼' AND p.phone IS NOT NULL",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert!(told.len() as i64 >= bound_in_building, "{told:?}");
    assert_eq!(
        outage_status_and_audits(server, outage_id).await,
        ("published".to_string(), 1)
    );
    crate::support::deliver_all(server).await;
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
    // Closing the incident restores its outage the desk's way: those told
    // of it hear the heat is back; the flat that bound afterwards does not.
    let restored: Option<i64> = sqlx::query_scalar("SELECT restored_at FROM outages WHERE id = $1")
        .bind(outage_id)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(restored, Some(server.now()));
    assert_eq!(outage_news_to(server, outage_id, "restored").await, told);
    assert!(!told.contains(&"13900000119".to_string()));
    let (status, _) = outage_status_and_audits(server, outage_id).await;
    assert_eq!(status, "restored");
}

/// Whom one piece of an outage's news was queued for, by phone.
async fn outage_news_to(server: &TestServer, outage: i64, news: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT recipient FROM outbox WHERE dedupe_key LIKE $1 ORDER BY recipient")
        .bind(format!("outage:{outage}:{news}:person:%"))
        .fetch_all(server.test_db.db.reader())
        .await
        .unwrap()
}

/// An outage's status, and how many times its publication was audited.
async fn outage_status_and_audits(server: &TestServer, outage: i64) -> (String, i64) {
    sqlx::query_as(
        "SELECT status, (SELECT COUNT(*) FROM audit_log WHERE action = 'outage.publish' \
                         AND subject_id = $2) FROM outages WHERE id = $1",
    )
    .bind(outage)
    .bind(outage.to_string())
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap()
}

on_both_engines!(
    cold_flats_are_gathered_into_one_incident,
    TestServer,
    cold_flats_are_gathered_into_one_incident
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
