"""``unslump export`` memory: the peak RSS of exporting a large log, CSV and JSON.

A Pi Zero has 512 MB and ten years of a busy log is about a million rows; the export
used to load every row and build the whole text in memory (853 MiB for CSV, 1.98 GiB
for JSON over such a log). It now streams, so its peak should not depend on the size
of the log. The log is written straight with SQL (the schema from SqliteStore), and
each export runs in a fresh interpreter whose peak RSS ``os.wait4`` reports.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.results import Figure
from unslump.edges.clock import FakeClock
from unslump.edges.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
TARGET_MIB = 64  # a small share of a Pi Zero's 512 MB, whatever the size of the log


def build_log(path: Path, rows: int) -> None:
    """``rows`` bouts, breaks and reminders ten minutes apart, from 2016 on."""
    SqliteStore.open(path, clock=FakeClock()).close()
    origin = datetime(2016, 1, 1, tzinfo=UTC)
    spans = [((origin + timedelta(minutes=10 * i)).isoformat(timespec="microseconds"), 60,
              (origin + timedelta(minutes=10 * i + 5)).isoformat(timespec="microseconds"), 60,
              300.0) for i in range(rows)]
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany("INSERT INTO bouts (start_utc, start_offset_min, end_utc, "
                               "end_offset_min, seated_s) VALUES (?, ?, ?, ?, ?)", spans)
        connection.executemany("INSERT INTO breaks (kind, start_utc, start_offset_min, "
                               "end_utc, end_offset_min, duration_s, completed) VALUES "
                               "('natural', ?, ?, ?, ?, ?, 1)", spans)
        connection.executemany("INSERT INTO reminders (at_utc, at_offset_min, outcome, "
                               "response_s, chimes) VALUES (?, ?, 'routine', 12.0, 1)",
                               [span[:2] for span in spans])
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()


# The child reads its own high-water mark as it exits: /proc's VmHWM belongs to the
# address space made at exec, where getrusage would also count the forked bench itself.
_REPORTING_HWM = (
    "import atexit, runpy, sys\n"
    "def hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            print(line.split()[1], file=sys.stderr)\n"
    "atexit.register(hwm)\n"
    "sys.argv = ['unslump', *sys.argv[1:]]\n"
    "runpy.run_module('unslump', run_name='__main__', alter_sys=True)\n"
)


def peak_rss_mib(args: list[str]) -> float:
    """Run ``unslump ARGS`` in a fresh interpreter (output discarded); its peak RSS."""
    with open(os.devnull, "wb") as sink:
        done = subprocess.run([sys.executable, "-c", _REPORTING_HWM, *args], cwd=ROOT,
                              stdout=sink, stderr=subprocess.PIPE, text=True, check=True)
    return round(int(done.stderr.split()[-1]) / 1024, 1)  # VmHWM is in kB


def run(rows: int = 300_000) -> tuple[list[Figure], dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="bench-export-") as directory:
        db = Path(directory) / "log.db"
        build_log(db, rows)
        size_mib = round(db.stat().st_size / 2**20, 1)
        figures = [Figure("export_rows", "Export: rows in the log", 3 * rows, "rows",
                          note=f"{size_mib} MiB of SQLite")]
        for kind in ("csv", "json"):
            peak = peak_rss_mib(["export", "--db", str(db), "--format", kind])
            figures.append(Figure(f"export_{kind}_rss", f"Export {kind.upper()}: peak RSS",
                                  peak, "MiB", TARGET_MIB, "max"))
    return figures, {"export": {"rows": 3 * rows, "log_mib": size_mib}}
