//! One module per aggregate. Functions take a pool or a transaction and
//! return plain rows; rules live in `domain`, use cases in `services`.

pub mod access;
pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod binding_requests;
pub mod calendar;
pub mod cases;
pub mod compliance;
pub mod fees;
pub mod grid_work;
pub mod hotline;
pub mod households;
pub mod measurements;
pub mod one_time_codes;
pub mod open311;
pub mod outage_desk;
pub mod outages;
pub mod outbox;
pub mod payments;
pub mod people;
pub mod places;
pub mod reports;
pub mod seasons;
pub mod second_factors;
pub mod sessions;
pub mod sign_in_codes;
pub mod telemetry;
pub mod throttles;
pub mod wechat;

use crate::db::Engine;

/// Placeholders for the parameters `start..start + count` of a statement
/// that numbers all its parameters in order, for a long list of rows.
/// PostgreSQL reads `$n`; SQLite gets anonymous `?`, which it numbers the
/// same way. SQLite keeps named parameters (`$n`) in a list it searches
/// from the start for every bind, so thousands of them in one statement
/// cost the square of their number: 59 % of the telemetry ingest's time
/// in a profile, before this.
pub(crate) fn ordered_placeholders(engine: Engine, start: usize, count: usize) -> String {
    (start..start + count)
        .map(|n| placeholder(engine, n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parameter `n` of a statement that numbers its parameters in order
/// (see [`ordered_placeholders`]).
pub(crate) fn placeholder(engine: Engine, n: usize) -> String {
    match engine {
        Engine::Postgres => format!("${n}"),
        Engine::Sqlite => "?".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_placeholders_number_for_postgres_and_stay_anonymous_for_sqlite() {
        assert_eq!(ordered_placeholders(Engine::Postgres, 3, 3), "$3, $4, $5");
        assert_eq!(ordered_placeholders(Engine::Sqlite, 3, 3), "?, ?, ?");
        assert_eq!(ordered_placeholders(Engine::Sqlite, 1, 0), "");
    }
}
