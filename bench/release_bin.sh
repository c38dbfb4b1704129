# Sourced by every bench/run_*.sh but run.sh (with $here and $repo set): checks
# for the sqlite3 CLI and sets $bin to the binary under test — TONGGUAN_BIN, or a release
# build in BENCH_SCRATCH (default .build-release, gitignored), built when needed.
command -v sqlite3 >/dev/null || { echo "bench: missing sqlite3 (apt-get install sqlite3)" >&2; exit 1; }

if [ -n "${TONGGUAN_BIN:-}" ]; then
    bin="$TONGGUAN_BIN"
else
    scratch="${BENCH_SCRATCH:-$repo/.build-release}"
    echo "[bench] swift build -c release --product tongguan --scratch-path $scratch" >&2
    (cd "$repo" && timeout 1800 swift build -c release --product tongguan --scratch-path "$scratch" >&2)
    bin="$(cd "$repo" && swift build -c release --scratch-path "$scratch" --show-bin-path)/tongguan"
fi
[ -x "$bin" ] || { echo "bench: no binary at $bin" >&2; exit 1; }
