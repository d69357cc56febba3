//! 管理: staff accounts (create, roles, password, grid and building
//! assignments) and the audit log.

use crate::api::staff::{
    load_audit_log, load_staff_directory, ChangeStaffAssignment, CreateStaffAccount,
    ResetSecondFactor, ResetStaffPassword, SetStaffRoles,
};
use crate::components::feedback::{loaded, ActionOutcome};
use crate::components::outage::Moment;
use crate::prefs::{use_lang, Lang};
use domain::account::{Choice, StaffAccount, StaffDirectory};
use domain::roles::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// Every admin form of the page, so any change reloads the directory.
#[derive(Clone, Copy)]
struct AdminActions {
    create: ServerAction<CreateStaffAccount>,
    roles: ServerAction<SetStaffRoles>,
    password: ServerAction<ResetStaffPassword>,
    second_factor: ServerAction<ResetSecondFactor>,
    assignment: ServerAction<ChangeStaffAssignment>,
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = use_lang();
    let actions = AdminActions {
        create: ServerAction::new(),
        roles: ServerAction::new(),
        password: ServerAction::new(),
        second_factor: ServerAction::new(),
        assignment: ServerAction::new(),
    };
    let directory = Resource::new(
        move || {
            (
                actions.create.version().get(),
                actions.roles.version().get(),
                actions.password.version().get(),
                actions.second_factor.version().get(),
                actions.assignment.version().get(),
            )
        },
        |_| load_staff_directory(),
    );
    view! {
        <Title text=lang.t("账号管理", "Accounts") />
        <h1 class="page-title">{lang.t("工作人员账号", "Staff accounts")}</h1>
        <p>
            <a href="/admin/audit">{lang.t("查看审计日志", "Audit log")}</a>" · "
            <a href="/admin/deadlines">{lang.t("期限与节假日", "Deadlines and holidays")}</a>" · "
            <a href="/admin/open311">{lang.t("Open311 接口密钥", "Open311 API keys")}</a>
        </p>
        <ActionOutcome outcome=actions.roles.value().into() done=lang.t("角色已更新。", "Roles updated.") />
        <ActionOutcome outcome=actions.password.value().into() done=lang.t("密码已重置，该账号的登录已全部退出。", "Password reset; the account was signed out everywhere.") />
        <ActionOutcome outcome=actions.second_factor.value().into() done=lang.t("两步验证已重置，下次登录时重新绑定验证器。", "Second factor reset; it is enrolled again at the next sign-in.") />
        <ActionOutcome outcome=actions.assignment.value().into() done=lang.t("分配已更新。", "Assignment updated.") />
        {loaded(directory, move |directory| view! { <Directory directory actions /> })}
    }
}

fn role_label(lang: Lang, role: Role) -> &'static str {
    lang.t(role.label_zh(), role.label_en())
}

/// One checkbox per staff role, named as `RoleTicks` expects.
fn role_boxes(lang: Lang, held: &[Role]) -> impl IntoView {
    Role::STAFF
        .into_iter()
        .map(|role| {
            view! {
                <label class="check">
                    <input type="checkbox" name=role.as_str() value="1" checked=held.contains(&role) />
                    {role_label(lang, role)}
                </label>
            }
        })
        .collect_view()
}

fn options(choices: &[Choice]) -> impl IntoView {
    choices
        .iter()
        .map(|c| view! { <option value=c.id>{c.label.clone()}</option> })
        .collect_view()
}

