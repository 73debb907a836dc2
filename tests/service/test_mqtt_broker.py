"""The device against a real mosquitto on 127.0.0.1: discovery, a day, commands, outages.

Every test runs the scenario harness (the same assembly as the service, with MockFactory
pins, a real SQLite log and a fake clock) with an ``[mqtt]`` section pointing at a broker
this test started; a persistent-session subscriber plays Home Assistant.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.mosquitto import REAL, Broker, Message, Watcher, make_ca, wait_until
from tests.support.paths import REPO
from unslump.app.integrations import outbox_cap
from unslump.config.file import Config, MqttConfig
from unslump.core.records import NoticeAnswer, NoticeRecord
from unslump.edges.clock import FakeClock
from unslump.edges.mqtt.link import MqttLink
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.scenario.harness import VirtualDevice

MORNING = datetime(2026, 11, 24, 9, 0).astimezone()
MIN = 60.0
PREFIX = "unslump/desk"
DISCOVERY = "homeassistant/device/unslump-desk/config"


@dataclass
class Desk:
    """One device with MQTT on, its log and its clock."""

    device: VirtualDevice
    store: SqliteStore
    db: Path

    @property
    def link(self) -> MqttLink:
        (link,) = self.device.add_ons
        assert isinstance(link, MqttLink)
        return link

    def pump(self) -> None:
        """Let the loop take what paho's thread handed over (acks, connects)."""
        self.device.run_for(0)

    def until(self, check: Callable[[], bool], what: str) -> None:
        def pumped() -> bool:
            self.pump()
            return check()

        wait_until(pumped, what=what)

    def connected(self) -> None:
        self.until(lambda: self.link.connected, "the device to connect")

    def stop(self) -> None:
        self.device.runtime.stop()
        self.device.drain(5.0)
        self.device.close()
        self.store.close()


def mqtt_config(broker: Broker, **keys: object) -> Config:
    return Config(mqtt=MqttConfig(host="127.0.0.1", port=broker.port,
                                  client_id="unslump-desk", topic_prefix=PREFIX,
                                  **keys))  # type: ignore[arg-type]


def open_desk(config: Config, db: Path, clock: FakeClock | None = None) -> Desk:
    clock = clock or FakeClock(MORNING)
    store = SqliteStore.open(db, clock=clock, outbox_cap=outbox_cap(config))
    if store.notice_answer() is None:  # its owner has said the stretch is fine for them
        store.append(NoticeRecord(clock.wall(), NoticeAnswer.UNDERSTOOD))
    return Desk(VirtualDevice.build(config, store, clock=clock), store, db)


def log_rows(messages: list[Message]) -> dict[str, dict]:
    """What a consumer keeps: per id, the version with the highest seq."""
    newest: dict[str, dict] = {}
    for message in messages:
        if message.topic.startswith(f"{PREFIX}/log/"):
            row = message.json()
            if row["id"] not in newest or row["seq"] > newest[row["id"]]["seq"]:
                newest[row["id"]] = row
    return newest


def stopped(watcher: Watcher) -> list[Message]:
    """Everything up to the device's stop row, once the stop row has arrived."""
    watcher.wait_for(f"{PREFIX}/log/device", lambda m: m.json()["what"] == "stop")
    return watcher.collect()


