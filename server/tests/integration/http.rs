//! The server over real HTTP on loopback, on SQLite and PostgreSQL: pages,
//! server functions, health, headers, limits.

use backend::on_both_engines;

use crate::support::{client, page_text, TestServer};
use backend::db::Engine;
use server::router;

on_both_engines!(
    home_page_renders_completely_on_the_server,
    TestServer,
    |server: &TestServer| {
        let url = server.url("/");
        async move {
            let response = client().get(url).send().await.unwrap();
            assert_eq!(response.status(), 200);
            let headers = response.headers().clone();
            let html = response.text().await.unwrap();
            assert!(html.starts_with("<!DOCTYPE html>"));
            assert!(html.contains("<html lang=\"zh-CN\""));
            assert!(html.contains("本供暖季第 <strong>19</strong> 天"), "{html}");
            assert!(html.contains("提前供热"));
            assert!(html.contains("tel:12345"));
            assert!(
                !html.contains("正在加载"),
                "the server sends finished pages, not fallbacks"
            );

            // The document's CSP allows exactly its own nonce'd scripts and wasm.
            let csp = headers["content-security-policy"].to_str().unwrap();
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .expect("a nonce in the policy");
            assert!(csp.contains("'wasm-unsafe-eval'"));
            assert!(csp.contains("frame-ancestors 'none'"));
            assert!(html.contains(&format!("nonce=\"{nonce}\"")));
            assert_eq!(
                html.matches("<script").count(),
                html.matches(&format!("nonce=\"{nonce}\"")).count(),
                "every script carries the nonce"
            );
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(
                headers["referrer-policy"],
                "strict-origin-when-cross-origin"
            );
            assert_eq!(headers["cache-control"], "private, no-cache");
        }
    }
);

on_both_engines!(
    outage_and_building_pages,
    TestServer,
    |server: &TestServer| {
        let outages = server.url("/outages?district=%E9%AB%98%E6%96%B0%E5%8C%BA");
        let building = server.url("/building?community=2&building=9");
        let junk = server.url("/building?community=abc&building=-1&unit=");
        async move {
            let html = page_text(&outages).await;
            assert_eq!(html.matches("<article").count(), 1, "{html}");
            assert!(html.contains("清池小区"));
            assert!(html.contains("已恢复"));

            let html = page_text(&building).await;
            assert!(html.contains("data-heat=\"off\""), "{html}");
            assert!(html.contains("东风东街一次网管道爆管抢修"));

            let response = client().get(junk).send().await.unwrap();
            assert_eq!(
                response.status(),
                200,
                "bad query values are ignored, not errors"
            );
            assert!(response.text().await.unwrap().contains("请选择小区"));
        }
    }
);

on_both_engines!(
    server_functions_answer_json,
    TestServer,
    |server: &TestServer| {
        let url = server.url("/api/outages?district=%E5%A5%8E%E6%96%87%E5%8C%BA");
        let bad = server.url("/api/building?community=notanumber");
        async move {
            let response = client().get(url).send().await.unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["cache-control"], "no-store");
            let board: domain::notices::OutageBoard = response.json().await.unwrap();
            assert_eq!(board.notices.len(), 1);
            assert_eq!(board.notices[0].areas[0].community_name, "东方花园");

            let response = client().get(bad).send().await.unwrap();
            assert!(response.status().is_client_error() || response.status().is_server_error());
        }
    }
);

