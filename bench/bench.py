#!/usr/bin/env python3
"""The 项目 module's speed benchmarks on SQLite and PostgreSQL; bench/run.sh builds the
binaries, starts PostgreSQL and calls this.

    python3 bench/bench.py --bin PATH/tongguan --bare PATH/BareProjects --work DIR
                           [--engine sqlite|postgres|both] [--rows 100000] [--runs 3]
                           [--requests 200] [--wrk-seconds 10] [--pg-url URL]
                           [--out results.md] [--json results.json] [--label TEXT]

Standard library only (plus the `sqlite3`, `psql`, `wrk` and `/usr/bin/time` programs).
Every child process has a time limit and every request loop a fixed count, so the run ends
by itself. Loopback only. See BENCHMARKS.md for what each number means.
"""

import argparse
import base64
import datetime
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PASSWORD = "bench-Admin-2021"
# PostgreSQL refuses to start without a data key (personal data is sealed under it); one per run.
DATA_KEY = base64.b64encode(os.urandom(32)).decode()
TIME = "/usr/bin/time"
PG_PREFIX = "tongguan_bench"

COLUMNS = ["项目名称", "项目单位", "统一社会信用代码", "所属区划代码", "开发区", "产业类别",
           "总投资(万元)", "预计年产值(万元)", "签约日期", "签约批次", "开工日期", "开工批次",
           "投产日期", "投产批次", "联系人", "联系电话", "备注"]

# The tables an import writes, in an order their foreign keys accept.
# The month rollup and the list's counts are written by the same transaction (stop 16: the
# baseline now writes them too).
WRITTEN = ["rounds", "projects", "milestones", "project_stage_facts", "project_stage_rollup", "project_counts", "audit_events"]


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


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


def run(cmd, timeout=600, env=None, stdin=None, check=True):
    p = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, input=stdin)
    if check and p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(cmd)}\n"
                         f"{p.stdout.decode('utf-8', 'replace')[-2000:]}\n{p.stderr.decode('utf-8', 'replace')[-2000:]}")
    return p.stdout.decode("utf-8", "replace")


def timed(cmd, env=None, stdin=None, timeout=1200, expect=(0,)):
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


# ---------------------------------------------------------------------------------------
# The two engines: fresh databases, SQL from the outside, the baseline loader.

class SQLiteEngine:
    name = "sqlite"
    label = "SQLite"

    def __init__(self):
        self.template = os.path.join(ARGS.work, "template.sqlite")

    def env(self, db):
        env = dict(os.environ)
        env.update({"TONGGUAN_DB": db, "TONGGUAN_ADMIN_PASSWORD": PASSWORD, "LOG_LEVEL": ARGS.log_level})
        env.pop("DATABASE_URL", None)
        return env

    def bare_env(self, db):
        env = dict(os.environ)
        env.update({"BARE_DB": db, "LOG_LEVEL": ARGS.log_level})
        env.pop("DATABASE_URL", None)
        return env

    def prepare_template(self):
        for s in ("", "-wal", "-shm"):
            if os.path.exists(self.template + s):
                os.remove(self.template + s)
        t = time.monotonic()
        run([ARGS.bin, "migrate"], env=self.env(self.template), timeout=300)
        self.scalar(self.template, "PRAGMA wal_checkpoint(TRUNCATE);")
        return time.monotonic() - t

    def fresh(self, name):
        """A copy of the migrated, seeded, empty template database."""
        path = os.path.join(ARGS.work, name + ".sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        shutil.copyfile(self.template, path)
        return path

    def drop(self, db):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)

    def scalar(self, db, sql):
        return run(["sqlite3", db, sql], timeout=300).strip()

    def tables(self, db):
        return set(self.scalar(db, "SELECT name FROM sqlite_master WHERE type = 'table'").split())

    def size_mib(self, db):
        return sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s)) / 2**20

    def baseline(self, csv_path, reference_db):
        """sqlite3 itself turns the same CSV into the same rows of the same tables (with
        their indexes): .import into a scratch table, then INSERT … SELECT into rounds,
        projects, milestones, the stage facts (when the schema has them) and one audit event
        per project, in one transaction. Returns [(wall, rss)] and the row counts it wrote."""
        tables = self.tables(reference_db)
        script = sqlite_baseline_script(csv_path, tables)
        results, counts = [], None
        for i in range(ARGS.runs):
            db = self.fresh(f"baseline{i}")
            w, r, _, _ = timed(["sqlite3", db], stdin=script.encode())
            counts = {t: int(self.scalar(db, f"SELECT COUNT(*) FROM {t}")) for t in WRITTEN if t in tables}
            results.append((w, r))
            self.drop(db)
        return results, counts

    def count(self, db, table):
        return int(self.scalar(db, f"SELECT COUNT(*) FROM {table}"))


