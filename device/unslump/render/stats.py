"""The five stats pages on a 64-row panel: today, this week, streak, response time, safety
(``compact_stats`` has the 32-row ones).

Each page is read at arm's length on a 0.96" panel, so every number that matters is in
the large font (or the large font doubled), labels are short, and the small 5x8 font is
kept for the page title, the weekday letters and one line of explanation. A row of dots in
the top-right corner says which page this is, so a short press visibly turns the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from PIL import Image, ImageDraw, ImageFont

from unslump.core.views import (
    StatsResponseView,
    StatsSafetyView,
    StatsStreakView,
    StatsTodayView,
    StatsWeekView,
)
from unslump.render.canvas import MARGIN, ON, Canvas, text, text_width, wrap
from unslump.render.fonts import Fonts

# The week chart: seven columns across the panel, each a bar with break marks above it.
COLUMN_W = 18
BASELINE_Y = 46  # the bottom row of every bar
BAR_MAX_PX = 26  # leaves room above the tallest bar for three rows of break marks
BAR_W = 12
MIN_SCALE_TENTHS = 40  # a short week is drawn against 4 h, not stretched to full height
MARKS_PER_ROW = 4
MAX_MARKS = 12  # three rows; more breaks than this still show twelve marks
WEEKDAY_Y = 48
HOURS_Y = 56


def draw_today(view: StatsTodayView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, "TODAY", view.page, view.pages, fonts)
    counts = ((count(view.breaks_guided), "guided"), (count(view.breaks_natural), "natural"))

    def group_w(number: str, label: str, label_font: ImageFont.ImageFont) -> int:
        return text_width(draw, number, fonts.large) + 3 + text_width(draw, label, label_font)

    label_font = fonts.body
    if sum(group_w(n, label, label_font) for n, label in counts) + 6 > width - 4:
        label_font = fonts.small  # three-figure counts: the labels in the small font
    (guided, _), (natural, _) = counts
    _count(draw, (2, 11), guided, "guided", fonts.large, label_font)
    right = width - 2 - group_w(natural, "natural", label_font)
    _count(draw, (min(66, right), 11), natural, "natural", fonts.large, label_font)
    _labelled_value(draw, width, 30, "sitting", minutes(view.sitting_min), fonts)
    _labelled_value(draw, width, 47, "longest", minutes(view.longest_min), fonts)
    return image


def draw_week(view: StatsWeekView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, week_title(view), view.page, view.pages, fonts)
    lefts = week_bars(draw, width, view, TALL_WEEK)
    for index, (left, (letter, tenths, _)) in enumerate(zip(lefts, view.days, strict=True)):
        is_today = index == len(view.days) - 1
        weekday(draw, left, letter, is_today, fonts.small)
        label = hours(tenths)
        text(draw, (left + COLUMN_W // 2, HOURS_Y), label, fonts.small, align="center")
    return image


def draw_streak(view: StatsStreakView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, "STREAK", view.page, view.pages, fonts)
    unit = " day" if view.days == 1 else " days"
    unit_w = text_width(draw, unit, fonts.body)
    number = doubled(str(view.days), fonts.large)
    if number.width + unit_w > width - 2 * MARGIN - 2:
        # more days than the doubled figures hold: the plain large font, same baseline
        number_w = text_width(draw, str(view.days), fonts.large)
        left = (width - number_w - unit_w) // 2
        text(draw, (left, 18), str(view.days), fonts.large)
        text(draw, (left + number_w, 30 - 8), unit, fonts.body)
    else:
        left = (width - number.width - unit_w) // 2
        image.paste(number, (left, 12))
        text(draw, (left + number.width, 30), unit, fonts.body)
    text(draw, (width // 2, 55), view.goal, fonts.small, align="center")
    return image


def draw_response(view: StatsResponseView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, "RESPONSE", view.page, view.pages, fonts)
    _labelled_value(draw, width, 11, "today", seconds(view.today_s), fonts)
    _labelled_value(draw, width, 29, "week", seconds(view.week_s), fonts)
    text(draw, (width // 2, 55), "chime to standing", fonts.small, align="center")
    return image


SAFETY_WORDS = {
    "understood": ("you chose the stretch", "hold to be asked again"),
    "declined": ("standing breaks instead", "hold to be asked again"),
    "": ("asked at the next break", ""),
}
"""The notice's answer and what a hold on the page does; each at most 24 characters of
the small font, a line each on the 32-row page (the 64-row page wraps the answer in the
larger font)."""


def draw_safety(view: StatsSafetyView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    """What the notice was answered, and how to be asked again (a hold on this page)."""
    image, draw = canvas.blank()
    width = canvas.width
    header(draw, width, "SAFETY", view.page, view.pages, fonts)
    answer, hint = SAFETY_WORDS[view.answer]
    for row, line in enumerate(wrap(draw, answer, fonts.body, width - 2 * MARGIN - 2, 2)):
        text(draw, (width // 2, 15 + row * 13), line, fonts.body, align="center")
    text(draw, (width // 2, 52), hint, fonts.small, align="center")
    return image


# -- pieces -------------------------------------------------------------------------------


def chart_left_of(width: int) -> int:
    """The week chart's left edge: its seven columns centred across the panel."""
    return (width - 7 * COLUMN_W) // 2


