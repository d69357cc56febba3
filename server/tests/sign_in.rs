//! Signing in over real HTTP, on SQLite and PostgreSQL: the resident code
//! flow and each of its limits, staff passwords and lockout, sessions,
//! sign-out, cross-site refusal, and binding a household.

mod support;

use backend::db::Engine;
use support::{code_from_outbox, resident_signs_in, staff_signs_in, Browser, TestServer};

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;

async fn request_code(browser: &mut Browser, phone: &str) -> support::Answer {
    browser
        .submit("/signin", "/api/signin/code", &[("phone", phone)])
        .await
}

async fn verify(browser: &mut Browser, code: &str) -> support::Answer {
    browser
        .submit("/signin?step=code", "/api/signin/verify", &[("code", code)])
        .await
}

async fn session(browser: &mut Browser) -> serde_json::Value {
    let answer = browser.api("/api/session").await;
    assert_eq!(answer.status, 200, "{answer:?}");
    serde_json::from_str(&answer.body).unwrap()
}

/// A code that is not `code`.
fn wrong(code: &str) -> String {
    let last = code.as_bytes()[5] - b'0';
    format!("{}{}", &code[..5], (last + 1) % 10)
}

async fn a_resident_signs_in_with_a_texted_code(server: &TestServer) {
    let mut browser = Browser::new(server);
    let sent = request_code(&mut browser, "139 0000 0002").await;
    assert_eq!(sent.status, 302);
    assert_eq!(
        sent.location.as_deref(),
        Some("/signin?step=code&to=139%2A%2A%2A%2A0002")
    );
    let challenge = sent
        .set_cookies
        .iter()
        .find(|c| c.starts_with("hd_code="))
        .expect("the code is bound to this browser");
    assert!(challenge.contains("HttpOnly") && challenge.contains("SameSite=Lax"));
    assert!(!challenge.contains("Secure"), "plain http in tests");

    // Stored hashed: neither the code nor the browser's token is in the table.
    let code = code_from_outbox(&mut browser, "13900000002").await;
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT challenge_hash, code_hash FROM sign_in_codes")
            .fetch_all(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!(stored.len(), 1);
    let token = browser.cookies["hd_code"].clone();
    assert!(stored[0].0 != token && !stored[0].1.contains(&code));

    // Another browser cannot use the code: it is bound to the one that asked.
    let mut other = Browser::new(server);
    let stolen = verify(&mut other, &code).await;
    assert!(
        stolen.form_error().unwrap().contains("验证码已失效"),
        "{stolen:?}"
    );

    let wrong_try = verify(&mut browser, &wrong(&code)).await;
    assert!(
        wrong_try.form_error().unwrap().contains("还可以再试 4 次"),
        "{:?}",
        wrong_try.form_error()
    );
    assert!(wrong_try
        .location
        .unwrap()
        .starts_with(&server.url("/signin?step=code")));

    let signed_in = verify(&mut browser, &code).await;
    assert_eq!(signed_in.location.as_deref(), Some("/me"));
    let cookie = signed_in
        .set_cookies
        .iter()
        .find(|c| c.starts_with("hd_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(
        !browser.cookies.contains_key("hd_code"),
        "challenge cleared"
    );
    let me = session(&mut browser).await;
    assert_eq!(me["masked_phone"], "139****0002");
    assert_eq!(me["roles"], serde_json::json!(["Resident"]));

    // A used code is gone.
    browser.cookies.insert("hd_code".into(), token);
    let again = verify(&mut browser, &code).await;
    assert!(again.form_error().unwrap().contains("验证码已失效"));

    // The sign-in is in the audit log, with the failure before it.
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(actions, ["sign_in_failed", "sign_in"]);
}
on_both_engines!(
    a_resident_signs_in_with_a_texted_code,
    a_resident_signs_in_with_a_texted_code
);

async fn code_limits_answer_with_when_to_retry(server: &TestServer) {
    let mut browser = Browser::new(server);
    let invalid = request_code(&mut browser, "12345").await;
    assert!(
        invalid.form_error().unwrap().contains("11 位"),
        "{invalid:?}"
    );

    assert!(request_code(&mut browser, "13900000003")
        .await
        .form_error()
        .is_none());
    let too_soon = request_code(&mut browser, "13900000003").await;
    assert!(
        too_soon.form_error().unwrap().contains("请 1 分钟后再试"),
        "{:?}",
        too_soon.form_error()
    );
    server.advance(30);
    let still = request_code(&mut browser, "13900000003").await;
    assert!(still.form_error().unwrap().contains("请 30 秒后再试"));

    // Ten a day per number.
    for _ in 0..9 {
        server.advance(61);
        let sent = request_code(&mut browser, "13900000003").await;
        assert!(sent.form_error().is_none(), "{:?}", sent.form_error());
    }
    server.advance(61);
    let daily = request_code(&mut browser, "13900000003").await;
    assert!(
        daily
            .form_error()
            .unwrap()
            .contains("今天获取验证码的次数已达上限"),
        "{:?}",
        daily.form_error()
    );

    // Twenty an hour per client address, whatever the numbers.
    server.advance(3600);
    for n in 0..20 {
        let sent = request_code(&mut browser, &format!("1370000{n:04}")).await;
        assert!(sent.form_error().is_none(), "{n}: {:?}", sent.form_error());
    }
    let client = request_code(&mut browser, "13700009999").await;
    assert!(
        client
            .form_error()
            .unwrap()
            .contains("当前网络请求验证码过多"),
        "{:?}",
        client.form_error()
    );
}
on_both_engines!(
    code_limits_answer_with_when_to_retry,
    code_limits_answer_with_when_to_retry
);

async fn codes_expire_and_wear_out(server: &TestServer) {
    // Five wrong tries void the code, even for the right one after.
    let mut browser = Browser::new(server);
    request_code(&mut browser, "13900000004").await;
    let code = code_from_outbox(&mut browser, "13900000004").await;
    for left in (1..=4).rev() {
        let answer = verify(&mut browser, &wrong(&code)).await;
        assert!(answer
            .form_error()
            .unwrap()
            .contains(&format!("还可以再试 {left} 次")));
    }
    let fifth = verify(&mut browser, &wrong(&code)).await;
    assert!(fifth.form_error().unwrap().contains("错误次数过多"));
    let right = verify(&mut browser, &code).await;
    assert!(right.form_error().unwrap().contains("错误次数过多"));

    // Five minutes, then gone.
    server.advance(61);
    request_code(&mut browser, "13900000004").await;
    let code = code_from_outbox(&mut browser, "13900000004").await;
    server.advance(300);
    let late = verify(&mut browser, &code).await;
    assert!(late.form_error().unwrap().contains("验证码已过期"));

    let malformed = verify(&mut browser, "12ab").await;
    assert!(malformed.form_error().unwrap().contains("6 位数字"));
}
on_both_engines!(codes_expire_and_wear_out, codes_expire_and_wear_out);

async fn staff_passwords_lock_out_and_back_off(server: &TestServer) {
    let mut browser = Browser::new(server);
    let attempt = |password: &'static str| {
        let mut b = Browser::new(server);
        async move {
            b.submit(
                "/staff/signin",
                "/api/signin/staff",
                &[("username", "dispatch_demo"), ("password", password)],
            )
            .await
            .form_error()
        }
    };
    for _ in 0..4 {
        assert!(attempt("wrong-password-1")
            .await
            .unwrap()
            .contains("用户名或密码不正确"));
    }
    assert!(attempt("wrong-password-1")
        .await
        .unwrap()
        .contains("请 1 分钟后再试"));
    // Locked: even the right password waits.
    assert!(attempt(PASSWORD).await.unwrap().contains("已暂时锁定"));
    server.advance(61);
    assert!(attempt("wrong-password-1")
        .await
        .unwrap()
        .contains("请 2 分钟后再试"));
    server.advance(121);
    assert_eq!(attempt(PASSWORD).await, None);

    // Unknown names answer like wrong passwords.
    let unknown = browser
        .submit(
            "/staff/signin",
            "/api/signin/staff",
            &[("username", "nobody"), ("password", PASSWORD)],
        )
        .await;
    assert!(unknown.form_error().unwrap().contains("用户名或密码不正确"));
    let failures: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' AND subject_type = 'staff'",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(failures, 8);
}
on_both_engines!(
    staff_passwords_lock_out_and_back_off,
    staff_passwords_lock_out_and_back_off
);

async fn sessions_expire_and_sign_out_everywhere(server: &TestServer) {
    // A planted cookie is never adopted: sign-in issues a fresh token.
    let mut desk = Browser::new(server);
    desk.cookies
        .insert("hd_session".into(), "planted-by-someone-else".into());
    desk.submit(
        "/staff/signin",
        "/api/signin/staff",
        &[("username", "grid_demo"), ("password", PASSWORD)],
    )
    .await;
    assert_ne!(desk.cookies["hd_session"], "planted-by-someone-else");
    assert_eq!(session(&mut desk).await["username"], "grid_demo");

    // Staff sessions end after two idle hours; use renews them.
    server.advance(2 * 3600 - 60);
    assert!(!session(&mut desk).await.is_null());
    server.advance(2 * 3600 - 60);
    assert!(!session(&mut desk).await.is_null(), "renewed by use");
    server.advance(2 * 3600);
    assert!(session(&mut desk).await.is_null(), "idle too long");

    // ... and after twelve hours whatever happens.
    let mut shift = staff_signs_in(server, "grid_demo", PASSWORD).await;
    for _ in 0..12 {
        server.advance(3600);
        session(&mut shift).await;
    }
    assert!(
        session(&mut shift).await.is_null(),
        "past the absolute limit"
    );

    // Signing out ends this browser only; everywhere ends them all.
    let mut phone = resident_signs_in(server, "13800000001").await;
    server.advance(61);
    let mut tablet = resident_signs_in(server, "13800000001").await;
    let out = phone.submit("/me/settings", "/api/signout", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/signin?signed_out=1"));
    assert!(session(&mut phone).await.is_null());
    assert!(!session(&mut tablet).await.is_null());
    server.advance(61);
    let mut laptop = resident_signs_in(server, "13800000001").await;
    laptop
        .submit("/me/settings", "/api/signout", &[("everywhere", "1")])
        .await;
    assert!(session(&mut tablet).await.is_null());
    assert!(session(&mut laptop).await.is_null());

    // Signed out, a private page sends the browser to sign in.
    let me = laptop.get("/me").await;
    assert_eq!(me.status, 302);
    assert_eq!(me.location.as_deref(), Some("/signin"));
}
on_both_engines!(
    sessions_expire_and_sign_out_everywhere,
    sessions_expire_and_sign_out_everywhere
);

async fn cross_site_posts_are_refused(server: &TestServer) {
    let base = server.base.clone();
    let client = support::client();
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let answer = client
            .post(format!("{base}/api/signin/code"))
            .header(name, value)
            .form(&[("phone", "13900000009")])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 403, "{name}: {value}");
        assert!(answer.text().await.unwrap().contains("跨站请求已被拒绝"));
    }
    // Nothing was sent.
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_codes")
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(sent, 0);
    // Reads stay open to links from anywhere.
    let read = client
        .get(format!("{base}/outages"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
}
on_both_engines!(cross_site_posts_are_refused, cross_site_posts_are_refused);

async fn a_resident_binds_and_unbinds_households(server: &TestServer) {
    let db = server.test_db.db.reader();
    let (household_id, holder): (i64, String) =
        sqlx::query_as("SELECT id, holder_name FROM households WHERE account_no = 'WF10000002'")
            .fetch_one(db)
            .await
            .unwrap();
    let mut browser = resident_signs_in(server, "13900000005").await;
    let empty = browser.get("/me").await;
    assert!(empty.body.contains("绑定您家的供热户号"), "{}", empty.body);

    let wrong_name = browser
        .submit(
            "/me",
            "/api/me/households/bind",
            &[("account_no", "wf-1000 0002"), ("holder_name", "不是户主")],
        )
        .await;
    assert!(wrong_name
        .form_error()
        .unwrap()
        .contains("户号与户主姓名不匹配"));
    let no_such = browser
        .submit(
            "/me",
            "/api/me/households/bind",
            &[("account_no", "WF99999999"), ("holder_name", &holder)],
        )
        .await;
    assert_eq!(
        no_such.form_error(),
        wrong_name.form_error(),
        "no hint which part is wrong"
    );

    let bound = browser
        .submit(
            "/me",
            "/api/me/households/bind",
            &[("account_no", "wf-1000 0002"), ("holder_name", &holder)],
        )
        .await;
    assert!(bound.form_error().is_none(), "{:?}", bound.form_error());
    assert!(bound.location.unwrap().starts_with(&server.url("/me")));
    let home = browser.get("/me").await;
    assert!(home.body.contains("WF10000002"));
    assert!(home.body.contains("金宝花园"), "{}", home.body);
    assert!(home.body.contains("data-heat="), "heat status shown");

    let unbound = browser
        .submit(
            "/me/settings",
            "/api/me/households/unbind",
            &[("household_id", &household_id.to_string())],
        )
        .await;
    assert!(unbound.form_error().is_none());
    assert!(!browser.get("/me").await.body.contains("WF10000002"));

    // Guessing names has a daily limit.
    for _ in 0..9 {
        browser
            .call(
                "/api/me/households/bind",
                &[("account_no", "WF10000002"), ("holder_name", "猜")],
            )
            .await;
    }
    let limited = browser
        .call(
            "/api/me/households/bind",
            &[("account_no", "WF10000002"), ("holder_name", &holder)],
        )
        .await;
    assert!(
        limited.body.contains("今天核对失败的次数过多"),
        "{limited:?}"
    );
}
on_both_engines!(
    a_resident_binds_and_unbinds_households,
    a_resident_binds_and_unbinds_households
);

async fn preferences_hold_on_every_page(server: &TestServer) {
    let mut browser = Browser::new(server);
    let home = browser.get("/").await;
    assert!(home.body.contains("<html lang=\"zh-CN\""));
    browser
        .submit("/me/settings", "/api/preferences", &[("large_text", "1")])
        .await;
    browser
        .submit("/me/settings", "/api/preferences", &[("lang", "en")])
        .await;
    for page in ["/", "/outages", "/building", "/signin"] {
        let html = browser.get(page).await.body;
        assert!(
            html.contains("<html lang=\"en\" class=\"large-text\""),
            "{page}: {}",
            &html[..200]
        );
    }
    assert!(browser.get("/").await.body.contains("Outages"));
    browser
        .submit(
            "/me/settings",
            "/api/preferences",
            &[("large_text", "0"), ("lang", "zh")],
        )
        .await;
    let html = browser.get("/").await.body;
    assert!(
        html.contains("<html lang=\"zh-CN\"") && !html.contains("large-text"),
        "{}",
        &html[..200]
    );
}
on_both_engines!(
    preferences_hold_on_every_page,
    preferences_hold_on_every_page
);

/// Behind https, cookies are `Secure` and `__Host-` prefixed, and forms are
/// accepted from the public origin only.
async fn cookies_are_secure_behind_https(engine: Engine) {
    let server = TestServer::start_with(engine, &["--public-url", "https://heat.example.cn"]).await;
    let client = support::client();
    let post = |origin: &'static str| {
        client
            .post(server.url("/api/signin/code"))
            .header("origin", origin)
            .header("accept", "text/html")
            .form(&[("phone", "13900000041")])
            .send()
    };
    assert_eq!(post("http://heat.example.cn").await.unwrap().status(), 403);
    let answer = post("https://heat.example.cn").await.unwrap();
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-hd_code="))
        .expect("a prefixed challenge cookie")
        .to_string();
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"));
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_are_secure_behind_https_on_sqlite() {
    cookies_are_secure_behind_https(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_are_secure_behind_https_on_postgres() {
    cookies_are_secure_behind_https(Engine::Postgres).await;
}
