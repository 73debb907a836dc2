"""The OLED: built from luma's own options, redrawn only when the view changes.

Any luma device works here (anything with ``size``, ``mode`` and ``display(image)``):
the real ssd1306 on I2C, ``luma.core.device.dummy`` in tests, the luma.emulator window
in the simulator. The real panel gets luma's own serial interface and luma's init
sequence, built straight from ``[display]`` (not through luma's command-line parser,
which loads every luma display family to list its choices), so a Pi and a laptop
differ only by configuration.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic

from luma.core.error import Error as LumaError
from PIL import Image, ImageDraw

from unslump.config.file import DisplayConfig
from unslump.core.panel import BRIGHT
from unslump.core.views import BlankView, View
from unslump.errors import DisplayError
from unslump.ports import Clock

if TYPE_CHECKING:  # a default needs typing_extensions below 3.13; only mypy reads it
    from typing_extensions import TypeVar

    ShownView = TypeVar("ShownView", default=View)
else:
    from typing import TypeVar

    ShownView = TypeVar("ShownView")
"""What a Screen shows: the device's views, or another set (the GPIO wait's one screen)."""

DrawView = Callable[[ShownView | BlankView], Image.Image]
"""Turns a view into the frame to send (``unslump.render.Renderer`` is the device's); it
also draws the :class:`BlankView` a Screen shows when it closes."""

# What a panel raises when the bus fails mid-run (I2C write errors are OSError).
PANEL_ERRORS: tuple[type[BaseException], ...] = (OSError, LumaError)


# luma's command-line defaults for the SPI options [display] does not set (luma.core.cmdline's
# create_parser): SPI0 CE0 at 8 MHz, D/C on GPIO 24, reset on GPIO 25
LUMA_SPI_DEFAULTS: dict[str, Any] = {
    "port": 0, "device": 0, "bus_speed_hz": 8_000_000, "transfer_size": 4096,
    "spi_mode": None, "reset_hold_time": 0, "reset_release_time": 0, "gpio_DC": 24,
    "gpio_RST": 25, "gpio": None}


def open_serial_interface(config: DisplayConfig) -> Any:
    """luma's own serial interface for ``[display]``, as luma's ``make_interface`` builds it.

    Built here rather than through ``luma.core.cmdline``: its parser imports every luma
    display family, the emulator, curses and cbor2 just to list the choices (about
    0.8 MiB of the service's memory), and the config has already checked every value.
    """
    from luma.core.interface import serial

    if config.interface == "spi":
        return serial.spi(**LUMA_SPI_DEFAULTS)
    return serial.i2c(port=config.i2c_port, address=config.i2c_address)


def create_driver(config: DisplayConfig, interface: Any) -> Any:
    """The driver for ``config.type`` on ``interface``, constructed (luma's init sent).

    The partial-update drivers (unslump.edges.display.page_diff) serve ssd1306 and sh1106 unless
    ``partial`` is off; every other panel, and those two with ``partial = false``, gets
    luma.oled's stock driver as ``luma.core.cmdline.create_device`` makes it (a full
    frame buffer), and only then is luma.oled's device module imported.
    """
    options = {"width": config.width, "height": config.height, "rotate": config.rotate}
    if config.partial:
        from unslump.edges.display.page_diff import PARTIAL_DRIVERS

        partial = PARTIAL_DRIVERS.get(config.type)
        if partial is not None:
            return partial(serial_interface=interface, **options)
    import luma.oled.device  # starts luma's thread pool and loads cbor2: only for these
    from luma.core.framebuffer import full_frame

    stock = getattr(luma.oled.device, config.type)
    return stock(serial_interface=interface, framebuffer=full_frame(), **options)


def open_luma_device(config: DisplayConfig) -> Any:
    """Open the real panel, or raise :class:`DisplayError` naming the bus and address."""
    from luma.core import error

    spi = f"/dev/spidev{LUMA_SPI_DEFAULTS['port']}.{LUMA_SPI_DEFAULTS['device']}"
    where = (f"{config.type} on {spi}" if config.interface == "spi" else
             f"{config.type} on /dev/i2c-{config.i2c_port} at {config.i2c_address}")
    try:
        device = create_driver(config, open_serial_interface(config))
    except (error.Error, OSError) as exc:
        raise DisplayError(f"cannot open the display ({where}): {exc}; check the wiring, "
                           f"that I2C is enabled, and [display] in the config") from exc
    try:
        # luma's SH1106 init leaves the contrast at 0x7F, its SSD1306 init at 0xCF; the
        # core's "bright" is 0xCF on both, so it is set here rather than assumed
        device.contrast(BRIGHT)
    except (error.Error, OSError) as exc:
        raise DisplayError(f"the display stopped answering ({where}): {exc}; check the "
                           f"wiring") from exc
    device.persist = config.persist
    return device


PanelOpener = Callable[[], Any]
DISPLAY_RETRY_S = 60.0  # how often a missing or failed panel is tried again
WARNING_MARK = 5  # side of the square drawn in the top-right corner for a warning


class Screen(Generic[ShownView]):
    """A luma device plus a renderer; draws a view only when it differs from the last.

    The panel may be missing at start or fail later (a loose wire, a flaky I2C bus): the
    device keeps running without it, says so once in the log, and tries to open it
    again every ``retry_s``; when it answers again the current view is drawn at once.
    Warnings (the log cannot be written) show as a small mark in the top-right corner.
    ``Screen`` alone shows the device's views; the renderer must also draw the
    :class:`BlankView` shown at close.
    """

    def __init__(self, open_panel: PanelOpener, render: DrawView[ShownView], clock: Clock, *,
                 persist: bool = False, retry_s: float = DISPLAY_RETRY_S,
                 logger: logging.Logger | None = None) -> None:
        self._open_panel = open_panel
        self._render = render
        self._clock = clock
        self._persist = persist
        self._retry_s = retry_s
        self._log = logger or logging.getLogger(__name__)
        self._device: Any = None
        self._wanted: ShownView | BlankView | None = None
        self._drawn: tuple[ShownView | BlankView, frozenset[str]] | None = None
        self._warnings: frozenset[str] = frozenset()
        self._power: tuple[bool, int] | None = None
        self._next_retry: float | None = None
        self._closed = False
        self.frames = 0  # frames actually sent to the panel
        self._try_open()

    @property
    def device(self) -> Any:
        """The luma device, or None while the panel is missing."""
        return self._device

    def show(self, view: ShownView | BlankView) -> bool:
        """Draw ``view`` if it (or the warnings) changed; returns whether a frame was sent."""
        self._wanted = view
        return self._draw()

    def set_warnings(self, warnings: frozenset[str]) -> None:
        """Show (or clear) the warning mark; redraws only if that changes the picture."""
        self._warnings = warnings
        self._draw()

    def power(self, on: bool, contrast: int) -> None:
        """Switch the panel on or off and set its contrast."""
        before, self._power = self._power, (on, contrast)
        self._send_power(before is None or before[0] != on)

    def _send_power(self, switch: bool) -> None:
        """Send the wanted contrast, and display on/off too when ``switch``."""
        if self._device is None or self._closed or self._power is None:
            return
        on, contrast = self._power
        try:
            if switch:
                (self._device.show if on else self._device.hide)()
            self._device.contrast(contrast)
        except PANEL_ERRORS as exc:
            self._lost(exc)

    def deadline(self) -> float | None:
        return self._next_retry

    def service(self, now: float) -> None:
        if self._next_retry is not None and now >= self._next_retry:
            self._try_open()

    def close(self) -> None:
        """Blank the panel (unless it is meant to persist) and release it; idempotent."""
        if self._closed:
            return
        if not self._persist:
            self.show(BlankView())
        self._closed = True
        if self._device is not None:
            self._device.persist = self._persist
            with contextlib.suppress(*PANEL_ERRORS):
                self._device.cleanup()

    def _draw(self) -> bool:
        wanted = None if self._wanted is None else (self._wanted, self._warnings)
        if self._closed or self._device is None or wanted is None or wanted == self._drawn:
            return False
        image = self._render(wanted[0])
        if wanted[1] and not isinstance(wanted[0], BlankView):
            draw = ImageDraw.Draw(image)
            right = image.width - 1
            draw.rectangle((right - WARNING_MARK + 1, 0, right, WARNING_MARK - 1), fill=0,
                           outline=255)
            draw.point((right - WARNING_MARK // 2, WARNING_MARK // 2), fill=255)
        try:
            self._device.display(image)
        except PANEL_ERRORS as exc:
            self._lost(exc)
            return False
        self._drawn = wanted
        self.frames += 1
        return True

    def _try_open(self) -> None:
        try:
            self._device = self._open_panel()
        except DisplayError as exc:
            if self._next_retry is None:
                self._log.warning("%s; running without it, trying again every %.0f s",
                                  exc, self._retry_s)
            self._next_retry = self._clock.monotonic() + self._retry_s
            return
        if self._next_retry is not None:
            self._log.info("display answers again")
        self._next_retry = None
        self._drawn = None
        # luma's init lights the panel at its own contrast: say again what is wanted,
        # or a panel found while the core keeps it dark would shine showing black
        self._send_power(switch=True)
        self._draw()

    def _lost(self, exc: BaseException) -> None:
        self._log.warning("display stopped answering (%s); running without it, trying again "
                          "every %.0f s", exc, self._retry_s)
        self._device = None
        self._next_retry = self._clock.monotonic() + self._retry_s
