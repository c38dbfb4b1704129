#!/usr/bin/env python3
"""The 诉求 (cases) module's speed benchmark: 1,000,000 cases of 吕梁市, the `overdue_on` and
`due_within` lists and the statistics through HTTP, on SQLite or PostgreSQL.

    python3 bench/bench_cases.py --bin PATH/tongguan --engine sqlite|postgres --work DIR
        [--cases 1000000] [--import-cases N] [--chunk 10000] [--requests 200]
        [--slow-requests 20] [--seed 20210716] [--reuse] [--out results.md]

bench/run_cases.sh builds the release binary and calls this once per engine.

Data: bench/gen_cases.py (13 counties and their townships, five sources, states over the
workflow, 2021 … today, deadlines as the server computes them). Loading: units, leaders
and a county user through the API; the backlog cases (~2 %, up to --import-cases of them)
through the product's own import, `tongguan import cases FILE --handed-down-by …`, in files
of --chunk rows; every other case by SQL (one INSERT per case on SQLite, COPY on
PostgreSQL, one registration event each, the numbering counters raised to match), stated
in the results. The due dates the import stored are compared with the generator's.

Measuring: `tongguan serve` on the loaded database, API tokens for the city admin and a
county user, one keep-alive client, 20 warm-up and --requests measured sequential requests
per case (--slow-requests when the warm-up mean is over --slow-ms, 250 ms: far off the target either way); p50 / p95 / max; baseline
`GET /api/v1/me` in the same run. Target: p95 < 100 ms for the lists and the statistics.

--load-only loads the database in --work and stops; --reuse measures a database already
loaded there (SQLite file / PostgreSQL data directory, migrated first by the binary under
test) — for before/after comparisons on the same data.

PostgreSQL: a throw-away cluster of its own (bench/benchlib.py), the shared server on 5432
is not touched. Standard library only; every child process has a time limit, every loop a
fixed count.
"""

import argparse
import csv
import datetime
import http.client
import json
import os
import re
import sqlite3
import sys
import time
import urllib.parse
import uuid

import benchlib
import gen_cases
from benchlib import SQLite, Postgres, Server, Client, env_for, log, machine, measure, median, pct, run

benchlib.TAG[0] = "bench-cases"
COUNTY = "141124"  # 临县, the largest county
COUNTY_USER = "bench-linxian"
COUNTY_PASSWORD = "bench-County-2021"
COLUMNS = None  # the cases table's columns, from the generator's row


