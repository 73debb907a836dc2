# shellcheck shell=sh disable=SC2034  # the variables are used by the scripts that source this
# Shared by install.sh and uninstall.sh (sourced, not run). Before sourcing, set
# SCRIPT_NAME (for messages) and ROOT_HINT (how to run it as root).
#
# Environment read here: DESTDIR (stage under it; implies a dry run), PREFIX (default
# /opt/unslump, must be absolute), UNSLUMP_INSTALL_DRYRUN=1 (print, do not run, the
# commands that change the live system), UNSLUMP_DRYRUN_FAIL (below),
# UNSLUMP_SYSTEMD_RUNNING=1|0 (override the check
# for a running systemd, for tests).
#
# Only the commands that change the system go through `system`; the ones that only look
# (dpkg-query, apt-cache, systemctl is-enabled) always run, so a dry run shows the same
# decisions a real run would take.

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/opt/unslump}
DRYRUN=${UNSLUMP_INSTALL_DRYRUN:-0}
[ -n "$DESTDIR" ] && DRYRUN=1
UNIT_NAME=unslump.service
UNIT_DIR=$DESTDIR/etc/systemd/system
WANTS_LINK=$UNIT_DIR/multi-user.target.wants/$UNIT_NAME
BIN_LINK=$DESTDIR/usr/local/bin/unslump

say() { printf '%s\n' "unslump $SCRIPT_NAME: $*"; }
warn() { printf '%s\n' "unslump $SCRIPT_NAME: warning: $*"; }
die() { printf '%s\n' "unslump $SCRIPT_NAME: error: $*" >&2; exit 1; }

# Run a command that changes the live system, or only show it in a dry run. For the
# tests, UNSLUMP_DRYRUN_FAIL names one command line prefix (e.g. "apt-get update") that a
# dry run reports as failed, so the error paths can be seen without root.
system() {
    if [ "$DRYRUN" = 1 ]; then
        printf '%s\n' "dry-run: $*"
        case "$*" in
            "${UNSLUMP_DRYRUN_FAIL:-//never//}"*) return 1 ;;
        esac
    else
        "$@"
    fi
}

# True when systemd is the running init (sd_booted()'s test). False in a chroot, an
# image being built, or a container with another init: there only offline steps work.
systemd_running() {
    case ${UNSLUMP_SYSTEMD_RUNNING:-} in
        1) return 0 ;;
        0) return 1 ;;
    esac
    [ -d /run/systemd/system ]
}

# systemctl for the unit's enablement: live when systemd runs, else on the files
# themselves (--root works without a manager).
enablement() {
    if systemd_running; then
        systemctl "$@"
    else
        systemctl --root="${DESTDIR:-/}" "$@"
    fi
}

case $PREFIX in
    /*) ;;
    *) die "PREFIX must be an absolute path, not '$PREFIX'" ;;
esac
if [ "$DRYRUN" != 1 ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root: $ROOT_HINT"
fi
