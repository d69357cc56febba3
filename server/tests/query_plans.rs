//! Every statement the benchmarked pages run, on a synthetic city, is
//! planned by SQLite to find its rows through an index: none reads a whole
//! table that grows with the city (cases, their timelines, households…).
//!
//! The statements are caught as sqlx runs them (its `sqlx::query` events),
//! so a page that gains a query is checked without this test changing.
//! SQLite's planner is the one checked here: PostgreSQL's chooses by table
//! size, so its plans at test size say little about 500,000 households;
//! `scripts/bench.sh --postgres` at scale is its check.

// Alone in its process: it catches every statement the process runs.
#[path = "integration/support/mod.rs"]
mod support;

use backend::db::Engine;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use support::{resident_signs_in, staff_signs_in, City, TestServer};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

/// Tables that grow with the city but that the synthetic city leaves nearly
/// empty (few people sign in there). Their statistics are dropped before
/// planning, so that SQLite plans them as the large tables they become
/// instead of scanning a handful of rows.
const LEFT_SMALL_BY_THE_SEED: &[&str] = &[
    "attachments",
    "audit_log",
    "filing_consents",
    "grid_visits",
    "hotline_orders",
    "outbox",
    "people",
    "person_households",
    "person_roles",
    "sessions",
    "sign_in_codes",
];

/// Tables whose size grows with the number of households.
const GROWING_TABLES: &[&str] = &[
    "attachments",
    "audit_log",
    "buildings",
    "case_events",
    "cases",
    "filing_consents",
    "grid_buildings",
    "grid_visits",
    "hotline_orders",
    "households",
    "outbox",
    "people",
    "person_households",
    "person_roles",
    "sessions",
    "sign_in_codes",
    "units",
];

/// Indexes a limited query may walk in order: the walk stops at the limit,
/// and the index holds only open cases, not the city's history.
const ORDERED_WALKS: &[&str] = &["cases_open_by_deadline"];

static STATEMENTS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Keeps the text of every statement sqlx reports running.
struct CaptureStatements;

impl<S: tracing::Subscriber> Layer<S> for CaptureStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Statement(Option<String>);
        impl Visit for Statement {
            fn record_str(&mut self, field: &Field, value: &str) {
                if field.name() == "db.statement" && !value.trim().is_empty() {
                    self.0 = Some(value.trim().to_string());
                }
            }
            fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
        }
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut statement = Statement(None);
        event.record(&mut statement);
        if let Some(sql) = statement.0 {
            STATEMENTS.lock().unwrap().insert(sql);
        }
    }
}

/// The table each name in a statement's FROM and JOIN clauses stands for
/// (SQLite's plan names a table by its alias when it has one).
fn tables_by_name(sql: &str) -> BTreeMap<String, String> {
    const NOT_ALIASES: &[&str] = &[
        "where", "on", "join", "left", "inner", "cross", "order", "group", "union", "limit", "set",
        "values", "using", "as",
    ];
    let words: Vec<String> = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut names = BTreeMap::new();
    for (i, word) in words.iter().enumerate() {
        if word != "from" && word != "join" && word != "into" && word != "update" {
            continue;
        }
        let Some(table) = words.get(i + 1) else {
            continue;
        };
        names.insert(table.clone(), table.clone());
        let mut next = i + 2;
        if words.get(next).map(String::as_str) == Some("as") {
            next += 1;
        }
        if let Some(alias) = words.get(next) {
            if !NOT_ALIASES.contains(&alias.as_str()) {
                names.insert(alias.clone(), table.clone());
            }
        }
    }
    names
}

