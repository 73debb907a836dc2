#!/bin/sh
# System packages the test suite needs beyond the Python venv, installed only if missing.
#
# tests/service/test_systemd_unit.py runs `systemd-analyze verify` and `systemd-analyze security
# --offline=true` on systemd/unslump.service; on Debian/Ubuntu that tool ships in the
# `systemd` package, which slim CI images leave out. tests/service/test_voice.py renders spoken
# cues with `espeak-ng` (the package of the same name, as on Raspberry Pi OS); tests/service/
# test_player.py and `make bench` play a stretch's first cue with `aplay` (`alsa-utils`, which
# scripts/install.sh installs on the device) into a file instead of a sound card. The MQTT
# tests need `mosquitto`. tests/service/test_install.py runs `shellcheck` on scripts/*.sh. Safe
# to run again: it does nothing when everything is already there.
set -eu

missing=""
command -v systemd-analyze >/dev/null 2>&1 || missing="$missing systemd"
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"  # the terminal simulator test
command -v espeak-ng >/dev/null 2>&1 || missing="$missing espeak-ng"  # the spoken cues
command -v aplay >/dev/null 2>&1 || missing="$missing alsa-utils"  # the first cue of a stretch
# tests/service/test_mqtt_*.py start their own mosquitto on 127.0.0.1 (the package's service, if
# any, is never used), and make a test CA with the openssl CLI.
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || missing="$missing mosquitto"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
command -v shellcheck >/dev/null 2>&1 || missing="$missing shellcheck"  # scripts/*.sh

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "ci-deps: need root (or sudo) to install:$missing" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ci-deps: no apt-get; install these by hand:$missing" >&2
    exit 1
fi

echo "ci-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -q
# shellcheck disable=SC2086  # word splitting of the package list is intended
$as_root apt-get install -y -q --no-install-recommends $missing
