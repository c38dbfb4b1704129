#!/usr/bin/env bash
# The 台账 module's benchmark: 1,000,000 items in one ledger, the filtered item list and
# the grouped aggregate through HTTP, on SQLite and on PostgreSQL (see BENCHMARKS.md, 台账).
#
#   bench/run_ledgers.sh                          # build release if needed, both engines
#   BENCH_ENGINES=sqlite bench/run_ledgers.sh     # one engine
#   BENCH_ITEMS=100000 bench/run_ledgers.sh       # smaller
#
# Environment:
#   TONGGUAN_BIN   use this binary instead of building one
#   BENCH_SCRATCH  release build directory (default .build-release, gitignored)
#   BENCH_ENGINES  "sqlite postgres" (default)
#   BENCH_ITEMS, BENCH_IMPORT_ITEMS, BENCH_CHUNK, BENCH_REQUESTS, BENCH_SEED
#                  sizes (defaults 1000000, all of them, 100000, 200, 20210716); with
#                  BENCH_IMPORT_ITEMS < BENCH_ITEMS the rest are SQL copies of the imported
#                  items (stated in the results)
#   BENCH_WORK     working directory (default: a fresh temporary one, removed afterwards)
#   BENCH_OUT      where the markdown results are written (default bench/results-ledgers.md)
#
# PostgreSQL: bench_ledgers.py starts its own throw-away cluster (as the `postgres` user,
# a free port on 127.0.0.1) and stops it; a running shared server is not touched. Needs
# the Debian packages postgresql, postgresql-client, sqlite3 (run as root).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

. "$here/release_bin.sh"

if [ -n "${BENCH_WORK:-}" ]; then
    work="$BENCH_WORK"
    mkdir -p "$work"
else
    work="$(mktemp -d /tmp/tongguan-bench-ledgers.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi

out="${BENCH_OUT:-$here/results-ledgers.md}"
: > "$out"
for engine in ${BENCH_ENGINES:-sqlite postgres}; do
    timeout 5400 python3 "$here/bench_ledgers.py" \
        --bin "$bin" --engine "$engine" --work "$work/$engine" \
        --items "${BENCH_ITEMS:-1000000}" ${BENCH_IMPORT_ITEMS:+--import-items "$BENCH_IMPORT_ITEMS"} \
        --chunk "${BENCH_CHUNK:-100000}" --requests "${BENCH_REQUESTS:-200}" \
        --seed "${BENCH_SEED:-20210716}" --out "$work/$engine.md"
    cat "$work/$engine.md" >> "$out"
    echo >> "$out"
done
echo "[bench] results in $out" >&2
