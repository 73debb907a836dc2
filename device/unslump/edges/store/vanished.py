"""A log deleted under the running device, written back at its path from the open handle.

Someone removes the state directory by hand (or a cleanup rule does): SQLite goes on
writing to the deleted file through the handle it holds, nobody notices, and at the stop
every row is gone. The handle still reads the whole log, so the store checks before each
write that its file is still there and, if not, copies the log back to its path with
SQLite's online backup and goes on with the copy.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path


def missing(path: Path) -> bool:
    """True when nothing is at ``path`` any more (the file or a folder above it deleted).

    Only a missing file counts: a different file put at the path is someone's on purpose,
    and is never written over.
    """
    try:
        path.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False  # a folder made unreadable is a disk problem, found by the write
    return False


def write_back(connection: sqlite3.Connection, path: Path,
               connect: Callable[[Path], sqlite3.Connection]) -> sqlite3.Connection:
    """A new log at ``path`` holding everything ``connection`` (on the deleted file) has;
    ``connection`` is closed, and the caller configures the new one.

    The old connection is closed before anything is made at the path: SQLite deletes a
    log's ``-wal`` file by name when its last connection closes, which would be the new
    log's. So the rows pass through a copy in memory (the size of the log).
    """
    snapshot = sqlite3.connect(":memory:")
    try:
        connection.backup(snapshot)
        with contextlib.suppress(sqlite3.Error):
            connection.close()
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = connect(path)
        try:
            snapshot.backup(fresh)
        except BaseException:
            fresh.close()
            path.unlink(missing_ok=True)
            raise
    finally:
        snapshot.close()
    return fresh
