//! Data to start from: the demo city, and a synthetic city at scale.

pub mod demo;
pub mod demo_cases;
pub mod scale;
