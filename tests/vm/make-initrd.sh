#!/bin/bash
# Builds $MCS_VM_CACHE/initrd.img: the static /init (vminit.c) plus the modules
# the guest needs before its root exists (virtio-pci and 9p, with their
# dependencies, in load order). Everything else the guest loads from the
# unpacked kernel through the shared root. Rebuilt only when an input changed.
set -eu
. "$(dirname "$0")/common.sh"
kv=$(kernel_version)
[ -n "$kv" ] || { echo "make-initrd: no kernel in $KROOT (run setup.sh)" >&2; exit 1; }
out=$CACHE/initrd.img
if [ -f "$out" ] && [ "$out" -nt "$VM_DIR/vminit.c" ] && [ "$out" -nt "$0" ] &&
   [ "$out" -nt "$KROOT/lib/modules/$kv/modules.dep" ]; then
  echo "make-initrd: $out is up to date"; exit 0
fi
tmp=$(mktemp -d "$CACHE/initrd.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
gcc -static -O2 -Wall -Wextra -Werror -o "$tmp/vminit" "$VM_DIR/vminit.c"
mkdir -p "$tmp/root/"{proc,dev,newroot,mods}
cp "$tmp/vminit" "$tmp/root/init"
/usr/sbin/modprobe -d "$KROOT" -S "$kv" --show-depends -a virtio_pci 9pnet_virtio 9p |
  awk '$1 == "insmod" {print $2}' | while read -r ko; do
    base=$(basename "$ko")
    grep -qx "$base" "$tmp/root/mods/order" 2>/dev/null && continue
    cp "$ko" "$tmp/root/mods/"
    echo "$base" >> "$tmp/root/mods/order"
  done
(cd "$tmp/root" && find . | cpio -o -H newc --quiet | gzip -1 > "$tmp/initrd.img")
mv "$tmp/initrd.img" "$out"
echo "make-initrd: built $out for $kv ($(du -k "$out" | cut -f1) KiB)"
