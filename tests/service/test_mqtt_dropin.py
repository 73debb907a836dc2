"""The install-time drop-in: the unit stays closed unless [mqtt] opens exactly the broker."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import REPO
from unslump.cli.mqtt_dropin import dropin_text, write_dropin
from unslump.config.file import Config, MqttConfig

UNIT = REPO / "systemd" / "unslump.service"
BROKER = Config(mqtt=MqttConfig(host="192.168.1.10"))


def test_no_mqtt_no_dropin_and_an_old_one_is_removed(tmp_path: Path) -> None:
    assert dropin_text(Config()) is None
    (tmp_path / "mqtt.conf").write_text("[Service]\nPrivateNetwork=no\n")
    assert write_dropin(Config(), tmp_path) is None
    assert not (tmp_path / "mqtt.conf").exists()


def test_the_dropin_allows_exactly_the_broker(tmp_path: Path) -> None:
    text = dropin_text(BROKER)
    assert text is not None
    allowed = re.findall(r"^IPAddressAllow=(.*)$", text, re.M)
    assert allowed == ["192.168.1.10"]
    assert "IPAddressDeny=any" in text
    assert "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" in text


def test_a_named_broker_also_allows_the_resolvers(tmp_path: Path) -> None:
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("# comment\nnameserver 192.168.1.1\nsearch lan\n")
    text = dropin_text(Config(mqtt=MqttConfig(host="localhost")), resolv)
    assert text is not None
    allowed = re.findall(r"^IPAddressAllow=(.*)$", text, re.M)
    assert "127.0.0.1" in allowed and allowed[-1] == "192.168.1.1"


def exposure(*args: str) -> float:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.fail("systemd-analyze missing: scripts/ci-deps.sh installs it")
    env = {**os.environ, "SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "LC_ALL": "C.UTF-8"}
    done = subprocess.run([tool, "security", "--offline=true", *args], capture_output=True,
                          text=True, env=env, timeout=60, check=False)
    match = re.search(r"Overall exposure level for unslump.service: ([\d.]+)", done.stdout)
    assert match, done.stdout + done.stderr
    return float(match.group(1))


def test_exposure_closed_and_with_the_broker_opened(tmp_path: Path) -> None:
    units = tmp_path / "etc" / "systemd" / "system"
    units.mkdir(parents=True)
    shutil.copy(UNIT, units / "unslump.service")
    closed = exposure(f"--root={tmp_path}", "unslump.service")
    write_dropin(BROKER, units / "unslump.service.d")
    opened = exposure(f"--root={tmp_path}", "unslump.service")
    assert closed <= 1.0
    assert closed < opened <= 2.0
