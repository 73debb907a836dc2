"""Inputs to the core, each stamped when it happened.

``at`` is monotonic seconds (for every duration); ``wall`` is the local wall time sampled
at the same moment (for the calendar only). Both come from the one clock adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened at monotonic second ``at`` (wall time ``wall``)."""

    at: float
    wall: datetime


@dataclass(frozen=True, slots=True)
class ButtonDown(Event):
    """The button went down (pressed)."""


@dataclass(frozen=True, slots=True)
class ButtonUp(Event):
    """The button came up (released)."""


@dataclass(frozen=True, slots=True)
class SeatOccupied(Event):
    """The seat sensor reports contact (a raw edge, not yet confirmed)."""


@dataclass(frozen=True, slots=True)
class SeatVacated(Event):
    """The seat sensor reports no contact (a raw edge, not yet confirmed)."""


@dataclass(frozen=True, slots=True)
class DeadlineReached(Event):
    """The earliest deadline the core asked for has come."""


@dataclass(frozen=True, slots=True)
class StatsLoaded(Event):
    """The stats pages, read from the log in answer to a LoadStats effect."""

    pages: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class StretchRequested(Event):
    """Start the stretch, asked from afar (an MQTT command): what a press at idle or at a
    reminder does. Ignored while a stretch is already under way."""


@dataclass(frozen=True, slots=True)
class SnoozeRequested(Event):
    """Snooze the reminder showing, asked from afar: what a hold at the reminder does."""


@dataclass(frozen=True, slots=True)
class QuietSet(Event):
    """Quiet mode switched on or off from afar: no reminders, no unasked sound, while on."""

    on: bool = False

