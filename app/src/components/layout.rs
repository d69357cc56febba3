//! The frame of every page.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"跳到主要内容"</a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="site-header__brand" href="/">
                    <span class="site-header__mark" aria-hidden="true">"暖"</span>
                    <span>"潍坊供热服务"</span>
                </a>
                <nav class="site-nav" aria-label="主导航">
                    <A href="/" exact=true>"首页"</A>
                    <A href="/outages">"停热公告"</A>
                    <A href="/building">"查询楼栋"</A>
                </nav>
            </div>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "供热问题可拨打政务服务便民热线 "
                <a class="tel" href="tel:12345">"12345"</a>
                "，各供热企业服务热线见首页。"
            </p>
            <p class="muted">"潍坊市集中供热居民服务平台 · 时间均为北京时间"</p>
        </footer>
    }
}
