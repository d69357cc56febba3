//! Signing in and out, preferences, and a resident's own households and
//! cases. Mutations are POST; the cross-site check guards them in the server.

use domain::account::{DemoMessage, HouseholdCard, PendingBinding, SignedIn, WaitingBinding};
use domain::second_factor::SecondFactorStep;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
#[cfg(feature = "ssr")]
use translations::{text, StaticText};

/// Who is signed in (None: nobody).
#[server(input = GetUrl, prefix = "/api", endpoint = "session")]
pub async fn load_session() -> Result<Option<SignedIn>, ServerFnError> {
    let services = crate::context::Services::current()?;
    Ok(crate::session::viewer(&services)
        .await?
        .map(|viewer| viewer.signed_in()))
}

/// Step 1 of a resident's sign-in: send a code to this number, bound to
/// this browser by a cookie; then show the code form.
#[server(prefix = "/api", endpoint = "signin/code")]
pub async fn request_code(phone: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use crate::session::{origin, set_cookie, CHALLENGE_COOKIE};
    let services = crate::context::Services::current()?;
    let sent = backend::services::identity::request_sign_in_code(
        &services.db,
        &services.access.otp,
        &phone,
        &origin(&services),
    )
    .await
    .map_err(to_server_error)?;
    set_cookie(
        &services,
        CHALLENGE_COOKIE,
        &sent.challenge_token,
        Some(services.access.otp.lifetime),
    );
    leptos_axum::redirect(&format!(
        "/signin?step=code&to={}",
        sent.masked_phone.replace('*', "%2A")
    ));
    Ok(())
}

/// Step 2: the code from the text message, checked against this browser's challenge.
#[server(prefix = "/api", endpoint = "signin/verify")]
pub async fn verify_code(code: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use crate::session::{cookie, origin, start_session, CHALLENGE_COOKIE, WECHAT_PENDING_COOKIE};
    let services = crate::context::Services::current()?;
    let Some(challenge) = cookie(&services, CHALLENGE_COOKIE) else {
        return Err(crate::context::refused(text::sign_in_code_cookie_missing));
    };
    let pending = cookie(&services, WECHAT_PENDING_COOKIE);
    let session = backend::services::identity::verify_sign_in_code(
        &services.db,
        &services.access.otp,
        &challenge,
        &code,
        pending.as_deref(),
        &origin(&services),
    )
    .await
    .map_err(to_server_error)?;
    start_session(&services, &session);
    Ok(())
}

/// Staff sign-in with username and password.
#[server(prefix = "/api", endpoint = "signin/staff")]
pub async fn staff_sign_in(username: String, password: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use crate::session::{origin, start_session};
    use crate::session::{set_cookie, SECOND_FACTOR_COOKIE};
    use backend::services::identity::StaffSignIn;
    let services = crate::context::Services::current()?;
    let outcome = backend::services::identity::sign_in_staff(
        &services.db,
        &username,
        &password,
        services.access.require_second_factor,
        &origin(&services),
    )
    .await
    .map_err(to_server_error)?;
    match outcome {
        StaffSignIn::Session(session) => start_session(&services, &session),
        StaffSignIn::SecondFactor { token } => {
            set_cookie(
                &services,
                SECOND_FACTOR_COOKIE,
                &token,
                Some(domain::second_factor::CHALLENGE_LIFETIME),
            );
            leptos_axum::redirect("/staff/signin?step=second-factor");
        }
    }
    Ok(())
}

/// The second-factor step after a right password: a code form, or (first
/// time) the enrolment.
#[server(input = GetUrl, prefix = "/api", endpoint = "signin/second-factor/step")]
pub async fn load_second_factor_step() -> Result<SecondFactorStep, ServerFnError> {
    use crate::context::{refused, to_server_error};
    use crate::session::{cookie, SECOND_FACTOR_COOKIE};
    let services = crate::context::Services::current()?;
    let Some(token) = cookie(&services, SECOND_FACTOR_COOKIE) else {
        return Err(refused(domain::second_factor::SIGN_IN_STEP_EXPIRED));
    };
    backend::services::second_factor::step(&services.db, &token, services.now())
        .await
        .map_err(to_server_error)
}

