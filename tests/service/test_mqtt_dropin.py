"""The install-time drop-in: the unit stays closed unless [mqtt] opens exactly the broker."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.mosquitto import Broker, Watcher, make_ca, wait_until
from tests.support.paths import REPO
from unslump.app.integrations import outbox_cap
from unslump.cli.mqtt_dropin import (
    SOCKET_PROXYD,
    dropin_text,
    relay_service_text,
    relay_socket_text,
    write_dropin,
)
from unslump.config.file import Config, MqttConfig
from unslump.edges.clock import FakeClock
from unslump.edges.mqtt.relay import RELAY_ENV, RELAY_SOCKET
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.scenario.harness import VirtualDevice

UNIT = REPO / "systemd" / "unslump.service"
BROKER = Config(mqtt=MqttConfig(host="192.168.1.10"))


def test_no_mqtt_no_dropin_and_an_old_one_is_removed(tmp_path: Path) -> None:
    assert dropin_text(Config()) is None
    folder = tmp_path / "unslump.service.d"
    folder.mkdir()
    (folder / "mqtt.conf").write_text("[Service]\nPrivateNetwork=no\n")
    (tmp_path / "unslump-mqtt.socket").write_text("[Socket]\n")
    (tmp_path / "unslump-mqtt.service").write_text("[Service]\n")
    assert write_dropin(Config(), folder) is None
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == []


def test_the_dropin_keeps_the_service_closed_and_names_the_relay(tmp_path: Path) -> None:
    text = dropin_text(BROKER)
    assert text is not None
    assert "PrivateNetwork" not in text and "IPAddressAllow" not in text
    assert "RestrictAddressFamilies" not in text  # the unit's own: AF_UNIX only
    assert f"Environment={RELAY_ENV}={RELAY_SOCKET}" in text
    assert "Wants=unslump-mqtt.socket" in text


def test_the_relay_allows_exactly_the_broker(tmp_path: Path) -> None:
    text = relay_service_text(BROKER)
    allowed = re.findall(r"^IPAddressAllow=(.*)$", text, re.M)
    assert allowed == ["192.168.1.10"]
    assert "IPAddressDeny=any" in text
    assert re.search(r"^ExecStart=\S+systemd-socket-proxyd 192\.168\.1\.10:1883$", text, re.M)
    socket_unit = relay_socket_text(BROKER)
    assert f"ListenStream={RELAY_SOCKET}" in socket_unit and "SocketMode=0600" in socket_unit


def test_a_named_broker_also_allows_the_resolvers(tmp_path: Path) -> None:
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("# comment\nnameserver 192.168.1.1\nsearch lan\n")
    text = relay_service_text(Config(mqtt=MqttConfig(host="localhost", tls=True)), resolv)
    allowed = re.findall(r"^IPAddressAllow=(.*)$", text, re.M)
    assert "127.0.0.1" in allowed and allowed[-1] == "192.168.1.1"
    assert "systemd-socket-proxyd localhost:8883" in text


def exposure(*args: str, unit: str = "unslump.service") -> float:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.fail("systemd-analyze missing: scripts/ci-deps.sh installs it")
    env = {**os.environ, "SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "LC_ALL": "C.UTF-8"}
    done = subprocess.run([tool, "security", "--offline=true", *args, unit],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    match = re.search(rf"Overall exposure level for {re.escape(unit)}: ([\d.]+)",
                      done.stdout)
    assert match, done.stdout + done.stderr
    return float(match.group(1))


def test_exposure_with_mqtt_on_stays_at_most_one(tmp_path: Path) -> None:
    """The service scores the same with [mqtt] on as closed; the relay, which alone has
    a network, scores as low as a relay can."""
    units = tmp_path / "etc" / "systemd" / "system"
    units.mkdir(parents=True)
    shutil.copy(UNIT, units / "unslump.service")
    closed = exposure(f"--root={tmp_path}")
    write_dropin(BROKER, units / "unslump.service.d")
    opened = exposure(f"--root={tmp_path}")
    relay = exposure(f"--root={tmp_path}", unit="unslump-mqtt.service")
    print(f"\nexposure: closed {closed}, with [mqtt] on {opened}, the relay {relay}")
    assert closed <= 1.0
    assert opened <= 1.0
    assert relay <= 2.0


def test_the_service_reaches_the_broker_through_the_relay(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end as installed: the device speaks MQTT with TLS over the Unix socket,
    systemd-socket-proxyd (socket-activated, as its unit is) relays it to mosquitto, and
    the broker's certificate is checked against the broker's address, not the socket."""
    ca, cert, key = make_ca(tmp_path / "pki")
    broker = Broker(tmp_path / "broker", tls=(ca, cert, key)).start()
    sock = tmp_path / "broker.sock"
    relay = subprocess.Popen(["systemd-socket-activate", "-l", str(sock), SOCKET_PROXYD,
                              f"127.0.0.1:{broker.port}"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    watcher = Watcher(broker, ca_certs=str(ca))
    try:
        wait_until(sock.exists, what="the relay's socket")
        monkeypatch.setenv(RELAY_ENV, str(sock))
        config = Config(mqtt=MqttConfig(host="127.0.0.1", port=broker.port, tls=True,
                                        ca_file=str(ca), client_id="unslump-desk",
                                        topic_prefix="unslump/desk"))
        clock = FakeClock(datetime(2026, 11, 24, 9, 0).astimezone())
        store = SqliteStore.open(tmp_path / "u.db", clock=clock,
                                 outbox_cap=outbox_cap(config))
        device = VirtualDevice.build(config, store, clock=clock)
        (link,) = device.add_ons

        def connected() -> bool:
            device.run_for(0)
            return bool(getattr(link, "connected", False))

        wait_until(connected, what="the device to connect through the relay")
        device.sit()
        device.run_for(120)
        device.runtime.stop()
        device.drain(5.0)
        device.close()
        store.close()
        watcher.wait_for("unslump/desk/log/device", lambda m: m.json()["what"] == "stop")
        assert watcher.on("homeassistant/device/unslump-desk/config")
    finally:
        watcher.close()
        relay.terminate()
        relay.wait(timeout=10)
        broker.stop()
