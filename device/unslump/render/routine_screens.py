"""The guided stretch's screens on a 64-row panel: notice, each phase, paused, done
(``compact_routine`` has the 32-row ones).

A phase screen reads top to bottom in the order the eye needs it: the phase name in the
large pixel font (with the repetition count, or the variant during set-up), one cue line,
a middle band that animates what the phase is about (the breath indicator, the vertebrae
of the uncurl, or a countdown), and the phase's progress bar at the bottom.
"""

from __future__ import annotations

from types import MappingProxyType

from PIL import Image, ImageDraw

from unslump.core.routine import BREATH_MAX, PROGRESS_STEPS
from unslump.core.views import DoneView, NoticeView, PausedView, RoutineView
from unslump.render.canvas import ON, Canvas, bar, text
from unslump.render.fonts import Fonts
from unslump.render.words import done_words

BAR_INNER_PX = PROGRESS_STEPS  # the progress bar's inner width: one pixel per step
BAR_BOX = (2, 55, 5 + BAR_INNER_PX, 62)  # the panel's last row stays dark
MIDDLE_Y = 42  # centre line of the band between the cue (ends at y 29) and the bar (y 55)
LARGE_MIDDLE_Y = 35  # with no cue line: the band from the title (y 16) to the bar
LARGE_SCALE = 1.7  # the breath disc's size there: its ring just fits the band
NOTICE_LINES = ("Disc problem? Skip it", "Back injury? Ask your", "doctor first.")


def draw_routine(view: RoutineView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    text(draw, (1, 0), view.title, fonts.large)
    if view.rep:
        text(draw, (width - 1, 0), f"{view.rep}/{view.reps}", fonts.large, align="right")
    else:
        text(draw, (width - 1, 4), view.variant.upper(), fonts.small, align="right")
    if view.cue:
        text(draw, (width // 2, 17), view.cue, fonts.body, align="center")
    if view.breath is not None:
        _breath(draw, width, view.breath, large=not view.cue)
    elif view.ticks is not None:
        _vertebrae(draw, width, *view.ticks)
    elif view.seconds_left is not None:
        text(draw, (width // 2, MIDDLE_Y - 8), str(view.seconds_left), fonts.large,
             align="center")
    bar(draw, BAR_BOX, view.progress / PROGRESS_STEPS)
    return image


def _breath(draw: ImageDraw.ImageDraw, width: int, level: int, large: bool = False) -> None:
    """A disc that fills the ring as the lungs fill, and empties with the out-breath (its
    radius in pixels is the view's breath level); ``large`` (no cue line above it) fills
    the band from the title to the bar."""
    radius = level
    cx, cy = width // 2, (LARGE_MIDDLE_Y if large else MIDDLE_Y)
    if large:
        radius = round(radius * LARGE_SCALE)
    ring = round(BREATH_MAX * (LARGE_SCALE if large else 1)) + 2
    draw.ellipse((cx - ring, cy - ring, cx + ring, cy + ring), outline=ON)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=ON)


def _vertebrae(draw: ImageDraw.ImageDraw, width: int, done: int, of: int) -> None:
    """A row of small blocks, one per vertebra, lit as each one's tick sounds."""
    pitch = min(10, BAR_INNER_PX // of)
    size = pitch - 3
    left = (width - (of * pitch - 3)) // 2
    top = MIDDLE_Y - size // 2
    for i in range(of):
        x = left + i * pitch
        box = (x, top, x + size - 1, top + size - 1)
        draw.rectangle(box, outline=ON, fill=ON if i < done else 0)


def draw_notice(view: NoticeView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    """The caution and the two answers; it waits (the seconds count down in the corner)."""
    image, draw = canvas.blank()
    width = canvas.width
    text(draw, (1, 0), "CAUTION", fonts.large)
    text(draw, (width - 1, 4), f"{view.seconds_left}s", fonts.small, align="right")
    for row, line in enumerate(NOTICE_LINES):
        text(draw, (1, 16 + row * 11), line, fonts.body)
    draw.line((0, 50, width - 1, 50), fill=ON)
    text(draw, (width // 2, 54), "press=ok  hold=not for me", fonts.small, align="center")
    return image


def draw_paused(view: PausedView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    text(draw, (width // 2, 1), "PAUSED", fonts.large, align="center")
    where = f"{view.title} {view.rep}/{view.reps}" if view.rep else view.title
    text(draw, (width // 2, 20), where, fonts.body, align="center")
    draw.line((16, 36, width - 17, 36), fill=ON)
    text(draw, (width // 2, 39), "press to resume", fonts.body, align="center")
    text(draw, (width // 2, 51), "hold to stop", fonts.body, align="center")
    return image


def draw_done(view: DoneView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    headline, detail, note = done_words(view)
    text(draw, (width // 2, 6), headline, fonts.large, align="center")
    text(draw, (width // 2, 28), detail, fonts.body, align="center")
    text(draw, (width // 2, 50), note, fonts.small, align="center")
    return image


DRAWERS = MappingProxyType({
    RoutineView: draw_routine,
    NoticeView: draw_notice,
    PausedView: draw_paused,
    DoneView: draw_done,
})
