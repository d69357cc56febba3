//! Staff reads of the buildings and cases they look after, and the admin's
//! account work. Every call checks the session; the backend checks the role
//! and the scope in its queries.

use domain::account::{AuditEntry, BuildingDesk, StaffBuilding, StaffDirectory};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
#[cfg(feature = "ssr")]
use translations::text;

/// A grid worker's buildings.
#[server(input = GetUrl, prefix = "/api", endpoint = "grid/buildings")]
pub async fn load_grid_buildings() -> Result<Vec<StaffBuilding>, ServerFnError> {
    load_buildings(backend::services::accounts::BuildingList::Grid).await
}

/// A property manager's buildings.
#[server(input = GetUrl, prefix = "/api", endpoint = "property/buildings")]
pub async fn load_property_buildings() -> Result<Vec<StaffBuilding>, ServerFnError> {
    load_buildings(backend::services::accounts::BuildingList::Property).await
}

#[cfg(feature = "ssr")]
async fn load_buildings(
    list: backend::services::accounts::BuildingList,
) -> Result<Vec<StaffBuilding>, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::accounts::looked_after_buildings(
        &call.db,
        &call.settings,
        &call.viewer,
        list,
        call.now(),
    )
    .await
    .map_err(to_server_error)
}

/// One building the viewer looks after, with its cases.
#[server(input = GetUrl, prefix = "/api", endpoint = "buildings/looked-after")]
pub async fn load_looked_after_building(id: i64) -> Result<BuildingDesk, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::accounts::looked_after_building(
        &call.db,
        &call.settings,
        &call.viewer,
        id,
        call.now(),
    )
    .await
    .map_err(to_server_error)
}

/// Staff accounts, roles and assignments (admin).
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/staff")]
pub async fn load_staff_directory() -> Result<StaffDirectory, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::admin::staff_directory(&call.db, &call.viewer, call.now())
        .await
        .map_err(to_server_error)
}

/// The role checkboxes of a staff form, one field per role (a ticked box
/// sends its field, an unticked one nothing).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct RoleTicks {
    pub grid_worker: Option<String>,
    pub property_manager: Option<String>,
    pub dispatcher: Option<String>,
    pub repair_crew: Option<String>,
    pub admin: Option<String>,
}

impl RoleTicks {
    pub fn roles(&self) -> Vec<domain::roles::Role> {
        use domain::roles::Role;
        [
            (Role::GridWorker, &self.grid_worker),
            (Role::PropertyManager, &self.property_manager),
            (Role::Dispatcher, &self.dispatcher),
            (Role::RepairCrew, &self.repair_crew),
            (Role::Admin, &self.admin),
        ]
        .into_iter()
        .filter(|(_, ticked)| ticked.is_some())
        .map(|(role, _)| role)
        .collect()
    }
}

/// Creates a staff account (admin).
#[server(prefix = "/api", endpoint = "admin/staff/create")]
pub async fn create_staff_account(
    display_name: String,
    username: String,
    password: String,
    company_id: Option<String>,
    #[server(flatten)] roles: RoleTicks,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let company_id = company_id
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.trim().parse::<i64>())
        .transpose()
        .map_err(|_| crate::context::refused(text::form_company_missing))?;
    let input = backend::services::admin::NewStaffAccount {
        display_name,
        username,
        password,
        company_id,
        roles: roles.roles(),
    };
    backend::services::admin::create_staff(&call.db, &call.viewer, input, &call.origin)
        .await
        .map_err(to_server_error)?;
    Ok(())
}

/// Sets a staff member's password (admin); their sessions end.
#[server(prefix = "/api", endpoint = "admin/staff/password")]
pub async fn reset_staff_password(person_id: i64, password: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::admin::reset_password(
        &call.db,
        &call.viewer,
        person_id,
        &password,
        &call.origin,
    )
    .await
    .map_err(to_server_error)
}