def header(draw: ImageDraw.ImageDraw, width: int, title: str, page: int, pages: int,
            fonts: Fonts) -> None:
    """The page title (small) and one dot per page, the current one large and filled."""
    text(draw, (1, 1), title, fonts.small)
    for index in range(pages):
        x = width - 6 * (pages - index)
        if index + 1 == page:
            draw.rectangle((x, 1, x + 3, 4), fill=ON)
        else:
            draw.rectangle((x + 1, 2, x + 2, 3), fill=ON)


def _count(draw: ImageDraw.ImageDraw, xy: tuple[int, int], number: str, label: str,
           font: ImageFont.ImageFont, label_font: ImageFont.ImageFont) -> None:
    """A count in the large font with its label beside it, both on one baseline."""
    x, y = xy
    text(draw, (x, y), number, font)
    baseline_drop = 3 if label_font.getbbox("x")[3] > 8 else 6
    text(draw, (x + text_width(draw, number, font) + 3, y + baseline_drop), label, label_font)


def _labelled_value(draw: ImageDraw.ImageDraw, width: int, y: int, label: str, value: str,
                    fonts: Fonts) -> None:
    """A label on the left and its value in the large font against the right edge."""
    text(draw, (2, y + 3), label, fonts.body)
    text(draw, (width - 2, y), value, fonts.large, align="right")


@dataclass(frozen=True)
class WeekChart:
    """Where the week's bars stand: their baseline, their tallest, how many break marks."""

    baseline_y: int
    bar_max_px: int
    max_marks: int


TALL_WEEK = WeekChart(BASELINE_Y, BAR_MAX_PX, MAX_MARKS)


TITLE_CHARS = 18
"""Characters of the small font left of the five page dots in the header, a space apart."""


def week_title(view: StatsWeekView) -> str:
    """The week page's title: how many of the week's stretches had a smooth uncurl, in the
    words of the question the done screen asks ("uncurl smooth?"), so the page reads on
    its own: ``4/5 uncurls smooth``. The practice level is not shown as a number: the done
    screen says what a step up changes when it happens ("uncurl now 2 s longer")."""
    if not view.stretches:
        return "THIS WEEK"
    smooth = f"{count(view.smooth)}/{count(view.stretches)}"
    forms = [f"{smooth} uncurls smooth", f"{smooth} smooth"]
    return next((form for form in forms if len(form) <= TITLE_CHARS), forms[-1])


