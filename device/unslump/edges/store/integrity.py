"""What SQLite's integrity check found: damage to the file, or rows that break a CHECK rule.

``integrity_check`` reports a row whose value breaks one of the schema's CHECK rules
(written by another tool with CHECKs off, or with ``PRAGMA ignore_check_constraints``) as
"CHECK constraint failed in TABLE", one line a row, beside real damage (a page, an index
out of step). Such a row is a bad value like any other, which the readers already leave
out: the log stays, and the person is told how many rows of which table. Any other
finding means the file itself is damaged, and it is set aside.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

CHECK_FINDING = re.compile(r"CHECK constraint failed in (\S+)\Z")

FINDINGS_READ = 10_000
"""Findings read at most: past this many (all CHECK rows so far) the rest is unknown, and
the file is set aside rather than trusted unread."""


@dataclass(frozen=True, slots=True)
class Findings:
    """``damage``: why the file must be set aside (None: it need not); ``check_rows``:
    rows breaking a CHECK rule, by table."""

    damage: str | None = None
    check_rows: dict[str, int] = field(default_factory=dict)


def findings(connection: sqlite3.Connection, pragma: str = "integrity_check") -> Findings:
    """Run ``pragma`` (``integrity_check`` or ``quick_check``) and sort what it finds."""
    lines = [str(line) for (line,) in connection.execute(f"PRAGMA {pragma}({FINDINGS_READ})")]
    if lines == ["ok"]:
        return Findings()
    broken: Counter[str] = Counter()
    for line in lines:
        if (match := CHECK_FINDING.match(line)) is None:
            # SQLite's report spans lines; the journal gets one line an event
            return Findings(f"{pragma}: {' '.join(line.split())}")
        broken[match[1]] += 1
    if len(lines) >= FINDINGS_READ:
        return Findings(f"{pragma}: {len(lines)} or more rows break the schema's CHECK rules")
    return Findings(check_rows=dict(broken))


def check_rows_told(path: object, table: str, rows: int) -> str:
    """The one warning for a table's rows that break a CHECK rule."""
    return (f"break log {path}: {rows} row{'s' if rows > 1 else ''} of {table} break the "
            "schema's CHECK rules (written by another tool?); they are left out of the "
            "stats, the pages and MQTT; fix or delete them with the sqlite3 shell")
