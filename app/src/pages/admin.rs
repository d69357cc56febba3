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
use translations::text;

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
        <Title text=text::admin_accounts(lang) />
        <h1 class="page-title">{text::admin_staff_accounts(lang)}</h1>
        <p>
            <a href="/admin/audit">{text::admin_audit_log(lang)}</a>" · "
            <a href="/admin/deadlines">{text::admin_deadlines_and_holidays(lang)}</a>" · "
            <a href="/admin/api-keys">{text::admin_api_keys(lang)}</a>" · "
            <a href="/admin/sensors">{text::admin_sensors(lang)}</a>" · "
            <a href="/admin/fees">{text::fees_page_title(lang)}</a>
        </p>
        <ActionOutcome action=actions.roles done=text::admin_roles_updated(lang) />
        <ActionOutcome action=actions.password done=text::admin_password_reset_the_account_was_signed(lang) />
        <ActionOutcome action=actions.second_factor done=text::admin_second_factor_reset_it_is_enrolled(lang) />
        <ActionOutcome action=actions.assignment done=text::admin_assignment_updated(lang) />
        {loaded(directory, move |directory| view! { <Directory directory actions /> })}
    }
}

fn role_label(lang: Lang, role: Role) -> &'static str {
    role.label(lang)
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
            <h2 class="card__title">{text::admin_new_staff_account(lang)}</h2>
            <ActionForm action=actions.create attr:class="form">
                <label class="field"><span class="field__label">{text::admin_name(lang)}</span>
                    <input class="field__input" name="display_name" maxlength="40" required /></label>
                <label class="field"><span class="field__label">{text::admin_username(lang)}</span>
                    <input class="field__input" name="username" maxlength="32" autocapitalize="none" required /></label>
                <label class="field"><span class="field__label">{text::admin_first_password_10_characters_letters_and(lang)}</span>
                    <input class="field__input" type="password" name="password" autocomplete="new-password" maxlength="200" required /></label>
                <label class="field"><span class="field__label">{text::admin_heating_company(lang)}</span>
                    <select class="field__input" name="company_id">
                        <option value="">{text::admin_none_community_or_property_staff(lang)}</option>
                        {options(&companies)}
                    </select></label>
                <fieldset class="field"><legend class="field__label">{text::admin_roles(lang)}</legend>{role_boxes(lang, &[])}</fieldset>
                <ActionOutcome action=actions.create done=text::admin_account_created(lang) />
                <button class="button" type="submit">{text::admin_create(lang)}</button>
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
                        <button class="button button--secondary" type="submit">{text::admin_remove(lang)}</button>
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
                {account.disabled.then(|| text::admin_disabled(lang))}
            </p>
            {account.locked_until.map(|until| view! {
                <p class="notice notice--error">{text::admin_locked_after_failed_sign_ins_until(lang)}<Moment at=until /></p>
            })}
            <details>
                <summary>{text::admin_roles(lang)}</summary>
                <ActionForm action=actions.roles attr:class="form">
                    <input type="hidden" name="person_id" value=id />
                    {role_boxes(lang, &account.roles)}
                    <button class="button button--secondary" type="submit">{text::admin_save_roles(lang)}</button>
                </ActionForm>
            </details>
            <details>
                <summary>{text::admin_reset_password(lang)}</summary>
                <ActionForm action=actions.password attr:class="form">
                    <input type="hidden" name="person_id" value=id />
                    <input class="field__input" type="password" name="password" autocomplete="new-password"
                        maxlength="200" required aria-label=text::admin_new_password(lang) />
                    <button class="button button--secondary" type="submit">{text::admin_reset(lang)}</button>
                </ActionForm>
            </details>
            <details>
                <summary>{text::admin_reset_second_factor_lost_phone(lang)}</summary>
                <ActionForm action=actions.second_factor attr:class="form">
                    <input type="hidden" name="person_id" value=id />
                    <button class="button button--secondary" type="submit">{text::admin_reset_second_factor(lang)}</button>
                </ActionForm>
            </details>
            {is_grid_worker.then(|| view! {
                <h3>{text::admin_grids(lang)}</h3>
                {assigned("grid", account.grids.clone())}
                {assign_form("grid", text::admin_assign_grid(lang), grids.clone())}
            })}
            {is_property.then(|| view! {
                <h3>{text::admin_buildings(lang)}</h3>
                {assigned("building", account.buildings.clone())}
                {assign_form("building", text::admin_assign_building(lang), buildings.clone())}
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
        <Title text=text::admin_audit_log_2(lang) />
        <h1 class="page-title">{text::admin_audit_log_2(lang)}</h1>
        <Form method="GET" action="/admin/audit" attr:class="row">
            <select class="field__input" name="action" aria-label=text::admin_kind(lang)>
                <option value="">{text::admin_all(lang)}</option>
                <option value="sign_in">{text::admin_sign_ins(lang)}</option>
                <option value="sign_in_failed">{text::admin_failed_sign_ins(lang)}</option>
                <option value="role_granted">{text::admin_roles_granted(lang)}</option>
                <option value="role_revoked">{text::admin_roles_revoked(lang)}</option>
                <option value="personal_data_view">{text::admin_personal_data_views(lang)}</option>
            </select>
            <button class="button button--secondary" type="submit">{text::admin_filter(lang)}</button>
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
                <div class="table-wrap" tabindex="0" role="region" aria-label=text::admin_audit_log_2(lang)>
                    <table class="table audit">
                        <thead><tr>
                            <th scope="col">{text::admin_when(lang)}</th>
                            <th scope="col">{text::admin_who(lang)}</th>
                            <th scope="col">{text::admin_what(lang)}</th>
                            <th scope="col">{text::admin_subject(lang)}</th>
                            <th scope="col">{text::admin_detail(lang)}</th>
                            <th scope="col">{text::admin_from(lang)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })}
    }
}
