use backend::seed::demo;
use backend::Database;
use clap::Parser;
use server::config::{Cli, Command, Config, Imported, Simulated};
use server::health::Readiness;
use server::{background, router, shutdown};
use std::process::ExitCode;

/// A page render makes thousands of small, short-lived allocations: with
/// glibc's allocator, malloc and free took a third of the home page's time
/// under load (perf, #21).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    let cli = Cli::parse();
    let config = match cli.settings.validate() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    // Without a subcommand `heatdesk` serves; HEATDESK_DEMO still applies.
    let default_serve = || Command::Serve {
        demo: std::env::var("HEATDESK_DEMO")
            .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "on")),
    };
    let result = match cli.command.unwrap_or_else(default_serve) {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Migrate => migrate(&config).await.map(|_| ()),
        Command::Seed {
            scale: Some(households),
            ..
        } => seed_scale(&config, households).await,
        Command::Seed { .. } => seed_demo(&config).await,
        Command::Simulate {
            what: Simulated::Telemetry { days },
        } => simulate_telemetry(&config, days).await,
        Command::Import { what } => import(&config, what).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(config: &Config) -> Result<Database, String> {
    let db = Database::connect(&config.database_url)
        .await
        .map_err(|e| format!("无法连接数据库 DATABASE_URL：{}", e.log_detail()))?;
    db.migrate()
        .await
        .map_err(|e| format!("数据库迁移失败：{}", e.log_detail()))?;
    Ok(db)
}

/// Seeds the demo city when the database holds none; `None` when it did.
async fn seed_demo_if_empty(
    db: &Database,
    config: &Config,
) -> Result<Option<demo::DemoSummary>, String> {
    if !demo::is_empty(db)
        .await
        .map_err(|e| e.log_detail().to_string())?
    {
        return Ok(None);
    }
    let now = config
        .fixed_now
        .unwrap_or_else(|| app::context::TimeSource::System.now());
    let summary = demo::seed_demo(db, now)
        .await
        .map_err(|e| format!("写入演示数据失败：{}", e.log_detail()))?;
    backend::seed::demo_bills::seed_demo_bills(db, now)
        .await
        .map_err(|e| format!("写入演示热费账单失败：{}", e.log_detail()))?;
    Ok(Some(summary))
}

async fn seed_demo(config: &Config) -> Result<(), String> {
    let db = migrate(config).await?;
    let Some(summary) = seed_demo_if_empty(&db, config).await? else {
        return Err("数据库中已有数据，未写入演示数据（请使用空数据库）".to_string());
    };
    println!(
        "演示数据已写入：{} 家供热企业，{} 座换热站，{} 个小区，{} 栋楼，{} 户，{} 条停热公告，{} 个工单。",
        summary.companies,
        summary.stations,
        summary.communities,
        summary.buildings,
        summary.households,
        summary.outages,
        summary.cases
    );
    print_demo_accounts();
    db.close().await;
    Ok(())
}

async fn seed_scale(config: &Config, households: i64) -> Result<(), String> {
    let db = migrate(config).await?;
    let now = config
        .fixed_now
        .unwrap_or_else(|| app::context::TimeSource::System.now());
    let mut progress = server::progress::Progress::new("写入合成城市", "行");
    let summary = backend::seed::scale::seed_scale(&db, households, now, &mut |done, total| {
        progress.update(done, total)
    })
    .await
    .map_err(|e| format!("写入合成城市失败：{}", e.log_detail()))?;
    progress.finish();
    println!(
        "合成城市已写入（{} 秒）：{} 个小区，{} 栋楼，{} 户，{} 个网格，{} 个工单，{} 条工单记录。",
        summary.seconds,
        summary.communities,
        summary.buildings,
        summary.households,
        summary.grids,
        summary.cases,
        summary.events
    );
    print_demo_accounts();
    db.close().await;
    Ok(())
}

async fn simulate_telemetry(config: &Config, days: i64) -> Result<(), String> {
    let db = migrate(config).await?;
    let now = config
        .fixed_now
        .unwrap_or_else(|| app::context::TimeSource::System.now());
    let registered = backend::seed::telemetry::register_sensors(&db, now)
        .await
        .map_err(|e| format!("登记模拟传感器失败：{}", e.log_detail()))?;
    if registered > 0 {
        println!("已登记 {registered} 个模拟传感器。");
    }
    let started = std::time::Instant::now();
    let mut progress = server::progress::Progress::new("模拟遥测数据", "条");
    let done = backend::seed::telemetry::simulate(
        &db,
        now - days * 86_400,
        now,
        now,
        &mut |done, total| progress.update(done, total),
    )
    .await
    .map_err(|e| format!("写入模拟遥测数据失败：{}", e.log_detail()))?;
    progress.finish();
    println!(
        "模拟遥测数据已写入（{:.1} 秒）：{} 个传感器，{} 条读数，其中新增 {} 条。",
        started.elapsed().as_secs_f64(),
        done.sensors,
        done.readings,
        done.kept
    );
    db.close().await;
    Ok(())
}

async fn import(config: &Config, what: Imported) -> Result<(), String> {
    let db = migrate(config).await?;
    let now = config
        .fixed_now
        .unwrap_or_else(|| app::context::TimeSource::System.now());
    let done = match what {
        Imported::Sensors { file } => server::imports::sensors(&db, &file, now).await,
        Imported::Readings { file } => server::imports::readings(&db, &file, now).await,
    };
    db.close().await;
    println!("{}", done?);
    Ok(())
}

fn print_demo_accounts() {
    println!(
        "演示账号：居民用手机号 + 验证码登录（验证码见 /demo/outbox），工作人员密码均为 {}",
        demo::DEMO_STAFF_PASSWORD
    );
    for account in demo::DEMO_ACCOUNTS {
        println!(
            "  {:<6} {:<8} {}",
            account.role_label, account.display_name, account.login
        );
    }
}

async fn serve(config: Config, demo_mode: bool) -> Result<(), String> {
    let config = config.for_serving(demo_mode).map_err(|e| e.to_string())?;
    let db = migrate(&config).await?;
    if demo_mode
        && !demo::may_serve_demo(&db)
            .await
            .map_err(|e| e.log_detail().to_string())?
    {
        return Err(
            "演示模式只能用于空数据库或 heatdesk seed 写入的演示城市：这个数据库里是真实数据"
                .to_string(),
        );
    }
    if demo_mode {
        if seed_demo_if_empty(&db, &config).await?.is_some() {
            tracing::info!("seeded the demo city into the empty database");
        }
        print_demo_accounts();
    }
    let readiness = Readiness::default();
    let state = router::state(&config, db.clone(), readiness.clone(), demo_mode);
    let delivery = background::spawn_delivery(
        db.clone(),
        background::channels(&config, state.wechat_account.tokens.clone())?,
        state.services.clock.clone(),
    );
    let simulator = demo_mode.then(|| {
        background::spawn_telemetry_simulator(
            db.clone(),
            state.services.clock.clone(),
            state.services.settings.clone(),
        )
    });
    let housekeeping = background::spawn_housekeeping(
        db.clone(),
        state.services.clock.clone(),
        state.services.settings.clone(),
        config.telemetry_raw_months,
    );
    let payments = background::spawn_payment_follow_up(
        db.clone(),
        state.services.payments.clone(),
        state.services.clock.clone(),
    );
    let app = router::build(state, config.request_timeout);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("无法监听 HEATDESK_LISTEN={}：{e}", config.listen))?;
    tracing::info!("heatdesk listening on http://{}", config.listen);
    println!("heatdesk 已启动：{}", config.public_url);
    router::serve(listener, app, shutdown::signal(readiness))
        .await
        .map_err(|e| format!("服务异常退出：{e}"))?;
    delivery.abort();
    housekeeping.abort();
    payments.abort();
    if let Some(simulator) = simulator {
        simulator.abort();
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}
