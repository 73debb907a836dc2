"""The office fleet as the README configures it: one mosquitto, 30 devices, one HA user.

The README's mosquitto snippet (listener with TLS, password file, ACL patterns) is read
from the README itself and loaded as it stands, only its paths and port moved into the
test's folder; 30 virtual devices (the service's own assembly, real SQLite logs, fake
clocks) connect at once, each as its own user. Then: every row of every log reaches the
Home Assistant user once (by id and seq), no device can publish to another's command or
discovery topic, and the broker restarted mid-day loses nothing.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.support.mosquitto import Broker, Message, Watcher, make_ca, wait_until
from tests.support.paths import REPO
from unslump.app.integrations import outbox_cap
from unslump.config.file import Config, MqttConfig, ReminderConfig
from unslump.core.records import NoticeAnswer, NoticeRecord
from unslump.edges.clock import FakeClock
from unslump.edges.mqtt.link import MqttLink
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.scenario.harness import VirtualDevice

DESKS = 30
MORNING = datetime(2026, 11, 24, 9, 0).astimezone()
MIN = 60.0
HA_USER, HA_PASSWORD = "homeassistant", "ha-secret"
REMIND_MIN = 5  # a short day: what is tested is the broker, and each minute costs CPU


def readme_snippet() -> tuple[str, str]:
    """The README's mosquitto config and ACL file, as they stand there."""
    text = (REPO / "README.md").read_text()
    block = re.search(r"```\n(# /etc/mosquitto/conf\.d/unslump\.conf\n.*?)```", text, re.S)
    assert block is not None, "the README's mosquitto snippet is gone"
    conf, acl = block.group(1).split("\n\n# /etc/mosquitto/acl")
    return conf, "# /etc/mosquitto/acl" + acl


@dataclass
class Desk:
    """One device with its own user, log and clock."""

    name: str
    device: VirtualDevice
    store: SqliteStore
    db: Path

    @property
    def prefix(self) -> str:
        return f"unslump/{self.name}"

    @property
    def link(self) -> MqttLink:
        (link,) = self.device.add_ons
        assert isinstance(link, MqttLink)
        return link

    def stop(self) -> None:
        self.device.runtime.stop()
        self.device.drain(5.0)
        self.device.close()
        self.store.close()


@dataclass
class Office:
    broker: Broker
    ca: Path
    passwords: dict[str, str]

    def desk(self, name: str, folder: Path) -> Desk:
        secret = folder / f"{name}.password"
        secret.write_text(self.passwords[name] + "\n")
        config = Config(reminder=ReminderConfig(remind_after_min=REMIND_MIN), mqtt=MqttConfig(
            host="127.0.0.1", port=self.broker.port, username=name,
            password_file=str(secret), tls=True, ca_file=str(self.ca), client_id=name,
            topic_prefix=f"unslump/{name}"))
        clock = FakeClock(MORNING)
        db = folder / f"{name}.db"
        store = SqliteStore.open(db, clock=clock, outbox_cap=outbox_cap(config))
        store.append(NoticeRecord(clock.wall(), NoticeAnswer.UNDERSTOOD))
        return Desk(name, VirtualDevice.build(config, store, clock=clock), store, db)

    def client(self, user: str, on_message: Callable[[Message], None] | None = None
               ) -> paho.Client:
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"{user}-probe")
        client.username_pw_set(user, self.passwords[user])
        client.tls_set(ca_certs=str(self.ca))
        client.connect("127.0.0.1", self.broker.port, keepalive=10)
        client.loop_start()
        return client


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    """The broker as the README sets it up, with a user per desk and one for HA."""
    folder = tmp_path / "broker"
    folder.mkdir()
    ca, cert, key = make_ca(tmp_path / "pki")
    names = [f"unslump-desk{n:02d}" for n in range(1, DESKS + 1)]
    passwords = {name: f"pw-{name}" for name in names} | {HA_USER: HA_PASSWORD}
    password_file = folder / "passwords"
    password_file.write_text("".join(f"{user}:{pw}\n" for user, pw in passwords.items()))
    subprocess.run(["mosquitto_passwd", "-U", str(password_file)], check=True,
                   capture_output=True)  # hashes the plain lines in place
    password_file.chmod(0o600)
    conf, acl = readme_snippet()
    (folder / "acl").write_text(acl)
    broker = Broker(folder)
    moved = {"/etc/mosquitto/ca.crt": ca, "/etc/mosquitto/server.crt": cert,
             "/etc/mosquitto/server.key": key, "/etc/mosquitto/passwords": password_file,
             "/etc/mosquitto/acl": folder / "acl"}
    for etc, here in moved.items():
        conf = conf.replace(etc, str(here))
    broker.verbatim = conf.replace("listener 8883", f"listener {broker.port} 127.0.0.1")
    broker.start()
    yield Office(broker, ca, passwords)
    broker.stop()


def newest(messages: list[Message], prefix: str) -> dict[str, dict]:
    """Per row id under ``prefix``, the version with the highest seq."""
    rows: dict[str, dict] = {}
    for message in messages:
        if message.topic.startswith(f"{prefix}/log/"):
            row = message.json()
            if row["id"] not in rows or row["seq"] > rows[row["id"]]["seq"]:
                rows[row["id"]] = row
    return rows


