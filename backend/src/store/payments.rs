//! Payment orders, the providers' notifications, refund orders and
//! e-invoice requests.

use crate::error::BackendResult;
use crate::store::fees::BillMoney;
use domain::fees::payment::PaymentState;
use sqlx::{Any, AnyPool, Transaction};

/// A new order for a bill. The unique index on open orders per bill makes
/// a second one at the same time fail; `Ok(None)` then.
pub struct NewOrder<'a> {
    pub bill_id: i64,
    pub household_id: i64,
    pub payer_id: i64,
    pub channel: &'a str,
    pub provider: &'a str,
    pub amount_fen: i64,
    pub now: i64,
}

pub async fn open_order(pool: &AnyPool, order: &NewOrder<'_>) -> BackendResult<Option<i64>> {
    // ON CONFLICT names no target: the conflict is on the partial index.
    Ok(sqlx::query_scalar(
        "INSERT INTO payment_orders (bill_id, household_id, payer_id, channel, provider, \
             amount_fen, state, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'created', $7) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(order.bill_id)
    .bind(order.household_id)
    .bind(order.payer_id)
    .bind(order.channel)
    .bind(order.provider)
    .bind(order.amount_fen)
    .bind(order.now)
    .fetch_optional(pool)
    .await?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub bill_id: i64,
    pub household_id: i64,
    pub payer_id: Option<i64>,
    pub channel: String,
    pub provider: String,
    pub amount_fen: i64,
    pub state: String,
    pub transaction_id: Option<String>,
    pub paid_fen: Option<i64>,
    pub created_at: i64,
    pub paid_at: Option<i64>,
}

const ORDER_SELECT: &str = "SELECT id, bill_id, household_id, payer_id, channel, provider, \
     amount_fen, state, transaction_id, paid_fen, created_at, paid_at FROM payment_orders";

pub async fn order(pool: &AnyPool, id: i64) -> BackendResult<Option<OrderRow>> {
    Ok(sqlx::query_as(&format!("{ORDER_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// The open order of a bill, if any. An open order (created or paying) is
/// one neither paid nor closed, the condition of the partial index that
/// keeps one open order per bill.
pub async fn open_order_of_bill(pool: &AnyPool, bill_id: i64) -> BackendResult<Option<OrderRow>> {
    Ok(sqlx::query_as(&format!(
        "{ORDER_SELECT} WHERE bill_id = $1 AND paid_at IS NULL AND closed_at IS NULL"
    ))
    .bind(bill_id)
    .fetch_optional(pool)
    .await?)
}

/// A bill's orders, newest first.
pub async fn orders_of_bill(pool: &AnyPool, bill_id: i64) -> BackendResult<Vec<OrderRow>> {
    Ok(sqlx::query_as(&format!(
        "{ORDER_SELECT} WHERE bill_id = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(bill_id)
    .fetch_all(pool)
    .await?)
}

/// Moves an order from one of `from` to `to`, in one guarded statement;
/// whether it moved. The states are `PaymentState::as_str` names.
pub async fn move_order(
    pool: &AnyPool,
    id: i64,
    from: &[PaymentState],
    to: PaymentState,
    now: i64,
) -> BackendResult<bool> {
    let states = from
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(sqlx::query(&format!(
        "UPDATE payment_orders SET state = $2, \
             closed_at = CASE WHEN $2 IN ('closed', 'failed') THEN $3 ELSE closed_at END \
         WHERE id = $1 AND state IN ({states})"
    ))
    .bind(id)
    .bind(to.as_str())
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}

/// The bill, household and provider of an order, in a transaction.
pub async fn order_parties(
    tx: &mut Transaction<'_, Any>,
    id: i64,
) -> BackendResult<Option<(i64, i64, String)>> {
    Ok(
        sqlx::query_as("SELECT bill_id, household_id, provider FROM payment_orders WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// Keeps where the payer pays an open order.
pub async fn set_handoff(pool: &AnyPool, id: i64, handoff: &str) -> BackendResult<()> {
    sqlx::query("UPDATE payment_orders SET handoff = $2 WHERE id = $1")
        .bind(id)
        .bind(handoff)
        .execute(pool)
        .await?;
    Ok(())
}

/// Marks an order paid the first time the provider says so; `false` when
/// it was already paid (a resent notification, a query after it).
pub async fn mark_paid(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    transaction_id: &str,
    paid_fen: i64,
    now: i64,
) -> BackendResult<bool> {
    Ok(sqlx::query(
        "UPDATE payment_orders SET state = 'paid', transaction_id = $2, paid_fen = $3, paid_at = $4 \
         WHERE id = $1 AND state <> 'paid'",
    )
    .bind(id)
    .bind(transaction_id)
    .bind(paid_fen)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Keeps a verified notification; how many times it has now arrived.
pub async fn record_notice(
    tx: &mut Transaction<'_, Any>,
    provider: &str,
    out_trade_no: &str,
    transaction_id: &str,
    amount_fen: i64,
    paid: bool,
    now: i64,
) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO payment_notices (provider, out_trade_no, transaction_id, amount_fen, paid, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (provider, out_trade_no, transaction_id, paid) \
         DO UPDATE SET times_received = payment_notices.times_received + 1 \
         RETURNING times_received",
    )
    .bind(provider)
    .bind(out_trade_no)
    .bind(transaction_id)
    .bind(amount_fen)
    .bind(i64::from(paid))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Open orders older than `created_before` not asked about since
/// `queried_before`, oldest first; each is stamped as asked about now, in
/// the same statement, so two workers never ask about the same order.
pub async fn claim_quiet_orders(
    pool: &AnyPool,
    created_before: i64,
    queried_before: i64,
    now: i64,
    limit: i64,
) -> BackendResult<Vec<OrderRow>> {
    Ok(sqlx::query_as(
        "UPDATE payment_orders SET last_queried_at = $3 WHERE id IN ( \
             SELECT id FROM payment_orders WHERE paid_at IS NULL AND closed_at IS NULL \
               AND created_at <= $1 AND COALESCE(last_queried_at, 0) <= $2 \
             ORDER BY created_at LIMIT $4) \
         AND paid_at IS NULL AND closed_at IS NULL AND COALESCE(last_queried_at, 0) <= $2 \
         RETURNING id, bill_id, household_id, payer_id, channel, provider, amount_fen, state, \
             transaction_id, paid_fen, created_at, paid_at",
    )
    .bind(created_before)
    .bind(queried_before)
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Claims the right to ask the provider about one open order now, at most
/// once per `gap` seconds, in one statement (a payer pressing "refresh"
/// many times asks the provider once).
pub async fn claim_query(pool: &AnyPool, id: i64, now: i64, gap: i64) -> BackendResult<bool> {
    Ok(sqlx::query(
        "UPDATE payment_orders SET last_queried_at = $2 \
         WHERE id = $1 AND paid_at IS NULL AND closed_at IS NULL AND COALESCE(last_queried_at, 0) <= $3",
    )
    .bind(id)
    .bind(now)
    .bind(now - gap)
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}

/// A refund to make, once per cause; its id when new.
pub struct NewRefund<'a> {
    pub payment_order_id: i64,
    pub bill_id: i64,
    pub amount_fen: i64,
    pub reason: &'a str,
    pub cause: &'a str,
    pub now: i64,
}

pub async fn request_refund(
    tx: &mut Transaction<'_, Any>,
    refund: &NewRefund<'_>,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO refund_orders (payment_order_id, bill_id, amount_fen, reason, cause, state, requested_at) \
         VALUES ($1, $2, $3, $4, $5, 'requested', $6) ON CONFLICT (cause) DO NOTHING RETURNING id",
    )
    .bind(refund.payment_order_id)
    .bind(refund.bill_id)
    .bind(refund.amount_fen)
    .bind(refund.reason)
    .bind(refund.cause)
    .bind(refund.now)
    .fetch_optional(&mut **tx)
    .await?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefundRow {
    pub id: i64,
    pub payment_order_id: i64,
    pub bill_id: i64,
    pub amount_fen: i64,
    pub reason: String,
    pub state: String,
    pub attempts: i64,
    pub requested_at: i64,
    pub finished_at: Option<i64>,
    /// The payment's provider, order number total and amount.
    pub provider: String,
    pub order_paid_fen: i64,
}

const REFUND_SELECT: &str = "SELECT r.id, r.payment_order_id, r.bill_id, r.amount_fen, r.reason, \
     r.state, r.attempts, r.requested_at, r.finished_at, o.provider, \
     COALESCE(o.paid_fen, o.amount_fen) AS order_paid_fen \
     FROM refund_orders r JOIN payment_orders o ON o.id = r.payment_order_id";

/// Refunds still to send or to follow up, oldest first.
pub async fn pending_refunds(pool: &AnyPool, limit: i64) -> BackendResult<Vec<RefundRow>> {
    Ok(sqlx::query_as(&format!(
        "{REFUND_SELECT} WHERE r.state IN ('requested', 'processing') ORDER BY r.requested_at, r.id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

pub async fn refunds_of_bill(pool: &AnyPool, bill_id: i64) -> BackendResult<Vec<RefundRow>> {
    Ok(sqlx::query_as(&format!(
        "{REFUND_SELECT} WHERE r.bill_id = $1 ORDER BY r.requested_at, r.id"
    ))
    .bind(bill_id)
    .fetch_all(pool)
    .await?)
}

/// Notes an attempt that got no final answer.
pub async fn refund_attempted(
    pool: &AnyPool,
    id: i64,
    state: &str,
    error: Option<&str>,
) -> BackendResult<()> {
    sqlx::query(
        "UPDATE refund_orders SET attempts = attempts + 1, state = $2, last_error = $3 \
         WHERE id = $1 AND state IN ('requested', 'processing')",
    )
    .bind(id)
    .bind(state)
    .bind(error)
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks a refund succeeded once and adds it to its bill; the bill's
/// money after, or `None` when it had been marked before.
pub async fn refund_succeeded(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    provider_refund_id: &str,
    now: i64,
) -> BackendResult<Option<BillMoney>> {
    let moved: Option<(i64, i64)> = sqlx::query_as(
        "UPDATE refund_orders SET state = 'succeeded', provider_refund_id = $2, finished_at = $3, \
             attempts = attempts + 1, last_error = NULL \
         WHERE id = $1 AND state IN ('requested', 'processing') RETURNING bill_id, amount_fen",
    )
    .bind(id)
    .bind(provider_refund_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((bill_id, amount)) = moved else {
        return Ok(None);
    };
    Ok(Some(
        crate::store::fees::add_refunded(tx, bill_id, amount, now).await?,
    ))
}

/// The orders a payer's receipt may show: the person's own households'.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReceiptRow {
    pub id: i64,
    pub bill_id: i64,
    pub account_no: String,
    pub holder_name: String,
    pub address: String,
    pub company_name: String,
    pub season_start_year: i64,
    pub provider: String,
    pub channel: String,
    pub amount_fen: i64,
    pub paid_fen: Option<i64>,
    pub state: String,
    pub transaction_id: Option<String>,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    pub handoff: Option<String>,
    pub invoice_title: Option<String>,
    pub invoice_state: Option<String>,
}

pub async fn receipt_visible_to(
    pool: &AnyPool,
    person_id: i64,
    order_id: i64,
) -> BackendResult<Option<ReceiptRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT o.id, o.bill_id, h.account_no, h.holder_name, \
             c.name || ' ' || b.name || ' ' || u.name || ' ' || h.room AS address, \
             hc.name AS company_name, fb.season_start_year, o.provider, o.channel, o.amount_fen, \
             o.paid_fen, o.state, o.transaction_id, o.created_at, o.paid_at, o.handoff, \
             i.title AS invoice_title, i.state AS invoice_state \
         FROM payment_orders o \
         JOIN fee_bills fb ON fb.id = o.bill_id \
         JOIN households h ON h.id = o.household_id \
         JOIN units u ON u.id = h.unit_id \
         JOIN buildings b ON b.id = u.building_id \
         JOIN communities c ON c.id = b.community_id \
         JOIN heating_companies hc ON hc.id = h.company_id \
         LEFT JOIN invoice_requests i ON i.payment_order_id = o.id \
         WHERE o.id = $2 AND o.household_id IN ({})",
        crate::store::access::OWN_HOUSEHOLDS
    ))
    .bind(person_id)
    .bind(order_id)
    .fetch_optional(pool)
    .await?)
}

/// Records an e-invoice request once per payment; whether it is new.
pub struct NewInvoice<'a> {
    pub payment_order_id: i64,
    pub title: &'a str,
    pub tax_no: Option<&'a str>,
    pub email: Option<&'a str>,
    pub requested_by: i64,
    pub now: i64,
}

pub async fn request_invoice(
    pool: &AnyPool,
    invoice: &NewInvoice<'_>,
) -> BackendResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO invoice_requests (payment_order_id, title, tax_no, email, state, requested_by, requested_at) \
         VALUES ($1, $2, $3, $4, 'requested', $5, $6) ON CONFLICT (payment_order_id) DO NOTHING RETURNING id",
    )
    .bind(invoice.payment_order_id)
    .bind(invoice.title)
    .bind(invoice.tax_no)
    .bind(invoice.email)
    .bind(invoice.requested_by)
    .bind(invoice.now)
    .fetch_optional(pool)
    .await?)
}

/// Marks an invoice issued by the invoicing adapter.
pub async fn invoice_issued(
    pool: &AnyPool,
    id: i64,
    provider_ref: &str,
    now: i64,
) -> BackendResult<()> {
    sqlx::query(
        "UPDATE invoice_requests SET state = 'issued', provider_ref = $2, issued_at = $3 \
         WHERE id = $1 AND state = 'requested'",
    )
    .bind(id)
    .bind(provider_ref)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Paid orders in `[from, to)`, for the company's daily payments file and
/// reconciliation: `(out_trade_no source id, provider, transaction, 分, paid_at, account_no)`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PaidOrderRow {
    pub id: i64,
    pub provider: String,
    pub transaction_id: Option<String>,
    pub paid_fen: Option<i64>,
    pub paid_at: Option<i64>,
    pub account_no: String,
    pub season_start_year: i64,
    pub billing_ref: Option<String>,
}

pub async fn paid_between(pool: &AnyPool, from: i64, to: i64) -> BackendResult<Vec<PaidOrderRow>> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.provider, o.transaction_id, o.paid_fen, o.paid_at, h.account_no, \
             fb.season_start_year, fb.billing_ref \
         FROM payment_orders o JOIN households h ON h.id = o.household_id \
         JOIN fee_bills fb ON fb.id = o.bill_id \
         WHERE o.state = 'paid' AND o.paid_at >= $1 AND o.paid_at < $2 ORDER BY o.paid_at, o.id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?)
}

/// A bill's paid orders with what each has left to refund (what it paid
/// less its refunds not failed), newest first: where refunds go back.
pub async fn refundable_payments(
    tx: &mut Transaction<'_, Any>,
    bill_id: i64,
) -> BackendResult<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT o.id, COALESCE(o.paid_fen, o.amount_fen) - COALESCE( \
             (SELECT CAST(SUM(r.amount_fen) AS BIGINT) FROM refund_orders r \
               WHERE r.payment_order_id = o.id AND r.state <> 'failed'), 0) \
         FROM payment_orders o WHERE o.bill_id = $1 AND o.state = 'paid' \
         ORDER BY o.paid_at DESC, o.id DESC",
    )
    .bind(bill_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// What a bill's refunds still under way (requested or processing) come to.
pub async fn refunds_under_way(tx: &mut Transaction<'_, Any>, bill_id: i64) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(CAST(SUM(amount_fen) AS BIGINT), 0) FROM refund_orders \
         WHERE bill_id = $1 AND state IN ('requested', 'processing')",
    )
    .bind(bill_id)
    .fetch_one(&mut **tx)
    .await?)
}
