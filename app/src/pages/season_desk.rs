//! 供暖季决定 (the city heating authority): the season as the city sees it
//! and a form for an early start or an extension (看天供暖), for every
//! company or named ones. Works without JavaScript.

use crate::api::season::{load_season_desk, PublishSeasonDecision};
use crate::components::feedback::{loaded, ActionOutcome};
use crate::components::season::SeasonCard;
use crate::prefs::use_lang;
use domain::season::AnnouncementKind;
use domain::season_decision::SeasonDeskView;
use leptos::prelude::*;
use leptos_meta::Title;
use translations::text;

#[component]
pub fn SeasonDeskPage() -> impl IntoView {
    let lang = use_lang();
    let publish = ServerAction::<PublishSeasonDecision>::new();
    let desk = Resource::new(move || publish.version().get(), |_| load_season_desk());
    view! {
        <Title text=text::season_desk_title(lang) />
        <h1 class="page-title">{text::season_desk_title(lang)}</h1>
        {loaded(desk, move |desk| view! { <SeasonDeskView desk publish /> })}
    }
}

#[component]
fn SeasonDeskView(
    desk: SeasonDeskView,
    publish: ServerAction<PublishSeasonDecision>,
) -> impl IntoView {
    let lang = use_lang();
    let kinds = AnnouncementKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.as_str()>{k.label(lang)}</option> })
        .collect_view();
    let companies = desk
        .companies
        .iter()
        .map(|c| view! { <option value=c.id>{c.name.clone()}</option> })
        .collect_view();
    view! {
        <SeasonCard season=desk.season.clone() now=desk.now />
        <section class="card" id="decision">
            <h2 class="card__title">{text::season_desk_new(lang)}</h2>
            <ActionForm action=publish attr:class="form">
                <label class="field"><span class="field__label">{text::season_desk_kind(lang)}</span>
                    <select class="field__input" name="kind" required>{kinds}</select></label>
                <label class="field"><span class="field__label">{text::season_desk_effective_at(lang)}</span>
                    <input class="field__input" type="datetime-local" name="effective_at" required /></label>
                <label class="field"><span class="field__label">{text::season_desk_reason(lang)}</span>
                    <textarea class="field__input" name="reason" maxlength="200" required></textarea></label>
                <label class="field"><span class="field__label">{text::season_desk_companies(lang)}</span>
                    <select class="field__input" name="company_ids[]" multiple size="4">{companies}</select>
                    <span class="field__hint">{text::season_desk_companies_hint(lang)}</span></label>
                <ActionOutcome action=publish done=text::season_desk_published(lang) />
                <button class="button" type="submit">{text::season_desk_publish(lang)}</button>
            </ActionForm>
        </section>
    }
}
