"""The one place that reads time.

Durations come from :meth:`Clock.monotonic` only: the Pi has no real-time clock, and the
wall clock can jump by hours when network time arrives after boot. :meth:`Clock.wall`
is for what a person reads (the day a row belongs to, quiet hours), sampled at the
moment it is needed. Tests and the scenario runner use :class:`FakeClock`, which moves
only when told to, so a day of sitting runs in milliseconds.
"""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from unslump.ports import Clock, QueueItem, Stop, Waiter

__all__ = ["Clock", "FakeClock", "SystemClock", "VirtualTime", "local_zone"]


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


class VirtualTime:
    """Virtual time as the loop's wait: the device's own loop, run on a fake clock.

    Where the device would sleep until its next deadline, this moves the clock there at
    once; queued inputs (MockFactory pins call back synchronously) are handed over first,
    and the run ends with a :class:`~unslump.ports.Stop` when the next deadline lies past
    ``until``, with the clock moved to ``until``. A day of sitting runs in milliseconds
    through exactly the code the service runs.
    """

    UNTIL = "virtual time reached"

    def __init__(self, clock: FakeClock, events: queue.SimpleQueue[QueueItem]) -> None:
        self._clock = clock
        self._events = events

    def until(self, until: float) -> Waiter:
        """A wait that lets time run to the monotonic instant ``until``, then stops."""

        def wait(deadline: float | None) -> QueueItem | None:
            try:
                return self._events.get_nowait()
            except queue.Empty:
                pass
            if deadline is None or deadline > until:
                self._clock.advance_to(until)
                return Stop(self.UNTIL)
            self._clock.advance_to(deadline)
            return None

        return wait


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
