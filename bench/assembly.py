"""The service's parts, wired as ``unslump.app.assembly.run_device`` wires them, without a window.

``unslump run --simulate`` adds a front end (a window or a terminal) whose own wake-ups
would be measured along with the device's; the benchmarks want the device alone. So this
uses the device's own assembly (``unslump.app.assembly.assemble``) with MockFactory pins and a panel
of its choice (luma's ``dummy``, or the partial SSD1306 on a null bus); the audio path,
the SQLite log, the notifier and the watchdog pinger are the real ones.
"""

from __future__ import annotations

import queue
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpiozero.pins.mock import MockFactory

from unslump.app.assembly import Edges, Parts
from unslump.app.assembly import assemble as assemble_device
from unslump.app.loop import Runtime
from unslump.config.file import Config
from unslump.edges.clock import FakeClock
from unslump.edges.inputs.gpio import drive_mock_seat
from unslump.edges.system.heap_trim import trim_heap
from unslump.edges.system.sd_notify import Notifier
from unslump.ports import Audio, Clock, QueueItem

PANELS = ("dummy", "partial")


class NullBus:
    """A luma serial interface that only counts bytes: a panel on no wire."""

    def __init__(self) -> None:
        self.bytes = 0

    def command(self, *cmd: int) -> None:
        self.bytes += len(cmd)

    def data(self, data: Any) -> None:
        self.bytes += len(data)

    def cleanup(self) -> None:
        pass


def open_panel(kind: str, config: Config) -> Any:
    """``dummy``: luma's in-memory device; ``partial``: our SSD1306 driver on a null bus."""
    width, height = config.display.width, config.display.height
    if kind == "dummy":
        from luma.core.device import dummy

        return dummy(width=width, height=height, mode="1")
    if kind == "partial":
        from unslump.edges.display.page_diff import PartialSsd1306

        return PartialSsd1306(NullBus(), width=width, height=height)
    raise ValueError(f"panel {kind!r}: use one of {', '.join(PANELS)}")


@dataclass
class Assembly:
    """The device's own parts (``unslump.app.assembly.assemble``) plus the mock pins that
    drive them."""

    config: Config
    factory: MockFactory
    parts: Parts

    @property
    def events(self) -> queue.SimpleQueue[QueueItem]:
        return self.parts.events

    @property
    def runtime(self) -> Runtime:
        return self.parts.runtime

    @property
    def audio(self) -> Any:
        return self.parts.audio

    def drive_seat(self, occupied: bool) -> None:
        drive_mock_seat(self.factory, self.config.pins, occupied)

    def start_seated(self) -> None:
        """Drive the seat pin to 'occupied' and start from that level (no edge replayed)."""
        self.drive_seat(True)
        while not self.events.empty():
            self.events.get_nowait()
        self.runtime.start(self.parts.inputs.seat_occupied())
        trim_heap()  # as run_device does once started

    def run_until(self, clock: FakeClock, until: float) -> None:
        """Virtual time: the device's own loop, run on ``clock`` to monotonic ``until``."""
        self.parts.run_until(clock, until)


def assemble(stack: ExitStack, config: Config, clock: Clock, db: Path, notifier: Notifier,
             panel: Any, audio: Audio | None = None) -> Assembly:
    """The device as ``unslump run`` assembles it, on mock pins and the given panel
    (``audio``: in place of the ``[audio]`` backend as configured)."""
    factory = MockFactory()
    edges = Edges(clock, lambda: panel, pin_factory=factory, notifier=notifier, audio=audio)
    parts = assemble_device(stack, config, edges, db)
    return Assembly(config, factory, parts)
