//! The city heating authority over real HTTP on SQLite and PostgreSQL: an
//! extension for one company moves that company's buildings' season and no
//! other's, every page shows it at once, nobody else may decide, and
//! decisions out of range are refused in words; its reports show every
//! company's figures side by side, which a company's dispatcher does not see.

use backend::on_both_engines;
use serde_json::Value;

use crate::support::{public_json, staff_signs_in, TestServer};

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;

/// A building heated by the company of this short name.
async fn building_of(server: &TestServer, company: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT b.id FROM buildings b JOIN stations s ON s.id = b.station_id \
         JOIN heating_companies hc ON hc.id = s.company_id WHERE hc.short_name = $1 \
         ORDER BY b.id LIMIT 1",
    )
    .bind(company)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap()
}

async fn season_end_of(server: &TestServer, building: i64) -> i64 {
    let (_, lookup) = public_json(server, &format!("/api/building?building={building}")).await;
    lookup["report"]["season"]["effective"]["end"]
        .as_i64()
        .unwrap_or_else(|| panic!("a season in {lookup}"))
}

fn local_input(at: i64) -> String {
    domain::clock::to_local(at)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn the_authority_extends_one_company_s_season(server: &TestServer) {
    let east = building_of(server, "城东热电").await;
    let city = building_of(server, "市热力公司").await;
    let regulated = season_end_of(server, east).await;
    assert_eq!(season_end_of(server, city).await, regulated);
    let company_id: i64 =
        sqlx::query_scalar("SELECT id FROM heating_companies WHERE short_name = '城东热电'")
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    let new_end = regulated + 10 * 86_400;
    let new_end_text = local_input(new_end);
    let company = company_id.to_string();
    let form = [
        ("kind", "extension"),
        ("effective_at", new_end_text.as_str()),
        ("reason", "预计三月下旬仍有寒潮，城东片区延长供热"),
        ("company_ids[]", company.as_str()),
    ];

    // Only the city's authority decides the season.
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let refused = dispatcher
        .submit("/authority/season", "/api/season/decisions/publish", &form)
        .await;
    assert!(refused.form_error().is_some(), "{refused:?}");
    assert!(
        !refused
            .set_cookies
            .iter()
            .any(|c| c.starts_with("hd_done=")),
        "{refused:?}"
    );

    let mut authority = staff_signs_in(server, "authority_demo", PASSWORD).await;
    let desk: Value =
        serde_json::from_str(&authority.api("/api/season/decisions").await.body).unwrap();
    assert!(desk["companies"].as_array().unwrap().len() >= 3, "{desk}");
    // An early start in the middle of the season is out of range.
    let now_text = local_input(server.now() + 3600);
    let early = authority
        .submit(
            "/authority/season",
            "/api/season/decisions/publish",
            &[
                ("kind", "early_start"),
                ("effective_at", now_text.as_str()),
                ("reason", "降温"),
            ],
        )
        .await;
    assert!(
        early.form_error().unwrap_or_default().contains("提前供热"),
        "{early:?}"
    );
    let published = authority
        .submit("/authority/season", "/api/season/decisions/publish", &form)
        .await;
    assert_eq!(
        published.location.as_deref(),
        Some("/authority/season"),
        "{published:?}"
    );
    // The page the post comes back to says it is done, once.
    assert_eq!(
        authority.cookies.get("hd_done").map(String::as_str),
        Some("/api/season/decisions/publish"),
        "{published:?}"
    );
    let desk = authority.get("/authority/season").await;
    assert!(desk.body.contains("已发布，各页面即时更新"), "{desk:?}");
    assert!(!authority.cookies.contains_key("hd_done"), "{desk:?}");
    let again = authority.get("/authority/season").await;
    assert!(!again.body.contains("已发布，各页面即时更新"));

    // At once: the named company's buildings end later, the others do not.
    assert_eq!(
        season_end_of(server, east).await,
        domain::clock::parse_local_input(&new_end_text).unwrap()
    );
    assert_eq!(season_end_of(server, city).await, regulated);
    let (_, home) = public_json(server, "/api/home").await;
    let listed = home["season"]["announcements"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|a| a["companies"][0]["name"] == "城东热电"),
        "{listed:?}"
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'season.decision'")
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

on_both_engines!(
    the_authority_extends_one_company_s_season,
    TestServer,
    the_authority_extends_one_company_s_season
);

async fn the_authority_sees_every_company_side_by_side(server: &TestServer) {
    let path = "/api/reports?period=month&date=2026-11-28";
    let mut authority = staff_signs_in(server, "authority_demo", PASSWORD).await;
    let answer = authority.api(path).await;
    let view: Value =
        serde_json::from_str(&answer.body).unwrap_or_else(|e| panic!("{e}: {answer:?}"));
    let city = &view["City"];
    let companies = city["companies"]
        .as_array()
        .unwrap_or_else(|| panic!("{view}"));
    let names: Vec<&str> = companies
        .iter()
        .filter_map(|c| c["company"].as_str())
        .collect();
    let listed: Vec<String> =
        sqlx::query_scalar("SELECT short_name FROM heating_companies ORDER BY id")
            .fetch_all(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!(names, listed, "every company, in order");
    let sum = |field: &str| {
        companies
            .iter()
            .map(|c| c[field].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(city["city"]["filed"].as_u64(), Some(sum("filed")));
    assert!(sum("filed") > 0, "the demo's cases are counted: {view}");
    assert_eq!(
        city["city"]["hotline_orders"].as_u64(),
        Some(sum("hotline_orders"))
    );

    // The dispatcher reads their own company's report, the same count.
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let own: Value = serde_json::from_str(&dispatcher.api(path).await.body).unwrap();
    let company: String = sqlx::query_scalar(
        "SELECT hc.short_name FROM people p JOIN heating_companies hc ON hc.id = p.company_id \
         WHERE p.username = 'dispatch_demo'",
    )
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let in_city = companies
        .iter()
        .find(|c| c["company"] == company.as_str())
        .unwrap();
    assert_eq!(own["Company"]["filed"], in_city["filed"], "{own}");
    assert!(own.get("City").is_none());

    // The page itself, as a plain HTML page.
    let page = authority.get("/reports?period=month&date=2026-11-28").await;
    assert!(
        page.body.contains("全市合计") && page.body.contains(&company),
        "{page:?}"
    );
}

on_both_engines!(
    the_authority_sees_every_company_side_by_side,
    TestServer,
    the_authority_sees_every_company_side_by_side
);

async fn the_authority_announces_a_heat_source_limit(server: &TestServer) {
    let east = building_of(server, "城东热电").await;
    let season_end = season_end_of(server, east).await;
    let mut authority = staff_signs_in(server, "authority_demo", PASSWORD).await;
    let from = local_input(server.now() + 24 * 3600);
    let published = authority
        .submit(
            "/authority/season",
            "/api/season/decisions/publish",
            &[
                ("kind", "heat_source_limit"),
                ("effective_at", from.as_str()),
                ("reason", "上游气源紧张，全市降温运行，室温不低于 16℃"),
            ],
        )
        .await;
    assert_eq!(
        published.location.as_deref(),
        Some("/authority/season"),
        "{published:?}"
    );
    // Announced to everyone, and the season's dates stay as they were.
    let (_, home) = public_json(server, "/api/home").await;
    assert!(
        home["season"]["announcements"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |a| a["kind"] == "HeatSourceLimit" && a["companies"].as_array().unwrap().is_empty()
            ),
        "{home}"
    );
    assert_eq!(season_end_of(server, east).await, season_end);
    let page = crate::support::page_text(&server.url("/")).await;
    assert!(page.contains("限供开始") && page.contains("上游气源紧张"));
}

on_both_engines!(
    the_authority_announces_a_heat_source_limit,
    TestServer,
    the_authority_announces_a_heat_source_limit
);
