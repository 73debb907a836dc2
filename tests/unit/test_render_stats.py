"""Golden images of the four stats pages; set UNSLUMP_REGEN_GOLDEN=1 to rewrite them.

The data is a plausible week of desk work, plus the edge cases a page must survive: a
day with nothing yet, a long week that hits the break-mark cap, no answered reminder.
"""


import pytest

from tests.support.golden import assert_matches_golden
from tests.support.paths import TESTS
from tests.support.screen_cases import A_WEEK, STATS_CASES
from unslump.core.views import (
    StatsResponseView,
    StatsSafetyView,
    StatsStreakView,
    StatsTodayView,
    StatsWeekView,
)
from unslump.render import stats
from unslump.render.canvas import Canvas
from unslump.render.fonts import Fonts

GOLDEN = TESTS / "golden" / "stats"
FULL = Canvas(128, 64)
CASES = STATS_CASES


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts.load()


@pytest.mark.parametrize("name", CASES)
def test_render_stats_pages_match_golden(name, fonts):
    view = CASES[name]
    assert_matches_golden(stats.DRAWERS[type(view)](view, fonts, FULL), GOLDEN / f"{name}.png")


def test_render_stats_page_dots_mark_the_current_page(fonts):
    # The current page's dot is a lit 4x4 square; the others are 2x2.
    for view in (CASES["today"], CASES["week"], CASES["streak"], CASES["response"]):
        image = stats.DRAWERS[type(view)](view, fonts, FULL)
        lit = [sum(image.getpixel((x, y)) > 0 for x in range(98 + 6 * i, 102 + 6 * i)
                   for y in range(1, 5)) for i in range(5)]
        assert lit == [16 if i + 1 == view.page else 4 for i in range(5)]


def test_render_stats_week_bars_grow_with_sitting_time(fonts):
    def lit_in_column(view: StatsWeekView, index: int) -> int:
        image = stats.DRAWERS[StatsWeekView](view, fonts, FULL)
        left = stats.chart_left_of(FULL.width) + index * stats.COLUMN_W
        return sum(image.getpixel((x, y)) > 0 for x in range(left, left + stats.COLUMN_W)
                   for y in range(10, stats.BASELINE_Y))

    short = StatsWeekView(days=(("M", 10, 0),) + (("T", 40, 0),) * 6)
    tall = StatsWeekView(days=(("M", 30, 0),) + (("T", 40, 0),) * 6)
    assert lit_in_column(short, 0) < lit_in_column(tall, 0)
    marked = StatsWeekView(days=(("M", 30, 3),) + (("T", 40, 0),) * 6)
    assert lit_in_column(marked, 0) == lit_in_column(tall, 0) + 3 * 4  # three 2x2 marks


def test_render_stats_drawers_cover_every_stats_view():
    assert set(stats.DRAWERS) == {StatsTodayView, StatsWeekView, StatsStreakView,
                                  StatsResponseView, StatsSafetyView}


def test_render_stats_week_title_says_smooth_of_what_in_the_questions_words():
    # The done screen asks "uncurl smooth?"; the week page counts the answers in the same
    # words, and shows no bare level number a person would need the README to read.
    assert stats.week_title(CASES["week"]) == "4/5 uncurls smooth"
    assert stats.week_title(CASES["week-empty"]) == "THIS WEEK"
    crowded = StatsWeekView(days=A_WEEK, level=6, smooth=99, stretches=140)
    assert stats.week_title(crowded) == "99/99+ smooth"
    for view in (CASES["week"], CASES["week-empty"], crowded):
        assert "lv" not in stats.week_title(view) and "level" not in stats.week_title(view)
