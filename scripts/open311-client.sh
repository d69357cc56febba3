#!/usr/bin/env bash
# Runs the independent Open311 client (PyPI's georeport, scripts/open311_client)
# against the release binary with demo data on a throwaway SQLite database.
# Expects scripts/build.sh to have run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT="${HEATDESK_OPEN311_CHECK_PORT:-3102}"
DATA="$(mktemp -d)"
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$DATA"' EXIT
DATABASE_URL="sqlite:$DATA/heatdesk.db" \
  HEATDESK_LISTEN="127.0.0.1:$PORT" \
  HEATDESK_PUBLIC_URL="http://127.0.0.1:$PORT" \
  HEATDESK_SITE_ROOT="$SITE_ROOT" \
  HEATDESK_UPLOAD_DIR="$DATA/uploads" \
  HEATDESK_FIXED_NOW="2026-11-28T10:00" \
  RUST_LOG=warn \
  "$HEATDESK_BIN" serve --demo &
SERVER_PID=$!
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 1
done
"$OPEN311_CLIENT_VENV/bin/python" "$ROOT/scripts/open311_client/check.py" "http://127.0.0.1:$PORT"
