from datetime import datetime, timedelta

import pytest

from unslump.edges.clock import FakeClock, SystemClock


def test_clock_fake_advances_both_clocks_together():
    clock = FakeClock(datetime(2026, 11, 24, 9, 0).astimezone(), monotonic_start=50.0)
    clock.advance(90)
    assert clock.monotonic() == 140.0
    assert clock.wall() == datetime(2026, 11, 24, 9, 1, 30).astimezone()


def test_clock_fake_wall_jump_leaves_monotonic_alone():
    clock = FakeClock(datetime(2026, 11, 24, 9, 0).astimezone())
    before = clock.monotonic()
    clock.jump_wall(-3600)
    assert clock.monotonic() == before
    assert clock.wall() == datetime(2026, 11, 24, 8, 0).astimezone()


def test_clock_fake_refuses_to_go_back():
    clock = FakeClock()
    with pytest.raises(ValueError):
        clock.advance(-1)
    clock.advance_to(clock.monotonic() - 5)  # an instant already passed is a no-op
    assert clock.monotonic() == 1000.0


def test_clock_system_wall_is_aware_and_monotonic_moves_forward():
    clock = SystemClock()
    first = clock.monotonic()
    assert clock.monotonic() >= first
    assert clock.wall().utcoffset() is not None
    assert abs(clock.wall() - datetime.now().astimezone()) < timedelta(seconds=5)
