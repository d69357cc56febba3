//! Use cases: a domain rule plus the store, one module per area.

pub mod accounts;
pub mod admin;
pub mod attachments;
pub mod casework;
pub mod delivery;
pub mod identity;
pub mod public;
