//! One module per page a person opens.

pub mod building;
pub mod home;
pub mod not_found;
pub mod outages;
