//! Cases over real HTTP on SQLite and PostgreSQL: a resident files, a
//! dispatcher assigns, a crew goes, the resident confirms and rates; triage,
//! deadlines, idempotency, applications and who may do what.

use crate::support::{Answer, Browser, TestServer};
use serde_json::Value;

mod applications;
mod deadlines;
mod fee_reductions;
mod filing;
mod grid;
mod incidents;
mod reading;
mod steps;

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;
/// The demo resident, bound to the first flat of 金宝花园 (heat on).
const RESIDENT: &str = "13800000001";

/// A real PNG photo of the given size.
pub(crate) fn photo_png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

fn key(label: &str) -> String {
    format!("test-key-{label}-0123456789")
}

/// The id of the case a filing or step redirected to.
fn case_id_of(answer: &Answer) -> i64 {
    assert!(answer.form_error().is_none(), "{:?}", answer.form_error());
    let location = answer
        .location
        .as_deref()
        .unwrap_or_else(|| panic!("{answer:?}"));
    location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a case page: {location}"))
}

async fn household_of(server: &TestServer, account_no: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM households WHERE account_no = $1")
        .bind(account_no)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap()
}

async fn demo_household(server: &TestServer) -> String {
    let id: i64 = sqlx::query_scalar(
        "SELECT ph.household_id FROM person_households ph JOIN people p ON p.id = ph.person_id \
         WHERE p.phone = $1",
    )
    .bind(RESIDENT)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    id.to_string()
}

async fn crew_id(server: &TestServer) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM crews WHERE name = '奎文抢修一队'")
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    id.to_string()
}

async fn case(browser: &mut Browser, id: i64) -> Value {
    let answer = browser.api(&format!("/api/cases/one?id={id}")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    serde_json::from_str(&answer.body).unwrap()
}

async fn step(browser: &mut Browser, id: i64, form: &[(&str, &str)]) -> Answer {
    let id = id.to_string();
    let mut fields = vec![("case_id", id.as_str())];
    fields.extend_from_slice(form);
    browser
        .submit(&format!("/cases/{id}"), "/api/cases/step", &fields)
        .await
}

async fn texts_to(server: &TestServer, phone: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT payload FROM outbox WHERE recipient = $1 ORDER BY id")
        .bind(phone)
        .fetch_all(server.test_db.db.reader())
        .await
        .unwrap()
}

async fn file_temperature(
    browser: &mut Browser,
    household: &str,
    reading: &str,
    anyway: bool,
    key: &str,
) -> Answer {
    let mut form = vec![
        ("household_id", household),
        ("room", "living_room"),
        ("reading", reading),
        ("measured_as_guided", "1"),
        ("note", "客厅一直不热"),
        ("idempotency_key", key),
    ];
    if anyway {
        form.push(("file_anyway", "1"));
    }
    browser
        .submit_multipart("/file/temperature", "/api/file/temperature", &form)
        .await
}