on_both_engines!(health_and_readiness, TestServer, |server: &TestServer| {
    let healthz = server.url("/healthz");
    let readyz = server.url("/readyz");
    let readiness = server.readiness.clone();
    async move {
        assert_eq!(client().get(&healthz).send().await.unwrap().status(), 200);
        let ready = client().get(&readyz).send().await.unwrap();
        assert_eq!(ready.status(), 200);
        assert_eq!(ready.text().await.unwrap(), r#"{"status":"ready"}"#);
        readiness.begin_shutdown();
        let draining = client().get(&readyz).send().await.unwrap();
        assert_eq!(draining.status(), 503);
        assert!(draining.text().await.unwrap().contains("shutting down"));
        assert_eq!(client().get(&healthz).send().await.unwrap().status(), 200);
    }
});

on_both_engines!(
    static_files_limits_and_errors,
    TestServer,
    |server: &TestServer| {
        let asset = server.url("/pkg/heatdesk.0123456789abcdef-_xyzABC.js");
        let wasm = server.url("/pkg/heatdesk.0123456789abcdef-_xyzABC.wasm");
        let favicon = server.url("/favicon.svg");
        let missing = server.url("/no-such-page");
        let api = server.url("/api/home");
        async move {
            let response = client()
                .get(&asset)
                .header("accept-encoding", "br")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(
                response.headers()["cache-control"],
                "public, max-age=31536000, immutable"
            );
            assert_eq!(response.headers()["content-encoding"], "br");

            // The wasm goes out as the brotli file written at build time.
            let response = client()
                .get(&wasm)
                .header("accept-encoding", "gzip, br")
                .send()
                .await
                .unwrap();
            assert_eq!(response.headers()["content-encoding"], "br");
            assert_eq!(response.bytes().await.unwrap().as_ref(), b"brotli bytes");
            let response = client().get(&wasm).send().await.unwrap();
            assert_eq!(response.bytes().await.unwrap().as_ref(), b"\0asm raw");

            let response = client().get(&favicon).send().await.unwrap();
            assert_eq!(response.headers()["cache-control"], "public, max-age=86400");

            let response = client().get(&missing).send().await.unwrap();
            assert_eq!(response.status(), 404);
            assert!(response.text().await.unwrap().contains("页面不存在"));

            let huge = vec![b'a'; router::MAX_REQUEST_BODY + 1];
            let response = client().post(&api).body(huge).send().await.unwrap();
            assert_eq!(response.status(), 413);
            // Answers from the outer layers carry the security headers too.
            assert_eq!(response.headers()["x-content-type-options"], "nosniff");
            assert_eq!(response.headers()["cache-control"], "no-store");
        }
    }
);

/// Open311 GeoReport v2's catalogue, in both formats, with the spec's errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open311_catalogue_speaks_json_and_xml() {
    let server = TestServer::start(Engine::Sqlite).await;
    let get = |path: &str| {
        let url = server.url(path);
        async move {
            let response = crate::support::client().get(url).send().await.unwrap();
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            (status, content_type, response.text().await.unwrap())
        }
    };
    let (status, content_type, body) = get("/open311/v2/services.json").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    let services: serde_json::Value = serde_json::from_str(&body).unwrap();
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "heating-temperature",
            "heating-repair",
            "heating-suspend",
            "heating-resume"
        ]
    );
    assert_eq!(services[0]["metadata"], true);
    assert_eq!(services[0]["type"], "realtime");
    let (status, content_type, body) = get("/open311/v2/services.xml").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/xml"));
    assert!(body.contains("<services><service><service_code>heating-temperature</service_code>"));
    let (status, _, body) = get("/open311/v2/services/heating-temperature.json").await;
    assert_eq!(status, 200);
    let definition: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(definition["attributes"][0]["code"], "reading");
    assert_eq!(definition["attributes"][0]["datatype"], "number");
    let (status, _, body) = get("/open311/v2/services/heating-repair.xml").await;
    assert_eq!(status, 200);
    assert!(body.contains("<key>burst_pipe</key>"));
    let (status, _, body) = get("/open311/v2/discovery.json").await;
    assert_eq!(status, 200);
    let discovery: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(discovery["endpoints"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/open311/v2"));
    let (status, content_type, body) = get("/open311/v2/services/potholes.xml").await;
    assert_eq!(status, 404);
    assert!(content_type.starts_with("text/xml"));
    assert!(body.contains("<errors><error><code>404</code>"));
    let (status, _, body) = get("/open311/v2/services/potholes.json").await;
    assert_eq!(status, 404);
    let errors: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(errors[0]["code"], 404);
    server.finish().await;
}

/// Input a server function cannot read gets a 4xx with a Chinese message
/// (Leptos alone answers 500): a post that is not a form, a body that is
/// not UTF-8, a missing field, an oversized body; and a form with a
/// hundred thousand fields is read and answered in its own terms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_input_gets_a_clear_4xx() {
    let server = TestServer::start(Engine::Sqlite).await;
    let api = server.url("/api/signin/staff");
    let post = |content_type: &'static str, body: Vec<u8>| {
        crate::support::client()
            .post(&api)
            .header("content-type", content_type)
            .header("accept", "application/json")
            .body(body)
            .send()
    };
    let form = "application/x-www-form-urlencoded";
    for (content_type, body, status, message) in [
        (
            "application/json",
            br#"{"username":"a","password":"b"}"#.to_vec(),
            415,
            "请以表单方式提交",
        ),
        (
            form,
            b"username=\xff\xfe&password=x".to_vec(),
            400,
            "表单内容有误",
        ),
        (form, b"username=admin_demo".to_vec(), 400, "表单内容有误"),
        (
            form,
            (0..100_000)
                .map(|i| format!("f{i}=x&"))
                .collect::<String>()
                .into_bytes()
                .into_iter()
                .chain(*b"username=nobody&password=wrong-password")
                .collect(),
            400,
            "用户名或密码不正确",
        ),
    ] {
        let response = post(content_type, body).await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{content_type}");
        let text = response.text().await.unwrap();
        assert!(text.starts_with("ServerError|"), "{text}");
        assert!(text.contains(message), "{text}");
    }
    // Too big without saying so up front (chunked): 413 all the same. The
    // limit is crossed by the last byte: the server answers and closes once
    // it has read past the limit, and a client still writing would meet a
    // closed connection instead of the answer.
    let limit = server::router::MAX_REQUEST_BODY;
    let chunks = futures::stream::iter(
        (0..limit / (64 * 1024))
            .map(|_| vec![b'a'; 64 * 1024])
            .chain([vec![b'a']])
            .map(Ok::<_, std::io::Error>),
    );
    let response = crate::support::client()
        .post(&api)
        .header("content-type", form)
        .header("accept", "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    assert!(response.text().await.unwrap().contains("太大"));
    server.finish().await;
}

