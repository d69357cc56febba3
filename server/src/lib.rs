//! The `heatdesk` server: configuration, the HTTP router with its
//! middleware, health endpoints and graceful shutdown. `main.rs` only parses
//! the command line and calls into here, so tests can build the same router.
#![recursion_limit = "256"]

pub mod api_input;
pub mod backend_answer;
pub mod background;
pub mod config;
pub mod done_marker;
pub mod exports;
pub mod feeds;
pub mod health;
pub mod hotline;
pub mod imports;
pub mod middleware;
pub mod notices;
pub mod open311;
pub mod payment_config;
pub mod payment_notices;
pub mod payment_sandbox;
pub mod progress;
pub mod request_guard;
pub mod router;
pub mod shutdown;
pub mod signed_in;
pub mod telemetry;
pub mod uploads;
pub mod wechat_share;
