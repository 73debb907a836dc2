"""The MQTT parts without a broker: commands, the outbox, the core's remote events."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.paths import REPO
from unslump.config.file import Config, MqttConfig, parse_config
from unslump.core.events import QuietSet, SnoozeRequested, StretchRequested
from unslump.core.records import BoutRecord, DeviceRecord, EndedBy, NoticeAnswer, NoticeRecord
from unslump.edges.clock import FakeClock
from unslump.edges.mqtt.remote_commands import BadCommand, parse_command
from unslump.edges.mqtt.topics import Topics
from unslump.edges.store.memory import MemoryStore
from unslump.edges.store.outbox import row_id
from unslump.edges.store.schema import LATEST_VERSION
from unslump.edges.store.sqlite import SqliteStore
from unslump.errors import ConfigError
from unslump.sim.scenario.harness import VirtualDevice

MORNING = datetime(2026, 11, 24, 9, 0).astimezone()
MIN = 60.0
TOPICS = Topics.of(MqttConfig(host="broker", topic_prefix="unslump/desk"), "desk")


def command(name: str, payload: bytes, retained: bool = False) -> object:
    return parse_command(TOPICS, f"unslump/desk/cmd/{name}", payload, retained,
                         FakeClock(MORNING))


def test_commands_become_events_and_anything_else_is_refused() -> None:
    assert isinstance(command("stretch", b"PRESS"), StretchRequested)
    assert isinstance(command("snooze", b""), SnoozeRequested)
    quiet = command("quiet", b"on")
    assert isinstance(quiet, QuietSet) and quiet.on
    assert command("quiet", b"OFF") == QuietSet(quiet.at, quiet.wall, on=False)
    for name, payload, retained, why in (
            ("stretch", b"now", False, "'NOW' is not allowed; send PRESS"),
            ("quiet", b"maybe", False, "send ON or OFF"),
            ("reboot", b"PRESS", False, "unknown command"),
            ("stretch", b"\xff", False, "not UTF-8"),
            ("stretch", b"P" * 100, False, "too long"),
            ("stretch", b"PRESS", True, "a retained command is ignored")):
        with pytest.raises(BadCommand, match=why):
            command(name, payload, retained)


def test_default_topics_follow_the_host_name() -> None:
    topics = Topics.of(MqttConfig(host="broker"), "desk.local")
    assert topics.prefix == "unslump/desk_local"
    assert topics.client_id == "unslump-desk_local"
    assert topics.discovery == "homeassistant/device/unslump-desk_local/config"


def test_mqtt_section_is_validated() -> None:
    config = parse_config({"mqtt": {"host": "broker", "port": 8883, "tls": True}}, "c.toml")
    assert config.mqtt.enabled
    assert not Config().mqtt.enabled
    with pytest.raises(ConfigError, match=r"\[mqtt\] password: unknown key"):
        parse_config({"mqtt": {"host": "b", "password": "x"}}, "c.toml")


def bout(key: str, seated_s: float, ended_by: EndedBy | None = None) -> BoutRecord:
    return BoutRecord(MORNING, MORNING, seated_s, key=key, ended_by=ended_by)


def test_outbox_keeps_the_newest_version_of_each_row_in_order(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "u.db", outbox_cap=100)
    store.append(DeviceRecord(MORNING, "start"))
    for minute in range(5):
        store.append(bout("a", minute * MIN, None))
    store.append(bout("b", 60.0))
    store.append(bout("a", 300.0))
    rows = store.outbox_waiting(0, 100)
    assert [row.row_id for row in rows] == [row_id(DeviceRecord(MORNING, "start")),
                                            "bout-b", "bout-a"]
    assert [row.seq for row in rows] == sorted(row.seq for row in rows)
    assert '"id":"bout-a"' in rows[-1].payload and '"seated_s":300.0' in rows[-1].payload
    store.outbox_acknowledged([rows[0].seq])
    assert store.outbox_depth() == 2
    store.close()


def test_outbox_is_written_in_the_rows_own_transaction(tmp_path: Path) -> None:
    """A row and its outbox entry commit together: a failing outbox write keeps both out."""
    store = SqliteStore.open(tmp_path / "u.db", outbox_cap=100)
    store.append(bout("a", 1.0))
    with sqlite3.connect(tmp_path / "u.db") as other:
        other.execute("DROP TABLE outbox")
    store.append(bout("b", 1.0))  # refused: it waits in memory, the log is unhealthy
    assert not store.healthy
    with sqlite3.connect(tmp_path / "u.db") as other:
        assert other.execute("SELECT key FROM bouts").fetchall() == [("a",)]
    store.close()


def test_outbox_cap_drops_the_oldest_with_one_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = SqliteStore.open(tmp_path / "u.db", logger=logging.getLogger("device.t"),
                             outbox_cap=100)
    with caplog.at_level(logging.WARNING, logger="device.t"):
        for index in range(150):
            store.append(bout(f"k{index}", 1.0))
    assert store.outbox_depth() == 100
    assert store.outbox_dropped == 50
    assert store.outbox_waiting(0, 1)[0].row_id == "bout-k50"
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "outbox is full" in warnings[0]
    store.close()


def test_without_mqtt_the_log_keeps_no_outbox_rows(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "u.db")
    store.append(bout("a", 1.0))
    assert store.outbox_depth() == 0
    with sqlite3.connect(tmp_path / "u.db") as other:
        assert other.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
    store.close()


def device() -> VirtualDevice:
    """A desk whose owner has answered the safety notice: a remote stretch starts it (with
    no answer yet, it shows the notice, which only the button can answer)."""
    store = MemoryStore()
    store.append(NoticeRecord(MORNING, NoticeAnswer.UNDERSTOOD))
    return VirtualDevice.build(Config(), store, wall_start=MORNING)


def test_a_remote_stretch_before_the_notice_is_answered_only_shows_the_notice() -> None:
    desk = VirtualDevice.build(Config(), MemoryStore(), wall_start=MORNING)
    send(desk, StretchRequested)
    assert desk.runtime.state.name == "notice"


def send(machine: VirtualDevice, event_type: type, **fields: object) -> None:
    now = machine.clock
    machine.events.put(event_type(now.monotonic(), now.wall(), **fields))
    machine.run_for(0)


def test_a_remote_stretch_starts_like_a_press_and_is_ignored_during_one() -> None:
    desk = device()
    send(desk, StretchRequested)
    assert desk.runtime.state.name.startswith("routine")
    before = desk.runtime.state
    send(desk, StretchRequested)
    assert desk.runtime.state.mode == before.mode


def test_a_remote_stretch_at_the_reminder_answers_it() -> None:
    desk = device()
    desk.sit()
    desk.run_for(46 * MIN)
    assert desk.runtime.state.name == "reminder"
    send(desk, StretchRequested)
    assert desk.runtime.state.name.startswith("routine")
    assert any(getattr(r, "outcome", None) == "routine" for r in desk.store.records)


def test_a_remote_snooze_only_snoozes_a_reminder() -> None:
    desk = device()
    send(desk, SnoozeRequested)
    assert desk.runtime.state.name == "away"
    desk.sit()
    desk.run_for(46 * MIN)
    send(desk, SnoozeRequested)
    assert desk.runtime.state.name == "snoozed"


def test_quiet_mode_is_logged_once_per_change_and_silences_the_reminder() -> None:
    desk = device()
    send(desk, QuietSet, on=True)
    send(desk, QuietSet, on=True)
    desk.sit()
    desk.run_for(90 * MIN)
    assert desk.runtime.state.name == "seated"
    assert not desk.audio.played
    send(desk, QuietSet, on=False)
    desk.run_for(MIN + 1)
    assert desk.runtime.state.name == "reminder"
    switched = [r.detail for r in desk.store.records
                if isinstance(r, DeviceRecord) and r.what == "quiet"]
    assert switched == ["on", "off"]


def test_the_readme_shows_the_entities_the_discovery_payload_announces() -> None:
    from unslump.edges.mqtt.discovery import entities_table

    readme = (REPO / "README.md").read_text()
    assert entities_table(Topics.of(MqttConfig(host="b"), "desk")) in readme


def test_mqtt_without_paho_installed_is_one_clear_config_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "paho", None)
    monkeypatch.delitem(sys.modules, "unslump.edges.mqtt.link", raising=False)
    config = Config(mqtt=MqttConfig(host="127.0.0.1"))
    store = SqliteStore.open(tmp_path / "u.db", outbox_cap=100)
    with pytest.raises(ConfigError, match=r"paho-mqtt is not installed: install Unslump "
                       r"with its mqtt extra"):
        VirtualDevice.build(config, store, wall_start=MORNING)
    store.close()


def test_doctor_says_when_paho_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from unslump.cli.doctor.command import _broker_checks

    monkeypatch.setitem(sys.modules, "paho", None)
    monkeypatch.delitem(sys.modules, "unslump.cli.doctor.broker", raising=False)
    monkeypatch.delitem(sys.modules, "unslump.edges.mqtt.link", raising=False)
    (result,) = _broker_checks(Config(mqtt=MqttConfig(host="b")), None, None, None)  # type: ignore[arg-type]
    assert result.line() == ("FAIL  mqtt broker: [mqtt] host is set but paho-mqtt is not "
                             "installed. Fix: install Unslump with its mqtt extra (pip "
                             "install 'unslump[mqtt]'), or remove [mqtt] from the config")
    assert _broker_checks(Config(), None, None, None) == []  # type: ignore[arg-type]
