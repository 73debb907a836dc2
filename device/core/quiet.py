"""Quiet hours: when the device makes no unasked-for sound and does not remind.

Quiet time is read from the wall clock at the moment (it is about the calendar, not a
duration). Sitting is still measured and logged while quiet.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from device.config import WEEKDAYS, QuietConfig

_RECHECK_MIN_S = 60.0  # never re-check sooner than this: a wall jump cannot make us spin


def is_quiet(wall: datetime, quiet: QuietConfig) -> bool:
    """Is ``wall`` inside quiet hours or on a quiet day?"""
    if WEEKDAYS[wall.weekday()] in quiet.days:
        return True
    now, start, end = wall.time(), quiet.start, quiet.end
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def seconds_until_loud(wall: datetime, quiet: QuietConfig) -> float:
    """How long from ``wall`` until quiet time is over (at least a minute)."""
    probe = wall
    for _ in range(8 * 24 * 4):  # look ahead in quarter hours, at most eight days
        if not is_quiet(probe, quiet):
            break
        probe = _next_boundary(probe, quiet)
    return max(_RECHECK_MIN_S, (probe - wall).total_seconds())


def _next_boundary(wall: datetime, quiet: QuietConfig) -> datetime:
    """The next moment quiet time could end: the configured end, or the next midnight."""
    candidates = [_next_at(wall, quiet.end), _next_at(wall, time(0, 0))]
    return min(candidates)


def _next_at(wall: datetime, at: time) -> datetime:
    moment = wall.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return moment if moment > wall else moment + timedelta(days=1)
