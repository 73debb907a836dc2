"""Target 4: from the finger leaving the button to the new frame, in real time.

The loop runs ``Runtime.run_forever`` on its own thread, blocked on the event queue as on
the device; this thread plays the person (:class:`PressModel`): the button goes down for
80-200 ms and stays up for at least the debounce time between presses, as a finger does.
A hold opens the stats pages, then every press turns the page, so every release must
produce exactly one new frame. The release edge is stamped just before ``drive_high()``
(a press is decided once the release has settled, ``[button] debounce_ms``), the frame
when the panel's ``display`` is entered: the settle, the core step, rendering and the ACK
tone (the real player process on SDL's dummy driver) are all inside the measured span.
The work after the settle (the span less the debounce) is reported on its own.
"""

from __future__ import annotations

import os
import random
import select
import statistics
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.assembly import assemble, open_panel
from bench.notify import CLOCK
from bench.results import Figure
from unslump.app.assembly import queue_waiter
from unslump.config.file import Config
from unslump.edges.system.sd_notify import Notifier
from unslump.ports import Stop

FRAME_LIMIT_S = 5.0


@dataclass(frozen=True)
class PressModel:
    """How a person presses a button, as (down, up) seconds for each press.

    A finger keeps a tactile button down for 80-200 ms; between two presses it is up for
    at least the debounce time (``[button] debounce_ms``; sooner would be contact bounce
    of the last release, which the device rightly ignores) and rarely longer than a
    quarter of a second when paging. Seeded: every run presses the same way.
    """

    debounce_s: float
    down_s: tuple[float, float] = (0.08, 0.20)
    up_s: tuple[float, float] = (0.10, 0.25)
    seed: int = 24

    def presses(self, count: int) -> Iterator[tuple[float, float]]:
        rng = random.Random(self.seed)
        low = max(self.up_s[0], self.debounce_s)
        high = max(self.up_s[1], low)
        for _ in range(count):
            yield rng.uniform(*self.down_s), rng.uniform(low, high)


def wait_until(at: float) -> None:
    """Let the person's time pass until monotonic ``at`` (a select on nothing times out)."""
    left = at - CLOCK.monotonic()
    if left > 0:
        select.select([], [], [], left)


@dataclass
class FrameStamps:
    """Wraps a panel's ``display`` to note when each frame arrives."""

    panel: Any
    stamps: list[float] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        real = self.panel.display

        def display(image: Any) -> None:
            at = CLOCK.monotonic()
            real(image)
            with self.arrived:
                self.stamps.append(at)
                self.arrived.notify_all()

        self.panel.display = display

    def wait_beyond(self, count: int) -> float:
        """The stamp of frame number ``count`` (0-based), waiting for it if need be."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.stamps) > count, FRAME_LIMIT_S):
                raise TimeoutError(f"frame {count} never came")
            return self.stamps[count]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def loop_thread(db: Path, stamps: FrameStamps, handed: dict[str, Any],
                ready: threading.Event) -> None:
    """The device's loop thread: it owns every part (SQLite refuses other threads)."""
    config = Config()
    with ExitStack() as stack:
        parts = assemble(stack, config, CLOCK, db, Notifier(env={}), stamps.panel)
        parts.start_seated()
        handed["parts"] = parts
        ready.set()
        parts.runtime.run_forever(queue_waiter(parts.events, CLOCK))


def presses(count: int, db: Path) -> dict[str, Any]:
    stamps = FrameStamps(open_panel("dummy", Config()))
    handed: dict[str, Any] = {}
    ready = threading.Event()
    loop = threading.Thread(target=loop_thread, args=(db, stamps, handed, ready),
                            name="loop")
    loop.start()
    if not ready.wait(FRAME_LIMIT_S):
        raise TimeoutError("the loop thread did not start")
    parts = handed["parts"]
    button = parts.factory.pin(parts.config.pins.button)
    model = PressModel(parts.config.button.debounce_s)
    latencies, gaps, extra = [], [], 0
    try:
        seen = len(stamps.stamps)
        button.drive_low()  # held: the stats pages open after hold_s, in real time
        stamps.wait_beyond(seen)
        button.drive_high()
        released = CLOCK.monotonic()
        for down_s, up_s in model.presses(count):
            wait_until(released + up_s)
            pressed = CLOCK.monotonic()
            gaps.append(pressed - released)
            seen = len(stamps.stamps)
            button.drive_low()
            wait_until(pressed + down_s)
            released = CLOCK.monotonic()
            button.drive_high()
            latencies.append(stamps.wait_beyond(seen) - released)
            extra += len(stamps.stamps) - seen - 1
    finally:
        parts.events.put(Stop("bench"))
        loop.join()
    return {"latencies_s": latencies, "gaps_s": gaps, "extra_frames": extra,
            "debounce_s": model.debounce_s}


def run(count: int = 300) -> tuple[list[Figure], dict[str, object]]:
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        got = presses(count, Path(directory) / "log.db")
    ms = [s * 1000 for s in got["latencies_s"]]
    settle_ms = got["debounce_s"] * 1000
    work = [max(0.0, m - settle_ms) for m in ms]
    figures = [
        Figure("latency_p50", f"Latency: finger up to frame, p50 of {count} presses",
               round(percentile(ms, 0.50), 2), "ms", 50, "max",
               f"{settle_ms:.0f} ms settle included"),
        Figure("latency_p99", f"Latency: finger up to frame, p99 of {count} presses",
               round(percentile(ms, 0.99), 2), "ms", 50, "max",
               f"{settle_ms:.0f} ms settle included"),
        Figure("latency_work_p50", "Latency: work after the settle, p50",
               round(percentile(work, 0.50), 2), "ms", 20, "max"),
        Figure("latency_work_p99", "Latency: work after the settle, p99",
               round(percentile(work, 0.99), 2), "ms", 20, "max"),
        Figure("latency_max", "Latency: worst press, finger up to frame", round(max(ms), 2),
               "ms", note="the ACK tone is played after the frame"),
    ]
    summary = {"p50_ms": percentile(ms, 0.5), "p90_ms": percentile(ms, 0.9),
               "p99_ms": percentile(ms, 0.99), "max_ms": max(ms),
               "mean_ms": statistics.fmean(ms), "first_ms": ms[0],
               "work_p99_ms": percentile(work, 0.99), "settle_ms": settle_ms,
               "shortest_gap_ms": min(got["gaps_s"]) * 1000,
               "frames_not_caused_by_a_release": got["extra_frames"]}
    return figures, {"latency": summary}
