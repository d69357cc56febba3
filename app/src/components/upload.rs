//! A form that carries files. It is a plain multipart form, so it works
//! before (or without) WebAssembly; as an island it sends the same request
//! itself to show upload progress, then goes where the server sent it. Its
//! fields are children: server HTML the island never re-renders.

use crate::prefs::use_lang;
use leptos::prelude::*;
use translations::text;

/// Accepted by every file input (checked again, by content, on the server).
pub const IMAGE_TYPES: &str = "image/jpeg,image/png,image/webp";

#[island]
pub fn UploadForm(
    /// The server function's address.
    action: String,
    #[prop(into)] class: String,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    // Percent sent while an upload is under way.
    let progress = RwSignal::new(None::<u32>);
    let failed = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let on_submit = {
        let action = action.clone();
        move |event: leptos::ev::SubmitEvent| {
            if send_with_progress(&event, &action, progress, failed).is_ok() {
                event.prevent_default();
            }
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let on_submit = |_: leptos::ev::SubmitEvent| {};
    view! {
        <form method="post" enctype="multipart/form-data" action=action class=class on:submit=on_submit>
            {children()}
            {move || progress.get().map(|percent| view! {
                <div class="upload-progress" role="status">
                    <progress max="100" value=percent></progress>
                    <span>{text::upload_uploading(lang)}{percent}"%"</span>
                </div>
            })}
            {move || failed.get().then(|| view! {
                <p class="notice notice--error form-error" role="alert">
                    {text::upload_the_connection_dropped_and_nothing_was(lang)}
                </p>
            })}
        </form>
    }
}

/// Sends the form's data with XMLHttpRequest (fetch cannot report upload
/// progress) asking for HTML, as the plain form would; then opens the page
/// the answer ended on: the case, or the form again with its error.
#[cfg(feature = "hydrate")]
fn send_with_progress(
    event: &leptos::ev::SubmitEvent,
    action: &str,
    progress: RwSignal<Option<u32>>,
    failed: RwSignal<bool>,
) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{FormData, HtmlFormElement, ProgressEvent, XmlHttpRequest};

    if progress.get_untracked().is_some() {
        // Already sending: a second tap sends nothing more.
        return Ok(());
    }
    let form: HtmlFormElement = event
        .target()
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no form"))?
        .dyn_into()?;
    let data = FormData::new_with_form(&form)?;
    let request = XmlHttpRequest::new()?;
    request.open("POST", action)?;
    request.set_request_header("Accept", "text/html")?;

    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            progress.set(Some((e.loaded() / e.total() * 100.0).round() as u32));
        }
    });
    request
        .upload()?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    on_progress.forget();

    let finished = request.clone();
    let on_load = Closure::<dyn FnMut()>::new(move || {
        let target = finished.response_url();
        match web_sys::window() {
            Some(window) if !target.is_empty() => {
                let _ = window.location().assign(&target);
            }
            _ => {
                progress.set(None);
                failed.set(true);
            }
        }
    });
    request.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();

    let on_error = Closure::<dyn FnMut()>::new(move || {
        progress.set(None);
        failed.set(true);
    });
    request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();

    failed.set(false);
    progress.set(Some(0));
    request.send_with_opt_form_data(Some(&data))
}
