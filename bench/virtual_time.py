"""Target 6: the eight-hour scenario in virtual time, against the eight hours it stands for."""

from __future__ import annotations

import io
import statistics
from pathlib import Path

from bench.notify import CLOCK
from bench.results import Figure
from unslump.config.file import Config
from unslump.edges.store.memory import MemoryStore
from unslump.sim.scenario.runner import run_script
from unslump.sim.scenario.script import parse_script

SCENARIO = Path(__file__).resolve().parent.parent / "tests" / "scenarios" / "eight-hours.txt"


def once() -> tuple[float, float]:
    """(virtual seconds, real seconds) for one play of the scenario."""
    script = parse_script(SCENARIO.read_text(), str(SCENARIO))
    started = CLOCK.monotonic()
    run_script(script, Config(), lambda clock: MemoryStore(), io.StringIO())
    return script.end, CLOCK.monotonic() - started


def run(repeat: int = 3) -> tuple[list[Figure], dict[str, object]]:
    plays = [once() for _ in range(repeat)]
    virtual = plays[0][0]
    real = statistics.median(seconds for _, seconds in plays)
    figures = [Figure("virtual_time_speed", "Virtual time: 8-hour scenario, times real time",
                      round(virtual / real), "x", 10_000, "min",
                      f"{real * 1000:.0f} ms for {virtual / 3600:.0f} h")]
    return figures, {"virtual_time": {"virtual_s": virtual, "real_s": [s for _, s in plays]}}
