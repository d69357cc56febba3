//! The one error type of the backend layer: a message for the person in
//! front of the screen, in each language of the catalogue, and the precise
//! cause for the log.

use std::borrow::Cow;
use std::fmt;
use translations::{text, Lang, Localize, Localized, StaticText};

#[derive(Debug)]
pub enum BackendError {
    /// The thing asked for does not exist (or is not the caller's to see).
    NotFound(StaticText),
    /// The input breaks a rule; the message says which.
    Invalid(Localized),
    /// Too many attempts of this kind lately; the message says when to retry.
    Throttled(Localized),
    /// Not signed in, or the session ended.
    SignedOut,
    /// Signed in, but this is not the person's to do.
    Forbidden,
    /// Something that should not happen; people see a generic apology.
    Internal(String),
    /// The database failed; people see a generic apology.
    Database(sqlx::Error),
    /// Migrations could not be applied.
    Migration(sqlx::migrate::MigrateError),
    /// The disk under the database or the uploads is full, or it became
    /// read-only: nothing can be saved until an operator makes room.
    Storage(String),
}

impl BackendError {
    /// A refusal that is one message of the catalogue.
    pub fn refused(message: StaticText) -> Self {
        Self::Invalid(message.into())
    }

    /// A refusal a rule in `domain` gave, in its own words.
    pub fn invalid(reason: &impl Localize) -> Self {
        Self::Invalid(reason.localized())
    }

    /// What a person may be shown, in their language.
    pub fn public_message(&self, lang: Lang) -> Cow<'static, str> {
        self.say(lang)
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

impl Localize for BackendError {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::NotFound(message) => Cow::Borrowed(message(lang)),
            Self::Invalid(message) | Self::Throttled(message) => message.say(lang),
            Self::SignedOut => text::error_signed_out(lang).into(),
            Self::Forbidden => text::error_forbidden(lang).into(),
            Self::Internal(_) => text::error_internal(lang).into(),
            Self::Database(_) => text::error_database(lang).into(),
            Self::Migration(_) => text::error_migration(lang).into(),
            Self::Storage(_) => text::error_storage(lang).into(),
        }
    }
}

/// The public message in the default language.
impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.say(Lang::default()))
    }
}

impl std::error::Error for BackendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Database(error) => Some(error),
            Self::Migration(error) => Some(error),
            _ => None,
        }
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
