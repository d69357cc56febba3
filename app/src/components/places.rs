//! Pieces of the place pickers the public pages share.

use leptos::prelude::*;

/// The `<option>`s of a district picker, the chosen one marked.
#[component]
pub fn DistrictOptions(districts: Vec<String>, chosen: Option<String>) -> impl IntoView {
    districts
        .into_iter()
        .map(|district| {
            let selected = chosen.as_deref() == Some(district.as_str());
            let label = district.clone();
            view! { <option value=district selected=selected>{label}</option> }
        })
        .collect_view()
}
