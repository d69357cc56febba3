//! Reading cases: the dispatcher's queue, the property manager's
//! buildings, the company's reports.

use super::*;
use backend::on_both_engines;

use crate::support::{resident_signs_in, staff_signs_in, Browser, TestServer};
use serde_json::Value;

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

async fn reports_count_the_company_cases(server: &TestServer) {
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let report = |browser: &mut Browser, query: &'static str| {
        let mut browser = browser.clone();
        async move {
            let answer = browser.api(&format!("/api/reports?{query}")).await;
            assert_eq!(answer.status, 200, "{answer:?}");
            // A dispatcher reads their company's report.
            serde_json::from_str::<Value>(&answer.body).unwrap()["Company"].clone()
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
