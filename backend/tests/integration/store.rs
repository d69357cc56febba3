//! The store and the public services against real databases: every check
//! runs on SQLite and on PostgreSQL.

use backend::db::Database;
use backend::on_both_engines;
use backend::seed::demo;
use backend::services::public::{self, LookupChoice};
use backend::PortalSettings;
use domain::clock::local_instant;
use domain::notices::BuildingLookup;
use domain::outage::{HeatStatus, OutageKind, OutagePhase};
use domain::season::{AnnouncementKind, SeasonAnnouncement, SeasonPhase};

/// 28 Nov 2026 10:00 in Shanghai: in season, as in the end-to-end tests.
fn demo_now() -> i64 {
    local_instant(2026, 11, 28, 10).unwrap()
}

async fn seeded(db: &Database) -> PortalSettings {
    demo::seed_demo(db, demo_now())
        .await
        .expect("seed demo city");
    PortalSettings::default()
}

async fn community_id(db: &Database, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM communities WHERE name = $1")
        .bind(name)
        .fetch_one(db.reader())
        .await
        .unwrap()
}

async fn building_id(db: &Database, community: &str, building: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT b.id FROM buildings b JOIN communities c ON c.id = b.community_id \
         WHERE c.name = $1 AND b.name = $2",
    )
    .bind(community)
    .bind(building)
    .fetch_one(db.reader())
    .await
    .unwrap()
}

on_both_engines!(
    migrations_are_current_and_idempotent,
    |db: Database| async move {
        assert_eq!(db.pending_migrations().await.unwrap(), 0);
        db.migrate().await.expect("a second run changes nothing");
        assert_eq!(db.pending_migrations().await.unwrap(), 0);
    }
);

on_both_engines!(demo_city_has_what_it_promises, |db: Database| async move {
    assert!(demo::is_empty(&db).await.unwrap());
    let summary = demo::seed_demo(&db, demo_now()).await.unwrap();
    assert!(!demo::is_empty(&db).await.unwrap());
    assert_eq!(summary.communities, 20);
    assert_eq!(summary.households, 2000);
    assert_eq!(summary.outages, 3);
    assert_eq!(summary.cases, 12);
    let households: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM households")
        .fetch_one(db.reader())
        .await
        .unwrap();
    assert_eq!(households, 2000);
    let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM person_roles ORDER BY role")
        .fetch_all(db.reader())
        .await
        .unwrap();
    assert_eq!(
        roles,
        [
            "admin",
            "dispatcher",
            "grid_worker",
            "heating_authority",
            "property_manager",
            "repair_crew",
            "resident"
        ]
    );
});

on_both_engines!(home_overview_in_season, |db: Database| async move {
    let settings = seeded(&db).await;
    let home = public::home_overview(&db, &settings, demo_now())
        .await
        .unwrap();
    // The seeded early start (10 Nov 12:00) makes 28 Nov day 19 of 126.
    assert_eq!(
        home.season.phase,
        SeasonPhase::During {
            day: 19,
            total_days: 126
        }
    );
    assert_eq!(home.season.announcements.len(), 1);
    assert_eq!(
        home.season.announcements[0].kind,
        AnnouncementKind::EarlyStart
    );
    assert_eq!((home.outages_ongoing, home.outages_upcoming), (1, 1));
    let numbers: Vec<&str> = home.hotlines.iter().map(|h| h.number.as_str()).collect();
    assert_eq!(
        numbers,
        ["12345", "0536-8231234", "0536-8765432", "0536-8890123"]
    );
});

