"""Drawing views: a view in, a 1-bit 128x64 Pillow image out.

Rendering is a pure function of the view (and the fonts), so golden-image tests pin every
screen and the display adapter can skip a view it has already drawn.
"""

from device.render.renderer import Renderer

__all__ = ["Renderer"]
