"""Target 2: resident memory after ten virtual minutes seated and idle, and when pygame
is imported. ``python -m bench.memory`` runs in a fresh interpreter and prints JSON.

The probe assembles the service's parts on a fake clock, so ten minutes (and then the
45 minutes to the first reminder) pass in a moment. Whether pygame is in ``sys.modules``
is checked at the moment the first tone is asked for: before that call it must be
absent (it costs megabytes and start-up time), right after it present.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

from bench.results import Figure

ROOT = Path(__file__).resolve().parent.parent
TEN_MINUTES = 600.0
MORNING = datetime(2026, 11, 24, 9, 0)  # outside quiet hours, so the reminder sounds


def rss_kib() -> int:
    from bench.proc import rss_kib as read

    return read(os.getpid())


def probe(db: Path) -> dict[str, object]:
    """Run in the probe process: the figures as a JSON-able dict."""
    interpreter_kib = rss_kib()
    from bench.assembly import assemble, open_panel
    from device.clock import FakeClock
    from device.config import Config
    from device.core.tones import Tone
    from device.sdnotify import Notifier

    config = Config()
    clock = FakeClock(MORNING)
    first_tone: dict[str, object] = {}
    with ExitStack() as stack:
        parts = assemble(stack, config, clock, db, Notifier(env={}), open_panel("dummy", config))
        real_play = parts.audio.play

        def play(tone: Tone) -> None:
            if not first_tone:
                first_tone.update(at_s=clock.monotonic() - origin, tone=str(tone),
                                  pygame_before="pygame" in sys.modules)
                real_play(tone)
                first_tone["pygame_after"] = "pygame" in sys.modules
                first_tone["rss_after_kib"] = rss_kib()
            else:
                real_play(tone)

        parts.audio.play = play  # type: ignore[method-assign]
        origin = clock.monotonic()
        assembled_kib = rss_kib()
        parts.start_seated()
        parts.runtime.run_until(origin + TEN_MINUTES, clock, parts.events)
        at_ten = {"rss_kib": rss_kib(), "rss_assembled_kib": assembled_kib,
                  "pygame_imported": "pygame" in sys.modules, "modules": len(sys.modules)}
        parts.runtime.run_until(origin + 52 * 60, clock, parts.events)
        return {"interpreter_kib": interpreter_kib, "ten_minutes": at_ten, "first_tone": first_tone,
                "mixer_open_at_52_min": parts.audio.is_open}


def run() -> tuple[list[Figure], dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        env = dict(os.environ, SDL_AUDIODRIVER="dummy", SDL_VIDEODRIVER="dummy")
        done = subprocess.run([sys.executable, "-m", "bench.memory", str(Path(directory) /
                              "log.db")], cwd=ROOT, env=env, capture_output=True, text=True,
                              check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    ten, tone = report["ten_minutes"], report["first_tone"]
    figures = [
        Figure("rss_ten_minutes", "Memory: VmRSS after 10 virtual minutes seated",
               round(ten["rss_kib"] / 1024, 1), "MiB", 30, "max"),
        Figure("pygame_lazy", "Memory: pygame absent until the first tone is due",
               bool(not ten["pygame_imported"] and not tone.get("pygame_before", True)
                    and tone.get("pygame_after", False)), "", True, "max",
               f"first tone {tone.get('tone')} at {tone.get('at_s', 0) / 60:.1f} min"),
        Figure("rss_after_tone", "Memory: VmRSS once pygame has played",
               round(tone.get("rss_after_kib", 0) / 1024, 1), "MiB"),
    ]
    return figures, {"memory": report}


if __name__ == "__main__":
    print(json.dumps(probe(Path(sys.argv[1]))))
