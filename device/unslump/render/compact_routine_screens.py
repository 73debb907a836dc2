"""The guided stretch's screens on a 32-row panel: notice, each phase, paused, done.

A phase keeps the 64-row screen's order in half the rows: the phase name large on the
top line (with the repetition count, or the variant during set-up), the cue in the small
font under it, and the progress bar along the bottom. What the 64-row screen animates in
its middle band moves to where there is room: a small breath disc between the name and
the count, the countdown at the end of the cue line, the vertebrae in place of the bar
(they fill as the uncurl goes, so they are its progress). A head-down phase has no cue:
its breath disc is as tall as the panel, on the right, readable from upside down at a
glance, with the name large beside it.
"""

from __future__ import annotations

from types import MappingProxyType

from PIL import Image, ImageDraw

from unslump.core.routine import BREATH_MAX, PROGRESS_STEPS
from unslump.core.views import DoneView, NoticeView, PausedView, RoutineView
from unslump.render.canvas import ON, Canvas, bar, text, text_width
from unslump.render.fonts import Fonts
from unslump.render.words import done_words

BAR_TOP, BAR_BOTTOM = 25, 30  # the panel's last row stays dark
CUE_Y = 17
SMALL_RING = 7  # the breath disc in the title line: rows 1..15
SMALL_DISC = 6 / BREATH_MAX  # pixels of radius per breath level there
LARGE_RING = 14  # the head-down breath disc: the panel's full height, less its edges
LARGE_DISC = 12 / BREATH_MAX
NOTICE_LINES = ("Disc problem? Skip it", "Back injury? Doctor first")
NOTICE_TURN_S = 3  # the two caution lines take turns on one row, this many seconds each


def draw_routine(view: RoutineView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    text(draw, (1, 0), view.title, fonts.large)
    if not view.cue and view.breath is not None:
        _head_down(draw, width, view, fonts)
        return image
    if view.rep:
        text(draw, (width - 1, 0), f"{view.rep}/{view.reps}", fonts.large, align="right")
    else:
        text(draw, (width - 1, 4), view.variant.upper(), fonts.small, align="right")
    countdown = "" if view.seconds_left is None else str(view.seconds_left)
    room = width - 2 - text_width(draw, countdown, fonts.body) - (4 if countdown else 0)
    text(draw, (1, CUE_Y), view.cue, fonts.small, room=room)
    if countdown:
        text(draw, (width - 1, CUE_Y - 3), countdown, fonts.body, align="right")
    if view.breath is not None:
        _disc(draw, (width // 2 + 12, SMALL_RING + 1), SMALL_RING,
              round(view.breath * SMALL_DISC))
    if view.ticks is not None:
        _vertebrae(draw, width, *view.ticks)
    else:
        bar(draw, (1, BAR_TOP, width - 2, BAR_BOTTOM), view.progress / PROGRESS_STEPS)
    return image


def _head_down(draw: ImageDraw.ImageDraw, width: int, view: RoutineView, fonts: Fonts) -> None:
    """The name, the repetition and the bar on the left; the breath disc fills the right."""
    centre = (width - 2 - LARGE_RING, LARGE_RING + 1)
    assert view.breath is not None
    _disc(draw, centre, LARGE_RING, round(view.breath * LARGE_DISC))
    if view.rep:
        text(draw, (1, CUE_Y), f"rep {view.rep} of {view.reps}", fonts.small)
    right = centre[0] - LARGE_RING - 4
    bar(draw, (1, BAR_TOP, right, BAR_BOTTOM), view.progress / PROGRESS_STEPS)


def _disc(draw: ImageDraw.ImageDraw, centre: tuple[int, int], ring: int, radius: int) -> None:
    """A disc that fills the ring as the lungs fill, and empties with the out-breath."""
    cx, cy = centre
    draw.ellipse((cx - ring, cy - ring, cx + ring, cy + ring), outline=ON)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=ON)


def _vertebrae(draw: ImageDraw.ImageDraw, width: int, done: int, of: int) -> None:
    """One block per vertebra along the bottom, lit as each one's tick sounds."""
    pitch = min(10, (width - 2) // of)
    size = pitch - 2
    left = (width - (of * pitch - 2)) // 2
    for i in range(of):
        x = left + i * pitch
        draw.rectangle((x, BAR_TOP, x + size - 1, BAR_BOTTOM), outline=ON,
                       fill=ON if i < done else 0)


def draw_notice(view: NoticeView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    """The caution and the two answers; it waits (the seconds count down in the corner).

    Three rows of small text are all 32 rows hold with their edges dark, so the two
    caution lines take turns on the middle one (each shows a few times in the wait)."""
    image, draw = canvas.blank()
    width = canvas.width
    draw.rectangle((0, 0, width - 1, 9), fill=ON)
    text(draw, (2, 1), "CAUTION", fonts.small, fill=0)
    text(draw, (width - 3, 1), f"{view.seconds_left}s", fonts.small, align="right", fill=0)
    line = NOTICE_LINES[view.seconds_left // NOTICE_TURN_S % len(NOTICE_LINES)]
    text(draw, (width // 2, 12), line, fonts.small, align="center")
    text(draw, (width // 2, 22), "press=ok  hold=not for me", fonts.small, align="center")
    return image


def draw_paused(view: PausedView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    text(draw, (1, 0), "PAUSED", fonts.large)
    where = f"{view.title} {view.rep}/{view.reps}" if view.rep else view.title
    text(draw, (width - 2, 4), where, fonts.small, align="right")
    text(draw, (width // 2, 15), "press to resume", fonts.small, align="center")
    text(draw, (width // 2, 23), "hold to stop", fonts.small, align="center")
    return image


def draw_done(view: DoneView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    """The 64-row screen's words on 32 rows: the headline large, the detail and the note
    small."""
    image, draw = canvas.blank()
    width = canvas.width
    headline, detail, note = done_words(view)
    text(draw, (width // 2, 0), headline, fonts.large, align="center")
    text(draw, (width // 2, 15), detail, fonts.small, align="center")
    text(draw, (width // 2, 23), note, fonts.small, align="center")
    return image


DRAWERS = MappingProxyType({
    RoutineView: draw_routine,
    NoticeView: draw_notice,
    PausedView: draw_paused,
    DoneView: draw_done,
})
