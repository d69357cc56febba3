//! Heating fees over real HTTP on SQLite and PostgreSQL, paid through the
//! sandbox provider the portal serves at /demo-pay (it checks every
//! signature the portal sends and signs what it answers): a payment is
//! believed only from the provider, once; a forged notification changes
//! nothing; two phones cannot open two payments of one bill; a quiet order
//! is asked about and a stale one closed; money paid beyond the bill goes
//! back; each person sees only what is theirs to see.

use crate::support::{resident_signs_in, staff_signs_in, Browser, TestServer};
use backend::integrations::payments::OrderToStart;
use backend::on_both_engines;
use backend::services::payments::follow_up_orders;
use domain::fees::money::Fen;
use domain::fees::payment::{out_trade_no, Channel, CLOSE_AFTER_SECONDS, QUERY_AFTER_SECONDS};

const RESIDENT: &str = "13800000001";
const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;

/// The demo bills, and the resident's bill of this season: (id, amount).
async fn seed_bills(server: &TestServer) -> (i64, i64) {
    backend::seed::demo_bills::seed_demo_bills(&server.test_db.db, server.now())
        .await
        .unwrap();
    sqlx::query_as(
        "SELECT fb.id, fb.amount_fen FROM fee_bills fb \
         JOIN person_households ph ON ph.household_id = fb.household_id \
         JOIN people p ON p.id = ph.person_id \
         WHERE p.phone = $1 AND fb.season_start_year = 2026",
    )
    .bind(RESIDENT)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap()
}

/// (paid, refunded) on a bill.
async fn bill_money(server: &TestServer, bill: i64) -> (i64, i64) {
    sqlx::query_as("SELECT paid_fen, refunded_fen FROM fee_bills WHERE id = $1")
        .bind(bill)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap()
}

async fn orders_of(server: &TestServer, bill: i64) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT id, state FROM payment_orders WHERE bill_id = $1 ORDER BY id")
        .bind(bill)
        .fetch_all(server.test_db.db.reader())
        .await
        .unwrap()
}

/// Presses "pay with …" on the bills page; the answer (a redirect to the
/// provider's page when it went through).
async fn pay(browser: &mut Browser, bill: i64, provider: &str) -> crate::support::Answer {
    browser
        .submit(
            "/me/bills",
            "/api/me/bills/pay",
            &[("bill_id", &bill.to_string()), ("provider", provider)],
        )
        .await
}

/// The payer confirms on the sandbox's cashier page; the sandbox notifies
/// the portal before it sends the payer back.
async fn confirm_at_cashier(server: &TestServer, order: i64) -> crate::support::Answer {
    let mut payer = Browser::new(server);
    payer
        .submit(
            "/demo-pay/cashier/x",
            &format!("/demo-pay/cashier/{}/pay", out_trade_no(order)),
            &[],
        )
        .await
}

async fn post_notification(
    server: &TestServer,
    headers: &[(String, String)],
    body: String,
    url: &str,
) -> u16 {
    let mut request = reqwest::Client::new().post(url).body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let _ = server;
    request.send().await.unwrap().status().as_u16()
}