/// Removes a staff member's second factor (admin): a lost phone; their
/// next sign-in enrols anew, and their sessions end.
#[server(prefix = "/api", endpoint = "admin/staff/second-factor/reset")]
pub async fn reset_second_factor(person_id: i64) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::second_factor::reset(&call.db, &call.viewer, person_id, &call.origin)
        .await
        .map_err(to_server_error)
}

/// Makes a staff member's roles exactly the ticked ones (admin).
#[server(prefix = "/api", endpoint = "admin/staff/roles")]
pub async fn set_staff_roles(
    person_id: i64,
    #[server(flatten)] roles: RoleTicks,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    let roles = roles.roles();
    backend::services::admin::set_roles(&call.db, &call.viewer, person_id, &roles, &call.origin)
        .await
        .map_err(to_server_error)
}

/// Assigns or removes a grid ("grid") or building ("building") (admin).
#[server(prefix = "/api", endpoint = "admin/staff/assignment")]
pub async fn change_staff_assignment(
    person_id: i64,
    kind: String,
    target_id: i64,
    assign: String,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    use backend::services::admin::Assignment;
    let call = crate::context::Call::signed_in().await?;
    let assignment = match kind.as_str() {
        "grid" => Assignment::Grid(target_id),
        "building" => Assignment::Building(target_id),
        _ => return Err(crate::context::refused(text::form_scope_missing)),
    };
    backend::services::admin::change_assignment(
        &call.db,
        &call.viewer,
        person_id,
        assignment,
        assign == "1",
        &call.origin,
    )
    .await
    .map_err(to_server_error)
}

/// The newest audit log entries, optionally of one action (admin).
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/audit")]
pub async fn load_audit_log(action: Option<String>) -> Result<Vec<AuditEntry>, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::admin::audit_entries(&call.db, &call.viewer, action.as_deref())
        .await
        .map_err(to_server_error)
}

/// Deadlines and the holiday calendar (admin).
#[server(input = GetUrl, prefix = "/api", endpoint = "admin/case-rules")]
pub async fn load_case_rules() -> Result<domain::deadlines::CaseRules, ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::case_rules::case_rules(&call.db, &call.viewer, call.now())
        .await
        .map_err(to_server_error)
}

#[server(prefix = "/api", endpoint = "admin/case-rules/deadline")]
pub async fn set_deadline_rule(
    rule: String,
    amount: i64,
    unit: String,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::case_rules::set_deadline(
        &call.db,
        &call.viewer,
        &call.origin,
        &rule,
        amount,
        &unit,
    )
    .await
    .map_err(to_server_error)
}

#[server(prefix = "/api", endpoint = "admin/case-rules/warning")]
pub async fn set_deadline_warning(percent: i64) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::case_rules::set_warning(&call.db, &call.viewer, &call.origin, percent)
        .await
        .map_err(to_server_error)
}

/// How many hours ahead planned outages of over a day must be announced.
#[server(prefix = "/api", endpoint = "admin/case-rules/outage-notice")]
pub async fn set_outage_notice(hours: i64) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::case_rules::set_outage_notice(&call.db, &call.viewer, &call.origin, hours)
        .await
        .map_err(to_server_error)
}

#[server(prefix = "/api", endpoint = "admin/case-rules/day")]
pub async fn set_calendar_day(
    day: String,
    kind: String,
    name: String,
) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::case_rules::set_calendar_day(
        &call.db,
        &call.viewer,
        &call.origin,
        &day,
        &kind,
        &name,
    )
    .await
    .map_err(to_server_error)
}

#[server(prefix = "/api", endpoint = "admin/case-rules/day/remove")]
pub async fn remove_calendar_day(day: String) -> Result<(), ServerFnError> {
    use crate::context::to_server_error;
    let call = crate::context::Call::signed_in().await?;
    backend::services::case_rules::remove_calendar_day(&call.db, &call.viewer, &call.origin, &day)
        .await
        .map_err(to_server_error)
}
