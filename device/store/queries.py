"""The numbers on the stats pages, computed from the break log.

Two halves: ``load_rows`` reads the rows near some days from SQLite (a pure read), and
``summarize_days`` turns records into per-day summaries without touching any database.
The split lets :class:`~device.store.memory.MemoryStore` and rows still waiting in the
SQLite store's retry buffer give the very same answers as rows already on disk.

A day is a local calendar day, in the local time of each moment (the UTC offset stored
beside it). A sitting bout across midnight is split between the days it touches: its
``seated_s`` (monotonic, so immune to wall-clock jumps) is shared in proportion to the wall
time it overlaps each day, midnight taken in the offset of the bout's start. It counts as
one bout on each day it touches, and ``longest_sit_s`` is the longest such share.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypedDict

from device.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    Record,
    ReminderOutcome,
    ReminderRecord,
)
from device.store.rows import bout_from_row, break_from_row, reminder_from_row, utc_window


class DaySummary(TypedDict):
    """One day on the stats pages."""

    day: date
    breaks_guided: int  # completed guided routines
    breaks_natural: int
    routines_stopped: int  # guided routines stopped before the end
    reminders: int
    snoozes: int
    sitting_s: float
    longest_sit_s: float
    bouts: int
    median_response_s: float | None  # None when no reminder had a response time


@dataclass(slots=True)
class LogRows:
    """The records the stats are made of, by kind."""

    bouts: list[BoutRecord] = field(default_factory=list)
    breaks: list[BreakRecord] = field(default_factory=list)
    reminders: list[ReminderRecord] = field(default_factory=list)

    def add(self, records: Iterable[Record]) -> LogRows:
        """Sort ``records`` in by kind (other kinds are not part of the stats)."""
        for record in records:
            match record:
                case BoutRecord():
                    self.bouts.append(record)
                case BreakRecord():
                    self.breaks.append(record)
                case ReminderRecord():
                    self.reminders.append(record)
        return self


def load_rows(connection: sqlite3.Connection, first_day: date, last_day: date) -> LogRows:
    """Every bout, break and reminder that may touch the local days in the range.

    The UTC window is wider than the days (by the largest possible offset), so a few
    rows from neighbouring days may come back; :func:`summarize_days` filters exactly.
    """
    low, high = utc_window(first_day, last_day)
    return LogRows(
        bouts=[
            bout_from_row(row)
            for row in _fetch(
                connection,
                "SELECT * FROM bouts WHERE start_utc < ? AND end_utc >= ? ORDER BY id",
                (high, low),
            )
        ],
        breaks=[
            break_from_row(row)
            for row in _fetch(
                connection,
                "SELECT * FROM breaks WHERE start_utc >= ? AND start_utc < ? ORDER BY id",
                (low, high),
            )
        ],
        reminders=[
            reminder_from_row(row)
            for row in _fetch(
                connection,
                "SELECT * FROM reminders WHERE at_utc >= ? AND at_utc < ? ORDER BY id",
                (low, high),
            )
        ],
    )


def day_summary(connection: sqlite3.Connection, day: date) -> DaySummary:
    """The stats of one local day, read from the database."""
    return summarize_days([day], load_rows(connection, day, day))[0]


def week_summary(connection: sqlite3.Connection, last_day: date) -> list[DaySummary]:
    """Seven day summaries ending with ``last_day``, oldest first."""
    days = week_ending(last_day)
    return summarize_days(days, load_rows(connection, days[0], days[-1]))


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
    return DaySummary(
        day=day,
        breaks_guided=sum(1 for b in breaks if b.kind == BreakKind.GUIDED and b.completed),
        breaks_natural=sum(1 for b in breaks if b.kind == BreakKind.NATURAL and b.completed),
        routines_stopped=sum(1 for b in breaks if b.kind == BreakKind.GUIDED and not b.completed),
        reminders=len(reminders),
        snoozes=sum(1 for r in reminders if r.outcome == ReminderOutcome.SNOOZED),
        sitting_s=sum(shares, 0.0),
        longest_sit_s=max(shares, default=0.0),
        bouts=len(shares),
        median_response_s=statistics.median(responses) if responses else None,
    )


def _fetch(
    connection: sqlite3.Connection, sql: str, parameters: tuple[object, ...]
) -> list[sqlite3.Row]:
    """Rows addressable by column name, without changing the connection's own factory."""
    cursor = connection.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, parameters).fetchall()
