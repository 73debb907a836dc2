"""Every row of the break log for ``unslump export``, streamed a row at a time.

Ten years of a busy log is millions of rows; loading them all (and then building the
whole CSV or JSON text) took close to 2 GiB, and a Pi Zero has 512 MB. Here each table
is read through one cursor and each row is written as soon as it is read, so memory
stays the same whatever the size of the log. ``--since`` is a WHERE clause: rows before
it are never read. The columns and their spelling are :data:`queries.EXPORT_TABLES`.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import TextIO

from unslump.edges.store.queries import EXPORT_TABLES
from unslump.edges.store.rows import MAX_OFFSET, from_columns, utc_text
from unslump.errors import BadRowError, StoreError

# The moment whose local day decides whether a row is "on or after --since": a bout
# counts by its end (so one across midnight into that day is kept), others by their start.
_DAY_COLUMN = {"bouts": "end", "breaks": "start", "reminders": "at", "device_events": "at",
               "errors": "at"}
_TIMES = ("start", "end", "at")

Row = dict[str, object]

_log = logging.getLogger(__name__)


def export_table(connection: sqlite3.Connection, table: str,
                 since: date | None = None) -> Iterator[Row]:
    """The rows of ``table`` (a key of EXPORT_TABLES), oldest first, as plain values.

    A stored time that cannot be read back is exported as stored, with a warning naming
    the row.
    """
    columns = EXPORT_TABLES[table]  # the table name is ours, never the user's
    sql = f"SELECT * FROM {table}"
    parameters: tuple[object, ...] = ()
    if since is not None:
        moment = _DAY_COLUMN[table]
        # The text comparison narrows by index; date() with the row's own offset decides.
        low = datetime.combine(since, time(), UTC)
        sql += (f" WHERE {moment}_utc >= ? AND date({moment}_utc, "
                f"printf('%+d minutes', {moment}_offset_min)) >= ?")
        parameters = (utc_text(low - MAX_OFFSET), since.isoformat())
    cursor = connection.cursor()
    cursor.row_factory = sqlite3.Row
    rows = cursor.execute(sql + " ORDER BY id", parameters)
    present = {description[0] for description in rows.description}
    needed = {"id"}
    for column in columns:
        needed |= {f"{column}_utc", f"{column}_offset_min"} if column in _TIMES else {column}
    if missing := sorted(needed - present):
        # A damaged schema (a flipped byte in a column's name) reads as a table without it.
        raise StoreError(f"the break log's table {table} has no column {missing[0]}: its "
                         "schema is damaged; move the file aside to start a new log")
    for raw in rows:
        yield _plain(table, columns, raw)


def _plain(table: str, columns: tuple[str, ...], raw: sqlite3.Row) -> Row:
    row: Row = {}
    for column in columns:
        if column in _TIMES:
            utc, offset = raw[f"{column}_utc"], raw[f"{column}_offset_min"]
            try:
                row[column] = from_columns(utc, offset).isoformat()
            except (ValueError, TypeError, OverflowError) as exc:
                # Exported as stored: an export is where a person looks at such a row.
                bad = BadRowError(table, raw["id"], f"{column} {utc!r}: {exc}")
                _log.warning("break log: %s; exported as stored", bad.row_problem)
                row[column] = _stored(utc)
        elif column == "completed":
            row[column] = bool(raw[column])
        elif column == "smooth":
            row[column] = None if raw[column] is None else bool(raw[column])
        else:
            row[column] = _stored(raw[column])
    return row


def _stored(value: object) -> object:
    """A stored value as CSV and JSON can hold it: a blob (a damaged byte in a text column)
    as text with its bad bytes escaped, a number or text as it is."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def write_csv(connection: sqlite3.Connection, out: TextIO, since: date | None) -> None:
    """One sheet: a ``table`` column, then every table's columns (blank where not its own).

    One file sorts and filters in any spreadsheet; ``table`` tells the rows apart.
    """
    fieldnames = ["table"]
    for names in EXPORT_TABLES.values():
        fieldnames.extend(name for name in names if name not in fieldnames)
    writer = csv.DictWriter(out, fieldnames=fieldnames)
    writer.writeheader()
    for table in EXPORT_TABLES:
        for row in export_table(connection, table, since):
            writer.writerow({"table": table, **row})


def write_json(connection: sqlite3.Connection, out: TextIO, since: date | None) -> None:
    """An object of table name to list of rows, laid out as ``json.dumps(indent=2)``."""
    out.write("{")
    for number, table in enumerate(EXPORT_TABLES):
        out.write(("," if number else "") + f"\n  {json.dumps(table)}: ")
        first = True
        for row in export_table(connection, table, since):
            body = json.dumps(row, indent=2).replace("\n", "\n    ")
            out.write(("[\n    " if first else ",\n    ") + body)
            first = False
        out.write("[]" if first else "\n  ]")
    out.write("\n}\n")


EXPORTERS = {"csv": write_csv, "json": write_json}
