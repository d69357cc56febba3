//! 接口密钥 (admin): issue a key to another system for Open311 requests or
//! telemetry readings (shown once), see when each was last used, revoke one.

use crate::api::api_keys::{load_api_keys, take_issued_key, IssueApiKey, RevokeApiKey};
use crate::components::feedback::{loaded, ActionOutcome};
use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::account::Choice;
use domain::api_keys::{ApiKeySummary, KeyScope};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use translations::text;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let lang = use_lang();
    let issue = ServerAction::<IssueApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let query = use_query_map();
    let keys = Resource::new(
        move || (issue.version().get(), revoke.version().get()),
        |_| load_api_keys(),
    );
    let issued = Resource::new(move || query.read().get("issued"), |_| take_issued_key());
    view! {
        <Title text=text::admin_api_keys(lang) />
        <h1 class="page-title">{text::admin_api_keys(lang)}</h1>
        <p><a href="/admin">{text::case_rules_back_to_accounts(lang)}</a></p>
        <p class="muted">{text::api_keys_other_systems_a_city_services_platform(lang)}</p>
        {loaded(issued, move |key| key.map(|key| view! { <IssuedKey key /> }))}
        <section class="card">
            <h2 class="card__title">{text::api_keys_issue_a_key(lang)}</h2>
            <ActionForm action=issue attr:class="form">
                <label class="field"><span class="field__label">{text::api_keys_held_by(lang)}</span>
                    <input class="field__input" name="label" minlength="2" maxlength="40" required
                        placeholder=text::api_keys_e_g_city_services_platform(lang) /></label>
                <label class="field"><span class="field__label">{text::api_keys_for(lang)}</span>
                    <select class="field__input" name="scope">
                        <option value="open311" selected>{text::api_keys_scope_open311(lang)}</option>
                        <option value="telemetry">{text::api_keys_scope_telemetry(lang)}</option>
                    </select></label>
                {loaded(keys, move |directory| view! { <CompanyPicker companies=directory.companies /> })}
                <ActionOutcome action=issue done=text::api_keys_key_issued(lang) />
                <button class="button" type="submit">{text::api_keys_issue(lang)}</button>
            </ActionForm>
        </section>
        <ActionOutcome action=revoke done=text::api_keys_key_revoked_requests_with_it_now(lang) />
        {loaded(keys, move |directory| view! { <KeyList keys=directory.keys revoke /> })}
    }
}

/// For a telemetry key: the company whose sensors it may report.
#[component]
fn CompanyPicker(companies: Vec<Choice>) -> impl IntoView {
    let lang = use_lang();
    let options = companies
        .into_iter()
        .map(|company| view! { <option value=company.id>{company.label}</option> })
        .collect_view();
    view! {
        <label class="field"><span class="field__label">{text::api_keys_telemetry_company(lang)}</span>
            <select class="field__input" name="company">
                <option value="">{text::api_keys_city_platform_any_company(lang)}</option>
                {options}
            </select></label>
    }
}

/// The key just issued, the one time it can be seen.
#[component]
fn IssuedKey(key: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card notice notice--ok" role="status">
            <h2 class="card__title">{text::api_keys_the_new_key_shown_this_once(lang)}</h2>
            <p><code class="issued-key" data-testid="issued-key">{key}</code></p>
            <p>{text::api_keys_copy_it_now_and_hand_it(lang)}</p>
        </section>
    }
}

#[component]
fn KeyList(keys: Vec<ApiKeySummary>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let lang = use_lang();
    if keys.is_empty() {
        return view! { <p class="muted">{text::api_keys_no_key_issued_yet(lang)}</p> }.into_any();
    }
    let rows = keys
        .into_iter()
        .map(|key| {
            let status = match key.revoked_at {
                Some(at) => view! { <span class="badge">{text::api_keys_revoked(lang)}" "<Moment at /></span> }.into_any(),
                None => view! {
                    <ActionForm action=revoke attr:class="row">
                        <input type="hidden" name="key_id" value=key.id />
                        <button class="button button--secondary" type="submit">{text::api_keys_revoke(lang)}</button>
                    </ActionForm>
                }
                .into_any(),
            };
            let last_used = match key.last_used_at {
                Some(at) => view! { <Moment at /> }.into_any(),
                None => text::api_keys_never(lang).into_any(),
            };
            let hint = key.hint.clone();
            let scope = match key.scope {
                KeyScope::Open311 => text::api_keys_scope_open311(lang),
                KeyScope::Telemetry => text::api_keys_scope_telemetry(lang),
            };
            let company = key.company.map(|company| view! { <br /><span class="muted">{company}</span> });
            view! {
                <tr data-key=hint data-scope=key.scope.as_str()>
                    <td>{key.label}{company}</td>
                    <td>{scope}</td>
                    <td><code>{key.hint}"…"</code></td>
                    <td>{key.issued_by}" "<Moment at=key.issued_at /></td>
                    <td>{last_used}</td>
                    <td>{status}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead><tr>
                    <th>{text::api_keys_held_by_2(lang)}</th>
                    <th>{text::api_keys_for(lang)}</th>
                    <th>{text::api_keys_starts_with(lang)}</th>
                    <th>{text::api_keys_issued(lang)}</th>
                    <th>{text::api_keys_last_used(lang)}</th>
                    <th>{text::api_keys_status(lang)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
