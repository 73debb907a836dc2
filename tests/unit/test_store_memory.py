"""The in-memory fake answers exactly as the SQLite store does for the same rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    DeviceRecord,
    ErrorRecord,
    NoticeAnswer,
    NoticeRecord,
    ReminderOutcome,
    ReminderRecord,
    Variant,
)
from unslump.edges.clock import FakeClock
from unslump.edges.store.memory import MemoryStore
from unslump.edges.store.sqlite import SqliteStore
from unslump.errors import StoreError
from unslump.ports import Store

LOCAL = timezone(timedelta(hours=1))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LOCAL)


RECORDS = [
    DeviceRecord(at(23, 8), "start"),
    BoutRecord(at(23, 9), at(23, 10), 3600.0),
    ReminderRecord(at(23, 9, 45), ReminderOutcome.STOOD_UP, 15.0),
    BreakRecord(BreakKind.NATURAL, at(23, 10), at(23, 10, 5), 300.0),
    NoticeRecord(at(24, 11)),
    BreakRecord(BreakKind.GUIDED, at(24, 11), at(24, 11, 6), 360.0, True, Variant.SEATED, 6),
    BoutRecord(at(24, 22), at(25, 2), 4 * 3600.0),
    ReminderRecord(at(24, 22, 45), ReminderOutcome.SNOOZED),
    ErrorRecord(at(25, 3), "audio", "no sound card"),
]


def test_store_memory_keeps_records_in_order_by_kind():
    store = MemoryStore.open()
    assert store.notice_answer() is None
    for record in RECORDS:
        store.append(record)
    assert store.records == RECORDS
    assert len(store.bouts) == 2
    assert len(store.breaks) == 2
    assert len(store.reminders) == 2
    assert store.notices == [RECORDS[4]]
    assert store.device_events == [RECORDS[0]]
    assert store.errors == [RECORDS[-1]]
    assert store.notice_answer() is NoticeAnswer.UNDERSTOOD
    assert store.healthy
    assert store.deadline() is None


@pytest.mark.parametrize("day", [date(2026, 11, n) for n in (22, 23, 24, 25)])
def test_store_memory_answers_like_the_sqlite_store(tmp_path, day):
    memory = MemoryStore()
    sqlite = SqliteStore.open(tmp_path / "unslump.db", clock=FakeClock())
    stores: list[Store] = [memory, sqlite]
    for store in stores:
        for record in RECORDS:
            store.append(record)
    assert memory.breaks_on(day) == sqlite.breaks_on(day)
    assert memory.day_summary(day) == sqlite.day_summary(day)
    assert memory.week_summary(day) == sqlite.week_summary(day)
    assert memory.notice_answer() == sqlite.notice_answer()
    assert memory.practice() == sqlite.practice()
    sqlite.close()


def test_store_memory_close_is_idempotent_and_refuses_later_rows():
    with MemoryStore() as store:
        store.service(0.0)
    store.close()
    assert store.closed
    with pytest.raises(StoreError, match="closed"):
        store.append(RECORDS[0])