/// The authenticator's code (or a recovery code): the session opens.
#[server(prefix = "/api", endpoint = "signin/second-factor")]
pub async fn verify_second_factor(code: String) -> Result<(), ServerFnError> {
    use crate::context::{refused, to_server_error};
    use crate::session::{cookie, origin, start_session, SECOND_FACTOR_COOKIE};
    let services = crate::context::Services::current()?;
    let Some(token) = cookie(&services, SECOND_FACTOR_COOKIE) else {
        return Err(refused(domain::second_factor::SIGN_IN_STEP_EXPIRED));
    };
    let session =
        backend::services::second_factor::complete(&services.db, &token, &code, &origin(&services))
            .await
            .map_err(to_server_error)?;
    start_session(&services, &session);
    Ok(())
}

/// Signs out this browser, or (`everywhere`) every session of the person.
#[server(prefix = "/api", endpoint = "signout")]
pub async fn sign_out(everywhere: Option<String>) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use crate::session::{clear_cookie, cookie, origin, viewer, SESSION_COOKIE};
    let services = crate::context::Services::current()?;
    if everywhere.is_some() {
        if let Some(viewer) = viewer(&services).await? {
            backend::services::identity::sign_out_everywhere(
                &services.db,
                &viewer,
                &origin(&services),
            )
            .await
            .map_err(to_server_error)?;
        }
    } else if let Some(token) = cookie(&services, SESSION_COOKIE) {
        backend::services::identity::sign_out(&services.db, &token)
            .await
            .map_err(to_server_error)?;
    }
    clear_cookie(&services, SESSION_COOKIE);
    leptos_axum::redirect("/signin?signed_out=1");
    Ok(())
}

/// Large text and language, kept in cookies for a year.
#[server(prefix = "/api", endpoint = "preferences")]
pub async fn save_preferences(
    large_text: Option<String>,
    lang: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::session::{clear_cookie, set_cookie, LANGUAGE_COOKIE, LARGE_TEXT_COOKIE};
    let services = crate::context::Services::current()?;
    const YEAR: i64 = 365 * 24 * 3600;
    match large_text.as_deref() {
        Some("1") => set_cookie(&services, LARGE_TEXT_COOKIE, "1", Some(YEAR)),
        Some("0") => clear_cookie(&services, LARGE_TEXT_COOKIE),
        _ => {}
    }
    match lang.as_deref() {
        Some("en") => set_cookie(&services, LANGUAGE_COOKIE, "en", Some(YEAR)),
        Some("zh") => clear_cookie(&services, LANGUAGE_COOKIE),
        _ => {}
    }
    Ok(())
}

/// The resident's households, each with its building's status.
#[server(input = GetUrl, prefix = "/api", endpoint = "me/households")]
pub async fn load_my_households() -> Result<Vec<HouseholdCard>, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::accounts::my_households(&call.db, &call.settings, &call.viewer, call.now())
        .await
        .map_err(to_server_error)
}

/// One household the viewer may read (their own, or in their scope as staff).
#[server(input = GetUrl, prefix = "/api", endpoint = "households/one")]
pub async fn load_household(id: i64) -> Result<HouseholdCard, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::accounts::household(&call.db, &call.settings, &call.viewer, id, &call.origin)
        .await
        .map_err(to_server_error)
}

/// Starts binding a household by account number and the holder's name:
/// bound at once (the resident's own phone is the holder's on file), or on
/// to the page where the holder's code is entered or approval awaited.
#[server(prefix = "/api", endpoint = "me/households/bind")]
pub async fn bind_household(account_no: String, holder_name: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use backend::services::bindings::request_binding;
    let call = crate::context::Call::signed_in().await?;
    let started = request_binding(
        &call.db,
        &call.viewer,
        &account_no,
        &holder_name,
        &call.origin,
    )
    .await
    .map_err(to_server_error)?;
    go_on_with_binding(started);
    Ok(())
}

/// Where a started binding goes on: home when bound at once, else the
/// page where the holder's code is entered or an approval awaited.
#[cfg(feature = "ssr")]
fn go_on_with_binding(started: backend::services::bindings::BindingStarted) {
    use backend::services::bindings::BindingStarted;
    match started {
        BindingStarted::Bound { .. } => leptos_axum::redirect("/me"),
        BindingStarted::Waiting { token, .. } => {
            leptos_axum::redirect(&format!("/me/settings?binding={token}"))
        }
    }
}

