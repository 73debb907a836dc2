"""Quiet hours on the calendar: the end of quiet time in local time, across DST too."""

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from unslump.config.file import QuietConfig
from unslump.core.quiet import LOOK_AHEAD_DAYS, is_quiet, seconds_until_loud
from unslump.edges.clock import local_zone

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


# -- is_quiet: the window, its wrap past midnight, start == end, the quiet days ----------

DAYTIME = QuietConfig(start=time(12, 0), end=time(14, 0))
TUESDAY = datetime(2026, 11, 24, tzinfo=UTC)  # 2026-11-24 is a Tuesday


def at(clock: str, day: datetime = TUESDAY) -> datetime:
    hours, minutes, *seconds = (int(part) for part in clock.split(":"))
    return day.replace(hour=hours, minute=minutes, second=seconds[0] if seconds else 0)


@pytest.mark.parametrize(("clock", "quiet"), [
    ("11:59:59", False), ("12:00", True), ("13:59:59", True), ("14:00", False),
    ("00:00", False), ("23:59:59", False),
])
def test_core_quiet_window_within_a_day_includes_its_start_not_its_end(clock, quiet):
    assert is_quiet(at(clock), DAYTIME) is quiet


@pytest.mark.parametrize(("clock", "quiet"), [
    ("19:59:59", False), ("20:00", True), ("23:59:59", True), ("00:00", True),
    ("06:59:59", True), ("07:00", False), ("12:00", False),
])
def test_core_quiet_window_wraps_past_midnight(clock, quiet):
    assert is_quiet(at(clock), QUIET) is quiet


@pytest.mark.parametrize("clock", ["07:59:59", "08:00", "08:00:01", "20:00", "03:00"])
def test_core_quiet_start_equal_to_end_is_never_quiet(clock):
    """The config documents start == end as "never quiet"; it must not become always."""
    never = QuietConfig(start=time(8, 0), end=time(8, 0))
    assert not is_quiet(at(clock), never)
    assert seconds_until_loud(at(clock), never) == 1.0  # loud now: only the floor waits


@pytest.mark.parametrize(("day", "name"), [
    (23, "mon"), (24, "tue"), (25, "wed"), (26, "thu"), (27, "fri"), (28, "sat"), (29, "sun"),
])
def test_core_quiet_day_is_quiet_all_day_and_only_that_day(day, name):
    never_by_hours = QuietConfig(start=time(8, 0), end=time(8, 0), days=(name,))
    wall = datetime(2026, 11, day, 12, 0, tzinfo=UTC)
    assert is_quiet(wall, never_by_hours)
    assert is_quiet(wall.replace(hour=0), never_by_hours)
    assert is_quiet(wall.replace(hour=23, minute=59), never_by_hours)
    assert not is_quiet(wall + timedelta(days=1), never_by_hours)
    assert not is_quiet(wall - timedelta(days=1), never_by_hours)


# -- seconds_until_loud: across midnight, past quiet days, the floor -----------------------

def test_core_quiet_loud_already_waits_only_the_one_second_floor():
    assert seconds_until_loud(at("12:00"), QUIET) == 1.0


def test_core_quiet_evening_waits_until_the_end_time_next_morning():
    assert seconds_until_loud(at("20:00"), QUIET) == 11 * 3600
    assert seconds_until_loud(at("23:59:59"), QUIET) == 7 * 3600 + 1
    assert seconds_until_loud(at("00:00"), QUIET) == 7 * 3600


def test_core_quiet_daytime_window_ends_the_same_day():
    assert seconds_until_loud(at("12:30"), DAYTIME) == 90 * 60


def test_core_quiet_day_ends_at_midnight_when_the_next_day_is_loud():
    day_only = QuietConfig(start=time(8, 0), end=time(8, 0), days=("tue",))
    assert seconds_until_loud(at("12:00"), day_only) == 12 * 3600


def test_core_quiet_day_then_quiet_hours_wait_for_the_morning_after():
    """Quiet Tuesday, then Wednesday's small hours: loud at 07:00 on Wednesday."""
    config = QuietConfig(start=time(20, 0), end=time(7, 0), days=("tue",))
    assert seconds_until_loud(at("12:00"), config) == 19 * 3600


def test_core_quiet_days_in_a_row_are_waited_through():
    config = QuietConfig(start=time(8, 0), end=time(8, 0), days=("tue", "wed"))
    assert seconds_until_loud(at("12:00"), config) == 36 * 3600


def test_core_quiet_every_day_quiet_waits_more_than_a_week_and_at_most_the_look_ahead():
    """Never loud: the wait ends within the look-ahead (then the device looks again)."""
    config = QuietConfig(days=("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    wait = seconds_until_loud(at("12:00"), config)
    assert 7 * 24 * 3600 < wait <= LOOK_AHEAD_DAYS * 24 * 3600


def test_core_quiet_clock_adapter_offset_follows_the_system_zone_across_dst():
    """The clock adapter's wall time is a fixed offset (+01:00 in Berlin's winter); the
    night of the spring change still ends at 07:00 on the wall (CEST, 05:00 UTC)."""
    with local_zone("Europe/Berlin"):
        wall = datetime(2026, 3, 28, 23, 0).astimezone()
        assert wall.utcoffset() == timedelta(hours=1)
        loud = utc(wall) + timedelta(seconds=seconds_until_loud(wall, QUIET))
    assert loud == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)


def test_core_quiet_foreign_fixed_offset_stays_fixed():
    """An offset that is not the system's (a wall time from elsewhere) has no DST rules."""
    with local_zone("Europe/Berlin"):
        wall = datetime(2026, 3, 28, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
        assert seconds_until_loud(wall, QUIET) == 8 * 3600


SKIPPED_END = QuietConfig(start=time(20, 0), end=time(2, 30))


@pytest.mark.parametrize("wall", [datetime(2026, 3, 28, 23, 0, tzinfo=BERLIN),
                                  datetime(2026, 3, 29, 1, 59, tzinfo=BERLIN)])
def test_core_quiet_end_inside_the_skipped_spring_hour_is_the_end_of_the_gap(wall):
    """02:30 does not exist on the night the clocks go forward: quiet ends at 03:00 CEST
    (01:00 UTC), the first moment after it, not at the next midnight."""
    loud = utc(wall) + timedelta(seconds=seconds_until_loud(wall, SKIPPED_END))
    assert loud == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_core_quiet_end_inside_the_skipped_hour_in_the_system_zone():
    with local_zone("Europe/Berlin"):
        wall = datetime(2026, 3, 28, 23, 0).astimezone()
        loud = utc(wall) + timedelta(seconds=seconds_until_loud(wall, SKIPPED_END))
    assert loud == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
