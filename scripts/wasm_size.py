#!/usr/bin/env python3
"""The wasm a browser downloads, measured against the budget in Cargo.toml.

The bundle is split per page (`cargo leptos build --split`): every page
loads the main module, then the chunks its route needs, listed in
cargo-leptos' split manifest. The budget ([workspace.metadata.heatdesk]
initial-wasm-brotli-budget-kib) bounds the main module, brotli-compressed
as the server sends it; the report adds what a first visit to each page
fetches.

    scripts/wasm_size.py SITE_ROOT            # the report
    scripts/wasm_size.py SITE_ROOT --check    # the report; exit 1 over budget
"""

import glob
import json
import os
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The pages the benchmark measures, by their route's split name.
PAGES = [
    ("home /", "home"),
    ("outages /outages", "outages"),
    ("building /building", "building"),
    ("resident's case /cases/{id}", "case"),
    ("dispatcher's queue /dispatch", "queue"),
]


def budget_bytes():
    with open(os.path.join(ROOT, "Cargo.toml"), "rb") as f:
        metadata = tomllib.load(f)["workspace"]["metadata"]["heatdesk"]
    return metadata["initial-wasm-brotli-budget-kib"] * 1024


def brotli_size(path):
    """The size of the .br copy the server sends, or of a fresh one."""
    if os.path.exists(path + ".br"):
        return os.path.getsize(path + ".br")
    out = subprocess.run(["brotli", "-c", "-q", "11", path], capture_output=True, check=True)
    return len(out.stdout)


def measure(site_root):
    pkg = os.path.join(site_root, "pkg")
    mains = [p for p in glob.glob(os.path.join(pkg, "*.wasm"))
             if not os.path.basename(p).startswith(("chunk_", "split_"))]
    if len(mains) != 1:
        sys.exit(f"expected one main wasm module in {pkg}, found {mains}")
    main = mains[0]
    manifests = glob.glob(os.path.join(pkg, "__wasm_split_manifest*.json"))
    prefetch = json.load(open(manifests[0])) if manifests else {}

    def chunk_files(stem):
        return glob.glob(os.path.join(pkg, stem + ".wasm")) or glob.glob(
            os.path.join(pkg, stem.split(".")[0] + ".*.wasm"))

    pages = []
    for label, route in PAGES:
        keys = [k for k in prefetch if k.startswith(f"__{route}_route_view")]
        files = [main]
        for key in keys:
            for stem in prefetch[key] + [f"split_{key}"]:
                files += chunk_files(stem)
        pages.append((label, len(files), sum(os.path.getsize(f) for f in files),
                      sum(brotli_size(f) for f in files)))
    every = glob.glob(os.path.join(pkg, "*.wasm"))
    return {
        "main": os.path.basename(main),
        "main_raw": os.path.getsize(main),
        "main_br": brotli_size(main),
        "pages": pages,
        "all_files": len(every),
        "all_raw": sum(os.path.getsize(f) for f in every),
        "all_br": sum(brotli_size(f) for f in every),
    }


def report(site_root):
    m = measure(site_root)
    budget = budget_bytes()
    within = m["main_br"] <= budget
    print(f"initial wasm ({m['main']}): {m['main_raw']} bytes raw, {m['main_br']} bytes brotli "
          f"({m['main_br'] / 1024:.1f} KiB); budget {budget // 1024} KiB: "
          f"{'within' if within else 'OVER BUDGET'}")
    print("\n| first visit to | wasm files | raw bytes | brotli bytes |")
    print("|---|---:|---:|---:|")
    for label, count, raw, br in m["pages"]:
        print(f"| {label} | {count} | {raw} | {br} ({br / 1024:.0f} KiB) |")
    print(f"\nEvery page's code: {m['all_files']} files, {m['all_raw']} bytes raw, "
          f"{m['all_br']} bytes brotli ({m['all_br'] / 1024:.0f} KiB)")
    return within


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    within = report(args[0])
    if "--check" in sys.argv and not within:
        sys.exit("the initial wasm is over its budget (Cargo.toml, initial-wasm-brotli-budget-kib)")
