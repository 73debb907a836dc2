"""``make mutate``'s own parts: the CPU-time limit per test, and [tool.mutmut] against the
layout (a mutant's name must be the module it mutates, or mutmut tests nothing)."""

import importlib.util
import signal
import time
import tomllib
from fnmatch import fnmatch

import pytest

from tests.support.paths import REPO
from tools.mutation_cpu_limit import CpuLimitExceeded, cpu_limit, mutant_switched_on

MUTMUT = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["mutmut"]


def test_mutation_cpu_limit_stops_a_block_that_spins():
    spun = 0
    with pytest.raises(CpuLimitExceeded), cpu_limit(0.05):
        while True:
            spun += 1
    assert spun > 0


def test_mutation_cpu_limit_leaves_no_timer_or_handler_behind():
    before = signal.getsignal(signal.SIGPROF)
    with cpu_limit(60):
        assert signal.getitimer(signal.ITIMER_PROF)[0] > 0
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) is before


def test_mutation_cpu_limit_counts_cpu_not_waiting():
    with cpu_limit(0.02):
        time.sleep(0.05)  # a test waiting for its turn on a busy machine spends no CPU


@pytest.mark.parametrize(("under_test", "limited"), [
    ("unslump.core.quiet.x_is_quiet__mutmut_3", True),
    ("stats", False), ("fail", False), ("list_all_tests", False), ("", False),
])
def test_mutation_cpu_limit_applies_only_with_a_mutant_switched_on(under_test, limited):
    assert mutant_switched_on({"MUTANT_UNDER_TEST": under_test}) is limited
    assert mutant_switched_on({}) is False


def mutated_files() -> list[str]:
    """The checkout's files [tool.mutmut] mutates; mutmut sees device/ as ``src``."""
    sources = [path.relative_to(REPO).as_posix().replace("device/", "src/", 1)
               for path in (REPO / "device").rglob("*.py")]
    return [path for path in sources if any(fnmatch(path, p) for p in MUTMUT["only_mutate"])]


def test_mutation_config_mutates_the_core_and_the_stats_queries_under_src():
    assert MUTMUT["source_paths"] == ["src"]
    files = mutated_files()
    for pattern in MUTMUT["only_mutate"]:
        assert any(fnmatch(path, pattern) for path in files), f"{pattern} matches no file"
    assert "src/unslump/core/machine.py" in files


def test_mutation_config_names_each_mutant_by_its_import_name():
    """mutmut names a mutant by its path without ``src/`` and switches it on only in the
    module of that name: each must be a module the tests import."""
    for path in mutated_files():
        module = path.removeprefix("src/").removesuffix(".py").replace("/", ".")
        module = module.removesuffix(".__init__")
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None, module
        assert spec.origin.endswith(path.removeprefix("src")), (module, spec.origin)
