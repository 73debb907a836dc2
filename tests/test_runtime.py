import queue
from datetime import datetime

import pytest

from device.adapters.audio import RecordingAudio
from device.clock import FakeClock
from device.config import Config
from device.core.events import SeatOccupied
from device.core.records import DeviceRecord
from device.runtime import Runtime, Stop
from device.store.memory import MemoryStore


class FakeScreen:
    def __init__(self):
        self.views = []

    def show(self, view):
        self.views.append(view)
        return True

    def power(self, on, contrast):
        pass

    def set_warnings(self, warnings):
        self.warnings = warnings


def make_runtime(clock, store):
    return Runtime(Config(), clock, FakeScreen(), RecordingAudio(clock), store, serviced=[store])


def test_runtime_run_forever_sleeps_until_the_next_deadline_and_stops_on_stop():
    clock, store = FakeClock(datetime(2026, 11, 24, 9).astimezone()), MemoryStore()
    runtime = make_runtime(clock, store)
    runtime.start(seat_occupied=False)
    waits = []
    script = [None, "sit", None, Stop("test")]

    def wait(timeout):
        waits.append(timeout)
        item = script.pop(0)
        if item == "sit":
            return SeatOccupied(clock.monotonic(), clock.wall())
        if item is None:
            clock.advance(timeout)  # nothing came: the timeout passed
        return item

    assert runtime.run_forever(wait) == "test"
    assert waits[0] == pytest.approx(120.0)  # the empty seat's panel goes dark
    assert waits[1] is None  # dark and empty: nothing to do until an input
    assert waits[2] == pytest.approx(5.0)  # the seat confirmation deadline
    assert runtime.state.name == "seated"


def test_runtime_virtual_time_runs_a_day_in_milliseconds():
    clock, store = FakeClock(datetime(2026, 11, 24, 9).astimezone()), MemoryStore()
    runtime = make_runtime(clock, store)
    runtime.start(seat_occupied=True)
    runtime.run_until(clock.monotonic() + 8 * 3600, clock, queue.SimpleQueue())
    assert runtime.state.bout.sitting_s(clock.monotonic()) == pytest.approx(8 * 3600)


def test_runtime_start_and_stop_are_logged():
    clock, store = FakeClock(), MemoryStore()
    runtime = make_runtime(clock, store)
    runtime.start(seat_occupied=False)
    runtime.stop("SIGTERM")
    assert [(r.what, r.detail) for r in store.device_events] == [("start", ""),
                                                                     ("stop", "SIGTERM")]
    assert all(isinstance(r, DeviceRecord) for r in store.device_events)
