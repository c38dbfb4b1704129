#!/usr/bin/env python3
"""The 监测 registry's speed benchmark (issue 8, "Speed"): the member import of 1,000,000
members against the engine's own bulk load of the same rows, then lookup by resident ID
and the household page through HTTP, on SQLite or PostgreSQL.

    python3 bench/bench_members.py --bin PATH/tongguan --engine sqlite|postgres --work DIR
        [--members 1000000] [--data DIR] [--requests 200] [--seed 20210716] [--out results.md]

bench/run_members.sh builds the release binary and calls this once per engine.

Data. bench/gen_members.py writes the member sheet (N members, ≈N/3.3 households, valid
unique GB 11643 IDs) and its villages (≈100 households each, under the seed's real
townships); the files are kept in --data and reused by the second engine.

Import. A fresh database (`tongguan migrate`), the villages through `tongguan divisions
import` (not timed), then `tongguan import members FILE --json` under /usr/bin/time: wall
time and peak RSS of the whole command (reading, checking, matching, sealing every ID with
AES-GCM and its HMAC blind index, writing households, members and audit events in one
transaction).

Baseline: the engine's own bulk load of the rows the import wrote. The households and
members tables and the import's audit events are exported from the imported database to
CSV (IDs already sealed, as stored), a second fresh database is prepared the same way
(migrate, villages), and the three CSV files are loaded into it in one transaction with
the engine's tool — sqlite3 `.import --csv` (synchronous=NORMAL and a 64 MiB cache, as the
server sets them) or psql `\\copy … FROM … CSV` — indexes, constraints and triggers in
place as the import has them. The ratio is import wall time / baseline wall time.

Requests. `tongguan serve` on the imported database (as the import leaves it: no ANALYZE
by the bench), one keep-alive client: an API token for the API, a signed-in session for the
HTML page. --requests different members drawn from the file (plus 20 others for warm-up):
`POST /api/v1/members/lookup` with each one's ID; then `GET /api/v1/households/{code}`
and the page `/monitoring/households/{code}` for the households the lookups answered.
p50 / p95 / max. Targets: lookup p95 < 5 ms, household page p95 < 50 ms.

Standard library only (plus bench/benchlib.py, shared with the other benchmarks, and
bench/gen_members.py).
"""

import argparse
import csv
import json
import os
import random
import subprocess
import time
import urllib.parse

import benchlib
from benchlib import DATA_KEY, SQLite, Postgres, Server, env_for, log, machine, median, pct, run, timed, timed_each
import gen_members

benchlib.TAG[0] = "bench-members"


def timed_command(cmd, env, timeout, what):
    """(wall seconds, peak RSS MiB, stdout) of a command run under /usr/bin/time."""
    t = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "BENCH-TIME %e %M"] + cmd, env=env, capture_output=True, timeout=timeout)
    wall = time.monotonic() - t
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        raise SystemExit(f"{what} failed ({p.returncode}):\n{out[-3000:]}\n{err[-3000:]}")
    line = [l for l in err.splitlines() if l.startswith("BENCH-TIME ")][-1]
    return wall, int(line.split()[2]) / 1024, out


# --------------------------------------------------------------------------------------
# Data

def data_files():
    os.makedirs(ARGS.data, exist_ok=True)
    members = os.path.join(ARGS.data, f"members-{ARGS.members}-{ARGS.seed}.csv")
    villages = os.path.join(ARGS.data, f"villages-{ARGS.members}-{ARGS.seed}.csv")
    if not (os.path.exists(members) and os.path.exists(villages)):
        t = time.monotonic()
        count, heads, used = gen_members.write(ARGS.members, members + ".part", ARGS.seed, villages)
        os.replace(members + ".part", members)
        log(f"generated {count:,} members in {heads:,} households, {used:,} villages in {time.monotonic() - t:.0f} s")
    return members, villages


