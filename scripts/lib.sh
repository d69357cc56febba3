# Shared by the scripts: where builds go, and small helpers. Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One cargo target dir outside the clone, reused by every clone and CI run.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/heatdesk/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# Incremental artifacts grow by gigabytes a run and do not speed up CI.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# The site cargo-leptos builds (pkg/, favicon) and the release binary.
SITE_ROOT="$ROOT/target/site"
HEATDESK_BIN="$CARGO_TARGET_DIR/release/heatdesk"
# The Python environment of the independent Open311 client (scripts/open311_client).
OPEN311_CLIENT_VENV="$HOME/.cache/heatdesk/open311-client"

# Each step names itself and the seconds since the script began, so a slow
# CI run shows where its time went.
step() { printf '\n==> %s (at %d s)\n' "$*" "$SECONDS"; }
