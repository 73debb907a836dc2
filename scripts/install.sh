#!/bin/sh
# Install Unslump as a systemd service on Raspberry Pi OS Bookworm (run: sudo make install).
#
# What it does, each step safe to repeat:
#   1. apt-get the system parts: python3-lgpio from the distribution (no compiling on a
#      Pi Zero), the SDL/image libraries pygame and Pillow load, i2c-tools, alsa-utils;
#   2. create the system user `unslump` in the gpio, i2c and audio groups;
#   3. make a venv in $PREFIX/venv with --system-site-packages, so it sees the system
#      lgpio, and pip-install this checkout into it;
#   4. write /etc/unslump/config.toml from `unslump config --defaults`, only if there is
#      none yet (a config someone edited is never overwritten) and only if the command
#      succeeds;
#   5. install the unit, link /usr/local/bin/unslump, daemon-reload, enable and (re)start.
#
# Environment:
#   DESTDIR   stage files under this directory instead of /. Implies a dry run: commands
#             that change the live system (apt-get, useradd, venv, pip, systemctl) are
#             printed, not run. The tests use this.
#   PREFIX    where the venv goes (default /opt/unslump); the unit is rewritten to match.
#   UNSLUMP_INSTALL_DRYRUN=1     print the system-changing commands instead of running
#             them, even without DESTDIR.
#   UNSLUMP_DEFAULTS_CMD         command printing the default config (default:
#             "$PREFIX/venv/bin/unslump config --defaults").
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT_NAME=install
ROOT_HINT="sudo make install (or set DESTDIR to stage the files)"
. "$SRC/scripts/common.sh"

UNIT_DIR=$DESTDIR/etc/systemd/system
CONFIG_DIR=$DESTDIR/etc/unslump
VENV=$PREFIX/venv
DEFAULTS_CMD=${UNSLUMP_DEFAULTS_CMD:-"$DESTDIR$VENV/bin/unslump config --defaults"}
APT_PACKAGES="python3-venv python3-pip python3-lgpio i2c-tools alsa-utils \
libsdl2-2.0-0 libsdl2-mixer-2.0-0 libsdl2-image-2.0-0 libsdl2-ttf-2.0-0 libportmidi0 \
libfreetype6 libjpeg62-turbo libopenjp2-7 libtiff6"

say "1/5 system packages"
system apt-get update -q
# shellcheck disable=SC2086  # the package list is split on purpose
system apt-get install -y -q $APT_PACKAGES

say "2/5 user unslump (groups gpio, i2c, audio)"
for group in gpio i2c audio; do
    # Pi OS ships these groups and udev gives them the device nodes; elsewhere make them
    # so the unit's SupplementaryGroups= resolves.
    getent group "$group" >/dev/null 2>&1 || system groupadd --system "$group"
done
if getent passwd unslump >/dev/null 2>&1; then
    system usermod --append --groups gpio,i2c,audio unslump
else
    system useradd --system --user-group --groups gpio,i2c,audio \
        --home-dir /var/lib/unslump --no-create-home --shell /usr/sbin/nologin unslump
fi

say "3/5 virtualenv $VENV"
system python3 -m venv --system-site-packages "$VENV"
system "$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade "$SRC"

say "4/5 config $CONFIG_DIR/config.toml"
mkdir -p "$CONFIG_DIR"
chmod 0755 "$CONFIG_DIR"  # the service user reads it, whatever the umask
if [ -e "$CONFIG_DIR/config.toml" ]; then
    say "keeping the existing $CONFIG_DIR/config.toml"
else
    tmp_config=$(mktemp "$CONFIG_DIR/.config.toml.XXXXXX")
    if sh -c "$DEFAULTS_CMD" >"$tmp_config" && [ -s "$tmp_config" ]; then
        chmod 0644 "$tmp_config"
        mv "$tmp_config" "$CONFIG_DIR/config.toml"
        say "wrote the defaults to $CONFIG_DIR/config.toml"
    else
        rm -f "$tmp_config"
        say "warning: '$DEFAULTS_CMD' failed; no config written (the built-in defaults" \
            "apply; write one later with: unslump config --defaults > /etc/unslump/config.toml)"
    fi
fi

say "5/5 systemd unit $UNIT_DIR/$UNIT_NAME"
mkdir -p "$UNIT_DIR" "$(dirname "$BIN_LINK")"
sed "s#/opt/unslump/venv#$VENV#g" "$SRC/systemd/$UNIT_NAME" >"$UNIT_DIR/.$UNIT_NAME.tmp"
chmod 0644 "$UNIT_DIR/.$UNIT_NAME.tmp"
mv "$UNIT_DIR/.$UNIT_NAME.tmp" "$UNIT_DIR/$UNIT_NAME"
ln -sfn "$VENV/bin/unslump" "$BIN_LINK"
system systemctl daemon-reload
system systemctl enable "$UNIT_NAME"
# restart, not start: a second run after `git pull` must load the new code.
system systemctl restart "$UNIT_NAME"

cat <<EOF

Unslump is installed. What to check next:
  1. I2C is on:     sudo raspi-config nonint do_i2c 0, then reboot;
                    i2cdetect -y 1 should show 3c (the OLED).
  2. Audio option:  the /boot/firmware/config.txt lines for your speaker are in
                    $SRC/hardware/README.md (I2S amp: dtoverlay=max98357a).
  3. Wiring:        $SRC/hardware/pins.md and hardware/wiring.svg.
  4. Self-check:    unslump doctor
  5. Running:       systemctl status unslump; journalctl -u unslump -f
  Config:           /etc/unslump/config.toml (then: sudo systemctl restart unslump)
EOF
