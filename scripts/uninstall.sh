#!/bin/sh
# Remove what scripts/install.sh put in place; keep the break log unless PURGE=1.
#
# Removed: the unit (stopped and disabled first), the /usr/local/bin/unslump link and the
# venv in $PREFIX/venv. Kept by default, as Debian keeps a removed package's data and
# conffiles: /var/lib/unslump (months of logged breaks), /etc/unslump (an edited config)
# and the `unslump` user. PURGE=1 removes those too. System packages stay: other
# software may use them. The closing lines say what was removed and what was not there,
# so a second run reports that there was nothing left to remove.
#
# Environment: DESTDIR, PREFIX and UNSLUMP_INSTALL_DRYRUN as for install.sh.
set -eu

PURGE=${PURGE:-0}
SCRIPT_NAME=uninstall
ROOT_HINT="sudo make uninstall"
# shellcheck source=scripts/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

UNIT_FILE=$UNIT_DIR/$UNIT_NAME
VENV=$DESTDIR$PREFIX/venv
REMOVED=""
ABSENT=""

removed() { REMOVED="$REMOVED${REMOVED:+, }$*"; }
absent() { ABSENT="$ABSENT${ABSENT:+, }$*"; }

# Remove a file, link or directory tree if it is there, and note which it was.
remove() {
    label=$1
    shift
    for path in "$@"; do
        if [ -e "$path" ] || [ -L "$path" ]; then
            rm -rf "$path"
            removed "$label"
            return 0
        fi
    done
    absent "$label"
}

if systemd_running; then
    if systemctl is-enabled --quiet "$UNIT_NAME" 2>/dev/null ||
        systemctl is-active --quiet "$UNIT_NAME" 2>/dev/null; then
        system systemctl disable --now "$UNIT_NAME" || warn "systemctl disable failed"
        removed "the running service"
    fi
elif command -v systemctl >/dev/null 2>&1 && [ -e "$UNIT_FILE" ] &&
    enablement is-enabled --quiet "$UNIT_NAME" 2>/dev/null; then
    say "systemd is not running here: disabling the unit offline"
    system systemctl --root="${DESTDIR:-/}" disable "$UNIT_NAME" || warn "systemctl disable failed"
fi
if [ -L "$WANTS_LINK" ]; then
    rm -f "$WANTS_LINK"  # linked by hand where there was no systemctl
fi
remove "the unit $UNIT_FILE" "$UNIT_FILE"
if systemd_running; then
    system systemctl daemon-reload || true
fi
if [ -L "$BIN_LINK" ]; then
    remove "the link $BIN_LINK" "$BIN_LINK"
else
    absent "the link $BIN_LINK"
fi
remove "$PREFIX/venv" "$VENV"
rmdir "$DESTDIR$PREFIX" 2>/dev/null || true

if [ "$PURGE" = 1 ]; then
    remove "$DESTDIR/var/lib/unslump (the break log)" "$DESTDIR/var/lib/unslump"
    remove "$DESTDIR/etc/unslump" "$DESTDIR/etc/unslump"
    if getent passwd unslump >/dev/null 2>&1; then
        system userdel unslump
        removed "the user unslump"
    else
        absent "the user unslump"
    fi
fi

[ -n "$REMOVED" ] && say "removed: $REMOVED"
[ -n "$ABSENT" ] && say "not there (nothing to remove): $ABSENT"
if [ "$PURGE" != 1 ]; then
    say "kept /var/lib/unslump (the break log), /etc/unslump and the user unslump;" \
        "PURGE=1 removes them"
fi
exit 0
