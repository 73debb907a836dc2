"""Assembling the device: real or simulated parts, one ExitStack, one loop.

Every adapter is opened here and registered for closing in reverse order, so however the
loop ends (a signal, ``q`` in the simulator, an error) the panel is blanked, the audio
device released, the pins freed and the log closed last, after the stop is recorded.
"""

from __future__ import annotations

import logging
import queue
import signal
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from device.adapters.audio import Audio, make_audio
from device.adapters.display import PanelOpener, Screen, open_luma_device
from device.adapters.inputs import GpioInputs
from device.addons import AddOn, Wiring, open_add_ons, outbox_cap
from device.clock import Clock, SystemClock
from device.config import Config
from device.core.routine import breath_plays
from device.gpio_wait import wait_until_gpio_loads
from device.heap import trim_heap
from device.render import Renderer
from device.runtime import QueueItem, Runtime, Stop, Waiter
from device.sdnotify import Notifier
from device.store.paths import chosen_db_path
from device.store.sqlite import SqliteStore
from device.watchdog import WatchdogPinger

log = logging.getLogger(__name__)


def queue_waiter(events: queue.SimpleQueue) -> Waiter:
    """The device's wait: block on the event queue until an input or the timeout."""

    def wait(timeout: float | None) -> QueueItem | None:
        try:
            return events.get(timeout=timeout)
        except queue.Empty:
            return None

    return wait


def stop_on_signals(events: queue.SimpleQueue) -> None:
    """SIGTERM and SIGINT put a Stop on the queue; the loop ends cleanly on its own thread."""

    def handler(signum: int, frame: FrameType | None) -> None:
        events.put(Stop(signal.Signals(signum).name))

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)


@dataclass
class Parts:
    """The assembled device: the loop and the adapters it drives."""

    events: queue.SimpleQueue
    inputs: GpioInputs
    screen: Screen
    audio: Audio
    store: SqliteStore
    runtime: Runtime
    add_ons: list[AddOn]


def assemble(stack: ExitStack, config: Config, clock: Clock, db: Path, *,
             open_panel: PanelOpener, pin_factory: Any, notifier: Notifier,
             events: queue.SimpleQueue | None = None) -> Parts:
    """Open every adapter in ``stack`` (closed in reverse: the log last) and wire the loop.

    The device, the simulator and the benchmarks differ only in the panel and the pins.
    """
    events = queue.SimpleQueue() if events is None else events
    store = SqliteStore.open(db, logger=log, clock=clock, outbox_cap=outbox_cap(config))
    stack.callback(store.close)
    inputs = GpioInputs(config.pins, clock, events.put, pin_factory=pin_factory)
    stack.callback(inputs.close)
    screen = Screen(open_panel, Renderer(), clock, persist=config.display.persist, logger=log)
    stack.callback(screen.close)
    phrases = {}
    if config.audio.voice and config.audio.backend == "pygame":
        # Rendered once, here, before the loop runs: never during a routine. Imported only
        # when asked for: the service stays small without it.
        from device.adapters.voice import prepare_voice

        phrases = prepare_voice(db.parent / "voice", config.audio.voice_name, clock, log)
    audio = make_audio(config.audio, clock, log, buzzer_pin=config.pins.buzzer,
                       pin_factory=pin_factory, breaths=breath_plays(config.routine),
                       phrases=phrases, sound_cache=db.parent / "sounds")
    stack.callback(audio.close)
    add_ons = open_add_ons(stack, Wiring(config, clock, events.put, store))
    serviced = [audio, store, screen, WatchdogPinger(notifier, clock), *add_ons]
    runtime = Runtime(config, clock, screen, audio, store, serviced=serviced, sinks=add_ons)
    return Parts(events, inputs, screen, audio, store, runtime, add_ons)


def run_device(config: Config, *, simulate: bool, db: str | None = None) -> str:
    """Run until stopped; returns why the loop ended."""
    clock = SystemClock()
    with ExitStack() as stack:
        notifier = stack.enter_context(Notifier())
        events: queue.SimpleQueue = queue.SimpleQueue()
        if simulate:
            from gpiozero.pins.mock import MockFactory

            from device.simulator import SimulatedPins, open_front_end

            factory = MockFactory()
            front_end = open_front_end(config, SimulatedPins(config, factory), clock, events)
            stack.callback(front_end.close)
            simulated = front_end.device
            open_panel, wait, pin_factory = (lambda: simulated), front_end.wait, factory
        else:
            open_panel, wait, pin_factory = (lambda: open_luma_device(config.display),
                                             queue_waiter(events), None)
            # No GPIO library: stay up, say so, retry (device/gpio_wait.py).
            stop_on_signals(events)
            stopped = wait_until_gpio_loads(config, clock, notifier, wait, open_panel,
                                            chosen_db_path(db, config.store.path))
            if stopped is not None:
                return stopped
        parts = assemble(stack, config, clock, chosen_db_path(db, config.store.path),
                         open_panel=open_panel,
                         pin_factory=pin_factory, notifier=notifier, events=events)
        runtime = parts.runtime
        stop_on_signals(events)
        runtime.start(parts.inputs.seat_occupied())
        trim_heap()
        notifier.ready()
        log.info("unslump running (%s)", "simulator" if simulate else "device")
        reason = runtime.run_forever(wait)
        notifier.stopping()
        log.info("stopping: %s", reason)
        runtime.stop(reason)
    return reason
