#![recursion_limit = "256"]
//! Hydrates the page the server rendered; everything already works without
//! this, it only makes navigation and forms smoother.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets styles and end-to-end tests tell a hydrated page from plain HTML.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