def sample(members_csv, n, seed):
    """n + 20 distinct (resident ID, head ID) pairs drawn from the file (20 for warm-up)."""
    with open(members_csv, encoding="utf-8") as f:
        total = sum(1 for _ in f) - 1
    picks = set(random.Random(seed).sample(range(total), n + 20))
    out = []
    with open(members_csv, encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        next(r)
        for i, row in enumerate(r):
            if i in picks:
                out.append((row[1], row[2]))
    random.Random(seed + 1).shuffle(out)
    return out[:20], out[20:], total


# --------------------------------------------------------------------------------------
# The database and its baseline twin

def prepare(db, villages):
    env = env_for(db)
    run([ARGS.bin, "migrate"], env, 600, "migrate")
    run([ARGS.bin, "divisions", "import", villages], env, 600, "divisions import")


def audit_max(db):
    return int(db.sql("SELECT COALESCE(MAX(seq), 0) FROM audit_events;") or 0)


TABLES = ["households", "members", "audit_events"]


def export_rows(db, before, base_max):
    """The rows the import wrote, as CSV files (audit sequence numbers moved to follow the
    baseline database's own events)."""
    paths = {t: os.path.join(ARGS.work, f"baseline-{t}.csv") for t in TABLES}
    shift = base_max - before
    queries = {
        "households": "SELECT * FROM households",
        "members": "SELECT * FROM members",
        "audit_events": ("SELECT seq + %d, occurred_at, actor, action, entity_type, entity_id, division_code, changes, "
                         "request_id, client_address, prev_hash, hash FROM audit_events WHERE seq > %d ORDER BY seq") % (shift, before),
    }
    for t in TABLES:
        if isinstance(db, SQLite):
            with open(paths[t], "wb") as f:
                p = subprocess.run(["sqlite3", "-bail", "-csv", db.path, queries[t] + ";"], stdout=f, stderr=subprocess.PIPE, timeout=1800)
            if p.returncode != 0:
                raise SystemExit(f"sqlite3 export failed: {p.stderr[-2000:]}")
        else:
            db.sql(f"\\copy ({queries[t]}) TO '{paths[t]}' WITH (FORMAT csv)")
    return paths


def baseline_load(base, paths):
    """Wall time and peak RSS of the engine's own bulk load of the three files, in one transaction."""
    if isinstance(base, SQLite):
        script = "PRAGMA synchronous=NORMAL;\nPRAGMA cache_size=-65536;\nBEGIN;\n"
        script += "".join(f".import --csv {paths[t]} {t}\n" for t in TABLES) + "COMMIT;\n"
        cmd = ["sqlite3", "-bail", base.path]
    else:
        script = "BEGIN;\n" + "".join(f"\\copy {t} FROM '{paths[t]}' WITH (FORMAT csv)\n" for t in TABLES) + "COMMIT;\n"
        cmd = base.psql_cmd(base.dbname)
    t = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "BENCH-TIME %e %M"] + cmd, input=script.encode(), capture_output=True, timeout=3600)
    wall = time.monotonic() - t
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        raise SystemExit(f"baseline load failed: {err[-2000:]}")
    rss = int([l for l in err.splitlines() if l.startswith("BENCH-TIME ")][-1].split()[2]) / 1024
    return wall, rss


class Baseline:
    """A second empty database of the same engine (a file beside, or a database in the same cluster)."""

    @staticmethod
    def make(db):
        if isinstance(db, SQLite):
            return SQLite(ARGS.work, "baseline.sqlite", data_key=DATA_KEY)
        db.psql("CREATE DATABASE baseline OWNER tongguan;", db="postgres")
        return PostgresDatabase(db, "baseline")


class PostgresDatabase:
    """Another database in the bench's own cluster."""

    def __init__(self, cluster, dbname):
        self.cluster = cluster
        self.dbname = dbname

    def env(self):  # the cluster's data key, this database
        return {**self.cluster.env(), "DATABASE_URL": f"postgres://tongguan:tongguan@127.0.0.1:{self.cluster.port}/{self.dbname}?sslmode=disable"}

    def psql_cmd(self, db=None):
        return self.cluster.psql_cmd(db or self.dbname)

    def sql(self, text, timeout=1800):
        return self.cluster.psql(text, db=self.dbname, timeout=timeout)

    def drop(self):
        self.cluster.psql(f"DROP DATABASE {self.dbname};", db="postgres")


def count(db, table):
    return int(db.sql(f"SELECT COUNT(*) FROM {table};"))


# --------------------------------------------------------------------------------------

