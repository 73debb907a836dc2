import queue
from contextlib import ExitStack
from datetime import datetime

import pytest
from gpiozero.pins.mock import MockFactory
from luma.core.device import dummy

from unslump.app.assembly import Edges, assemble
from unslump.config.file import Config
from unslump.core.events import SeatOccupied
from unslump.core.records import DeviceRecord
from unslump.edges.audio.backends import RecordingAudio
from unslump.edges.clock import FakeClock, VirtualTime
from unslump.edges.store.memory import MemoryStore
from unslump.ports import Stop


@pytest.fixture
def stack():
    with ExitStack() as parts:
        yield parts


def make_runtime(stack, clock, store):
    """The runtime as the service assembles it, on mock pins, a dummy panel and fakes."""
    edges = Edges(clock, lambda: dummy(width=128, height=64, mode="1"),
                  pin_factory=MockFactory(), store=store, audio=RecordingAudio(clock))
    return assemble(stack, Config(), edges).runtime


def test_runtime_run_forever_sleeps_until_the_next_deadline_and_stops_on_stop(stack):
    clock, store = FakeClock(datetime(2026, 11, 24, 9).astimezone()), MemoryStore()
    runtime = make_runtime(stack, clock, store)
    runtime.start(seat_occupied=False)
    waits = []
    script = [None, "sit", None, Stop("test")]

    def wait(until):
        waits.append(None if until is None else until - clock.monotonic())
        item = script.pop(0)
        if item == "sit":
            return SeatOccupied(clock.monotonic(), clock.wall())
        if item is None:
            clock.advance_to(until)  # nothing came: the deadline passed
        return item

    assert runtime.run_forever(wait) == "test"
    assert waits[0] == pytest.approx(120.0)  # the empty seat's panel goes dark
    assert waits[1] is None  # dark and empty: nothing to do until an input
    assert waits[2] == pytest.approx(5.0)  # the seat confirmation deadline
    assert runtime.state.name == "seated"


def test_runtime_virtual_time_runs_a_day_in_milliseconds(stack):
    clock, store = FakeClock(datetime(2026, 11, 24, 9).astimezone()), MemoryStore()
    runtime = make_runtime(stack, clock, store)
    runtime.start(seat_occupied=True)
    until = clock.monotonic() + 8 * 3600
    reason = runtime.run_forever(VirtualTime(clock, queue.SimpleQueue()).until(until))
    assert reason == VirtualTime.UNTIL
    assert clock.monotonic() == until
    assert runtime.state.bout.sitting_s(clock.monotonic()) == pytest.approx(8 * 3600)


def test_runtime_start_and_stop_are_logged(stack):
    clock, store = FakeClock(), MemoryStore()
    runtime = make_runtime(stack, clock, store)
    runtime.start(seat_occupied=False)
    runtime.stop("SIGTERM")
    assert [(r.what, r.detail) for r in store.device_events] == [("start", ""),
                                                                     ("stop", "SIGTERM")]
    assert all(isinstance(r, DeviceRecord) for r in store.device_events)
