//! Open311 GeoReport v2 over real HTTP, on SQLite and PostgreSQL: an admin
//! issues a key (shown once) and revokes it; another system posts requests
//! with it (a retry is the same request), reads them back by id, token and
//! filters in JSON and XML, public fields only; a dispatcher works one to
//! the end and the list says so.

use crate::support::{staff_signs_in, Browser, TestServer};
use backend::db::Engine;
use serde_json::Value;

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;
const RESIDENT_PHONE: &str = "13800000001";

/// A household of the demo city: account number, holder, and its place.
struct Household {
    account_no: String,
    holder_name: String,
}

async fn heated_household(server: &TestServer) -> Household {
    let (account_no, holder_name): (String, String) = sqlx::query_as(
        "SELECT h.account_no, h.holder_name FROM households h \
         WHERE h.service_state = 'heated' ORDER BY h.id LIMIT 1 OFFSET 40",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    Household {
        account_no,
        holder_name,
    }
}

/// Posts a form as another system would (no browser, no cookies).
async fn post(server: &TestServer, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let response = crate::support::client()
        .post(server.url(path))
        .header("origin", "https://city-services.example")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, response.text().await.unwrap())
}

async fn get(server: &TestServer, path: &str) -> (u16, String) {
    let response = crate::support::client()
        .get(server.url(path))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn get_json(server: &TestServer, path: &str) -> (u16, Value) {
    let (status, body) = get(server, path).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

/// The admin issues a key on the keys page and reads it there, once.
async fn issue_key(admin: &mut Browser, label: &str) -> String {
    let issued = admin
        .submit(
            "/admin/api-keys",
            "/api/admin/api-keys/issue",
            &[("label", label)],
        )
        .await;
    assert!(issued.form_error().is_none(), "{issued:?}");
    let shown_at = issued.location.clone().expect("back to the keys page");
    assert!(
        shown_at.starts_with("/admin/api-keys?issued="),
        "{shown_at}"
    );
    let page = admin.get(&shown_at).await;
    let start = page.body.find("hd311_").expect("the new key is shown");
    let key: String = page.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    assert_eq!(key.len(), "hd311_".len() + 43, "{key}");
    let again = admin.get(&shown_at).await;
    assert!(!again.body.contains(&key), "a key is shown only once");
    assert!(again.body.contains(label));
    key
}

fn errors(body: &str) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(body).unwrap_or_else(|_| panic!("an error list: {body}"))
}

fn first_error(body: &str) -> String {
    errors(body)[0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn case_id(server: &TestServer, case_no: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM cases WHERE case_no = $1")
        .bind(case_no)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap()
}

async fn step(browser: &mut Browser, id: i64, action: &str) {
    let id = id.to_string();
    let answer = browser
        .submit(
            &format!("/cases/{id}"),
            "/api/cases/step",
            &[("case_id", &id), ("action", action), ("note", "已核对材料")],
        )
        .await;
    assert!(answer.form_error().is_none(), "{action}: {answer:?}");
}

async fn requests_become_cases(engine: Engine) {
    let server = TestServer::start(engine).await;
    let household = heated_household(&server).await;

    // Keys: only an admin issues them; the key is seen once.
    let mut dispatcher = staff_signs_in(&server, "dispatch_demo", PASSWORD).await;
    let refused = dispatcher
        .submit(
            "/admin/api-keys",
            "/api/admin/api-keys/issue",
            &[("label", "城市服务平台")],
        )
        .await;
    assert!(refused.form_error().is_some(), "{refused:?}");
    let mut admin = staff_signs_in(&server, "admin_demo", PASSWORD).await;
    let short = admin
        .submit(
            "/admin/api-keys",
            "/api/admin/api-keys/issue",
            &[("label", "x")],
        )
        .await;
    assert!(short.form_error().unwrap_or_default().contains("2 到 40"));
    let key = issue_key(&mut admin, "城市服务平台").await;

    // Without a valid key: the spec's 403, in the asked format.
    let temperature = [
        ("service_code", "heating-temperature"),
        ("attribute[reading]", "16.5"),
        ("attribute[room]", "master_bedroom"),
        ("address_string", "潍坊市奎文区金宝花园2号楼1单元201室"),
        ("last_name", "王"),
        ("first_name", "芳"),
        ("phone", RESIDENT_PHONE),
        ("description", "卧室一直不热，老人在家"),
    ];
    let (status, _, body) = post(&server, "/open311/v2/requests.json", &temperature).await;
    assert_eq!(status, 403);
    assert_eq!(errors(&body)[0]["code"], 403);
    let mut wrong_key = temperature.to_vec();
    wrong_key.push(("api_key", "hd311_not-a-key-anyone-was-given"));
    let (status, content_type, body) = post(&server, "/open311/v2/requests.xml", &wrong_key).await;
    assert_eq!(status, 403);
    assert!(content_type.starts_with("text/xml"));
    assert!(body.contains("<errors><error><code>403</code>"), "{body}");

    // A temperature complaint by address text: a case, placed at the flat.
    let mut form = temperature.to_vec();
    form.push(("api_key", &key));
    let (status, content_type, body) = post(&server, "/open311/v2/requests.json", &form).await;
    assert_eq!(status, 201, "{body}");
    assert!(content_type.starts_with("application/json"));
    let answer: Vec<Value> = serde_json::from_str(&body).unwrap();
    let case_no = answer[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let token = answer[0]["token"].as_str().unwrap().to_string();
    assert!(case_no.starts_with('T'), "{case_no}");
    assert!(answer[0]["service_notice"]
        .as_str()
        .unwrap()
        .contains("+08:00"));
    // The client retries (its answer was lost): the same request.
    let (status, _, again) = post(&server, "/open311/v2/requests.json", &form).await;
    assert_eq!(status, 201, "{again}");
    let again: Vec<Value> = serde_json::from_str(&again).unwrap();
    assert_eq!(again[0]["service_request_id"], case_no.as_str());
    let (channel, household_id, filed_for): (String, Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT channel, household_id, filed_for FROM cases WHERE case_no = $1")
            .bind(&case_no)
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!(channel, "open311");
    assert!(household_id.is_some(), "placed at the flat");
    assert!(filed_for.is_some(), "the resident with that phone sees it");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE channel = 'open311'")
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(count, 1);

    // Read back by token, by id and in the list: public fields only.
    let (status, by_token) = get_json(&server, &format!("/open311/v2/tokens/{token}.json")).await;
    assert_eq!(status, 200, "{by_token}");
    assert_eq!(by_token[0]["service_request_id"], case_no.as_str());
    let (status, body) = get(&server, &format!("/open311/v2/requests/{case_no}.json")).await;
    assert_eq!(status, 200, "{body}");
    for private in ["王芳", RESIDENT_PHONE, "201", "老人", &household.account_no] {
        assert!(!body.contains(private), "{private} leaked: {body}");
    }
    let one: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(one[0]["status"], "open");
    assert_eq!(one[0]["service_code"], "heating-temperature");
    assert_eq!(one[0]["address"], "金宝花园 2号楼");
    assert!(one[0]["expected_datetime"]
        .as_str()
        .unwrap()
        .ends_with("+08:00"));
    let (status, xml) = get(&server, &format!("/open311/v2/requests/{case_no}.xml")).await;
    assert_eq!(status, 200);
    assert!(xml.contains(&format!(
        "<service_requests><request><service_request_id>{case_no}</service_request_id><status>open</status>"
    )));
    let (status, _) = get(&server, "/open311/v2/requests/T00000000000000.json").await;
    assert_eq!(status, 404);
    let (status, _) = get(&server, "/open311/v2/tokens/1-1-nothing.json").await;
    assert_eq!(status, 404);
    let listed = |body: &Value| {
        body.as_array()
            .unwrap()
            .iter()
            .any(|r| r["service_request_id"] == case_no.as_str())
    };
    let (_, open) = get_json(
        &server,
        "/open311/v2/requests.json?service_code=heating-temperature&status=open",
    )
    .await;
    assert!(listed(&open), "{open}");
    let (_, closed) = get_json(&server, "/open311/v2/requests.json?status=closed").await;
    assert!(!listed(&closed));
    let (_, repairs) = get_json(
        &server,
        "/open311/v2/requests.json?service_code=heating-repair",
    )
    .await;
    assert!(!listed(&repairs));
    let (_, by_id) = get_json(
        &server,
        &format!("/open311/v2/requests.json?service_request_id={case_no}&status=closed"),
    )
    .await;
    assert!(listed(&by_id), "ids override the other filters");
    let (status, body) = get(&server, "/open311/v2/requests.json?status=pending").await;
    assert_eq!(status, 400);
    assert!(first_error(&body).starts_with("status:"));
    let (status, body) = get(
        &server,
        "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z",
    )
    .await;
    assert_eq!(status, 400);
    assert!(first_error(&body).contains("90 days"));

    // Wrong fields are named; a refusal of triage says why, as to residents.
    let mut unknown = form.clone();
    unknown.push(("attribute[colour]", "red"));
    let (status, _, body) = post(&server, "/open311/v2/requests.json", &unknown).await;
    assert_eq!(status, 400);
    assert!(first_error(&body).starts_with("attribute[colour]"));
    let nowhere = [
        ("api_key", key.as_str()),
        ("service_code", "heating-repair"),
        ("attribute[category]", "leak"),
        ("address_string", "北海路与胜利街路口东100米"),
    ];
    let (status, _, body) = post(&server, "/open311/v2/requests.json", &nowhere).await;
    assert_eq!(status, 400);
    assert!(first_error(&body).starts_with("address_string"));
    let warm = [
        ("api_key", key.as_str()),
        ("service_code", "heating-temperature"),
        ("attribute[reading]", "21"),
        ("attribute[room]", "living_room"),
        ("address_id", household.account_no.as_str()),
    ];
    let (status, _, body) = post(&server, "/open311/v2/requests.json", &warm).await;
    assert_eq!(status, 400);
    assert!(first_error(&body).contains("18"), "{body}");
    let (status, _, body) = post(&server, "/open311/v2/requests.json", &[("api_key", &key)]).await;
    assert_eq!(status, 400);
    assert!(first_error(&body).starts_with("service_code"));

    // A repair by account number.
    let repair = [
        ("api_key", key.as_str()),
        ("service_code", "heating-repair"),
        ("attribute[category]", "leak"),
        ("attribute[water_flooding]", "yes"),
        ("address_id", household.account_no.as_str()),
        ("description", "暖气片接口滴水"),
    ];
    let (status, _, body) = post(&server, "/open311/v2/requests.xml", &repair).await;
    assert_eq!(status, 201, "{body}");
    assert!(body.contains("<service_request_id>R"), "{body}");
    // A description at its limit, with who asked and where besides.
    let long = "暖".repeat(500);
    let full = [
        ("api_key", key.as_str()),
        ("service_code", "heating-repair"),
        ("attribute[category]", "no_heat"),
        ("address_string", "潍坊市奎文区金宝花园2号楼1单元201室"),
        ("last_name", "欧阳"),
        ("first_name", "明月"),
        ("phone", RESIDENT_PHONE),
        ("email", "ouyang@example.org"),
        ("description", long.as_str()),
    ];
    let (status, _, body) = post(&server, "/open311/v2/requests.json", &full).await;
    assert_eq!(status, 201, "{body}");
    let full_no = serde_json::from_str::<Vec<Value>>(&body).unwrap()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let details: String = sqlx::query_scalar("SELECT details FROM cases WHERE case_no = $1")
        .bind(&full_no)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    // Who asked stays apart from the case's text, for the dispatchers and
    // the crew only (the access matrix checks who reads it).
    assert_eq!(details, long);
    let reporter: (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT r.name, r.phone, r.email, r.address FROM case_reporters r \
             JOIN cases c ON c.id = r.case_id WHERE c.case_no = $1",
    )
    .bind(&full_no)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(reporter.0.as_deref(), Some("欧阳明月"));
    assert_eq!(reporter.1.as_deref(), Some(RESIDENT_PHONE));
    assert_eq!(reporter.2.as_deref(), Some("ouyang@example.org"));
    assert!(reporter.3.unwrap().contains("金宝花园2号楼"));
    let (_, public) = get(&server, &format!("/open311/v2/requests/{full_no}.json")).await;
    assert!(
        !public.contains("欧阳") && !public.contains("暖暖"),
        "{public}"
    );

    // Suspending heat: the holder's name must match, the documents linked.
    let wrong_holder = [
        ("api_key", key.as_str()),
        ("service_code", "heating-suspend"),
        ("attribute[holder_name]", "不是户主"),
        ("attribute[has_own_valve]", "yes"),
        ("address_id", household.account_no.as_str()),
        ("media_url", "https://city-services.example/docs/1.jpg"),
    ];
    let (status, _, body) = post(&server, "/open311/v2/requests.json", &wrong_holder).await;
    assert_eq!(status, 400);
    assert!(first_error(&body).starts_with("attribute[holder_name]"));
    let mut suspend = wrong_holder.to_vec();
    suspend[2] = ("attribute[holder_name]", household.holder_name.as_str());
    let (status, _, body) = post(&server, "/open311/v2/requests.json", &suspend).await;
    assert_eq!(status, 201, "{body}");
    let suspend_no = serde_json::from_str::<Vec<Value>>(&body).unwrap()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();

    // A dispatcher works it like any case, to the end; the list follows.
    let id = case_id(&server, &suspend_no).await;
    let page = dispatcher.get(&format!("/cases/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Open311：城市服务平台"));
    assert!(page.body.contains("city-services.example/docs/1.jpg"));
    for action in ["start_review", "approve"] {
        step(&mut dispatcher, id, action).await;
    }
    // Approved, it waits for the crew to seal the valve.
    let (_, approved) = get_json(&server, &format!("/open311/v2/requests/{suspend_no}.json")).await;
    assert_eq!(approved[0]["status"], "open", "{approved}");
    let crew_id: i64 = sqlx::query_scalar("SELECT id FROM crews WHERE name = '奎文抢修一队'")
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    let assigned = dispatcher
        .submit(
            &format!("/cases/{id}"),
            "/api/cases/step",
            &[
                ("case_id", &id.to_string()),
                ("action", "assign"),
                ("crew_id", &crew_id.to_string()),
            ],
        )
        .await;
    assert!(assigned.form_error().is_none(), "{assigned:?}");
    let mut crew = staff_signs_in(&server, "crew_demo", PASSWORD).await;
    step(&mut crew, id, "arrive").await;
    let sealed = crew
        .submit_files(
            &format!("/cases/{id}"),
            "/api/cases/step-with-photos",
            &[
                ("case_id", &id.to_string()),
                ("action", "finish_field_work"),
                ("seal_no", "QF-OPEN311"),
            ],
            &[("阀门.png", crate::casework::photo_png(200, 200))],
        )
        .await;
    assert!(sealed.form_error().is_none(), "{sealed:?}");
    let (_, done) = get_json(&server, &format!("/open311/v2/requests/{suspend_no}.json")).await;
    assert_eq!(done[0]["status"], "closed", "{done}");
    assert!(done[0]["expected_datetime"].is_null());
    let (_, closed) = get_json(&server, "/open311/v2/requests.json?status=closed").await;
    assert_eq!(closed[0]["service_request_id"], suspend_no.as_str());

    // The resident whose phone it was follows the first request at home.
    let mut resident = crate::support::resident_signs_in(&server, RESIDENT_PHONE).await;
    let mine = resident.api("/api/cases").await;
    assert!(mine.body.contains(&case_no), "{}", mine.body);

    // Revoked: the same key gets 403, and the page says so.
    let key_id: i64 = sqlx::query_scalar("SELECT id FROM api_keys")
        .fetch_one(server.test_db.db.reader())
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
    let (status, _, _) = post(&server, "/open311/v2/requests.json", &repair).await;
    assert_eq!(status, 403);
    let page = admin.get("/admin/api-keys").await;
    assert!(page.body.contains("已吊销"));
    let audit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('api_key_issued', 'api_key_revoked')",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(audit, 2);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_become_cases_on_sqlite() {
    requests_become_cases(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_become_cases_on_postgres() {
    requests_become_cases(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_must_be_forms() {
    let server = TestServer::start(Engine::Sqlite).await;
    let response = crate::support::client()
        .post(server.url("/open311/v2/requests.json"))
        .header("content-type", "application/json")
        .body("{\"service_code\":\"heating-repair\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    let body = response.text().await.unwrap();
    assert!(first_error(&body).contains("x-www-form-urlencoded"));
    let response = crate::support::client()
        .post(server.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"api_key=%FF%FE&service_code=\xff".to_vec())
        .send()
        .await
        .unwrap();
    assert!(
        [400, 403].contains(&response.status().as_u16()),
        "malformed bytes get a 4xx"
    );
    server.finish().await;
}

/// Each key posts at most its rate a minute, however many posts arrive
/// together: the rest get 429 and post again later.
async fn posts_are_limited_per_key(engine: Engine) {
    let server = TestServer::start_with(engine, &["--open311-posts-per-minute", "3"]).await;
    let household = heated_household(&server).await.account_no;
    let mut admin = staff_signs_in(&server, "admin_demo", PASSWORD).await;
    let key = issue_key(&mut admin, "城市服务平台").await;
    let posts: Vec<_> = (0..8)
        .map(|n| {
            let (key, household) = (key.clone(), household.clone());
            let url = server.url("/open311/v2/requests.json");
            tokio::spawn(async move {
                crate::support::client()
                    .post(url)
                    .form(&[
                        ("api_key", key.as_str()),
                        ("service_code", "heating-repair"),
                        ("attribute[category]", "noise"),
                        ("address_id", household.as_str()),
                        ("description", &format!("暖气片异响 {n}")),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for post in posts {
        statuses.push(post.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 201, 201, 429, 429, 429, 429, 429]);
    let (_, _, answer) = post(
        &server,
        "/open311/v2/requests.json",
        &[
            ("api_key", &key),
            ("service_code", "heating-repair"),
            ("attribute[category]", "noise"),
            ("address_id", &household),
            ("description", "又一次"),
        ],
    )
    .await;
    assert!(
        answer.contains("请") && answer.contains("后再试"),
        "{answer}"
    );
    server.advance(60);
    let (status, _, _) = post(
        &server,
        "/open311/v2/requests.json",
        &[
            ("api_key", &key),
            ("service_code", "heating-repair"),
            ("attribute[category]", "noise"),
            ("address_id", &household),
            ("description", "下一分钟"),
        ],
    )
    .await;
    assert_eq!(status, 201, "the next minute");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_are_limited_per_key_on_sqlite() {
    posts_are_limited_per_key(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_are_limited_per_key_on_postgres() {
    posts_are_limited_per_key(Engine::Postgres).await;
}
