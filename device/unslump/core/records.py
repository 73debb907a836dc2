"""Rows the core asks to be written to the break log.

Each record is a small immutable value; the store adapter decides how it is kept. Wall
times are aware datetimes (local offset of the moment); durations are monotonic seconds,
so a wall-clock jump never stretches or shrinks them.
"""

from __future__ import annotations

from collections.abc import MutableSequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class BreakKind(StrEnum):
    """What kind of break a break row is."""

    GUIDED = "guided"  # the stretch routine, started with the button
    NATURAL = "natural"  # the seat stayed empty long enough to count
    WALK = "walk"  # the standing break, for whom the stretch is not right


class Variant(StrEnum):
    """How a routine is done: sitting on the chair, or standing beside it."""

    SEATED = "seated"
    STANDING = "standing"


class ReminderOutcome(StrEnum):
    """How a reminder ended, from the first chime to what the person did."""

    STOOD_UP = "stood_up"
    ROUTINE = "routine"
    SNOOZED = "snoozed"
    IGNORED = "ignored"
    CUT_SHORT = "cut_short"  # the device stopped (or lost power) while it was showing


class EndedBy(StrEnum):
    """How a row that spans time was closed; a row still open has none (``None``).

    Rows that span time (a bout, a break, a reminder) are written when they begin and
    brought forward at checkpoints, so a power cut loses at most one checkpoint interval.
    """

    ENDED = "ended"  # the way the core ends it: a break, the routine's end, an answer
    STOP = "stop"  # the device was stopped cleanly while the row was open
    POWER_LOSS = "power_loss"  # found open at start: closed at its last checkpoint


@dataclass(frozen=True, slots=True)
class BoutRecord:
    """One sitting bout: from sitting down to the break that ended it.

    While the bout is open ``ended_by`` is None and ``end`` is its latest checkpoint; every
    version of one bout carries the same ``key``, so the store keeps the newest.
    """

    start: datetime
    end: datetime
    seated_s: float
    key: str = ""
    ended_by: EndedBy | None = EndedBy.ENDED


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
    key: str = ""  # the same for every version of one break (open, checkpoints, closed)
    ended_by: EndedBy | None = EndedBy.ENDED  # None while under way
    smooth: bool | None = None  # "uncurl smooth?" after a completed stretch; None: no answer


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    """A reminder and how it ended; written at its first chime with no outcome yet."""

    at: datetime
    outcome: ReminderOutcome | None  # None while the reminder is showing
    response_s: float | None = None  # chime to confirmed standing, when stood up
    chimes: int = 1
    key: str = ""
    ended_by: EndedBy | None = EndedBy.ENDED


Spanning = BoutRecord | BreakRecord | ReminderRecord
"""The records that are written open and updated until they end (by their ``key``)."""


def replace_version(rows: MutableSequence[Any], record: Record) -> bool:
    """Put ``record`` in the place of an older version of the same row; False if none.

    Linear, which is right for what it serves: the few rows of a day, the retry buffer.
    """
    same = identity(record)
    if same is None:
        return False
    for index, kept in enumerate(rows):
        if identity(kept) == same:
            rows[index] = record
            return True
    return False


def identity(record: Record) -> tuple[type, str] | None:
    """What makes two versions of a record the same row: its kind and key (None: unkeyed).

    A newer version replaces an older one wherever rows are kept: on disk, in the retry
    buffer, in memory.
    """
    if isinstance(record, BoutRecord | BreakRecord | ReminderRecord) and record.key:
        return type(record), record.key
    return None


class NoticeAnswer(StrEnum):
    """The answer to the safety notice, asked before the first stretch (and after a reset)."""

    UNDERSTOOD = "understood"  # a press: the stretch is fine for me
    DECLINED = "declined"  # a hold: not for me (a disc problem): standing breaks instead
    RESET = "reset"  # asked again before the next stretch


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """The safety notice was answered (or its answer reset), and when."""

    at: datetime
    answer: NoticeAnswer = NoticeAnswer.UNDERSTOOD


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """The device started or stopped (written by the runtime), or quiet mode was switched
    (written by the core)."""

    at: datetime
    what: str  # "start", "stop" or "quiet" (detail "on"/"off")
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """An error worth keeping for the builder (display lost, store full, ...)."""

    at: datetime
    source: str
    message: str


Record = BoutRecord | BreakRecord | ReminderRecord | NoticeRecord | DeviceRecord | ErrorRecord
