//! A small, realistic demo city modelled on Weifang: three heating companies,
//! their heat sources and stations, twenty communities across the districts,
//! about two thousand households, outages of every kind around `now`, an
//! early-start announcement for the current season, and one account per role.
//!
//! Deterministic apart from `now`, so tests can count on what it creates.

use crate::db::Database;
use crate::error::BackendResult;
use crate::seed::demo_cases::{seed_cases, DemoPeople};
use domain::clock::UnixSeconds;
use sqlx::{Any, Transaction};

mod notices;
use notices::{seed_announcement, seed_outages};

/// What the demo seed created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub companies: usize,
    pub stations: usize,
    pub communities: usize,
    pub buildings: usize,
    pub households: usize,
    pub outages: usize,
    pub cases: usize,
    pub accounts: Vec<DemoAccount>,
}

/// One demo sign-in, printed at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    pub role_label: &'static str,
    pub role: &'static str,
    pub display_name: &'static str,
    /// A phone number for residents, a username for staff.
    pub login: &'static str,
}

struct CompanySeed {
    name: &'static str,
    short_name: &'static str,
    hotline: &'static str,
    source: (&'static str, &'static str),
}

const COMPANIES: [CompanySeed; 3] = [
    CompanySeed {
        name: "潍坊市热力有限公司",
        short_name: "市热力公司",
        hotline: "0536-8231234",
        source: ("华电潍坊发电厂首站", "first_station"),
    },
    CompanySeed {
        name: "潍坊城东热电有限公司",
        short_name: "城东热电",
        hotline: "0536-8765432",
        source: ("城东热源厂", "heating_plant"),
    },
    CompanySeed {
        name: "潍坊高新区供热有限公司",
        short_name: "高新供热",
        hotline: "0536-8890123",
        source: ("高新区热源厂", "heating_plant"),
    },
];

/// (district, community, street address, buildings, units per building,
/// floors, company index)
type CommunitySeed = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    usize,
    usize,
    usize,
);

const COMMUNITIES: [CommunitySeed; 20] = [
    ("奎文区", "金宝花园", "胜利东街 2588 号", 6, 2, 6, 0),
    ("奎文区", "东方花园", "东风东街 1566 号", 5, 2, 6, 0),
    ("奎文区", "鸢飞小区", "鸢飞路 688 号", 4, 3, 6, 0),
    ("奎文区", "北海花园", "北海路 5001 号", 4, 2, 11, 0),
    ("奎文区", "樱园小区", "樱前街 119 号", 3, 2, 6, 0),
    ("潍城区", "十笏园小区", "胜利西街 66 号", 4, 2, 6, 0),
    ("潍城区", "和平路宿舍", "和平路 348 号", 3, 2, 5, 0),
    ("潍城区", "向阳小区", "向阳路 1288 号", 4, 2, 6, 0),
    ("潍城区", "西园小区", "西园街 98 号", 3, 3, 6, 0),
    ("坊子区", "凤凰山小区", "凤山路 76 号", 4, 2, 6, 1),
    ("坊子区", "龙泉花园", "龙泉街 520 号", 3, 2, 6, 1),
    ("寒亭区", "通亭街小区", "通亭街 1069 号", 4, 2, 6, 1),
    ("寒亭区", "民主街宿舍", "民主街 233 号", 3, 2, 5, 1),
    ("寒亭区", "杨家埠新村", "杨家埠大街 16 号", 3, 2, 6, 1),
    ("高新区", "健康东街小区", "健康东街 6888 号", 5, 2, 6, 2),
    ("高新区", "新城花园", "新城东路 2099 号", 4, 2, 6, 2),
    ("高新区", "清池小区", "清池街 1577 号", 4, 2, 6, 2),
    ("高新区", "蓝色港湾", "玉清东街 5550 号", 3, 2, 11, 2),
    ("经济区", "民生小区", "民生东街 808 号", 3, 2, 6, 1),
    ("经济区", "怡和苑", "怡和路 366 号", 3, 2, 6, 1),
];

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "孙", "马",
];
const GIVEN_NAMES: [&str; 10] = [
    "建国", "秀英", "志强", "桂兰", "海燕", "立新", "淑珍", "伟", "静", "磊",
];

/// The password of every demo staff account (residents sign in with a code).
pub const DEMO_STAFF_PASSWORD: &str = "heatdesk2026";

/// The demo accounts, one per role.
pub const DEMO_ACCOUNTS: [DemoAccount; 7] = [
    DemoAccount {
        role_label: "居民",
        role: "resident",
        display_name: "王秀英",
        login: "13800000001",
    },
    DemoAccount {
        role_label: "网格员",
        role: "grid_worker",
        display_name: "李海燕",
        login: "grid_demo",
    },
    DemoAccount {
        role_label: "物业",
        role: "property_manager",
        display_name: "张立新",
        login: "property_demo",
    },
    DemoAccount {
        role_label: "客服调度",
        role: "dispatcher",
        display_name: "刘志强",
        login: "dispatch_demo",
    },
    DemoAccount {
        role_label: "抢修队",
        role: "repair_crew",
        display_name: "陈磊",
        login: "crew_demo",
    },
    DemoAccount {
        role_label: "管理员",
        role: "admin",
        display_name: "赵静",
        login: "admin_demo",
    },
    DemoAccount {
        role_label: "市供热主管部门",
        role: "heating_authority",
        display_name: "孙建国",
        login: "authority_demo",
    },
];

