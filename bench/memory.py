"""Target 2: resident memory after ten virtual minutes seated and idle, and when pygame
is imported. The probe (``bench.memory_probe``) runs in a fresh interpreter and prints JSON.

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
from pathlib import Path

from bench.results import Figure

ROOT = Path(__file__).resolve().parent.parent


def run() -> tuple[list[Figure], dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        env = dict(os.environ, SDL_AUDIODRIVER="dummy", SDL_VIDEODRIVER="dummy")
        done = subprocess.run([sys.executable, "-m", "bench.memory_probe", str(Path(directory) /
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
