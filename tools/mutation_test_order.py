"""Run a mutant's tests cheapest first (``make mutate``, a pytest plugin).

mutmut runs every test that reached a mutated function, with ``-x``: the first failing
test ends the run and the mutant counts as killed. It hands them over in the order of a
Python set, so a mutant in the routine often began with the stretch-long tests (a second
or more each under the trampoline) while a 10 ms test that fails on it waited at the
end. The durations mutmut measured in its stats run are in ``mutmut-stats.json`` in the
directory the tests run in; this plugin sorts the collected tests by them, cheapest
first, so a killed mutant costs about its cheapest failing test. A survivor still runs
every test, and no test is left out, so no verdict changes, only the time to reach it.

Tests the stats never timed (a recheck's wider tiers) keep their order, after the timed
ones. Loaded with ``-p tools.mutation_test_order`` from ``[tool.mutmut]
pytest_add_cli_args``; it sorts only while a mutant is switched on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from tools.mutation_cpu_limit import mutant_switched_on

STATS_FILE = Path("mutmut-stats.json")
"""mutmut's stats, relative to the directory it runs the tests in (``mutants/``)."""


def recorded_durations(stats_file: Path = STATS_FILE) -> dict[str, float]:
    """Seconds per test id from mutmut's stats run; empty if there is none yet."""
    try:
        stats = json.loads(stats_file.read_text())
    except (OSError, ValueError):
        return {}
    durations = stats.get("duration_by_test", {}) if isinstance(stats, dict) else {}
    return {str(test): float(seconds) for test, seconds in durations.items()}


def cheapest_first(items: list[pytest.Item], durations: Mapping[str, float]) -> None:
    """Sort ``items`` in place by recorded duration; untimed ones last, in their order."""
    untimed = float("inf")
    items.sort(key=lambda item: durations.get(item.nodeid, untimed))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if mutant_switched_on():
        cheapest_first(items, recorded_durations())
