"""Small drawing helpers shared by every screen: crisp text and bars on a 1-bit canvas."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

ON = 255  # a lit OLED pixel


@dataclass(frozen=True, slots=True)
class Canvas:
    """The panel's size in pixels (``[display] width`` x ``height``): what every screen is
    drawn at. The layouts place text at fixed rows, so each height has its own set of
    layouts (see ``unslump.render.renderer``); the width only centres them."""

    width: int = 128
    height: int = 64

    def blank(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        """A dark canvas of this size and a drawer that never anti-aliases."""
        image = Image.new("1", (self.width, self.height), 0)
        draw = ImageDraw.Draw(image)
        draw.fontmode = "1"
        return image, draw


def text_width(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont) -> int:
    return int(draw.textlength(text, font=font))


MARGIN = 1
"""Pixels kept dark along each edge of the panel: a glyph there reads as cut off (and the
bezel of many modules hides the outermost row)."""

SHORTENED = ".."
"""What ends a line that was shortened to fit (the pixel fonts have no ellipsis)."""


def text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], value: str,
         font: ImageFont.ImageFont, align: str = "left", fill: int = ON,
         room: int | None = None) -> None:
    """Draw ``value`` with its top-left (or top-centre / top-right) at ``xy``.

    A line too long for the panel is never drawn past its edge: it is shortened by
    :func:`shorten` to the room between ``xy`` and the margin, or to ``room`` pixels when
    something else shares its line (the shipped words all fit, so this is for a routine
    file's own long cue)."""
    x, y = xy
    panel_width = draw.im.size[0]
    if align == "center":
        room = min(room or panel_width, 2 * min(x - MARGIN, panel_width - MARGIN - x))
    elif align == "right":
        room = min(room or panel_width, x - MARGIN)
    else:
        room = panel_width - MARGIN - x if room is None else room
    value = shorten(draw, value, font, room)
    if align == "center":
        x -= text_width(draw, value, font) // 2
    elif align == "right":
        x -= text_width(draw, value, font)
    draw.text((x, y), value, font=font, fill=fill)


def fits(draw: ImageDraw.ImageDraw, value: str, font: ImageFont.ImageFont, room: int) -> bool:
    """True when ``value`` in ``font`` is at most ``room`` pixels wide (its last column of
    spacing, which lights no pixel, may stand past it)."""
    return text_width(draw, value, font) - 1 <= room


def shorten(draw: ImageDraw.ImageDraw, value: str, font: ImageFont.ImageFont,
            room: int) -> str:
    """``value`` if it fits ``room`` pixels, else its longest start that fits with
    :data:`SHORTENED` after it: whole words while any fits, else whole characters."""
    if fits(draw, value, font, room):
        return value
    words = value.split(" ")
    for count in range(len(words) - 1, 0, -1):
        start = " ".join(words[:count]).rstrip(",:;")
        if fits(draw, start + SHORTENED, font, room):
            return start + SHORTENED
    for count in range(len(value) - 1, -1, -1):
        if fits(draw, value[:count] + SHORTENED, font, room):
            return value[:count] + SHORTENED
    return ""


def wrap(draw: ImageDraw.ImageDraw, value: str, font: ImageFont.ImageFont, room: int,
         lines: int) -> list[str]:
    """``value`` broken at spaces into at most ``lines`` lines of ``room`` pixels; what
    does not fit in them is shortened (see :func:`shorten`) on the last one."""
    out: list[str] = []
    words = value.split()
    while words and len(out) < lines:
        count = len(words)
        while count > 1 and not fits(draw, " ".join(words[:count]), font, room):
            count -= 1
        if len(out) == lines - 1:
            count = len(words)
        out.append(shorten(draw, " ".join(words[:count]), font, room))
        words = words[count:]
    return out


def bar(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fraction: float) -> None:
    """An outlined bar filled to ``fraction`` (clamped to 0..1)."""
    left, top, right, bottom = box
    draw.rectangle(box, outline=ON, fill=0)
    inner = right - left - 3
    filled = round(inner * min(1.0, max(0.0, fraction)))
    if filled > 0:
        draw.rectangle((left + 2, top + 2, left + 1 + filled, bottom - 2), fill=ON)
