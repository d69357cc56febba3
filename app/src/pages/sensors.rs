//! 传感器登记 (admin): import the registry of indoor, station and outdoor
//! sensors from CSV, and see which are registered, where, when each was
//! last heard and which are not trusted.

use crate::api::telemetry::{
    load_sensor, load_sensor_registry, EditSensor, ImportSensors, SetSupplyCurve,
};
use crate::components::feedback::{loaded, ActionOutcome};
use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::telemetry::{CompanyCurve, SensorKind, SensorRegistry, SensorSummary, SENSORS_LISTED};
use domain::triage::Reading;
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
    let set_curve = ServerAction::<SetSupplyCurve>::new();
    let query = use_query_map();
    let registry = Resource::new(
        move || (import.version().get(), set_curve.version().get()),
        |_| load_sensor_registry(),
    );
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
                <ActionOutcome action=import done=text::sensors_import_done(lang) />
                <button class="button" type="submit">{text::sensors_import_button(lang)}</button>
            </ActionForm>
        </section>
        <FindAndEdit />
        <ActionOutcome action=set_curve done=text::sensors_curve_saved(lang) />
        {loaded(registry, move |registry| {
            let curves = registry.curves.clone();
            view! {
                <Registry registry />
                <Curves curves set_curve />
            }
        })}
    }
}

/// 修改传感器: find a sensor by its code (a GET form, so the address
/// keeps it), then give it another kind or place.
#[component]
fn FindAndEdit() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let edit = ServerAction::<EditSensor>::new();
    let code = move || query.read().get("sensor").filter(|c| !c.trim().is_empty());
    let found = Resource::new(
        move || (code(), edit.version().get()),
        |(code, _)| async move {
            match code {
                Some(code) => load_sensor(code.clone())
                    .await
                    .map(|found| Some((code, found))),
                None => Ok(None),
            }
        },
    );
    view! {
        <section class="card" id="edit">
            <h2 class="card__title">{text::sensors_edit(lang)}</h2>
            <p class="muted">{text::sensors_edit_explained(lang)}</p>
            <form method="get" action="/admin/sensors#edit" class="form filters">
                <label class="field"><span class="field__label">{text::sensors_code(lang)}</span>
                    <input class="field__input" name="sensor" required autocomplete="off"
                        value=move || code().unwrap_or_default() /></label>
                <button class="button button--secondary" type="submit">{text::sensors_find(lang)}</button>
            </form>
            {loaded(found, move |found| match found {
                None => ().into_any(),
                Some((_, Some(sensor))) => view! { <SensorForm sensor edit /> }.into_any(),
                Some((code, None)) => view! {
                    <p class="notice notice--warning" role="status">{text::sensors_not_found(lang, code)}</p>
                }
                .into_any(),
            })}
        </section>
    }
}

/// One sensor's kind and place, to change.
#[component]
fn SensorForm(sensor: SensorSummary, edit: ServerAction<EditSensor>) -> impl IntoView {
    let lang = use_lang();
    let kinds = SensorKind::ALL
        .into_iter()
        .map(|kind| {
            view! { <option value=kind.as_str() selected=kind == sensor.kind>{kind.label(lang)}</option> }
        })
        .collect_view();
    let code = sensor.code;
    let saved = text::sensors_edited(lang, code.clone());
    let editing = code.clone();
    view! {
        <ActionForm action=edit attr:class="form" attr:data-editing=editing>
            <input type="hidden" name="code" value=code.clone() />
            <p><code>{code}</code>" "{sensor.place.unwrap_or_default()}</p>
            <div class="rule">
                <label class="field"><span class="field__label">{text::sensors_kind(lang)}</span>
                    <select class="field__input" name="kind">{kinds}</select></label>
                <label class="field"><span class="field__label">{text::sensors_place(lang)}</span>
                    <input class="field__input" name="place" autocomplete="off" value=sensor.place_code /></label>
            </div>
            <ActionOutcome action=edit done=saved />
            <button class="button" type="submit">{text::sensors_save(lang)}</button>
        </ActionForm>
    }
    .into_any()
}

/// Each company's weather-compensated curve, one form each.
#[component]
fn Curves(curves: Vec<CompanyCurve>, set_curve: ServerAction<SetSupplyCurve>) -> impl IntoView {
    let lang = use_lang();
    let degrees = |tenths: i32| format!("{:.1}", f64::from(tenths) / 10.0);
    let forms = curves
        .into_iter()
        .map(|company| {
            let curve = company.curve;
            let state = if company.set {
                text::sensors_curve_set(lang)
            } else {
                text::sensors_curve_default(lang)
            };
            view! {
                <ActionForm action=set_curve attr:class="form curve" attr:data-company=company.company_id>
                    <h3>{company.company}" "<span class="muted">{state}</span></h3>
                    <input type="hidden" name="company" value=company.company_id />
                    <div class="rule">
                        <label class="field"><span class="field__label">{text::sensors_cold_outdoor(lang)}</span>
                            <input class="field__input" name="cold_outdoor" inputmode="decimal" required value=degrees(curve.cold_outdoor) /></label>
                        <label class="field"><span class="field__label">{text::sensors_cold_supply(lang)}</span>
                            <input class="field__input" name="cold_supply" inputmode="decimal" required value=degrees(curve.cold_supply) /></label>
                        <label class="field"><span class="field__label">{text::sensors_mild_outdoor(lang)}</span>
                            <input class="field__input" name="mild_outdoor" inputmode="decimal" required value=degrees(curve.mild_outdoor) /></label>
                        <label class="field"><span class="field__label">{text::sensors_mild_supply(lang)}</span>
                            <input class="field__input" name="mild_supply" inputmode="decimal" required value=degrees(curve.mild_supply) /></label>
                        <label class="field"><span class="field__label">{text::sensors_tolerance(lang)}</span>
                            <input class="field__input" name="tolerance" inputmode="decimal" required value=degrees(curve.tolerance) /></label>
                    </div>
                    <button class="button button--secondary" type="submit">{text::sensors_save_curve(lang)}</button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="curves">
            <h2 class="card__title">{text::sensors_curves(lang)}</h2>
            <p class="muted">{text::sensors_curves_explained(lang, Reading(180).display())}</p>
            {forms}
        </section>
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
                <tr data-sensor=code.clone()>
                    <td><a href=format!("/admin/sensors?sensor={code}#edit")><code>{sensor.code}</code></a></td>
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
