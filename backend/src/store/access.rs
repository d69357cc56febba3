//! Who may see what, as SQL. Every signed-in read joins one of these
//! sub-queries, so a row outside a person's scope is never fetched at all.
//! Each takes the person's id as `$1` and checks the role that grants the
//! access, so taking a role away takes the access with it. The pieces are
//! macros so that the sub-queries are composed at compile time.

/// Buildings in the grids of a grid worker.
macro_rules! grid_buildings {
    () => {
        "SELECT gb.building_id FROM grid_assignments ga \
           JOIN grid_buildings gb ON gb.grid_id = ga.grid_id \
           JOIN person_roles r ON r.person_id = ga.person_id AND r.role = 'grid_worker' \
          WHERE ga.person_id = $1"
    };
}

/// Buildings assigned to a property manager.
macro_rules! assigned_buildings {
    () => {
        "SELECT ba.building_id FROM building_assignments ba \
           JOIN person_roles r ON r.person_id = ba.person_id AND r.role = 'property_manager' \
          WHERE ba.person_id = $1"
    };
}

/// Buildings heated by a dispatcher's company (through its stations).
macro_rules! company_buildings {
    () => {
        "SELECT b.id FROM buildings b \
           JOIN stations s ON s.id = b.station_id \
           JOIN people p ON p.company_id = s.company_id \
           JOIN person_roles r ON r.person_id = p.id AND r.role = 'dispatcher' \
          WHERE p.id = $1"
    };
}

/// Stations of a dispatcher's company.
macro_rules! company_stations {
    () => {
        "SELECT s.id FROM stations s \
           JOIN people p ON p.company_id = s.company_id \
           JOIN person_roles r ON r.person_id = p.id AND r.role = 'dispatcher' \
          WHERE p.id = $1"
    };
}

/// The company of a dispatcher.
macro_rules! dispatcher_company {
    () => {
        "SELECT p.company_id FROM people p \
           JOIN person_roles r ON r.person_id = p.id AND r.role = 'dispatcher' \
          WHERE p.id = $1"
    };
}

/// A case (`c`) of a dispatcher's company: by its building, its station,
/// or (a hotline order not yet placed) the company itself.
macro_rules! company_case {
    () => {
        concat!(
            "(c.building_id IN (",
            company_buildings!(),
            ") OR c.station_id IN (",
            company_stations!(),
            ") OR c.company_id IN (",
            dispatcher_company!(),
            "))"
        )
    };
}

/// Households bound to a resident.
macro_rules! own_households {
    () => {
        "SELECT ph.household_id FROM person_households ph \
           JOIN person_roles r ON r.person_id = ph.person_id AND r.role = 'resident' \
          WHERE ph.person_id = $1"
    };
}

/// The condition that case `c` belongs to a household the resident is
/// bound to and was filed since they bound it: a new tenant does not read
/// the previous one's history.
macro_rules! own_household_case {
    () => {
        "EXISTS (SELECT 1 FROM person_households ph \
           JOIN person_roles r ON r.person_id = ph.person_id AND r.role = 'resident' \
          WHERE ph.person_id = $1 AND ph.household_id = c.household_id \
            AND c.created_at >= ph.bound_at)"
    };
}

/// Crews a repair crew member belongs to.
macro_rules! person_crews {
    () => {
        "SELECT crm.crew_id FROM crew_members crm \
           JOIN person_roles r ON r.person_id = crm.person_id AND r.role = 'repair_crew' \
          WHERE crm.person_id = $1"
    };
}

/// Buildings in a grid worker's grids.
pub const GRID_BUILDINGS: &str = grid_buildings!();

/// Buildings assigned to a property manager.
pub const ASSIGNED_BUILDINGS: &str = assigned_buildings!();

/// Buildings heated by a dispatcher's company.
pub const COMPANY_BUILDINGS: &str = company_buildings!();

/// Stations of a dispatcher's company.
pub const COMPANY_STATIONS: &str = company_stations!();

