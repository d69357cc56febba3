#!/usr/bin/env bash
# heatdesk's benchmarks, on demand (not part of CI's pass/fail): SSR pages
# beside static files, durable case submissions on SQLite and PostgreSQL
# beside the disk's fsync rate, the wasm bundle, an outage's news to 5,000
# households queued and drained, telemetry readings through the API beside
# the engine's own bulk insert, payment notifications verified and booked,
# and telemetry views at a city's size.
# Prints one report.
#   ./scripts/bench.sh [--seconds N]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh"
if ! command -v wrk >/dev/null 2>&1; then
  step "apt-get install wrk"
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq wrk; else sudo apt-get install -y -qq wrk; fi
fi
"$ROOT/scripts/build.sh"

# A database of its own on the local PostgreSQL, made afresh each run.
PG_BASE="${HEATDESK_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
PG_BENCH="${PG_BASE%/*}/heatdesk_bench"
postgres_args=()
if pg_isready -q -h 127.0.0.1 -p 5432; then
  psql "$PG_BASE" -qc "DROP DATABASE IF EXISTS heatdesk_bench" -c "CREATE DATABASE heatdesk_bench"
  postgres_args=(--postgres "$PG_BENCH")
fi
"$OPEN311_CLIENT_VENV/bin/python" "$ROOT/scripts/bench/bench.py" "$HEATDESK_BIN" "$SITE_ROOT" "${postgres_args[@]}" "$@"

step "outage news to 5,000 households: queued on publishing, drained by two workers in batch calls within a provider rate of 1,000 texts/s"
if pg_isready -q -h 127.0.0.1 -p 5432; then
  export HEATDESK_TEST_POSTGRES_URL="$PG_BASE"
else
  unset HEATDESK_TEST_POSTGRES_URL
fi
cargo run -q --release -p backend --features test-support --example outage_fanout -- 5000 1000

step "telemetry readings through the API in batches of 1,000 (4 clients), beside the engine's own bulk insert of the same rows"
cargo run -q --release -p server --example telemetry_ingest -- 200 4

step "payment notifications over HTTP (4 clients): verified and booked once, then resent"
cargo run -q --release -p server --example payment_notices -- 2000 4

# A season's telemetry at Weifang's density (16,000 indoor sensors every 20
# minutes, 1,400 stations' six quantities every 5 minutes): a week on
# SQLite and, with PostgreSQL, a month (HEATDESK_SCALE_DAYS_SQLITE and
# HEATDESK_SCALE_DAYS_POSTGRES change that), then the building chart, home
# card, station board, data findings and a day of 室温达标率 at that size.
step "telemetry at Weifang's density: sizes on disk and what people wait for"
cargo run -q --release -p server --example telemetry_scale -- sqlite "${HEATDESK_SCALE_DAYS_SQLITE:-7}"
if pg_isready -q -h 127.0.0.1 -p 5432; then
  cargo run -q --release -p server --example telemetry_scale -- postgres "${HEATDESK_SCALE_DAYS_POSTGRES:-30}"
fi
