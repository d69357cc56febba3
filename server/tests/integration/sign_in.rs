//! Signing in over real HTTP, on SQLite and PostgreSQL: the resident code
//! flow and each of its limits, staff passwords and lockout, sessions,
//! sign-out, cross-site refusal, and binding a household.

use backend::on_both_engines;

use crate::support::{code_from_outbox, resident_signs_in, staff_signs_in, Browser, TestServer};
use backend::db::Engine;

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;

async fn request_code(browser: &mut Browser, phone: &str) -> crate::support::Answer {
    browser
        .submit("/signin", "/api/signin/code", &[("phone", phone)])
        .await
}

async fn verify(browser: &mut Browser, code: &str) -> crate::support::Answer {
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
    TestServer,
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
    TestServer,
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
on_both_engines!(
    codes_expire_and_wear_out,
    TestServer,
    codes_expire_and_wear_out
);

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
    let refused = domain::credentials::SIGN_IN_REFUSED(translations::Lang::Zh);
    for _ in 0..5 {
        assert_eq!(attempt("wrong-password-1").await.as_deref(), Some(refused));
    }
    // Locked: even the right password waits, and says nothing different.
    assert_eq!(attempt(PASSWORD).await.as_deref(), Some(refused));
    server.advance(61);
    assert_eq!(attempt("wrong-password-1").await.as_deref(), Some(refused));
    server.advance(61);
    assert_eq!(
        attempt(PASSWORD).await.as_deref(),
        Some(refused),
        "the second lockout lasts two minutes"
    );
    server.advance(61);
    assert_eq!(attempt(PASSWORD).await, None);
    // Unknown names answer like wrong passwords.
    let unknown = browser
        .submit(
            "/staff/signin",
            "/api/signin/staff",
            &[("username", "nobody"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(unknown.form_error().as_deref(), Some(refused));
    let failures: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' AND subject_type = 'staff'",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(failures, 9);
}
on_both_engines!(
    staff_passwords_lock_out_and_back_off,
    TestServer,
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
    TestServer,
    sessions_expire_and_sign_out_everywhere
);

async fn cross_site_posts_are_refused(server: &TestServer) {
    let base = server.base.clone();
    let client = crate::support::client();
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
on_both_engines!(
    cross_site_posts_are_refused,
    TestServer,
    cross_site_posts_are_refused
);

/// The account news texted to a resident, oldest first.
async fn account_news_to(server: &TestServer, phone: &str) -> Vec<String> {
    crate::support::texts_to(server, phone, "account_news")
        .await
        .iter()
        .filter_map(|text| text["news"].as_str().map(str::to_string))
        .collect()
}

/// A new resident of the demo household: the holder's code binds them, the
/// resident bound before hears of it, and the newcomer reads none of the
/// household's earlier cases, which its earlier resident still reads.
async fn a_newcomer_binds_with_the_holders_code(server: &TestServer) {
    let mut old = resident_signs_in(server, "13800000001").await;
    let old_cases: serde_json::Value =
        serde_json::from_str(&old.api("/api/cases").await.body).unwrap();
    assert!(
        !old_cases.as_array().unwrap().is_empty(),
        "the demo history"
    );
    let holder: String =
        sqlx::query_scalar("SELECT holder_name FROM households WHERE account_no = 'WF10000001'")
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    let mut newcomer = resident_signs_in(server, "13900000060").await;
    let asked = newcomer
        .submit(
            "/me",
            "/api/me/households/bind",
            &[("account_no", "WF10000001"), ("holder_name", &holder)],
        )
        .await;
    let page = asked
        .location
        .clone()
        .unwrap_or_else(|| panic!("{:?}", asked.form_error()));
    let token = page.split("binding=").nth(1).unwrap();
    assert!(
        account_news_to(server, "13800000001").await[0].contains("139****0060"),
        "the bound resident is asked"
    );
    let code =
        crate::support::binding_code_to(server, &backend::seed::demo::demo_holder_phone(1)).await;
    let bound = newcomer
        .submit(
            &page,
            "/api/me/households/confirm",
            &[("token", token), ("code", &code)],
        )
        .await;
    assert_eq!(bound.location.as_deref(), Some("/me"), "{bound:?}");
    assert!(newcomer
        .api("/api/me/households")
        .await
        .body
        .contains("WF10000001"));
    let news = account_news_to(server, "13800000001").await;
    assert!(news.last().unwrap().contains("新增绑定人"), "{news:?}");
    let theirs: serde_json::Value =
        serde_json::from_str(&newcomer.api("/api/cases").await.body).unwrap();
    assert_eq!(theirs, serde_json::json!([]), "no earlier history");
    for case in old_cases.as_array().unwrap() {
        let id = case["case_id"].as_i64().unwrap();
        assert_eq!(
            newcomer
                .api(&format!("/api/cases/one?id={id}"))
                .await
                .status,
            404,
            "case {id}"
        );
    }
    let still: serde_json::Value = serde_json::from_str(&old.api("/api/cases").await.body).unwrap();
    assert_eq!(still, old_cases);
}
on_both_engines!(
    a_newcomer_binds_with_the_holders_code,
    TestServer,
    a_newcomer_binds_with_the_holders_code
);

/// Takes the holder's phone off file for a household; its holder's name.
async fn without_holder_phone(server: &TestServer, account: &str) -> String {
    sqlx::query("UPDATE households SET holder_phone = NULL WHERE account_no = $1")
        .bind(account)
        .execute(server.test_db.db.writer())
        .await
        .unwrap();
    sqlx::query_scalar("SELECT holder_name FROM households WHERE account_no = $1")
        .bind(account)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap()
}

/// Without the holder's phone, a resident already bound approves (or
/// declines) a request on their own page.
async fn a_bound_resident_approves_a_binding(server: &TestServer) {
    let holder = without_holder_phone(server, "WF10000001").await;
    let mut old = resident_signs_in(server, "13800000001").await;
    let ask = |phone: &'static str| {
        let holder = holder.clone();
        async move {
            let mut browser = resident_signs_in(server, phone).await;
            let asked = browser
                .submit(
                    "/me",
                    "/api/me/households/bind",
                    &[("account_no", "WF10000001"), ("holder_name", &holder)],
                )
                .await;
            assert!(asked.form_error().is_none(), "{:?}", asked.form_error());
            let page = browser.get(asked.location.as_deref().unwrap()).await;
            assert!(
                page.body.contains("已通知已绑定这户的居民"),
                "{}",
                page.body
            );
            browser
        }
    };
    let mut wanted = ask("13900000061").await;
    let mut stranger = ask("13900000062").await;
    let requests: serde_json::Value =
        serde_json::from_str(&old.api("/api/me/households/requests").await.body).unwrap();
    let requests = requests.as_array().unwrap().clone();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let id_of = |masked: &str| {
        requests.iter().find(|r| r["applicant"] == masked).unwrap()["request_id"].to_string()
    };
    // The applicants cannot decide their own, nor each other's.
    let refused = stranger
        .call(
            "/api/me/households/decide",
            &[
                ("request_id", &id_of("139****0062")),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(refused.status, 404);
    for (masked, decision) in [("139****0061", "approve"), ("139****0062", "decline")] {
        let decided = old
            .submit(
                "/me",
                "/api/me/households/decide",
                &[("request_id", &id_of(masked)), ("decision", decision)],
            )
            .await;
        assert!(decided.form_error().is_none(), "{:?}", decided.form_error());
    }
    assert!(wanted
        .api("/api/me/households")
        .await
        .body
        .contains("WF10000001"));
    assert!(!stranger
        .api("/api/me/households")
        .await
        .body
        .contains("WF10000001"));
    let again = old
        .call(
            "/api/me/households/decide",
            &[
                ("request_id", &id_of("139****0062")),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(again.status, 404, "decided once");
}
on_both_engines!(
    a_bound_resident_approves_a_binding,
    TestServer,
    a_bound_resident_approves_a_binding
);

/// No holder's phone on file and nobody bound: the counter or the hotline.
async fn nobody_can_vouch_online(server: &TestServer) {
    let holder = without_holder_phone(server, "WF10000003").await;
    let mut browser = resident_signs_in(server, "13900000063").await;
    let refused = browser
        .submit(
            "/me",
            "/api/me/households/bind",
            &[("account_no", "WF10000003"), ("holder_name", &holder)],
        )
        .await;
    let message = refused.form_error().unwrap();
    assert!(
        message.contains("营业厅") && message.contains("热线"),
        "{message}"
    );
}
on_both_engines!(nobody_can_vouch_online, TestServer, nobody_can_vouch_online);

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

    // Name and number match: a code goes to the holder's phone on file.
    let asked = browser
        .submit(
            "/me",
            "/api/me/households/bind",
            &[("account_no", "wf-1000 0002"), ("holder_name", &holder)],
        )
        .await;
    assert!(asked.form_error().is_none(), "{:?}", asked.form_error());
    let page = asked.location.unwrap();
    assert!(page.starts_with("/me/settings?binding="), "{page}");
    assert!(
        !browser
            .api("/api/me/households")
            .await
            .body
            .contains("WF10000002"),
        "not yet"
    );
    let holder_phone = backend::seed::demo::demo_holder_phone(2);
    let shown = browser.get(&page).await;
    assert!(
        shown
            .body
            .contains(&domain::phone::mask_phone(&holder_phone)),
        "{}",
        shown.body
    );
    let token = page.split("binding=").nth(1).unwrap();
    let code = crate::support::binding_code_to(server, &holder_phone).await;
    let wrong_code = browser
        .submit(
            &page,
            "/api/me/households/confirm",
            &[("token", token), ("code", &wrong(&code))],
        )
        .await;
    assert!(wrong_code.form_error().unwrap().contains("还可以再试 4 次"));
    let bound = browser
        .submit(
            &page,
            "/api/me/households/confirm",
            &[("token", token), ("code", &code)],
        )
        .await;
    assert!(bound.form_error().is_none(), "{:?}", bound.form_error());
    assert_eq!(bound.location.as_deref(), Some("/me"));
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
    TestServer,
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
    TestServer,
    preferences_hold_on_every_page
);

/// Behind https, cookies are `Secure` and `__Host-` prefixed, and forms are
/// accepted from the public origin only.
async fn cookies_are_secure_behind_https(engine: Engine) {
    let server = TestServer::start_with(engine, &["--public-url", "https://heat.example.cn"]).await;
    let client = crate::support::client();
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
    assert_eq!(
        answer.headers()["strict-transport-security"],
        "max-age=31536000",
        "browsers keep to https"
    );
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

/// The audit entries of compared, wrong sign-in codes for a number.
async fn compared_codes(server: &TestServer, phone: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' \
         AND subject_id = $1 AND detail LIKE $2",
    )
    .bind(domain::phone::mask_phone(phone))
    .bind(format!(
        "{}%",
        backend::services::identity::WRONG_CODE_AUDIT
    ))
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap()
}

/// 200 wrong guesses at once against one code: each needs a try of its
/// own, reserved before the comparison, so at most five are compared and
/// the right code after them finds the code void.
async fn parallel_guesses_get_five_tries(server: &TestServer) {
    let phone = "13900000050";
    let mut browser = Browser::new(server);
    request_code(&mut browser, phone).await;
    let code = code_from_outbox(&mut browser, phone).await;
    let guesses: Vec<_> = (0..200)
        .map(|i| {
            let mut tab = browser.clone();
            let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
            tokio::spawn(async move { verify(&mut tab, &guess).await })
        })
        .collect();
    let mut wrong_with_tries_left = 0;
    for guess in guesses {
        let answer = guess.await.unwrap();
        assert_ne!(answer.location.as_deref(), Some("/me"), "a guess signed in");
        let error = answer.form_error().unwrap_or_default();
        if error.contains("还可以再试") {
            wrong_with_tries_left += 1;
        }
    }
    assert_eq!(wrong_with_tries_left, 4, "four wrong tries leave tries");
    assert_eq!(compared_codes(server, phone).await, 5, "five comparisons");
    let right = verify(&mut browser, &code).await;
    assert_ne!(right.location.as_deref(), Some("/me"), "{right:?}");
    let tries: i64 = sqlx::query_scalar("SELECT wrong_tries FROM sign_in_codes WHERE phone = $1")
        .bind(phone)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(tries, 5, "the code is void");
    assert_eq!(compared_codes(server, phone).await, 5);
}
on_both_engines!(
    parallel_guesses_get_five_tries,
    TestServer,
    parallel_guesses_get_five_tries
);

/// Checks of codes are limited per number and per client address, across
/// codes: a new code every minute does not buy a new run of guesses.
async fn code_checks_are_throttled_per_number(server: &TestServer) {
    let phone = "13900000051";
    let mut browser = Browser::new(server);
    let limit = domain::limits::VERIFY_PER_NUMBER.max;
    let mut checks = 0;
    'codes: for _ in 0..10 {
        request_code(&mut browser, phone).await;
        let code = code_from_outbox(&mut browser, phone).await;
        for _ in 0..5 {
            let answer = verify(&mut browser, &wrong(&code)).await;
            let error = answer.form_error().unwrap_or_default();
            if error.contains("该号码验证码输错次数过多") {
                break 'codes;
            }
            checks += 1;
        }
        server.advance(61);
    }
    assert_eq!(checks, limit, "checks of one number in an hour");
    server.advance(3600);
    request_code(&mut browser, phone).await;
    let code = code_from_outbox(&mut browser, phone).await;
    let answer = verify(&mut browser, &code).await;
    assert_eq!(answer.location.as_deref(), Some("/me"), "the next hour");
}
on_both_engines!(
    code_checks_are_throttled_per_number,
    TestServer,
    code_checks_are_throttled_per_number
);

/// A burst of code requests: one code per number a minute, twenty a client
/// an hour, however many arrive together.
async fn parallel_code_requests_keep_the_send_limits(server: &TestServer) {
    let browser = Browser::new(server);
    let same_number: Vec<_> = (0..20)
        .map(|_| {
            let mut tab = browser.clone();
            tokio::spawn(async move { request_code(&mut tab, "13900000052").await })
        })
        .collect();
    for request in same_number {
        request.await.unwrap();
    }
    let sends = |phone_like: &'static str| async move {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_codes WHERE phone LIKE $1")
                .bind(phone_like)
                .fetch_one(server.test_db.db.reader())
                .await
                .unwrap();
        count
    };
    assert_eq!(sends("13900000052").await, 1, "one code a minute");
    server.advance(3600);
    let many_numbers: Vec<_> = (0..40)
        .map(|n| {
            let mut tab = browser.clone();
            tokio::spawn(async move { request_code(&mut tab, &format!("1360000{n:04}")).await })
        })
        .collect();
    for request in many_numbers {
        request.await.unwrap();
    }
    assert_eq!(sends("1360000%").await, 20, "twenty codes a client an hour");
}
on_both_engines!(
    parallel_code_requests_keep_the_send_limits,
    TestServer,
    parallel_code_requests_keep_the_send_limits
);

/// Parallel wrong passwords: each is counted on the account's locked row
/// before its password is checked, so five are checked and the rest wait
/// out the lockout; the right password then waits too.
async fn parallel_passwords_get_five_checks(server: &TestServer) {
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let mut browser = Browser::new(server);
            tokio::spawn(async move {
                browser
                    .submit(
                        "/staff/signin",
                        "/api/signin/staff",
                        &[
                            ("username", "crew_demo"),
                            ("password", &format!("wrong-password-{i}")),
                        ],
                    )
                    .await
                    .form_error()
            })
        })
        .collect();
    for attempt in attempts {
        assert_eq!(
            attempt.await.unwrap().as_deref(),
            Some(domain::credentials::SIGN_IN_REFUSED(translations::Lang::Zh))
        );
    }
    let count = |detail: &'static str| async move {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' \
             AND subject_id = 'crew_demo' AND detail = $1",
        )
        .bind(detail)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
        count
    };
    assert_eq!(count("密码错误").await, 5, "passwords checked");
    assert_eq!(count("账号锁定中").await, 35);
    let mut browser = Browser::new(server);
    let right = browser
        .submit(
            "/staff/signin",
            "/api/signin/staff",
            &[("username", "crew_demo"), ("password", PASSWORD)],
        )
        .await;
    assert!(right.form_error().is_some(), "locked: {right:?}");
}
on_both_engines!(
    parallel_passwords_get_five_checks,
    TestServer,
    parallel_passwords_get_five_checks
);

