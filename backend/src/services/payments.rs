//! Paying a bill: opening one order at a time with a provider, believing
//! a payment only from the provider (a verified notification or heatdesk's
//! own query), refunding what is paid beyond the bill, receipts and
//! e-invoice requests.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::integrations::payments::{
    HandOff, OrderAtProvider, OrderToStart, PaymentNotice, PaymentProviders, ProviderFailure,
    RefundAtProvider, RefundToSend,
};
use crate::integrations::sms::TextTemplate;
use crate::services::delivery::queue_text;
use crate::services::identity::Viewer;
use crate::store::fees::{self as bills, BillMoney};
use crate::store::{households, payments as store};
use domain::fees::money::Fen;
use domain::fees::payment::{
    order_id_of, out_refund_no, out_trade_no, PayingBrowser, PaymentState, Provider, RefundReason,
    CLOSE_AFTER_SECONDS, MAX_REFUND_ATTEMPTS, QUERY_AFTER_SECONDS,
};
use domain::fees::views::{Receipt, ReceiptHandOff};
use domain::roles::Role;
use sqlx::{Any, Transaction};
use translations::{text, Lang};

/// A resident's request to pay a bill.
#[derive(Clone, Debug)]
pub struct PaymentRequest {
    pub bill_id: i64,
    pub provider: Provider,
    pub browser: PayingBrowser,
    /// The payer's WeChat openid, when they signed in with WeChat.
    pub openid: Option<String>,
    pub payer_ip: String,
    /// The portal's address the payer comes back to.
    pub return_url: String,
}

/// An order opened with its provider, and where the payer goes.
#[derive(Clone, Debug)]
pub struct StartedPayment {
    pub order_id: i64,
    pub hand_off: HandOff,
}

/// Opens an order for what the bill still owes and hands it to the
/// provider. One open order per bill, held by a unique index: a second
/// phone of the household is refused while the first pays.
pub async fn start(
    db: &Database,
    providers: &PaymentProviders,
    viewer: &Viewer,
    request: &PaymentRequest,
    now: i64,
) -> BackendResult<StartedPayment> {
    viewer.require(Role::Resident)?;
    let bill = bills::own_bill(db.reader(), viewer.person_id, request.bill_id)
        .await?
        .ok_or(BackendError::NotFound(text::fees_bill_not_found))?;
    let owed = bill.figures().owed();
    if owed == Fen::ZERO {
        return Err(BackendError::refused(text::fees_already_paid));
    }
    if !providers.configured().contains(&request.provider)
        || !request.browser.providers().contains(&request.provider)
    {
        return Err(BackendError::refused(text::fees_provider_unavailable));
    }
    let channel = request
        .browser
        .channel(request.provider, request.openid.is_some());
    let order_id = store::open_order(
        db.writer(),
        &store::NewOrder {
            bill_id: bill.id,
            household_id: bill.household_id,
            payer_id: viewer.person_id,
            channel: channel.as_str(),
            provider: request.provider.as_str(),
            amount_fen: owed.0,
            now,
        },
    )
    .await?
    .ok_or(BackendError::refused(text::fees_payment_open))?;
    let order = OrderToStart {
        out_trade_no: out_trade_no(order_id),
        description: text::fees_order_description(
            Lang::Zh,
            &bill.account_no,
            &bill.company_name,
            domain::season::season_label(
                i32::try_from(bill.season_start_year).unwrap_or_default(),
                Lang::Zh,
            ),
        ),
        amount: owed,
        channel,
        openid: request.openid.clone(),
        payer_ip: request.payer_ip.clone(),
        return_url: request.return_url.clone(),
        expires_at: now + CLOSE_AFTER_SECONDS,
    };
    match providers.start(&order).await {
        Ok(hand_off) => {
            let kept = serde_json::to_string(&hand_off)
                .map_err(|e| BackendError::Internal(e.to_string()))?;
            store::set_handoff(db.writer(), order_id, &kept).await?;
            store::move_order(
                db.writer(),
                order_id,
                &[PaymentState::Created],
                PaymentState::Paying,
                now,
            )
            .await?;
            Ok(StartedPayment { order_id, hand_off })
        }
        Err(failure) => {
            tracing::warn!(order_id, %failure, "the provider did not open the order");
            // Frees the bill for another try; a payment that still arrives
            // for this order is believed, and refunded if beyond the bill.
            store::move_order(
                db.writer(),
                order_id,
                &[PaymentState::Created],
                PaymentState::Failed,
                now,
            )
            .await?;
            Err(BackendError::refused(text::fees_provider_failed))
        }
    }
}