#[component]
fn Directory(directory: StaffDirectory, actions: AdminActions) -> impl IntoView {
    let lang = use_lang();
    let StaffDirectory {
        accounts,
        companies,
        grids,
        buildings,
    } = directory;
    let rows = accounts
        .into_iter()
        .map(|account| {
            view! { <AccountCard account grids=grids.clone() buildings=buildings.clone() actions /> }
        })
        .collect_view();
    view! {
        {rows}
        <section class="card">
            <h2 class="card__title">{lang.t("新建工作人员账号", "New staff account")}</h2>
            <ActionForm action=actions.create attr:class="form">
                <label class="field"><span class="field__label">{lang.t("姓名", "Name")}</span>
                    <input class="field__input" name="display_name" maxlength="40" required /></label>
                <label class="field"><span class="field__label">{lang.t("用户名", "Username")}</span>
                    <input class="field__input" name="username" maxlength="32" autocapitalize="none" required /></label>
                <label class="field"><span class="field__label">{lang.t("初始密码（至少 10 位，含字母和数字）", "First password (10+ characters, letters and digits)")}</span>
                    <input class="field__input" type="password" name="password" autocomplete="new-password" maxlength="200" required /></label>
                <label class="field"><span class="field__label">{lang.t("所属供热公司", "Heating company")}</span>
                    <select class="field__input" name="company_id">
                        <option value="">{lang.t("（无，社区或物业人员）", "(none: community or property staff)")}</option>
                        {options(&companies)}
                    </select></label>
                <fieldset class="field"><legend class="field__label">{lang.t("角色", "Roles")}</legend>{role_boxes(lang, &[])}</fieldset>
                <ActionOutcome outcome=actions.create.value().into() done=lang.t("账号已创建。", "Account created.") />
                <button class="button" type="submit">{lang.t("创建", "Create")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AccountCard(
    account: StaffAccount,
    grids: Vec<Choice>,
    buildings: Vec<Choice>,
    actions: AdminActions,
) -> impl IntoView {
    let lang = use_lang();
    let id = account.person_id;
    let roles = account
        .roles
        .iter()
        .map(|r| role_label(lang, *r))
        .collect::<Vec<_>>()
        .join("、");
    let assigned = |kind: &'static str, choices: Vec<Choice>| {
        choices
            .into_iter()
            .map(|c| {
                view! {
                    <ActionForm action=actions.assignment attr:class="row">
                        <input type="hidden" name="person_id" value=id />
                        <input type="hidden" name="kind" value=kind />
                        <input type="hidden" name="target_id" value=c.id />
                        <input type="hidden" name="assign" value="0" />
                        <span>{c.label}</span>
                        <button class="button button--secondary" type="submit">{lang.t("取消分配", "Remove")}</button>
                    </ActionForm>
                }
            })
            .collect_view()
    };
    let assign_form = |kind: &'static str, label: &'static str, choices: Vec<Choice>| {
        view! {
            <ActionForm action=actions.assignment attr:class="row">
                <input type="hidden" name="person_id" value=id />
                <input type="hidden" name="kind" value=kind />
                <input type="hidden" name="assign" value="1" />
                <select class="field__input" name="target_id" aria-label=label>{options(&choices)}</select>
                <button class="button button--secondary" type="submit">{label}</button>
            </ActionForm>
        }
    };
    let is_grid_worker = account.roles.contains(&Role::GridWorker);
    let is_property = account.roles.contains(&Role::PropertyManager);
    view! {
        <section class="card staff-account" data-username=account.username.clone()>
            <h2 class="card__title">{account.display_name.clone()}" · "{account.username.clone()}</h2>
            <p class="muted">
                {roles}
                {account.company_name.clone().map(|c| format!(" · {c}"))}
                {account.disabled.then(|| lang.t(" · 已停用", " · disabled"))}
            </p>
            {account.locked_until.map(|until| view! {
                <p class="notice notice--error">{lang.t("密码错误过多，锁定至 ", "Locked after failed sign-ins until ")}<Moment at=until /></p>
            })}
            <details>
                <summary>{lang.t("角色", "Roles")}</summary>
                <ActionForm action=actions.roles attr:class="form">
                    <input type="hidden" name="person_id" value=id />
                    {role_boxes(lang, &account.roles)}
                    <button class="button button--secondary" type="submit">{lang.t("保存角色", "Save roles")}</button>
                </ActionForm>
            </details>
            <details>
                <summary>{lang.t("重置密码", "Reset password")}</summary>
                <ActionForm action=actions.password attr:class="form">
                    <input type="hidden" name="person_id" value=id />
                    <input class="field__input" type="password" name="password" autocomplete="new-password"
                        maxlength="200" required aria-label=lang.t("新密码", "New password") />
                    <button class="button button--secondary" type="submit">{lang.t("重置", "Reset")}</button>
                </ActionForm>
            </details>
            <details>
                <summary>{lang.t("重置两步验证（手机丢失）", "Reset second factor (lost phone)")}</summary>
                <ActionForm action=actions.second_factor attr:class="form">
                    <input type="hidden" name="person_id" value=id />
                    <button class="button button--secondary" type="submit">{lang.t("重置两步验证", "Reset second factor")}</button>
                </ActionForm>
            </details>
            {is_grid_worker.then(|| view! {
                <h3>{lang.t("负责网格", "Grids")}</h3>
                {assigned("grid", account.grids.clone())}
                {assign_form("grid", lang.t("分配网格", "Assign grid"), grids.clone())}
            })}
            {is_property.then(|| view! {
                <h3>{lang.t("负责楼栋", "Buildings")}</h3>
                {assigned("building", account.buildings.clone())}
                {assign_form("building", lang.t("分配楼栋", "Assign building"), buildings.clone())}
            })}
        </section>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let entries = Resource::new(move || query.read().get("action"), load_audit_log);
    view! {
        <Title text=lang.t("审计日志", "Audit log") />
        <h1 class="page-title">{lang.t("审计日志", "Audit log")}</h1>
        <Form method="GET" action="/admin/audit" attr:class="row">
            <select class="field__input" name="action" aria-label=lang.t("类别", "Kind")>
                <option value="">{lang.t("全部", "All")}</option>
                <option value="sign_in">{lang.t("登录", "Sign-ins")}</option>
                <option value="sign_in_failed">{lang.t("登录失败", "Failed sign-ins")}</option>
                <option value="role_granted">{lang.t("授予角色", "Roles granted")}</option>
                <option value="role_revoked">{lang.t("撤销角色", "Roles revoked")}</option>
                <option value="personal_data_view">{lang.t("查看个人信息", "Personal data views")}</option>
            </select>
            <button class="button button--secondary" type="submit">{lang.t("筛选", "Filter")}</button>
        </Form>
        {loaded(entries, move |entries| {
            let rows = entries
                .into_iter()
                .map(|e| view! {
                    <tr>
                        <td><Moment at=e.at /></td>
                        <td>{e.actor}</td>
                        <td>{e.action}</td>
                        <td>{e.subject}</td>
                        <td>{e.detail}</td>
                        <td>{e.client_addr}</td>
                    </tr>
                })
                .collect_view();
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=lang.t("审计日志", "Audit log")>
                    <table class="table audit">
                        <thead><tr>
                            <th scope="col">{lang.t("时间", "When")}</th>
                            <th scope="col">{lang.t("操作人", "Who")}</th>
                            <th scope="col">{lang.t("操作", "What")}</th>
                            <th scope="col">{lang.t("对象", "Subject")}</th>
                            <th scope="col">{lang.t("说明", "Detail")}</th>
                            <th scope="col">{lang.t("来源地址", "From")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })}
    }
}
