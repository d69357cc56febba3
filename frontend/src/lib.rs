#![recursion_limit = "256"]
//! Hydrates the page the server rendered; everything already works without
//! this, it only makes navigation and forms smoother.

use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = document().body() else {
        return;
    };
    // Each page is its own wasm chunk (see `app::App`'s routes): hydration
    // waits for the chunk of the page shown, then marks the document.
    // (hydrate_from_async sets up Leptos' executor itself.)
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        // Lets styles and end-to-end tests tell a hydrated page from plain HTML.
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
