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


def text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], value: str,
         font: ImageFont.ImageFont, align: str = "left", fill: int = ON) -> None:
    """Draw ``value`` with its top-left (or top-centre / top-right) at ``xy``."""
    x, y = xy
    if align == "center":
        x -= text_width(draw, value, font) // 2
    elif align == "right":
        x -= text_width(draw, value, font)
    draw.text((x, y), value, font=font, fill=fill)


def bar(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fraction: float) -> None:
    """An outlined bar filled to ``fraction`` (clamped to 0..1)."""
    left, top, right, bottom = box
    draw.rectangle(box, outline=ON, fill=0)
    inner = right - left - 3
    filled = round(inner * min(1.0, max(0.0, fraction)))
    if filled > 0:
        draw.rectangle((left + 2, top + 2, left + 1 + filled, bottom - 2), fill=ON)
