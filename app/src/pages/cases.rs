//! 工单: the cases a person may read, one case with its timeline and the
//! steps the viewer may take, a dispatcher's queue and a crew's jobs.

use crate::api::cases::{
    load_case, load_cases, load_crew_jobs, load_queue, CreateIncident, PlaceHotlineOrder,
    PublishIncidentOutage, QueueParams, TakeCaseStep, TakeCaseStepWithPhotos, TakeOrderStep,
};
use crate::api::telemetry::{load_data_findings, OpenDataIncident};
use crate::components::case::{CaseList, DeadlineClock, StateBadge, Timeline};
use crate::components::feedback::{error_in_address, loaded, ActionOutcome};
use crate::components::outage::Moment;
use crate::components::readings::HomeTemperatures;
use crate::components::upload::{UploadForm, IMAGE_TYPES};
use crate::format::parse_id;
use crate::prefs::{use_lang, Lang};
use domain::account::Choice;
use domain::case_flow::{CaseAction, CaseKind, CaseState};
use domain::cases::{promise, CaseBrief, CaseDetail};
use domain::hotline::{OrderAction, OrderView, MAX_EXTENSION_DAYS};
use domain::incidents::{IncidentProposalView, IncidentScope, OUTAGE_RESTORE_HOURS};
use domain::measurement::CauseSide;
use domain::service_change::{FieldWork, SEAL_NUMBER_CHARS};
use domain::telemetry::DataFinding;
use domain::triage::{Reading, Room};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use translations::text;

/// How often an open case page asks for news (with JavaScript).
const NEWS_EVERY_MS: u32 = 15_000;

