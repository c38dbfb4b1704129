#!/usr/bin/env python3
"""The 诉求 backlog import alone, through bench_cases' own code: a fresh database (SQLite file
or a throw-away PostgreSQL cluster), the bench's units and leaders through the API, then the
backlog cases among N generated cases (about 2 %) through `tongguan import cases`, one file
per handing-down body; the rate, and the stored due dates checked against the generator's.
No target: the import's rate is watched, not promised (BENCHMARKS.md, 诉求).

    python3 bench/bench_case_import.py sqlite|postgres PATH/tongguan N WORKDIR
"""
import sys, os, time, argparse
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib, bench_cases
from benchlib import SQLite, Postgres, DATA_KEY
engine, binary, n, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
os.makedirs(work, exist_ok=True)
bench_cases.ARGS = argparse.Namespace(bin=binary, engine=engine, work=work, cases=n, import_cases=10**9, chunk=100000, seed=20210716)
db = SQLite(work, "imp.sqlite", data_key=DATA_KEY) if engine == "sqlite" else Postgres(work, data_key=DATA_KEY)
try:
    benchlib.run([binary, "migrate"], benchlib.env_for(db), 600, "migrate")
    city = bench_cases.gen_cases.City(20210716, bench_cases.today_cn())
    unit_ids, leader_ids = bench_cases.setup(db, city)
    cases = list(city.cases(n))
    backlog = [c for c in cases if c.backlog]
    t = time.monotonic()
    res = bench_cases.import_backlog(db, city, backlog)
    total = sum(r[0] for r in res); wall = sum(r[1] for r in res)
    print(f"RESULT {engine} {os.path.basename(binary)}: {total} cases in {wall:.1f} s = {total / wall:.0f} cases/s", flush=True)
    bench_cases.check_imported_deadlines(db, backlog)
finally:
    db.stop()
