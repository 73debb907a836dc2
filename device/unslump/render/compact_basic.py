"""The resting screen, the reminder, the snooze and blank on a 32-row panel (the common
0.91" 128x32): the same facts as the 64-row layouts in ``basic``, in half the rows.

One row of the large font and two small ones (four small rows would light the panel's
outermost rows, which read as cut off): each screen keeps its one big thing (the bout's
minutes, STAND UP, SNOOZED) and puts the rest in a line or two of small text around it.
"""

from __future__ import annotations

from types import MappingProxyType

from PIL import Image

from unslump.core.views import BlankView, IdleView, ReminderView, SnoozedView
from unslump.render.canvas import Canvas, bar, text, text_width
from unslump.render.fonts import Fonts
from unslump.render.words import snoozes_left_words


def draw_idle(view: IdleView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    """Status and breaks on the top row, the minutes large on the left with the reminder's
    threshold beside them, and the bar to the reminder along the bottom."""
    image, draw = canvas.blank()
    width = canvas.width
    dx, dy = view.shift
    status = "SEATED" if view.seated else "AWAY"
    text(draw, (2 + dx, 1 + dy), status, fonts.small)
    breaks = f"{view.breaks_today} break" + ("" if view.breaks_today == 1 else "s")
    text(draw, (width - 2 + dx, 1 + dy), breaks, fonts.small, align="right")

    number = str(view.bout_min)
    number_w = text_width(draw, number, fonts.large)
    text(draw, (2 + dx, 8 + dy), number, fonts.large)
    text(draw, (2 + number_w + dx, 12 + dy), " min", fonts.body)
    text(draw, (width - 2 + dx, 13 + dy), f"break at {view.remind_after_min}",
         fonts.small, align="right")

    fraction = view.bout_min / view.remind_after_min if view.remind_after_min else 0.0
    bar(draw, (2 + dx, 24 + dy, width - 3 + dx, 29 + dy), fraction)
    return image


def draw_reminder(view: ReminderView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    """STAND UP lit across the top with the minutes seated in it; what press and hold do."""
    image, draw = canvas.blank()
    width = canvas.width
    draw.rectangle((0, 0, width - 1, 13), fill=255)
    text(draw, (2, 0), "STAND UP", fonts.large, fill=0)
    text(draw, (width - 2, 3), f"{view.bout_min} min", fonts.body, align="right", fill=0)
    text(draw, (2, 15), "press: stretch now", fonts.small)
    if view.snooze_refused:
        hold = "no snoozes left"
    elif view.snoozes_left:
        hold = f"hold: snooze ({view.snoozes_left} left)"
    else:
        hold = "snoozes used up"
    text(draw, (2, 23), hold, fonts.small)
    return image


def draw_snoozed(view: SnoozedView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    """The hold was taken as a snooze: for how long, and how many are left."""
    image, draw = canvas.blank()
    width = canvas.width
    text(draw, (2, 0), "SNOOZED", fonts.large)
    text(draw, (width - 2, 3), f"{view.minutes} min", fonts.body, align="right")
    text(draw, (width // 2, 19), snoozes_left_words(view), fonts.body, align="center")
    return image


def draw_blank(view: BlankView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    return canvas.blank()[0]


DRAWERS = MappingProxyType({IdleView: draw_idle, ReminderView: draw_reminder,
                            SnoozedView: draw_snoozed, BlankView: draw_blank})
