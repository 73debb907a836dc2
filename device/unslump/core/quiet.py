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

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

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
    """``day`` at ``at`` on the clock of ``wall``'s zone, as an aware moment.

    A time the clocks skip (02:30 on the night they go forward) is the first moment after
    the gap, when the clock has passed it: quiet hours ending at 02:30 end at 03:00.
    """
    naive = datetime.combine(day, at)
    zone = _zone_of(wall)
    moment = _placed(naive, zone)
    if _wall_of(moment, zone) == naive:
        return moment
    return _gap_end(naive, zone)


def _zone_of(wall: datetime) -> tzinfo | None:
    """``wall``'s zone; None for the system's own (a fixed offset that matches it), whose
    rules know the DST changes."""
    if isinstance(wall.tzinfo, timezone) and wall.utcoffset() == wall.astimezone().utcoffset():
        return None
    return wall.tzinfo


def _placed(naive: datetime, zone: tzinfo | None, fold: int = 0) -> datetime:
    naive = naive.replace(fold=fold)
    return naive.astimezone() if zone is None else naive.replace(tzinfo=zone)


def _wall_of(moment: datetime, zone: tzinfo | None) -> datetime:
    """What the zone's clock shows at ``moment`` (naive)."""
    instant = _instant(moment)  # via UTC: a moment already in ``zone`` would not move
    local = instant.astimezone() if zone is None else instant.astimezone(zone)
    return local.replace(tzinfo=None, fold=0)


def _gap_end(naive: datetime, zone: tzinfo | None) -> datetime:
    """The first whole second at which the zone's clock shows ``naive`` or later, when
    ``naive`` falls in a gap: found between the instants its two folds name."""
    low, high = sorted(_instant(_placed(naive, zone, fold)) for fold in (0, 1))
    step = timedelta(seconds=1)
    while high - low > step:
        middle = low + ((high - low) // 2 // step) * step
        if _wall_of(middle, zone) >= naive:
            high = middle
        else:
            low = middle
    return high.astimezone() if zone is None else high.astimezone(zone)
