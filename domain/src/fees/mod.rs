//! Heating fees: money in whole 分, season bills and tariffs, payment and
//! refund orders, and fee reductions when the heat fell short.

pub mod bill;
pub mod invoice;
pub mod money;
pub mod payment;
pub mod reduction;
pub mod statement;
pub mod views;
