"""Target 4: from a button edge to the display call for the new frame, in real time.

The loop runs ``Runtime.run_forever`` on its own thread, blocked on the event queue as on
the device; this thread plays the person. A hold opens the stats pages, then every press
turns the page, so every release must produce exactly one new frame. The release edge is
stamped just before ``drive_high()`` (a press is decided at release), the frame when the
panel's ``display`` is entered: rendering, the core step and the ACK tone (the real player
process on SDL's dummy driver) are all inside the measured span.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
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
    try:
        seen = len(stamps.stamps)
        button.drive_low()  # held: the stats pages open after hold_s, in real time
        stamps.wait_beyond(seen)
        button.drive_high()
        latencies, extra = [], 0
        for _ in range(count):
            seen = len(stamps.stamps)
            button.drive_low()
            released = CLOCK.monotonic()
            button.drive_high()
            latencies.append(stamps.wait_beyond(seen) - released)
            extra += len(stamps.stamps) - seen - 1
    finally:
        parts.events.put(Stop("bench"))
        loop.join()
    return {"latencies_s": latencies, "extra_frames": extra}


def run(count: int = 1000) -> tuple[list[Figure], dict[str, object]]:
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        got = presses(count, Path(directory) / "log.db")
    ms = [s * 1000 for s in got["latencies_s"]]
    figures = [
        Figure("latency_p50", f"Latency: release edge to display call, p50 of {count}",
               round(percentile(ms, 0.50), 3), "ms", 20, "max"),
        Figure("latency_p99", f"Latency: release edge to display call, p99 of {count}",
               round(percentile(ms, 0.99), 3), "ms", 20, "max"),
        Figure("latency_max", "Latency: worst press", round(max(ms), 3), "ms",
               note="the ACK tone is played after the frame"),
    ]
    summary = {"p50_ms": percentile(ms, 0.5), "p90_ms": percentile(ms, 0.9),
               "p99_ms": percentile(ms, 0.99), "max_ms": max(ms),
               "mean_ms": statistics.fmean(ms), "first_ms": ms[0],
               "frames_not_caused_by_a_release": got["extra_frames"]}
    return figures, {"latency": summary}
