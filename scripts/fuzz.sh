#!/usr/bin/env bash
# Build the packet-decoder fuzzer (libFuzzer + ASan + UBSan, clang) and run it.
#
#   scripts/fuzz.sh [seconds]        default 60
#
# Build dir: build-fuzz (shared with the other fuzz targets). Seeds: tests/fuzz/corpus/frame
# (read only, regenerate with tests/fuzz/write_seeds.sh); new inputs go to
# build-fuzz/corpus/frame, findings to build-fuzz/artifacts/frame/.
# Exit status is non-zero when the fuzzer finds a crash, leak, timeout or UB.
# Reproduce a finding: build-fuzz/tests/fuzz/fuzz_frame build-fuzz/artifacts/frame/crash-...
set -euo pipefail

secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz

cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMCS_FUZZ=ON -DMCS_TESTS=OFF >/dev/null
ninja -C "$build" -j2 fuzz_frame

corpus=$build/corpus/frame
artifacts=$build/artifacts/frame
mkdir -p "$corpus" "$artifacts"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

exec "$build/tests/fuzz/fuzz_frame" \
    -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -dict="$root/tests/fuzz/frame.dict" \
    -artifact_prefix="$artifacts/" -print_final_stats=1 \
    "$corpus" "$root/tests/fuzz/corpus/frame"
