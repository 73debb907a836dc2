"""The outbox: every logged row, waiting in the log itself until the broker has it.

A row is put in the outbox by the same transaction that writes it to its table, so a
power cut can never leave a row logged but not queued (or queued but not logged). A row
leaves the outbox only when the broker has acknowledged it (an MQTT PUBACK at QoS 1);
until then it survives a broker away for a day, a restart and a pulled plug, and is sent
again, oldest first.

Each payload is JSON with a stable ``id``: every version of one row (the open bout, its
checkpoints, its close) carries the row's key, and ``seq`` grows with every version, so
a consumer keeps the version with the highest ``seq`` per ``id``. Only the newest unsent
version of a row is kept: a day of minute checkpoints while the broker is away costs one
outbox row, not 480. The outbox is bounded: past ``cap`` rows the oldest are dropped
(counted, and the store warns), since the log itself still holds every row.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from unslump.core.records import (
    BoutRecord,
    BreakRecord,
    DeviceRecord,
    NoticeRecord,
    Record,
    ReminderRecord,
)
from unslump.edges.store.rows import (
    NOTICE_EVENT,
    bout_from_row,
    break_from_row,
    reminder_from_row,
    utc_text,
)
from unslump.errors import BadRowError
from unslump.ports import OutboxRow

DEFAULT_CAP = 20000


def row_id(record: Record) -> str | None:
    """The stable id of a published row, or None for rows that are not published.

    Keyed rows use their key (unique in the log: it starts with the boot's name); a
    device start or stop is named by its instant and what it was.
    """
    match record:
        case BoutRecord(key=key) | BreakRecord(key=key) | ReminderRecord(key=key) if key:
            return f"{_kind(record)}-{key}"
        case DeviceRecord(at=at, what=what):
            return f"device-{utc_text(at)}-{what}"
        case NoticeRecord(at=at):
            return f"device-{utc_text(at)}-notice"
    return None


def payload(record: Record, seq: int | None = None) -> dict[str, Any]:
    """The JSON-ready fields of a published row (``seq`` is added once it has one)."""
    match record:
        case BoutRecord():
            body: dict[str, Any] = {"start": record.start.isoformat(),
                                    "end": record.end.isoformat(),
                                    "seated_s": round(record.seated_s, 3)}
        case BreakRecord():
            body = {"kind": str(record.kind), "start": record.start.isoformat(),
                    "end": record.end.isoformat(), "duration_s": round(record.duration_s, 3),
                    "completed": record.completed,
                    "variant": None if record.variant is None else str(record.variant),
                    "repetitions": record.repetitions, "reached": record.reached}
        case ReminderRecord():
            body = {"at": record.at.isoformat(),
                    "outcome": None if record.outcome is None else str(record.outcome),
                    "response_s": record.response_s, "chimes": record.chimes}
        case DeviceRecord():
            body = {"at": record.at.isoformat(), "what": record.what, "detail": record.detail}
        case NoticeRecord():  # a device_events row like a start, with the answer as detail
            body = {"at": record.at.isoformat(), "what": NOTICE_EVENT,
                    "detail": str(record.answer)}
        case _:
            raise TypeError(f"{type(record).__name__} rows are not published")
    ended_by = getattr(record, "ended_by", None)
    result = {"id": row_id(record), "type": _kind(record), **body}
    if not isinstance(record, DeviceRecord | NoticeRecord):
        result["open"] = ended_by is None
        result["ended_by"] = None if ended_by is None else str(ended_by)
    if seq is not None:
        result["seq"] = seq
    return result


def queue_row(connection: sqlite3.Connection, record: Record, cap: int) -> int:
    """Put ``record`` in the outbox inside the caller's open transaction; return how many
    old rows the cap pushed out (0 nearly always).

    An unsent older version of the same row is replaced: the newest goes to the back.
    """
    identity = row_id(record)
    if identity is None:
        return 0
    connection.execute("DELETE FROM outbox WHERE row_id = ?", (identity,))
    cursor = connection.execute(
        "INSERT INTO outbox (row_id, kind, payload) VALUES (?, ?, '')",
        (identity, _kind(record)))
    seq = cursor.lastrowid
    import json  # here: a device without [mqtt] queues nothing and never loads it

    connection.execute("UPDATE outbox SET payload = ? WHERE seq = ?",
                       (json.dumps(payload(record, seq), separators=(",", ":")), seq))
    (depth,) = connection.execute("SELECT COUNT(*) FROM outbox").fetchone()
    if depth <= cap:
        return 0
    dropped = connection.execute(
        "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)",
        (depth - cap,)).rowcount
    return int(dropped)


_OPEN_TABLES = (("bouts", bout_from_row), ("breaks", break_from_row),
                ("reminders", reminder_from_row))


def open_keys(connection: sqlite3.Connection) -> dict[str, list[str]]:
    """The keys of the rows still open, per table (read before they are closed)."""
    return {table: [key for (key,) in connection.execute(
        f"SELECT key FROM {table} WHERE ended_by IS NULL AND key IS NOT NULL")]
        for table, _ in _OPEN_TABLES}


def queue_rows_by_key(connection: sqlite3.Connection, keys: dict[str, list[str]],
                      cap: int) -> int:
    """Queue the current version of these rows (closed at start after a power cut: the
    broker must learn how they ended too); inside the caller's transaction."""
    dropped = 0
    cursor = connection.cursor()
    cursor.row_factory = sqlite3.Row
    for table, from_row in _OPEN_TABLES:
        for key in keys.get(table, []):
            row = cursor.execute(f"SELECT * FROM {table} WHERE key = ?", (key,)).fetchone()
            # A row that cannot be read back is closed in its table all the same; it
            # is only not announced (the stats leave it out too, with a warning).
            with contextlib.suppress(BadRowError):
                if row is not None:
                    dropped += queue_row(connection, from_row(row), cap)
    return dropped


def waiting(connection: sqlite3.Connection, after: int, limit: int) -> list[OutboxRow]:
    """Up to ``limit`` rows with ``seq`` above ``after``, oldest first."""
    rows = connection.execute(
        "SELECT seq, row_id, kind, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
        (after, limit)).fetchall()
    return [OutboxRow(int(seq), rid, kind, text) for seq, rid, kind, text in rows]


def acknowledged(connection: sqlite3.Connection, seqs: list[int]) -> None:
    """The broker has these rows: they leave the outbox (one transaction)."""
    if not seqs:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.executemany("DELETE FROM outbox WHERE seq = ?", [(s,) for s in seqs])
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def depth(connection: sqlite3.Connection) -> int:
    """Rows still waiting for the broker."""
    (count,) = connection.execute("SELECT COUNT(*) FROM outbox").fetchone()
    return int(count)


def _kind(record: Record) -> str:
    match record:
        case BoutRecord():
            return "bout"
        case BreakRecord():
            return "break"
        case ReminderRecord():
            return "reminder"
        case DeviceRecord() | NoticeRecord():
            return "device"
    raise TypeError(f"{type(record).__name__} rows are not published")
