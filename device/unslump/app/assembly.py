"""Assembling the device: real or simulated parts, one ExitStack, one loop.

Every adapter is opened here and registered for closing in reverse order, so however the
loop ends (a signal, ``q`` in the simulator, an error) the panel is blanked, the audio
device released, the pins freed and the log closed last, after the stop is recorded.
"""

from __future__ import annotations

import logging
import queue
import signal
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from unslump.app.gpio_retry import wait_until_gpio_loads
from unslump.app.integrations import (
    AddOn,
    Wiring,
    keep_paho_lean,
    open_add_ons,
    outbox_cap,
    with_saved_settings,
)
from unslump.app.loop import Runtime
from unslump.config.file import Config
from unslump.core.records import Variant
from unslump.core.routine import breath_plays, opening_tone, plan_routine, plan_walk
from unslump.core.tones import Tone
from unslump.edges.audio.backends import make_audio
from unslump.edges.clock import FakeClock, SystemClock, VirtualTime
from unslump.edges.display.oled import PanelOpener, Screen, open_luma_device
from unslump.edges.inputs.gpio import GpioInputs
from unslump.edges.store.paths import chosen_db_path, simulator_db_path
from unslump.edges.store.sqlite import SqliteStore
from unslump.edges.system.heap_trim import trim_heap
from unslump.edges.system.sd_notify import Notifier
from unslump.edges.system.watchdog import WatchdogPinger
from unslump.ports import Audio, Clock, Observer, QueueItem, Serviced, Stop, Store, Waiter
from unslump.render import Renderer, panel_canvas

log = logging.getLogger(__name__)


def queue_waiter(events: queue.SimpleQueue[QueueItem], clock: Clock) -> Waiter:
    """The device's wait: block on the event queue until an input or the deadline."""

    def wait(until: float | None) -> QueueItem | None:
        timeout = None if until is None else max(0.0, until - clock.monotonic())
        try:
            return events.get(timeout=timeout)
        except queue.Empty:
            return None

    return wait


def stop_on_signals(events: queue.SimpleQueue[QueueItem]) -> None:
    """SIGTERM and SIGINT put a Stop on the queue; the loop ends cleanly on its own thread."""

    def handler(signum: int, frame: FrameType | None) -> None:
        events.put(Stop(signal.Signals(signum).name))

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)


@dataclass(frozen=True)
class Edges:
    """The parts that differ between the Pi, the simulator, the benchmarks and virtual
    time; everything else :func:`assemble` builds the same way for all of them.

    ``pin_factory`` None is gpiozero's own choice (the Pi's pins). ``store`` and ``audio``
    None are the real ones: the SQLite log at the path given to :func:`assemble` and the
    ``[audio]`` backend; tests and scenarios pass a store they inspect and a recording
    audio fake. ``notifier`` None means no service manager is watching (no watchdog).
    """

    clock: Clock
    open_panel: PanelOpener
    pin_factory: Any = None
    notifier: Notifier | None = None
    store: Store | None = None
    audio: Audio | None = None
    renderer: Renderer | None = None
    observer: Observer | None = None


@dataclass
class Parts:
    """The assembled device: the loop and the parts it drives."""

    events: queue.SimpleQueue[QueueItem]
    inputs: GpioInputs
    screen: Screen
    audio: Audio
    store: Store
    runtime: Runtime
    add_ons: list[AddOn]

    def run_until(self, clock: FakeClock, until: float) -> str:
        """Virtual time: the same loop as the service's, on ``clock``, to monotonic
        ``until`` (everything queued and everything due by then is handled)."""
        return self.runtime.run_forever(VirtualTime(clock, self.events).until(until))


def assemble(stack: ExitStack, config: Config, edges: Edges, db: Path | None = None, *,
             events: queue.SimpleQueue[QueueItem] | None = None) -> Parts:
    """Open every part in ``stack`` (closed in reverse: the log last) and wire the loop.

    The one place a :class:`Runtime` is built: the service, the simulator, the scenario
    runner, the demo and the benchmarks all come through here with their own ``edges``.
    """
    events = queue.SimpleQueue() if events is None else events
    clock = edges.clock
    store = edges.store
    if db is None and (store is None or edges.audio is None):
        raise ValueError("assemble() needs the log's path for a real store or audio")
    if store is None:
        assert db is not None
        sqlite = SqliteStore.open(db, logger=log, clock=clock, outbox_cap=outbox_cap(config))
        stack.callback(sqlite.close)
        store = sqlite
    config = with_saved_settings(config, store)
    inputs = GpioInputs(config.pins, clock, events.put, pin_factory=edges.pin_factory)
    stack.callback(inputs.close)
    renderer = edges.renderer or Renderer(canvas=panel_canvas(config))
    screen = Screen(edges.open_panel, renderer, clock,
                    persist=config.display.persist, logger=log)
    stack.callback(screen.close)
    audio = edges.audio or _open_audio(config, clock, edges.pin_factory, (db or Path()).parent)
    stack.callback(audio.close)
    add_ons = open_add_ons(stack, Wiring(config, clock, events.put, store))
    serviced: list[Serviced] = [audio, store, screen, *add_ons]
    if edges.notifier is not None:
        serviced.append(WatchdogPinger(edges.notifier, clock))
    runtime = Runtime(config, clock, screen, audio, store, serviced=serviced,
                      observer=edges.observer, sinks=add_ons, watchers=add_ons)
    return Parts(events, inputs, screen, audio, store, runtime, add_ons)


