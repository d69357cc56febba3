#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and serves the portal with
# the demo city on http://127.0.0.1:3000 (SQLite under data/).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"
cd "$ROOT"
step "heatdesk serve --demo on http://127.0.0.1:3000"
export HEATDESK_SITE_ROOT="$SITE_ROOT"
exec "$HEATDESK_BIN" serve --demo "$@"
