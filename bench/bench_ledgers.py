#!/usr/bin/env python3
"""The 台账 (ledgers) module's speed benchmark: one ledger with 1,000,000 items, the
filtered item list and the grouped aggregate through HTTP, on SQLite or PostgreSQL.

    python3 bench/bench_ledgers.py --bin PATH/tongguan --engine sqlite|postgres --work DIR
        [--items 1000000] [--import-items 1000000] [--chunk 100000] [--requests 200]
        [--slow-requests 10] [--seed 20210716] [--out results.md]

bench/run_ledgers.sh builds the release binary and calls this once per engine.

Loading. The ledger is defined through the API (POST /api/v1/ledgers), then filled through
the product's own import, `tongguan import ledger bench FILE`, in files of --chunk rows
(the sheet limit is 5,000,000 cells per file, and each import is one all-or-nothing
transaction held in memory). --import-items says how many items go through the import; if
it is smaller than --items, the rest are copies of the imported items made by SQL in this
script (items, value rows, state events; the tallies multiplied), stated in the results.
Audit events are written by the import only (copies get none).

Measuring. `tongguan serve` on the loaded database, an API token (POST /api/v1/auth/token),
one keep-alive client sending 20 warm-up and --requests measured sequential requests per
case; p50 / p95 / max. Target: p95 < 100 ms for the list and the grouped aggregate.

PostgreSQL: the script starts its own throw-away cluster (initdb as the `postgres` user in
the work directory, a free port on 127.0.0.1, fsync off because the data is disposable)
and stops it at the end; the shared server on 5432 is not touched.

Standard library only; every child process has a time limit, every loop a fixed count.
"""

import argparse
import csv
import datetime
import json
import os
import random
import sys
import time
import urllib.parse

from benchkit import SQLite, Postgres, Server, env_for, machine, median, pct, run, timed

LEDGER = "bench"

CATEGORIES = ["基础设施", "民生保障", "生态环保", "安全生产", "营商环境", "乡村振兴"]
CATEGORY_WEIGHTS = [40, 25, 15, 10, 8, 2]
LEVELS = ["一般", "重要", "重大"]
LEVEL_WEIGHTS = [70, 25, 5]
STATES = [("todo", "待办"), ("in_progress", "进行中"), ("done", "已完成")]
STATE_WEIGHTS = [30, 30, 40]

DEFINITION = {
    "code": LEDGER, "name": "基准台账", "description": "1,000,000 条记录的基准测试台账", "division_code": "141100",
    "has_due_date": True, "has_owner": False,
    "fields": [
        {"key": "title", "label": "事项名称", "type": "text", "required": True, "unique": False, "listed": True},
        {"key": "category", "label": "类别", "type": "choice", "required": True, "unique": False, "listed": True, "options": CATEGORIES},
        {"key": "level", "label": "等级", "type": "choice", "required": False, "unique": False, "options": LEVELS},
        {"key": "amount", "label": "金额", "type": "money", "required": False, "unique": False},
        {"key": "people", "label": "人数", "type": "integer", "required": False, "unique": False},
        {"key": "verified", "label": "已核实", "type": "bool", "required": False, "unique": False},
        {"key": "registered_on", "label": "登记日期", "type": "date", "required": False, "unique": False},
    ],
}
HEADER = ["区划代码", "事项名称", "类别", "等级", "金额", "人数", "已核实", "登记日期", "状态", "截止日期"]


