"""SSD1306 and SH1106 drivers that send only the part of the frame that changed.

luma's stock drivers send the whole 1 KiB frame on every ``display()``: about 23 ms of
I2C at 400 kHz (92 ms at 100 kHz) for a screen where usually a number or a progress bar
moved. The panel keeps its picture in its own RAM (GDDRAM, eight 128-byte pages of eight
pixel rows), so a driver that remembers what it last sent can send just the pages and
columns that differ. The panel then shows exactly the pixels the stock driver would have
left: ``tests/test_partial_display.py`` checks that on a simulated GDDRAM.

* :class:`PartialSsd1306` uses the SSD1306's horizontal addressing window (COLUMNADDR and
  PAGEADDR): one window around everything that changed, or one per changed page when
  that is fewer bytes.
* :class:`PartialSh1106` has no such window (the SH1106 addresses one page at a time), so
  each changed page gets its page and start column and only its changed column span,
  with the same 2-column RAM offset luma uses.

Until a frame has gone out completely the driver forgets what the panel holds, so a bus
error mid-frame makes the next frame a full one.
"""

from __future__ import annotations

from argparse import Namespace
from dataclasses import dataclass
from typing import Any

from luma.core.error import DeviceDisplayModeError
from luma.oled.device import sh1106, ssd1306
from PIL import Image

SET_PAGE = 0xB0  # page addressing: 0xB0 | page
SET_LOW_COLUMN = 0x00  # page addressing: low nibble of the column
SET_HIGH_COLUMN = 0x10  # page addressing: high nibble of the column
WINDOW_COMMAND_BYTES = 6  # COLUMNADDR a b PAGEADDR c d

# Pillow packs mode-1 rows most significant bit first; the panel wants the top pixel of a
# page in the least significant bit, hence a bit-reversal table.
REVERSED_BITS = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))

Pages = list[bytes]


def image_pages(image: Image.Image, pages: int) -> Pages:
    """A mode-1 image in panel order: one ``bytes`` per page, one byte per column.

    Bit ``i`` of column ``x`` in page ``p`` is the pixel at ``(x, 8 * p + i)``, as the
    stock drivers pack it; done with Pillow and ``bytes`` slicing rather than a Python
    loop over 8192 pixels, so it costs microseconds.
    """
    columns = image.transpose(Image.Transpose.TRANSPOSE).tobytes().translate(REVERSED_BITS)
    return [columns[page::pages] for page in range(pages)]


@dataclass(frozen=True, slots=True)
class Span:
    """Columns ``first`` to ``last`` (inclusive) of one page differ from what was sent."""

    page: int
    first: int
    last: int

    @property
    def width(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True, slots=True)
class Window:
    """A rectangle of GDDRAM: pages and columns, both inclusive, in panel coordinates."""

    first_page: int
    last_page: int
    first_column: int
    last_column: int

    @property
    def data_bytes(self) -> int:
        pages = self.last_page - self.first_page + 1
        return pages * (self.last_column - self.first_column + 1)


def changed_spans(sent: Pages | None, new: Pages) -> list[Span]:
    """The changed column span of every page that differs (every page when nothing sent)."""
    if sent is None:
        return [Span(page, 0, len(data) - 1) for page, data in enumerate(new)]
    spans = []
    for page, (old, data) in enumerate(zip(sent, new, strict=True)):
        if old == data:
            continue
        first = next(x for x in range(len(data)) if old[x] != data[x])
        last = next(x for x in range(len(data) - 1, first - 1, -1) if old[x] != data[x])
        spans.append(Span(page, first, last))
    return spans


def plan_windows(spans: list[Span]) -> list[Window]:
    """The fewest-bytes SSD1306 windows covering ``spans`` (given in page order).

    Each window costs six command bytes plus its whole rectangle, so a clock digit and a
    progress bar on pages far apart are cheaper as two windows, and a number two pages
    tall as one. Consecutive spans are grouped by a small dynamic programme (at most
    eight pages, so at most 36 groups to price).
    """
    best: list[tuple[int, list[Window]]] = [(0, [])]
    for end in range(1, len(spans) + 1):
        options = []
        for start in range(end):
            group = spans[start:end]
            window = Window(group[0].page, group[-1].page, min(s.first for s in group),
                            max(s.last for s in group))
            cost, windows = best[start]
            options.append((cost + WINDOW_COMMAND_BYTES + window.data_bytes,
                            [*windows, window]))
        best.append(min(options, key=lambda option: option[0]))
    return best[-1][1]


