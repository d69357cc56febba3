//! Pieces shared by pages.

pub mod case;
pub mod charts;
pub mod feedback;
#[cfg(feature = "hydrate")]
pub mod fetch;
pub mod layout;
pub mod live_filter;
pub mod outage;
pub mod places;
pub mod readings;
pub mod season;
pub mod upload;
