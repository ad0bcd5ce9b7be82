#!/usr/bin/env bash
# Regenerates tests/fuzz/corpus/frame/ from the annotated vectors of tests/wire.
# Usage: tests/fuzz/write_seeds.sh [build-dir]   (default: build-wire; configured if missing)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-wire}
[[ -f $build/build.ninja ]] || cmake -S "$root" -B "$build" -G Ninja >/dev/null
ninja -C "$build" -j2 wire_write_seeds
out=$root/tests/fuzz/corpus/frame
rm -rf "$out"
mkdir -p "$out"
"$build/tests/fuzz/wire_write_seeds" "$out"
