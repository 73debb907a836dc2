"""The Home Assistant device: the discovery payload's entities and the state document's
values, without a broker (the device runs in the scenario harness, fake clock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from unslump.config.file import Config, MqttConfig, QuietConfig, RoutineConfig
from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    NoticeAnswer,
    NoticeRecord,
    ReminderOutcome,
    ReminderRecord,
)
from unslump.edges.clock import FakeClock
from unslump.edges.mqtt.discovery import components, discovery_payload
from unslump.edges.mqtt.live import MODES, LiveState, mode_of
from unslump.edges.store.memory import MemoryStore
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.scenario.harness import VirtualDevice

MORNING = datetime(2026, 11, 24, 9, 0).astimezone()
MIN = 60.0
TOPICS_CONFIG = MqttConfig(host="broker", topic_prefix="unslump/desk")
CONFIG = replace(Config(), routine=RoutineConfig(repetitions=1))


def topics(**keys: str):  # type: ignore[no-untyped-def]
    from unslump.edges.mqtt.topics import Topics

    return Topics.of(replace(TOPICS_CONFIG, **keys), "desk1")


def test_every_component_asks_home_assistant_for_qos_1() -> None:
    # HA passes only availability, topics and payloads down from the device level.
    cmps = discovery_payload(topics())["cmps"]
    assert cmps and all(component.get("qos") == 1 for component in cmps.values())


def test_the_device_is_named_from_config_or_the_host_not_the_client_id() -> None:
    assert discovery_payload(topics())["dev"]["name"] == "Unslump desk1"
    named = discovery_payload(topics(name="Anna's desk", area="Office"))["dev"]
    assert named["name"] == "Anna's desk"
    assert named["sa"] == "Office"
    assert "sa" not in discovery_payload(topics())["dev"]


def test_entities_carry_the_classes_home_assistant_documents() -> None:
    cmps = components(topics())
    streak = cmps["streak_days"]
    assert "device_class" not in streak and streak["unit_of_measurement"] == "days"
    assert cmps["mode"]["device_class"] == "enum"
    assert cmps["mode"]["options"] == list(MODES)
    assert "state_class" not in cmps["mode"] and "unit_of_measurement" not in cmps["mode"]
    for moment in ("last_break_at", "last_stood_up_at", "next_reminder_at", "started_at"):
        assert cmps[moment]["device_class"] == "timestamp"
        assert "state_class" not in cmps[moment]
    for total in ("sitting_today_min", "bouts_today", "snoozes_today",
                  "stretches_stopped_today"):
        assert cmps[total]["state_class"] == "total_increasing"
    assert (cmps["longest_sit_today_min"]["device_class"],
            cmps["longest_sit_today_min"]["unit_of_measurement"]) == ("duration", "min")
    assert cmps["median_response_s"]["unit_of_measurement"] == "s"
    diagnostic = {key for key, c in cmps.items() if c.get("entity_category") == "diagnostic"}
    assert diagnostic == {"outbox_rows", "started_at", "reconnects", "log_problem"}
    assert cmps["seated"]["device_class"] == "occupancy"
    assert cmps["quiet_now"]["p"] == "binary_sensor"
    assert cmps["quiet"]["p"] == "switch"
    document = LiveState().document()
    for key, component in cmps.items():  # every sensor reads a field the document has
        if component.get("state_topic", "").endswith("/state") and key != "quiet":
            assert key in document, key


def desk(wall: datetime = MORNING, config: Config = CONFIG) -> tuple[VirtualDevice, list[str]]:
    """A device whose mode sensor is read after every step."""
    clock = FakeClock(wall)
    store = MemoryStore()
    store.append(NoticeRecord(wall, NoticeAnswer.UNDERSTOOD))
    device = VirtualDevice.build(config, store, clock=clock)
    return device, []


def modes_through(device: VirtualDevice, seen: list[str]) -> None:
    mode = mode_of(device.runtime.state)
    if not seen or seen[-1] != mode:
        seen.append(mode)


def test_the_mode_sensor_follows_a_day() -> None:
    device, seen = desk()

    def run(seconds: float) -> None:  # the mode, looked at every 5 s
        for _ in range(int(seconds // 5)):
            device.run_for(5)
            modes_through(device, seen)

    modes_through(device, seen)
    device.sit()
    run(46 * MIN)  # the reminder chimes at 45 min
    device.hold()  # snooze: "snoozed" until the reminder comes back
    run(11 * MIN)
    device.press()  # the stretch
    run(20)
    device.press()  # paused: still the stretch
    run(20)
    device.press()
    run(10 * MIN)  # to its end, the done screen, and seated again
    device.stand()
    run(MIN)
    assert seen == ["away", "seated", "reminder", "snoozed", "reminder", "stretch", "done",
                    "seated", "away"]


def test_the_notice_is_a_mode_and_the_stats_pages_are_not() -> None:
    clock = FakeClock(MORNING)
    device = VirtualDevice.build(CONFIG, MemoryStore(), clock=clock)  # notice unanswered
    device.sit()
    device.run_for(10)
    device.press()
    assert mode_of(device.runtime.state) == "notice"
    device.run_for(MIN)  # unanswered: back to idle
    device.hold()  # the stats pages
    assert device.runtime.state.name == "stats"
    assert mode_of(device.runtime.state) == "seated"


def live_after(device: VirtualDevice) -> LiveState:
    state = device.runtime.state
    from unslump.core.state import Now

    now = Now(device.clock.monotonic(), device.clock.wall())
    return LiveState().with_device(state, now, device.config)


def test_seated_is_the_seat_not_the_bout() -> None:
    device, _ = desk()
    device.sit()
    device.run_for(MIN)
    assert live_after(device).seated and live_after(device).bout_open
    device.stand()
    device.run_for(CONFIG.seat.stand_confirm_s + 1)
    live = live_after(device)
    assert not live.seated and live.bout_open  # the bout stays open through a short absence
    assert live.last_stood_up_at == (MORNING + timedelta(seconds=MIN)).isoformat()
    device.run_for(4 * MIN)
    assert not live_after(device).bout_open


def test_seated_stays_on_through_the_end_of_a_stretch() -> None:
    device, _ = desk()
    device.sit()
    device.run_for(5 * MIN)
    device.press()
    seen = set()
    for _ in range(40):  # the whole stretch and its end screen, seated throughout
        device.run_for(10)
        seen.add(live_after(device).seated)
    assert seen == {True}


def test_quiet_now_in_quiet_hours_with_the_switch_off() -> None:
    evening = datetime(2026, 11, 24, 21, 0).astimezone()
    device, _ = desk(evening)
    live = live_after(device)
    assert live.quiet_now and not live.quiet
    device, _ = desk(MORNING)
    assert not live_after(device).quiet_now


def test_next_reminder_is_when_it_will_chime() -> None:
    device, _ = desk()
    device.sit()
    device.run_for(10 * MIN)
    due = MORNING + timedelta(minutes=45)
    assert live_after(device).next_reminder_at == due.isoformat()
    never = replace(CONFIG, quiet=QuietConfig(start=datetime(2000, 1, 1, 9, 30).time(),
                                              end=datetime(2000, 1, 1, 12, 0).time()))
    device, _ = desk(config=never)
    device.sit()
    device.run_for(10 * MIN)
    assert live_after(device).next_reminder_at == MORNING.replace(hour=12).isoformat()


def test_last_response_break_and_stand_up_are_rebuilt_from_the_log(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "u.db")
    store.append(ReminderRecord(MORNING, ReminderOutcome.STOOD_UP, response_s=42.25, key="r"))
    left = MORNING + timedelta(minutes=50)
    store.append(BoutRecord(MORNING, left, 3000.0, key="b"))
    store.append(BreakRecord(BreakKind.NATURAL, left, left + timedelta(minutes=7), 420.0,
                             key="n"))
    store.close()
    store = SqliteStore.open(tmp_path / "u.db")
    today = MORNING.date()
    live = LiveState().with_history(*store.latest_ends(today, today),
                                    store.response_times(today, today))
    store.close()
    assert live.last_response_s == 42.2
    assert live.last_stood_up_at == left.isoformat()
    assert live.last_break_at == (left + timedelta(minutes=7)).isoformat()


def test_settings_home_assistant_may_change_are_checked_by_the_config_rules(
        tmp_path: Path) -> None:
    from unslump.edges.mqtt import ha_settings
    from unslump.errors import ConfigError

    by_name = ha_settings.BY_NAME
    assert ha_settings.checked(by_name["snooze_min"], "5") == 5.0
    assert ha_settings.checked(by_name["quiet_start"], "21:30") == "21:30"
    for name, text, why in (("remind_after_min", "0", "remind_after_min"),
                            ("remind_after_min", "soon", "not a number"),
                            ("quiet_end", "7 o'clock", "end")):
        with pytest.raises(ConfigError, match=why):
            ha_settings.checked(by_name[name], text)
    config = ha_settings.apply(CONFIG, {"snooze_min": 5.0, "quiet_start": "21:30"})
    assert config.reminder.snooze_min == 5.0
    assert config.quiet.start.strftime("%H:%M") == "21:30"
    assert config.reminder.remind_after_min == CONFIG.reminder.remind_after_min
    cmps = components(topics())
    assert {cmps[name]["p"] for name in ("remind_after_min", "snooze_min")} == {"number"}
    assert {cmps[name]["p"] for name in ("quiet_start", "quiet_end")} == {"text"}
    assert all(cmps[setting.name]["entity_category"] == "config"
               for setting in ha_settings.SETTINGS)
    (tmp_path / "ha-settings.json").write_text("[1, 2]")
    with pytest.raises(ConfigError, match="delete the file"):
        ha_settings.settled(CONFIG, tmp_path / "unslump.db")
