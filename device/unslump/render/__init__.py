"""Drawing views: a view in, a 1-bit Pillow image of the panel's size out.

Rendering is a pure function of the view (and the fonts and the panel's size), so
golden-image tests pin every screen and the display adapter can skip a view it has
already drawn. Each panel height has its own layouts (``LAYOUTS``).
"""

from unslump.render.canvas import Canvas
from unslump.render.renderer import LAYOUTS, Renderer, layout_modules, panel_canvas

__all__ = ["LAYOUTS", "Canvas", "Renderer", "layout_modules", "panel_canvas"]