/// What a notification or a query did to the portal's books.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settlement {
    /// The order became paid now; `refund` when the bill was already paid.
    Paid { refund: Option<i64> },
    /// It had been paid before: nothing changed.
    AlreadyPaid,
    /// No order of ours has this number (or it is another provider's).
    UnknownOrder,
    /// A notification that does not say paid: kept, nothing else.
    Noted,
}

/// Books a payment the provider confirmed, once: the order paid, the
/// money on the bill, a refund of anything beyond the bill, a text to the
/// household. In the caller's transaction.
async fn settle_paid(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
    provider: Provider,
    transaction_id: &str,
    amount: Fen,
    now: i64,
) -> BackendResult<Settlement> {
    let Some((bill_id, household_id, order_provider)) = store::order_parties(tx, order_id).await?
    else {
        return Ok(Settlement::UnknownOrder);
    };
    if order_provider != provider.as_str() {
        return Ok(Settlement::UnknownOrder);
    }
    if !store::mark_paid(tx, order_id, transaction_id, amount.0, now).await? {
        return Ok(Settlement::AlreadyPaid);
    }
    let figures = bills::add_paid(tx, bill_id, amount.0, now).await?.figures();
    // Only this payment's part of what is held beyond the bill goes back,
    // less refunds already under way.
    let under_way = store::refunds_under_way(tx, bill_id).await?;
    let beyond = Fen((figures.overpaid().0 - under_way).clamp(0, amount.0));
    let refund = if beyond > Fen::ZERO {
        store::request_refund(
            tx,
            &store::NewRefund {
                payment_order_id: order_id,
                bill_id,
                amount_fen: beyond.0,
                reason: RefundReason::PaidTwice.as_str(),
                cause: &format!("paid_twice:{order_id}"),
                now,
            },
        )
        .await?
    } else {
        None
    };
    let account_no = households::account_no_of(&mut **tx, household_id).await?;
    let news = match refund {
        Some(_) => text::fees_paid_twice_news(Lang::Zh, amount.to_string(), transaction_id),
        None => text::fees_paid_news(
            Lang::Zh,
            amount.to_string(),
            figures.owed().to_string(),
            transaction_id,
        ),
    };
    for (person_id, phone) in households::bound_residents(&mut **tx, household_id).await? {
        let message = TextTemplate::AccountNews {
            account_no: account_no.clone(),
            news: news.clone(),
        };
        queue_text(
            tx,
            &phone,
            &format!("paid:{order_id}:{person_id}"),
            &message,
            now,
        )
        .await?;
    }
    Ok(Settlement::Paid { refund })
}

/// Refunds what a bill holds beyond what is due (a reduction, a lowered
/// bill), less refunds already under way, through its paid orders newest
/// first, each up to what it has left; once per `cause` and order. In the
/// caller's transaction; what was asked back.
pub(crate) async fn refund_beyond_bill(
    tx: &mut Transaction<'_, Any>,
    bill_id: i64,
    money: &BillMoney,
    reason: RefundReason,
    cause: &str,
    now: i64,
) -> BackendResult<Fen> {
    let overpaid = money.figures().overpaid();
    let mut left = overpaid.0 - store::refunds_under_way(tx, bill_id).await?;
    let mut asked = 0;
    for (order_id, refundable) in store::refundable_payments(tx, bill_id).await? {
        let back = left.min(refundable);
        if back <= 0 {
            continue;
        }
        let refund = store::NewRefund {
            payment_order_id: order_id,
            bill_id,
            amount_fen: back,
            reason: reason.as_str(),
            cause: &format!("{cause}:{order_id}"),
            now,
        };
        if store::request_refund(tx, &refund).await?.is_some() {
            left -= back;
            asked += back;
        }
    }
    Ok(Fen(asked))
}