def measure(srv, warm, picks):
    api = srv.client
    lookups = {}

    def lookup(pair):
        answer = api.call("POST", "/api/v1/members/lookup", {"resident_id": pair[0]})
        lookups[pair] = answer

    lat_lookup = timed_each(lookup, picks, warm)
    codes = [lookups[p]["household_code"] for p in picks]
    warm_codes = [lookups[p]["household_code"] for p in warm]
    heads = {}
    for p in picks:  # the lookups of a head and of its household's other members agree
        heads.setdefault(p[1], set()).add(lookups[p]["household_code"])
    assert all(len(v) == 1 for v in heads.values()), "lookups of one household's members disagree"

    shown = {}

    def household(code):
        body = api.call("GET", f"/api/v1/households/{code}")
        assert body["household_code"] == code
        shown["members"] = shown.get("members", 0) + len(body["members"])

    lat_api = timed_each(household, codes, warm_codes)
    shown["members"] -= sum(len(api.call("GET", f"/api/v1/households/{c}")["members"]) for c in warm_codes)

    page = srv.page_client

    def html(code):
        body = page.call("GET", f"/monitoring/households/{code}", accept="text/html")
        assert code.encode() in body, "the household page does not show its code"
        shown["bytes"] = len(body)

    lat_page = timed_each(html, codes, warm_codes)
    # The list (no target in the issue): a few requests each, as some take seconds.
    slow = ARGS.slow_requests
    lat_list, listing = timed(api, "GET", "/api/v1/households?per=20", slow, warm=1)
    village = codes[0][:12]
    lat_village, vlisting = timed(api, "GET", f"/api/v1/households?division={village}&per=20", slow, warm=1)
    q = urllib.parse.quote
    any_code = codes[1]
    lat_q, qlisting = timed(api, "GET", f"/api/v1/households?q={q(any_code)}&per=20", slow, warm=1)
    n = len(picks)
    avg_members = shown["members"] / n
    return [
        ("lookup", "`POST /api/v1/members/lookup` (a different member each time)", lat_lookup, 5, f"{n} members"),
        ("household", "`GET /api/v1/households/{code}` (API, with members)", lat_api, 50, f"{avg_members:.1f} members on average"),
        ("household", "`/monitoring/households/{code}` (HTML page)", lat_page, 50, f"{shown['bytes'] / 1024:.0f} KiB page"),
        ("list", "`GET /api/v1/households?per=20` (first page)", lat_list, None, f"total {listing['metadata']['total']:,}"),
        ("list", "`GET /api/v1/households?division=<village>&per=20`", lat_village, None, f"total {vlisting['metadata']['total']:,}"),
        ("list", "`GET /api/v1/households?q=<household code>`", lat_q, None, f"total {qlisting['metadata']['total']:,}"),
    ]


def report(m, db, res, started):
    lines = []
    a = lines.append
    a(f"### {db.name} — {m['date']}")
    a("")
    a(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['mem']} memory, Linux {m['kernel']}, {db.version()}; binary `{ARGS.bin_label}` "
      f"(commit {m['commit']}); load average at start {m['load']}, after the import {res['load_import']}, at end "
      f"{'%.1f %.1f %.1f' % os.getloadavg()} (shared 2-core machine: other engineers' builds and tests run at the same time).")
    a("")
    a(f"Data: {res['members']:,} members in {res['households']:,} households across {res['villages']:,} villages "
      f"(bench/gen_members.py, seed {ARGS.seed}); CSV {res['csv_mib']:.0f} MiB. The import wrote {res['audit']:,} audit events. "
      f"Database after the import {res['db_mib']:,.0f} MiB.")
    a("")
    ratio = res["import_s"] / res["base_s"]
    a("| load | wall | peak RSS | target |")
    a("|---|---|---|---|")
    a(f"| `tongguan import members` ({res['members']:,} rows) | {res['import_s']:.0f} s ({res['members'] / res['import_s']:,.0f} rows/s) | "
      f"{res['import_rss']:.0f} MiB | RSS < 500 MB: {'met' if res['import_rss'] * 1.048576 < 500 else '**missed**'} |")
    a(f"| baseline: {res['base_tool']} of the same rows (households, members, audit events) | {res['base_s']:.0f} s | "
      f"{res['base_rss']:.0f} MiB | |")
    a(f"| ratio import / baseline | **{ratio:.2f}×** | | within 2×: {'met' if ratio <= 2 else '**missed**'} |")
    a("")
    a("| request | p50 | p95 | max | n | answer | target |")
    a("|---|---|---|---|---|---|---|")
    for kind, label, lat, target, shown in res["latency"]:
        verdict = "(extra, no target)" if target is None else (f"p95 < {target} ms: " + ("met" if pct(lat, 95) < target else "**missed**"))
        a(f"| {label} | {median(lat):.1f} ms | {pct(lat, 95):.1f} ms | {max(lat):.1f} ms | {len(lat)} | {shown} | {verdict} |")
    a("")
    a(f"Server peak RSS {res['server_rss']:.0f} MiB. Whole run: {(time.monotonic() - started) / 60:.1f} min.")
    return "\n".join(lines) + "\n"


