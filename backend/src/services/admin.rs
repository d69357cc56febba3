//! The admin's work on accounts: staff, roles, assignments, passwords, and
//! reading the audit log. Every change is audited.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::secrets;
use crate::services::identity::{RequestOrigin, Viewer};
use crate::store::audit;
use crate::store::{people, sessions};
use domain::account::{AuditEntry, Choice, StaffAccount, StaffDirectory};
use domain::credentials::{check_new_password, locked_until, parse_username};
use domain::phone::mask_phone;
use domain::roles::Role;
use std::collections::HashMap;
use translations::{text, Lang, Localized};

fn choices(rows: Vec<(i64, String)>) -> Vec<Choice> {
    rows.into_iter()
        .map(|(id, label)| Choice { id, label })
        .collect()
}

fn group(rows: Vec<(i64, i64, String)>) -> HashMap<i64, Vec<Choice>> {
    let mut grouped: HashMap<i64, Vec<Choice>> = HashMap::new();
    for (person_id, id, label) in rows {
        grouped
            .entry(person_id)
            .or_default()
            .push(Choice { id, label });
    }
    grouped
}

/// Every staff account with its roles and assignments, and the pickers.
pub async fn staff_directory(
    db: &Database,
    viewer: &Viewer,
    now: i64,
) -> BackendResult<StaffDirectory> {
    viewer.require(Role::Admin)?;
    let pool = db.reader();
    let mut grids = group(people::grid_names(pool).await?);
    let mut buildings = group(people::building_names(pool).await?);
    let mut accounts = Vec::new();
    for (person, company_name) in people::staff(pool).await? {
        accounts.push(StaffAccount {
            person_id: person.id,
            display_name: person.display_name,
            username: person.username.unwrap_or_default(),
            roles: people::roles(pool, person.id).await?,
            company_name,
            grids: grids.remove(&person.id).unwrap_or_default(),
            buildings: buildings.remove(&person.id).unwrap_or_default(),
            disabled: person.disabled_at.is_some(),
            locked_until: person
                .last_failed_sign_in_at
                .and_then(|last| locked_until(person.failed_sign_ins, last))
                .filter(|until| *until > now),
        });
    }
    Ok(StaffDirectory {
        accounts,
        companies: choices(people::company_choices(pool).await?),
        grids: choices(people::grid_choices(pool).await?),
        buildings: choices(people::building_choices(pool).await?),
    })
}

/// What the admin typed to create a staff account.
#[derive(Clone, Debug)]
pub struct NewStaffAccount {
    pub display_name: String,
    pub username: String,
    pub password: String,
    pub company_id: Option<i64>,
    pub roles: Vec<Role>,
}

async fn audit_change(
    db: &Database,
    viewer: &Viewer,
    action: &str,
    person_id: i64,
    detail: String,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    audit::record(
        db.writer(),
        &origin.audit(Some(viewer.person_id), action, "person", person_id, detail),
    )
    .await
}

fn role_list(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.label(Lang::Zh))
        .collect::<Vec<_>>()
        .join("、")
}

pub async fn create_staff(
    db: &Database,
    viewer: &Viewer,
    input: NewStaffAccount,
    origin: &RequestOrigin,
) -> BackendResult<i64> {
    viewer.require(Role::Admin)?;
    let invalid = |e: domain::credentials::CredentialError| BackendError::invalid(&e);
    let display_name = input.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 40 {
        return Err(BackendError::refused(text::staff_name_invalid));
    }
    let username = parse_username(&input.username).map_err(invalid)?;
    check_new_password(&input.password).map_err(invalid)?;
    if input.roles.is_empty() || input.roles.contains(&Role::Resident) {
        return Err(BackendError::refused(text::staff_roles_missing));
    }
    let needs_company = input
        .roles
        .iter()
        .any(|r| matches!(r, Role::Dispatcher | Role::RepairCrew));
    if needs_company && input.company_id.is_none() {
        return Err(BackendError::refused(text::staff_company_missing));
    }
    if people::by_username(db.writer(), &username).await?.is_some() {
        return Err(BackendError::Invalid(Localized::new(|lang| {
            text::staff_username_taken(lang, &username)
        })));
    }
    let password = input.password.clone();
    let password_hash =
        crate::services::identity::password_work(move || secrets::hash_password(&password)).await?;
    let mut tx = db.writer().begin().await?;
    let person_id = people::insert_staff(
        &mut tx,
        &people::NewStaff {
            display_name: &display_name,
            username: &username,
            password_hash: &password_hash,
            company_id: input.company_id,
        },
        origin.now,
    )
    .await?;
    for role in &input.roles {
        people::grant_role(&mut tx, person_id, *role, origin.now).await?;
    }
    tx.commit().await?;
    audit_change(
        db,
        viewer,
        "staff_created",
        person_id,
        format!("{username}：{}", role_list(&input.roles)),
        origin,
    )
    .await?;
    Ok(person_id)
}