#[component]
pub fn CasesPage() -> impl IntoView {
    let lang = use_lang();
    let cases = Resource::new(|| (), |_| load_cases());
    view! {
        <Title text=text::layout_my_cases(lang) />
        <h1 class="page-title">{text::layout_my_cases(lang)}</h1>
        {loaded(cases, move |cases| view! { <CaseList cases /> })}
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || parse_id(params.read().get("id")).unwrap_or(0);
    let step = ServerAction::<TakeCaseStep>::new();
    let publish = ServerAction::<PublishIncidentOutage>::new();
    let order_step = ServerAction::<TakeOrderStep>::new();
    let case = Resource::new(
        move || {
            (
                id(),
                step.version().get(),
                publish.version().get(),
                order_step.version().get(),
            )
        },
        |(id, _, _, _)| load_case(id),
    );
    view! {
        <Title text=text::cases_case(lang) />
        {loaded(case, move |case| view! { <CaseView case step publish order_step /> })}
    }
}

#[component]
fn CaseView(
    case: CaseDetail,
    step: ServerAction<TakeCaseStep>,
    publish: ServerAction<PublishIncidentOutage>,
    order_step: ServerAction<TakeOrderStep>,
) -> impl IntoView {
    let lang = use_lang();
    let brief = case.brief.clone();
    let promise_text = brief.deadline.map(|d| promise(brief.kind, &d, lang));
    let facts = case_facts(lang, &case);
    view! {
        <h1 class="page-title">
            {brief.kind.label(lang)}" "<span class="muted">{brief.case_no.clone()}</span>
        </h1>
        <section class="card case-summary">
            <p class="case-summary__state">
                <StateBadge state=brief.state />
                {brief.emergency.then(|| view! { " "<span class="badge badge--danger">{text::case_emergency(lang)}</span> })}
            </p>
            {promise_text.map(|text| view! { <p class="case-summary__promise"><strong>{text}</strong></p> })}
            {brief.deadline.zip(brief.urgency).map(|(deadline, urgency)| view! { <p><DeadlineClock deadline urgency /></p> })}
            <p class="case-summary__what">{brief.summary.clone()}</p>
            <dl class="facts">{facts}</dl>
        </section>
        <CaseNews case_id=brief.case_id seen=case.timeline.len() />
        {case.indoor.clone().map(|indoor| view! {
            <section class="card" id="home-sensor">
                <HomeTemperatures indoor title=text::cases_home_sensor(lang) caption=text::cases_home_sensor_caption(lang) />
            </section>
        })}
        {case.hotline.clone().map(|order| view! { <HotlineOrder order case_id=brief.case_id order_step /> })}
        {(!case.actions.is_empty()).then(|| view! { <CaseSteps case=case.clone() step /> })}
        {case.may_publish_outage.then(|| view! { <PublishOutageForm case_id=brief.case_id publish /> })}
        <section class="card">
            <h2 class="card__title">{text::cases_timeline(lang)}</h2>
            <Timeline entries=case.timeline.clone() />
        </section>
    }
}

/// Tells a person who keeps the case open that it moved on: in the browser
/// it asks every 15 s how long the timeline is now, and offers a reload
/// when it grew. (Reloading by itself could throw away a step being typed.)
#[island]
fn CaseNews(case_id: i64, seen: usize) -> impl IntoView {
    let lang = use_lang();
    let news = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let interval = gloo_timers::callback::Interval::new(NEWS_EVERY_MS, move || {
            if news.get_untracked() {
                return;
            }
            leptos::task::spawn_local(async move {
                if timeline_length(case_id)
                    .await
                    .is_some_and(|now| now != seen)
                {
                    news.set(true);
                }
            });
        });
        // Dropping the interval cancels it when the page goes away.
        let interval = StoredValue::new_local(Some(interval));
        on_cleanup(move || interval.update_value(|running| drop(running.take())));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (case_id, seen, NEWS_EVERY_MS);
    move || {
        news.get().then(|| {
            view! {
                <p class="notice case-news" role="status">
                    {text::cases_news(lang)}" "<a href="">{text::cases_news_reload(lang)}</a>
                </p>
            }
        })
    }
}

/// How many entries the case's timeline holds now. A plain GET of the
/// server function's address (its answer is a bare number), which keeps
/// the server function client out of the wasm.
#[cfg(feature = "hydrate")]
async fn timeline_length(case_id: i64) -> Option<usize> {
    use crate::api::cases::CountCaseEvents;
    let address = format!("{}?id={case_id}", CountCaseEvents::url());
    let answer = crate::components::fetch::get_text(&address, "application/json").await?;
    answer.trim().parse().ok()
}

/// The facts of a case as definition-list rows.
fn case_facts(lang: Lang, case: &CaseDetail) -> impl IntoView {
    let row = |label: &'static str, value: AnyView| view! { <dt>{label}</dt><dd>{value}</dd> };
    let mut rows: Vec<AnyView> = Vec::new();
    if !case.address.is_empty() {
        rows.push(row(text::cases_address(lang), case.address.clone().into_any()).into_any());
    }
    rows.push(
        row(
            text::cases_filed(lang),
            view! { <Moment at=case.brief.created_at /> }.into_any(),
        )
        .into_any(),
    );
    if let Some(category) = case.category {
        rows.push(row(text::cases_fault(lang), category.label(lang).into_any()).into_any());
    }
    if let (Some(room), Some(reading)) = (case.room, case.reading) {
        let guided = match case.measured_as_guided {
            Some(true) => text::cases_measured_as_guided(lang),
            _ => "",
        };
        let text = format!("{} {}{}", room.label(lang), reading.display(), guided);
        rows.push(row(text::cases_reading(lang), text.into_any()).into_any());
    }
    if let Some(year) = case.season_start_year {
        let season = domain::season::season_label(year, lang);
        rows.push(row(text::cases_for_season(lang), season.into_any()).into_any());
    }
    if let Some(holder) = &case.new_holder {
        rows.push(row(text::cases_new_holder(lang), holder.clone().into_any()).into_any());
    }
    if let Some(outage) = &case.outage {
        let text = view! {
            <a href="/outages">{outage.title.clone()}</a>
            {text::cases_expected_back(lang)}<Moment at=outage.expected_restore_at />
        };
        rows.push(row(text::cases_outage(lang), text.into_any()).into_any());
    }
    if let Some(crew) = &case.brief.crew_name {
        rows.push(row(text::cases_crew(lang), crew.clone().into_any()).into_any());
    }
    if let Some(phone) = &case.contact_phone {
        let link = if phone.contains('*') {
            phone.clone().into_any()
        } else {
            view! { <a href=format!("tel:{phone}")>{phone.clone()}</a> }.into_any()
        };
        rows.push(row(text::cases_phone(lang), link).into_any());
    }
    if let Some(reporter) = case.reporter.as_ref().filter(|r| !r.is_empty()) {
        let lines = [
            reporter
                .name
                .as_ref()
                .map(|n| format!("{}{n}", text::cases_name(lang))),
            reporter
                .phone
                .as_ref()
                .map(|p| format!("{}{p}", text::cases_phone_2(lang))),
            reporter
                .email
                .as_ref()
                .map(|e| format!("{}{e}", text::cases_email(lang))),
            reporter
                .address
                .as_ref()
                .map(|a| format!("{}{a}", text::cases_address_given(lang))),
        ]
        .into_iter()
        .flatten()
        .map(|line| view! { <span class="facts__line">{line}</span> })
        .collect_view();
        rows.push(row(text::cases_reported_by(lang), lines.into_any()).into_any());
    }
    if let Some(response) = case.response {
        let kept = if response.on_time {
            text::cases_on_time(lang)
        } else {
            text::cases_late(lang)
        };
        let text = view! { <Moment at=response.at />{kept} };
        let label = match case.brief.kind {
            CaseKind::Repair | CaseKind::Temperature | CaseKind::Incident => {
                text::cases_on_site(lang)
            }
            _ => text::cases_decided(lang),
        };
        rows.push(row(label, text.into_any()).into_any());
    }
    if let Some(note) = &case.decision_note {
        rows.push(row(text::cases_decision(lang), note.clone().into_any()).into_any());
    }
    if !case.details.is_empty() {
        rows.push(row(text::cases_details(lang), case.details.clone().into_any()).into_any());
    }
    if let Some(stars) = case.rating {
        let text = format!(
            "{}{}{}",
            "★".repeat(stars.into()),
            "☆".repeat(5usize.saturating_sub(stars.into())),
            case.rating_comment
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default()
        );
        rows.push(row(text::cases_rating(lang), text.into_any()).into_any());
    }
    rows
}

/// The forms for the steps the viewer may take now.
#[component]
fn CaseSteps(case: CaseDetail, step: ServerAction<TakeCaseStep>) -> impl IntoView {
    let lang = use_lang();
    let case_id = case.brief.case_id;
    let forms = case
        .actions
        .iter()
        .map(|action| step_form(lang, case_id, case.brief.kind, *action, &case.crews, step))
        .collect_view();
    view! {
        <section class="card case-steps">
            <h2 class="card__title">{text::cases_next_steps(lang)}</h2>
            <ActionOutcome action=step done=text::cases_updated(lang) />
            {forms}
        </section>
    }
}

fn step_form(
    lang: Lang,
    case_id: i64,
    kind: CaseKind,
    action: CaseAction,
    crews: &[Choice],
    step: ServerAction<TakeCaseStep>,
) -> AnyView {
    let label = action.label(lang);
    let extra = match action {
        CaseAction::Assign => {
            let options = crews
                .iter()
                .map(|c| view! { <option value=c.id>{c.label.clone()}</option> })
                .collect_view();
            view! {
                <label class="field">
                    <span class="field__label">{text::cases_crew(lang)}</span>
                    <select class="field__input" name="crew_id" required>{options}</select>
                </label>
            }
            .into_any()
        }
        CaseAction::Rate => {
            let stars = (1..=5)
                .rev()
                .map(|n| {
                    view! {
                        <label class="choice choice--inline">
                            <input type="radio" name="rating" value=n required checked=n == 5 />
                            <span>{format!("{n} ★")}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="field choices choices--row">
                    <legend class="field__label">{text::cases_satisfaction(lang)}</legend>
                    {stars}
                </fieldset>
                <label class="field">
                    <span class="field__label">{text::cases_comment_optional(lang)}</span>
                    <textarea class="field__input" name="note" rows="2" maxlength="200"></textarea>
                </label>
            }
            .into_any()
        }
        CaseAction::Merge => view! {
            <label class="field">
                <span class="field__label">{text::cases_merge_into_case_number(lang)}</span>
                <input class="field__input" type="text" name="merge_into" maxlength="30" required />
            </label>
        }
        .into_any(),
        _ if action.needs_note() => {
            let hint = match action {
                CaseAction::Fix => text::cases_what_was_done_required(lang),
                CaseAction::Reopen => text::cases_what_is_still_wrong_required(lang),
                CaseAction::Reject => text::cases_reason_required(lang),
                _ => text::cases_note(lang),
            };
            view! {
                <label class="field">
                    <span class="field__label">{hint}</span>
                    <textarea class="field__input" name="note" rows="2" maxlength="500" required></textarea>
                </label>
            }
            .into_any()
        }
        CaseAction::Approve => view! {
            <label class="field">
                <span class="field__label">{text::cases_comment_optional_2(lang)}</span>
                <input class="field__input" type="text" name="note" maxlength="500" />
            </label>
        }
        .into_any(),
        _ => ().into_any(),
    };
    let button_class = match action {
        CaseAction::Note | CaseAction::Cancel | CaseAction::Reopen | CaseAction::Reject => {
            "button button--secondary"
        }
        _ => "button button--large",
    };
    if let (CaseAction::FinishFieldWork, Some(work)) = (action, FieldWork::of(kind)) {
        return field_work_form(lang, case_id, work);
    }
    if action == CaseAction::RecordMeasurement {
        return measurement_form(lang, case_id);
    }
    if action == CaseAction::Fix {
        // The work's photos go with it: a multipart form.
        return view! {
            <UploadForm action=TakeCaseStepWithPhotos::url().to_string() class="form step-form">
                <input type="hidden" name="case_id" value=case_id />
                <input type="hidden" name="action" value=action.as_str() />
                {extra}
                <label class="field">
                    <span class="field__label">{text::cases_photos_of_the_work_optional(lang)}</span>
                    <input class="field__input" type="file" name="photos" accept=IMAGE_TYPES multiple />
                </label>
                {error_in_address(TakeCaseStepWithPhotos::url())}
                <button class=button_class type="submit" data-action=action.as_str()>{label}</button>
            </UploadForm>
        }
        .into_any();
    }
    view! {
        <ActionForm action=step attr:class="form step-form" attr:data-action=action.as_str()>
            <input type="hidden" name="case_id" value=case_id />
            <input type="hidden" name="action" value=action.as_str() />
            {extra}
            <button class=button_class type="submit" disabled=move || step.pending().get()>{label}</button>
        </ActionForm>
    }
    .into_any()
}

/// The crew's record of the work at the door that completes an approved
/// application: the seal number at a valve, photos (at least one), a note.
/// A multipart form.
fn field_work_form(lang: Lang, case_id: i64, work: FieldWork) -> AnyView {
    let seal = work.records_seal().then(|| {
        let label = if work == FieldWork::SealValve {
            text::cases_seal_number_put_on(lang)
        } else {
            text::cases_seal_number_taken_off(lang)
        };
        view! {
            <label class="field">
                <span class="field__label">{label}</span>
                <input class="field__input" type="text" name="seal_no" required
                    minlength=*SEAL_NUMBER_CHARS.start() maxlength=*SEAL_NUMBER_CHARS.end()
                    autocomplete="off" autocapitalize="characters" />
            </label>
        }
    });
    view! {
        <UploadForm action=TakeCaseStepWithPhotos::url().to_string() class="form step-form">
            <input type="hidden" name="case_id" value=case_id />
            <input type="hidden" name="action" value=CaseAction::FinishFieldWork.as_str() />
            <p class="step-form__work">{work.label(lang)}</p>
            {seal}
            <label class="field">
                <span class="field__label">{text::cases_photos_of_the_valve_required(lang)}</span>
                <input class="field__input" type="file" name="photos" accept=IMAGE_TYPES multiple required />
            </label>
            <label class="field">
                <span class="field__label">{text::cases_note_optional(lang)}</span>
                <input class="field__input" type="text" name="note" maxlength="500" />
            </label>
            {error_in_address(TakeCaseStepWithPhotos::url())}
            <button class="button button--large" type="submit"
                data-action=CaseAction::FinishFieldWork.as_str()>
                {work.label(lang)}
            </button>
        </UploadForm>
    }
    .into_any()
}

/// 上门测温: each room's stable reading, the cause when below 18 ℃, the
/// resident's confirmation on the spot, a photo of the thermometer. A
/// multipart form.
fn measurement_form(lang: Lang, case_id: i64) -> AnyView {
    let suggested = [
        Room::LivingRoom,
        Room::MasterBedroom,
        Room::Bedroom,
        Room::Study,
    ];
    let rows = suggested
        .into_iter()
        .enumerate()
        .map(|(index, room)| {
            let n = index + 1;
            let options = Room::ALL
                .into_iter()
                .map(|choice| {
                    view! { <option value=choice.as_str() selected=choice == room>{choice.label(lang)}</option> }
                })
                .collect_view();
            view! {
                <div class="measurement-row">
                    <label class="field">
                        <span class="field__label">{text::cases_measured_room(lang, n)}</span>
                        <select class="field__input" name=format!("room_{n}")>{options}</select>
                    </label>
                    <label class="field">
                        <span class="field__label">{text::cases_measured_reading(lang, n)}</span>
                        <input class="field__input" type="text" name=format!("reading_{n}")
                            inputmode="decimal" maxlength="8" required=n == 1 />
                    </label>
                </div>
            }
        })
        .collect_view();
    let causes = CauseSide::ALL
        .into_iter()
        .map(|side| {
            view! {
                <label class="choice">
                    <input type="radio" name="cause" value=side.as_str() />
                    <span>{side.label(lang)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <UploadForm action=TakeCaseStepWithPhotos::url().to_string() class="form step-form measurement-form">
            <input type="hidden" name="case_id" value=case_id />
            <input type="hidden" name="action" value=CaseAction::RecordMeasurement.as_str() />
            <p class="muted">{text::cases_measure_as_the_rules_say(lang)}</p>
            {rows}
            <fieldset class="field choices">
                <legend class="field__label">{text::cases_cause_when_below(lang)}</legend>
                {causes}
            </fieldset>
            <label class="field">
                <span class="field__label">{text::cases_resident_who_confirms(lang)}</span>
                <input class="field__input" type="text" name="confirmed_by" maxlength="40" required />
            </label>
            <label class="choice">
                <input type="checkbox" name="confirmed" value="1" required />
                <span>{text::cases_resident_confirmed_the_readings(lang)}</span>
            </label>
            <label class="field">
                <span class="field__label">{text::cases_photo_of_the_thermometer_optional(lang)}</span>
                <input class="field__input" type="file" name="photos" accept=IMAGE_TYPES multiple />
            </label>
            {error_in_address(TakeCaseStepWithPhotos::url())}
            <button class="button button--large" type="submit"
                data-action=CaseAction::RecordMeasurement.as_str()>
                {CaseAction::RecordMeasurement.label(lang)}
            </button>
        </UploadForm>
    }
    .into_any()
}

/// The 12345 order behind a case: its status and clock, where its address
/// points, and the dispatcher's steps (each goes back to the platform).
#[component]
fn HotlineOrder(
    order: OrderView,
    case_id: i64,
    order_step: ServerAction<TakeOrderStep>,
) -> impl IntoView {
    let lang = use_lang();
    let forms = order
        .actions
        .iter()
        .map(|action| {
            let action = *action;
            let text = action.needs_text().then(|| {
                let hint = match action {
                    OrderAction::Return => text::cases_why_it_is_not_ours_required(lang),
                    OrderAction::Extend => text::cases_why_more_time_is_needed_required(lang),
                    OrderAction::Reply => text::cases_the_reply_required_12345_will_call(lang),
                    _ => text::cases_progress_required(lang),
                };
                view! {
                    <label class="field">
                        <span class="field__label">{hint}</span>
                        <textarea class="field__input" name="text" rows="2" maxlength="1000" required></textarea>
                    </label>
                }
            });
            let days = (action == OrderAction::Extend).then(|| {
                let options = (1..=MAX_EXTENSION_DAYS)
                    .map(|d| view! { <option value=d>{d}</option> })
                    .collect_view();
                view! {
                    <label class="field">
                        <span class="field__label">{text::cases_extension_working_days(lang)}</span>
                        <select class="field__input" name="extension_days" required>{options}</select>
                    </label>
                }
            });
            let class = if action == OrderAction::Return {
                "button button--secondary"
            } else {
                "button"
            };
            view! {
                <ActionForm action=order_step attr:class="form step-form" attr:data-order-action=action.as_str()>
                    <input type="hidden" name="case_id" value=case_id />
                    <input type="hidden" name="action" value=action.as_str() />
                    {text}
                    {days}
                    <button class=class type="submit" disabled=move || order_step.pending().get()>
                        {action.label(lang)}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    let unplaced = (!order.placed).then(|| {
        view! { " "<span class="badge badge--danger">{text::cases_not_matched_to_a_building(lang)}</span> }
    });
    // A plain form: the page reloads with the case at its new place.
    let place_form = (!order.placed && !order.actions.is_empty()).then(|| {
        view! {
            <form method="post" action=PlaceHotlineOrder::url() class="form step-form">
                <input type="hidden" name="case_id" value=case_id />
                <label class="field">
                    <span class="field__label">{text::cases_account_number_once_checked(lang)}</span>
                    <input class="field__input" type="text" name="account_no" maxlength="20" required autocomplete="off" />
                </label>
                {error_in_address(PlaceHotlineOrder::url())}
                <button class="button" type="submit">{text::cases_place_it_there(lang)}</button>
            </form>
        }
    });
    let return_by = order.return_due_at.map(|at| {
        view! { <dt>{text::cases_return_by(lang)}</dt><dd><Moment at /></dd> }
    });
    let extended = order.extended_days.map(|days| {
        view! { <dt>{text::cases_extended(lang)}</dt><dd>{days}{text::cases_working_days(lang)}</dd> }
    });
    view! {
        <section class="card hotline-order">
            <h2 class="card__title">{text::cases_12345_order(lang)}{order.order_id.clone()}</h2>
            <p><strong>{order.status.label(lang)}</strong></p>
            {order.deadline.zip(order.urgency).map(|(deadline, urgency)| view! { <p><DeadlineClock deadline urgency /></p> })}
            <dl class="facts">
                <dt>{text::cases_caller(lang)}</dt><dd>{order.caller_name.clone()}</dd>
                <dt>{text::cases_address_given_2(lang)}</dt><dd>{order.address.clone()}{unplaced}</dd>
                {return_by}
                {extended}
            </dl>
            {place_form}
            <ActionOutcome action=order_step done=text::cases_sent_to_12345(lang) />
            {forms}
        </section>
    }
    .into_any()
}

/// An incident's emergency outage notice: why, and when the heat should be
/// back. Residents of the place see it on the outage board and their home.
#[component]
fn PublishOutageForm(case_id: i64, publish: ServerAction<PublishIncidentOutage>) -> impl IntoView {
    let lang = use_lang();
    let hours = OUTAGE_RESTORE_HOURS
        .iter()
        .map(|h| {
            let label = text::cases_within_hours(lang, h);
            view! { <option value=*h selected=*h == 6>{label}</option> }
        })
        .collect_view();
    view! {
        <section class="card publish-outage">
            <h2 class="card__title">{text::cases_publish_an_outage_notice(lang)}</h2>
            <p class="muted">{text::cases_when_the_repair_stops_the_heat(lang)}</p>
            <ActionOutcome action=publish done=text::cases_published(lang) />
            <ActionForm action=publish attr:class="form">
                <input type="hidden" name="case_id" value=case_id />
                <label class="field">
                    <span class="field__label">{text::cases_cause(lang)}</span>
                    <textarea class="field__input" name="cause" rows="2" maxlength="200" required></textarea>
                </label>
                <label class="field">
                    <span class="field__label">{text::cases_heat_expected_back(lang)}</span>
                    <select class="field__input" name="restore_in_hours" required>{hours}</select>
                </label>
                <button class="button" type="submit" disabled=move || publish.pending().get()>
                    {text::cases_publish(lang)}
                </button>
            </ActionForm>
        </section>
    }
}

/// 调度台: the company's cases by deadline, with filters (a GET form, so
/// the address keeps them and it works without JavaScript).
#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        QueueParams {
            kind: q.get("kind"),
            state: q.get("state"),
            place: q.get("place"),
            overdue: q.get("overdue"),
            all: q.get("all"),
        }
    };
    let queue = Resource::new(params, load_queue);
    let findings = Resource::new(|| (), |_| load_data_findings());
    view! {
        <Title text=text::layout_dispatch(lang) />
        <h1 class="page-title">{text::layout_dispatch(lang)}</h1>
        <p><a href="/desk/stations">{text::cases_station_board(lang)}</a></p>
        {loaded(queue, move |queue| {
            let filter = queue.filter.clone();
            let kinds = CaseKind::ALL
                .into_iter()
                .map(|k| view! { <option value=k.as_str() selected=filter.kind == Some(k)>{k.label(lang)}</option> })
                .collect_view();
            let states = CaseState::ALL
                .into_iter()
                .map(|s| view! { <option value=s.as_str() selected=filter.state == Some(s)>{s.label(lang)}</option> })
                .collect_view();
            let count = queue.cases.len();
            view! {
                <form method="get" action="/dispatch" class="card filters">
                    <label class="field">
                        <span class="field__label">{text::cases_type(lang)}</span>
                        <select class="field__input" name="kind"><option value="">{text::admin_all(lang)}</option>{kinds}</select>
                    </label>
                    <label class="field">
                        <span class="field__label">{text::cases_state(lang)}</span>
                        <select class="field__input" name="state"><option value="">{text::admin_all(lang)}</option>{states}</select>
                    </label>
                    <label class="field">
                        <span class="field__label">{text::cases_community_or_station(lang)}</span>
                        <input class="field__input" type="search" name="place" maxlength="30"
                            value=filter.place.clone().unwrap_or_default()
                            placeholder=text::cases_part_of_the_name(lang)
                        />
                    </label>
                    <label class="choice">
                        <input type="checkbox" name="overdue" value="1" checked=filter.overdue_only />
                        <span>{text::cases_overdue_only(lang)}</span>
                    </label>
                    <label class="choice">
                        <input type="checkbox" name="all" value="1" checked=filter.include_finished />
                        <span>{text::cases_include_finished(lang)}</span>
                    </label>
                    <button class="button" type="submit">{text::admin_filter(lang)}</button>
                </form>
                <IncidentProposals proposals=queue.proposals />
                {loaded(findings, move |findings| view! { <DataFindings findings /> })}
                <p class="muted" data-count=count>
                    {format!("{count} ")}{text::cases_cases(lang)}
                    {queue.more.then(|| text::cases_only_those_with_the_nearest_deadlines(lang))}
                </p>
                <CaseList cases=queue.cases />
            }
        })}
    }
}

/// 未诉先办: groups of cold reports to gather into one incident.
#[component]
fn IncidentProposals(proposals: Vec<IncidentProposalView>) -> impl IntoView {
    let lang = use_lang();
    if proposals.is_empty() {
        return ().into_any();
    }
    let create = ServerAction::<CreateIncident>::new();
    let cards = proposals
        .into_iter()
        .map(|view| {
            let p = view.proposal;
            let ids = p.case_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            view! {
                <ActionForm action=create attr:class="form proposal" attr:data-scope=p.scope.encode()>
                    <p>
                        <strong>{view.label}</strong>" · "{p.households}{text::cases_homes_report_cold(lang)}
                        <Moment at=p.first_at />" – "<Moment at=p.last_at />
                    </p>
                    <input type="hidden" name="scope" value=p.scope.encode() />
                    <input type="hidden" name="case_ids" value=ids />
                    <button class="button" type="submit">{text::cases_gather_into_one_incident(lang)}</button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <section class="card proposals">
            <h2 class="card__title">{text::cases_act_before_complaints_proposed_incidents(lang)}</h2>
            <ActionOutcome action=create done=text::cases_gathered(lang) />
            {cards}
        </section>
    }
    .into_any()
}

/// 未诉先办 from data: buildings with homes in a cold spell and stations
/// below their curve, each opened as an incident with one button.
#[component]
fn DataFindings(findings: Vec<DataFinding>) -> impl IntoView {
    let lang = use_lang();
    if findings.is_empty() {
        return ().into_any();
    }
    let open = ServerAction::<OpenDataIncident>::new();
    let cards = findings
        .into_iter()
        .map(|finding| {
            let what = match finding.scope {
                IncidentScope::Building(_) => text::cases_finding_cold_homes(
                    lang,
                    finding.cold_homes,
                    Reading(finding.lowest).display(),
                    finding.sensors,
                ),
                IncidentScope::Station(_) => text::cases_finding_station_below_curve(
                    lang,
                    Reading(finding.lowest).display(),
                ),
            };
            let whole = finding.whole_building().then(|| {
                view! { <span class="badge badge--danger">{text::cases_finding_whole_building(lang)}</span>" " }
            });
            let action = match finding.incident.clone() {
                Some((id, no)) => view! {
                    <p><a href=format!("/cases/{id}")>{text::cases_finding_incident_open(lang, no)}</a></p>
                }
                .into_any(),
                None => view! {
                    <ActionForm action=open attr:class="row">
                        <input type="hidden" name="scope" value=finding.scope.encode() />
                        <button class="button" type="submit">{text::cases_finding_open_incident(lang)}</button>
                    </ActionForm>
                }
                .into_any(),
            };
            view! {
                <div class="proposal" data-finding=finding.scope.encode()>
                    <p>{whole}<strong>{finding.label}</strong>" · "{what}" · "<Moment at=finding.since /></p>
                    {action}
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="card proposals" id="data-findings">
            <h2 class="card__title">{text::cases_found_by_data(lang)}</h2>
            <ActionOutcome action=open done=text::cases_finding_opened(lang) />
            {cards}
        </section>
    }
    .into_any()
}

/// 我的任务: a crew's jobs, each with one big button for the next step.
#[component]
pub fn JobsPage() -> impl IntoView {
    let lang = use_lang();
    let step = ServerAction::<TakeCaseStep>::new();
    let jobs = Resource::new(move || step.version().get(), |_| load_crew_jobs());
    view! {
        <Title text=text::layout_my_jobs(lang) />
        <h1 class="page-title">{text::layout_my_jobs(lang)}</h1>
        <ActionOutcome action=step done=text::cases_updated(lang) />
        {loaded(jobs, move |jobs| {
            if jobs.is_empty() {
                return view! { <p class="card">{text::cases_no_jobs(lang)}</p> }.into_any();
            }
            jobs.into_iter().map(|job| view! { <JobCard job step /> }).collect_view().into_any()
        })}
    }
}

#[component]
fn JobCard(job: CaseBrief, step: ServerAction<TakeCaseStep>) -> impl IntoView {
    let lang = use_lang();
    let href = format!("/cases/{}", job.case_id);
    let next = match job.state {
        CaseState::Dispatched => Some(CaseAction::Depart),
        CaseState::OnTheWay => Some(CaseAction::Arrive),
        _ => None,
    };
    let button = match (next, job.state) {
        (Some(action), _) => view! {
            <ActionForm action=step attr:class="form">
                <input type="hidden" name="case_id" value=job.case_id />
                <input type="hidden" name="action" value=action.as_str() />
                <button class="button button--large" type="submit">{action.label(lang)}</button>
            </ActionForm>
        }
        .into_any(),
        (None, CaseState::OnSite) => view! {
            <a class="button button--large" href=href.clone()>{text::cases_mark_fixed(lang)}</a>
        }
        .into_any(),
        _ => ().into_any(),
    };
    view! {
        <section class="card job" data-case-no=job.case_no.clone()>
            <h2 class="card__title">
                <a href=href>{job.kind.label(lang)}" · "{job.summary.clone()}</a>
                {job.emergency.then(|| view! { " "<span class="badge badge--danger">{text::case_emergency(lang)}</span> })}
            </h2>
            <p>{job.place.clone()}" · "<StateBadge state=job.state /></p>
            {job.deadline.zip(job.urgency).map(|(deadline, urgency)| view! { <p><DeadlineClock deadline urgency /></p> })}
            {button}
        </section>
    }
}
