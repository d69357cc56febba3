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

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let lang = use_lang();
    let step_code = move || query.read().get("step").as_deref() == Some("code");
    let options = Resource::new(|| (), |_| load_sign_in_options());
    view! {
        <Title text=lang.t("登录", "Sign in") />
        <h1 class="page-title">{lang.t("居民登录", "Resident sign-in")}</h1>
        {move || (query.read().get("signed_out").is_some()).then(|| view! {
            <p class="notice notice--ok" role="status">{lang.t("您已退出登录。", "You are signed out.")}</p>
        })}
        {move || (query.read().get("wechat").as_deref() == Some("link")).then(|| view! {
            <p class="notice" role="status">
                {lang.t("微信已确认您的身份。首次使用请再验证一次手机号，以后在微信中可直接登录。",
                        "WeChat confirmed who you are. Verify your phone number once; after that WeChat signs you in directly.")}
            </p>
        })}
        {move || if step_code() { view! { <CodeStep /> }.into_any() } else { view! { <PhoneStep /> }.into_any() }}
        {loaded(options, move |options| {
            let wechat = (options.wechat && !options.wechat_pending).then(|| view! {
                <p><a class="button button--wechat" href="/api/signin/wechat">{lang.t("微信一键登录", "Sign in with WeChat")}</a></p>
            });
            let demo = options.demo.then(|| view! {
                <p class="notice" role="note">
                    {lang.t("演示模式：短信不会真的发出，验证码可在 ", "Demo mode: no text is really sent; read the code in the ")}
                    <a href="/demo/outbox">{lang.t("演示短信箱", "demo outbox")}</a>
                    {lang.t(" 查看。", ".")}
                </p>
            });
            view! { {wechat} {demo} }
        })}
        <p class="muted">
            {lang.t("供热公司、社区和物业工作人员请 ", "Utility, community and property staff: ")}
            <a href="/staff/signin">{lang.t("使用工作账号登录", "sign in with your work account")}</a>
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
                    <span class="field__label">{lang.t("手机号", "Mobile number")}</span>
                    <input class="field__input" type="tel" name="phone" inputmode="numeric"
                        autocomplete="tel" maxlength="20" required placeholder="138 0000 0000" />
                </label>
                {returned_error::<RequestCode>()}
                <button class="button" type="submit">{lang.t("获取验证码", "Send code")}</button>
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
            <p>{lang.t("验证码已发送至 ", "A code was sent to ")}<strong>{to}</strong>{lang.t("，5 分钟内有效。", "; it is valid for 5 minutes.")}</p>
            <form method="post" action=VerifyCode::url() class="form">
                <label class="field">
                    <span class="field__label">{lang.t("短信验证码", "Code from the text message")}</span>
                    <input class="field__input field__input--code" type="text" name="code" inputmode="numeric"
                        autocomplete="one-time-code" maxlength="12" required placeholder="6 位数字" />
                </label>
                {returned_error::<VerifyCode>()}
                <button class="button" type="submit">{lang.t("登录", "Sign in")}</button>
            </form>
            <p><a href="/signin">{lang.t("没收到？重新获取或换个号码", "Nothing arrived? Send again or use another number")}</a></p>
        </section>
    }
}

#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let second_factor = move || query.read().get("step").as_deref() == Some("second-factor");
    view! {
        <Title text=lang.t("工作人员登录", "Staff sign-in") />
        <h1 class="page-title">{lang.t("工作人员登录", "Staff sign-in")}</h1>
        {move || if second_factor() {
            view! { <SecondFactorForm /> }.into_any()
        } else {
            view! { <PasswordForm /> }.into_any()
        }}
        <p class="muted"><a href="/signin">{lang.t("居民请用手机号登录", "Residents sign in with their phone")}</a></p>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card">
            <form method="post" action=StaffSignIn::url() class="form">
                <label class="field">
                    <span class="field__label">{lang.t("用户名", "Username")}</span>
                    <input class="field__input" type="text" name="username" autocomplete="username"
                        autocapitalize="none" maxlength="64" required />
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("密码", "Password")}</span>
                    <input class="field__input" type="password" name="password"
                        autocomplete="current-password" maxlength="200" required />
                </label>
                {returned_error::<StaffSignIn>()}
                <button class="button" type="submit">{lang.t("登录", "Sign in")}</button>
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
                None => lang.t(
                    "请输入手机验证器（如微信小程序“腾讯身份验证器”、Google Authenticator）中的 6 位验证码；手机不在身边时可输入一个恢复码。",
                    "Enter the 6-digit code from your authenticator app; without your phone, enter a recovery code.",
                ),
                Some(_) => lang.t(
                    "您的账号需要两步验证。请用手机验证器扫描下面的二维码（或手动输入密钥），抄下恢复码妥善保管，然后输入验证器显示的 6 位验证码。",
                    "Your account needs a second factor. Scan the QR code with an authenticator app (or type the key), keep the recovery codes safe, then enter the app's 6-digit code.",
                ),
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
                        <p>{lang.t("密钥：", "Key: ")}<code class="enrolment__secret">{enrolment.secret.clone()}</code></p>
                        <h2>{lang.t("恢复码（每个只能用一次，只显示这一次）", "Recovery codes (each works once; shown only now)")}</h2>
                        <ul class="enrolment__codes">{codes}</ul>
                    </div>
                }
            });
            view! {
                <section class="card">
                    <h2 class="card__title">{lang.t("两步验证", "Second factor")}</h2>
                    <p>{intro}</p>
                    {enrol}
                    <form method="post" action=VerifySecondFactor::url() class="form">
                        <label class="field">
                            <span class="field__label">{lang.t("验证码或恢复码", "Code or recovery code")}</span>
                            <input class="field__input" type="text" name="code" autocomplete="one-time-code"
                                autocapitalize="none" maxlength="20" required />
                        </label>
                        {returned_error::<VerifySecondFactor>()}
                        <button class="button" type="submit">{lang.t("验证并登录", "Verify and sign in")}</button>
                    </form>
                </section>
            }
        })}
    }
}
