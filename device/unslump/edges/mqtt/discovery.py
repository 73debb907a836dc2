"""Home Assistant device-based discovery: one HA device per Unslump, every entity in one
retained message on ``<discovery_prefix>/device/<device_id>/config``.

Device classes, units and state classes are the ones Home Assistant documents for each
kind of value, so history graphs and long-term statistics work without YAML: durations
are ``duration`` sensors in minutes or seconds, day totals are ``total_increasing`` (the
drop at midnight is a reset; within a day they never go down), live values are
``measurement``, moments are ``timestamp`` (ISO 8601 with the offset), the device's mode
is an ``enum``. Every sensor reads one retained JSON document on ``<prefix>/state``; the
events, buttons and switch have their own topics.

Home Assistant passes only the shared options (availability, topics, payloads) from the
device level down to the components: ``qos`` given there is accepted and dropped. So every
component carries ``"qos": 1`` itself, and HA subscribes and sends commands at QoS 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from unslump import __version__
from unslump.edges.mqtt.live import MODES
from unslump.edges.mqtt.topics import Topics

QOS = 1


@dataclass(frozen=True, slots=True)
class Sensor:
    """One sensor (or binary sensor) read from the state document's ``field``."""

    field: str
    name: str
    platform: str = "sensor"
    device_class: str | None = None
    unit: str | None = None
    state_class: str | None = None
    icon: str | None = None
    diagnostic: bool = False
    options: tuple[str, ...] = ()  # an enum sensor's states


def _duration(field: str, name: str, unit: str, state_class: str = "measurement") -> Sensor:
    return Sensor(field, name, device_class="duration", unit=unit, state_class=state_class)


def _count(field: str, name: str, icon: str) -> Sensor:
    """A count of the day's events: ``total_increasing``, back to 0 at midnight."""
    return Sensor(field, name, state_class="total_increasing", icon=icon)


def _moment(field: str, name: str, icon: str | None = None,
            diagnostic: bool = False) -> Sensor:
    return Sensor(field, name, device_class="timestamp", icon=icon, diagnostic=diagnostic)


SENSORS: tuple[Sensor, ...] = (
    Sensor("seated", "Seated", platform="binary_sensor", device_class="occupancy"),
    Sensor("bout_open", "Bout open", platform="binary_sensor", icon="mdi:seat-recline-normal"),
    Sensor("quiet_now", "Quiet now", platform="binary_sensor", icon="mdi:bell-sleep"),
    Sensor("mode", "Mode", device_class="enum", options=MODES, icon="mdi:state-machine"),
    _duration("bout_min", "Current bout", "min"),
    _duration("sitting_today_min", "Sitting today", "min", "total_increasing"),
    _duration("longest_sit_today_min", "Longest sit today", "min"),
    _count("bouts_today", "Bouts today", "mdi:seat-recline-normal"),
    _count("breaks_guided_today", "Guided breaks today", "mdi:human-handsup"),
    _count("breaks_natural_today", "Natural breaks today", "mdi:walk"),
    _count("stretches_stopped_today", "Stretches stopped today", "mdi:stop-circle-outline"),
    _count("reminders_today", "Reminders today", "mdi:bell-ring-outline"),
    _count("snoozes_today", "Snoozes today", "mdi:alarm-snooze"),
    _duration("last_response_s", "Last reminder response", "s"),
    _duration("median_response_s", "Median response today", "s"),
    Sensor("streak_days", "Streak", unit="days", state_class="measurement", icon="mdi:fire"),
    Sensor("practice_level", "Practice level", state_class="measurement",
           icon="mdi:human-handsdown"),
    _moment("last_break_at", "Last break", "mdi:coffee-outline"),
    _moment("last_stood_up_at", "Last stood up", "mdi:human-greeting"),
    _moment("next_reminder_at", "Next reminder", "mdi:bell-clock-outline"),
    Sensor("outbox_rows", "Outbox", unit="rows", state_class="measurement",
           icon="mdi:tray-full", diagnostic=True),
    _moment("started_at", "Last start", diagnostic=True),
    Sensor("reconnects", "Broker reconnects", state_class="total_increasing",
           icon="mdi:lan-disconnect", diagnostic=True),
    Sensor("log_problem", "Break log", platform="binary_sensor", device_class="problem",
           diagnostic=True),
)

REMINDER_EVENTS = ("chimed", "stood_up", "routine", "snoozed", "ignored", "cut_short")
ROUTINE_EVENTS = ("completed", "stopped")