/// A verified notification, applied once however often it arrives.
pub async fn receive_notice(
    db: &Database,
    notice: &PaymentNotice,
    now: i64,
) -> BackendResult<Settlement> {
    let mut tx = db.writer().begin().await?;
    store::record_notice(
        &mut tx,
        notice.provider.as_str(),
        &notice.out_trade_no,
        &notice.transaction_id,
        notice.amount.0,
        notice.paid,
        now,
    )
    .await?;
    let settlement = match (notice.paid, order_id_of(&notice.out_trade_no)) {
        (false, _) => Settlement::Noted,
        (true, None) => Settlement::UnknownOrder,
        (true, Some(order_id)) => {
            settle_paid(
                &mut tx,
                order_id,
                notice.provider,
                &notice.transaction_id,
                notice.amount,
                now,
            )
            .await?
        }
    };
    tx.commit().await?;
    if settlement == Settlement::UnknownOrder {
        tracing::warn!(out_trade_no = %notice.out_trade_no, "a verified payment for no order of ours");
    }
    Ok(settlement)
}

/// What one round of following up did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FollowUp {
    pub queried: usize,
    pub paid: usize,
    pub closed: usize,
    pub refunds_sent: usize,
    pub refunds_failed: usize,
}

/// Asks the providers about orders quiet for [`QUERY_AFTER_SECONDS`]:
/// books the paid ones, closes those left unpaid for
/// [`CLOSE_AFTER_SECONDS`] (at the provider first, so they cannot be paid
/// after).
pub async fn follow_up_orders(
    db: &Database,
    providers: &PaymentProviders,
    now: i64,
) -> BackendResult<FollowUp> {
    let mut done = FollowUp::default();
    let quiet = store::claim_quiet_orders(
        db.writer(),
        now - QUERY_AFTER_SECONDS,
        now - QUERY_AFTER_SECONDS,
        now,
        50,
    )
    .await?;
    for order in quiet {
        let Some(provider) = Provider::parse(&order.provider) else {
            continue;
        };
        let number = out_trade_no(order.id);
        done.queried += 1;
        let open = [PaymentState::Created, PaymentState::Paying];
        match providers.query(provider, &number).await {
            Ok(OrderAtProvider::Paid {
                transaction_id,
                amount,
            }) => {
                let mut tx = db.writer().begin().await?;
                let settled =
                    settle_paid(&mut tx, order.id, provider, &transaction_id, amount, now).await?;
                tx.commit().await?;
                if matches!(settled, Settlement::Paid { .. }) {
                    done.paid += 1;
                }
            }
            Ok(OrderAtProvider::Closed) => {
                if store::move_order(db.writer(), order.id, &open, PaymentState::Closed, now)
                    .await?
                {
                    done.closed += 1;
                }
            }
            Ok(OrderAtProvider::Waiting | OrderAtProvider::Unknown)
                if now - order.created_at >= CLOSE_AFTER_SECONDS =>
            {
                match providers.close(provider, &number).await {
                    Ok(()) => {
                        if store::move_order(
                            db.writer(),
                            order.id,
                            &open,
                            PaymentState::Closed,
                            now,
                        )
                        .await?
                        {
                            done.closed += 1;
                        }
                    }
                    Err(failure) => {
                        tracing::warn!(order = order.id, %failure, "closing an unpaid order")
                    }
                }
            }
            Ok(_) => {}
            Err(failure) => tracing::warn!(order = order.id, %failure, "querying an order"),
        }
    }
    let refunds = store::pending_refunds(db.reader(), 50).await?;
    for refund in refunds {
        let Some(provider) = Provider::parse(&refund.provider) else {
            continue;
        };
        let reason = RefundReason::parse(&refund.reason).unwrap_or(RefundReason::PaidTwice);
        let sent = providers
            .refund(
                provider,
                &RefundToSend {
                    out_trade_no: out_trade_no(refund.payment_order_id),
                    out_refund_no: out_refund_no(refund.id),
                    refund: Fen(refund.amount_fen),
                    paid_total: Fen(refund.order_paid_fen),
                    reason: reason.label(Lang::Zh).to_string(),
                },
            )
            .await;
        match sent {
            Ok(RefundAtProvider::Succeeded { refund_id }) => {
                let mut tx = db.writer().begin().await?;
                store::refund_succeeded(&mut tx, refund.id, &refund_id, now).await?;
                tx.commit().await?;
                done.refunds_sent += 1;
            }
            Ok(RefundAtProvider::Processing { .. }) => {
                store::refund_attempted(db.writer(), refund.id, "processing", None).await?;
            }
            // A refusal may pass (a low merchant balance, a rate limit):
            // tried again each round, given up after the last attempt.
            Err(ProviderFailure::Refused { code, message }) => {
                let last = refund.attempts + 1 >= MAX_REFUND_ATTEMPTS;
                store::refund_attempted(
                    db.writer(),
                    refund.id,
                    if last { "failed" } else { "requested" },
                    Some(&format!("{code} {message}")),
                )
                .await?;
                if last {
                    done.refunds_failed += 1;
                }
            }
            Err(failure) => {
                store::refund_attempted(
                    db.writer(),
                    refund.id,
                    &refund.state,
                    Some(&failure.to_string()),
                )
                .await?;
            }
        }
    }
    Ok(done)
}

