#!/bin/sh
# The benchmark suite of mcsnoopd in one command (issue #9): builds a Release tree in
# build-bench, runs every part (join/leave latency, sustained report rate, MDB programming
# rate, scale and idle, core micro-benchmarks), prints one summary table (target, measured,
# reference, ratio, pass/fail) and rewrites the "Latest run" section of docs/benchmarks.md.
#
#   sudo scripts/bench.sh [--quick] [--parts join,rate,mdb,scale,core] [--no-doc]
#
# --quick: small sizes, one run each (a few minutes; for checking the suite itself).
# Default (full): the sizes of the targets, ~15 minutes on a quiet 2-CPU machine.
# Needs root (network namespaces, nftables, raw sockets). Not part of the test run.
# Environment: BENCH_BUILD_DIR (default build-bench), BENCH_JOBS (default 2).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD_DIR:-$ROOT/build-bench}
JOBS=${BENCH_JOBS:-2}
if [ "$(id -u)" != 0 ]; then
    echo "bench.sh: run as root (network namespaces, raw sockets)" >&2
    exit 2
fi
# -DMCS_WERROR=OFF: g++ 12 at -O3 reports false positives (-Wstringop-overflow, -Wrestrict).
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMCS_WERROR=OFF -DMCS_BENCH=ON >/dev/null
echo "bench.sh: building $BUILD (log: $BUILD/build.log)"
if ! ninja -C "$BUILD" -j"$JOBS" mcsnoopd mcsnoopctl mdb_rate core_bench >"$BUILD/build.log" 2>&1; then
    grep -E 'error|FAILED' "$BUILD/build.log" | head -40 >&2
    echo "bench.sh: build failed, see $BUILD/build.log" >&2
    exit 1
fi
exec /usr/bin/python3 "$ROOT/tests/bench/bench_all.py" --build-dir "$BUILD" "$@"