/// The plan lines that read a growing table whole.
async fn whole_table_reads(db: &backend::Database, sql: &str) -> Result<Vec<String>, String> {
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(db.reader())
        .await
        .map_err(|e| e.to_string())?;
    let names = tables_by_name(sql);
    Ok(plan
        .into_iter()
        .map(|(_, _, _, detail)| detail)
        .filter(|detail| {
            let Some(scanned) = detail.strip_prefix("SCAN ") else {
                return false;
            };
            let walks_in_order = ORDERED_WALKS
                .iter()
                .any(|index| scanned.ends_with(&format!("USING INDEX {index}")));
            if walks_in_order && sql.contains(" LIMIT ") {
                return false;
            }
            let name = scanned.split_whitespace().next().unwrap_or_default();
            let table = names.get(&name.to_ascii_lowercase()).map(String::as_str);
            table.is_some_and(|t| GROWING_TABLES.contains(&t))
        })
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_benchmarked_pages_read_through_indexes() {
    let subscriber = tracing_subscriber::registry().with(
        CaptureStatements.with_filter(
            tracing_subscriber::filter::Targets::new()
                .with_target("sqlx::query", tracing::Level::DEBUG),
        ),
    );
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = TestServer::start_city(Engine::Sqlite, &[], City::Scaled(12_000)).await;
    let db = &server.test_db.db;
    let (community, building): (i64, i64) = sqlx::query_as(
        "SELECT b.community_id, b.id FROM buildings b JOIN units u ON u.building_id = b.id \
         JOIN households h ON h.unit_id = u.id WHERE h.account_no LIKE 'SY%' \
         ORDER BY b.id DESC LIMIT 1",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    STATEMENTS.lock().unwrap().clear();

    let mut visitor = support::Browser::new(&server);
    for path in [
        "/".to_string(),
        "/outages".to_string(),
        "/outages?district=奎文区".to_string(),
        "/building?district=奎文区".to_string(),
        format!("/building?community={community}&building={building}"),
    ] {
        assert_eq!(visitor.get(&path).await.status, 200, "{path}");
    }
    let mut resident = resident_signs_in(&server, "13800000001").await;
    let cases: serde_json::Value =
        serde_json::from_str(&resident.api("/api/cases").await.body).unwrap();
    let case_id = cases[0]["case_id"].as_i64().unwrap();
    for path in [
        "/me".to_string(),
        "/cases".to_string(),
        format!("/cases/{case_id}"),
    ] {
        assert_eq!(resident.get(&path).await.status, 200, "{path}");
    }
    let password = backend::seed::demo::DEMO_STAFF_PASSWORD;
    for (login, paths) in [
        (
            "dispatch_demo",
            &[
                "/dispatch",
                "/dispatch?overdue=1",
                "/dispatch?place=东方",
                "/cases",
            ][..],
        ),
        ("grid_demo", &["/grid"][..]),
        ("property_demo", &["/property"][..]),
        ("crew_demo", &["/jobs"][..]),
    ] {
        let mut staff = staff_signs_in(&server, login, password).await;
        for path in paths {
            assert_eq!(staff.get(path).await.status, 200, "{login} {path}");
        }
    }
    let dispatcher_case = format!("/cases/{case_id}");
    let mut dispatcher = staff_signs_in(&server, "dispatch_demo", password).await;
    assert_eq!(dispatcher.get(&dispatcher_case).await.status, 200);

    let statements: Vec<String> = STATEMENTS.lock().unwrap().iter().cloned().collect();
    assert!(
        statements.len() > 20,
        "the pages' statements were caught: {statements:?}"
    );
    let quoted: Vec<String> = LEFT_SMALL_BY_THE_SEED
        .iter()
        .map(|t| format!("'{t}'"))
        .collect();
    sqlx::query(&format!(
        "DELETE FROM sqlite_stat1 WHERE tbl IN ({})",
        quoted.join(", ")
    ))
    .execute(db.writer())
    .await
    .unwrap();
    // A new connection reads the statistics afresh.
    let planner = backend::Database::connect(&server.test_db.url)
        .await
        .unwrap();
    let mut whole_reads = Vec::new();
    for sql in &statements {
        let first = sql
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        if !["SELECT", "WITH", "UPDATE", "DELETE", "INSERT"].contains(&first.as_str()) {
            continue;
        }
        match whole_table_reads(&planner, sql).await {
            Ok(lines) if lines.is_empty() => {}
            Ok(lines) => whole_reads.push(format!("{}\n  {}", sql, lines.join("\n  "))),
            Err(error) => whole_reads.push(format!("{sql}\n  cannot be planned: {error}")),
        }
    }
    assert!(
        whole_reads.is_empty(),
        "{} of {} statements read a growing table whole:\n\n{}",
        whole_reads.len(),
        statements.len(),
        whole_reads.join("\n\n")
    );
    server.finish().await;
}

#[test]
fn aliases_name_their_tables() {
    let names = tables_by_name(
        "SELECT c.id FROM cases c LEFT JOIN buildings AS b ON b.id = c.building_id \
         JOIN units ON units.id = 1 WHERE c.id IN (SELECT case_id FROM case_events)",
    );
    assert_eq!(names["c"], "cases");
    assert_eq!(names["b"], "buildings");
    assert_eq!(names["units"], "units");
    assert_eq!(names["case_events"], "case_events");
    assert!(!names.contains_key("where"));
}
