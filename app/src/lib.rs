//! heatdesk's pages, components and server functions (Leptos).
//!
//! Built twice: with `ssr` for the server (pages render completely there and
//! server functions reach the backend) and with `hydrate` for the browser,
//! which gets only the islands (`#[island]`): the parts of a page that move.
//! Everything else is server HTML, and forms are plain HTML forms.

pub mod api;
#[cfg(feature = "ssr")]
pub mod argument_decoding;
pub mod components;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod form_data;
pub mod format;
pub mod pages;
pub mod prefs;
#[cfg(feature = "ssr")]
pub mod session;

use components::layout::{SiteFooter, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};
use pages::admin::{AdminPage, AuditPage};
use pages::api_keys::ApiKeysPage;
use pages::bind_by_address::BindByAddressPage;
use pages::case_rules::CaseRulesPage;
use pages::cases::{CasePage, CasesPage, JobsPage, QueuePage};
use pages::demo_outbox::DemoOutboxPage;
use pages::fees::{FeeOverviewPage, FeesAdminPage, MyBillsPage, PaymentPage};
use pages::filing::{ApplicationPage, RepairPage, TemperatureComplaintPage};
use pages::me::{MyHomePage, SettingsPage};
use pages::reports::ReportsPage;
use pages::season_desk::SeasonDeskPage;
use pages::sensors::SensorsPage;
use pages::signin::{SignInPage, StaffSignInPage};
use pages::staff::{GridPage, LookedAfterBuildingPage, PropertyPage};
use pages::stations::StationBoardPage;
use pages::{
    building::BuildingPage,
    home::HomePage,
    not_found::NotFoundPage,
    outage_desk::{DeskOutagePage, OutageDeskPage},
    outages::{OneOutagePage, OutagesPage},
};
use prefs::Preferences;
use translations::text;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    context::protect_document();
    // Read on the server from the request's cookies, so large text and the
    // language hold from the first byte, before any script runs.
    let prefs = Preferences::current();
    let class = prefs.large_text.then_some("large-text");
    view! {
        <!DOCTYPE html>
        <html lang=prefs.lang.tag() class=class>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="format-detection" content="telephone=no" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The portal: header, the page for the current route, footer.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let prefs = Preferences::current();
    provide_context(prefs);
    let lang = prefs.lang;
    view! {
        <Title formatter=move |page: String| format!("{page} · {}", text::layout_weifang_heating(lang)) />
        <Meta name="theme-color" content="#0f5c8c" />
        <Meta name="description" content=text::layout_site_description(lang) />
        <Router>
            <SiteHeader />
            <main id="main" class="page">
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("outages") view=OutagesPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("outages"), ParamSegment("id")) view=OneOutagePage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("desk"), StaticSegment("outages")) view=OutageDeskPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("desk"), StaticSegment("stations")) view=StationBoardPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("desk"), StaticSegment("outages"), ParamSegment("id")) view=DeskOutagePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("building") view=BuildingPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("signin") view=SignInPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("staff"), StaticSegment("signin")) view=StaffSignInPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("me") view=MyHomePage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("me"), StaticSegment("settings")) view=SettingsPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("me"), StaticSegment("bind")) view=BindByAddressPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("me"), StaticSegment("bills")) view=MyBillsPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("me"), StaticSegment("payments"), ParamSegment("id")) view=PaymentPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("fees") view=FeeOverviewPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("cases") view=CasesPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("cases"), ParamSegment("id")) view=CasePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("dispatch") view=QueuePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("reports") view=ReportsPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("jobs") view=JobsPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("file"), StaticSegment("temperature")) view=TemperatureComplaintPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("file"), StaticSegment("repair")) view=RepairPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("file"), StaticSegment("application")) view=ApplicationPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("grid") view=GridPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("property") view=PropertyPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("buildings"), ParamSegment("id")) view=LookedAfterBuildingPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("admin") view=AdminPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("authority"), StaticSegment("season")) view=SeasonDeskPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("admin"), StaticSegment("audit")) view=AuditPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("admin"), StaticSegment("deadlines")) view=CaseRulesPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("admin"), StaticSegment("api-keys")) view=ApiKeysPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("admin"), StaticSegment("sensors")) view=SensorsPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("admin"), StaticSegment("fees")) view=FeesAdminPage ssr=SsrMode::Async />
                    <Route path=(StaticSegment("demo"), StaticSegment("outbox")) view=DemoOutboxPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}