class PostgresEngine:
    name = "postgres"
    label = "PostgreSQL"

    def __init__(self):
        self.url = ARGS.pg_url
        m = re.match(r"postgres(?:ql)?://([^:]+):([^@]+)@([^:/]+):(\d+)/([^?]+)", self.url)
        if not m:
            raise SystemExit(f"cannot read {self.url}")
        self.user, self.password, self.host, self.port, _ = m.groups()
        self.template = f"{PG_PREFIX}_template"

    def db_url(self, db):
        return f"postgres://{self.user}:{self.password}@{self.host}:{self.port}/{db}?sslmode=disable"

    def env(self, db):
        env = dict(os.environ)
        env.update(
            {"DATABASE_URL": self.db_url(db), "TONGGUAN_ADMIN_PASSWORD": PASSWORD, "LOG_LEVEL": ARGS.log_level, "TONGGUAN_DATA_KEY": DATA_KEY}
        )
        env.pop("TONGGUAN_DB", None)
        return env

    def bare_env(self, db):
        env = dict(os.environ)
        env.update({"DATABASE_URL": self.db_url(db), "LOG_LEVEL": ARGS.log_level})
        return env

    def admin(self, sql):
        """As the server's superuser (bench/run.sh runs as root, like scripts/pg-start)."""
        return run(["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-p", self.port,
                    "-tAc", sql], timeout=300)

    def psql(self, db, *args, stdin=None, timeout=600):
        env = dict(os.environ, PGPASSWORD=self.password)
        return run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.host, "-p", self.port, "-U", self.user,
                    "-d", db] + list(args), env=env, stdin=stdin, timeout=timeout)

    def prepare_template(self):
        # Leftovers of an interrupted run.
        for name in self.admin(f"SELECT datname FROM pg_database WHERE datname LIKE '{PG_PREFIX}%'").split():
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin(f'CREATE DATABASE "{self.template}" OWNER "{self.user}"')
        t = time.monotonic()
        run([ARGS.bin, "migrate"], env=self.env(self.template), timeout=300)
        return time.monotonic() - t

    def fresh(self, name):
        db = f"{PG_PREFIX}_{name}"
        self.admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        self.admin(f'CREATE DATABASE "{db}" OWNER "{self.user}" TEMPLATE "{self.template}"')
        return db

    def drop(self, db):
        self.admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    def scalar(self, db, sql):
        return self.psql(db, "-tAc", sql).strip()

    def tables(self, db):
        return set(self.scalar(db, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").split())

    def size_mib(self, db):
        return int(self.scalar(db, "SELECT pg_database_size(current_database())")) / 2**20

    def count(self, db, table):
        return int(self.scalar(db, f"SELECT COUNT(*) FROM {table}"))

    def baseline(self, csv_path, reference_db):
        """psql's \\copy of exactly the rows the import wrote (dumped from its database as
        COPY text) into the same tables, with their indexes and constraints, of a fresh copy
        of the template, in one transaction."""
        tables = [t for t in WRITTEN if t in self.tables(reference_db)]
        template_seq = int(self.scalar(self.template, "SELECT COALESCE(MAX(seq), 0) FROM audit_events"))
        dump = {}
        for t in tables:
            path = os.path.join(ARGS.work, f"pg-{t}.copy")
            where = f" WHERE seq > {template_seq}" if t == "audit_events" else ""
            self.psql(reference_db, "-c", f"\\copy (SELECT * FROM {t}{where}) TO '{path}'")
            dump[t] = path
        head = self.scalar(reference_db, "SELECT seq || ' ' || hash FROM audit_chain_head WHERE id = 1").split()
        script = "BEGIN;\n" + "".join(f"\\copy {t} FROM '{dump[t]}'\n" for t in tables)
        script += f"UPDATE audit_chain_head SET seq = {head[0]}, hash = '{head[1]}' WHERE id = 1;\nCOMMIT;\n"
        results, counts = [], None
        env = dict(os.environ, PGPASSWORD=self.password)
        for i in range(ARGS.runs):
            db = self.fresh(f"baseline{i}")
            w, r, _, _ = timed(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.host, "-p", self.port, "-U", self.user,
                                "-d", db], env=env, stdin=script.encode())
            counts = {t: self.count(db, t) for t in tables}
            results.append((w, r))
            self.drop(db)
        for path in dump.values():
            os.remove(path)
        return results, counts


def sqlite_baseline_script(csv_path, tables):
    """The SQL that writes, from the CSV, what the import writes (into those of the import's
    tables that the schema has)."""
    facts = "project_stage_facts" in tables
    # A random UUID-shaped text per row (a scalar subquery would be evaluated once only).
    uuid = ("printf('%08X-%04X-%04X-%04X-%012X', random() & 4294967295, random() & 65535, random() & 65535, "
            "random() & 65535, random() & 281474976710655)")
    fen = lambda c: f"CAST(round(CAST(replace({c}, ',', '') AS REAL) * 1000000) AS INTEGER)"
    cols = ", ".join(f"c{i} TEXT" for i in range(1, 18))
    stages = [("signed", "c9", "c10"), ("started", "c11", "c12"), ("producing", "c13", "c14")]
    s = [
        "PRAGMA cache_size = -16384;", "PRAGMA temp_store = MEMORY;",
        f"CREATE TEMP TABLE raw ({cols});",
        f".import --csv --skip 1 --schema temp '{csv_path}' raw",
        "BEGIN;",
        "CREATE TEMP TABLE p AS SELECT rowid AS line, " + uuid + " AS id, * FROM temp.raw;",
        "INSERT INTO rounds (id, name, date, venue, division_code, version, created_at, updated_at) "
        f"SELECT {uuid}, name, MIN(date), NULL, '141100', 1, unixepoch(), unixepoch() FROM ("
        + " UNION ALL ".join(f"SELECT {r} AS name, {d} AS date FROM temp.p WHERE {r} <> ''" for _, d, r in stages)
        + ") GROUP BY name;",
        "INSERT INTO projects (id, name, investor_name, credit_code, division_code, development_zone, industry, "
        "total_investment_fen, expected_annual_output_fen, contact_person, contact_phone, notes, version, created_at, updated_at) "
        f"SELECT id, c1, c2, c3, c4, c5, c6, {fen('c7')}, {fen('c8')}, c15, c16, c17, 1, unixepoch(), unixepoch() FROM temp.p;",
    ]
    for stage, d, r in stages:
        s.append(f"INSERT INTO milestones (id, project_id, stage, date, round_id) SELECT {uuid}, p.id, '{stage}', p.{d}, "
                 f"(SELECT id FROM rounds WHERE name = p.{r}) FROM temp.p AS p WHERE p.{d} <> '';")
    if facts:
        s.append("INSERT INTO project_stage_facts (project_id, stage, date, round_id, division_code, county_code, industry, "
                 "total_investment_fen, expected_annual_output_fen) SELECT m.project_id, m.stage, m.date, m.round_id, "
                 "p.division_code, substr(p.division_code, 1, 6), p.industry, p.total_investment_fen, "
                 "p.expected_annual_output_fen FROM milestones AS m JOIN projects AS p ON p.id = m.project_id;")
    if facts and "project_stage_rollup" in tables:
        s.append("INSERT INTO project_stage_rollup (stage, round_id, county_code, industry, month, fact_count, total_investment_fen, "
                 "expected_annual_output_fen) SELECT stage, COALESCE(round_id, '00000000-0000-0000-0000-000000000000'), "
                 "county_code, industry, substr(date, 1, 7), COUNT(*), SUM(total_investment_fen), SUM(expected_annual_output_fen) "
                 "FROM project_stage_facts GROUP BY 1, 2, 3, 4, 5;")
    if "project_counts" in tables:
        s.append("INSERT INTO project_counts (division_code, industry, project_count) "
                 "SELECT division_code, industry, COUNT(*) FROM projects GROUP BY 1, 2;")
    change = lambda f, v, mask=False: (f"json_object('after', {'substr(' + v + ', 1, 1) || ' + repr('**') if mask else v}, "
                                       f"'field', '{f}')")
    changes = "json_array(" + ", ".join([
        change("credit_code", "c3"), change("contact_person", "c15", True), change("contact_phone", "c16", True),
        change("division_code", "c4"), change("expected_annual_output_fen", fen("c8")), change("industry", "c6"),
        change("investor_name", "c2"), change("name", "c1"), change("signed.date", "c9"), change("signed.round_id", "c10"),
        change("total_investment_fen", fen("c7"))]) + ")"
    s.append("INSERT INTO audit_events (seq, occurred_at, actor, action, entity_type, entity_id, division_code, changes, "
             "request_id, client_address, prev_hash, hash) SELECT (SELECT seq FROM audit_chain_head) + line, "
             "strftime('%Y-%m-%dT%H:%M:%fZ'), 'cli:bench', 'project.create', 'project', id, c4, "
             f"{changes}, 'cli-bench', 'local', '', lower(hex(sha3(id || c1 || c2 || c3, 256))) FROM temp.p;")
    s.append("UPDATE audit_chain_head SET seq = (SELECT MAX(seq) FROM audit_events), hash = 'x' WHERE id = 1;")
    s.append("COMMIT;")
    return "\n".join(s) + "\n"


# ---------------------------------------------------------------------------------------

def bench_import(engine, csv_path, bad_header_path, tiny_path):
    b = ARGS.bin
    res = {}

    log(f"{engine.label}: start-up (a 1-row file), parse only (bad header), dry run: one run each")
    db = engine.fresh("tiny")
    res["startup"], _, _, _ = timed([b, "import", "projects", tiny_path, "--create-rounds"], env=engine.env(db))
    engine.drop(db)
    db = engine.fresh("parse")
    res["parse"], res["parse_rss"], _, _ = timed([b, "import", "projects", bad_header_path, "--create-rounds"],
                                                 env=engine.env(db), expect=(2,))
    engine.drop(db)
    db = engine.fresh("dry")
    res["dry"], res["dry_rss"], out, _ = timed([b, "import", "projects", csv_path, "--create-rounds", "--dry-run", "--json"],
                                               env=engine.env(db))
    report = json.loads(out.strip().splitlines()[-1])
    assert report["created"] == ARGS.rows and not report["applied"], report
    engine.drop(db)

    log(f"{engine.label}: full import into a fresh database, {ARGS.runs} runs")
    walls, rss = [], []
    for i in range(ARGS.runs):
        if "db" in res:
            engine.drop(res["db"])
        db = engine.fresh(f"import{i}")
        w, r, out, _ = timed([b, "import", "projects", csv_path, "--create-rounds", "--json"], env=engine.env(db))
        report = json.loads(out.strip().splitlines()[-1])
        assert report["applied"] and report["created"] == ARGS.rows, report
        n = engine.count(db, "projects")
        assert n == ARGS.rows, n
        log(f"  run {i + 1}: {w:.2f} s, peak RSS {r:.0f} MiB")
        walls.append(w); rss.append(r)
        res["db"] = db
    res["import"], res["import_all"], res["import_rss"], res["import_rss_all"] = median(walls), walls, max(rss), rss
    res["milestones"] = engine.count(res["db"], "milestones")
    res["audit_events"] = engine.count(res["db"], "audit_events")
    res["db_mib"] = engine.size_mib(res["db"])
    res["tables"] = sorted(t for t in WRITTEN if t in engine.tables(res["db"]))

    log(f"{engine.label}: baseline, {ARGS.runs} runs")
    results, counts = engine.baseline(csv_path, res["db"])
    res["baseline"] = median([w for w, _ in results])
    res["baseline_all"] = [w for w, _ in results]
    res["baseline_rss"] = max(r for _, r in results)
    res["baseline_counts"] = counts
    res["import_counts"] = {t: engine.count(res["db"], t) for t in counts}
    log(f"  baseline {res['baseline']:.2f} s; rows {counts} (import wrote {res['import_counts']})")
    return res


# ---------------------------------------------------------------------------------------

class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
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


class Server:
    """A server process on 127.0.0.1, stopped on exit."""

    def __init__(self, cmd, env, port, logname):
        self.port = port
        self.logf = open(os.path.join(ARGS.work, logname), "wb")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.logf, stderr=subprocess.STDOUT)

    def __enter__(self):
        deadline = time.monotonic() + 90
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"server did not start; see {self.logf.name}")
            time.sleep(0.2)

    def rss_mib(self):
        status = open(f"/proc/{self.proc.pid}/status").read()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.logf.close()

    def __exit__(self, *exc):
        self.stop()


