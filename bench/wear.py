"""SD card wear: bytes the break log's files take per seated hour, checkpoints included.

The open bout is brought forward once a minute so that a power cut loses at most a
minute; each checkpoint is one small transaction. This sits a virtual device (the real
core, loop and SQLite store, on a real file) through a seated working morning and counts
the bytes SQLite hands the kernel for the log's files (``wchar`` of /proc/self/io: the
database, its WAL and the WAL's index, checkpoints back into the database included).
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from bench.results import Figure
from unslump.config.file import Config
from unslump.core.machine import CHECKPOINT_S
from unslump.edges.clock import FakeClock
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.scenario.harness import VirtualDevice

MORNING = datetime(2026, 11, 24, 8, 0)
MIB = 1024 * 1024
TARGET_BYTES_PER_HOUR = MIB


def written_bytes() -> int:
    """Bytes this process has passed to write calls so far."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise RuntimeError("/proc/self/io has no wchar line")


def seated_hours(hours: float) -> int:
    """Bytes written to the log while one person sits ``hours`` in one bout, stop included."""
    clock = FakeClock(MORNING.astimezone())
    with tempfile.TemporaryDirectory(prefix="unslump-wear-") as folder:
        store = SqliteStore.open(Path(folder) / "unslump.db", clock=clock)
        device = VirtualDevice.build(Config(), store, clock=clock)
        before = written_bytes()
        try:
            device.sit()
            device.run_until(hours * 3600)
            device.runtime.stop()
        finally:
            device.close()
            store.close()  # its WAL checkpoint back into the database counts too
        return written_bytes() - before


def run(hours: float = 8.0) -> tuple[list[Figure], dict[str, object]]:
    per_hour = seated_hours(hours) / hours
    figures = [
        Figure("log_bytes_per_seated_hour", f"log bytes written per seated hour ({hours:g} h "
               "bout)", round(per_hour / MIB, 3), "MiB", TARGET_BYTES_PER_HOUR / MIB, "max"),
        Figure("checkpoints_per_hour", "open-bout checkpoints per hour", 3600 / CHECKPOINT_S,
               "", note="one a minute: a power cut loses at most 60 s of sitting"),
    ]
    return figures, {"log_bytes_per_seated_hour": round(per_hour)}
