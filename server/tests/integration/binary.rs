//! The `heatdesk` binary itself: configuration errors, first start on an
//! empty SQLite file, and a clean stop on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_heatdesk");

fn temp_folder(name: &str) -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("heatdesk-bin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    folder
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let output = Command::new(BIN)
        .args(["serve"])
        .env("HEATDESK_LISTEN", "everywhere")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("配置错误 HEATDESK_LISTEN: "),
        "{stderr}"
    );
}

#[test]
fn a_wechat_template_without_the_official_account_stops_start_up() {
    let output = Command::new(BIN)
        .args(["serve"])
        .env("HEATDESK_WECHAT_TEMPLATE_ID", "TPL-case-news")
        .env_remove("HEATDESK_WECHAT_APP_ID")
        .env_remove("HEATDESK_WECHAT_APP_SECRET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("配置错误 HEATDESK_WECHAT_APP_ID: "),
        "{stderr}"
    );
}

#[test]
fn seed_demo_creates_migrates_and_refuses_a_second_time() {
    let folder = temp_folder("seed");
    let url = format!("sqlite:{}", folder.join("nested/demo.db").display());
    let first = Command::new(BIN)
        .args(["seed", "--demo"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(stdout.contains("20 个小区"), "{stdout}");
    assert!(stdout.contains("2000 户"), "{stdout}");
    for login in [
        "13800000001",
        "grid_demo",
        "property_demo",
        "dispatch_demo",
        "crew_demo",
        "admin_demo",
    ] {
        assert!(stdout.contains(login), "demo account {login} printed");
    }
    let second = Command::new(BIN)
        .args(["seed", "--demo"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(String::from_utf8(second.stderr)
        .unwrap()
        .contains("已有数据"));
    let migrate = Command::new(BIN)
        .args(["migrate"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(migrate.status.success());
    std::fs::remove_dir_all(folder).unwrap();
}

#[test]
fn serve_starts_on_an_empty_file_and_stops_cleanly_on_sigterm() {
    let folder = temp_folder("serve");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut child = Command::new(BIN)
        .args(["serve", "--demo"])
        .env(
            "DATABASE_URL",
            format!("sqlite:{}", folder.join("portal.db").display()),
        )
        .env("HEATDESK_LISTEN", format!("127.0.0.1:{port}"))
        .env("HEATDESK_SITE_ROOT", folder.join("site"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    let ready = loop {
        if let Ok(response) = raw_http::get_readyz(port) {
            break response;
        }
        assert!(Instant::now() < deadline, "server did not become ready");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(ready.contains("\"ready\""), "{ready}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
    assert!(folder.join("portal.db").exists());
    std::fs::remove_dir_all(folder).unwrap();
}

/// A minimal blocking GET of /readyz over a raw TCP connection.
mod raw_http {
    use std::io::{Read, Write};

    pub fn get_readyz(port: u16) -> std::io::Result<String> {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
        stream
            .write_all(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        if answer.starts_with("HTTP/1.1 200") {
            Ok(answer)
        } else {
            Err(std::io::Error::other(answer))
        }
    }
}

/// `seed --scale N`: the demo city grown to N households with their
/// history, on SQLite and PostgreSQL, every key pointing at a row and the
/// next id free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_scale_grows_the_demo_city() {
    use backend::db::Engine;
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let test_db = backend::testing::TestDb::new(engine).await;
        let output = Command::new(BIN)
            .args(["seed", "--scale", "3000"])
            .env("DATABASE_URL", &test_db.url)
            .env("HEATDESK_FIXED_NOW", "2026-11-28T10:00")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{engine:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("3000 户"), "{stdout}");
        let db = &test_db.db;
        let count = |sql: &'static str| async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(db.reader())
                .await
                .unwrap()
        };
        assert_eq!(count("SELECT COUNT(*) FROM households").await, 3000);
        // About ten cases for each of the 1000 synthetic households.
        let synthetic = count("SELECT COUNT(*) FROM cases WHERE case_no LIKE '_________5%'").await;
        assert_eq!(synthetic, 10_000, "{engine:?}");
        assert_eq!(
            count(
                "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS \
                 (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'filed')"
            )
            .await,
            0
        );
        assert_eq!(
            count(
                "SELECT COUNT(*) FROM households h WHERE NOT EXISTS \
                 (SELECT 1 FROM units u JOIN buildings b ON b.id = u.building_id \
                  JOIN grid_buildings g ON g.building_id = b.id WHERE u.id = h.unit_id) \
                 AND h.account_no LIKE 'SY%'"
            )
            .await,
            0,
            "every synthetic flat is in a grid"
        );
        assert!(count("SELECT COUNT(*) FROM cases WHERE closed_at IS NULL").await > 0);
        // New rows still get fresh ids (PostgreSQL's sequences moved on).
        let next: i64 = sqlx::query_scalar(
            "INSERT INTO grids (name, district) VALUES ('after the seed', '奎文区') RETURNING id",
        )
        .fetch_one(db.writer())
        .await
        .unwrap();
        assert_eq!(next, count("SELECT MAX(id) FROM grids").await);
        let again = Command::new(BIN)
            .args(["seed", "--scale", "3000"])
            .env("DATABASE_URL", &test_db.url)
            .output()
            .unwrap();
        assert!(!again.status.success(), "a second city is refused");
        test_db.finish().await;
    }
}

/// The `log` text channel writes codes into the log: demo mode only.
#[test]
fn the_log_text_channel_is_refused_outside_demo_mode() {
    let folder = std::env::temp_dir().join(format!("heatdesk-log-sms-{}", std::process::id()));
    let output = Command::new(BIN)
        .args(["serve"])
        .env(
            "DATABASE_URL",
            format!("sqlite:{}", folder.join("x.db").display()),
        )
        .env("HEATDESK_SMS_PROVIDER", "log")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("HEATDESK_SMS_PROVIDER") && stderr.contains("演示模式"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(folder);
}

/// Demo mode (its outbox page shows every code texted) is refused on a
/// database that holds a real city.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_is_refused_on_a_real_city() {
    let folder = std::env::temp_dir().join(format!("heatdesk-real-city-{}", std::process::id()));
    let url = format!("sqlite:{}", folder.join("real.db").display());
    let migrated = Command::new(BIN)
        .args(["migrate"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(migrated.status.success(), "{migrated:?}");
    let db = backend::Database::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO communities (name, district, street_address) VALUES ('真实小区', '奎文区', '胜利东街 1 号')",
    )
    .execute(db.writer())
    .await
    .unwrap();
    db.close().await;
    let output = Command::new(BIN)
        .args(["serve", "--demo"])
        .env("DATABASE_URL", &url)
        .env("HEATDESK_LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("演示模式只能用于"), "{stderr}");
    let _ = std::fs::remove_dir_all(folder);
}

/// `import sensors` and `import readings`: the registry file registered
/// (and refused whole, naming the line, when a line cannot be), then an
/// export of several batches kept once, its bad lines named by line
/// number, every kept reading rolled up, and the same file a second time
/// changing nothing. On SQLite and PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_register_sensors_and_keep_an_export_once() {
    use backend::db::Engine;
    let now = domain::clock::local_instant(2026, 11, 28, 10).unwrap();
    let folder = temp_folder("import");
    std::fs::create_dir_all(&folder).unwrap();
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let test_db = backend::testing::TestDb::new(engine).await;
        let heatdesk = |args: &[&str]| {
            let output = Command::new(BIN)
                .args(args)
                .env("DATABASE_URL", &test_db.url)
                .env("HEATDESK_FIXED_NOW", "2026-11-28T10:00")
                .output()
                .unwrap();
            (
                output.status.success(),
                String::from_utf8_lossy(&output.stdout).to_string(),
                String::from_utf8_lossy(&output.stderr).to_string(),
            )
        };
        let (seeded, _, stderr) = heatdesk(&["seed", "--demo"]);
        assert!(seeded, "{stderr}");
        let pool = test_db.db.reader();
        let account_no: String =
            sqlx::query_scalar("SELECT account_no FROM households ORDER BY id LIMIT 1")
                .fetch_one(pool)
                .await
                .unwrap();
        let station: String = sqlx::query_scalar("SELECT code FROM stations ORDER BY id LIMIT 1")
            .fetch_one(pool)
            .await
            .unwrap();

        let registry = folder.join(format!("sensors-{engine:?}.csv"));
        let good = format!(
            "sensor_id,kind,place\nIMP-IN,indoor,{account_no}\nIMP-ST,station,{station}\nIMP-OUT,outdoor,\n"
        );
        std::fs::write(&registry, format!("{good}IMP-IN-2,indoor,NO-SUCH\n")).unwrap();
        let (done, _, stderr) = heatdesk(&["import", "sensors", registry.to_str().unwrap()]);
        assert!(!done && stderr.contains("第 5 行"), "{stderr}");
        std::fs::write(&registry, &good).unwrap();
        let (done, stdout, stderr) = heatdesk(&["import", "sensors", registry.to_str().unwrap()]);
        assert!(done, "{stderr}");
        assert!(stdout.contains("新增 3 个"), "{stdout}");

        // Three sensors every five minutes for about three days: 2,502
        // readings in three batches, with three bad lines among them.
        let mut export = String::from("\u{feff}sensor_id,measured_at,quantity,value\n");
        for step in 1..=834 {
            let at = now - step * 300;
            export.push_str(&format!("IMP-IN,{at},indoor_temp,19.5\n"));
            export.push_str(&format!("IMP-ST,{at},secondary_supply_temp,48.0\n"));
            export.push_str(&format!("IMP-OUT,{at},outdoor_temp,-3.5\n"));
            if step == 400 {
                export.push_str(&format!("NO-SUCH-SENSOR,{at},indoor_temp,19.5\n"));
                export.push_str(&format!("IMP-IN,{at},indoor_temp,warm\n"));
                export.push_str(&format!("IMP-IN,{},indoor_temp,19.5\n", now + 3_600));
            }
        }
        let file = folder.join(format!("export-{engine:?}.csv"));
        std::fs::write(&file, export).unwrap();
        let (done, stdout, stderr) = heatdesk(&["import", "readings", file.to_str().unwrap()]);
        assert!(done, "{stderr}");
        assert!(
            stdout.contains("共 2505 行，新增 2502 条，重复 0 条，拒收 3 行"),
            "{stdout}"
        );
        // Lines 1,202–1,204 of the file (the header is line 1).
        for line in ["第 1202 行（NO-SUCH-SENSOR）", "第 1203 行", "第 1204 行"] {
            assert!(stdout.contains(line), "{line}: {stdout}");
        }
        let kept = |sql: &'static str| async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(pool)
                .await
                .unwrap()
        };
        let readings = "SELECT COUNT(*) FROM telemetry_readings r JOIN sensors s \
                        ON s.id = r.sensor_id WHERE s.code LIKE 'IMP-%'";
        let rolled_up = "SELECT CAST(SUM(h.readings) AS BIGINT) FROM telemetry_hourly h \
                         JOIN sensors s ON s.id = h.sensor_id WHERE s.code LIKE 'IMP-%'";
        assert_eq!(kept(readings).await, 2502, "{engine:?}");
        assert_eq!(kept(rolled_up).await, 2502, "{engine:?}");
        let (done, stdout, _) = heatdesk(&["import", "readings", file.to_str().unwrap()]);
        assert!(done);
        assert!(stdout.contains("新增 0 条，重复 2502 条"), "{stdout}");
        assert_eq!(kept(rolled_up).await, 2502, "a second import adds nothing");
        let audited = kept(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'sensors_imported' \
             AND actor_id IS NULL AND client_addr = '命令行'",
        )
        .await;
        assert_eq!(audited, 1, "{engine:?}");
        let (done, _, stderr) = heatdesk(&["import", "readings", "/no/such/export.csv"]);
        assert!(!done && stderr.contains("无法读取文件"), "{stderr}");
        test_db.finish().await;
    }
    let _ = std::fs::remove_dir_all(&folder);
}
