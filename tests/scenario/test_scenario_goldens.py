"""Every scenario in tests/scenarios prints exactly its golden output.

Each ``NAME.txt`` has its full expected output beside it, ``NAME.expected.jsonl``: every
state, screen, sound, checkpoint and row, in order, at its time. It is played the way a
person plays it, through the command's own entry point (``unslump scenario NAME.txt``), in
UTC (a scenario that names its zone on its start line is played in that zone) and with
no config but the one named here, so the machine's own ``/etc/unslump`` or ``~/.config``
cannot leak in. In this process rather than a fresh interpreter: mutation testing then
sees which core functions each scenario reaches, and a loaded machine cannot time out a
child process.

A change of behaviour shows up here as the lines it changes. When it is meant, rewrite
the goldens with ``UNSLUMP_REGEN_GOLDEN=1`` and read every changed line before committing
(tests/support/golden.py).
"""

import time

import pytest

from tests.support.golden import assert_matches_golden_lines
from tests.support.paths import TESTS
from unslump.cli.main import main

SCENARIOS = TESTS / "scenarios"
GOLDEN_SUFFIX = ".expected.jsonl"
CONFIGS = {"reach-and-rest": TESTS / "routines" / "reach-and-rest-config.toml"}
"""The scenarios played with a config of their own; every other one has the defaults."""


def scenario_names() -> list[str]:
    return sorted(path.stem for path in SCENARIOS.glob("*.txt"))


@pytest.fixture
def in_utc(monkeypatch):
    """The process's local zone is UTC for the test, and what it was afterwards."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("name", scenario_names())
def test_scenario_output_matches_its_golden_line_by_line(name, tmp_path, in_utc, capsys):
    defaults = tmp_path / "defaults.toml"
    defaults.write_text("# the built-in defaults\n")
    status = main(["scenario", str(SCENARIOS / f"{name}.txt"),
                   "--config", str(CONFIGS.get(name, defaults))])
    printed = capsys.readouterr()
    assert (status, printed.err) == (0, "")
    assert_matches_golden_lines(printed.out, SCENARIOS / f"{name}{GOLDEN_SUFFIX}")


def test_scenario_goldens_each_belong_to_a_scenario():
    goldens = {path.name.removesuffix(GOLDEN_SUFFIX)
               for path in SCENARIOS.glob(f"*{GOLDEN_SUFFIX}")}
    assert goldens - set(scenario_names()) == set()
    assert set(CONFIGS) <= set(scenario_names())
