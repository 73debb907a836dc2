#!/bin/sh
# What `make test-install` needs on the host, installed only if missing (as ci-deps.sh
# does for `make test`), and the binfmt_misc entry for the emulated architecture.
#
# Usage: sh scripts/test-install-deps.sh ARCH        (arm64|armhf; run as root)
#
# debootstrap builds the Debian root; qemu-user-static runs its arm binaries and
# binfmt-support registers them with the kernel; systemd-container gives systemd-nspawn
# for the boot; pip fetches lgpio's source for the stand-in python3-lgpio (lgpio-deb.sh);
# git copies the checkout (and an older commit for UPGRADE_FROM). Safe to run again: it
# does nothing when all is there. Exit 1, with one line saying what to do, when the
# host cannot be made ready (no apt-get, binfmt_misc cannot be mounted).
set -eu

ARCH=${1:?usage: test-install-deps.sh ARCH}
BINFMT=${UNSLUMP_BINFMT_MISC:-/proc/sys/fs/binfmt_misc}  # another place only for the tests
case $ARCH in
    arm64) qemu="qemu-aarch64" ;;
    armhf) qemu="qemu-arm" ;;
    *) echo "test-install-deps: ARCH must be arm64 or armhf" >&2; exit 2 ;;
esac

missing=""
need() {  # need COMMAND PACKAGE: the package, when the command is not there
    command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need debootstrap debootstrap
need "$qemu-static" qemu-user-static
need update-binfmts binfmt-support
need systemd-nspawn systemd-container
need git git
need dpkg-deb dpkg
command -v pip >/dev/null 2>&1 || command -v pip3 >/dev/null 2>&1 || missing="$missing python3-pip"

if [ -n "$missing" ]; then
    command -v apt-get >/dev/null 2>&1 ||
        { echo "test-install-deps: no apt-get; install these by hand:$missing" >&2; exit 1; }
    echo "test-install-deps: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # Another apt (a `make test` installing its own packages) may hold the lock: wait.
    wait_lock="-o DPkg::Lock::Timeout=600"
    # shellcheck disable=SC2086  # the option and the package list are split on purpose
    apt-get $wait_lock update -q >&2
    # shellcheck disable=SC2086
    apt-get $wait_lock install -y -q --no-install-recommends $missing >&2
fi

# The kernel's table of interpreters: mounted by systemd on most hosts, not in a
# container whose PID 1 is something else.
if ! [ -e "$BINFMT/register" ]; then
    mount -t binfmt_misc binfmt_misc "$BINFMT" 2>/dev/null || {
        echo "test-install-deps: cannot mount binfmt_misc on $BINFMT" \
            "(a container without that right?); arm binaries cannot run here" >&2
        exit 1
    }
fi
if ! [ -e "$BINFMT/$qemu" ]; then
    # qemu-user-static's postinst imports its formats when binfmt-support is there first;
    # in the other order (or after a reboot of a host without systemd) they are only known.
    update-binfmts --import "$qemu" >/dev/null 2>&1 || true
    update-binfmts --enable "$qemu" >/dev/null 2>&1 || true
fi
if ! [ -e "$BINFMT/$qemu" ]; then
    echo "test-install-deps: no binfmt_misc entry $qemu after update-binfmts --enable $qemu" >&2
    exit 1
fi
