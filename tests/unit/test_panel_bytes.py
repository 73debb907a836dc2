"""What reaches the OLED: the exact I2C bytes of every driver lane over a scripted day.

The device is assembled as the service assembles it (``unslump.app.assembly.assemble`` with
``open_luma_device``), on MockFactory pins and a fake clock; only ``smbus2.SMBus`` is
replaced, by a bus that hands every write to a model of the controller written from its
datasheet (``tests/support/oled_model.py``). After every event the loop handles, the glass must
agree with the core: dark when ``state.panel`` is off, at its contrast when lit, and
showing exactly the rendered picture of the view on screen.
"""

from __future__ import annotations

import errno
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from gpiozero.pins.mock import MockFactory
from PIL import Image, ImageChops

from tests.support.oled_model import OledController, RecordingBus
from unslump.app.assembly import Edges, Parts, assemble
from unslump.config.file import Config, DisplayConfig
from unslump.core.panel import BRIGHT, DIM
from unslump.edges.clock import FakeClock
from unslump.edges.display.oled import open_luma_device
from unslump.edges.inputs.gpio import drive_mock_seat
from unslump.edges.system.sd_notify import Notifier
from unslump.render import Renderer

MORNING = datetime(2026, 11, 24, 8, 0).astimezone()
LANES = [(kind, partial, rotate) for kind in ("ssd1306", "sh1106")
         for partial in (True, False) for rotate in (0, 2)]


@dataclass
class Board:
    """The panel on the I2C bus: one controller; every open of the bus is a new handle.

    ``unplugged`` makes the bus fail as a loose wire does (no acknowledge), and opening
    it fail as a missing /dev/i2c-N does, until it is plugged back.
    """

    controller: OledController
    unplugged: bool = False
    buses: list[RecordingBus] = field(default_factory=list)

    def open(self, port: int) -> Any:
        if self.unplugged:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory",
                                    f"/dev/i2c-{port}")
        bus = FlakyBus(self)
        self.buses.append(bus)
        return bus

    @property
    def bytes(self) -> int:
        return sum(bus.bytes for bus in self.buses)


class FlakyBus(RecordingBus):
    def __init__(self, board: Board) -> None:
        super().__init__(board.controller)
        self._board = board

    def _write(self, address: int, payload: bytes) -> None:
        if self._board.unplugged:
            raise OSError(errno.EREMOTEIO, "Remote I/O error")
        super()._write(address, payload)


class Day:
    """The assembled device on a modelled panel, checked after every event."""

    def __init__(self, stack: ExitStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 kind: str, partial: bool, rotate: int) -> None:
        import smbus2

        self.board = Board(OledController(kind))
        monkeypatch.setattr(smbus2, "SMBus", self.board.open)
        self.config = replace(Config(), display=DisplayConfig(type=kind, partial=partial,
                                                              rotate=rotate))
        self.clock = FakeClock(MORNING)
        self.origin = self.clock.monotonic()
        self.factory = MockFactory()
        edges = Edges(self.clock, lambda: open_luma_device(self.config.display),
                      pin_factory=self.factory, notifier=Notifier(env={}))
        self.parts: Parts = assemble(stack, self.config, edges, tmp_path / "day.db")
        self.renderer = Renderer()
        self.rotate = rotate
        self.checks = 0
        self.frames_checked = 0
        self.dark_checks = 0
        runtime = self.parts.runtime
        dispatch = runtime.dispatch

        def checked_dispatch(event: Any) -> None:
            dispatch(event)
            self.check()

        runtime.dispatch = checked_dispatch  # type: ignore[method-assign]
        runtime.start(self.parts.inputs.seat_occupied())
        self.check()

    @property
    def state(self) -> Any:
        return self.parts.runtime.state

    def check(self) -> None:
        """The glass agrees with the core (skipped while the panel is unreachable)."""
        if self.parts.screen.device is None:
            return
        self.checks += 1
        glass, panel = self.board.controller, self.state.panel
        assert glass.lit == panel.on, f"glass lit={glass.lit}, core on={panel.on}"
        if not panel.on:
            self.dark_checks += 1
            return
        assert glass.contrast == panel.contrast
        wanted = self.renderer(self.state.shown)
        if self.rotate == 2:
            wanted = wanted.rotate(180)
        shown = glass.picture()
        assert shown is not None
        assert same(shown, wanted), f"glass differs from {self.state.shown}"
        self.frames_checked += 1

    def at(self, minutes: float) -> None:
        self.parts.run_until(self.clock, self.origin + minutes * 60)
        self.check()  # also after adapter housekeeping (a panel found again)

    def seat(self, occupied: bool) -> None:
        drive_mock_seat(self.factory, self.config.pins, occupied)
        self.parts.run_until(self.clock, self.clock.monotonic())

    def button(self, down: bool) -> None:
        pin = self.factory.pin(self.config.pins.button)
        (pin.drive_low if down else pin.drive_high)()
        self.parts.run_until(self.clock, self.clock.monotonic())

    def press(self, minutes: float, held_s: float = 0.1) -> None:
        self.at(minutes)
        self.button(True)
        self.at(minutes + held_s / 60)
        self.button(False)


