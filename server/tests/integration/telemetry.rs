//! The telemetry API over real HTTP, on SQLite and PostgreSQL: an admin
//! issues telemetry keys (one for the city's platform, one bound to a
//! company) and imports the sensor registry; platforms post batches in
//! JSON and CSV; every row is answered, the good ones kept once (a resent
//! batch, or the same batch eight times at once, counts once, rollups
//! included); late data within the window is taken; limits, keys and
//! companies are enforced.

use crate::support::{client, staff_signs_in, Answer, Browser, TestServer};
use backend::db::Engine;
use serde_json::{json, Value};

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;

/// The admin issues a key on the keys page and reads it there, once.
async fn issue_key(admin: &mut Browser, form: &[(&str, &str)]) -> String {
    let issued = admin
        .submit("/admin/api-keys", "/api/admin/api-keys/issue", form)
        .await;
    assert!(issued.form_error().is_none(), "{issued:?}");
    let page = admin
        .get(&issued.location.expect("back to the keys page"))
        .await;
    let start = page.body.find("hdtel_").expect("the new key is shown");
    page.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// Posts a body as a platform would (no browser, no cookies).
async fn post(server: &TestServer, key: &str, content_type: &str, body: String) -> (u16, Value) {
    let response = client()
        .post(server.url("/telemetry/v1/readings"))
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", content_type)
        .header("origin", "https://platform.example")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn post_json(server: &TestServer, key: &str, rows: &Value) -> (u16, Value) {
    post(server, key, "application/json", rows.to_string()).await
}

fn reading(sensor: &str, at: i64, quantity: &str, value: f64) -> Value {
    json!({ "sensor_id": sensor, "measured_at": at, "quantity": quantity, "value": value })
}

/// The readings kept, and the readings the hourly rollups count: equal
/// when every kept reading was rolled up exactly once.
async fn kept_and_rolled_up(server: &TestServer) -> (i64, i64) {
    let pool = server.test_db.db.reader();
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM telemetry_readings")
        .fetch_one(pool)
        .await
        .unwrap();
    let rolled: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(readings), 0) AS BIGINT) FROM telemetry_hourly",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    (kept, rolled)
}

