//! heatdesk's native side: the database (SQLite or PostgreSQL), one store
//! module per aggregate, the use cases that combine domain rules with the
//! store, and the demo data.

pub mod cases;
pub mod config;
pub mod db;
pub mod error;
pub mod group_commit;
pub mod integrations;
pub mod qr;
pub mod reference;
pub mod secrets;
pub mod seed;
pub mod services;
pub mod snapshot;
pub mod store;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod totp;

pub use config::PortalSettings;
pub use db::Database;
pub use error::{BackendError, BackendResult};
