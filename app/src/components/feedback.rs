//! Loading and error states.

use leptos::prelude::*;

/// Shown while a page's data is on its way (only after hydration: the
/// server always sends the finished page).
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"正在加载…"</p> }
}

/// A failure the person can act on: what happened and what to do.
#[component]
pub fn ErrorNotice(error: ServerFnError) -> impl IntoView {
    let message = match error {
        ServerFnError::ServerError(message) => message,
        _ => "网络不稳定，页面没有加载完成。请检查网络后刷新重试。".to_string(),
    };
    view! {
        <div class="notice notice--error" role="alert">
            <p class="notice__title">"暂时无法显示"</p>
            <p>{message}</p>
        </div>
    }
}