def _open_audio(config: Config, clock: Clock, pin_factory: Any, state_dir: Path) -> Audio:
    """The ``[audio]`` backend, with its spoken phrases rendered first if voice is on."""
    phrases: Mapping[str, Path] = {}
    if config.audio.voice and config.audio.backend == "pygame":
        # Rendered once, here, before the loop runs: never during a routine. Imported only
        # when asked for: the service stays small without it.
        from unslump.edges.audio.voice import prepare_voice

        phrases = prepare_voice(state_dir / "voice", config.audio.voice_name, clock, log,
                                config.routines)
    return make_audio(config.audio, clock, log, buzzer_pin=config.pins.buzzer,
                      pin_factory=pin_factory,
                      breaths=breath_plays(config.routines.stretch, config.routine),
                      phrases=phrases, sound_cache=state_dir / "sounds",
                      first_cues=press_tones(config))


def press_tones(config: Config) -> tuple[Tone, ...]:
    """The sounds a press can start with: the safety notice's (``Tone.PHASE``), and the
    first cue of the stretch (seated or standing) and of the standing break."""
    plans = [plan_routine(config.routines.stretch, config.routine, variant)
             for variant in Variant]
    plans.append(plan_walk(config.routines.walk))
    opening = [tone for plan in plans if (tone := opening_tone(plan)) is not None]
    return tuple(dict.fromkeys([Tone.PHASE, *opening]))


class StandIn(Protocol):
    """What stands in for the Pi's panel and pins off the Pi (the simulator's window or
    terminal): a luma-like panel, the mock pin factory its keys drive, and the loop's wait,
    which reads the keys too. The entry point that wants one builds it (``run --simulate``),
    so the assembly never imports the simulator."""

    @property
    def device(self) -> Any: ...

    @property
    def pin_factory(self) -> Any: ...

    def wait(self, end: float | None) -> QueueItem | None: ...

    def close(self) -> None: ...


OpenStandIn = Callable[[Config, Clock, "queue.SimpleQueue[QueueItem]"], StandIn]


def run_device(config: Config, *, stand_in: OpenStandIn | None = None,
               db: str | None = None) -> str:
    """Run until stopped; returns why the loop ended. With ``stand_in`` the device runs on
    the panel and pins it opens (the simulator), else on the Pi's own."""
    keep_paho_lean(config)  # this process is the service: before paho loads
    clock = SystemClock()
    with ExitStack() as stack:
        notifier = stack.enter_context(Notifier())
        events: queue.SimpleQueue[QueueItem] = queue.SimpleQueue()
        wait: Waiter
        if stand_in is not None:
            hardware = stand_in(config, clock, events)
            stack.callback(hardware.close)
            simulated = hardware.device
            open_panel, wait, pin_factory = (lambda: simulated), hardware.wait, hardware.pin_factory
            log.info("simulator: its own break log is %s (unslump stats --sim reads it)",
                     simulator_db_path(db))
        else:
            open_panel, wait, pin_factory = (lambda: open_luma_device(config.display),
                                             queue_waiter(events, clock), None)
            # No GPIO library: stay up, say so, retry (device/unslump/app/gpio_retry.py).
            stop_on_signals(events)
            stopped = wait_until_gpio_loads(config, clock, notifier, wait, open_panel,
                                            chosen_db_path(db, config.store.path))
            if stopped is not None:
                return stopped
        edges = Edges(clock, open_panel, pin_factory=pin_factory, notifier=notifier)
        db_path = (chosen_db_path(db, config.store.path) if stand_in is None
                   else simulator_db_path(db))
        parts = assemble(stack, config, edges, db_path, events=events)
        runtime = parts.runtime
        stop_on_signals(events)
        runtime.start(parts.inputs.seat_occupied())
        trim_heap()
        notifier.ready()
        log.info("unslump running (%s)", "device" if stand_in is None
                 else f"simulator, its own log {db_path}")
        reason = runtime.run_forever(wait)
        notifier.stopping()
        log.info("stopping: %s", reason)
        runtime.stop(reason)
    return reason
