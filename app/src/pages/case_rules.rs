//! 期限与节假日 (admin): each published clock, when yellow starts, and the
//! holidays and make-up working days of the working-day clocks.

use crate::api::staff::{
    load_case_rules, RemoveCalendarDay, SetCalendarDay, SetDeadlineRule, SetDeadlineWarning,
};
use crate::components::feedback::{loaded, ActionOutcome};
use crate::prefs::use_lang;
use domain::deadlines::{CaseRules, Clock, DeadlineRule};
use domain::working_days::DayKind;
use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Clone, Copy)]
struct RuleActions {
    deadline: ServerAction<SetDeadlineRule>,
    warning: ServerAction<SetDeadlineWarning>,
    add_day: ServerAction<SetCalendarDay>,
    remove_day: ServerAction<RemoveCalendarDay>,
}

#[component]
pub fn CaseRulesPage() -> impl IntoView {
    let lang = use_lang();
    let actions = RuleActions {
        deadline: ServerAction::new(),
        warning: ServerAction::new(),
        add_day: ServerAction::new(),
        remove_day: ServerAction::new(),
    };
    let rules = Resource::new(
        move || {
            (
                actions.deadline.version().get(),
                actions.warning.version().get(),
                actions.add_day.version().get(),
                actions.remove_day.version().get(),
            )
        },
        |_| load_case_rules(),
    );
    view! {
        <Title text=lang.t("期限与节假日", "Deadlines and holidays") />
        <h1 class="page-title">{lang.t("期限与节假日", "Deadlines and holidays")}</h1>
        <p><a href="/admin">{lang.t("返回账号管理", "Back to accounts")}</a></p>
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
                    <span class="rule__name">{lang.t(rule.label(), rule.label_en())}</span>
                    <input class="field__input rule__amount" type="number" name="amount" min="1" max="720"
                        value=clock.amount() aria-label=lang.t("时长", "Amount") />
                    <select class="field__input rule__unit" name="unit" aria-label=lang.t("单位", "Unit")>
                        <option value="hours" selected=hours>{lang.t("小时", "hours")}</option>
                        <option value="working_days" selected=!hours>{lang.t("个工作日", "working days")}</option>
                    </select>
                    <button class="button button--secondary" type="submit">{lang.t("保存", "Save")}</button>
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
                    <td>{lang.t(day.kind.label(), day.kind.label_en())}</td>
                    <td>{day.name}</td>
                    <td>
                        <ActionForm action=actions.remove_day>
                            <input type="hidden" name="day" value=date />
                            <button class="button button--secondary" type="submit">{lang.t("删除", "Remove")}</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2 class="card__title">{lang.t("处理期限", "Deadlines")}</h2>
            <ActionOutcome outcome=actions.deadline.value().into() done=lang.t("期限已保存，新工单按新期限计算。", "Saved; new cases use it.") />
            {rows}
            <ActionForm action=actions.warning attr:class="row">
                <span>{lang.t("小时级期限剩余多少时黄色预警（%）", "Hour-scale clocks turn yellow with this much time left (%)")}</span>
                <input class="field__input rule__amount" type="number" name="percent" min="1" max="90"
                    value=rules.policy.warn_percent aria-label=lang.t("预警比例", "Warning share") />
                <button class="button button--secondary" type="submit">{lang.t("保存", "Save")}</button>
            </ActionForm>
            <ActionOutcome outcome=actions.warning.value().into() done=lang.t("已保存。", "Saved.") />
            <p class="muted">{lang.t("以工作日计的期限，黄色预警从截止前最后一个工作日开始。", "Working-day clocks turn yellow on the last working day before the deadline.")}</p>
        </section>
        <section class="card">
            <h2 class="card__title">{lang.t("节假日与调休", "Holidays and make-up working days")}</h2>
            <ActionForm action=actions.add_day attr:class="form">
                <label class="field">
                    <span class="field__label">{lang.t("日期", "Date")}</span>
                    <input class="field__input" type="date" name="day" required />
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("类型", "Kind")}</span>
                    <select class="field__input" name="kind">
                        <option value=DayKind::Holiday.as_str()>{lang.t(DayKind::Holiday.label(), DayKind::Holiday.label_en())}</option>
                        <option value=DayKind::MakeUpWorkday.as_str()>{lang.t(DayKind::MakeUpWorkday.label(), DayKind::MakeUpWorkday.label_en())}</option>
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("名称", "Name")}</span>
                    <input class="field__input" type="text" name="name" maxlength="20" required placeholder="元旦" />
                </label>
                <ActionOutcome outcome=actions.add_day.value().into() done=lang.t("已加入日历。", "Added.") />
                <button class="button" type="submit">{lang.t("加入日历", "Add")}</button>
            </ActionForm>
            <ActionOutcome outcome=actions.remove_day.value().into() done=lang.t("已删除。", "Removed.") />
            <div class="table-wrap" tabindex="0">
                <table class="table calendar-days">
                    <thead><tr>
                        <th>{lang.t("日期", "Date")}</th><th>{lang.t("类型", "Kind")}</th>
                        <th>{lang.t("名称", "Name")}</th><th></th>
                    </tr></thead>
                    <tbody>{days}</tbody>
                </table>
            </div>
        </section>
    }
}
