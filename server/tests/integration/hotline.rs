//! 12345 hotline work orders over real HTTP, on SQLite and PostgreSQL, with
//! a stub of the platform that signs its requests, resends them, and takes
//! (or at first refuses) the portal's signed callbacks.

use crate::support::{staff_signs_in, Browser, TestServer};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use backend::db::Engine;
use backend::integrations::hotline::{SignedRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const SECRET: &str = "a-secret-shared-with-12345";
const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;

/// What the platform stub received, and how many callbacks it still refuses.
#[derive(Default)]
struct Platform {
    news: Vec<Value>,
    unavailable_for: usize,
    bad_signatures: usize,
}

async fn platform_stub(platform: Arc<Mutex<Platform>>) -> String {
    async fn callback(
        State(platform): State<Arc<Mutex<Platform>>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        let mut platform = platform.lock().unwrap();
        if platform.unavailable_for > 0 {
            platform.unavailable_for -= 1;
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        let timestamp: i64 = header(TIMESTAMP_HEADER).parse().unwrap_or(0);
        let signed = SignedRequest {
            method: "POST",
            path: "/callback",
            timestamp,
            body: &body,
        };
        if !signed.verify(SECRET, header(SIGNATURE_HEADER)) {
            platform.bad_signatures += 1;
            return StatusCode::UNAUTHORIZED;
        }
        platform.news.push(serde_json::from_slice(&body).unwrap());
        StatusCode::OK
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/callback", post(callback))
        .with_state(platform);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("{base}/callback")
}

/// Posts `body` as the platform would: signed at `timestamp` with `secret`.
async fn platform_posts(
    server: &TestServer,
    path: &str,
    body: &Value,
    timestamp: i64,
    secret: &str,
) -> (u16, Value) {
    let body = body.to_string();
    let response = crate::support::client()
        .post(server.url(path))
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(
            SIGNATURE_HEADER,
            SignedRequest {
                method: "POST",
                path,
                timestamp,
                body: body.as_bytes(),
            }
            .sign(secret),
        )
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

fn order(order_id: &str, address: &str, received_at: i64) -> Value {
    json!({
        "order_id": order_id,
        "received_at": received_at,
        "caller_name": "王先生",
        "caller_phone": "13700000001",
        "address": address,
        "category": "temperature",
        "description": "来电反映家中卧室只有 15 度，要求尽快处理。"
    })
}

async fn case_id_of_order(server: &TestServer, order_id: &str) -> i64 {
    sqlx::query_scalar("SELECT case_id FROM hotline_orders WHERE order_id = $1")
        .bind(order_id)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap()
}

async fn case(browser: &mut Browser, id: i64) -> Value {
    let answer = browser.api(&format!("/api/cases/one?id={id}")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    serde_json::from_str(&answer.body).unwrap()
}

async fn order_step(
    browser: &mut Browser,
    id: i64,
    form: &[(&str, &str)],
) -> crate::support::Answer {
    let id = id.to_string();
    let mut fields = vec![("case_id", id.as_str())];
    fields.extend_from_slice(form);
    browser
        .submit(&format!("/cases/{id}"), "/api/hotline/step", &fields)
        .await
}

async fn deliver(server: &TestServer) -> backend::services::delivery::DeliveryRound {
    let channels = server::background::channels(&server.config, None).unwrap();
    backend::services::delivery::deliver_due(&server.test_db.db, &channels, server.now())
        .await
        .unwrap()
}

async fn orders_become_cases_and_news_goes_back(engine: Engine) {
    let platform = Arc::new(Mutex::new(Platform::default()));
    let callback = platform_stub(platform.clone()).await;
    let server = TestServer::start_with(
        engine,
        &[
            "--hotline-secret",
            SECRET,
            "--hotline-callback-url",
            &callback,
        ],
    )
    .await;
    let now = server.now();

    // An order whose address names a flat of the demo city.
    let placed = order(
        "SD12345-0001",
        "潍坊市奎文区金宝花园2号楼1单元201室",
        now - 600,
    );
    let (status, receipt) =
        platform_posts(&server, "/hotline/v1/orders", &placed, now, SECRET).await;
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["created"], true);
    assert_eq!(receipt["placed"], true);
    let case_no = receipt["case_no"].as_str().unwrap().to_string();
    // A resend (new timestamp, same order) changes nothing.
    let (status, again) =
        platform_posts(&server, "/hotline/v1/orders", &placed, now + 5, SECRET).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["case_no"], case_no.as_str());
    assert_eq!(again["created"], false);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE channel = '12345'")
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(count, 1);

    // Unsigned, wrongly signed, stale and malformed requests are refused.
    let other = order("SD12345-0002", "金宝花园2号楼", now);
    let (status, _) = platform_posts(
        &server,
        "/hotline/v1/orders",
        &other,
        now,
        "not-the-secret-at-all",
    )
    .await;
    assert_eq!(status, 401);
    let (status, refused) =
        platform_posts(&server, "/hotline/v1/orders", &other, now - 301, SECRET).await;
    assert_eq!(status, 401);
    assert_eq!(refused["error"], "stale");
    let unsigned = crate::support::client()
        .post(server.url("/hotline/v1/orders"))
        .body(other.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    let mut bad = order("SD12345-0003", "金宝花园2号楼", now);
    bad["caller_phone"] = json!("12");
    let (status, refused) = platform_posts(&server, "/hotline/v1/orders", &bad, now, SECRET).await;
    assert_eq!(status, 422);
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .starts_with("caller_phone"));

    // An address the portal cannot read still becomes a case, flagged.
    let lost = order("SD12345-0004", "北海路与胜利街路口东100米", now);
    let (status, receipt) = platform_posts(&server, "/hotline/v1/orders", &lost, now, SECRET).await;
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["placed"], false);
    let mut dispatcher = staff_signs_in(&server, "dispatch_demo", PASSWORD).await;
    let lost_id = case_id_of_order(&server, "SD12345-0004").await;
    let lost_case = case(&mut dispatcher, lost_id).await;
    assert_eq!(lost_case["hotline"]["placed"], false);
    let page = dispatcher.get(&format!("/cases/{lost_id}")).await;
    assert!(page.body.contains("未匹配到楼栋"));
    let queue = dispatcher.api("/api/dispatch").await;
    assert!(
        queue.body.contains(&format!("\"case_id\":{lost_id}")),
        "the unplaced order is in the queue"
    );
    // The dispatcher checks the address with the caller and places it.
    let account: String = sqlx::query_scalar(
        "SELECT h.account_no FROM households h JOIN people p ON p.company_id = h.company_id \
         WHERE p.username = 'dispatch_demo' ORDER BY h.id LIMIT 1 OFFSET 70",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let lost_page = format!("/cases/{lost_id}");
    let lost_text = lost_id.to_string();
    let wrong = dispatcher
        .submit(
            &lost_page,
            "/api/hotline/place",
            &[("case_id", &lost_text), ("account_no", "XX99999999")],
        )
        .await;
    assert!(wrong
        .form_error()
        .unwrap_or_default()
        .contains("没有找到这个户号"));
    let placed = dispatcher
        .submit(
            &lost_page,
            "/api/hotline/place",
            &[
                ("case_id", &lost_text),
                ("account_no", &account.to_lowercase()),
            ],
        )
        .await;
    assert!(placed.form_error().is_none(), "{:?}", placed.form_error());
    let lost_case = case(&mut dispatcher, lost_id).await;
    assert_eq!(lost_case["hotline"]["placed"], true);
    assert!(lost_case["brief"]["place"]
        .as_str()
        .unwrap()
        .contains("号楼"));
    let again = dispatcher
        .submit(
            &lost_page,
            "/api/hotline/place",
            &[("case_id", &lost_text), ("account_no", &account)],
        )
        .await;
    assert!(again
        .form_error()
        .unwrap_or_default()
        .contains("已经定位过"));

    // The dispatcher works the placed order; each step goes to the platform.
    let id = case_id_of_order(&server, "SD12345-0001").await;
    let seen = case(&mut dispatcher, id).await;
    assert_eq!(seen["hotline"]["status"], "Received");
    assert_eq!(seen["brief"]["place"], "金宝花园 2号楼");
    let actions: Vec<&str> = seen["hotline"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(actions, ["SignFor", "Return"]);
    let early = order_step(
        &mut dispatcher,
        id,
        &[("action", "reply"), ("text", "已处理")],
    )
    .await;
    assert!(
        early.form_error().unwrap_or_default().contains("请先签收"),
        "{early:?}"
    );
    let mut resident = crate::support::resident_signs_in(&server, "13800000001").await;
    let not_theirs = order_step(&mut resident, id, &[("action", "sign_for")]).await;
    assert!(not_theirs.form_error().is_some());
    for form in [
        vec![("action", "sign_for")],
        vec![("action", "progress"), ("text", "已派抢修队上门测温")],
        vec![
            ("action", "extend"),
            ("text", "需更换单元供水阀门，备件明日到货"),
            ("extension_days", "3"),
        ],
    ] {
        let answer = order_step(&mut dispatcher, id, &form).await;
        assert!(
            answer.form_error().is_none(),
            "{form:?}: {:?}",
            answer.form_error()
        );
    }
    let twice = order_step(
        &mut dispatcher,
        id,
        &[
            ("action", "extend"),
            ("text", "再延"),
            ("extension_days", "2"),
        ],
    )
    .await;
    assert!(twice
        .form_error()
        .unwrap_or_default()
        .contains("延期过一次"));
    let worked = case(&mut dispatcher, id).await;
    assert_eq!(worked["hotline"]["extended_days"], 3);
    assert_eq!(worked["hotline"]["status"], "SignedFor");
    // The case's own steps are news for the platform too.
    let crew: i64 = sqlx::query_scalar("SELECT id FROM crews WHERE name = '奎文抢修一队'")
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    let id_text = id.to_string();
    let assigned = dispatcher
        .submit(
            &format!("/cases/{id}"),
            "/api/cases/step",
            &[
                ("case_id", &id_text),
                ("action", "assign"),
                ("crew_id", &crew.to_string()),
            ],
        )
        .await;
    assert!(assigned.form_error().is_none(), "{assigned:?}");
    let noted = dispatcher
        .submit(
            &format!("/cases/{id}"),
            "/api/cases/step",
            &[
                ("case_id", &id_text),
                ("action", "note"),
                ("note", "内部备注"),
            ],
        )
        .await;
    assert!(noted.form_error().is_none(), "{noted:?}");

    // The platform is down at first: the news waits and goes later, in order.
    platform.lock().unwrap().unavailable_for = 1;
    let round = deliver(&server).await;
    assert_eq!(round.retrying, 1, "{round:?}");
    assert!(
        platform.lock().unwrap().news.is_empty(),
        "later news waits for the first"
    );
    assert_eq!(round.abandoned, 0);
    server.advance(60);
    let round = deliver(&server).await;
    assert_eq!(round.delivered, 4, "{round:?}");
    let reply = order_step(
        &mut dispatcher,
        id,
        &[
            ("action", "reply"),
            ("text", "已更换阀门，室温恢复到 20 度"),
        ],
    )
    .await;
    assert!(reply.form_error().is_none(), "{:?}", reply.form_error());
    deliver(&server).await;
    assert_eq!(deliver(&server).await.delivered, 0, "nothing is sent twice");
    {
        let platform = platform.lock().unwrap();
        let events: Vec<&str> = platform
            .news
            .iter()
            .map(|n| n["event"].as_str().unwrap())
            .collect();
        assert_eq!(
            events,
            ["sign_for", "progress", "extend", "status", "reply"]
        );
        assert_eq!(platform.news[3]["case_state"], "dispatched");
        assert!(platform.news[3]["text"]
            .as_str()
            .unwrap()
            .starts_with("已派单"));
        assert_eq!(platform.bad_signatures, 0);
        assert!(platform
            .news
            .iter()
            .all(|n| n["order_id"] == "SD12345-0001"));
        assert_eq!(platform.news[2]["extension_days"], 3);
        assert_eq!(platform.news[4]["case_no"], case_no.as_str());
    }

    // Not satisfied: the case reopens with a new clock; then satisfied.
    let satisfaction = "/hotline/v1/orders/SD12345-0001/satisfaction";
    let now = server.now();
    let (status, answer) = platform_posts(
        &server,
        satisfaction,
        &json!({ "satisfied": false, "comment": "晚上还是冷" }),
        now,
        SECRET,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "signed_for");
    let reopened = case(&mut dispatcher, id).await;
    assert_eq!(reopened["brief"]["state"], "Acknowledged");
    assert!(reopened["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["note"]
            .as_str()
            .unwrap_or_default()
            .contains("晚上还是冷")));
    let again = order_step(
        &mut dispatcher,
        id,
        &[("action", "reply"), ("text", "已再次处理")],
    )
    .await;
    assert!(again.form_error().is_none(), "{:?}", again.form_error());
    let (status, answer) = platform_posts(
        &server,
        satisfaction,
        &json!({ "satisfied": true }),
        now + 10,
        SECRET,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "closed");
    let (status, _) = platform_posts(
        &server,
        satisfaction,
        &json!({ "satisfied": true }),
        now + 20,
        SECRET,
    )
    .await;
    assert_eq!(status, 422, "a closed order takes no second result");
    let (status, _) = platform_posts(
        &server,
        "/hotline/v1/orders/NO-SUCH-ORDER/satisfaction",
        &json!({ "satisfied": true }),
        now,
        SECRET,
    )
    .await;
    assert_eq!(status, 422);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_become_cases_and_news_goes_back_on_sqlite() {
    orders_become_cases_and_news_goes_back(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_become_cases_and_news_goes_back_on_postgres() {
    orders_become_cases_and_news_goes_back(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_secret_the_endpoints_are_closed() {
    let server = TestServer::start(Engine::Sqlite).await;
    let now = server.now();
    let (status, answer) = platform_posts(
        &server,
        "/hotline/v1/orders",
        &order("SD-1", "金宝花园2号楼", now),
        now,
        SECRET,
    )
    .await;
    assert_eq!(status, 404, "{answer}");
    server.finish().await;
}

/// A signature covers the method and path: a satisfaction signed for one
/// order is refused on another; and each signature is taken once.
async fn signatures_bind_the_request_and_are_taken_once(engine: Engine) {
    let server = TestServer::start_with(engine, &["--hotline-secret", SECRET]).await;
    let now = server.now();
    let (status, answer) = platform_posts(
        &server,
        "/hotline/v1/orders",
        &order("SD-REPLAY-1", "金宝花园2号楼", now),
        now,
        SECRET,
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let body = json!({ "satisfied": true }).to_string();
    let signature = SignedRequest {
        method: "POST",
        path: "/hotline/v1/orders/SD-REPLAY-1/satisfaction",
        timestamp: now,
        body: body.as_bytes(),
    }
    .sign(SECRET);
    let post = |path: &str| {
        crate::support::client()
            .post(server.url(path))
            .header("content-type", "application/json")
            .header(TIMESTAMP_HEADER, now.to_string())
            .header(SIGNATURE_HEADER, signature.clone())
            .body(body.clone())
            .send()
    };
    // Carried over to another order's address: not its signature.
    let moved = post("/hotline/v1/orders/SD-OTHER/satisfaction")
        .await
        .unwrap();
    assert_eq!(moved.status(), 401);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(moved["error"], "bad_signature");
    // Where it was signed for: taken once, then refused as a replay, even
    // by two copies racing in.
    let (first, second) = tokio::join!(
        post("/hotline/v1/orders/SD-REPLAY-1/satisfaction"),
        post("/hotline/v1/orders/SD-REPLAY-1/satisfaction")
    );
    let statuses = [
        first.unwrap().status().as_u16(),
        second.unwrap().status().as_u16(),
    ];
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        1,
        "one copy is taken, the other is a replay: {statuses:?}"
    );
    let replayed: Value = post("/hotline/v1/orders/SD-REPLAY-1/satisfaction")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(replayed["error"], "replayed");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_bind_the_request_and_are_taken_once_on_sqlite() {
    signatures_bind_the_request_and_are_taken_once(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_bind_the_request_and_are_taken_once_on_postgres() {
    signatures_bind_the_request_and_are_taken_once(Engine::Postgres).await;
}
