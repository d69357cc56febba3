//! A GET form whose choices update the page in place: an island around
//! server HTML. Without JavaScript the form is submitted with its button
//! and the server answers with the whole page. With it, a changed choice
//! asks the server for the same page and puts the new content in place of
//! the old (the address follows, so a reload, a shared link and the back
//! button show the same); the server stays the only thing that renders.

use leptos::prelude::*;

/// Marks the element whose content a live answer replaces.
const CONTENT_CLASS: &str = "live-filter";

/// `cascade`: the form's choices narrow one another in order (district →
/// community → building), so a changed choice clears the ones after it.
#[island]
pub fn LiveFilter(cascade: bool, children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    // Only the newest choice's answer is shown, whatever order they come in.
    let latest = StoredValue::new(0u32);
    #[cfg(feature = "hydrate")]
    let shown = StoredValue::new(browser::current_address());
    // Back and forward to another choice show it; a move within the page
    // (the skip link's #main) changes nothing.
    #[cfg(feature = "hydrate")]
    browser::on_back_or_forward(move |href| {
        if shown.get_value() != href {
            shown.set_value(href.clone());
            browser::show(root, latest, href);
        }
    });
    let on_change = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(href) = browser::chosen_address(&event, cascade) {
            browser::remember(&href);
            shown.set_value(href.clone());
            browser::show(root, latest, href);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, cascade, latest);
    };
    view! {
        <div class=CONTENT_CLASS node_ref=root on:change=on_change>
            {children()}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::CONTENT_CLASS;
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{
        DomParser, HtmlFormElement, HtmlInputElement, HtmlSelectElement, SupportedType,
        UrlSearchParams,
    };

    /// The address the form would go to with the choice just made, or None
    /// when the change was not a choice of this form's. Empty choices are
    /// left out, as the server reads them as none.
    pub fn chosen_address(event: &leptos::ev::Event, cascade: bool) -> Option<String> {
        let select: HtmlSelectElement = event.target()?.dyn_into().ok()?;
        let form: HtmlFormElement = select.form()?;
        if cascade {
            clear_choices_after(&form, &select);
        }
        let query = UrlSearchParams::new().ok()?;
        let fields = form.query_selector_all("select[name], input[name]").ok()?;
        for index in 0..fields.length() {
            let Some(field) = fields.item(index) else {
                continue;
            };
            let (name, value) = if let Some(select) = field.dyn_ref::<HtmlSelectElement>() {
                (select.name(), select.value())
            } else if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                let kind = input.type_();
                if (kind == "checkbox" || kind == "radio") && !input.checked() {
                    continue;
                }
                (input.name(), input.value())
            } else {
                continue;
            };
            if !value.trim().is_empty() {
                query.append(&name, &value);
            }
        }
        let action = form.get_attribute("action").unwrap_or_default();
        let path = action.split(['?', '#']).next().unwrap_or_default();
        let query = String::from(query.to_string());
        Some(if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        })
    }

    /// Empties every choice of `form` that comes after `changed`.
    fn clear_choices_after(form: &HtmlFormElement, changed: &HtmlSelectElement) {
        let Ok(selects) = form.query_selector_all("select") else {
            return;
        };
        let mut after = false;
        for index in 0..selects.length() {
            let Some(select) = selects
                .item(index)
                .and_then(|node| node.dyn_into::<HtmlSelectElement>().ok())
            else {
                continue;
            };
            if after {
                select.set_value("");
            } else if &select == changed {
                after = true;
            }
        }
    }

    /// Fetches `href` as a page and puts its filter content in place.
    pub fn show(root: NodeRef<leptos::html::Div>, latest: StoredValue<u32>, href: String) {
        let ticket = latest.get_value().wrapping_add(1);
        latest.set_value(ticket);
        leptos::task::spawn_local(async move {
            let content = fetch_content(&href).await;
            if latest.get_value() != ticket {
                return;
            }
            match (content, root.get_untracked()) {
                (Some(html), Some(root)) => root.set_inner_html(&html),
                // Without an answer, the whole page for the same choice.
                _ => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().assign(&href);
                    }
                }
            }
        });
    }

    /// The inner HTML of the page's filter content at `href`.
    async fn fetch_content(href: &str) -> Option<String> {
        let page = crate::components::fetch::get_text(href, "text/html").await?;
        let document = DomParser::new()
            .ok()?
            .parse_from_string(&page, SupportedType::TextHtml)
            .ok()?;
        let content = document
            .query_selector(&format!(".{CONTENT_CLASS}"))
            .ok()??;
        Some(content.inner_html())
    }

    /// Puts `href` in the address bar as a new history entry.
    pub fn remember(href: &str) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href));
        }
    }

    /// The page's path and query, as `chosen_address` writes them.
    pub fn current_address() -> String {
        let Some(location) = web_sys::window().map(|w| w.location()) else {
            return String::new();
        };
        let path = location.pathname().unwrap_or_default();
        let query = location.search().unwrap_or_default();
        format!("{path}{query}")
    }

    /// Calls `then` with the address each time the person goes back or forward.
    pub fn on_back_or_forward(then: impl Fn(String) + 'static) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let listener = Closure::<dyn Fn()>::new(move || then(current_address()));
        let _ =
            window.add_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        listener.forget();
    }
}
