#!/usr/bin/env bash
# Installs everything heatdesk needs to build, run and test, idempotently:
# Debian packages, the wasm target, cargo-leptos, wasm-bindgen-cli matching
# Cargo.lock, wasm-opt and sass from npm, and the end-to-end test packages.
# Safe to run any number of times; each step is skipped when already done.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing_packages=()
for package in chromium fonts-noto-cjk brotli pkg-config curl; do
  dpkg -s "$package" >/dev/null 2>&1 || missing_packages+=("$package")
done
# Node.js may come from elsewhere than Debian; only install it when absent.
command -v npm >/dev/null 2>&1 || missing_packages+=(nodejs npm)
command -v pg_isready >/dev/null 2>&1 || missing_packages+=(postgresql-client)
# Python for the independent Open311 client; any python3 with venv will do.
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing_packages+=(python3 python3-venv)
if [ "${#missing_packages[@]}" -gt 0 ]; then
  step "apt-get install ${missing_packages[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_packages[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.11's locked dependencies need a newer rustc than stable
# 1.95, so it is built with the nightly toolchain (only this tool).
if ! cargo leptos --version 2>/dev/null | grep -q '0.3.11'; then
  step "cargo install cargo-leptos 0.3.11 (about 20 minutes, once)"
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  CARGO_TARGET_DIR="$HOME/.cache/heatdesk/tools" \
    cargo +nightly install cargo-leptos --version 0.3.11 --locked --features no_downloads
fi

# cargo-fuzz (nightly) for the fuzz targets under fuzz/ (scripts/fuzz.sh).
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  step "cargo install cargo-fuzz (nightly)"
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  CARGO_TARGET_DIR="$HOME/.cache/heatdesk/tools" cargo +nightly install cargo-fuzz --version 0.13.2 --locked
fi

wasm_bindgen_version="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  step "cargo install wasm-bindgen-cli $wasm_bindgen_version"
  # Not --locked: its lockfile pins a crate version the registry no longer has.
  CARGO_TARGET_DIR="$HOME/.cache/heatdesk/tools" \
    cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

# Debian's binaryen is too old for Rust's wasm output.
if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  step "npm install -g binaryen@132"
  as_root npm install -g --no-audit --no-fund binaryen@132
fi
if ! command -v sass >/dev/null 2>&1; then
  step "npm install -g sass"
  as_root npm install -g --no-audit --no-fund sass
fi

if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] \
  || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
  step "npm ci (end2end)"
  (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# The independent Open311 client (PyPI's georeport) in its own venv,
# rebuilt when its pinned requirements change.
requirements="$ROOT/scripts/open311_client/requirements.txt"
if ! cmp -s "$requirements" "$OPEN311_CLIENT_VENV/requirements.txt"; then
  step "python venv with the Open311 client (georeport)"
  rm -rf "$OPEN311_CLIENT_VENV"
  python3 -m venv "$OPEN311_CLIENT_VENV"
  "$OPEN311_CLIENT_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$OPEN311_CLIENT_VENV/requirements.txt"
fi
