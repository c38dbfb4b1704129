#!/usr/bin/env python3
"""Shared parts of the benchmarks that start their own databases and a release server
(bench/bench_ledgers.py, bench_cases.py, bench_indicators.py, bench_members.py,
bench_monitoring.py): the two engines (a SQLite file, or a throw-away PostgreSQL cluster
started as the `postgres` user on a free port and stopped at the end), the server under
test with an API token, the keep-alive HTTP client (which can also sign in a browser
session for the HTML pages), the sequential latency loops with nearest-rank percentiles,
and the machine description.

Standard library only; every child process has a time limit, every loop a fixed count.
"""

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
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PASSWORD = "bench-Admin-2021"
TAG = ["bench"]  # the log prefix; a script sets TAG[0] = "bench-NAME"
# A fixed data key (TONGGUAN_DATA_KEY, sealing resident IDs) for the benches that ask for it
# (`data_key=DATA_KEY`), so their databases can be reopened; only ever used for generated data.
DATA_KEY = "YmVuY2gtZGF0YS1rZXktbm90LWZvci1yZWFsLWRhdGE="


def log(*a):
    print(f"[{TAG[0]}]", *a, file=sys.stderr, flush=True)


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


# --------------------------------------------------------------------------------------
# The database: SQLite file or a private PostgreSQL cluster.

