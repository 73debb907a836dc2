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


def test_mutation_config_runs_every_core_unit_test_file_and_nothing_of_a_whole_day():
    """mutmut runs each reaching test against every survivor of a function: its selection
    is the core's own unit tests (each listed file exists, every test_core_* file is in)."""
    selection = MUTMUT["pytest_add_cli_args_test_selection"]
    for path in selection:
        assert (REPO / path).is_file(), path
        assert path.startswith("tests/unit/"), path
    core_tests = {path.relative_to(REPO).as_posix()
                  for path in (REPO / "tests/unit").glob("test_core_*.py")}
    assert core_tests <= set(selection)
    assert "tests/unit/test_store_queries.py" in selection
    assert "tests/unit/test_routine.py" in selection


def test_mutation_recheck_runs_the_whole_tiers_with_mutmuts_own_arguments():
    from tools.mutation_recheck import mutmut_pytest_args, split_only

    assert split_only([]) == ("*", ["tests/unit", "tests/scenario"])
    assert split_only(["--only", "unslump.core.quiet.*"]) == (
        "unslump.core.quiet.*", ["tests/unit", "tests/scenario"])
    assert split_only(["--only", "x*", "tests/scenario"]) == ("x*", ["tests/scenario"])
    args = mutmut_pytest_args(REPO / "pyproject.toml")
    assert "tools.mutation_cpu_limit" in args
    assert not set(MUTMUT["pytest_add_cli_args_test_selection"]) & set(args)


def test_mutation_recheck_takes_only_the_uncaught_mutants_matching_the_glob():
    from tools.mutation_recheck import names

    lines = ["    unslump.core.quiet.x_a__mutmut_1: survived",
             "    unslump.core.quiet.x_a__mutmut_2: killed",
             "    unslump.core.quiet.x_a__mutmut_3: no tests",
             "    unslump.core.seat.x_b__mutmut_1: survived"]
    assert names(lines) == ["unslump.core.quiet.x_a__mutmut_1", "unslump.core.quiet.x_a__mutmut_3",
                            "unslump.core.seat.x_b__mutmut_1"]
    assert names(lines, "unslump.core.seat.*") == ["unslump.core.seat.x_b__mutmut_1"]


def test_mutation_score_counts_the_recheck_and_says_how_many_were_rechecked():
    from tools.mutation_score import parse, rechecked, score_line

    lines = ["    unslump.core.quiet.x_a__mutmut_1: survived",
             "    unslump.core.quiet.x_a__mutmut_2: killed",
             "    unslump.core.quiet.x_a__mutmut_3: no tests",
             "    unslump.core.seat.x_b__mutmut_1: survived",
             "    unslump.core.quiet.x_a__mutmut_1: killed",
             "    unslump.core.quiet.x_a__mutmut_3: survived"]
    counts = parse(lines)
    assert counts["unslump.core.quiet"] == {"killed": 2, "survived": 1}
    assert rechecked(lines) == {"unslump.core.quiet": 2}
    line = score_line("unslump.core.quiet", counts["unslump.core.quiet"], 2)
    assert "2/3" in line and "66.7%" in line and "2 rechecked" in line


class _Test:
    """A collected test as the order plugin sees it: only its id."""

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


def test_mutation_order_runs_the_cheapest_timed_tests_first_and_untimed_last_in_order():
    from tools.mutation_test_order import cheapest_first

    items = [_Test(name) for name in ("slow", "new_a", "fast", "middle", "new_b")]
    cheapest_first(items, {"slow": 1.5, "fast": 0.01, "middle": 0.2})
    assert [item.nodeid for item in items] == ["fast", "middle", "slow", "new_a", "new_b"]


def test_mutation_order_reads_mutmuts_durations_and_none_without_its_stats(tmp_path):
    from tools.mutation_test_order import recorded_durations

    stats = tmp_path / "mutmut-stats.json"
    assert recorded_durations(stats) == {}
    stats.write_text('{"duration_by_test": {"tests/unit/test_a.py::test_b": 0.25}}')
    assert recorded_durations(stats) == {"tests/unit/test_a.py::test_b": 0.25}
    stats.write_text("{not json")
    assert recorded_durations(stats) == {}


def test_mutation_config_loads_the_cpu_limit_and_the_cheapest_first_order():
    args = MUTMUT["pytest_add_cli_args"]
    plugins = [args[i + 1] for i, arg in enumerate(args) if arg == "-p"]
    assert {"tools.mutation_cpu_limit", "tools.mutation_test_order"} <= set(plugins)
