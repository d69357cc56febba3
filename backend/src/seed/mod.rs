//! Data to start from: the demo city.

pub mod demo;
pub mod demo_cases;
