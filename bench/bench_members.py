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
place as the import has them. Import and baseline run --rounds times (default 3),
alternating, each on a fresh database (the rows exported once, from the first import); the
ratio is the median import wall time / the median baseline wall time. One round of each
varied by a fifth between runs on this shared machine (the baseline 26–33 s on SQLite).

Requests. `tongguan serve` on the imported database, one keep-alive client: an API token
for the API, a signed-in session for the HTML page. --requests different members drawn
from the file (plus 20 others for warm-up): `POST /api/v1/members/lookup` with each one's
ID; then `GET /api/v1/households/{code}` and the page `/monitoring/households/{code}` for
the households the lookups answered. SQLite: as the import leaves the file (nothing runs
in the background; no ANALYZE). PostgreSQL: the lookups of --requests other members right
after the import are measured too (no target: autovacuum's first pass over a million new
rows is due then, and it ran during that phase in session 20); then the bench waits until
autovacuum has vacuumed and analysed households, members and audit_events and no worker is
left (`settle`), and measures the requests on the database as it runs from then on.
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
    """2n + 20 distinct (resident ID, head ID) pairs drawn from the file: 20 for warm-up, n
    measured, and n others for PostgreSQL's lookups right after the import (distinct, so
    those do not warm the pages of the members measured later)."""
    with open(members_csv, encoding="utf-8") as f:
        total = sum(1 for _ in f) - 1
    picks = set(random.Random(seed).sample(range(total), 2 * n + 20))
    out = []
    with open(members_csv, encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        next(r)
        for i, row in enumerate(r):
            if i in picks:
                out.append((row[1], row[2]))
    random.Random(seed + 1).shuffle(out)
    return out[:20], out[20:20 + n], out[20 + n:], total


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


def settle(db, since):
    """Lets the database reach the state it runs in after a large import, so the requests
    are measured there and not during one-off work: the operating system writes the
    import's and the baseline's dirty pages out (`sync`; on this machine a gigabyte of them
    is still being written back when the import ends); on PostgreSQL, autovacuum vacuums
    and analyses the tables the import wrote (a million new rows set it off within a minute
    or two) and no autovacuum worker is left in the database. (seconds waited, what settled
    it); after 10 minutes the bench runs VACUUM ANALYZE itself and says so."""
    t = time.monotonic()
    os.sync()
    if isinstance(db, SQLite):
        return time.monotonic() - t, "`sync` (the operating system's writeback)"
    names = ", ".join(f"'{t}'" for t in TABLES)
    query = (f"SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname IN ({names}) "
             f"AND GREATEST(last_autovacuum, last_vacuum) >= '{since}' AND GREATEST(last_autoanalyze, last_analyze) >= '{since}';"
             " SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = current_database();")
    while time.monotonic() - t < 600:
        done, workers = (int(x) for x in db.sql(query).split())
        if done == len(TABLES) and workers == 0:
            log(f"  autovacuum done with {', '.join(TABLES)} after {time.monotonic() - t:.0f} s of waiting")
            return time.monotonic() - t, "`sync` and autovacuum"
        time.sleep(5)
    db.sql(f"VACUUM ANALYZE {', '.join(TABLES)};", timeout=1800)
    log("  autovacuum had not come by in 10 minutes: VACUUM ANALYZE run by the bench")
    return time.monotonic() - t, "`sync` and the bench's VACUUM ANALYZE (autovacuum had not come by in 10 minutes)"


def reset(db):
    """An empty database again, in place of the imported one (the next round imports into it)."""
    if isinstance(db, SQLite):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db.path + suffix):
                os.remove(db.path + suffix)
    else:
        db.psql("DROP DATABASE tongguan; CREATE DATABASE tongguan OWNER tongguan;", db="postgres")


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
    n = len(res["rounds"])
    a(f"Import and baseline {n} times each, alternating on fresh databases; the walls are medians, the RSS the largest.")
    a("")
    a("| load | wall | peak RSS | target |")
    a("|---|---|---|---|")
    a(f"| `tongguan import members` ({res['members']:,} rows) | {res['import_s']:.0f} s ({res['members'] / res['import_s']:,.0f} rows/s) | "
      f"{res['import_rss']:.0f} MiB | RSS < 500 MB: {'met' if res['import_rss'] * 1.048576 < 500 else '**missed**'} |")
    a(f"| baseline: {res['base_tool']} of the same rows (households, members, audit events) | {res['base_s']:.0f} s | "
      f"{res['base_rss']:.0f} MiB | |")
    a(f"| ratio of the medians, import / baseline | **{ratio:.2f}×** | | within 2×: {'met' if ratio <= 2 else '**missed**'} |")
    a("")
    a("Each round, import / baseline: " + ", ".join(f"{r['import_s']:.0f} / {r['base_s']:.0f} s ({r['import_s'] / r['base_s']:.2f}×)" for r in res["rounds"]) + ".")
    a("")
    if "settle_s" in res:
        a(f"Requests measured once the database had settled ({res['settled_by']}), "
          f"{res['settle_s']:.0f} s after the lookups right after the import (last row).")
        a("")
    a("| request | p50 | p95 | max | n | answer | target |")
    a("|---|---|---|---|---|---|---|")
    rows = list(res["latency"])
    if "early" in res:
        rows.append(("lookup", "`POST /api/v1/members/lookup` right after the import (writeback running; PostgreSQL: autovacuum's first pass due or at work)",
                     res["early"], None, f"{len(res['early'])} other members"))
    for kind, label, lat, target, shown in rows:
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
    p.add_argument("--rounds", type=int, default=3, help="import and baseline, each this many times (medians compared)")
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
    warm, picks, early, total = sample(members_csv, ARGS.requests, ARGS.seed)
    res = {"members": total, "csv_mib": os.path.getsize(members_csv) / 2**20}

    if ARGS.measure_only:
        return measure_only(m, members_csv, warm, picks, total, started)
    db = SQLite(ARGS.work, "registry.sqlite", data_key=DATA_KEY) if ARGS.engine == "sqlite" else Postgres(ARGS.work, data_key=DATA_KEY)
    try:
        res.update(rounds=[], base_tool="sqlite3 `.import --csv`" if isinstance(db, SQLite) else "psql `\\copy … FROM … CSV`")
        paths = {}
        try:
            for round in range(1, ARGS.rounds + 1):
                if round > 1:
                    reset(db)
                prepare(db, villages_csv)
                before = audit_max(db)
                since = None if isinstance(db, SQLite) else db.sql("SELECT now();").strip()  # for settle()
                log(f"{db.name}, round {round} of {ARGS.rounds}: importing {total:,} members")
                wall, rss, out = timed_command([ARGS.bin, "import", "members", members_csv, "--json"], env_for(db), 5400, "import members")
                rep = json.loads(out.strip().splitlines()[-1])
                assert rep["applied"] and rep["members_created"] == total, rep
                log(f"  import: {wall:.0f} s, peak RSS {rss:.0f} MiB")
                assert count(db, "members") == total and count(db, "households") == rep["households_created"]
                res.update(households=rep["households_created"], load_import="%.1f %.1f %.1f" % os.getloadavg())
                if round == 1:
                    res["villages"] = int(db.sql("SELECT COUNT(DISTINCT division_code) FROM households;"))
                    res["audit"] = audit_max(db) - before
                    res["db_mib"] = db.size_mib()

                base = Baseline.make(db)
                try:
                    prepare(base, villages_csv)
                    if not paths:
                        paths = export_rows(db, before, audit_max(base))
                    base_s, base_rss = baseline_load(base, paths)
                    assert count(base, "members") == total and count(base, "households") == res["households"]
                    log(f"  baseline: {base_s:.0f} s, peak RSS {base_rss:.0f} MiB")
                finally:
                    if isinstance(base, SQLite):
                        for suffix in ("", "-wal", "-shm"):
                            if os.path.exists(base.path + suffix):
                                os.remove(base.path + suffix)
                    else:
                        base.drop()
                res["rounds"].append({"import_s": wall, "import_rss": rss, "base_s": base_s, "base_rss": base_rss})
        finally:
            for path in paths.values():
                os.remove(path)
        rounds = res["rounds"]
        res.update(import_s=median([r["import_s"] for r in rounds]), base_s=median([r["base_s"] for r in rounds]),
                   import_rss=max(r["import_rss"] for r in rounds), base_rss=max(r["base_rss"] for r in rounds))

        srv = Server(db, "measure", ARGS.bin, ARGS.work)
        try:
            srv.page_client = type(srv.client)(srv.port)
            srv.page_client.sign_in()
            res["early"] = timed_each(lambda p: srv.client.call("POST", "/api/v1/members/lookup", {"resident_id": p[0]}), early, warm)
            log(f"  lookup right after the import: p50 {median(res['early']):.1f} ms, p95 {pct(res['early'], 95):.1f} ms")
            res["settle_s"], res["settled_by"] = settle(db, since)
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
