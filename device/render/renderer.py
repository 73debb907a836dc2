"""Dispatch from a view's type to the function that draws it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image

from device.adapters.fonts import Fonts
from device.core.views import View
from device.render import basic, routine, stats

Drawer = Callable[[Any, Fonts], Image.Image]
# Each screen module maps its view types to their drawing functions.
SCREEN_MODULES = (basic, routine, stats)


class Renderer:
    """Draws any view the core can produce; one instance holds the loaded fonts."""

    def __init__(self, fonts: Fonts | None = None) -> None:
        self._fonts = fonts or Fonts.load()
        self._drawers: dict[type, Drawer] = {}
        for module in SCREEN_MODULES:
            self._drawers.update(module.DRAWERS)

    def __call__(self, view: View) -> Image.Image:
        try:
            drawer = self._drawers[type(view)]
        except KeyError:
            raise TypeError(f"no screen is drawn for {type(view).__name__}") from None
        return drawer(view, self._fonts)