/// A receipt, for the payer's household only.
pub async fn receipt(db: &Database, viewer: &Viewer, order_id: i64) -> BackendResult<Receipt> {
    let row = store::receipt_visible_to(db.reader(), viewer.person_id, order_id)
        .await?
        .ok_or(BackendError::NotFound(text::fees_receipt_not_found))?;
    Ok(Receipt {
        order_id: row.id,
        out_trade_no: out_trade_no(row.id),
        bill_id: row.bill_id,
        account_no: row.account_no,
        holder_name: row.holder_name,
        address: row.address,
        company_name: row.company_name,
        season_start_year: i32::try_from(row.season_start_year).unwrap_or_default(),
        provider: Provider::parse(&row.provider).unwrap_or(Provider::WeChatPay),
        channel: domain::fees::payment::Channel::parse(&row.channel)
            .unwrap_or(domain::fees::payment::Channel::WeChatH5),
        amount: Fen(row.paid_fen.unwrap_or(row.amount_fen)),
        state: PaymentState::parse(&row.state).unwrap_or(PaymentState::Created),
        transaction_id: row.transaction_id,
        created_at: row.created_at,
        paid_at: row.paid_at,
        // Where to pay, only while the order is open.
        hand_off: row
            .handoff
            .filter(|_| PaymentState::parse(&row.state).is_some_and(PaymentState::is_open))
            .and_then(|kept| serde_json::from_str::<HandOff>(&kept).ok())
            .map(|hand_off| match hand_off {
                HandOff::Redirect { url } => ReceiptHandOff::Page { url },
                HandOff::QrCode { code_url } => ReceiptHandOff::QrCode {
                    svg: crate::qr::qr_svg(&code_url).unwrap_or_default(),
                    code_url,
                },
                HandOff::WeChatBridge(params) => ReceiptHandOff::WeChatSheet {
                    params: serde_json::to_string(&params).unwrap_or_default(),
                },
            }),
        invoice_issued: row.invoice_state.as_deref() == Some("issued"),
        invoice_title: row.invoice_title,
    })
}

