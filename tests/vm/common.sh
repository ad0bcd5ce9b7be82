# Shared settings of the VM lane's host-side scripts (sourced, not run).
#
# MCS_VM_CACHE   where the lane keeps what it fetches and builds
#                (default: <repo>/build/vm; ignored by git)
#   kernel/      Debian's linux-image-*-amd64 unpacked with dpkg-deb -x (never installed)
#   initrd.img   vminit + virtio/9p modules
#   runs/        one work dir per guest run (shared read-write with the guest)
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
CACHE=${MCS_VM_CACHE:-$REPO/build/vm}
KROOT=$CACHE/kernel
SKIP=77   # ctest SKIP_RETURN_CODE: "qemu cannot run here"

skip() { echo "SKIP (vm lane): $*" >&2; exit $SKIP; }

# Version of the unpacked kernel, or nothing.
kernel_version() {
  local v
  v=$(ls "$KROOT/lib/modules" 2>/dev/null | sort -V | tail -1)
  [ -n "$v" ] && [ -f "$KROOT/boot/vmlinuz-$v" ] && echo "$v"
}