/// Parallel bindings with a wrong holder's name: each is counted as a
/// failure before it is checked, so no more than the day's failures are
/// ever checked.
async fn parallel_bindings_keep_the_failure_limit(server: &TestServer) {
    let browser = resident_signs_in(server, "13900000053").await;
    let attempts: Vec<_> = (0..30)
        .map(|i| {
            let mut tab = browser.clone();
            tokio::spawn(async move {
                tab.submit(
                    "/me/settings",
                    "/api/me/households/bind",
                    &[
                        ("account_no", "WF10000002"),
                        ("holder_name", &format!("不是户主{i}")),
                    ],
                )
                .await
                .form_error()
                .unwrap_or_default()
            })
        })
        .collect();
    let mut checked = 0;
    for attempt in attempts {
        let error = attempt.await.unwrap();
        if error == domain::household::NO_MATCH_MESSAGE(translations::Lang::Zh) {
            checked += 1;
        } else {
            assert!(error.contains("核对失败的次数过多"), "{error}");
        }
    }
    assert_eq!(checked, domain::limits::BIND_FAILURES_PER_PERSON.max);
}
on_both_engines!(
    parallel_bindings_keep_the_failure_limit,
    TestServer,
    parallel_bindings_keep_the_failure_limit
);

/// Behind a trusted proxy, the client is the address the proxy appended,
/// never a first hop the client wrote itself.
async fn the_client_address_is_the_proxys_hop(engine: Engine) {
    let server = TestServer::start_with(engine, &["--trust-forwarded-for"]).await;
    let answer = crate::support::client()
        .post(server.url("/api/signin/code"))
        .header("origin", &server.base)
        .header("accept", "text/html")
        .header("x-forwarded-for", "6.6.6.6, 203.0.113.9")
        .form(&[("phone", "13900000054")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    let client: String =
        sqlx::query_scalar("SELECT client_addr FROM sign_in_codes WHERE phone = '13900000054'")
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!(client, "203.0.113.9");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_address_is_the_proxys_hop_on_sqlite() {
    the_client_address_is_the_proxys_hop(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_address_is_the_proxys_hop_on_postgres() {
    the_client_address_is_the_proxys_hop(Engine::Postgres).await;
}

/// The text between `start` and the next `<` in a page.
fn text_after<'a>(body: &'a str, start: &str) -> Option<&'a str> {
    let from = body.find(start)? + start.len();
    body[from..].split('<').next()
}

/// Signs in with the demo password; the answer and the browser.
async fn password_step(server: &TestServer, username: &str) -> (Browser, crate::support::Answer) {
    let mut browser = Browser::new(server);
    let answer = browser
        .submit(
            "/staff/signin",
            "/api/signin/staff",
            &[("username", username), ("password", PASSWORD)],
        )
        .await;
    (browser, answer)
}

async fn second_factor(browser: &mut Browser, code: &str) -> crate::support::Answer {
    browser
        .submit(
            "/staff/signin?step=second-factor",
            "/api/signin/second-factor",
            &[("code", code)],
        )
        .await
}

/// With the second factor required, a dispatcher's password opens no
/// session: the first sign-in enrols (QR code, secret, ten recovery
/// codes), every later one takes a fresh code; a code and a recovery code
/// each work once, and five wrong tries end the step.
async fn dispatchers_pass_a_second_factor(engine: Engine) {
    let server = TestServer::start_with(engine, &["--require-second-factor", "on"]).await;
    let refused = Some(domain::second_factor::SECOND_FACTOR_REFUSED(
        translations::Lang::Zh,
    ));

    let (mut browser, answer) = password_step(&server, "dispatch_demo").await;
    assert_eq!(
        answer.location.as_deref(),
        Some("/staff/signin?step=second-factor"),
        "{answer:?}"
    );
    assert!(!answer
        .set_cookies
        .iter()
        .any(|c| c.starts_with("hd_session=")));
    assert_eq!(session(&mut browser).await, serde_json::Value::Null);
    assert_eq!(browser.api("/api/dispatch").await.status, 401);

    let page = browser.get("/staff/signin?step=second-factor").await;
    assert!(page.body.contains("<svg"), "a QR code: {}", page.body);
    let secret = text_after(&page.body, "class=\"enrolment__secret\">")
        .unwrap()
        .to_string();
    let recovery: Vec<String> = page
        .body
        .split("<li><code>")
        .skip(1)
        .filter_map(|part| part.split('<').next().map(str::to_string))
        .collect();
    assert_eq!(recovery.len(), 10, "{recovery:?}");
    // A recovery code does not stand in for the first code of an enrolment.
    assert_eq!(
        second_factor(&mut browser, &recovery[0])
            .await
            .form_error()
            .as_deref(),
        refused
    );
    let code = |at: i64| backend::totp::code_at(&secret, at as u64, 6).unwrap();
    let now = server.now();
    let wrong = format!("{:06}", (code(now).parse::<u32>().unwrap() + 1) % 1_000_000);
    assert_eq!(
        second_factor(&mut browser, &wrong)
            .await
            .form_error()
            .as_deref(),
        refused
    );
    let signed_in = second_factor(&mut browser, &code(now)).await;
    assert!(
        signed_in.form_error().is_none(),
        "{:?}",
        signed_in.form_error()
    );
    assert_eq!(session(&mut browser).await["username"], "dispatch_demo");

    // The same code on another sign-in: refused (each step once); the
    // next step's code works.
    let (mut again, _) = password_step(&server, "dispatch_demo").await;
    let verify = again.get("/staff/signin?step=second-factor").await;
    assert!(!verify.body.contains("<svg"), "enrolled: no new secret");
    assert_eq!(
        second_factor(&mut again, &code(now))
            .await
            .form_error()
            .as_deref(),
        refused
    );
    server.advance(30);
    assert!(second_factor(&mut again, &code(server.now()))
        .await
        .form_error()
        .is_none());

    // A recovery code, once.
    let (mut lost_phone, _) = password_step(&server, "dispatch_demo").await;
    assert!(second_factor(&mut lost_phone, &recovery[1].to_uppercase())
        .await
        .form_error()
        .is_none());
    assert_eq!(session(&mut lost_phone).await["username"], "dispatch_demo");
    let (mut reused, _) = password_step(&server, "dispatch_demo").await;
    assert_eq!(
        second_factor(&mut reused, &recovery[1])
            .await
            .form_error()
            .as_deref(),
        refused
    );

    // Five tries a step: the right code after them opens nothing.
    let (mut guesser, _) = password_step(&server, "dispatch_demo").await;
    server.advance(30);
    for _ in 0..5 {
        second_factor(&mut guesser, &wrong).await;
    }
    assert_eq!(
        second_factor(&mut guesser, &code(server.now()))
            .await
            .form_error()
            .as_deref(),
        refused
    );
    assert_eq!(session(&mut guesser).await, serde_json::Value::Null);
    // Wrong codes count towards the account's lockout, as wrong passwords do.
    let (_, locked) = password_step(&server, "dispatch_demo").await;
    assert_eq!(
        locked.form_error().as_deref(),
        Some(domain::credentials::SIGN_IN_REFUSED(translations::Lang::Zh))
    );

    // Staff who do not need it sign in with their password alone.
    let (mut crew, answer) = password_step(&server, "crew_demo").await;
    assert!(answer.form_error().is_none());
    assert_ne!(
        answer.location.as_deref(),
        Some("/staff/signin?step=second-factor")
    );
    assert_eq!(session(&mut crew).await["username"], "crew_demo");

    // An admin resets it: the next sign-in enrols anew.
    let (mut admin, _) = password_step(&server, "admin_demo").await;
    let admin_page = admin.get("/staff/signin?step=second-factor").await;
    let admin_secret = text_after(&admin_page.body, "class=\"enrolment__secret\">")
        .unwrap()
        .to_string();
    let admin_code = backend::totp::code_at(&admin_secret, server.now() as u64, 6).unwrap();
    assert!(second_factor(&mut admin, &admin_code)
        .await
        .form_error()
        .is_none());
    let dispatcher_id: i64 =
        sqlx::query_scalar("SELECT id FROM people WHERE username = 'dispatch_demo'")
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    let reset = admin
        .call(
            "/api/admin/staff/second-factor/reset",
            &[("person_id", &dispatcher_id.to_string())],
        )
        .await;
    assert_eq!(reset.status, 200, "{reset:?}");
    assert_eq!(
        session(&mut browser).await,
        serde_json::Value::Null,
        "signed out"
    );
    server.advance(3600);
    let (mut anew, _) = password_step(&server, "dispatch_demo").await;
    assert!(anew
        .get("/staff/signin?step=second-factor")
        .await
        .body
        .contains("<svg"));
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatchers_pass_a_second_factor_on_sqlite() {
    dispatchers_pass_a_second_factor(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatchers_pass_a_second_factor_on_postgres() {
    dispatchers_pass_a_second_factor(Engine::Postgres).await;
}

/// Staff sign-in attempts are limited per client address, known names or
/// not (each costs a password check).
async fn staff_sign_ins_are_limited_per_client(server: &TestServer) {
    let limit = domain::limits::STAFF_SIGN_IN_PER_CLIENT;
    let attempts: Vec<_> = (0..limit.max + 5)
        .map(|n| {
            let mut browser = Browser::new(server);
            tokio::spawn(async move {
                browser
                    .submit(
                        "/staff/signin",
                        "/api/signin/staff",
                        &[
                            ("username", &format!("nobody{n}")),
                            ("password", "guess-12345"),
                        ],
                    )
                    .await
                    .form_error()
                    .unwrap_or_default()
            })
        })
        .collect();
    let mut limited = 0;
    for attempt in attempts {
        if attempt.await.unwrap().contains("当前网络登录尝试次数过多") {
            limited += 1;
        }
    }
    assert_eq!(limited, 5);
    server.advance(limit.window);
    let (_, answer) = password_step(server, "crew_demo").await;
    assert!(answer.form_error().is_none(), "the next window");
}
on_both_engines!(
    staff_sign_ins_are_limited_per_client,
    TestServer,
    staff_sign_ins_are_limited_per_client
);

/// 按地址绑定: a resident who does not know the account number walks the
/// pickers (each step a page of its own, as without JavaScript) to the
/// flat, gives the holder's name and binds with the holder's code. A wrong
/// name is told whom to call; guesses count against the same daily limit
/// as by account number.
async fn a_home_is_found_by_its_address(server: &TestServer) {
    let (household_id, unit_id, building_id, community_id, district, holder, account): (
        i64,
        i64,
        i64,
        i64,
        String,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT h.id, u.id, b.id, c.id, c.district, h.holder_name, h.account_no \
         FROM households h JOIN units u ON u.id = h.unit_id \
         JOIN buildings b ON b.id = u.building_id JOIN communities c ON c.id = b.community_id \
         WHERE h.account_no = 'WF10000003'",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let mut resident = resident_signs_in(server, "13900000061").await;
    // Nobody signed out reads the pickers.
    let anonymous = Browser::new(server).api("/api/me/households/address").await;
    assert_ne!(anonymous.status, 200);

    let step = |query: String| {
        let mut resident = resident.clone();
        async move {
            let answer = resident
                .api(&format!("/api/me/households/address?{query}"))
                .await;
            assert_eq!(answer.status, 200, "{answer:?}");
            serde_json::from_str::<serde_json::Value>(&answer.body).unwrap()
        }
    };
    let districts = step(String::new()).await;
    assert!(districts["lookup"]["districts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d == district.as_str()));
    assert_eq!(districts["flats"], serde_json::json!([]));
    let unit = step(format!(
        "community={community_id}&building={building_id}&unit={unit_id}"
    ))
    .await;
    assert_eq!(unit["lookup"]["district"], district.as_str());
    let flats = unit["flats"].as_array().unwrap();
    assert!(flats.iter().any(|f| f["id"] == household_id), "{unit}");
    // The page itself renders every step on the server.
    let page = resident
        .get(&format!(
            "/me/bind?community={community_id}&building={building_id}&unit={unit_id}"
        ))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!("value=\"{household_id}\"")),
        "the flats are offered"
    );

    let bind = |name: String| {
        let mut resident = resident.clone();
        async move {
            resident
                .submit(
                    "/me/bind",
                    "/api/me/households/bind-at",
                    &[
                        ("household_id", &household_id.to_string()),
                        ("holder_name", &name),
                    ],
                )
                .await
        }
    };
    let wrong = bind("不是户主".to_string()).await;
    let message = wrong.form_error().unwrap();
    assert!(
        message.contains("过户") && message.contains("0536"),
        "{message}"
    );
    let asked = bind(format!(" {holder} ")).await;
    let page = asked
        .location
        .clone()
        .unwrap_or_else(|| panic!("{:?}", asked.form_error()));
    let token = page.split("binding=").nth(1).unwrap();
    let code =
        crate::support::binding_code_to(server, &backend::seed::demo::demo_holder_phone(3)).await;
    let bound = resident
        .submit(
            &page,
            "/api/me/households/confirm",
            &[("token", token), ("code", &code)],
        )
        .await;
    assert_eq!(bound.location.as_deref(), Some("/me"), "{bound:?}");
    assert!(resident
        .api("/api/me/households")
        .await
        .body
        .contains(&account));
}
on_both_engines!(
    a_home_is_found_by_its_address,
    TestServer,
    a_home_is_found_by_its_address
);