/// Whether the database holds no city yet.
pub async fn is_empty(db: &Database) -> BackendResult<bool> {
    let communities: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM communities")
        .fetch_one(db.reader())
        .await?;
    Ok(communities == 0)
}

/// The holder's phone the company has on file for demo household `number`
/// (WF1000000N): 159 and eight digits, so that binding codes have
/// somewhere to go in the demo outbox.
pub fn demo_holder_phone(number: usize) -> String {
    format!("159{number:08}")
}

/// Whether the database may serve in demo mode: it holds nothing yet, or
/// the demo city (`heatdesk seed`) and what was done with it since; never a
/// real city's people, whose codes the demo outbox page would show.
pub async fn may_serve_demo(db: &Database) -> BackendResult<bool> {
    if is_empty(db).await? {
        return Ok(true);
    }
    let marked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM instance_facts WHERE name = 'demo_city'")
            .fetch_one(db.reader())
            .await?;
    Ok(marked == 1)
}

/// Seeds the demo city in one transaction, with times around `now`.
pub async fn seed_demo(db: &Database, now: UnixSeconds) -> BackendResult<DemoSummary> {
    let mut tx = db.writer().begin().await?;
    let mut summary = DemoSummary::default();
    sqlx::query(
        "INSERT INTO instance_facts (name, value, set_at) VALUES ('demo_city', 'heatdesk seed', $1)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;

    let mut company_ids = Vec::new();
    let mut source_ids = Vec::new();
    for company in &COMPANIES {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO heating_companies (name, short_name, hotline) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(company.name)
        .bind(company.short_name)
        .bind(company.hotline)
        .fetch_one(&mut *tx)
        .await?;
        let source: i64 = sqlx::query_scalar(
            "INSERT INTO heat_sources (company_id, name, kind) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(id)
        .bind(company.source.0)
        .bind(company.source.1)
        .fetch_one(&mut *tx)
        .await?;
        company_ids.push(id);
        source_ids.push(source);
    }
    summary.companies = company_ids.len();

    // One station per community; large communities share nothing, so an
    // outage at a station reads as "the whole community".
    let mut community_station = Vec::new();
    let mut community_buildings: Vec<Vec<i64>> = Vec::new();
    // The demo resident's home: the first flat of the first community.
    let mut demo_household = None;
    let mut household_no = 0usize;
    for (index, (district, name, address, buildings, units, floors, company)) in
        COMMUNITIES.iter().enumerate()
    {
        let station_id: i64 = sqlx::query_scalar(
            "INSERT INTO stations (company_id, heat_source_id, code, name) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(company_ids[*company])
        .bind(source_ids[*company])
        .bind(format!("HR-{:03}", index + 1))
        .bind(format!("{name}换热站"))
        .fetch_one(&mut *tx)
        .await?;
        community_station.push(station_id);
        summary.stations += 1;

        let community_id: i64 = sqlx::query_scalar(
            "INSERT INTO communities (name, district, street_address) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(*name)
        .bind(*district)
        .bind(*address)
        .fetch_one(&mut *tx)
        .await?;
        summary.communities += 1;

        let mut building_ids = Vec::new();
        for building in 1..=*buildings {
            let building_id: i64 = sqlx::query_scalar(
                "INSERT INTO buildings (community_id, station_id, name, sort_key, floors) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(community_id)
            .bind(station_id)
            .bind(format!("{building}号楼"))
            .bind(building as i64)
            .bind(*floors as i64)
            .fetch_one(&mut *tx)
            .await?;
            building_ids.push(building_id);
            summary.buildings += 1;
            for unit in 1..=*units {
                let unit_id: i64 = sqlx::query_scalar(
                    "INSERT INTO units (building_id, name, sort_key) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(building_id)
                .bind(format!("{unit}单元"))
                .bind(unit as i64)
                .fetch_one(&mut *tx)
                .await?;
                for floor in 1..=*floors {
                    for door in 1..=2 {
                        household_no += 1;
                        let household_id = insert_household(
                            &mut tx,
                            unit_id,
                            company_ids[*company],
                            &format!("{floor}{door:02}"),
                            household_no,
                        )
                        .await?;
                        demo_household.get_or_insert(household_id);
                        summary.households += 1;
                    }
                }
            }
        }
        community_buildings.push(building_ids);
    }

    let grid_id = insert_grid(
        &mut tx,
        "奎文区广文街道第一网格",
        "奎文区",
        &community_buildings[..2],
    )
    .await?;
    insert_grid(
        &mut tx,
        "潍城区城关街道第三网格",
        "潍城区",
        &community_buildings[5..7],
    )
    .await?;

    summary.outages = seed_outages(
        &mut tx,
        now,
        &company_ids,
        &community_station,
        &community_buildings,
    )
    .await?;
    seed_announcement(&mut tx, now).await?;

    let staff_password_hash = crate::secrets::hash_password(DEMO_STAFF_PASSWORD);
    let crew_id: i64 =
        sqlx::query_scalar("INSERT INTO crews (company_id, name) VALUES ($1, $2) RETURNING id")
            .bind(company_ids[0])
            .bind("奎文抢修一队")
            .fetch_one(&mut *tx)
            .await?;
    let mut person_ids = std::collections::HashMap::new();
    for account in &DEMO_ACCOUNTS {
        let person_id =
            insert_person(&mut tx, account, company_ids[0], &staff_password_hash, now).await?;
        person_ids.insert(account.role, person_id);
        match account.role {
            "resident" => {
                // Bound a year ago: the household's history is the resident's.
                sqlx::query("INSERT INTO person_households (person_id, household_id, bound_at) VALUES ($1, $2, $3)")
                    .bind(person_id)
                    .bind(demo_household)
                    .bind(now - 365 * 86_400)
                    .execute(&mut *tx)
                    .await?;
            }
            "grid_worker" => {
                sqlx::query("INSERT INTO grid_assignments (person_id, grid_id) VALUES ($1, $2)")
                    .bind(person_id)
                    .bind(grid_id)
                    .execute(&mut *tx)
                    .await?;
            }
            "property_manager" => {
                for building_id in &community_buildings[0][..2] {
                    sqlx::query(
                        "INSERT INTO building_assignments (person_id, building_id) VALUES ($1, $2)",
                    )
                    .bind(person_id)
                    .bind(*building_id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            "repair_crew" => {
                sqlx::query("INSERT INTO crew_members (crew_id, person_id) VALUES ($1, $2)")
                    .bind(crew_id)
                    .bind(person_id)
                    .execute(&mut *tx)
                    .await?;
            }
            _ => {}
        }
    }
    summary.accounts = DEMO_ACCOUNTS.to_vec();

    let account = |role: &str| {
        DEMO_ACCOUNTS
            .iter()
            .find(|a| a.role == role)
            .expect("a demo account per role")
    };
    let people = DemoPeople {
        resident_id: person_ids["resident"],
        resident_phone: account("resident").login,
        resident_household: demo_household.unwrap_or_default(),
        dispatcher_id: person_ids["dispatcher"],
        dispatcher_name: account("dispatcher").display_name,
        crew_member_id: person_ids["repair_crew"],
        crew_member_name: account("repair_crew").display_name,
        crew_id,
    };
    summary.cases = seed_cases(&mut tx, now, &community_buildings, &people).await?;

    tx.commit().await?;
    db.reference_changed();
    db.outages_changed();
    Ok(summary)
}

async fn insert_household(
    tx: &mut Transaction<'_, Any>,
    unit_id: i64,
    company_id: i64,
    room: &str,
    number: usize,
) -> BackendResult<i64> {
    let holder = format!(
        "{}{}",
        SURNAMES[number % SURNAMES.len()],
        GIVEN_NAMES[(number / SURNAMES.len()) % GIVEN_NAMES.len()]
    );
    // Every 50th household suspended its heating this season.
    let state = if number.is_multiple_of(50) {
        "suspended"
    } else {
        "heated"
    };
    Ok(sqlx::query_scalar(
        "INSERT INTO households (unit_id, company_id, room, account_no, holder_name, area_m2, service_state, holder_phone) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(unit_id)
    .bind(company_id)
    .bind(room)
    .bind(format!("WF{:08}", 10_000_000 + number))
    .bind(holder)
    .bind(60.0 + (number % 7) as f64 * 12.5)
    .bind(state)
    .bind(demo_holder_phone(number))
    .fetch_one(&mut **tx)
    .await?)
}

async fn insert_grid(
    tx: &mut Transaction<'_, Any>,
    name: &str,
    district: &str,
    communities: &[Vec<i64>],
) -> BackendResult<i64> {
    let grid_id: i64 =
        sqlx::query_scalar("INSERT INTO grids (name, district) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(district)
            .fetch_one(&mut **tx)
            .await?;
    for building_id in communities.iter().flatten() {
        sqlx::query("INSERT INTO grid_buildings (grid_id, building_id) VALUES ($1, $2)")
            .bind(grid_id)
            .bind(*building_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(grid_id)
}

async fn insert_person(
    tx: &mut Transaction<'_, Any>,
    account: &DemoAccount,
    company_id: i64,
    staff_password_hash: &str,
    now: UnixSeconds,
) -> BackendResult<i64> {
    let is_resident = account.role == "resident";
    // The city's authority belongs to no company.
    let of_company = !is_resident && account.role != "heating_authority";
    let person_id: i64 = sqlx::query_scalar(
        "INSERT INTO people (display_name, phone, username, password_hash, company_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account.display_name)
    .bind(is_resident.then_some(account.login))
    .bind((!is_resident).then_some(account.login))
    .bind((!is_resident).then_some(staff_password_hash))
    .bind(of_company.then_some(company_id))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO person_roles (person_id, role, granted_at) VALUES ($1, $2, $3)")
        .bind(person_id)
        .bind(account.role)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(person_id)
}
