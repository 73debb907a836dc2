"""The five stats pages on a 32-row panel: today, this week, streak, response time, safety.

The header line (page title and page dots) is the 64-row pages' own; below it there are
24 rows, so the figures are in the 6x12 body font (the streak's count in the large one),
two to a line, with short labels. The week chart keeps its seven columns and break marks
at half the height; under each bar is its hours figure, today's lit, as the weekday
letters would not fit beside them (the days run to today, at the right).
"""

from __future__ import annotations

from types import MappingProxyType

from PIL import Image, ImageDraw, ImageFont

from unslump.core.views import (
    StatsResponseView,
    StatsSafetyView,
    StatsStreakView,
    StatsTodayView,
    StatsWeekView,
)
from unslump.render.canvas import ON, Canvas, text, text_width
from unslump.render.fonts import Fonts
from unslump.render.stats import (
    COLUMN_W,
    MARKS_PER_ROW,
    SAFETY_WORDS,
    WeekChart,
    count,
    header,
    hours,
    minutes,
    seconds,
    week_bars,
    week_title,
)

TOP = 8  # the first row under the header
LOWER = 20  # the second line of body text
# the bars' baseline at row 22; 5 rows tall at most, with room for two rows of break marks
# and a blank row between them and the title's ink (touching, the marks read as letters)
SHORT_WEEK = WeekChart(baseline_y=22, bar_max_px=5, max_marks=2 * MARKS_PER_ROW)
HOURS_Y = 23  # the last line of small text: its lowest row is the panel's last but one


def draw_today(view: StatsTodayView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, "TODAY", view.page, view.pages, fonts)
    _pair(draw, width, TOP, (f"{count(view.breaks_guided)} guided",
                             f"{count(view.breaks_natural)} natural"), fonts.body, fonts.small)
    _pair(draw, width, LOWER, (f"sat {minutes(view.sitting_min)}",
                               f"max {minutes(view.longest_min)}"), fonts.body)
    return image


def draw_week(view: StatsWeekView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, week_title(view), view.page, view.pages, fonts)
    lefts = week_bars(draw, width, view, SHORT_WEEK)
    for index, (left, (_, tenths, _)) in enumerate(zip(lefts, view.days, strict=True)):
        _hours_label(draw, left, hours(tenths), index == len(view.days) - 1, fonts.small)
    return image


def draw_streak(view: StatsStreakView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, "STREAK", view.page, view.pages, fonts)
    number = str(view.days)
    unit = " day" if view.days == 1 else " days"
    number_w = text_width(draw, number, fonts.large)
    left = (width - number_w - text_width(draw, unit, fonts.body)) // 2
    text(draw, (left, TOP - 1), number, fonts.large)
    text(draw, (left + number_w, TOP + 3), unit, fonts.body)
    text(draw, (width // 2, HOURS_Y), view.goal, fonts.small, align="center")
    return image


def draw_response(view: StatsResponseView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, "CHIME TO STANDING", view.page, view.pages, fonts)
    _pair(draw, width, TOP + 1, ("today", "week"), fonts.small)
    _pair(draw, width, 16, (seconds(view.today_s), seconds(view.week_s)), fonts.large)
    return image


def draw_safety(view: StatsSafetyView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    """What the notice was answered, and how to be asked again (a hold on this page)."""
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, "SAFETY", view.page, view.pages, fonts)
    answer, hint = SAFETY_WORDS[view.answer]
    text(draw, (width // 2, 12), answer, fonts.small, align="center")
    text(draw, (width // 2, 22), hint, fonts.small, align="center")
    return image


# -- pieces -------------------------------------------------------------------------------


def _pair(draw: ImageDraw.ImageDraw, width: int, y: int, values: tuple[str, str],
          font: ImageFont.ImageFont, narrower: ImageFont.ImageFont | None = None) -> None:
    """Two figures on one line: the first against the left edge, the second the right;
    in ``narrower`` when they would not stand a few pixels apart in ``font``."""
    room = width - 4 - 6
    if narrower is not None and sum(text_width(draw, v, font) for v in values) > room:
        font = narrower
    text(draw, (2, y), values[0], font)
    text(draw, (width - 2, y), values[1], font, align="right")


def _hours_label(draw: ImageDraw.ImageDraw, left: int, label: str, is_today: bool,
                 font: ImageFont.ImageFont) -> None:
    """A day's hours under its bar; today's is drawn dark on a lit box."""
    centre = left + COLUMN_W // 2
    if is_today:
        box_w = min(COLUMN_W - 2, max(9, text_width(draw, label, font) + 3))
        draw.rectangle((centre - box_w // 2, HOURS_Y, centre + box_w // 2, HOURS_Y + 7),
                       fill=ON)
        text(draw, (centre, HOURS_Y), label, font, align="center", fill=0)
    else:
        text(draw, (centre, HOURS_Y), label, font, align="center")


DRAWERS = MappingProxyType(
    {
        StatsTodayView: draw_today,
        StatsWeekView: draw_week,
        StatsStreakView: draw_streak,
        StatsResponseView: draw_response,
        StatsSafetyView: draw_safety,
    }
)