def tongguan_server(engine, db, name):
    port = free_port()
    return Server([ARGS.bin, "serve", "--hostname", "127.0.0.1", "--port", str(port)], engine.env(db), port,
                  f"serve-{engine.name}-{name}.log")


def bench_summary(engine, db):
    res = {}
    with tongguan_server(engine, db, "summary") as server:
        client = Client(server.port)
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
            ("by round", "busiest round, group_by=stage", f"round_id={busiest}&group_by=stage"),
            ("by county", "all projects, group_by=division", "group_by=division"),
            ("by industry", "all projects, group_by=industry", "group_by=industry"),
            ("by county, one year", "from/to 2022, group_by=division", "from=2022-01-01&to=2022-12-31&group_by=division"),
        ]
        res["cases"] = []
        for key, label, query in cases:
            path = "/api/v1/projects/summary?" + query
            for _ in range(20):  # warm-up: page cache, statement cache, connection
                body = client.call("GET", path)
            lat = []
            for _ in range(ARGS.requests):
                t = time.perf_counter()
                client.call("GET", path)
                lat.append((time.perf_counter() - t) * 1000)
            total = sum(x["count"] for x in body["rows"])
            res["cases"].append({"key": key, "label": label, "query": query, "p50": median(lat), "p95": pct(lat, 95),
                                 "max": max(lat), "rows": len(body["rows"]), "counted": total})
            log(f"  {engine.label} summary {key}: p50 {median(lat):.1f} ms, p95 {pct(lat, 95):.1f} ms")
        res["server_rss"] = server.rss_mib()
    return res


