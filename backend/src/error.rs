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
}

impl BackendError {
    /// What a person may be shown.
    pub fn public_message(&self) -> String {
        self.to_string()
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

impl From<sqlx::Error> for BackendError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

impl From<sqlx::migrate::MigrateError> for BackendError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Migration(error)
    }
}

pub type BackendResult<T> = Result<T, BackendError>;
