"""Feeding systemd's watchdog from the loop itself.

The ping is a deadline like any other, serviced by the loop thread between events: if the
loop ever wedges, the pings stop and systemd restarts the service. A side thread would
keep pinging a dead loop.
"""

from __future__ import annotations

from typing import Protocol

from unslump.ports import Clock

# Ping three times per watchdog period: comfortably inside systemd's "half the period".
PINGS_PER_PERIOD = 3


class WatchdogFeed(Protocol):
    """The part of :class:`unslump.edges.system.sd_notify.Notifier` the pinger uses (fakes
    have only this)."""

    def watchdog(self) -> bool: ...
    def watchdog_interval(self) -> float | None: ...


class WatchdogPinger:
    """A serviced adapter: ``deadline()`` is the next ping, ``service()`` sends it."""

    def __init__(self, notifier: WatchdogFeed, clock: Clock) -> None:
        self._notifier = notifier
        interval = notifier.watchdog_interval()
        self._every = None if interval is None else interval / PINGS_PER_PERIOD
        self._next = None if self._every is None else clock.monotonic() + self._every

    def deadline(self) -> float | None:
        return self._next

    def service(self, now: float) -> None:
        if self._every is None:
            return
        self._notifier.watchdog()
        self._next = now + self._every