async fn staff_person(db: &Database, person_id: i64) -> BackendResult<people::PersonRow> {
    people::by_id(db.writer(), person_id)
        .await?
        .filter(|p| p.username.is_some())
        .ok_or(BackendError::NotFound(text::staff_not_found))
}

/// Sets a new password, clears the lockout and ends the person's sessions.
pub async fn reset_password(
    db: &Database,
    viewer: &Viewer,
    person_id: i64,
    new_password: &str,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    check_new_password(new_password).map_err(|e| BackendError::invalid(&e))?;
    staff_person(db, person_id).await?;
    let password = new_password.to_string();
    let hash =
        crate::services::identity::password_work(move || secrets::hash_password(&password)).await?;
    let mut tx = db.writer().begin().await?;
    people::set_password(&mut tx, person_id, &hash).await?;
    tx.commit().await?;
    sessions::delete_all_of(db.writer(), person_id).await?;
    audit_change(
        db,
        viewer,
        "password_reset",
        person_id,
        String::new(),
        origin,
    )
    .await
}

/// Makes a staff member's roles exactly `roles`.
pub async fn set_roles(
    db: &Database,
    viewer: &Viewer,
    person_id: i64,
    roles: &[Role],
    origin: &RequestOrigin,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    staff_person(db, person_id).await?;
    if roles.contains(&Role::Resident) || roles.is_empty() {
        return Err(BackendError::refused(text::staff_roles_missing));
    }
    if person_id == viewer.person_id && !roles.contains(&Role::Admin) {
        return Err(BackendError::refused(text::staff_own_admin_role));
    }
    let current = people::roles(db.writer(), person_id).await?;
    let granted: Vec<Role> = roles
        .iter()
        .copied()
        .filter(|r| !current.contains(r))
        .collect();
    let revoked: Vec<Role> = current
        .iter()
        .copied()
        .filter(|r| r.is_staff() && !roles.contains(r))
        .collect();
    let mut tx = db.writer().begin().await?;
    for role in &granted {
        people::grant_role(&mut tx, person_id, *role, origin.now).await?;
    }
    for role in &revoked {
        people::revoke_role(&mut tx, person_id, *role).await?;
    }
    tx.commit().await?;
    if !granted.is_empty() {
        audit_change(
            db,
            viewer,
            "role_granted",
            person_id,
            role_list(&granted),
            origin,
        )
        .await?;
    }
    if !revoked.is_empty() {
        audit_change(
            db,
            viewer,
            "role_revoked",
            person_id,
            role_list(&revoked),
            origin,
        )
        .await?;
    }
    Ok(())
}

/// What an assignment change touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignment {
    Grid(i64),
    Building(i64),
}

/// Adds (`assign` true) or removes an assignment of a grid or a building.
pub async fn change_assignment(
    db: &Database,
    viewer: &Viewer,
    person_id: i64,
    assignment: Assignment,
    assign: bool,
    origin: &RequestOrigin,
) -> BackendResult<()> {
    viewer.require(Role::Admin)?;
    staff_person(db, person_id).await?;
    let mut tx = db.writer().begin().await?;
    let changed = match (assignment, assign) {
        (Assignment::Grid(id), true) => people::assign_grid(&mut tx, person_id, id).await,
        (Assignment::Grid(id), false) => people::unassign_grid(&mut tx, person_id, id).await,
        (Assignment::Building(id), true) => people::assign_building(&mut tx, person_id, id).await,
        (Assignment::Building(id), false) => {
            people::unassign_building(&mut tx, person_id, id).await
        }
    }
    .map_err(|e| match e {
        BackendError::Database(_) => BackendError::refused(text::staff_scope_not_found),
        other => other,
    })?;
    tx.commit().await?;
    if changed {
        let (what, id) = match assignment {
            Assignment::Grid(id) => ("网格", id),
            Assignment::Building(id) => ("楼栋", id),
        };
        let verb = if assign { "分配" } else { "取消" };
        audit_change(
            db,
            viewer,
            "assignment_changed",
            person_id,
            format!("{verb}{what} #{id}"),
            origin,
        )
        .await?;
    }
    Ok(())
}

/// The newest audit entries, optionally of one action.
pub async fn audit_entries(
    db: &Database,
    viewer: &Viewer,
    action: Option<&str>,
) -> BackendResult<Vec<AuditEntry>> {
    viewer.require(Role::Admin)?;
    let rows = audit::recent(db.reader(), action.filter(|a| !a.is_empty()), 300).await?;
    Ok(rows
        .into_iter()
        .map(|row| AuditEntry {
            at: row.at,
            actor: row
                .actor
                .map(|a| {
                    if a.chars().all(|c| c.is_ascii_digit()) {
                        mask_phone(&a)
                    } else {
                        a
                    }
                })
                .unwrap_or_else(|| "—".to_string()),
            action: row.action,
            subject: format!("{} {}", row.subject_type, row.subject_id),
            detail: row.detail,
            client_addr: row.client_addr.unwrap_or_default(),
        })
        .collect())
}
