"""The stats pages as views, built from a break log in memory."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from unslump.app.stats_views import daily_goal, goal_text, stats_pages
from unslump.config.file import Config, ReminderConfig
from unslump.core.day_stats import DailyGoal, DaySummary
from unslump.core.records import BoutRecord, BreakKind, BreakRecord, ReminderOutcome, ReminderRecord
from unslump.core.views import (
    StatsResponseView,
    StatsSafetyView,
    StatsStreakView,
    StatsTodayView,
    StatsWeekView,
)
from unslump.edges.store import queries
from unslump.edges.store.memory import MemoryStore

LOCAL = timezone(timedelta(hours=1))
TODAY = date(2026, 11, 25)  # a Wednesday


class PagesStore(MemoryStore):
    """A memory store that also answers the week's response times, and counts week reads."""

    def __init__(self) -> None:
        super().__init__()
        self.week_reads = 0

    def week_summary(self, last_day: date) -> list[DaySummary]:
        self.week_reads += 1
        return super().week_summary(last_day)

    def response_times(self, first_day: date, last_day: date) -> list[float]:
        return queries.response_times_in(first_day, last_day, queries.LogRows().add(self.records))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def sit(store: MemoryStore, day: date, hour: int, minutes: int) -> None:
    start = at(day, hour)
    store.append(BoutRecord(start, start + timedelta(minutes=minutes), minutes * 60.0))


def take_break(store: MemoryStore, day: date, hour: int, kind: BreakKind = BreakKind.NATURAL,
               completed: bool = True) -> None:
    start = at(day, hour)
    store.append(BreakRecord(kind, start, start + timedelta(minutes=5), 300.0, completed))


def answer(store: MemoryStore, day: date, hour: int, response_s: float) -> None:
    store.append(ReminderRecord(at(day, hour), ReminderOutcome.STOOD_UP, response_s))


@pytest.fixture
def store():
    built = PagesStore()
    yield built
    built.close()


def test_stats_pages_today_rounds_to_whole_minutes(store, config):
    sit(store, TODAY, 9, 50)
    store.append(BoutRecord(at(TODAY, 11), at(TODAY, 12, 10), 70 * 60 + 29.0))
    take_break(store, TODAY, 10, BreakKind.GUIDED)
    take_break(store, TODAY, 13, BreakKind.GUIDED, completed=False)
    take_break(store, TODAY, 14)
    take_break(store, TODAY, 15)
    today, *_ = stats_pages(store, TODAY, config)
    assert today == StatsTodayView(breaks_guided=1, breaks_natural=2, sitting_min=120,
                                   longest_min=70)


def test_stats_pages_week_has_seven_days_ending_today(store, config):
    sit(store, days_ago(6), 9, 300)  # Thursday, 5 h
    take_break(store, days_ago(6), 15)
    sit(store, days_ago(1), 9, 93)  # Tuesday, 1.55 h
    take_break(store, days_ago(1), 11, BreakKind.GUIDED)
    take_break(store, days_ago(1), 12)
    sit(store, TODAY, 8, 20)
    _, week, *_ = stats_pages(store, TODAY, config)
    assert week == StatsWeekView(days=(
        ("T", 50, 1), ("F", 0, 0), ("S", 0, 0), ("S", 0, 0), ("M", 0, 0), ("T", 16, 2),
        ("W", 3, 0),
    ), level=0, smooth=0, stretches=1)  # one stretch this week, its uncurl not reported


def test_stats_pages_are_numbered_one_to_five(store, config):
    pages = stats_pages(store, TODAY, config)
    assert [type(p) for p in pages] == [StatsTodayView, StatsWeekView, StatsStreakView,
                                        StatsResponseView, StatsSafetyView]
    assert [(p.page, p.pages) for p in pages] == [(n, 5) for n in range(1, 6)]
    assert pages[4] == StatsSafetyView(answer="")  # not answered in this log


def test_stats_pages_goal_is_the_reminder_time_plus_a_quarter_hour():
    config = Config(reminder=ReminderConfig(remind_after_min=30))
    assert daily_goal(config).max_bout_s == 45 * 60
    assert goal_text(daily_goal(config)) == "no bout over 45 min"
    assert goal_text(daily_goal(Config())) == "no bout over 60 min"


@pytest.mark.parametrize(("goal", "text"), [
    (DailyGoal(max_bout_s=480 * 60.0, min_breaks=10), "max bout 480m, 10+ breaks"),
    (DailyGoal(min_breaks=6), "6+ breaks a day"),
    (DailyGoal(), "any day spent sitting"),
])
def test_stats_pages_goal_text_fits_one_small_font_line(goal, text):
    assert goal_text(goal) == text
    assert len(text) <= 25  # 125 px of the 5x8 font


def test_stats_pages_streak_counts_days_within_the_goal_up_to_today(store, config):
    sit(store, days_ago(4), 9, 90)  # too long (over 60 min): the streak starts after it
    for back in range(3, -1, -1):
        sit(store, days_ago(back), 9, 55)
    _, _, streak, *_ = stats_pages(store, TODAY, config)
    assert streak == StatsStreakView(days=4, goal="no bout over 60 min")


def test_stats_pages_streak_ends_yesterday_while_today_has_no_sitting(store, config):
    for back in (3, 2, 1):
        sit(store, days_ago(back), 9, 40)
    assert stats_pages(store, TODAY, config)[2].days == 3


def test_stats_pages_streak_is_zero_once_today_had_a_too_long_bout(store, config):
    for back in (3, 2, 1):
        sit(store, days_ago(back), 9, 40)
    sit(store, TODAY, 9, 61)
    assert stats_pages(store, TODAY, config)[2].days == 0


def test_stats_pages_streak_skips_a_weekend_but_not_a_week_away(store, config):
    for back in (6, 5, 2, 1, 0):  # Thursday, Friday, then Monday to today
        sit(store, days_ago(back), 9, 40)
    assert stats_pages(store, TODAY, config)[2].days == 5
    away = PagesStore()
    sit(away, days_ago(9), 9, 40)  # seven empty days between this and yesterday
    sit(away, days_ago(1), 9, 40)
    assert stats_pages(away, TODAY, config)[2].days == 1


def test_stats_pages_streak_reads_more_weeks_only_while_it_goes_on(store, config):
    for back in range(20):
        sit(store, days_ago(back), 9, 45)
    store.week_reads = 0
    assert stats_pages(store, TODAY, config)[2].days == 20
    # This week, two more to find its start, and one more to see a whole week without
    # sitting before it (a shorter gap would only be a weekend).
    assert store.week_reads == 4
    short = PagesStore()
    sit(short, days_ago(2), 9, 120)
    sit(short, days_ago(1), 9, 45)
    assert stats_pages(short, TODAY, config)[2].days == 1
    assert short.week_reads == 1


def test_stats_pages_response_week_is_the_median_of_every_answer(store, config):
    for hour in (9, 10, 11):
        answer(store, days_ago(2), hour, 10.0)
    answer(store, TODAY, 9, 100.4)
    answer(store, days_ago(7), 9, 500.0)  # eight days back: not in the week
    _, _, _, response, _ = stats_pages(store, TODAY, config)
    # Not the median of the daily medians (55 s): each answer counts once.
    assert response == StatsResponseView(today_s=100, week_s=10)


def test_stats_pages_response_is_none_without_answered_reminders(store, config):
    store.append(ReminderRecord(at(TODAY, 9), ReminderOutcome.IGNORED, chimes=4))
    assert stats_pages(store, TODAY, config)[3] == StatsResponseView(today_s=None, week_s=None)
