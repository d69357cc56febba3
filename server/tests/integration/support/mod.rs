//! A real heatdesk server on an ephemeral loopback port over a fresh,
//! demo-seeded database (SQLite or PostgreSQL), for the HTTP tests.

#![allow(dead_code)]

use backend::db::Engine;
use backend::seed::demo;
use backend::testing::TestDb;
use clap::Parser;
use server::config::Cli;
use server::health::Readiness;
use server::router;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

/// 2026-11-28 10:00 Beijing time, when the demo city is seeded.
pub const SEEDED_AT: &str = "2026-11-28T10:00";

/// Which city a test server's database holds.
#[derive(Clone, Copy, Debug)]
pub enum City {
    /// The demo city (`heatdesk seed`).
    Demo,
    /// The demo city grown to this many households (`heatdesk seed --scale`).
    Scaled(i64),
}

/// A server on an ephemeral port over a seeded database, with a small
/// stand-in site folder for static files and a clock the test moves.
pub struct TestServer {
    pub base: String,
    pub readiness: Readiness,
    pub test_db: TestDb,
    pub config: server::config::Config,
    /// The providers the portal pays through: the sandbox it serves at
    /// /demo-pay (tests run in demo mode).
    pub payments: Arc<backend::integrations::payments::PaymentProviders>,
    pub sandbox: Arc<server::payment_sandbox::Sandbox>,
    site_root: PathBuf,
    clock: Arc<AtomicI64>,
    task: tokio::task::JoinHandle<()>,
}

impl backend::testing::EngineFixture for TestServer {
    async fn start(engine: Engine) -> Self {
        TestServer::start(engine).await
    }

    async fn finish(self) {
        TestServer::finish(self).await
    }
}

impl TestServer {
    pub async fn start(engine: Engine) -> Self {
        Self::start_with(engine, &[]).await
    }

    /// With extra command-line settings (e.g. a WeChat stub's address).
    pub async fn start_with(engine: Engine, settings: &[&str]) -> Self {
        Self::start_city(engine, settings, City::Demo).await
    }

