//! 室温投诉, 故障报修, 业务办理: the forms a resident files a case with.
//! Each is a plain multipart form (it posts, with its photos, and the server
//! answers with the case page); each carries a one-time key so a second tap
//! files nothing new.

use crate::api::cases::{
    load_filing_form, FileApplication, FileRepair, FileTemperatureComplaint, FilingForm,
    FilingHousehold,
};
use crate::components::feedback::{error_in_address, loaded};
use crate::components::outage::full_date_time;
use crate::components::upload::{UploadForm, IMAGE_TYPES};
use crate::prefs::use_lang;
use domain::applications::required_documents;
use domain::case_flow::CaseKind;
use domain::repair::RepairCategory;
use domain::triage::Room;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use translations::text;

/// The household picker: a choice when there are several, preselected from
/// `?household=`; a line of text when there is one.
#[component]
fn HouseholdPicker(households: Vec<FilingHousehold>) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let wanted = query.read_untracked().get("household");
    if let [only] = households.as_slice() {
        return view! {
            <p class="field">
                <span class="field__label">{text::filing_home(lang)}</span>
                <span>{only.address.clone()}</span>
                <input type="hidden" name="household_id" value=only.household_id />
            </p>
        }
        .into_any();
    }
    let options = households
        .into_iter()
        .map(|h| {
            let selected = wanted.as_deref() == Some(h.household_id.to_string().as_str());
            view! { <option value=h.household_id selected=selected>{h.address}</option> }
        })
        .collect_view();
    view! {
        <label class="field">
            <span class="field__label">{text::filing_home(lang)}</span>
            <select class="field__input" name="household_id" required>{options}</select>
        </label>
    }
    .into_any()
}

/// Shown instead of a form when the resident has no household yet.
#[component]
fn BindFirst() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card">
            <p>{text::filing_bind_your_heating_account_first_then(lang)}</p>
            <a class="button" href="/me/settings">{text::filing_bind_a_household(lang)}</a>
        </section>
    }
}

/// The form's data; `?consent=` (a grid worker filing for a resident)
/// narrows it to the consented household.
fn filing_form_resource() -> Resource<Result<FilingForm, ServerFnError>> {
    let query = use_query_map();
    Resource::new(move || query.read().get("consent"), load_filing_form)
}

/// The fields every filing form starts with: its one-time key and the
/// household; for a grid worker, the resident's consent code.
fn filing_basics(form: FilingForm) -> impl IntoView {
    let lang = use_lang();
    let consent = form.consent.map(|consent| {
        view! {
            <div class="notice consent">
                <p>
                    {text::filing_filing_for_a_resident_a_code(lang)}
                    <strong>{consent.masked_phone.clone()}</strong>
                    {text::filing_ask_the_resident_to_read_it(lang)}
                    {full_date_time(lang, consent.expires_at)}
                    {text::filing_closing_note(lang)}
                </p>
                <input type="hidden" name="consent_token" value=consent.token.clone() />
                <label class="field">
                    <span class="field__label">{text::filing_the_resident_s_code(lang)}</span>
                    <input class="field__input field__input--number" type="text" name="consent_code"
                        inputmode="numeric" maxlength="6" required autocomplete="one-time-code" />
                </label>
            </div>
        }
    });
    view! {
        <input type="hidden" name="idempotency_key" value=form.idempotency_key />
        {consent}
        <HouseholdPicker households=form.households />
    }
}

/// A file input for photos (the camera on a phone), several at once.
#[component]
fn PhotoInput(label: &'static str) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field__label">{label}</span>
            <input class="field__input" type="file" name="photos" accept=IMAGE_TYPES multiple />
            <span class="muted">{text::filing_jpeg_png_or_webp_up_to(use_lang())}</span>
        </label>
    }
}

