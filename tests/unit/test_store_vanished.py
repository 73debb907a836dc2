"""The state directory deleted under a running device: the log is made again, whole.

Someone cleans up /var/lib by hand, or a tmpfiles rule removes the folder: SQLite keeps
writing to the deleted files through its open handles, and at the next stop every row
is gone. The store notices at its next write, says so once, and writes the log back at
its path from the handle it still holds, so nothing logged before or after is lost.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from datetime import datetime, timedelta

import pytest

from unslump.config.file import Config
from unslump.core.records import DeviceRecord, EndedBy
from unslump.edges.clock import FakeClock
from unslump.edges.store import queries
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.scenario.harness import VirtualDevice

MORNING = datetime(2026, 11, 24, 9, 0).astimezone()


def events(path) -> list[str]:
    with sqlite3.connect(path) as connection:
        found = [row[0] for row in connection.execute(
            "SELECT detail FROM device_events WHERE what = 'note' ORDER BY id")]
    connection.close()
    return found


def note(n: int) -> DeviceRecord:
    return DeviceRecord(MORNING + timedelta(minutes=n), "note", str(n))


def test_store_vanished_folder_is_made_again_with_every_row(tmp_path, caplog):
    path = tmp_path / "state" / "unslump.db"
    store = SqliteStore.open(path, logging.getLogger("unslump.store"), FakeClock())
    for n in range(3):
        store.append(note(n))
    shutil.rmtree(path.parent)
    with caplog.at_level(logging.WARNING, logger="unslump.store"):
        for n in range(3, 6):
            store.append(note(n))
    store.close()
    assert path.exists()
    assert events(path) == [str(n) for n in range(6)]
    [warning] = [r for r in caplog.records if "deleted" in r.getMessage()]
    assert str(path) in warning.getMessage()


def test_store_vanished_file_alone_is_made_again(tmp_path):
    path = tmp_path / "unslump.db"
    store = SqliteStore.open(path, clock=FakeClock())
    store.append(note(0))
    path.unlink()
    store.append(note(1))
    store.close()
    assert events(path) == ["0", "1"]


def test_store_vanished_while_seated_the_stop_keeps_the_whole_bout(tmp_path):
    path = tmp_path / "state" / "unslump.db"
    store = SqliteStore.open(path, clock=FakeClock(MORNING))
    device = VirtualDevice.build(Config(), store, wall_start=MORNING)
    device.sit()
    device.run_until(10 * 60)
    shutil.rmtree(path.parent)
    device.run_until(20 * 60)
    device.runtime.stop()
    device.close()
    store.close()
    with sqlite3.connect(path) as connection:
        [bout] = queries.load_rows(connection, MORNING.date(), MORNING.date()).bouts
    connection.close()
    assert bout.ended_by is EndedBy.STOP
    assert bout.seated_s == pytest.approx(20 * 60)