/// Every server function the portal registers, called by everyone who can
/// sign in and by nobody, with arguments that are wrong in every way a
/// script could make them: not numbers, out of range, nested past the
/// decoder's depth, not UTF-8, multipart bodies that do not match their
/// boundary or stop half-way. None of it is the server's fault, so none of
/// it may be answered with a 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_refuses_bad_arguments_with_a_4xx() {
    use crate::support::{resident_signs_in, staff_signs_in, Browser};
    use leptos::server_fn::axum::server_fn_paths;
    const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;
    const FORM: &str = "application/x-www-form-urlencoded";

    let server = TestServer::start(Engine::Sqlite).await;
    let mut paths: Vec<(&str, reqwest::Method)> = server_fn_paths()
        .map(|(path, method)| {
            (
                path,
                reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap(),
            )
        })
        .collect();
    // Signing out last, so the other calls keep their sessions.
    paths.sort_by_key(|(path, _)| (path.ends_with("/signout"), *path));
    assert!(
        paths.len() >= 50,
        "the registry lists the server functions: {paths:?}"
    );

    let numbers_that_are_not =
        b"id=abc&case_id=1.5&household_id=-&key_id=1e99&person_id=&percent=NaN\
        &action=%ZZ&scope=%ff&day=2026-13-45&period=decade&date=yesterday"
            .to_vec();
    let ids_that_do_not_exist = b"id=999999999&case_id=999999999&household_id=999999999\
        &key_id=999999999&person_id=999999999&percent=-5&action=close&scope=city\
        &case_ids=1,2,x&day=0000-00-00&account_no=%00&code=%00&phone=1&label="
        .to_vec();
    let too_deep = b"a[b][c][d][e][f][g][h]=1&roles[x][y][z][w][v]=1".to_vec();
    let not_utf8 = b"case_id=1&action=\xff\xfe&label=\xc3".to_vec();
    let boundary = "multipart/form-data; boundary=heatdesk";
    let wrong_boundary =
        b"--elsewhere\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--elsewhere--\r\n"
            .to_vec();
    let cut_short = b"--heatdesk\r\nContent-Disposition: form-data; name=\"case_id\"\r\n\r\n1\r\n--heatdesk\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff".to_vec();
    let no_disposition =
        b"--heatdesk\r\nContent-Type: text/plain\r\n\r\nx\r\n--heatdesk--\r\n".to_vec();
    let posts: [(&str, &[u8]); 7] = [
        (FORM, &numbers_that_are_not),
        (FORM, &ids_that_do_not_exist),
        (FORM, &too_deep),
        (FORM, &not_utf8),
        (boundary, &wrong_boundary),
        (boundary, &cut_short),
        (boundary, &no_disposition),
    ];
    let queries = [
        "?id=abc&period=decade&date=%ff",
        "?id=999999999&household=999999999&district=%00&community=x&building=-1",
        "?a[b][c][d][e][f][g][h]=1",
        "?id=1&id=2&consent=%ZZ&action=%ff",
    ];

    let mut people = vec![("nobody", Browser::new(&server))];
    people.push(("resident", resident_signs_in(&server, "13800000001").await));
    for username in [
        "grid_demo",
        "property_demo",
        "dispatch_demo",
        "crew_demo",
        "admin_demo",
    ] {
        people.push((username, staff_signs_in(&server, username, PASSWORD).await));
    }

    let mut calls = 0;
    for (who, browser) in &mut people {
        for (path, method) in &paths {
            let attempts: Vec<(String, &str, Vec<u8>)> = if method == reqwest::Method::GET {
                queries
                    .iter()
                    .map(|query| (format!("{path}{query}"), FORM, Vec::new()))
                    .collect()
            } else {
                posts
                    .iter()
                    .map(|(content_type, body)| (path.to_string(), *content_type, body.to_vec()))
                    .collect()
            };
            for (address, content_type, body) in attempts {
                let shown = String::from_utf8_lossy(&body)
                    .chars()
                    .take(80)
                    .collect::<String>();
                let answer = browser
                    .send_raw(method.clone(), &address, content_type, body)
                    .await;
                calls += 1;
                assert!(
                    answer.status < 500,
                    "{who}: {method} {address} ({content_type}: {shown}) answered {}: {}",
                    answer.status,
                    answer.body
                );
                if answer.status >= 400 && answer.status != 404 {
                    assert!(
                        answer.body.starts_with("ServerError|"),
                        "{who}: {method} {address}: a refusal the page can show: {}",
                        answer.body
                    );
                }
            }
        }
    }
    assert!(calls > 1_000, "{calls} calls");
    server.finish().await;
}
