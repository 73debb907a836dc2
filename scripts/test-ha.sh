#!/bin/sh
# The device against a real Home Assistant Core: make test-ha
#
# Builds (once, cached) a Debian trixie amd64 root with the project's chroot tooling
# (scripts/chroot-rootfs.sh), installs Home Assistant Core $HA_VERSION there in a venv on
# the root's own Python 3.13, and then runs tests/support/ha/drive.py on this checkout: it
# starts a mosquitto on 127.0.0.1, starts HA in the root (same network), onboards it through the
# REST API, adds the MQTT integration through the config-entry flow, drives the device
# (a scripted day with `unslump scenario`, a real-time session with `unslump run
# --simulate`) and checks what HA shows. Each check prints PASS or FAIL; the summary line
# at the end (also in .cache/ha/results.txt) is the one the README quotes.
#
# Needs root (debootstrap, chroot, mount), network to Debian and PyPI, mosquitto.
# Not part of `make test`: the first run builds the root and installs HA (tens of
# minutes); later runs take a few minutes. Exit status 0 only if every check passed.
#
# Usage: sh scripts/test-ha.sh [prepare]   (prepare: only build the HA root)
# Environment: DEBIAN_MIRROR, UNSLUMP_CACHE (.cache/install, the debootstrap tarball),
# UNSLUMP_HA_CACHE (.cache/ha, the HA root and the results).
set -eu

HA_VERSION=2026.2.3
HERE=$(cd "$(dirname "$0")/.." && pwd)
HA_CACHE=${UNSLUMP_HA_CACHE:-$HERE/.cache/ha}
ROOT=$HA_CACHE/root
STAMP=$ROOT/.unslump-ha-$HA_VERSION

say() { printf '%s\n' "test-ha: $*"; }
die() { printf '%s\n' "test-ha: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount)"

mounted=""
mount_root() {  # mount_root DIR: what a chroot needs to run Python and pip
    for point in dev dev/pts proc sys; do
        mkdir -p "$1/$point"
    done
    mount --bind /dev "$1/dev"
    mount --bind /dev/pts "$1/dev/pts"
    mount -t proc proc "$1/proc"
    mount -t sysfs sys "$1/sys"
    mounted=$1
}
umount_root() {
    if [ -n "$mounted" ]; then
        for point in dev/pts dev proc sys; do
            umount "$mounted/$point" 2>/dev/null || umount -l "$mounted/$point" 2>/dev/null || true
        done
        mounted=""
    fi
}
in_root() {  # in_root DIR command...: a clean environment, root's PATH
    dir=$1
    shift
    chroot "$dir" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
}

# Build the HA root once: Debian trixie amd64 (native, no qemu), the host's extra CA
# certificates in the root's own store (pip there trusts the system store, so PIP_CERT
# alone does not reach the index through a re-signing proxy), HA in /srv/ha.
prepare() {
    if [ -e "$STAMP" ]; then
        return 0
    fi
    tarball=$(sh "$HERE/scripts/chroot-rootfs.sh" trixie amd64)
    mkdir -p "$HA_CACHE"
    work=$HA_CACHE/.root-building
    umount_root
    rm -rf --one-file-system "$work" "$ROOT"
    mkdir -p "$work"
    say "unpacking $tarball"
    tar -C "$work" -xf "$tarball"
    cp /etc/resolv.conf "$work/etc/resolv.conf"
    if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
        cp /usr/local/share/ca-certificates/*.crt "$work/usr/local/share/ca-certificates/"
    fi
    mount_root "$work"
    trap umount_root EXIT
    in_root "$work" update-ca-certificates >/dev/null
    say "apt-get install python3-venv and a compiler (for any dependency without a wheel)"
    in_root "$work" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends python3-venv python3-dev gcc \
        libc6-dev >/dev/null'
    say "uv pip install homeassistant==$HA_VERSION (several minutes)"
    in_root "$work" python3 -m venv /srv/ha
    in_root "$work" /srv/ha/bin/pip install -q --no-cache-dir uv
    # uv resolves HA's hundreds of exact pins from wheels in seconds, where pip backtracks
    # through sdists; UV_NATIVE_TLS: the system store, with the host's CA certificates.
    in_root "$work" env UV_NATIVE_TLS=1 /srv/ha/bin/uv pip install -q --no-cache \
        --python /srv/ha/bin/python "homeassistant==$HA_VERSION"
    # The MQTT integration's own requirements, so HA installs nothing at its start.
    reqs=$(in_root "$work" /srv/ha/bin/python -c 'import json, homeassistant.components.mqtt as m, pathlib; print(" ".join(json.loads((pathlib.Path(m.__file__).parent / "manifest.json").read_text())["requirements"]))')
    say "pip install $reqs (the MQTT integration's requirements)"
    # shellcheck disable=SC2086  # one word per requirement
    in_root "$work" env UV_NATIVE_TLS=1 /srv/ha/bin/uv pip install -q --no-cache \
        --python /srv/ha/bin/python $reqs
    umount_root
    trap - EXIT
    mv "$work" "$ROOT"
    : >"$STAMP"
}

prepare
[ "${1:-}" = prepare ] && { say "HA root ready: $ROOT"; exit 0; }

# -- a run -----------------------------------------------------------------------------
VENV=$HERE/.venv
[ -x "$VENV/bin/python" ] || die "no $VENV: run make .venv/.installed first (make test-ha does)"
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] ||
    die "mosquitto missing: sh scripts/ci-deps.sh installs it"
RESULTS=$HA_CACHE/results.txt
mount_root "$ROOT"
trap umount_root EXIT
trap 'exit 130' INT TERM
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# The requirements of every integration the test loads and of what they depend on, so
# HA installs nothing at its start (idempotent: quick once they are there).
cp "$HERE/tests/support/ha/requirements.py" "$ROOT/srv/requirements.py"
reqs=$(in_root "$ROOT" /srv/ha/bin/python /srv/requirements.py)
if [ -n "$reqs" ]; then
    say "installing the loaded integrations' requirements: $reqs"
    # shellcheck disable=SC2086  # one word per requirement
    in_root "$ROOT" env UV_NATIVE_TLS=1 /srv/ha/bin/uv pip install -q --no-cache \
        --python /srv/ha/bin/python $reqs
fi
say "Home Assistant $HA_VERSION against this checkout's device"
status=0
(cd "$HERE" && "$VENV/bin/python" -m tests.support.ha.drive --root "$ROOT" --results "$RESULTS" \
    --ha-version "$HA_VERSION") || status=$?
summary=$(grep '^INFO summary:' "$RESULTS" | tail -n 1 | sed 's/^INFO summary: //')
failed=$(grep -c '^FAIL' "$RESULTS" || true)
passed=$(grep -c '^PASS' "$RESULTS" || true)
if [ "$status" -eq 0 ] && [ "$failed" -eq 0 ]; then
    say "PASS ($passed checks): ${summary:-no summary}"
else
    say "FAIL ($failed of $((passed + failed)) checks failed): ${summary:-no summary}; see $RESULTS"
    status=1
fi
exit "$status"
