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
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any, TypeVar

from unslump.core.day_stats import DaySummary
from unslump.core.practice import MAX_LEVEL, Practice, PracticeDay
from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    NoticeAnswer,
    Record,
    ReminderOutcome,
    ReminderRecord,
    identity,
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
    # Where each keyed row sits in its list, so adding a version costs the same with a
    # hundred rows as with a million (rows given to the constructor are indexed lazily).
    _places: dict[tuple[type, str], int] = field(default_factory=dict, repr=False,
                                                 compare=False)
    _indexed: bool = field(default=False, repr=False, compare=False)

    def add(self, records: Iterable[Record]) -> LogRows:
        """Sort ``records`` in by kind (other kinds are not part of the stats).

        A newer version of a row already here (the same key: a checkpoint still waiting
        for the disk) replaces it, so no bout is counted twice.
        """
        if not self._indexed:
            kinds: tuple[list[Any], ...] = (self.bouts, self.breaks, self.reminders)
            for rows in kinds:
                for index, kept in enumerate(rows):
                    self._place(rows, index, kept)
            self._indexed = True
        for record in records:
            match record:
                case BoutRecord():
                    self._put(self.bouts, record)
                case BreakRecord():
                    self._put(self.breaks, record)
                case ReminderRecord():
                    self._put(self.reminders, record)
        return self

    def _put(self, rows: list[Any], record: Record) -> None:
        same = identity(record)
        index = None if same is None else self._places.get(same)
        if index is not None:
            rows[index] = record
            return
        rows.append(record)
        self._place(rows, len(rows) - 1, record)

    def _place(self, rows: list[Any], index: int, record: Record) -> None:
        """Note where ``record`` (keyed) sits in ``rows``."""
        same = identity(record)
        if same is not None:
            self._places[same] = index


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


PRACTICE_KEY = "practice"
"""The ``meta`` row that keeps the practice replayed through the settled stretches, as
text: ``<last id> <level> <last day or -> <day raised or ->``."""

_DAY_SQL = "date(start_utc, printf('%+d minutes', start_offset_min))"
_STRETCH_SQL = "kind = 'guided' AND completed = 1"


def settle_practice(connection: sqlite3.Connection) -> None:
    """Replay the stretches written since the kept summary into it, and keep it.

    Called at start inside the transaction that closes the rows a power cut left open:
    every row then is final (a row is only changed by the start that wrote it), so the
    next start and every stats page replays only the stretches after these. Years of
    stretches then cost what a few days' do. Writes nothing when nothing is new.
    """
    kept, through = _kept_practice(connection)
    practice, last = _replay(connection, kept, through, ())
    if last != through:
        connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                           (PRACTICE_KEY, _practice_text(practice, last)))


def practice_in(connection: sqlite3.Connection, leave_out: Collection[str] = ()
                ) -> Practice:
    """The practice replayed through every completed stretch on disk: the kept summary,
    then the stretches after it. ``leave_out``: keys whose newer version is still waiting
    for the disk (the caller replays those after)."""
    kept, through = _kept_practice(connection)
    return _replay(connection, kept, through, leave_out)[0]


def practice_days(connection: sqlite3.Connection, first_day: date, last_day: date,
                  leave_out: Collection[str] = ()) -> list[PracticeDay]:
    """The local days from ``first_day`` to ``last_day`` with completed stretches, with
    how many and how many smooth, oldest first (an indexed read of those days only)."""
    low, high = utc_window(first_day, last_day)
    days: dict[date, PracticeDay] = {}
    for key, text, smooth in connection.execute(
            f"SELECT key, {_DAY_SQL}, smooth = 1 FROM breaks"
            f" WHERE start_utc >= ? AND start_utc < ? AND {_STRETCH_SQL}", (low, high)):
        day = _day_of(text)
        if day is None or not first_day <= day <= last_day or key in leave_out:
            continue
        was = days.get(day, PracticeDay(day, 0, 0))
        days[day] = PracticeDay(day, was.stretches + 1, was.smooth + bool(smooth))
    return sorted(days.values(), key=lambda item: item.day)


def practice_records(records: Iterable[Record], first_day: date = date.min,
                     last_day: date = date.max) -> list[PracticeDay]:
    """The same days as :func:`practice_days`, from records (the newest version of each)."""
    days: dict[date, PracticeDay] = {}
    for item in stretches_in(records):
        day = item.start.date()
        if first_day <= day <= last_day:
            was = days.get(day, PracticeDay(day, 0, 0))
            days[day] = PracticeDay(day, was.stretches + 1, was.smooth + bool(item.smooth))
    return sorted(days.values(), key=lambda item: item.day)


def stretches_in(records: Iterable[Record]) -> list[BreakRecord]:
    """The completed stretches among ``records``, the newest version of each, in order."""
    return [item for item in LogRows().add(records).breaks
            if item.kind is BreakKind.GUIDED and item.completed]


def merge_practice(*histories: list[PracticeDay]) -> list[PracticeDay]:
    """Days from several sources as one history, a day's counts added up, oldest first."""
    days: dict[date, PracticeDay] = {}
    for history in histories:
        for item in history:
            was = days.get(item.day)
            days[item.day] = item if was is None else PracticeDay(
                item.day, was.stretches + item.stretches, was.smooth + item.smooth)
    return sorted(days.values(), key=lambda item: item.day)


def _replay(connection: sqlite3.Connection, practice: Practice, after_id: int,
            leave_out: Collection[str]) -> tuple[Practice, int]:
    """``practice`` carried on through the stretches with an id above ``after_id``; and
    the last id seen. A row whose time cannot be read has no day and is skipped."""
    last = after_id
    for row_id, key, text, smooth in connection.execute(
            f"SELECT id, key, {_DAY_SQL}, smooth = 1 FROM breaks WHERE id > ? AND"
            f" {_STRETCH_SQL} ORDER BY id", (after_id,)):
        last = row_id
        day = _day_of(text)
        if day is not None and key not in leave_out:
            practice = practice.practised(day, bool(smooth))
    return practice, last


def _kept_practice(connection: sqlite3.Connection) -> tuple[Practice, int]:
    """The kept summary and the last id it covers; none (a replay from the first row)
    if it is missing or cannot be read."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?",
                             (PRACTICE_KEY,)).fetchone()
    try:
        through, level, last_day, raised_on = str(row[0]).split(" ")
        practice = Practice(int(level), _day_or_none(last_day), _day_or_none(raised_on))
        kept = int(through)
    except (TypeError, ValueError, OverflowError):  # None (no row), or not our text
        return Practice(), 0
    (newest,) = connection.execute("SELECT COALESCE(MAX(id), 0) FROM breaks").fetchone()
    if not 0 <= practice.level <= MAX_LEVEL or not 0 <= kept <= newest:
        return Practice(), 0  # not a summary of this log's rows
    return practice, kept


def _practice_text(practice: Practice, through: int) -> str:
    days = [day.isoformat() if day is not None else "-"
            for day in (practice.last_day, practice.raised_on)]
    return " ".join([str(through), str(practice.level), *days])


def _day_or_none(text: str) -> date | None:
    return None if text == "-" else date.fromisoformat(text)


def _day_of(text: object) -> date | None:
    """The day SQLite printed, or None (a time it could not read, a year Python lacks)."""
    try:
        return date.fromisoformat(str(text)) if text is not None else None
    except ValueError:
        return None


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
