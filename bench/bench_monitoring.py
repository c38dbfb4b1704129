#!/usr/bin/env python3
"""The 监测 reports' speed benchmark: 300,000 households / 1,000,000 members with monitoring
episodes, steps, measures, assessments and warnings; the summary (each group_by), the
monthly flow over a year and the dashboard page through HTTP, on SQLite or PostgreSQL.

    python3 bench/bench_monitoring.py --bin PATH/tongguan --engine sqlite|postgres --work DIR
        [--members 1000000] [--import-members 100000] [--requests 100] [--seed 20210716] [--out results.md]

bench/run_monitoring.sh builds the release binary and calls this once per engine. The
machinery (throw-away PostgreSQL cluster, server, signed-in client, timing, machine line)
is bench/benchlib.py's, the member sheet bench/gen_members.py's.

Loading.
1. `tongguan divisions import` of the generator's villages and `tongguan import members`
   of --import-members members (the real import: sealed resident IDs, blind indexes,
   households with their 一户一码 codes), 10 households per village.
2. SQL copies up to --members: every imported household copied k−1 times in its village
   under a new valid code (sequence + 20·j, the check character computed in SQL), its
   members copied with their sealed columns as they are — only the blind index gets a
   suffix `.j`, since the unique index of present members' IDs forbids a second present
   copy (a copy cannot be looked up by resident ID; the reports never do).
3. Workflow rows written by this script as SQL (one transaction): for 12 % of households an
   episode in realistic state shares (monitored 30 %, risk eliminated 45 %, the
   identification states 12 %, elimination proposed/notice 5 %, not included 8 %), opened
   2021–2026 with each step dated as the workflow would (notice periods, six months of
   monitoring), one or two risk types, a second episode for 8 % of the eliminated; one or
   two measures for 85 % of the identified; an assessment per such household and
   warnings for 15 % of all households (60 % resolved, 10 % superseded).

Measuring. `tongguan serve` on the loaded database, an API token and a signed-in page
session for the city admin; one keep-alive client, 10 warm-up and --requests measured
sequential requests per case; p50 / p95 / max. Target: p95 < 100 ms for every report.
"""

import argparse
import json
import datetime
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchlib as L  # noqa: E402 — the shared machinery
import gen_members  # noqa: E402

L.TAG[0] = "bench-monitoring"
log = L.log

TODAY = datetime.date(2026, 11, 29)
STATES_FIRST = [  # (final state, share)
    ("candidate", 3), ("verifying", 3), ("public_notice", 3), ("township_checked", 3), ("monitored", 30),
    ("elimination_proposed", 3), ("elimination_notice", 2), ("risk_eliminated", 45), ("not_included", 8),
]
CHAIN = [("open", None, "candidate", 0), ("visit", "candidate", "verifying", 3), ("notice", "verifying", "public_notice", 5),
         ("township_check", "public_notice", "township_checked", 12), ("approve", "township_checked", "monitored", 15)]
CATEGORIES = [("unstable_exited", 40), ("marginal", 45), ("sudden_hardship", 15)]
RISKS = ["illness", "disability", "education", "accident", "disaster", "business_failure", "unstable_employment", "lack_of_labour", "other"]
RISK_WEIGHTS = [35, 15, 10, 8, 7, 8, 10, 5, 2]
MEASURES = ["industry", "employment", "medical", "education", "minimum_living_guarantee", "disability_subsidy", "housing_repair", "other"]
RULES = ["below_line", "near_line", "income_drop", "large_expense", "basic_needs"]


# --------------------------------------------------------------------------------------
# Loading

