//! What the bill pages show, as the server hands it to them.

use super::bill::{BillFigures, HouseholdType, PaidStatus};
use super::money::{CentiM2, Fen};
use super::payment::{Channel, PaymentState, Provider, RefundReason, RefundState};
use crate::clock::UnixSeconds;
use serde::{Deserialize, Serialize};

/// A fee reduction on a bill, with its complaint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionLine {
    pub case_no: String,
    pub amount: Fen,
    pub lowest_tenths: i32,
    pub days: i64,
    pub percent: i64,
    pub granted_at: UnixSeconds,
}

/// A payment order on a bill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLine {
    pub id: i64,
    pub provider: Provider,
    pub amount: Fen,
    pub state: PaymentState,
    pub transaction_id: Option<String>,
    pub created_at: UnixSeconds,
    pub paid_at: Option<UnixSeconds>,
}

/// A refund on a bill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLine {
    pub amount: Fen,
    pub reason: RefundReason,
    pub state: RefundState,
    pub requested_at: UnixSeconds,
    pub finished_at: Option<UnixSeconds>,
}

/// A season bill with everything on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillView {
    pub id: i64,
    pub household_id: i64,
    pub account_no: String,
    pub holder_name: String,
    pub address: String,
    pub company_name: String,
    pub season_start_year: i32,
    pub household_type: HouseholdType,
    pub area: CentiM2,
    pub price_per_m2: Fen,
    pub figures: BillFigures,
    pub due_at: UnixSeconds,
    pub reductions: Vec<ReductionLine>,
    pub payments: Vec<PaymentLine>,
    pub refunds: Vec<RefundLine>,
}

impl BillView {
    /// The order being paid now, if any.
    pub fn open_payment(&self) -> Option<&PaymentLine> {
        self.payments.iter().find(|p| p.state.is_open())
    }
}

/// A receipt for one payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub order_id: i64,
    pub out_trade_no: String,
    pub bill_id: i64,
    pub account_no: String,
    pub holder_name: String,
    pub address: String,
    pub company_name: String,
    pub season_start_year: i32,
    pub provider: Provider,
    pub channel: Channel,
    pub amount: Fen,
    pub state: PaymentState,
    pub transaction_id: Option<String>,
    pub created_at: UnixSeconds,
    pub paid_at: Option<UnixSeconds>,
    /// Where to pay while the order is open.
    pub hand_off: Option<ReceiptHandOff>,
    /// The e-invoice asked for (its title), once asked.
    pub invoice_title: Option<String>,
    pub invoice_issued: bool,
}

/// Whether a household in a grid worker's grid has paid: nothing more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridPaymentLine {
    pub account_no: String,
    pub address: String,
    /// `None`: no bill for the season yet.
    pub status: Option<PaidStatus>,
}

/// A property manager's building: how many billed households have paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingPaymentCounts {
    pub building: String,
    pub billed: i64,
    pub paid: i64,
}

/// Where the payer pays an open order, as the payment page offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReceiptHandOff {
    /// The provider's page (WeChat's H5 page, Alipay's cashier).
    Page { url: String },
    /// A QR code for WeChat to scan, and its picture (SVG).
    QrCode { code_url: String, svg: String },
    /// WeChat's payment sheet, its parameters as JSON.
    WeChatSheet { params: String },
}