def logged_ids(db: Path) -> dict[str, int]:
    """Per published kind, how many rows the log itself holds."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("bouts", "breaks", "reminders", "device_events")}


def by_type(rows: dict[str, dict]) -> dict[str, int]:
    counts = {"bouts": 0, "breaks": 0, "reminders": 0, "device_events": 0}
    names = {"bout": "bouts", "break": "breaks", "reminder": "reminders",
             "device": "device_events"}
    for row in rows.values():
        counts[names[row["type"]]] += 1
    return counts


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    running = Broker(tmp_path / "broker").start()
    yield running
    running.stop()


@pytest.fixture
def watcher(broker: Broker) -> Iterator[Watcher]:
    watching = Watcher(broker)
    yield watching
    watching.close()


def test_discovery_names_one_device_with_typed_entities(broker: Broker, watcher: Watcher,
                                                        tmp_path: Path) -> None:
    desk = open_desk(mqtt_config(broker), tmp_path / "unslump.db")
    desk.connected()
    config = watcher.wait_for(DISCOVERY).json()
    watcher.wait_for(f"{PREFIX}/availability", lambda m: m.payload == b"online")
    desk.stop()

    assert config["dev"]["ids"] == ["unslump-desk"]
    assert config["availability_topic"] == f"{PREFIX}/availability"
    cmps = config["cmps"]
    assert cmps["seated"]["p"] == "binary_sensor"
    assert cmps["seated"]["device_class"] == "occupancy"
    assert (cmps["sitting_today_min"]["device_class"], cmps["sitting_today_min"]
            ["unit_of_measurement"], cmps["sitting_today_min"]["state_class"]) == (
        "duration", "min", "total_increasing")
    assert cmps["bout_min"]["state_class"] == "measurement"
    assert cmps["last_response_s"]["unit_of_measurement"] == "s"
    assert {cmps[name]["p"] for name in ("stretch", "snooze")} == {"button"}
    assert cmps["stretch"]["command_topic"] == f"{PREFIX}/cmd/stretch"
    assert cmps["quiet"]["p"] == "switch"
    assert cmps["reminder_event"]["p"] == "event"
    assert "stood_up" in cmps["reminder_event"]["event_types"]
    assert len({c["unique_id"] for c in cmps.values()}) == len(cmps)
    # A clean stop says so, retained, for whoever subscribes later.
    later = Watcher(broker, (f"{PREFIX}/availability",), client_id="late")
    try:
        assert later.wait_for(f"{PREFIX}/availability").payload == b"offline"
    finally:
        later.close()


def test_a_scripted_day_reaches_the_broker_row_for_row(broker: Broker, watcher: Watcher,
                                                       tmp_path: Path) -> None:
    desk = open_desk(mqtt_config(broker), tmp_path / "unslump.db")
    desk.connected()
    desk.device.sit()
    desk.device.run_for(30 * MIN)
    state = watcher.wait_for(f"{PREFIX}/state", lambda m: m.json()["bout_min"] >= 29).json()
    assert state["seated"] is True
    desk.device.run_for(20 * MIN)  # the reminder chimes at 45 min
    watcher.wait_for(f"{PREFIX}/event/reminder", lambda m: m.json()["event_type"] == "chimed")
    desk.device.stand()
    desk.device.run_for(10 * MIN)  # a natural break
    watcher.wait_for(f"{PREFIX}/event/reminder",
                     lambda m: m.json()["event_type"] == "stood_up")
    desk.device.sit()
    desk.device.run_for(20 * MIN)
    desk.device.press()  # the guided stretch, to its end
    desk.device.run_for(10 * MIN)
    watcher.wait_for(f"{PREFIX}/event/routine", lambda m: m.json()["event_type"] == "completed")
    desk.stop()

    rows = log_rows(stopped(watcher))
    assert by_type(rows) == logged_ids(desk.db)
    assert all(row["open"] is False for row in rows.values() if row["type"] != "device")
    final = [m.json() for m in watcher.on(f"{PREFIX}/state")][-1]
    assert final["breaks_natural_today"] == 1
    assert final["breaks_guided_today"] == 1
    assert final["bout_min"] == 0.0  # the stop closed the bout
    assert final["seated"] is True  # while the person is still on the seat
    seqs = [m.json()["seq"] for m in watcher.collect() if "/log/" in m.topic]
    assert seqs == sorted(seqs)  # in order


def listening(desk: Desk, watcher: Watcher) -> None:
    """Connected and subscribed to its commands: the device subscribes, then says "online",
    and the broker handles one client's packets in order, so once "online" is seen a
    command is delivered (one sent earlier would be dropped by the broker, as MQTT does)."""
    desk.connected()
    watcher.wait_for(f"{PREFIX}/availability", lambda m: m.payload == b"online")


def test_a_command_from_the_broker_starts_the_stretch(broker: Broker, watcher: Watcher,
                                                      tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    desk = open_desk(mqtt_config(broker), tmp_path / "unslump.db")
    listening(desk, watcher)
    desk.device.sit()
    desk.device.run_for(MIN)
    with caplog.at_level(logging.WARNING, logger="unslump"):
        watcher.publish(f"{PREFIX}/cmd/stretch", "bogus")
        watcher.publish(f"{PREFIX}/cmd/launch", "PRESS")
        watcher.publish(f"{PREFIX}/cmd/stretch", "PRESS")
        desk.until(lambda: desk.device.runtime.state.name.startswith("routine"),
                   "the command to start the stretch")
    refused = [r.getMessage() for r in caplog.records if "ignored a command" in r.getMessage()]
    assert len(refused) == 2
    assert "'BOGUS' is not allowed; send PRESS" in refused[0]
    desk.stop()


def test_quiet_mode_switch_holds_the_reminder_back(broker: Broker, watcher: Watcher,
                                                   tmp_path: Path) -> None:
    desk = open_desk(mqtt_config(broker), tmp_path / "unslump.db")
    listening(desk, watcher)
    watcher.publish(f"{PREFIX}/cmd/quiet", "ON")
    desk.until(lambda: desk.device.runtime.state.quiet_switch, "quiet mode on")
    desk.device.sit()
    desk.device.run_for(60 * MIN)
    assert desk.device.runtime.state.name == "seated"  # no reminder while quiet
    watcher.wait_for(f"{PREFIX}/state", lambda m: m.json()["quiet"] is True)
    watcher.publish(f"{PREFIX}/cmd/quiet", "OFF")
    desk.until(lambda: not desk.device.runtime.state.quiet_switch, "quiet mode off")
    desk.device.run_for(2 * MIN)
    assert desk.device.runtime.state.name == "reminder"
    desk.stop()


def test_the_broker_down_mid_day_loses_and_doubles_nothing(broker: Broker, watcher: Watcher,
                                                           tmp_path: Path) -> None:
    desk = open_desk(mqtt_config(broker), tmp_path / "unslump.db")
    desk.connected()
    desk.device.sit()
    desk.device.run_for(50 * MIN)
    desk.device.stand()
    desk.device.run_for(5 * MIN)
    broker.stop()
    desk.until(lambda: not desk.link.connected, "the device to notice")
    desk.device.sit()
    desk.device.run_for(40 * MIN)
    desk.device.stand()
    desk.device.run_for(10 * MIN)
    assert desk.store.outbox_depth() > 0  # waiting in the log, not lost
    broker.start()
    desk.until(lambda: desk.link.connected, "the device to reconnect")
    desk.until(lambda: desk.store.outbox_depth() == 0, "the outbox to drain")
    desk.stop()

    messages = stopped(watcher)
    rows = log_rows(messages)
    assert by_type(rows) == logged_ids(desk.db)
    # QoS 1 is "at least once": a message in flight when the broker went may come twice,
    # but then as the same version (id and seq), which a consumer drops; no row is doubled.
    versions: dict[tuple[str, int], bytes] = {}
    for message in messages:
        if "/log/" in message.topic:
            row = message.json()
            assert versions.setdefault((row["id"], row["seq"]), message.payload) == \
                message.payload
    import sqlite3

    with sqlite3.connect(desk.db) as connection:
        logged = sorted(s for (s,) in connection.execute("SELECT seated_s FROM bouts"))
    assert sorted(r["seated_s"] for r in rows.values() if r["type"] == "bout") == logged


def test_a_power_cut_then_boot_sends_what_was_left(broker: Broker, watcher: Watcher,
                                                   tmp_path: Path) -> None:
    config = mqtt_config(broker)
    desk = open_desk(config, tmp_path / "unslump.db")
    desk.connected()
    broker.stop()
    desk.until(lambda: not desk.link.connected, "the device to notice")
    desk.device.sit()
    desk.device.run_for(30 * MIN)
    desk.device.cut_power()  # the outbox is on disk; the process is gone
    broker.start()
    store = SqliteStore.open(desk.db, clock=desk.device.clock, outbox_cap=outbox_cap(config))
    again = Desk(desk.device.boot_again(store), store, desk.db)
    again.until(lambda: again.store.outbox_depth() == 0, "the outbox to drain")
    again.stop()
    rows = log_rows(stopped(watcher))
    bouts = [row for row in rows.values() if row["type"] == "bout"]
    assert [row["ended_by"] for row in bouts] == ["power_loss"]
    assert by_type(rows) == logged_ids(desk.db)


def test_a_wrong_password_is_one_clear_error_and_the_device_runs_on(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broker = Broker(tmp_path / "broker", users={"desk": "right"}).start()
    try:
        secret = tmp_path / "password"
        secret.write_text("wrong\n")
        config = mqtt_config(broker, username="desk", password_file=str(secret))
        with caplog.at_level(logging.INFO, logger="unslump"):
            desk = open_desk(config, tmp_path / "unslump.db")
            desk.until(lambda: any("refused" in r.getMessage() for r in caplog.records),
                       "the refusal")
            desk.device.sit()
            desk.device.run_for(50 * MIN)
            assert desk.device.runtime.state.name == "reminder"
            # It retries on a doubling backoff (1, 2, 4 s ...), not in a tight loop: in
            # the next 2.5 s at most two more attempts reach the broker.
            attempts = broker.log.count("not authorised")
            until = REAL.monotonic() + 2.5
            wait_until(lambda: (desk.pump(), REAL.monotonic() > until)[1], what="2.5 s")
            assert attempts >= 1
            assert broker.log.count("not authorised") - attempts <= 2
            desk.stop()
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert "check [mqtt] username and password_file" in errors[0].getMessage()
        assert logged_ids(desk.db)["bouts"] == 1
    finally:
        broker.stop()


def test_tls_with_a_test_ca(tmp_path: Path) -> None:
    ca, cert, key = make_ca(tmp_path / "pki")
    broker = Broker(tmp_path / "broker", tls=(ca, cert, key)).start()
    try:
        watcher = Watcher(broker, ca_certs=str(ca))
        desk = open_desk(mqtt_config(broker, tls=True, ca_file=str(ca)), tmp_path / "u.db")
        desk.connected()
        assert watcher.wait_for(DISCOVERY).json()["cmps"]["seated"]["p"] == "binary_sensor"
        desk.stop()
        watcher.close()
    finally:
        broker.stop()


def client_cert(pki: Path, name: str = "unslump-desk") -> tuple[Path, Path]:
    """A client certificate signed by the test CA in ``pki``."""
    key, csr, cert = pki / f"{name}.key", pki / f"{name}.csr", pki / f"{name}.crt"
    for args in (("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                  str(csr), "-subj", f"/CN={name}"),
                 ("x509", "-req", "-in", str(csr), "-CA", str(pki / "ca.crt"), "-CAkey",
                  str(pki / "ca.key"), "-CAcreateserial", "-out", str(cert), "-days", "2")):
        subprocess.run(["openssl", *args], check=True, capture_output=True)
    return cert, key


def test_tls_with_a_client_certificate(tmp_path: Path) -> None:
    ca, cert, key = make_ca(tmp_path / "pki")
    broker = Broker(tmp_path / "broker", tls=(ca, cert, key), require_client_cert=True).start()
    try:
        mine, my_key = client_cert(tmp_path / "pki")
        watcher_cert, watcher_key = client_cert(tmp_path / "pki", "watcher")
        watcher = Watcher(broker, ca_certs=str(ca), certfile=str(watcher_cert),
                          keyfile=str(watcher_key))
        config = mqtt_config(broker, tls=True, ca_file=str(ca), cert_file=str(mine),
                             key_file=str(my_key))
        desk = open_desk(config, tmp_path / "u.db")
        desk.connected()
        watcher.wait_for(f"{PREFIX}/availability", lambda m: m.payload == b"online")
        desk.stop()
        watcher.close()
    finally:
        broker.stop()


def test_tls_with_the_wrong_ca_is_refused_clearly(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    from unslump.cli.doctor.broker import check_broker

    ca, cert, key = make_ca(tmp_path / "pki")
    other_ca, _, _ = make_ca(tmp_path / "other")
    broker = Broker(tmp_path / "broker", tls=(ca, cert, key)).start()
    try:
        config = mqtt_config(broker, tls=True, ca_file=str(other_ca))
        (refused,) = check_broker(config, None)
        assert refused.line().startswith(f"FAIL  mqtt broker: 127.0.0.1:{broker.port}: TLS "
                                         "failed (CERTIFICATE_VERIFY_FAILED)")
        with caplog.at_level(logging.WARNING, logger="unslump"):
            desk = open_desk(config, tmp_path / "u.db")
            desk.until(lambda: any("cannot connect" in r.getMessage()
                                   for r in caplog.records), "the refusal")
            desk.device.sit()
            desk.device.run_for(10 * MIN)
            assert desk.device.runtime.state.name == "seated"
            assert not desk.link.connected
            desk.stop()
        (warning,) = [r.getMessage() for r in caplog.records if "cannot connect" in
                      r.getMessage()]
        assert "ca_file names the CA of its certificate" in warning
    finally:
        broker.stop()


def test_without_mqtt_paho_is_never_imported_and_no_socket_opens(tmp_path: Path) -> None:
    script = tmp_path / "day.scn"
    script.write_text("start 2026-11-24T09:00\n0:00 sit\n0:50 stand\n1:00 end\n")
    empty = tmp_path / "config.toml"
    empty.write_text("# no [mqtt]\n")
    probe = (
        "import socket, sys\n"
        "opened = []\n"
        "class Counting(socket.socket):\n"
        "    def __init__(self, *a, **k):\n"
        "        super().__init__(*a, **k); opened.append(self.family)\n"
        "socket.socket = Counting\n"
        "from contextlib import ExitStack\n"
        "from pathlib import Path\n"
        "from bench.assembly import assemble, open_panel\n"
        "from unslump.cli.main import main\n"
        "from unslump.edges.clock import SystemClock\n"
        "from unslump.config.file import Config\n"
        "from unslump.edges.system.sd_notify import Notifier\n"
        f"code = main(['scenario', {str(script)!r}, '--db', {str(tmp_path / 'u.db')!r},"
        f" '--config', {str(empty)!r}])\n"
        "with ExitStack() as stack:\n"  # the service's own assembly, started seated
        "    parts = assemble(stack, Config(), SystemClock(),"
        f" Path({str(tmp_path / 's.db')!r}), Notifier(), open_panel('dummy', Config()))\n"
        "    parts.start_seated()\n"
        "    parts.runtime.stop('probe')\n"
        "inet = [f for f in opened if f in (socket.AF_INET, socket.AF_INET6)]\n"
        "print(code, 'paho' in ' '.join(sys.modules), len(inet), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, cwd=REPO,
                          env={"PATH": "/usr/bin:/bin", "SDL_AUDIODRIVER": "dummy",
                               "HOME": str(tmp_path)})
    assert done.stderr.strip().splitlines()[-1] == "0 False 0"


def test_a_scenario_with_mqtt_drains_its_outbox_at_the_end(broker: Broker, watcher: Watcher,
                                                           tmp_path: Path) -> None:
    script = tmp_path / "day.scn"
    script.write_text("start 2026-11-24T09:00\n0:00 sit\n0:50 stand\n1:00 end\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\n'
                      f'client_id = "unslump-desk"\ntopic_prefix = "{PREFIX}"\n')
    db = tmp_path / "u.db"
    done = subprocess.run([sys.executable, "-m", "unslump", "scenario", str(script), "--db",
                           str(db), "--config", str(config)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    wait_until(lambda: any(json.loads(m.payload).get("what") == "stop"
                           for m in watcher.on(f"{PREFIX}/log/device")), what="the stop row")
    assert by_type(log_rows(watcher.collect())) == logged_ids(db)


def test_doctor_checks_the_broker_login_discovery_and_outbox(broker: Broker,
                                                             tmp_path: Path) -> None:
    from unslump.cli.doctor.broker import check_broker

    config = mqtt_config(broker)
    watcher = Watcher(broker, (DISCOVERY,))
    desk = open_desk(config, tmp_path / "unslump.db")
    desk.connected()
    watcher.wait_for(DISCOVERY)
    watcher.close()
    broker.stop()
    desk.until(lambda: not desk.link.connected, "the device to notice")
    desk.device.sit()
    desk.device.run_for(5 * MIN)
    desk.device.cut_power()
    desk.store.close()
    broker.start()
    lines = [result.line() for result in check_broker(config, desk.db)]
    assert lines[0].startswith(f"ok    mqtt broker: 127.0.0.1:{broker.port} reachable")
    assert lines[1] == f"ok    mqtt discovery: {DISCOVERY} is published"
    assert lines[2].startswith("WARN  mqtt outbox:") and "rows waiting" in lines[2]
    broker.stop()
    (unreachable,) = check_broker(config, desk.db)
    assert unreachable.line().startswith(f"FAIL  mqtt broker: 127.0.0.1:{broker.port} "
                                         "unreachable")
    assert "Fix: check [mqtt] host and port" in unreachable.line()


def test_without_tls_the_service_keeps_openssl_out_and_still_talks(
        broker: Broker, watcher: Watcher, tmp_path: Path) -> None:
    """paho imports ssl (and hashlib) at import: 4.6 MiB of OpenSSL in a 30 MiB service
    whose broker is plain TCP. With ``tls = false`` neither is loaded, nor urllib.request
    (with http.client and email, for a proxy lookup paho makes only with PySocks), and the
    link still connects and publishes (paho's plain-socket code names ssl's exceptions)."""
    config = tmp_path / "config.toml"
    config.write_text(f'[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\n'
                      f'topic_prefix = "{PREFIX}"\n')
    probe = (
        "import sys\n"
        "from unslump.edges.system.lean_imports import keep_service_lean\n"
        "keep_service_lean()\n"  # as `unslump run` does, first thing
        "from contextlib import ExitStack\n"
        "from pathlib import Path\n"
        "from bench.assembly import assemble, open_panel\n"
        "from unslump.app.integrations import keep_paho_lean\n"
        "from unslump.config.file import load_config\n"
        "from unslump.edges.clock import SystemClock\n"
        "from unslump.edges.system.sd_notify import Notifier\n"
        f"config = load_config(Path({str(config)!r}))\n"
        "keep_paho_lean(config)\n"  # as run_device does, before paho loads
        "clock = SystemClock()\n"
        "with ExitStack() as stack:\n"
        f"    parts = assemble(stack, config, clock, Path({str(tmp_path / 'log.db')!r}),"
        " Notifier(env={}), open_panel('dummy', config))\n"
        "    parts.start_seated()\n"
        "    [link] = parts.parts.add_ons\n"
        "    while not link.connected:\n"
        "        parts.events.get(timeout=10)\n"
        "        link.service(clock.monotonic())\n"
        "    link.drain(5.0, clock)\n"
        "    loaded = [m for m in ('ssl', '_ssl', '_hashlib', 'urllib.request', 'http.client',\n"
        "                          'email.message')\n"
        "              if type(sys.modules.get(m, None)).__name__ not in ('NoneType',\n"
        "                                                               'DeferredModule')]\n"
        "    parts.runtime.stop('probe')\n"
        "print('connected', loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, cwd=REPO,
                          env={"PATH": "/usr/bin:/bin", "SDL_AUDIODRIVER": "dummy",
                               "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "connected []"
    watcher.wait_for(f"{PREFIX}/availability", lambda m: m.payload == b"online")


def test_quiet_now_turns_on_when_quiet_hours_begin(broker: Broker, watcher: Watcher,
                                                   tmp_path: Path) -> None:
    """Nothing happens on the device at 20:00, yet the document says "quiet now" then."""
    evening = datetime(2026, 11, 24, 19, 50).astimezone()  # the panel rests by 19:56
    desk = open_desk(mqtt_config(broker), tmp_path / "unslump.db", FakeClock(evening))
    listening(desk, watcher)
    watcher.wait_for(f"{PREFIX}/state", lambda m: m.json()["quiet_now"] is False)
    desk.device.run_for(11 * MIN)
    state = watcher.wait_for(f"{PREFIX}/state", lambda m: m.json()["quiet_now"] is True)
    assert state.json()["quiet"] is False  # the override switch stays off
    desk.stop()


def test_settings_from_home_assistant_are_used_and_kept(broker: Broker, watcher: Watcher,
                                                        tmp_path: Path) -> None:
    from unslump.edges.mqtt.ha_settings import described

    db = tmp_path / "unslump.db"
    desk = open_desk(mqtt_config(broker), db)
    listening(desk, watcher)
    watcher.publish(f"{PREFIX}/cmd/remind_after_min", "20")
    watcher.publish(f"{PREFIX}/cmd/quiet_start", "25:00")  # refused: not a time of day
    watcher.publish(f"{PREFIX}/cmd/quiet_end", "06:30")
    desk.until(lambda: desk.link.live.remind_after_min == 20.0
               and desk.link.live.quiet_end == "06:30", "the settings to arrive")
    desk.device.sit()
    desk.device.run_for(21 * MIN)
    assert desk.device.runtime.state.name == "reminder"  # after 20 minutes, not 45
    desk.stop()
    assert described(db) == [
        f"[quiet] end = '06:30': set from Home Assistant ({tmp_path / 'ha-settings.json'})",
        f"[reminder] remind_after_min = 20.0: set from Home Assistant "
        f"({tmp_path / 'ha-settings.json'})"]
    again = open_desk(mqtt_config(broker), db)  # a restart keeps them
    again.connected()
    state = watcher.wait_for(f"{PREFIX}/state", lambda m: m.json()["remind_after_min"] == 20.0
                             and m.json()["quiet_start"] == "20:00").json()
    assert state["quiet_end"] == "06:30"
    again.stop()
