//! Fresh databases for tests, on SQLite and on PostgreSQL.
//!
//! PostgreSQL is reached at `HEATDESK_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test gets a database of
//! its own, dropped again by [`TestDb::finish`].

use crate::db::{Database, Engine};
use sqlx::Executor;
use std::sync::atomic::{AtomicU64, Ordering};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A migrated, empty database that exists for one test.
pub struct TestDb {
    pub db: Database,
    /// Where it is, for a process of its own (the `heatdesk` binary).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "heatdesk_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

impl TestDb {
    /// A database with the migrations up to `last` (a version) applied
    /// and none after: for testing what a later migration does to rows.
    pub async fn migrated_through(engine: Engine, last: i64) -> Self {
        let test_db = match engine {
            Engine::Sqlite => Self::sqlite_unmigrated().await,
            Engine::Postgres => Self::postgres_unmigrated().await,
        };
        test_db
            .db
            .migrate_through(last)
            .await
            .expect("migrate the test database part of the way");
        test_db
    }

    pub async fn new(engine: Engine) -> Self {
        match engine {
            Engine::Sqlite => Self::sqlite().await,
            Engine::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let test_db = Self::sqlite_unmigrated().await;
        test_db
            .db
            .migrate()
            .await
            .expect("migrate SQLite test database");
        test_db
    }

    async fn sqlite_unmigrated() -> Self {
        let folder = std::env::temp_dir().join(unique_name());
        let url = format!("sqlite:{}", folder.join("heatdesk.db").display());
        let db = Database::connect(&url)
            .await
            .expect("open SQLite test database");
        Self {
            db,
            url,
            cleanup: Cleanup::File(folder),
        }
    }

    pub async fn postgres() -> Self {
        let test_db = Self::postgres_unmigrated().await;
        test_db
            .db
            .migrate()
            .await
            .expect("migrate PostgreSQL test database");
        test_db
    }

    async fn postgres_unmigrated() -> Self {
        let admin_url = std::env::var("HEATDESK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string());
        let name = unique_name();
        let admin = Database::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} unreachable: {e:?}"));
        admin
            .writer()
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create PostgreSQL test database");
        admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').expect("URL names a database");
        let url = format!("{base}/{name}");
        let db = Database::connect(&url)
            .await
            .expect("open PostgreSQL test database");
        Self {
            db,
            url,
            cleanup: Cleanup::PostgresDatabase { admin_url, name },
        }
    }

    /// Closes the database and removes it.
    pub async fn finish(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::File(folder) => {
                let _ = std::fs::remove_dir_all(folder);
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin
                        .writer()
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    admin.close().await;
                }
            }
        }
    }
}

/// What a check runs against, fresh for each engine: a database
/// ([`TestDb`]) here, a whole server in the server's tests.
pub trait EngineFixture: Sized {
    fn start(engine: Engine) -> impl std::future::Future<Output = Self>;
    fn finish(self) -> impl std::future::Future<Output = ()>;
}

impl EngineFixture for TestDb {
    async fn start(engine: Engine) -> Self {
        Self::new(engine).await
    }

    async fn finish(self) {
        TestDb::finish(self).await
    }
}

/// Runs an async check once on SQLite and once on PostgreSQL, each against
/// a fresh fixture: `on_both_engines!(name, |db: Database| async move { … })`
/// on a database, `on_both_engines!(name, TestServer, check)` on anything
/// else that is an [`EngineFixture`] (the check gets `&fixture`).
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident, $check:expr) => {
        $crate::on_both_engines!(
            $name,
            $crate::testing::TestDb,
            |test_db: &$crate::testing::TestDb| ($check)(test_db.db.clone())
        );
    };
    ($name:ident, $fixture:ty, $check:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let fixture =
                    <$fixture as $crate::testing::EngineFixture>::start($crate::db::Engine::Sqlite)
                        .await;
                ($check)(&fixture).await;
                $crate::testing::EngineFixture::finish(fixture).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let fixture = <$fixture as $crate::testing::EngineFixture>::start(
                    $crate::db::Engine::Postgres,
                )
                .await;
                ($check)(&fixture).await;
                $crate::testing::EngineFixture::finish(fixture).await;
            }
        }
    };
}

/// A text provider for tests and benchmarks that takes every text: it
/// records the size of each call (a batch is one call) and how often each
/// number heard from it. Each call may take a while, as a real one does, so
/// that workers running side by side overlap.
#[derive(Debug, Default)]
pub struct CountingProvider {
    call_sizes: std::sync::Mutex<Vec<usize>>,
    per_number: std::sync::Mutex<std::collections::HashMap<String, usize>>,
    delay: std::time::Duration,
}

impl CountingProvider {
    /// A provider whose calls each take `delay`.
    pub fn with_delay(delay: std::time::Duration) -> Self {
        Self {
            delay,
            ..Self::default()
        }
    }

    /// The size of every call so far, in order.
    pub fn call_sizes(&self) -> Vec<usize> {
        self.call_sizes
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    /// How many texts each number got.
    pub fn per_number(&self) -> std::collections::HashMap<String, usize> {
        self.per_number
            .lock()
            .map(|p| p.clone())
            .unwrap_or_default()
    }

    async fn took(&self, texts: &[crate::integrations::sms::OutgoingText]) {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        if let Ok(mut sizes) = self.call_sizes.lock() {
            sizes.push(texts.len());
        }
        if let Ok(mut per_number) = self.per_number.lock() {
            for text in texts {
                *per_number.entry(text.phone.clone()).or_default() += 1;
            }
        }
    }
}

impl crate::integrations::sms::NotificationChannel for CountingProvider {
    fn name(&self) -> &'static str {
        "counting"
    }

    fn send<'a>(
        &'a self,
        text: &'a crate::integrations::sms::OutgoingText,
    ) -> crate::integrations::sms::BoxFuture<'a, Result<(), crate::integrations::sms::SendFailure>>
    {
        Box::pin(async move {
            self.took(std::slice::from_ref(text)).await;
            Ok(())
        })
    }

    fn send_batch<'a>(
        &'a self,
        texts: &'a [crate::integrations::sms::OutgoingText],
    ) -> crate::integrations::sms::BoxFuture<
        'a,
        Vec<Result<(), crate::integrations::sms::SendFailure>>,
    > {
        Box::pin(async move {
            self.took(texts).await;
            vec![Ok(()); texts.len()]
        })
    }
}
