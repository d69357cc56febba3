//! The frame of every page.

use crate::api::account::load_session;
use crate::prefs::use_lang;
use domain::roles::Role;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use translations::text;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    // Asked again on every navigation, so signing in or out shows at once.
    let session = Resource::new(move || location.pathname.get(), |_| load_session());
    let account = move || {
        Suspend::new(async move {
            match session.await {
                Ok(Some(person)) => {
                    let cases = if person.has(Role::Dispatcher) {
                        Some(("/dispatch", text::layout_dispatch(lang)))
                    } else if person.has(Role::RepairCrew) {
                        Some(("/jobs", text::layout_my_jobs(lang)))
                    } else if person.has(Role::Resident) {
                        Some(("/cases", text::layout_my_cases(lang)))
                    } else {
                        None
                    }
                    .filter(|(href, _)| *href != person.home_path());
                    let reports = person.has(Role::Dispatcher).then(|| {
                        view! {
                            <A href="/desk/outages">{text::layout_outage_desk(lang)}</A>
                            <A href="/reports">{text::layout_reports(lang)}</A>
                        }
                    });
                    let city_reports = person.has(Role::HeatingAuthority).then(|| {
                        view! { <A href="/reports">{text::layout_reports(lang)}</A> }
                    });
                    view! {
                        {cases.map(|(href, label)| view! { <A href=href>{label}</A> })}
                        {reports}
                        {city_reports}
                        <A href=person.home_path()>{person.greeting_name()}</A>
                    }
                    .into_any()
                }
                _ => view! { <A href="/signin">{text::layout_sign_in(lang)}</A> }.into_any(),
            }
        })
    };
    view! {
        <a class="skip-link" href="#main">{text::layout_skip_to_content(lang)}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="site-header__brand" href="/">
                    <span class="site-header__mark" aria-hidden="true">"暖"</span>
                    <span>{text::layout_weifang_heating(lang)}</span>
                </a>
                <nav class="site-nav" aria-label=text::layout_main(lang)>
                    <A href="/" exact=true>{text::layout_home(lang)}</A>
                    <A href="/outages">{text::layout_outages(lang)}</A>
                    <A href="/building">{text::layout_building(lang)}</A>
                    <span class="site-nav__account">
                        <Transition fallback=move || view! { <A href="/signin">{text::layout_sign_in(lang)}</A> }>
                            {account}
                        </Transition>
                    </span>
                </nav>
            </div>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let lang = use_lang();
    view! {
        <footer class="site-footer">
            <p>
                {text::layout_for_heating_problems_call_the_city(lang)}
                <a class="tel" href="tel:12345">"12345"</a>
                {text::layout_each_heating_company_s_line_is(lang)}
            </p>
            <p class="muted">
                {text::layout_weifang_district_heating_portal_times_are(lang)}
                <a href="/me/settings">{text::layout_large_text(lang)}</a>
            </p>
        </footer>
    }
}
