"""Years of stretches do not slow the start or the stats pages.

A device used for years holds tens of thousands of completed stretches. Starting it reads
the practice level, and the stats pages show it with the week's stretches; both must cost
about the same with 20,000 stretches as with 100, or a Pi Zero's start nears systemd's
start timeout and the stats pages block the loop past the watchdog. The two logs are
timed side by side, several times each, and the best times compared: a ratio, not an
absolute time, so a busy machine slows both alike.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from unslump.config.file import Config
from unslump.core.records import (
    BreakKind,
    BreakRecord,
    EndedBy,
    NoticeAnswer,
    NoticeRecord,
    Variant,
)
from unslump.edges.clock import FakeClock
from unslump.edges.store.rows import insert_statement
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.scenario.harness import VirtualDevice

NOW = datetime(2026, 11, 24, 9, 0).astimezone()
FEW, MANY = 100, 20_000
ROUNDS = 5
MAX_RATIO = 1.5


def stretches(count: int) -> list[BreakRecord]:
    """``count`` completed stretches, four a day until just before now, one in three
    reported smooth."""
    first = NOW - timedelta(hours=6 * count)
    return [BreakRecord(
        kind=BreakKind.GUIDED, start=start, end=start + timedelta(seconds=200),
        duration_s=200.0, completed=True, variant=Variant.SEATED, repetitions=3,
        smooth=True if n % 3 == 0 else None, key=f"old-{n}", ended_by=EndedBy.ENDED)
        for n, start in enumerate(first + timedelta(hours=6 * n) for n in range(count))]


def stretches_log(path: Path, count: int) -> Path:
    """A log holding :func:`stretches`, and the notice answered before the first, as the
    device leaves it at a clean stop."""
    SqliteStore.open(path, clock=FakeClock()).close()
    rows = stretches(count)
    with sqlite3.connect(path) as connection:
        for record in rows:
            connection.execute(*insert_statement(record))
        connection.execute(*insert_statement(NoticeRecord(rows[0].start,
                                                          NoticeAnswer.UNDERSTOOD)))
    connection.close()
    SqliteStore.open(path, clock=FakeClock(NOW)).close()  # a start and a clean stop
    return path


def start_and_stats_s(path: Path) -> float:
    """Seconds to start the device on the log, as ``unslump run`` does (opening the log
    with its checks for damage, closing the rows a power cut left open), and open the
    stats pages; the clean stop that follows is not timed."""
    began = time.perf_counter()  # the test's own stopwatch, not the device's clock
    store = SqliteStore.open(path, clock=FakeClock(NOW))
    device = VirtualDevice.build(Config(), store, clock=FakeClock(NOW))
    device.hold()
    assert device.runtime.state.name == "stats"
    assert device.runtime.state.mode.pages  # filled in from the log
    took = time.perf_counter() - began
    device.close()
    store.close()
    return took


def open_s(path: Path) -> float:
    began = time.perf_counter()
    SqliteStore.open(path, clock=FakeClock(NOW)).close()
    return time.perf_counter() - began


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("scaling")
    return stretches_log(folder / "few.db", FEW), stretches_log(folder / "many.db", MANY)


def test_store_scaling_start_and_stats_cost_the_same_with_years_of_stretches(logs):
    few, many = logs
    start_and_stats_s(few)  # imports and fonts: paid once, by neither side
    times: dict[Path, list[float]] = {few: [], many: []}
    for _ in range(ROUNDS):
        for path in (few, many):
            times[path].append(start_and_stats_s(path))
    ratio = min(times[many]) / min(times[few])
    print(f"\nstart (the log's open included) + stats: {FEW} stretches "
          f"{min(times[few]):.3f} s, {MANY} {min(times[many]):.3f} s, ratio {ratio:.2f}; "
          f"opening and closing the log alone {min(open_s(few) for _ in range(3)):.3f} s / "
          f"{min(open_s(many) for _ in range(3)):.3f} s")
    assert ratio <= MAX_RATIO


def test_store_scaling_the_level_and_the_week_come_from_every_stretch(logs):
    """What the pages show is still right: the level from all the history, the week's
    stretches counted one by one."""
    _, many = logs
    store = SqliteStore.open(many, clock=FakeClock(NOW))
    device = VirtualDevice.build(Config(), store, clock=FakeClock(NOW))
    device.hold()
    week = device.runtime.state.mode.pages[1]
    first_day = NOW.date() - timedelta(days=6)
    this_week = [row for row in stretches(MANY) if row.start.date() >= first_day]
    assert week.stretches == len(this_week) > 20
    assert week.smooth == sum(1 for row in this_week if row.smooth)
    assert week.level == 6  # a smooth stretch every day for years: the top level
    device.close()
    store.close()
