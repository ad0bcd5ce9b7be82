#!/bin/bash
# Prepares the VM lane; idempotent and quick once done (no network then).
#   1. host tools: qemu-system-x86, kmod (depmod/modprobe), cpio, a static libc
#   2. Debian's 6.1 kernel, unpacked into $MCS_VM_CACHE/kernel with dpkg-deb -x.
#      It is never installed: installing linux-image-amd64 would pull udev and
#      initramfs-tools and run their hooks on the host, and the lane needs the
#      files only (vmlinuz for qemu, modules for the guest's modprobe).
#   3. the initramfs (make-initrd.sh)
# Exits 77 with a reason when the lane cannot be set up here.
#   MCS_VM_KERNEL_PKG  kernel package (default: what linux-image-amd64 depends on)
set -eu
# Braces: bash reads the whole body before running it, so editing this file
# while a run is in progress cannot break that run.
{
. "$(dirname "$0")/common.sh"
mkdir -p "$CACHE"
exec 9>"$CACHE/.setup.lock"
flock 9

need_tools() {
  local missing=""
  command -v qemu-system-x86_64 >/dev/null || missing="$missing qemu-system-x86"
  [ -x /usr/sbin/modprobe ] && [ -x /usr/sbin/depmod ] || missing="$missing kmod"
  command -v cpio >/dev/null || missing="$missing cpio"
  command -v gcc >/dev/null && [ -e /usr/lib/x86_64-linux-gnu/libc.a ] || missing="$missing gcc libc6-dev"
  echo "$missing"
}

missing=$(need_tools)
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || skip "missing$missing and cannot apt-get here"
  echo "vm setup: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  { apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; }; } ||
    skip "apt-get install$missing failed"
  missing=$(need_tools)
  [ -z "$missing" ] || skip "still missing:$missing"
fi

if [ -z "$(kernel_version)" ]; then
  pkg=${MCS_VM_KERNEL_PKG:-}
  find_pkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
  [ -n "$pkg" ] || pkg=$(find_pkg)
  if [ -z "$pkg" ]; then apt-get update -qq >/dev/null 2>&1 || true; pkg=$(find_pkg); fi
  [ -n "$pkg" ] || skip "no linux-image-amd64 package known to apt"
  echo "vm setup: fetching $pkg (unpacked into $KROOT, not installed)"
  dl=$CACHE/download
  rm -rf "$dl" "$KROOT.new" && mkdir -p "$dl"
  # _apt cannot write into root's dirs: download unsandboxed (quietly).
  (cd "$dl" && apt-get download -qq -o APT::Sandbox::User=root "$pkg") || skip "apt-get download $pkg failed"
  dpkg-deb -x "$dl"/"$pkg"_*.deb "$KROOT.new" || skip "dpkg-deb -x failed"
  kv=$(ls "$KROOT.new/lib/modules" | sort -V | tail -1)
  depmod -b "$KROOT.new" "$kv"
  mv "$KROOT.new" "$KROOT"
  rm -rf "$dl"
fi
kv=$(kernel_version)
[ -n "$kv" ] || skip "no kernel under $KROOT"
# The bzImage is xz-compressed; decompressing it under TCG costs ~3 s a boot.
# Its ELF vmlinux boots directly through the PVH entry (CONFIG_PVH=y).
if [ ! -s "$CACHE/vmlinux-$kv" ]; then
  off=$(LC_ALL=C grep -abo -m1 $'\xfd7zXZ' "$KROOT/boot/vmlinuz-$kv" 2>/dev/null | head -1 | cut -d: -f1 || true)
  if [ -n "$off" ] && command -v xz >/dev/null &&
     tail -c +$((off + 1)) "$KROOT/boot/vmlinuz-$kv" | xz -dc --single-stream > "$CACHE/vmlinux.tmp" 2>/dev/null &&
     [ "$(head -c4 "$CACHE/vmlinux.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
    mv "$CACHE/vmlinux.tmp" "$CACHE/vmlinux-$kv"
  else
    rm -f "$CACHE/vmlinux.tmp"   # run-vm.sh falls back to the bzImage
  fi
fi
"$VM_DIR/make-initrd.sh" >/dev/null
echo "vm setup: kernel $kv, qemu $(qemu-system-x86_64 --version | awk 'NR==1{print $4}')"
exit
}
