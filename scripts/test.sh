#!/bin/sh
# The whole test suite: installs what it needs, builds with warnings as errors,
# runs every test through ctest (unit, captured frames, netns integration), then
# the same suite in an ASan+UBSan build, then short libFuzzer runs.
#
#   ./scripts/test.sh            everything (what CI runs)
#   MCS_QUICK=1 ./scripts/test.sh  only the -Werror build and its ctest run
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=${MCS_JOBS:-$(nproc)}

[ "$(id -u)" = 0 ] || { echo "test.sh: run as root (tests build network namespaces)"; exit 1; }
./scripts/install-deps.sh

echo "== build (warnings are errors) =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCS_WERROR=ON >/dev/null
ninja -C build -j"$JOBS"
echo "== ctest =="
(cd build && ctest --output-on-failure -j1 --timeout 600)

[ "${MCS_QUICK:-0}" = 1 ] && exit 0

echo "== ASan+UBSan build =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMCS_WERROR=ON -DMCS_SANITIZE=ON \
      -DMCS_BENCH=OFF >/dev/null
ninja -C build-asan -j"$JOBS"
echo "== ctest (ASan+UBSan) =="
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j1 --timeout 900)

echo "== fuzz (short runs) =="
./scripts/fuzz.sh "${MCS_FUZZ_SECONDS:-30}" frame config
echo "test.sh: all passed"
