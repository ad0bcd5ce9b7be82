#!/bin/sh
# Builds the Debian 12 package of mcsnoopd from this source tree.
#
#   packaging/build-deb.sh [OUTDIR]        default OUTDIR: build-deb (in the tree)
#
# dpkg-buildpackage wants debian/ at the top of the source; the packaging keeps it
# in packaging/debian. So: copy the tree (without .git and build directories) to a
# scratch directory, put packaging/debian there as debian/, and run
# `dpkg-buildpackage -b` in it (debhelper with the CMake install rules). The .deb,
# the -dbgsym .deb, .buildinfo and .changes land in OUTDIR.
#
# Environment: MCS_JOBS (default: nproc) parallel compile jobs;
#   MCS_DEB_WORKDIR scratch directory, emptied first and kept afterwards (to look
#   at the build tree). Default: a new one under /tmp, removed at the end.
# Needs the Build-Depends of packaging/debian/control (scripts/install-deps.sh).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$SRC/build-deb}
JOBS=${MCS_JOBS:-$(nproc)}

version=$(sed -n 's/^project(mcsnoopd VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
debversion=$(sed -n '1s/^mcsnoopd (\([^)]*\)).*/\1/p' "$SRC/packaging/debian/changelog")
if [ "$version" != "$debversion" ]; then
	echo "build-deb: CMakeLists.txt says $version, packaging/debian/changelog $debversion:" >&2
	echo "build-deb: add a changelog entry (dch -v $version) first" >&2
	exit 1
fi

if [ -n "${MCS_DEB_WORKDIR:-}" ]; then
	WORK=$MCS_DEB_WORKDIR
	rm -rf "$WORK"
	mkdir -p "$WORK"
else
	WORK=$(mktemp -d /tmp/debbuild.XXXXXX)
	trap 'rm -rf "$WORK"' EXIT INT TERM
fi
tree=$WORK/mcsnoopd-$version
mkdir -p "$tree" "$OUT"
tar -C "$SRC" --exclude=./.git --exclude='./build*' --exclude=./debian -cf - . | tar -C "$tree" -xf -
cp -r "$SRC/packaging/debian" "$tree/debian"

echo "build-deb: dpkg-buildpackage in $tree ($JOBS jobs)"
(cd "$tree" && DEB_BUILD_OPTIONS="parallel=$JOBS nocheck" dpkg-buildpackage -us -uc -b)

for f in "$WORK"/mcsnoopd*_"$version"_*.deb "$WORK"/mcsnoopd_"$version"_*.buildinfo \
	"$WORK"/mcsnoopd_"$version"_*.changes; do
	[ -e "$f" ] && cp "$f" "$OUT/"
done
echo "build-deb: packages in $OUT:"
ls -1 "$OUT"
