"""The break log's schema as a list of forward migrations.

The version lives in ``PRAGMA user_version`` (in the database header, so it changes in the
same transaction as the tables it describes). A device that was unplugged halfway through
an upgrade therefore reopens either at the old version or at the new one, never between.
Steps are only ever appended: a released step is never edited, because databases in the
field have already run it.

Every wall time is two columns: ``*_utc`` (ISO 8601 text in UTC, fixed width, so text order
is time order) and ``*_offset_min`` (the local UTC offset of that moment). The day a row
belongs to is computed in the local time of the moment it happened, which stays right
after a trip across time zones or a daylight-saving change.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from unslump.errors import StoreError


@dataclass(frozen=True, slots=True)
class Migration:
    """One step from ``version - 1`` to ``version``: statements run in one transaction."""

    version: int
    purpose: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        purpose="the first break log",
        statements=(
            """CREATE TABLE bouts (
                id INTEGER PRIMARY KEY,
                start_utc TEXT NOT NULL,
                start_offset_min INTEGER NOT NULL,
                end_utc TEXT NOT NULL,
                end_offset_min INTEGER NOT NULL,
                seated_s REAL NOT NULL CHECK (seated_s >= 0)
            )""",
            """CREATE TABLE breaks (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('guided', 'natural')),
                start_utc TEXT NOT NULL,
                start_offset_min INTEGER NOT NULL,
                end_utc TEXT NOT NULL,
                end_offset_min INTEGER NOT NULL,
                duration_s REAL NOT NULL CHECK (duration_s >= 0),
                completed INTEGER NOT NULL CHECK (completed IN (0, 1)),
                variant TEXT CHECK (variant IN ('seated', 'standing')),
                repetitions INTEGER
            )""",
            """CREATE TABLE reminders (
                id INTEGER PRIMARY KEY,
                at_utc TEXT NOT NULL,
                at_offset_min INTEGER NOT NULL,
                outcome TEXT NOT NULL
                    CHECK (outcome IN ('stood_up', 'routine', 'snoozed', 'ignored')),
                response_s REAL,
                chimes INTEGER NOT NULL DEFAULT 1
            )""",
            """CREATE TABLE device_events (
                id INTEGER PRIMARY KEY,
                at_utc TEXT NOT NULL,
                at_offset_min INTEGER NOT NULL,
                what TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT ''
            )""",
            """CREATE TABLE errors (
                id INTEGER PRIMARY KEY,
                at_utc TEXT NOT NULL,
                at_offset_min INTEGER NOT NULL,
                source TEXT NOT NULL,
                message TEXT NOT NULL
            )""",
            """CREATE TABLE meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        version=2,
        purpose="record how far a stopped routine got; index the day queries",
        statements=(
            "ALTER TABLE breaks ADD COLUMN reached TEXT",
            "CREATE INDEX breaks_by_start ON breaks (start_utc)",
            "CREATE INDEX bouts_by_start ON bouts (start_utc)",
            "CREATE INDEX reminders_by_at ON reminders (at_utc)",
        ),
    ),
    Migration(
        version=3,
        purpose="rows written when they begin: a key per row, and how it was closed",
        statements=(
            # NULL ended_by: still open (the bout, break or reminder under way).
            "ALTER TABLE bouts ADD COLUMN key TEXT",
            "ALTER TABLE bouts ADD COLUMN ended_by TEXT"
            " CHECK (ended_by IN ('ended', 'stop', 'power_loss'))",
            "UPDATE bouts SET ended_by = 'ended'",
            "CREATE UNIQUE INDEX bouts_by_key ON bouts (key)",
            "ALTER TABLE breaks ADD COLUMN key TEXT",
            "ALTER TABLE breaks ADD COLUMN ended_by TEXT"
            " CHECK (ended_by IN ('ended', 'stop', 'power_loss'))",
            "UPDATE breaks SET ended_by = 'ended'",
            "CREATE UNIQUE INDEX breaks_by_key ON breaks (key)",
            # A CHECK cannot be altered: the reminders table is rebuilt so that a reminder
            # can be written at its first chime (no outcome yet) and be cut short.
            """CREATE TABLE reminders_v3 (
                id INTEGER PRIMARY KEY,
                at_utc TEXT NOT NULL,
                at_offset_min INTEGER NOT NULL,
                outcome TEXT CHECK (outcome IN
                    ('stood_up', 'routine', 'snoozed', 'ignored', 'cut_short')),
                response_s REAL,
                chimes INTEGER NOT NULL DEFAULT 1,
                key TEXT,
                ended_by TEXT CHECK (ended_by IN ('ended', 'stop', 'power_loss'))
            )""",
            "INSERT INTO reminders_v3 (id, at_utc, at_offset_min, outcome, response_s, chimes,"
            " ended_by) SELECT id, at_utc, at_offset_min, outcome, response_s, chimes, 'ended'"
            " FROM reminders",
            "DROP TABLE reminders",
            "ALTER TABLE reminders_v3 RENAME TO reminders",
            "CREATE INDEX reminders_by_at ON reminders (at_utc)",
            "CREATE UNIQUE INDEX reminders_by_key ON reminders (key)",
        ),
    ),
    Migration(
        version=4,
        purpose="an outbox: rows waiting for the MQTT broker's acknowledgement",
        statements=(
            # seq orders the outbox (oldest first); row_id is the row's stable id, shared
            # by its versions: only the newest unsent version of a row is kept.
            """CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                row_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL
            )""",
            "CREATE INDEX outbox_by_row ON outbox (row_id)",
        ),
    ),
    Migration(
        version=5,
        purpose="the standing break as a break of its own kind; the uncurl's smooth report",
        statements=(
            """CREATE TABLE breaks_v5 (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('guided', 'natural', 'walk')),
                start_utc TEXT NOT NULL,
                start_offset_min INTEGER NOT NULL,
                end_utc TEXT NOT NULL,
                end_offset_min INTEGER NOT NULL,
                duration_s REAL NOT NULL CHECK (duration_s >= 0),
                completed INTEGER NOT NULL CHECK (completed IN (0, 1)),
                variant TEXT CHECK (variant IN ('seated', 'standing')),
                repetitions INTEGER,
                reached TEXT,
                key TEXT,
                ended_by TEXT CHECK (ended_by IN ('ended', 'stop', 'power_loss')),
                smooth INTEGER CHECK (smooth IN (0, 1))
            )""",
            "INSERT INTO breaks_v5 (id, kind, start_utc, start_offset_min, end_utc,"
            " end_offset_min, duration_s, completed, variant, repetitions, reached, key,"
            " ended_by) SELECT id, kind, start_utc, start_offset_min, end_utc, end_offset_min,"
            " duration_s, completed, variant, repetitions, reached, key, ended_by FROM breaks",
            "DROP TABLE breaks",
            "ALTER TABLE breaks_v5 RENAME TO breaks",
            "CREATE INDEX breaks_by_start ON breaks (start_utc)",
            "CREATE UNIQUE INDEX breaks_by_key ON breaks (key)",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version

APPLICATION_ID = 0x556E534C  # "UnSL": PRAGMA application_id, set on every Unslump log
"""Tells our log from another program's SQLite file, and our WAL from another's."""

NEWER_VERSIONS = 100
"""A version this far past the latest is not a newer Unslump's (one release adds one or
two): it is damage (one flipped header byte reads as 100663301), set aside, not waited on."""


def schema_version(connection: sqlite3.Connection) -> int:
    """The version recorded in the database header (0 for a new, empty file)."""
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    return int(version)


def application_id(connection: sqlite3.Connection) -> int:
    """The application id in the database header (0: none set, as in logs before it)."""
    (value,) = connection.execute("PRAGMA application_id").fetchone()
    return int(value)


def mark_as_ours(connection: sqlite3.Connection) -> None:
    """Set :data:`APPLICATION_ID` on a log that has none yet (new, or from before it)."""
    if application_id(connection) == 0:
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def table_columns(connection: sqlite3.Connection) -> dict[str, set[str]]:
    """Every table of the file (SQLite's own left out) with its column names."""
    names = [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: {str(row[1]) for row in connection.execute(
        "SELECT * FROM pragma_table_info(?)", (name,))} for name in names}


def shape_at(version: int) -> dict[str, set[str]]:
    """The tables and columns a log at ``version`` has: the migrations, run in memory."""
    scratch = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(scratch, Path(":memory:"), version)
        return table_columns(scratch)
    finally:
        scratch.close()


_OUR_TABLES = frozenset({"bouts", "breaks", "reminders", "device_events", "outbox"})


def foreign_tables(connection: sqlite3.Connection) -> list[str]:
    """The tables of another program's SQLite file; empty if it is (or may become) ours.

    A file with our application id, no tables, or at least two of our tables is ours
    (damage to one name, or to the header's id, does not make it a stranger's).
    """
    if application_id(connection) == APPLICATION_ID:
        return []
    tables = sorted(table_columns(connection))
    return tables if tables and len(_OUR_TABLES.intersection(tables)) < 2 else []


def damage(connection: sqlite3.Connection) -> str | None:
    """What makes the file's schema unusable though SQLite reads it, or None.

    A version Unslump never writes (negative, or far past the latest), or a table or
    column missing at the version the file claims: a flipped byte in the header or in
    the schema text. A version 0 file with our tables lost its version the same way.
    """
    version = schema_version(connection)
    if version < 0 or version > LATEST_VERSION + NEWER_VERSIONS:
        return f"schema version {version}"
    if version > LATEST_VERSION:
        return None  # a newer Unslump's: the person decides (migrate says so)
    have = table_columns(connection)
    if version == 0:
        ours = have and set(have) <= set(shape_at(LATEST_VERSION))
        return "schema version 0 with Unslump's tables" if ours else None
    for table, columns in shape_at(version).items():
        if table not in have:
            return f"table {table} missing at schema version {version}"
        if missing := sorted(columns - have[table]):
            return f"column {table}.{missing[0]} missing at schema version {version}"
    return None


def migrate(connection: sqlite3.Connection, path: Path, target: int = LATEST_VERSION) -> list[int]:
    """Run every step above the database's version up to ``target``; return those run.

    ``connection`` must be in autocommit mode (``isolation_level=None``): each step opens
    its own ``BEGIN IMMEDIATE`` so that it and its version number commit together.
    Raises :class:`StoreError` for a database written by a newer Unslump, which this one
    cannot read safely.
    """
    current = schema_version(connection)
    if current > LATEST_VERSION:
        raise StoreError(
            f"{path}: break log schema version {current} is newer than this Unslump knows "
            f"(up to {LATEST_VERSION}); install the newer Unslump again, or move the file "
            "aside to start a new log"
        )
    applied: list[int] = []
    for step in MIGRATIONS:
        if current < step.version <= target:
            _apply(connection, step)
            applied.append(step.version)
    return applied


def _apply(connection: sqlite3.Connection, step: Migration) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        for statement in step.statements:
            connection.execute(statement)
        # PRAGMA takes no parameters; the version is an int from our own table.
        connection.execute(f"PRAGMA user_version = {int(step.version)}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
