"""The OLED: built from luma's own options, redrawn only when the view changes.

Any luma device works here (anything with ``size``, ``mode`` and ``display(image)``):
the real ssd1306 on I2C, ``luma.core.device.dummy`` in tests, the luma.emulator window
in the simulator. The device is built with luma's own parser and factory, so a Pi and a
laptop differ only by configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image

from device.config import DisplayConfig
from device.core.views import BlankView, View
from device.errors import DisplayError

Renderer = Callable[[View], Image.Image]


def luma_arguments(config: DisplayConfig) -> list[str]:
    """Our display config in luma's command-line terms (luma's own default is ssd1305)."""
    return ["--display", config.type, "--interface", config.interface,
            "--i2c-port", str(config.i2c_port), "--i2c-address", config.i2c_address,
            "--width", str(config.width), "--height", str(config.height),
            "--rotate", str(config.rotate)]


def open_luma_device(config: DisplayConfig) -> Any:
    """Open the real panel, or raise :class:`DisplayError` naming the bus and address."""
    from luma.core import cmdline, error  # imported here: luma.oled starts threads at import

    parser = cmdline.create_parser(description="unslump display", autocomplete=False)
    args = parser.parse_args(luma_arguments(config))
    where = f"{config.type} on /dev/i2c-{config.i2c_port} at {config.i2c_address}"
    try:
        device = cmdline.create_device(args)
    except (error.Error, OSError) as exc:
        raise DisplayError(f"cannot open the display ({where}): {exc}; check the wiring, "
                           f"that I2C is enabled, and [display] in the config") from exc
    device.persist = config.persist
    return device


class Screen:
    """A luma device plus a renderer; draws a view only when it differs from the last."""

    def __init__(self, device: Any, render: Renderer, persist: bool = False) -> None:
        self._device = device
        self._render = render
        self._persist = persist
        self._shown: View | None = None
        self._on = True
        self._closed = False
        self.frames = 0  # frames actually sent to the panel

    @property
    def device(self) -> Any:
        return self._device

    def show(self, view: View) -> bool:
        """Draw ``view`` if it is new; returns whether a frame was sent."""
        if self._closed or view == self._shown:
            return False
        self._device.display(self._render(view))
        self._shown = view
        self.frames += 1
        return True

    def power(self, on: bool, contrast: int) -> None:
        """Switch the panel on or off and set its contrast."""
        if self._closed:
            return
        if on != self._on:
            (self._device.show if on else self._device.hide)()
            self._on = on
        self._device.contrast(contrast)

    def close(self) -> None:
        """Blank the panel (unless it is meant to persist) and release it; idempotent."""
        if self._closed:
            return
        if not self._persist:
            self.show(BlankView())
        self._device.persist = self._persist
        self._device.cleanup()
        self._closed = True