on_both_engines!(
    outage_board_reads_in_order_with_areas,
    |db: Database| async move {
        let settings = seeded(&db).await;
        let board = public::outage_board(&db, &settings, demo_now(), None, None)
            .await
            .unwrap();
        let phases: Vec<OutagePhase> = board.notices.iter().map(|n| n.phase).collect();
        assert_eq!(
            phases,
            [
                OutagePhase::Ongoing,
                OutagePhase::Upcoming,
                OutagePhase::Restored
            ]
        );

        let burst = &board.notices[0];
        assert_eq!(burst.kind, OutageKind::Emergency);
        assert_eq!(burst.areas.len(), 1);
        assert_eq!(burst.areas[0].community_name, "东方花园");
        assert!(burst.areas[0].whole_community);
        assert_eq!(burst.areas[0].buildings.len(), 5);
        assert!(burst
            .latest_update
            .as_ref()
            .unwrap()
            .message
            .contains("漏点已找到"));

        let planned = &board.notices[1];
        assert!(!planned.areas[0].whole_community);
        assert_eq!(planned.areas[0].buildings, ["2号楼", "3号楼"]);
        assert!(planned.latest_update.is_none());

        assert_eq!(
            board.districts,
            ["坊子区", "奎文区", "寒亭区", "潍城区", "经济区", "高新区"]
        );
        let gaoxin = public::outage_board(&db, &settings, demo_now(), Some("高新区"), None)
            .await
            .unwrap();
        assert_eq!(gaoxin.notices.len(), 1);
        assert_eq!(gaoxin.notices[0].areas[0].community_name, "清池小区");
        // The community filter offers what the listed outages touch, within
        // the chosen district.
        let offered = |board: &domain::notices::OutageBoard| -> Vec<String> {
            board.communities.iter().map(|c| c.name.clone()).collect()
        };
        let everywhere = offered(&board);
        assert!(everywhere.contains(&"东方花园".to_string()));
        assert!(everywhere.contains(&"向阳小区".to_string()));
        assert!(everywhere.len() < 20, "{everywhere:?}");
        assert_eq!(offered(&gaoxin), ["清池小区"]);
        let xiangyang = community_id(&db, "向阳小区").await;
        let only = public::outage_board(&db, &settings, demo_now(), None, Some(xiangyang))
            .await
            .unwrap();
        assert_eq!(only.notices.len(), 1);
        assert_eq!(only.notices[0].kind, OutageKind::Planned);
    }
);

