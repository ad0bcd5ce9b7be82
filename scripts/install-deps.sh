#!/bin/sh
# Installs every Debian 12 package that building, testing, the demo, fuzzing and
# the VM lane need. Idempotent: re-running only installs what is missing.
set -eu

PKGS="
  build-essential cmake ninja-build pkg-config git
  libnl-3-dev libnl-route-3-dev
  libsdbus-c++-dev libsdbus-c++-bin libsystemd-dev dbus
  libspdlog-dev libfmt-dev
  libtomlplusplus-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang libclang-rt-14-dev
  iproute2 nftables iputils-ping tcpdump pimd jq procps psmisc strace
  python3 python3-scapy
  debhelper lintian debootstrap systemd man-db busybox curl
"
# The VM lane (docs/vm.md). Debian's kernel is not installed on the host (that would
# run initramfs/bootloader hooks): tests/vm/setup.sh unpacks it into build/vm, and
# each vm test runs that setup itself, so this is only a way to prepare ahead.
if [ "${MCS_WITH_VM:-0}" = 1 ]; then
  PKGS="$PKGS qemu-system-x86 kmod cpio xz-utils"
fi

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
if [ "${MCS_WITH_VM:-0}" = 1 ]; then
  "$(dirname "$0")/../tests/vm/setup.sh" || [ $? = 77 ]
fi
echo "install-deps: all packages present"
