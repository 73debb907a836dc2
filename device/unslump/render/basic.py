"""The resting screen (seated or away, bout minutes, progress to the reminder), the reminder,
the snooze and blank, laid out for a 64-row panel (``compact_basic`` has the 32-row ones)."""

from __future__ import annotations

from types import MappingProxyType

from PIL import Image

from unslump.core.views import BlankView, IdleView, ReminderView, SnoozedView
from unslump.render.canvas import Canvas, bar, text, text_width
from unslump.render.fonts import Fonts
from unslump.render.words import snoozes_left_words


def draw_idle(view: IdleView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    dx, dy = view.shift
    status = "SEATED" if view.seated else "AWAY"
    text(draw, (2 + dx, 1 + dy), status, fonts.small)
    breaks = f"{view.breaks_today} break" + ("" if view.breaks_today == 1 else "s")
    text(draw, (width - 2 + dx, 1 + dy), breaks, fonts.small, align="right")

    number = str(view.bout_min)
    number_w = text_width(draw, number, fonts.large)
    unit_w = text_width(draw, " min", fonts.body)
    left = (width - number_w - unit_w) // 2 + dx
    text(draw, (left, 18 + dy), number, fonts.large)
    text(draw, (left + number_w, 22 + dy), " min", fonts.body)

    fraction = view.bout_min / view.remind_after_min if view.remind_after_min else 0.0
    bar(draw, (4 + dx, 44 + dy, width - 5 + dx, 50 + dy), fraction)
    text(draw, (width // 2 + dx, 54 + dy), f"break at {view.remind_after_min} min", fonts.small,
         align="center")
    return image


def draw_reminder(view: ReminderView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    image, draw = canvas.blank()
    width = canvas.width
    draw.rectangle((0, 0, width - 1, 17), fill=255)
    draw.text((width // 2 - text_width(draw, "STAND UP", fonts.large) // 2, 1), "STAND UP",
              font=fonts.large, fill=0)
    text(draw, (width // 2, 21), f"seated {view.bout_min} min", fonts.body, align="center")
    text(draw, (2, 40), "press: stretch now", fonts.small)
    if view.snooze_refused:
        text(draw, (2, 52), "no snoozes left", fonts.small)
    elif view.snoozes_left:
        text(draw, (2, 52), f"hold: snooze ({view.snoozes_left} left)", fonts.small)
    else:
        text(draw, (2, 52), "snoozes used up", fonts.small)
    return image


def draw_snoozed(view: SnoozedView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    """The hold was taken as a snooze: for how long, and how many are left."""
    image, draw = canvas.blank()
    width = canvas.width
    text(draw, (width // 2, 4), "SNOOZED", fonts.large, align="center")
    text(draw, (width // 2, 26), f"{view.minutes} min", fonts.body, align="center")
    text(draw, (width // 2, 50), snoozes_left_words(view), fonts.small, align="center")
    return image


def draw_blank(view: BlankView, fonts: Fonts, canvas: Canvas) -> Image.Image:
    return canvas.blank()[0]


DRAWERS = MappingProxyType({IdleView: draw_idle, ReminderView: draw_reminder,
                            SnoozedView: draw_snoozed, BlankView: draw_blank})
