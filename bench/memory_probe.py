"""The memory probe: the service's parts on a fake clock, in an interpreter of their own.

It imports only what the service itself imports (the bench's JSON, subprocess and
platform modules would otherwise be counted as the device's memory); the report is
encoded after the measurements.

``service`` (the default) enters as ``unslump run`` does: what the service leaves out is
left out first (``keep_service_lean``), the command line is built and parsed and logging
set up (``unslump.cli.main``), and the panel is opened the way
``open_luma_device`` opens it (``[display]`` picks the partial SSD1306 driver), on a bus
that only counts bytes since there is no I2C here. ``parts``
assembles the device alone (``unslump.app.assembly.assemble``), as the probe did before: the two
figures side by side say what the entry costs.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

TEN_MINUTES = 600.0
MORNING = datetime(2026, 11, 24, 9, 0)  # outside quiet hours, so the reminder sounds


def rss_kib() -> int:
    """VmRSS of this process, read without importing anything the service does not."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


ENTRIES = ("service", "parts")


def enter_as_service() -> None:
    """What ``unslump run`` does before ``run_device``: the command line, the logging and
    ``cmd_run``'s first step."""
    from unslump.edges.system.lean_imports import keep_service_lean

    keep_service_lean()  # as main() does first for `run`
    from unslump.cli.main import build_parser
    from unslump.edges.system.journal import configure_logging

    build_parser(["run"]).parse_args(["run"])
    configure_logging(env={})


def open_service_panel(config: Any) -> Any:
    """The panel as ``unslump.edges.display.oled.open_luma_device`` builds it, on a null bus."""
    from bench.assembly import NullBus
    from unslump.edges.display.oled import create_driver

    return create_driver(config.display, NullBus())


def probe(db: Path, entry: str = "service") -> dict[str, object]:
    """Run in the probe process: the figures as a JSON-able dict."""
    interpreter_kib = rss_kib()
    if entry == "service":
        enter_as_service()
    from bench.assembly import assemble, open_panel
    from unslump.config.file import Config
    from unslump.core.effects import Play
    from unslump.edges.clock import FakeClock
    from unslump.edges.system.sd_notify import Notifier

    config = Config()
    panel = open_service_panel(config) if entry == "service" else open_panel("dummy", config)
    clock = FakeClock(MORNING)
    first_tone: dict[str, object] = {}
    with ExitStack() as stack:
        parts = assemble(stack, config, clock, db, Notifier(env={}), panel)
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
        return {"entry": entry, "interpreter_kib": interpreter_kib, "ten_minutes": at_ten,
                "first_tone": first_tone, "rss_at_52_min_kib": rss_kib(),
                "pygame_at_52_min": "pygame" in sys.modules}


if __name__ == "__main__":
    report = probe(Path(sys.argv[1]), *sys.argv[2:3])
    import json

    print(json.dumps(report))
