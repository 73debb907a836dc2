"""How each record becomes a table row, and back.

Kept apart from the connection handling so that the mapping can be read in one place and
the stats queries can turn rows back into the same records the core wrote.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar

from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    DeviceRecord,
    EndedBy,
    ErrorRecord,
    NoticeRecord,
    Record,
    ReminderOutcome,
    ReminderRecord,
    Variant,
)
from unslump.errors import BadRowError

NOTICE_EVENT = "notice"  # device_events.what of a notice answer; the answer is its detail

# No place on Earth is further than 14 hours from UTC: a local day lies inside its UTC
# date widened by this much on each side, which lets the day queries use a plain index.
MAX_OFFSET = timedelta(hours=14)


def utc_text(moment: datetime) -> str:
    """Fixed-width UTC text, so that comparing the text compares the times.

    A naive datetime is taken as system local time (``astimezone`` does that); the core
    always passes aware ones.
    """
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def offset_min(moment: datetime) -> int:
    """The local UTC offset of ``moment`` in whole minutes."""
    aware = moment if moment.tzinfo is not None else moment.astimezone()
    return round((aware.utcoffset() or timedelta()).total_seconds() / 60)


def from_columns(utc: str, offset: int) -> datetime:
    """An aware datetime in the local offset the moment was written with."""
    return datetime.fromisoformat(utc).astimezone(timezone(timedelta(minutes=offset)))


def utc_window(first_day: date, last_day: date) -> tuple[str, str]:
    """UTC text bounds that surely contain every moment whose local date is in the range."""
    start = datetime.combine(first_day, datetime.min.time(), UTC) - MAX_OFFSET
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), UTC) + MAX_OFFSET
    return utc_text(start), utc_text(end)


CLOSE_OPEN_STATEMENTS: tuple[str, ...] = (
    "UPDATE bouts SET ended_by = :ended_by WHERE ended_by IS NULL",
    "UPDATE breaks SET ended_by = :ended_by WHERE ended_by IS NULL",
    "UPDATE reminders SET ended_by = :ended_by, outcome = 'cut_short' WHERE ended_by IS NULL",
)
"""Close every row left open, at its last checkpoint (its ``end`` stays as written)."""


def insert_statement(record: Record) -> tuple[str, tuple[Any, ...]]:
    """The one SQL statement (and its parameters) that stores ``record``.

    A keyed row is an upsert: its first version inserts it, every later one (a
    checkpoint, the close) replaces the columns of the same row, which keeps its id.
    """
    match record:
        case BoutRecord(start=start, end=end, seated_s=seated_s):
            return _upsert(
                "bouts", ("start_utc", "start_offset_min", "end_utc", "end_offset_min",
                          "seated_s"),
                (*_when(start), *_when(end), seated_s), record.key, record.ended_by)
        case BreakRecord():
            return _upsert(
                "breaks", ("kind", "start_utc", "start_offset_min", "end_utc",
                           "end_offset_min", "duration_s", "completed", "variant",
                           "repetitions", "reached", "smooth"),
                (
                    str(record.kind),
                    *_when(record.start),
                    *_when(record.end),
                    record.duration_s,
                    int(record.completed),
                    None if record.variant is None else str(record.variant),
                    record.repetitions,
                    record.reached,
                    None if record.smooth is None else int(record.smooth),
                ),
                record.key, record.ended_by)
        case ReminderRecord(at=at, outcome=outcome, response_s=response_s, chimes=chimes):
            return _upsert(
                "reminders", ("at_utc", "at_offset_min", "outcome", "response_s", "chimes"),
                (*_when(at), None if outcome is None else str(outcome), response_s, chimes),
                record.key, record.ended_by)
        case NoticeRecord(at=at, answer=answer):
            # Every answer is kept with its time (export shows them); the newest counts.
            return (
                "INSERT INTO device_events (at_utc, at_offset_min, what, detail)"
                " VALUES (?, ?, ?, ?)",
                (*_when(at), NOTICE_EVENT, str(answer)),
            )
        case DeviceRecord(at=at, what=what, detail=detail):
            return (
                "INSERT INTO device_events (at_utc, at_offset_min, what, detail)"
                " VALUES (?, ?, ?, ?)",
                (*_when(at), what, detail),
            )
        case ErrorRecord(at=at, source=source, message=message):
            return (
                "INSERT INTO errors (at_utc, at_offset_min, source, message) VALUES (?, ?, ?, ?)",
                (*_when(at), source, message),
            )
    raise TypeError(f"the break log has no table for {type(record).__name__}")


def _upsert(table: str, columns: tuple[str, ...], values: tuple[Any, ...], key: str,
            ended_by: EndedBy | None) -> tuple[str, tuple[Any, ...]]:
    # Table and column names are our own literals, never input.
    names = (*columns, "key", "ended_by")
    sql = (f"INSERT INTO {table} ({', '.join(names)})"
           f" VALUES ({', '.join('?' for _ in names)})")
    if key:
        updates = ", ".join(f"{name} = excluded.{name}" for name in (*columns, "ended_by"))
        sql += f" ON CONFLICT (key) DO UPDATE SET {updates}"
    return sql, (*values, key or None, None if ended_by is None else str(ended_by))


def _key_and_end(row: sqlite3.Row) -> dict[str, Any]:
    ended_by = row["ended_by"]
    return {"key": optional(text, row["key"], "key") or "",
            "ended_by": None if ended_by is None else EndedBy(ended_by)}


R = TypeVar("R")

# What a malformed stored value raises while being turned back into a record: a time that
# is not ISO 8601, an offset that is not a number, a kind outside its enum, a NULL.
_DECODE_ERRORS = (ValueError, TypeError, KeyError, OverflowError, IndexError)


def _decodes(table: str) -> Callable[[Callable[[sqlite3.Row], R]], Callable[[sqlite3.Row], R]]:
    """A row decoder that reports a malformed value as :class:`BadRowError`.

    Bytes can be wrong and still pass ``integrity_check``; a bad value must not crash the
    loop when the stats pages open, nor print a traceback from ``stats``.
    """

    def wrap(decode: Callable[[sqlite3.Row], R]) -> Callable[[sqlite3.Row], R]:
        @functools.wraps(decode)
        def checked(row: sqlite3.Row) -> R:
            try:
                return decode(row)
            except _DECODE_ERRORS as exc:
                raise BadRowError(table, _row_id(row), _describe(exc)) from exc

        return checked

    return wrap


def _row_id(row: sqlite3.Row) -> object:
    try:
        return row["id"]
    except (IndexError, KeyError):
        return "?"


def _describe(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# No stored duration is longer than this (a bout of ten years): a larger one, an infinity
# or text in its place is a damaged byte, and summing it would overflow the stats.
MAX_STORED_S = 10 * 366 * 86400.0


def seconds(value: object, column: str) -> float:
    """A stored duration checked to be a number of seconds from 0 to :data:`MAX_STORED_S`.

    SQLite keeps whatever a damaged byte or another program wrote, whatever the column's
    declared type: text where a number should be, ``1e308``, a negative number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not 0 <= value <= MAX_STORED_S:
        raise ValueError(f"{column} {value!r} is not a number of seconds")
    return float(value)


