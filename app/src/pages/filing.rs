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
                <span class="field__label">{lang.t("房屋", "Home")}</span>
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
            <span class="field__label">{lang.t("房屋", "Home")}</span>
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
            <p>{lang.t("请先绑定您的供热户号，再提交工单。", "Bind your heating account first, then file.")}</p>
            <a class="button" href="/me/settings">{lang.t("去绑定户号", "Bind a household")}</a>
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
                    {lang.t("代居民提交：验证码已发送至 ", "Filing for a resident: a code went to ")}
                    <strong>{consent.masked_phone.clone()}</strong>
                    {lang.t("，请居民读出短信中的验证码（", ". Ask the resident to read it out (valid until ")}
                    {full_date_time(lang, consent.expires_at)}
                    {lang.t(" 前有效）。", ").")}
                </p>
                <input type="hidden" name="consent_token" value=consent.token.clone() />
                <label class="field">
                    <span class="field__label">{lang.t("居民收到的验证码", "The resident's code")}</span>
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
            <span class="muted">{use_lang().t("JPEG、PNG 或 WebP，每张不超过 5 MB，最多 6 张", "JPEG, PNG or WebP, up to 5 MB each, at most 6")}</span>
        </label>
    }
}

/// 室温投诉: how to measure, then the reading.
#[component]
pub fn TemperatureComplaintPage() -> impl IntoView {
    let lang = use_lang();
    let form = filing_form_resource();
    view! {
        <Title text=lang.t("室温投诉", "Temperature complaint") />
        <h1 class="page-title">{lang.t("室温投诉", "Temperature complaint")}</h1>
        <section class="card guide">
            <h2 class="card__title">{lang.t("先这样测温", "Measure like this first")}</h2>
            <img class="guide__picture" src="/measure-room.svg" width="320" height="180"
                alt=lang.t("温度计放在房间中央、离地 1 米高", "Thermometer in the middle of the room, 1 m above the floor") />
            <ol class="steps">
                <li>{lang.t("关好门窗 2 小时以上。", "Keep doors and windows closed for at least 2 hours.")}</li>
                <li>{lang.t("温度计放在房间中央、离地面 1 米高，不要靠近暖气片、窗户和外墙。", "Put the thermometer in the middle of the room, 1 m above the floor, away from radiators, windows and outer walls.")}</li>
                <li>{lang.t("等读数稳定（约 10 分钟）后再记下。", "Wait until the reading is steady (about 10 minutes), then note it.")}</li>
            </ol>
            <p class="muted">{lang.t("标准：供暖期内卧室、客厅不低于 18 ℃。", "Standard: bedrooms and living rooms at least 18 °C in the season.")}</p>
        </section>
        {loaded(form, move |form| {
            let rooms = Room::ALL
                .into_iter()
                .enumerate()
                .map(|(i, room)| view! {
                    <label class="choice">
                        <input type="radio" name="room" value=room.as_str() required checked=i == 0 />
                        <span>{lang.t(room.label(), room.label_en())}</span>
                    </label>
                })
                .collect_view();
            let fields = view! {
                <fieldset class="field choices">
                    <legend class="field__label">{lang.t("测温房间", "Room")}</legend>
                    {rooms}
                </fieldset>
                <label class="field">
                    <span class="field__label">{lang.t("温度计读数（℃）", "Reading (°C)")}</span>
                    <input class="field__input field__input--number" type="text" name="reading" inputmode="decimal"
                        maxlength="8" required placeholder="16.5" autocomplete="off" />
                </label>
                <label class="choice">
                    <input type="checkbox" name="measured_as_guided" value="1" />
                    <span>{lang.t("我已按上面的方法测温", "I measured as described above")}</span>
                </label>
                <label class="choice">
                    <input type="checkbox" name="file_anyway" value="1" />
                    <span>{lang.t("读数已达 18 ℃，但仍觉得冷，仍要投诉", "The reading is 18 °C or more but it still feels cold: file anyway")}</span>
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("补充说明（可不填）", "Anything else (optional)")}</span>
                    <textarea class="field__input" name="note" rows="3" maxlength="500"></textarea>
                </label>
                <PhotoInput label=lang.t("温度计照片（可不传）", "Photo of the thermometer (optional)") />
            };
            if form.households.is_empty() {
                return view! { <BindFirst /> }.into_any();
            }
            view! {
                <UploadForm action=FileTemperatureComplaint::url().to_string() class="form card">
                    {filing_basics(form)}
                    {fields}
                    {error_in_address(FileTemperatureComplaint::url())}
                    <button class="button button--large" type="submit">{lang.t("提交投诉", "File complaint")}</button>
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
        <Title text=lang.t("故障报修", "Report a fault") />
        <h1 class="page-title">{lang.t("故障报修", "Report a fault")}</h1>
        <p class="notice notice--warning">
            {lang.t("家中跑水、爆管请先关闭入户阀门，并选择“爆管跑水”或勾选“正在漏水”，抢修队优先出发。",
                "If water is running, close your inlet valve first and choose “Burst pipe” or tick “Water is flooding”: crews go first to these.")}
        </p>
        {loaded(form, move |form| {
            let categories = RepairCategory::ALL
                .into_iter()
                .enumerate()
                .map(|(i, category)| view! {
                    <label class="choice">
                        <input type="radio" name="category" value=category.as_str() required checked=i == 0 />
                        <span>{lang.t(category.label(), category.label_en())}</span>
                    </label>
                })
                .collect_view();
            let fields = view! {
                <fieldset class="field choices">
                    <legend class="field__label">{lang.t("故障类型", "What is wrong")}</legend>
                    {categories}
                </fieldset>
                <label class="choice choice--danger">
                    <input type="checkbox" name="water_flooding" value="1" />
                    <span>{lang.t("正在漏水、跑水", "Water is flooding")}</span>
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("情况描述", "Description")}</span>
                    <textarea class="field__input" name="description" rows="4" maxlength="500"
                        placeholder=lang.t("例如：卧室暖气片上半部分不热，阀门已打开", "E.g. the upper half of the bedroom radiator is cold; the valve is open")></textarea>
                </label>
                <PhotoInput label=lang.t("故障照片（可不传）", "Photos of the fault (optional)") />
            };
            if form.households.is_empty() {
                return view! { <BindFirst /> }.into_any();
            }
            view! {
                <UploadForm action=FileRepair::url().to_string() class="form card">
                    {filing_basics(form)}
                    {fields}
                    {error_in_address(FileRepair::url())}
                    <button class="button button--large" type="submit">{lang.t("提交报修", "Report fault")}</button>
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
        <Title text=lang.t("业务办理", "Applications") />
        <h1 class="page-title">{lang.t("业务办理", "Applications")}</h1>
        {loaded(form, move |form| {
            let window_note = format!(
                "{}{}{}",
                lang.t("报停、复供须在供暖期开始 30 天前申请。现在申请适用于 ", "Suspend and resume are due 30 days before the season. Applications made now are for the "),
                form.application_season,
                lang.t("，截止时间 ", ", due by "),
            );
            let deadline = full_date_time(lang, form.application_deadline);
            let kinds = CaseKind::APPLICATIONS
                .into_iter()
                .enumerate()
                .map(|(i, kind)| {
                    let checked = wanted.as_deref().map_or(i == 1, |w| w == kind.as_str());
                    let documents = required_documents(kind).join("、");
                    view! {
                        <label class="choice choice--card">
                            <input type="radio" name="kind" value=kind.as_str() required checked=checked />
                            <span>
                                <strong>{lang.t(kind.label(), kind.label_en())}</strong>
                                <span class="muted">{lang.t("需上传：", "Upload: ")}{documents}</span>
                            </span>
                        </label>
                    }
                })
                .collect_view();
            let fields = view! {
                <p class="notice">{window_note}{deadline}{lang.t("。", ".")}</p>
                <fieldset class="field choices">
                    <legend class="field__label">{lang.t("办理业务", "Application")}</legend>
                    {kinds}
                </fieldset>
                <label class="choice">
                    <input type="checkbox" name="has_own_valve" value="1" />
                    <span>{lang.t("我家有独立的入户关断阀门（报停必需）", "My home has its own shut-off valve (needed to suspend)")}</span>
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("补充说明（可不填）", "Notes (optional)")}</span>
                    <textarea class="field__input" name="note" rows="3" maxlength="500"></textarea>
                </label>
                <label class="field">
                    <span class="field__label">{lang.t("材料照片（必传，见上方所需材料）", "Photos of the documents (required, see above)")}</span>
                    <input class="field__input" type="file" name="photos" accept=IMAGE_TYPES multiple required />
                </label>
                <p class="muted">{lang.t("审核一般需要 3 个工作日，结果会以短信通知。", "Review takes about 3 working days; we text you the result.")}</p>
            };
            if form.households.is_empty() {
                return view! { <BindFirst /> }.into_any();
            }
            view! {
                <UploadForm action=FileApplication::url().to_string() class="form card">
                    {filing_basics(form)}
                    {fields}
                    {error_in_address(FileApplication::url())}
                    <button class="button button--large" type="submit">{lang.t("提交申请", "Apply")}</button>
                </UploadForm>
            }
            .into_any()
        })}
    }
}
