"""How many commands from the broker the device takes a second.

A person toggles quiet mode or starts a stretch from Home Assistant a few times a day; a
stuck automation or a hostile client on the broker can send thousands a second, and each
valid one became an event, a log row and an MQTT publish (20,000 quiet toggles wrote
18,523 rows and kept the loop busy for 54 s). A token bucket lets a burst through (a
person tapping twice) and then at most ``per_second``; the rest are dropped, and said
once a burst rather than once a message.
"""

from __future__ import annotations

COMMANDS_PER_SECOND = 2.0
COMMAND_BURST = 10


class CommandBudget:
    """A token bucket over monotonic seconds (the caller's clock).

    A flood begins with the first command dropped and ends once the bucket has filled
    up again (``burst / per_second`` seconds without more than the rate): the caller
    says one line when it begins and one with the count when it ends.
    """

    def __init__(self, per_second: float = COMMANDS_PER_SECOND,
                 burst: int = COMMAND_BURST) -> None:
        self.per_second = per_second
        self.burst = burst
        self._tokens = float(burst)
        self._last: float | None = None
        self._flooding = False
        self._began = False
        self._dropped = 0  # in the flood under way
        self._ended = 0  # dropped in the flood that just ended, until told

    def take(self, now: float) -> bool:
        """True if a command arriving at ``now`` may pass; False to drop it."""
        if self._last is not None:
            refill = max(0.0, now - self._last) * self.per_second
            self._tokens = min(float(self.burst), self._tokens + refill)
        self._last = now
        if self._flooding and self._tokens >= self.burst:
            self._ended, self._dropped, self._flooding = self._dropped, 0, False
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        self._dropped += 1
        if not self._flooding:
            self._flooding = self._began = True
        return False

    def flood_began(self) -> bool:
        """True once, at the first command dropped in a flood."""
        began, self._began = self._began, False
        return began

    def flood_ended(self) -> int:
        """The commands dropped in a flood that has just ended, once; else 0."""
        ended, self._ended = self._ended, 0
        return ended
