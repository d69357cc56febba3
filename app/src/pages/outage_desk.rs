//! 停热值班台 (dispatchers): the company's outages, a form for a new one
//! (written as a draft), and one outage's page: who will hear of it and
//! what that costs, publishing now or later, progress notes that move the
//! expected restore, restore and cancel. Every form works without
//! JavaScript.

use crate::api::outage_desk::{
    load_desk_outage, load_outage_desk, CreateOutage, EditOutage, EndOutage, PostOutageUpdate,
    PublishOutage,
};
use crate::components::feedback::{loaded, ActionOutcome};
use crate::components::outage::{AreaList, Moment, Timeline};
use crate::format::parse_id;
use crate::prefs::use_lang;
use domain::clock::format_local_input;
use domain::outage::OutageKind;
use domain::outage_desk::{
    DeskOutage, DeskOutageDetail, DeskPlace, DeskPlaces, DraftChoices, OutageDeskView, OutageStatus,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use translations::text;

fn status_badge(status: OutageStatus) -> &'static str {
    match status {
        OutageStatus::Draft => "badge badge--waiting",
        OutageStatus::Published => "badge badge--off",
        OutageStatus::Restored => "badge badge--on",
        OutageStatus::Cancelled => "badge",
    }
}

#[component]
pub fn OutageDeskPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateOutage>::new();
    let desk = Resource::new(move || create.version().get(), |_| load_outage_desk());
    view! {
        <Title text=text::desk_outages_title(lang) />
        <h1 class="page-title">{text::desk_outages_title(lang)}</h1>
        {loaded(desk, move |desk| view! { <DeskView desk create /> })}
    }
}

