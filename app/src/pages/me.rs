//! 我的: a resident's households at a glance (heat, outages, open cases),
//! and 设置: binding households, large text, language, signing out.

use crate::api::account::{
    load_binding_requests, load_my_households, load_pending_binding, load_session, BindHousehold,
    ConfirmBinding, DecideBinding, SavePreferences, SignOut, UnbindHousehold,
};
use crate::components::feedback::{loaded, returned_error, ActionOutcome};
use crate::components::outage::{HeatBadge, OutageCard};
use crate::prefs::{use_lang, Preferences};
use domain::account::HouseholdCard;
use domain::outage::OutagePhase;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MyHomePage() -> impl IntoView {
    let lang = use_lang();
    let bind = ServerAction::<BindHousehold>::new();
    let households = Resource::new(move || bind.version().get(), |_| load_my_households());
    let session = Resource::new(|| (), |_| load_session());
    view! {
        <Title text=lang.t("我的", "My home") />
        {loaded(session, move |session| {
            let name = session.map(|s| s.greeting_name()).unwrap_or_default();
            view! { <h1 class="page-title">{name}{lang.t("，您好", ", welcome")}</h1> }
        })}
        <BindingRequests />
        {loaded(households, move |cards| {
            if cards.is_empty() {
                view! {
                    <section class="card">
                        <h2 class="card__title">{lang.t("绑定您家的供热户号", "Bind your household")}</h2>
                        <p>{lang.t("绑定后可查看您家的供热状态、停热信息和工单。", "Once bound you see your home's heat, outages and cases.")}</p>
                        <BindForm action=bind />
                    </section>
                }
                .into_any()
            } else {
                cards
                    .into_iter()
                    .map(|card| view! { <HouseholdSummary card /> })
                    .collect_view()
                    .into_any()
            }
        })}
        <nav class="actions" aria-label=lang.t("常用服务", "Services")>
            <a class="action action--primary" href="/file/temperature">
                <span class="action__title">{lang.t("室温投诉", "Too cold")}</span>
                <span class="action__hint">{lang.t("室温低于 18 ℃，24 小时内上门测温", "Below 18 °C: we measure within 24 hours")}</span>
            </a>
            <a class="action action--primary" href="/file/repair">
                <span class="action__title">{lang.t("故障报修", "Report a fault")}</span>
                <span class="action__hint">{lang.t("漏水、不热、阀门，2 小时内到场", "Leaks, cold radiators, valves: a crew within 2 hours")}</span>
            </a>
            <a class="action action--primary" href="/file/application">
                <span class="action__title">{lang.t("业务办理", "Applications")}</span>
                <span class="action__hint">{lang.t("报装、报停、复供", "Connect, suspend, resume")}</span>
            </a>
            <a class="action" href="/cases">
                <span class="action__title">{lang.t("我的工单", "My cases")}</span>
                <span class="action__hint">{lang.t("投诉、报修的办理进度", "Progress of complaints and repairs")}</span>
            </a>
            <a class="action" href="/building">
                <span class="action__title">{lang.t("查询楼栋", "Check a building")}</span>
                <span class="action__hint">{lang.t("其他楼栋有没有暖气", "Is the heat on elsewhere")}</span>
            </a>
            <a class="action" href="/me/settings">
                <span class="action__title">{lang.t("设置", "Settings")}</span>
                <span class="action__hint">{lang.t("户号、大字模式、语言、退出", "Households, large text, language, sign out")}</span>
            </a>
        </nav>
    }
}

#[component]
fn HouseholdSummary(card: HouseholdCard) -> impl IntoView {
    let lang = use_lang();
    let address = card.address();
    let service = card.service_label();
    let ongoing = card
        .report
        .outages
        .iter()
        .filter(|o| o.phase != OutagePhase::Restored)
        .cloned()
        .map(|notice| view! { <OutageCard notice /> })
        .collect_view();
    view! {
        <section class="card household" aria-label=address.clone()>
            <h2 class="card__title">{address.clone()}</h2>
            <div class="household__status">
                <HeatBadge status=card.report.heat />
                <span class="muted">{service}</span>
            </div>
            <dl class="facts">
                <dt>{lang.t("户号", "Account")}</dt><dd>{card.account_no}</dd>
                <dt>{lang.t("户主", "Holder")}</dt><dd>{card.holder_name}</dd>
                <dt>{lang.t("换热站", "Station")}</dt><dd>{card.report.station_name}</dd>
                <dt>{lang.t("供热单位", "Heating company")}</dt>
                <dd>{card.report.company_name}" "
                    <a class="tel" href=format!("tel:{}", card.report.company_hotline.replace('-', ""))>{card.report.company_hotline.clone()}</a>
                </dd>
                <dt>{lang.t("办理中的工单", "Open cases")}</dt><dd>{card.open_cases}</dd>
            </dl>
            {ongoing}
        </section>
    }
}

