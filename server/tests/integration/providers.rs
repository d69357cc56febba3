//! The portal with its outside providers configured and pointed at local
//! stubs: WeChat web authorization, Aliyun SMS fed by the outbox, WeChat
//! template messages for case news, and the JS-SDK's signed share cards.

use crate::support::{Browser, TestServer};
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::Router;
use backend::db::Engine;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Starts a stub on an ephemeral port; returns its base URL.
async fn stub(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

/// WeChat's OAuth endpoints: code "good-N" belongs to openid "OPENID-N".
async fn wechat_stub() -> String {
    async fn access_token(Query(q): Query<HashMap<String, String>>) -> String {
        let code = q.get("code").cloned().unwrap_or_default();
        let right_app = q.get("appid").map(String::as_str) == Some("wx-test-app")
            && q.get("secret").map(String::as_str) == Some("wx-test-secret")
            && q.get("grant_type").map(String::as_str) == Some("authorization_code");
        match code.strip_prefix("good-") {
            Some(n) if right_app => format!(
                r#"{{"access_token":"AT","expires_in":7200,"refresh_token":"RT","openid":"OPENID-{n}","scope":"snsapi_base"}}"#
            ),
            _ => r#"{"errcode":40029,"errmsg":"invalid code"}"#.to_string(),
        }
    }
    stub(Router::new().route("/sns/oauth2/access_token", get(access_token))).await
}

/// Takes WeChat's part: follows the portal to the authorize page and comes
/// back with `code`, as WeChat would after the person agreed.
async fn through_wechat(browser: &mut Browser, code: &str) -> crate::support::Answer {
    let start = browser.get("/api/signin/wechat").await;
    assert_eq!(start.status, 302, "{start:?}");
    let authorize = start.location.unwrap();
    assert!(authorize.contains("/connect/oauth2/authorize?appid=wx-test-app&redirect_uri="));
    assert!(authorize.contains("scope=snsapi_base") && authorize.ends_with("#wechat_redirect"));
    let state = authorize
        .split("state=")
        .nth(1)
        .and_then(|s| s.split('#').next())
        .unwrap()
        .to_string();
    browser
        .get(&format!(
            "/api/signin/wechat/callback?code={code}&state={state}"
        ))
        .await
}

async fn wechat_sign_in_links_the_phone_once(engine: Engine) {
    let wechat = wechat_stub().await;
    let server = TestServer::start_with(
        engine,
        &[
            "--wechat-app-id",
            "wx-test-app",
            "--wechat-app-secret",
            "wx-test-secret",
            "--wechat-api-base",
            &wechat,
            "--wechat-authorize-base",
            &wechat,
        ],
    )
    .await;
    let mut browser = Browser::new(&server);
    assert!(
        !browser.get("/signin").await.body.contains("微信一键登录"),
        "outside WeChat its sign-in cannot work, so it is not offered"
    );
    browser.user_agent = crate::support::WECHAT_BROWSER.to_string();
    assert!(browser.get("/signin").await.body.contains("微信一键登录"));

    // First use: WeChat vouches for the openid, the phone is verified once.
    let back = through_wechat(&mut browser, "good-1").await;
    assert_eq!(
        back.location.as_deref(),
        Some("/signin?wechat=link"),
        "{back:?}"
    );
    let page = browser.get("/signin?wechat=link").await.body;
    assert!(page.contains("首次使用请再验证一次手机号"));
    assert!(
        !page.contains("微信一键登录"),
        "no second WeChat button while linking"
    );
    browser
        .submit("/signin", "/api/signin/code", &[("phone", "13900000011")])
        .await;
    let code = crate::support::code_from_outbox(&mut browser, "13900000011").await;
    let signed_in = browser
        .submit(
            "/signin?step=code",
            "/api/signin/verify",
            &[("code", &code)],
        )
        .await;
    assert_eq!(signed_in.location.as_deref(), Some("/me"));
    let linked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM wechat_links w JOIN people p ON p.id = w.person_id \
         WHERE w.openid = 'OPENID-1' AND p.phone = '13900000011'",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(linked, 1);

    // Afterwards WeChat alone signs the same person in, on any device.
    let mut phone = Browser::new(&server);
    let back = through_wechat(&mut phone, "good-1").await;
    assert_eq!(back.location.as_deref(), Some("/me"), "{back:?}");
    let me: serde_json::Value =
        serde_json::from_str(&phone.api("/api/session").await.body).unwrap();
    assert_eq!(me["masked_phone"], "139****0011");

    // A refused code or a forged state signs nobody in.
    let mut other = Browser::new(&server);
    let refused = through_wechat(&mut other, "bad").await;
    assert_eq!(refused.location.as_deref(), Some("/signin?wechat=failed"));
    let forged = other
        .get("/api/signin/wechat/callback?code=good-2&state=forged")
        .await;
    assert_eq!(forged.location.as_deref(), Some("/signin?wechat=failed"));
    assert!(
        serde_json::from_str::<serde_json::Value>(&other.api("/api/session").await.body)
            .unwrap()
            .is_null()
    );
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wechat_sign_in_on_sqlite() {
    wechat_sign_in_links_the_phone_once(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wechat_sign_in_on_postgres() {
    wechat_sign_in_links_the_phone_once(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_wechat_configured_the_page_does_not_offer_it() {
    let server = TestServer::start(Engine::Sqlite).await;
    let mut browser = Browser::new(&server);
    browser.user_agent = crate::support::WECHAT_BROWSER.to_string();
    assert!(!browser.get("/signin").await.body.contains("微信"));
    let start = browser.api("/api/signin/wechat").await;
    assert_ne!(start.status, 200);
    assert!(start.body.contains("未开通微信登录"));
    server.finish().await;
}

/// What the Aliyun stub answers next, and what it saw.
#[derive(Default)]
struct AliyunStub {
    answers: Vec<&'static str>,
    seen: Vec<HashMap<String, String>>,
}

async fn aliyun_stub(answers: Vec<&'static str>) -> (String, Arc<Mutex<AliyunStub>>) {
    async fn send_sms(
        State(stub): State<Arc<Mutex<AliyunStub>>>,
        Query(q): Query<HashMap<String, String>>,
    ) -> (axum::http::StatusCode, String) {
        let mut stub = stub.lock().unwrap();
        stub.seen.push(q);
        let answer = if stub.answers.is_empty() {
            "ok"
        } else {
            stub.answers.remove(0)
        };
        match answer {
            "ok" => (axum::http::StatusCode::OK, r#"{"Code":"OK","Message":"OK","BizId":"1","RequestId":"R"}"#.into()),
            "limit" => (axum::http::StatusCode::OK, r#"{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发分钟级流控","RequestId":"R"}"#.into()),
            _ => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy".into()),
        }
    }
    let state = Arc::new(Mutex::new(AliyunStub {
        answers,
        seen: vec![],
    }));
    let router = Router::new()
        .route("/", get(send_sms))
        .with_state(state.clone());
    (format!("{}/", stub(router).await), state)
}

/// The settings that send texts through the Aliyun stub at `endpoint`.
fn aliyun_settings(endpoint: &str) -> [&str; 12] {
    [
        "--sms-provider",
        "aliyun",
        "--aliyun-access-key-id",
        "LTAI-test",
        "--aliyun-access-key-secret",
        "secret-test",
        "--aliyun-sign-name",
        "潍坊供热",
        "--aliyun-sign-in-template",
        "SMS_100001",
        "--aliyun-endpoint",
        endpoint,
    ]
}

async fn codes_go_out_through_aliyun(engine: Engine) {
    let (endpoint, stub) = aliyun_stub(vec!["busy", "ok", "limit"]).await;
    let server = TestServer::start_with(engine, &aliyun_settings(&endpoint)).await;
    let channels = server::background::channels(&server.config, None).unwrap();
    assert_eq!(channels.sms.name(), "aliyun");
    assert!(channels.wechat.is_none());
    let db = &server.test_db.db;
    let deliver = || backend::services::delivery::deliver_due(db, &channels, server.now());

    let mut browser = Browser::new(&server);
    browser
        .submit("/signin", "/api/signin/code", &[("phone", "13900000021")])
        .await;
    // The provider is busy: kept, retried ten seconds later.
    let round = deliver().await.unwrap();
    assert_eq!(
        (round.delivered, round.retrying, round.abandoned),
        (0, 1, 0)
    );
    assert_eq!(deliver().await.unwrap().retrying, 0, "not due yet");
    server.advance(10);
    let round = deliver().await.unwrap();
    assert_eq!(round.delivered, 1);
    {
        let stub = stub.lock().unwrap();
        assert_eq!(stub.seen.len(), 2);
        let request = &stub.seen[1];
        assert_eq!(request["Action"], "SendSms");
        assert_eq!(request["PhoneNumbers"], "13900000021");
        assert_eq!(request["SignName"], "潍坊供热");
        assert_eq!(request["TemplateCode"], "SMS_100001");
        assert!(request.contains_key("Signature"));
        let params: serde_json::Value = serde_json::from_str(&request["TemplateParam"]).unwrap();
        assert_eq!(params["code"].as_str().unwrap().len(), 6);
    }
    // A delivered code is not kept in the outbox.
    let payload: String = sqlx::query_scalar("SELECT payload FROM outbox")
        .fetch_one(db.reader())
        .await
        .unwrap();
    assert_eq!(payload, "");

    // The provider refuses: given up at once, with the reason kept.
    server.advance(61);
    browser
        .submit("/signin", "/api/signin/code", &[("phone", "13900000021")])
        .await;
    let round = deliver().await.unwrap();
    assert_eq!(round.abandoned, 1);
    let reason: String =
        sqlx::query_scalar("SELECT last_error FROM outbox WHERE abandoned_at IS NOT NULL")
            .fetch_one(db.reader())
            .await
            .unwrap();
    assert!(reason.contains("isv.BUSINESS_LIMIT_CONTROL"), "{reason}");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_go_out_through_aliyun_on_sqlite() {
    codes_go_out_through_aliyun(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_go_out_through_aliyun_on_postgres() {
    codes_go_out_through_aliyun(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_older_than_their_lifetime_are_not_sent() {
    let (endpoint, stub) = aliyun_stub(vec![]).await;
    let server = TestServer::start_with(Engine::Sqlite, &aliyun_settings(&endpoint)).await;
    let channels = server::background::channels(&server.config, None).unwrap();
    let mut browser = Browser::new(&server);
    browser
        .submit("/signin", "/api/signin/code", &[("phone", "13900000022")])
        .await;
    server.advance(301);
    let round =
        backend::services::delivery::deliver_due(&server.test_db.db, &channels, server.now())
            .await
            .unwrap();
    assert_eq!(round.abandoned, 1);
    assert!(stub.lock().unwrap().seen.is_empty());
    server.finish().await;
}

/// What the WeChat template stub saw, and the errcodes it answers next.
#[derive(Default)]
struct TemplateStub {
    token_calls: usize,
    ticket_calls: usize,
    errcodes: Vec<i64>,
    sent: Vec<serde_json::Value>,
}

/// WeChat's access token and template message endpoints for "wx-test-app".
async fn template_stub(errcodes: Vec<i64>) -> (String, Arc<Mutex<TemplateStub>>) {
    async fn token(
        State(stub): State<Arc<Mutex<TemplateStub>>>,
        Query(q): Query<HashMap<String, String>>,
    ) -> String {
        stub.lock().unwrap().token_calls += 1;
        let right_app = q.get("appid").map(String::as_str) == Some("wx-test-app")
            && q.get("secret").map(String::as_str) == Some("wx-test-secret")
            && q.get("grant_type").map(String::as_str) == Some("client_credential");
        if right_app {
            r#"{"access_token":"TEMPLATE-TOKEN","expires_in":7200}"#.to_string()
        } else {
            r#"{"errcode":40125,"errmsg":"invalid appsecret"}"#.to_string()
        }
    }
    async fn send(
        State(stub): State<Arc<Mutex<TemplateStub>>>,
        Query(q): Query<HashMap<String, String>>,
        axum::Json(body): axum::Json<serde_json::Value>,
    ) -> String {
        if q.get("access_token").map(String::as_str) != Some("TEMPLATE-TOKEN") {
            return r#"{"errcode":40001,"errmsg":"invalid credential"}"#.to_string();
        }
        let mut stub = stub.lock().unwrap();
        stub.sent.push(body);
        let errcode = if stub.errcodes.is_empty() {
            0
        } else {
            stub.errcodes.remove(0)
        };
        format!(r#"{{"errcode":{errcode},"errmsg":"stub","msgid":1}}"#)
    }
    let state = Arc::new(Mutex::new(TemplateStub {
        errcodes,
        ..TemplateStub::default()
    }));
    async fn ticket(
        State(stub): State<Arc<Mutex<TemplateStub>>>,
        Query(q): Query<HashMap<String, String>>,
    ) -> String {
        let mut stub = stub.lock().unwrap();
        stub.ticket_calls += 1;
        let fresh = q.get("access_token").map(String::as_str) == Some("TEMPLATE-TOKEN");
        if !fresh || q.get("type").map(String::as_str) != Some("jsapi") {
            return r#"{"errcode":40001,"errmsg":"invalid credential"}"#.to_string();
        }
        // WeChat's documented example ticket.
        format!(r#"{{"errcode":0,"errmsg":"ok","ticket":"{DOC_TICKET}","expires_in":7200}}"#)
    }
    let router = Router::new()
        .route("/cgi-bin/token", get(token))
        .route("/cgi-bin/ticket/getticket", get(ticket))
        .route("/cgi-bin/message/template/send", post(send))
        .with_state(state.clone());
    (stub(router).await, state)
}

/// (attempts, delivered, abandoned, last error) of every "wechat" outbox row.
async fn wechat_rows(server: &TestServer) -> Vec<(i64, bool, bool, Option<String>)> {
    sqlx::query_as::<_, (i64, Option<i64>, Option<i64>, Option<String>)>(
        "SELECT attempts, delivered_at, abandoned_at, last_error FROM outbox \
         WHERE channel = 'wechat' ORDER BY id",
    )
    .fetch_all(server.test_db.db.reader())
    .await
    .unwrap()
    .into_iter()
    .map(|(attempts, delivered, abandoned, error)| {
        (attempts, delivered.is_some(), abandoned.is_some(), error)
    })
    .collect()
}

async fn case_news_goes_out_through_wechat_templates(engine: Engine) {
    // WeChat is busy once, then takes the message.
    let (wechat, stub) = template_stub(vec![-1]).await;
    let server = TestServer::start_with(
        engine,
        &[
            "--wechat-app-id",
            "wx-test-app",
            "--wechat-app-secret",
            "wx-test-secret",
            "--wechat-api-base",
            &wechat,
            "--wechat-template-id",
            "TPL-case-news",
        ],
    )
    .await;
    let channels = server::background::channels(&server.config, None).unwrap();
    assert!(channels.wechat.is_some());
    let db = &server.test_db.db;
    let deliver = || backend::services::delivery::deliver_due(db, &channels, server.now());

    // The demo resident signed in through WeChat before.
    let (person_id, household_id): (i64, i64) = sqlx::query_as(
        "SELECT p.id, ph.household_id FROM people p \
         JOIN person_households ph ON ph.person_id = p.id WHERE p.phone = '13800000001'",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    sqlx::query("INSERT INTO wechat_links (openid, person_id, linked_at) VALUES ($1, $2, $3)")
        .bind("oResident-0000000001")
        .bind(person_id)
        .bind(server.now())
        .execute(db.writer())
        .await
        .unwrap();
    let mut resident = crate::support::resident_signs_in(&server, "13800000001").await;
    deliver().await.unwrap();
    let filed = resident
        .submit_multipart(
            "/file/repair",
            "/api/file/repair",
            &[
                ("household_id", &household_id.to_string()),
                ("category", "burst_pipe"),
                ("description", "卫生间暖气管爆了，正在跑水"),
                ("idempotency_key", "providers-wechat-news-0001"),
            ],
        )
        .await;
    assert_eq!(filed.status, 302, "{filed:?}");
    let case_no: String = sqlx::query_scalar(
        "SELECT case_no FROM cases WHERE contact_phone = '13800000001' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();

    // WeChat busy: the text goes, the template message waits ten seconds.
    let round = deliver().await.unwrap();
    assert_eq!(
        (round.delivered, round.retrying, round.abandoned),
        (1, 1, 0)
    );
    assert_eq!(
        wechat_rows(&server).await,
        [(
            1,
            false,
            false,
            Some("unavailable: wechat busy: -1 stub".to_string())
        )]
    );
    assert_eq!(deliver().await.unwrap().retrying, 0, "not due yet");
    server.advance(10);
    let round = deliver().await.unwrap();
    assert_eq!(
        (round.delivered, round.retrying, round.abandoned),
        (1, 0, 0)
    );
    assert_eq!(wechat_rows(&server).await, [(2, true, false, None)]);
    let (token_calls, sent) = {
        let stub = stub.lock().unwrap();
        (stub.token_calls, stub.sent.clone())
    };
    assert_eq!(token_calls, 1, "the token is kept between rounds");
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], sent[1], "the same message again");
    let message = &sent[1];
    assert_eq!(message["touser"], "oResident-0000000001");
    assert_eq!(message["template_id"], "TPL-case-news");
    assert_eq!(message["url"], server.url("/cases"));
    assert_eq!(
        message["data"],
        serde_json::json!({
            "character_string1": {"value": case_no},
            "thing2": {"value": "报修已受理，抢修人员将于 11月28日…"},
            "time3": {"value": "2026-11-28 10:00"},
        })
    );
    server.finish().await;
}

/// An outage's news reaches residents who linked WeChat through the
/// account's outage template, with a tap to its page; its end goes to them
/// too, as those who were told of it.
async fn outage_news_goes_out_through_the_outage_template(engine: Engine) {
    let (wechat, stub) = template_stub(Vec::new()).await;
    let server = TestServer::start_with(
        engine,
        &[
            "--wechat-app-id",
            "wx-test-app",
            "--wechat-app-secret",
            "wx-test-secret",
            "--wechat-api-base",
            &wechat,
            "--wechat-template-id",
            "TPL-case-news",
            "--wechat-outage-template-id",
            "TPL-outage-news",
        ],
    )
    .await;
    let channels = server::background::channels(&server.config, None).unwrap();
    let db = &server.test_db.db;
    let (person_id, building): (i64, i64) = sqlx::query_as(
        "SELECT p.id, u.building_id FROM people p \
         JOIN person_households ph ON ph.person_id = p.id \
         JOIN households h ON h.id = ph.household_id JOIN units u ON u.id = h.unit_id \
         WHERE p.phone = '13800000001'",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    sqlx::query("INSERT INTO wechat_links (openid, person_id, linked_at) VALUES ($1, $2, $3)")
        .bind("oResident-0000000001")
        .bind(person_id)
        .bind(server.now())
        .execute(db.writer())
        .await
        .unwrap();
    let mut dispatcher = crate::support::staff_signs_in(
        &server,
        "dispatch_demo",
        backend::seed::demo::DEMO_STAFF_PASSWORD,
    )
    .await;
    let now = server.now();
    let building = building.to_string();
    let (starts, restore) = (
        domain::clock::format_local_input(now),
        domain::clock::format_local_input(now + 6 * 3600),
    );
    let drafted = dispatcher
        .submit(
            "/desk/outages",
            "/api/desk/outages/new",
            &[
                ("kind", "emergency"),
                ("title", "金宝花园供水管道抢修"),
                ("cause", "楼前供水管道漏水"),
                ("starts_at", &starts),
                ("expected_restore_at", &restore),
                ("building_ids[]", &building),
            ],
        )
        .await;
    let page = drafted.location.clone().unwrap_or_default();
    let outage: i64 = page
        .strip_prefix("/desk/outages/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{drafted:?}"));
    let id = outage.to_string();
    for (action, extra) in [
        ("/api/desk/outages/publish", None),
        ("/api/desk/outages/end", Some(("step", "restore"))),
    ] {
        let mut form = vec![("id", id.as_str())];
        form.extend(extra);
        let answer = dispatcher.submit(&page, action, &form).await;
        assert!(answer.form_error().is_none(), "{answer:?}");
        crate::support::deliver_all_through(&server, &channels).await;
    }
    let sent = stub.lock().unwrap().sent.clone();
    let to_outage: Vec<&serde_json::Value> = sent
        .iter()
        .filter(|m| m["template_id"] == "TPL-outage-news")
        .collect();
    assert_eq!(to_outage.len(), 2, "{sent:?}");
    let restore_at = domain::clock::format_month_day_time(now + 6 * 3600, translations::Lang::Zh);
    let emergency = domain::outage::OutageKind::Emergency.label(translations::Lang::Zh);
    for (message, news) in to_outage.iter().zip([
        format!("{emergency}至{restore_at}"),
        "已恢复供热".to_string(),
    ]) {
        assert_eq!(message["touser"], "oResident-0000000001");
        assert_eq!(message["url"], server.url(&format!("/outages/{outage}")));
        assert_eq!(message["data"]["thing1"]["value"], "金宝花园供水管道抢修");
        assert_eq!(message["data"]["thing2"]["value"], news.as_str());
        assert_eq!(message["data"]["time3"]["value"], "2026-11-28 10:00");
    }
    let abandoned: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE abandoned_at IS NOT NULL")
            .fetch_one(db.reader())
            .await
            .unwrap();
    assert_eq!(abandoned, 0);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_news_goes_out_through_the_outage_template_on_sqlite() {
    outage_news_goes_out_through_the_outage_template(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_news_goes_out_through_the_outage_template_on_postgres() {
    outage_news_goes_out_through_the_outage_template(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_news_goes_out_through_wechat_templates_on_sqlite() {
    case_news_goes_out_through_wechat_templates(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_news_goes_out_through_wechat_templates_on_postgres() {
    case_news_goes_out_through_wechat_templates(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wechat_news_without_wechat_configured_is_given_up() {
    let server = TestServer::start(Engine::Sqlite).await;
    let channels = server::background::channels(&server.config, None).unwrap();
    assert!(channels.wechat.is_none());
    assert!(server.config.wechat_templates.is_none());
    let db = &server.test_db.db;
    // Left from a time WeChat was configured.
    sqlx::query(
        "INSERT INTO outbox (channel, recipient, dedupe_key, payload, created_at, available_at) \
         VALUES ('wechat', 'oResident-0000000001', 'case-event:1:wechat:oResident-0000000001', $1, $2, $2)",
    )
    .bind(r#"{"template":"case_update","case_no":"R20261128000001","update":"抢修人员已出发。"}"#)
    .bind(server.now())
    .execute(db.writer())
    .await
    .unwrap();
    let round = backend::services::delivery::deliver_due(db, &channels, server.now())
        .await
        .unwrap();
    assert_eq!(
        (round.delivered, round.retrying, round.abandoned),
        (0, 0, 1)
    );
    assert_eq!(
        wechat_rows(&server).await,
        [(1, false, true, Some("wechat not configured".to_string()))]
    );
    server.advance(24 * 3600);
    let later = backend::services::delivery::deliver_due(db, &channels, server.now())
        .await
        .unwrap();
    assert_eq!(later, backend::services::delivery::DeliveryRound::default());
    server.finish().await;
}

/// The jsapi_ticket of WeChat's documented signature example.
const DOC_TICKET: &str =
    "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";

/// The signature as WeChat's documentation computes it, written out here.
fn wechat_signature(nonce: &str, timestamp: i64, url: &str) -> String {
    use sha1::Digest;
    let plain =
        format!("jsapi_ticket={DOC_TICKET}&noncestr={nonce}&timestamp={timestamp}&url={url}");
    sha1::Sha1::digest(plain.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn outage_pages_get_a_signed_wechat_share_card() {
    let (wechat, stub) = template_stub(Vec::new()).await;
    let server = TestServer::start_with(
        Engine::Sqlite,
        &[
            "--wechat-app-id",
            "wx-test-app",
            "--wechat-app-secret",
            "wx-test-secret",
            "--wechat-api-base",
            &wechat,
            "--wechat-template-id",
            "TPL-case-news",
        ],
    )
    .await;
    let page = server.url("/outages/1?from=singlemessage");
    let ask = |url: String| {
        let endpoint = server.url("/wechat/share-config");
        async move {
            crate::support::client()
                .get(endpoint)
                .query(&[("url", url)])
                .send()
                .await
                .unwrap()
        }
    };
    let answer = ask(format!("{page}#share")).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["cache-control"], "no-store");
    let config: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(config["appId"], "wx-test-app");
    let nonce = config["nonceStr"].as_str().unwrap();
    let timestamp = config["timestamp"].as_i64().unwrap();
    assert!(!nonce.is_empty() && timestamp > 1_700_000_000, "{config}");
    // Signed over the address without its # part, as WeChat checks it.
    assert_eq!(
        config["signature"],
        wechat_signature(nonce, timestamp, &page)
    );

    // The ticket and token are cached: a second page asks WeChat nothing.
    let again = ask(server.url("/outages/2")).await;
    assert_eq!(again.status(), 200);
    {
        let stub = stub.lock().unwrap();
        assert_eq!((stub.token_calls, stub.ticket_calls), (1, 1));
    }

    // Only the portal's own pages are signed.
    for foreign in [
        "https://evil.example.cn/outages/1",
        "javascript:alert(1)",
        "",
    ] {
        let refused = ask(foreign.to_string()).await;
        assert_eq!(refused.status(), 400, "{foreign}");
        assert!(refused.text().await.unwrap().contains("本平台"));
    }

    // Template messages and share cards share the account's one token.
    let account = server::wechat_share::WeChatAccount::of(&server.config);
    let channels = server::background::channels(&server.config, account.tokens.clone()).unwrap();
    account.tickets.as_ref().unwrap().ticket().await.unwrap();
    channels
        .wechat
        .as_ref()
        .unwrap()
        .send_case_update("OPENID-1", "R1", "抢修人员已出发。", server.now())
        .await
        .unwrap();
    assert_eq!(
        stub.lock().unwrap().token_calls,
        2,
        "one more holder, one more token"
    );
    server.finish().await;
}

#[tokio::test]
async fn without_wechat_there_is_no_share_card() {
    let server = TestServer::start(Engine::Sqlite).await;
    let answer = crate::support::client()
        .get(server.url("/wechat/share-config"))
        .query(&[("url", server.url("/outages/1"))])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
    server.finish().await;
}