def logged(db: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(db) as connection:
        counts = {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                  for table in ("bouts", "breaks", "reminders", "device_events")}
    connection.close()
    return counts


def by_type(rows: dict[str, dict]) -> dict[str, int]:
    names = {"bout": "bouts", "break": "breaks", "reminder": "reminders",
             "device": "device_events"}
    counts = dict.fromkeys(names.values(), 0)
    for row in rows.values():
        counts[names[row["type"]]] += 1
    return counts


def run_all(desks: list[Desk], step: Callable[[Desk], None]) -> None:
    for desk in desks:
        step(desk)


def until_all(desks: list[Desk], check: Callable[[Desk], bool], what: str) -> None:
    def pumped() -> bool:
        for desk in desks:
            desk.device.run_for(0)  # the loop takes what paho's thread handed over
        return all(check(desk) for desk in desks)

    wait_until(pumped, timeout_s=30.0, what=what)


def test_mqtt_fleet_thirty_desks_on_the_readme_broker(office: Office, tmp_path: Path) -> None:
    ha = Watcher(office.broker, ("unslump/#", "homeassistant/#"), client_id="ha",
                 username=HA_USER, password=HA_PASSWORD, ca_certs=str(office.ca))
    desks = [office.desk(f"unslump-desk{n:02d}", tmp_path) for n in range(1, DESKS + 1)]
    try:
        until_all(desks, lambda d: d.link.connected, "every desk to connect")
        run_all(desks, lambda d: d.device.sit())
        run_all(desks, lambda d: d.device.run_for((REMIND_MIN + 1) * MIN))  # a reminder each

        # The morning's rows are out before the broker goes; then it restarts mid-day.
        until_all(desks, lambda d: d.store.outbox_depth() == 0, "the morning's rows")
        office.broker.stop()
        until_all(desks, lambda d: not d.link.connected, "every desk to notice")
        run_all(desks, lambda d: d.device.stand())
        run_all(desks, lambda d: d.device.run_for(4 * MIN))  # a natural break each
        run_all(desks, lambda d: d.device.sit())
        run_all(desks, lambda d: d.device.run_for(2 * MIN))
        assert all(d.store.outbox_depth() > 0 for d in desks)  # waiting in each log
        office.broker.start()
        until_all(desks, lambda d: d.link.connected and d.store.outbox_depth() == 0,
                  "every outbox to drain after the restart")
        wait_until(lambda: ha.connected, what="Home Assistant to reconnect")

        # One desk tries another's command and discovery topics; the ACL drops them.
        seen: list[Message] = ha.collect()
        intruder = office.client("unslump-desk01")
        wait_until(intruder.is_connected, what="the intruder to connect")
        victim = desks[1]
        for topic, payload in ((f"{victim.prefix}/cmd/stretch", "PRESS"),
                               (f"homeassistant/device/{victim.name}/config", "{}"),
                               ("unslump/unslump-desk01/probe", "mine")):
            intruder.publish(topic, payload, qos=1).wait_for_publish(5)
        ha.wait_for("unslump/unslump-desk01/probe")  # after the two it must not get
        intruder.disconnect()
        intruder.loop_stop()
        assert f"{victim.prefix}/cmd/stretch" not in {m.topic for m in ha.collect()}
        discovery = [m for m in ha.on(f"homeassistant/device/{victim.name}/config")]
        assert all(m.payload != b"{}" for m in discovery)
        run_all(desks, lambda d: d.device.run_for(MIN))
        assert victim.device.runtime.state.name == "seated"  # no stretch began
        assert office.broker.log.count("Denied PUBLISH from unslump-desk01") >= 2
        del seen

        # Home Assistant may command any desk.
        ha.publish(f"{victim.prefix}/cmd/stretch", "PRESS")
        until_all([victim], lambda d: d.device.runtime.state.name == "routine",
                  "the stretch from Home Assistant")
    finally:
        for desk in desks:
            desk.stop()

    for desk in desks:
        ha.wait_for(f"{desk.prefix}/log/device", lambda m: m.json()["what"] == "stop",
                    timeout_s=20.0)
    messages = ha.collect()
    ha.close()
    rows_total = sum(sum(logged(desk.db).values()) for desk in desks)
    print(f"\nfleet: {DESKS} desks, {rows_total} log rows, {len(messages)} messages to "
          f"Home Assistant")
    for desk in desks:
        rows = newest(messages, desk.prefix)
        assert by_type(rows) == logged(desk.db), desk.name
        assert all(not row["open"] for row in rows.values() if row["type"] != "device")
        versions: dict[tuple[str, int], bytes] = {}
        for message in messages:
            if message.topic.startswith(f"{desk.prefix}/log/"):
                row = message.json()  # a duplicate is the same version, never another
                assert versions.setdefault((row["id"], row["seq"]),
                                           message.payload) == message.payload
        assert any(m.topic == f"homeassistant/device/{desk.name}/config" for m in messages)
