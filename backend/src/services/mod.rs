//! Use cases: a domain rule plus the store, one module per area.

pub mod accounts;
pub mod admin;
pub mod api_keys;
pub mod attachments;
pub mod bindings;
pub mod case_rules;
pub mod delivery;
pub mod fees;
pub mod grid_work;
pub mod hotline;
pub mod identity;
pub mod incidents;
pub mod one_time_codes;
pub mod open311;
pub mod outage_desk;
pub mod payments;
pub mod public;
pub mod reports;
pub mod season_decisions;
pub mod second_factor;
pub mod telemetry;
pub mod throttle;
