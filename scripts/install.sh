#!/bin/sh
# Install Unslump as a systemd service (run: sudo make install) on Raspberry Pi OS Trixie
# or Bookworm, 64-bit (arm64) or 32-bit (armhf), and on plain Debian for the Pi.
#
# What it does, each step safe to repeat (a second run changes nothing and says so):
#   1. apt-get, without recommends, only the runtime packages this architecture needs:
#      python3-venv, i2c-tools, alsa-utils; python3-lgpio when the archive has it (the
#      Raspberry Pi archive does, plain Debian does not); on armhf python3-pygame and
#      python3-pil, since PyPI has no armhf wheels for them. Nothing is compiled on the
#      device. apt-get is not run at all when everything is already there, and a failed
#      `apt-get update` (an offline Pi) is only a warning;
#   2. create the system user `unslump` in the gpio, i2c and audio groups;
#   3. make a venv in $PREFIX/venv with --system-site-packages (it sees the Debian
#      lgpio, pygame and Pillow) and pip-install a clean temporary copy of this checkout
#      into it with --only-binary :all: (wheels only, never a build), so nothing is
#      written into the checkout and modules deleted upstream leave the venv; then say
#      where each Python dependency came from;
#   4. write /etc/unslump/config.toml from `unslump config --template` (every default
#      commented out, so a section pasted from the guide is never a second one), only if
#      there is none yet (a config someone edited is never overwritten) and only if the
#      command succeeds; a config that is there is checked, and an invalid one stops the
#      install before the service is restarted into it, naming the line;
#   5. install the unit and link /usr/local/bin/unslump;
#   6. with systemd running: daemon-reload, enable, and restart if anything changed (or
#      start if stopped). Without it (a chroot, an image being built, a container):
#      enable offline and say that it starts at the next boot.
#
# Environment:
#   DESTDIR   stage files under this directory instead of /. Implies a dry run: commands
#             that change the live system (apt-get, useradd, venv, pip, systemctl) are
#             printed, not run. The tests use this.
#   PREFIX    where the venv goes (default /opt/unslump); the unit is rewritten to match.
#   UNSLUMP_INSTALL_DRYRUN=1     print the system-changing commands instead of running
#             them, even without DESTDIR.
#   UNSLUMP_ARCH                 the Debian architecture (default: dpkg --print-architecture).
#   UNSLUMP_DEFAULTS_CMD         command printing the config to install (default:
#             "$PREFIX/venv/bin/unslump config --template").
#   UNSLUMP_CHECK_CMD            command checking a config file named after it (default:
#             "$PREFIX/venv/bin/unslump config --config"; run only if that exists).
set -eu
umask 022  # the service user reads the venv, the unit and the config

SRC=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT_NAME=install
ROOT_HINT="sudo make install (or set DESTDIR to stage the files)"
# shellcheck source=scripts/common.sh
. "$SRC/scripts/common.sh"

CONFIG_DIR=$DESTDIR/etc/unslump
VENV=$PREFIX/venv
STAMP=$DESTDIR$VENV/.unslump-source
DEFAULTS_CMD=${UNSLUMP_DEFAULTS_CMD:-"$DESTDIR$VENV/bin/unslump config --template"}
CHECK_CMD=${UNSLUMP_CHECK_CMD:-}
if [ -z "$CHECK_CMD" ] && [ -x "$DESTDIR$VENV/bin/unslump" ]; then
    CHECK_CMD="$DESTDIR$VENV/bin/unslump config --config"
fi
ARCH=${UNSLUMP_ARCH:-$(dpkg --print-architecture 2>/dev/null || echo unknown)}
PIP="$VENV/bin/pip"
PIP_OPTS="--disable-pip-version-check --no-input --no-cache-dir --progress-bar off --only-binary :all:"
# lgpio 0.2.2 is the first PyPI release with real wheels (0.0.0.x are empty placeholders).
LGPIO_WHEEL="lgpio>=0.2.2"
CHANGED=""

changed() { CHANGED="$CHANGED${CHANGED:+, }$*"; }

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# True when apt has a version of the package to install (its archive is in the sources).
available() {
    candidate=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
    [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

# Where PyPI has wheels for pygame and Pillow (64-bit Arm and PCs) they bundle their own
# SDL and image libraries, all but GLib: the bundled fluidsynth, which SDL_mixer loads,
# needs libglib-2.0 and libgthread-2.0, and without them `pygame.mixer` fails to import
# (no sound at all on a Lite image). Elsewhere (armhf) Debian's builds are the
# no-compiler path, and apt brings what they need.
wheel_arch() {
    case $1 in amd64|arm64|i386) return 0 ;; *) return 1 ;; esac
}

