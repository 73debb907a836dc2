"""What a day of sitting and breaks adds up to, and what the stats pages make of days.

The log (``unslump.edges.store.queries``) computes a :class:`DaySummary` per local day;
the stats pages, the command line and the MQTT state read them. They live in the core
because they are plain values and rules with no I/O: the streak is a judgement of days,
the median a rule for a week, and a port can name them without depending on the log.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypedDict


class DaySummary(TypedDict):
    """One day on the stats pages."""

    day: date
    breaks_guided: int  # completed guided routines
    breaks_natural: int
    routines_stopped: int  # guided routines stopped before the end
    reminders: int
    snoozes: int
    sitting_s: float
    longest_sit_s: float
    bouts: int
    median_response_s: float | None  # None when no reminder had a response time
    bout_open: bool  # a bout on this day is still under way (counted to its last checkpoint)


@dataclass(frozen=True, slots=True)
class DailyGoal:
    """What a day must do to extend the streak; each form is off when None.

    ``max_bout_s``: no sitting bout on the day longer than this (the product default is the
    reminder time plus 15 minutes: a reminder answered within a quarter of an hour).
    ``min_breaks``: at least this many breaks (completed guided plus natural).
    A day must meet every form that is on.
    """

    max_bout_s: float | None = None
    min_breaks: int | None = None

    def judge(self, summary: DaySummary, *, in_progress: bool = False) -> bool | None:
        """True if ``summary`` met the goal, False if it failed, None if it does not count.

        A day without any sitting is a rest day (a weekend, a holiday): None, so it neither
        extends nor breaks the streak. A day still ``in_progress`` that has not yet reached
        ``min_breaks`` is None too, since the evening may still reach it; a bout that was
        too long, on the other hand, fails the day at once because nothing can undo it.
        """
        if summary["bouts"] == 0:
            return None
        if self.max_bout_s is not None and summary["longest_sit_s"] > self.max_bout_s:
            return False
        breaks = summary["breaks_guided"] + summary["breaks_natural"]
        if self.min_breaks is not None and breaks < self.min_breaks:
            return None if in_progress else False
        return True


def streak_days(newest_first: Iterable[DaySummary], goal: DailyGoal, max_rest_days: int = 6) -> int:
    """Consecutive days meeting ``goal``, counted back from the first summary (today).

    Today adds to the streak once it meets the goal; until then the streak that ended
    yesterday is shown, unless today has already failed it (then the streak is 0). Rest
    days (no sitting at all) are skipped, but more than ``max_rest_days`` of them in a row
    end the streak: a device left unused for a week starts again from zero.

    The bout lengths are each day's share of a bout (see :func:`bout_share_s`): a bout
    across midnight is judged by the part that fell on each day.
    """
    count = 0
    rest_run = 0
    for index, summary in enumerate(newest_first):
        verdict = goal.judge(summary, in_progress=index == 0)
        if verdict is False:
            break
        if verdict is None:
            rest_run += 1
            if rest_run > max_rest_days:
                break
            continue
        rest_run = 0
        count += 1
    return count


def median_or_none(values: list[float]) -> float | None:
    """The median, or None for no values (a week without any answered reminder)."""
    return statistics.median(values) if values else None
