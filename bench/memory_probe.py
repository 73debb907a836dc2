"""The memory probe: the service's parts on a fake clock, in an interpreter of their own.

It imports only what the service itself imports (the bench's JSON, subprocess and
platform modules would otherwise be counted as the device's memory); the report is
encoded after the measurements.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

TEN_MINUTES = 600.0
MORNING = datetime(2026, 11, 24, 9, 0)  # outside quiet hours, so the reminder sounds


def rss_kib() -> int:
    """VmRSS of this process, read without importing anything the service does not."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def probe(db: Path) -> dict[str, object]:
    """Run in the probe process: the figures as a JSON-able dict."""
    interpreter_kib = rss_kib()
    from bench.assembly import assemble, open_panel
    from device.clock import FakeClock
    from device.config import Config
    from device.core.effects import Play
    from device.sdnotify import Notifier

    config = Config()
    clock = FakeClock(MORNING)
    first_tone: dict[str, object] = {}
    with ExitStack() as stack:
        parts = assemble(stack, config, clock, db, Notifier(env={}), open_panel("dummy", config))
        real_play = parts.audio.play

        def play(sound: Play) -> None:
            if not first_tone:
                first_tone.update(at_s=clock.monotonic() - origin, tone=str(sound.tone),
                                  pygame_before="pygame" in sys.modules)
                real_play(sound)
                first_tone["pygame_after"] = "pygame" in sys.modules
                first_tone["player_started"] = parts.audio.running
                first_tone["rss_after_kib"] = rss_kib()
            else:
                real_play(sound)

        parts.audio.play = play
        origin = clock.monotonic()
        assembled_kib = rss_kib()
        parts.start_seated()
        parts.run_until(clock, origin + TEN_MINUTES)
        at_ten = {"rss_kib": rss_kib(), "rss_assembled_kib": assembled_kib,
                  "pygame_imported": "pygame" in sys.modules, "modules": len(sys.modules)}
        parts.run_until(clock, origin + 52 * 60)
        return {"interpreter_kib": interpreter_kib, "ten_minutes": at_ten, "first_tone": first_tone,
                "rss_at_52_min_kib": rss_kib(), "pygame_at_52_min": "pygame" in sys.modules}


if __name__ == "__main__":
    report = probe(Path(sys.argv[1]))
    import json

    print(json.dumps(report))
