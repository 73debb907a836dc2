# Shared by install.sh and uninstall.sh (sourced, not run). Before sourcing, set
# SCRIPT_NAME (for messages) and ROOT_HINT (how to run it as root).
#
# Environment read here: DESTDIR (stage under it; implies a dry run), PREFIX (default
# /opt/unslump, must be absolute), UNSLUMP_INSTALL_DRYRUN=1 (print, do not run, the
# commands that change the live system).

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/opt/unslump}
DRYRUN=${UNSLUMP_INSTALL_DRYRUN:-0}
[ -n "$DESTDIR" ] && DRYRUN=1
UNIT_NAME=unslump.service
BIN_LINK=$DESTDIR/usr/local/bin/unslump

say() { printf '%s\n' "unslump $SCRIPT_NAME: $*"; }
die() { printf '%s\n' "unslump $SCRIPT_NAME: error: $*" >&2; exit 1; }

# Run a command that changes the live system, or only show it in a dry run.
system() {
    if [ "$DRYRUN" = 1 ]; then
        printf '%s\n' "dry-run: $*"
    else
        "$@"
    fi
}

case $PREFIX in
    /*) ;;
    *) die "PREFIX must be an absolute path, not '$PREFIX'" ;;
esac
if [ "$DRYRUN" != 1 ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root: $ROOT_HINT"
fi
