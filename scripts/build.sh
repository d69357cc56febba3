#!/usr/bin/env bash
# Builds the release server and the size-optimised wasm bundle with
# cargo-leptos, then writes brotli copies of the bundle for precompressed serving.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
step "cargo leptos build --release"
cargo leptos build --release
for file in "$SITE_ROOT"/pkg/*.wasm "$SITE_ROOT"/pkg/*.js "$SITE_ROOT"/pkg/*.css; do
  [ -e "$file" ] && brotli -f -q 11 -o "$file.br" "$file"
done
wasm="$(ls "$SITE_ROOT"/pkg/*.wasm | head -n 1)"
echo "wasm bundle: $(stat -c %s "$wasm") bytes raw, $(stat -c %s "$wasm.br") bytes brotli"