def week_bars(draw: ImageDraw.ImageDraw, width: int, view: StatsWeekView,
              chart: WeekChart) -> list[int]:
    """The baseline and each day's bar with its break marks; returns each column's left
    edge, for the labels under it."""
    scale = max(MIN_SCALE_TENTHS, *(tenths for _, tenths, _ in view.days))
    scale = -(-scale // 10) * 10  # up to whole hours
    chart_left = chart_left_of(width)
    baseline = chart.baseline_y
    draw.line((chart_left, baseline, chart_left + 7 * COLUMN_W - 1, baseline), fill=ON)
    lefts = [chart_left + index * COLUMN_W for index in range(len(view.days))]
    for left, (_, tenths, breaks) in zip(lefts, view.days, strict=True):
        _week_column(draw, left, tenths, breaks, scale, chart)
    return lefts


def _week_column(draw: ImageDraw.ImageDraw, left: int, tenths: int, breaks: int,
                 scale: int, chart: WeekChart) -> None:
    """One day's bar of sitting time, and a 2x2 mark per break stacked above it."""
    bar_left = left + (COLUMN_W - BAR_W) // 2
    height = round(chart.bar_max_px * min(tenths, scale) / scale)
    if tenths > 0:
        height = max(height, 2)  # any sitting at all stands clear of the baseline
    top = chart.baseline_y - height
    if height > 0:
        draw.rectangle((bar_left, top, bar_left + BAR_W - 1, chart.baseline_y), fill=ON)
    for mark in range(min(breaks, chart.max_marks)):
        row, place = divmod(mark, MARKS_PER_ROW)
        x = bar_left + place * 3 + 1
        y = top - 4 - row * 3
        draw.rectangle((x, y, x + 1, y + 1), fill=ON)


def weekday(draw: ImageDraw.ImageDraw, left: int, letter: str, is_today: bool,
             font: ImageFont.ImageFont) -> None:
    """The weekday letter under a bar; today's is drawn dark on a lit box."""
    centre = left + COLUMN_W // 2
    if is_today:
        draw.rectangle((centre - 4, WEEKDAY_Y, centre + 4, WEEKDAY_Y + 7), fill=ON)
        width = text_width(draw, letter, font)
        draw.text((centre - width // 2, WEEKDAY_Y), letter, font=font, fill=0)
    else:
        text(draw, (centre, WEEKDAY_Y), letter, font, align="center")


def doubled(value: str, font: ImageFont.ImageFont) -> Image.Image:
    """``value`` in ``font`` at twice its size, pixel for pixel (no smoothing on 1 bit)."""
    probe = ImageDraw.Draw(Image.new("1", (1, 1)))
    width = max(1, text_width(probe, value, font))
    height = font.getbbox(value)[3] if value else 1
    small = Image.new("1", (width, height), 0)
    draw = ImageDraw.Draw(small)
    draw.fontmode = "1"
    draw.text((0, 0), value, font=font, fill=ON)
    return small.resize((width * 2, height * 2), Image.Resampling.NEAREST)


def minutes(total: int) -> str:
    """``45m`` under an hour, else ``3h02m``."""
    hours, minutes = divmod(max(0, total), 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def hours(tenths: int) -> str:
    """A day's sitting in whole hours for its 18-pixel column, every day alike: ``-``,
    ``<1h``, ``6h`` or ``11h`` (three characters of the small font at most; the bar
    itself carries the finer detail)."""
    if tenths <= 0:
        return "-"
    if tenths < 10:
        return "<1h"
    hours = (tenths + 5) // 10  # half up, as a person rounds
    return f"{hours}h"


def seconds(value: int | None) -> str:
    """``35s`` under 100 s, ``2m05s`` under an hour, else ``1h05m`` (at most six
    characters, so two fit side by side on the 32-row page); ``--`` when there is nothing
    to show."""
    if value is None:
        return "--"
    if value < 100:
        return f"{value}s"
    if value < 3600:
        minutes, seconds = divmod(value, 60)
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(min(value, 99 * 3600 + 59 * 60) // 60, 60)
    return f"{hours}h{minutes:02d}m"


def count(value: int) -> str:
    """A count in at most three characters: ``7``, ``42`` or ``99+``."""
    return str(value) if value < 100 else "99+"


DRAWERS = MappingProxyType(
    {
        StatsTodayView: draw_today,
        StatsWeekView: draw_week,
        StatsStreakView: draw_streak,
        StatsResponseView: draw_response,
        StatsSafetyView: draw_safety,
    }
)