def same(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


def play_day(day: Day) -> None:
    """Eleven hours: dark and lit, dimmed and woken, a reminder, the stretch, the stats
    pages, a press on a dark panel, and the panel lost and found while lit and while dark."""
    glass = day.board.controller
    day.at(5)
    assert not glass.lit  # an empty seat: dark after two minutes
    day.seat(True)
    day.at(20)
    assert glass.lit and glass.contrast == DIM  # untouched for five minutes
    day.press(21)  # starts the stretch: full contrast again
    assert glass.contrast == BRIGHT
    day.at(40)
    day.at(90)  # the 45-minute reminder came and went unanswered
    day.press(91, held_s=3)  # a hold at the reminder: snooze
    day.press(95, held_s=3)  # a hold in idle: the stats pages
    day.press(95.2)  # next page
    day.at(97)  # back to idle by itself
    day.board.unplugged = True  # a loose wire while lit
    day.press(98)
    day.at(100)
    day.board.unplugged = False
    day.at(102)  # found again within a minute: redrawn at once
    assert day.parts.screen.device is not None
    day.seat(False)
    day.at(130)
    assert not glass.lit
    day.press(131)  # a press on a dark panel wakes it only
    assert glass.lit and day.state.name == "away"
    day.at(140)
    assert not glass.lit
    day.board.unplugged = True  # lost while dark ...
    day.at(140.5)
    day.press(141)
    day.at(150)
    day.board.unplugged = False  # ... and found while dark: it must stay dark
    day.at(152)
    assert day.parts.screen.device is not None
    assert not glass.lit
    day.seat(True)
    day.at(400)
    day.seat(False)
    day.at(660)


@pytest.mark.parametrize(("kind", "partial", "rotate"), LANES)
def test_panel_bytes_glass_follows_the_core_all_day(tmp_path, monkeypatch, kind, partial,
                                                      rotate):
    with ExitStack() as stack:
        day = Day(stack, tmp_path, monkeypatch, kind, partial, rotate)
        play_day(day)
        glass = day.board.controller
        kinds = [what for what, _ in glass.log]
        assert kinds.count("off") >= 3 and kinds.count("on") >= 3
        assert ("contrast", DIM) in glass.log and ("contrast", BRIGHT) in glass.log
        assert day.frames_checked > 50 and day.dark_checks > 5
    assert not glass.lit  # closing switches the panel off


def test_panel_bytes_sh1106_starts_at_the_bright_contrast(tmp_path, monkeypatch):
    import smbus2

    board = Board(OledController("sh1106"))
    monkeypatch.setattr(smbus2, "SMBus", board.open)
    device = open_luma_device(DisplayConfig(type="sh1106"))
    assert board.controller.contrast == BRIGHT  # luma's own init leaves 0x7F
    device.cleanup()
