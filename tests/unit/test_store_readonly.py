"""A disk that refuses writes (read-only, full, missing) never stops the device.

Tests may run as root, where ``chmod`` stops nobody. Each failure below is therefore made
with something root cannot write through either: a parent path that is a file, SQLite's
own ``query_only`` and ``max_page_count`` limits (the very errors a read-only or full disk
gives), and for the chmod case a connect that applies the permission bits as the kernel
would for any other user.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from unslump.core.records import BreakKind, BreakRecord, NoticeAnswer, NoticeRecord
from unslump.edges.clock import FakeClock
from unslump.edges.store.sqlite import SqliteStore, connect_file

WALL = datetime(2026, 11, 24, 9, 0, tzinfo=timezone(timedelta(hours=1)))


def numbered_break(number: int) -> BreakRecord:
    """A break whose ``repetitions`` field carries its number, to check order on disk."""
    start = WALL + timedelta(minutes=number)
    end = start + timedelta(minutes=4)
    return BreakRecord(BreakKind.NATURAL, start, end, 240.0, repetitions=number)


def numbers_on_disk(path: Path) -> list[int]:
    with sqlite3.connect(path) as connection:
        return [n for (n,) in connection.execute("SELECT repetitions FROM breaks ORDER BY id")]


def log_lines(caplog, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == level]


class FakeDisk:
    """Connections to a disk the test can make read-only or full, and writable again.

    The limits are SQLite's own (``query_only``, ``max_page_count``), so the store sees
    exactly the errors a read-only remount or a full card would give it.
    """

    def __init__(self) -> None:
        self.read_only = False
        self.max_pages: int | None = None
        self.opened: list[sqlite3.Connection] = []

    def connect(self, path: Path) -> sqlite3.Connection:
        connection = connect_file(path)
        self.opened.append(connection)
        self._limit(connection)
        return connection

    def set(self, *, read_only: bool = False, max_pages: int | None = None) -> None:
        self.read_only, self.max_pages = read_only, max_pages
        for connection in self.opened:
            with contextlib.suppress(sqlite3.ProgrammingError):  # already closed by the store
                self._limit(connection)

    def pages_used(self) -> int:
        return self.opened[-1].execute("PRAGMA page_count").fetchone()[0]

    def _limit(self, connection: sqlite3.Connection) -> None:
        connection.execute(f"PRAGMA query_only = {int(self.read_only)}")
        connection.execute(f"PRAGMA max_page_count = {self.max_pages or 1_073_741_823}")


def permission_checked_connect(path: Path) -> sqlite3.Connection:
    """Refuse a directory without write permission, as the kernel would for a non-root user."""
    if not os.stat(path.parent).st_mode & stat.S_IWUSR:
        raise sqlite3.OperationalError("unable to open database file")
    return connect_file(path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall_start=WALL)


def test_store_readonly_directory_buffers_then_flushes_in_order(tmp_path, clock, caplog):
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(0o500)
    path = state / "unslump.db"
    connect = permission_checked_connect if os.geteuid() == 0 else connect_file
    caplog.set_level(logging.INFO)
    try:
        store = SqliteStore.open(path, clock=clock, connect=connect)
        assert not store.healthy
        assert store.deadline() == clock.monotonic() + 30
        for number in range(3):
            store.append(numbered_break(number))
        assert store.pending_rows == 3
        assert store.breaks_on(WALL.date()) == 3  # the idle screen still counts them

        clock.advance(10)
        store.service(clock.monotonic())  # not due yet: nothing tried
        assert store.deadline() == clock.monotonic() + 20
        clock.advance_to(store.deadline())
        store.service(clock.monotonic())  # due, still read-only: back off
        assert not store.healthy
        assert store.deadline() == clock.monotonic() + 60
    finally:
        state.chmod(0o700)

    clock.advance_to(store.deadline())
    store.service(clock.monotonic())
    assert store.healthy
    assert store.deadline() is None
    assert store.pending_rows == 0
    store.append(numbered_break(3))
    store.close()
    assert numbers_on_disk(path) == [0, 1, 2, 3]
    [warning] = log_lines(caplog, logging.WARNING)
    assert str(path) in warning
    assert "not writable" in warning
    [recovered] = log_lines(caplog, logging.INFO)
    assert "writable again" in recovered


def test_store_readonly_parent_is_a_file_starts_and_recovers(tmp_path, clock, caplog):
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state directory should be")
    path = blocker / "unslump.db"
    caplog.set_level(logging.WARNING)

    store = SqliteStore.open(path, clock=clock)
    assert not store.healthy
    store.append(NoticeRecord(WALL))
    store.append(numbered_break(0))
    assert store.notice_answer() is NoticeAnswer.UNDERSTOOD
    assert store.day_summary(WALL.date())["breaks_natural"] == 1

    blocker.unlink()  # the builder fixes the disk
    clock.advance_to(store.deadline())
    store.service(clock.monotonic())
    assert store.healthy
    store.close()
    assert numbers_on_disk(path) == [0]
    with SqliteStore.open(path, clock=clock) as reopened:
        assert reopened.notice_answer() is NoticeAnswer.UNDERSTOOD
    assert len(log_lines(caplog, logging.WARNING)) == 1


def test_store_readonly_disk_turns_read_only_while_running(tmp_path, clock, caplog):
    path = tmp_path / "unslump.db"
    disk = FakeDisk()
    caplog.set_level(logging.INFO)
    store = SqliteStore.open(path, clock=clock, connect=disk.connect)
    store.append(numbered_break(0))
    assert store.healthy

    disk.set(read_only=True)
    store.append(numbered_break(1))
    store.append(numbered_break(2))
    assert not store.healthy
    assert store.pending_rows == 2
    for _ in range(3):  # three failed retries: reopened each time, still refused
        clock.advance_to(store.deadline())
        store.service(clock.monotonic())
    assert not store.healthy
    assert numbers_on_disk(path) == [0]

    disk.set(read_only=False)
    clock.advance_to(store.deadline())
    store.service(clock.monotonic())
    assert store.healthy
    store.close()
    assert numbers_on_disk(path) == [0, 1, 2]
    [warning] = log_lines(caplog, logging.WARNING)
    assert "readonly" in warning
    assert len(log_lines(caplog, logging.INFO)) == 1


def test_store_readonly_full_disk_buffers_and_catches_up(tmp_path, clock, caplog):
    path = tmp_path / "unslump.db"
    disk = FakeDisk()
    caplog.set_level(logging.WARNING)
    store = SqliteStore.open(path, clock=clock, connect=disk.connect)
    disk.set(max_pages=disk.pages_used())

    number = 0
    while store.healthy:  # the pages fill up after a few dozen rows
        assert number < 1000, "the page limit never bit"
        store.append(numbered_break(number))
        number += 1
    for extra in range(number, number + 5):
        store.append(numbered_break(extra))
    assert store.pending_rows == 6

    disk.set(max_pages=None)
    clock.advance_to(store.deadline())
    store.service(clock.monotonic())
    assert store.healthy
    store.close()
    assert numbers_on_disk(path) == list(range(number + 5))
    [warning] = log_lines(caplog, logging.WARNING)
    assert "full" in warning


def test_store_readonly_buffer_drops_oldest_when_full(tmp_path, clock, caplog):
    blocker = tmp_path / "state"
    blocker.write_text("")
    path = blocker / "unslump.db"
    caplog.set_level(logging.INFO)
    store = SqliteStore.open(path, clock=clock, buffer_rows=5)
    for number in range(8):
        store.append(numbered_break(number))
    assert store.pending_rows == 5
    assert store.dropped_rows == 3

    blocker.unlink()
    clock.advance_to(store.deadline())
    store.service(clock.monotonic())
    store.close()
    assert numbers_on_disk(path) == [3, 4, 5, 6, 7]
    [recovered] = log_lines(caplog, logging.INFO)
    assert "3 rows dropped" in recovered


def test_store_readonly_retry_backs_off_to_five_minutes(tmp_path, clock):
    blocker = tmp_path / "state"
    blocker.write_text("")
    store = SqliteStore.open(blocker / "unslump.db", clock=clock)
    waits = []
    for _ in range(6):
        due = store.deadline()
        waits.append(due - clock.monotonic())
        clock.advance_to(due)
        store.service(clock.monotonic())
    assert waits == [30, 60, 120, 240, 300, 300]
    store.close()


def test_store_readonly_close_flushes_when_the_disk_is_back(tmp_path, clock, caplog):
    blocker = tmp_path / "state"
    blocker.write_text("")
    path = blocker / "unslump.db"
    store = SqliteStore.open(path, clock=clock)
    store.append(numbered_break(0))
    blocker.unlink()
    store.close()  # no retry was due yet, but closing tries once more
    assert numbers_on_disk(path) == [0]


def test_store_readonly_close_while_still_failing_says_what_is_lost(tmp_path, clock, caplog):
    blocker = tmp_path / "state"
    blocker.write_text("")
    caplog.set_level(logging.WARNING)
    store = SqliteStore.open(blocker / "unslump.db", clock=clock)
    store.append(numbered_break(0))
    store.append(numbered_break(1))
    store.close()
    store.close()
    assert store.deadline() is None
    lost = log_lines(caplog, logging.WARNING)[-1]
    assert "2 rows still unwritten" in lost
    assert len(log_lines(caplog, logging.WARNING)) == 2
