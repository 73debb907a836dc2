"""Quiet hours on the calendar: the end of quiet time in local time, across DST too."""

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from device.config import QuietConfig
from device.core.quiet import is_quiet, seconds_until_loud

BERLIN = ZoneInfo("Europe/Berlin")
QUIET = QuietConfig(start=time(20, 0), end=time(7, 0))


def utc(wall: datetime) -> datetime:
    return wall.astimezone(UTC)


@pytest.mark.parametrize(("wall", "loud_utc"), [
    # spring forward (2026-03-29 02:00 CET -> 03:00 CEST): 07:00 CEST is 05:00 UTC
    (datetime(2026, 3, 28, 23, 45, tzinfo=BERLIN), datetime(2026, 3, 29, 5, 0, tzinfo=UTC)),
    (datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN), datetime(2026, 3, 29, 5, 0, tzinfo=UTC)),
    # fall back (2026-10-25 03:00 CEST -> 02:00 CET): 07:00 CET is 06:00 UTC
    (datetime(2026, 10, 24, 23, 0, tzinfo=BERLIN), datetime(2026, 10, 25, 6, 0, tzinfo=UTC)),
    (datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=BERLIN),
     datetime(2026, 10, 25, 6, 0, tzinfo=UTC)),
    (datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN),
     datetime(2026, 10, 25, 6, 0, tzinfo=UTC)),
])
def test_core_quiet_ends_at_the_local_end_time_across_dst(wall, loud_utc):
    wait = seconds_until_loud(wall, QUIET)
    assert utc(wall) + timedelta(seconds=wait) == loud_utc


def test_core_quiet_end_in_a_fixed_offset_is_that_offset_s_local_time():
    wall = datetime(2026, 11, 24, 23, 0, tzinfo=timezone(timedelta(hours=1)))
    assert seconds_until_loud(wall, QUIET) == 8 * 3600


def test_core_quiet_reminder_in_the_last_minute_is_not_held_a_minute_more():
    wall = datetime(2026, 11, 24, 6, 59, 30, tzinfo=BERLIN)
    assert seconds_until_loud(wall, QUIET) == 30.0  # it was floored at 60 s


def test_core_quiet_spring_forward_day_is_quiet_until_seven_local():
    seven = datetime(2026, 3, 29, 7, 0, tzinfo=BERLIN)
    assert is_quiet(seven - timedelta(seconds=1), QUIET) and not is_quiet(seven, QUIET)
