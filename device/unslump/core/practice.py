"""The stretch as a practice: a level that lengthens the uncurl as the spine learns it.

The article's aim is more independent movement between the vertebrae, reached in steps
as the exercise is repeated over time. The device carries that as a level: each local
day with a completed stretch whose uncurl the person reported smooth moves it up one
step (never more than one a day), so the uncurl gets more, slower vertebra ticks; a
long gap without practice steps it back, since the spine forgets too.

Pure data and functions: the history comes from the log, the day from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

MAX_LEVEL = 6
GAP_DAYS = 14  # a gap longer than this, without a completed stretch, steps the level back
UNCURL_STEP_S = 2.0  # each level adds this to the uncurl: 12 s at level 0, 24 s at level 6
TICKS_STEP = 1  # and one vertebra tick: 12 at level 0, 18 at level 6


@dataclass(frozen=True, slots=True)
class Practice:
    """Where the practice stands: the level, the last day practised, the last step up."""

    level: int = 0
    last_day: date | None = None
    raised_on: date | None = None

    def on(self, day: date) -> Practice:
        """The practice as it stands on ``day``: one step back for every full gap."""
        if self.last_day is None:
            return self
        idle_days = (day - self.last_day).days
        if idle_days <= GAP_DAYS:
            return self
        steps_back = idle_days // GAP_DAYS
        return Practice(max(0, self.level - steps_back), self.last_day, self.raised_on)

    def practised(self, day: date, smooth: bool | None) -> Practice:
        """A stretch completed on ``day``; ``smooth`` is the answer to "uncurl smooth?"
        (None: no answer). Only a smooth report raises the level, at most once a day."""
        now = self.on(day)
        level, raised_on = now.level, now.raised_on
        if smooth and raised_on != day and level < MAX_LEVEL:
            level, raised_on = level + 1, day
        return Practice(level, day, raised_on)


@dataclass(frozen=True, slots=True)
class PracticeDay:
    """One local day's completed stretches: how many, and how many were reported smooth.

    The level moves at most once a day, so a day's stretches replay as one: years of
    practice are a few thousand days, whatever the number of stretches.
    """

    day: date
    stretches: int
    smooth: int


def practice_from(history: Iterable[tuple[date, bool | None]]) -> Practice:
    """Replay the completed stretches (day, smooth answer), oldest first."""
    practice = Practice()
    for day, smooth in history:
        practice = practice.practised(day, smooth)
    return practice


def practice_of(days: Iterable[PracticeDay]) -> Practice:
    """Replay the days with completed stretches, oldest first (:func:`practice_from`)."""
    return practice_from((item.day, item.smooth > 0) for item in days)


def uncurl_for(level: int, uncurl_s: float, uncurl_ticks: int) -> tuple[float, int]:
    """The uncurl's length and ticks at ``level``, from the configured level-0 values."""
    return uncurl_s + level * UNCURL_STEP_S, uncurl_ticks + level * TICKS_STEP
