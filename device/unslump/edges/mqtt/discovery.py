"""Home Assistant device-based discovery: one HA device per Unslump, every entity in one
retained message on ``<discovery_prefix>/device/<device_id>/config``.

Device classes, units and state classes are chosen so that history graphs and long-term
statistics work without YAML: durations are ``duration`` sensors in minutes or seconds,
day totals are ``total_increasing`` (Home Assistant treats the drop at midnight as a
reset), and live values are ``measurement``. Every sensor reads one retained JSON
document on ``<prefix>/state``; the events, buttons and switch have their own topics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from unslump import __version__
from unslump.edges.mqtt.topics import Topics


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


SENSORS: tuple[Sensor, ...] = (
    Sensor("seated", "Seated", platform="binary_sensor", device_class="occupancy"),
    Sensor("bout_min", "Current bout", device_class="duration", unit="min",
           state_class="measurement"),
    Sensor("sitting_today_min", "Sitting today", device_class="duration", unit="min",
           state_class="total_increasing"),
    Sensor("breaks_guided_today", "Guided breaks today", state_class="total_increasing",
           icon="mdi:human-handsup"),
    Sensor("breaks_natural_today", "Natural breaks today", state_class="total_increasing",
           icon="mdi:walk"),
    Sensor("reminders_today", "Reminders today", state_class="total_increasing",
           icon="mdi:bell-ring-outline"),
    Sensor("last_response_s", "Last reminder response", device_class="duration", unit="s",
           state_class="measurement"),
    Sensor("streak_days", "Streak", device_class="duration", unit="d",
           state_class="measurement", icon="mdi:fire"),
    Sensor("practice_level", "Practice level", state_class="measurement",
           icon="mdi:human-handsdown"),
)

REMINDER_EVENTS = ("chimed", "stood_up", "routine", "snoozed", "ignored", "cut_short")
ROUTINE_EVENTS = ("completed", "stopped")


def discovery_payload(topics: Topics, device_name: str) -> dict[str, Any]:
    """The whole device: its identity, availability and every component."""
    components: dict[str, dict[str, Any]] = {}
    for sensor in SENSORS:
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
        components[sensor.field] = component
    for name, label, types in (("reminder", "Reminder", REMINDER_EVENTS),
                               ("routine", "Routine", ROUTINE_EVENTS)):
        components[f"{name}_event"] = {
            "p": "event", "name": label, "unique_id": f"{topics.device_id}_{name}_event",
            "state_topic": topics.event(name), "event_types": list(types),
        }
    for name, label, icon in (("stretch", "Start stretch", "mdi:human-handsdown"),
                              ("snooze", "Snooze", "mdi:alarm-snooze")):
        components[name] = {
            "p": "button", "name": label, "unique_id": f"{topics.device_id}_{name}",
            "command_topic": topics.command(name), "payload_press": "PRESS", "icon": icon,
        }
    components["quiet"] = {
        "p": "switch", "name": "Quiet mode", "unique_id": f"{topics.device_id}_quiet",
        "command_topic": topics.command("quiet"), "state_topic": topics.state,
        "value_template": "{{ 'ON' if value_json.quiet else 'OFF' }}",
        "payload_on": "ON", "payload_off": "OFF", "state_on": "ON", "state_off": "OFF",
        "icon": "mdi:volume-off",
    }
    return {
        "dev": {"ids": [topics.device_id], "name": device_name, "mf": "Unslump",
                "mdl": "Unslump desk companion", "sw": __version__},
        "o": {"name": "unslump", "sw": __version__},
        "availability_topic": topics.availability,
        "payload_available": "online",
        "payload_not_available": "offline",
        "qos": 1,
        "cmps": components,
    }


def entities_table(topics: Topics) -> str:
    """The discovery payload as a Markdown table: the README's picture of the HA device,
    checked against the payload by a test."""
    rows = ["| Entity | Platform | Device class | Unit | State class | Topic |",
            "|---|---|---|---|---|---|"]
    for component in discovery_payload(topics, "Unslump")["cmps"].values():
        topic = component.get("command_topic") or component["state_topic"]
        rows.append("| {} | {} | {} | {} | {} | `{}` |".format(
            component["name"], component["p"], component.get("device_class", ""),
            component.get("unit_of_measurement", ""), component.get("state_class", ""),
            topic.replace(topics.prefix, "<prefix>")))
    return "\n".join(rows)
