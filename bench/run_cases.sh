#!/usr/bin/env bash
# The 诉求 module's benchmark: 1,000,000 cases of 吕梁市, the overdue_on / due_within lists
# and the statistics through HTTP, on SQLite and on PostgreSQL (see BENCHMARKS.md, 诉求).
#
#   bench/run_cases.sh                          # build release if needed, both engines
#   BENCH_ENGINES=sqlite bench/run_cases.sh     # one engine
#   BENCH_CASES=100000 bench/run_cases.sh       # smaller
#   BENCH_WORK=/tmp/cases BENCH_LOAD_ONLY=1 bench/run_cases.sh   # load once …
#   BENCH_WORK=/tmp/cases BENCH_REUSE=1 bench/run_cases.sh       # … measure (again) on it
#
# Environment:
#   TONGGUAN_BIN   use this binary instead of building one
#   BENCH_SCRATCH  release build directory (default .build-release, gitignored)
#   BENCH_ENGINES  "sqlite postgres" (default)
#   BENCH_CASES, BENCH_IMPORT_CASES, BENCH_CHUNK, BENCH_REQUESTS, BENCH_SEED
#                  sizes (defaults 1000000, every backlog case, 10000, 200, 20210716); the
#                  backlog cases (~2 %) go through `tongguan import cases`, the rest by SQL
#                  (stated in the results)
#   BENCH_WORK     working directory (default: a fresh temporary one, removed afterwards)
#   BENCH_REUSE    measure the databases already loaded in BENCH_WORK
#   BENCH_LOAD_ONLY  load the databases into BENCH_WORK and stop
#   BENCH_OUT      where the markdown results are written (default bench/results-cases.md)
#
# PostgreSQL: bench_cases.py starts its own throw-away cluster (bench/benchlib.py, as the
# `postgres` user, a free port on 127.0.0.1) and stops it; a running shared server is not
# touched. Needs the Debian packages postgresql, postgresql-client, sqlite3 (run as root).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

. "$here/release_bin.sh"

if [ -n "${BENCH_WORK:-}" ]; then
    work="$BENCH_WORK"
    mkdir -p "$work"
else
    [ -z "${BENCH_REUSE:-}${BENCH_LOAD_ONLY:-}" ] || { echo "bench: BENCH_REUSE and BENCH_LOAD_ONLY need BENCH_WORK" >&2; exit 2; }
    work="$(mktemp -d /tmp/tongguan-bench-cases.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi

out="${BENCH_OUT:-$here/results-cases.md}"
: > "$out"
for engine in ${BENCH_ENGINES:-sqlite postgres}; do
    timeout 7200 python3 "$here/bench_cases.py" \
        --bin "$bin" --engine "$engine" --work "$work/$engine" \
        --cases "${BENCH_CASES:-1000000}" ${BENCH_IMPORT_CASES:+--import-cases "$BENCH_IMPORT_CASES"} \
        --chunk "${BENCH_CHUNK:-10000}" --requests "${BENCH_REQUESTS:-200}" --seed "${BENCH_SEED:-20210716}" \
        ${BENCH_REUSE:+--reuse} ${BENCH_LOAD_ONLY:+--load-only} --out "$work/$engine.md"
    if [ -z "${BENCH_LOAD_ONLY:-}" ]; then cat "$work/$engine.md" >> "$out"; echo >> "$out"; fi
done
echo "[bench] results in $out" >&2