/// The condition that case `c` belongs to a dispatcher's company.
pub const COMPANY_CASE: &str = company_case!();

/// Households bound to a resident.
pub const OWN_HOUSEHOLDS: &str = own_households!();

/// The condition that case `c` is of the resident's households, filed
/// since they bound it.
pub const OWN_HOUSEHOLD_CASE: &str = own_household_case!();

/// Crews a repair crew member belongs to.
pub const PERSON_CREWS: &str = person_crews!();

/// Buildings whose staff pages (open cases, households count) a person may
/// open: their grids' and their assigned buildings. A resident's own home is
/// not among them: residents see it through their households.
pub const LOOKED_AFTER_BUILDINGS: &str =
    concat!(grid_buildings!(), " UNION ", assigned_buildings!());

/// Households whose details (account number, holder) a person may read:
/// a resident their own, a grid worker those in their grids (to help and file
/// for residents), a dispatcher those of their company.
pub const VISIBLE_HOUSEHOLDS: &str = concat!(
    own_households!(),
    " UNION SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id \
       WHERE u.building_id IN (",
    grid_buildings!(),
    ") UNION SELECT h.id FROM households h \
       JOIN people p ON p.company_id = h.company_id \
       JOIN person_roles r ON r.person_id = p.id AND r.role = 'dispatcher' \
      WHERE p.id = $1"
);

/// Households whose bills (amounts and payments) a person reads: their
/// own as a resident, their company's as a dispatcher. Grid workers and
/// property managers read only whether bills are paid.
pub const BILL_HOUSEHOLDS: &str = concat!(
    own_households!(),
    " UNION SELECT h.id FROM households h \
       JOIN people p ON p.company_id = h.company_id \
       JOIN person_roles r ON r.person_id = p.id AND r.role = 'dispatcher' \
      WHERE p.id = $1"
);

/// The condition that case `c` is one the person (`$1`) may read, as
/// [`VISIBLE_CASES`] lists them: for checking one case, where the case's
/// own row is found first and the condition is tested on it alone.
pub const VISIBLE_CASE: &str = concat!(
    "(",
    own_household_case!(),
    " OR (c.filed_for = $1 AND EXISTS (SELECT 1 FROM person_roles fr \
       WHERE fr.person_id = $1 AND fr.role = 'resident')) \
     OR c.building_id IN (",
    grid_buildings!(),
    " UNION ",
    assigned_buildings!(),
    " UNION ",
    company_buildings!(),
    ") OR c.station_id IN (",
    company_stations!(),
    ") OR c.company_id IN (",
    dispatcher_company!(),
    ") OR c.assigned_crew_id IN (",
    person_crews!(),
    "))"
);

/// Cases a person may read: a resident those of their households (filed
/// since they bound it) or filed for them; grid workers and property managers those of their buildings;
/// dispatchers those of their company (by building, or by station for a
/// station-wide incident); crews those assigned to them.
pub const VISIBLE_CASES: &str = concat!(
    "SELECT c.id FROM cases c \
       JOIN person_households ph ON ph.household_id = c.household_id \
        AND c.created_at >= ph.bound_at \
       JOIN person_roles r0 ON r0.person_id = ph.person_id AND r0.role = 'resident' \
      WHERE ph.person_id = $1 \
     UNION SELECT c.id FROM cases c \
       JOIN person_roles r ON r.person_id = c.filed_for AND r.role = 'resident' \
      WHERE c.filed_for = $1 \
     UNION SELECT c.id FROM cases c WHERE c.building_id IN (",
    grid_buildings!(),
    " UNION ",
    assigned_buildings!(),
    " UNION ",
    company_buildings!(),
    ") UNION SELECT c.id FROM cases c WHERE c.station_id IN (",
    company_stations!(),
    ") UNION SELECT c.id FROM cases c WHERE c.company_id IN (",
    dispatcher_company!(),
    ") UNION SELECT c.id FROM cases c WHERE c.assigned_crew_id IN (",
    person_crews!(),
    ")"
);
