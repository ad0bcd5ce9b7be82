#!/bin/sh
# packaging_deb: build the Debian package, lint it, install it on a clean Debian 12.
#
#   deb_test.sh SOURCE_DIR WORK_DIR
#
# 1. packaging/build-deb.sh builds mcsnoopd_*.deb with dpkg-buildpackage.
# 2. lintian checks the .changes (both .debs): no error and no warning is allowed;
#    the tags the package accepts are overridden, with the reason, in
#    packaging/debian/mcsnoopd.lintian-overrides.
# 3. A minimal Debian 12 (debootstrap --variant=minbase, from the Debian mirror of
#    this machine's apt sources) is created once and cached under
#    $MCS_TEST_CACHE (default /var/cache/mcsnoopd-test); each run installs the
#    package into a fresh copy with apt-get (dependencies from the mirror, the
#    downloaded .debs cached too) and checks, inside the chroot:
#      mcsnoopd --version, mcsnoopd --check-config /etc/mcsnoopd/mcsnoopd.conf,
#      the conffile, the group from sysusers.d, the unit (systemd-analyze verify,
#      installed but not enabled), man pages, D-Bus files, and a clean purge.
# Exit 77 (skipped) only when the Debian mirror cannot be reached. Needs root.
set -u
SRC=$1
WORK=$2
CACHE=${MCS_TEST_CACHE:-/var/cache/mcsnoopd-test}
SUITE=bookworm
START=$(date +%s)
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
elapsed() { echo "[$(( $(date +%s) - START )) s] $*"; }
rootjob=""
die() {
	echo "deb_test: $*"
	# A debootstrap running in the background finishes (it fills the cache) rather
	# than being left behind with its mounts.
	[ -n "$rootjob" ] && wait "$rootjob"
	exit 1
}
# Removes a directory tree without descending into mounts (proc, sys, bind mounts
# that an interrupted debootstrap or a failed run may have left), after unmounting
# whatever is still mounted below it.
remove_tree() {
	[ -e "$1" ] || return 0
	awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
		umount "$m" 2> /dev/null || umount -l "$m"
	done
	rm -rf --one-file-system "$1"
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts)"
for t in dpkg-buildpackage lintian debootstrap; do
	command -v "$t" > /dev/null 2>&1 || die "$t is not installed: run scripts/install-deps.sh"
done

# The Debian mirror of this machine's apt sources (deb822 .sources first, then
# one-line .list entries), for the suite itself (not -updates or -security).
find_mirror() {
	if [ -n "${MCS_DEBIAN_MIRROR:-}" ]; then echo "$MCS_DEBIAN_MIRROR"; return; fi
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v suite="$SUITE" 'BEGIN { RS = ""; FS = "\n" } {
			uris = ""; hit = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
				if ($i ~ /^Suites:/) { n = split($i, w, /[ \t]+/); for (j = 2; j <= n; j++) if (w[j] == suite) hit = 1 }
			}
			if (hit && uris != "") { split(uris, u, /[ \t]+/); print u[1]; exit }
		}' "$f"
	done
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk -v suite="$SUITE" '
		$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
			if ($(i + 1) == suite) { print $i; exit } }'
}
MIRROR=$(find_mirror | head -n 1)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
MIRROR=${MIRROR%/}
reachable() {
	if command -v curl > /dev/null 2>&1; then curl -fsS --max-time 20 -o /dev/null "$1"
	else wget -q -T 20 -O /dev/null "$1"; fi
}
if ! reachable "$MIRROR/dists/$SUITE/Release"; then
	echo "Debian mirror $MIRROR unreachable: skipped"
	exit 77
fi
elapsed "mirror $MIRROR reachable"

remove_tree "$WORK"
mkdir -p "$WORK" "$CACHE/archives/partial"

# The cached minimal root: created on the first run, in the background, because
# debootstrap waits on the network while the build below keeps the CPU busy.
base=$CACHE/$SUITE-minbase
prepare_root() {
	flock 9
	[ -e "$base/.mcsnoopd-complete" ] && return 0
	echo "debootstrap --variant=minbase $SUITE (first run; cached in $base)"
	remove_tree "$base"
	remove_tree "$base.new"
	debootstrap --variant=minbase "$SUITE" "$base.new" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$CACHE/debootstrap.log"; return 1; }
	cp /etc/resolv.conf "$base.new/etc/resolv.conf"
	chroot "$base.new" apt-get update -qq > /dev/null || return 1
	chroot "$base.new" apt-get clean
	date -u > "$base.new/.mcsnoopd-complete"
	mv "$base.new" "$base"
	echo "debootstrap done after $(( $(date +%s) - START )) s"
}
prepare_root 9> "$CACHE/.lock" &
rootjob=$!

# ---- 1. build ----
# MCS_DEB_PREBUILT=DIR takes the packages from DIR instead (to work on the checks).
if [ -n "${MCS_DEB_PREBUILT:-}" ]; then
	mkdir -p "$WORK/pkgs"
	cp "$MCS_DEB_PREBUILT"/mcsnoopd* "$WORK/pkgs/"
	: > "$WORK/build.log"
elif ! sh "$SRC/packaging/build-deb.sh" "$WORK/pkgs" > "$WORK/build.log" 2>&1; then
	tail -n 60 "$WORK/build.log"
	die "package build failed (log: $WORK/build.log)"