# ---------------------------------------------------------------------------------------

def wrk(url, token=None):
    cmd = ["wrk", "-t2", "-c64", f"-d{ARGS.wrk_seconds}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = run(cmd + [url], timeout=ARGS.wrk_seconds + 60)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = None
    if p99:
        p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    if non2xx:
        raise SystemExit(f"wrk {url}: {non2xx.group(0)}\n{out}")
    return {"rps": rps, "p99_ms": p99_ms, "errors": errors.group(1) if errors else ""}


def bench_reads(engine, db):
    """wrk against Tongguan's API (bearer token) and, one after the other on the same
    database, the bare Vapor app (no auth)."""
    res = {}
    with tongguan_server(engine, db, "reads") as server:
        client = Client(server.port)
        client.token = client.call("POST", "/api/v1/auth/token", {"username": "admin", "password": PASSWORD})["token"]
        first = client.call("GET", "/api/v1/projects?per=20")["items"]
        pid = first[len(first) // 2]["id"]
        res["project_id"] = pid
        base = f"http://127.0.0.1:{server.port}"
        for key, path in [("one", f"/api/v1/projects/{pid}"), ("page", "/api/v1/projects?per=20"), ("me", "/api/v1/me")]:
            client.call("GET", path)
            res[f"tongguan_{key}"] = wrk(base + path, client.token)
            log(f"  {engine.label} tongguan {path}: {res[f'tongguan_{key}']['rps']:.0f} req/s")
        res["tongguan_rss"] = server.rss_mib()
    if ARGS.bare:
        port = free_port()
        env = engine.bare_env(db)
        env["BARE_PORT"] = str(port)
        with Server([ARGS.bare], env, port, f"bare-{engine.name}.log") as bare:
            base = f"http://127.0.0.1:{port}"
            for key, path in [("row", f"/row/{pid}"), ("one", f"/projects/{pid}"), ("rows", "/rows?per=20"),
                              ("page", "/projects?per=20"), ("hello", "/health")]:
                run(["curl", "-sf", base + path], timeout=30)
                res[f"bare_{key}"] = wrk(base + path)
                log(f"  {engine.label} bare {path}: {res[f'bare_{key}']['rps']:.0f} req/s")
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
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip() if shutil.which("psql") else "-"
    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0] if shutil.which("wrk") else "-"
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "mem": mem, "commit": commit + (" + uncommitted changes in Sources" if dirty else ""),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "kernel": platform.release(), "load": "%.1f %.1f %.1f" % os.getloadavg(), "sqlite": sqlite_version,
        "python": platform.python_version(), "psql": pg, "wrk": wrk_v.strip(),
    }


