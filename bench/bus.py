"""Target 5: bytes on the display bus, stock luma driver against the partial one.

The frames are the ones the device really draws: a virtual device records every image
its renderer hands the panel, for one full guided routine (from the press to the return
to idle) and for one seated idle hour (the reminder and its chimes included). The same
frames then go to the stock and the partial driver, each on a counting serial interface.

Bytes are counted two ways: payload (command and data bytes, what luma hands the
interface) and I2C wire bytes as luma's managed smbus2 path sends them (address and
control byte per transaction, data in one transaction per ``data()`` call up to 4 KiB).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from luma.oled.device import sh1106, ssd1306
from PIL import Image

from bench.results import Figure
from unslump.config.file import Config
from unslump.core.records import NoticeAnswer, NoticeRecord
from unslump.core.routine import routine_total_s
from unslump.edges.display.page_diff import PartialSh1106, PartialSsd1306
from unslump.edges.store.memory import MemoryStore
from unslump.render import Renderer
from unslump.sim.scenario.harness import VirtualDevice

MORNING = datetime(2026, 11, 24, 9, 0)
I2C_BLOCK = 4096  # luma's managed i2c sends data in blocks this big
I2C_HZ = 400_000
BITS_PER_BYTE = 9  # eight data bits and the acknowledge


class CountingBus:
    """A luma serial interface that counts payload bytes and I2C transactions."""

    def __init__(self) -> None:
        self.payload = 0
        self.transactions = 0

    def command(self, *cmd: int) -> None:
        self.payload += len(cmd)
        self.transactions += 1

    def data(self, data: Any) -> None:
        self.payload += len(data)
        self.transactions += -(-len(data) // I2C_BLOCK)

    def cleanup(self) -> None:
        pass

    @property
    def wire(self) -> int:
        """Bytes on the I2C wire: each transaction adds the address and a control byte."""
        return self.payload + 2 * self.transactions

    def reset(self) -> None:
        self.payload = self.transactions = 0


class RecordingRenderer(Renderer):
    """The device's renderer, keeping a copy of every frame while ``recording``."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[Image.Image] = []
        self.last: Image.Image | None = None
        self.before: Image.Image | None = None  # on the panel when the span began
        self.recording = False

    def __call__(self, view: Any) -> Image.Image:
        image = super().__call__(view)
        self.last = image.copy()
        if self.recording:
            self.frames.append(self.last)
        return image


def record(drive: Callable[[VirtualDevice, RecordingRenderer], None],
           store: MemoryStore | None = None) -> tuple[Image.Image | None, list[Image.Image]]:
    """The frame on the panel before recording began, and every frame drawn after.

    The device is one past its first stretch (the safety notice answered), as on any
    ordinary day: the traffic measured is the daily one.
    """
    store = MemoryStore() if store is None else store
    wall_start = MORNING.astimezone()
    if store.notice_answer() is None:
        store.append(NoticeRecord(wall_start, NoticeAnswer.UNDERSTOOD))
    renderer = RecordingRenderer()
    device = VirtualDevice.build(Config(), store, wall_start=wall_start, renderer=renderer)
    try:
        drive(device, renderer)
    finally:
        device.close()
        renderer.recording = False
    return renderer.before, renderer.frames


def routine(device: VirtualDevice, renderer: RecordingRenderer) -> None:
    """Seated ten minutes, then one press and the whole routine, back to the idle screen."""
    device.sit()
    device.run_until(10 * 60)
    renderer.before = renderer.last
    renderer.recording = True
    device.press()
    config = Config()
    device.run_for(routine_total_s(config.routines.stretch, config.routine) + 10)


def idle_hour(device: VirtualDevice, renderer: RecordingRenderer) -> None:
    """Sitting down and staying an hour (the reminder at 45 minutes and its chimes)."""
    renderer.before = None
    renderer.recording = True
    device.sit()
    device.run_until(3600)


def count(driver: type, before: Image.Image | None, frames: list[Image.Image]) -> CountingBus:
    bus = CountingBus()
    device = driver(bus)
    if before is not None:
        device.display(before)  # what the panel already shows is not this span's traffic
    bus.reset()
    for frame in frames:
        device.display(frame)
    return bus


def compare(name: str, before: Image.Image | None, frames: list[Image.Image]) -> dict[str, Any]:
    result: dict[str, Any] = {"frames": len(frames)}
    for panel, stock, partial in (("ssd1306", ssd1306, PartialSsd1306),
                                  ("sh1106", sh1106, PartialSh1106)):
        full, part = count(stock, before, frames), count(partial, before, frames)
        result[panel] = {
            "stock_payload": full.payload, "partial_payload": part.payload,
            "stock_wire": full.wire, "partial_wire": part.wire,
            "ratio_payload": full.payload / max(1, part.payload),
            "ratio_wire": full.wire / max(1, part.wire),
            "stock_bus_s_400khz": full.wire * BITS_PER_BYTE / I2C_HZ,
            "partial_bus_s_400khz": part.wire * BITS_PER_BYTE / I2C_HZ,
        }
    return result


def run() -> tuple[list[Figure], dict[str, object]]:
    spans = {"routine": compare("routine", *record(routine)),
             "idle_hour": compare("idle hour", *record(idle_hour))}
    figures = []
    for span, label in (("routine", "one full routine"), ("idle_hour", "one idle hour")):
        for panel in ("ssd1306", "sh1106"):
            got = spans[span][panel]
            figures.append(Figure(
                f"bus_{span}_{panel}", f"Bus: {label}, {panel}, stock / partial bytes",
                round(got["ratio_wire"], 1), "x", 10, "min",
                f"{got['stock_wire']} / {got['partial_wire']} B on the wire, "
                f"{spans[span]['frames']} frames"))
    return figures, {"bus": spans}
