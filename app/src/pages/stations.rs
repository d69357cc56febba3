//! 换热站看板 (dispatcher): each of the company's stations, its latest hour
//! of secondary supply and return against the company's weather-compensated
//! curve, its last contact and its alarm; alarms first.

use crate::api::telemetry::load_station_board;
use crate::components::feedback::loaded;
use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::telemetry::{StationBoard, SupplyCurve};
use domain::triage::Reading;
use leptos::prelude::*;
use leptos_meta::Title;
use translations::{text, Lang};

fn shown(tenths: Option<i32>) -> String {
    tenths
        .map(|t| Reading(t).display())
        .unwrap_or_else(|| "—".to_string())
}

fn curve_text(lang: Lang, curve: &SupplyCurve) -> String {
    text::stations_curve(
        lang,
        shown(Some(curve.cold_outdoor)),
        shown(Some(curve.cold_supply)),
        shown(Some(curve.mild_outdoor)),
        shown(Some(curve.mild_supply)),
        shown(Some(curve.tolerance)),
    )
}

#[component]
pub fn StationBoardPage() -> impl IntoView {
    let lang = use_lang();
    let board = Resource::new(|| (), |_| load_station_board());
    view! {
        <Title text=text::stations_title(lang) />
        <h1 class="page-title">{text::stations_title(lang)}</h1>
        <p><a href="/dispatch">{text::stations_back_to_queue(lang)}</a></p>
        {loaded(board, move |board| view! { <Board board /> })}
    }
}

#[component]
fn Board(board: StationBoard) -> impl IntoView {
    let lang = use_lang();
    let alarms = board.stations.iter().filter(|s| s.alarm.is_some()).count();
    let rows = board
        .stations
        .into_iter()
        .map(|station| {
            let state = match (station.alarm, station.has_sensor) {
                (Some(alarm), _) => view! { <span class="badge badge--danger">{alarm.label(lang)}</span> }.into_any(),
                (None, false) => view! { <span class="badge badge--muted">{text::stations_no_sensor(lang)}</span> }.into_any(),
                (None, true) => view! { <span class="badge badge--on">{text::stations_normal(lang)}</span> }.into_any(),
            };
            let heard = match station.last_heard_at {
                Some(at) => view! { <Moment at /> }.into_any(),
                None => "—".into_any(),
            };
            let hour = station
                .hour
                .map(|at| domain::clock::to_local(at).format("%H:00").to_string())
                .unwrap_or_else(|| "—".to_string());
            let code = station.code.clone();
            view! {
                <tr data-station=code data-alarm=station.alarm.map(|a| if matches!(a, domain::telemetry::StationAlarm::BelowCurve) { "below_curve" } else { "no_data" })>
                    <td>{station.name}<br /><span class="muted">{station.code}</span></td>
                    <td>{state}</td>
                    <td>{hour}</td>
                    <td>{shown(station.supply)}</td>
                    <td>{shown(station.target)}</td>
                    <td>{shown(station.return_temp)}</td>
                    <td>{shown(station.outdoor)}</td>
                    <td>{heard}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2 class="card__title">{board.company_name}</h2>
            <p>{text::stations_alarms(lang, alarms)}</p>
            <p class="muted">{curve_text(lang, &board.curve)}</p>
        </section>
        <div class="table-wrap">
            <table class="table">
                <caption class="muted">{text::stations_caption(lang)}</caption>
                <thead><tr>
                    <th>{text::stations_station(lang)}</th>
                    <th>{text::stations_state(lang)}</th>
                    <th>{text::stations_hour(lang)}</th>
                    <th>{text::stations_supply(lang)}</th>
                    <th>{text::stations_target(lang)}</th>
                    <th>{text::stations_return(lang)}</th>
                    <th>{text::stations_outdoor(lang)}</th>
                    <th>{text::stations_last_contact(lang)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