/// How often a payer's "check again" may ask the provider about one order.
pub const CHECK_GAP_SECONDS: i64 = 5;

/// The payer's receipt after asking the provider about the order now (the
/// page the provider sends the payer back to proves nothing by itself).
pub async fn check_now(
    db: &Database,
    providers: &PaymentProviders,
    viewer: &Viewer,
    order_id: i64,
    now: i64,
) -> BackendResult<Receipt> {
    let before = receipt(db, viewer, order_id).await?;
    if before.state.is_open()
        && store::claim_query(db.writer(), order_id, now, CHECK_GAP_SECONDS).await?
    {
        match providers.query(before.provider, &before.out_trade_no).await {
            Ok(OrderAtProvider::Paid {
                transaction_id,
                amount,
            }) => {
                let mut tx = db.writer().begin().await?;
                settle_paid(
                    &mut tx,
                    order_id,
                    before.provider,
                    &transaction_id,
                    amount,
                    now,
                )
                .await?;
                tx.commit().await?;
            }
            Ok(_) => {}
            Err(failure) => tracing::warn!(order_id, %failure, "checking an order"),
        }
        return receipt(db, viewer, order_id).await;
    }
    Ok(before)
}

/// An e-invoice request as the receipt page's form states it.
#[derive(Clone, Debug)]
pub struct InvoiceForm<'a> {
    pub title: &'a str,
    pub tax_no: &'a str,
    pub email: &'a str,
}

/// Issues e-invoices (电子发票): the company's provider, configured by the
/// company; [`RecordingInvoicer`] until then.
pub trait Invoicer: Send + Sync + std::fmt::Debug {
    /// Hands a request over; the provider's reference once issued, or
    /// `None` when it will be issued later.
    fn issue(&self, request: &InvoiceToIssue) -> Option<String>;
}

/// What an invoicer is handed.
#[derive(Clone, Debug)]
pub struct InvoiceToIssue {
    pub request_id: i64,
    pub out_trade_no: String,
    pub amount: Fen,
    pub title: String,
    pub tax_no: Option<String>,
    pub email: Option<String>,
}

/// Keeps requests for the company to issue from its own system (logged).
#[derive(Debug)]
pub struct RecordingInvoicer;

impl Invoicer for RecordingInvoicer {
    fn issue(&self, request: &InvoiceToIssue) -> Option<String> {
        tracing::info!(request = request.request_id, order = %request.out_trade_no, "e-invoice requested");
        None
    }
}

/// Records an e-invoice request for a paid order of the payer's household
/// and hands it to the invoicer. Once per payment.
pub async fn request_invoice(
    db: &Database,
    invoicer: &dyn Invoicer,
    viewer: &Viewer,
    order_id: i64,
    form: &InvoiceForm<'_>,
    now: i64,
) -> BackendResult<()> {
    let receipt = receipt(db, viewer, order_id).await?;
    if receipt.state != PaymentState::Paid {
        return Err(BackendError::refused(text::fees_invoice_unpaid));
    }
    let (title, tax_no, email) =
        domain::fees::invoice::check_invoice_request(form.title, form.tax_no, form.email)
            .map_err(BackendError::refused)?;
    let id = store::request_invoice(
        db.writer(),
        &store::NewInvoice {
            payment_order_id: order_id,
            title: &title,
            tax_no: tax_no.as_deref(),
            email: email.as_deref(),
            requested_by: viewer.person_id,
            now,
        },
    )
    .await?
    .ok_or(BackendError::refused(text::fees_invoice_requested_before))?;
    if let Some(reference) = invoicer.issue(&InvoiceToIssue {
        request_id: id,
        out_trade_no: receipt.out_trade_no,
        amount: receipt.amount,
        title,
        tax_no,
        email,
    }) {
        store::invoice_issued(db.writer(), id, &reference, now).await?;
    }
    Ok(())
}
