//! Data to start from: the demo city, a synthetic city at scale, and a
//! simulated smart-heating platform feeding either.

pub mod demo;
pub mod demo_bills;
pub mod demo_cases;
pub mod scale;
pub mod telemetry;