async fn wechat_pays_once_and_only_from_the_provider(server: &TestServer) {
    let (bill, amount) = seed_bills(server).await;
    let mut phone = resident_signs_in(server, RESIDENT).await;
    let page = phone.get("/me/bills").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&Fen(amount).to_string()),
        "the amount is on the bill"
    );
    assert!(page.body.contains("data-status=\"unpaid\""));
    // A phone browser outside WeChat may pay with either provider.
    assert!(page.body.contains("value=\"wechat\"") && page.body.contains("value=\"alipay\""));

    let handed = pay(&mut phone, bill, "wechat").await;
    assert_eq!(handed.status, 302, "{handed:?}");
    let location = handed.location.clone().unwrap();
    assert!(
        location.contains("/demo-pay/cashier/HDP"),
        "WeChat's H5 page: {location}"
    );
    let orders = orders_of(server, bill).await;
    assert_eq!(orders.len(), 1);
    let (order, state) = orders[0].clone();
    assert_eq!(state, "paying");

    // Coming back from the provider proves nothing.
    let back = phone.get("/me/bills?returned=1").await;
    assert!(back.body.contains("data-status=\"unpaid\""));
    assert_eq!(bill_money(server, bill).await, (0, 0));

    // The payer confirms: the sandbox notifies the portal, then sends the
    // payer back; the bill is paid before the payer sees it.
    // The payer's browser opens WeChat's page (it carries where to come back to).
    assert_eq!(reqwest::get(&location).await.unwrap().status(), 200);
    let confirmed = confirm_at_cashier(server, order).await;
    assert_eq!(confirmed.status, 303, "{confirmed:?}");
    assert_eq!(bill_money(server, bill).await, (amount, 0));
    let paid = phone.get("/me/bills?returned=1").await;
    assert!(paid.body.contains("data-status=\"paid\""));
    let receipt = phone.get(&format!("/me/payments/{order}")).await;
    let transaction = server
        .sandbox
        .order(&out_trade_no(order))
        .unwrap()
        .transaction_id
        .unwrap();
    assert!(
        receipt.body.contains(&transaction),
        "the receipt names the transaction"
    );

    // The same notification again: accepted, nothing booked twice.
    let (headers, body, url) = server.sandbox.notification(&out_trade_no(order)).unwrap();
    assert_eq!(
        post_notification(server, &headers, body.clone(), &url).await,
        204
    );
    assert_eq!(bill_money(server, bill).await, (amount, 0));
    let times: i64 =
        sqlx::query_scalar("SELECT times_received FROM payment_notices WHERE out_trade_no = $1")
            .bind(out_trade_no(order))
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!(times, 2);

    // A forged one (the amount changed, the signature kept) is refused.
    let forged = body.replace("\"summary\":\"支付成功\"", "\"summary\":\"支付成功 \"");
    assert_eq!(post_notification(server, &headers, forged, &url).await, 401);
    // Unsigned: refused too.
    assert_eq!(post_notification(server, &[], body, &url).await, 401);
    assert_eq!(bill_money(server, bill).await, (amount, 0));
    // Nothing more to pay.
    let again = pay(&mut phone, bill, "wechat").await;
    assert!(
        again.form_error().is_some_and(|e| e.contains("已经缴清")),
        "{again:?}"
    );
    // The resident was told by text.
    let texts = crate::support::texts_to(server, RESIDENT, "account_news").await;
    assert!(
        texts.iter().any(|t| t.to_string().contains(&transaction)),
        "{texts:?}"
    );
    // The sandbox verified everything the portal sent.
    assert_eq!(server.sandbox.refused_requests(), 0);
}

on_both_engines!(
    wechat_pays_once,
    TestServer,
    wechat_pays_once_and_only_from_the_provider
);

async fn alipay_notifications_are_verified_and_a_quiet_order_is_queried(server: &TestServer) {
    let (bill, amount) = seed_bills(server).await;
    let mut phone = resident_signs_in(server, RESIDENT).await;
    let handed = pay(&mut phone, bill, "alipay").await;
    let cashier = handed
        .location
        .clone()
        .unwrap_or_else(|| panic!("{handed:?}"));
    assert!(
        cashier.contains("/demo-pay/alipay/gateway.do?"),
        "{cashier}"
    );
    // The payer's browser opens the signed cashier address: the sandbox
    // checks its signature before it shows anything.
    let shown = reqwest::get(&cashier).await.unwrap();
    assert_eq!(shown.status(), 200);
    assert!(shown
        .text()
        .await
        .unwrap()
        .contains(&Fen(amount).to_string()));
    let tampered = cashier.replace("total%5Famount%22%3A%22", "total%5Famount%22%3A%221");
    assert_eq!(reqwest::get(&tampered).await.unwrap().status(), 400);

    // Paid, and the notification lost on the way.
    let order = orders_of(server, bill).await[0].0;
    server.sandbox.pay_quietly(&out_trade_no(order)).unwrap();
    let quiet = follow_up_orders(
        &server.test_db.db,
        &server.payments,
        server.now() + QUERY_AFTER_SECONDS - 1,
    )
    .await
    .unwrap();
    assert_eq!(quiet.queried, 0, "not yet due");
    let asked = follow_up_orders(
        &server.test_db.db,
        &server.payments,
        server.now() + QUERY_AFTER_SECONDS,
    )
    .await
    .unwrap();
    assert_eq!((asked.queried, asked.paid), (1, 1));
    assert_eq!(bill_money(server, bill).await, (amount, 0));

    // The notification arrives after all: known, nothing changes.
    let (headers, body, url) = server.sandbox.notification(&out_trade_no(order)).unwrap();
    assert_eq!(
        headers[0].1,
        "application/x-www-form-urlencoded; charset=utf-8"
    );
    let answer = reqwest::Client::new()
        .post(&url)
        .header("content-type", &headers[0].1)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.text().await.unwrap(), "success");
    assert_eq!(bill_money(server, bill).await, (amount, 0));
    // Another app's or a changed notification: "fail", nothing booked.
    let changed = body.replace("total%5Famount=", "total%5Famount=1");
    let refused = reqwest::Client::new()
        .post(&url)
        .header("content-type", &headers[0].1)
        .body(changed)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(bill_money(server, bill).await, (amount, 0));
    assert_eq!(
        server.sandbox.refused_requests(),
        1,
        "only the tampered cashier address"
    );
}

