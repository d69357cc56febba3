//! Open311 接口密钥 (admin): issue a key to another system (shown once),
//! see when each was last used, revoke one.

use crate::api::open311::{load_api_keys, take_issued_key, IssueApiKey, RevokeApiKey};
use crate::components::feedback::{loaded, ActionOutcome};
use crate::components::outage::Moment;
use crate::prefs::use_lang;
use domain::open311::ApiKeySummary;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Open311KeysPage() -> impl IntoView {
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
        <Title text=lang.t("Open311 接口密钥", "Open311 API keys") />
        <h1 class="page-title">{lang.t("Open311 接口密钥", "Open311 API keys")}</h1>
        <p><a href="/admin">{lang.t("返回账号管理", "Back to accounts")}</a></p>
        <p class="muted">{lang.t(
            "其他系统（如城市服务平台）凭密钥通过 Open311 GeoReport v2 接口 /open311/v2 提交诉求；查询无需密钥，只公开楼栋级信息。",
            "Other systems (a city services platform, say) post requests through Open311 GeoReport v2 at /open311/v2 with a key; reading needs none and shows buildings only.",
        )}</p>
        {loaded(issued, move |key| key.map(|key| view! { <IssuedKey key /> }))}
        <section class="card">
            <h2 class="card__title">{lang.t("签发新密钥", "Issue a key")}</h2>
            <ActionForm action=issue attr:class="form">
                <label class="field"><span class="field__label">{lang.t("使用单位或系统", "Held by")}</span>
                    <input class="field__input" name="label" minlength="2" maxlength="40" required
                        placeholder=lang.t("例如：12345 政务服务平台", "e.g. City services platform") /></label>
                <ActionOutcome outcome=issue.value().into() done=lang.t("密钥已签发。", "Key issued.") />
                <button class="button" type="submit">{lang.t("签发", "Issue")}</button>
            </ActionForm>
        </section>
        <ActionOutcome outcome=revoke.value().into() done=lang.t("密钥已吊销，使用它的请求将被拒绝（403）。", "Key revoked; requests with it now get 403.") />
        {loaded(keys, move |keys| view! { <KeyList keys revoke /> })}
    }
}

/// The key just issued, the one time it can be seen.
#[component]
fn IssuedKey(key: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card notice notice--ok" role="status">
            <h2 class="card__title">{lang.t("新密钥（只显示这一次）", "The new key (shown this once)")}</h2>
            <p><code class="issued-key" data-testid="issued-key">{key}</code></p>
            <p>{lang.t(
                "请现在复制并安全地交给对方；平台只保存它的摘要，之后无法再次查看。",
                "Copy it now and hand it over safely; only its digest is kept and it cannot be shown again.",
            )}</p>
        </section>
    }
}

#[component]
fn KeyList(keys: Vec<ApiKeySummary>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let lang = use_lang();
    if keys.is_empty() {
        return view! { <p class="muted">{lang.t("还没有签发过密钥。", "No key issued yet.")}</p> }
            .into_any();
    }
    let rows = keys
        .into_iter()
        .map(|key| {
            let status = match key.revoked_at {
                Some(at) => view! { <span class="badge">{lang.t("已吊销", "Revoked")}" "<Moment at /></span> }.into_any(),
                None => view! {
                    <ActionForm action=revoke attr:class="row">
                        <input type="hidden" name="key_id" value=key.id />
                        <button class="button button--secondary" type="submit">{lang.t("吊销", "Revoke")}</button>
                    </ActionForm>
                }
                .into_any(),
            };
            let last_used = match key.last_used_at {
                Some(at) => view! { <Moment at /> }.into_any(),
                None => lang.t("未使用", "Never").into_any(),
            };
            let hint = key.hint.clone();
            view! {
                <tr data-key=hint>
                    <td>{key.label}</td>
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
                    <th>{lang.t("使用单位", "Held by")}</th>
                    <th>{lang.t("密钥开头", "Starts with")}</th>
                    <th>{lang.t("签发", "Issued")}</th>
                    <th>{lang.t("最近使用", "Last used")}</th>
                    <th>{lang.t("状态", "Status")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
