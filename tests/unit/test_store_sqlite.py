"""The SQLite break log: rows round-trip, every connection is set up, days are local."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

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
from unslump.edges.store import rows
from unslump.edges.store.schema import LATEST_VERSION
from unslump.edges.store.sqlite import SqliteStore, connect_file
from unslump.errors import StoreError

PARIS = timezone(timedelta(hours=1))
NEW_YORK = timezone(timedelta(hours=-5))


def at(hour: int, minute: int = 0, day: int = 24, tz: timezone = PARIS) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=tz)


def natural(start: datetime, minutes: float = 4) -> BreakRecord:
    return BreakRecord(BreakKind.NATURAL, start, start + timedelta(minutes=minutes), minutes * 60)


def read_all(path: Path, table: str) -> list[sqlite3.Row]:
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "unslump.db"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall_start=at(9))


def test_store_sqlite_open_creates_parent_dirs_and_latest_schema(db_path, clock):
    with SqliteStore.open(db_path, clock=clock) as store:
        assert store.healthy
        assert store.deadline() is None
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


def test_store_sqlite_append_each_record_type_reads_back(db_path, clock):
    bout = BoutRecord(at(9), at(9, 47), 47 * 60.0)
    guided = BreakRecord(
        BreakKind.GUIDED, at(9, 47), at(9, 52), 300.5, True, Variant.STANDING, 6, None
    )
    stopped = BreakRecord(
        kind=BreakKind.GUIDED,
        start=at(11, tz=NEW_YORK),
        end=at(11, 2, tz=NEW_YORK),
        duration_s=95.0,
        completed=False,
        variant=Variant.SEATED,
        repetitions=2,
        reached="hold",
    )
    reminder = ReminderRecord(at(9, 45), ReminderOutcome.STOOD_UP, 12.25, 2)
    snoozed = ReminderRecord(at(10, 45), ReminderOutcome.SNOOZED)
    device = DeviceRecord(at(8, 59), "start", "version 0.1.0")
    error = ErrorRecord(at(10), "display", "I2C device not found: /dev/i2c-1")
    with SqliteStore.open(db_path, clock=clock) as store:
        for record in (bout, guided, stopped, reminder, snoozed, NoticeRecord(at(9, 46))):
            store.append(record)
        store.append(device)
        store.append(error)

    assert [rows.bout_from_row(r) for r in read_all(db_path, "bouts")] == [bout]
    assert [rows.break_from_row(r) for r in read_all(db_path, "breaks")] == [guided, stopped]
    back = [rows.reminder_from_row(r) for r in read_all(db_path, "reminders")]
    assert back == [reminder, snoozed]
    assert [rows.device_event_from_row(r) for r in read_all(db_path, "device_events")] == [
        DeviceRecord(at(9, 46), "notice", "understood"), device]
    assert [rows.error_from_row(r) for r in read_all(db_path, "errors")] == [error]
    # Equal instants are not enough: the local offset of each moment must survive too.
    stored_stop = rows.break_from_row(read_all(db_path, "breaks")[1])
    assert stored_stop.start.utcoffset() == timedelta(hours=-5)
    raw = read_all(db_path, "breaks")[1]
    assert (raw["start_utc"], raw["start_offset_min"]) == ("2026-11-24T16:00:00.000000+00:00", -300)


def test_store_sqlite_pragmas_set_on_every_open(db_path, clock):
    opened: list[sqlite3.Connection] = []

    def connect(path: Path) -> sqlite3.Connection:
        opened.append(connect_file(path))
        return opened[-1]

    for _ in range(2):
        store = SqliteStore.open(db_path, clock=clock, connect=connect)
        live = opened[-1]
        assert live.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert live.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert live.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert live.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert live.execute("PRAGMA cache_size").fetchone()[0] == -256  # KiB, not 2 MiB
        store.close()
    assert len(opened) == 2


def test_store_sqlite_notice_answer_the_newest_counts_and_persists(db_path, clock):
    with SqliteStore.open(db_path, clock=clock) as store:
        assert store.notice_answer() is None
        store.append(NoticeRecord(at(9), NoticeAnswer.DECLINED))
        assert store.notice_answer() is NoticeAnswer.DECLINED
    with SqliteStore.open(db_path, clock=clock) as store:
        assert store.notice_answer() is NoticeAnswer.DECLINED
        store.append(NoticeRecord(at(10), NoticeAnswer.RESET))  # asked again
        assert store.notice_answer() is None
    answers = [(r["what"], r["detail"]) for r in read_all(db_path, "device_events")]
    assert answers == [("notice", "declined"), ("notice", "reset")]  # each with its time


def test_store_sqlite_breaks_on_counts_by_local_day(db_path, clock):
    tokyo = timezone(timedelta(hours=9))
    with SqliteStore.open(db_path, clock=clock) as store:
        store.append(natural(at(23, 30, day=23)))  # the evening before
        store.append(natural(at(0, 10, day=24)))  # 23:10 UTC on the 23rd, local 24th
        store.append(natural(at(8, 30, day=24, tz=tokyo)))  # 23:30 UTC on the 23rd
        store.append(natural(at(23, 50, day=24)))
        store.append(natural(at(20, 0, day=24, tz=NEW_YORK)))  # 01:00 UTC on the 25th
        store.append(BreakRecord(BreakKind.GUIDED, at(14), at(14, 5), 300, True, Variant.SEATED, 6))
        stopped = BreakRecord(BreakKind.GUIDED, at(15), at(15, 1), 60, False, Variant.SEATED, 1)
        store.append(stopped)  # a stopped routine is not a break taken
        assert store.breaks_on(date(2026, 11, 23)) == 1
        assert store.breaks_on(date(2026, 11, 24)) == 5
        assert store.breaks_on(date(2026, 11, 25)) == 0
    with SqliteStore.open(db_path, clock=clock) as store:  # after a restart, from disk
        assert store.breaks_on(date(2026, 11, 24)) == 5
        assert store.day_summary(date(2026, 11, 24))["routines_stopped"] == 1


def test_store_sqlite_connection_stays_on_its_thread(db_path, clock):
    store = SqliteStore.open(db_path, clock=clock)
    caught: list[BaseException] = []

    def append_from_callback_thread() -> None:
        try:
            store.append(natural(at(10)))
        except sqlite3.ProgrammingError as error:
            caught.append(error)

    worker = threading.Thread(target=append_from_callback_thread)
    worker.start()
    worker.join()
    store.close()
    assert len(caught) == 1
    assert "thread" in str(caught[0])
    assert read_all(db_path, "breaks") == []


def test_store_sqlite_close_is_idempotent_and_append_after_close_raises(db_path, clock):
    store = SqliteStore.open(db_path, clock=clock)
    store.append(natural(at(10)))
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.append(natural(at(11)))
    assert len(read_all(db_path, "breaks")) == 1


def test_store_sqlite_path_that_is_a_directory_degrades_naming_it(tmp_path, clock, caplog):
    store = SqliteStore.open(tmp_path, clock=clock)
    assert not store.healthy
    store.close()
    assert any("is a directory" in r.getMessage() for r in caplog.records)


def test_store_sqlite_week_summary_reads_seven_days_oldest_first(db_path, clock):
    with SqliteStore.open(db_path, clock=clock) as store:
        store.append(natural(at(10, day=18)))
        store.append(natural(at(10, day=17)))  # one day too early for the week
        store.append(ReminderRecord(at(10, day=20), ReminderOutcome.STOOD_UP, 30.0))
        week = store.week_summary(date(2026, 11, 24))
    assert [d["day"] for d in week] == [date(2026, 11, n) for n in range(18, 25)]
    assert [d["breaks_natural"] for d in week] == [1, 0, 0, 0, 0, 0, 0]
    assert week[2]["median_response_s"] == 30.0
