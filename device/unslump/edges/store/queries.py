"""The numbers on the stats pages, computed from the break log.

Two halves: ``load_rows`` reads the rows near some days from SQLite (a pure read), and
``summarize_days`` turns records into per-day summaries without touching any database.
The split lets :class:`~unslump.edges.store.memory.MemoryStore` and rows still waiting in the
SQLite store's retry buffer give the very same answers as rows already on disk.

A day is a local calendar day, in the local time of each moment (the UTC offset stored
beside it). A sitting bout across midnight is split between the days it touches: its
``seated_s`` (monotonic, so immune to wall-clock jumps) is shared in proportion to the wall
time it overlaps each day, midnight taken in the offset of the bout's start. It counts as
one bout on each day it touches, and ``longest_sit_s`` is the longest such share.
"""

from __future__ import annotations

import logging
import sqlite3
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any, TypeVar

from unslump.core.day_stats import DaySummary
from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    NoticeAnswer,
    Record,
    ReminderOutcome,
    ReminderRecord,
    replace_version,
)
from unslump.edges.store.rows import (
    NOTICE_EVENT,
    bout_from_row,
    break_from_row,
    from_columns,
    reminder_from_row,
    utc_window,
)
from unslump.errors import BadRowError


@dataclass(slots=True)
class LogRows:
    """The records the stats are made of, by kind."""

    bouts: list[BoutRecord] = field(default_factory=list)
    breaks: list[BreakRecord] = field(default_factory=list)
    reminders: list[ReminderRecord] = field(default_factory=list)

    def add(self, records: Iterable[Record]) -> LogRows:
        """Sort ``records`` in by kind (other kinds are not part of the stats).

        A newer version of a row already here (the same key: a checkpoint still waiting
        for the disk) replaces it, so no bout is counted twice.
        """
        for record in records:
            match record:
                case BoutRecord():
                    _put(self.bouts, record)
                case BreakRecord():
                    _put(self.breaks, record)
                case ReminderRecord():
                    _put(self.reminders, record)
        return self


BadRows = Callable[[BadRowError], None]
"""Told of each row that cannot be read back; the row is then left out of the answer."""

_log = logging.getLogger(__name__)


def warn_bad_row(error: BadRowError) -> None:
    """The default for a row that cannot be read: one warning naming it, and on without it.

    A damaged byte in one row must not take the stats (or the device) down with it.
    """
    _log.warning("break log: left out %s", error.row_problem)


R = TypeVar("R")


def decoded(raws: Iterable[sqlite3.Row], decode: Callable[[sqlite3.Row], R],
            bad: BadRows) -> list[R]:
    """``decode`` of each row, leaving out (and telling ``bad`` of) each one it refuses."""
    records = []
    for raw in raws:
        try:
            records.append(decode(raw))
        except BadRowError as error:
            bad(error)
    return records


def _put(rows: list[Any], record: Record) -> None:
    if not replace_version(rows, record):
        rows.append(record)


def load_rows(connection: sqlite3.Connection, first_day: date, last_day: date,
              bad: BadRows = warn_bad_row) -> LogRows:
    """Every bout, break and reminder that may touch the local days in the range.

    The UTC window is wider than the days (by the largest possible offset), so a few
    rows from neighbouring days may come back; :func:`summarize_days` filters exactly.
    A row holding a value that cannot be read back is left out and ``bad`` told of it.
    """
    low, high = utc_window(first_day, last_day)
    return LogRows(
        bouts=decoded(_fetch(
            connection,
            # A bout whose end is before its start (the wall clock was set back during
            # it) belongs to its start day: keep it by its start too.
            "SELECT * FROM bouts WHERE start_utc < ? AND (end_utc >= ? OR start_utc >= ?)"
            " ORDER BY id",
            (high, low, low)), bout_from_row, bad),
        breaks=decoded(_fetch(
            connection,
            "SELECT * FROM breaks WHERE start_utc >= ? AND start_utc < ? ORDER BY id",
            (low, high)), break_from_row, bad),
        reminders=decoded(_fetch(
            connection,
            "SELECT * FROM reminders WHERE at_utc >= ? AND at_utc < ? ORDER BY id",
            (low, high)), reminder_from_row, bad),
    )


def day_summary(connection: sqlite3.Connection, day: date,
                bad: BadRows = warn_bad_row) -> DaySummary:
    """The stats of one local day, read from the database."""
    return summarize_days([day], load_rows(connection, day, day, bad))[0]


