//! Pieces of the place pickers the public pages share.

use crate::prefs::use_lang;
use domain::notices::{BuildingLookup, PlaceChoice};
use leptos::prelude::*;
use translations::text;

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

/// One level of a place picker (building, unit): a labelled `<select>`
/// whose empty first option is `prompt`.
#[component]
fn PlaceSelect(
    id: &'static str,
    label: &'static str,
    prompt: &'static str,
    choices: Vec<PlaceChoice>,
    selected: Option<i64>,
    disabled: bool,
) -> impl IntoView {
    let options = choices
        .into_iter()
        .map(|c| view! { <option value=c.id selected=selected == Some(c.id)>{c.name}</option> })
        .collect_view();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=id disabled=disabled>
                <option value="">{prompt}</option>
                {options}
            </select>
        </div>
    }
}

/// The district, community, building and unit of a place picker, each
/// narrowing the next, as far as `lookup` has them chosen. The unit's
/// label and prompt say whether it is needed.
#[component]
pub fn PlacePickerFields(
    lookup: BuildingLookup,
    unit_label: &'static str,
    unit_prompt: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let district = lookup.district.clone();
    let community_id = lookup.community_id;
    let building_id = lookup.building_id;

    let district_options =
        view! { <DistrictOptions districts=lookup.districts.clone() chosen=district.clone() /> };
    let community_prompt = if lookup.communities.is_empty() && district.is_none() {
        text::building_choose_a_district_first(lang)
    } else {
        text::building_choose_a_community(lang)
    };
    let no_communities = lookup.communities.is_empty();
    let community_options = lookup
        .communities
        .iter()
        .map(|c| {
            let label = if district.is_some() {
                c.name.clone()
            } else {
                format!("{} · {}", c.district, c.name)
            };
            view! { <option value=c.id selected=community_id == Some(c.id)>{label}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="district">{text::building_district(lang)}</label>
            <select id="district" name="district">
                <option value="">{text::building_all_districts(lang)}</option>
                {district_options}
            </select>
        </div>
        <div class="field">
            <label for="community">{text::building_community(lang)}</label>
            <select id="community" name="community" disabled=no_communities>
                <option value="">{community_prompt}</option>
                {community_options}
            </select>
        </div>
        <PlaceSelect
            id="building"
            label=text::building_building(lang)
            prompt=text::building_choose_a_building(lang)
            choices=lookup.buildings
            selected=building_id
            disabled=community_id.is_none()
        />
        <PlaceSelect
            id="unit"
            label=unit_label
            prompt=unit_prompt
            choices=lookup.units
            selected=lookup.unit_id
            disabled=building_id.is_none()
        />
    }
}
