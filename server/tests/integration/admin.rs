//! The admin's account work over HTTP: creating staff, roles, grid and
//! building assignments, password resets, and the audit log.

use backend::on_both_engines;

use crate::support::{staff_signs_in, Browser, TestServer};

const PASSWORD: &str = backend::seed::demo::DEMO_STAFF_PASSWORD;

fn json(answer: &crate::support::Answer) -> serde_json::Value {
    serde_json::from_str(&answer.body).unwrap_or_else(|_| panic!("not JSON: {answer:?}"))
}

async fn person_id(server: &TestServer, username: &str) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE username = $1")
        .bind(username)
        .fetch_one(server.test_db.db.reader())
        .await
        .unwrap();
    id.to_string()
}

async fn admin_manages_staff(server: &TestServer) {
    let mut admin = staff_signs_in(server, "admin_demo", PASSWORD).await;

    // Refusals name the problem.
    let weak = admin
        .call(
            "/api/admin/staff/create",
            &[
                ("display_name", "孙伟"),
                ("username", "grid_sun"),
                ("password", "short"),
                ("grid_worker", "1"),
            ],
        )
        .await;
    assert!(weak.body.contains("密码至少 10 位"), "{weak:?}");
    let no_role = admin
        .call(
            "/api/admin/staff/create",
            &[
                ("display_name", "孙伟"),
                ("username", "grid_sun"),
                ("password", "winter2026ok"),
            ],
        )
        .await;
    assert!(
        no_role.body.contains("请至少选择一个工作角色"),
        "{no_role:?}"
    );

    // A new grid worker, as the plain form sends it.
    let created = admin
        .submit(
            "/admin",
            "/api/admin/staff/create",
            &[
                ("display_name", "孙伟"),
                ("username", "Grid_Sun"),
                ("password", "winter2026ok"),
                ("company_id", ""),
                ("grid_worker", "1"),
            ],
        )
        .await;
    assert!(created.form_error().is_none(), "{:?}", created.form_error());
    let duplicate = admin
        .call(
            "/api/admin/staff/create",
            &[
                ("display_name", "孙伟"),
                ("username", "grid_sun"),
                ("password", "winter2026ok"),
                ("grid_worker", "1"),
            ],
        )
        .await;
    assert!(duplicate.body.contains("已被使用"));
    let sun = person_id(server, "grid_sun").await;

    // No grid yet: an empty list. Then the second grid.
    let mut worker = staff_signs_in(server, "grid_sun", "winter2026ok").await;
    assert_eq!(
        json(&worker.api("/api/grid/buildings").await),
        serde_json::json!([])
    );
    let grid: i64 =
        sqlx::query_scalar("SELECT id FROM grids WHERE name = '潍城区城关街道第三网格'")
            .fetch_one(server.test_db.db.reader())
            .await
            .unwrap();
    let assigned = admin
        .call(
            "/api/admin/staff/assignment",
            &[
                ("person_id", &sun),
                ("kind", "grid"),
                ("target_id", &grid.to_string()),
                ("assign", "1"),
            ],
        )
        .await;
    assert_eq!(assigned.status, 200, "{assigned:?}");
    let buildings = json(&worker.api("/api/grid/buildings").await);
    let names: Vec<&str> = buildings
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["report"]["community_name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 7, "十笏园小区 (4) and 和平路宿舍 (3)");
    assert!(names
        .iter()
        .all(|n| ["十笏园小区", "和平路宿舍"].contains(n)));
    let missing = admin
        .call(
            "/api/admin/staff/assignment",
            &[
                ("person_id", &sun),
                ("kind", "grid"),
                ("target_id", "999999"),
                ("assign", "1"),
            ],
        )
        .await;
    assert!(missing.body.contains("所选网格或楼栋不存在"), "{missing:?}");

    // Taking the role away takes the access with it, assignments or not.
    admin
        .call(
            "/api/admin/staff/roles",
            &[("person_id", &sun), ("property_manager", "1")],
        )
        .await;
    let refused = worker.api("/api/grid/buildings").await;
    assert!(refused.body.contains("没有权限"), "{refused:?}");
    let own_admin = admin
        .call(
            "/api/admin/staff/roles",
            &[
                ("person_id", &person_id(server, "admin_demo").await),
                ("dispatcher", "1"),
            ],
        )
        .await;
    assert!(own_admin.body.contains("不能取消自己的管理员角色"));

    // A reset password ends the person's sessions.
    let reset = admin
        .call(
            "/api/admin/staff/password",
            &[("person_id", &sun), ("password", "spring2027ok")],
        )
        .await;
    assert_eq!(reset.status, 200, "{reset:?}");
    assert!(json(&worker.api("/api/session").await).is_null());
    staff_signs_in(server, "grid_sun", "spring2027ok").await;

    // The directory shows it all; the audit log has every step.
    let directory = json(&admin.api("/api/admin/staff").await);
    let account = directory["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "grid_sun")
        .unwrap()
        .clone();
    assert_eq!(account["roles"], serde_json::json!(["PropertyManager"]));
    assert_eq!(account["grids"][0]["label"], "潍城区城关街道第三网格");
    let log = json(&admin.api("/api/admin/audit").await);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "staff_created",
        "assignment_changed",
        "role_granted",
        "role_revoked",
        "password_reset",
        "sign_in",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let failed = json(&admin.api("/api/admin/audit?action=role_revoked").await);
    assert_eq!(failed.as_array().unwrap().len(), 1);
    assert!(failed[0]["detail"].as_str().unwrap().contains("网格员"));

    // The pages render for the admin, not for others.
    let page = admin.get("/admin").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("grid_sun") && page.body.contains("新建工作人员账号"));
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("password_reset"));
    let mut dispatcher = staff_signs_in(server, "dispatch_demo", PASSWORD).await;
    let page = dispatcher.get("/admin").await;
    assert!(
        page.body.contains("没有权限") && !page.body.contains("grid_sun"),
        "{page:?}"
    );
    let mut anonymous = Browser::new(server);
    assert_eq!(
        anonymous.get("/admin").await.location.as_deref(),
        Some("/signin")
    );
}
on_both_engines!(admin_manages_staff, TestServer, admin_manages_staff);
