//! heatdesk's pages, components and server functions (Leptos).
//!
//! Built twice: with `ssr` for the server (pages render completely there and
//! server functions reach the backend) and with `hydrate` for the browser.

pub mod api;
pub mod components;
pub mod format;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod portal;

use components::layout::{SiteFooter, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    SsrMode, StaticSegment,
};
use pages::{
    building::BuildingPage, home::HomePage, not_found::NotFoundPage, outages::OutagesPage,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    portal::protect_document();
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
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
    view! {
        <Title formatter=|page: String| format!("{page} · 潍坊供热服务") />
        <Meta name="theme-color" content="#0f5c8c" />
        <Meta name="description" content="潍坊市集中供热居民服务：供暖季、停热公告、楼栋供热查询。" />
        <Router>
            <SiteHeader />
            <main id="main" class="page">
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("outages") view=OutagesPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("building") view=BuildingPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}
