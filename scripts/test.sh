#!/bin/sh
# The whole test suite: installs what it needs, builds with warnings as errors,
# runs every test through ctest (unit, captured frames, netns integration), then
# the same suite in an ASan+UBSan build, then short libFuzzer runs.
#
#   ./scripts/test.sh               what CI runs
#   MCS_FULL=1 ./scripts/test.sh    also the qemu VLAN / 6.1-kernel lane and the .deb test
#   MCS_QUICK=1 ./scripts/test.sh   only the -Werror build and its ctest run
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=${MCS_JOBS:-$(nproc)}

[ "$(id -u)" = 0 ] || { echo "test.sh: run as root (tests build network namespaces)"; exit 1; }
./scripts/install-deps.sh

echo "== build (warnings are errors) =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCS_WERROR=ON >/dev/null
ninja -C build -j"$JOBS"
# The qemu lane (vm61_*: VLAN bridges and the Debian 6.1 kernel) and the .deb install
# test (packaging_deb, debootstrap) are long: they run with MCS_FULL=1.
SLOW='^(vm61_.*|packaging_deb)$'
echo "== ctest =="
if [ "${MCS_FULL:-0}" = 1 ]; then
  (cd build && ctest --output-on-failure -j1 --timeout 900)
else
  (cd build && ctest --output-on-failure -j1 --timeout 900 -E "$SLOW")
fi

[ "${MCS_QUICK:-0}" = 1 ] && exit 0

echo "== ASan+UBSan build =="
# The unit tests of the pure layers, the captured frames and the daemon's agent.
ASAN_TESTS="base_test wire_test captures_test core_test querier_test conf_test daemon_test"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMCS_WERROR=ON -DMCS_SANITIZE=ON \
      -DMCS_BENCH=OFF -DMCS_DBUS=OFF >/dev/null
# shellcheck disable=SC2086
ninja -C build-asan -j"$JOBS" $ASAN_TESTS mcsnoopd
echo "== tests (ASan+UBSan) =="
for t in $ASAN_TESTS; do
  bin=$(find build-asan/tests -type f -name "$t" | head -1)
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin" --gtest_brief=1
done
# The integration tests again with the sanitized daemon (built without D-Bus, so the
# tests that need its bus API are left out): a sanitizer report in a daemon's log
# fails the test (tests/netns/labcase.py).
echo "== netns integration tests, daemon with ASan+UBSan =="
(cd tests/netns && for f in test_*.py; do
   grep -qE "bus_address|DbusCase" "$f" && continue   # needs the D-Bus API
   log="$ROOT/build-asan/netns-${f%.py}.log"
   # LeakSanitizer cannot stop the process's threads under ptrace: test_security runs
   # the daemon under strace (and as the unit starts it).
   leaks=1; [ "$f" = test_security.py ] && leaks=0
   if MCSNOOPD="$ROOT/build-asan/agent/daemon/mcsnoopd" MCS_BUILD_DIR="$ROOT/build" \
      ASAN_OPTIONS=detect_leaks=$leaks UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m unittest "${f%.py}" >"$log" 2>&1; then
     echo "$f: $(tail -n 3 "$log" | tr '\n' ' ')"
   else
     tail -n 200 "$log"; echo "$f failed with the sanitized daemon (log: $log)"; exit 1
   fi
 done)

echo "== fuzz (short runs) =="
./scripts/fuzz.sh "${MCS_FUZZ_SECONDS:-30}" frame config
echo "test.sh: all passed"
