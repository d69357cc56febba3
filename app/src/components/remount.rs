//! Renders its children anew whenever a key changes.
//!
//! After a client-side navigation Leptos updates the page in place, and a
//! `<select>` the person changed keeps showing their pick even when the new
//! markup marks another option (the browser stops following `selected` once
//! the person has chosen). A filter or picker whose choices come from the
//! address is therefore drawn afresh for each address. Setting the choice as
//! a property instead would also overwrite a pick made before hydration.

use leptos::prelude::*;
use std::hash::Hash;

#[component]
pub fn Remount<K>(key: K, children: ChildrenFn) -> impl IntoView
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
{
    view! {
        <For each=move || std::iter::once(key.clone()) key=|key| key.clone() children=move |_| children() />
    }
}