# -- 1. system packages -------------------------------------------------------------------
packages="python3-venv i2c-tools alsa-utils"
glib=""  # GLib for the pygame wheel; named libglib2.0-0t64 since Trixie
if wheel_arch "$ARCH"; then
    installed libglib2.0-0t64 || installed libglib2.0-0 || glib=wanted
else
    packages="$packages python3-pygame python3-pil"
fi
say "1/6 system packages for $ARCH: $packages python3-lgpio${glib:+ GLib}"
missing=""
for package in $packages; do
    installed "$package" || missing="$missing $package"
done
lgpio=apt
want_lgpio=1
if installed python3-lgpio; then
    want_lgpio=0
elif [ -x "$DESTDIR$VENV/bin/python" ] && "$DESTDIR$VENV/bin/python" -c \
    'import importlib.util, sys; sys.exit(importlib.util.find_spec("lgpio") is None)' 2>/dev/null; then
    # Looked up, not imported: importing lgpio makes a pipe in the working directory.
    lgpio=pypi  # the PyPI wheel an earlier run fell back to
    want_lgpio=0
    say "lgpio: PyPI's wheel already in the venv (no python3-lgpio in apt last time)"
fi
if [ -z "$missing" ] && [ "$want_lgpio" = 0 ] && [ -z "$glib" ]; then
    say "all already installed; apt-get not run"
else
    export DEBIAN_FRONTEND=noninteractive
    if ! system apt-get update -q; then
        warn "apt-get update failed (offline?); going on with the package lists already here"
    fi
    if [ -n "$glib" ]; then
        if available libglib2.0-0t64; then
            missing="$missing libglib2.0-0t64"
        else
            missing="$missing libglib2.0-0"
        fi
    fi
    if [ "$want_lgpio" = 1 ]; then
        if available python3-lgpio; then
            missing="$missing python3-lgpio"
        else
            lgpio=pypi
            warn "python3-lgpio is not in the apt sources (it comes from the Raspberry Pi" \
                "archive; plain Debian lacks it): trying PyPI's lgpio wheel in step 3"
        fi
    fi
    if [ -n "$missing" ]; then
        say "installing:$missing (without recommends)"
        # shellcheck disable=SC2086  # the package list is split on purpose
        system apt-get install -y -q --no-install-recommends $missing ||
            die "apt-get could not install$missing; check the network and" \
                "/etc/apt/sources.list*, then run again"
        changed "system packages$missing"
    fi
fi

# -- 2. the service user ------------------------------------------------------------------
say "2/6 user unslump (groups gpio, i2c, audio)"
for group in gpio i2c audio; do
    # Pi OS ships these groups and udev gives them the device nodes; elsewhere make them
    # so the unit's SupplementaryGroups= resolves.
    if ! getent group "$group" >/dev/null 2>&1; then
        system groupadd --system "$group"
        changed "group $group"
    fi
done
if getent passwd unslump >/dev/null 2>&1; then
    groups=" $(id -nG unslump 2>/dev/null) "
    lacking=""
    for group in gpio i2c audio; do
        case $groups in *" $group "*) ;; *) lacking="$lacking $group" ;; esac
    done
    if [ -z "$lacking" ]; then
        say "user unslump already there"
    else
        system usermod --append --groups gpio,i2c,audio unslump
        changed "groups of user unslump:$lacking"
    fi
else
    system useradd --system --user-group --groups gpio,i2c,audio \
        --home-dir /var/lib/unslump --no-create-home --shell /usr/sbin/nologin unslump
    changed "user unslump"
fi

# -- 3. the venv --------------------------------------------------------------------------
say "3/6 virtualenv $VENV"
python_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null ||
    echo none)