def _sensor_component(topics: Topics, sensor: Sensor) -> dict[str, Any]:
    component: dict[str, Any] = {
        "p": sensor.platform, "name": sensor.name,
        "unique_id": f"{topics.device_id}_{sensor.field}",
        "state_topic": topics.state,
    }
    if sensor.platform == "binary_sensor":
        component["value_template"] = (
            "{{ 'ON' if value_json.%s else 'OFF' }}" % sensor.field)  # noqa: UP031
    else:
        component["value_template"] = "{{ value_json.%s }}" % sensor.field  # noqa: UP031
    for option, value in (("device_class", sensor.device_class),
                          ("unit_of_measurement", sensor.unit),
                          ("state_class", sensor.state_class), ("icon", sensor.icon)):
        if value is not None:
            component[option] = value
    if sensor.options:
        component["options"] = list(sensor.options)
    if sensor.diagnostic:
        component["entity_category"] = "diagnostic"
    return component


def components(topics: Topics) -> dict[str, dict[str, Any]]:
    """Every entity of the device, by its key in the discovery payload."""
    found: dict[str, dict[str, Any]] = {
        sensor.field: _sensor_component(topics, sensor) for sensor in SENSORS}
    for name, label, types in (("reminder", "Reminder", REMINDER_EVENTS),
                               ("routine", "Routine", ROUTINE_EVENTS)):
        found[f"{name}_event"] = {
            "p": "event", "name": label, "unique_id": f"{topics.device_id}_{name}_event",
            "state_topic": topics.event(name), "event_types": list(types),
        }
    for name, label, icon in (("stretch", "Start stretch", "mdi:human-handsdown"),
                              ("snooze", "Snooze", "mdi:alarm-snooze")):
        found[name] = {
            "p": "button", "name": label, "unique_id": f"{topics.device_id}_{name}",
            "command_topic": topics.command(name), "payload_press": "PRESS", "icon": icon,
        }
    for name, label, low, high in (("remind_after_min", "Remind after", 1, 480),
                                   ("snooze_min", "Snooze length", 1, 120)):
        found[name] = {
            "p": "number", "name": label, "unique_id": f"{topics.device_id}_{name}",
            "command_topic": topics.command(name), "state_topic": topics.state,
            "value_template": "{{ value_json.%s }}" % name,  # noqa: UP031
            "min": low, "max": high, "step": 1, "mode": "box", "device_class": "duration",
            "unit_of_measurement": "min", "entity_category": "config",
        }
    # HA 2026.2's MQTT integration has no time platform: the quiet window is two text
    # entities that take HH:MM only (the device checks again, as for its config file).
    for name, label in (("quiet_start", "Quiet from"), ("quiet_end", "Quiet until")):
        found[name] = {
            "p": "text", "name": label, "unique_id": f"{topics.device_id}_{name}",
            "command_topic": topics.command(name), "state_topic": topics.state,
            "value_template": "{{ value_json.%s }}" % name,  # noqa: UP031
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "min": 5, "max": 5,
            "entity_category": "config", "icon": "mdi:clock-outline",
        }
    found["quiet"] = {
        "p": "switch", "name": "Quiet mode", "unique_id": f"{topics.device_id}_quiet",
        "command_topic": topics.command("quiet"), "state_topic": topics.state,
        "value_template": "{{ 'ON' if value_json.quiet else 'OFF' }}",
        "payload_on": "ON", "payload_off": "OFF", "state_on": "ON", "state_off": "OFF",
        "icon": "mdi:volume-off",
    }
    for component in found.values():
        component["qos"] = QOS
    return found


def discovery_payload(topics: Topics) -> dict[str, Any]:
    """The whole device: its identity, availability and every component."""
    device: dict[str, Any] = {"ids": [topics.device_id], "name": topics.device_name,
                              "mf": "Unslump", "mdl": "Unslump desk companion",
                              "sw": __version__}
    if topics.area:
        device["sa"] = topics.area
    return {
        "dev": device,
        "o": {"name": "unslump", "sw": __version__},
        "availability_topic": topics.availability,
        "payload_available": "online",
        "payload_not_available": "offline",
        "qos": QOS,
        "cmps": components(topics),
    }


def entities_table(topics: Topics) -> str:
    """The discovery payload as a Markdown table: the README's picture of the HA device,
    checked against the payload by a test."""
    rows = ["| Entity | Platform | Device class | Unit | State class | Field or topic |",
            "|---|---|---|---|---|---|"]
    for key, component in components(topics).items():
        topic = component.get("command_topic") or component["state_topic"]
        where = (f"`{key}`" if topic == topics.state and "command_topic" not in component
                 else "`{}`".format(topic.replace(topics.prefix, "<prefix>")))
        name = component["name"] + (" (diagnostic)" if "entity_category" in component else "")
        rows.append("| {} | {} | {} | {} | {} | {} |".format(
            name, component["p"], component.get("device_class", ""),
            component.get("unit_of_measurement", ""), component.get("state_class", ""),
            where))
    return "\n".join(rows)
