#!/usr/bin/env bash
# Builds the release server and the size-optimised wasm of the islands with
# cargo-leptos; writes brotli copies of the code and styles for
# precompressed serving and reports their sizes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
step "cargo leptos build --release"
cargo leptos build --release
for file in "$SITE_ROOT"/pkg/*.wasm "$SITE_ROOT"/pkg/*.js "$SITE_ROOT"/pkg/*.css; do
  [ -e "$file" ] && brotli -f -q 11 -o "$file.br" "$file"
done
python3 "$ROOT/scripts/wasm_size.py" "$SITE_ROOT"