on_both_engines!(
    alipay_and_queries,
    TestServer,
    alipay_notifications_are_verified_and_a_quiet_order_is_queried
);

async fn one_payment_at_a_time_and_money_beyond_the_bill_goes_back(server: &TestServer) {
    let (bill, amount) = seed_bills(server).await;
    // Two phones of the household (a second resident bound it too),
    // pressing "pay" at once, many times.
    let first = resident_signs_in(server, RESIDENT).await;
    let mut second = resident_signs_in(server, "13800000002").await;
    let (account, holder): (String, String) = sqlx::query_as(
        "SELECT h.account_no, h.holder_name FROM households h JOIN fee_bills fb ON fb.household_id = h.id \
         WHERE fb.id = $1",
    )
    .bind(bill)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    crate::support::binds_household(server, &mut second, &account, &holder).await;
    let mut attempts = Vec::new();
    for i in 0..12 {
        let mut phone = if i % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let provider = if i % 3 == 0 { "alipay" } else { "wechat" };
        attempts.push(tokio::spawn(async move {
            pay(&mut phone, bill, provider).await
        }));
    }
    let mut handed = 0;
    for attempt in attempts {
        let answer = attempt.await.unwrap();
        match answer.form_error() {
            None => handed += 1,
            Some(error) => assert!(error.contains("正在进行"), "{error}"),
        }
    }
    assert_eq!(handed, 1, "one payment opened");
    let orders = orders_of(server, bill).await;
    assert_eq!(orders.len(), 1);

    // Left unpaid: after 30 minutes it is closed at the provider, then
    // here, and the bill may be paid again.
    let stale = follow_up_orders(
        &server.test_db.db,
        &server.payments,
        server.now() + CLOSE_AFTER_SECONDS,
    )
    .await
    .unwrap();
    assert_eq!(stale.closed, 1);
    assert_eq!(orders_of(server, bill).await[0].1, "closed");
    // Closed at the provider (an Alipay order the payer never opened is
    // not there at all).
    assert!(server
        .sandbox
        .order(&out_trade_no(orders[0].0))
        .is_none_or(|order| order.closed && order.transaction_id.is_none()));
    let mut phone = first.clone();
    let paying = pay(&mut phone, bill, "wechat").await;
    assert!(paying.form_error().is_none(), "{paying:?}");
    let order = orders_of(server, bill).await[1].0;
    confirm_at_cashier(server, order).await;
    assert_eq!(bill_money(server, bill).await, (amount, 0));

    // A payment that went through at the provider after its order had
    // failed here (its answer was lost): believed, and refunded whole.
    let late: i64 = sqlx::query_scalar(
        "INSERT INTO payment_orders (bill_id, household_id, channel, provider, amount_fen, state, created_at) \
         SELECT id, household_id, 'wechat_h5', 'wechat', $2, 'failed', $3 FROM fee_bills WHERE id = $1 RETURNING id",
    )
    .bind(bill)
    .bind(amount)
    .bind(server.now())
    .fetch_one(server.test_db.db.writer())
    .await
    .unwrap();
    server
        .payments
        .start(&OrderToStart {
            out_trade_no: out_trade_no(late),
            description: "热费".to_string(),
            amount: Fen(amount),
            channel: Channel::WeChatH5,
            openid: None,
            payer_ip: "127.0.0.1".to_string(),
            return_url: server.url("/me/bills"),
            expires_at: server.now() + domain::fees::payment::CLOSE_AFTER_SECONDS,
        })
        .await
        .unwrap();
    server.sandbox.pay_quietly(&out_trade_no(late)).unwrap();
    assert_eq!(server.sandbox.notify(&out_trade_no(late)).await, Some(204));
    assert_eq!(bill_money(server, bill).await, (2 * amount, 0));
    let sent = follow_up_orders(&server.test_db.db, &server.payments, server.now())
        .await
        .unwrap();
    assert_eq!(sent.refunds_sent, 1);
    assert_eq!(bill_money(server, bill).await, (2 * amount, amount));
    let refunds = server.sandbox.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(
        refunds.values().next().unwrap(),
        &(out_trade_no(late), Fen(amount))
    );
    // Sent once: a second round sends nothing more.
    let again = follow_up_orders(&server.test_db.db, &server.payments, server.now())
        .await
        .unwrap();
    assert_eq!(again.refunds_sent, 0);
    let page = phone.get("/me/bills").await;
    assert!(page.body.contains("data-status=\"paid\""));
    assert!(
        page.body.contains("重复缴费，原路退回"),
        "the refund is on the bill"
    );
}

on_both_engines!(
    one_payment_at_a_time,
    TestServer,
    one_payment_at_a_time_and_money_beyond_the_bill_goes_back
);

