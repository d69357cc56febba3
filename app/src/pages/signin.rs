//! 登录: residents with their phone number and a texted code (or WeChat,
//! when configured); staff with username and password. Plain forms, so they
//! work the same with and without JavaScript.

use crate::api::account::{
    load_second_factor_step, load_sign_in_options, RequestCode, StaffSignIn, VerifyCode,
    VerifySecondFactor,
};
use crate::components::feedback::{loaded, returned_error};
use crate::prefs::use_lang;
use domain::second_factor::SecondFactorStep;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use translations::text;

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let lang = use_lang();
    let step_code = move || query.read().get("step").as_deref() == Some("code");
    let options = Resource::new(|| (), |_| load_sign_in_options());
    view! {
        <Title text=text::layout_sign_in(lang) />
        <h1 class="page-title">{text::signin_resident_sign_in(lang)}</h1>
        {move || (query.read().get("signed_out").is_some()).then(|| view! {
            <p class="notice notice--ok" role="status">{text::signin_you_are_signed_out(lang)}</p>
        })}
        {move || (query.read().get("wechat").as_deref() == Some("link")).then(|| view! {
            <p class="notice" role="status">
                {text::signin_wechat_confirmed_who_you_are_verify(lang)}
            </p>
        })}
        {move || if step_code() { view! { <CodeStep /> }.into_any() } else { view! { <PhoneStep /> }.into_any() }}
        {loaded(options, move |options| {
            let wechat = (options.wechat && !options.wechat_pending).then(|| view! {
                <p><a class="button button--wechat" href="/api/signin/wechat">{text::signin_sign_in_with_wechat(lang)}</a></p>
            });
            let demo = options.demo.then(|| view! {
                <p class="notice" role="note">
                    {text::signin_demo_mode_no_text_is_really(lang)}
                    <a href="/demo/outbox">{text::signin_demo_outbox(lang)}</a>
                    {text::signin_sentence_end(lang)}
                </p>
            });
            view! { {wechat} {demo} }
        })}
        <p class="muted">
            {text::signin_utility_community_and_property_staff(lang)}
            <a href="/staff/signin">{text::signin_sign_in_with_your_work_account(lang)}</a>
        </p>
    }
}

#[component]
fn PhoneStep() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card">
            <form method="post" action=RequestCode::url() class="form">
                <label class="field">
                    <span class="field__label">{text::signin_mobile_number(lang)}</span>
                    <input class="field__input" type="tel" name="phone" inputmode="numeric"
                        autocomplete="tel" maxlength="20" required placeholder="138 0000 0000" />
                </label>
                {returned_error::<RequestCode>()}
                <button class="button" type="submit">{text::signin_send_code(lang)}</button>
            </form>
        </section>
    }
}

#[component]
fn CodeStep() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let to = move || query.read().get("to").unwrap_or_default();
    view! {
        <section class="card">
            <p>{text::signin_a_code_was_sent_to(lang)}<strong>{to}</strong>{text::signin_it_is_valid_for_5_minutes(lang)}</p>
            <form method="post" action=VerifyCode::url() class="form">
                <label class="field">
                    <span class="field__label">{text::signin_code_from_the_text_message(lang)}</span>
                    <input class="field__input field__input--code" type="text" name="code" inputmode="numeric"
                        autocomplete="one-time-code" maxlength="12" required placeholder=text::signin_six_digits(lang) />
                </label>
                {returned_error::<VerifyCode>()}
                <button class="button" type="submit">{text::layout_sign_in(lang)}</button>
            </form>
            <p><a href="/signin">{text::signin_nothing_arrived_send_again_or_use(lang)}</a></p>
        </section>
    }
}

#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let second_factor = move || query.read().get("step").as_deref() == Some("second-factor");
    view! {
        <Title text=text::signin_staff_sign_in(lang) />
        <h1 class="page-title">{text::signin_staff_sign_in(lang)}</h1>
        {move || if second_factor() {
            view! { <SecondFactorForm /> }.into_any()
        } else {
            view! { <PasswordForm /> }.into_any()
        }}
        <p class="muted"><a href="/signin">{text::signin_residents_sign_in_with_their_phone(lang)}</a></p>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card">
            <form method="post" action=StaffSignIn::url() class="form">
                <label class="field">
                    <span class="field__label">{text::admin_username(lang)}</span>
                    <input class="field__input" type="text" name="username" autocomplete="username"
                        autocapitalize="none" maxlength="64" required />
                </label>
                <label class="field">
                    <span class="field__label">{text::signin_password(lang)}</span>
                    <input class="field__input" type="password" name="password"
                        autocomplete="current-password" maxlength="200" required />
                </label>
                {returned_error::<StaffSignIn>()}
                <button class="button" type="submit">{text::layout_sign_in(lang)}</button>
            </form>
        </section>
    }
}

/// After a right password: the authenticator's code, or the first-time
/// enrolment (QR code, secret, recovery codes) and its first code.
#[component]
fn SecondFactorForm() -> impl IntoView {
    let lang = use_lang();
    let step = Resource::new(|| (), |_| load_second_factor_step());
    view! {
        {loaded(step, move |step| {
            let enrolment = match step {
                SecondFactorStep::Verify => None,
                SecondFactorStep::Enrol(enrolment) => Some(enrolment),
            };
            let intro = match &enrolment {
                None => text::signin_enter_the_6_digit_code_from(lang),
                Some(_) => text::signin_your_account_needs_a_second_factor(lang),
            };
            let enrol = enrolment.map(|enrolment| {
                let codes = enrolment
                    .recovery_codes
                    .iter()
                    .map(|code| view! { <li><code>{code.clone()}</code></li> })
                    .collect_view();
                view! {
                    <div class="enrolment">
                        <div class="enrolment__qr" inner_html=enrolment.qr_svg.clone()></div>
                        <p>{text::signin_key(lang)}<code class="enrolment__secret">{enrolment.secret.clone()}</code></p>
                        <h2>{text::signin_recovery_codes_each_works_once_shown(lang)}</h2>
                        <ul class="enrolment__codes">{codes}</ul>
                    </div>
                }
            });
            view! {
                <section class="card">
                    <h2 class="card__title">{text::signin_second_factor(lang)}</h2>
                    <p>{intro}</p>
                    {enrol}
                    <form method="post" action=VerifySecondFactor::url() class="form">
                        <label class="field">
                            <span class="field__label">{text::signin_code_or_recovery_code(lang)}</span>
                            <input class="field__input" type="text" name="code" autocomplete="one-time-code"
                                autocapitalize="none" maxlength="20" required />
                        </label>
                        {returned_error::<VerifySecondFactor>()}
                        <button class="button" type="submit">{text::signin_verify_and_sign_in(lang)}</button>
                    </form>
                </section>
            }
        })}
    }
}
