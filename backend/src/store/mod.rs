//! One module per aggregate. Functions take a pool or a transaction and
//! return plain rows; rules live in `domain`, use cases in `services`.

pub mod access;
pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod binding_requests;
pub mod calendar;
pub mod cases;
pub mod compliance;
pub mod grid_work;
pub mod hotline;
pub mod households;
pub mod one_time_codes;
pub mod open311;
pub mod outage_desk;
pub mod outages;
pub mod outbox;
pub mod people;
pub mod places;
pub mod reports;
pub mod seasons;
pub mod second_factors;
pub mod sessions;
pub mod sign_in_codes;
pub mod telemetry;
pub mod throttles;
pub mod wechat;