    /// Over the demo city or a synthetic one grown from it.
    pub async fn start_city(engine: Engine, settings: &[&str], city: City) -> Self {
        let test_db = TestDb::new(engine).await;
        static SITES: AtomicUsize = AtomicUsize::new(0);
        let site_root = std::env::temp_dir().join(format!(
            "heatdesk-site-{}-{}",
            std::process::id(),
            SITES.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(site_root.join("pkg")).unwrap();
        std::fs::write(
            site_root.join("pkg/heatdesk.0123456789abcdef-_xyzABC.js"),
            "export {};\n".repeat(200),
        )
        .unwrap();
        std::fs::write(
            site_root.join("pkg/heatdesk.0123456789abcdef-_xyzABC.wasm"),
            b"\0asm raw",
        )
        .unwrap();
        std::fs::write(
            site_root.join("pkg/heatdesk.0123456789abcdef-_xyzABC.wasm.br"),
            b"brotli bytes",
        )
        .unwrap();
        std::fs::write(
            site_root.join("favicon.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .unwrap();

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let upload_dir = site_root.join("uploads");
        let mut args = vec![
            "heatdesk",
            "--fixed-now",
            SEEDED_AT,
            "--site-root",
            site_root.to_str().unwrap(),
            "--upload-dir",
            upload_dir.to_str().unwrap(),
        ];
        if !settings.contains(&"--public-url") {
            args.extend(["--public-url", &base]);
        }
        args.extend_from_slice(settings);
        let config = Cli::parse_from(args)
            .settings
            .validate()
            .unwrap()
            .for_serving(true)
            .unwrap();
        let seeded_at = config.fixed_now.unwrap();
        match city {
            City::Demo => {
                demo::seed_demo(&test_db.db, seeded_at).await.unwrap();
            }
            City::Scaled(households) => {
                backend::seed::scale::seed_scale(
                    &test_db.db,
                    households,
                    seeded_at,
                    &mut |_, _| {},
                )
                .await
                .unwrap();
            }
        }
        let readiness = Readiness::default();
        let mut state = router::state(&config, test_db.db.clone(), readiness.clone(), true);
        let payments = state.services.payments.clone();
        let sandbox = state
            .payment_sandbox
            .clone()
            .expect("demo mode serves the sandbox payment provider");
        let clock = Arc::new(AtomicI64::new(seeded_at));
        state.services.clock = app::context::TimeSource::Manual(clock.clone());
        let app = router::build(state, config.request_timeout);
        let task = tokio::spawn(async move {
            router::serve(listener, app, std::future::pending())
                .await
                .unwrap();
        });
        Self {
            base,
            readiness,
            test_db,
            config,
            payments,
            sandbox,
            site_root,
            clock,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A second instance of the server on the same database and clock (as
    /// behind a load balancer without sticky sessions): its base address.
    /// It stops when the test's runtime ends.
    pub async fn second_instance(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut state = router::state(
            &self.config,
            self.test_db.db.clone(),
            Readiness::default(),
            true,
        );
        state.services.clock = app::context::TimeSource::Manual(self.clock.clone());
        let app = router::build(state, self.config.request_timeout);
        tokio::spawn(async move {
            router::serve(listener, app, std::future::pending())
                .await
                .unwrap();
        });
        base
    }

    /// Moves the server's clock forward.
    pub fn advance(&self, seconds: i64) {
        self.clock.fetch_add(seconds, Ordering::SeqCst);
    }

    pub fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    pub async fn finish(self) {
        self.task.abort();
        let _ = std::fs::remove_dir_all(&self.site_root);
        self.test_db.finish().await;
    }
}

/// The body of a GET that must succeed.
pub async fn page_text(url: &str) -> String {
    let response = client().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.text().await.unwrap()
}

/// A public server function read (no session), as JSON: its status and body.
pub async fn public_json(server: &TestServer, path: &str) -> (u16, serde_json::Value) {
    let response = client()
        .get(server.url(path))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// A client that does not follow redirects (tests look at them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// An answer as a test looks at it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Answer {
    /// The Chinese error a plain form submission came back with: the
    /// server function's error, carried in the redirect's address.
    pub fn form_error(&self) -> Option<String> {
        use base64::Engine as _;
        let location = self.location.as_deref()?;
        let encoded = location.split("__err=").nth(1)?.split('&').next()?;
        let encoded = percent_decode(encoded);
        let bytes = base64::engine::general_purpose::URL_SAFE
            .decode(encoded.as_bytes())
            .ok()?;
        let text = String::from_utf8(bytes).ok()?;
        // Leptos carries the error with its kind in front: the message is
        // what the person reads.
        Some(
            text.strip_prefix("ServerError|")
                .map(str::to_string)
                .unwrap_or(text),
        )
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A browser: keeps its cookies, sends its own origin on posts. A clone is
/// a second tab of the same browser.
#[derive(Clone)]
pub struct Browser {
    base: String,
    pub cookies: std::collections::BTreeMap<String, String>,
    pub user_agent: String,
    client: reqwest::Client,
}

/// A phone browser, and the same inside WeChat.
pub const PHONE_BROWSER: &str =
    "Mozilla/5.0 (Linux; Android 13; Pixel 5) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36";
pub const WECHAT_BROWSER: &str = "Mozilla/5.0 (Linux; Android 13; Pixel 5) AppleWebKit/537.36 \
     Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F30) NetType/WIFI";

impl Browser {
    pub fn new(server: &TestServer) -> Self {
        Self {
            base: server.base.clone(),
            cookies: Default::default(),
            user_agent: PHONE_BROWSER.to_string(),
            client: client(),
        }
    }

    /// The same browser (its cookies) talking to another address.
    pub fn at(&self, base: &str) -> Self {
        Self {
            base: base.to_string(),
            ..self.clone()
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn answer(&mut self, response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        for cookie in &set_cookies {
            let pair = cookie.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let expired = cookie.contains("Max-Age=0") || value.is_empty();
                if expired {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        let body = response.text().await.unwrap_or_default();
        Answer {
            status,
            location,
            set_cookies,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        self.answer(response).await
    }

    /// A server function read, as the hydrated page makes it (JSON back).
    pub async fn api(&mut self, path: &str) -> Answer {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        self.answer(response).await
    }

    /// A POST as a plain HTML form on one of the portal's pages sends it
    /// (the body is the caller's).
    fn form_post(&self, from_page: &str, action: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{action}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent)
            .header("accept", "text/html")
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .header("referer", format!("{}{from_page}", self.base))
    }

    /// A plain HTML form post from one of the portal's pages.
    pub async fn submit(&mut self, from_page: &str, action: &str, form: &[(&str, &str)]) -> Answer {
        let response = self
            .form_post(from_page, action)
            .form(form)
            .send()
            .await
            .unwrap();
        self.answer(response).await
    }

    /// A plain multipart form post (a form with file inputs), with files
    /// as (file name, bytes).
    pub async fn submit_files(
        &mut self,
        from_page: &str,
        action: &str,
        fields: &[(&str, &str)],
        files: &[(&str, Vec<u8>)],
    ) -> Answer {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (file_name, bytes) in files {
            let part =
                reqwest::multipart::Part::bytes(bytes.clone()).file_name(file_name.to_string());
            form = form.part("photos", part);
        }
        let response = self
            .form_post(from_page, action)
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.answer(response).await
    }

    /// A multipart form post without files.
    pub async fn submit_multipart(
        &mut self,
        from_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        self.submit_files(from_page, action, fields, &[]).await
    }

    /// A request as a script on the portal's own pages makes it (JSON back).
    fn script_request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent)
            .header("accept", "application/json")
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
    }

    /// Any request from a script on the portal's own pages: the method,
    /// the path with its query, and a body of the caller's own making.
    pub async fn send_raw(
        &mut self,
        method: reqwest::Method,
        path_and_query: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        let response = self
            .script_request(method, path_and_query)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        self.answer(response).await
    }

    /// A server function call as the hydrated page makes it (no redirect to
    /// follow, errors in the body).
    pub async fn call(&mut self, action: &str, form: &[(&str, &str)]) -> Answer {
        let response = self
            .script_request(reqwest::Method::POST, action)
            .form(form)
            .send()
            .await
            .unwrap();
        self.answer(response).await
    }
}

/// The newest code the demo outbox shows for a number.
pub async fn code_from_outbox(browser: &mut Browser, phone: &str) -> String {
    let page = browser.get("/demo/outbox").await;
    assert_eq!(page.status, 200);
    let marker = format!("data-recipient=\"{phone}\"");
    let article = page
        .body
        .split("<article")
        .find(|a| a.contains(&marker))
        .unwrap_or_else(|| panic!("no text to {phone} in the demo outbox"));
    let start = article.find("验证码是 ").expect("a code in the text") + "验证码是 ".len();
    article[start..start + 6].to_string()
}

/// Signs a resident in with a code read from the demo outbox.
pub async fn resident_signs_in(server: &TestServer, phone: &str) -> Browser {
    let mut browser = Browser::new(server);
    let sent = browser
        .submit("/signin", "/api/signin/code", &[("phone", phone)])
        .await;
    assert_eq!(sent.status, 302, "{sent:?}");
    assert!(sent.form_error().is_none(), "{:?}", sent.form_error());
    let code = code_from_outbox(&mut browser, phone).await;
    let verified = browser
        .submit(
            "/signin?step=code",
            "/api/signin/verify",
            &[("code", &code)],
        )
        .await;
    assert_eq!(verified.location.as_deref(), Some("/me"), "{verified:?}");
    browser
}

/// Signs a staff member in with a password.
pub async fn staff_signs_in(server: &TestServer, username: &str, password: &str) -> Browser {
    let mut browser = Browser::new(server);
    let answer = browser
        .submit(
            "/staff/signin",
            "/api/signin/staff",
            &[("username", username), ("password", password)],
        )
        .await;
    assert_eq!(answer.status, 302, "{answer:?}");
    assert!(answer.form_error().is_none(), "{:?}", answer.form_error());
    browser
}

/// Binds a household to a signed-in resident as a person does: account
/// number and holder's name, then the code texted to the holder's phone on
/// file (read from the outbox) when one is needed.
pub async fn binds_household(
    server: &TestServer,
    browser: &mut Browser,
    account: &str,
    holder: &str,
) {
    let asked = browser
        .submit(
            "/me",
            "/api/me/households/bind",
            &[("account_no", account), ("holder_name", holder)],
        )
        .await;
    let page = asked
        .location
        .clone()
        .unwrap_or_else(|| panic!("{:?}", asked.form_error()));
    if page == "/me" {
        return;
    }
    let token = page
        .split("binding=")
        .nth(1)
        .unwrap_or_else(|| panic!("{asked:?}"))
        .to_string();
    let holder_phone: String =
        sqlx::query_scalar("SELECT holder_phone FROM households WHERE account_no = $1")
            .bind(account)
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    let code = binding_code_to(server, &holder_phone).await;
    let bound = browser
        .submit(
            &page,
            "/api/me/households/confirm",
            &[("token", &token), ("code", &code)],
        )
        .await;
    assert_eq!(bound.location.as_deref(), Some("/me"), "{bound:?}");
}

/// The texts of one template queued for `phone`, oldest first, as their
/// JSON payloads.
pub async fn texts_to(server: &TestServer, phone: &str, template: &str) -> Vec<serde_json::Value> {
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM outbox WHERE recipient = $1 ORDER BY id")
            .bind(phone)
            .fetch_all(server.test_db.db.reader())
            .await
            .unwrap();
    payloads
        .iter()
        .filter_map(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .filter(|p| p["template"] == template)
        .collect()
}

/// The newest code a binding texted to the holder's phone on file.
pub async fn binding_code_to(server: &TestServer, phone: &str) -> String {
    texts_to(server, phone, "binding_code")
        .await
        .last()
        .and_then(|text| text["code"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no binding code to {phone}"))
}

/// Sends everything due, as the delivery worker would (texts through the
/// log channel), round after round until nothing is left.
pub async fn deliver_all(server: &TestServer) {
    let channels = backend::services::delivery::Channels::sms_only(std::sync::Arc::new(
        backend::integrations::sms::LogChannel,
    ));
    deliver_all_through(server, &channels).await;
}

/// Sends everything due through `channels`, round after round until a
/// round has nothing left to do.
pub async fn deliver_all_through(
    server: &TestServer,
    channels: &backend::services::delivery::Channels,
) {
    loop {
        let round =
            backend::services::delivery::deliver_due(&server.test_db.db, channels, server.now())
                .await
                .unwrap();
        if round.delivered + round.retrying + round.abandoned == 0 {
            break;
        }
    }
}
