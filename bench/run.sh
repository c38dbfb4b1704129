#!/usr/bin/env bash
# The 项目 module's speed benchmarks on SQLite (see BENCHMARKS.md).
#
#   bench/run.sh                 # build release if needed, 100,000 rows, 3 runs, 200 requests
#   BENCH_ROWS=20000 bench/run.sh
#
# Environment:
#   TONGGUAN_BIN   use this binary instead of building one
#   BENCH_SCRATCH  release build directory (default .build-release, gitignored, so the
#                  debug builds in .build are not disturbed)
#   BENCH_ROWS, BENCH_RUNS, BENCH_REQUESTS, BENCH_SEED   sizes (defaults 100000, 3, 200, 20210716)
#   BENCH_WORK     working directory (default: a fresh temporary one, removed afterwards)
#   BENCH_OUT      where the markdown results block is written (default bench/results.md)
#
# Bounded: every child process has a time limit, every request loop a fixed count, the
# server listens on 127.0.0.1 only and is stopped at the end. About 6–10 minutes on the
# 2-core machine once the release binary exists (a cold release build adds ~6 minutes).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

# /usr/bin/time -v (Debian package `time`) and the sqlite3 CLI.
need=()
[ -x /usr/bin/time ] || need+=(time)
command -v sqlite3 >/dev/null || need+=(sqlite3)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -q "${need[@]}" >/dev/null
    else
        echo "bench: missing ${need[*]}: install them (apt-get install ${need[*]})" >&2
        exit 1
    fi
fi

if [ -n "${TONGGUAN_BIN:-}" ]; then
    bin="$TONGGUAN_BIN"
else
    scratch="${BENCH_SCRATCH:-$repo/.build-release}"
    echo "[bench] swift build -c release --product tongguan --scratch-path $scratch" >&2
    (cd "$repo" && timeout 1800 swift build -c release --product tongguan --scratch-path "$scratch" >&2)
    bin="$(cd "$repo" && swift build -c release --scratch-path "$scratch" --show-bin-path)/tongguan"
fi
[ -x "$bin" ] || { echo "bench: no binary at $bin" >&2; exit 1; }

if [ -n "${BENCH_WORK:-}" ]; then
    work="$BENCH_WORK"
    mkdir -p "$work"
else
    work="$(mktemp -d /tmp/tongguan-bench.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi

timeout 1800 python3 "$here/bench.py" \
    --bin "$bin" --work "$work" \
    --rows "${BENCH_ROWS:-100000}" --runs "${BENCH_RUNS:-3}" --requests "${BENCH_REQUESTS:-200}" \
    --seed "${BENCH_SEED:-20210716}" --out "${BENCH_OUT:-$here/results.md}"
