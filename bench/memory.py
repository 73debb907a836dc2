"""Target 2: resident memory after ten virtual minutes seated and idle, and after a tone.
The probe (``bench.memory_probe``) runs in a fresh interpreter and prints JSON.

The probe assembles the service's parts on a fake clock, so ten minutes (and then the
45 minutes to the first reminder) pass in a moment. It enters as ``unslump run`` does (the
command line, the logging, the panel built from ``[display]`` as ``open_luma_device``
builds it: the partial SSD1306 driver): the targets are the service's. The parts alone
(``unslump.app.assembly.assemble`` on luma's dummy panel, with Pillow's FreeType, which only
``unslump run`` leaves out) are reported beside it. pygame must never be in
``sys.modules``: the tone is played by the player process, which the service starts
(for real, on SDL's dummy driver) when the reminder is near.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.results import Figure

ROOT = Path(__file__).resolve().parent.parent


def installed_env() -> dict[str, str]:
    """The probe's environment, with bytecode compiled ahead as an install leaves it.

    pip compiles every module when it installs the service; an interpreter that compiles
    them from source instead (PYTHONDONTWRITEBYTECODE, a read-only tree) keeps the
    compiler's heap, about a MiB more than the service ever holds. The bytecode goes to the
    ``__pycache__`` folders git ignores, as any import would write it.
    """
    env = {key: value for key, value in os.environ.items()
           if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(SDL_AUDIODRIVER="dummy", SDL_VIDEODRIVER="dummy")
    subprocess.run([sys.executable, "-m", "compileall", "-q", "device", "bench"], cwd=ROOT,
                   env=env, check=True)
    return env


def probe(entry: str, env: dict[str, str]) -> dict[str, Any]:
    """One run of the probe in a fresh interpreter, entering as ``entry``."""
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        done = subprocess.run([sys.executable, "-m", "bench.memory_probe",
                               str(Path(directory) / "log.db"), entry], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def run() -> tuple[list[Figure], dict[str, object]]:
    env = installed_env()
    report, parts = probe("service", env), probe("parts", env)
    ten, tone = report["ten_minutes"], report["first_tone"]
    figures = [
        Figure("rss_ten_minutes", "Memory: VmRSS after 10 virtual minutes seated",
               round(ten["rss_kib"] / 1024, 1), "MiB", 28, "max"),
        Figure("pygame_absent", "Memory: pygame never imported by the service",
               bool(not ten["pygame_imported"] and not tone.get("pygame_before", True)
                    and not tone.get("pygame_after", True)
                    and not report.get("pygame_at_52_min", True)), "", True, "max",
               f"first tone {tone.get('tone')} at {tone.get('at_s', 0) / 60:.1f} min, "
               "played by the player process"),
        Figure("rss_after_tone", "Memory: VmRSS of the service after a tone",
               round(tone.get("rss_after_kib", 0) / 1024, 1), "MiB", 28, "max",
               "entered as `unslump run`, the partial SSD1306 built from [display]"),
        Figure("rss_after_tone_parts", "Memory: VmRSS after a tone, the assembly alone",
               round(parts["first_tone"].get("rss_after_kib", 0) / 1024, 1), "MiB",
               note="unslump.app.assembly.assemble on luma's dummy panel, no command line"),
    ]
    return figures, {"memory": report, "memory_parts": parts}