def whole(value: object, column: str) -> int:
    """A stored count checked to be a whole number (chimes, repetitions)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise ValueError(f"{column} {value!r} is not a whole number")
    return value


def flag(value: object, column: str) -> bool:
    """A stored 0 or 1 (completed, smooth)."""
    if isinstance(value, bool | float) or value not in (0, 1):
        raise ValueError(f"{column} {value!r} is not 0 or 1")
    return bool(value)


def text(value: object, column: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{column} {value!r} is not text")
    return value


def optional(check: Callable[[object, str], R], value: object, column: str) -> R | None:
    """``check`` of a column that may be NULL."""
    return None if value is None else check(value, column)


@_decodes("bouts")
def bout_from_row(row: sqlite3.Row) -> BoutRecord:
    return BoutRecord(
        start=from_columns(row["start_utc"], row["start_offset_min"]),
        end=from_columns(row["end_utc"], row["end_offset_min"]),
        seated_s=seconds(row["seated_s"], "seated_s"),
        **_key_and_end(row),
    )


@_decodes("breaks")
def break_from_row(row: sqlite3.Row) -> BreakRecord:
    return BreakRecord(
        kind=BreakKind(row["kind"]),
        start=from_columns(row["start_utc"], row["start_offset_min"]),
        end=from_columns(row["end_utc"], row["end_offset_min"]),
        duration_s=seconds(row["duration_s"], "duration_s"),
        completed=flag(row["completed"], "completed"),
        variant=None if row["variant"] is None else Variant(row["variant"]),
        repetitions=optional(whole, row["repetitions"], "repetitions"),
        reached=optional(text, row["reached"], "reached"),
        smooth=optional(flag, row["smooth"], "smooth"),
        **_key_and_end(row),
    )


@_decodes("reminders")
def reminder_from_row(row: sqlite3.Row) -> ReminderRecord:
    return ReminderRecord(
        at=from_columns(row["at_utc"], row["at_offset_min"]),
        outcome=None if row["outcome"] is None else ReminderOutcome(row["outcome"]),
        response_s=optional(seconds, row["response_s"], "response_s"),
        chimes=whole(row["chimes"], "chimes"),
        **_key_and_end(row),
    )


@_decodes("device_events")
def device_event_from_row(row: sqlite3.Row) -> DeviceRecord:
    return DeviceRecord(
        at=from_columns(row["at_utc"], row["at_offset_min"]),
        what=row["what"],
        detail=row["detail"],
    )


@_decodes("errors")
def error_from_row(row: sqlite3.Row) -> ErrorRecord:
    return ErrorRecord(
        at=from_columns(row["at_utc"], row["at_offset_min"]),
        source=row["source"],
        message=row["message"],
    )


def _when(moment: datetime) -> tuple[str, int]:
    return utc_text(moment), offset_min(moment)
