//! The backend's integration tests, one binary: the store and the services
//! on fresh SQLite and PostgreSQL databases, the outbox's delivery, and the
//! providers' clients against local stand-ins.

mod compliance;
mod delivery;
mod group_commit;
mod integrations;
mod schema;
mod store;
mod telemetry;
