//! One module per page (or family of pages) a person opens.

pub mod admin;
pub mod api_keys;
pub mod bind_by_address;
pub mod building;
pub mod case_rules;
pub mod cases;
pub mod demo_outbox;
pub mod fees;
pub mod filing;
pub mod home;
pub mod me;
pub mod not_found;
pub mod outage_desk;
pub mod outages;
pub mod reports;
pub mod season_desk;
pub mod sensors;
pub mod signin;
pub mod staff;
pub mod stations;
