"""Run each surviving mutant against a whole test tier, not only the tests mutmut picked.

mutmut runs a mutant against the tests that reached its function while it collected its
stats; code that runs at import time (the config keys' defaults) reaches none, and a test
that only checks an effect far from the function can be left out. This runs every mutant
named on stdin (``mutmut results`` lines, or bare names) in ``./mutants`` with
``MUTANT_UNDER_TEST`` set, against the pytest arguments given (default: mutmut's own
from ``[tool.mutmut]``, the unit and scenario tiers; stopping at the first failure), and
prints one ``name: killed`` or ``name: survived`` line per mutant (the test that caught
it goes to stderr). Fed after mutmut's own results to ``tools/mutation_score.py``, the
later line wins:

    mutmut results | python tools/mutation_recheck.py > out/recheck.txt
    (mutmut results --all true; cat out/recheck.txt) | python tools/mutation_score.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

FIRST_FAILURE = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


UNCAUGHT = frozenset({"", "survived", "no tests"})


def names(lines: Iterable[str]) -> list[str]:
    """The mutants in ``lines`` that nothing caught yet (a bare name counts as one)."""
    found = []
    for line in lines:
        name, _, status = line.strip().partition(": ")
        if "__mutmut_" in name and status in UNCAUGHT:
            found.append(name)
    return found


def mutmut_pytest_args(pyproject: Path) -> list[str]:
    """The arguments mutmut itself gives pytest, so a recheck runs the same suite."""
    config = tomllib.loads(pyproject.read_text())["tool"]["mutmut"]
    return [*config["pytest_add_cli_args"], *config["pytest_add_cli_args_test_selection"]]


def pytest_run(pytest_args: list[str], mutants: Path, mutant: str
               ) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MUTANT_UNDER_TEST=mutant)
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE", *pytest_args]
    return subprocess.run(command, cwd=mutants, env=env, capture_output=True, text=True,
                          check=False)


def recheck(name: str, pytest_args: list[str], mutants: Path) -> str | None:
    """The test that caught the mutant (one pytest run with it switched on), or None."""
    done = pytest_run(pytest_args, mutants, name)
    if done.returncode == 0:
        return None
    failure = FIRST_FAILURE.search(done.stdout)
    return failure.group(1) if failure else f"pytest exit {done.returncode}"


def main() -> int:
    mutants = Path("mutants")
    if not mutants.is_dir():
        print("no ./mutants folder: run `make mutate` first", file=sys.stderr)
        return 2
    pytest_args = sys.argv[1:] or mutmut_pytest_args(Path("pyproject.toml"))
    # Any failure counts as a kill below (a mutant can break collection itself), so the
    # arguments must first be seen to collect cleanly with no mutant switched on.
    clean = pytest_run([*pytest_args, "--collect-only"], mutants, "")
    if clean.returncode != 0:
        print(f"pytest {' '.join(pytest_args)} does not collect in ./mutants without a "
              f"mutant (exit {clean.returncode}); fix the arguments", file=sys.stderr)
        return 2
    for name in names(sys.stdin.read().splitlines()):
        caught_by = recheck(name, pytest_args, mutants)
        print(f"    {name}: {'survived' if caught_by is None else 'killed'}", flush=True)
        if caught_by is not None:
            print(f"{name}: caught by {caught_by}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
