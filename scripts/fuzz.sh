#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets) for SECONDS each
# (default 20), starting from the seeds in fuzz/seeds and the corpus kept
# under ~/.cache/heatdesk/fuzz-corpus. A panic, a hang (10 s per input) or
# running out of memory fails the run and leaves the input in
# fuzz/artifacts/. CI runs it briefly; run it longer by hand:
#   ./scripts/fuzz.sh 600
set -euo pipefail
source "$(dirname "$0")/lib.sh"
seconds="${1:-20}"
cd "$ROOT/fuzz"
for target in $(cargo +nightly fuzz list); do
  corpus="$HOME/.cache/heatdesk/fuzz-corpus/$target"
  mkdir -p "$corpus"
  step "fuzz $target for ${seconds} s"
  log="$(mktemp)"
  status=0
  cargo +nightly fuzz run "$target" "$corpus" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log"
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit "$status"
  fi
  rm -f "$log"
done
