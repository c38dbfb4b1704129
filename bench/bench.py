#!/usr/bin/env python3
"""The 项目 module's speed benchmarks; bench/run.sh builds the binary and calls this.

    python3 bench/bench.py --bin PATH/tongguan --work DIR [--rows 100000] [--runs 3]
                           [--requests 200] [--out results.md]

Standard library only. Every child process has a time limit and every request loop a
fixed count, so the whole run ends by itself (about 5–10 minutes for 100,000 rows on the
2-core machine). Loopback only.
"""

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PASSWORD = "bench-Admin-2021"
TIME = "/usr/bin/time"

COLUMNS = ["项目名称", "项目单位", "统一社会信用代码", "所属区划代码", "开发区", "产业类别",
           "总投资(万元)", "预计年产值(万元)", "签约日期", "签约批次", "开工日期", "开工批次",
           "投产日期", "投产批次", "联系人", "联系电话", "备注"]


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def env_for(db):
    env = dict(os.environ)
    env.update({"TONGGUAN_DB": db, "TONGGUAN_ADMIN_PASSWORD": PASSWORD, "LOG_LEVEL": env.get("LOG_LEVEL", "info")})
    env.pop("DATABASE_URL", None)
    return env


def timed(cmd, env=None, stdin=None, timeout=900, expect=(0,)):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, peak RSS MiB, stdout, stderr)."""
    tfile = os.path.join(ARGS.work, "time.txt")
    start = time.monotonic()
    p = subprocess.run([TIME, "-v", "-o", tfile] + cmd, env=env, input=stdin, capture_output=True, timeout=timeout)
    wall = time.monotonic() - start
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    if p.returncode not in expect:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{out[-3000:]}\n{err[-3000:]}")
    text = open(tfile).read()
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return wall, rss_kb / 1024, out, err


def fresh_db(name):
    """A copy of the migrated, seeded, empty template database."""
    path = os.path.join(ARGS.work, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    shutil.copyfile(TEMPLATE, path)
    return path


def sqlite_scalar(db, sql):
    return subprocess.run(["sqlite3", db, sql], capture_output=True, text=True, check=True, timeout=120).stdout.strip()


def median(xs):
    return statistics.median(xs)


def pct(xs, q):
    """Nearest-rank percentile."""
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, math.ceil(q / 100 * len(s)) - 1))]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------

def bench_import(csv_path, bad_header_path, tiny_path):
    b = ARGS.bin
    res = {}

    log("startup: importing a 1-row file (process start, migration check, lookups, one write)")
    walls = []
    for i in range(ARGS.runs):
        db = fresh_db(f"tiny{i}.sqlite")
        w, _, _, _ = timed([b, "import", "projects", tiny_path, "--create-rounds"], env=env_for(db))
        walls.append(w)
    res["startup"] = median(walls)

    log("parse only: the whole file with a bad header (read + decode + CSV parse, then stops at the header)")
    walls, rss = [], []
    for i in range(ARGS.runs):
        db = fresh_db(f"parse{i}.sqlite")
        w, r, _, _ = timed([b, "import", "projects", bad_header_path, "--create-rounds"], env=env_for(db), expect=(2,))
        walls.append(w); rss.append(r)
    res["parse"], res["parse_rss"] = median(walls), max(rss)

    log("dry run: everything but the write")
    walls, rss = [], []
    for i in range(ARGS.runs):
        db = fresh_db(f"dry{i}.sqlite")
        w, r, out, _ = timed([b, "import", "projects", csv_path, "--create-rounds", "--dry-run", "--json"], env=env_for(db))
        report = json.loads(out.strip().splitlines()[-1])
        assert report["created"] == ARGS.rows and not report["applied"], report
        walls.append(w); rss.append(r)
    res["dry"], res["dry_rss"] = median(walls), max(rss)

    log("full import into a fresh database")
    walls, rss = [], []
    for i in range(ARGS.runs):
        db = fresh_db(f"import{i}.sqlite")
        w, r, out, _ = timed([b, "import", "projects", csv_path, "--create-rounds", "--json"], env=env_for(db))
        report = json.loads(out.strip().splitlines()[-1])
        assert report["applied"] and report["created"] == ARGS.rows, report
        n = int(sqlite_scalar(db, "SELECT COUNT(*) FROM projects"))
        assert n == ARGS.rows, n
        log(f"  run {i + 1}: {w:.2f} s, peak RSS {r:.0f} MiB")
        walls.append(w); rss.append(r)
        res["db"] = db
    res["import"], res["import_all"], res["import_rss"], res["import_rss_all"] = median(walls), walls, max(rss), rss
    res["milestones"] = int(sqlite_scalar(res["db"], "SELECT COUNT(*) FROM milestones"))
    res["audit_events"] = int(sqlite_scalar(res["db"], "SELECT COUNT(*) FROM audit_events"))
    res["db_mib"] = sum(os.path.getsize(res["db"] + s) for s in ("", "-wal") if os.path.exists(res["db"] + s)) / 2**20

    log("baseline: sqlite3 .import --csv --skip 1 into a 17-column table")
    ddl = "CREATE TABLE projects_raw (" + ", ".join(f'"{c}" TEXT' for c in COLUMNS) + ");"
    walls, rss = [], []
    for i in range(ARGS.runs):
        db = os.path.join(ARGS.work, f"baseline{i}.sqlite")
        if os.path.exists(db):
            os.remove(db)
        script = f"{ddl}\n.import --csv --skip 1 '{csv_path}' projects_raw\n"
        w, r, _, _ = timed(["sqlite3", db], stdin=script.encode())
        n = int(sqlite_scalar(db, "SELECT COUNT(*) FROM projects_raw"))
        assert n == ARGS.rows, n
        walls.append(w); rss.append(r)
    res["sqlite3"], res["sqlite3_all"], res["sqlite3_rss"] = median(walls), walls, max(rss)
    return res


# ---------------------------------------------------------------------------------------

def summary_sql(query):
    """The SQL ProjectSummary.run sends for an admin (scope 吕梁市 → prefix 1411), from the query string."""
    q = dict(urllib.parse.parse_qsl(query))
    grp = {"stage": "NULL", "division": "SUBSTR(p.division_code, 1, 6)", "industry": "p.industry"}[q.get("group_by", "stage")]
    sql = (f"SELECT m.stage AS stage, {grp} AS grp, COUNT(*) AS n, "
           "CAST(COALESCE(SUM(p.total_investment_fen), 0) AS BIGINT) AS total, "
           "CAST(COALESCE(SUM(p.expected_annual_output_fen), 0) AS BIGINT) AS output "
           "FROM milestones AS m JOIN projects AS p ON p.id = m.project_id WHERE p.division_code LIKE ?")
    binds = ["1411%"]
    if "round_id" in q:
        sql += " AND m.round_id = ?"; binds.append(q["round_id"])
    if "from" in q:
        sql += " AND m.date >= ?"; binds.append(q["from"])
    if "to" in q:
        sql += " AND m.date <= ?"; binds.append(q["to"])
    sql += " GROUP BY m.stage" + ("" if grp == "NULL" else f", {grp}")
    return sql, binds


def time_sql(db, query, n=30):
    """Median ms of the summary's SQL alone, in-process (Python's sqlite3), and its query plan."""
    sql, binds = summary_sql(query)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        plan = "; ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, binds))
        for _ in range(3):
            con.execute(sql, binds).fetchall()
        lat = []
        for _ in range(n):
            t = time.perf_counter()
            con.execute(sql, binds).fetchall()
            lat.append((time.perf_counter() - t) * 1000)
    finally:
        con.close()
    return median(lat), plan


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = None

    def call(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        payload = r.read()
        if r.status != 200:
            raise SystemExit(f"{method} {path} → {r.status}: {payload[:500]!r}")
        return json.loads(payload)


def bench_summary(db):
    port = free_port()
    logf = open(os.path.join(ARGS.work, "serve.log"), "wb")
    server = subprocess.Popen([ARGS.bin, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                              env=env_for(db), stdout=logf, stderr=subprocess.STDOUT)
    res = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("server did not start; see serve.log")
            time.sleep(0.2)
        client = Client(port)
        client.token = client.call("POST", "/api/v1/auth/token", {"username": "admin", "password": PASSWORD})["token"]
        rounds = client.call("GET", "/api/v1/rounds?per=200")["items"]
        # The busiest round: most milestones, as the summary itself counts them.
        counts = {}
        for r in rounds:
            rows = client.call("GET", f"/api/v1/projects/summary?round_id={r['id']}&group_by=stage")["rows"]
            counts[r["id"]] = (sum(x["count"] for x in rows), r["name"])
        busiest = max(counts, key=lambda k: counts[k][0])
        res["busiest"] = counts[busiest]
        res["rounds"] = len(rounds)
        cases = [
            ("by round (busiest round, group_by=stage)", f"round_id={busiest}&group_by=stage"),
            ("by county (all projects, group_by=division)", "group_by=division"),
            ("by industry (all projects, group_by=industry)", "group_by=industry"),
            ("by county, one year (from/to 2022, group_by=division)", "from=2022-01-01&to=2022-12-31&group_by=division"),
        ]
        res["cases"] = []
        for label, query in cases:
            path = "/api/v1/projects/summary?" + query
            for _ in range(20):  # warm-up: page cache, statement cache, connection
                body = client.call("GET", path)
            lat = []
            for _ in range(ARGS.requests):
                t = time.perf_counter()
                client.call("GET", path)
                lat.append((time.perf_counter() - t) * 1000)
            total = sum(x["count"] for x in body["rows"])
            sql_ms, plan = time_sql(db, query)
            res["cases"].append((label, query, median(lat), pct(lat, 95), max(lat), len(body["rows"]), total, sql_ms, plan))
            log(f"  {label}: p50 {median(lat):.1f} ms, p95 {pct(lat, 95):.1f} ms; SQL alone {sql_ms:.1f} ms")
        status = open(f"/proc/{server.pid}/status").read()
        res["server_rss"] = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        logf.close()
    return res


# ---------------------------------------------------------------------------------------

def machine():
    cpu = "unknown"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    mem = next((l.split()[1] for l in free.splitlines() if l.startswith("Mem:")), "?")
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--", "Sources", "Package.swift"],
                           capture_output=True, text=True).stdout.strip()
    sqlite_version = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "mem": mem, "commit": commit + (" + uncommitted changes in Sources" if dirty else ""),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "kernel": platform.release(), "load": "%.1f %.1f %.1f" % os.getloadavg(), "sqlite": sqlite_version, "python": platform.python_version(),
    }


def verdict(ok):
    return "met" if ok else "**missed**"


def report(m, imp, srv, gen_s, csv_mib):
    ratio = imp["import"] / imp["sqlite3"]
    startup, parse, dry, full = imp["startup"], imp["parse"], imp["dry"], imp["import"]
    lines = []
    a = lines.append
    a(f"### Results — {m['date']}")
    a("")
    a(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['mem']} memory, Linux {m['kernel']}; "
      f"commit `{m['commit']}`; sqlite3 CLI {m['sqlite']}; Python {m['python']}; "
      f"load average at start {m['load']}, at end {'%.1f %.1f %.1f' % os.getloadavg()} (the machine is shared: "
      "other sessions' builds compete for the 2 cores).")
    a(f"Data: {ARGS.rows:,} projects, {imp['milestones']:,} milestones, {srv['rounds']} rounds; "
      f"CSV {csv_mib:.1f} MiB (generated in {gen_s:.1f} s, seed {ARGS.seed}); database after import "
      f"{imp['db_mib']:.0f} MiB with {imp['audit_events']:,} audit events. Medians of {ARGS.runs} runs.")
    a("")
    a("| benchmark | result | target | |")
    a("|---|---|---|---|")
    a(f"| import, wall (fresh DB, `--create-rounds`) | {full:.2f} s (runs: {', '.join(f'{x:.2f}' for x in imp['import_all'])}) "
      f"→ {ARGS.rows / full:,.0f} rows/s | — | |")
    a(f"| sqlite3 `.import --csv` baseline, wall | {imp['sqlite3']:.2f} s (runs: {', '.join(f'{x:.2f}' for x in imp['sqlite3_all'])}) | — | |")
    a(f"| import ÷ sqlite3 | {ratio:.1f}× | ≤ 3× | {verdict(ratio <= 3)} |")
    a(f"| import, peak RSS (highest run) | {imp['import_rss']:.0f} MiB = {imp['import_rss'] * 1.048576:.0f} MB (runs: {', '.join(f'{x:.0f}' for x in imp['import_rss_all'])}) "
      f"| < 300 MB | {verdict(imp['import_rss'] * 1.048576 < 300)} |")
    for label, query, p50, p95, mx, nrows, total, sql_ms, plan in srv["cases"]:
        a(f"| summary {label}: p50 / p95 (max) | {p50:.1f} / {p95:.1f} ms ({mx:.1f}) | p95 < 50 ms | {verdict(p95 < 50)} |")
    a("")
    a("Summary requests: the same SQL run alone in-process (Python's sqlite3 "
      f"{sqlite3.sqlite_version}, median of 30) and SQLite's plan for it:")
    a("")
    a("| case | rows out | milestones counted | HTTP p50 | SQL alone | plan |")
    a("|---|---|---|---|---|---|")
    for label, query, p50, p95, mx, nrows, total, sql_ms, plan in srv["cases"]:
        a(f"| `{query}` | {nrows} | {total:,} | {p50:.1f} ms | {sql_ms:.1f} ms | {plan} |")
    a("")
    a("Where the import's time goes (medians; each step's time minus the one before it):")
    a("")
    a("| step | cumulative | this step | share of import |")
    a("|---|---|---|---|")
    a(f"| start-up: process, migration check, seed lookups (1-row file) | {startup:.2f} s | {startup:.2f} s | {startup / full:.0%} |")
    a(f"| + read, decode and parse the CSV (bad-header file, stops at the header) | {parse:.2f} s | {parse - startup:.2f} s | {(parse - startup) / full:.0%} |")
    a(f"| + validate and resolve every row (`--dry-run`) | {dry:.2f} s | {dry - parse:.2f} s | {(dry - parse) / full:.0%} |")
    a(f"| + write projects, milestones, audit events (full import) | {full:.2f} s | {full - dry:.2f} s | {(full - dry) / full:.0%} |")
    a("")
    a(f"Peak RSS: parse only {imp['parse_rss']:.0f} MiB, dry run {imp['dry_rss']:.0f} MiB, import {imp['import_rss']:.0f} MiB, "
      f"sqlite3 CLI {imp['sqlite3_rss']:.0f} MiB; server after the latency runs {srv['server_rss']:.0f} MiB (VmHWM).")
    a(f"Busiest round: {srv['busiest'][1]} ({srv['busiest'][0]:,} milestones). Latency is measured by one keep-alive "
      f"client (Python http.client) sending {ARGS.requests} sequential requests per case after 20 warm-up requests; "
      "server logging at the default `info` level to a file.")
    return "\n".join(lines) + "\n"


def main():
    global ARGS, TEMPLATE
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--seed", type=int, default=20210716)
    p.add_argument("--out", default=None)
    ARGS = p.parse_args()
    os.makedirs(ARGS.work, exist_ok=True)
    started = time.monotonic()

    csv_path = os.path.join(ARGS.work, f"projects-{ARGS.rows}.csv")
    t = time.monotonic()
    subprocess.run([sys.executable, os.path.join(HERE, "gen_projects.py"), str(ARGS.rows), csv_path, "--seed", str(ARGS.seed)],
                   check=True, timeout=600)
    gen_s = time.monotonic() - t
    csv_mib = os.path.getsize(csv_path) / 2**20
    log(f"generated {ARGS.rows:,} rows ({csv_mib:.1f} MiB) in {gen_s:.1f} s")

    # Same bytes with the first header cell renamed: parsed in full, then rejected.
    bad_header_path = os.path.join(ARGS.work, "bad-header.csv")
    with open(csv_path, "rb") as src, open(bad_header_path, "wb") as dst:
        data = src.read()
        dst.write(data.replace("项目名称".encode(), "XX".encode(), 1))
    tiny_path = os.path.join(ARGS.work, "tiny.csv")
    with open(csv_path, "rb") as src, open(tiny_path, "wb") as dst:
        dst.write(b"".join(src.readlines()[:2]))  # row 1 has no line break inside a cell

    # One migrated and seeded empty database (admin created), copied for every run so each
    # run starts fresh without paying migration and bcrypt each time.
    TEMPLATE = os.path.join(ARGS.work, "template.sqlite")
    for s in ("", "-wal", "-shm"):
        if os.path.exists(TEMPLATE + s):
            os.remove(TEMPLATE + s)
    t = time.monotonic()
    subprocess.run([ARGS.bin, "migrate"], env=env_for(TEMPLATE), check=True, capture_output=True, timeout=300)
    migrate_s = time.monotonic() - t
    sqlite_scalar(TEMPLATE, "PRAGMA wal_checkpoint(TRUNCATE);")
    log(f"template database migrated and seeded in {migrate_s:.1f} s")

    m = machine()
    imp = bench_import(csv_path, bad_header_path, tiny_path)
    srv = bench_summary(imp["db"])
    text = report(m, imp, srv, gen_s, csv_mib)
    text += f"\nFirst start on an empty database (migrate + seed + admin bcrypt), not counted above: {migrate_s:.1f} s. "
    text += f"Whole benchmark run: {(time.monotonic() - started) / 60:.1f} min.\n"
    if ARGS.out:
        with open(ARGS.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