/// The pickers for finding one's home by its address (区 → 小区 → 楼 → 单元
/// → 户), for the choices made so far.
#[server(input = GetUrl, prefix = "/api", endpoint = "me/households/address")]
pub async fn load_address_picker(
    district: Option<String>,
    community: Option<i64>,
    building: Option<i64>,
    unit: Option<i64>,
) -> Result<domain::account::AddressPicker, ServerFnError> {
    use crate::context::to_server_error;
    use backend::services::public::LookupChoice;
    let call = crate::context::Call::signed_in().await?;
    let choice = LookupChoice {
        district: district.as_deref().map(str::trim).filter(|d| !d.is_empty()),
        community,
        building,
        unit,
    };
    backend::services::bindings::address_picker(
        &call.db,
        &call.settings,
        &call.viewer,
        choice,
        call.now(),
    )
    .await
    .map_err(to_server_error)
}

/// Starts binding the home picked by its address and the holder's name:
/// the same rules as by account number.
#[server(prefix = "/api", endpoint = "me/households/bind-at")]
pub async fn bind_household_at(
    household_id: String,
    holder_name: String,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use backend::services::bindings::request_binding_at;
    let call = crate::context::Call::signed_in().await?;
    let household_id = household_id
        .trim()
        .parse::<i64>()
        .map_err(|_| crate::context::refused(text::binding_pick_a_flat))?;
    let started = request_binding_at(
        &call.db,
        &call.viewer,
        household_id,
        &holder_name,
        &call.origin,
    )
    .await
    .map_err(to_server_error)?;
    go_on_with_binding(started);
    Ok(())
}

/// The resident's own binding request waiting for the holder's code or an approval.
#[server(input = GetUrl, prefix = "/api", endpoint = "me/households/binding")]
pub async fn load_pending_binding(token: String) -> Result<PendingBinding, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::bindings::pending(&call.db, &call.viewer, &token)
        .await
        .map_err(to_server_error)
}

/// Completes a binding with the code texted to the holder's phone.
#[server(prefix = "/api", endpoint = "me/households/confirm")]
pub async fn confirm_binding(token: String, code: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::bindings::confirm_with_code(
        &call.db,
        &call.viewer,
        &token,
        &code,
        &call.origin,
    )
    .await
    .map_err(to_server_error)?;
    leptos_axum::redirect("/me");
    Ok(())
}

/// Others' requests to bind the resident's households, for their decision.
#[server(input = GetUrl, prefix = "/api", endpoint = "me/households/requests")]
pub async fn load_binding_requests() -> Result<Vec<WaitingBinding>, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::bindings::waiting_for_me(&call.db, &call.viewer, call.now())
        .await
        .map_err(to_server_error)
}

/// Approves ("approve") or declines ("decline") another's request.
#[server(prefix = "/api", endpoint = "me/households/decide")]
pub async fn decide_binding(request_id: i64, decision: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::bindings::decide(
        &call.db,
        &call.viewer,
        request_id,
        &decision,
        &call.origin,
    )
    .await
    .map_err(to_server_error)?;
    Ok(())
}

/// Unbinds one of the resident's households.
#[server(prefix = "/api", endpoint = "me/households/unbind")]
pub async fn unbind_household(household_id: i64) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::accounts::unbind_household(
        &call.db,
        &call.viewer,
        household_id,
        &call.origin,
    )
    .await
    .map_err(to_server_error)
}

/// The texts the demo "sent" (demo data only; otherwise there is no such page).
#[server(input = GetUrl, prefix = "/api", endpoint = "demo/outbox")]
pub async fn load_demo_outbox() -> Result<Vec<DemoMessage>, ServerFnError> {
    use crate::context::to_server_error;
    let services = crate::context::Services::current()?;
    if !services.access.demo {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
        return Err(ServerFnError::ServerError(
            text::demo_outbox_closed(crate::prefs::Preferences::current().lang).to_string(),
        ));
    }
    let messages = backend::services::delivery::demo_messages(&services.db, 30)
        .await
        .map_err(to_server_error)?;
    Ok(messages
        .into_iter()
        .map(|(at, recipient, text)| DemoMessage {
            at,
            recipient,
            text,
        })
        .collect())
}

