#!/bin/sh
# packaging_systemd_verify: the systemd unit as the build configured it.
#
#   systemd_verify_test.sh SOURCE_DIR BUILD_DIR MCSNOOPD
#
# systemd is not PID 1 on the build machines, so the unit cannot be started here;
# `systemd-analyze verify` loads it as systemd would and reports every problem
# (unknown or misspelt settings, bad values, missing executables, man pages of
# Documentation= that do not resolve). Checked:
#   - verify prints nothing and succeeds, with ExecStart/ExecReload pointing at the
#     built mcsnoopd and Documentation= at the man pages of this tree;
#   - `systemd-analyze security --offline=yes` rates the sandbox at most 2.5
#     (it is 2.0: root with CAP_NET_ADMIN + CAP_NET_RAW, the rest locked down);
#   - the D-Bus activation file names the bus name and the unit;
#   - systemd-sysusers accepts the sysusers.d file and would create the group.
# Exit 77 (skipped) without systemd-analyze.
set -u
SRC=$1
BUILD=$2
MCSNOOPD=$3
command -v systemd-analyze > /dev/null 2>&1 || { echo "systemd-analyze not installed: skipped"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

unit=$BUILD/packaging/mcsnoopd.service
[ -r "$unit" ] || { echo "no configured unit at $unit"; exit 1; }

# The configured paths (PREFIX/sbin/mcsnoopd, SYSCONFDIR/mcsnoopd/mcsnoopd.conf)
# are replaced by a staging copy, so verify finds the executable it checks for.
exe=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$unit")
conf=$(sed -n 's/^ExecStart=[^ ]* --config \([^ ]*\).*/\1/p' "$unit")
[ -n "$exe" ] && [ -n "$conf" ] || { echo "cannot find ExecStart=EXE --config FILE in $unit"; exit 1; }
mkdir -p "$TMP/sbin" "$TMP/etc" "$TMP/man/man8" "$TMP/man/man5"
cp "$MCSNOOPD" "$TMP/sbin/mcsnoopd"
cp "$SRC/packaging/mcsnoopd.conf" "$TMP/etc/mcsnoopd.conf"
cp "$SRC/packaging/man/mcsnoopd.8" "$TMP/man/man8/"
cp "$SRC/packaging/man/mcsnoopd.conf.5" "$TMP/man/man5/"
sed -e "s|$exe|$TMP/sbin/mcsnoopd|g" -e "s|$conf|$TMP/etc/mcsnoopd.conf|g" "$unit" > "$TMP/mcsnoopd.service"

if command -v man > /dev/null 2>&1; then manopt=--man=yes; else manopt=--man=no; echo "note: man not installed: Documentation= not checked"; fi
out=$(cd "$TMP" && MANPATH=$TMP/man systemd-analyze verify $manopt ./mcsnoopd.service 2>&1)
rc=$?
echo "systemd-analyze verify: status $rc${out:+, output:}"
[ -n "$out" ] && echo "$out"
if [ "$rc" = 0 ] && [ -z "$out" ]; then ok; else fail "systemd-analyze verify is not clean"; fi

# The staged unit still runs the built daemon: its ExecReload check passes.
reload=$(sed -n 's/^ExecReload=\(.*--check-config.*\)/\1/p' "$TMP/mcsnoopd.service")
if [ -n "$reload" ] && $reload > /dev/null; then ok; else fail "ExecReload check-config line '$reload' fails"; fi

sec=$(cd "$TMP" && systemd-analyze security --offline=yes ./mcsnoopd.service 2>&1)
level=$(echo "$sec" | sed -n 's/.*Overall exposure level for mcsnoopd.service: \([0-9.]*\).*/\1/p')
echo "systemd-analyze security --offline=yes: exposure ${level:-?}"
if [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 2.5) }'; then ok; else
	fail "exposure ${level:-unknown} above 2.5"
	echo "$sec" | grep '✗'
fi

act=$SRC/packaging/dbus/org.mcsnoopd.service
if grep -qx 'Name=org.mcsnoopd' "$act" && grep -qx 'SystemdService=mcsnoopd.service' "$act" &&
	grep -qx '\[D-BUS Service\]' "$act"; then ok; else fail "D-Bus activation file $act"; fi

if command -v systemd-sysusers > /dev/null 2>&1; then
	mkdir -p "$TMP/root/etc"
	if systemd-sysusers --root="$TMP/root" --dry-run "$SRC/packaging/systemd/mcsnoopd.sysusers" 2>&1 |
		grep -q "Creating group 'mcsnoopd'"; then ok; else fail "systemd-sysusers does not create group mcsnoopd"; fi
fi

echo "packaging_systemd_verify: $passed passed, $failed failed"
[ "$failed" = 0 ]