#[component]
fn DeskView(desk: OutageDeskView, create: ServerAction<CreateOutage>) -> impl IntoView {
    let lang = use_lang();
    let rows = desk
        .outages
        .iter()
        .cloned()
        .map(|o| view! { <DeskRow outage=o /> })
        .collect_view();
    let list = if desk.outages.is_empty() {
        view! { <p class="card empty">{text::desk_outages_none_yet(lang)}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="table" id="desk-outages">
                    <thead><tr>
                        <th>{text::desk_outages_notice(lang)}</th>
                        <th>{text::desk_outages_status(lang)}</th>
                        <th>{text::outage_heat_off_from(lang)}</th>
                        <th>{text::outage_expected_back(lang)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <p class="muted">{desk.company_name.clone()}</p>
        {list}
        <NewOutageForm desk create />
    }
}

#[component]
fn DeskRow(outage: DeskOutage) -> impl IntoView {
    let lang = use_lang();
    view! {
        <tr data-outage-id=outage.id data-status=outage.status.as_str()>
            <td><a href=format!("/desk/outages/{}", outage.id)>{outage.title}</a>
                " "<span class="muted">{outage.kind.label(lang)}</span></td>
            <td><span class=status_badge(outage.status)>{outage.status.label(lang)}</span></td>
            <td><Moment at=outage.starts_at /></td>
            <td><Moment at=outage.expected_restore_at /></td>
        </tr>
    }
}

fn place_options(places: &[DeskPlace], chosen: &[i64]) -> impl IntoView {
    places
        .iter()
        .map(|p| {
            let selected = chosen.contains(&p.id);
            view! { <option value=p.id selected=selected>{p.label.clone()}</option> }
        })
        .collect_view()
}

/// What the outage form starts from: blank for a new outage, or a draft's
/// values and places when editing it.
#[derive(Clone, Debug, Default)]
struct FormStart {
    outage: Option<DeskOutage>,
    station_ids: Vec<i64>,
    building_ids: Vec<i64>,
}

/// The fields of an outage, new or a draft being edited.
#[component]
fn OutageFields(places: DeskPlaces, hours: i64, start: FormStart) -> impl IntoView {
    let lang = use_lang();
    let outage = start.outage.as_ref();
    let chosen_kind = outage.map(|o| o.kind);
    let kinds = OutageKind::ALL
        .into_iter()
        .map(|k| {
            view! { <option value=k.as_str() selected=chosen_kind == Some(k)>{k.label(lang)}</option> }
        })
        .collect_view();
    let value = |read: fn(&DeskOutage) -> String| outage.map(read).unwrap_or_default();
    let title = value(|o| o.title.clone());
    let cause = value(|o| o.cause.clone());
    let contact = value(|o| o.contact.clone());
    let reason = value(|o| o.short_notice_reason.clone());
    let starts_at = value(|o| format_local_input(o.starts_at));
    let restore_at = value(|o| format_local_input(o.expected_restore_at));
    view! {
        <label class="field"><span class="field__label">{text::desk_outages_kind(lang)}</span>
            <select class="field__input" name="kind" required>{kinds}</select></label>
        <label class="field"><span class="field__label">{text::desk_outages_title_field(lang)}</span>
            <input class="field__input" name="title" maxlength="40" required value=title /></label>
        <label class="field"><span class="field__label">{text::desk_outages_cause(lang)}</span>
            <textarea class="field__input" name="cause" maxlength="200" required>{cause}</textarea></label>
        <label class="field"><span class="field__label">{text::desk_outages_contact(lang)}</span>
            <input class="field__input" name="contact" maxlength="60" value=contact /></label>
        <label class="field"><span class="field__label">{text::outage_heat_off_from(lang)}</span>
            <input class="field__input" type="datetime-local" name="starts_at" required value=starts_at /></label>
        <label class="field"><span class="field__label">{text::outage_expected_back(lang)}</span>
            <input class="field__input" type="datetime-local" name="expected_restore_at" required value=restore_at /></label>
        <label class="field"><span class="field__label">{text::desk_outages_short_notice_reason(lang)}</span>
            <input class="field__input" name="short_notice_reason" maxlength="200" value=reason />
            <span class="field__hint">{text::desk_outages_notice_rule(lang, hours)}</span></label>
        <label class="field"><span class="field__label">{text::desk_outages_stations(lang)}</span>
            <select class="field__input" name="station_ids[]" multiple size="4">{place_options(&places.stations, &start.station_ids)}</select></label>
        <label class="field"><span class="field__label">{text::desk_outages_communities(lang)}</span>
            <select class="field__input" name="community_ids[]" multiple size="4">{place_options(&places.communities, &[])}</select></label>
        <label class="field"><span class="field__label">{text::desk_outages_buildings(lang)}</span>
            <select class="field__input" name="building_ids[]" multiple size="6">{place_options(&places.buildings, &start.building_ids)}</select></label>
    }
}

#[component]
fn NewOutageForm(desk: OutageDeskView, create: ServerAction<CreateOutage>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card" id="new-outage">
            <h2 class="card__title">{text::desk_outages_new(lang)}</h2>
            <ActionForm action=create attr:class="form">
                <OutageFields places=desk.places hours=desk.planned_notice_hours start=FormStart::default() />
                <ActionOutcome action=create done=text::desk_outages_draft_saved(lang) />
                <button class="button" type="submit">{text::desk_outages_save_draft(lang)}</button>
            </ActionForm>
        </section>
    }
}

/// A draft's form, its current values filled in (folded away until opened).
#[component]
fn EditDraftForm(
    outage: DeskOutage,
    choices: DraftChoices,
    edit: ServerAction<EditOutage>,
) -> impl IntoView {
    let lang = use_lang();
    let id = outage.id;
    let start = FormStart {
        outage: Some(outage),
        station_ids: choices.station_ids,
        building_ids: choices.building_ids,
    };
    view! {
        <details class="card" id="edit-draft">
            <summary class="card__title">{text::desk_outages_edit_draft(lang)}</summary>
            <ActionForm action=edit attr:class="form">
                <input type="hidden" name="id" value=id />
                <OutageFields places=choices.places hours=choices.planned_notice_hours start />
                <ActionOutcome action=edit done=text::desk_outages_draft_changed(lang) />
                <button class="button" type="submit">{text::desk_outages_save_changes(lang)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn DeskOutagePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| parse_id(params.read().get("id")));
    let publish = ServerAction::<PublishOutage>::new();
    let update = ServerAction::<PostOutageUpdate>::new();
    let end = ServerAction::<EndOutage>::new();
    let edit = ServerAction::<EditOutage>::new();
    let detail = Resource::new(
        move || {
            (
                id.get(),
                publish.version().get(),
                update.version().get(),
                end.version().get(),
                edit.version().get(),
            )
        },
        |(id, ..)| load_desk_outage(id.unwrap_or_default()),
    );
    view! {
        <Title text=text::desk_outages_title(lang) />
        <p><a href="/desk/outages">{text::desk_outages_back(lang)}</a></p>
        {loaded(detail, move |detail| view! { <DeskOutageView detail publish update end edit /> })}
    }
}

#[component]
fn DeskOutageView(
    detail: DeskOutageDetail,
    publish: ServerAction<PublishOutage>,
    update: ServerAction<PostOutageUpdate>,
    end: ServerAction<EndOutage>,
    edit: ServerAction<EditOutage>,
) -> impl IntoView {
    let lang = use_lang();
    let cost = detail.publish_cost();
    let outage = detail.outage.clone();
    let id = outage.id;
    let audience = detail.audience;
    let told = audience.told(outage.kind);
    let steps = match outage.status {
        OutageStatus::Draft => view! {
            <section class="card" id="publish">
                <h2 class="card__title">{text::desk_outages_before_publishing(lang)}</h2>
                <p data-testid="audience">{text::desk_outages_audience(
                    lang,
                    audience.buildings,
                    audience.households,
                    told,
                    cost,
                )}</p>
                <p class="muted">{text::desk_outages_text_preview(lang)}" "<q>{detail.publish_text.clone()}</q></p>
                <ActionForm action=publish attr:class="form">
                    <input type="hidden" name="id" value=id />
                    <label class="field"><span class="field__label">{text::desk_outages_publish_at(lang)}</span>
                        <input class="field__input" type="datetime-local" name="publish_at" />
                        <span class="field__hint">{text::desk_outages_publish_at_hint(lang)}</span></label>
                    <ActionOutcome action=publish done=text::desk_outages_published(lang) />
                    <button class="button" type="submit">{text::desk_outages_publish(lang)}</button>
                </ActionForm>
                <EndForm id step="cancel" end label=text::desk_outages_discard(lang) />
            </section>
            {detail.draft.clone().map(|choices| view! {
                <EditDraftForm outage=outage.clone() choices edit />
            })}
        }
        .into_any(),
        OutageStatus::Published => view! {
            <section class="card" id="update">
                <h2 class="card__title">{text::desk_outages_progress(lang)}</h2>
                <ActionForm action=update attr:class="form">
                    <input type="hidden" name="id" value=id />
                    <label class="field"><span class="field__label">{text::desk_outages_note(lang)}</span>
                        <textarea class="field__input" name="note" maxlength="200" required></textarea></label>
                    <label class="field"><span class="field__label">{text::desk_outages_new_restore(lang)}</span>
                        <input class="field__input" type="datetime-local" name="expected_restore_at" />
                        <span class="field__hint">{text::desk_outages_new_restore_hint(lang)}</span></label>
                    <ActionOutcome action=update done=text::desk_outages_update_posted(lang) />
                    <button class="button" type="submit">{text::desk_outages_post_update(lang)}</button>
                </ActionForm>
            </section>
            <section class="card" id="end">
                <ActionOutcome action=end done=text::desk_outages_ended(lang) />
                <EndForm id step="restore" end label=text::desk_outages_restore(lang) />
                <EndForm id step="cancel" end label=text::desk_outages_cancel(lang) />
            </section>
        }
        .into_any(),
        _ => ().into_any(),
    };
    let ended = outage.ended_at.map(|at| {
        view! {
            <dt>{text::desk_outages_ended_at(lang)}</dt>
            <dd><Moment at /></dd>
        }
    });
    let public_link = (outage.status != OutageStatus::Draft).then(|| {
        view! {
            <p>
                <a href=format!("/outages/{id}")>{text::desk_outages_public_page(lang)}</a>" · "
                <a href=format!("/outages/{id}/notice") rel="external">{text::print_notice_print(lang)}</a>
            </p>
        }
    });
    view! {
        <h1 class="page-title">{outage.title.clone()}</h1>
        <article class="card" data-outage-id=id data-status=outage.status.as_str()>
            <div class="outage__badges">
                <span class="badge">{outage.kind.label(lang)}</span>
                <span class=status_badge(outage.status)>{outage.status.label(lang)}</span>
            </div>
            <p>{outage.cause.clone()}</p>
            <dl class="facts">
                <dt>{text::outage_heat_off_from(lang)}</dt>
                <dd><Moment at=outage.starts_at /></dd>
                <dt>{text::outage_expected_back(lang)}</dt>
                <dd data-testid="expected-restore"><Moment at=outage.expected_restore_at /></dd>
                {ended}
            </dl>
            <AreaList areas=detail.areas.clone() />
            {public_link}
        </article>
        {steps}
        <Timeline entries=detail.timeline.clone() />
    }
}

#[component]
fn EndForm(
    id: i64,
    step: &'static str,
    end: ServerAction<EndOutage>,
    label: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=end attr:class="row">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="step" value=step />
            <button class="button button--secondary" type="submit" data-step=step>{label}</button>
        </ActionForm>
    }
}