fn rejected_codes(answer: &Value) -> Vec<(u64, String)> {
    answer["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn readings_are_kept_once(engine: Engine) {
    let server = TestServer::start(engine).await;
    let pool = server.test_db.db.reader();
    let now = server.now();
    let stations: Vec<(String, i64)> =
        sqlx::query_as("SELECT code, company_id FROM stations ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let (own_station, company) = stations[0].clone();
    let (other_station, _) = stations
        .iter()
        .find(|(_, other)| *other != company)
        .expect("the demo city has two companies")
        .clone();
    let account_no: String = sqlx::query_scalar(
        "SELECT account_no FROM households WHERE company_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(company)
    .fetch_one(pool)
    .await
    .unwrap();

    // Only an admin imports the registry; a file with a bad line is
    // refused whole, naming the line.
    let registry = format!(
        "sensor_id,kind,place\nIN-1,indoor,{account_no}\nST-OWN,station,{own_station}\n\
         ST-OTHER,station,{other_station}\nOUT-1,outdoor,\n"
    );
    let mut dispatcher = staff_signs_in(&server, "dispatch_demo", PASSWORD).await;
    let refused = dispatcher
        .submit(
            "/admin/sensors",
            "/api/admin/sensors/import",
            &[("csv", &registry)],
        )
        .await;
    assert!(refused.form_error().is_some(), "{refused:?}");
    let mut admin = staff_signs_in(&server, "admin_demo", PASSWORD).await;
    let bad = format!("{registry}IN-2,indoor,NO-SUCH-ACCOUNT\n");
    let refused = admin
        .submit(
            "/admin/sensors",
            "/api/admin/sensors/import",
            &[("csv", &bad)],
        )
        .await;
    let error = refused.form_error().unwrap_or_default();
    assert!(
        error.contains("第 6 行") && error.contains("户号"),
        "{error}"
    );
    let imported = admin
        .submit(
            "/admin/sensors",
            "/api/admin/sensors/import",
            &[("csv", &registry)],
        )
        .await;
    assert!(imported.form_error().is_none(), "{imported:?}");
    let shown_at = imported.location.clone().expect("back to the registry");
    assert!(shown_at.contains("registered=4"), "{shown_at}");
    let page = admin.get(&shown_at).await;
    assert!(page.body.contains("新登记 4 个"), "{}", page.body);
    assert!(page.body.contains("data-sensor=\"ST-OTHER\""));

    // Keys: a city key, a company key, and an Open311 key that opens
    // nothing here.
    let city_key = issue_key(
        &mut admin,
        &[("label", "市智慧供热平台"), ("scope", "telemetry")],
    )
    .await;
    let company_text = company.to_string();
    let company_key = issue_key(
        &mut admin,
        &[
            ("label", "热力公司平台"),
            ("scope", "telemetry"),
            ("company", &company_text),
        ],
    )
    .await;
    let keys_page = admin.get("/admin/api-keys").await;
    assert_eq!(
        keys_page.body.matches("data-scope=\"telemetry\"").count(),
        2
    );
    let one = json!([reading("IN-1", now - 600, "indoor_temp", 19.5)]);
    let (status, _) = post_json(&server, "", &one).await;
    assert_eq!(status, 401);
    let (status, _) = post_json(
        &server,
        "hdtel_not-a-key-anyone-was-given-at-all-really",
        &one,
    )
    .await;
    assert_eq!(status, 401);
    let issued = admin
        .submit(
            "/admin/api-keys",
            "/api/admin/api-keys/issue",
            &[("label", "城市服务平台")],
        )
        .await;
    let page = admin.get(&issued.location.unwrap()).await;
    let start = page.body.find("hd311_").expect("an Open311 key");
    let open311_key: String = page.body[start..start + 49].to_string();
    let (status, _) = post_json(&server, &open311_key, &one).await;
    assert_eq!(status, 401, "an Open311 key does not open telemetry");

    // A batch: good rows kept, each bad row answered on its own.
    let batch = json!([
        reading("IN-1", now - 3600, "indoor_temp", 19.5),
        reading("IN-1", now - 2400, "indoor_temp", 19.0),
        reading("IN-1", now - 1200, "indoor_temp", 17.5),
        reading("ST-OWN", now - 300, "secondary_supply_temp", 48.5),
        reading("ST-OWN", now - 300, "primary_flow", 120.0),
        reading("OUT-1", now - 300, "outdoor_temp", -6.5),
        reading("NOBODY", now - 300, "indoor_temp", 19.0),
        reading("IN-1", now - 300, "indoor_temp", 95.0),
        reading("IN-1", now + 3600, "indoor_temp", 19.0),
        reading("IN-1", now - 8 * 86_400, "indoor_temp", 19.0),
        reading("ST-OWN", now - 300, "indoor_temp", 19.0),
        json!({ "sensor_id": "IN-1", "measured_at": now, "quantity": "indoor_temp", "value": "warm" }),
        reading("IN-1", now - 3600, "indoor_temp", 19.5),
    ]);
    let (status, answer) = post_json(&server, &city_key, &batch).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["received"], 13);
    assert_eq!(answer["accepted"], 6, "{answer}");
    assert_eq!(answer["duplicates"], 1, "the row sent twice in one batch");
    assert_eq!(
        rejected_codes(&answer),
        vec![
            (6, "unknown_sensor".to_string()),
            (7, "impossible_value".to_string()),
            (8, "in_future".to_string()),
            (9, "too_late".to_string()),
            (10, "quantity_not_of_sensor".to_string()),
            (11, "unreadable".to_string()),
        ]
    );
    assert!(answer["rejected"][0]["message"]
        .as_str()
        .unwrap()
        .contains("未登记"));
    assert_eq!(kept_and_rolled_up(&server).await, (6, 6));

    // Resent: nothing changes.
    let (_, again) = post_json(&server, &city_key, &batch).await;
    assert_eq!(
        (again["accepted"].clone(), again["duplicates"].clone()),
        (json!(0), json!(7))
    );
    assert_eq!(kept_and_rolled_up(&server).await, (6, 6));

    // The hour's rollup is the readings' min, mean and max.
    let hour = now - 3600 - (now - 3600).rem_euclid(3600);
    let rollups: Vec<(i64, i64, f64, f64, f64)> = sqlx::query_as(
        "SELECT r.hour, r.readings, r.total, r.lowest, r.highest FROM telemetry_hourly r \
         JOIN sensors s ON s.id = r.sensor_id WHERE s.code = 'IN-1' ORDER BY r.hour",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let readings: i64 = rollups.iter().map(|r| r.1).sum();
    assert_eq!(readings, 3);
    assert_eq!(rollups[0].0, hour);
    let lowest = rollups.iter().map(|r| r.3).fold(f64::MAX, f64::min);
    let highest = rollups.iter().map(|r| r.4).fold(f64::MIN, f64::max);
    assert_eq!((lowest, highest), (17.5, 19.5));
    let heard: Option<i64> =
        sqlx::query_scalar("SELECT last_heard_at FROM sensors WHERE code = 'IN-1'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(heard, Some(now - 1200));

    // Late and out of order, within the window: taken, into its own hour.
    let late = json!([reading("IN-1", now - 3 * 86_400, "indoor_temp", 16.0)]);
    let (_, answer) = post_json(&server, &city_key, &late).await;
    assert_eq!(answer["accepted"], 1, "{answer}");
    assert_eq!(kept_and_rolled_up(&server).await, (7, 7));
    let heard_after: Option<i64> =
        sqlx::query_scalar("SELECT last_heard_at FROM sensors WHERE code = 'IN-1'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        heard_after,
        Some(now - 1200),
        "old data does not move last contact back"
    );

    // A company's key reports only its company's sensors.
    let mixed = json!([
        reading("ST-OWN", now - 240, "secondary_return_temp", 38.0),
        reading("ST-OTHER", now - 240, "secondary_return_temp", 38.0),
        reading("OUT-1", now - 240, "outdoor_temp", -6.0),
    ]);
    let (_, answer) = post_json(&server, &company_key, &mixed).await;
    assert_eq!(answer["accepted"], 1, "{answer}");
    assert_eq!(
        rejected_codes(&answer),
        vec![
            (1, "not_your_sensor".to_string()),
            (2, "not_your_sensor".to_string())
        ]
    );

    // CSV, as an export.
    let csv = format!(
        "sensor_id,measured_at,quantity,value\nST-OTHER,{},secondary_supply_temp,51.0\nST-OTHER,{},secondary_pressure,0.42\n",
        now - 180,
        now - 180
    );
    let (status, answer) = post(&server, &city_key, "text/csv", csv).await;
    assert_eq!(
        (status, answer["accepted"].clone()),
        (200, json!(2)),
        "{answer}"
    );

    // Limits: the batch size, the body, the type.
    let too_many: Vec<Value> = (0..5_001)
        .map(|i| reading("OUT-1", now - 60 - i, "outdoor_temp", -5.0))
        .collect();
    let (status, answer) = post_json(&server, &city_key, &Value::Array(too_many)).await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("5000"));
    let (status, _) = post(
        &server,
        &city_key,
        "application/json",
        "{\"readings\": 1}".into(),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post(&server, &city_key, "text/plain", "hello".into()).await;
    assert_eq!(status, 415);
    let before = kept_and_rolled_up(&server).await;

    // The same fresh batch eight times at once: kept once, rolled up once.
    let burst: Vec<Value> = (0..400)
        .map(|i| {
            reading(
                "OUT-1",
                now - 5 * 86_400 + i * 60,
                "outdoor_temp",
                -8.0 + (i % 7) as f64,
            )
        })
        .collect();
    let burst = Value::Array(burst);
    let answers =
        futures::future::join_all((0..8).map(|_| post_json(&server, &city_key, &burst))).await;
    let accepted: u64 = answers
        .iter()
        .map(|(status, answer)| {
            assert_eq!(*status, 200, "{answer}");
            answer["accepted"].as_u64().unwrap()
        })
        .sum();
    assert_eq!(accepted, 400);
    assert_eq!(
        kept_and_rolled_up(&server).await,
        (before.0 + 400, before.1 + 400)
    );

    // PostgreSQL: the months are partitions, the default one stays empty.
    if engine == Engine::Postgres {
        let month = domain::telemetry::MonthSpan::containing(now);
        let partitions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'telemetry_readings'::regclass AND c.relname = $1",
        )
        .bind(month.partition_name())
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(partitions, 1);
        let strays: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM telemetry_readings_default")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(strays, 0);
    }

    // Housekeeping: a sensor repeating one value for six hours is flagged
    // stuck, the page says so; hours later every silent sensor is flagged.
    let second_account: String = sqlx::query_scalar(
        "SELECT account_no FROM households WHERE company_id = $1 ORDER BY id LIMIT 1 OFFSET 1",
    )
    .bind(company)
    .fetch_one(pool)
    .await
    .unwrap();
    let more = format!("sensor_id,kind,place\nIN-STUCK,indoor,{second_account}\n");
    let imported = admin
        .submit(
            "/admin/sensors",
            "/api/admin/sensors/import",
            &[("csv", &more)],
        )
        .await;
    assert!(imported.form_error().is_none(), "{imported:?}");
    let stuck: Vec<Value> = (0..18)
        .map(|i| reading("IN-STUCK", now - 60 - i * 1200, "indoor_temp", 21.25))
        .collect();
    let (_, answer) = post_json(&server, &city_key, &Value::Array(stuck)).await;
    assert_eq!(answer["accepted"], 18, "{answer}");
    let db = &server.test_db.db;
    let done = backend::services::telemetry::upkeep::housekeeping(db, now, 6)
        .await
        .unwrap();
    assert_eq!((done.flagged, done.cleared), (1, 0), "{done:?}");
    let page = admin.get("/admin/sensors").await;
    assert!(page.body.contains("数值不变"), "{}", page.body);
    let again = backend::services::telemetry::upkeep::housekeeping(db, now, 6)
        .await
        .unwrap();
    assert_eq!(
        (again.flagged, again.cleared),
        (0, 0),
        "a review changes only what changed"
    );
    let later = backend::services::telemetry::upkeep::housekeeping(db, now + 4 * 3600, 6)
        .await
        .unwrap();
    assert_eq!(
        later.flagged, 5,
        "every sensor has been silent for four hours: {later:?}"
    );

    // Retention: raw months past the setting go, the rollups stay.
    let (_, rolled) = kept_and_rolled_up(&server).await;
    let two_months_on = now + 62 * 86_400;
    let dropped = backend::services::telemetry::upkeep::housekeeping(db, two_months_on, 1)
        .await
        .unwrap();
    assert!(dropped.raw_dropped > 0, "{dropped:?}");
    assert_eq!(kept_and_rolled_up(&server).await, (0, rolled));

    // Revoked: the key opens nothing.
    let key_id: i64 = sqlx::query_scalar(
        "SELECT id FROM api_keys WHERE scope = 'telemetry' AND company_id IS NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let revoked = admin
        .submit(
            "/admin/api-keys",
            "/api/admin/api-keys/revoke",
            &[("key_id", &key_id.to_string())],
        )
        .await;
    assert!(revoked.form_error().is_none(), "{revoked:?}");
    let (status, _) = post_json(&server, &city_key, &one).await;
    assert_eq!(status, 401);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('api_key_issued', 'api_key_revoked', 'sensors_imported')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(audited, 6, "three keys, one revocation, two imports");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readings_are_kept_once_on_sqlite() {
    readings_are_kept_once(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readings_are_kept_once_on_postgres() {
    readings_are_kept_once(Engine::Postgres).await;
}

/// Registers sensors as the admin does and returns a city telemetry key.
async fn sensors_and_key(admin: &mut Browser, registry: &str) -> String {
    let imported = admin
        .submit(
            "/admin/sensors",
            "/api/admin/sensors/import",
            &[("csv", registry)],
        )
        .await;
    assert!(imported.form_error().is_none(), "{imported:?}");
    issue_key(
        admin,
        &[("label", "市智慧供热平台"), ("scope", "telemetry")],
    )
    .await
}

async fn measurements_reach_only_their_people(engine: Engine) {
    let server = TestServer::start(engine).await;
    let pool = server.test_db.db.reader();
    let now = server.now();
    let (home_account, home_building): (String, i64) = sqlx::query_as(
        "SELECT h.account_no, u.building_id FROM person_households ph \
         JOIN households h ON h.id = ph.household_id JOIN units u ON u.id = h.unit_id \
         ORDER BY ph.bound_at LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let managed: Vec<i64> = sqlx::query_scalar(
        "SELECT ba.building_id FROM building_assignments ba JOIN people p ON p.id = ba.person_id \
         WHERE p.username = 'property_demo' ORDER BY ba.building_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let managed_building = managed[0];
    let flats: Vec<String> = sqlx::query_scalar(
        "SELECT h.account_no FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE u.building_id = $1 AND h.account_no <> $2 ORDER BY h.id LIMIT 2",
    )
    .bind(managed_building)
    .bind(&home_account)
    .fetch_all(pool)
    .await
    .unwrap();
    let unmanaged: i64 = sqlx::query_scalar(
        "SELECT b.id FROM buildings b WHERE b.id NOT IN \
         (SELECT building_id FROM building_assignments) AND b.id <> $1 ORDER BY b.id LIMIT 1",
    )
    .bind(home_building)
    .fetch_one(pool)
    .await
    .unwrap();
    let unmanaged_flat: String = sqlx::query_scalar(
        "SELECT h.account_no FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE u.building_id = $1 ORDER BY h.id LIMIT 1",
    )
    .bind(unmanaged)
    .fetch_one(pool)
    .await
    .unwrap();

    let (complaint, complaint_account): (i64, String) = sqlx::query_as(
        "SELECT c.id, h.account_no FROM cases c JOIN households h ON h.id = c.household_id \
         WHERE c.kind = 'temperature' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();

    let mut admin = staff_signs_in(&server, "admin_demo", PASSWORD).await;
    let registry = format!(
        "sensor_id,kind,place\nIN-HOME,indoor,{home_account}\nIN-WARM,indoor,{}\nIN-COLD,indoor,{}\nIN-ELSE,indoor,{unmanaged_flat}\nIN-CASE,indoor,{complaint_account}\n",
        flats[0], flats[1]
    );
    let key = sensors_and_key(&mut admin, &registry).await;
    let mut rows = Vec::new();
    for hour in 1..=30 {
        let at = now - hour * 3600;
        rows.push(reading("IN-HOME", at, "indoor_temp", 19.25));
        rows.push(reading("IN-WARM", at, "indoor_temp", 21.5));
        rows.push(reading("IN-COLD", at, "indoor_temp", 16.5));
        rows.push(reading("IN-ELSE", at, "indoor_temp", 12.75));
        rows.push(reading("IN-CASE", at, "indoor_temp", 16.4));
    }
    let (_, answer) = post_json(&server, &key, &Value::Array(rows)).await;
    assert_eq!(answer["accepted"], 150, "{answer}");

    // The complaint's dispatcher sees the home's sensor beside the reading;
    // a grid worker who may read the case does not.
    let mut dispatcher = staff_signs_in(&server, "dispatch_demo", PASSWORD).await;
    let case = dispatcher.get(&format!("/cases/{complaint}")).await;
    let sensor = row_between(&case.body, "id=\"home-sensor\"", "</section>");
    assert!(
        sensor.contains("这户的户内测温") && sensor.contains("16.4 ℃"),
        "{sensor}"
    );
    let mut grid = staff_signs_in(&server, "grid_demo", PASSWORD).await;
    let seen = grid.get(&format!("/cases/{complaint}")).await;
    assert!(!seen.body.contains("home-sensor"), "{}", seen.body);

    // The resident sees their own home's hours; another resident nothing.
    let mut resident = crate::support::resident_signs_in(&server, "13800000001").await;
    let me = resident.get("/me").await;
    assert!(me.body.contains("我家室温"), "{}", me.body);
    assert!(
        me.body.contains("19.3 ℃") || me.body.contains("19.2 ℃"),
        "{}",
        me.body
    );
    assert!(!me.body.contains("16.5 ℃") && !me.body.contains("12.8 ℃"));
    let mut stranger = crate::support::resident_signs_in(&server, "13800000077").await;
    let theirs = stranger.get("/me").await;
    assert!(!theirs.body.contains("我家室温"), "{}", theirs.body);

    // The property manager sees the flats of their building, the cold one
    // marked; not a building they do not look after.
    let mut manager = staff_signs_in(&server, "property_demo", PASSWORD).await;
    let page = manager.get(&format!("/buildings/{managed_building}")).await;
    assert!(page.body.contains("实测室温"), "{}", page.body);
    assert!(
        page.body.contains("21.5 ℃") && page.body.contains("16.5 ℃"),
        "{}",
        page.body
    );
    assert!(page.body.contains("低于 18 ℃"));
    // Each day: the lowest hour, the median of the three flats' days
    // (summed per sensor and day by the query) and how many reported.
    let week = row_between(&page.body, "id=\"measured\"", "</table>");
    assert!(
        week.contains("<td>16.5 ℃</td><td>19.3 ℃</td><td>3</td>"),
        "{week}"
    );
    assert!(!page.body.contains("12.8 ℃"), "another building's flat");
    let elsewhere = manager.get(&format!("/buildings/{unmanaged}")).await;
    assert!(!elsewhere.body.contains("实测室温"));
    assert!(!elsewhere.body.contains("12.8 ℃"));
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn measurements_reach_only_their_people_on_sqlite() {
    measurements_reach_only_their_people(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn measurements_reach_only_their_people_on_postgres() {
    measurements_reach_only_their_people(Engine::Postgres).await;
}

async fn station_board_judges_by_the_curve(engine: Engine) {
    let server = TestServer::start(engine).await;
    let pool = server.test_db.db.reader();
    let now = server.now();
    let company: i64 =
        sqlx::query_scalar("SELECT company_id FROM people WHERE username = 'dispatch_demo'")
            .fetch_one(pool)
            .await
            .unwrap();
    let own: Vec<String> =
        sqlx::query_scalar("SELECT code FROM stations WHERE company_id = $1 ORDER BY code LIMIT 2")
            .bind(company)
            .fetch_all(pool)
            .await
            .unwrap();
    let other: String = sqlx::query_scalar(
        "SELECT code FROM stations WHERE company_id <> $1 ORDER BY code LIMIT 1",
    )
    .bind(company)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut admin = staff_signs_in(&server, "admin_demo", PASSWORD).await;
    let (building, cold_flats): (i64, Vec<String>) = {
        let building: i64 = sqlx::query_scalar(
            "SELECT b.id FROM buildings b JOIN stations st ON st.id = b.station_id \
             WHERE st.code = $1 ORDER BY b.id LIMIT 1",
        )
        .bind(&own[0])
        .fetch_one(pool)
        .await
        .unwrap();
        let flats = sqlx::query_scalar(
            "SELECT h.account_no FROM households h JOIN units u ON u.id = h.unit_id \
             WHERE u.building_id = $1 ORDER BY h.id LIMIT 3",
        )
        .bind(building)
        .fetch_all(pool)
        .await
        .unwrap();
        (building, flats)
    };
    let registry = format!(
        "sensor_id,kind,place\nST-FINE,station,{}\nST-SAG,station,{}\nST-ELSE,station,{other}\nOUT-1,outdoor,\n\
         IN-C1,indoor,{}\nIN-C2,indoor,{}\nIN-W1,indoor,{}\n",
        own[0], own[1], cold_flats[0], cold_flats[1], cold_flats[2]
    );
    let key = sensors_and_key(&mut admin, &registry).await;
    // Three whole hours at −7 ℃ outside: the default curve asks 55 ℃.
    let this_hour = now - now.rem_euclid(3600);
    let mut rows = Vec::new();
    for back in 1..=3 {
        let at = this_hour - back * 3600 + 600;
        rows.push(reading("OUT-1", at, "outdoor_temp", -7.0));
        rows.push(reading("ST-FINE", at, "secondary_supply_temp", 54.0));
        rows.push(reading("ST-FINE", at, "secondary_return_temp", 44.0));
        rows.push(reading("ST-SAG", at, "secondary_supply_temp", 48.0));
        rows.push(reading("ST-ELSE", at, "secondary_supply_temp", 30.0));
    }
    // Two of three flats of a building cold for eight hours: found by data.
    for back in 1..=8 {
        let at = this_hour - back * 3600 + 900;
        rows.push(reading("IN-C1", at, "indoor_temp", 16.0));
        rows.push(reading("IN-C2", at, "indoor_temp", 16.8));
        rows.push(reading("IN-W1", at, "indoor_temp", 20.5));
    }
    let (_, answer) = post_json(&server, &key, &Value::Array(rows)).await;
    assert_eq!(answer["accepted"], 39, "{answer}");

    let mut dispatcher = staff_signs_in(&server, "dispatch_demo", PASSWORD).await;
    let board = dispatcher.get("/desk/stations").await;
    let row_of = |body: &str, code: &str| -> String {
        let start = body
            .find(&format!("data-station=\"{code}\""))
            .unwrap_or_else(|| panic!("{code} on the board: {body}"));
        body[start..start + body[start..].find("</tr>").unwrap()].to_string()
    };
    let sag = row_of(&board.body, &own[1]);
    assert!(sag.contains("data-alarm=\"below_curve\""), "{sag}");
    assert!(sag.contains("48.0 ℃") && sag.contains("55.0 ℃"), "{sag}");
    let fine = row_of(&board.body, &own[0]);
    assert!(!fine.contains("data-alarm"), "{fine}");
    assert!(fine.contains("44.0 ℃") && fine.contains("-7.0 ℃"), "{fine}");
    assert!(
        board.body.find(&own[1]) < board.body.find(&format!("data-station=\"{}\"", own[0])),
        "alarms first"
    );
    assert!(
        !board.body.contains(&format!("data-station=\"{other}\"")),
        "another company's station"
    );
    assert!(board.body.contains("报警站数：1"));

    // The queue proposes both, before anyone calls; the dispatcher opens
    // an incident for the building, once however often asked.
    let station_sag: i64 = sqlx::query_scalar("SELECT id FROM stations WHERE code = $1")
        .bind(&own[1])
        .fetch_one(pool)
        .await
        .unwrap();
    let queue = dispatcher.get("/dispatch").await;
    assert!(queue.body.contains("数据发现"), "{}", queue.body);
    assert!(queue
        .body
        .contains(&format!("data-finding=\"station:{station_sag}\"")));
    let scope = format!("building:{building}");
    let finding = row_between(&queue.body, &format!("data-finding=\"{scope}\""), "</div>");
    assert!(
        finding.contains("2 户持续低于 18 ℃") && finding.contains("16.0 ℃"),
        "{finding}"
    );
    assert!(
        finding.contains("整栋偏冷"),
        "two of three flats: {finding}"
    );
    let mut resident = crate::support::resident_signs_in(&server, "13800000001").await;
    let refused = resident
        .submit(
            "/dispatch",
            "/api/incidents/from-data",
            &[("scope", &scope)],
        )
        .await;
    assert!(refused.form_error().is_some(), "{refused:?}");
    let incidents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE kind = 'incident'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(incidents, 0, "a resident opens no incident");
    // Eight presses at once (two dispatchers' double taps, say): every
    // one lands on the same incident, and exactly one is opened.
    let burst = futures::future::join_all((0..8).map(|_| {
        let mut desk = dispatcher.clone();
        let scope = scope.clone();
        async move {
            desk.submit(
                "/dispatch",
                "/api/incidents/from-data",
                &[("scope", &scope)],
            )
            .await
        }
    }))
    .await;
    let case_page = burst[0]
        .location
        .clone()
        .unwrap_or_else(|| panic!("{:?}", burst[0]));
    assert!(case_page.starts_with("/cases/"), "{case_page}");
    for answer in &burst {
        assert_eq!(
            answer.location.as_deref(),
            Some(case_page.as_str()),
            "{answer:?}"
        );
    }
    let incidents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE kind = 'incident'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(incidents, 1, "one incident from a burst of presses");
    let again = dispatcher
        .submit(
            "/dispatch",
            "/api/incidents/from-data",
            &[("scope", &scope)],
        )
        .await;
    assert_eq!(
        again.location.as_deref(),
        Some(case_page.as_str()),
        "one incident"
    );
    let (summary, channel): (String, String) =
        sqlx::query_as("SELECT summary, channel FROM cases WHERE kind = 'incident'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert!(summary.contains("数据发现 2 户"), "{summary}");
    assert_eq!(channel, "telemetry");
    let queue = dispatcher.get("/dispatch").await;
    let finding = row_between(&queue.body, &format!("data-finding=\"{scope}\""), "</div>");
    assert!(finding.contains("已立案"), "{finding}");
    let case = dispatcher.get(&case_page).await;
    assert!(case.body.contains("未诉先办（数据发现）"), "{}", case.body);

    // Only an admin sets the curve, and only a sane one; the board follows.
    let company_text = company.to_string();
    let curve = |cold_supply: &'static str, mild_outdoor: &'static str| {
        vec![
            ("company", company_text.clone()),
            ("cold_outdoor", "-7".to_string()),
            ("cold_supply", cold_supply.to_string()),
            ("mild_outdoor", mild_outdoor.to_string()),
            ("mild_supply", "40".to_string()),
            ("tolerance", "3".to_string()),
        ]
    };
    fn as_refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
        fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
    let lower = curve("50", "5");
    let refused = dispatcher
        .submit(
            "/admin/sensors",
            "/api/admin/sensors/curve",
            &as_refs(&lower),
        )
        .await;
    assert!(refused.form_error().is_some(), "{refused:?}");
    let backwards = curve("50", "-10");
    let refused = admin
        .submit(
            "/admin/sensors",
            "/api/admin/sensors/curve",
            &as_refs(&backwards),
        )
        .await;
    assert!(
        refused
            .form_error()
            .unwrap_or_default()
            .contains("曲线不合理"),
        "{refused:?}"
    );
    let saved = admin
        .submit(
            "/admin/sensors",
            "/api/admin/sensors/curve",
            &as_refs(&lower),
        )
        .await;
    assert!(saved.form_error().is_none(), "{saved:?}");
    let board = dispatcher.get("/desk/stations").await;
    let sag = row_of(&board.body, &own[1]);
    assert!(
        !sag.contains("data-alarm"),
        "48 ℃ is within 3 ℃ of 50 ℃: {sag}"
    );
    assert!(board.body.contains("报警站数：0"));

    // Not a resident's page.
    let refused = resident.get("/desk/stations").await;
    assert!(!refused.body.contains("data-station"), "{}", refused.body);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn station_board_judges_by_the_curve_on_sqlite() {
    station_board_judges_by_the_curve(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn station_board_judges_by_the_curve_on_postgres() {
    station_board_judges_by_the_curve(Engine::Postgres).await;
}

/// The text from `start` to the next `end` after it.
fn row_between(body: &str, start: &str, end: &str) -> String {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {body}"));
    let to = body[from..].find(end).map_or(body.len(), |i| from + i);
    body[from..to].to_string()
}

/// Posts the registry's edit form as a browser without JavaScript does.
async fn edit_sensor(browser: &mut Browser, code: &str, kind: &str, place: &str) -> Answer {
    browser
        .submit(
            "/admin/sensors?sensor=IN-MOVED",
            "/api/admin/sensors/edit",
            &[("code", code), ("kind", kind), ("place", place)],
        )
        .await
}

/// A sensor moved to another flat is found by its code and edited on the
/// registry page by an admin only; its new place is checked as an import
/// line is, an unknown code is refused, and the change is audited.
async fn a_sensor_is_edited_on_the_registry_page(engine: Engine) {
    let server = TestServer::start(engine).await;
    let pool = server.test_db.db.reader();
    let accounts: Vec<(String, i64)> =
        sqlx::query_as("SELECT account_no, id FROM households ORDER BY id LIMIT 2")
            .fetch_all(pool)
            .await
            .unwrap();
    let (first, second) = (&accounts[0], &accounts[1]);
    let mut admin = staff_signs_in(&server, "admin_demo", PASSWORD).await;
    let registry = format!("sensor_id,kind,place\nIN-MOVED,indoor,{}\n", first.0);
    let imported = admin
        .submit(
            "/admin/sensors",
            "/api/admin/sensors/import",
            &[("csv", &registry)],
        )
        .await;
    assert!(imported.form_error().is_none(), "{imported:?}");

    // Found by its code: the form holds its kind and account number.
    let page = admin.get("/admin/sensors?sensor=IN-MOVED").await;
    assert!(
        page.body.contains("data-editing=\"IN-MOVED\""),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("value=\"{}\"", first.0)));
    let missing = admin.get("/admin/sensors?sensor=NO-SUCH").await;
    assert!(missing.body.contains("没有找到编号为 NO-SUCH 的传感器"));

    let mut dispatcher = staff_signs_in(&server, "dispatch_demo", PASSWORD).await;
    let refused = edit_sensor(&mut dispatcher, "IN-MOVED", "indoor", &second.0).await;
    assert!(refused.form_error().is_some(), "{refused:?}");
    let unknown = edit_sensor(&mut admin, "NO-SUCH", "indoor", &second.0).await;
    let error = unknown.form_error().unwrap_or_default();
    assert!(error.contains("CSV 导入"), "{error}");
    let no_station = edit_sensor(&mut admin, "IN-MOVED", "station", "NO-STATION").await;
    let error = no_station.form_error().unwrap_or_default();
    assert!(error.contains("换热站编号"), "{error}");
    let no_place = edit_sensor(&mut admin, "IN-MOVED", "indoor", "").await;
    assert!(no_place.form_error().is_some(), "{no_place:?}");

    let moved = edit_sensor(&mut admin, "IN-MOVED", "indoor", &format!(" {} ", second.0)).await;
    assert!(moved.form_error().is_none(), "{moved:?}");
    let shown_at = moved.location.clone().expect("back to the sensor");
    assert!(shown_at.contains("sensor=IN-MOVED#edit"), "{shown_at}");
    let household: i64 =
        sqlx::query_scalar("SELECT household_id FROM sensors WHERE code = 'IN-MOVED'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(household, second.1);
    let page = admin.get(&shown_at).await;
    assert!(
        page.body.contains("已保存传感器 IN-MOVED 的新位置"),
        "{}",
        page.body
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sensor_edited'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensor_is_edited_on_the_registry_page_on_sqlite() {
    a_sensor_is_edited_on_the_registry_page(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensor_is_edited_on_the_registry_page_on_postgres() {
    a_sensor_is_edited_on_the_registry_page(Engine::Postgres).await;
}
