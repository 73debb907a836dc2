"""The service's parts, wired as ``device.app.run_device`` wires them, without a window.

``unslump run --simulate`` adds a front end (a window or a terminal) whose own wake-ups
would be measured along with the device's; the benchmarks want the device alone. So this
builds exactly the device's adapters from their public classes: gpiozero inputs on
MockFactory pins, a panel (luma's ``dummy``, or the partial SSD1306 on a null bus), the
real pygame audio path, the SQLite log, the systemd notifier and the watchdog pinger.
"""

from __future__ import annotations

import logging
import queue
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpiozero.pins.mock import MockFactory

from device.adapters.audio import PygameAudio
from device.adapters.display import Screen
from device.adapters.inputs import GpioInputs
from device.clock import Clock
from device.config import Config
from device.render import Renderer
from device.runtime import Runtime
from device.sdnotify import Notifier
from device.store.sqlite import SqliteStore
from device.watchdog import WatchdogPinger

log = logging.getLogger("bench")

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
        from device.adapters.partial import PartialSsd1306

        return PartialSsd1306(NullBus(), width=width, height=height)
    raise ValueError(f"panel {kind!r}: use one of {', '.join(PANELS)}")


@dataclass
class Assembly:
    """Handles on the parts, for driving pins and inspecting the panel and audio."""

    config: Config
    factory: MockFactory
    events: queue.SimpleQueue
    inputs: GpioInputs
    screen: Screen
    audio: PygameAudio
    store: SqliteStore
    runtime: Runtime

    def drive_seat(self, occupied: bool) -> None:
        pin = self.factory.pin(self.config.pins.seat)
        contact_is_low = self.config.pins.seat_active == "low"
        (pin.drive_low if occupied == contact_is_low else pin.drive_high)()

    def start_seated(self) -> None:
        """Drive the seat pin to 'occupied' and start from that level (no edge replayed)."""
        self.drive_seat(True)
        while not self.events.empty():
            self.events.get_nowait()
        self.runtime.start(self.inputs.seat_occupied())


def assemble(stack: ExitStack, config: Config, clock: Clock, db: Path, notifier: Notifier,
             panel: Any) -> Assembly:
    """Open every part in ``stack`` (closed in reverse, as in ``run_device``)."""
    events: queue.SimpleQueue = queue.SimpleQueue()
    store = SqliteStore.open(db, logger=log, clock=clock)
    stack.callback(store.close)
    factory = MockFactory()
    inputs = GpioInputs(config.pins, clock, events.put, pin_factory=factory)
    stack.callback(inputs.close)
    screen = Screen(lambda: panel, Renderer(), clock, persist=config.display.persist,
                    logger=log)
    stack.callback(screen.close)
    audio = PygameAudio(clock, config.audio.volume, logger=log)
    stack.callback(audio.close)
    serviced = [audio, store, screen, WatchdogPinger(notifier, clock)]
    runtime = Runtime(config, clock, screen, audio, store, serviced=serviced)
    return Assembly(config, factory, events, inputs, screen, audio, store, runtime)
