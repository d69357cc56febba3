//! Heating fees: a resident's bills and payments, receipts and e-invoice
//! requests; whether bills are paid for grid workers and property
//! managers; tariffs and bill imports for admins.

use domain::fees::payment::Provider;
use domain::fees::views::{BillView, BuildingPaymentCounts, GridPaymentLine, Receipt};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// A resident's bills, and the ways they can pay from this browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBills {
    pub bills: Vec<BillView>,
    pub providers: Vec<Provider>,
}

/// The bills of the resident's households, with the providers this
/// browser can pay with.
#[server(input = GetUrl, prefix = "/api", endpoint = "me/bills")]
pub async fn load_my_bills() -> Result<MyBills, ServerFnError> {
    use crate::context::to_server_error;
    use domain::fees::payment::PayingBrowser;
    let call = crate::context::Call::signed_in().await?;
    let bills = backend::services::fees::my_bills(&call.db, &call.viewer)
        .await
        .map_err(to_server_error)?;
    let browser = PayingBrowser::from_user_agent(&call.origin.user_agent);
    let configured = call.payments.configured();
    let providers = browser
        .providers()
        .iter()
        .copied()
        .filter(|p| configured.contains(p))
        .collect();
    Ok(MyBills { bills, providers })
}

/// Pays what a bill still owes with `provider`: the payer goes on to the
/// provider's page, or to the payment page (a QR code, WeChat's sheet).
#[server(prefix = "/api", endpoint = "me/bills/pay")]
pub async fn start_payment(bill_id: i64, provider: String) -> Result<(), ServerFnError> {
    use crate::context::{refused, to_server_error};
    use backend::integrations::payments::HandOff;
    use backend::services::payments::PaymentRequest;
    use domain::fees::payment::PayingBrowser;
    let call = crate::context::Call::signed_in().await?;
    let provider = Provider::parse(&provider)
        .ok_or_else(|| refused(translations::text::fees_provider_unavailable))?;
    let openid = backend::store::wechat::openid_of_person(call.db.reader(), call.viewer.person_id)
        .await
        .map_err(to_server_error)?;
    let public = call.access.public_url.trim_end_matches('/').to_string();
    // The order's number is known only once it is opened: the payer comes
    // back to the bills page, which shows the order's outcome.
    let request = PaymentRequest {
        bill_id,
        provider,
        browser: PayingBrowser::from_user_agent(&call.origin.user_agent),
        openid,
        payer_ip: call.origin.client_addr.clone(),
        return_url: format!("{public}/me/bills?returned=1"),
    };
    let started = backend::services::payments::start(
        &call.db,
        &call.payments,
        &call.viewer,
        &request,
        call.now(),
    )
    .await
    .map_err(to_server_error)?;
    match started.hand_off {
        HandOff::Redirect { url } => leptos_axum::redirect(&url),
        HandOff::QrCode { .. } | HandOff::WeChatBridge(_) => {
            leptos_axum::redirect(&format!("/me/payments/{}", started.order_id))
        }
    }
    Ok(())
}

/// One payment of the resident's household: its receipt, or where to pay
/// while it is open.
#[server(input = GetUrl, prefix = "/api", endpoint = "me/payments/one")]
pub async fn load_receipt(id: i64) -> Result<Receipt, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::payments::receipt(&call.db, &call.viewer, id)
        .await
        .map_err(to_server_error)
}

/// Asks the provider now whether an open payment went through.
#[server(prefix = "/api", endpoint = "me/payments/check")]
pub async fn check_payment(id: i64) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::payments::check_now(&call.db, &call.payments, &call.viewer, id, call.now())
        .await
        .map_err(to_server_error)?;
    Ok(())
}

/// Asks for an e-invoice (电子发票) for a paid payment.
#[server(prefix = "/api", endpoint = "me/payments/invoice")]
pub async fn request_invoice(
    id: i64,
    title: String,
    tax_no: String,
    email: String,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use backend::services::payments::InvoiceForm;
    let call = crate::context::Call::signed_in().await?;
    backend::services::payments::request_invoice(
        &call.db,
        call.invoicer.as_ref(),
        &call.viewer,
        id,
        &InvoiceForm {
            title: &title,
            tax_no: &tax_no,
            email: &email,
        },
        call.now(),
    )
    .await
    .map_err(to_server_error)
}

/// What grid workers and property managers see of the season's bills.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeOverview {
    pub season_start_year: i32,
    /// A grid worker's households: paid or not, nothing of the amounts.
    pub grid: Option<Vec<GridPaymentLine>>,
    /// A property manager's buildings: counts only.
    pub buildings: Option<Vec<BuildingPaymentCounts>>,
}

/// The season's payment status within the viewer's scope.
#[server(input = GetUrl, prefix = "/api", endpoint = "fees/overview")]
pub async fn load_fee_overview() -> Result<FeeOverview, ServerFnError> {
    use crate::context::to_server_error;
    use domain::roles::Role;
    let call = crate::context::Call::signed_in().await?;
    let season = backend::services::public::season_now(&call.db, &call.settings, call.now(), None)
        .await
        .map_err(to_server_error)?
        .effective
        .start_year;
    let grid = if call.viewer.has(Role::GridWorker) {
        Some(
            backend::services::fees::grid_payment_status(&call.db, &call.viewer, season)
                .await
                .map_err(to_server_error)?,
        )
    } else {
        None
    };
    let buildings = if call.viewer.has(Role::PropertyManager) {
        Some(
            backend::services::fees::building_payment_counts(&call.db, &call.viewer, season)
                .await
                .map_err(to_server_error)?,
        )
    } else {
        None
    };
    if grid.is_none() && buildings.is_none() {
        return Err(to_server_error(backend::BackendError::Forbidden));
    }
    Ok(FeeOverview {
        season_start_year: season,
        grid,
        buildings,
    })
}

/// Imports bills from the billing system's CSV (admin): the good lines
/// kept, the others named.
#[server(prefix = "/api", endpoint = "admin/bills/import")]
pub async fn import_bills(csv: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let report =
        backend::services::fees::import_bills(&call.db, Some(&call.viewer), &csv, &call.origin)
            .await
            .map_err(to_server_error)?;
    if report.refused_count > 0 {
        return Err(to_server_error(backend::BackendError::Invalid(
            backend::services::fees::refusal_text(&report),
        )));
    }
    Ok(())
}

/// Sets a company's tariff for a season (admin).
#[server(prefix = "/api", endpoint = "admin/tariffs")]
pub async fn set_tariff(
    company_id: i64,
    season_start_year: i32,
    household_type: String,
    price_per_m2: String,
    suspended_share_percent: String,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use backend::services::fees::TariffForm;
    let call = crate::context::Call::signed_in().await?;
    backend::services::fees::set_tariff(
        &call.db,
        &call.viewer,
        &TariffForm {
            company_id,
            season_start_year,
            household_type: &household_type,
            price_per_m2: &price_per_m2,
            suspended_share_percent: &suspended_share_percent,
        },
        &call.origin,
    )
    .await
    .map_err(to_server_error)?;
    Ok(())
}
