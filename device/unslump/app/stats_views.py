"""The stats pages as views: the break log's summaries rounded to what the panel shows.

A pure function of what the store answers, the day and the config, so the pages can be
tested against a :class:`~unslump.edges.store.memory.MemoryStore` and the core only has to ask
for them when the stats open (they do not change while they are shown).
"""

from __future__ import annotations

from datetime import date, timedelta

from unslump.config.file import Config
from unslump.core.day_stats import DailyGoal, DaySummary, median_or_none, streak_days
from unslump.core.views import (
    StatsResponseView,
    StatsSafetyView,
    StatsStreakView,
    StatsTodayView,
    StatsWeekView,
)
from unslump.ports import StatsSource

WEEKDAY_LETTERS = "MTWTFSS"  # date.weekday(): Monday is 0
GOAL_SLACK_MIN = 15  # a bout may run this far past the reminder and the day still counts
MAX_STREAK_WEEKS = 53  # how far back a streak is counted (a year, in week-sized reads)


def daily_goal(config: Config) -> DailyGoal:
    """The streak's goal: no bout longer than the reminder time plus 15 minutes.

    The other form the product describes ("at least N breaks a day") is supported by
    :class:`DailyGoal` but has no config key yet, so it is off.
    """
    return DailyGoal(max_bout_s=(config.reminder.remind_after_min + GOAL_SLACK_MIN) * 60)


def goal_text(goal: DailyGoal) -> str:
    """The goal in at most 25 characters, for the small font under the streak."""
    if goal.max_bout_s is not None and goal.min_breaks is not None:
        return f"max bout {round(goal.max_bout_s / 60)}m, {goal.min_breaks}+ breaks"
    if goal.max_bout_s is not None:
        return f"no bout over {round(goal.max_bout_s / 60)} min"
    if goal.min_breaks is not None:
        return f"{goal.min_breaks}+ breaks a day"
    return "any day spent sitting"


def stats_pages(
    store: StatsSource, today: date, config: Config
) -> tuple[StatsTodayView, StatsWeekView, StatsStreakView, StatsResponseView, StatsSafetyView]:
    """The four pages, in order, for the local day ``today``."""
    week = store.week_summary(today)
    day = week[-1]
    this_week = store.practice_days(week[0]["day"], today)
    goal = daily_goal(config)
    return (
        StatsTodayView(
            breaks_guided=day["breaks_guided"],
            breaks_natural=day["breaks_natural"],
            sitting_min=round(day["sitting_s"] / 60),
            longest_min=round(day["longest_sit_s"] / 60),
        ),
        StatsWeekView(
            days=tuple(
                (
                    WEEKDAY_LETTERS[summary["day"].weekday()],
                    round(summary["sitting_s"] / 360),
                    summary["breaks_guided"] + summary["breaks_natural"],
                )
                for summary in week
            ),
            level=store.practice().on(today).level,
            smooth=sum(item.smooth for item in this_week),
            stretches=sum(item.stretches for item in this_week),
        ),
        StatsStreakView(days=_streak(store, week, goal), goal=goal_text(goal)),
        StatsResponseView(
            today_s=_whole(day["median_response_s"]),
            week_s=_whole(median_or_none(store.response_times(week[0]["day"], today))),
        ),
        StatsSafetyView(answer=str(store.notice_answer() or "")),
    )


def _streak(store: StatsSource, week: list[DaySummary], goal: DailyGoal) -> int:
    """The streak, reading a week at a time further back only while it may go on.

    Most streaks end within the week already read, so opening the stats costs one query.
    """
    newest_first = list(reversed(week))
    last_day = week[0]["day"] - timedelta(days=1)
    for _ in range(MAX_STREAK_WEEKS - 1):
        count = streak_days(newest_first, goal)
        if _ended_within(newest_first, goal, count):
            return count
        newest_first.extend(reversed(store.week_summary(last_day)))
        last_day -= timedelta(days=7)
    return streak_days(newest_first, goal)


def _ended_within(newest_first: list[DaySummary], goal: DailyGoal, count: int) -> bool:
    """True if counting on with one more week could not change ``count``."""
    return streak_days([*newest_first, _MET_DAY], goal) == count


# A day that meets any goal with a limit on bouts and breaks alike: appended to test
# whether the streak read so far is still open at its old end.
_MET_DAY = DaySummary(
    day=date.min,
    breaks_guided=1_000,
    breaks_natural=0,
    routines_stopped=0,
    reminders=0,
    snoozes=0,
    sitting_s=1.0,
    longest_sit_s=0.0,
    bouts=1,
    median_response_s=None,
    bout_open=False,
)


def _whole(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)


def streak_and_level(source: StatsSource, today: date, config: Config) -> tuple[int, int]:
    """The streak in days and the practice level, as the stats pages show them (what the
    MQTT state publishes beside the day's totals)."""
    pages = stats_pages(source, today, config)
    return pages[2].days, pages[1].level
