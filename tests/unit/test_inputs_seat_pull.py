"""The seat pin's pull is set apart from its active level: normally-closed sensors work.

A normally-closed switch to ground needs the pull-up a normally-open one has, but reads
high when someone sits; a module that drives its output (a comparator, an LD2410's OUT)
needs no pull at all. Each case runs on MockFactory pins through the service's adapter.
"""

from __future__ import annotations

import queue

import pytest
from gpiozero.pins.mock import MockFactory

from unslump.config.file import PinsConfig, load_config
from unslump.core.events import SeatOccupied, SeatVacated
from unslump.edges.clock import FakeClock
from unslump.edges.inputs.gpio import GpioInputs, drive_mock_seat


@pytest.fixture
def factory():
    made = MockFactory()
    yield made
    made.close()


def test_inputs_normally_closed_seat_is_pulled_up_and_seated_when_high(factory):
    pins = PinsConfig(seat_active="high", seat_pull="up")
    events: queue.SimpleQueue = queue.SimpleQueue()
    inputs = GpioInputs(pins, FakeClock(), events.put, pin_factory=factory)
    seat = factory.pin(27)
    assert seat.pull == "up"
    seat.drive_low()  # nobody sits: the NC contact is closed to ground
    assert not inputs.seat_occupied()
    seat.drive_high()  # weight opens the contact: the pull-up takes the pin high
    assert inputs.seat_occupied()
    seat.drive_low()
    got = [type(events.get_nowait()) for _ in range(events.qsize())]
    assert got == [SeatVacated, SeatOccupied, SeatVacated]
    assert inputs.levels() == (1, 0)
    inputs.close()


def test_inputs_normally_closed_seat_empty_at_start_reads_empty(factory):
    """A closed NC contact at boot: the level is read once, and means "empty"."""
    pins = PinsConfig(seat_active="high", seat_pull="up")
    factory.pin(27).drive_low()
    inputs = GpioInputs(pins, FakeClock(), lambda event: None, pin_factory=factory)
    factory.pin(27).drive_low()  # MockPin applies the pull when claimed; the switch wins
    assert not inputs.seat_occupied()
    inputs.close()


@pytest.mark.parametrize("active", ["low", "high"])
def test_inputs_driven_seat_output_has_no_pull(factory, active):
    pins = PinsConfig(seat_active=active, seat_pull="off")
    inputs = GpioInputs(pins, FakeClock(), lambda event: None, pin_factory=factory)
    assert factory.pin(27).pull == "floating"
    drive_mock_seat(factory, pins, occupied=True)
    assert inputs.seat_occupied()
    drive_mock_seat(factory, pins, occupied=False)
    assert not inputs.seat_occupied()
    inputs.close()


@pytest.mark.parametrize(("active", "pull"), [("low", "up"), ("high", "down"),
                                              ("low", "down"), ("high", "up")])
def test_inputs_every_pull_and_level_pair_follows_drive_mock_seat(factory, active, pull):
    pins = PinsConfig(seat_active=active, seat_pull=pull)
    inputs = GpioInputs(pins, FakeClock(), lambda event: None, pin_factory=factory)
    assert factory.pin(27).pull == pull
    for occupied in (True, False, True):
        drive_mock_seat(factory, pins, occupied=occupied)
        assert inputs.seat_occupied() is occupied
    inputs.close()


@pytest.mark.parametrize(("active", "pull", "resolved"), [
    ("low", "auto", "up"), ("high", "auto", "down"), ("high", "up", "up"),
    ("low", "off", "off"),
])
def test_config_seat_pull_auto_follows_the_level_and_is_overridable(tmp_path, active, pull,
                                                                      resolved):
    path = tmp_path / "config.toml"
    path.write_text(f'[pins]\nseat_active = "{active}"\nseat_pull = "{pull}"\n')
    assert load_config(path).pins.seat_pull_resolved == resolved
