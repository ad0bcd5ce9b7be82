#!/usr/bin/env bash
# Build and run the config parser fuzzer: libFuzzer + ASan + UBSan, toml++ compiled in
# (header-only) so the TOML parser itself is instrumented too.
#
#   scripts/fuzz-config.sh [seconds]        default 60
#
# Build dir: build-fuzz (clang, -DMCS_FUZZ=ON). Seeds: tests/conf/corpus (read only);
# new inputs go to build-fuzz/corpus/config, crashes to build-fuzz/artifacts/config/.
# Reproduce a crash: build-fuzz/tests/conf/fuzz_config build-fuzz/artifacts/config/crash-...
set -euo pipefail

secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz

# Configure every time: build-fuzz is shared with the other fuzz targets, and the conf
# fuzzer lives under tests/ (MCS_TESTS=ON); only fuzz_config is built here.
cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMCS_FUZZ=ON -DMCS_TESTS=OFF >/dev/null
ninja -C "$build" -j2 fuzz_config

corpus=$build/corpus/config
artifacts=$build/artifacts/config
mkdir -p "$corpus" "$artifacts"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

exec "$build/tests/conf/fuzz_config" \
    -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -dict="$root/tests/conf/fuzz_config.dict" \
    -artifact_prefix="$artifacts/" -print_final_stats=1 \
    "$corpus" "$root/tests/conf/corpus"