def verdict(ok):
    return "met" if ok else "**missed**"


def report(m, results, gen_s, csv_mib):
    lines = []
    a = lines.append
    a(f"### {ARGS.label} — {m['date']}")
    a("")
    a(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['mem']} memory, Linux {m['kernel']}; binary `{ARGS.bin_label}`; "
      f"sqlite3 CLI {m['sqlite']}; {m['psql']}; {m['wrk']}; load average at start {m['load']}, at end "
      f"{'%.1f %.1f %.1f' % os.getloadavg()} (shared machine).")
    a(f"Data: {ARGS.rows:,} projects (CSV {csv_mib:.1f} MiB, generated in {gen_s:.1f} s, seed {ARGS.seed}). "
      f"Imports: median of {ARGS.runs} runs into a fresh database; summary: {ARGS.requests} sequential keep-alive requests "
      f"per case after 20 warm-up; reads: `wrk -t2 -c64 -d{ARGS.wrk_seconds}s`; log level `{ARGS.log_level}`.")
    a("")
    engines = list(results)
    a("| benchmark | " + " | ".join(results[e]["label"] for e in engines) + " | target |")
    a("|---|" + "---|" * len(engines) + "---|")

    def row(name, fmt, target=""):
        a(f"| {name} | " + " | ".join(fmt(results[e]) for e in engines) + f" | {target} |")

    row("import wall (runs)", lambda r: f"{r['imp']['import']:.2f} s ({', '.join(f'{x:.2f}' for x in r['imp']['import_all'])})")
    row("baseline wall (runs)", lambda r: f"{r['imp']['baseline']:.2f} s ({', '.join(f'{x:.2f}' for x in r['imp']['baseline_all'])})")
    row("import ÷ baseline", lambda r: f"{r['imp']['import'] / r['imp']['baseline']:.2f}× "
        f"{verdict(r['imp']['import'] / r['imp']['baseline'] <= 2)}", "≤ 2×")
    row("import peak RSS", lambda r: f"{r['imp']['import_rss'] * 1.048576:.0f} MB {verdict(r['imp']['import_rss'] * 1.048576 < 300)}",
        "< 300 MB")
    summaries = all("srv" in results[e] for e in engines)
    for i, c in enumerate(next(iter(results.values()))["srv"]["cases"] if summaries else []):
        row(f"summary {c['key']} p50 / p95", lambda r, i=i: f"{r['srv']['cases'][i]['p50']:.1f} / {r['srv']['cases'][i]['p95']:.1f} ms "
            f"{verdict(r['srv']['cases'][i]['p95'] < 50)}", "p95 < 50 ms")
    if all("reads" in results[e] for e in engines):
        def ratio(r, t, b):
            x = r["reads"].get(f"tongguan_{t}"), r["reads"].get(f"bare_{b}")
            if not x[0] or not x[1]:
                return "—"
            q = x[0]["rps"] / x[1]["rps"]
            return f"{x[0]['rps']:,.0f} / {x[1]['rps']:,.0f} = {q:.0%} {verdict(q >= 0.5)}"
        row("one project: API ÷ bare one row (req/s)", lambda r: ratio(r, "one", "row"), "≥ 50 %")
        row("one project: API ÷ bare row + milestones", lambda r: ratio(r, "one", "one"), "")
        row("page of 20: API ÷ bare 20 rows (req/s)", lambda r: ratio(r, "page", "rows"), "≥ 50 %")
        row("page of 20: API ÷ bare 20 rows + milestones", lambda r: ratio(r, "page", "page"), "")
        row("`/api/v1/me` with a token; bare `/health`", lambda r: f"{r['reads']['tongguan_me']['rps']:,.0f}; "
            f"{r['reads'].get('bare_hello', {}).get('rps', 0):,.0f} req/s")
    a("")
    a("Details:")
    a("")
    for e in engines:
        r = results[e]
        imp, srv = r["imp"], r.get("srv")
        a(f"- {r['label']}: {ARGS.rows:,} projects, {imp['milestones']:,} milestones, {imp['import_counts'].get('rounds', '?')} rounds, "
          f"{imp['audit_events']:,} audit events; tables written {', '.join(imp['tables'])}; database {imp['db_mib']:.0f} MiB. "
          f"Baseline wrote {', '.join(f'{k} {v:,}' for k, v in imp['baseline_counts'].items())} "
          f"(import: {', '.join(f'{k} {v:,}' for k, v in imp['import_counts'].items())}); baseline peak RSS {imp['baseline_rss']:.0f} MiB.")
        a(f"  Steps: start-up (1-row file) {imp['startup']:.2f} s; parse only {imp['parse']:.2f} s "
          f"({imp['parse_rss']:.0f} MiB); dry run {imp['dry']:.2f} s ({imp['dry_rss']:.0f} MiB); full import {imp['import']:.2f} s.")
        if srv:
            a(f"  Summary (busiest round {srv['busiest'][1]}, {srv['busiest'][0]:,} milestones): "
          + "; ".join(f"{c['key']} {c['p50']:.1f}/{c['p95']:.1f}/{c['max']:.1f} ms (p50/p95/max, {c['rows']} rows, "
                          f"{c['counted']:,} counted)" for c in srv["cases"]) + f"; server VmHWM {srv['server_rss']:.0f} MiB.")
        if "reads" in r:
            rd = r["reads"]
            a("  Reads (req/s, p99): " + "; ".join(
                f"{k} {v['rps']:,.0f} ({v['p99_ms']:.1f} ms)" for k, v in rd.items() if isinstance(v, dict)) + ".")
    return "\n".join(lines) + "\n"


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--bare", default=None)
    p.add_argument("--work", required=True)
    p.add_argument("--engine", default="both", choices=["sqlite", "postgres", "both"])
    p.add_argument("--pg-url", default="postgres://tongguan:tongguan@127.0.0.1:5432/tongguan_test?sslmode=disable")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--wrk-seconds", type=int, default=10)
    p.add_argument("--seed", type=int, default=20210716)
    p.add_argument("--log-level", default="info")
    p.add_argument("--skip", default="", help="comma-separated: import,summary,reads")
    p.add_argument("--label", default="Results")
    p.add_argument("--bin-label", default=None)
    p.add_argument("--out", default=None)
    p.add_argument("--json", default=None)
    ARGS = p.parse_args()
    ARGS.bin_label = ARGS.bin_label or machine_commit()
    os.makedirs(ARGS.work, exist_ok=True)
    started = time.monotonic()
    skip = set(filter(None, ARGS.skip.split(",")))

    csv_path = os.path.join(ARGS.work, f"projects-{ARGS.rows}.csv")
    t = time.monotonic()
    run([sys.executable, os.path.join(HERE, "gen_projects.py"), str(ARGS.rows), csv_path, "--seed", str(ARGS.seed)])
    gen_s = time.monotonic() - t
    csv_mib = os.path.getsize(csv_path) / 2**20
    log(f"generated {ARGS.rows:,} rows ({csv_mib:.1f} MiB) in {gen_s:.1f} s")
    # Same bytes with the first header cell renamed: parsed in full, then rejected.
    bad_header_path = os.path.join(ARGS.work, "bad-header.csv")
    with open(csv_path, "rb") as src, open(bad_header_path, "wb") as dst:
        dst.write(src.read().replace("项目名称".encode(), "XX".encode(), 1))
    tiny_path = os.path.join(ARGS.work, "tiny.csv")
    with open(csv_path, "rb") as src, open(tiny_path, "wb") as dst:
        dst.write(b"".join(src.readlines()[:2]))  # row 1 has no line break inside a cell

    m = machine()
    engines = {"sqlite": [SQLiteEngine], "postgres": [PostgresEngine], "both": [SQLiteEngine, PostgresEngine]}[ARGS.engine]
    results = {}
    for cls in engines:
        engine = cls()
        migrate_s = engine.prepare_template()
        log(f"{engine.label}: template database migrated and seeded in {migrate_s:.1f} s")
        r = {"label": engine.label, "migrate_s": migrate_s}
        r["imp"] = bench_import(engine, csv_path, bad_header_path, tiny_path)
        db = r["imp"]["db"]
        if "summary" not in skip:
            r["srv"] = bench_summary(engine, db)
        if "reads" not in skip:
            r["reads"] = bench_reads(engine, db)
        engine.drop(db)
        if engine.name == "postgres":
            engine.drop(engine.template)
        results[engine.name] = r
    text = report(m, results, gen_s, csv_mib)
    text += f"\nWhole benchmark run: {(time.monotonic() - started) / 60:.1f} min.\n"
    if ARGS.out:
        with open(ARGS.out, "w", encoding="utf-8") as f:
            f.write(text)
    if ARGS.json:
        with open(ARGS.json, "w", encoding="utf-8") as f:
            json.dump({"machine": m, "rows": ARGS.rows, "results": results}, f, ensure_ascii=False, indent=1, default=str)
    print(text)


def machine_commit():
    return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
