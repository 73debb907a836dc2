"""The partial-update panels leave exactly the pixels the stock luma drivers leave.

Both drivers write to a simulated panel: a serial interface that interprets the commands
the way the controller does (SSD1306 horizontal addressing inside a COLUMNADDR/PAGEADDR
window; SH1106 page addressing with its 132-column RAM) and keeps the GDDRAM. After every
frame both RAMs must be equal, and must show the frame itself.
"""

from __future__ import annotations

import random

import pytest
from luma.core.error import DeviceDisplayModeError
from luma.oled.device import sh1106, ssd1306
from PIL import Image, ImageChops, ImageDraw

from tests.support.paths import TESTS
from unslump.edges.display.page_diff import (
    PartialSh1106,
    PartialSsd1306,
    Span,
    Window,
    changed_spans,
    image_pages,
    plan_windows,
)

GOLDEN_DIR = TESTS / "golden"
GOLDEN = sorted(path for path in GOLDEN_DIR.rglob("*.png")
                if "compact" not in path.relative_to(GOLDEN_DIR).parts)
COMPACT_GOLDEN = sorted((GOLDEN_DIR / "compact").glob("*.png"))  # the 128x32 screens

# Commands followed by argument bytes (datasheets of both controllers; 0x20 takes one on
# the SSD1306 only: on the SH1106 it is a lone "set pump voltage" command).
ARGUMENTS = {0x21: 2, 0x22: 2, 0x81: 1, 0x8D: 1, 0xA8: 1, 0xAD: 1, 0xD3: 1, 0xD5: 1,
             0xD9: 1, 0xDA: 1, 0xDB: 1}


