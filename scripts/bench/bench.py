"""heatdesk's benchmarks, run on demand (not in CI's pass/fail).

Starts the release binary with the demo city, then measures with wrk on
loopback:
- SSR throughput and latency (p50/p99) of the home page, the outages page, a
  building page, a signed-in resident's case timeline and a dispatcher's
  queue, each beside a static file of the same size served by the same
  server (the ratio dynamic/static), and the SQL statements each runs;
- durable case submissions per second and their p99 with concurrent
  clients (Open311 POST requests: triage, case, timeline entry and outbox
  row in one transaction), on SQLite and on PostgreSQL, beside this disk's
  own fsync rate measured in the same run;
- the wasm bundle, raw and brotli.

Usage: bench.py BINARY SITE_ROOT [--seconds N] [--postgres URL] [--sqlite URL]

--sqlite names a database to use instead of a fresh demo city (one made by
`heatdesk seed --scale N`, say); the PostgreSQL one is used as it is.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

NOW = "2026-11-28T10:00"
ADMIN = ("admin_demo", "heatdesk2026")
DISPATCHER = ("dispatch_demo", "heatdesk2026")
RESIDENT = "13800000001"
TARGETS = {
    "pages_rps": 5000,
    "pages_p99_ms": 20,
    "static_ratio": 0.5,
    "submits_per_s": 1000,
    # Durable submits per second over this disk's fsyncs per second.
    "submits_fsync_ratio": 0.5,
    "submits_p99_ms": 50,
    "scale_p99_ms": 50,
}
# Clients for the light-load latency columns.
LIGHT_LOAD = 4

SUBMIT_LUA = r"""
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  key = args[1]
  math.randomseed(os.time() + id)
