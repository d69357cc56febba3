//! 期限与节假日 (admin): each published clock, when yellow starts, and the
//! holidays and make-up working days of the working-day clocks.

use crate::api::staff::{
    load_case_rules, RemoveCalendarDay, SetCalendarDay, SetDeadlineRule, SetDeadlineWarning,
    SetOutageNotice,
};
use crate::components::feedback::{loaded, ActionOutcome};
use crate::prefs::use_lang;
use domain::deadlines::{CaseRules, Clock, DeadlineRule};
use domain::working_days::DayKind;
use leptos::prelude::*;
use leptos_meta::Title;
use translations::text;

#[derive(Clone, Copy)]
struct RuleActions {
    deadline: ServerAction<SetDeadlineRule>,
    warning: ServerAction<SetDeadlineWarning>,
    notice: ServerAction<SetOutageNotice>,
    add_day: ServerAction<SetCalendarDay>,
    remove_day: ServerAction<RemoveCalendarDay>,
}

#[component]
pub fn CaseRulesPage() -> impl IntoView {
    let lang = use_lang();
    let actions = RuleActions {
        deadline: ServerAction::new(),
        warning: ServerAction::new(),
        notice: ServerAction::new(),
        add_day: ServerAction::new(),
        remove_day: ServerAction::new(),
    };
    let rules = Resource::new(
        move || {
            (
                actions.deadline.version().get(),
                actions.warning.version().get(),
                actions.notice.version().get(),
                actions.add_day.version().get(),
                actions.remove_day.version().get(),
            )
        },
        |_| load_case_rules(),
    );
    view! {
        <Title text=text::admin_deadlines_and_holidays(lang) />
        <h1 class="page-title">{text::admin_deadlines_and_holidays(lang)}</h1>
        <p><a href="/admin">{text::case_rules_back_to_accounts(lang)}</a></p>
        {loaded(rules, move |rules| view! { <Rules rules actions /> })}
    }
}

#[component]
fn Rules(rules: CaseRules, actions: RuleActions) -> impl IntoView {
    let lang = use_lang();
    let rows = DeadlineRule::ALL
        .into_iter()
        .map(|rule| {
            let clock = rules.policy.clock(rule);
            let hours = matches!(clock, Clock::Hours(_));
            view! {
                <ActionForm action=actions.deadline attr:class="row rule" attr:data-rule=rule.as_str()>
                    <input type="hidden" name="rule" value=rule.as_str() />
                    <span class="rule__name">{rule.label(lang)}</span>
                    <input class="field__input rule__amount" type="number" name="amount" min="1" max="720"
                        value=clock.amount() aria-label=text::case_rules_amount(lang) />
                    <select class="field__input rule__unit" name="unit" aria-label=text::case_rules_unit(lang)>
                        <option value="hours" selected=hours>{text::case_rules_hours(lang)}</option>
                        <option value="working_days" selected=!hours>{text::case_rules_working_days(lang)}</option>
                    </select>
                    <button class="button button--secondary" type="submit">{text::case_rules_save(lang)}</button>
                </ActionForm>
            }
        })
        .collect_view();
    let days = rules
        .days
        .into_iter()
        .map(|day| {
            let date = day.day.format("%Y-%m-%d").to_string();
            view! {
                <tr>
                    <td>{date.clone()}</td>
                    <td>{day.kind.label(lang)}</td>
                    <td>{day.name}</td>
                    <td>
                        <ActionForm action=actions.remove_day>
                            <input type="hidden" name="day" value=date />
                            <button class="button button--secondary" type="submit">{text::case_rules_remove(lang)}</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2 class="card__title">{text::case_rules_deadlines(lang)}</h2>
            <ActionOutcome action=actions.deadline done=text::case_rules_saved_new_cases_use_it(lang) />
            {rows}
            <ActionForm action=actions.warning attr:class="row">
                <span>{text::case_rules_hour_scale_clocks_turn_yellow_with(lang)}</span>
                <input class="field__input rule__amount" type="number" name="percent" min="1" max="90"
                    value=rules.policy.warn_percent aria-label=text::case_rules_warning_share(lang) />
                <button class="button button--secondary" type="submit">{text::case_rules_save(lang)}</button>
            </ActionForm>
            <ActionOutcome action=actions.warning done=text::case_rules_saved(lang) />
            <p class="muted">{text::case_rules_working_day_clocks_turn_yellow_on(lang)}</p>
        </section>
        <section class="card" id="outage-notice">
            <h2 class="card__title">{text::case_rules_outage_notice(lang)}</h2>
            <ActionForm action=actions.notice attr:class="row">
                <span>{text::case_rules_outage_notice_announce(lang)}</span>
                <input class="field__input rule__amount" type="number" name="hours" min="1" max="720"
                    value=rules.planned_notice_hours aria-label=text::case_rules_outage_notice_hours(lang) />
                <span>{text::case_rules_outage_notice_hours(lang)}</span>
                <button class="button button--secondary" type="submit">{text::case_rules_save(lang)}</button>
            </ActionForm>
            <ActionOutcome action=actions.notice done=text::case_rules_saved(lang) />
            <p class="muted">{text::case_rules_outage_notice_hint(lang)}</p>
        </section>
        <section class="card">
            <h2 class="card__title">{text::case_rules_holidays_and_make_up_working_days(lang)}</h2>
            <ActionForm action=actions.add_day attr:class="form">
                <label class="field">
                    <span class="field__label">{text::case_rules_date(lang)}</span>
                    <input class="field__input" type="date" name="day" required />
                </label>
                <label class="field">
                    <span class="field__label">{text::case_rules_kind(lang)}</span>
                    <select class="field__input" name="kind">
                        <option value=DayKind::Holiday.as_str()>{DayKind::Holiday.label(lang)}</option>
                        <option value=DayKind::MakeUpWorkday.as_str()>{DayKind::MakeUpWorkday.label(lang)}</option>
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">{text::case_rules_name(lang)}</span>
                    <input class="field__input" type="text" name="name" maxlength="20" required placeholder=text::case_rules_name_example(lang) />
                </label>
                <ActionOutcome action=actions.add_day done=text::case_rules_added(lang) />
                <button class="button" type="submit">{text::case_rules_add(lang)}</button>
            </ActionForm>
            <ActionOutcome action=actions.remove_day done=text::case_rules_removed(lang) />
            <div class="table-wrap" tabindex="0">
                <table class="table calendar-days">
                    <thead><tr>
                        <th>{text::case_rules_date(lang)}</th><th>{text::case_rules_kind(lang)}</th>
                        <th>{text::case_rules_name(lang)}</th><th></th>
                    </tr></thead>
                    <tbody>{days}</tbody>
                </table>
            </div>
        </section>
    }
}