on_both_engines!(
    restored_outages_leave_the_board_after_a_day,
    |db: Database| async move {
        let settings = seeded(&db).await;
        // The 清池 failure was restored at 01:00 on 28 Nov.
        let next_day = local_instant(2026, 11, 29, 2).unwrap();
        let board = public::outage_board(&db, &settings, next_day, None, None)
            .await
            .unwrap();
        assert!(board
            .notices
            .iter()
            .all(|n| n.phase != OutagePhase::Restored));
        // It still shows on the building's own page for the rest of the season.
        let building = building_id(&db, "清池小区", "1号楼").await;
        let report = public::building_report(&db, &settings, next_day, building, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(report.heat, HeatStatus::On);
        assert_eq!(report.outages.len(), 1);
        assert_eq!(report.outages[0].phase, OutagePhase::Restored);
    }
);

async fn lookup(
    db: &Database,
    settings: &PortalSettings,
    now: i64,
    choice: LookupChoice<'_>,
) -> BuildingLookup {
    public::building_lookup(db, settings, now, choice)
        .await
        .unwrap()
}

on_both_engines!(
    building_lookup_heat_and_choices,
    |db: Database| async move {
        let settings = seeded(&db).await;
        let now = demo_now();
        let dongfang = community_id(&db, "东方花园").await;
        let cold = building_id(&db, "东方花园", "3号楼").await;
        let warm = building_id(&db, "金宝花园", "1号楼").await;

        let nothing = lookup(&db, &settings, now, LookupChoice::default()).await;
        assert_eq!(nothing.communities.len(), 20);
        assert!(nothing.buildings.is_empty() && nothing.report.is_none());

        let community = lookup(
            &db,
            &settings,
            now,
            LookupChoice {
                community: Some(dongfang),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(community.buildings.len(), 5);
        assert!(community.report.is_none());

        let chosen = lookup(
            &db,
            &settings,
            now,
            LookupChoice {
                community: Some(dongfang),
                building: Some(cold),
                ..Default::default()
            },
        )
        .await;
        let report = chosen.report.unwrap();
        assert_eq!(report.heat, HeatStatus::OffByOutage);
        assert_eq!(report.station_name, "东方花园换热站");
        assert_eq!(report.outages.len(), 1);
        assert_eq!(chosen.units.len(), 2);

        let unit = chosen.units[1].id;
        let with_unit = lookup(
            &db,
            &settings,
            now,
            LookupChoice {
                community: Some(dongfang),
                building: Some(cold),
                unit: Some(unit),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(
            with_unit.report.unwrap().unit_name.as_deref(),
            Some("2单元")
        );

        // A building alone implies its community.
        let implied = lookup(
            &db,
            &settings,
            now,
            LookupChoice {
                building: Some(warm),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(
            implied.community_id,
            Some(community_id(&db, "金宝花园").await)
        );
        assert_eq!(implied.report.unwrap().heat, HeatStatus::On);

        // A building of another community is dropped: the community was just changed.
        let mismatch = lookup(
            &db,
            &settings,
            now,
            LookupChoice {
                community: Some(dongfang),
                building: Some(warm),
                unit: Some(unit),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(mismatch.community_id, Some(dongfang));
        assert_eq!((mismatch.building_id, mismatch.unit_id), (None, None));
        assert!(mismatch.report.is_none());

        // A unit of another building is dropped.
        let wrong_unit = lookup(
            &db,
            &settings,
            now,
            LookupChoice {
                building: Some(warm),
                unit: Some(unit),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(wrong_unit.unit_id, None);
        assert!(wrong_unit.report.unwrap().unit_name.is_none());

        // Unknown ids are ignored, not errors.
        let unknown = lookup(
            &db,
            &settings,
            now,
            LookupChoice {
                community: Some(999_999),
                building: Some(999_999),
                unit: Some(999_999),
                ..Default::default()
            },
        )
        .await;
        assert_eq!((unknown.community_id, unknown.building_id), (None, None));

        // A community implies its district; the picker then offers that
        // district's communities.
        assert_eq!(community.district.as_deref(), Some("奎文区"));
        assert!(community.districts.len() > 1);
        assert!(community.communities.iter().all(|c| c.district == "奎文区"));
        assert!(community.communities.iter().any(|c| c.id == dongfang));

        // A community of another district is dropped: the district was just changed.
        let moved = lookup(
            &db,
            &settings,
            now,
            LookupChoice {
                district: Some("高新区"),
                community: Some(dongfang),
                building: Some(cold),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(moved.district.as_deref(), Some("高新区"));
        assert_eq!((moved.community_id, moved.building_id), (None, None));
        assert!(moved.communities.iter().all(|c| c.district == "高新区"));

        // An unknown district is ignored.
        let nowhere = lookup(
            &db,
            &settings,
            now,
            LookupChoice {
                district: Some("火星区"),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(nowhere.district, None);
        assert_eq!(nowhere.communities.len(), 20);
    }
);

on_both_engines!(
    out_of_season_buildings_are_idle,
    |db: Database| async move {
        let settings = seeded(&db).await;
        let summer = local_instant(2027, 7, 1, 9).unwrap();
        let building = building_id(&db, "东方花园", "1号楼").await;
        let report = public::building_report(&db, &settings, summer, building, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(report.heat, HeatStatus::OutOfSeason);
        assert!(matches!(report.season.phase, SeasonPhase::Before { .. }));
    }
);

on_both_engines!(concurrent_writes_all_succeed, |db: Database| async move {
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let announcement = SeasonAnnouncement {
                    season_start_year: 2030,
                    kind: AnnouncementKind::Extension,
                    effective_at: 1_900_000_000 + i,
                    reason: format!("并发写入 {i}"),
                    published_at: 1_800_000_000 + i,
                    companies: Vec::new(),
                };
                backend::store::seasons::insert_announcement(db.writer(), &announcement).await
            })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("no write fails under concurrency");
    }
    let stored = backend::store::seasons::announcements(db.reader(), 2030, 2030, i64::MAX)
        .await
        .unwrap();
    assert_eq!(stored.len(), 64);
});

on_both_engines!(unpublished_news_is_not_shown, |db: Database| async move {
    let settings = seeded(&db).await;
    // The early start is published on 3 Nov 12:00, the planned works a day
    // before "now": on 1 Oct neither is known yet.
    let before = local_instant(2026, 10, 1, 8).unwrap();
    let home = public::home_overview(&db, &settings, before).await.unwrap();
    assert!(home.season.announcements.is_empty());
    assert_eq!(
        home.season.effective.start,
        local_instant(2026, 11, 14, 12).unwrap()
    );
    assert_eq!((home.outages_ongoing, home.outages_upcoming), (0, 0));
    let board = public::outage_board(&db, &settings, before, None, None)
        .await
        .unwrap();
    assert!(board.notices.is_empty());
});

on_both_engines!(
    housekeeping_removes_only_what_has_ended,
    |db: Database| async move {
        use backend::services::identity::{self, RequestOrigin};
        seeded(&db).await;
        let now = demo_now();
        let origin = |at: i64| RequestOrigin {
            client_addr: "203.0.113.7".into(),
            user_agent: "test".into(),
            now: at,
        };
        let policy = domain::otp::OtpPolicy::default();
        // An old code and a fresh one; a staff session that ended and one in use.
        identity::request_sign_in_code(&db, &policy, "13900000031", &origin(now - 3 * 86_400))
            .await
            .unwrap();
        identity::request_sign_in_code(&db, &policy, "13900000031", &origin(now))
            .await
            .unwrap();
        let session = |at: i64| {
            let db = db.clone();
            async move {
                match identity::sign_in_staff(
                    &db,
                    "grid_demo",
                    demo::DEMO_STAFF_PASSWORD,
                    false,
                    &origin(at),
                )
                .await
                .unwrap()
                {
                    identity::StaffSignIn::Session(session) => session,
                    other => panic!("{other:?}"),
                }
            }
        };
        let ended = session(now - 3 * 3600).await;
        let alive = session(now - 600).await;
        // Failed sign-ins of nobody in particular: one past its 30 days,
        // one within them; and a person's own entry of the same age.
        let retention = domain::limits::ANONYMOUS_FAILURE_RETENTION;
        for (at, actor) in [
            (now - retention - 1, None),
            (now - retention + 60, None),
            (now - retention - 1, Some(ended.viewer.person_id)),
        ] {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id, detail) \
                 VALUES ($1, $2, $3, 'staff', 'x', '')",
            )
            .bind(at)
            .bind(actor)
            .bind(if actor.is_some() {
                "sign_in"
            } else {
                "sign_in_failed"
            })
            .execute(db.writer())
            .await
            .unwrap();
        }
        assert_eq!(identity::purge_expired(&db, now).await.unwrap(), 3);
        let kept: Vec<i64> =
            sqlx::query_scalar("SELECT at FROM audit_log WHERE subject_id = 'x' ORDER BY at")
                .fetch_all(db.reader())
                .await
                .unwrap();
        assert_eq!(kept, [now - retention - 1, now - retention + 60]);
        assert!(identity::resolve_session(&db, &ended.token, now)
            .await
            .unwrap()
            .is_none());
        assert!(identity::resolve_session(&db, &alive.token, now)
            .await
            .unwrap()
            .is_some());
        let codes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_codes")
            .fetch_one(db.reader())
            .await
            .unwrap();
        assert_eq!(codes, 1);
    }
);

/// The demo resident as a signed-in viewer, with the first household bound.
async fn demo_resident(db: &Database) -> (backend::services::identity::Viewer, i64) {
    let (person_id, display_name): (i64, String) =
        sqlx::query_as("SELECT id, display_name FROM people WHERE phone = '13800000001'")
            .fetch_one(db.reader())
            .await
            .unwrap();
    let household_id: i64 = sqlx::query_scalar(
        "SELECT household_id FROM person_households WHERE person_id = $1 ORDER BY household_id LIMIT 1",
    )
    .bind(person_id)
    .fetch_one(db.reader())
    .await
    .unwrap();
    let viewer = backend::services::identity::Viewer {
        person_id,
        display_name,
        phone: Some("13800000001".to_string()),
        username: None,
        company_id: None,
        roles: vec![domain::roles::Role::Resident],
    };
    (viewer, household_id)
}

/// (channel, recipient, dedupe key) of every outbox row queued at `at`.
async fn queued_at(db: &Database, at: i64) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT channel, recipient, dedupe_key FROM outbox WHERE created_at = $1 \
         ORDER BY channel, dedupe_key",
    )
    .bind(at)
    .fetch_all(db.reader())
    .await
    .unwrap()
}

on_both_engines!(
    case_news_goes_to_linked_wechat_once_when_enabled,
    |db: Database| async move {
        use backend::cases::{file_repair, RepairForm};
        use backend::services::delivery::WECHAT_CHANNEL;
        use backend::services::identity::RequestOrigin;

        let mut settings = seeded(&db).await;
        settings.wechat_case_updates = true;
        settings.upload_dir = std::env::temp_dir().join("heatdesk-case-news-uploads");
        let (viewer, household_id) = demo_resident(&db).await;
        sqlx::query("INSERT INTO wechat_links (openid, person_id, linked_at) VALUES ($1, $2, $3)")
            .bind("oDemoResident0001")
            .bind(viewer.person_id)
            .bind(demo_now())
            .execute(db.writer())
            .await
            .unwrap();
        let at = demo_now() + 60;
        let origin = RequestOrigin {
            client_addr: "127.0.0.1".to_string(),
            user_agent: "store test".to_string(),
            now: at,
        };
        let form = RepairForm {
            household_id,
            category: "valve".to_string(),
            description: "阀门拧不动".to_string(),
            idempotency_key: "case-news-wechat-0001".to_string(),
            ..RepairForm::default()
        };
        let filed = file_repair(&db, &settings, &viewer, &origin, form.clone())
            .await
            .expect("filed");
        assert!(filed.created);
        let queued = queued_at(&db, at).await;
        assert_eq!(queued.len(), 2, "{queued:?}");
        let (sms, wechat) = (&queued[0], &queued[1]);
        assert_eq!((sms.0.as_str(), sms.1.as_str()), ("sms", "13800000001"));
        assert_eq!(
            (wechat.0.as_str(), wechat.1.as_str()),
            (WECHAT_CHANNEL, "oDemoResident0001")
        );
        assert_eq!(wechat.2, format!("{}:wechat:oDemoResident0001", sms.2));
        let payloads: Vec<String> =
            sqlx::query_scalar("SELECT payload FROM outbox WHERE created_at = $1 ORDER BY channel")
                .bind(at)
                .fetch_all(db.reader())
                .await
                .unwrap();
        assert_eq!(payloads[0], payloads[1], "the same news on both channels");
        assert!(
            payloads[1].contains(r#""template":"case_update""#),
            "{}",
            payloads[1]
        );

        // The same submit again: the same case, nothing more queued.
        let again = file_repair(&db, &settings, &viewer, &origin, form)
            .await
            .expect("answered");
        assert_eq!((again.case_id, again.created), (filed.case_id, false));
        assert_eq!(queued_at(&db, at).await, queued);

        // With WeChat template messages off, only the text is queued.
        settings.wechat_case_updates = false;
        let later = RequestOrigin {
            now: at + 60,
            ..origin
        };
        let form = RepairForm {
            household_id,
            category: "noise".to_string(),
            description: "管道有响声".to_string(),
            idempotency_key: "case-news-wechat-0002".to_string(),
            ..RepairForm::default()
        };
        file_repair(&db, &settings, &viewer, &later, form)
            .await
            .expect("filed");
        let queued = queued_at(&db, at + 60).await;
        assert_eq!(queued.len(), 1, "{queued:?}");
        assert_eq!(queued[0].0, "sms");
    }
);
