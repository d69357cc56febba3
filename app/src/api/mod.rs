//! Server functions, by area. Each is thin: read the request's services and
//! session, call one backend service, map its error to a message in the
//! reader's language.

pub mod account;
pub mod api_keys;
pub mod cases;
pub mod fees;
pub mod grid;
pub mod outage_desk;
pub mod public;
pub mod reports;
pub mod season;
pub mod staff;
pub mod telemetry;
