//! The browser entry. Pages are server HTML and work without it; the wasm
//! carries only the app's islands (`#[island]` components: the countdown,
//! upload progress, the building picker, a case's news), which the loader
//! Leptos puts in the page hydrates one by one after calling `hydrate`.

// Links the app crate, whose islands are the module's exports.
use app as _;
use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // The loader hydrates the islands right after this returns, all in
    // microtasks; a task queued now runs once they are done. It marks the
    // document so styles and end-to-end tests can tell a live page from
    // plain HTML.
    gloo_timers::callback::Timeout::new(0, || {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    })
    .forget();
}
