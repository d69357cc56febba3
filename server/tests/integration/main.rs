//! The server's integration tests, one binary: each module is one part of
//! the portal over real HTTP on SQLite and PostgreSQL (see `support` for
//! the test server, the browser and the fixtures). `query_plans` runs in a
//! process of its own, as it catches every statement its process runs.

mod support;

mod access;
mod admin;
mod binary;
mod casework;
mod faults;
mod feeds;
mod hotline;
mod http;
mod instances;
mod open311;
mod outage_desk;
mod payments;
mod providers;
mod season_decisions;
mod sign_in;
mod telemetry;
