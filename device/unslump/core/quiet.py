"""Quiet hours: when the device makes no unasked-for sound and does not remind.

Quiet time is read from the wall clock at the moment (it is about the calendar, not a
duration). Sitting is still measured and logged while quiet.

The end of quiet time is found in the zone's own rules, so on a daylight-saving day
"07:00" is 07:00 on the clock on the wall: a wall time in the system's zone (what the
clock adapter gives, a fixed offset) follows the system's rules, a zone-aware one its
zone's; only a fixed offset foreign to the system stays fixed. Waits are measured
between absolute instants (UTC), never by subtracting wall times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from unslump.core.settings import WEEKDAYS, QuietConfig

# A floor on the wait, so that a wall clock set back at the wrong moment cannot make the
# loop spin; one second, so a reminder due in quiet time's last minute is not held back
# up to 59 s past its end.
_RECHECK_MIN_S = 1.0

LOOK_AHEAD_DAYS = 8
"""How far ahead the end of quiet time is looked for; a device quiet every day of the week
waits this long, at most, before it looks again."""


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
    """How long from ``wall`` until quiet time is over (at least a second)."""
    probe = wall
    for _ in range(2 * LOOK_AHEAD_DAYS):  # each day has two boundaries: the end, midnight
        if not is_quiet(probe, quiet):
            break
        probe = _next_boundary(probe, quiet)
    return max(_RECHECK_MIN_S, (_instant(probe) - _instant(wall)).total_seconds())


def seconds_until_change(wall: datetime, quiet: QuietConfig) -> float:
    """How long from ``wall`` until quiet time may begin or end (its start, its end, or a
    midnight, where a quiet day begins or ends), at least a second: when to look again
    for whoever shows whether it is quiet now."""
    nearest = min(_next_at(wall, quiet.start), _next_boundary(wall, quiet), key=_instant)
    return max(_RECHECK_MIN_S, (_instant(nearest) - _instant(wall)).total_seconds())


def _next_boundary(wall: datetime, quiet: QuietConfig) -> datetime:
    """The next moment quiet time could end: the configured end, or the next midnight."""
    return min(_next_at(wall, quiet.end), _next_at(wall, time.min), key=_instant)


def _next_at(wall: datetime, at: time) -> datetime:
    """The first moment after ``wall`` at which its zone's clock shows ``at``."""
    moment = _local(wall, wall.date(), at)
    if _instant(moment) <= _instant(wall):
        moment = _local(wall, wall.date() + timedelta(days=1), at)
    return moment


def _instant(moment: datetime) -> datetime:
    """The moment in UTC: aware datetimes that share a zone compare and subtract by their
    wall clocks, which is wrong across a daylight-saving change."""
    return moment.astimezone(UTC)


def _local(wall: datetime, day: date, at: time) -> datetime:
    """``day`` at ``at`` on the clock of ``wall``'s zone, as an aware moment."""
    naive = datetime.combine(day, at)
    if isinstance(wall.tzinfo, timezone) and wall.utcoffset() == wall.astimezone().utcoffset():
        return naive.astimezone()  # the system's zone: its rules know the DST changes
    return naive.replace(tzinfo=wall.tzinfo)
