use crate::prefs::use_lang;
use leptos::prelude::*;
use leptos_meta::Title;
use translations::text;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=text::not_found_page_not_found(lang) />
        <section class="card">
            <h1 class="card__title">{text::not_found_page_not_found(lang)}</h1>
            <p>{text::not_found_the_page_you_asked_for_does(lang)}</p>
            <p><a class="button" href="/">{text::not_found_back_to_the_home_page(lang)}</a></p>
        </section>
    }
}