def log(*a):
    print("[bench-ledgers]", *a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Data

def divisions(db):
    """The bundled divisions under 吕梁市: its 13 counties and their townships."""
    rows = db.sql("SELECT code FROM divisions WHERE code LIKE '1411%' AND code <> '141100' ORDER BY code;").split()
    assert len(rows) > 13, rows
    return rows


def write_chunk(path, start, n, codes, rng):
    """n valid rows (items start … start+n-1) under the import header."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        day0 = datetime.date(2021, 1, 1)
        for i in range(start, start + n):
            code = codes[rng.randrange(len(codes))]
            category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0] if rng.random() < 0.9 else ""
            fen = rng.randrange(0, 50_000_000)
            amount = f"{fen // 100}.{fen % 100:02d}"
            people = str(rng.randrange(1, 200))
            verified = "是" if rng.random() < 0.6 else "否"
            registered = (day0 + datetime.timedelta(days=rng.randrange(0, 1000))).isoformat()
            state = rng.choices([s[1] for s in STATES], STATE_WEIGHTS)[0]
            due = (day0 + datetime.timedelta(days=rng.randrange(200, 1400))).isoformat() if rng.random() < 0.7 else ""
            w.writerow([code, f"基准事项{i:07d}", category, level, amount, people, verified, registered, state, due])


def load(db, codes):
    res = {"chunks": [], "imported": 0, "copies": 1}
    rng = random.Random(ARGS.seed)
    to_import = min(ARGS.import_items, ARGS.items)
    start = 0
    while start < to_import:
        n = min(ARGS.chunk, to_import - start)
        path = os.path.join(ARGS.work, "chunk.csv")
        t = time.monotonic()
        write_chunk(path, start, n, codes, rng)
        gen = time.monotonic() - t
        wall, out = run([ARGS.bin, "import", "ledger", LEDGER, path, "--json"], env_for(db), 3600, "import ledger")
        report = json.loads(out.strip().splitlines()[-1])
        assert report["applied"] and report["created"] == n, report
        res["chunks"].append((n, wall))
        start += n
        log(f"  imported {start:,} / {to_import:,} ({n:,} rows in {wall:.1f} s → {n / wall:,.0f} items/s; CSV written in {gen:.1f} s)")
    res["imported"] = start
    if ARGS.items > start:
        if ARGS.items % start:
            raise SystemExit("--items must be a multiple of --import-items")
        k = ARGS.items // start
        res["copies"] = k
        t = time.monotonic()
        replicate(db, k)
        res["replicate_s"] = time.monotonic() - t
        log(f"  copied to {ARGS.items:,} items by SQL in {res['replicate_s']:.1f} s")
    t = time.monotonic()
    db.sql("ANALYZE;")
    res["analyze_s"] = time.monotonic() - t
    return res


def replicate(db, k):
    """Copies of the imported items (k-1 more), with their value rows and state events;
    the tallies multiplied by k, so they stay exactly what the writes would have made."""
    uuid = db.uuid_expr()
    span = int(db.sql("SELECT MAX(seq) FROM ledger_items;"))
    ledger = "(SELECT id FROM ledgers WHERE code = 'bench')"
    cols = "division_code, state, due_date, owner_unit, owner_person, data, search, version, created_at, created_by, updated_at, updated_by"
    script = ["BEGIN;"]
    for j in range(1, k):
        off = j * span
        script.append(f"INSERT INTO ledger_items (id, ledger_id, seq, {cols}) SELECT {uuid}, ledger_id, seq + {off}, {cols} "
                      f"FROM ledger_items WHERE ledger_id = {ledger} AND seq <= {span};")
        script.append(f"INSERT INTO ledger_values (ledger_id, item_seq, field_key, part, t, n, s) SELECT ledger_id, item_seq + {off}, "
                      f"field_key, part, t, n, s FROM ledger_values WHERE ledger_id = {ledger} AND item_seq <= {span};")
        script.append(f"INSERT INTO ledger_item_events (id, ledger_id, item_seq, ordinal, from_state, to_state, note, reopened, actor, occurred_at, day) "
                      f"SELECT {uuid}, ledger_id, item_seq + {off}, ordinal, from_state, to_state, note, reopened, actor, occurred_at, day "
                      f"FROM ledger_item_events WHERE ledger_id = {ledger} AND item_seq <= {span};")
    script.append(f"UPDATE ledger_tallies SET items = items * {k}, total = total * {k} WHERE ledger_id = {ledger};")
    script.append("COMMIT;")
    db.sql("\n".join(script), timeout=3600)


# --------------------------------------------------------------------------------------
# Latency

def measure(client, path, n, warm=20):
    return timed(client, "GET", path, n, warm=warm)


def cases(county):
    base = f"/api/v1/ledgers/{LEDGER}"
    q = urllib.parse.quote
    return [
        # (kind, label, path, target?)
        ("list", "no filter (first page)", f"{base}/items?per=20", True),
        ("list", f"choice filter f.category={CATEGORIES[0]} (40 %)", f"{base}/items?f.category={q(CATEGORIES[0])}&per=20", True),
        ("list", f"choice filter f.category={CATEGORIES[-1]} (2 %)", f"{base}/items?f.category={q(CATEGORIES[-1])}&per=20", True),
        ("list", "state filter state=done (40 %)", f"{base}/items?state=done&per=20", True),
        ("list", f"division filter division={county} (one county)", f"{base}/items?division={county}&per=20", True),
        ("list", f"all three: division={county}, state=in_progress, f.level={LEVELS[2]}",
         f"{base}/items?division={county}&state=in_progress&f.level={q(LEVELS[2])}&per=20", True),
        ("list", "filter by a date value f.registered_on=2022-03-01 (~0.1 %)", f"{base}/items?f.registered_on=2022-03-01&per=20", True),
        ("aggregate", "count per division", f"{base}/aggregate?measure=count&group_by=division", True),
        ("aggregate", f"count per division, filter.category={CATEGORIES[1]}",
         f"{base}/aggregate?measure=count&group_by=division&filter.category={q(CATEGORIES[1])}", True),
        ("aggregate", "sum:amount per division, state=done", f"{base}/aggregate?measure=sum:amount&group_by=division&state=done", True),
        ("aggregate", "count per category (choice), division=county", f"{base}/aggregate?measure=count&group_by=category&division={county}", True),
        ("aggregate", f"count per division, two filters (category={CATEGORIES[1]}, verified=true)",
         f"{base}/aggregate?measure=count&group_by=division&filter.category={q(CATEGORIES[1])}&filter.verified=true", False),
        ("aggregate", "count_distinct:registered_on per division", f"{base}/aggregate?measure=count_distinct:registered_on&group_by=division", False),
    ]


def bench_latency(client, county):
    out = []
    for kind, label, path, target in cases(county):
        slow = not target
        n = ARGS.slow_requests if slow else ARGS.requests
        lat, body = measure(client, path, n, warm=1 if slow else 20)
        if kind == "list":
            shown = f"total {body['metadata']['total']:,}, page {len(body['items'])}"
        else:
            rows = body["rows"]
            shown = f"{len(rows)} groups"
        out.append({"kind": kind, "label": label, "path": path, "target": target, "n": n, "p50": median(lat), "p95": pct(lat, 95),
                    "max": max(lat), "shown": shown})
        log(f"  {kind} {label}: p50 {median(lat):.1f} ms, p95 {pct(lat, 95):.1f} ms, max {max(lat):.1f} ms ({shown}, {n} requests)")
    return out


def check(client, db, county):
    """The answers are right: totals against the database itself."""
    base = f"/api/v1/ledgers/{LEDGER}"
    total = client.call("GET", f"{base}/aggregate?measure=count")["rows"][0]["value"]
    n = int(db.sql("SELECT COUNT(*) FROM ledger_items WHERE ledger_id = (SELECT id FROM ledgers WHERE code = 'bench');"))
    assert total == n == ARGS.items, (total, n)
    listed = client.call("GET", f"{base}/items?f.category={urllib.parse.quote(CATEGORIES[0])}&per=1")["metadata"]["total"]
    counted = int(db.sql(f"SELECT COUNT(*) FROM ledger_values WHERE field_key = 'category' AND part = 'v' AND t = '{CATEGORIES[0]}';"))
    assert listed == counted, (listed, counted)
    listed = client.call("GET", f"{base}/items?division={county}&state=in_progress&f.level={urllib.parse.quote(LEVELS[2])}&per=1")["metadata"]["total"]
    counted = int(db.sql(
        f"SELECT COUNT(*) FROM ledger_items i JOIN ledger_values v ON v.item_seq = i.seq AND v.field_key = 'level' AND v.part = 'v' "
        f"WHERE i.division_code LIKE '{county[:6]}%' AND i.state = 'in_progress' AND v.t = '{LEVELS[2]}';"))
    assert listed == counted, (listed, counted)
    return {"total": n, "category0": counted}


# --------------------------------------------------------------------------------------

def report(m, db, ld, lat, chk, rss, db_mib, started):
    lines = []
    a = lines.append
    a(f"### {db.name} — {m['date']}")
    a("")
    a(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['mem']} memory, Linux {m['kernel']}, {db.version()}; binary `{ARGS.bin_label}`; "
      f"load average at start {m['load']}, at end {'%.1f %.1f %.1f' % os.getloadavg()} (shared machine: other engineers' builds "
      "and tests compete for the 2 cores during the run).")
    imported = ld["imported"]
    import_s = sum(w for _, w in ld["chunks"])
    load_text = (f"{imported:,} items through `tongguan import ledger {LEDGER} FILE` in {len(ld['chunks'])} file(s) of up to {ARGS.chunk:,} rows: "
                 f"{import_s:.0f} s in all ({imported / import_s:,.0f} items/s; per file: "
                 + ", ".join(f"{w:.0f} s" for _, w in ld["chunks"]) + ")")
    if ld["copies"] > 1:
        load_text += (f"; then copied {ld['copies']}× by SQL in the bench ({ld['replicate_s']:.0f} s: items, value rows and state events "
                      "copied with new ids and numbers, tallies multiplied — no audit events for the copies)")
    a(f"Data: {chk['total']:,} items in one ledger across {ARGS.division_count} divisions (13 counties and their townships); "
      f"7 fields (text, 2 choices, money, integer, yes/no, date), 3 states, due dates. Load: {load_text}. "
      f"ANALYZE {ld['analyze_s']:.0f} s. Database {db_mib:,.0f} MiB. Server peak RSS {rss:.0f} MiB.")
    a("")
    a("| request | p50 | p95 | max | n | answer | p95 < 100 ms |")
    a("|---|---|---|---|---|---|---|")
    for r in lat:
        verdict = ("met" if r["p95"] < 100 else "**missed**") if r["target"] else "(extra, no target)"
        a(f"| {r['kind']}: {r['label']} | {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['max']:.1f} ms | {r['n']} | {r['shown']} | {verdict} |")
    a("")
    a(f"Whole run: {(time.monotonic() - started) / 60:.1f} min.")
    return "\n".join(lines) + "\n"


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--items", type=int, default=1_000_000)
    p.add_argument("--import-items", type=int, default=None, help="how many items go through the import (default: all)")
    p.add_argument("--chunk", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--slow-requests", type=int, default=5)
    p.add_argument("--seed", type=int, default=20210716)
    p.add_argument("--bin-label", default=None)
    p.add_argument("--out", default=None)
    ARGS = p.parse_args()
    if ARGS.import_items is None:
        ARGS.import_items = ARGS.items
    ARGS.bin_label = ARGS.bin_label or ARGS.bin
    os.makedirs(ARGS.work, exist_ok=True)
    started = time.monotonic()
    m = machine()

    db = SQLite(ARGS.work, "ledgers.sqlite") if ARGS.engine == "sqlite" else Postgres(ARGS.work)
    try:
        run([ARGS.bin, "migrate"], env_for(db), 600, "migrate")
        codes = divisions(db)
        ARGS.division_count = len(codes)
        srv = Server(ARGS.bin, ARGS.work, db, "define")
        try:
            srv.client.call("POST", "/api/v1/ledgers", DEFINITION, expect=(200, 201))
        finally:
            srv.stop()
        log(f"{db.name}: ledger defined; loading {ARGS.items:,} items")
        ld = load(db, codes)
        county = codes[0] if len(codes[0]) == 6 and codes[0].endswith("02") else "141102"
        srv = Server(ARGS.bin, ARGS.work, db, "measure")
        try:
            chk = check(srv.client, db, county)
            lat = bench_latency(srv.client, county)
            rss = srv.rss_mib()
        finally:
            srv.stop()
        text = report(m, db, ld, lat, chk, rss, db.size_mib(), started)
    finally:
        db.stop()
    if ARGS.out:
        with open(ARGS.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
