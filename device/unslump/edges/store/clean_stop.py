"""How the log was left at the last stop, read before it is opened again.

A clean stop ends with the whole log in its one file: the rows checked
(``integrity_check``), the WAL folded in and cut to nothing (SQLite deletes it as the last
connection closes), ``stopped = clean`` in the ``meta`` table, and beside the log a
``-verified`` note with the size and BLAKE2 digest of the file as it was left. The next
start (which writes ``stopped = running`` into the file itself before any row) reads both:

* the file unchanged since that note: checked then, so its start skips the integrity
  check, which reads every page and grew with years of rows (hashing the file costs a
  fraction of it, and a flipped bit while the device was off still shows as a change);
* a WAL beside a file whose own pages say ``clean`` and that is not as noted: no session
  of ours wrote it, nor another program on top of the file as we left it (a backup taken
  with the service stopped, restored beside the WAL a power cut left; SQLite would
  replay it, since it ties no WAL to its file): it is set aside (:func:`stale_wal`).

The ``meta`` row is read from the file alone, ``immutable=1`` (SQLite then neither reads
the WAL nor writes anything). A log from before these records, or a session that did not
end cleanly, has neither: the full check runs and a WAL is replayed, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from pathlib import Path

STOPPED_KEY = "stopped"
CLEAN, RUNNING = "clean", "running"
VERIFIED_SUFFIX = "-verified"
WAL_HEADER_BYTES = 32  # a WAL no longer than its header holds no frame


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def verified_path(path: Path) -> Path:
    return path.with_name(path.name + VERIFIED_SUFFIX)


def wal_has_frames(path: Path) -> bool:
    try:
        return wal_path(path).stat().st_size > WAL_HEADER_BYTES
    except OSError:
        return False


def stopped_cleanly(path: Path) -> bool:
    """True if the file's own pages (its WAL left out) say the last stop was clean."""
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    except (sqlite3.Error, OSError):
        return False
    try:
        row = probe.execute("SELECT value FROM meta WHERE key = ?", (STOPPED_KEY,)).fetchone()
    except (sqlite3.Error, UnicodeDecodeError):
        return False  # no meta table yet, or unreadable: the checks that follow say why
    finally:
        with contextlib.suppress(sqlite3.Error):
            probe.close()
    return row is not None and row[0] == CLEAN


def mark(connection: sqlite3.Connection, state: str) -> bool:
    """Write ``stopped = state`` and fold the WAL into the file; True if the file itself
    now holds it (False: a reader kept the checkpoint from finishing)."""
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                       (STOPPED_KEY, state))
    busy, frames, folded = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0 and frames in (folded, 0)


def _fingerprint(path: Path) -> str:
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, "blake2b").hexdigest()
    return f"{path.stat().st_size} {digest}"


def remember_verified(path: Path) -> None:
    """Write the note that the file, as it is now, was checked and closed cleanly."""
    if wal_has_frames(path):
        return  # a reader's connection kept the WAL: the next start checks in full
    note = verified_path(path)
    partial = note.with_name(note.name + ".tmp")
    partial.write_text(_fingerprint(path) + "\n")
    os.replace(partial, note)


def as_noted(path: Path) -> bool:
    """True if the file is byte for byte as the last clean stop left it (its WAL aside)."""
    try:
        return verified_path(path).read_text().strip() == _fingerprint(path)
    except (OSError, UnicodeDecodeError):
        return False


def stale_wal(path: Path) -> bool:
    """True if the WAL beside the log cannot have been written on top of this file.

    A clean stop leaves no WAL, and every session of ours marks the file ``running``
    before its first row. So frames beside a file marked ``clean`` come from another
    program, on top of the file as we left it (a sqlite3 shell still open: the file is
    then as noted, and its WAL is replayed), or from another state of the file (an old
    WAL beside a restored backup: the file is not as noted).
    """
    return wal_has_frames(path) and stopped_cleanly(path) and not as_noted(path)


def forget_verified(path: Path) -> None:
    """Drop the note before the file changes (a session starts, or the file is set aside)."""
    with contextlib.suppress(OSError):
        verified_path(path).unlink()
