#!/bin/sh
# Build (once) a local apt repository holding python3-lgpio, for the install matrix.
#
# Usage: sh scripts/lgpio-deb.sh DIST ARCH        Prints the repository directory.
#
# Raspberry Pi OS takes python3-lgpio from its own archive (archive.raspberrypi.com),
# which plain Debian lacks, and PyPI's lgpio has no wheel for Python 3.13. The chroot
# test stands in for that archive with a real package built from lgpio's source on PyPI:
# `pip download --no-binary :all: lgpio`, compiled (statically, PYPI=1, as its own
# wheels are) in a throwaway copy of the cached root that gets a compiler, then packed
# with dpkg-deb as python3-lgpio_<version>-0unslump1. The device root the install runs in
# never sees the compiler. The package's Description says it is this stand-in.
set -eu

DIST=${1:?usage: lgpio-deb.sh DIST ARCH}
ARCH=${2:?usage: lgpio-deb.sh DIST ARCH}
HERE=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${UNSLUMP_CACHE:-$HERE/.cache/install}
REPO=$CACHE/repo-$DIST-$ARCH
LGPIO_SDIST="lgpio==0.2.2.0"

if [ -s "$REPO/Packages" ]; then
    printf '%s\n' "$REPO"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "lgpio-deb: needs root (chroot)" >&2; exit 1; }
tarball=$(sh "$HERE/scripts/chroot-rootfs.sh" "$DIST" "$ARCH")

work=$(mktemp -d "$CACHE/.lgpio-$DIST-$ARCH.XXXXXX")
build=$work/root
cleanup() {
    for mounted in dev/pts dev proc sys; do
        umount "$build/$mounted" 2>/dev/null || true
    done
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT
mkdir -p "$build"
tar -C "$build" -xf "$tarball"
cp /etc/resolv.conf "$build/etc/resolv.conf"
mount --bind /dev "$build/dev"
mount --bind /dev/pts "$build/dev/pts"
mount -t proc proc "$build/proc"
mount -t sysfs sys "$build/sys"

echo "lgpio-deb: building python3-lgpio for $DIST $ARCH from PyPI's $LGPIO_SDIST source" >&2
mkdir -p "$build/build"
pip download --quiet --no-deps --no-binary :all: -d "$build/build" "$LGPIO_SDIST" >&2
chroot "$build" sh -eu -c '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends gcc libc6-dev python3-dev swig \
        python3-setuptools python3-pip >/dev/null
    cd /build
    tar xzf lgpio-*.tar.gz
    cd lgpio-*/
    PYPI=1 python3 -m pip wheel --no-deps --no-build-isolation --no-index -w /build/wheel . >/dev/null
' >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }

wheel=$(ls "$build"/build/wheel/lgpio-*.whl)
version=$(basename "$wheel" | cut -d- -f2)
python=$(chroot "$build" python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
next=$(echo "$python" | awk -F. '{ printf "%d.%d", $1, $2 + 1 }')
pkg=$work/pkg
mkdir -p "$pkg/DEBIAN" "$pkg/usr/lib/python3/dist-packages"
python3 -m zipfile -e "$wheel" "$pkg/usr/lib/python3/dist-packages"
size=$(du -sk "$pkg/usr" | cut -f1)
cat >"$pkg/DEBIAN/control" <<EOF
Package: python3-lgpio
Version: $version-0unslump1
Architecture: $ARCH
Maintainer: Unslump install test <nobody@localhost>
Installed-Size: $size
Depends: python3 (>= $python), python3 (<< $next), libc6
Section: python
Priority: optional
Description: lgpio for Python, built from PyPI's lgpio $version source (test stand-in)
 Stands in for the Raspberry Pi archive's python3-lgpio in Unslump's install test
 (make test-install). Built by scripts/lgpio-deb.sh from the sdist on PyPI with its
 static build (PYPI=1); not the Raspberry Pi OS package.
EOF
mkdir -p "$work/repo"
deb=$work/repo/python3-lgpio_${version}-0unslump1_$ARCH.deb
dpkg-deb --root-owner-group --build "$pkg" "$deb" >/dev/null
{
    dpkg-deb -f "$deb"
    echo "Filename: ./$(basename "$deb")"
    echo "Size: $(stat -c %s "$deb")"
    echo "SHA256: $(sha256sum "$deb" | cut -d' ' -f1)"
    echo
} >"$work/repo/Packages"
rm -rf "$REPO"
mv "$work/repo" "$REPO"
printf '%s\n' "$REPO"
