#!/usr/bin/env bash
# The 指标 module's benchmark: a dashboard of 20 indicators at city scale (100,000 projects,
# 1,000,000 cases), its API and page, on SQLite and on PostgreSQL (see BENCHMARKS.md, 指标).
#
#   bench/run_indicators.sh                                   # build release if needed, both engines
#   BEFORE_BIN=/path/to/old/tongguan bench/run_indicators.sh  # also time another binary on the same data
#   BENCH_ENGINES=sqlite BENCH_CASES=0 bench/run_indicators.sh
#
# Environment:
#   TONGGUAN_BIN   use this binary instead of building one
#   BEFORE_BIN     a second binary timed first on the same database (a before/after pair)
#   BENCH_SCRATCH  release build directory (default .build-release, gitignored)
#   BENCH_ENGINES  "sqlite postgres" (default)
#   BENCH_PROJECTS, BENCH_CASES, BENCH_IMPORT_CASES, BENCH_REQUESTS
#                  sizes (defaults 100000, 1000000, 20000, 100)
#   BENCH_WORK     working directory (default: a fresh temporary one, removed afterwards)
#   BENCH_OUT      where the markdown results are written (default bench/results-indicators.md)
#
# PostgreSQL: a throw-away cluster of its own (benchlib.Postgres), stopped at the end.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

. "$here/release_bin.sh"

if [ -n "${BENCH_WORK:-}" ]; then
    work="$BENCH_WORK"
    mkdir -p "$work"
else
    work="$(mktemp -d /tmp/tongguan-bench-indicators.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi

out="${BENCH_OUT:-$here/results-indicators.md}"
: > "$out"
for engine in ${BENCH_ENGINES:-sqlite postgres}; do
    timeout 7200 python3 "$here/bench_indicators.py" \
        --bin "$bin" ${BEFORE_BIN:+--before-bin "$BEFORE_BIN"} --engine "$engine" --work "$work/$engine" \
        --projects "${BENCH_PROJECTS:-100000}" --cases "${BENCH_CASES:-1000000}" --import-cases "${BENCH_IMPORT_CASES:-20000}" \
        --requests "${BENCH_REQUESTS:-100}" --out "$work/$engine.md"
    cat "$work/$engine.md" >> "$out"
    echo >> "$out"
    rm -rf "${work:?}/$engine"
done
echo "[bench] results in $out" >&2
