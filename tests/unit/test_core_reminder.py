"""The reminder's plan on its own: when it falls due, and after a stand or a snooze.

(The repeat chimes belong to the reminder mode; tests/scenario/test_sitting.py pins them.)"""

from datetime import datetime

from unslump.config.file import ReminderConfig
from unslump.core.reminder import ReminderPlan
from unslump.core.seat import Bout

MIN = 60.0
WALL = datetime(2026, 11, 24, 9, 0).astimezone()
CONFIG = ReminderConfig()


def test_core_reminder_due_after_45_minutes_of_sitting_not_of_the_clock():
    plan = ReminderPlan.fresh(CONFIG)
    assert plan.due_at(Bout(0.0, WALL, seated_since=0.0)) == 45 * MIN
    back = Bout(0.0, WALL, seated_s=30 * MIN, seated_since=32 * MIN)  # 2 min away
    assert plan.due_at(back) == 47 * MIN
    assert plan.due_at(Bout(0.0, WALL)) is None  # away: nothing is due
    assert plan.due_at(None) is None


def test_core_reminder_held_back_or_snoozed_waits_for_its_time():
    plan = ReminderPlan.fresh(CONFIG)
    seated = Bout(0.0, WALL, seated_since=0.0)
    assert plan.held_back_until(50 * MIN).due_at(seated) == 50 * MIN
    assert plan.held_back_until(10 * MIN).due_at(seated) == 45 * MIN  # never earlier
    snoozed = plan.snoozed(46 * MIN, CONFIG)
    assert (snoozed.due_at(seated), snoozed.snoozes) == (56 * MIN, 1)


def test_core_reminder_after_standing_counts_the_sitting_up_to_the_stand():
    """A stand at 46 min of a bout still counting: the next reminder at 51 min seated."""
    seated = Bout(0.0, WALL, seated_s=10 * MIN, seated_since=20 * MIN)
    plan = ReminderPlan.fresh(CONFIG).after_standing(seated, 56 * MIN, CONFIG)
    assert plan == ReminderPlan(51 * MIN)

