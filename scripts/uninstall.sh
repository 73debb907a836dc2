#!/bin/sh
# Remove what scripts/install.sh put in place; keep the break log unless PURGE=1.
#
# Removed: the unit (stopped and disabled first), the /usr/local/bin/unslump link and the
# venv in $PREFIX/venv. Kept by default, as Debian keeps a removed package's data and
# conffiles: /var/lib/unslump (months of logged breaks), /etc/unslump (an edited config)
# and the `unslump` user. PURGE=1 removes those too. System packages stay: other
# software may use them.
#
# Environment: DESTDIR, PREFIX and UNSLUMP_INSTALL_DRYRUN as for install.sh.
set -eu

PURGE=${PURGE:-0}
SCRIPT_NAME=uninstall
ROOT_HINT="sudo sh scripts/uninstall.sh"
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

UNIT_FILE=$DESTDIR/etc/systemd/system/$UNIT_NAME
VENV=$DESTDIR$PREFIX/venv

# `|| true`: uninstalling twice, or after a failed install, must not stop here.
system systemctl disable --now "$UNIT_NAME" || true
rm -f "$UNIT_FILE"
system systemctl daemon-reload || true
if [ -L "$BIN_LINK" ]; then
    rm -f "$BIN_LINK"
fi
rm -rf "$VENV"
rmdir "$DESTDIR$PREFIX" 2>/dev/null || true
say "removed the service, the command link and $PREFIX/venv"

if [ "$PURGE" = 1 ]; then
    rm -rf "$DESTDIR/var/lib/unslump" "$DESTDIR/etc/unslump"
    if [ "$DRYRUN" = 1 ] || getent passwd unslump >/dev/null 2>&1; then
        system userdel unslump
    fi
    say "purged /var/lib/unslump, /etc/unslump and the unslump user"
else
    say "kept /var/lib/unslump (the break log) and /etc/unslump; PURGE=1 removes them"
fi
