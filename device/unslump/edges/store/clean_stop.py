"""How the log was left at the last stop, read before it is opened again.

A clean stop ends with the whole log in its one file: the rows checked
(``integrity_check``), the WAL folded in and the file taken out of WAL mode (SQLite
deletes the WAL), then ``stopped = clean`` written into the file itself (a rollback-mode
transaction: atomic, no WAL), and beside the log a ``-verified`` note with the size and
CRC-32 of the file as it was left. The next start writes ``stopped = running``
into the file the same way, before WAL mode and before any row, and reads both:

* the file unchanged since that note: checked then, so its start skips the integrity
  check, which reads every page and grew with years of rows (hashing the file costs a
  fraction of it, and a page lost while the device was off still shows as a change);
* a WAL beside a file whose own pages say ``clean``: no session of ours wrote it on top
  of this file, since each marks the file ``running`` before its WAL exists, and the
  stop's mark is written only once the WAL is gone (a backup taken with the service
  stopped, restored beside the WAL a power cut left; SQLite would replay it, since it
  ties no WAL to its file): it is set aside (:func:`stale_wal`).

The ``meta`` row is read from the file alone, ``immutable=1`` (SQLite then neither reads
the WAL nor writes anything). A log from before these records, or a session that did not
end cleanly, has neither: the full check runs and a WAL is replayed, as before.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import zlib
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


def stale_wal(path: Path) -> bool:
    """True if the WAL beside the log cannot have been written on top of this file."""
    return wal_has_frames(path) and stopped_cleanly(path)


def mark(connection: sqlite3.Connection, state: str) -> None:
    """Write ``stopped = state``: into the file itself when it is in rollback mode."""
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                       (STOPPED_KEY, state))


CHUNK = 1 << 20


def _fingerprint(path: Path) -> str:
    """The file's size and CRC-32: damage (a lost page, a flipped bit) changes it. zlib,
    not hashlib: hashlib loads OpenSSL, some 4 MiB of the service's 30."""
    crc = 0
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            crc = zlib.crc32(chunk, crc)
    return f"{path.stat().st_size} {crc:08x}"


def remember_verified(path: Path) -> None:
    """Write the note that the file, as it is now, was checked and closed cleanly."""
    if wal_has_frames(path):
        return  # not folded in after all: the next start checks in full
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


def forget_verified(path: Path) -> None:
    """Drop the note before the file changes (a session starts, or the file is set aside)."""
    with contextlib.suppress(OSError):
        verified_path(path).unlink()
