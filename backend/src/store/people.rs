//! People: residents (by phone), staff (by username), their roles and the
//! grids and buildings assigned to them.

use crate::error::BackendResult;
use domain::roles::Role;
use sqlx::{Any, AnyPool, Transaction};

/// A person as sign-in and access checks see them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub display_name: String,
    pub phone: Option<String>,
    pub username: Option<String>,
    pub password_hash: Option<String>,
    pub company_id: Option<i64>,
    pub disabled_at: Option<i64>,
    pub failed_sign_ins: i64,
    pub last_failed_sign_in_at: Option<i64>,
}

const PERSON_COLUMNS: &str = "id, display_name, phone, username, password_hash, company_id, \
     disabled_at, failed_sign_ins, last_failed_sign_in_at";

pub async fn by_id(pool: &AnyPool, person_id: i64) -> BackendResult<Option<PersonRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE id = $1"
    ))
    .bind(person_id)
    .fetch_optional(pool)
    .await?)
}

pub async fn by_phone(pool: &AnyPool, phone: &str) -> BackendResult<Option<PersonRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE phone = $1"
    ))
    .bind(phone)
    .fetch_optional(pool)
    .await?)
}

pub async fn by_username(pool: &AnyPool, username: &str) -> BackendResult<Option<PersonRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(pool)
    .await?)
}

pub async fn roles(pool: &AnyPool, person_id: i64) -> BackendResult<Vec<Role>> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM person_roles WHERE person_id = $1")
            .bind(person_id)
            .fetch_all(pool)
            .await?;
    Ok(parse_roles(&names))
}

/// Roles as stored, known ones only, in order.
pub fn parse_roles(names: &[String]) -> Vec<Role> {
    let mut roles: Vec<Role> = names.iter().filter_map(|n| Role::parse(n)).collect();
    roles.sort();
    roles
}

/// A resident who just proved their phone number for the first time.
pub async fn insert_resident(
    tx: &mut Transaction<'_, Any>,
    phone: &str,
    now: i64,
) -> BackendResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO people (display_name, phone, created_at) VALUES ('', $1, $2) RETURNING id",
    )
    .bind(phone)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    grant_role(tx, id, Role::Resident, now).await?;
    Ok(id)
}

