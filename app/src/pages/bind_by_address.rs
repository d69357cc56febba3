//! 按地址找到我家: a resident who does not know the account number picks
//! district → community → building → unit → flat, then gives the holder's
//! name; the binding then goes on as by account number (a code to the
//! holder's phone on file, or a bound resident's approval). Step by step
//! with plain GET forms; with JavaScript each choice updates in place.

use crate::api::account::{load_address_picker, BindHouseholdAt};
use crate::components::feedback::{error_in_address, loaded};
use crate::components::live_filter::LiveFilter;
use crate::components::places::PlacePickerFields;
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::account::AddressPicker;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use translations::text;

/// The page's own address: the GET form comes back to it.
const PAGE: &str = "/me/bind";

#[component]
pub fn BindByAddressPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let picked = Memo::new(move |_| {
        let query = query.read();
        (
            query.get("district").filter(|d| !d.trim().is_empty()),
            parse_id(query.get("community")),
            parse_id(query.get("building")),
            parse_id(query.get("unit")),
        )
    });
    let picker = Resource::new(
        move || picked.get(),
        |(district, community, building, unit)| {
            load_address_picker(district, community, building, unit)
        },
    );
    view! {
        <Title text=text::bind_find_my_home_by_address(lang) />
        <h1 class="page-title">{text::bind_find_my_home_by_address(lang)}</h1>
        <p class="muted">{text::bind_pick_then_the_holder(lang)}</p>
        {loaded(picker, |picker| view! {
            <LiveFilter cascade=true>
                <PickerView picker />
            </LiveFilter>
        })}
        <p><a href="/me">{text::bind_by_account_number_instead(lang)}</a></p>
    }
}

#[component]
fn PickerView(picker: AddressPicker) -> impl IntoView {
    let lang = use_lang();
    let AddressPicker { lookup, flats } = picker;
    let unit_chosen = lookup.unit_id.is_some();
    // Once a unit is picked: its flats and the holder's name, posted to
    // start the binding. Radio buttons, so the live form leaves them be.
    let bind_form = unit_chosen.then(|| {
        let flats = flats
            .into_iter()
            .map(|flat| {
                view! {
                    <label class="choice choice--inline">
                        <input type="radio" name="household_id" value=flat.id required />
                        <span>{flat.name}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <form method="post" action=BindHouseholdAt::url() class="form card">
                <fieldset class="field choices choices--row flats">
                    <legend class="field__label">{text::bind_flat(lang)}</legend>
                    {flats}
                </fieldset>
                <label class="field">
                    <span class="field__label">{text::me_account_holder_s_name(lang)}</span>
                    <input class="field__input" type="text" name="holder_name" maxlength="40" required />
                </label>
                {error_in_address(BindHouseholdAt::url())}
                <button class="button" type="submit">{text::me_bind(lang)}</button>
            </form>
        }
    });
    view! {
        <form method="get" action=PAGE>
            <div class="card picker">
                <PlacePickerFields
                    lookup
                    unit_label=text::bind_unit(lang)
                    unit_prompt=text::bind_choose_a_unit(lang)
                />
                <button class="button button--secondary" type="submit">{text::bind_next(lang)}</button>
            </div>
        </form>
        {bind_form}
    }
}
