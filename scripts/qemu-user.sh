#!/bin/sh
# Fetch (once) Debian SUITE's qemu-user for this host and print its binfmt line for ARCH.
#
# Usage: sh scripts/qemu-user.sh SUITE ARCH         (e.g. trixie arm64)
# Prints one binfmt_misc registration line (":name:M::magic:mask:interpreter:flags"),
# named unslump-test-<qemu target>, whose interpreter is the unpacked package's static
# emulator in the cache. test-install.sh writes it to /proc/sys/fs/binfmt_misc/register:
# the kernel tries the newest entry first, so the host's own qemu-user-static entry stays
# as it is and takes over again once this one is removed.
#
# Why: Trixie's systemd 257 starts every unit through systemd-executor, spawned with
# clone3(); qemu-user 7.2 (Debian 12's) does not emulate clone3 and answers EINVAL to the
# clone() fallback's flags, so on a Bookworm host the Trixie root boots but runs no unit
# ("Failed to spawn executor: Invalid argument"). Trixie's own qemu-user (10.0) does.
#
# The package comes from Debian's archive through apt-get download with a private apt
# state in the cache (the host's sources and package database are not touched), and is
# unpacked with dpkg-deb -x: nothing is installed on the host.
#
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian), UNSLUMP_CACHE.
set -eu

SUITE=${1:?usage: qemu-user.sh SUITE ARCH}
ARCH=${2:?usage: qemu-user.sh SUITE ARCH}
HERE=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${UNSLUMP_CACHE:-$HERE/.cache/install}
DIR=$CACHE/qemu-user-$SUITE
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

case $ARCH in
    arm64) target=aarch64 ;;
    armhf) target=arm ;;
    *) echo "qemu-user: ARCH must be arm64 or armhf" >&2; exit 2 ;;
esac

if ! [ -x "$DIR/root/usr/bin/qemu-$target" ]; then
    command -v apt-get >/dev/null 2>&1 || { echo "qemu-user: needs apt-get" >&2; exit 1; }
    host=$(dpkg --print-architecture)
    work=$(mktemp -d "${TMPDIR:-/var/tmp}/unslump-qemu-user.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
    echo "deb $MIRROR $SUITE main" >"$work/sources.list"
    set -- -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" \
        -o Dir::State::status=/dev/null -o "APT::Architecture=$host" \
        -o APT::Architectures::="$host" -o APT::Sandbox::User=root
    echo "qemu-user: fetching $SUITE's qemu-user ($host) from $MIRROR" >&2
    apt-get "$@" -q update >"$work/update.log" 2>&1 ||
        { cat "$work/update.log" >&2; echo "qemu-user: apt-get update of $SUITE failed" >&2; exit 1; }
    # From Trixie on, qemu-user holds the static emulators (qemu-user-static is only a
    # transitional package); before, they were in qemu-user-static.
    package=qemu-user-static
    if apt-cache "$@" show qemu-user-static 2>/dev/null | grep -q '^Depends:.*qemu-user (>='; then
        package=qemu-user
    fi
    (cd "$work/deb" && apt-get "$@" -q download "$package" >"$work/download.log" 2>&1) ||
        { cat "$work/download.log" >&2; echo "qemu-user: apt-get download $package failed" >&2; exit 1; }
    rm -rf "$DIR"
    mkdir -p "$DIR"
    dpkg-deb -x "$work/deb/${package}_"*.deb "$DIR/root"
    dpkg-deb -f "$work/deb/${package}_"*.deb Package Version >"$DIR/package"
    [ -x "$DIR/root/usr/bin/qemu-$target" ] || [ -x "$DIR/root/usr/bin/qemu-$target-static" ] ||
        { echo "qemu-user: $package of $SUITE has no qemu-$target" >&2; exit 1; }
fi

emulator=$DIR/root/usr/bin/qemu-$target
[ -x "$emulator" ] || emulator=$emulator-static
# Debian's emulators run as *-binfmt-P take the P flag's extra argument (argv[0] kept).
wrapper=$DIR/$target-binfmt-P
[ -L "$wrapper" ] || ln -sfn "$emulator" "$wrapper"
case $target in
    aarch64) magic='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00' ;;
    arm) magic='\x7f\x45\x4c\x46\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x28\x00' ;;
esac
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
# F: the kernel opens the emulator now, so it works inside the chroot, which lacks it.
printf '%s\n' ":unslump-test-$target:M::$magic:$mask:$wrapper:OPF"
