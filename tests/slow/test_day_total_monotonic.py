"""The published day total of sitting never goes down within a local day.

Home Assistant's ``total_increasing`` sensor warns at any decrease and takes a drop of
over 10 % for a meter reset (counting the day twice in long-term statistics). The state
document's ``sitting_today_min`` is the log's day summary after every row, so these tests
watch that summary after every row the device writes, over a fixed stand-up and over
random days (seat edges, presses, holds, across midnight).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from unslump.config.file import Config, RoutineConfig
from unslump.core.records import NoticeAnswer, NoticeRecord, Record
from unslump.edges.clock import FakeClock
from unslump.edges.store.memory import MemoryStore
from unslump.sim.scenario.harness import VirtualDevice

CONFIG = replace(Config(), routine=RoutineConfig(repetitions=1))
MIN = 60.0


class WatchedLog(MemoryStore):
    """The log, and after every row the day total Home Assistant would be sent."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self._clock = clock
        self.published: list[tuple[date, float]] = []
        super().append(NoticeRecord(clock.wall(), NoticeAnswer.UNDERSTOOD))

    def append(self, record: Record) -> None:
        super().append(record)
        today = self._clock.wall().date()
        minutes = round(self.day_summary(today)["sitting_s"] / 60, 1)  # as the link rounds
        self.published.append((today, minutes))


def dips(published: list[tuple[date, float]]) -> list[tuple[date, float, float]]:
    """Every decrease of the total within one local day."""
    return [(day, before, after)
            for (day, before), (later_day, after) in pairwise(published)
            if day == later_day and after < before]


def device_at(wall: datetime) -> tuple[VirtualDevice, WatchedLog]:
    clock = FakeClock(wall)
    log = WatchedLog(clock)
    return VirtualDevice.build(CONFIG, log, clock=clock), log


def test_day_total_does_not_dip_when_a_stand_up_is_confirmed() -> None:
    device, log = device_at(datetime(2026, 11, 24, 9, 0).astimezone())
    device.sit()
    device.run_for(10 * MIN + 50)  # the next minute checkpoint falls within the 20 s
    device.stand()
    device.run_for(30)  # the absence is confirmed, dated back to the edge
    device.sit()
    device.run_for(5 * MIN)
    assert dips(log.published) == []
    assert log.published[-1][1] >= 15.0


def test_day_total_does_not_dip_when_a_bout_across_midnight_ends_in_a_break() -> None:
    """A bout over midnight is shared between the days by its wall span: checkpoints taken
    while the person is away must not stretch that span, or the natural break, closing
    the bout when the person left, takes minutes back from the new day."""
    device, log = device_at(datetime(2026, 11, 24, 23, 30).astimezone())
    device.sit()
    device.run_for(60 * MIN)  # half an hour on each side of midnight
    device.stand()
    device.run_for(10 * MIN)  # a natural break; checkpoints run while it is confirmed
    assert dips(log.published) == []


actions = st.lists(st.tuples(st.sampled_from(["sit", "stand", "press", "hold", "wait"]),
                             st.floats(min_value=0.5, max_value=40 * MIN)),
                   min_size=1, max_size=25)


@settings(max_examples=40, deadline=None)
@given(actions, st.integers(min_value=0, max_value=23))
def test_day_total_never_decreases_within_a_local_day(steps: list[tuple[str, float]],
                                                      hour: int) -> None:
    device, log = device_at(datetime(2026, 11, 24, hour, 30).astimezone())
    for action, wait in steps:
        if action == "sit":
            device.sit()
        elif action == "stand":
            device.stand()
        elif action == "press":
            device.press()
        elif action == "hold":
            device.hold()
        device.run_for(wait)
    device.runtime.stop()
    assert dips(log.published) == []