def measure_only(m, members_csv, warm, picks, total, started):
    """The requests again on the SQLite database an earlier run left in WORK (e.g. with a
    newer binary); no import, no baseline."""
    db = SQLite(ARGS.work, "registry.sqlite", keep=True, data_key=DATA_KEY)
    assert count(db, "members") == total, "WORK holds no imported database of this file"
    srv = Server(db, "measure-again", ARGS.bin, ARGS.work)
    try:
        srv.page_client = type(srv.client)(srv.port)
        srv.page_client.sign_in()
        latency = measure(srv, warm, picks)
    finally:
        srv.stop()
    lines = [f"### {db.name}, requests only (database of an earlier run) — {m['date']}", "",
             f"Binary `{ARGS.bin_label}`; load average at start {m['load']}, at end {'%.1f %.1f %.1f' % os.getloadavg()}.", "",
             "| request | p50 | p95 | max | n | answer | target |", "|---|---|---|---|---|---|---|"]
    for kind, label, lat, target, shown in latency:
        verdict = "(extra, no target)" if target is None else (f"p95 < {target} ms: " + ("met" if pct(lat, 95) < target else "**missed**"))
        lines.append(f"| {label} | {median(lat):.1f} ms | {pct(lat, 95):.1f} ms | {max(lat):.1f} ms | {len(lat)} | {shown} | {verdict} |")
    text = "\n".join(lines) + f"\n\nWhole run: {(time.monotonic() - started) / 60:.1f} min.\n"
    if ARGS.out:
        with open(ARGS.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(text)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--data", default=None, help="where the generated files are kept (default: WORK)")
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--slow-requests", type=int, default=5, help="requests per household-list case (no target)")
    p.add_argument("--seed", type=int, default=20210716)
    p.add_argument("--measure-only", action="store_true", help="SQLite: only the requests, on WORK/registry.sqlite of an earlier run")
    p.add_argument("--bin-label", default=None)
    p.add_argument("--out", default=None)
    ARGS = p.parse_args()
    ARGS.bin_label = ARGS.bin_label or ARGS.bin
    ARGS.data = ARGS.data or ARGS.work
    os.makedirs(ARGS.work, exist_ok=True)
    started = time.monotonic()
    m = machine()
    members_csv, villages_csv = data_files()
    warm, picks, total = sample(members_csv, ARGS.requests, ARGS.seed)
    res = {"members": total, "csv_mib": os.path.getsize(members_csv) / 2**20}

    if ARGS.measure_only:
        return measure_only(m, members_csv, warm, picks, total, started)
    db = SQLite(ARGS.work, "registry.sqlite", data_key=DATA_KEY) if ARGS.engine == "sqlite" else Postgres(ARGS.work, data_key=DATA_KEY)
    try:
        prepare(db, villages_csv)
        before = audit_max(db)
        log(f"{db.name}: importing {total:,} members")
        wall, rss, out = timed_command([ARGS.bin, "import", "members", members_csv, "--json"], env_for(db), 5400, "import members")
        rep = json.loads(out.strip().splitlines()[-1])
        assert rep["applied"] and rep["members_created"] == total, rep
        res.update(import_s=wall, import_rss=rss, households=rep["households_created"], load_import="%.1f %.1f %.1f" % os.getloadavg())
        log(f"  import: {wall:.0f} s, peak RSS {rss:.0f} MiB")
        assert count(db, "members") == total and count(db, "households") == res["households"]
        res["villages"] = int(db.sql("SELECT COUNT(DISTINCT division_code) FROM households;"))
        res["audit"] = audit_max(db) - before
        res["db_mib"] = db.size_mib()

        base = Baseline.make(db)
        try:
            prepare(base, villages_csv)
            paths = export_rows(db, before, audit_max(base))
            res["base_s"], res["base_rss"] = baseline_load(base, paths)
            res["base_tool"] = "sqlite3 `.import --csv`" if isinstance(base, SQLite) else "psql `\\copy … FROM … CSV`"
            assert count(base, "members") == total and count(base, "households") == res["households"]
            log(f"  baseline: {res['base_s']:.0f} s, peak RSS {res['base_rss']:.0f} MiB")
        finally:
            for path in locals().get("paths", {}).values():
                os.remove(path)
            if isinstance(base, SQLite):
                for s in ("", "-wal", "-shm"):
                    if os.path.exists(base.path + s):
                        os.remove(base.path + s)
            else:
                base.drop()

        srv = Server(db, "measure", ARGS.bin, ARGS.work)
        try:
            srv.page_client = type(srv.client)(srv.port)
            srv.page_client.sign_in()
            res["latency"] = measure(srv, warm, picks)
            for _, label, lat, _, _ in res["latency"]:
                log(f"  {label}: p50 {median(lat):.1f} ms, p95 {pct(lat, 95):.1f} ms")
            res["server_rss"] = srv.rss_mib()
        finally:
            srv.stop()
        text = report(m, db, res, started)
    finally:
        db.stop()
    if ARGS.out:
        with open(ARGS.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
