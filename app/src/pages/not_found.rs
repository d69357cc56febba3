use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="页面不存在" />
        <section class="card">
            <h1 class="card__title">"页面不存在"</h1>
            <p>"您访问的页面不存在或已移动。"</p>
            <p><a class="button" href="/">"返回首页"</a></p>
        </section>
    }
}