async fn each_person_sees_only_their_part(server: &TestServer) {
    let (bill, amount) = seed_bills(server).await;
    let others_bill: i64 =
        sqlx::query_scalar("SELECT MAX(id) FROM fee_bills WHERE season_start_year = 2026")
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    assert_ne!(others_bill, bill);
    let mut phone = resident_signs_in(server, RESIDENT).await;
    let refused = pay(&mut phone, others_bill, "wechat").await;
    assert!(
        refused.form_error().is_some(),
        "another household's bill: {refused:?}"
    );
    assert!(orders_of(server, others_bill).await.is_empty());
    // Pays their own, then a stranger looks for the receipt.
    pay(&mut phone, bill, "wechat").await;
    let order = orders_of(server, bill).await[0].0;
    confirm_at_cashier(server, order).await;
    let mut stranger = resident_signs_in(server, "13800000099").await;
    let receipt = stranger.get(&format!("/me/payments/{order}")).await;
    assert!(
        !receipt.body.contains(&Fen(amount).to_string()),
        "no amounts of others"
    );
    let theirs = stranger.get("/me/bills").await;
    assert!(!theirs.body.contains(&Fen(amount).to_string()));
    // A grid worker: paid or not, no amounts at all.
    let mut grid = staff_signs_in(server, "grid_demo", PASSWORD).await;
    let overview = grid.get("/fees").await;
    assert_eq!(overview.status, 200);
    assert!(
        overview.body.contains("data-status=\"paid\""),
        "the resident's flat is paid"
    );
    assert!(overview.body.contains("data-status=\"unpaid\""));
    assert!(!overview.body.contains('¥'), "no amounts for grid workers");
    // A property manager: counts per building only.
    let mut property = staff_signs_in(server, "property_demo", PASSWORD).await;
    let counts = property.get("/fees").await;
    assert!(!counts.body.contains('¥'));
    let account: String = sqlx::query_scalar(
        "SELECT h.account_no FROM households h JOIN fee_bills fb ON fb.household_id = h.id WHERE fb.id = $1",
    )
    .bind(bill)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    assert!(
        overview.body.contains(&account),
        "the grid worker's list names the flat"
    );
    assert!(counts.body.contains("data-billed"), "{}", counts.body);
    assert!(
        !counts.body.contains(&account),
        "no households for property managers"
    );
    // A resident has no overview.
    let none = phone.api("/api/fees/overview").await;
    assert_eq!(none.status, 403, "{none:?}");
}

on_both_engines!(
    each_person_sees_their_part,
    TestServer,
    each_person_sees_only_their_part
);

/// The billing system lowers a bill already paid: the difference goes back
/// through the payment, once however often the same file is imported.
async fn a_lowered_bill_gives_the_difference_back(server: &TestServer) {
    let (bill, amount) = seed_bills(server).await;
    let mut phone = resident_signs_in(server, RESIDENT).await;
    pay(&mut phone, bill, "wechat").await;
    let order = orders_of(server, bill).await[0].0;
    confirm_at_cashier(server, order).await;
    assert_eq!(bill_money(server, bill).await, (amount, 0));
    let account: String = sqlx::query_scalar(
        "SELECT h.account_no FROM households h JOIN fee_bills fb ON fb.household_id = h.id WHERE fb.id = $1",
    )
    .bind(bill)
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();
    let lowered = Fen(amount - 10_000);
    let csv = format!(
        "account_no,season,household_type,area_m2,price_per_m2,amount,due_date,billing_ref\n\
         {account},2026,residential,70.00,22.00,{},2026-12-31,B-LOW\n",
        lowered.yuan()
    );
    let origin = backend::services::identity::RequestOrigin {
        client_addr: "billing-system".to_string(),
        user_agent: String::new(),
        now: server.now(),
    };
    for _ in 0..2 {
        backend::services::fees::import_bills(&server.test_db.db, None, &csv, &origin)
            .await
            .unwrap();
    }
    let asked: Vec<(i64, String)> =
        sqlx::query_as("SELECT amount_fen, reason FROM refund_orders WHERE bill_id = $1")
            .bind(bill)
            .fetch_all(server.test_db.db.reader())
            .await
            .unwrap();
    assert_eq!(asked, vec![(10_000, "bill_lowered".to_string())]);
    follow_up_orders(&server.test_db.db, &server.payments, server.now())
        .await
        .unwrap();
    assert_eq!(bill_money(server, bill).await, (amount, 10_000));
    let page = phone.get("/me/bills").await;
    assert!(page.body.contains("账单调减，原路退回"));
    assert!(page.body.contains("data-status=\"paid\""));
}

on_both_engines!(
    a_lowered_bill,
    TestServer,
    a_lowered_bill_gives_the_difference_back
);
