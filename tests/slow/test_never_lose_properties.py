"""Random days with clean stops and power cuts: the stats add up to the confirmed sitting.

Each example drives the real device (scenario harness, MockFactory pins, fake clock) on a
real SQLite file through random seat edges, presses and holds, restarts it cleanly and
pulls its plug at random moments, then compares the stats with a reference computed from
the seat edges alone:

- the sum of ``sitting_s`` over the days equals the confirmed seated time (outside the
  stretches and the standing breaks), exactly when every stop was clean and within one
  checkpoint interval per power cut;
- the reminders in the stats equal the reminders that started with a chime.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import given, settings, target
from hypothesis import strategies as st

from unslump.cli.stats import read_only_log
from unslump.config.file import Config, RoutineConfig
from unslump.core.effects import Effect
from unslump.core.machine import CHECKPOINT_S
from unslump.core.records import BreakKind
from unslump.edges.store import queries
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.scenario.harness import VirtualDevice

# One repetition: the stretch's animation is most of the CPU time, and its length is not
# what is tested here.
CONFIG = replace(Config(), routine=RoutineConfig(repetitions=1))
START = datetime(2026, 11, 24, 8, 0).astimezone()
SIT_S, STAND_S = CONFIG.seat.sit_confirm_s, CONFIG.seat.stand_confirm_s
BRIDGE_S = CONFIG.seat.dropout_bridge_s
OFF_S = 30.0  # how long the device stays dark after a power cut
# Every row is fsynced (synchronous=FULL); on a RAM disk that costs nothing.
SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None


@dataclass
class Life:
    """One run of the device: from its boot to a clean stop or a power cut."""

    boot: float
    raw_at_boot: bool
    end: float = 0.0
    edges: list[tuple[float, bool]] = field(default_factory=list)


class Reminders:
    """Counts the reminders that began (the state turned to "reminder" with a chime); the
    notice left unanswered at a reminder goes back to that same reminder, not a new one."""

    def __init__(self) -> None:
        self.started = 0
        self._last = ""

    def state(self, at: float, name: str) -> None:
        if name == "reminder" and self._last not in ("reminder", "notice"):
            self.started += 1
        self._last = name

    def effect(self, at: float, effect: Effect) -> None:
        pass


def confirmed_intervals(life: Life) -> list[tuple[float, float]]:
    """Seated intervals by the rule alone: a reading counts once it has held for its
    confirmation time, from its first edge (a contact's kept across losses of contact
    shorter than the bridge); the boot reads the level as a first edge."""
    raw, raw_since, occupied, since = life.raw_at_boot, life.boot, False, life.boot
    contact: float | None = None
    intervals: list[tuple[float, float]] = []

    def settle(until: float) -> None:
        nonlocal occupied, since, contact
        first = contact if raw and contact is not None else raw_since
        if raw != occupied and until - first >= (SIT_S if raw else STAND_S):
            if occupied:
                intervals.append((since, raw_since))
            occupied, since, contact = raw, first, None

    for at, reading in life.edges:
        settle(at)
        if reading != raw:
            if reading and not occupied:
                contact = contact if contact is not None and at - raw_since < BRIDGE_S else at
            raw, raw_since = reading, at
    settle(life.end)
    if occupied:
        intervals.append((since, life.end))
    return intervals


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


actions = st.lists(
    st.tuples(st.floats(min_value=1.0, max_value=2400.0),
              st.sampled_from(["sit", "stand", "sit", "stand", "press", "hold", "restart",
                               "power"])),
    max_size=30)


@settings(max_examples=40, deadline=None)
@given(actions)
def test_never_lose_properties_stats_equal_the_confirmed_sitting(steps):
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        path = Path(folder) / "unslump.db"
        logger = logging.getLogger("test")
        reminders = Reminders()
        stores = [SqliteStore.open(path, logger)]
        device = VirtualDevice.build(CONFIG, stores[0], wall_start=START, observer=reminders)
        lives = [Life(0.0, False)]
        raw, at, cuts = False, 0.0, 0
        try:
            for gap, action in steps:
                at += gap
                device.run_until(at)
                life = lives[-1]
                match action:
                    case "sit" | "stand":
                        raw = action == "sit"
                        (device.sit if raw else device.stand)()
                        life.edges.append((at, raw))
                    case "press":
                        device.press()
                        at = device.now  # a press takes the button's time
                    case "hold":
                        device.hold()
                        at = device.now
                    case "restart":
                        device.runtime.stop()
                        device.cut_power()
                        stores[-1].close()
                        stores.append(SqliteStore.open(path, logger, device.clock))
                        device = device.boot_again(stores[-1], observer=reminders)
                        life.end = at
                        lives.append(Life(at, raw))
                    case "power":
                        device.cut_power()  # the store is abandoned, not closed
                        cuts += 1
                        life.end = at
                        at += OFF_S
                        device.clock.advance_to(device.origin + at)
                        stores.append(SqliteStore.open(path, logger, device.clock))
                        device = device.boot_again(stores[-1], observer=reminders)
                        lives.append(Life(at, raw))
            at += 3600.0
            device.run_until(at)
            device.runtime.stop()
            lives[-1].end = at
        finally:
            device.close()
            for store in stores:
                store.close()
        days = [START.date() + timedelta(days=n) for n in range(int(at // 86400) + 2)]
        with read_only_log(path) as connection:
            summaries = [queries.day_summary(connection, day) for day in days]
            routines = [(_seconds(b.start), _seconds(b.end))
                        for b in queries.load_rows(connection, days[0], days[-1]).breaks
                        if b.kind is not BreakKind.NATURAL]  # the stretch or the walk

    seated = [i for life in lives for i in confirmed_intervals(life)]
    expected = sum(end - start for start, end in seated) - sum(
        overlap(i, r) for i in seated for r in routines)
    counted = sum(s["sitting_s"] for s in summaries)
    if cuts:  # seek the worst case; --hypothesis-show-statistics reports it
        target((expected - counted) / cuts, label="seconds lost per power cut")
    assert expected - CHECKPOINT_S * cuts - 1e-6 <= counted <= expected + 1e-6
    assert sum(s["reminders"] for s in summaries) == reminders.started
    assert not any(s["bout_open"] for s in summaries)  # the last stop closed everything


def _seconds(moment: datetime) -> float:
    return (moment - START).total_seconds()
