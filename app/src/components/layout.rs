//! The frame of every page.

use crate::api::account::load_session;
use crate::prefs::use_lang;
use domain::roles::Role;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

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
                        Some(("/dispatch", lang.t("调度台", "Dispatch")))
                    } else if person.has(Role::RepairCrew) {
                        Some(("/jobs", lang.t("我的任务", "My jobs")))
                    } else if person.has(Role::Resident) {
                        Some(("/cases", lang.t("我的工单", "My cases")))
                    } else {
                        None
                    }
                    .filter(|(href, _)| *href != person.home_path());
                    let reports = person
                        .has(Role::Dispatcher)
                        .then(|| view! { <A href="/reports">{lang.t("报表", "Reports")}</A> });
                    view! {
                        {cases.map(|(href, label)| view! { <A href=href>{label}</A> })}
                        {reports}
                        <A href=person.home_path()>{person.greeting_name()}</A>
                    }
                    .into_any()
                }
                _ => view! { <A href="/signin">{lang.t("登录", "Sign in")}</A> }.into_any(),
            }
        })
    };
    view! {
        <a class="skip-link" href="#main">{lang.t("跳到主要内容", "Skip to content")}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="site-header__brand" href="/">
                    <span class="site-header__mark" aria-hidden="true">"暖"</span>
                    <span>{lang.t("潍坊供热服务", "Weifang Heating")}</span>
                </a>
                <nav class="site-nav" aria-label=lang.t("主导航", "Main")>
                    <A href="/" exact=true>{lang.t("首页", "Home")}</A>
                    <A href="/outages">{lang.t("停热公告", "Outages")}</A>
                    <A href="/building">{lang.t("查询楼栋", "Building")}</A>
                    <span class="site-nav__account">
                        <Transition fallback=move || view! { <A href="/signin">{lang.t("登录", "Sign in")}</A> }>
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
                {lang.t("供热问题可拨打政务服务便民热线 ", "For heating problems call the city hotline ")}
                <a class="tel" href="tel:12345">"12345"</a>
                {lang.t("，各供热企业服务热线见首页。", "; each heating company's line is on the home page.")}
            </p>
            <p class="muted">
                {lang.t("潍坊市集中供热居民服务平台 · 时间均为北京时间 · ", "Weifang district heating portal · times are Beijing time · ")}
                <a href="/me/settings">{lang.t("大字模式 / English", "Large text / 中文")}</a>
            </p>
        </footer>
    }
}
