#!/usr/bin/env python3
"""The 指标 module's dashboard benchmark (SQLite): a dashboard of 20 indicators at city scale.

    python3 bench/bench_indicators.py --bin PATH/tongguan [--rows 100000] [--requests 100]
                                      [--work DIR] [--out bench/results-indicators.md]

Steps: generate N projects with bench/gen_projects.py, import them into a fresh SQLite
database with `tongguan import projects --create-rounds`, start `tongguan serve`, define 20
indicators through the API (14 computed by `projects.summary` — every stage × measure, and
signed count/investment per industry — and 6 manual ones with 24 months of values imported
through the values sheet), choose all 20 for 吕梁市's dashboard (computed by quarter, manual
by month), then time `GET /api/v1/dashboards/141100?as_of=2022-12-31` (5 warm-up, then
--requests sequential requests on one keep-alive connection): p50 / p95 / max. Baseline in
the same run: the 项目 summary of all projects (`/api/v1/projects/summary?group_by=stage`),
one of the ~260 summary queries a dashboard of 14 computed indicators × 13 periods runs.

Standard library only; every child process has a time limit and every loop a fixed count;
loopback only; the server is stopped at the end. 诉求 (cases) do not exist on this branch, so
the issue's 1,000,000 cases are not part of the data.
"""

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PASSWORD = "bench-Admin-2021"
CITY = "141100"
STAGES = ["signed", "started", "producing"]
MEASURES = ["count", "investment", "output"]
INDUSTRIES = ["铝镁新材料", "大数据", "白酒", "新能源", "文化旅游"]


def log(*a):
    print("[bench-indicators]", *a, file=sys.stderr, flush=True)


def pct(xs, q):
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, math.ceil(q / 100 * len(s)) - 1))]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.token = None

    def call(self, method, path, body=None, raw=None, ok=(200, 201, 204)):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if raw is not None:
            data = raw.encode()
            headers["Content-Type"] = "text/csv"
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        payload = r.read()
        if r.status not in ok:
            raise SystemExit(f"{method} {path} → {r.status}: {payload[:500]!r}")
        return json.loads(payload) if payload else None


def indicators():
    """(definition, dashboard period kind) for the 20 indicators."""
    result = []
    for stage in STAGES:
        for measure in MEASURES:
            money = measure != "count"
            result.append(({
                "code": f"bench.{stage}.{measure}", "name": f"{stage} {measure}", "unit": "亿元" if money else "个",
                "display_scale": 10 if money else 0, "decimals": 2 if money else 0, "direction": "higher_is_better",
                "division_code": CITY,
                "source": {"type": "computed", "query": {"kind": "projects.summary",
                                                         "parameters": {"stage": stage, "measure": measure}}},
            }, "quarter"))
    for i, industry in enumerate(INDUSTRIES):
        measure = "count" if i % 2 == 0 else "investment"
        money = measure != "count"
        result.append(({
            "code": f"bench.industry{i}.{measure}", "name": f"{industry} {measure}", "unit": "亿元" if money else "个",
            "display_scale": 10 if money else 0, "decimals": 2 if money else 0, "direction": "higher_is_better",
            "division_code": CITY,
            "source": {"type": "computed", "query": {"kind": "projects.summary",
                                                     "parameters": {"stage": "signed", "measure": measure, "industry": industry}}},
        }, "quarter"))
    for i in range(6):
        result.append(({
            "code": f"bench.manual{i}", "name": f"手工指标{i}", "unit": "人", "decimals": 0, "direction": "higher_is_better",
            "roll_up": "sum", "division_code": CITY, "source": {"type": "manual"},
        }, "month"))
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--work")
    p.add_argument("--out", default=os.path.join(HERE, "results-indicators.md"))
    args = p.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="bench-indicators-")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "indicators.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    env = dict(os.environ, TONGGUAN_DB=db, TONGGUAN_ADMIN_PASSWORD=PASSWORD, TONGGUAN_BCRYPT_COST="6")
    env.pop("DATABASE_URL", None)
    csv = os.path.join(work, "projects.csv")
    log(f"generating {args.rows} projects")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_projects.py"), str(args.rows), csv], check=True, timeout=600)
    log("importing")
    start = time.monotonic()
    subprocess.run([args.bin, "import", "projects", csv, "--create-rounds"], env=env, check=True, timeout=3600,
                   capture_output=True)
    import_s = time.monotonic() - start

    port = free_port()
    logf = open(os.path.join(work, "serve.log"), "wb")
    server = subprocess.Popen([args.bin, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=logf, stderr=subprocess.STDOUT)
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
        defs = indicators()
        for body, _ in defs:
            client.call("POST", "/api/v1/indicators", body)
        sheet = "指标编码,区划代码,期间,数值,备注\n" + "".join(
            f"bench.manual{i},{CITY},{y}-{m:02d},{1000 + 7 * i + m + (y - 2021) * 12},\n"
            for i in range(6) for y in (2021, 2022) for m in range(1, 13))
        client.call("POST", "/api/v1/indicator-values/import", raw=sheet)
        client.call("PUT", f"/api/v1/dashboards/{CITY}",
                    {"items": [{"indicator": b["code"], "period_kind": k} for b, k in defs]})

        def measure(path, warm, n):
            body = None
            for _ in range(warm):
                body = client.call("GET", path)
            lat = []
            for _ in range(n):
                t = time.perf_counter()
                client.call("GET", path)
                lat.append((time.perf_counter() - t) * 1000)
            return lat, body

        base, _ = measure("/api/v1/projects/summary?group_by=stage", 20, args.requests)
        log(f"baseline summary: p50 {statistics.median(base):.1f} ms")
        dash, body = measure(f"/api/v1/dashboards/{CITY}?as_of=2022-12-31", 5, args.requests)
        tiles = body["tiles"]
        assert len(tiles) == 20 and all(t["latest"] is not None for t in tiles), "every tile has a value"
        log(f"dashboard: p50 {statistics.median(dash):.1f} ms, p95 {pct(dash, 95):.1f} ms")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        logf.close()

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "?"
    p95 = pct(dash, 95)
    lines = [
        f"### 指标 dashboard, {args.rows:,} projects, SQLite — {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {os.cpu_count()} × {cpu}, load {'%.1f %.1f %.1f' % os.getloadavg()}, kernel {platform.release()}; "
        f"commit {commit}; binary `{args.bin}`.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| import of {args.rows:,} projects (setup) | {import_s:.0f} s | — |",
        f"| baseline: 项目 summary, all projects, p50 / p95 | {statistics.median(base):.1f} / {pct(base, 95):.1f} ms | — |",
        f"| dashboard of 20 indicators (14 computed × 13 quarters, 6 manual × 13 months): p50 / p95 (max) | "
        f"{statistics.median(dash):.1f} / {p95:.1f} ms ({max(dash):.1f}) | p95 < 300 ms: {'met' if p95 < 300 else 'NOT met'} |",
        f"| ratio dashboard p50 ÷ summary p50 | {statistics.median(dash) / statistics.median(base):.1f} | — |",
        "",
    ]
    text = "\n".join(lines)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
