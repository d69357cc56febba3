//! The city heating authority's season decisions over real HTTP on SQLite
//! and PostgreSQL: an extension for one company moves that company's
//! buildings' season and no other's, every page shows it at once, nobody
//! else may decide, and decisions out of range are refused in words.

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