def _check_frame(device: Any, image: Image.Image) -> None:
    if image.mode != device.mode or image.size != device.size:
        raise DeviceDisplayModeError(
            f"frame is mode {image.mode} {image.size[0]}x{image.size[1]}; this panel takes "
            f"mode {device.mode} {device.width}x{device.height}")


class PartialSsd1306(ssd1306):  # type: ignore[misc]  # luma ships no types
    """luma's ssd1306, sending only the changed window of each frame.

    Takes the same arguments as :class:`luma.oled.device.ssd1306`; the first frame
    (luma clears the panel while constructing) is sent whole.
    """

    def __init__(self, serial_interface: Any = None, width: int = 128, height: int = 64,
                 rotate: int = 0, **kwargs: Any) -> None:
        self._sent: Pages | None = None  # set before luma's constructor clears the panel
        super().__init__(serial_interface, width=width, height=height, rotate=rotate,
                         **kwargs)

    def display(self, image: Image.Image) -> None:
        _check_frame(self, image)
        pages = image_pages(self.preprocess(image), self._pages)
        windows = plan_windows(changed_spans(self._sent, pages))
        self._sent = None  # unknown until the whole update has gone out
        for window in windows:
            self.command(
                self._const.COLUMNADDR, self._colstart + window.first_column,
                self._colstart + window.last_column,
                self._const.PAGEADDR, window.first_page, window.last_page)
            rows = range(window.first_page, window.last_page + 1)
            cut = slice(window.first_column, window.last_column + 1)
            self.data(list(b"".join(pages[page][cut] for page in rows)))
        self._sent = pages


class PartialSh1106(sh1106):  # type: ignore[misc]  # luma ships no types
    """luma's sh1106, sending only the changed column span of each changed page.

    Takes the same arguments as :class:`luma.oled.device.sh1106`, including
    ``page_address_offset`` (the panel's 132-column RAM shows columns 2 to 129).
    """

    def __init__(self, serial_interface: Any = None, width: int = 128, height: int = 64,
                 rotate: int = 0, page_address_offset: int = 0x02, **kwargs: Any) -> None:
        self._sent: Pages | None = None  # set before luma's constructor clears the panel
        super().__init__(serial_interface, width=width, height=height, rotate=rotate,
                         page_address_offset=page_address_offset, **kwargs)

    def display(self, image: Image.Image) -> None:
        _check_frame(self, image)
        pages = image_pages(self.preprocess(image), self._pages)
        spans = changed_spans(self._sent, pages)
        self._sent = None  # unknown until the whole update has gone out
        for span in spans:
            column = self._page_address_offset + span.first
            self.command(SET_PAGE | span.page, SET_LOW_COLUMN | (column & 0x0F),
                         SET_HIGH_COLUMN | (column >> 4))
            self.data(list(pages[span.page][span.first:span.last + 1]))
        self._sent = pages


PARTIAL_DRIVERS: dict[str, type[Any]] = {"ssd1306": PartialSsd1306, "sh1106": PartialSh1106}
"""luma display names (``--display``) that have a partial-update driver."""


def create_partial_device(args: Namespace) -> Any:
    """Like ``luma.core.cmdline.create_device`` for the two panels above.

    ``args`` comes from luma's own parser, so the bus, address, size and rotation are
    read exactly as for the stock driver. Raises :class:`DeviceDisplayModeError` for a
    display with no partial driver (check ``PARTIAL_DRIVERS`` first).
    """
    from luma.core import cmdline

    driver = PARTIAL_DRIVERS.get(args.display)
    if driver is None:
        raise DeviceDisplayModeError(
            f"no partial-update driver for {args.display}; use one of "
            f"{', '.join(PARTIAL_DRIVERS)} or the stock driver")
    interface = getattr(cmdline.make_interface(args), args.interface)
    return driver(serial_interface=interface(), **vars(args))
