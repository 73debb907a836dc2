"""Appends breaks forever, printing each one's number once ``append`` has returned.

Run by ``test_store_kill.py``, which kills it with SIGKILL at random moments: every
number printed here must then be in the log, whatever instant the kill landed on.

Usage: python store_writer.py DB_PATH FIRST_NUMBER
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from unslump.core.records import BreakKind, BreakRecord, Variant
from unslump.edges.clock import SystemClock
from unslump.edges.store.sqlite import SqliteStore


def main(path: Path, first: int) -> None:
    clock = SystemClock()
    store = SqliteStore.open(path, clock=clock)
    number = first
    while True:
        start = clock.wall()
        store.append(
            BreakRecord(
                kind=BreakKind.GUIDED,
                start=start,
                end=start + timedelta(minutes=5),
                duration_s=300.0,
                variant=Variant.STANDING,
                repetitions=number,
                reached="done",
            )
        )
        if not store.healthy:
            sys.exit(f"store_writer: {path} stopped taking rows")
        print(number, flush=True)
        number += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
