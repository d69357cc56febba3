//! Crash safety: the `heatdesk` binary is killed with SIGKILL 50 times while
//! clients file cases through Open311 and retry whatever was not answered;
//! and PostgreSQL itself is stopped and started under load. Afterwards every
//! acknowledged case exists exactly once, with its timeline entry, and the
//! database is intact. On SQLite and PostgreSQL. And a full disk under the
//! SQLite file: a clear 503, no panic, and work again once space returns.

use backend::db::{Database, Engine};
use backend::testing::TestDb;
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_heatdesk");
const KILLS: u64 = 50;
const CLIENTS: usize = 4;
const KEY: &str = "hd311_crash-harness-key-known-to-the-test-only";
const NOW: &str = "2026-11-28T10:00";

fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

fn start(url: &str, port: u16, site: &std::path::Path) -> Child {
    Command::new(BIN)
        .args(["serve"])
        .env("DATABASE_URL", url)
        .env("HEATDESK_LISTEN", format!("127.0.0.1:{port}"))
        .env("HEATDESK_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("HEATDESK_SITE_ROOT", site)
        .env("HEATDESK_UPLOAD_DIR", site.join("uploads"))
        .env("HEATDESK_FIXED_NOW", NOW)
        // The harness posts as fast as it can, far above a platform's rate.
        .env("HEATDESK_OPEN311_POSTS_PER_MINUTE", "100000000")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_ready(client: &reqwest::Client, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(answer) = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
        {
            if answer.status().is_success() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "the server did not come back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the clients were told: request → case number.
type Ledger = Arc<Mutex<HashMap<String, String>>>;

/// One client: files requests one after another; each is posted again and
/// again until it is answered, whatever happens to the server meanwhile.
async fn client(
    number: usize,
    account_no: String,
    port: Arc<AtomicU16>,
    stop: Arc<AtomicBool>,
    ledger: Ledger,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    for k in 0.. {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let request = format!("crash-{number}-{k}");
        let form = [
            ("api_key", KEY),
            ("service_code", "heating-repair"),
            ("attribute[category]", "noise"),
            ("address_id", &account_no),
            ("description", &request),
        ];
        let case_no = loop {
            let url = format!(
                "http://127.0.0.1:{}/open311/v2/requests.json",
                port.load(Ordering::SeqCst)
            );
            match http.post(&url).form(&form).send().await {
                Ok(answer) if answer.status().as_u16() == 201 => {
                    let body: serde_json::Value = match answer.json().await {
                        Ok(body) => body,
                        Err(_) => continue, // killed mid-answer: ask again
                    };
                    break body[0]["service_request_id"].as_str().unwrap().to_string();
                }
                Ok(answer) if answer.status().is_server_error() => {}
                Ok(answer) => panic!("{request}: {} {:?}", answer.status(), answer.text().await),
                Err(_) => {}
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        let earlier = ledger.lock().unwrap().insert(request.clone(), case_no);
        assert!(earlier.is_none(), "{request} answered twice");
    }
}

async fn check_integrity(db: &Database, engine: Engine, ledger: &HashMap<String, String>) {
    // Every acknowledged request is exactly one case, the one it was told.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT details, case_no FROM cases WHERE channel = 'open311'")
            .fetch_all(db.reader())
            .await
            .unwrap();
    let mut stored: HashMap<String, Vec<String>> = HashMap::new();
    for (details, case_no) in rows {
        stored.entry(details).or_default().push(case_no);
    }
    for (request, case_no) in ledger {
        assert_eq!(
            stored.get(request),
            Some(&vec![case_no.clone()]),
            "{request} is stored once, as {case_no}"
        );
    }
    assert!(
        stored.values().all(|cases| cases.len() == 1),
        "no request is stored twice"
    );
    // Nothing half-written: each case has its one 'filed' timeline entry.
    let without: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases c WHERE c.channel = 'open311' AND \
         (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id AND e.kind = 'filed') <> 1",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    assert_eq!(without, 0);
    let orphans: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_events e WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id)",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    assert_eq!(orphans, 0);
    if engine == Engine::Sqlite {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(db.reader())
            .await
            .unwrap();
        assert_eq!(check, "ok");
        let broken: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(db.reader())
            .await
            .unwrap_or_default();
        assert!(broken.is_empty(), "{broken:?}");
    }
}

/// The PostgreSQL tests of this file one at a time: one of them stops the
/// server the other uses.
static POSTGRES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A database with the demo city, the harness's key, and households to
/// file for.
async fn prepared(engine: Engine) -> (TestDb, Vec<String>, std::path::PathBuf) {
    let test_db = TestDb::new(engine).await;
    let now = domain::clock::parse_local_input(NOW).unwrap();
    backend::seed::demo::seed_demo(&test_db.db, now)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO api_keys (label, key_hash, key_hint, issued_by, issued_at) \
         SELECT 'crash harness', $1, 'hd311_cras', id, $2 FROM people WHERE username = 'admin_demo'",
    )
    .bind(backend::secrets::token_hash(KEY))
    .bind(now)
    .execute(test_db.db.writer())
    .await
    .unwrap();
    let accounts: Vec<String> = sqlx::query_scalar(
        "SELECT account_no FROM households WHERE service_state = 'heated' ORDER BY id LIMIT 4",
    )
    .fetch_all(test_db.db.reader())
    .await
    .unwrap();
    let site = std::env::temp_dir().join(format!(
        "heatdesk-crash-{}-{:?}",
        std::process::id(),
        engine
    ));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    (test_db, accounts, site)
}

fn spawn_clients(
    accounts: &[String],
    port: &Arc<AtomicU16>,
    stop: &Arc<AtomicBool>,
    ledger: &Ledger,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..CLIENTS)
        .map(|n| {
            tokio::spawn(client(
                n,
                accounts[n % accounts.len()].clone(),
                port.clone(),
                stop.clone(),
                ledger.clone(),
            ))
        })
        .collect()
}

async fn finish_clients(stop: &AtomicBool, clients: Vec<tokio::task::JoinHandle<()>>) {
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        tokio::time::timeout(Duration::from_secs(60), client)
            .await
            .expect("clients finish")
            .unwrap();
    }
}

async fn killed_fifty_times(engine: Engine) {
    let (test_db, accounts, site) = prepared(engine).await;
    let port = Arc::new(AtomicU16::new(free_port()));
    let stop = Arc::new(AtomicBool::new(false));
    let ledger: Ledger = Arc::default();
    let clients = spawn_clients(&accounts, &port, &stop, &ledger);
    let http = reqwest::Client::new();
    for life in 0..KILLS {
        let mut server = start(&test_db.url, port.load(Ordering::SeqCst), &site);
        wait_ready(&http, port.load(Ordering::SeqCst)).await;
        // A different moment in each life: 30–230 ms of load.
        let busy = 30 + (life * 7919) % 200;
        tokio::time::sleep(Duration::from_millis(busy)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        port.store(free_port(), Ordering::SeqCst);
    }
    let answered_under_fire = ledger.lock().unwrap().len();
    // One last life, in which every client's pending request is answered.
    let mut server = start(&test_db.url, port.load(Ordering::SeqCst), &site);
    wait_ready(&http, port.load(Ordering::SeqCst)).await;
    finish_clients(&stop, clients).await;
    server.kill().unwrap();
    server.wait().unwrap();

    let ledger = ledger.lock().unwrap().clone();
    assert!(
        answered_under_fire >= KILLS as usize,
        "the server did work between kills ({answered_under_fire} answers)"
    );
    eprintln!(
        "{engine:?}: {KILLS} SIGKILLs, {answered_under_fire} requests answered under fire, {} in all",
        ledger.len()
    );
    let db = Database::connect(&test_db.url).await.unwrap();
    check_integrity(&db, engine, &ledger).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(site);
    test_db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_fifty_times_on_sqlite() {
    killed_fifty_times(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_fifty_times_on_postgres() {
    let _alone = POSTGRES.lock().await;
    killed_fifty_times(Engine::Postgres).await;
}

/// The local PostgreSQL cluster (`pg_ctlcluster`), started again when a
/// test that stopped it ends, however it ends.
struct Cluster {
    version: String,
}

impl Cluster {
    fn local() -> Self {
        let version = std::fs::read_dir("/etc/postgresql")
            .expect("a Debian PostgreSQL cluster (/etc/postgresql)")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .max()
            .expect("a PostgreSQL version");
        Self { version }
    }

    fn run(&self, action: &str) {
        let mut command = Command::new("pg_ctlcluster");
        command.args(["--skip-systemctl-redirect", &self.version, "main", action]);
        if action == "stop" {
            command.args(["-m", "fast"]);
        }
        let status = command.status().expect("pg_ctlcluster runs");
        assert!(status.success(), "pg_ctlcluster {action}");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("pg_ctlcluster")
            .args(["--skip-systemctl-redirect", &self.version, "main", "start"])
            .status();
    }
}

async fn readiness(http: &reqwest::Client, port: u16) -> Option<u16> {
    http.get(format!("http://127.0.0.1:{port}/readyz"))
        .send()
        .await
        .ok()
        .map(|answer| answer.status().as_u16())
}

async fn until_ready_is(http: &reqwest::Client, port: u16, status: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while readiness(http, port).await != Some(status) {
        assert!(Instant::now() < deadline, "/readyz never said {status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load() {
    let _alone = POSTGRES.lock().await;
    let (test_db, accounts, site) = prepared(Engine::Postgres).await;
    let port = Arc::new(AtomicU16::new(free_port()));
    let stop = Arc::new(AtomicBool::new(false));
    let ledger: Ledger = Arc::default();
    let http = reqwest::Client::new();
    let port_now = port.load(Ordering::SeqCst);
    let mut server = start(&test_db.url, port_now, &site);
    wait_ready(&http, port_now).await;
    let clients = spawn_clients(&accounts, &port, &stop, &ledger);
    tokio::time::sleep(Duration::from_millis(500)).await;

    let cluster = Cluster::local();
    cluster.run("stop");
    until_ready_is(&http, port_now, 503).await;
    let answered_before = ledger.lock().unwrap().len();
    tokio::time::sleep(Duration::from_secs(1)).await;
    cluster.run("start");
    // The server comes back by itself, and takes cases again.
    until_ready_is(&http, port_now, 200).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    finish_clients(&stop, clients).await;
    assert!(
        server.try_wait().unwrap().is_none(),
        "the server kept running"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    drop(cluster);

    let ledger = ledger.lock().unwrap().clone();
    eprintln!(
        "PostgreSQL stopped and started: {answered_before} requests answered before, {} in all",
        ledger.len()
    );
    assert!(answered_before > 0, "clients were answered before the stop");
    assert!(ledger.len() > answered_before, "and after it");
    let db = Database::connect(&test_db.url).await.unwrap();
    check_integrity(&db, Engine::Postgres, &ledger).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(site);
    test_db.finish().await;
}

/// A small tmpfs of its own (a "disk" the test can fill), unmounted when
/// the test ends, however it ends.
struct SmallDisk {
    path: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Self {
        let path = std::env::temp_dir().join(format!("heatdesk-small-disk-{}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&path)
            .status()
            .expect("mount runs");
        assert!(status.success(), "mount a tmpfs (the tests run as root)");
        Self { path }
    }

    /// Writes a file until the disk is full.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        let _ = file.sync_all();
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_a_clear_503_until_space_returns() {
    let disk = SmallDisk::mount(24);
    let url = format!("sqlite:{}", disk.path.join("heatdesk.db").display());
    let seeded = Command::new(BIN)
        .args(["seed", "--demo"])
        .env("DATABASE_URL", &url)
        .env("HEATDESK_FIXED_NOW", NOW)
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let db = Database::connect(&url).await.unwrap();
    let now = domain::clock::parse_local_input(NOW).unwrap();
    sqlx::query(
        "INSERT INTO api_keys (label, key_hash, key_hint, issued_by, issued_at) \
         SELECT 'full disk', $1, 'hd311_full', id, $2 FROM people WHERE username = 'admin_demo'",
    )
    .bind(backend::secrets::token_hash(KEY))
    .bind(now)
    .execute(db.writer())
    .await
    .unwrap();
    let account: String = sqlx::query_scalar(
        "SELECT account_no FROM households WHERE service_state = 'heated' ORDER BY id LIMIT 1",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    db.close().await;

    let port = free_port();
    let mut server = start(&url, port, &disk.path);
    let http = reqwest::Client::new();
    wait_ready(&http, port).await;
    let post = |description: &'static str| {
        http.post(format!("http://127.0.0.1:{port}/open311/v2/requests.json"))
            .form(&[
                ("api_key", KEY),
                ("service_code", "heating-repair"),
                ("attribute[category]", "noise"),
                ("address_id", account.as_str()),
                ("description", description),
            ])
            .send()
    };
    assert_eq!(
        post("before the disk fills")
            .await
            .unwrap()
            .status()
            .as_u16(),
        201
    );

    let filler = disk.fill();
    let full = post("while the disk is full").await.unwrap();
    assert_eq!(full.status().as_u16(), 503);
    let body = full.text().await.unwrap();
    assert!(body.contains("存储空间已满"), "{body}");
    // A person's form says the same, in Chinese, with the same status.
    let signing_in = http
        .post(format!("http://127.0.0.1:{port}/api/signin/staff"))
        .header("accept", "application/json")
        .form(&[("username", "admin_demo"), ("password", "heatdesk2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(signing_in.status().as_u16(), 503);
    assert!(signing_in.text().await.unwrap().contains("存储空间已满"));
    let alive = http
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(alive.status().as_u16(), 200, "no panic, the server lives");

    std::fs::remove_file(filler).unwrap();
    let again = post("after space returned").await.unwrap();
    assert_eq!(again.status().as_u16(), 201, "{:?}", again.text().await);
    assert!(server.try_wait().unwrap().is_none());
    server.kill().unwrap();
    server.wait().unwrap();
}

/// The most memory the server may hold while the burst below is filed:
/// three forms of six 5 MB photos read at once (90 MB), one 24-megapixel
/// photo decoded at a time (72 MB and its thumbnail), and the server
/// itself. The same burst took the server before these limits to 3.7 GB.
const UPLOAD_MEMORY_BOUND_MIB: u64 = 512;

/// A 6000 × 4000 PNG (24 megapixels, the most accepted) padded with a
/// private chunk to nearly 5 MB (the largest file accepted).
fn maximal_photo() -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(6000, 4000, image::Rgb([180, 40, 40]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let padding = domain::uploads::MAX_UPLOAD_BYTES - png.len() - 1024;
    let data: Vec<u8> = (0..padding).map(|i| (i * 7919 % 251) as u8).collect();
    let mut chunk = Vec::with_capacity(padding + 12);
    chunk.extend_from_slice(&(padding as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(b"heAt");
    crc.update(&data);
    chunk.extend_from_slice(b"heAt");
    chunk.extend_from_slice(&data);
    chunk.extend_from_slice(&crc.finalize().to_be_bytes());
    // Before IEND (the last 12 bytes).
    let iend = png.len() - 12;
    png.splice(iend..iend, chunk);
    png
}

/// The most memory a process has held (VmHWM), in MiB.
fn peak_memory_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap();
    kib / 1024
}

/// Twenty filings of six maximal photos each, all at once, from one
/// resident: the server holds no more than the bound, stays ready, and
/// answers every one (a case, or "try again later" once a form has waited
/// its turn too long).
async fn uploads_cannot_exhaust_memory(engine: Engine) {
    let (test_db, _, _) = prepared(engine).await;
    let site = std::env::temp_dir().join(format!(
        "heatdesk-uploads-{}-{:?}",
        std::process::id(),
        engine
    ));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let token = "upload-burst-session-token-known-to-the-test";
    let now = domain::clock::parse_local_input(NOW).unwrap();
    let (person, household): (i64, i64) = sqlx::query_as(
        "SELECT p.id, ph.household_id FROM people p \
         JOIN person_households ph ON ph.person_id = p.id WHERE p.phone = '13800000001'",
    )
    .fetch_one(test_db.db.reader())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, created_at, last_seen_at, idle_timeout, \
                               absolute_timeout) VALUES ($1, $2, $3, $3, 86400, 86400)",
    )
    .bind(backend::secrets::token_hash(token))
    .bind(person)
    .bind(now)
    .execute(test_db.db.writer())
    .await
    .unwrap();
    let port = free_port();
    let mut server = start(&test_db.url, port, &site);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    wait_ready(&http, port).await;
    let photo = maximal_photo();
    let base = format!("http://127.0.0.1:{port}");
    let filings: Vec<_> = (0..20)
        .map(|n| {
            let (http, photo, base) = (http.clone(), photo.clone(), base.clone());
            tokio::spawn(async move {
                let mut form = reqwest::multipart::Form::new()
                    .text("household_id", household.to_string())
                    .text("category", "noise")
                    .text("description", format!("暖气片异响 {n}"))
                    .text("idempotency_key", format!("upload-burst-{n:04}-0123456789"));
                for k in 0..6 {
                    let part = reqwest::multipart::Part::bytes(photo.clone())
                        .file_name(format!("photo-{k}.png"));
                    form = form.part("photos", part);
                }
                http.post(format!("{base}/api/file/repair"))
                    .header("cookie", format!("hd_session={token}"))
                    .header("origin", &base)
                    .header("accept", "text/html")
                    .multipart(form)
                    .send()
                    .await
                    .map(|answer| {
                        let location = answer
                            .headers()
                            .get("location")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string();
                        (answer.status().as_u16(), location)
                    })
            })
        })
        .collect();
    // Ready all along.
    let mut ready_checks = 0;
    while filings.iter().any(|f| !f.is_finished()) {
        let ready = http
            .get(format!("{base}/readyz"))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .unwrap();
        assert_eq!(ready.status(), 200, "ready during the burst");
        ready_checks += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut filed = 0;
    for filing in filings {
        let (status, location) = filing.await.unwrap().expect("answered");
        assert!(status < 500, "{status} {location}");
        if location.starts_with("/cases/") {
            filed += 1;
        }
    }
    let peak = peak_memory_mib(server.id());
    eprintln!(
        "{engine:?}: 20 filings × 6 photos of 24 MP: {filed} filed, peak {peak} MiB \
         (bound {UPLOAD_MEMORY_BOUND_MIB}), ready {ready_checks} times during the burst"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(filed >= 1, "some filings went through");
    assert!(
        peak <= UPLOAD_MEMORY_BOUND_MIB,
        "peak {peak} MiB over {UPLOAD_MEMORY_BOUND_MIB} MiB"
    );
    let photos: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments")
        .fetch_one(test_db.db.reader())
        .await
        .unwrap();
    assert!(photos >= 6 * filed, "{photos} photos for {filed} filings");
    let _ = std::fs::remove_dir_all(site);
    test_db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_cannot_exhaust_memory_on_sqlite() {
    uploads_cannot_exhaust_memory(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_cannot_exhaust_memory_on_postgres() {
    let _alone = POSTGRES.lock().await;
    uploads_cannot_exhaust_memory(Engine::Postgres).await;
}
