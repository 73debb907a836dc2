"""A whole device on mock hardware in virtual time.

The service's own assembly (:func:`unslump.app.assembly.assemble`) with virtual-time edges:
gpiozero devices on MockFactory pins, a luma ``dummy`` panel, a recording audio fake and
a fake clock driving the service's own loop (:class:`unslump.edges.clock.VirtualTime`). Tests,
the scenario runner and the demo all drive the device through this one harness, so what
they exercise is the real input path, the real core and the real loop.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from gpiozero.pins.mock import MockFactory
from luma.core.device import dummy

from unslump.app.assembly import Edges, Parts, assemble
from unslump.app.integrations import AddOn
from unslump.app.loop import Runtime
from unslump.config.file import Config
from unslump.edges.audio.backends import RecordingAudio
from unslump.edges.clock import FakeClock
from unslump.edges.display.oled import Screen
from unslump.edges.inputs.gpio import GpioInputs, drive_mock_seat
from unslump.ports import Observer, QueueItem, Store
from unslump.render import Renderer

T = TypeVar("T")


@dataclass
class VirtualDevice:
    """The device's parts, assembled as in ``unslump run``, with handles to drive them.

    ``parts`` come from :func:`unslump.app.assembly.assemble` (the service's own assembly) with
    virtual-time edges; ``stack`` closes them. The store is the caller's: it outlives a
    power cut and is closed by whoever opened it.
    """

    config: Config
    clock: FakeClock
    factory: MockFactory
    parts: Parts
    origin: float  # monotonic time of t=0
    stack: ExitStack = field(default_factory=ExitStack)

    @classmethod
    def build(cls, config: Config, store: Store, wall_start: datetime | None = None,
              observer: Observer | None = None, seat_occupied: bool = False,
              renderer: Renderer | None = None,
              clock: FakeClock | None = None) -> VirtualDevice:
        clock = clock or FakeClock(wall_start)
        device = cls._assemble(config, store, clock, MockFactory(), observer, renderer,
                               clock.monotonic())
        device._drive_seat(seat_occupied)
        device._discard_queued()  # the level at start is read, not replayed as an edge
        device.runtime.start(device.inputs.seat_occupied())
        return device

    def boot_again(self, store: Store, observer: Observer | None = None,
                   renderer: Renderer | None = None) -> VirtualDevice:
        """A fresh device on the same pins, clock and t=0, after :meth:`cut_power`.

        The pins keep whatever level they were driven to while the power was off, and the
        new device reads them at start, as a Pi does when it boots.
        """
        device = self._keeping_levels(lambda: self._assemble(
            self.config, store, self.clock, self.factory, observer, renderer, self.origin))
        device._discard_queued()
        device.runtime.start(device.inputs.seat_occupied())
        return device

    def cut_power(self) -> None:
        """Die at this instant, as a pulled plug or SIGKILL does: no stop, no final write.

        The log is left exactly as it is (its handle abandoned, not closed); only the pins
        are let go, so that the next boot can claim them.
        """
        self._keeping_levels(self.inputs.close)
        for add_on in self.add_ons:
            add_on.abandon()
        self.stack.pop_all()

    def _keeping_levels(self, change: Callable[[], T]) -> T:
        """Run ``change`` and put the button and seat pins back at their levels after it.

        MockPin resets a pin to its pull whenever a device opens or closes it; a real
        switch held closed keeps the pin low whatever the Pi does.
        """
        pins = [self.factory.pin(self.config.pins.button),
                self.factory.pin(self.config.pins.seat)]
        levels = [pin.state for pin in pins]
        result = change()
        for pin, level in zip(pins, levels, strict=True):
            (pin.drive_high if level else pin.drive_low)()
        return result

    @classmethod
    def _assemble(cls, config: Config, store: Store, clock: FakeClock,
                  factory: MockFactory, observer: Observer | None, renderer: Renderer | None,
                  origin: float) -> VirtualDevice:
        panel = dummy(width=config.display.width, height=config.display.height, mode="1")
        edges = Edges(clock, lambda: panel, pin_factory=factory, store=store,
                      audio=RecordingAudio(clock), renderer=renderer, observer=observer)
        stack = ExitStack()
        parts = assemble(stack, config, edges)
        return cls(config, clock, factory, parts, origin, stack)

    # The parts, by name (tests inspect them).
    @property
    def events(self) -> queue.SimpleQueue[QueueItem]:
        return self.parts.events

    @property
    def inputs(self) -> GpioInputs:
        return self.parts.inputs

    @property
    def screen(self) -> Screen:
        return self.parts.screen

    @property
    def audio(self) -> RecordingAudio:
        audio = self.parts.audio
        assert isinstance(audio, RecordingAudio)
        return audio

    @property
    def store(self) -> Store:
        return self.parts.store

    @property
    def runtime(self) -> Runtime:
        return self.parts.runtime

    @property
    def add_ons(self) -> list[AddOn]:
        return self.parts.add_ons

    @property
    def now(self) -> float:
        """Seconds since t=0."""
        return self.clock.monotonic() - self.origin

    @property
    def panel(self) -> Any:
        """The luma dummy device (its ``image`` is the last frame sent)."""
        return self.screen.device

    def run_until(self, seconds: float) -> None:
        """Let virtual time run to ``seconds`` since t=0, handling everything due."""
        self.parts.run_until(self.clock, self.origin + seconds)

    def run_for(self, seconds: float) -> None:
        self.run_until(self.now + seconds)

    def sit(self) -> None:
        self._drive_seat(True)
        self._settle()

    def stand(self) -> None:
        self._drive_seat(False)
        self._settle()

    def down(self) -> None:
        self.factory.pin(self.config.pins.button).drive_low()
        self._settle()

    def up(self) -> None:
        self.factory.pin(self.config.pins.button).drive_high()
        self._settle()

    def press(self, seconds: float = 0.1) -> None:
        """Down for ``seconds``, up, and on until the release has settled (the debounce
        time), when the core decides the press."""
        self.down()
        self.run_for(seconds)
        self.up()
        button = self.config.button
        settled = self.runtime.state.button.deadline(button.hold_s, button.debounce_s)
        if settled is not None:
            self.parts.run_until(self.clock, settled)

    def hold(self, seconds: float | None = None) -> None:
        self.press(self.config.button.hold_s + 0.5 if seconds is None else seconds)

    def walljump(self, seconds: float) -> None:
        self.clock.jump_wall(seconds)

    def _drive_seat(self, occupied: bool) -> None:
        drive_mock_seat(self.factory, self.config.pins, occupied)

    def _settle(self) -> None:
        """Handle the edges the pins just queued, at this instant."""
        self.parts.run_until(self.clock, self.clock.monotonic())

    def _discard_queued(self) -> None:
        while not self.events.empty():
            self.events.get_nowait()

    def drain(self, timeout_s: float) -> int:
        """Give the add-ons up to ``timeout_s`` real seconds to deliver what is queued
        (the MQTT outbox); returns the rows still waiting."""
        return sum(add_on.drain(timeout_s) for add_on in self.add_ons)

    def close(self) -> None:
        self.stack.close()
