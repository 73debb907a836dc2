"""The practice level: one step a day with a smooth uncurl, back a step per two weeks away."""

from datetime import date, timedelta

from unslump.core.practice import (
    GAP_DAYS,
    MAX_LEVEL,
    Practice,
    PracticeDay,
    practice_from,
    practice_of,
    uncurl_for,
)

DAY = date(2026, 11, 24)


def days(n: int) -> date:
    return DAY + timedelta(days=n)


def test_core_practice_ten_smooth_mornings_climb_one_step_a_day_to_the_top():
    levels = []
    practice = Practice()
    for n in range(10):
        practice = practice.practised(days(n), smooth=True)
        levels.append(practice.level)
    assert levels == [1, 2, 3, 4, 5, 6, 6, 6, 6, 6]
    assert uncurl_for(MAX_LEVEL, 12.0, 12) == (24.0, 18)


def test_core_practice_twice_in_a_day_is_still_one_step():
    practice = Practice().practised(DAY, True).practised(DAY, True)
    assert practice.level == 1


def test_core_practice_only_a_smooth_report_raises_the_level():
    practice = practice_from([(days(0), None), (days(1), False), (days(2), True)])
    assert practice.level == 1 and practice.last_day == days(2)


def test_core_practice_a_day_with_one_smooth_stretch_of_several_raises_the_level():
    """A day's counts replay as one stretch, smooth when any of them was."""
    practice = practice_of([PracticeDay(days(0), 3, 1), PracticeDay(days(1), 2, 0)])
    assert practice == practice_from([(days(0), True), (days(1), False)])
    assert practice.level == 1


def test_core_practice_a_long_gap_steps_back():
    climbed = practice_from((days(n), True) for n in range(4))  # level 4 on day 3
    assert climbed.on(days(3 + GAP_DAYS)).level == 4  # two weeks: kept
    assert climbed.on(days(3 + GAP_DAYS + 1)).level == 3  # longer: a step back
    assert climbed.on(days(3 + 4 * GAP_DAYS)).level == 0  # months away: from the start
    back = climbed.practised(days(3 + 2 * GAP_DAYS), smooth=True)
    assert back.level == 3  # two steps back for four weeks, then today's step up


def test_core_practice_on_a_later_day_keeps_its_history():
    practice = Practice(level=4, last_day=DAY, raised_on=DAY)
    assert practice.on(days(GAP_DAYS + 1)) == Practice(3, DAY, DAY)
    assert practice.on(days(GAP_DAYS)) == practice
