"""Dispatch from a view's type to the function that draws it at the panel's size."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from types import MappingProxyType, ModuleType
from typing import Any

from PIL import Image

from unslump.config.file import Config
from unslump.core.views import View
from unslump.render.canvas import Canvas
from unslump.render.fonts import Fonts

Drawer = Callable[[Any, Fonts, Canvas], Image.Image]

LAYOUTS: Mapping[int, tuple[str, ...]] = MappingProxyType({
    64: ("basic", "routine_screens", "stats"),
    32: ("compact_basic", "compact_routine_screens", "compact_stats"),
})
"""Each panel height's screen modules (in ``unslump.render``); each maps its view types to
drawing functions in ``DRAWERS``. Text sits at fixed rows, so a height is a layout of its
own, not a scaling; only the configured height's modules are imported (the service is
kept small)."""


def layout_modules(height: int) -> tuple[ModuleType, ...]:
    """The screen modules of a panel ``height`` pixels tall, imported."""
    try:
        names = LAYOUTS[height]
    except KeyError:
        heights = ", ".join(str(h) for h in LAYOUTS)
        raise ValueError(f"no screens are drawn {height} pixels tall; use {heights}") from None
    return tuple(import_module(f"unslump.render.{name}") for name in names)


def panel_canvas(config: Config) -> Canvas:
    """The canvas of the configured panel (``[display] width`` and ``height``)."""
    return Canvas(config.display.width, config.display.height)


def drawers_for(height: int) -> dict[type, Drawer]:
    """Every view type's drawing function for a panel ``height`` pixels tall."""
    drawers: dict[type, Drawer] = {}
    for module in layout_modules(height):
        drawers.update(module.DRAWERS)
    return drawers


class Renderer:
    """Draws any view the core can produce at the panel's size; one instance holds the
    loaded fonts and the drawers of that size's layouts."""

    def __init__(self, fonts: Fonts | None = None, canvas: Canvas | None = None) -> None:
        self._fonts = fonts or Fonts.load()
        self.canvas = canvas or Canvas()
        self._drawers = drawers_for(self.canvas.height)

    def __call__(self, view: View) -> Image.Image:
        try:
            drawer = self._drawers[type(view)]
        except KeyError:
            raise TypeError(f"no screen is drawn for {type(view).__name__}") from None
        return drawer(view, self._fonts, self.canvas)
