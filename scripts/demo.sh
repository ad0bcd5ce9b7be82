#!/bin/sh
# The demo: installs what it needs, builds mcsnoopd, builds a lab (a bridge and
# hosts in network namespaces), runs the daemon on it and shows what it learned.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (the lab uses network namespaces)"; exit 1; }
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build mcsnoopd
exec /usr/bin/python3 scripts/demo.py "$@"
