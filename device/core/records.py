"""Rows the core asks to be written to the break log.

Each record is a small immutable value; the store adapter decides how it is kept. Wall
times are aware datetimes (local offset of the moment); durations are monotonic seconds,
so a wall-clock jump never stretches or shrinks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class BreakKind(StrEnum):
    GUIDED = "guided"  # the stretch routine, started with the button
    NATURAL = "natural"  # the seat stayed empty long enough to count


class Variant(StrEnum):
    SEATED = "seated"
    STANDING = "standing"


class ReminderOutcome(StrEnum):
    STOOD_UP = "stood_up"
    ROUTINE = "routine"
    SNOOZED = "snoozed"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class BoutRecord:
    """One sitting bout: from sitting down to the break that ended it."""

    start: datetime
    end: datetime
    seated_s: float


@dataclass(frozen=True, slots=True)
class BreakRecord:
    """A break: guided (the routine) or natural (an absence long enough to count)."""

    kind: BreakKind
    start: datetime
    end: datetime
    duration_s: float
    completed: bool = True
    variant: Variant | None = None
    repetitions: int | None = None  # repetitions finished (guided only)
    reached: str | None = None  # the phase a stopped routine got to


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    """A reminder and how it ended."""

    at: datetime
    outcome: ReminderOutcome
    response_s: float | None = None  # chime to confirmed standing, when stood up
    chimes: int = 1


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """The safety notice was shown (it is shown once, before the first routine ever)."""

    at: datetime


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """The device started or stopped (written by the runtime, not the core)."""

    at: datetime
    what: str  # "start" or "stop"
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """An error worth keeping for the builder (display lost, store full, ...)."""

    at: datetime
    source: str
    message: str


Record = BoutRecord | BreakRecord | ReminderRecord | NoticeRecord | DeviceRecord | ErrorRecord
