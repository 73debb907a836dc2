"""Compare two `unslump export --format json` outputs, for the upgrade in test-install.sh.

    python3 scripts/log_rows.py count EXPORT        "N rows (bouts 1, breaks 1, ...)"
    python3 scripts/log_rows.py kept OLD NEW        every row of OLD still in NEW

The upgrade test exports the break log with the old code, upgrades, and exports it again
with the new code (after the new service has run on it, where the boot can run). A row
is kept when the same table in NEW holds a row with the same value for every column the
two versions share: a newer version may add columns, never lose a row. Runs on the host
(stdlib only), so it does not depend on either version's code. Exit 1 when a row is gone
or a file is not an export.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

Rows = dict[str, list[dict[str, object]]]


def load(path: str) -> Rows:
    """The export at ``path``: an object of table name to its list of rows."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(rows, list) for rows in data.values()):
        raise SystemExit(f"{path}: not an `unslump export --format json` output")
    return data


def describe(rows: Rows) -> str:
    """The row count, total and per table with rows."""
    total = sum(len(table) for table in rows.values())
    parts = ", ".join(f"{name} {len(table)}" for name, table in rows.items() if table)
    return f"{total} rows ({parts})"


def missing(old: Rows, new: Rows) -> list[str]:
    """The old rows with no match in the new export, as 'table: row' lines."""
    gone = []
    for name, rows in old.items():
        candidates = list(new.get(name, []))
        for row in rows:
            match = next((index for index, other in enumerate(candidates)
                          if all(other[key] == value for key, value in row.items()
                                 if key in other)), None)
            if match is None:
                gone.append(f"{name}: {json.dumps(row, sort_keys=True)}")
            else:
                del candidates[match]  # each new row matches one old row only
    return gone


def main(argv: list[str]) -> int:
    """Print the count or the comparison; 1 when a row is gone."""
    if len(argv) == 2 and argv[0] == "count":
        print(describe(load(argv[1])))
        return 0
    if len(argv) == 3 and argv[0] == "kept":
        old, new = load(argv[1]), load(argv[2])
        gone = missing(old, new)
        kept = sum(len(rows) for rows in old.values()) - len(gone)
        print(f"{kept} of {describe(old)} kept; the log now holds {describe(new)}")
        for line in gone:
            print(f"  gone: {line}")
        return 1 if gone else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
