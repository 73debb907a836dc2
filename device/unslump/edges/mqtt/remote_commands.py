"""Commands from the broker, checked before they reach the core.

A command becomes the same kind of event a button press makes, stamped by the one clock
when it arrived; the core then decides, from its mode, what it means (a stretch asked
for during a stretch does nothing). Anything else (an unknown topic, a payload that is
not one of the few allowed, a retained message left on the broker) is refused here with
a reason the caller logs.
"""

from __future__ import annotations

from dataclasses import dataclass

from unslump.core.events import Event, QuietSet, SnoozeRequested, StretchRequested
from unslump.edges.mqtt.topics import Topics
from unslump.errors import UnslumpError
from unslump.ports import Clock

PRESS_PAYLOADS = frozenset({"", "PRESS"})
ON_PAYLOADS = frozenset({"ON", "TRUE", "1"})
OFF_PAYLOADS = frozenset({"OFF", "FALSE", "0"})
MAX_PAYLOAD = 64


class BadCommand(UnslumpError, ValueError):
    """A message on a command topic that is not a command this device takes."""


SETTING_COMMANDS = ("remind_after_min", "snooze_min", "quiet_start", "quiet_end")
"""Settings Home Assistant may change (see :mod:`unslump.edges.mqtt.ha_settings`)."""


@dataclass(frozen=True, slots=True)
class SettingRequest:
    """A new value for a setting, as text; checked by the config's rules on the loop."""

    name: str
    text: str


def parse_command(topics: Topics, topic: str, payload: bytes | bytearray, retained: bool,
                  clock: Clock) -> Event | SettingRequest:
    """The event for one command message; raises :class:`BadCommand` naming what is wrong."""
    if retained:
        raise BadCommand(f"{topic}: a retained command is ignored (clear it with an empty "
                         "retained message); commands must be sent with retain off")
    name = topic.removeprefix(topics.command(""))
    if len(payload) > MAX_PAYLOAD:
        raise BadCommand(f"{topic}: payload of {len(payload)} bytes is too long")
    try:
        text = payload.decode("utf-8").strip().upper()
    except UnicodeDecodeError:
        raise BadCommand(f"{topic}: payload is not UTF-8 text") from None
    at, wall = clock.monotonic(), clock.wall()
    if name in ("stretch", "snooze"):
        if text not in PRESS_PAYLOADS:
            raise BadCommand(f"{topic}: payload {text!r} is not allowed; send PRESS")
        return StretchRequested(at, wall) if name == "stretch" else SnoozeRequested(at, wall)
    if name in SETTING_COMMANDS:
        return SettingRequest(name, text)
    if name == "quiet":
        if text in ON_PAYLOADS | OFF_PAYLOADS:
            return QuietSet(at, wall, on=text in ON_PAYLOADS)
        raise BadCommand(f"{topic}: payload {text!r} is not allowed; send ON or OFF")
    raise BadCommand(f"{topic}: unknown command; allowed: stretch, snooze, quiet, "
                     + ", ".join(SETTING_COMMANDS))