def import_part(db, work):
    """Villages and --import-members members through the product's own imports."""
    n = ARGS.import_members
    sheet, villages = os.path.join(work, "members.csv"), os.path.join(work, "villages.csv")
    t = time.monotonic()
    count, heads, used = gen_members.write(n, sheet, ARGS.seed, villages, households_per_village=10)
    gen_s = time.monotonic() - t
    env = L.env_for(db)
    wall_v, _ = L.run([ARGS.before_bin or ARGS.bin, "divisions", "import", villages], env, 1800, "divisions import")
    wall_m, out = L.run([ARGS.before_bin or ARGS.bin, "import", "members", sheet], env, 7200, "import members")
    log(f"  {count:,} members in {heads:,} households ({used} villages) imported in {wall_m:.0f} s (villages {wall_v:.0f} s, CSV {gen_s:.0f} s)")
    os.remove(sheet)
    return {"members": count, "households": heads, "villages": used, "import_s": wall_m, "villages_s": wall_v}


def pad4(db, expr):
    return f"printf('%04d', {expr})" if isinstance(db, L.SQLite) else f"lpad(CAST({expr} AS TEXT), 4, '0')"


def copy_households(db, k):
    """k−1 copies of every household and its members (see the module's doc)."""
    weights = [9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    c16 = f"(substr(h.household_code, 1, 12) || {pad4(db, 'CAST(substr(h.household_code, 13, 4) AS INTEGER) + 20 * c.j')})"
    check = " + ".join(f"CAST(substr(x.c16, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(weights))
    uuid = db.uuid_expr("households")  # new ids stored as the households' are (blob or text)
    if isinstance(db, L.SQLite) and not uuid.startswith("randomblob"):
        uuid = f"upper({uuid})"  # text in upper case, as the server's SQLite driver writes a UUID
    copies = " UNION ALL ".join(f"SELECT {j} AS j" for j in range(1, k))
    hcols = "division_code, address, phone, status, close_reason, closed_on, version, created_at, updated_at"
    mcols = ("name, resident_id_sealed, birth_date, sex, relation, labour_capacity, disability, chronic_illness, school_stage, "
             "work_status, basic_medical_insurance, status, leave_reason, left_on, version, created_at, updated_at")
    script = [
        "BEGIN;",
        "CREATE TABLE bench_copies (j INTEGER);",
        f"INSERT INTO bench_copies {copies};",
        f"CREATE TABLE bench_hmap AS SELECT h.id AS old_id, {uuid} AS new_id, c.j AS j, {c16} AS c16 FROM households h CROSS JOIN bench_copies c;",
        f"INSERT INTO households (id, household_code, {hcols}) SELECT x.new_id, x.c16 || substr('10X98765432', (({check}) % 11) + 1, 1), "
        f"{', '.join('h.' + c for c in hcols.split(', '))} FROM bench_hmap x JOIN households h ON h.id = x.old_id;",
        f"INSERT INTO members (id, household_id, resident_id_index, {mcols}) SELECT {uuid}, x.new_id, m.resident_id_index || '.' || x.j, "
        f"{', '.join('m.' + c for c in mcols.split(', '))} FROM members m JOIN bench_hmap x ON x.old_id = m.household_id;",
        "DROP TABLE bench_hmap;",
        "DROP TABLE bench_copies;",
        "COMMIT;",
    ]
    db.sql("\n".join(script), timeout=7200)


def households(db):
    """(id literal for SQL, division code, birth dates of members) of every household."""
    blob = isinstance(db, L.SQLite) and db.sql("SELECT typeof(id) FROM households LIMIT 1;") == "blob"
    idexpr = "lower(hex(id))" if blob else ("id" if isinstance(db, L.SQLite) else "id::text")
    rows = db.sql(f"SELECT {idexpr}, division_code FROM households ORDER BY household_code;", timeout=1800).splitlines()
    sep = "|"
    out = []
    for r in rows:
        hid, division = r.split(sep)
        out.append((f"X'{hid}'" if blob else f"'{hid}'", division))
    return out, blob


def day(d):
    return d.isoformat()


def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    last = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return datetime.date(y, m, min(d.day, last))


class Writer:
    """Multi-row INSERT statements into a SQL file, table by table in the order first written
    to, so that rows referenced by foreign keys (episodes) precede their references (steps)."""

    def __init__(self, path, order):
        self.path = path
        self.order = order
        self.statements = {t: [] for t in order}
        self.buf = {}
        self.count = {}

    def row(self, table, cols, values):
        b = self.buf.setdefault((table, cols), [])
        b.append("(" + ", ".join(values) + ")")
        self.count[table] = self.count.get(table, 0) + 1
        if len(b) >= 500:
            self.flush(table, cols)

    def flush(self, table, cols):
        b = self.buf.get((table, cols))
        if b:
            self.statements[table].append(f"INSERT INTO {table} ({cols}) VALUES\n" + ",\n".join(b) + ";\n")
            self.buf[(table, cols)] = []

    def close(self):
        for table, cols in list(self.buf):
            self.flush(table, cols)
        with open(self.path, "w", encoding="utf-8") as f:
            f.write("BEGIN;\n")
            for table in self.order:
                f.writelines(self.statements[table])
            f.write("COMMIT;\n")


def q(s):
    return "NULL" if s is None else "'" + str(s).replace("'", "''") + "'"


def workflow(db, homes, blob, path):
    """Episodes with steps, measures, assessments and warnings as SQL (see the module's doc)."""
    rng = random.Random(ARGS.seed + 9)
    if blob:
        def new_id():
            return "X'" + "%032x" % rng.getrandbits(128) + "'"
    else:
        def new_id():
            h = "%032x" % rng.getrandbits(128)
            # Upper case, as the server's SQLite driver writes a UUID (PostgreSQL's uuid takes either).
            return f"'{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}'".upper()
    w = Writer(path, ["early_warnings", "monitoring_episodes", "episode_steps", "assistance_measures", "income_assessments"])
    ecols = ("id, household_id, state, channel, opened_on, last_step_on, category, risk_types, identified_on, closed_on, "
             "not_included_reason, warning_ids, version")
    scols = "id, episode_id, household_id, seq, step, date, next_date, note, from_state, to_state, details, actor"
    mcols = "id, episode_id, household_id, type, description, unit, person, start_on, end_on, amount_fen"
    acols = ("id, household_id, assessed_on, wages_fen, business_fen, property_fen, transfer_fen, production_costs_fen, medical_fen, "
             "education_fen, housing_safe, water_safe, net_income_fen, per_capita_fen, member_count, assessed_by")
    wcols = "id, household_id, rule, assessed_on, status, facts, raised_on, closed_on, note"
    # The warning's village, as the write path stores it (a schema without the column: the
    # binary under test's migration fills it from the household).
    warning_village = has_column(db, "early_warnings", "division_code")
    if warning_village:
        wcols += ", division_code"
    start0, span = datetime.date(2021, 1, 1), (TODAY - datetime.date(2021, 1, 1)).days - 30
    finals = [s for s, _ in STATES_FIRST]
    fweights = [x for _, x in STATES_FIRST]

    def episode(hid, opened, final):
        """One episode's rows up to `final` (or as far as the dates before today allow)."""
        eid = new_id()
        steps = []
        for step, frm, to, offset in CHAIN:
            steps.append((step, frm, to, opened + datetime.timedelta(days=offset)))
            if to == final:
                break
        if final == "not_included":
            steps = steps[:2] + [("reject", "verifying", "not_included", opened + datetime.timedelta(days=4))]
        identified = None
        if len(steps) == 5:
            identified = steps[4][3]
            if final in ("elimination_proposed", "elimination_notice", "risk_eliminated"):
                p = add_months(identified, 6) + datetime.timedelta(days=rng.randrange(0, 400))
                steps.append(("propose_elimination", "monitored", "elimination_proposed", p))
                if final != "elimination_proposed":
                    steps.append(("elimination_notice", "elimination_proposed", "elimination_notice", p + datetime.timedelta(days=1)))
                if final == "risk_eliminated":
                    steps.append(("eliminate", "elimination_notice", "risk_eliminated", p + datetime.timedelta(days=7)))
        steps = [s for s in steps if s[3] <= TODAY]
        state = steps[-1][2]
        category = rng.choices([c for c, _ in CATEGORIES], [x for _, x in CATEGORIES])[0] if identified else None
        risks = sorted(set(rng.choices(RISKS, RISK_WEIGHTS, k=rng.choice([1, 1, 2])))) if identified else []
        closed = steps[-1][3] if state in ("risk_eliminated", "not_included") else None
        return eid, steps, state, category, risks, identified if identified and identified <= TODAY else None, closed

    for hid, division in homes:
        if rng.random() < 0.15:
            for r in rng.sample(RULES, rng.choice([1, 1, 2])):
                assessed = start0 + datetime.timedelta(days=rng.randrange(span))
                raised = assessed + datetime.timedelta(days=rng.randrange(0, 20))
                u = rng.random()
                status, closed = ("resolved", raised + datetime.timedelta(days=rng.randrange(10, 300))) if u < 0.6 else (
                    ("superseded", raised + datetime.timedelta(days=rng.randrange(30, 365))) if u < 0.7 else ("open", None))
                if closed and closed > TODAY:
                    status, closed = "open", None
                w.row("early_warnings", wcols, [new_id(), hid, q(r), q(day(assessed)), q(status), q('{"summary":"基准预警"}'),
                                                q(day(min(raised, TODAY))), q(day(closed) if closed else None), q("已核实" if status == "resolved" else None)]
                      + ([q(division)] if warning_village else []))
        if rng.random() >= 0.12:
            continue
        opened = start0 + datetime.timedelta(days=rng.randrange(span))
        final = rng.choices(finals, fweights)[0]
        episodes = [episode(hid, opened, final)]
        if episodes[0][2] == "risk_eliminated" and rng.random() < 0.08:
            again = episodes[0][6] + datetime.timedelta(days=rng.randrange(100, 500))
            if again < TODAY:
                episodes.append(episode(hid, again, rng.choices(finals[:7], fweights[:7])[0]))
        flat = [(e, s) for e in episodes for s in e[1]]
        for i, (e, s) in enumerate(flat):
            eid = e[0]
            nxt = flat[i + 1][1][3] if i + 1 < len(flat) else datetime.date(9999, 12, 31)
            seq = [x[1] for x in flat if x[0] is e].index(s) + 1
            details = '{"category":"%s"}' % e[3] if s[0] == "approve" else "{}"
            w.row("episode_steps", scols, [new_id(), eid, hid, str(seq), q(s[0]), q(day(s[3])), q(day(nxt)), q(""), q(s[1]), q(s[2]),
                                           q(details), q("bench")])
        for eid, steps, state, category, risks, identified, closed in episodes:
            w.row("monitoring_episodes", ecols, [
                eid, hid, q(state), q(rng.choice(["self_application", "grassroots_screening", "department_warning"])), q(day(steps[0][3])),
                q(day(steps[-1][3])), q(category), q(",".join(risks)), q(day(identified) if identified else None), q(day(closed) if closed else None),
                q("收入稳定" if state == "not_included" else None), q(""), "1"])
            if identified and rng.random() < 0.85:
                for _ in range(rng.choice([1, 1, 2])):
                    start = identified + datetime.timedelta(days=rng.randrange(1, 60))
                    if start > TODAY:
                        continue
                    end = start + datetime.timedelta(days=rng.randrange(60, 400))
                    w.row("assistance_measures", mcols, [new_id(), eid, hid, q(rng.choice(MEASURES)), q("基准帮扶措施"), q("县乡村振兴局"), q("帮扶干部"),
                                                         q(day(start)), q(day(end) if end <= TODAY else None), str(rng.randrange(0, 2_000_000))])
        first = episodes[0][1][0][3]
        wages = rng.randrange(300_000, 4_000_000)
        w.row("income_assessments", acols, [new_id(), hid, q(day(first - datetime.timedelta(days=rng.randrange(1, 30)))), str(wages), "0", "0", "0", "0",
                                            "0", "0", "TRUE", "TRUE", str(wages), str(wages // 3), "3", q("bench")])
    w.close()
    return w.count


def has_column(db, table, column):
    if isinstance(db, L.SQLite):
        return column in db.sql(f"SELECT name FROM pragma_table_info('{table}');").split()
    return db.sql(f"SELECT COUNT(*) FROM information_schema.columns WHERE table_name = '{table}' AND column_name = '{column}';") == "1"


def rederive(db):
    """The reports' spans are derived from the records by the write paths and, for existing
    records, by their migration. The workflow rows above bypass the write paths, so that
    migration is run again over them, as an upgrade of a loaded database would: its table,
    its indexes and its entry in `_fluent_migrations` are dropped and `migrate` fills them."""
    if not has_column(db, "monitoring_spans", "household_id"):
        return 0  # a binary from before the spans: the candidate's migration fills them
    db.sql("DROP TABLE monitoring_spans; DROP INDEX episode_steps_household; DROP INDEX households_id_division; "
           "DELETE FROM _fluent_migrations WHERE name LIKE '%CreateMonitoringSpans';")
    t = time.monotonic()
    L.run([ARGS.before_bin or ARGS.bin, "migrate"], L.env_for(db), 3600, "migrate (spans)")
    return time.monotonic() - t


def load(db):
    res = import_part(db, ARGS.work)
    k = max(1, ARGS.members // res["members"])
    res["copies"] = k
    if k > 1:
        t = time.monotonic()
        copy_households(db, k)
        res["copy_s"] = time.monotonic() - t
        log(f"  copied ×{k} by SQL in {res['copy_s']:.0f} s")
    homes, blob = households(db)
    path = os.path.join(ARGS.work, "workflow.sql")
    t = time.monotonic()
    res["rows"] = workflow(db, homes, blob, path)
    res["gen_s"] = time.monotonic() - t
    t = time.monotonic()
    db.sql(open(path, encoding="utf-8").read(), timeout=7200)
    res["workflow_s"] = time.monotonic() - t
    os.remove(path)
    log(f"  workflow rows {res['rows']} written in {res['gen_s']:.0f} s, loaded in {res['workflow_s']:.0f} s")
    res["spans_s"] = rederive(db)
    log(f"  the spans' migration filled them in {res['spans_s']:.0f} s")
    t = time.monotonic()
    db.sql("ANALYZE;" if isinstance(db, L.SQLite) else "VACUUM ANALYZE;", timeout=3600)
    res["analyze_s"] = time.monotonic() - t
    res["totals"] = {t: int(db.sql(f"SELECT COUNT(*) FROM {t};")) for t in
                     ["households", "members", "monitoring_episodes", "episode_steps", "assistance_measures", "income_assessments", "early_warnings"]}
    return res


# --------------------------------------------------------------------------------------
# Measuring

def cases(county):
    year = f"from={add_months(TODAY.replace(day=1), -11)}&to={TODAY}"
    out = []
    for scope, div in (("city", ""), ("county", f"&division={county}")):
        for g in ("state", "category", "risk_type", "division"):
            out.append(("summary", f"{scope}: group_by={g}", f"/api/v1/monitoring/summary?group_by={g}{div}"))
        out.append(("summary", f"{scope}: group_by=state as of 2023-06-30", f"/api/v1/monitoring/summary?group_by=state&date=2023-06-30{div}"))
        out.append(("flow", f"{scope}: 12 months", f"/api/v1/monitoring/flow?{year}{div}"))
        out.append(("page", f"{scope}: dashboard", f"/monitoring/dashboard?{div.lstrip('&')}"))
        out.append(("page", f"{scope}: printable report", f"/monitoring/dashboard/print?{div.lstrip('&')}"))
    return out


def shown(kind, body):
    if kind == "summary":
        return "; ".join(f"{r['group']} {r['households']:,}" for r in body["rows"][:4]) + ("…" if len(body["rows"]) > 4 else "")
    if kind == "flow":
        return f"{len(body['rows'])} months, identified {sum(r['identified'] for r in body['rows']):,}"
    m = re.search(r'fig-monitored".*?<a href="[^"]*">([^<]+)</a>', body, re.S)
    return f"监测对象 {m.group(1) if m else '?'}"


def check(client, db):
    """The summary against the database itself (监测对象 now, members present today)."""
    today = TODAY.isoformat()
    rows = client.call("GET", f"/api/v1/monitoring/summary?group_by=state&date={today}")["rows"]
    api = sum(r["households"] for r in rows if r["group"] in ("monitored", "elimination_proposed", "elimination_notice"))
    counted = int(db.sql("SELECT COUNT(*) FROM monitoring_episodes WHERE state IN ('monitored', 'elimination_proposed', 'elimination_notice');"))
    assert api == counted, (api, counted)
    return {"monitoring": api}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--import-members", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--seed", type=int, default=20210716)
    p.add_argument("--bin-label", default=None)
    p.add_argument("--out", default=None)
    p.add_argument("--reuse", action="store_true",
                   help="reuse the database a previous run loaded into --work (for profiling; not with --before-bin)")
    p.add_argument("--before-bin", default=None,
                   help="baseline binary: migrates and loads the data and is measured first; then --bin migrates the same database and is measured")
    global ARGS
    ARGS = p.parse_args()
    ARGS.bin_label = ARGS.bin_label or ARGS.bin
    os.makedirs(ARGS.work, exist_ok=True)
    started = time.monotonic()
    m = L.machine()
    saved = os.path.join(ARGS.work, "loaded.json")
    reuse = ARGS.reuse and os.path.exists(saved)
    db = (L.SQLite(ARGS.work, data_key=L.DATA_KEY, keep=reuse) if ARGS.engine == "sqlite"
          else L.Postgres(ARGS.work, data_key=L.DATA_KEY, keep=reuse))
    try:
        if reuse:
            ld = json.load(open(saved))
            log(f"{db.name}: reusing the data loaded in {ARGS.work}")
        else:
            L.run([ARGS.before_bin or ARGS.bin, "migrate"], L.env_for(db), 600, "migrate")
            log(f"{db.name}: loading")
            ld = load(db)
            with open(saved, "w") as f:
                json.dump(ld, f)
        before = None
        if ARGS.before_bin:
            before, _, _ = measure(db, ARGS.before_bin, "before", warm=2)
            t = time.monotonic()
            L.run([ARGS.bin, "migrate"], L.env_for(db), 3600, "migrate (after)")
            ld["migrate_after_s"] = time.monotonic() - t
            # What autovacuum does within a minute of the migration's rewrite of whole tables
            # (PostgreSQL's index-only scans need the visibility map it sets again).
            db.sql("ANALYZE;" if isinstance(db, L.SQLite) else "VACUUM ANALYZE;", timeout=3600)
            log(f"  {ARGS.bin} migrated the loaded database in {ld['migrate_after_s']:.0f} s")
        lat, chk, rss = measure(db, ARGS.bin, "measure")
        if before:
            for b, a in zip(before, lat):
                assert b["body"] == a["body"], f"answers differ: {a['label']}"
                a["before"] = b
        text = report(m, db, ld, lat, chk, rss, db.size_mib(), started)
    finally:
        db.stop()
    if ARGS.out:
        with open(ARGS.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(text)


def answer(kind, body):
    """What must be equal before and after: the JSON answer, or the page's figures."""
    if kind != "page":
        return json.dumps(body, sort_keys=True)
    return re.findall(r'id="(fig-[^"]+)".*?<a href="([^"]*)">([^<]+)</a>', body, re.S)


def measure(db, binary, name, warm=10):
    srv = L.Server(db, name, binary, ARGS.work)
    try:
        client = srv.client
        client.sign_in()
        chk = check(client, db)
        lat = []
        for kind, label, path in cases("141124"):
            accept = "text/html" if kind == "page" else "application/json"
            ms, body = L.timed(client, "GET", path, ARGS.requests, warm=warm, accept=accept)
            if kind == "page":
                body = body.decode("utf-8", "replace")
            lat.append({"kind": kind, "label": label, "path": path, "p50": L.median(ms), "p95": L.pct(ms, 95), "max": max(ms),
                        "n": len(ms), "shown": shown(kind, body), "body": answer(kind, body)})
            log(f"  [{name}] {kind} {label}: p50 {L.median(ms):.1f} ms, p95 {L.pct(ms, 95):.1f} ms ({lat[-1]['shown']})")
        return lat, chk, srv.rss_mib()
    finally:
        srv.stop()


def report(m, db, ld, lat, chk, rss, db_mib, started):
    lines = []
    a = lines.append
    a(f"### {db.name} — {m['date']}")
    a("")
    a(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['mem']} memory, Linux {m['kernel']}, {db.version()}; binary `{ARGS.bin_label}`; "
      f"load average at start {m['load']}, at end {'%.1f %.1f %.1f' % os.getloadavg()} (shared machine).")
    t = ld["totals"]
    a(f"Data: {t['households']:,} households, {t['members']:,} members; {t['monitoring_episodes']:,} episodes with {t['episode_steps']:,} steps, "
      f"{t['assistance_measures']:,} measures, {t['income_assessments']:,} assessments, {t['early_warnings']:,} warnings. "
      f"Load: {ld['members']:,} members in {ld['households']:,} households through `tongguan import members` ({ld['import_s']:.0f} s; "
      f"{ld['villages']} villages through `tongguan divisions import`, {ld['villages_s']:.0f} s)"
      + (f", then copied ×{ld['copies']} by SQL ({ld['copy_s']:.0f} s; sealed columns as they are, blind index suffixed)" if ld["copies"] > 1 else "")
      + f"; workflow rows as SQL ({ld['workflow_s']:.0f} s)"
      + (f", the reports' spans filled from them by their migration ({ld['spans_s']:.0f} s)" if ld.get("spans_s") else "")
      + f"; {'ANALYZE' if isinstance(db, L.SQLite) else 'VACUUM ANALYZE'} {ld['analyze_s']:.0f} s. Database {db_mib:,.0f} MiB, server peak RSS {rss:.0f} MiB. "
      f"Check: 监测对象 today {chk['monitoring']:,} = the database's count.")
    a("")
    if "migrate_after_s" in ld:
        a(f"Baseline `{ARGS.before_bin}` measured first on the same data; then `{ARGS.bin_label}` migrated the database "
          f"({ld['migrate_after_s']:.0f} s), {'ANALYZE' if isinstance(db, L.SQLite) else 'VACUUM ANALYZE'}, and was measured "
          f"({ARGS.requests} requests per case after 10 warm-ups; the baseline after 2). "
          "Every answer (JSON, or the dashboard's figures and links) is identical before and after.")
        a("")
        a("| request | before p50 | before p95 | after p50 | after p95 | after max | n | p95 ratio | answer | p95 < 100 ms |")
        a("|---|---|---|---|---|---|---|---|---|---|")
        for r in lat:
            b = r["before"]
            a(f"| {r['kind']} {r['label']} | {b['p50']:.1f} ms | {b['p95']:.1f} ms | {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['max']:.1f} ms | "
              f"{r['n']} | ×{b['p95'] / r['p95']:.0f} | {r['shown']} | {'met' if r['p95'] < 100 else '**missed**'} |")
    else:
        a("| request | p50 | p95 | max | n | answer | p95 < 100 ms |")
        a("|---|---|---|---|---|---|---|")
        for r in lat:
            a(f"| {r['kind']} {r['label']} | {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['max']:.1f} ms | {r['n']} | {r['shown']} | "
              f"{'met' if r['p95'] < 100 else '**missed**'} |")
    a("")
    a(f"Whole run: {(time.monotonic() - started) / 60:.1f} min.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
