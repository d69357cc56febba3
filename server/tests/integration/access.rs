//! The access matrix, over real HTTP on SQLite and PostgreSQL: every role
//! reads and changes households, cases and buildings inside and outside its
//! scope, by listing and by guessing ids, and sees exactly its own.
//!
//! What each actor should see is worked out here from the fixture with plain
//! queries (by community and company names), not with the portal's access
//! sub-queries, so a mistake there cannot hide itself.

use backend::on_both_engines;

use crate::support::{resident_signs_in, staff_signs_in, Browser, TestServer};
use std::collections::BTreeSet;

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;

type Ids = BTreeSet<i64>;

/// The demo city plus a second resident, crew and cases outside the demo
/// accounts' scopes.
struct Fixture {
    own_household: i64,
    other_household: i64,
    other_building: i64,
    cases: Vec<i64>,
}

async fn scalar(server: &TestServer, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(server.test_db.db.writer())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn ids(server: &TestServer, sql: &str) -> Ids {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_all(server.test_db.db.reader())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .collect()
}

async fn execute(server: &TestServer, sql: &str) {
    sqlx::query(sql)
        .execute(server.test_db.db.writer())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn insert_case(
    server: &TestServer,
    no: &str,
    household: Option<i64>,
    building: i64,
    crew: Option<i64>,
) -> i64 {
    insert_case_of(
        server,
        "repair",
        "dispatched",
        no,
        household,
        building,
        crew,
    )
    .await
}

/// A case of any kind and state (applications: 报停 on site, 过户 naming its
/// new holder).
async fn insert_case_of(
    server: &TestServer,
    kind: &str,
    state: &str,
    no: &str,
    household: Option<i64>,
    building: i64,
    crew: Option<i64>,
) -> i64 {
    let household = household.map_or("NULL".to_string(), |h| h.to_string());
    let crew = crew.map_or("NULL".to_string(), |c| c.to_string());
    scalar(
        server,
        &format!(
            "INSERT INTO cases (case_no, kind, state, channel, household_id, building_id, \
                                assigned_crew_id, summary, details, created_at, updated_at, due_at) \
             VALUES ('{no}', '{kind}', '{state}', 'web', {household}, {building}, {crew}, \
                     '暖气片不热', '', 0, 0, 4000000000) RETURNING id"
        ),
    )
    .await
}

async fn fixture(server: &TestServer) -> Fixture {
    let own_household = scalar(
        server,
        "SELECT ph.household_id FROM person_households ph JOIN people p ON p.id = ph.person_id \
         WHERE p.phone = '13800000001'",
    )
    .await;
    let own_building = scalar(
        server,
        &format!("SELECT u.building_id FROM households h JOIN units u ON u.id = h.unit_id WHERE h.id = {own_household}"),
    )
    .await;
    // Another resident, in 通亭街小区 (another company, no demo grid or property).
    let other_household = scalar(
        server,
        "SELECT MIN(h.id) FROM households h JOIN units u ON u.id = h.unit_id \
         JOIN buildings b ON b.id = u.building_id JOIN communities c ON c.id = b.community_id \
         WHERE c.name = '通亭街小区'",
    )
    .await;
    let other_building = scalar(
        server,
        &format!("SELECT u.building_id FROM households h JOIN units u ON u.id = h.unit_id WHERE h.id = {other_household}"),
    )
    .await;
    let resident_b = scalar(
        server,
        "INSERT INTO people (display_name, phone, created_at) VALUES ('', '13800000002', 0) RETURNING id",
    )
    .await;
    execute(server, &format!("INSERT INTO person_roles (person_id, role, granted_at) VALUES ({resident_b}, 'resident', 0)")).await;
    execute(server, &format!("INSERT INTO person_households (person_id, household_id, bound_at) VALUES ({resident_b}, {other_household}, 0)")).await;
    let other_company = scalar(
        server,
        "SELECT id FROM heating_companies WHERE short_name = '城东热电'",
    )
    .await;
    let other_crew = scalar(
        server,
        &format!("INSERT INTO crews (company_id, name) VALUES ({other_company}, '寒亭抢修队') RETURNING id"),
    )
    .await;
    let demo_crew = scalar(server, "SELECT id FROM crews WHERE name = '奎文抢修一队'").await;
    // A building of the second demo grid (no demo grid worker), same company as the dispatcher.
    let unwatched_building = scalar(
        server,
        "SELECT MIN(b.id) FROM buildings b JOIN communities c ON c.id = b.community_id WHERE c.name = '十笏园小区'",
    )
    .await;
    let cases = vec![
        insert_case(
            server,
            "C-OWN",
            Some(own_household),
            own_building,
            Some(demo_crew),
        )
        .await,
        insert_case(
            server,
            "C-OTHER",
            Some(other_household),
            other_building,
            Some(other_crew),
        )
        .await,
        insert_case(server, "C-BUILDING", None, unwatched_building, None).await,
        // The applications that change a household: a 报停 whose valve the
        // demo crew is sealing, and a 过户 of the other resident's home.
        insert_case_of(
            server,
            "suspend",
            "on_site",
            "C-OWN-SUSPEND",
            Some(own_household),
            own_building,
            Some(demo_crew),
        )
        .await,
        insert_case_of(
            server,
            "holder_change",
            "submitted",
            "C-OTHER-HOLDER",
            Some(other_household),
            other_building,
            None,
        )
        .await,
    ];
    execute(
        server,
        "UPDATE cases SET new_holder_name = '赵新', new_holder_phone = '13700002222' \
         WHERE case_no = 'C-OTHER-HOLDER'",
    )
    .await;
    // Each came through another system, whose reporter only the company's
    // dispatchers and the case's crew may read.
    for case in &cases {
        execute(
            server,
            &format!(
                "INSERT INTO case_reporters (case_id, name, phone, email, address) \
                 VALUES ({case}, '{REPORTER_NAME}', '{REPORTER_PHONE}', '{REPORTER_EMAIL}', '胜利街 1 号')"
            ),
        )
        .await;
    }
    Fixture {
        own_household,
        other_household,
        other_building,
        cases,
    }
}

const REPORTER_NAME: &str = "报告人甲";
const REPORTER_PHONE: &str = "13700001111";
const REPORTER_EMAIL: &str = "reporter@example.cn";

/// Who tries, and what they should see.
struct Actor {
    name: &'static str,
    browser: Browser,
    households: Ids,
    cases: Ids,
    /// Cases whose reporter's contact details they may read.
    reporters: Ids,
    looked_after: Ids,
    own_households: Ids,
    grid_list: Option<Ids>,
    property_list: Option<Ids>,
}

const COMPANY0_BUILDINGS: &str =
    "SELECT b.id FROM buildings b JOIN stations s ON s.id = b.station_id \
     JOIN heating_companies hc ON hc.id = s.company_id WHERE hc.short_name = '市热力公司'";
const GRID1_BUILDINGS: &str =
    "SELECT b.id FROM buildings b JOIN communities c ON c.id = b.community_id \
     WHERE c.name IN ('金宝花园', '东方花园')";
const PROPERTY_BUILDINGS: &str =
    "SELECT b.id FROM buildings b JOIN communities c ON c.id = b.community_id \
     WHERE c.name = '金宝花园' AND b.sort_key <= 2";

fn households_in(buildings: &str) -> String {
    format!("SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id WHERE u.building_id IN ({buildings})")
}

fn cases_in(buildings: &str) -> String {
    format!("SELECT id FROM cases WHERE building_id IN ({buildings})")
}

async fn actors(server: &TestServer, fx: &Fixture) -> Vec<Actor> {
    let none = Ids::new;
    let own = Ids::from([fx.own_household]);
    let other = Ids::from([fx.other_household]);
    let grid_buildings = ids(server, GRID1_BUILDINGS).await;
    let property_buildings = ids(server, PROPERTY_BUILDINGS).await;
    vec![
        Actor {
            name: "anonymous",
            browser: Browser::new(server),
            households: none(),
            cases: none(),
            reporters: none(),
            looked_after: none(),
            own_households: none(),
            grid_list: None,
            property_list: None,
        },
        Actor {
            name: "resident",
            browser: resident_signs_in(server, "13800000001").await,
            households: own.clone(),
            // The demo's finished repair of this flat: its cases filed since
            // the resident bound it (not the fixture's, filed before).
            cases: ids(
                server,
                "SELECT c.id FROM cases c \
                 JOIN person_households ph ON ph.household_id = c.household_id \
                 JOIN people p ON p.id = ph.person_id \
                 WHERE p.phone = '13800000001' AND c.created_at >= ph.bound_at",
            )
            .await,
            reporters: none(),
            looked_after: none(),
            own_households: own,
            grid_list: None,
            property_list: None,
        },
        Actor {
            name: "other resident",
            browser: resident_signs_in(server, "13800000002").await,
            households: other.clone(),
            cases: ids(server, "SELECT id FROM cases WHERE case_no LIKE 'C-OTHER%'").await,
            reporters: none(),
            looked_after: none(),
            own_households: other,
            grid_list: None,
            property_list: None,
        },
        Actor {
            name: "grid worker",
            browser: staff_signs_in(server, "grid_demo", PASSWORD).await,
            households: ids(server, &households_in(GRID1_BUILDINGS)).await,
            cases: ids(server, &cases_in(GRID1_BUILDINGS)).await,
            reporters: none(),
            looked_after: grid_buildings.clone(),
            own_households: none(),
            grid_list: Some(grid_buildings),
            property_list: None,
        },
        Actor {
            name: "property manager",
            browser: staff_signs_in(server, "property_demo", PASSWORD).await,
            households: none(),
            cases: ids(server, &cases_in(PROPERTY_BUILDINGS)).await,
            reporters: none(),
            looked_after: property_buildings.clone(),
            own_households: none(),
            grid_list: None,
            property_list: Some(property_buildings),
        },
        Actor {
            name: "dispatcher",
            browser: staff_signs_in(server, "dispatch_demo", PASSWORD).await,
            households: ids(
                server,
                "SELECT h.id FROM households h JOIN heating_companies hc ON hc.id = h.company_id \
                 WHERE hc.short_name = '市热力公司'",
            )
            .await,
            cases: ids(server, &cases_in(COMPANY0_BUILDINGS)).await,
            reporters: ids(
                server,
                &format!(
                    "SELECT r.case_id FROM case_reporters r WHERE r.case_id IN ({})",
                    cases_in(COMPANY0_BUILDINGS)
                ),
            )
            .await,
            looked_after: none(),
            own_households: none(),
            grid_list: None,
            property_list: None,
        },
        Actor {
            name: "repair crew",
            browser: staff_signs_in(server, "crew_demo", PASSWORD).await,
            households: none(),
            cases: ids(
                server,
                "SELECT c.id FROM cases c JOIN crews cr ON cr.id = c.assigned_crew_id WHERE cr.name = '奎文抢修一队'",
            )
            .await,
            reporters: ids(
                server,
                "SELECT c.id FROM cases c JOIN crews cr ON cr.id = c.assigned_crew_id \
                 JOIN case_reporters r ON r.case_id = c.id WHERE cr.name = '奎文抢修一队'",
            )
            .await,
            looked_after: none(),
            own_households: none(),
            grid_list: None,
            property_list: None,
        },
        Actor {
            name: "admin",
            browser: staff_signs_in(server, "admin_demo", PASSWORD).await,
            households: none(),
            cases: none(),
            reporters: none(),
            looked_after: none(),
            own_households: none(),
            grid_list: None,
            property_list: None,
        },
    ]
}

/// Counts the cells tried and every leak (something seen or changed that
/// should not be) or miss (something of one's own not shown).
#[derive(Default)]
struct Tally {
    cells: usize,
    leaks: Vec<String>,
    misses: Vec<String>,
}

impl Tally {
    fn check(&mut self, actor: &str, what: &str, allowed: bool, got: bool) {
        self.cells += 1;
        if got && !allowed {
            self.leaks.push(format!("{actor}: {what}"));
        } else if allowed && !got {
            self.misses.push(format!("{actor}: {what}"));
        }
    }
}

/// Ids in a JSON list of objects under `field` (a nested path like "report.building_id").
fn listed(body: &str, path: &[&str]) -> Option<Ids> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let items = value.as_array()?;
    Some(
        items
            .iter()
            .filter_map(|item| {
                path.iter()
                    .try_fold(item, |v, key| v.get(key))
                    .and_then(|v| v.as_i64())
            })
            .collect(),
    )
}

async fn every_role_sees_exactly_its_own(server: &TestServer) {
    let fx = fixture(server).await;
    let mut actors = actors(server, &fx).await;
    let mut tally = Tally::default();

    let all_buildings = ids(server, "SELECT id FROM buildings").await;
    let mut households: Ids = (1..=2000).step_by(37).collect();
    households.extend([fx.own_household, fx.other_household, 999_999]);
    let mut cases: Ids = fx.cases.iter().copied().collect();
    cases.insert(999_999);
    let holder_a: String = sqlx::query_scalar(&format!(
        "SELECT holder_name FROM households WHERE id = {}",
        fx.own_household
    ))
    .fetch_one(server.test_db.db.reader())
    .await
    .unwrap();

    for actor in &mut actors {
        let name = actor.name;
        // Guessing ids, one at a time.
        for id in &households {
            let answer = actor
                .browser
                .api(&format!("/api/households/one?id={id}"))
                .await;
            tally.check(
                name,
                &format!("read household {id}"),
                actor.households.contains(id),
                answer.status == 200,
            );
        }
        for id in &cases {
            let answer = actor.browser.api(&format!("/api/cases/one?id={id}")).await;
            let seen = answer.status == 200;
            tally.check(
                name,
                &format!("read case {id}"),
                actor.cases.contains(id),
                seen,
            );
            if seen {
                let reporter = [REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL]
                    .iter()
                    .any(|detail| answer.body.contains(detail));
                tally.check(
                    name,
                    &format!("reporter of case {id}"),
                    actor.reporters.contains(id),
                    reporter,
                );
            }
            if seen && actor.households.is_empty() {
                // Roles without household access see no resident's name or phone in a case.
                tally.check(
                    name,
                    &format!("personal data in case {id}"),
                    false,
                    answer.body.contains(&holder_a) || answer.body.contains("13800000001"),
                );
            }
        }
        for id in all_buildings.iter().chain([&999_999]) {
            let answer = actor
                .browser
                .api(&format!("/api/buildings/looked-after?id={id}"))
                .await;
            let seen = answer.status == 200;
            tally.check(
                name,
                &format!("read building {id}"),
                actor.looked_after.contains(id),
                seen,
            );
            if seen {
                tally.check(
                    name,
                    &format!("personal data in building {id}"),
                    false,
                    answer.body.contains(&holder_a) || answer.body.contains("13800000001"),
                );
            }
        }

        // Listing.
        let answer = actor.browser.api("/api/me/households").await;
        let got = listed(&answer.body, &["household_id"]).unwrap_or_default();
        for id in got.union(&actor.own_households) {
            tally.check(
                name,
                &format!("list household {id}"),
                actor.own_households.contains(id),
                got.contains(id),
            );
        }
        let answer = actor.browser.api("/api/cases").await;
        let got = listed(&answer.body, &["case_id"]).unwrap_or_default();
        for id in got.union(&actor.cases) {
            tally.check(
                name,
                &format!("list case {id}"),
                actor.cases.contains(id),
                got.contains(id),
            );
        }
        for (path, expected) in [
            ("/api/grid/buildings", &actor.grid_list),
            ("/api/property/buildings", &actor.property_list),
        ] {
            let answer = actor.browser.api(path).await;
            let got = listed(&answer.body, &["report", "building_id"]).unwrap_or_default();
            let expected = expected.clone().unwrap_or_default();
            for id in got.union(&expected) {
                tally.check(
                    name,
                    &format!("{path} lists {id}"),
                    expected.contains(id),
                    got.contains(id),
                );
            }
        }

        // Sealing the valve of a 报停: only the crew it is assigned to. The
        // crew comes after everyone but the admin, so a leak before it
        // would show as the crew's refusal too.
        let suspend = fx.cases[3].to_string();
        let changes_of_suspend =
            format!("SELECT COUNT(*) FROM household_service_changes WHERE case_id = {suspend}");
        let before = scalar(server, &changes_of_suspend).await;
        actor
            .browser
            .submit_files(
                &format!("/cases/{suspend}"),
                "/api/cases/step-with-photos",
                &[
                    ("case_id", &suspend),
                    ("action", "finish_field_work"),
                    ("seal_no", "QF-ACCESS-1"),
                ],
                &[("阀门.png", crate::casework::photo_png(64, 64))],
            )
            .await;
        let sealed = scalar(server, &changes_of_suspend).await > before;
        tally.check(
            name,
            "seal the valve of a suspension",
            name == "repair crew",
            sealed,
        );

        // Changing what is not theirs.
        if name != "other resident" {
            let answer = actor
                .browser
                .call(
                    "/api/me/households/unbind",
                    &[("household_id", &fx.other_household.to_string())],
                )
                .await;
            tally.check(
                name,
                "unbind another's household",
                false,
                answer.status == 200,
            );
        }
        if name != "admin" {
            let me: i64 =
                scalar(server, "SELECT id FROM people WHERE username = 'grid_demo'").await;
            let answer = actor
                .browser
                .call(
                    "/api/admin/staff/assignment",
                    &[
                        ("person_id", &me.to_string()),
                        ("kind", "building"),
                        ("target_id", &fx.other_building.to_string()),
                        ("assign", "1"),
                    ],
                )
                .await;
            tally.check(name, "assign a building", false, answer.status == 200);
            let answer = actor
                .browser
                .call(
                    "/api/admin/staff/roles",
                    &[("person_id", &me.to_string()), ("admin", "1")],
                )
                .await;
            tally.check(name, "grant a role", false, answer.status == 200);
            let answer = actor.browser.api("/api/admin/audit").await;
            tally.check(name, "read the audit log", false, answer.status == 200);
        }
    }

    // Nothing changed underneath.
    let still_bound = scalar(
        server,
        &format!(
            "SELECT COUNT(*) FROM person_households WHERE household_id = {}",
            fx.other_household
        ),
    )
    .await;
    tally.check(
        "everyone",
        "other household still bound",
        true,
        still_bound == 1,
    );
    let grants = scalar(
        server,
        "SELECT COUNT(*) FROM person_roles r JOIN people p ON p.id = r.person_id \
         WHERE p.username = 'grid_demo' AND r.role = 'admin'",
    )
    .await;
    tally.check("everyone", "no admin role granted", false, grants > 0);
    let assigned = scalar(
        server,
        &format!(
            "SELECT COUNT(*) FROM building_assignments WHERE building_id = {}",
            fx.other_building
        ),
    )
    .await;
    tally.check("everyone", "no building assigned", false, assigned > 0);

    // Staff reads of residents' details are in the audit log.
    let views = scalar(
        server,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data_view'",
    )
    .await;
    tally.check(
        "grid worker, dispatcher",
        "personal data views audited",
        true,
        views > 0,
    );

    println!(
        "access matrix ({:?}): {} cells tried, {} leaks, {} misses",
        server.test_db.db.engine(),
        tally.cells,
        tally.leaks.len(),
        tally.misses.len()
    );
    assert!(tally.leaks.is_empty(), "leaks: {:#?}", tally.leaks);
    assert!(tally.misses.is_empty(), "misses: {:#?}", tally.misses);
    assert!(tally.cells > 900, "{} cells", tally.cells);
}
on_both_engines!(
    every_role_sees_exactly_its_own,
    TestServer,
    every_role_sees_exactly_its_own
);