/// 室温投诉: how to measure, then the reading.
#[component]
pub fn TemperatureComplaintPage() -> impl IntoView {
    let lang = use_lang();
    let form = filing_form_resource();
    view! {
        <Title text=text::filing_temperature_complaint(lang) />
        <h1 class="page-title">{text::filing_temperature_complaint(lang)}</h1>
        <section class="card guide">
            <h2 class="card__title">{text::filing_measure_like_this_first(lang)}</h2>
            <img class="guide__picture" src="/measure-room.svg" width="320" height="180"
                alt=text::filing_thermometer_in_the_middle_of_the(lang) />
            <ol class="steps">
                <li>{text::filing_keep_doors_and_windows_closed_for(lang)}</li>
                <li>{text::filing_put_the_thermometer_in_the_middle(lang)}</li>
                <li>{text::filing_wait_until_the_reading_is_steady(lang)}</li>
            </ol>
            <p class="muted">{text::filing_standard_bedrooms_and_living_rooms_at(lang)}</p>
        </section>
        {loaded(form, move |form| {
            let rooms = Room::ALL
                .into_iter()
                .enumerate()
                .map(|(i, room)| view! {
                    <label class="choice">
                        <input type="radio" name="room" value=room.as_str() required checked=i == 0 />
                        <span>{room.label(lang)}</span>
                    </label>
                })
                .collect_view();
            let fields = view! {
                <fieldset class="field choices">
                    <legend class="field__label">{text::filing_room(lang)}</legend>
                    {rooms}
                </fieldset>
                <label class="field">
                    <span class="field__label">{text::filing_reading_c(lang)}</span>
                    <input class="field__input field__input--number" type="text" name="reading" inputmode="decimal"
                        maxlength="8" required placeholder="16.5" autocomplete="off" />
                </label>
                <label class="choice">
                    <input type="checkbox" name="measured_as_guided" value="1" />
                    <span>{text::filing_i_measured_as_described_above(lang)}</span>
                </label>
                <label class="choice">
                    <input type="checkbox" name="file_anyway" value="1" />
                    <span>{text::filing_the_reading_is_18_c_or(lang)}</span>
                </label>
                <label class="field">
                    <span class="field__label">{text::filing_anything_else_optional(lang)}</span>
                    <textarea class="field__input" name="note" rows="3" maxlength="500"></textarea>
                </label>
                <PhotoInput label=text::filing_photo_of_the_thermometer_optional(lang) />
            };
            if form.households.is_empty() {
                return view! { <BindFirst /> }.into_any();
            }
            view! {
                <UploadForm action=FileTemperatureComplaint::url().to_string() class="form card">
                    {filing_basics(form)}
                    {fields}
                    {error_in_address(FileTemperatureComplaint::url())}
                    <button class="button button--large" type="submit">{text::filing_file_complaint(lang)}</button>
                </UploadForm>
            }
            .into_any()
        })}
    }
}

/// 故障报修: what is broken, how urgent, in a few words.
#[component]
pub fn RepairPage() -> impl IntoView {
    let lang = use_lang();
    let form = filing_form_resource();
    view! {
        <Title text=text::filing_report_a_fault(lang) />
        <h1 class="page-title">{text::filing_report_a_fault(lang)}</h1>
        <p class="notice notice--warning">
            {text::filing_if_water_is_running_close_your(lang)}
        </p>
        {loaded(form, move |form| {
            let categories = RepairCategory::ALL
                .into_iter()
                .enumerate()
                .map(|(i, category)| view! {
                    <label class="choice">
                        <input type="radio" name="category" value=category.as_str() required checked=i == 0 />
                        <span>{category.label(lang)}</span>
                    </label>
                })
                .collect_view();
            let fields = view! {
                <fieldset class="field choices">
                    <legend class="field__label">{text::filing_what_is_wrong(lang)}</legend>
                    {categories}
                </fieldset>
                <label class="choice choice--danger">
                    <input type="checkbox" name="water_flooding" value="1" />
                    <span>{text::filing_water_is_flooding(lang)}</span>
                </label>
                <label class="field">
                    <span class="field__label">{text::filing_description(lang)}</span>
                    <textarea class="field__input" name="description" rows="4" maxlength="500"
                        placeholder=text::filing_e_g_the_upper_half_of(lang)></textarea>
                </label>
                <PhotoInput label=text::filing_photos_of_the_fault_optional(lang) />
            };
            if form.households.is_empty() {
                return view! { <BindFirst /> }.into_any();
            }
            view! {
                <UploadForm action=FileRepair::url().to_string() class="form card">
                    {filing_basics(form)}
                    {fields}
                    {error_in_address(FileRepair::url())}
                    <button class="button button--large" type="submit">{text::filing_report_fault(lang)}</button>
                </UploadForm>
            }
            .into_any()
        })}
    }
}