def week_summary(connection: sqlite3.Connection, last_day: date,
                 bad: BadRows = warn_bad_row) -> list[DaySummary]:
    """Seven day summaries ending with ``last_day``, oldest first."""
    days = week_ending(last_day)
    return summarize_days(days, load_rows(connection, days[0], days[-1], bad))


def breaks_on(connection: sqlite3.Connection, day: date) -> int:
    """Breaks taken on a local day: completed guided routines plus natural breaks.

    A cheap count for the idle screen after a restart; it agrees with
    ``breaks_guided + breaks_natural`` of :func:`day_summary`.
    """
    low, high = utc_window(day, day)
    (count,) = connection.execute(
        "SELECT COUNT(*) FROM breaks WHERE start_utc >= ? AND start_utc < ? AND completed = 1"
        " AND date(start_utc, printf('%+d minutes', start_offset_min)) = ?",
        (low, high, day.isoformat()),
    ).fetchone()
    return int(count)


def notice_answer(connection: sqlite3.Connection,
                  bad: BadRows = warn_bad_row) -> NoticeAnswer | None:
    """The newest answer to the safety notice in the log, reset included.

    A newest answer that is not one (a damaged byte) counts as no answer: the notice is
    shown again, which is the safe reading, and ``bad`` is told of the row.
    """
    row = connection.execute(
        "SELECT id, detail FROM device_events WHERE what = ? ORDER BY id DESC LIMIT 1",
        (NOTICE_EVENT,)).fetchone()
    if row is None:
        return None
    try:
        return NoticeAnswer(row[1])
    except ValueError:
        bad(BadRowError("device_events", row[0], f"notice answer {row[1]!r} is not one"))
        return None


def practice_rows(connection: sqlite3.Connection,
                  bad: BadRows = warn_bad_row) -> list[BreakRecord]:
    """Every completed stretch in the log (a few a day: a year is a few hundred rows)."""
    return decoded(_fetch(
        connection, "SELECT * FROM breaks WHERE kind = 'guided' AND completed = 1 ORDER BY id",
        ()), break_from_row, bad)


def practice_days(records: Iterable[Record]) -> list[tuple[date, bool | None]]:
    """(local day, smooth answer) of each completed stretch, newest version of each row."""
    rows = LogRows().add(records)
    return [(item.start.date(), item.smooth) for item in rows.breaks
            if item.kind is BreakKind.GUIDED and item.completed]


def week_ending(last_day: date) -> list[date]:
    """The seven days ending with ``last_day``, oldest first."""
    return [last_day - timedelta(days=back) for back in range(6, -1, -1)]


def summarize_days(days: list[date], rows: LogRows) -> list[DaySummary]:
    """Summaries of ``days`` (in that order) from records; rows on other days are ignored."""
    return [_summarize_day(day, rows) for day in days]


def count_breaks(day: date, breaks: Iterable[BreakRecord]) -> int:
    """The same count as :func:`breaks_on`, over records."""
    return sum(1 for item in breaks if item.completed and item.start.date() == day)


def bout_share_s(bout: BoutRecord, day: date) -> float | None:
    """The seated seconds of ``bout`` that fall on ``day``; None if it does not touch it.

    Shares are proportional to wall-time overlap. A bout whose wall end is not after its
    start (the wall clock was corrected backwards during it) belongs wholly to its start day.
    """
    wall_total = (bout.end - bout.start).total_seconds()
    if wall_total <= 0:
        return bout.seated_s if bout.start.date() == day else None
    day_start = datetime.combine(day, time.min, tzinfo=bout.start.tzinfo)
    day_end = day_start + timedelta(days=1)
    overlap = (min(bout.end, day_end) - max(bout.start, day_start)).total_seconds()
    if overlap <= 0:
        return None
    return bout.seated_s * overlap / wall_total


