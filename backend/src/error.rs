//! The one error type of the backend layer: a Chinese message for the person
//! in front of the screen and the precise cause for the log.

use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The thing asked for does not exist (or is not the caller's to see).
    #[error("{0}")]
    NotFound(&'static str),
    /// The input breaks a rule; the message says which, in Chinese.
    #[error("{0}")]
    Invalid(String),
    /// Too many attempts of this kind lately; the message says when to retry.
    #[error("{0}")]
    Throttled(String),
    /// Not signed in, or the session ended.
    #[error("请先登录")]
    SignedOut,
    /// Signed in, but this is not the person's to do.
    #[error("没有权限进行此操作")]
    Forbidden,
    /// Something that should not happen; people see a generic apology.
    #[error("服务暂时出错，请稍后再试")]
    Internal(String),
    /// The database failed; people see a generic apology.
    #[error("数据库暂时不可用，请稍后再试")]
    Database(#[source] sqlx::Error),
    /// Migrations could not be applied.
    #[error("数据库结构升级失败")]
    Migration(#[source] sqlx::migrate::MigrateError),
    /// The disk under the database or the uploads is full, or it became
    /// read-only: nothing can be saved until an operator makes room.
    #[error("存储空间已满或数据目录不可写，暂时无法保存，请稍后再试")]
    Storage(String),
}

impl BackendError {
    /// What a person may be shown.
    pub fn public_message(&self) -> String {
        self.to_string()
    }

    /// The HTTP status this error answers with, wherever it is answered:
    /// server functions, Open311, 12345, the CSV export and the photos.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 400,
            Self::SignedOut => 401,
            Self::Forbidden => 403,
            Self::NotFound(_) => 404,
            Self::Throttled(_) => 429,
            Self::Internal(_) | Self::Migration(_) => 500,
            // The database or the disk will be back: try again later.
            Self::Database(_) | Self::Storage(_) => 503,
        }
    }

    /// Whether the server, not the caller, is at fault (logged in full).
    pub fn is_server_fault(&self) -> bool {
        self.status() >= 500
    }

    /// Everything, for the log.
    pub fn log_detail(&self) -> LogDetail<'_> {
        LogDetail(self)
    }
}

/// Displays an error with its whole chain of causes.
pub struct LogDetail<'a>(&'a BackendError);

impl fmt::Display for LogDetail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// Whether an I/O error means "no room" or "read-only".
pub fn is_storage_error(error: &std::io::Error) -> bool {
    // ENOSPC, EDQUOT, EROFS
    matches!(error.raw_os_error(), Some(28 | 122 | 30))
}

/// SQLite's SQLITE_FULL (13), SQLITE_READONLY (8) and its extended codes,
/// PostgreSQL's disk_full (53100), or an I/O error saying the same.
fn is_storage_failure(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let primary = code.parse::<i64>().map(|c| c & 0xff).ok();
            matches!(primary, Some(13 | 8))
                || code == "53100"
                || db.message().contains("database or disk is full")
        }
        sqlx::Error::Io(io) => is_storage_error(io),
        _ => false,
    }
}

impl From<sqlx::Error> for BackendError {
    fn from(error: sqlx::Error) -> Self {
        if is_storage_failure(&error) {
            Self::Storage(error.to_string())
        } else {
            Self::Database(error)
        }
    }
}

impl From<std::io::Error> for BackendError {
    fn from(error: std::io::Error) -> Self {
        if is_storage_error(&error) {
            Self::Storage(error.to_string())
        } else {
            Self::Internal(error.to_string())
        }
    }
}

impl From<sqlx::migrate::MigrateError> for BackendError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Migration(error)
    }
}

pub type BackendResult<T> = Result<T, BackendError>;
