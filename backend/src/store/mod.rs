//! One module per aggregate. Functions take a pool or a transaction and
//! return plain rows; rules live in `domain`, use cases in `services`.

pub mod outages;
pub mod places;
pub mod seasons;
