//! Money back when the heat fell short (#20): a temperature complaint the
//! crew measured below the standard, on the company's side, reduces the
//! season's bill once it is fixed (the days from measuring to fixing, at
//! the band's percent), and what was already paid beyond the reduced bill
//! goes back through the payment it came by.

use super::*;
use crate::support::{resident_signs_in, staff_signs_in, Browser, TestServer};
use backend::on_both_engines;
use domain::fees::payment::out_trade_no;

async fn pays_the_bill(server: &TestServer, resident: &mut Browser, bill: i64) {
    let handed = resident
        .submit(
            "/me/bills",
            "/api/me/bills/pay",
            &[("bill_id", &bill.to_string()), ("provider", "wechat")],
        )
        .await;
    let location = handed
        .location
        .clone()
        .unwrap_or_else(|| panic!("{handed:?}"));
    assert_eq!(reqwest::get(&location).await.unwrap().status(), 200);
    let order: i64 = sqlx::query_scalar("SELECT MAX(id) FROM payment_orders WHERE bill_id = $1")
        .bind(bill)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    let mut payer = Browser::new(server);
    let paid = payer
        .submit(
            "/demo-pay/cashier/x",
            &format!("/demo-pay/cashier/{}/pay", out_trade_no(order)),
            &[],
        )
        .await;
    assert_eq!(paid.status, 303, "{paid:?}");
}

async fn a_complaint_below_the_standard_reduces_the_bill(server: &TestServer) {
    backend::seed::demo_bills::seed_demo_bills(&server.test_db.db, server.now())
        .await
        .unwrap();
    let household = demo_household(server).await;
    let (bill, amount): (i64, i64) = sqlx::query_as(
        "SELECT id, amount_fen FROM fee_bills WHERE household_id = $1 AND season_start_year = 2026",
    )
    .bind(household.parse::<i64>().unwrap())
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let mut resident = resident_signs_in(server, RESIDENT).await;
    pays_the_bill(server, &mut resident, bill).await;

    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let mut crew = staff_signs_in(server, "crew_demo", PASSWORD).await;
    let id = case_id_of(
        &file_temperature(&mut resident, &household, "16", false, &key("cold-bill")).await,
    );
    step(
        &mut dispatcher,
        id,
        &[("action", "assign"), ("crew_id", &crew_id(server).await)],
    )
    .await;
    step(&mut crew, id, &[("action", "arrive")]).await;
    let measured = crew
        .submit_files(
            &format!("/cases/{id}"),
            "/api/cases/step-with-photos",
            &[
                ("case_id", &id.to_string()),
                ("action", "record_measurement"),
                ("room_1", "living_room"),
                ("reading_1", "16.5"),
                ("cause", "network"),
                ("confirmed", "1"),
                ("confirmed_by", "王秀英"),
            ],
            &[],
        )
        .await;
    assert_eq!(case_id_of(&measured), id);
    let reductions = |server: &TestServer| {
        let db = server.test_db.db.clone();
        async move {
            sqlx::query_as::<_, (i64, i64, i64)>(
                "SELECT amount_fen, days, percent FROM fee_reductions WHERE bill_id = $1",
            )
            .bind(bill)
            .fetch_all(db.reader())
            .await
            .unwrap()
        }
    };
    assert!(
        reductions(server).await.is_empty(),
        "nothing until it is fixed"
    );
    // Fixed four days later: five days below the standard.
    server.advance(4 * 86_400);
    // Staff sessions do not last four days.
    let mut crew = staff_signs_in(server, "crew_demo", PASSWORD).await;
    let fixed = step(
        &mut crew,
        id,
        &[("action", "fix"), ("note", "调节单元平衡阀，复测 19.5 ℃")],
    )
    .await;
    assert_eq!(case_id_of(&fixed), id);
    let measured_season: i64 = sqlx::query_scalar(
        "SELECT season_start_year FROM temperature_measurements WHERE case_id = $1",
    )
    .bind(id)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert_eq!(measured_season, 2026);
    let granted = reductions(server).await;
    assert_eq!(granted.len(), 1);
    let (reduced, days, percent) = granted[0];
    assert_eq!((days, percent), (5, 20));
    // The season's amount × 20 % × 5 days ÷ the season's days, in 分.
    assert!(
        reduced > 0 && reduced < amount / 20,
        "{reduced} of {amount}"
    );
    let (reductions_fen, paid): (i64, i64) =
        sqlx::query_as("SELECT reductions_fen, paid_fen FROM fee_bills WHERE id = $1")
            .bind(bill)
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!((reductions_fen, paid), (reduced, amount));
    // Paid already: the reduction goes back the way the money came.
    let sent = backend::services::payments::follow_up_orders(
        &server.test_db.db,
        &server.payments,
        server.now(),
    )
    .await
    .unwrap();
    assert_eq!(sent.refunds_sent, 1);
    let refunds = server.sandbox.refunds();
    assert_eq!(
        refunds.values().map(|(_, fen)| fen.0).collect::<Vec<_>>(),
        vec![reduced]
    );
    let mut resident = resident_signs_in(server, RESIDENT).await;
    let page = resident.get("/me/bills").await;
    assert!(
        page.body.contains("供热未达标减免，原路退回"),
        "the refund is on the bill"
    );
    assert!(page.body.contains("减免 20%"), "the reduction says why");
}

on_both_engines!(
    a_complaint_below_the_standard_reduces_the_bill,
    TestServer,
    a_complaint_below_the_standard_reduces_the_bill
);
