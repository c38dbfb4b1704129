#!/usr/bin/env bash
# The 监测 reports' benchmark: 300,000 households / 1,000,000 members with episodes, steps,
# measures, assessments and warnings; the summary (every group_by), the flow over a year and
# the dashboard page through HTTP, on SQLite and on PostgreSQL (see BENCHMARKS.md, 监测报表).
#
#   bench/run_monitoring.sh                           # build release if needed, both engines
#   BENCH_ENGINES=sqlite bench/run_monitoring.sh      # one engine
#   BENCH_MEMBERS=100000 bench/run_monitoring.sh      # smaller
#
# Environment:
#   TONGGUAN_BIN          use this binary instead of building one
#   BEFORE_BIN            a baseline binary (e.g. main's release build): it migrates, the data is
#                         loaded and it is measured; then the binary under test migrates the same
#                         database and is measured; answers must be identical (ratios in the table)
#   BENCH_SCRATCH         release build directory (default .build-release, gitignored)
#   BENCH_ENGINES         "sqlite postgres" (default)
#   BENCH_MEMBERS, BENCH_IMPORT_MEMBERS, BENCH_REQUESTS, BENCH_SEED
#                         sizes (defaults 1000000, 100000, 100, 20210716): BENCH_IMPORT_MEMBERS
#                         go through `tongguan import members`, the rest are SQL copies
#   BENCH_WORK            working directory (default: a fresh temporary one, removed afterwards)
#   BENCH_OUT             where the markdown results are written (default bench/results-monitoring.md)
#
# PostgreSQL: a throw-away cluster of its own (bench/benchlib.py's), the shared server is not
# touched. Needs postgresql, postgresql-client, sqlite3 (run as root).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

. "$here/release_bin.sh"

if [ -n "${BENCH_WORK:-}" ]; then
    work="$BENCH_WORK"
    mkdir -p "$work"
else
    work="$(mktemp -d /tmp/tongguan-bench-monitoring.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi

out="${BENCH_OUT:-$here/results-monitoring.md}"
: > "$out"
for engine in ${BENCH_ENGINES:-sqlite postgres}; do
    timeout 5400 python3 "$here/bench_monitoring.py" \
        --bin "$bin" --engine "$engine" --work "$work/$engine" \
        --members "${BENCH_MEMBERS:-1000000}" --import-members "${BENCH_IMPORT_MEMBERS:-100000}" \
        --requests "${BENCH_REQUESTS:-100}" --seed "${BENCH_SEED:-20210716}" --out "$work/$engine.md" \
        ${BEFORE_BIN:+--before-bin "$BEFORE_BIN"}
    cat "$work/$engine.md" >> "$out"
    echo >> "$out"
done
echo "[bench] results in $out" >&2