def today_cn():
    """The server's today (CaseClock: UTC+8)."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


# --------------------------------------------------------------------------------------
# Loading

def setup(db, city):
    """Units, leaders and a county operator through the API; their ids by index."""
    srv = Server(db, "setup", ARGS.bin, ARGS.work)
    try:
        c = srv.client
        unit_ids = [c.call("POST", "/api/v1/units", {"name": u.name, "division_code": u.division_code}, expect=(200, 201))["id"]
                    for u in city.units]
        leader_ids = [c.call("POST", "/api/v1/leaders", {"name": l.name, "title": l.title, "division_code": l.division_code},
                             expect=(200, 201))["id"] for l in city.leaders]
        c.call("POST", "/api/v1/users", {"username": COUNTY_USER, "password": COUNTY_PASSWORD, "role": "operator",
                                         "division_code": COUNTY}, expect=(200, 201))
    finally:
        srv.stop()
    return [uuid.UUID(i) for i in unit_ids], [uuid.UUID(i) for i in leader_ids]


def import_backlog(db, city, backlog):
    """The backlog cases through `tongguan import cases`, one file per body and chunk."""
    res = []
    by_body = {}
    for c in backlog:
        by_body.setdefault(c.handed_down_by, []).append(c)
    for body, cases in sorted(by_body.items()):
        for s in range(0, len(cases), ARGS.chunk):
            part = cases[s:s + ARGS.chunk]
            path = os.path.join(ARGS.work, "backlog.csv")
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(gen_cases.Case.SHEET_HEADER)
                for c in part:
                    w.writerow(c.sheet_row(city.units, city.leaders))
            wall, out = run([ARGS.bin, "import", "cases", path, "--handed-down-by", body, "--json"], env_for(db), 3600, "import cases")
            report = json.loads(out.strip().splitlines()[-1])
            assert report["applied"] and report["created"] == len(part), report
            res.append((len(part), wall))
            log(f"  imported {len(part):,} backlog cases handed down by {body} in {wall:.1f} s ({len(part) / wall:,.0f} cases/s)")
    return res


def sql_load(db, rows):
    """Every other case by SQL, with one registration event each."""
    global COLUMNS
    stamp = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    if isinstance(db, SQLite):
        blob = db.sql("SELECT typeof(id) FROM cases LIMIT 1;") == "blob"
        con = sqlite3.connect(db.path, timeout=60)
        con.execute("PRAGMA journal_mode=WAL")
        cols = COLUMNS + ["created_at", "updated_at"]
        ins = f"INSERT INTO cases ({', '.join(chr(34) + c + chr(34) for c in cols)}) VALUES ({', '.join('?' * len(cols))})"

        def val(v):
            if isinstance(v, uuid.UUID):
                return v.bytes if blob else str(v).upper()
            if isinstance(v, bool):
                return int(v)
            return v
        batch = []
        n = 0
        for r in rows:
            ts = datetime.datetime.fromisoformat(r["received_on"] + "T04:00:00+00:00").timestamp()
            batch.append([val(r[c]) for c in COLUMNS] + [ts, ts])
            if len(batch) == 20000:
                con.executemany(ins, batch)
                n += len(batch)
                batch = []
        if batch:
            con.executemany(ins, batch)
            n += len(batch)
        con.commit()
        con.close()
        uuid_fn = db.uuid_expr("cases")
        event_stamp = stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    else:
        path = os.path.join(ARGS.work, "cases.csv")
        n = 0
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            for r in rows:
                at = r["received_on"] + " 12:00:00+08"
                w.writerow(["" if r[c] is None else ("true" if r[c] is True else "false" if r[c] is False else r[c]) for c in COLUMNS]
                           + [at, at])
                n += 1
        cols = ", ".join('"' + c + '"' for c in COLUMNS + ["created_at", "updated_at"])
        p = db.psql_copy(f"\\copy cases ({cols}) FROM '{path}' WITH (FORMAT csv)")
        os.remove(path)
        log(f"  {p}")
        uuid_fn = db.uuid_expr("cases")
        event_stamp = stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    cat = "||"
    db.sql(f"""INSERT INTO case_events (id, case_id, seq, kind, "on", actor, recorded_at, event)
        SELECT {uuid_fn}, c.id, 1, 'registered', c.received_on, '基准数据', '{event_stamp}',
               '{{"kind":"registered","on":"' {cat} c.received_on {cat} '","to":"' {cat} c.state {cat} '","note":"基准数据"}}'
        FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id);""", timeout=3600)
    return n


def raise_counters(db, city):
    """case_counters at least the highest sequence of each series, so new numbers stay free."""
    values = ", ".join(f"('{s}', {n})" for s, n in sorted(city.counters().items()))
    if isinstance(db, SQLite):
        db.sql(f"""CREATE TEMP TABLE want(series TEXT PRIMARY KEY, last INTEGER); INSERT INTO want VALUES {values};
            INSERT INTO case_counters (series, last) SELECT series, last FROM want WHERE true
            ON CONFLICT(series) DO UPDATE SET last = MAX(case_counters.last, excluded.last);""")
    else:
        db.sql(f"""INSERT INTO case_counters (series, last) VALUES {values}
            ON CONFLICT (series) DO UPDATE SET last = GREATEST(case_counters.last, excluded.last);""")


def load(db):
    global COLUMNS
    t0 = time.monotonic()
    today = today_cn()
    city = gen_cases.City(ARGS.seed, today)
    unit_ids, leader_ids = setup(db, city)
    log(f"{db.name}: {len(unit_ids)} units, {len(leader_ids)} leaders and a county user created through the API")
    t = time.monotonic()
    cases = list(city.cases(ARGS.cases))
    gen_s = time.monotonic() - t
    log(f"  generated {len(cases):,} cases in {gen_s:.0f} s")
    COLUMNS = list(cases[0].row(unit_ids, leader_ids).keys())
    backlog = [c for c in cases if c.backlog][:ARGS.import_cases]
    imported_numbers = {c.number for c in backlog}
    chunks = import_backlog(db, city, backlog)
    check_imported_deadlines(db, backlog)
    t = time.monotonic()
    n = sql_load(db, (c.row(unit_ids, leader_ids) for c in cases if c.number not in imported_numbers))
    sql_s = time.monotonic() - t
    raise_counters(db, city)
    log(f"  {n:,} cases and their events loaded by SQL in {sql_s:.0f} s")
    retally(db)
    t = time.monotonic()
    db.sql(analyze_sql(db), timeout=3600)
    analyze_s = time.monotonic() - t
    overdue = sum(1 for c in cases if c.pending_due is not None and c.pending_due < today)
    county_overdue = sum(1 for c in cases if c.pending_due is not None and c.pending_due < today and c.division_code.startswith(COUNTY))
    meta = {"imported": len(backlog), "chunks": chunks, "sql": n, "sql_s": sql_s, "gen_s": gen_s, "analyze_s": analyze_s,
            "load_s": time.monotonic() - t0, "units": len(unit_ids), "leaders": len(leader_ids), "today": today.isoformat(),
            "overdue": overdue, "county_overdue": county_overdue, "backlog": sum(c.backlog for c in cases),
            "owned": sum(c.owner_leader is not None for c in cases)}
    with open(os.path.join(ARGS.work, "load.json"), "w") as f:
        json.dump(meta, f)
    return meta


# The migrations that fill the statistics' tallies from the case rows, and what each creates.
TALLY_MIGRATIONS = {
    "%CreateCaseTallies": ["case_tally_divisions", "case_tally_kinds", "case_tally_units", "case_batch_days"],
    "%CreateCaseYearTallies": ["case_tally_kind_years", "case_tally_unit_years"],
    "%CreateCasePlainTallies": ["case_tally_kinds_plain", "case_tally_kind_years_plain", "case_tally_unit_years_plain"],
}


def retally(db):
    """Cases loaded by SQL bypass the write path that keeps the statistics' tallies. Every
    tally the binary has is dropped and the product's own migrations fill them again from
    the case rows, as they do when a database from before them upgrades."""
    drop = []
    for name, tables in TALLY_MIGRATIONS.items():
        if not db.sql(f"SELECT name FROM _fluent_migrations WHERE name LIKE '{name}';").strip():
            continue
        if name == "%CreateCaseTallies":
            drop.append("DROP INDEX cases_overdue_stats;")
        drop += [f"DROP TABLE {t};" for t in tables] + [f"DELETE FROM _fluent_migrations WHERE name LIKE '{name}';"]
    if not drop:
        return
    t = time.monotonic()
    db.sql(" ".join(drop))
    run([ARGS.bin, "migrate"], env_for(db), 3600, "migrate")
    log(f"  the statistics' tallies filled from the case rows by the migrations in {time.monotonic() - t:.0f} s")


def analyze_sql(db):
    """Statistics for the planner; on PostgreSQL VACUUM too, which sets the visibility map
    a freshly copied table lacks (what autovacuum does to a live database)."""
    return "ANALYZE;" if isinstance(db, SQLite) else "VACUUM ANALYZE;"


def check_imported_deadlines(db, backlog):
    """The import computed the due dates itself: they must equal the generator's."""
    if not backlog:
        return
    cols = ["due_route", "due_accept", "due_handle", "due_review", "review_request_by", "pending_due"]
    got = {}
    for line in db.sql(f"SELECT number, {', '.join(cols)}, COALESCE(CAST(on_time AS TEXT), '') FROM cases WHERE backlog = "
                       f"{'1' if isinstance(db, SQLite) else 'true'};").splitlines():
        parts = line.split("|")
        got[parts[0]] = parts[1:]
    bad = 0
    for c in backlog:
        want = [gen_cases.iso(getattr(c, k)) or "" for k in cols]
        ot = "" if c.on_time is None else ("1" if c.on_time else "0") if isinstance(db, SQLite) else ("true" if c.on_time else "false")
        if got.get(c.number) != want + [ot]:
            bad += 1
            if bad <= 3:
                log(f"  deadline mismatch {c.number}: stored {got.get(c.number)}, generated {want + [ot]}")
    if bad:
        raise SystemExit(f"{bad} imported cases have due dates other than the generator's")
    log(f"  the import's due dates equal the generator's for all {len(backlog):,} imported cases")


