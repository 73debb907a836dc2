#!/bin/sh
# Build (once) and cache the Debian root that stands in for a Raspberry Pi OS card.
#
# Usage: sh scripts/chroot-rootfs.sh DIST ARCH      (DIST: trixie|bookworm, ARCH: arm64|armhf|amd64)
# Prints the path of the cached tarball. Raspberry Pi OS Lite is Debian plus the Raspberry
# Pi archive; the root here is Debian's minimal base plus what Lite ships and the install
# relies on (systemd as init, python3, make, sudo, CA certificates for PyPI), and no
# compiler, so an install that tries to build anything fails loudly. The Raspberry Pi
# archive's part (python3-lgpio) is served separately, see scripts/lgpio-deb.sh.
# ARCH amd64 is a native root (no qemu), for `make test-ha`'s Home Assistant.
#
# Environment: DEBIAN_MIRROR (default: debootstrap's own, deb.debian.org),
# UNSLUMP_CACHE (default: .cache/install in the checkout; ignored by git).
set -eu

DIST=${1:?usage: chroot-rootfs.sh DIST ARCH}
ARCH=${2:?usage: chroot-rootfs.sh DIST ARCH}
HERE=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${UNSLUMP_CACHE:-$HERE/.cache/install}
TARBALL=$CACHE/rootfs-$DIST-$ARCH.tar
INCLUDE=systemd,systemd-sysv,dbus,make,python3,ca-certificates,sudo

case $DIST in trixie|bookworm) ;; *) echo "chroot-rootfs: DIST must be trixie or bookworm" >&2; exit 2 ;; esac
case $ARCH in arm64|armhf|amd64) ;; *) echo "chroot-rootfs: ARCH must be arm64, armhf or amd64" >&2; exit 2 ;; esac

if [ -s "$TARBALL" ]; then
    printf '%s\n' "$TARBALL"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "chroot-rootfs: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null 2>&1 || {
    echo "chroot-rootfs: debootstrap missing: apt-get install debootstrap qemu-user-static binfmt-support" >&2
    exit 1
}

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/.rootfs-$DIST-$ARCH.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
echo "chroot-rootfs: debootstrap $DIST $ARCH (minbase + $INCLUDE); several minutes under qemu" >&2
# shellcheck disable=SC2086  # DEBIAN_MIRROR is one optional word
debootstrap --arch="$ARCH" --variant=minbase --include="$INCLUDE" \
    "$DIST" "$work/root" ${DEBIAN_MIRROR:-} >"$work/debootstrap.log" 2>&1 || {
    tail -n 20 "$work/debootstrap.log" >&2
    echo "chroot-rootfs: debootstrap failed (full log above was $work/debootstrap.log)" >&2
    exit 1
}
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*_Packages
tar -C "$work/root" -cf "$work/rootfs.tar" .
mv "$work/rootfs.tar" "$TARBALL"
printf '%s\n' "$TARBALL"
