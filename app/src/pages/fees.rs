//! 热费: a resident's season bills (what is owed, paid, reduced and
//! refunded, with earlier seasons), paying with WeChat Pay or Alipay, the
//! payment page and its receipt; the season's payment status for grid
//! workers and property managers; tariffs and bill imports for admins.

use crate::api::fees::{
    load_fee_overview, load_my_bills, load_receipt, CheckPayment, ImportBills, RequestInvoice,
    SetTariff, StartPayment,
};
use crate::components::feedback::{error_in_address, loaded, ActionOutcome};
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::clock::{format_date, format_full};
use domain::fees::bill::PaidStatus;
use domain::fees::payment::{PaymentState, Provider};
use domain::fees::views::{BillView, Receipt, ReceiptHandOff};
use domain::season::season_label;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Script, Title};
use leptos_router::hooks::{use_params_map, use_query_map};
use translations::{text, Lang};

fn status_badge(status: PaidStatus, lang: Lang) -> impl IntoView {
    let class = match status {
        PaidStatus::Paid => "badge badge--on",
        PaidStatus::PartlyPaid => "badge badge--warning",
        PaidStatus::Unpaid => "badge badge--danger",
    };
    view! { <span class=class data-status=status.as_str()>{status.label(lang)}</span> }
}

/// /me/bills
#[component]
pub fn MyBillsPage() -> impl IntoView {
    let lang = use_lang();
    let bills = Resource::new(|| (), |_| load_my_bills());
    let returned = use_query_map().read_untracked().get("returned").is_some();
    view! {
        <Title text=text::fees_page_title(lang) />
        <h1 class="page-title">{text::fees_page_title(lang)}</h1>
        {returned.then(|| view! {
            <p class="notice" role="status">{text::fees_returned_from_provider(lang)}</p>
        })}
        {error_in_address(StartPayment::url())}
        {loaded(bills, move |mine| {
            if mine.bills.is_empty() {
                return view! {
                    <section class="card"><p>{text::fees_no_bills(lang)}</p></section>
                }
                .into_any();
            }
            // The newest season of each household first, earlier ones after.
            let mut seen = std::collections::HashSet::new();
            let (current, earlier): (Vec<BillView>, Vec<BillView>) =
                mine.bills.into_iter().partition(|bill| seen.insert(bill.household_id));
            let providers = mine.providers.clone();
            view! {
                {current
                    .into_iter()
                    .map(|bill| view! { <BillCard bill providers=providers.clone() /> })
                    .collect_view()}
                {(!earlier.is_empty()).then(|| view! { <EarlierBills bills=earlier /> })}
            }
            .into_any()
        })}
    }
}

