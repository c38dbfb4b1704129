#!/usr/bin/env bash
# The 监测 registry's benchmark (issue 8): import of 1,000,000 members against the engine's
# own bulk load of the same rows, lookup by resident ID and the household page through
# HTTP, on SQLite and on PostgreSQL (see BENCHMARKS.md, 监测 registry).
#
#   bench/run_members.sh                          # build release if needed, both engines
#   BENCH_ENGINES=sqlite bench/run_members.sh     # one engine
#   BENCH_MEMBERS=100000 bench/run_members.sh     # smaller
#
# Environment:
#   TONGGUAN_BIN   use this binary instead of building one
#   BENCH_SCRATCH  release build directory (default .build-release, gitignored)
#   BENCH_ENGINES  "sqlite postgres" (default)
#   BENCH_MEMBERS, BENCH_REQUESTS, BENCH_SEED   sizes (defaults 1000000, 200, 20210716)
#   BENCH_ROUNDS   import and baseline this many times each, medians compared (default 3)
#   BENCH_WORK     working directory (default: a fresh temporary one, removed afterwards);
#                  the generated member file is kept there and shared by both engines
#   BENCH_OUT      where the markdown results are written (default bench/results-members.md)
#
# PostgreSQL: bench_members.py starts its own throw-away cluster (bench/benchlib.py, as the
# `postgres` user, a free port on 127.0.0.1) and stops it; a running shared server is not
# touched. Needs the Debian packages postgresql, postgresql-client, sqlite3 and time (/usr/bin/time).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

[ -x /usr/bin/time ] || { echo "bench: missing /usr/bin/time (apt-get install time)" >&2; exit 1; }
. "$here/release_bin.sh"

if [ -n "${BENCH_WORK:-}" ]; then
    work="$BENCH_WORK"
    mkdir -p "$work"
else
    work="$(mktemp -d /tmp/tongguan-bench-members.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi

out="${BENCH_OUT:-$here/results-members.md}"
: > "$out"
for engine in ${BENCH_ENGINES:-sqlite postgres}; do
    timeout 7200 python3 "$here/bench_members.py" \
        --bin "$bin" --engine "$engine" --work "$work/$engine" --data "$work" \
        --members "${BENCH_MEMBERS:-1000000}" --requests "${BENCH_REQUESTS:-200}" \
        --seed "${BENCH_SEED:-20210716}" --rounds "${BENCH_ROUNDS:-3}" --out "$work/$engine.md"
    cat "$work/$engine.md" >> "$out"
    echo >> "$out"
done
echo "[bench] results in $out" >&2
