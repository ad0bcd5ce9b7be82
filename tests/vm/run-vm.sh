#!/bin/bash
# run-vm.sh [--shell] WORKDIR
# Boots Debian's 6.1 kernel under qemu (TCG) with the host root shared read-only
# over virtio-9p and WORKDIR shared read-write at its own path; the guest runs
# WORKDIR/guest.sh and powers off. The console goes to stdout and
# WORKDIR/console.log. Exit status: guest.sh's (read from WORKDIR/status),
# 77 when the guest never came up (qemu cannot run here), 124 on timeout.
#
#   --shell                  interactive: the console is this terminal (Ctrl-A x quits qemu)
#   MCS_VM_ACCEL=tcg|kvm     tcg (default): this machine's /dev/kvm is a nested kvm_pvm
#                            on which stock kernels hang at boot
#   MCS_VM_MEM=1024 MCS_VM_SMP=2
#   MCS_VM_BOOT_TIMEOUT=120  seconds until the root must be up, else skip (77)
#   MCS_VM_TIMEOUT=1800      seconds for the whole run, else 124
set -u
# Braces: bash reads the whole body before running it, so editing this file
# while a run is in progress cannot break that run.
{
. "$(dirname "$0")/common.sh"
interactive=0
[ "${1:-}" = --shell ] && { interactive=1; shift; }
W=$(cd "${1:?usage: run-vm.sh [--shell] WORKDIR}" && pwd)
[ -f "$W/guest.sh" ] || { echo "run-vm: $W/guest.sh missing" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
kv=$(kernel_version)
[ -n "$kv" ] && [ -f "$CACHE/initrd.img" ] || skip "no kernel/initrd in $CACHE (run tests/vm/setup.sh)"
case "$W" in *[[:space:]]*) echo "run-vm: work dir path must not contain spaces" >&2; exit 2;; esac

kernel=$CACHE/vmlinux-$kv   # ELF with a PVH entry, see setup.sh
[ -s "$kernel" ] || kernel=$KROOT/boot/vmlinuz-$kv
if [ "${MCS_VM_ACCEL:-tcg}" = kvm ]; then accel=(-accel kvm -cpu host,-arch-capabilities)
else accel=(-accel tcg,thread=multi -cpu max); fi
# mitigations=off: no speculation workarounds to emulate; no_timer_check skips a
# slow check under TCG. Not tsc=reliable: on a loaded host the TSC calibrates wrong
# and the guest clock then ran ~9x fast (every test deadline expired early); the
# clocksource watchdog falls back to the HPET instead.
append="console=ttyS0 quiet panic=-1 mitigations=off no_timer_check"
append="$append nowatchdog random.trust_cpu=on mcs.work=$W"
[ $interactive = 1 ] && append="$append mcs.shell=1"
qemu=(qemu-system-x86_64 -name mcs-vm -nodefaults -no-user-config -nographic -no-reboot
  "${accel[@]}" -smp "${MCS_VM_SMP:-2}" -m "${MCS_VM_MEM:-1024}"
  -serial mon:stdio
  -kernel "$kernel" -initrd "$CACHE/initrd.img" -append "$append"
  -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
  -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
  -fsdev "local,id=work,path=$W,security_model=none,multidevs=remap"
  -device virtio-9p-pci,fsdev=work,mount_tag=work)
rm -f "$W/booted" "$W/status"

if [ $interactive = 1 ]; then
  timeout --foreground "${MCS_VM_TIMEOUT:-86400}" "${qemu[@]}"
else
  start=$(date +%s%N)
  "${qemu[@]}" </dev/null > >(tr -d '\r' | sed -u 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' | tee "$W/console.log") 2>&1 &
  qpid=$!
  trap 'kill $qpid 2>/dev/null' EXIT
  boot_deadline=$(( $(date +%s) + ${MCS_VM_BOOT_TIMEOUT:-120} ))
  deadline=$(( $(date +%s) + ${MCS_VM_TIMEOUT:-1800} ))
  reason=""
  while kill -0 $qpid 2>/dev/null; do
    now=$(date +%s)
    if [ ! -f "$W/booted" ] && [ "$now" -ge $boot_deadline ]; then reason=boot; break; fi
    if [ "$now" -ge $deadline ]; then reason=timeout; break; fi
    sleep 0.2
  done
  if [ -n "$reason" ]; then kill $qpid 2>/dev/null; fi
  wait $qpid 2>/dev/null
  qrc=$?
  trap - EXIT
  sleep 0.1   # let tee flush the last console lines
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "run-vm: qemu exited $qrc after $((ms / 1000)).$(printf %03d $((ms % 1000)))s" >&2
  if [ "$reason" = boot ]; then
    skip "the guest did not boot within ${MCS_VM_BOOT_TIMEOUT:-120}s (qemu/TCG too slow or unusable here)"
  fi
  [ "$reason" = timeout ] && { echo "run-vm: guest run timed out after ${MCS_VM_TIMEOUT:-1800}s" >&2; exit 124; }
fi
if [ -f "$W/status" ]; then exit "$(cat "$W/status")"; fi
[ -f "$W/booted" ] || skip "qemu exited before the guest root came up (see $W/console.log)"
echo "run-vm: the guest stopped without an exit status (crash or panic?)" >&2
exit 1
exit
}