class SimulatedPanel:
    """A serial interface (command, data, cleanup) that keeps a controller's GDDRAM."""

    def __init__(self, controller: str) -> None:
        self.controller = controller
        self.columns = 132 if controller == "sh1106" else 128
        self.ram = [bytearray(self.columns) for _ in range(8)]
        self.window = (0, self.columns - 1, 0, 7)
        self.page = 0
        self.column = 0
        self.bytes_sent = 0

    def command(self, *cmd: int) -> None:
        self.bytes_sent += len(cmd)
        arguments = dict(ARGUMENTS)
        if self.controller == "ssd1306":
            arguments[0x20] = 1
        i = 0
        while i < len(cmd):
            code, count = cmd[i], arguments.get(cmd[i], 0)
            args = cmd[i + 1:i + 1 + count]
            assert len(args) == count, f"command {code:#04x} is missing arguments"
            self._apply(code, args)
            i += 1 + count

    def _apply(self, code: int, args: tuple[int, ...]) -> None:
        if code == 0x21:
            self.window = (args[0], args[1], *self.window[2:])
            self.column = args[0]
        elif code == 0x22:
            self.window = (*self.window[:2], args[0], args[1])
            self.page = args[0]
        elif 0xB0 <= code <= 0xB7:
            self.page = code & 0x07
        elif code <= 0x0F:
            self.column = (self.column & 0xF0) | code
        elif 0x10 <= code <= 0x1F:
            self.column = (self.column & 0x0F) | ((code & 0x0F) << 4)

    def data(self, data: list[int] | bytes) -> None:
        self.bytes_sent += len(data)
        for value in data:
            if self.column < self.columns:
                self.ram[self.page][self.column] = value
            if self.controller == "sh1106":
                self.column = min(self.column + 1, self.columns - 1)  # no wrap on SH1106
                continue
            first_column, last_column, first_page, last_page = self.window
            if self.column < last_column:
                self.column += 1
            else:
                self.column = first_column
                self.page = first_page if self.page >= last_page else self.page + 1

    def cleanup(self) -> None:
        pass

    def shown(self, offset: int = 0, height: int = 64) -> Image.Image:
        """The 128-column picture a panel ``height`` rows tall shows (columns ``offset`` to
        ``offset + 127`` of the first ``height / 8`` pages)."""
        image = Image.new("1", (128, height))
        pixels = image.load()
        for page in range(height // 8):
            for x in range(128):
                value = self.ram[page][x + offset]
                for bit in range(8):
                    pixels[x, 8 * page + bit] = 255 if value >> bit & 1 else 0
        return image


def frames(height: int = 64) -> list[Image.Image]:
    """Every golden frame of that height, in order and shuffled, and a few drawn ones."""
    paths = GOLDEN if height == 64 else COMPACT_GOLDEN
    goldens = [Image.open(path).convert("1") for path in paths]
    assert goldens and all(image.size == (128, height) for image in goldens)
    shuffled = list(goldens)
    random.Random(7).shuffle(shuffled)
    drawn = []
    bottom = height - 8
    for corner in ((0, 0), (120, 0), (0, bottom), (120, bottom), (60, height // 2 - 2)):
        image = Image.new("1", (128, height))
        ImageDraw.Draw(image).rectangle((*corner, corner[0] + 7, corner[1] + 7), fill=1)
        drawn.append(image)
    two_corners = Image.new("1", (128, height))
    ImageDraw.Draw(two_corners).point([(0, 0), (127, height - 1)], fill=1)
    return [*goldens, *drawn, two_corners, *shuffled, Image.new("1", (128, height), 1)]


def same_picture(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


def test_partial_display_goldens_exist():
    assert len(GOLDEN) >= 10


@pytest.mark.parametrize("height", [64, 32])
@pytest.mark.parametrize(("stock_type", "partial_type", "controller", "offset"), [
    (ssd1306, PartialSsd1306, "ssd1306", 0),
    (sh1106, PartialSh1106, "sh1106", 2),
])
def test_partial_display_panel_pixels_match_stock_after_every_frame(
        stock_type, partial_type, controller, offset, height):
    stock_panel, partial_panel = SimulatedPanel(controller), SimulatedPanel(controller)
    stock = stock_type(stock_panel, height=height)
    partial = partial_type(partial_panel, height=height)
    for index, frame in enumerate(frames(height)):
        stock.display(frame)
        partial.display(frame)
        assert partial_panel.ram == stock_panel.ram, f"frame {index}"
        assert same_picture(partial_panel.shown(offset, height), frame), f"frame {index}"
    assert partial_panel.bytes_sent < stock_panel.bytes_sent


@pytest.mark.parametrize("rotate", [1, 2, 3])
def test_partial_display_rotated_panel_matches_stock(rotate):
    stock_panel, partial_panel = SimulatedPanel("ssd1306"), SimulatedPanel("ssd1306")
    stock = ssd1306(stock_panel, rotate=rotate)
    partial = PartialSsd1306(partial_panel, rotate=rotate)
    image = Image.new("1", stock.size)
    for step in range(6):
        ImageDraw.Draw(image).line((0, step * 9, step * 5, 0), fill=1)
        stock.display(image)
        partial.display(image)
        assert partial_panel.ram == stock_panel.ram


def test_partial_display_unchanged_frame_sends_nothing():
    panel = SimulatedPanel("ssd1306")
    device = PartialSsd1306(panel)
    frame = Image.open(GOLDEN[0]).convert("1")
    device.display(frame)
    before = panel.bytes_sent
    device.display(frame)
    assert panel.bytes_sent == before


def test_partial_display_bus_error_makes_the_next_frame_whole():
    panel = SimulatedPanel("sh1106")
    device = PartialSh1106(panel)
    blank = Image.new("1", (128, 64))
    lit = Image.new("1", (128, 64), 1)

    def failing(data):
        raise OSError("I2C write failed")

    real_data = panel.data
    panel.data = failing
    with pytest.raises(OSError):
        device.display(lit)
    panel.data = real_data
    before = panel.bytes_sent
    device.display(blank)  # the panel may hold anything now: every page goes out again
    assert panel.bytes_sent - before == 8 * (3 + 128)
    assert same_picture(panel.shown(2), blank)


def test_partial_display_wrong_frame_size_names_both_sizes():
    device = PartialSsd1306(SimulatedPanel("ssd1306"))
    with pytest.raises(DeviceDisplayModeError, match=r"64x32.*128x64"):
        device.display(Image.new("1", (64, 32)))


def test_partial_display_image_pages_pack_the_top_row_in_the_low_bit():
    image = Image.new("1", (128, 64))
    image.putpixel((3, 0), 1)
    image.putpixel((3, 15), 1)
    pages = image_pages(image, 8)
    assert pages[0][3] == 0x01
    assert pages[1][3] == 0x80
    assert sum(map(sum, pages)) == 0x81


def test_partial_display_changed_spans_cover_only_differing_columns():
    old = [bytes(128)] * 8
    new = list(old)
    new[2] = bytes(10) + b"\x01" + bytes(20) + b"\x02" + bytes(96)
    assert changed_spans(old, new) == [Span(2, 10, 31)]
    assert len(changed_spans(None, new)) == 8


def test_partial_display_plan_windows_groups_pages_for_fewest_bytes():
    far_apart = [Span(0, 0, 3), Span(7, 120, 127)]
    assert plan_windows(far_apart) == [Window(0, 0, 0, 3), Window(7, 7, 120, 127)]
    stacked = [Span(3, 10, 20), Span(4, 10, 20)]
    assert plan_windows(stacked) == [Window(3, 4, 10, 20)]
    two_groups = [Span(2, 49, 55), Span(3, 49, 55), Span(5, 7, 9), Span(6, 7, 9)]
    assert plan_windows(two_groups) == [Window(2, 3, 49, 55), Window(5, 6, 7, 9)]
    assert plan_windows([]) == []


class RecordingInterface:
    """A serial interface that keeps every write, in order (commands and data apart)."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, list[int]]] = []

    def command(self, *cmd: int) -> None:
        self.writes.append(("command", list(cmd)))

    def data(self, data: list[int] | bytes) -> None:
        self.writes.append(("data", list(data)))

    def cleanup(self) -> None:
        pass


SSD1306_SIZES = [(128, 64), (128, 32), (96, 16), (64, 48), (64, 32)]
SH1106_SIZES = [(128, 128), (128, 64), (128, 32)]


@pytest.mark.parametrize("rotate", [0, 1, 2, 3])
@pytest.mark.parametrize(("stock_type", "partial_type", "size"), [
    *[(ssd1306, PartialSsd1306, size) for size in SSD1306_SIZES],
    *[(sh1106, PartialSh1106, size) for size in SH1106_SIZES],
])
def test_partial_display_construction_sends_luma_olds_bytes(stock_type, partial_type, size,
                                                           rotate):
    """The same init sequence, cleared frame and display-on as luma.oled's own driver."""
    stock_bus, partial_bus = RecordingInterface(), RecordingInterface()
    stock = stock_type(stock_bus, width=size[0], height=size[1], rotate=rotate)
    partial = partial_type(partial_bus, width=size[0], height=size[1], rotate=rotate)
    assert partial_bus.writes == stock_bus.writes
    assert (partial.size, partial.mode, partial.persist) == (stock.size, stock.mode, False)
    for device in (partial, stock):  # luma's own show, hide and contrast on both
        device.hide()
        device.contrast(0x10)
        device.show()
    assert partial_bus.writes == stock_bus.writes


@pytest.mark.parametrize(("stock_type", "partial_type"), [(ssd1306, PartialSsd1306),
                                                          (sh1106, PartialSh1106)])
def test_partial_display_unsupported_size_is_refused_as_luma_refuses_it(stock_type,
                                                                        partial_type):
    with pytest.raises(DeviceDisplayModeError) as stock_error:
        stock_type(RecordingInterface(), width=100, height=40)
    with pytest.raises(DeviceDisplayModeError) as partial_error:
        partial_type(RecordingInterface(), width=100, height=40)
    assert str(partial_error.value) == str(stock_error.value)
