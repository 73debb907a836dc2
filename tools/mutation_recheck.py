"""Run each surviving mutant against a whole test tier, not only the tests mutmut picked.

mutmut runs a mutant against the tests that reached its function while it collected its
stats; code that runs at import time (the config keys' defaults) reaches none, and a test
that only checks an effect far from the function can be left out. This runs every mutant
named on stdin (``mutmut results`` lines, or bare names; ``--only GLOB`` keeps those
that match) in ``./mutants`` with ``MUTANT_UNDER_TEST`` set, against the tests given
(default: the whole unit and scenario tiers, which mutmut itself does not run: it runs
only the core's own unit tests, see ``[tool.mutmut]``) plus mutmut's own pytest
arguments, stopping at the first failure, and prints one ``name: killed`` or
``name: survived`` line per mutant (the test that caught it goes to stderr). Fed after
mutmut's own results to ``tools/mutation_score.py``, the later line wins. Run where
mutmut ran (``make mutate-recheck`` does it in ``out/mutate``):

    mutmut results | python tools/mutation_recheck.py --only 'unslump.core.quiet.*' > ../recheck.txt
    (mutmut results --all true; cat ../recheck.txt) | python tools/mutation_score.py

The package is imported from the mutated copy, ``mutants/src`` (see ``[tool.mutmut]``),
never through the editable install: a recheck of the originals would call every
survivor a survivor again. The clean collection checks that before any mutant runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path

FIRST_FAILURE = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)

WHOLE_TIERS = ("tests/unit", "tests/scenario")
"""What a survivor runs against by default: every test mutmut's own run leaves out."""

UNCAUGHT = frozenset({"", "survived", "no tests"})


def names(lines: Iterable[str], only: str = "*") -> list[str]:
    """The mutants in ``lines`` that nothing caught yet (a bare name counts as one) and
    whose name matches the glob ``only``."""
    found = []
    for line in lines:
        name, _, status = line.strip().partition(": ")
        if "__mutmut_" in name and status in UNCAUGHT and fnmatchcase(name, only):
            found.append(name)
    return found


def mutmut_pytest_args(pyproject: Path) -> list[str]:
    """The arguments mutmut itself adds to every pytest run (plugins, deselections),
    without its test selection: a recheck runs its own."""
    config = tomllib.loads(pyproject.read_text())["tool"]["mutmut"]
    return list(config["pytest_add_cli_args"])


def split_only(argv: list[str]) -> tuple[str, list[str]]:
    """``--only GLOB`` (default ``*``) and the tests to run (default the whole tiers)."""
    only = "*"
    if argv[:1] == ["--only"] and len(argv) >= 2:
        only, argv = argv[1], argv[2:]
    return only, argv or list(WHOLE_TIERS)


def mutated_package_env(mutants: Path, mutant: str) -> dict[str, str]:
    """The environment of a test run: ``mutant`` switched on, the mutated copy first on
    the path (also for the tests' own ``python -m unslump`` subprocesses)."""
    path = [str((mutants / "src").resolve()), os.environ.get("PYTHONPATH", "")]
    return dict(os.environ, MUTANT_UNDER_TEST=mutant,
                PYTHONPATH=os.pathsep.join(part for part in path if part))


def imported_from(mutants: Path) -> Path:
    """Where ``import unslump`` finds the package in a test run's environment."""
    done = subprocess.run([sys.executable, "-c", "import unslump; print(unslump.__file__)"],
                          cwd=mutants, env=mutated_package_env(mutants, ""),
                          capture_output=True, text=True, check=True)
    return Path(done.stdout.strip()).resolve()


def pytest_run(pytest_args: list[str], mutants: Path, mutant: str
               ) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE", *pytest_args]
    return subprocess.run(command, cwd=mutants, env=mutated_package_env(mutants, mutant),
                          capture_output=True, text=True, check=False)


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
    only, tests = split_only(sys.argv[1:])
    pytest_args = [*tests, *mutmut_pytest_args(Path("pyproject.toml"))]
    package = imported_from(mutants)
    if not package.is_relative_to(mutants.resolve()):
        print(f"the tests would import {package}, not the mutated copy under {mutants}; "
              "run this where mutmut ran (make mutate: out/mutate)", file=sys.stderr)
        return 2
    # Any failure counts as a kill below (a mutant can break collection itself), so the
    # arguments must first be seen to collect cleanly with no mutant switched on.
    clean = pytest_run([*pytest_args, "--collect-only"], mutants, "")
    if clean.returncode != 0:
        print(f"pytest {' '.join(pytest_args)} does not collect in ./mutants without a "
              f"mutant (exit {clean.returncode}); fix the arguments", file=sys.stderr)
        return 2
    for name in names(sys.stdin.read().splitlines(), only):
        caught_by = recheck(name, pytest_args, mutants)
        print(f"    {name}: {'survived' if caught_by is None else 'killed'}", flush=True)
        if caught_by is not None:
            print(f"{name}: caught by {caught_by}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