# --------------------------------------------------------------------------------------
# Latency

def bench_cases(meta):
    today = meta["today"]
    year = str(int(today[:4]) - 1)
    lists = [
        ("admin", "list overdue_on=today, per=20, page 1 (city admin)", f"/api/v1/cases?overdue_on={today}&per=20"),
        ("admin", "list overdue_on=today, per=20, deep page (city admin)", f"/api/v1/cases?overdue_on={today}&per=20&page=DEEP"),
        ("county", f"list overdue_on=today, per=20, page 1 (county user {COUNTY})", f"/api/v1/cases?overdue_on={today}&per=20"),
        ("county", f"list overdue_on=today, per=20, deep page (county user {COUNTY})", f"/api/v1/cases?overdue_on={today}&per=20&page=DEEP"),
        ("admin", f"list overdue_on={year}-07-01, per=20 (city admin)", f"/api/v1/cases?overdue_on={year}-07-01&per=20"),
        ("admin", "list due_within=3, per=20 (city admin)", "/api/v1/cases?due_within=3&per=20"),
        ("county", "list due_within=3, per=20 (county user)", "/api/v1/cases?due_within=3&per=20"),
    ]
    stats = []
    for g in ["source", "division", "kind", "unit", "month"]:
        stats += [
            ("admin", f"stats group_by={g}, whole city", f"/api/v1/cases/stats?group_by={g}"),
            ("admin", f"stats group_by={g}, one year ({year})", f"/api/v1/cases/stats?group_by={g}&from={year}-01-01&to={year}-12-31"),
            ("admin", f"stats group_by={g}, one county (division={COUNTY})", f"/api/v1/cases/stats?group_by={g}&division={COUNTY}"),
            ("admin", f"stats group_by={g}, backlog=true", f"/api/v1/cases/stats?group_by={g}&backlog=true"),
            ("admin", f"stats group_by={g}, owner_leader=any", f"/api/v1/cases/stats?group_by={g}&owner_leader=any"),
        ]
    return lists, stats