fi
grep -E '^dpkg-deb: building package' "$WORK/build.log"
deb=$(ls "$WORK"/pkgs/mcsnoopd_*.deb 2> /dev/null | head -n 1)
changes=$(ls "$WORK"/pkgs/mcsnoopd_*.changes 2> /dev/null | head -n 1)
[ -n "$deb" ] && [ -n "$changes" ] || die "no .deb/.changes in $WORK/pkgs"
version=$(dpkg-deb -f "$deb" Version)
elapsed "built $(basename "$deb")"
# The compiler's warnings with Debian's flags (the package build does not use -Werror).
warnings=$(grep -c 'warning:' "$WORK/build.log")
echo "compiler warnings in the package build: $warnings"
[ "$warnings" = 0 ] && ok "no compiler warnings" || { grep 'warning:' "$WORK/build.log" | head -n 20; fail "compiler warnings"; }

# ---- 2. lintian ----
lintian --fail-on error,warning --display-info --show-overrides "$changes" > "$WORK/lintian.txt" 2>&1
rc=$?
sed -e '/running with root privileges/d' "$WORK/lintian.txt"
[ "$rc" = 0 ] && ok "lintian: no errors or warnings" || fail "lintian status $rc"
elapsed "lintian done"

# ---- 3. clean Debian 12 root (prepared while the package builds) ----
wait "$rootjob" || die "cannot create the $SUITE root (log: $CACHE/debootstrap.log)"
elapsed "$SUITE root ready ($(cat "$base/.mcsnoopd-complete"))"

root=$WORK/root
cp -a "$base" "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mounted=""
cleanup() {
	for m in $mounted; do umount "$m" 2> /dev/null || umount -l "$m"; done
	# Never remove through a mount that is still there (the cached archives).
	for m in $mounted; do
		if mountpoint -q "$m"; then echo "deb_test: $m still mounted: $root left in place"; return; fi
	done
	remove_tree "$root"
}
trap cleanup EXIT INT TERM
mount --bind "$CACHE/archives" "$root/var/cache/apt/archives" && mounted="$root/var/cache/apt/archives"
mount -t proc proc "$root/proc" && mounted="$root/proc $mounted"
cp "$deb" "$root/tmp/"
chmod 644 "$root/tmp/$(basename "$deb")"
elapsed "fresh copy of the root in $root"

inroot() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
install_pkg() { inroot apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" > "$WORK/install.log" 2>&1; }
if ! install_pkg; then
	# Cached package lists go stale when the mirror moves on: refresh and retry.
	inroot apt-get update -qq > /dev/null 2>&1
	install_pkg || { tail -n 40 "$WORK/install.log"; die "apt-get install failed in the chroot"; }
fi
grep -E '^(Setting up|Unpacking) ' "$WORK/install.log" | sed -n 's/^Setting up /installed: /p'
elapsed "installed with its dependencies"

out=$(inroot mcsnoopd --version 2>&1)
[ "$out" = "mcsnoopd ${version%%-*}" ] && ok "mcsnoopd --version: $out" || fail "mcsnoopd --version said '$out'"
out=$(inroot mcsnoopd --check-config /etc/mcsnoopd/mcsnoopd.conf 2>&1)
rc=$?
[ "$rc" = 0 ] && ok "mcsnoopd --check-config: $out" || fail "mcsnoopd --check-config (status $rc): $out"
inroot dpkg-query -W -f '${Conffiles}\n' mcsnoopd | grep -q ' /etc/mcsnoopd/mcsnoopd.conf ' &&
	ok "/etc/mcsnoopd/mcsnoopd.conf is a conffile" || fail "/etc/mcsnoopd/mcsnoopd.conf is no conffile"
inroot getent group mcsnoopd > /dev/null && ok "group mcsnoopd created" || fail "no group mcsnoopd"
for f in /usr/sbin/mcsnoopd /usr/sbin/mcsnoopctl /lib/systemd/system/mcsnoopd.service \
	/usr/share/dbus-1/system.d/org.mcsnoopd.conf /usr/share/dbus-1/system-services/org.mcsnoopd.service \
	/usr/share/man/man8/mcsnoopd.8.gz /usr/share/man/man8/mcsnoopctl.8.gz /usr/share/man/man5/mcsnoopd.conf.5.gz \
	/usr/lib/sysusers.d/mcsnoopd.conf /etc/iproute2/rt_protos.d/mcsnoopd.conf; do
	[ -e "$root$f" ] && ok "$f" || fail "$f missing"
done
out=$(inroot systemd-analyze verify --man=no /lib/systemd/system/mcsnoopd.service 2>&1)
rc=$?
[ "$rc" = 0 ] && [ -z "$out" ] && ok "systemd-analyze verify of the installed unit: clean" ||
	fail "systemd-analyze verify (status $rc): $out"
out=$(inroot systemctl is-enabled mcsnoopd.service 2>&1)
[ "$out" = disabled ] && ok "mcsnoopd.service installed, not enabled" || fail "systemctl is-enabled: $out"

if inroot dpkg --purge mcsnoopd > "$WORK/purge.log" 2>&1 && [ ! -e "$root/etc/mcsnoopd" ] &&
	[ ! -e "$root/usr/sbin/mcsnoopd" ]; then ok "purged cleanly"; else cat "$WORK/purge.log"; fail "purge"; fi
elapsed "chroot checks done"

echo "packaging_deb: $passed passed, $failed failed"
[ "$failed" = 0 ]