/// 业务办理: the rules and deadline first, then the form.
#[component]
pub fn ApplicationPage() -> impl IntoView {
    let lang = use_lang();
    let form = filing_form_resource();
    let query = use_query_map();
    let wanted = query.read_untracked().get("kind");
    view! {
        <Title text=text::filing_applications(lang) />
        <h1 class="page-title">{text::filing_applications(lang)}</h1>
        {loaded(form, move |form| {
            let window_note = format!(
                "{}{}{}",
                text::filing_suspend_and_resume_are_due_30(lang),
                form.application_season,
                text::filing_due_by(lang),
            );
            let deadline = full_date_time(lang, form.application_deadline);
            let kinds = CaseKind::APPLICATIONS
                .into_iter()
                .enumerate()
                .map(|(i, kind)| {
                    let checked = wanted.as_deref().map_or(i == 1, |w| w == kind.as_str());
                    let documents = required_documents(kind, lang);
                    view! {
                        <label class="choice choice--card">
                            <input type="radio" name="kind" value=kind.as_str() required checked=checked />
                            <span>
                                <strong>{kind.label(lang)}</strong>
                                <span class="muted">{text::filing_upload(lang)}{documents}</span>
                            </span>
                        </label>
                    }
                })
                .collect_view();
            let fields = view! {
                <p class="notice">{window_note}{deadline}{text::filing_sentence_end(lang)}</p>
                <fieldset class="field choices">
                    <legend class="field__label">{text::filing_application(lang)}</legend>
                    {kinds}
                </fieldset>
                <label class="choice">
                    <input type="checkbox" name="has_own_valve" value="1" />
                    <span>{text::filing_my_home_has_its_own_shut(lang)}</span>
                </label>
                <fieldset class="field new-holder">
                    <legend class="field__label">{text::filing_new_holder_for_holder_change(lang)}</legend>
                    <label class="field">
                        <span class="field__label">{text::filing_new_holder_name(lang)}</span>
                        <input class="field__input" type="text" name="new_holder_name" maxlength="40" autocomplete="off" />
                    </label>
                    <label class="field">
                        <span class="field__label">{text::filing_new_holder_phone(lang)}</span>
                        <input class="field__input" type="tel" name="new_holder_phone" maxlength="20" inputmode="tel" autocomplete="off" />
                    </label>
                </fieldset>
                <label class="field">
                    <span class="field__label">{text::filing_notes_optional(lang)}</span>
                    <textarea class="field__input" name="note" rows="3" maxlength="500"></textarea>
                </label>
                <label class="field">
                    <span class="field__label">{text::filing_photos_of_the_documents_required_see(lang)}</span>
                    <input class="field__input" type="file" name="photos" accept=IMAGE_TYPES multiple required />
                </label>
                <p class="muted">{text::filing_review_takes_about_3_working_days(lang)}</p>
            };
            if form.households.is_empty() {
                return view! { <BindFirst /> }.into_any();
            }
            view! {
                <UploadForm action=FileApplication::url().to_string() class="form card">
                    {filing_basics(form)}
                    {fields}
                    {error_in_address(FileApplication::url())}
                    <button class="button button--large" type="submit">{text::filing_apply(lang)}</button>
                </UploadForm>
            }
            .into_any()
        })}
    }
}
