//! Grid workers file for residents who consent with a texted code, and
//! log their visits; consent codes hold under parallel requests.

use super::*;
use backend::on_both_engines;

use crate::support::{resident_signs_in, staff_signs_in, Browser, TestServer};
use serde_json::Value;

/// The consent code the newest consent request texted to `phone`.
async fn consent_code_to(server: &TestServer, phone: &str) -> String {
    let texts = texts_to(server, phone).await;
    let payload = texts
        .iter()
        .rev()
        .find(|t| t.contains("filing_consent"))
        .unwrap_or_else(|| panic!("no consent text to {phone}: {texts:?}"));
    let payload: Value = serde_json::from_str(payload).unwrap();
    payload["code"].as_str().unwrap().to_string()
}

/// A household of the demo grid worker's grid, and one outside it.
async fn grid_and_other_household(server: &TestServer) -> ((i64, String, i64), String) {
    let inside: (i64, String, i64) = sqlx::query_as(
        "SELECT h.id, h.account_no, u.building_id FROM households h \
         JOIN units u ON u.id = h.unit_id \
         JOIN grid_buildings gb ON gb.building_id = u.building_id \
         JOIN grids g ON g.id = gb.grid_id \
         WHERE g.name = '奎文区广文街道第一网格' ORDER BY h.id LIMIT 1 OFFSET 21",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let outside: String = sqlx::query_scalar(
        "SELECT h.account_no FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE u.building_id NOT IN (SELECT gb.building_id FROM grid_buildings gb \
             JOIN grids g ON g.id = gb.grid_id WHERE g.name = '奎文区广文街道第一网格') \
         ORDER BY h.id LIMIT 1",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    (inside, outside)
}

/// Puts `phone` on file as a household's holder's number.
async fn holder_phone_on_file(server: &TestServer, household: i64, phone: &str) {
    sqlx::query("UPDATE households SET holder_phone = $1 WHERE id = $2")
        .bind(phone)
        .bind(household)
        .execute(server.test_db.db.writer())
        .await
        .unwrap();
}

async fn grid_workers_file_for_residents_and_log_visits(server: &TestServer) {
    let ((household, account, building), outside) = grid_and_other_household(server).await;
    let phone = "13900000201";
    // The holder's number on file: where a consent code may go.
    holder_phone_on_file(server, household, phone).await;
    // The resident has an account (no household bound): the case is theirs.
    let mut resident = resident_signs_in(server, phone).await;
    let mut grid = staff_signs_in(server, "grid_demo", PASSWORD).await;

    let ask = |account: &str, phone: &str| {
        vec![
            ("kind".to_string(), "temperature".to_string()),
            ("account_no".to_string(), account.to_string()),
            ("phone".to_string(), phone.to_string()),
        ]
    };
    let pairs = |form: &[(String, String)]| -> Vec<(String, String)> { form.to_vec() };
    let send = |browser: &mut Browser, form: Vec<(String, String)>| {
        let mut browser = browser.clone();
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            browser.submit("/grid", "/api/grid/consent", &form).await
        }
    };
    let refused = send(&mut grid, pairs(&ask(&outside, phone))).await;
    assert!(
        refused
            .form_error()
            .unwrap_or_default()
            .contains("不在您负责的网格内"),
        "{refused:?}"
    );
    let refused = send(&mut grid, pairs(&ask(&account, "12345"))).await;
    assert!(refused.form_error().is_some(), "a bad number is refused");
    // Not a number the household stands behind (the worker's own, say).
    let refused = send(&mut grid, pairs(&ask(&account, "13900000299"))).await;
    assert_eq!(
        refused.form_error().as_deref(),
        Some(domain::grid_work::NOT_LINKED_MESSAGE(
            translations::Lang::Zh
        ))
    );
    assert!(
        texts_to(server, "13900000299").await.is_empty(),
        "no code sent"
    );
    let not_a_worker = send(&mut resident, pairs(&ask(&account, phone))).await;
    assert!(not_a_worker.form_error().is_some(), "{not_a_worker:?}");

    let asked = send(&mut grid, pairs(&ask(&account.to_lowercase(), phone))).await;
    assert!(asked.form_error().is_none(), "{:?}", asked.form_error());
    let form_path = asked.location.clone().unwrap();
    assert!(
        form_path.starts_with("/file/temperature?consent="),
        "{form_path}"
    );
    let token = form_path.split("consent=").nth(1).unwrap().to_string();
    let code = consent_code_to(server, phone).await;
    let page = grid.get(&form_path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("139****0201") && page.body.contains("consent_code"));

    let household_text = household.to_string();
    let file = |code: &str, key_label: &str| {
        let mut browser = grid.clone();
        let form: Vec<(String, String)> = [
            ("household_id", household_text.as_str()),
            ("room", "bedroom"),
            ("reading", "16"),
            ("consent_token", token.as_str()),
            ("consent_code", code),
            ("idempotency_key", &key(key_label)),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let form_path = form_path.clone();
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            browser
                .submit_multipart(&form_path, "/api/file/temperature", &form)
                .await
        }
    };
    // Agreed to a temperature complaint: not to a suspension.
    let suspend = grid
        .clone()
        .submit_multipart(
            &form_path.replace("/file/temperature", "/file/application"),
            "/api/file/application",
            &[
                ("household_id", household_text.as_str()),
                ("kind", "suspend"),
                ("has_own_valve", "on"),
                ("note", ""),
                ("consent_token", token.as_str()),
                ("consent_code", code.as_str()),
                ("idempotency_key", &key("grid-suspend")),
            ],
        )
        .await;
    assert!(
        suspend
            .form_error()
            .unwrap_or_default()
            .contains("居民同意代办的不是"),
        "{suspend:?}"
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = file(wrong, "grid-wrong").await;
    assert!(
        refused
            .form_error()
            .unwrap_or_default()
            .contains("验证码不正确"),
        "{refused:?}"
    );
    let filed = file(&code, "grid-file").await;
    let id = case_id_of(&filed);
    assert_eq!(
        case_id_of(&file(&code, "grid-file").await),
        id,
        "a retry answers with the case"
    );
    let spent = file(&code, "grid-again").await;
    assert!(
        spent.form_error().unwrap_or_default().contains("失效"),
        "{spent:?}"
    );

    let seen_by_worker = case(&mut grid, id).await;
    let first = &seen_by_worker["timeline"][0];
    assert!(
        first["actor_label"].as_str().unwrap().contains("网格员"),
        "{first}"
    );
    assert_eq!(seen_by_worker["contact_phone"], "139****0201");
    let mine: Value = serde_json::from_str(&resident.api("/api/cases").await.body).unwrap();
    assert!(
        mine.as_array().unwrap().iter().any(|c| c["case_id"] == id),
        "the resident sees the case filed for them: {mine}"
    );
    assert!(texts_to(server, phone)
        .await
        .iter()
        .any(|t| t.contains("室温投诉已受理")));

    // The grid's desk lists the case; a visit is logged once per submit.
    let desk: Value = serde_json::from_str(&grid.api("/api/grid/desk").await.body).unwrap();
    assert!(desk["desk"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["case_id"] == id));
    let case_no = seen_by_worker["brief"]["case_no"]
        .as_str()
        .unwrap()
        .to_string();
    let today = desk["desk"]["today"].as_str().unwrap().to_string();
    let building_text = building.to_string();
    let visit = |date: &str, building: &str, key_label: &str| {
        let mut browser = grid.clone();
        let form: Vec<(String, String)> = [
            ("building_id", building),
            ("account_no", account.as_str()),
            ("visited_on", date),
            ("notes", "老人家卧室 16 度，已代为投诉"),
            ("follow_up_case_no", case_no.as_str()),
            ("idempotency_key", &key(key_label)),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            browser.submit("/grid", "/api/grid/visits", &form).await
        }
    };
    let logged = visit(&today, &building_text, "visit").await;
    assert_eq!(logged.location.as_deref(), Some("/grid"), "{logged:?}");
    visit(&today, &building_text, "visit").await;
    let future = visit("2099-01-01", &building_text, "visit-future").await;
    assert!(future
        .form_error()
        .unwrap_or_default()
        .contains("不能晚于今天"));
    let elsewhere: i64 = sqlx::query_scalar(
        "SELECT id FROM buildings WHERE id NOT IN (SELECT gb.building_id FROM grid_buildings gb \
             JOIN grids g ON g.id = gb.grid_id WHERE g.name = '奎文区广文街道第一网格') ORDER BY id LIMIT 1",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let outside_visit = visit(&today, &elsewhere.to_string(), "visit-outside").await;
    assert!(outside_visit
        .form_error()
        .unwrap_or_default()
        .contains("网格内的楼栋"));
    let desk: Value = serde_json::from_str(&grid.api("/api/grid/desk").await.body).unwrap();
    let visits = desk["desk"]["visits"].as_array().unwrap();
    assert_eq!(
        visits.len(),
        1,
        "one visit for the repeated submit: {visits:?}"
    );
    assert_eq!(visits[0]["follow_up"][1], case_no.as_str());
    let page = grid.get("/grid").await;
    assert!(page.body.contains("访民问暖") && page.body.contains("已代为投诉"));

    // Nobody else reads the grid's desk.
    let mut property = staff_signs_in(server, "property_demo", PASSWORD).await;
    assert_eq!(property.api("/api/grid/desk").await.status, 403);
}
on_both_engines!(
    grid_workers_file_for_residents_and_log_visits,
    TestServer,
    grid_workers_file_for_residents_and_log_visits
);

/// 100 wrong consent codes at once: each reserves a try before it is
/// compared, so five are, and the right code after them files nothing.
async fn parallel_consent_guesses_get_five_tries(server: &TestServer) {
    let ((household, account, _), _) = grid_and_other_household(server).await;
    let phone = "13900000202";
    holder_phone_on_file(server, household, phone).await;
    let mut grid = staff_signs_in(server, "grid_demo", PASSWORD).await;
    let asked = grid
        .submit(
            "/grid",
            "/api/grid/consent",
            &[
                ("kind", "temperature"),
                ("account_no", &account),
                ("phone", phone),
            ],
        )
        .await;
    let form_path = asked
        .location
        .clone()
        .unwrap_or_else(|| panic!("{asked:?}"));
    let token = form_path.split("consent=").nth(1).unwrap().to_string();
    let code = consent_code_to(server, phone).await;
    let household = household.to_string();
    let file = |guess: String, label: String| {
        let mut browser = grid.clone();
        let (household, token, form_path) = (household.clone(), token.clone(), form_path.clone());
        async move {
            browser
                .submit_multipart(
                    &form_path,
                    "/api/file/temperature",
                    &[
                        ("household_id", household.as_str()),
                        ("room", "bedroom"),
                        ("reading", "16"),
                        ("consent_token", token.as_str()),
                        ("consent_code", guess.as_str()),
                        ("idempotency_key", &key(&label)),
                    ],
                )
                .await
        }
    };
    let guesses: Vec<_> = (0..100)
        .map(|i| {
            let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
            tokio::spawn(file(guess, format!("consent-guess-{i}")))
        })
        .collect();
    let mut wrong_with_tries_left = 0;
    for guess in guesses {
        let answer = guess.await.unwrap();
        let error = answer
            .form_error()
            .unwrap_or_else(|| panic!("filed: {answer:?}"));
        if error.contains("还可以再试") {
            wrong_with_tries_left += 1;
        }
    }
    assert_eq!(wrong_with_tries_left, 4, "five tries were compared");
    let right = file(code.clone(), "consent-right".to_string()).await;
    assert!(right.form_error().is_some(), "the code is void: {right:?}");
    let tries: i64 = sqlx::query_scalar("SELECT wrong_tries FROM filing_consents WHERE phone = $1")
        .bind(phone)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(tries, 5);
}
on_both_engines!(
    parallel_consent_guesses_get_five_tries,
    TestServer,
    parallel_consent_guesses_get_five_tries
);

/// A burst of consent requests to one number: one code a minute, however
/// many arrive together.
async fn parallel_consent_requests_send_one_code(server: &TestServer) {
    let ((household, account, _), _) = grid_and_other_household(server).await;
    let phone = "13900000203";
    holder_phone_on_file(server, household, phone).await;
    let grid = staff_signs_in(server, "grid_demo", PASSWORD).await;
    let asks: Vec<_> = (0..10)
        .map(|_| {
            let mut browser = grid.clone();
            let account = account.clone();
            tokio::spawn(async move {
                browser
                    .submit(
                        "/grid",
                        "/api/grid/consent",
                        &[
                            ("kind", "repair"),
                            ("account_no", &account),
                            ("phone", phone),
                        ],
                    )
                    .await
            })
        })
        .collect();
    for ask in asks {
        ask.await.unwrap();
    }
    let consents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM filing_consents WHERE phone = $1")
        .bind(phone)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    assert_eq!(consents, 1);
    assert_eq!(texts_to(server, phone).await.len(), 1);
}
on_both_engines!(
    parallel_consent_requests_send_one_code,
    TestServer,
    parallel_consent_requests_send_one_code
);
