//! 我的: a resident's households at a glance (heat, outages, open cases),
//! and 设置: binding households, large text, language, signing out.

use crate::api::account::{
    load_binding_requests, load_my_households, load_pending_binding, load_session, BindHousehold,
    ConfirmBinding, DecideBinding, SavePreferences, SignOut, UnbindHousehold,
};
use crate::api::outage_desk::{load_outage_news_choice, SaveOutageNewsChoice};
use crate::components::feedback::{loaded, returned_error, ActionOutcome};
use crate::components::outage::{HeatBadge, OutageCard};
use crate::components::readings::HomeTemperatures;
use crate::prefs::{use_lang, Preferences};
use domain::account::HouseholdCard;
use domain::outage::OutagePhase;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use translations::text;

#[component]
pub fn MyHomePage() -> impl IntoView {
    let lang = use_lang();
    let bind = ServerAction::<BindHousehold>::new();
    let households = Resource::new(move || bind.version().get(), |_| load_my_households());
    let session = Resource::new(|| (), |_| load_session());
    view! {
        <Title text=text::me_my_home(lang) />
        {loaded(session, move |session| {
            let name = session.map(|s| s.greeting_name()).unwrap_or_default();
            view! { <h1 class="page-title">{name}{text::me_welcome(lang)}</h1> }
        })}
        <BindingRequests />
        {loaded(households, move |cards| {
            if cards.is_empty() {
                view! {
                    <section class="card">
                        <h2 class="card__title">{text::me_bind_your_household(lang)}</h2>
                        <p>{text::me_once_bound_you_see_your_home(lang)}</p>
                        <BindForm action=bind />
                    </section>
                }
                .into_any()
            } else {
                cards
                    .into_iter()
                    .map(|card| view! { <HouseholdSummary card /> })
                    .collect_view()
                    .into_any()
            }
        })}
        <nav class="actions" aria-label=text::home_services(lang)>
            <a class="action action--primary" href="/file/temperature">
                <span class="action__title">{text::me_too_cold(lang)}</span>
                <span class="action__hint">{text::me_below_18_c_we_measure_within(lang)}</span>
            </a>
            <a class="action action--primary" href="/file/repair">
                <span class="action__title">{text::filing_report_a_fault(lang)}</span>
                <span class="action__hint">{text::me_leaks_cold_radiators_valves_a_crew(lang)}</span>
            </a>
            <a class="action action--primary" href="/file/application">
                <span class="action__title">{text::filing_applications(lang)}</span>
                <span class="action__hint">{text::me_connect_suspend_resume(lang)}</span>
            </a>
            <a class="action action--primary" href="/me/bills">
                <span class="action__title">{text::me_heating_fees(lang)}</span>
                <span class="action__hint">{text::me_see_and_pay_the_bill(lang)}</span>
            </a>
            <a class="action" href="/cases">
                <span class="action__title">{text::layout_my_cases(lang)}</span>
                <span class="action__hint">{text::me_progress_of_complaints_and_repairs(lang)}</span>
            </a>
            <a class="action" href="/building">
                <span class="action__title">{text::building_check_a_building(lang)}</span>
                <span class="action__hint">{text::me_is_the_heat_on_elsewhere(lang)}</span>
            </a>
            <a class="action" href="/me/settings">
                <span class="action__title">{text::me_settings(lang)}</span>
                <span class="action__hint">{text::me_households_large_text_language_sign_out(lang)}</span>
            </a>
        </nav>
    }
}

#[component]
fn HouseholdSummary(card: HouseholdCard) -> impl IntoView {
    let lang = use_lang();
    let address = card.address();
    let service = card.service_label(lang);
    let ongoing = card
        .report
        .outages
        .iter()
        .filter(|o| o.phase != OutagePhase::Restored)
        .cloned()
        .map(|notice| view! { <OutageCard notice /> })
        .collect_view();
    view! {
        <section class="card household" aria-label=address.clone()>
            <h2 class="card__title">{address.clone()}</h2>
            // A home that is not heated (报停, not connected) says so first;
            // the building's heat status is not its own.
            <div class="household__status">
                {if card.service_state == "heated" {
                    view! {
                        <HeatBadge status=card.report.heat />
                        <span class="muted">{service}</span>
                    }
                    .into_any()
                } else {
                    view! { <span class="badge badge--muted">{service}</span> }.into_any()
                }}
            </div>
            <dl class="facts">
                <dt>{text::me_account(lang)}</dt><dd>{card.account_no}</dd>
                <dt>{text::me_holder(lang)}</dt><dd>{card.holder_name}</dd>
                <dt>{text::building_station(lang)}</dt><dd>{card.report.station_name}</dd>
                <dt>{text::outage_heating_company(lang)}</dt>
                <dd>{card.report.company_name}" "
                    <a class="tel" href=format!("tel:{}", card.report.company_hotline.replace('-', ""))>{card.report.company_hotline.clone()}</a>
                </dd>
                <dt>{text::me_open_cases(lang)}</dt><dd>{card.open_cases}</dd>
                {(card.measured_below_this_season > 0).then(|| view! {
                    <dt>{text::me_measured_below_this_season(lang)}</dt>
                    <dd class="below-standard">{text::me_times(lang, card.measured_below_this_season)}</dd>
                })}
            </dl>
            {ongoing}
            {card.indoor.map(|indoor| view! {
                <HomeTemperatures indoor title=text::me_measured_at_home(lang) caption=text::me_measured_chart_caption(lang) />
            })}
        </section>
    }
}