def _summarize_day(day: date, rows: LogRows) -> DaySummary:
    breaks = [item for item in rows.breaks if item.start.date() == day]
    reminders = [item for item in rows.reminders if item.at.date() == day]
    shares = [
        share for share in (bout_share_s(bout, day) for bout in rows.bouts) if share is not None
    ]
    responses = [item.response_s for item in reminders if item.response_s is not None]
    open_today = any(bout.ended_by is None and bout_share_s(bout, day) is not None
                     for bout in rows.bouts)
    return DaySummary(
        day=day,
        # The standing break is a guided break of its own kind: it counts with the stretch.
        breaks_guided=sum(1 for b in breaks if b.kind in _GUIDED and b.completed),
        breaks_natural=sum(1 for b in breaks if b.kind == BreakKind.NATURAL and b.completed),
        # A routine still under way is not (yet) a stopped one.
        routines_stopped=sum(1 for b in breaks if b.kind in _GUIDED
                             and not b.completed and b.ended_by is not None),
        reminders=len(reminders),
        snoozes=sum(1 for r in reminders if r.outcome == ReminderOutcome.SNOOZED),
        sitting_s=sum(shares, 0.0),
        longest_sit_s=max(shares, default=0.0),
        bouts=len(shares),
        median_response_s=statistics.median(responses) if responses else None,
        bout_open=open_today,
    )


_GUIDED = frozenset({BreakKind.GUIDED, BreakKind.WALK})


def _fetch(
    connection: sqlite3.Connection, sql: str, parameters: tuple[object, ...]
) -> list[sqlite3.Row]:
    """Rows addressable by column name, without changing the connection's own factory."""
    cursor = connection.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, parameters).fetchall()


# -- The week's response times (the stats pages) ------------------------------------------


def response_times_in(first_day: date, last_day: date, rows: LogRows) -> list[float]:
    """Seconds from chime to standing of every answered reminder on the local days, in order.

    The median of a week is taken over these, not over the daily medians, so a day with
    one reminder weighs no more than it should.
    """
    return [
        item.response_s
        for item in rows.reminders
        if item.response_s is not None and first_day <= item.at.date() <= last_day
    ]


def response_times(connection: sqlite3.Connection, first_day: date, last_day: date,
                   bad: BadRows = warn_bad_row) -> list[float]:
    """:func:`response_times_in`, read from the database."""
    return response_times_in(first_day, last_day,
                             load_rows(connection, first_day, last_day, bad))


# -- Every row, for `unslump export` ------------------------------------------------------

EXPORT_TABLES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "bouts": ("id", "start", "end", "seated_s", "ended_by", "key"),
        "breaks": (
            "id",
            "kind",
            "start",
            "end",
            "duration_s",
            "completed",
            "variant",
            "repetitions",
            "reached",
            "ended_by",
            "key",
            "smooth",  # the "uncurl smooth?" answer: true, or empty when not answered yes
        ),
        "reminders": ("id", "at", "outcome", "response_s", "chimes", "ended_by", "key"),
        "device_events": ("id", "at", "what", "detail"),
        "errors": ("id", "at", "source", "message"),
    }
)
"""The tables a user may want in a spreadsheet, with their columns as exported.

Times become local ISO 8601 text with the UTC offset of the moment (``2026-11-24T09:00:00
+01:00``), which a spreadsheet can parse and a person can read; ``meta`` is left out, as
it holds only the device's own bookkeeping, and ``outbox`` only rows on their way to the
broker. Every other stored column is here (a test compares them with the schema).
"""


def export_rows(
    connection: sqlite3.Connection, since: date | None = None
) -> dict[str, list[dict[str, object]]]:
    """Every row of :data:`EXPORT_TABLES`, oldest first, as plain values for CSV or JSON.

    With ``since``, only rows on or after that local day (a bout that ends on or after it
    counts, so a bout across midnight into ``since`` is kept).
    """
    exported: dict[str, list[dict[str, object]]] = {}
    for table in EXPORT_TABLES:
        # The table name comes from EXPORT_TABLES, never from the user.
        raws = _fetch(connection, f"SELECT * FROM {table} ORDER BY id", ())
        rows = [_export_row(table, raw) for raw in raws]
        exported[table] = [
            row for row in rows if since is None or _last_local_day(table, row) >= since
        ]
    return exported


def _export_row(table: str, raw: sqlite3.Row) -> dict[str, object]:
    row: dict[str, object] = {}
    for column in EXPORT_TABLES[table]:
        if column in ("start", "end", "at"):
            moment = from_columns(raw[f"{column}_utc"], raw[f"{column}_offset_min"])
            row[column] = moment.isoformat()
        elif column == "completed":
            row[column] = bool(raw[column])
        else:
            row[column] = raw[column]
    return row


def _last_local_day(table: str, row: dict[str, object]) -> date:
    moment = row["end"] if table == "bouts" else row.get("start", row.get("at"))
    return datetime.fromisoformat(str(moment)).date()