/// Account number + holder's name.
#[component]
fn BindForm(action: ServerAction<BindHousehold>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ActionForm action attr:class="form">
            <label class="field">
                <span class="field__label">{lang.t("供热户号（见缴费单）", "Account number (on your heating bill)")}</span>
                <input class="field__input" type="text" name="account_no" autocapitalize="characters"
                    maxlength="40" required placeholder="WF10000001" />
            </label>
            <label class="field">
                <span class="field__label">{lang.t("户主姓名", "Account holder's name")}</span>
                <input class="field__input" type="text" name="holder_name" maxlength="40" required />
            </label>
            <ActionOutcome outcome=action.value().into() done=lang.t("已提交。", "Sent.") />
            <button class="button" type="submit">{lang.t("绑定", "Bind")}</button>
        </ActionForm>
    }
}

/// Others asking to bind the resident's households: approve or decline.
#[component]
fn BindingRequests() -> impl IntoView {
    let lang = use_lang();
    let decide = ServerAction::<DecideBinding>::new();
    let requests = Resource::new(move || decide.version().get(), |_| load_binding_requests());
    view! {
        {loaded(requests, move |requests| {
            (!requests.is_empty()).then(|| {
                let rows = requests
                    .into_iter()
                    .map(|request| {
                        let text = format!(
                            "{}{}{}{}",
                            lang.t("手机 ", "The phone "),
                            request.applicant,
                            lang.t(" 申请绑定户号 ", " asks to bind account "),
                            request.account_no
                        );
                        view! {
                            <li class="binding-request">
                                <p>{text}</p>
                                <ActionForm action=decide attr:class="row">
                                    <input type="hidden" name="request_id" value=request.request_id />
                                    <button class="button" type="submit" name="decision" value="approve">{lang.t("同意", "Approve")}</button>
                                    <button class="button button--secondary" type="submit" name="decision" value="decline">{lang.t("拒绝", "Decline")}</button>
                                </ActionForm>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section class="card notice">
                        <h2 class="card__title">{lang.t("有人申请绑定您家", "Someone asks to bind your household")}</h2>
                        <p class="muted">{lang.t("只同意您认识的家人或租户；不认识请拒绝。", "Approve only family or tenants you know; decline anyone else.")}</p>
                        <ul class="plain-list">{rows}</ul>
                        <ActionOutcome outcome=decide.value().into() done=lang.t("已处理。", "Done.") />
                    </section>
                }
            })
        })}
    }
}

/// A binding waiting for the holder's code or a bound resident's approval.
#[component]
fn PendingBindingCard(token: String) -> impl IntoView {
    let lang = use_lang();
    let confirm = ServerAction::<ConfirmBinding>::new();
    let pending = Resource::new(move || token.clone(), load_pending_binding);
    view! {
        {loaded(pending, move |pending| {
            let body = match pending.code_sent_to {
                Some(phone) => view! {
                    <p>
                        {lang.t("验证码已发送至户主预留的手机 ", "A code went to the holder's phone on file, ")}
                        <strong>{phone}</strong>
                        {lang.t("。请向户主索取验证码后输入；已绑定这户的家人也可以在“我的”中同意。", ". Ask the holder for it and enter it here; family members already bound may also approve on their page.")}
                    </p>
                    <ActionForm action=confirm attr:class="form">
                        <input type="hidden" name="token" value=pending.token.clone() />
                        <label class="field">
                            <span class="field__label">{lang.t("户主收到的验证码", "The holder's code")}</span>
                            <input class="field__input" type="text" name="code" inputmode="numeric"
                                autocomplete="one-time-code" maxlength="8" required />
                        </label>
                        <ActionOutcome outcome=confirm.value().into() done=lang.t("绑定成功。", "Household bound.") />
                        <button class="button" type="submit">{lang.t("确认绑定", "Confirm")}</button>
                    </ActionForm>
                }
                .into_any(),
                None => view! {
                    <p>{lang.t(
                        "已通知已绑定这户的居民，他们在“我的”中同意后即绑定成功。",
                        "The residents already bound were asked; once one approves, the household is yours too.",
                    )}</p>
                }
                .into_any(),
            };
            view! {
                <section class="card">
                    <h2 class="card__title">{lang.t("确认绑定", "Confirm binding")}</h2>
                    {body}
                </section>
            }
        })}
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let lang = use_lang();
    let prefs = use_context::<Preferences>().unwrap_or_default();
    let session = Resource::new(|| (), |_| load_session());
    let query = use_query_map();
    let (text_value, text_label) = if prefs.large_text {
        ("0", lang.t("关闭大字模式", "Turn large text off"))
    } else {
        ("1", lang.t("开启大字模式", "Turn large text on"))
    };
    view! {
        <Title text=lang.t("设置", "Settings") />
        <h1 class="page-title">{lang.t("设置", "Settings")}</h1>
        {move || {
            query
                .read()
                .get("binding")
                .map(|token| view! { <PendingBindingCard token /> })
        }}
        {loaded(session, move |session| {
            let resident = session.is_some_and(|s| s.has(domain::roles::Role::Resident));
            resident.then(|| view! { <MyHouseholds /> })
        })}
        <section class="card">
            <h2 class="card__title">{lang.t("阅读", "Reading")}</h2>
            <form method="post" action=SavePreferences::url() class="row">
                <input type="hidden" name="large_text" value=text_value />
                <span>{lang.t("大字模式：更大的字、更强的对比", "Large text: bigger letters, stronger contrast")}</span>
                <button class="button button--secondary" type="submit">{text_label}</button>
            </form>
            <form method="post" action=SavePreferences::url() class="row">
                <input type="hidden" name="lang" value=if lang == crate::prefs::Lang::En { "zh" } else { "en" } />
                <span>{lang.t("语言", "Language")}</span>
                <button class="button button--secondary" type="submit">
                    {if lang == crate::prefs::Lang::En { "中文" } else { "English" }}
                </button>
            </form>
        </section>
        <section class="card">
            <h2 class="card__title">{lang.t("退出", "Sign out")}</h2>
            {returned_error::<SignOut>()}
            <form method="post" action=SignOut::url() class="row">
                <button class="button button--secondary" type="submit">{lang.t("退出登录", "Sign out")}</button>
            </form>
            <form method="post" action=SignOut::url() class="row">
                <input type="hidden" name="everywhere" value="1" />
                <span class="muted">{lang.t("手机丢失或在别人的设备上登录过？", "Lost a phone or used someone else's device?")}</span>
                <button class="button button--secondary" type="submit">{lang.t("退出所有设备", "Sign out everywhere")}</button>
            </form>
        </section>
    }
}

/// A resident's households with unbind buttons, and the bind form.
#[component]
fn MyHouseholds() -> impl IntoView {
    let lang = use_lang();
    let bind = ServerAction::<BindHousehold>::new();
    let unbind = ServerAction::<UnbindHousehold>::new();
    let households = Resource::new(
        move || (bind.version().get(), unbind.version().get()),
        |_| load_my_households(),
    );
    view! {
        <section class="card">
            <h2 class="card__title">{lang.t("我的户号", "My households")}</h2>
            {loaded(households, move |cards| {
                cards
                    .into_iter()
                    .map(|card| {
                        let address = card.address();
                        view! {
                            <ActionForm action=unbind attr:class="row">
                                <span>{address}" · "{card.account_no}</span>
                                <input type="hidden" name="household_id" value=card.household_id />
                                <button class="button button--secondary" type="submit">{lang.t("解绑", "Unbind")}</button>
                            </ActionForm>
                        }
                    })
                    .collect_view()
            })}
            <ActionOutcome outcome=unbind.value().into() done=lang.t("已解绑。", "Household unbound.") />
            <h3>{lang.t("绑定新的户号", "Bind another household")}</h3>
            <BindForm action=bind />
        </section>
    }
}
