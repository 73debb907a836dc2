"""SSD1306 and SH1106 drivers that send only the part of the frame that changed.

luma's stock drivers send the whole 1 KiB frame on every ``display()``: about 23 ms of
I2C at 400 kHz (92 ms at 100 kHz) for a screen where usually a number or a progress bar
moved. The panel keeps its picture in its own RAM (GDDRAM, eight 128-byte pages of eight
pixel rows), so a driver that remembers what it last sent can send just the pages and
columns that differ. The panel then shows exactly the pixels the stock driver would have
left: ``tests/unit/test_partial_display.py`` checks that on a simulated GDDRAM.

* :class:`PartialSsd1306` uses the SSD1306's horizontal addressing window (COLUMNADDR and
  PAGEADDR): one window around everything that changed, or one per changed page when
  that is fewer bytes.
* :class:`PartialSh1106` has no such window (the SH1106 addresses one page at a time), so
  each changed page gets its page and start column and only its changed column span,
  with the same 2-column RAM offset luma uses.

Until a frame has gone out completely the driver forgets what the panel holds, so a bus
error mid-frame makes the next frame a full one.

Both stand on ``luma.core.device.device`` (the serial interface, contrast, show/hide,
cleanup, rotation) and repeat luma.oled's init sequences byte for byte
(``tests/unit/test_partial_display.py`` compares them on a recording bus), rather than
subclassing ``luma.oled.device``: importing that module loads every luma.oled display
family, luma's character-display fonts with cbor2 and a thread pool, about 2 MiB of the
service's memory for two classes. The command values come from ``luma.oled.const``, a
module of constants that loads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from luma.core.device import device as LumaDevice
from luma.core.error import DeviceDisplayModeError
from luma.oled.const import sh1106 as SH1106_CONST
from luma.oled.const import ssd1306 as SSD1306_CONST
from PIL import Image

SET_PAGE = 0xB0  # page addressing: 0xB0 | page
SET_LOW_COLUMN = 0x00  # page addressing: low nibble of the column
SET_HIGH_COLUMN = 0x10  # page addressing: high nibble of the column
WINDOW_COMMAND_BYTES = 6  # COLUMNADDR a b PAGEADDR c d
SSD1306_CONTRAST = 0xCF  # what luma's ssd1306 init sets
SH1106_CONTRAST = 0x7F  # what luma's sh1106 init sets


@dataclass(frozen=True, slots=True)
class Ssd1306Mode:
    """One panel size luma's ssd1306 supports: its multiplex, clock, COM pins and offset."""

    multiplex: int
    clock_divide: int
    com_pins: int
    column_start: int


# luma.oled.device.ssd1306's table of supported sizes, value for value
SSD1306_MODES = {
    (128, 64): Ssd1306Mode(0x3F, 0x80, 0x12, 0),
    (128, 32): Ssd1306Mode(0x1F, 0x80, 0x02, 0),
    (96, 16): Ssd1306Mode(0x0F, 0x60, 0x02, 0),
    (64, 48): Ssd1306Mode(0x2F, 0x80, 0x12, 32),
    (64, 32): Ssd1306Mode(0x1F, 0x80, 0x12, 32),
}
# luma.oled.device.sh1106's: size -> (multiplex, display offset)
SH1106_MODES = {(128, 128): (0xFF, 0x02), (128, 64): (0x3F, 0x00), (128, 32): (0x20, 0x0F)}

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


def _unsupported(width: int, height: int) -> DeviceDisplayModeError:
    return DeviceDisplayModeError(f"Unsupported display mode: {width} x {height}")


def _check_frame(device: Any, image: Image.Image) -> None:
    if image.mode != device.mode or image.size != device.size:
        raise DeviceDisplayModeError(
            f"frame is mode {image.mode} {image.size[0]}x{image.size[1]}; this panel takes "
            f"mode {device.mode} {device.width}x{device.height}")


class PartialSsd1306(LumaDevice):  # type: ignore[misc]  # luma ships no types
    """An SSD1306 sending only the changed window of each frame.

    Takes the same arguments as :class:`luma.oled.device.ssd1306` and sends the same
    init sequence; the first frame (the panel is cleared while constructing) is whole.
    """

    def __init__(self, serial_interface: Any = None, width: int = 128, height: int = 64,
                 rotate: int = 0, **kwargs: Any) -> None:
        super().__init__(SSD1306_CONST, serial_interface)
        self.capabilities(width, height, rotate)
        mode = SSD1306_MODES.get((width, height))
        if mode is None:
            raise _unsupported(width, height)
        self._pages = height // 8
        self._colstart = mode.column_start
        self._sent: Pages | None = None
        const = self._const
        self.command(
            const.DISPLAYOFF,
            const.SETDISPLAYCLOCKDIV, mode.clock_divide,
            const.SETMULTIPLEX, mode.multiplex,
            const.SETDISPLAYOFFSET, 0x00,
            const.SETSTARTLINE,
            const.CHARGEPUMP, 0x14,
            const.MEMORYMODE, 0x00,
            const.SETSEGMENTREMAP,
            const.COMSCANDEC,
            const.SETCOMPINS, mode.com_pins,
            const.SETPRECHARGE, 0xF1,
            const.SETVCOMDETECT, 0x40,
            const.DISPLAYALLON_RESUME,
            const.NORMALDISPLAY)
        self.contrast(SSD1306_CONTRAST)
        self.clear()
        self.show()

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


class PartialSh1106(LumaDevice):  # type: ignore[misc]  # luma ships no types
    """An SH1106 sending only the changed column span of each changed page.

    Takes the same arguments as :class:`luma.oled.device.sh1106`, including
    ``page_address_offset`` (the panel's 132-column RAM shows columns 2 to 129), and
    sends the same init sequence.
    """

    def __init__(self, serial_interface: Any = None, width: int = 128, height: int = 64,
                 rotate: int = 0, page_address_offset: int = 0x02, **kwargs: Any) -> None:
        super().__init__(SH1106_CONST, serial_interface)
        self.capabilities(width, height, rotate)
        mode = SH1106_MODES.get((width, height))
        if mode is None:
            raise _unsupported(width, height)
        multiplex, offset = mode
        self._pages = self._h // 8
        self._page_address_offset = page_address_offset
        self._sent: Pages | None = None
        const = self._const
        self.command(
            const.DISPLAYOFF,
            const.MEMORYMODE,
            const.SETHIGHCOLUMN, 0xB0, 0xC8,
            const.SETLOWCOLUMN, 0x10, 0x40,
            const.SETSEGMENTREMAP,
            const.NORMALDISPLAY,
            const.SETMULTIPLEX, multiplex,
            const.DISPLAYALLON_RESUME,
            const.SETDISPLAYOFFSET, offset,
            const.SETDISPLAYCLOCKDIV, 0xF0,
            const.SETPRECHARGE, 0x22,
            const.SETCOMPINS, 0x12,
            const.SETVCOMDETECT, 0x20,
            const.CHARGEPUMP, 0x14)
        self.contrast(SH1106_CONTRAST)
        self.clear()
        self.show()

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

