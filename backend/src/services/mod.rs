//! Use cases: a domain rule plus the store, one module per area.

pub mod public;
