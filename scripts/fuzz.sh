#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan + UBSan) and run them one after the other.
#
#   scripts/fuzz.sh [seconds] [target...]     default: 60 s each, targets "frame config"
#
#   frame   the packet decoder (tests/fuzz/fuzz_frame.cc)
#   config  the configuration parser (tests/conf/fuzz_config.cc)
#
# Build dir: build-fuzz. Seeds are read from the repository (tests/fuzz/corpus/frame,
# tests/fuzz/corpus/frame-hostile, tests/conf/corpus); new inputs go to build-fuzz/corpus/<target>, findings to
# build-fuzz/artifacts/<target>/. Exit status is non-zero when a fuzzer finds a crash,
# leak, timeout or UB. Reproduce: build-fuzz/tests/fuzz/fuzz_frame build-fuzz/artifacts/frame/crash-...
set -euo pipefail

secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(frame config)
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz

cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMCS_FUZZ=ON -DMCS_TESTS=OFF -DMCS_DBUS=OFF >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

for t in "${targets[@]}"; do
    case $t in
        frame)  bin=tests/fuzz/fuzz_frame;  maxlen=4096;  dict=tests/fuzz/frame.dict;      seeds=tests/fuzz/corpus/frame
                extra=tests/fuzz/corpus/frame-hostile ;;   # tests/netns/hostile_frames.py --write
        config) bin=tests/conf/fuzz_config; maxlen=16384; dict=tests/conf/fuzz_config.dict; seeds=tests/conf/corpus
                extra= ;;
        *) echo "fuzz.sh: unknown target '$t' (frame, config)" >&2; exit 2 ;;
    esac
    ninja -C "$build" -j2 "$(basename "$bin")"
    corpus=$build/corpus/$t
    artifacts=$build/artifacts/$t
    mkdir -p "$corpus" "$artifacts"
    echo "== fuzz $t for ${secs}s =="
    "$build/$bin" -max_total_time="$secs" -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 \
        -dict="$root/$dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
        "$corpus" "$root/$seeds" ${extra:+"$root/$extra"}
done
