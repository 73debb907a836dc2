"""The one place that reads time.

Durations come from :meth:`Clock.monotonic` only: the Pi has no real-time clock, and the
wall clock can jump by hours when network time arrives after boot. :meth:`Clock.wall`
is for what a person reads (the day a row belongs to, quiet hours), sampled at the
moment it is needed. Tests and the scenario runner use :class:`FakeClock`, which moves
only when told to, so a day of sitting runs in milliseconds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds for durations, an aware local datetime for calendars."""

    def monotonic(self) -> float: ...

    def wall(self) -> datetime: ...


class SystemClock:
    """The real clock: ``time.monotonic`` and the local wall time."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now().astimezone()


class FakeClock:
    """A clock that stands still until advanced; its wall clock can be made to jump.

    ``wall()`` is ``wall_start`` plus the monotonic time elapsed plus every jump so far,
    which is exactly how a real wall clock behaves across a network-time correction.
    A naive ``wall_start`` is local time, and the offset then follows the local zone's
    rules (``TZ``) as the real clock does, so a scenario can cross a DST change; an
    aware one keeps its offset.
    """

    def __init__(self, wall_start: datetime | None = None, monotonic_start: float = 1000.0):
        start = wall_start or datetime(2026, 11, 24, 9, 0)
        self._follows_zone = start.tzinfo is None
        self._wall_start = start if start.tzinfo else start.astimezone()
        self._mono_start = monotonic_start
        self._mono = monotonic_start
        self._wall_shift = timedelta()

    def monotonic(self) -> float:
        return self._mono

    def wall(self) -> datetime:
        elapsed = timedelta(seconds=self._mono - self._mono_start)
        moment = self._wall_start + elapsed + self._wall_shift
        return moment.astimezone() if self._follows_zone else moment

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass (never backwards)."""
        if seconds < 0:
            raise ValueError(f"a monotonic clock cannot go back ({seconds} s)")
        self._mono += seconds

    def advance_to(self, monotonic: float) -> None:
        """Move to the monotonic instant ``monotonic`` if it lies ahead."""
        self._mono = max(self._mono, monotonic)

    def jump_wall(self, seconds: float) -> None:
        """Shift the wall clock alone, as a late network-time correction does."""
        self._wall_shift += timedelta(seconds=seconds)


@contextmanager
def local_zone(key: str) -> Iterator[None]:
    """Make ``key`` (an IANA zone) the process's local zone, as ``TZ=key`` would, until
    the block ends (the previous ``TZ`` is put back).

    For ``unslump scenario``, whose start line may name the zone it is played in: the
    fake clock's offsets and the quiet hours both follow the local zone's rules.
    """
    before = os.environ.get("TZ")
    os.environ["TZ"] = key
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