# What the venv was built from: every file pip would read, and the Python it runs on.
fingerprint=$(cd "$SRC" && {
    printf '%s\n' "python $python_version $ARCH lgpio-from-$lgpio"
    find pyproject.toml README.md device -type f ! -name '*.pyc' ! -path '*/__pycache__/*' |
        LC_ALL=C sort | xargs sha256sum
} | sha256sum | cut -d' ' -f1)
if [ -x "$DESTDIR$VENV/bin/python" ] && "$DESTDIR$VENV/bin/python" -c '' 2>/dev/null &&
    [ "$(cat "$STAMP" 2>/dev/null)" = "$fingerprint" ]; then
    say "venv already holds this source (fingerprint ${fingerprint%"${fingerprint#????????????}"}); pip not run"
else
    # A clean copy: pip writes build/ and *.egg-info into what it installs from.
    copy=$(mktemp -d "${TMPDIR:-/tmp}/unslump-src.XXXXXX")
    trap 'rm -rf "$copy"' EXIT
    (cd "$SRC" && tar -cf - --exclude=__pycache__ --exclude='*.pyc' pyproject.toml README.md device) |
        tar -C "$copy" -xf -
    if ! [ -x "$DESTDIR$VENV/bin/python" ] || ! "$DESTDIR$VENV/bin/python" -c '' 2>/dev/null; then
        # Missing, or made by a Python that is gone (an upgrade from Bookworm to Trixie).
        system rm -rf "$VENV"
        system python3 -m venv --system-site-packages "$VENV"
    fi
    say "pip: wheels only (--only-binary :all:), from a copy in $copy"
    # A local directory is always reinstalled: pip removes the old files it recorded.
    # shellcheck disable=SC2086  # PIP_OPTS is split on purpose
    # [mqtt]: paho-mqtt, a pure-Python wheel; imported only when [mqtt] is configured.
    system "$PIP" install $PIP_OPTS "${copy}[mqtt]" ||
        die "pip could not install from wheels; see its message above (no compiler is used" \
            "on purpose: a dependency without a wheel for Python $python_version on $ARCH needs" \
            "its Debian package)"
    if [ "$lgpio" = pypi ]; then
        # shellcheck disable=SC2086
        if system "$PIP" install $PIP_OPTS "$LGPIO_WHEEL"; then
            say "lgpio: installed PyPI's wheel"
        else
            warn "no lgpio for Python $python_version on $ARCH (no python3-lgpio in apt," \
                "no PyPI wheel): the service stays up and shows 'GPIO unavailable'. Add the" \
                "Raspberry Pi archive (archive.raspberrypi.com) and run this again"
        fi
    fi
    if [ -d "$DESTDIR$VENV" ]; then  # always after a real run; staged ones in tests
        printf '%s\n' "$fingerprint" >"$STAMP"
    fi
    changed "venv $VENV"
fi
if [ "$DRYRUN" != 1 ]; then
    "$VENV/bin/python" -B "$SRC/scripts/dep_sources.py" unslump lgpio
fi

# -- 4. the config ------------------------------------------------------------------------
say "4/6 config $CONFIG_DIR/config.toml"
mkdir -p "$CONFIG_DIR"
chmod 0755 "$CONFIG_DIR"  # the service user reads it, whatever the umask
if [ -e "$CONFIG_DIR/config.toml" ]; then
    say "keeping the existing $CONFIG_DIR/config.toml"
    # The service would stop at its restart below; say why now, naming the line.
    if [ -n "$CHECK_CMD" ] && ! sh -c "$CHECK_CMD \"\$1\"" sh "$CONFIG_DIR/config.toml" \
        >/dev/null; then
        die "$CONFIG_DIR/config.toml is not valid (the line above says where); fix it" \
            "(sudo unslump config set SECTION.KEY VALUE, or edit it), then run this again." \
            "The service was not restarted"
    fi
else
    tmp_config=$(mktemp "$CONFIG_DIR/.config.toml.XXXXXX")
    if sh -c "$DEFAULTS_CMD" >"$tmp_config" && [ -s "$tmp_config" ]; then
        chmod 0644 "$tmp_config"
        mv "$tmp_config" "$CONFIG_DIR/config.toml"
        say "wrote the defaults to $CONFIG_DIR/config.toml"
        changed "config"
    else
        rm -f "$tmp_config"
        warn "'$DEFAULTS_CMD' failed; no config written (the built-in defaults" \
            "apply; write one later with: unslump config --template > /etc/unslump/config.toml)"
    fi
fi

# -- 5. the unit and the command ----------------------------------------------------------
say "5/6 systemd unit $UNIT_DIR/$UNIT_NAME"
mkdir -p "$UNIT_DIR" "$(dirname "$BIN_LINK")"
sed "s#/opt/unslump/venv#$VENV#g" "$SRC/systemd/$UNIT_NAME" >"$UNIT_DIR/.$UNIT_NAME.tmp"
chmod 0644 "$UNIT_DIR/.$UNIT_NAME.tmp"
unit_changed=0
if cmp -s "$UNIT_DIR/.$UNIT_NAME.tmp" "$UNIT_DIR/$UNIT_NAME"; then
    rm -f "$UNIT_DIR/.$UNIT_NAME.tmp"
    say "unit unchanged"
else
    mv "$UNIT_DIR/.$UNIT_NAME.tmp" "$UNIT_DIR/$UNIT_NAME"
    unit_changed=1
    changed "unit"
fi
# The unit ships with no network and keeps none: with [mqtt] on, a drop-in points it at
# a local socket that unslump-mqtt.service (written beside it) relays to the broker.
if [ "$DRYRUN" != 1 ] && [ -x "$DESTDIR$VENV/bin/unslump" ]; then
    "$DESTDIR$VENV/bin/unslump" mqtt-dropin --config "$CONFIG_DIR/config.toml" \
        --write "$UNIT_DIR/$UNIT_NAME.d" || warn "mqtt-dropin failed: MQTT stays closed"
    # systemd learns the relay's units (and a changed broker) only from a reload
    if [ -f "$UNIT_DIR/$UNIT_NAME.d/mqtt.conf" ]; then unit_changed=1; fi
fi
if [ "$(readlink "$BIN_LINK" 2>/dev/null)" != "$VENV/bin/unslump" ]; then
    ln -sfn "$VENV/bin/unslump" "$BIN_LINK"
    changed "link $BIN_LINK"
fi

# -- 6. systemd ---------------------------------------------------------------------------
if systemd_running; then
    say "6/6 systemd: enable and (re)start"
    [ "$unit_changed" = 1 ] && system systemctl daemon-reload
    if enablement is-enabled --quiet "$UNIT_NAME" 2>/dev/null; then
        say "unit already enabled"
    else
        system systemctl enable "$UNIT_NAME"
        changed "enabled"
    fi
    if [ -n "$CHANGED" ]; then
        # restart, not start: a second run after `git pull` must load the new code.
        if system systemctl restart "$UNIT_NAME"; then
            say "service restarted"
        else
            warn "the service did not start; see why with: journalctl -u unslump -e," \
                "and run: unslump doctor"
        fi
    elif systemctl is-active --quiet "$UNIT_NAME"; then
        say "service running; nothing changed, so not restarted"
    else
        if system systemctl start "$UNIT_NAME"; then
            say "service was stopped: started"
        else
            warn "the service did not start; see why with: journalctl -u unslump -e," \
                "and run: unslump doctor"
        fi
    fi
else
    say "6/6 systemd is not running here (a chroot, an image being built, a container):" \
        "enabling the unit offline; no reload or restart, it starts at the next boot"
    if ! command -v systemctl >/dev/null 2>&1; then
        if [ "$(readlink "$WANTS_LINK" 2>/dev/null)" != "/etc/systemd/system/$UNIT_NAME" ]; then
            mkdir -p "$(dirname "$WANTS_LINK")"
            ln -sfn "/etc/systemd/system/$UNIT_NAME" "$WANTS_LINK"
            say "no systemctl: linked $WANTS_LINK by hand"
            changed "enabled"
        fi
    elif enablement is-enabled --quiet "$UNIT_NAME" 2>/dev/null; then
        say "unit already enabled"
    else
        system systemctl --root="${DESTDIR:-/}" enable "$UNIT_NAME"
        changed "enabled"
    fi
fi

if [ -d "$SRC/build/lib/unslump" ] || [ -d "$SRC/build/lib/device" ]; then
    say "note: $SRC/build is left over from an older install and no longer used; remove" \
        "it with: sudo rm -rf build *.egg-info"
fi
if [ -z "$CHANGED" ]; then
    say "nothing changed: everything was already in place"
else
    say "changed: $CHANGED"
fi

cat <<EOF

Unslump is installed. What to check next:
  1. I2C is on:     sudo raspi-config nonint do_i2c 0, then reboot;
                    i2cdetect -y 1 should show 3c (the OLED).
  2. Audio option:  the /boot/firmware/config.txt lines for your speaker are in
                    $SRC/hardware/README.md (I2S amp: dtoverlay=max98357a,no-sdmode).
  3. Wiring:        $SRC/hardware/pins.md and hardware/wiring.svg.
  4. Self-check:    unslump doctor
  5. Running:       systemctl status unslump; journalctl -u unslump -f
  Config:           /etc/unslump/config.toml (then: sudo systemctl restart unslump)
  Spoken cues:      [audio] voice = true needs espeak-ng, not installed by default:
                    sudo apt install --no-install-recommends espeak-ng
EOF
