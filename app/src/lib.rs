//! heatdesk's pages, components and server functions (Leptos).
//!
//! Built twice: with `ssr` for the server (pages render completely there and
//! server functions reach the backend) and with `hydrate` for the browser.

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
    lazy_route, Lazy, LazyRoute, ParamSegment, SsrMode, StaticSegment,
};
use pages::admin::{AdminPage, AuditPage};
use pages::api_keys::ApiKeysPage;
use pages::case_rules::CaseRulesPage;
use pages::cases::{CasePage, CasesPage, JobsPage, QueuePage};
use pages::demo_outbox::DemoOutboxPage;
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
                <HydrationScripts options />
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
                    <Route path=StaticSegment("") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("outages") view={Lazy::<OutagesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("outages"), ParamSegment("id")) view={Lazy::<OneOutageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("desk"), StaticSegment("outages")) view={Lazy::<OutageDeskRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("desk"), StaticSegment("stations")) view={Lazy::<StationBoardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("desk"), StaticSegment("outages"), ParamSegment("id")) view={Lazy::<DeskOutageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("building") view={Lazy::<BuildingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("signin") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("staff"), StaticSegment("signin")) view={Lazy::<StaffSignInRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("me") view={Lazy::<MyHomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("me"), StaticSegment("settings")) view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("cases") view={Lazy::<CasesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("cases"), ParamSegment("id")) view={Lazy::<CaseRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("dispatch") view={Lazy::<QueueRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("reports") view={Lazy::<ReportsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("jobs") view={Lazy::<JobsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("file"), StaticSegment("temperature")) view={Lazy::<TemperatureComplaintRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("file"), StaticSegment("repair")) view={Lazy::<RepairRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("file"), StaticSegment("application")) view={Lazy::<ApplicationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("grid") view={Lazy::<GridRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("property") view={Lazy::<PropertyRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("buildings"), ParamSegment("id")) view={Lazy::<LookedAfterBuildingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("authority"), StaticSegment("season")) view={Lazy::<SeasonDeskRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("admin"), StaticSegment("audit")) view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("admin"), StaticSegment("deadlines")) view={Lazy::<CaseRulesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("admin"), StaticSegment("api-keys")) view={Lazy::<ApiKeysRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("admin"), StaticSegment("sensors")) view={Lazy::<SensorsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=(StaticSegment("demo"), StaticSegment("outbox")) view={Lazy::<DemoOutboxRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

/// Declares a route whose page is split into its own wasm chunk (with
/// `cargo leptos build --split`), fetched when the page is first shown: the
/// first download holds only the shell, the router and what pages share.
/// The pages load their own data, so the route has none to start early.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(HomeRoute, HomePage);
lazy_page!(OutagesRoute, OutagesPage);
lazy_page!(OneOutageRoute, OneOutagePage);
lazy_page!(OutageDeskRoute, OutageDeskPage);
lazy_page!(DeskOutageRoute, DeskOutagePage);
lazy_page!(BuildingRoute, BuildingPage);
lazy_page!(SignInRoute, SignInPage);
lazy_page!(StaffSignInRoute, StaffSignInPage);
lazy_page!(MyHomeRoute, MyHomePage);
lazy_page!(SettingsRoute, SettingsPage);
lazy_page!(CasesRoute, CasesPage);
lazy_page!(CaseRoute, CasePage);
lazy_page!(QueueRoute, QueuePage);
lazy_page!(ReportsRoute, ReportsPage);
lazy_page!(JobsRoute, JobsPage);
lazy_page!(TemperatureComplaintRoute, TemperatureComplaintPage);
lazy_page!(RepairRoute, RepairPage);
lazy_page!(ApplicationRoute, ApplicationPage);
lazy_page!(GridRoute, GridPage);
lazy_page!(PropertyRoute, PropertyPage);
lazy_page!(LookedAfterBuildingRoute, LookedAfterBuildingPage);
lazy_page!(AdminRoute, AdminPage);
lazy_page!(AuditRoute, AuditPage);
lazy_page!(SeasonDeskRoute, SeasonDeskPage);
lazy_page!(CaseRulesRoute, CaseRulesPage);
lazy_page!(ApiKeysRoute, ApiKeysPage);
lazy_page!(SensorsRoute, SensorsPage);
lazy_page!(StationBoardRoute, StationBoardPage);
lazy_page!(DemoOutboxRoute, DemoOutboxPage);
