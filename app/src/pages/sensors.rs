//! 传感器登记 (admin): import the registry of indoor, station and outdoor
//! sensors from CSV, and see which are registered, where, when each was
//! last heard and which are not trusted.

use crate::api::telemetry::{load_sensor_registry, ImportSensors};
use crate::components::feedback::{loaded, ActionOutcome};
use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::telemetry::{SensorRegistry, SENSORS_LISTED};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use translations::text;

/// The placeholder of the CSV field: the header and two lines.
const CSV_EXAMPLE: &str =
    "sensor_id,kind,place\nWF-IN-000123,indoor,HD00012345\nWF-ST-0042,station,ST042";

#[component]
pub fn SensorsPage() -> impl IntoView {
    let lang = use_lang();
    let import = ServerAction::<ImportSensors>::new();
    let query = use_query_map();
    let registry = Resource::new(move || import.version().get(), |_| load_sensor_registry());
    let imported = move || {
        let query = query.read();
        let registered = query.get("registered")?;
        let moved = query.get("moved").unwrap_or_default();
        Some(view! {
            <p class="notice notice--ok" role="status">
                {text::sensors_imported(lang, moved, registered)}
            </p>
        })
    };
    view! {
        <Title text=text::sensors_title(lang) />
        <h1 class="page-title">{text::sensors_title(lang)}</h1>
        <p><a href="/admin">{text::case_rules_back_to_accounts(lang)}</a></p>
        {imported}
        <section class="card">
            <h2 class="card__title">{text::sensors_import(lang)}</h2>
            <p class="muted">{text::sensors_import_explained(lang)}</p>
            <ActionForm action=import attr:class="form">
                <label class="field"><span class="field__label">{text::sensors_csv(lang)}</span>
                    <textarea class="field__input" name="csv" rows="8" required
                        placeholder=CSV_EXAMPLE></textarea></label>
                <ActionOutcome outcome=import.value().into() done=text::sensors_import_done(lang) />
                <button class="button" type="submit">{text::sensors_import_button(lang)}</button>
            </ActionForm>
        </section>
        {loaded(registry, move |registry| view! { <Registry registry /> })}
    }
}

#[component]
fn Registry(registry: SensorRegistry) -> impl IntoView {
    let lang = use_lang();
    if registry.sensors.is_empty() {
        return view! { <p class="muted">{text::sensors_none_yet(lang)}</p> }.into_any();
    }
    let counts = registry
        .counts
        .into_iter()
        .map(|count| {
            view! {
                <li data-kind=count.kind.as_str()>
                    {count.kind.label(lang)}": "
                    {text::sensors_count(lang, count.flagged, count.registered)}
                </li>
            }
        })
        .collect_view();
    let rows = registry
        .sensors
        .into_iter()
        .map(|sensor| {
            let heard = match sensor.last_heard_at {
                Some(at) => view! { <Moment at /> }.into_any(),
                None => text::sensors_never_heard(lang).into_any(),
            };
            let flag = sensor.flag.map(|flag| {
                view! { <span class="badge badge--warning">{flag.label(lang)}</span> }
            });
            let code = sensor.code.clone();
            view! {
                <tr data-sensor=code>
                    <td><code>{sensor.code}</code></td>
                    <td>{sensor.kind.label(lang)}</td>
                    <td>{sensor.place.unwrap_or_default()}</td>
                    <td>{sensor.company.unwrap_or_default()}</td>
                    <td>{heard}</td>
                    <td>{flag}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ul class="plain-list">{counts}</ul>
        <p class="muted">{text::sensors_listed_first(lang, SENSORS_LISTED)}</p>
        <div class="table-wrap">
            <table class="table">
                <thead><tr>
                    <th>{text::sensors_code(lang)}</th>
                    <th>{text::sensors_kind(lang)}</th>
                    <th>{text::sensors_place(lang)}</th>
                    <th>{text::sensors_company(lang)}</th>
                    <th>{text::sensors_last_heard(lang)}</th>
                    <th>{text::sensors_trust(lang)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