class SQLite:
    name = "SQLite"

    def __init__(self, work, filename="bench.sqlite", keep=False, data_key=None):
        """A fresh database file (`keep`: the one already there). `data_key`: the server's
        TONGGUAN_DATA_KEY unless the environment sets one (without it: the key file the server
        keeps beside the database)."""
        self.path = os.path.join(work, filename)
        self.data_key = data_key
        for s in ("", "-wal", "-shm"):
            if not keep and os.path.exists(self.path + s):
                os.remove(self.path + s)

    def env(self):
        env = {"TONGGUAN_DB": self.path}
        if self.data_key:
            env["TONGGUAN_DATA_KEY"] = os.environ.get("TONGGUAN_DATA_KEY", self.data_key)
        return env

    def sql(self, text, timeout=1800):
        p = subprocess.run(["sqlite3", "-bail", self.path], input=text, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise SystemExit(f"sqlite3 failed: {p.stderr[-2000:]}")
        return p.stdout.strip()

    def uuid_expr(self, table):
        """An SQL expression making a new id as `table` stores its ids."""
        kind = self.sql(f"SELECT typeof(id) FROM {table} LIMIT 1;")
        return "randomblob(16)" if kind == "blob" else (
            "lower(hex(randomblob(4))||'-'||hex(randomblob(2))||'-4'||substr(hex(randomblob(2)),2)||'-'||"
            "substr('89ab',abs(random())%4+1,1)||substr(hex(randomblob(2)),2)||'-'||hex(randomblob(6)))")

    def version(self):
        return "SQLite " + self.sql("SELECT sqlite_version();")

    def size_mib(self):
        return sum(os.path.getsize(self.path + s) for s in ("", "-wal") if os.path.exists(self.path + s)) / 2**20

    def stop(self):
        pass


class Postgres:
    name = "PostgreSQL"

    def __init__(self, work, keep=False, data_key=None):
        """A fresh cluster in work/pgdata (`keep`: start the one already there). `data_key`:
        the server's TONGGUAN_DATA_KEY unless the environment sets one (without it: a random
        key per cluster, see env())."""
        self.data_key = data_key
        bins = sorted(d for d in os.listdir("/usr/lib/postgresql") if os.path.isdir(f"/usr/lib/postgresql/{d}/bin"))
        if not bins:
            raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bin = f"/usr/lib/postgresql/{bins[-1]}/bin"
        self.data = os.path.join(work, "pgdata")
        self.sock = os.path.join(work, "pgsock")
        reuse = keep and os.path.exists(os.path.join(self.data, "PG_VERSION"))
        if os.path.exists(self.data) and not reuse:
            shutil.rmtree(self.data)
        os.makedirs(self.sock, exist_ok=True)
        for d in (work, self.sock):
            os.chmod(d, 0o777)
        parent = os.path.dirname(os.path.abspath(work))  # e.g. a mktemp -d directory (0700)
        os.chmod(parent, os.stat(parent).st_mode | 0o711)
        self.port = free_port()
        if reuse:
            self.start()
            return
        self.as_pg([f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "-A", "trust"], 300)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.sock}'\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_wal_size = 4GB\n")
        self.start()
        self.psql("CREATE ROLE tongguan LOGIN PASSWORD 'tongguan'; CREATE DATABASE tongguan OWNER tongguan;", db="postgres")

    def start(self):
        if self.port_of_config() != self.port:
            with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
                f.write(f"\nport = {self.port}\n")
        self.as_pg([f"{self.bin}/pg_ctl", "-D", self.data, "-l", os.path.join(self.data, "server.log"), "-w", "-t", "60", "start"], 90)

    def port_of_config(self):
        ports = re.findall(r"^port = (\d+)", open(os.path.join(self.data, "postgresql.conf")).read(), re.M)
        return int(ports[-1]) if ports else None

    def as_pg(self, cmd, timeout):
        p = subprocess.run(["runuser", "-u", "postgres", "--"] + cmd, capture_output=True, text=True, timeout=timeout, cwd="/")
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {p.stdout[-1500:]} {p.stderr[-1500:]}")
        return p.stdout

    def psql(self, text, db="tongguan", timeout=1800):
        p = subprocess.run(self.psql_cmd(db), input=text, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise SystemExit(f"psql failed: {p.stderr[-2000:]}")
        return p.stdout.strip()

    def psql_cmd(self, db="tongguan"):
        """psql on database `db` of this cluster, reading the SQL from its input."""
        return ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db]

    def sql(self, text, timeout=1800):
        return self.psql(text, timeout=timeout)

    def psql_copy(self, command, timeout=3600):
        """One psql meta-command such as `\\copy t (cols) FROM 'file' WITH (FORMAT csv)`."""
        p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                            "-d", "tongguan", "-c", command], capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise SystemExit(f"psql failed: {p.stderr[-2000:]}")
        return p.stdout.strip()

    def env(self):
        url = f"postgres://tongguan:tongguan@127.0.0.1:{self.port}/tongguan?sslmode=disable"
        if self.data_key:
            return {"DATABASE_URL": url, "TONGGUAN_DATA_KEY": os.environ.get("TONGGUAN_DATA_KEY", self.data_key)}
        # The data key PostgreSQL deployments must set (personal data is sealed with it);
        # a random one per cluster, kept beside it so a reused cluster opens again.
        path = os.path.join(os.path.dirname(self.data), "data-key")
        if not os.path.exists(path):
            with open(path, "w") as f:
                f.write(base64.b64encode(os.urandom(32)).decode())
        return {"DATABASE_URL": url, "TONGGUAN_DATA_KEY": open(path).read().strip()}

    def uuid_expr(self, table):
        return "gen_random_uuid()"

    def version(self):
        return "PostgreSQL " + self.psql("SHOW server_version;")

    def size_mib(self):
        return int(self.psql("SELECT pg_database_size('tongguan');")) / 2**20

    def stop(self):
        try:
            self.as_pg([f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop"], 90)
        except Exception as e:  # noqa: BLE001 — report and go on; the directory is removed with the work dir
            log(f"pg_ctl stop: {e}")


# --------------------------------------------------------------------------------------
# The server under test

def env_for(db):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("TONGGUAN_DB", None)
    env.update({"TONGGUAN_ADMIN_PASSWORD": PASSWORD, "LOG_LEVEL": env.get("LOG_LEVEL", "info")})
    env.update(db.env())
    return env


def run(cmd, env, timeout, what):
    t = time.monotonic()
    p = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout)
    wall = time.monotonic() - t
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        raise SystemExit(f"{what} failed ({p.returncode}):\n{out[-3000:]}\n{err[-3000:]}")
    return wall, out


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.token = None
        self.cookie = None

    def sign_in(self, username="admin", password=PASSWORD):
        """A browser's session (the login form with its CSRF token), for the HTML pages."""
        self.conn.request("GET", "/login", headers={"Accept": "text/html"})
        r = self.conn.getresponse()
        page = r.read().decode("utf-8", "replace")
        self.cookie = r.getheader("Set-Cookie", "").split(";", 1)[0]
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf_token": csrf, "username": username, "password": password})
        self.conn.request("POST", "/login", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie, "Accept": "text/html"})
        r = self.conn.getresponse()
        r.read()
        if r.status not in (302, 303):
            raise SystemExit(f"sign-in failed: {r.status}")
        self.cookie = (r.getheader("Set-Cookie") or self.cookie).split(";", 1)[0]

    def call(self, method, path, body=None, expect=(200,), accept="application/json"):
        """The answer: parsed JSON, or the raw bytes when `accept` is not JSON (an HTML page)."""
        headers = {"Accept": accept}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if self.cookie:
            headers["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        payload = r.read()
        if r.status not in expect:
            raise SystemExit(f"{method} {path} → {r.status}: {payload[:800].decode('utf-8', 'replace')}")
        if accept != "application/json":
            return payload
        return json.loads(payload) if payload else None


class Server:
    """`tongguan serve` on the database, signed in as the admin (`client` holds the token)."""

    def __init__(self, db, name, bin, work):
        self.port = free_port()
        self.logf = open(os.path.join(work, f"serve-{name}.log"), "wb")
        self.proc = subprocess.Popen([bin, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                                     env=env_for(db), stdout=self.logf, stderr=subprocess.STDOUT, cwd=REPO)
        deadline = time.monotonic() + 120
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"server did not start; see serve-{name}.log")
            time.sleep(0.2)
        self.client = Client(self.port)
        self.client.token = self.client.call("POST", "/api/v1/auth/token", {"username": "admin", "password": PASSWORD})["token"]

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


# --------------------------------------------------------------------------------------
# Latency and the machine

def timed(client, method, path, n, body=None, warm=20, accept="application/json"):
    """Latencies (ms) of n sequential requests after `warm` unmeasured ones; and the last answer."""
    answer = None
    for _ in range(warm):
        answer = client.call(method, path, body, accept=accept)
    lat = []
    for _ in range(n):
        t = time.perf_counter()
        answer = client.call(method, path, body, accept=accept)
        lat.append((time.perf_counter() - t) * 1000)
    return lat, answer


def measure(client, path, n, warm=20):
    """timed() for a GET of JSON, for any client with call(method, path) (bench_cases.py's
    PageClient too): latencies (ms) of n requests after `warm` unmeasured ones, the last answer."""
    answer = [None]

    def get(_):
        answer[0] = client.call("GET", path)

    lat = timed_each(get, range(n), range(warm))
    return lat, answer[0]


def timed_each(call, items, warm):
    """Latencies (ms) of call(item) for each item, after call() on each of `warm` items unmeasured."""
    for item in warm:
        call(item)
    lat = []
    for item in items:
        t = time.perf_counter()
        call(item)
        lat.append((time.perf_counter() - t) * 1000)
    return lat


def machine():
    cpu = "unknown"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
    mem = next((l.split()[1] for l in free.splitlines() if l.startswith("Mem:")), "?")
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem": mem, "commit": commit or "?", "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load": "%.1f %.1f %.1f" % os.getloadavg()}
