"""The systemd unit: the directives the device relies on, a clean verify, and its sandbox score.

``systemd-analyze`` comes from Debian's ``systemd`` package; scripts/ci-deps.sh installs it
on a fresh CI machine. It is required rather than skipped: a unit that stops verifying
would otherwise only be found on a Pi, months later.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.support.cli import run_cli
from tests.support.paths import REPO

UNIT = REPO / "systemd" / "unslump.service"
INSTALLED_BINARY = "/opt/unslump/venv/bin/unslump"
MAX_EXPOSURE = 1.0


def systemd_analyze() -> str:
    path = shutil.which("systemd-analyze")
    if path is None:
        pytest.fail("systemd-analyze not found: run scripts/ci-deps.sh "
                    "(apt-get install systemd) before the tests")
    return path


def run_analyze(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "LC_ALL": "C.UTF-8"}
    return subprocess.run([systemd_analyze(), *args], capture_output=True, text=True,
                          env=env, timeout=60, check=False)


def directives(text: str) -> dict[str, list[tuple[str, str]]]:
    """Section -> (key, value) pairs in order; units repeat keys, so no configparser."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
            continue
        key, _, value = line.partition("=")
        sections[current].append((key.strip(), value.strip()))
    return sections


def values(section: str, key: str) -> list[str]:
    return [v for k, v in directives(UNIT.read_text())[section] if k == key]


def one(section: str, key: str) -> str:
    found = values(section, key)
    assert len(found) == 1, f"[{section}] {key}= appears {len(found)} times"
    return found[0]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("Type", "notify"),
        ("ExecStart", f"{INSTALLED_BINARY} run"),
        ("ExecStopPost", f"{INSTALLED_BINARY} blank"),
        ("WatchdogSec", "30"),
        ("Restart", "on-failure"),
        ("RestartPreventExitStatus", "2"),
        ("User", "unslump"),
        ("SupplementaryGroups", "gpio i2c audio"),
        ("StateDirectory", "unslump"),
        ("RuntimeDirectory", "unslump"),
        ("WorkingDirectory", "%t/unslump"),
        ("DevicePolicy", "closed"),
        ("PrivateNetwork", "yes"),
        ("RestrictAddressFamilies", "AF_UNIX"),
        ("IPAddressDeny", "any"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
    ],
)
def test_systemd_unit_service_directive(key, expected):
    assert one("Service", key) == expected


def test_systemd_unit_a_refused_config_stops_the_service_and_a_crash_restarts_it(tmp_path):
    """A config ``unslump run`` refuses exits 2, the one status the unit does not restart
    on: the service stops with its one-line error last in the journal instead of failing
    again every 5 s. Any other failure (a traceback exits 1, the watchdog's SIGABRT) is
    still restarted by Restart=on-failure."""
    config = tmp_path / "config.toml"
    config.write_text("[seat]\nsit_confirm_s = -1\n")
    refused = run_cli("run", "--config", str(config))
    assert refused.returncode == 2, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert values("Service", "RestartPreventExitStatus") == [str(refused.returncode)]
    assert one("Service", "Restart") == "on-failure"
    crash = subprocess.run([sys.executable, "-c", "raise RuntimeError('a bug')"],
                           capture_output=True, check=False)
    assert crash.returncode != refused.returncode


def test_systemd_unit_environment_for_lgpio_and_sdl():
    environment = values("Service", "Environment")
    assert "LG_WD=%t/unslump" in environment
    assert "SDL_NO_SIGNAL_HANDLERS=1" in environment
    assert "SDL_AUDIODRIVER=alsa" in environment


def test_systemd_unit_devices_allowed_by_class_only():
    assert sorted(values("Service", "DeviceAllow")) == [
        "char-alsa rw", "char-gpiochip rw", "char-i2c rw"]


def test_systemd_unit_does_not_hide_the_gpio_devices():
    """PrivateDevices=yes would remove /dev/gpiochip* from the service's /dev."""
    assert values("Service", "PrivateDevices") in ([], ["no"])


def test_systemd_unit_is_enabled_for_boot():
    assert one("Install", "WantedBy") == "multi-user.target"


def test_systemd_unit_verify_is_clean(tmp_path):
    """``systemd-analyze verify`` with the Exec binaries pointed at one that exists here.

    verify rejects a unit whose ExecStart binary is missing, and /opt/unslump only exists
    on an installed Pi, so a copy with the same name swaps that path for ``true``. User=
    and SupplementaryGroups= are resolved only when the service starts, so the missing
    ``unslump`` user and ``gpio``/``i2c`` groups of a CI machine do not matter. verify
    exits 0 even on unknown keys, so any output at all counts as a failure.
    """
    true = shutil.which("true")
    assert true is not None
    text = UNIT.read_text()
    assert text.count(INSTALLED_BINARY) == 2
    copy = tmp_path / UNIT.name
    copy.write_text(text.replace(INSTALLED_BINARY, true))
    result = run_analyze("verify", "--man=no", str(copy))
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).strip() == ""


def test_systemd_unit_verify_catches_a_typo(tmp_path):
    """The clean-verify test above would pass on silence alone; show verify does speak."""
    true = shutil.which("true")
    assert true is not None
    copy = tmp_path / UNIT.name
    copy.write_text(UNIT.read_text().replace(INSTALLED_BINARY, true)
                    .replace("WatchdogSec=30", "WatchdogSecs=30"))
    result = run_analyze("verify", "--man=no", str(copy))
    assert "Unknown key 'WatchdogSecs'" in result.stdout + result.stderr


def test_systemd_unit_security_exposure_is_at_most_one():
    result = run_analyze("security", "--offline=true", str(UNIT))
    assert result.returncode == 0, result.stderr
    match = re.search(r"Overall exposure level for unslump\.service: (\d+(?:\.\d+)?)",
                      result.stdout)
    assert match, result.stdout[-500:]
    exposure = float(match.group(1))
    assert exposure <= MAX_EXPOSURE, result.stdout


def test_systemd_unit_security_threshold_flag_agrees():
    """``--threshold`` is on the 0-100 scale: 10 means an exposure of 1.0."""
    result = run_analyze("security", "--offline=true", "--threshold=10", str(UNIT))
    assert result.returncode == 0, result.stdout[-500:]
