//! The database: SQLite (the embedded default) or PostgreSQL, chosen by the
//! URL, reached through sqlx's `Any` driver so that one set of queries serves
//! both. Queries use `$1` placeholders, which both engines read.

use crate::error::{BackendError, BackendResult};
use crate::group_commit::{GroupCommit, WriteTurn};
use crate::reference::ReadCaches;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Once};
use std::time::Duration;
use translations::{text, Localized};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which engine a [`Database`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a `DATABASE_URL` names, or a refusal saying why none.
    pub fn of_url(url: &str) -> BackendResult<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else {
            Err(BackendError::refused(text::database_url_scheme))
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Self::Sqlite => &SQLITE_MIGRATIONS,
            Self::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// Connections to the portal's database.
///
/// On SQLite, writes go through a pool of exactly one connection, so
/// concurrent writers queue in the application instead of failing with
/// "database is locked"; reads use their own pool and never wait for a
/// writer (WAL). On PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Database {
    engine: Engine,
    reader: AnyPool,
    writer: AnyPool,
    /// Reference data this process read lately (see [`crate::reference`]).
    caches: Arc<ReadCaches>,
    /// On SQLite, the writer connection's batches (see
    /// [`crate::group_commit`]).
    group_commit: Option<Arc<GroupCommit>>,
}

/// How long a request may wait for a pooled connection before it fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

impl Database {
    /// Connects to `url` (`sqlite:data/heatdesk.db` or `postgres://…`),
    /// creating an SQLite file and its folder when missing. Does not migrate.
    pub async fn connect(url: &str) -> BackendResult<Self> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);

        let engine = Engine::of_url(url)?;
        match engine {
            Engine::Postgres => {
                let options = AnyConnectOptions::from_str(url).map_err(invalid_url)?;
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await?;
                Ok(Self {
                    engine,
                    reader: pool.clone(),
                    writer: pool,
                    caches: Arc::default(),
                    group_commit: None,
                })
            }
            Engine::Sqlite => {
                let url = sqlite_url_creating_file(url)?;
                let options = AnyConnectOptions::from_str(&url).map_err(invalid_url)?;
                let writer = sqlite_pool(1).connect_with(options.clone()).await?;
                let reader = sqlite_pool(4).connect_with(options).await?;
                Ok(Self {
                    engine,
                    reader,
                    group_commit: Some(GroupCommit::new(writer.clone())),
                    writer,
                    caches: Arc::default(),
                })
            }
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The pool for queries that only read.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    pub(crate) fn caches(&self) -> &ReadCaches {
        &self.caches
    }

    /// The pool for anything that writes.
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// A turn to write where many people write at once (filings): begin a
    /// transaction on [`WriteTurn::connection`], write, commit it, then
    /// [`WriteTurn::durable`] answers once it is on disk. On SQLite the
    /// turn shares one commit with the writers beside it (see
    /// [`crate::group_commit`]); while it is held, nothing else of the
    /// writer may be used (the writer pool and other turns wait for it).
    pub async fn write_turn(&self) -> BackendResult<WriteTurn> {
        match &self.group_commit {
            Some(group) => group.turn().await,
            None => WriteTurn::alone(&self.writer).await,
        }
    }

    /// How many group commits this process made (SQLite; none on
    /// PostgreSQL): for the benchmark and the tests.
    pub fn group_commits(&self) -> u64 {
        self.group_commit
            .as_ref()
            .map_or(0, |group| group.commits())
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> BackendResult<()> {
        self.engine.migrator().run(&self.writer).await?;
        Ok(())
    }

    /// Applies the migrations up to version `last` and none after, for
    /// tests of what a later migration does to existing rows.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn migrate_through(&self, last: i64) -> BackendResult<()> {
        let first_ones = Migrator {
            migrations: std::borrow::Cow::Owned(
                self.engine
                    .migrator()
                    .iter()
                    .filter(|m| m.version <= last)
                    .cloned()
                    .collect(),
            ),
            ..Migrator::DEFAULT
        };
        first_ones.run(&self.writer).await?;
        Ok(())
    }

    /// How many of the migrations this build carries are not yet applied
    /// (an error when the database cannot be reached).
    pub async fn pending_migrations(&self) -> BackendResult<usize> {
        let table_exists: i64 = match self.engine {
            Engine::Sqlite => sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            ),
            Engine::Postgres => sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()",
            ),
        }
        .fetch_one(&self.reader)
        .await?;
        let applied: BTreeSet<i64> = if table_exists == 0 {
            BTreeSet::new()
        } else {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.reader)
                .await?
                .into_iter()
                .collect()
        };
        Ok(self
            .engine
            .migrator()
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count())
    }

    /// Closes every connection (at shutdown; SQLite checkpoints its WAL).
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

fn sqlite_pool(max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(|connection, _| {
            Box::pin(async move {
                connection
                    .execute(
                        "PRAGMA journal_mode = WAL; \
                         PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; \
                         PRAGMA busy_timeout = 5000;",
                    )
                    .await?;
                Ok(())
            })
        })
}

fn invalid_url(error: sqlx::Error) -> BackendError {
    BackendError::Invalid(Localized::new(|lang| {
        text::database_url_unreadable(lang, &error)
    }))
}

/// Makes sure the folder of an SQLite file exists and that the URL asks for
/// the file to be created when missing.
fn sqlite_url_creating_file(url: &str) -> BackendResult<String> {
    let rest = url.trim_start_matches("sqlite:");
    let path_part = rest.trim_start_matches("//");
    let (path, query) = match path_part.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_part, None),
    };
    if path.is_empty() || path == ":memory:" {
        return Err(BackendError::refused(text::database_url_sqlite_file));
    }
    if let Some(folder) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(|error| {
            BackendError::Invalid(Localized::new(|lang| {
                text::data_folder_not_created(lang, &error, folder.display())
            }))
        })?;
    }
    Ok(match query {
        Some(query) if query.contains("mode=") => url.to_string(),
        Some(query) => format!("sqlite://{path}?{query}&mode=rwc"),
        None => format!("sqlite://{path}?mode=rwc"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_follow_the_url_scheme() {
        assert_eq!(Engine::of_url("postgres://x/y").unwrap(), Engine::Postgres);
        assert_eq!(
            Engine::of_url("postgresql://x/y").unwrap(),
            Engine::Postgres
        );
        assert_eq!(Engine::of_url("sqlite:data/a.db").unwrap(), Engine::Sqlite);
        let error = Engine::of_url("mysql://x").unwrap_err();
        assert!(error.to_string().contains("DATABASE_URL"));
    }

    #[test]
    fn sqlite_urls_create_the_file_and_keep_their_options() {
        let dir = std::env::temp_dir().join(format!("heatdesk-url-{}", std::process::id()));
        let file = dir.join("nested/x.db");
        let url = sqlite_url_creating_file(&format!("sqlite:{}", file.display())).unwrap();
        assert_eq!(url, format!("sqlite://{}?mode=rwc", file.display()));
        assert!(file.parent().unwrap().is_dir());
        let url =
            sqlite_url_creating_file(&format!("sqlite://{}?mode=ro", file.display())).unwrap();
        assert!(url.ends_with("?mode=ro"));
        assert!(sqlite_url_creating_file("sqlite::memory:").is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