#[component]
fn BillCard(bill: BillView, providers: Vec<Provider>) -> impl IntoView {
    let lang = use_lang();
    let figures = bill.figures;
    let season = season_label(bill.season_start_year, lang);
    let open = bill.open_payment().cloned();
    let owed = figures.owed();
    let pay = (owed.0 > 0).then(|| match open {
        Some(payment) => view! {
            <p class="notice">
                {text::fees_payment_under_way(lang)}" "
                <a href=format!("/me/payments/{}", payment.id)>{text::fees_see_payment(lang)}</a>
            </p>
        }
        .into_any(),
        None if providers.is_empty() => {
            view! { <p class="muted">{text::fees_no_provider_here(lang)}</p> }.into_any()
        }
        None => {
            let buttons = providers
                .iter()
                .map(|provider| {
                    view! {
                        <button class="button pay-button" type="submit" name="provider"
                            value=provider.as_str() data-provider=provider.as_str()>
                            {text::fees_pay_with(lang, provider.label(lang))}
                        </button>
                    }
                })
                .collect_view();
            view! {
                <form class="form pay-form" method="post" action=StartPayment::url()>
                    <input type="hidden" name="bill_id" value=bill.id />
                    <p class="owed">{text::fees_to_pay(lang, owed.to_string())}</p>
                    <div class="pay-form__buttons">{buttons}</div>
                </form>
            }
            .into_any()
        }
    });
    let reductions = bill
        .reductions
        .iter()
        .map(|r| {
            view! {
                <li>
                    {format!("-{} ", r.amount)}
                    {text::fees_reduction_line(lang, &r.case_no, r.days, format!("{:.1}", f64::from(r.lowest_tenths) / 10.0), r.percent)}
                </li>
            }
        })
        .collect_view();
    let payments = bill
        .payments
        .iter()
        .filter(|p| p.state != PaymentState::Failed)
        .map(|p| {
            view! {
                <li data-state=p.state.as_str()>
                    <a href=format!("/me/payments/{}", p.id)>
                        {format!("{} {} · {}", format_date(p.paid_at.unwrap_or(p.created_at), lang), p.amount, p.provider.label(lang))}
                    </a>
                    " "<span class="muted">{p.state.label(lang)}</span>
                </li>
            }
        })
        .collect_view();
    let refunds = bill
        .refunds
        .iter()
        .map(|r| {
            view! {
                <li data-state=r.state.as_str()>
                    {format!("{} · {} · {}", r.amount, r.reason.label(lang), r.state.label(lang))}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card bill" aria-label=format!("{} {}", bill.address, season)>
            <h2 class="card__title">{season.clone()}" "{text::fees_heating_fee(lang)}</h2>
            <div class="bill__status">{status_badge(figures.status(), lang)}</div>
            <dl class="facts">
                <dt>{text::fees_address(lang)}</dt><dd>{bill.address.clone()}</dd>
                <dt>{text::me_account(lang)}</dt><dd>{bill.account_no.clone()}</dd>
                <dt>{text::fees_area(lang)}</dt><dd>{format!("{} m²", bill.area.square_metres())}</dd>
                <dt>{text::fees_price(lang)}</dt><dd>{format!("{}/m²（{}）", bill.price_per_m2, bill.household_type.label(lang))}</dd>
                <dt>{text::fees_amount(lang)}</dt><dd class="bill__amount">{figures.amount.to_string()}</dd>
                <dt>{text::fees_reductions(lang)}</dt><dd class="bill__reductions">{figures.reductions.to_string()}</dd>
                <dt>{text::fees_paid(lang)}</dt><dd class="bill__paid">{figures.kept().to_string()}</dd>
                <dt>{text::fees_owed(lang)}</dt><dd class="bill__owed">{owed.to_string()}</dd>
                <dt>{text::fees_due(lang)}</dt><dd>{format_date(bill.due_at - 1, lang)}</dd>
                <dt>{text::outage_heating_company(lang)}</dt><dd>{bill.company_name.clone()}</dd>
            </dl>
            {(!bill.reductions.is_empty()).then(|| view! {
                <h3>{text::fees_reductions(lang)}</h3><ul class="bill__lines">{reductions}</ul>
            })}
            {(!bill.payments.is_empty()).then(|| view! {
                <h3>{text::fees_payments(lang)}</h3><ul class="bill__lines">{payments}</ul>
            })}
            {(!bill.refunds.is_empty()).then(|| view! {
                <h3>{text::fees_refunds(lang)}</h3><ul class="bill__lines">{refunds}</ul>
            })}
            {pay}
        </section>
    }
}

#[component]
fn EarlierBills(bills: Vec<BillView>) -> impl IntoView {
    let lang = use_lang();
    let rows = bills
        .into_iter()
        .map(|bill| {
            view! {
                <tr>
                    <td>{season_label(bill.season_start_year, lang)}</td>
                    <td>{bill.account_no}</td>
                    <td>{bill.figures.amount.to_string()}</td>
                    <td>{bill.figures.reductions.to_string()}</td>
                    <td>{bill.figures.kept().to_string()}</td>
                    <td>{status_badge(bill.figures.status(), lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2 class="card__title">{text::fees_earlier_seasons(lang)}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label=text::fees_earlier_seasons(lang)>
            <table class="table">
                <thead><tr>
                    <th>{text::fees_season(lang)}</th><th>{text::me_account(lang)}</th>
                    <th>{text::fees_amount(lang)}</th><th>{text::fees_reductions(lang)}</th>
                    <th>{text::fees_paid(lang)}</th><th>{text::fees_status(lang)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
        </section>
    }
}

/// /me/payments/:id — where to pay while open, the receipt once paid.
#[component]
pub fn PaymentPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || parse_id(params.read().get("id")).unwrap_or(0);
    let invoice = ServerAction::<RequestInvoice>::new();
    let receipt = Resource::new(
        move || (id(), invoice.version().get()),
        |(id, _)| load_receipt(id),
    );
    view! {
        <Title text=text::fees_receipt_title(lang) />
        {error_in_address(CheckPayment::url())}
        {loaded(receipt, move |receipt| view! { <ReceiptCard receipt invoice /> })}
    }
}

#[component]
fn ReceiptCard(receipt: Receipt, invoice: ServerAction<RequestInvoice>) -> impl IntoView {
    let lang = use_lang();
    let open = receipt.state.is_open();
    let paid = receipt.state == PaymentState::Paid;
    let hand_off = receipt.hand_off.clone().map(|hand_off| match hand_off {
        ReceiptHandOff::Page { url } => view! {
            <a class="button" href=url>{text::fees_go_pay(lang, receipt.provider.label(lang))}</a>
        }
        .into_any(),
        ReceiptHandOff::QrCode { code_url, svg } => view! {
            <figure class="pay-qr">
                <div class="pay-qr__code" inner_html=svg></div>
                <figcaption>{text::fees_scan_with_wechat(lang)}</figcaption>
                <input type="hidden" name="code_url" value=code_url />
            </figure>
        }
        .into_any(),
        ReceiptHandOff::WeChatSheet { params } => view! {
            <button class="button" type="button" data-wechat-pay=params>{text::fees_pay_in_wechat(lang)}</button>
        }
        .into_any(),
    });
    view! {
        <Script src="/payment.js" defer="defer" />
        <h1 class="page-title">{if paid { text::fees_receipt_title(lang) } else { text::fees_payment_title(lang) }}</h1>
        <section class="card receipt" data-state=receipt.state.as_str()>
            <p class="receipt__state">{receipt.state.label(lang)}</p>
            <dl class="facts">
                <dt>{text::fees_company(lang)}</dt><dd>{receipt.company_name.clone()}</dd>
                <dt>{text::fees_season(lang)}</dt><dd>{season_label(receipt.season_start_year, lang)}</dd>
                <dt>{text::me_account(lang)}</dt><dd>{receipt.account_no.clone()}</dd>
                <dt>{text::me_holder(lang)}</dt><dd>{receipt.holder_name.clone()}</dd>
                <dt>{text::fees_address(lang)}</dt><dd>{receipt.address.clone()}</dd>
                <dt>{text::fees_amount_paid(lang)}</dt><dd class="receipt__amount">{receipt.amount.to_string()}</dd>
                <dt>{text::fees_channel(lang)}</dt><dd>{receipt.provider.label(lang)}</dd>
                <dt>{text::fees_order_no(lang)}</dt><dd>{receipt.out_trade_no.clone()}</dd>
                {receipt.transaction_id.clone().map(|id| view! {
                    <dt>{text::fees_transaction_no(lang)}</dt><dd class="receipt__transaction">{id}</dd>
                })}
                <dt>{text::fees_time(lang)}</dt><dd>{format_full(receipt.paid_at.unwrap_or(receipt.created_at), lang)}</dd>
            </dl>
            {open.then(|| view! {
                <p class="notice">{text::fees_waiting_for_provider(lang)}</p>
                {hand_off}
                <form id="check-payment" class="form" method="post" action=CheckPayment::url()>
                    <input type="hidden" name="id" value=receipt.order_id />
                    <button class="button button--secondary" type="submit">{text::fees_check_now(lang)}</button>
                </form>
            })}
            {paid.then(|| view! {
                // Shown by public/payment.js, where printing can work.
                <p class="no-print"><button class="button button--secondary" type="button" data-print="" hidden>{text::fees_print(lang)}</button></p>
            })}
            <p class="no-print"><a href="/me/bills">{text::fees_back_to_bills(lang)}</a></p>
        </section>
        {paid.then(|| match receipt.invoice_title.clone() {
            Some(title) => view! {
                <section class="card">
                    <h2 class="card__title">{text::fees_invoice(lang)}</h2>
                    <p>{if receipt.invoice_issued { text::fees_invoice_issued(lang, title) } else { text::fees_invoice_requested(lang, title) }}</p>
                </section>
            }
            .into_any(),
            None => view! {
                <section class="card no-print">
                    <h2 class="card__title">{text::fees_invoice(lang)}</h2>
                    <ActionForm action=invoice attr:class="form">
                        <input type="hidden" name="id" value=receipt.order_id />
                        <label class="field">
                            <span class="field__label">{text::fees_invoice_title_label(lang)}</span>
                            <input class="field__input" type="text" name="title" maxlength="100" required />
                        </label>
                        <label class="field">
                            <span class="field__label">{text::fees_invoice_tax_no_label(lang)}</span>
                            <input class="field__input" type="text" name="tax_no" maxlength="20" autocapitalize="characters" />
                        </label>
                        <label class="field">
                            <span class="field__label">{text::fees_invoice_email_label(lang)}</span>
                            <input class="field__input" type="email" name="email" maxlength="254" />
                        </label>
                        <ActionOutcome action=invoice done=text::fees_invoice_sent(lang) />
                        <button class="button" type="submit">{text::fees_request_invoice(lang)}</button>
                    </ActionForm>
                </section>
            }
            .into_any(),
        })}
    }
}

/// /fees — the season's payment status: a grid worker's households (paid
/// or not), a property manager's buildings (counts).
#[component]
pub fn FeeOverviewPage() -> impl IntoView {
    let lang = use_lang();
    let overview = Resource::new(|| (), |_| load_fee_overview());
    view! {
        <Title text=text::fees_overview_title(lang) />
        <h1 class="page-title">{text::fees_overview_title(lang)}</h1>
        {loaded(overview, move |overview| {
            let season = season_label(overview.season_start_year, lang);
            let grid = overview.grid.map(|lines| {
                let rows = lines
                    .into_iter()
                    .map(|line| view! {
                        <tr>
                            <td>{line.address}</td><td>{line.account_no}</td>
                            <td>{match line.status {
                                Some(status) => status_badge(status, lang).into_any(),
                                None => view! { <span class="muted">{text::fees_not_billed(lang)}</span> }.into_any(),
                            }}</td>
                        </tr>
                    })
                    .collect_view();
                view! {
                    <section class="card">
                        <h2 class="card__title">{season.clone()}" "{text::fees_grid_households(lang)}</h2>
                        <div class="table-wrap" tabindex="0" role="region" aria-label=text::fees_grid_households(lang)>
                        <table class="table"><thead><tr>
                            <th>{text::fees_address(lang)}</th><th>{text::me_account(lang)}</th><th>{text::fees_status(lang)}</th>
                        </tr></thead><tbody>{rows}</tbody></table>
                        </div>
                    </section>
                }
            });
            let buildings = overview.buildings.map(|counts| {
                let rows = counts
                    .into_iter()
                    .map(|row| view! {
                        <tr data-billed=row.billed data-paid=row.paid>
                            <td>{row.building}</td><td>{row.billed}</td><td>{row.paid}</td><td>{row.billed - row.paid}</td>
                        </tr>
                    })
                    .collect_view();
                view! {
                    <section class="card">
                        <h2 class="card__title">{season.clone()}" "{text::fees_building_counts(lang)}</h2>
                        <div class="table-wrap" tabindex="0" role="region" aria-label=text::fees_building_counts(lang)>
                        <table class="table"><thead><tr>
                            <th>{text::fees_building(lang)}</th><th>{text::fees_billed(lang)}</th>
                            <th>{text::fees_status_paid(lang)}</th><th>{text::fees_status_unpaid(lang)}</th>
                        </tr></thead><tbody>{rows}</tbody></table>
                        </div>
                    </section>
                }
            });
            view! { {grid}{buildings} }
        })}
    }
}

/// /admin/fees — tariffs and bill imports.
#[component]
pub fn FeesAdminPage() -> impl IntoView {
    let lang = use_lang();
    let tariff = ServerAction::<SetTariff>::new();
    let import = ServerAction::<ImportBills>::new();
    view! {
        <Title text=text::fees_page_title(lang) />
        <h1 class="page-title">{text::fees_page_title(lang)}</h1>
        <section class="card" id="fees">
            <h2 class="card__title">{text::fees_admin_tariff(lang)}</h2>
            <ActionForm action=tariff attr:class="form">
                <label class="field"><span class="field__label">{text::fees_admin_company_id(lang)}</span>
                    <input class="field__input" type="number" name="company_id" min="1" required /></label>
                <label class="field"><span class="field__label">{text::fees_season(lang)}</span>
                    <input class="field__input" type="number" name="season_start_year" min="2000" max="2100" required /></label>
                <label class="field"><span class="field__label">{text::fees_admin_household_type(lang)}</span>
                    <select class="field__input" name="household_type">
                        <option value="residential">{text::fees_household_residential(lang)}</option>
                        <option value="non_residential">{text::fees_household_non_residential(lang)}</option>
                    </select></label>
                <label class="field"><span class="field__label">{text::fees_admin_price(lang)}</span>
                    <input class="field__input" type="text" inputmode="decimal" name="price_per_m2" required /></label>
                <label class="field"><span class="field__label">{text::fees_admin_share(lang)}</span>
                    <input class="field__input" type="text" inputmode="decimal" name="suspended_share_percent" required /></label>
                <ActionOutcome action=tariff done=text::fees_admin_saved(lang) />
                <button class="button" type="submit">{text::fees_admin_save_tariff(lang)}</button>
            </ActionForm>
            <h2 class="card__title">{text::fees_admin_import(lang)}</h2>
            <ActionForm action=import attr:class="form">
                <label class="field"><span class="field__label">{text::fees_admin_csv(lang)}</span>
                    <textarea class="field__input" name="csv" rows="6" required
                        placeholder="account_no,season,household_type,area_m2,price_per_m2,amount,due_date,billing_ref"></textarea></label>
                <ActionOutcome action=import done=text::fees_admin_imported(lang) />
                <button class="button" type="submit">{text::fees_admin_import_button(lang)}</button>
            </ActionForm>
        </section>
    }
}
