"""A damaged break log is moved aside, once, and the device carries on with a new one."""

from __future__ import annotations

import logging
import os
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from unslump.core.records import BreakKind, BreakRecord
from unslump.edges.clock import FakeClock
from unslump.edges.store.sqlite import SqliteStore

WALL = datetime(2026, 11, 24, 9, 30, 5, tzinfo=timezone(timedelta(hours=1)))


def a_break() -> BreakRecord:
    return BreakRecord(BreakKind.NATURAL, WALL, WALL + timedelta(minutes=4), 240.0)


def warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_store_corrupt_garbage_file_is_moved_aside_and_replaced(tmp_path, caplog):
    path = tmp_path / "unslump.db"
    garbage = random.Random(7).randbytes(8192)
    path.write_bytes(garbage)

    with caplog.at_level(logging.INFO):
        store = SqliteStore.open(path, clock=FakeClock(wall_start=WALL))
        store.append(a_break())
        assert store.healthy
        store.close()

    aside = tmp_path / "unslump.db.corrupt-20261124T093005"
    assert aside.read_bytes() == garbage
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM breaks").fetchone() == (1,)
    [warning] = warnings(caplog)
    assert str(path) in warning.getMessage()
    assert "corrupt" in warning.getMessage()
    assert aside.name in warning.getMessage()


def test_store_corrupt_failed_integrity_check_is_moved_aside(tmp_path, caplog):
    path = tmp_path / "unslump.db"
    with SqliteStore.open(path, clock=FakeClock(wall_start=WALL)) as store:
        for _ in range(400):  # enough rows for the table to span several pages
            store.append(a_break())
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")  # fold the WAL into the file
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        page_count = connection.execute("PRAGMA page_count").fetchone()[0]
    assert page_count > 4
    # Scribble over the middle of a table page, keeping the file header valid.
    with path.open("r+b") as file:
        file.seek((page_count - 2) * page_size + 8)
        file.write(b"\xff" * (page_size - 16))

    with caplog.at_level(logging.WARNING):
        store = SqliteStore.open(path, clock=FakeClock(wall_start=WALL))
        assert store.breaks_on(WALL.date()) == 0
        store.append(a_break())
        assert store.breaks_on(WALL.date()) == 1
        store.close()

    assert (tmp_path / "unslump.db.corrupt-20261124T093005").exists()
    assert len(warnings(caplog)) == 1


def test_store_corrupt_stale_wal_moves_aside_with_its_database(tmp_path, caplog):
    path = tmp_path / "unslump.db"
    path.write_bytes(b"not a database at all" * 100)
    Path(f"{path}-wal").write_bytes(os.urandom(4096))
    with caplog.at_level(logging.WARNING):
        SqliteStore.open(path, clock=FakeClock(wall_start=WALL)).close()
    assert (tmp_path / "unslump.db.corrupt-20261124T093005").exists()
    assert (tmp_path / "unslump.db.corrupt-20261124T093005-wal").exists()
    assert len(warnings(caplog)) == 1


def test_store_corrupt_second_corruption_in_the_same_second_keeps_both(tmp_path, caplog):
    path = tmp_path / "unslump.db"
    clock = FakeClock(wall_start=WALL)
    for _ in range(2):
        path.write_bytes(b"garbage" * 600)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        with caplog.at_level(logging.WARNING):
            SqliteStore.open(path, clock=clock).close()
    assert (tmp_path / "unslump.db.corrupt-20261124T093005").exists()
    assert (tmp_path / "unslump.db.corrupt-20261124T093005-2").exists()
    assert len(warnings(caplog)) == 2
