#!/usr/bin/env bash
# The 项目 module's speed benchmarks on SQLite and PostgreSQL (see BENCHMARKS.md).
#
#   bench/run.sh                          # both engines, 100,000 rows, 3 runs, 200 requests
#   bench/run.sh --engine sqlite          # or postgres, or both (the default)
#   bench/run.sh --only import            # the import and its baseline only (no summary, no reads)
#   BENCH_ROWS=20000 BENCH_RUNS=1 bench/run.sh --engine postgres
#
# Environment:
#   TONGGUAN_BIN   use this binary instead of building one
#   BARE_BIN       use this build of bench/bare (the bare Vapor app) instead of building it;
#                  BARE_BIN=none skips the read comparison's bare side
#   BENCH_SCRATCH  release build directory (default .build-release, gitignored, so the
#                  debug builds in .build are not disturbed); the bare app builds in .build-bench
#   BENCH_ROWS, BENCH_RUNS, BENCH_REQUESTS, BENCH_SEED, BENCH_WRK_SECONDS
#                  sizes (defaults 100000, 3, 200, 20210716, 10)
#   BENCH_LABEL    the heading of the results block
#   BENCH_WORK     working directory (default: a fresh temporary one, removed afterwards)
#   BENCH_OUT      where the markdown results block is written (default bench/results.md)
#   BENCH_JSON     the same results as JSON (default bench/results.json)
#
# PostgreSQL: the run starts the local server the way scripts/test does (scripts/pg-start:
# as root, idempotent), then creates and drops its own databases (tongguan_bench_*) as the
# postgres superuser. Bounded: every child process has a time limit, every request loop a
# fixed count, servers listen on 127.0.0.1 only and are stopped at the end.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

engine=both
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --engine) engine="${2:-}"; shift 2 ;;
        --engine=*) engine="${1#--engine=}"; shift ;;
        --only) only="${2:-}"; shift 2 ;;
        --only=*) only="${1#--only=}"; shift ;;
        -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
        *) echo "bench: unknown option $1 (use --engine sqlite|postgres|both)" >&2; exit 2 ;;
    esac
done
case "$engine" in sqlite|postgres|both) ;; *) echo "bench: --engine sqlite|postgres|both" >&2; exit 2 ;; esac
case "$only" in ""|import) ;; *) echo "bench: --only import (or nothing: every benchmark)" >&2; exit 2 ;; esac

# /usr/bin/time -v (Debian package `time`), the sqlite3 CLI, wrk and curl; PostgreSQL's
# server and psql when that engine runs.
need=()
[ -x /usr/bin/time ] || need+=(time)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
if [ "$engine" != sqlite ]; then command -v pg_lsclusters >/dev/null || need+=(postgresql); fi
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
    (cd "$repo" && timeout 2400 swift build -c release --product tongguan --scratch-path "$scratch" >&2)
    bin="$(cd "$repo" && swift build -c release --scratch-path "$scratch" --show-bin-path)/tongguan"
fi
[ -x "$bin" ] || { echo "bench: no binary at $bin" >&2; exit 1; }

bare=""
if [ "${BARE_BIN:-}" = none ] || [ "$only" = import ]; then
    bare=""
elif [ -n "${BARE_BIN:-}" ]; then
    bare="$BARE_BIN"
else
    echo "[bench] swift build -c release --package-path bench/bare --scratch-path .build-bench" >&2
    (cd "$repo" && timeout 2400 swift build -c release --package-path "$here/bare" --scratch-path "$repo/.build-bench" >&2)
    bare="$(cd "$repo" && swift build -c release --package-path "$here/bare" --scratch-path "$repo/.build-bench" --show-bin-path)/BareProjects"
fi

pg_url=""
if [ "$engine" != sqlite ]; then
    [ "$(id -u)" = 0 ] || { echo "bench: the PostgreSQL run manages databases as root (like scripts/pg-start)" >&2; exit 1; }
    pg_url="$("$repo/scripts/pg-start" | tail -1)"
fi

if [ -n "${BENCH_WORK:-}" ]; then
    work="$BENCH_WORK"
    mkdir -p "$work"
else
    work="$(mktemp -d /tmp/tongguan-bench.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi
chmod 755 "$work"  # psql's \copy runs as the invoking user; the server never reads it

args=(--bin "$bin" --work "$work" --engine "$engine"
      --rows "${BENCH_ROWS:-100000}" --runs "${BENCH_RUNS:-3}" --requests "${BENCH_REQUESTS:-200}"
      --seed "${BENCH_SEED:-20210716}" --wrk-seconds "${BENCH_WRK_SECONDS:-10}"
      --label "${BENCH_LABEL:-Results}"
      --out "${BENCH_OUT:-$here/results.md}" --json "${BENCH_JSON:-$here/results.json}")
[ -n "$bare" ] && args+=(--bare "$bare")
[ "$only" = import ] && args+=(--skip summary,reads)
[ -n "$pg_url" ] && args+=(--pg-url "$pg_url")
[ -n "${BENCH_BIN_LABEL:-}" ] && args+=(--bin-label "$BENCH_BIN_LABEL")
timeout 5400 python3 "$here/bench.py" "${args[@]}"
