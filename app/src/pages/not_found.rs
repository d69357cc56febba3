use crate::prefs::use_lang;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=lang.t("页面不存在", "Page not found") />
        <section class="card">
            <h1 class="card__title">{lang.t("页面不存在", "Page not found")}</h1>
            <p>{lang.t("您访问的页面不存在或已移动。", "The page you asked for does not exist or has moved.")}</p>
            <p><a class="button" href="/">{lang.t("返回首页", "Back to the home page")}</a></p>
        </section>
    }
}