class PageClient:
    """A signed-in browser session (the sign-in form, its CSRF token, the session cookie)
    for the HTML pages, on one keep-alive connection."""

    def __init__(self, port, username, password):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookie = ""
        page = self.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token})
        self.conn.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie})
        r = self.conn.getresponse()
        r.read()
        self.take_cookie(r)
        if r.status not in (302, 303):
            raise SystemExit(f"sign-in failed: {r.status}")

    def take_cookie(self, r):
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                self.cookie = v.split(";", 1)[0]

    def get(self, path):
        self.conn.request("GET", path, headers={"Cookie": self.cookie, "Accept": "text/html"})
        r = self.conn.getresponse()
        payload = r.read().decode("utf-8", "replace")
        self.take_cookie(r)
        if r.status != 200:
            raise SystemExit(f"GET {path} → {r.status}")
        return payload

    def call(self, method, path):
        return {"html": self.get(path)}


def timed_cases(clients, cases, kind):
    out = []
    for who, label, path in cases:
        client = clients[who]
        if "DEEP" in path:
            total = client.call("GET", path.replace("DEEP", "1"))["metadata"]["total"]
            path = path.replace("DEEP", str(max(1, (total + 19) // 20)))
        t = time.perf_counter()
        for _ in range(3):
            client.call("GET", path)
        warm = (time.perf_counter() - t) / 3 * 1000
        slow = warm > ARGS.slow_ms
        n = ARGS.slow_requests if slow else ARGS.requests
        lat, body = measure(client, path, n, warm=2 if slow else 17)
        if kind == "baseline":
            shown = "—"
        elif "html" in body:
            shown = f"HTML {len(body['html']) // 1024} KiB, {body['html'].count('<svg')} charts"
        elif "rows" in body:
            shown = f"{len(body['rows'])} groups, received {sum(r['received'] for r in body['rows']):,}"
        else:
            shown = f"total {body['metadata']['total']:,}, page {body['metadata']['page']} ({len(body['items'])} rows)"
        out.append({"kind": kind, "label": label, "path": path, "n": n, "p50": median(lat), "p95": pct(lat, 95), "max": max(lat),
                    "shown": shown, "target": kind in ("list", "stats")})
        log(f"  {label}: p50 {median(lat):.1f} ms, p95 {pct(lat, 95):.1f} ms, max {max(lat):.1f} ms ({shown}, {n} requests)")
    return out


def check(clients, db, meta):
    """The answers are right: totals against the database and the generator."""
    admin = clients["admin"]
    n = int(db.sql("SELECT COUNT(*) FROM cases;"))
    listed = admin.call("GET", "/api/v1/cases?per=1")["metadata"]["total"]
    stats = admin.call("GET", "/api/v1/cases/stats")["rows"][0]["received"]
    assert n == listed == stats == ARGS.cases, (n, listed, stats, ARGS.cases)
    today = today_cn().isoformat()
    overdue_db = int(db.sql(f"SELECT COUNT(*) FROM cases WHERE pending_due < '{today}';"))
    overdue_api = admin.call("GET", f"/api/v1/cases?overdue_on={today}&per=1")["metadata"]["total"]
    overdue_stats = admin.call("GET", "/api/v1/cases/stats")["rows"][0]["overdue_open"]
    assert overdue_db == overdue_api == overdue_stats, (overdue_db, overdue_api, overdue_stats)
    if today == meta["today"]:
        assert overdue_db == meta["overdue"], (overdue_db, meta["overdue"])
    county_api = clients["county"].call("GET", f"/api/v1/cases?overdue_on={today}&per=1")["metadata"]["total"]
    county_db = int(db.sql(f"SELECT COUNT(*) FROM cases WHERE pending_due < '{today}' AND division_code LIKE '{COUNTY}%';"))
    assert county_api == county_db, (county_api, county_db)
    backlog = sum(r["received"] for r in admin.call("GET", "/api/v1/cases/stats?backlog=true&group_by=source")["rows"])
    owned = sum(r["received"] for r in admin.call("GET", "/api/v1/cases/stats?owner_leader=any&group_by=division")["rows"])
    assert backlog == meta["backlog"] and owned == meta["owned"], (backlog, meta["backlog"], owned, meta["owned"])
    log(f"  checked: {n:,} cases; overdue today {overdue_db:,} (county {county_db:,}); backlog {backlog:,}; leader-owned {owned:,}")
    return {"total": n, "overdue": overdue_db, "county_overdue": county_db}


# --------------------------------------------------------------------------------------

def report(m, db, meta, lat, chk, rss, db_mib, started):
    lines = []
    a = lines.append
    a(f"### {db.name} — {m['date']}")
    a("")
    a(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['mem']} memory, Linux {m['kernel']}, {db.version()}; binary `{ARGS.bin_label}` "
      f"(bench scripts at commit {m['commit']}); load average at start {m['load']}, at end {'%.1f %.1f %.1f' % os.getloadavg()} (shared machine: other "
      "engineers' builds and tests compete for the 2 cores during the run).")
    imp_s = sum(w for _, w in meta["chunks"])
    a(f"Data: {chk['total']:,} cases from `bench/gen_cases.py` (seed {ARGS.seed}, today {meta['today']}): 13 counties and their "
      f"townships, {meta['units']} units, {meta['leaders']} leaders, {meta['backlog']:,} backlog and {meta['owned']:,} leader-owned cases, "
      f"{chk['overdue']:,} overdue today ({chk['county_overdue']:,} in {COUNTY}). Load: units, leaders and the county user through the "
      f"API; {meta['imported']:,} backlog cases through `tongguan import cases FILE --handed-down-by …` in {len(meta['chunks'])} file(s) "
      f"({imp_s:.0f} s, {meta['imported'] / max(imp_s, 0.001):,.0f} cases/s; their stored due dates equal the generator's); "
      f"the other {meta['sql']:,} cases by SQL ({'INSERT' if isinstance(db, SQLite) else 'COPY'}, with one registration event "
      f"each, {meta['sql_s']:.0f} s; loaded by `{meta.get('loaded_by', ARGS.bin_label)}`). {analyze_sql(db)[:-1]} {meta['analyze_s']:.0f} s. Database {db_mib:,.0f} MiB. Server peak RSS {rss:.0f} MiB.")
    a("")
    a("| request | p50 | p95 | max | n | answer | p95 < 100 ms |")
    a("|---|---|---|---|---|---|---|")
    for r in lat:
        verdict = ("met" if r["p95"] < 100 else "**missed**") if r["target"] else "(baseline)" if r["kind"] == "baseline" else "(no target)"
        a(f"| {r['label']} | {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['max']:.1f} ms | {r['n']} | {r['shown']} | {verdict} |")
    a("")
    targets = [r for r in lat if r["target"]]
    met = sum(1 for r in targets if r["p95"] < 100)
    base = next(r for r in lat if not r["target"])
    a(f"Target met by {met} of {len(targets)} requests. Ratio of the median p50 of the targeted requests to the baseline's p50: "
      f"{median([r['p50'] for r in targets]) / base['p50']:.1f}. Whole run: {(time.monotonic() - started) / 60:.1f} min.")
    return "\n".join(lines) + "\n"


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--import-cases", type=int, default=1_000_000, help="at most this many backlog cases go through the import")
    p.add_argument("--chunk", type=int, default=10_000)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--slow-requests", type=int, default=20)
    p.add_argument("--slow-ms", type=float, default=250, help="warm-up mean above which a request gets --slow-requests")
    p.add_argument("--seed", type=int, default=20210716)
    p.add_argument("--reuse", action="store_true", help="measure the database already loaded in --work")
    p.add_argument("--load-only", action="store_true", help="load the database in --work and stop (measure later with --reuse)")
    p.add_argument("--no-pages", action="store_true", help="leave out the dashboard page")
    p.add_argument("--lists-only", action="store_true", help="measure the baseline and the lists only")
    p.add_argument("--bin-label", default=None)
    p.add_argument("--out", default=None)
    ARGS = p.parse_args()
    ARGS.bin_label = ARGS.bin_label or ARGS.bin
    os.makedirs(ARGS.work, exist_ok=True)
    started = time.monotonic()
    m = machine()
    db = SQLite(ARGS.work, "cases.sqlite", keep=ARGS.reuse) if ARGS.engine == "sqlite" else Postgres(ARGS.work, keep=ARGS.reuse)
    try:
        if ARGS.reuse:
            run([ARGS.bin, "migrate"], env_for(db), 1800, "migrate")
            meta = json.load(open(os.path.join(ARGS.work, "load.json")))
            db.sql(analyze_sql(db), timeout=3600)
        else:
            run([ARGS.bin, "migrate"], env_for(db), 600, "migrate")
            meta = load(db)
            meta["loaded_by"] = ARGS.bin_label
            with open(os.path.join(ARGS.work, "load.json"), "w") as f:
                json.dump(meta, f)
            if ARGS.load_only:
                log(f"loaded in {meta['load_s'] / 60:.1f} min; measure with --reuse --work {ARGS.work}")
                return
        srv = Server(db, "measure", ARGS.bin, ARGS.work)
        try:
            county = Client(srv.port)
            county.token = county.call("POST", "/api/v1/auth/token", {"username": COUNTY_USER, "password": COUNTY_PASSWORD})["token"]
            clients = {"admin": srv.client, "county": county}
            chk = check(clients, db, meta)
            lists, stats = bench_cases(meta)
            lat = timed_cases(clients, [("admin", "baseline: GET /api/v1/me (city admin)", "/api/v1/me")], "baseline")
            lat += timed_cases(clients, lists, "list")
            if not ARGS.lists_only:
                lat += timed_cases(clients, stats, "stats")
            if not ARGS.no_pages and not ARGS.lists_only:
                clients["page"] = PageClient(srv.port, "admin", benchlib.PASSWORD)
                clients["county_page"] = PageClient(srv.port, COUNTY_USER, COUNTY_PASSWORD)
                lat += timed_cases(clients, [
                    ("page", "page /cases/dashboard, this year (city admin)", "/cases/dashboard"),
                    ("county_page", f"page /cases/dashboard, this year (county user {COUNTY})", "/cases/dashboard"),
                ], "page")
            rss = srv.rss_mib()
        finally:
            srv.stop()
        text = report(m, db, meta, lat, chk, rss, db.size_mib(), started)
    finally:
        db.stop()
    if ARGS.out:
        with open(ARGS.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
