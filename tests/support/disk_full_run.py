"""Fill a small file system under the break log, free a little, and see the rows catch up.

Run by ``test_store_disk_full.py`` inside its own mount namespace (``unshare --mount``,
as root or as a mapped root in a user namespace), so the tmpfs made here vanishes with
the process. Prints one JSON object with the figures.

Usage: python disk_full_run.py DIR SIZE_KIB ROWS FREED_KIB RETRIES
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from unslump.core.records import BreakKind, BreakRecord, ReminderOutcome, ReminderRecord
from unslump.edges.clock import FakeClock
from unslump.edges.store.sqlite import SqliteStore

WALL = datetime(2026, 11, 24, 9, 0, tzinfo=timezone(timedelta(hours=1)))


def fill(path: Path) -> int:
    """Write ``path`` until the file system is full; returns its size."""
    chunk = b"\xff" * 4096
    with path.open("wb", buffering=0) as file:
        try:
            while True:
                file.write(chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return path.stat().st_size


def main(folder: Path, size_kib: int, rows: int, freed_kib: int, retries: int) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(folder)],
                   check=True)
    db, filler = folder / "unslump.db", folder / "filler"
    clock = FakeClock(WALL)
    store = SqliteStore.open(db, clock=clock, buffer_rows=2 * rows + 100)
    for number in range(50):  # a log with some days in it, while the disk has room
        at = WALL + timedelta(minutes=number)
        store.append(BreakRecord(BreakKind.NATURAL, at, at + timedelta(minutes=4), 240.0))
    fill(filler)
    for number in range(rows):
        at = WALL + timedelta(hours=1, minutes=number)
        store.append(ReminderRecord(at, ReminderOutcome.STOOD_UP, 30.0, 1))
        store.append(BreakRecord(BreakKind.NATURAL, at, at + timedelta(minutes=4), 240.0))
    pending_when_full = store.pending_rows
    wal = db.with_name(db.name + "-wal")
    wal_when_full = wal.stat().st_size if wal.exists() else 0
    with filler.open("r+b") as file:  # free a little room, and nothing else
        file.truncate(max(0, filler.stat().st_size - freed_kib * 1024))
    used = 0
    while (due := store.deadline()) is not None and used <= retries:
        clock.advance_to(due)
        store.service(clock.monotonic())
        used += 1
    result = {"size_kib": size_kib, "rows_offered": 2 * rows, "freed_kib": freed_kib,
              "pending_when_full": pending_when_full, "wal_kib_when_full": wal_when_full // 1024,
              "pending_after": store.pending_rows, "dropped": store.dropped_rows,
              "retries_used": used, "healthy": store.healthy}
    store.close()
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    result["rows_on_disk"] = sum(
        connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("breaks", "reminders"))
    connection.close()
    os.chdir("/")
    subprocess.run(["umount", str(folder)], check=False)
    return result


if __name__ == "__main__":
    folder, size, rows, freed, retries = sys.argv[1:6]
    print(json.dumps(main(Path(folder), int(size), int(rows), int(freed), int(retries))))
