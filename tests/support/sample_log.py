"""A break log with every kind of row over some weeks, for the tests that damage one."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    DeviceRecord,
    ErrorRecord,
    ReminderOutcome,
    ReminderRecord,
    Variant,
)
from unslump.edges.clock import FakeClock
from unslump.edges.store.sqlite import SqliteStore

WALL = datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=1)))
DAY = WALL.date()


def a_break(at: datetime = WALL) -> BreakRecord:
    return BreakRecord(BreakKind.GUIDED, at, at + timedelta(minutes=3), 180.0, True,
                       Variant.SEATED, 3)


def write_log(path: Path, days: int = 20) -> None:
    """A log with every kind of row over some weeks, folded into one file (no WAL)."""
    with SqliteStore.open(path, clock=FakeClock(WALL)) as store:
        for day in range(days):
            at = WALL - timedelta(days=day)
            store.append(DeviceRecord(at, "start"))
            store.append(BoutRecord(at - timedelta(hours=1), at, 3600.0))
            store.append(a_break(at))
            store.append(ReminderRecord(at, ReminderOutcome.ROUTINE, 12.0, 1))
            store.append(ErrorRecord(at, "display", "stopped answering"))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
