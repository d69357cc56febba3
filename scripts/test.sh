#!/usr/bin/env bash
# Every test: formatting, lints, unit tests, integration tests on SQLite and
# PostgreSQL, and Playwright end-to-end tests in Debian's Chromium (desktop
# and phone, JavaScript on and off). Installs what is missing first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"

export HEATDESK_TEST_POSTGRES_URL="${HEATDESK_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432 (HEATDESK_TEST_POSTGRES_URL)." >&2
  exit 1
fi

step "cargo fmt --check"
cargo fmt --all --check

# Per package: a whole-workspace run would unify the ssr and hydrate features.
step "cargo clippy (server side, every package)"
cargo clippy -p translations -p domain -p backend -p app -p server --all-targets --features backend/test-support,app/ssr -- -D warnings
step "cargo clippy (browser side)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests (SQLite and PostgreSQL)"
cargo test -p translations -p domain -p backend -p app -p server --features backend/test-support,app/ssr

step "fuzz targets (cargo-fuzz, 15 s each)"
"$ROOT/scripts/fuzz.sh" 15

"$ROOT/scripts/build.sh"

step "Open311: the independent client (georeport from PyPI), JSON and XML"
"$ROOT/scripts/open311-client.sh"

step "end-to-end tests (Playwright, Debian Chromium)"
cd "$ROOT/end2end"
HEATDESK_BIN="$HEATDESK_BIN" HEATDESK_SITE_ROOT="$SITE_ROOT" npx playwright test
node -e '
  const stats = require("./test-results/results.json").stats;
  console.log(`end-to-end: ${stats.expected} passed, ${stats.unexpected + stats.flaky} failed, ${stats.skipped} skipped`);
'
step "every test passed"
