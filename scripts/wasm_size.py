#!/usr/bin/env python3
"""The code the site ships, file by file, raw and brotli as the server sends it.

Pages are server HTML; the browser loads one JavaScript loader and one wasm
module holding the islands (the parts of pages that move). What a first
visit to each page really fetches, and its budget, is measured in Chromium
by end2end/tests/first-visit.spec.ts; this report says what the files are.

    scripts/wasm_size.py SITE_ROOT
"""

import glob
import os
import subprocess
import sys


def brotli_size(path):
    """The size of the .br copy the server sends, or of a fresh one."""
    if os.path.exists(path + ".br"):
        return os.path.getsize(path + ".br")
    out = subprocess.run(["brotli", "-c", "-q", "11", path], capture_output=True, check=True)
    return len(out.stdout)


def measure(site_root):
    pkg = os.path.join(site_root, "pkg")
    files = sorted(glob.glob(os.path.join(pkg, "*.wasm")) + glob.glob(os.path.join(pkg, "*.js")))
    if not files:
        sys.exit(f"no .wasm or .js files in {pkg}: build the site first (scripts/build.sh)")
    return [(os.path.basename(f), os.path.getsize(f), brotli_size(f)) for f in files]


def report(site_root):
    files = measure(site_root)
    print("| file | raw bytes | brotli bytes |")
    print("|---|---:|---:|")
    for name, raw, br in files:
        print(f"| {name} | {raw} | {br} ({br / 1024:.1f} KiB) |")
    raw = sum(f[1] for f in files)
    br = sum(f[2] for f in files)
    print(f"| all code | {raw} | {br} ({br / 1024:.1f} KiB) |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    report(sys.argv[1])
