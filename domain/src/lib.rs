//! heatdesk's domain rules: plain functions and types with no I/O.
//!
//! Everything here builds for the server and for wasm, and is unit-tested
//! without a database or a network.

pub mod account;
pub mod api_keys;
pub mod applications;
pub mod case_flow;
pub mod case_texts;
pub mod cases;
pub mod city_report;
pub mod clock;
pub mod compliance;
pub mod credentials;
pub mod deadlines;
pub mod delivery;
pub mod fees;
pub mod grid_work;
pub mod hotline;
pub mod household;
pub mod incidents;
pub mod limits;
pub mod measurement;
pub mod news_feed;
pub mod notices;
pub mod open311;
pub mod otp;
pub mod outage;
pub mod outage_desk;
pub mod phone;
pub mod print_notice;
pub mod readings;
pub mod repair;
pub mod reports;
pub mod roles;
pub mod season;
pub mod season_decision;
pub mod second_factor;
pub mod service_change;
pub mod session;
pub mod telemetry;
pub mod triage;
pub mod typing;
pub mod uploads;
pub mod working_days;
pub mod xml;