/// Account number + holder's name.
#[component]
fn BindForm(action: ServerAction<BindHousehold>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ActionForm action attr:class="form">
            <label class="field">
                <span class="field__label">{text::me_account_number_on_your_heating_bill(lang)}</span>
                <input class="field__input" type="text" name="account_no" autocapitalize="characters"
                    maxlength="40" required placeholder="WF10000001" />
            </label>
            <label class="field">
                <span class="field__label">{text::me_account_holder_s_name(lang)}</span>
                <input class="field__input" type="text" name="holder_name" maxlength="40" required />
            </label>
            <ActionOutcome action=action done=text::me_sent(lang) />
            <button class="button" type="submit">{text::me_bind(lang)}</button>
            <p class="muted"><a href="/me/bind">{text::me_no_account_number_find_by_address(lang)}</a></p>
        </ActionForm>
    }
}

/// Others asking to bind the resident's households: approve or decline.
#[component]
fn BindingRequests() -> impl IntoView {
    let lang = use_lang();
    let decide = ServerAction::<DecideBinding>::new();
    let requests = Resource::new(move || decide.version().get(), |_| load_binding_requests());
    view! {
        {loaded(requests, move |requests| {
            (!requests.is_empty()).then(|| {
                let rows = requests
                    .into_iter()
                    .map(|request| {
                        let text = format!(
                            "{}{}{}{}",
                            text::me_the_phone(lang),
                            request.applicant,
                            text::me_asks_to_bind_account(lang),
                            request.account_no
                        );
                        view! {
                            <li class="binding-request">
                                <p>{text}</p>
                                <ActionForm action=decide attr:class="row">
                                    <input type="hidden" name="request_id" value=request.request_id />
                                    <button class="button" type="submit" name="decision" value="approve">{text::me_approve(lang)}</button>
                                    <button class="button button--secondary" type="submit" name="decision" value="decline">{text::me_decline(lang)}</button>
                                </ActionForm>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section class="card notice">
                        <h2 class="card__title">{text::me_someone_asks_to_bind_your_household(lang)}</h2>
                        <p class="muted">{text::me_approve_only_family_or_tenants_you(lang)}</p>
                        <ul class="plain-list">{rows}</ul>
                        <ActionOutcome action=decide done=text::me_done(lang) />
                    </section>
                }
            })
        })}
    }
}

/// A binding waiting for the holder's code or a bound resident's approval.
#[component]
fn PendingBindingCard(token: String) -> impl IntoView {
    let lang = use_lang();
    let confirm = ServerAction::<ConfirmBinding>::new();
    let pending = Resource::new(move || token.clone(), load_pending_binding);
    view! {
        {loaded(pending, move |pending| {
            let body = match pending.code_sent_to {
                Some(phone) => view! {
                    <p>
                        {text::me_a_code_went_to_the_holder(lang)}
                        <strong>{phone}</strong>
                        {text::me_ask_the_holder_for_it_and(lang)}
                    </p>
                    <ActionForm action=confirm attr:class="form">
                        <input type="hidden" name="token" value=pending.token.clone() />
                        <label class="field">
                            <span class="field__label">{text::me_the_holder_s_code(lang)}</span>
                            <input class="field__input" type="text" name="code" inputmode="numeric"
                                autocomplete="one-time-code" maxlength="8" required />
                        </label>
                        <ActionOutcome action=confirm done=text::me_household_bound(lang) />
                        <button class="button" type="submit">{text::me_confirm(lang)}</button>
                    </ActionForm>
                }
                .into_any(),
                None => view! {
                    <p>{text::me_the_residents_already_bound_were_asked(lang)}</p>
                }
                .into_any(),
            };
            view! {
                <section class="card">
                    <h2 class="card__title">{text::me_confirm_binding(lang)}</h2>
                    {body}
                </section>
            }
        })}
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let lang = use_lang();
    let prefs = use_context::<Preferences>().unwrap_or_default();
    let session = Resource::new(|| (), |_| load_session());
    let query = use_query_map();
    let (text_value, text_label) = if prefs.large_text {
        ("0", text::me_turn_large_text_off(lang))
    } else {
        ("1", text::me_turn_large_text_on(lang))
    };
    view! {
        <Title text=text::me_settings(lang) />
        <h1 class="page-title">{text::me_settings(lang)}</h1>
        {move || {
            query
                .read()
                .get("binding")
                .map(|token| view! { <PendingBindingCard token /> })
        }}
        {loaded(session, move |session| {
            let resident = session.is_some_and(|s| s.has(domain::roles::Role::Resident));
            resident.then(|| view! { <MyHouseholds /> <OutageNewsChoice /> })
        })}
        <section class="card">
            <h2 class="card__title">{text::me_reading(lang)}</h2>
            <form method="post" action=SavePreferences::url() class="row">
                <input type="hidden" name="large_text" value=text_value />
                <span>{text::me_large_text_bigger_letters_stronger_contrast(lang)}</span>
                <button class="button button--secondary" type="submit">{text_label}</button>
            </form>
            <form method="post" action=SavePreferences::url() class="row">
                <input type="hidden" name="lang" value=if lang == crate::prefs::Lang::En { "zh" } else { "en" } />
                <span>{text::me_language(lang)}</span>
                <button class="button button--secondary" type="submit">
                    {text::me_switch_language(lang)}
                </button>
            </form>
        </section>
        <section class="card">
            <h2 class="card__title">{text::me_sign_out(lang)}</h2>
            {returned_error::<SignOut>()}
            <form method="post" action=SignOut::url() class="row">
                <button class="button button--secondary" type="submit">{text::me_sign_out_2(lang)}</button>
            </form>
            <form method="post" action=SignOut::url() class="row">
                <input type="hidden" name="everywhere" value="1" />
                <span class="muted">{text::me_lost_a_phone_or_used_someone(lang)}</span>
                <button class="button button--secondary" type="submit">{text::me_sign_out_everywhere(lang)}</button>
            </form>
        </section>
    }
}

/// Whether routine outage news comes by text; emergencies always do.
#[component]
fn OutageNewsChoice() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveOutageNewsChoice>::new();
    let choice = Resource::new(move || save.version().get(), |_| load_outage_news_choice());
    view! {
        <section class="card" id="outage-news">
            <h2 class="card__title">{text::me_outage_news(lang)}</h2>
            {loaded(choice, move |receives| {
                let (value, state, button) = if receives {
                    ("0", text::me_outage_news_on(lang), text::me_outage_news_turn_off(lang))
                } else {
                    ("1", text::me_outage_news_off(lang), text::me_outage_news_turn_on(lang))
                };
                view! {
                    <ActionForm action=save attr:class="row">
                        <input type="hidden" name="receive" value=value />
                        <span data-testid="outage-news-state">{state}</span>
                        <button class="button button--secondary" type="submit">{button}</button>
                    </ActionForm>
                }
            })}
            <ActionOutcome action=save done=text::me_outage_news_saved(lang) />
        </section>
    }
}

/// A resident's households with unbind buttons, and the bind form.
#[component]
fn MyHouseholds() -> impl IntoView {
    let lang = use_lang();
    let bind = ServerAction::<BindHousehold>::new();
    let unbind = ServerAction::<UnbindHousehold>::new();
    let households = Resource::new(
        move || (bind.version().get(), unbind.version().get()),
        |_| load_my_households(),
    );
    view! {
        <section class="card">
            <h2 class="card__title">{text::me_my_households(lang)}</h2>
            {loaded(households, move |cards| {
                cards
                    .into_iter()
                    .map(|card| {
                        let address = card.address();
                        view! {
                            <ActionForm action=unbind attr:class="row">
                                <span>{address}" · "{card.account_no}</span>
                                <input type="hidden" name="household_id" value=card.household_id />
                                <button class="button button--secondary" type="submit">{text::me_unbind(lang)}</button>
                            </ActionForm>
                        }
                    })
                    .collect_view()
            })}
            <ActionOutcome action=unbind done=text::me_household_unbound(lang) />
            <h3>{text::me_bind_another_household(lang)}</h3>
            <BindForm action=bind />
        </section>
    }
}