/// Whether WeChat sign-in is offered: configured, and inside WeChat.
#[server(input = GetUrl, prefix = "/api", endpoint = "signin/options")]
pub async fn load_sign_in_options() -> Result<SignInOptions, ServerFnError> {
    let services = crate::context::Services::current()?;
    // WeChat web authorization only works inside WeChat's own browser.
    let in_wechat = use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get(http::header::USER_AGENT).cloned())
        .and_then(|ua| {
            ua.to_str()
                .ok()
                .map(backend::integrations::wechat::is_wechat_browser)
        })
        .unwrap_or(false);
    Ok(SignInOptions {
        demo: services.access.demo,
        wechat: services.access.wechat.is_some() && in_wechat,
        wechat_pending: crate::session::cookie(&services, crate::session::WECHAT_PENDING_COOKIE)
            .is_some(),
    })
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignInOptions {
    /// Demo data: codes can be read on the demo outbox page.
    pub demo: bool,
    pub wechat: bool,
    /// WeChat vouched for this browser; the phone is verified once to link it.
    pub wechat_pending: bool,
}

/// Starts WeChat web authorization: a fresh `state` in a cookie, then off to WeChat.
#[server(input = GetUrl, prefix = "/api", endpoint = "signin/wechat")]
pub async fn start_wechat_sign_in() -> Result<(), ServerFnError> {
    use crate::session::{set_cookie, OAUTH_STATE_COOKIE};
    let services = crate::context::Services::current()?;
    let Some(wechat) = services.access.wechat.clone() else {
        return Err(crate::context::refused(text::wechat_not_offered_use_phone));
    };
    let state = backend::secrets::new_token();
    set_cookie(&services, OAUTH_STATE_COOKIE, &state, Some(600));
    let callback = format!("{}/api/signin/wechat/callback", services.access.public_url);
    leptos_axum::redirect(&wechat.authorize_url(&callback, &state));
    Ok(())
}

/// WeChat's redirect back: `code` → openid → signed in, or (first use)
/// the phone step that links the openid.
#[server(input = GetUrl, prefix = "/api", endpoint = "signin/wechat/callback")]
pub async fn finish_wechat_sign_in(
    code: Option<String>,
    state: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use crate::session::{
        clear_cookie, cookie, origin, set_cookie, start_session, OAUTH_STATE_COOKIE,
        WECHAT_PENDING_COOKIE,
    };
    use backend::services::identity::{
        sign_in_with_wechat, WeChatOutcome, WECHAT_PENDING_LIFETIME,
    };
    let services = crate::context::Services::current()?;
    let refused = |message: StaticText| {
        leptos_axum::redirect("/signin?wechat=failed");
        Err(crate::context::refused(message))
    };
    let Some(wechat) = services.access.wechat.clone() else {
        return refused(text::wechat_not_offered);
    };
    let expected = cookie(&services, OAUTH_STATE_COOKIE);
    clear_cookie(&services, OAUTH_STATE_COOKIE);
    let (Some(code), Some(state), Some(expected)) = (code, state, expected) else {
        return refused(text::wechat_unfinished);
    };
    if !backend::secrets::same_hash(&state, &expected) {
        return refused(text::wechat_expired);
    }
    let identity = match wechat.exchange_code(&code).await {
        Ok(identity) => identity,
        Err(error) => {
            tracing::warn!(%error, "WeChat code exchange failed");
            return refused(text::wechat_unconfirmed);
        }
    };
    let outcome = sign_in_with_wechat(&services.db, &identity.openid, &origin(&services))
        .await
        .map_err(to_server_error)?;
    match outcome {
        WeChatOutcome::SignedIn(session) => start_session(&services, &session),
        WeChatOutcome::NeedsPhone { pending_token } => {
            set_cookie(
                &services,
                WECHAT_PENDING_COOKIE,
                &pending_token,
                Some(WECHAT_PENDING_LIFETIME),
            );
            leptos_axum::redirect("/signin?wechat=link");
        }
    }
    Ok(())
}