pub async fn grant_role(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    role: Role,
    now: i64,
) -> BackendResult<()> {
    sqlx::query(
        "INSERT INTO person_roles (person_id, role, granted_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id, role) DO NOTHING",
    )
    .bind(person_id)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn revoke_role(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    role: Role,
) -> BackendResult<()> {
    sqlx::query("DELETE FROM person_roles WHERE person_id = $1 AND role = $2")
        .bind(person_id)
        .bind(role.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub struct NewStaff<'a> {
    pub display_name: &'a str,
    pub username: &'a str,
    pub password_hash: &'a str,
    pub company_id: Option<i64>,
}

pub async fn insert_staff(
    tx: &mut Transaction<'_, Any>,
    staff: &NewStaff<'_>,
    now: i64,
) -> BackendResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO people (display_name, username, password_hash, company_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(staff.display_name)
    .bind(staff.username)
    .bind(staff.password_hash)
    .bind(staff.company_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn set_password(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    password_hash: &str,
) -> BackendResult<()> {
    sqlx::query(
        "UPDATE people SET password_hash = $1, failed_sign_ins = 0, last_failed_sign_in_at = NULL \
         WHERE id = $2",
    )
    .bind(password_hash)
    .bind(person_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A staff account's sign-in failures, read on its locked row: a second
/// transaction reading them waits until this one commits.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct SignInFailures {
    pub failed_sign_ins: i64,
    pub last_failed_sign_in_at: Option<i64>,
}

/// Locks a person's row for the rest of the transaction and reads their
/// sign-in failures (the no-op update is what takes the lock, on SQLite
/// and PostgreSQL alike).
pub async fn lock_sign_in_failures(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
) -> BackendResult<Option<SignInFailures>> {
    Ok(sqlx::query_as(
        "UPDATE people SET failed_sign_ins = failed_sign_ins WHERE id = $1 \
         RETURNING failed_sign_ins, last_failed_sign_in_at",
    )
    .bind(person_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Counts a sign-in attempt as failed before its password is checked (a
/// right password then clears the count).
pub async fn count_failed_sign_in(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    now: i64,
) -> BackendResult<()> {
    sqlx::query(
        "UPDATE people SET failed_sign_ins = failed_sign_ins + 1, last_failed_sign_in_at = $1 \
         WHERE id = $2",
    )
    .bind(now)
    .bind(person_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Counts one more failed sign-in (a wrong second-factor code) in one
/// statement, towards the same lockout as wrong passwords.
pub async fn add_failed_sign_in(pool: &AnyPool, person_id: i64, now: i64) -> BackendResult<()> {
    sqlx::query(
        "UPDATE people SET failed_sign_ins = failed_sign_ins + 1, last_failed_sign_in_at = $1 \
         WHERE id = $2",
    )
    .bind(now)
    .bind(person_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn clear_failed_sign_ins(pool: &AnyPool, person_id: i64) -> BackendResult<()> {
    sqlx::query(
        "UPDATE people SET failed_sign_ins = 0, last_failed_sign_in_at = NULL WHERE id = $1",
    )
    .bind(person_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// People who hold any staff role, by name.
pub async fn staff(pool: &AnyPool) -> BackendResult<Vec<(PersonRow, Option<String>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        person: PersonRow,
        company_name: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.id, p.display_name, p.phone, p.username, p.password_hash, p.company_id, \
                p.disabled_at, p.failed_sign_ins, p.last_failed_sign_in_at, \
                hc.short_name AS company_name \
         FROM people p LEFT JOIN heating_companies hc ON hc.id = p.company_id \
         WHERE p.username IS NOT NULL ORDER BY p.username",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.person, r.company_name))
        .collect())
}

/// Grid names per person, for the staff list.
pub async fn grid_names(pool: &AnyPool) -> BackendResult<Vec<(i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT ga.person_id, g.id, g.name FROM grid_assignments ga JOIN grids g ON g.id = ga.grid_id \
         ORDER BY g.name",
    )
    .fetch_all(pool)
    .await?)
}

/// "金宝花园 1号楼" per person, for the staff list.
pub async fn building_names(pool: &AnyPool) -> BackendResult<Vec<(i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT ba.person_id, b.id, c.name || ' ' || b.name FROM building_assignments ba \
         JOIN buildings b ON b.id = ba.building_id JOIN communities c ON c.id = b.community_id \
         ORDER BY c.name, b.sort_key",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn assign_grid(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    grid_id: i64,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "INSERT INTO grid_assignments (person_id, grid_id) VALUES ($1, $2) \
         ON CONFLICT (person_id, grid_id) DO NOTHING",
    )
    .bind(person_id)
    .bind(grid_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn unassign_grid(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    grid_id: i64,
) -> BackendResult<bool> {
    let done = sqlx::query("DELETE FROM grid_assignments WHERE person_id = $1 AND grid_id = $2")
        .bind(person_id)
        .bind(grid_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn assign_building(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    building_id: i64,
) -> BackendResult<bool> {
    let done = sqlx::query(
        "INSERT INTO building_assignments (person_id, building_id) VALUES ($1, $2) \
         ON CONFLICT (person_id, building_id) DO NOTHING",
    )
    .bind(person_id)
    .bind(building_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn unassign_building(
    tx: &mut Transaction<'_, Any>,
    person_id: i64,
    building_id: i64,
) -> BackendResult<bool> {
    let done =
        sqlx::query("DELETE FROM building_assignments WHERE person_id = $1 AND building_id = $2")
            .bind(person_id)
            .bind(building_id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// (id, label) of every heating company, grid and building, for admin pickers.
pub async fn company_choices(pool: &AnyPool) -> BackendResult<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, short_name FROM heating_companies ORDER BY id")
            .fetch_all(pool)
            .await?,
    )
}

pub async fn grid_choices(pool: &AnyPool) -> BackendResult<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, district || ' ' || name FROM grids ORDER BY district, name")
            .fetch_all(pool)
            .await?,
    )
}

pub async fn building_choices(pool: &AnyPool) -> BackendResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT b.id, c.district || ' ' || c.name || ' ' || b.name FROM buildings b \
         JOIN communities c ON c.id = b.community_id ORDER BY c.district, c.name, b.sort_key",
    )
    .fetch_all(pool)
    .await?)
}