end
request = function()
  counter = counter + 1
  local body = "api_key=" .. key ..
    "&service_code=heating-repair&attribute%5Bcategory%5D=noise" ..
    "&address_string=%E9%87%91%E5%AE%9D%E8%8A%B1%E5%9B%AD2%E5%8F%B7%E6%A5%BC" ..
    "&phone=13800000002&description=bench-" .. id .. "-" .. counter .. "-" .. math.random(1, 1000000000)
  return wrk.format("POST", "/open311/v2/requests.json",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""


class Server:
    """The release binary on a port, with the demo city."""

    def __init__(self, binary, site_root, port, database_url, workdir, fixed_clock=True, log=None):
        self.base = f"http://127.0.0.1:{port}"
        self.database_url = database_url
        env = dict(
            os.environ,
            DATABASE_URL=database_url,
            HEATDESK_LISTEN=f"127.0.0.1:{port}",
            HEATDESK_PUBLIC_URL=self.base,
            HEATDESK_SITE_ROOT=site_root,
            HEATDESK_UPLOAD_DIR=os.path.join(workdir, f"uploads-{port}"),
            # With `log`, every statement the server runs is logged there.
            RUST_LOG="error,sqlx::query=debug" if log else "error",
            # The submit rows post far above a real platform's rate.
            HEATDESK_OPEN311_POSTS_PER_MINUTE="100000000",
        )
        # A fresh demo city at its fixed moment; an existing city (signed in
        # before, whose rate limits would never pass on a frozen clock) on
        # the real one.
        if fixed_clock:
            env["HEATDESK_FIXED_NOW"] = NOW
        self.process = subprocess.Popen(
            [binary, "serve", "--demo"],
            env=env,
            stdout=log or subprocess.DEVNULL,
            stderr=log or subprocess.DEVNULL,
        )
        for _ in range(120):
            try:
                if requests.get(f"{self.base}/readyz", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the server on {port} did not become ready")

    def count(self, sql):
        """One number from the server's database, read beside it."""
        if self.database_url.startswith("sqlite:"):
            import sqlite3

            path = self.database_url.removeprefix("sqlite:").split("?")[0]
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchone()[0]
        out = subprocess.run(["psql", self.database_url, "-tAc", sql], capture_output=True, text=True, check=True)
        return int(out.stdout.strip())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def session(base):
    s = requests.Session()
    s.headers["Origin"] = base
    s.headers["Accept"] = "text/html"
    return s


def staff(base, who):
    s = session(base)
    s.post(f"{base}/api/signin/staff", data={"username": who[0], "password": who[1]}, allow_redirects=False)
    return s


def resident(base):
    s = session(base)
    # A city signed into moments ago (an earlier run) makes a new code wait.
    for _ in range(3):
        sent = s.post(
            f"{base}/api/signin/code", data={"phone": RESIDENT}, headers={"Accept": "application/json"}
        )
        wait = re.search(r"请 (\d+) 秒后再试", sent.text)
        if not wait:
            break
        time.sleep(int(wait.group(1)) + 1)
    outbox = requests.get(f"{base}/demo/outbox").text
    code = re.search(r'data-recipient="' + RESIDENT + r'".*?验证码是 (\d{6})', outbox, re.S).group(1)
    s.post(f"{base}/api/signin/verify", data={"code": code}, allow_redirects=False)
    return s


def cookie_header(s):
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies)


def api_key(base):
    admin = staff(base, ADMIN)
    issued = admin.post(
        f"{base}/api/admin/api-keys/issue", data={"label": "benchmark"}, allow_redirects=False
    )
    page = admin.get(base + issued.headers["Location"]).text
    return re.search(r"hd311_[A-Za-z0-9_-]{43}", page).group(0)


def wrk(url, seconds, connections, headers=None, script=None, args=()):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    command.append(url)
    if args:
        command += ["--", *args]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": percentile(50),
        "p99": percentile(99),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def fsyncs_per_second(directory, count=2000):
    path = os.path.join(directory, "fsync-probe")
    start = time.perf_counter()
    with open(path, "wb") as f:
        for _ in range(count):
            f.write(b"x" * 512)
            f.flush()
            os.fsync(f.fileno())
    elapsed = time.perf_counter() - start
    os.remove(path)
    return count / elapsed


def ok(condition):
    return "meets" if condition else "below target"


def page_targets(base):
    """The benchmarked pages: (name, path, headers), signed in where they need it."""
    res = resident(base)
    dispatcher = staff(base, DISPATCHER)
    # A case of the resident's, for its timeline.
    cases = res.get(f"{base}/api/cases", headers={"Accept": "application/json"}).json()
    case_id = cases[0]["case_id"]
    community, building = 1, 1
    # What a phone sends: the page is compressed as it is served.
    brotli = {"Accept-Encoding": "br"}
    return [
        ("home /", "/", {}),
        ("home / (Accept-Encoding: br)", "/", brotli),
        ("outages /outages", "/outages", {}),
        ("building /building", f"/building?community={community}&building={building}", {}),
        ("resident's case /cases/{id}", f"/cases/{case_id}", {"Cookie": cookie_header(res)}),
        ("dispatcher's queue /dispatch", "/dispatch", {"Cookie": cookie_header(dispatcher)}),
    ]


def statements_per_page(binary, site_copy, workdir):
    """SQL statements per page view, from the server's own statement log:
    each page asked for 50 times in a row (after a first view that fills the
    once-a-second snapshots), less what the background workers ran in as
    long a quiet moment."""
    log_path = os.path.join(workdir, "statements.log")
    views = 50

    def logged():
        with open(log_path, "rb") as f:
            return f.read().count(b"sqlx::query")

    def background_per_second():
        before, start = logged(), time.perf_counter()
        time.sleep(2)
        return (logged() - before) / (time.perf_counter() - start)

    print("\n## SQL statements per page view (SQLite, from the server's statement log)\n")
    print("| page | statements per view |")
    print("|---|---:|")
    with open(log_path, "wb") as log:
        server = Server(binary, site_copy, 3202, f"sqlite:{workdir}/statements.db", workdir, log=log)
        try:
            targets = page_targets(server.base)
            quiet = background_per_second()
            for name, path, headers in targets:
                if "Accept-Encoding" in headers:
                    continue
                http = requests.Session()
                http.get(server.base + path, headers=headers)
                before, start = logged(), time.perf_counter()
                for _ in range(views):
                    http.get(server.base + path, headers=headers)
                time.sleep(0.1)
                ran = logged() - before - quiet * (time.perf_counter() - start)
                print(f"| {name} | {max(ran, 0) / views:.1f} |")
        finally:
            server.stop()


def pages(server, site_copy, seconds):
    base = server.base
    targets = page_targets(base)
    print(f"\n## SSR pages (wrk, 2 threads, 64 connections, {seconds} s each)\n")
    print(
        f"64 connections keep both cores busy: latency there is mostly queueing. "
        f"The last latency columns are {LIGHT_LOAD} clients asking without pause, "
        f"what a page costs one person while others use the portal.\n"
    )
    print(
        f"| page | bytes | req/s | p50 ms | p99 ms | static same size req/s | ratio "
        f"| p50 ms, {LIGHT_LOAD} clients | p99 ms, {LIGHT_LOAD} clients |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for name, path, headers in targets:
        cookie_free = {k: v for k, v in headers.items() if k != "Cookie"}
        # The second answer: a process's first render of a page also carries
        # preload links for the page's wasm chunks, later ones do not.
        for _ in range(2):
            body = requests.get(base + path, headers={**headers, "Accept-Encoding": "identity"}).content
        static_name = f"bench-{len(body)}.html"
        with open(os.path.join(site_copy, static_name), "wb") as f:
            f.write(body)
        page = wrk(base + path, seconds, 64, headers)
        static = wrk(f"{base}/{static_name}", seconds, 64, cookie_free)
        light = wrk(base + path, seconds, LIGHT_LOAD, headers)
        ratio = page["rps"] / static["rps"]
        rows.append((page, ratio, light))
        print(
            f"| {name} | {len(body)} | {page['rps']:.0f} | {page['p50']:.2f} | {page['p99']:.2f} "
            f"| {static['rps']:.0f} | {ratio:.2f} | {light['p50']:.2f} | {light['p99']:.2f} |"
        )
    worst = min(r[0]["rps"] for r in rows)
    worst_p99 = max(r[0]["p99"] for r in rows)
    worst_ratio = min(r[1] for r in rows)
    print(
        f"\nTargets: >= {TARGETS['pages_rps']} req/s ({ok(worst >= TARGETS['pages_rps'])}: slowest {worst:.0f}), "
        f"p99 <= {TARGETS['pages_p99_ms']} ms ({ok(worst_p99 <= TARGETS['pages_p99_ms'])}: worst {worst_p99:.2f}), "
        f"ratio >= {TARGETS['static_ratio']} ({ok(worst_ratio >= TARGETS['static_ratio'])}: lowest {worst_ratio:.2f})"
    )
    worst_light = max(r[2]["p99"] for r in rows)
    print(
        f"Scale target (read it on a city made by `seed --scale`): "
        f"p99 <= {TARGETS['scale_p99_ms']} ms with {LIGHT_LOAD} clients "
        f"({ok(worst_light <= TARGETS['scale_p99_ms'])}: worst {worst_light:.2f}); "
        f"with 64, see the p99 column"
    )


def submissions(server, engine, seconds, workdir, fsyncs):
    key = api_key(server.base)
    script = os.path.join(workdir, "submit.lua")
    with open(script, "w") as f:
        f.write(SUBMIT_LUA)
    counted = "SELECT COUNT(*) FROM cases WHERE channel = 'open311'"
    before = server.count(counted)
    result = wrk(server.base, seconds, 32, script=script, args=[key])
    stored = server.count(counted) - before
    print(
        f"| {engine} | {result['rps']:.0f} | {stored / seconds:.0f} | {result['p50']:.2f} | {result['p99']:.2f} "
        f"| {result['non_2xx']} | {fsyncs:.0f} |"
    )
    return result


def wasm(site_root):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import wasm_size

    print("\n## the code the site ships (islands)\n")
    wasm_size.report(site_root)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("site_root")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--postgres", default=os.environ.get("HEATDESK_BENCH_POSTGRES_URL"))
    parser.add_argument("--sqlite", help="an existing SQLite database URL (sqlite:PATH)")
    options = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="heatdesk-bench-")
    site_copy = os.path.join(workdir, "site")
    shutil.copytree(options.site_root, site_copy)
    servers = []
    try:
        print(f"# heatdesk benchmark ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)")
        sqlite_url = options.sqlite or f"sqlite:{workdir}/bench.db"
        sqlite = Server(options.binary, site_copy, 3200, sqlite_url, workdir, fixed_clock=not options.sqlite)
        households = sqlite.count("SELECT COUNT(*) FROM households")
        cases = sqlite.count("SELECT COUNT(*) FROM cases")
        print(f"\nSQLite city: {households} households, {cases} cases")
        servers.append(sqlite)
        pages(sqlite, site_copy, options.seconds)
        statements_per_page(options.binary, site_copy, workdir)
        fsyncs = fsyncs_per_second(workdir)
        print(f"\n## Durable case submissions (wrk, 2 threads, 32 connections, {options.seconds} s)\n")
        print("| engine | answered/s | stored/s | p50 ms | p99 ms | non-2xx | disk fsyncs/s |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        results = [submissions(sqlite, "SQLite", options.seconds, workdir, fsyncs)]
        if options.postgres:
            postgres = Server(options.binary, site_copy, 3201, options.postgres, workdir)
            servers.append(postgres)
            results.append(submissions(postgres, "PostgreSQL", options.seconds, workdir, fsyncs))
        best = results[0]
        ratio = best["rps"] / fsyncs
        print(
            f"\nTargets (SQLite): >= {TARGETS['submits_per_s']} submits/s "
            f"({ok(best['rps'] >= TARGETS['submits_per_s'])}), "
            f">= {TARGETS['submits_fsync_ratio']} of the disk's fsyncs/s "
            f"({ok(ratio >= TARGETS['submits_fsync_ratio'])}: {ratio:.2f}), "
            f"p99 <= {TARGETS['submits_p99_ms']} ms ({ok(best['p99'] <= TARGETS['submits_p99_ms'])})"
        )
        wasm(options.site_root)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
