"""Per-module mutation scores from ``mutmut results --all true`` (read on stdin).

mutmut prints one line per mutant (``    unslump.core.quiet.x_is_quiet__mutmut_3: killed``)
and a total, but no score per module; ``make mutate`` pipes its results through this so
the figure the issue asks for (killed over checked, each module and all) is one table.
A timeout counts as killed (the mutant hung the tests: they noticed); a mutant not yet
checked counts for nothing; "no tests" is a survivor (nothing ran that could catch it).
A mutant named twice was rechecked (``make mutate-recheck`` appends its verdicts after
mutmut's): its later verdict counts, and the table says how many of each module were.

``--sample N MODULE`` prints every Nth mutant name of MODULE instead, for a sampled run
of a module too large to run whole on a shared machine (``machine.py`` has some 1700):
``mutmut run $(mutmut results --all true | python tools/mutation_score.py --sample 4
unslump.core.machine)``.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

CAUGHT = frozenset({"killed", "timeout", "caught by type check", "segfault"})
UNCOUNTED = frozenset({"not checked", "skipped"})


def verdicts(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Each ``name: status`` line about a mutant, in order, as (name, status)."""
    for line in lines:
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            yield name, status


def statuses(lines: Iterable[str]) -> dict[str, str]:
    """Each mutant's status; a later line about a mutant (a recheck) wins."""
    return dict(verdicts(lines))


def module_of(name: str) -> str:
    return name.split("__mutmut_")[0].rsplit(".", 1)[0]


def parse(lines: Iterable[str]) -> dict[str, Counter[str]]:
    """Status counts by module."""
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in statuses(lines).items():
        by_module[module_of(name)][status] += 1
    return by_module


def rechecked(lines: Iterable[str]) -> Counter[str]:
    """How many mutants of each module have a second verdict (a recheck's)."""
    seen = Counter(name for name, _ in verdicts(lines))
    return Counter(module_of(name) for name, times in seen.items() if times > 1)


def survivors(lines: Iterable[str]) -> list[str]:
    """The mutants that no test caught, by name (``mutmut show NAME`` prints the diff)."""
    return [f"{name}: {status}" for name, status in statuses(lines).items()
            if status not in CAUGHT | UNCOUNTED]


def score_line(label: str, counts: Counter[str], rechecks: int = 0) -> str:
    checked = sum(n for status, n in counts.items() if status not in UNCOUNTED)
    caught = sum(n for status, n in counts.items() if status in CAUGHT)
    pending = sum(counts[status] for status in UNCOUNTED)
    score = f"{100 * caught / checked:5.1f}%" if checked else "    -"
    return f"{label:<32} {score}  {caught:>4}/{checked:<4} caught  {rechecks:>4} rechecked" + (
        f"  ({pending} not checked)" if pending else "")


def sample(lines: Iterable[str], every: int, module: str) -> list[str]:
    """Every ``every``-th mutant of ``module`` (in mutmut's order), by name."""
    mine = [name for name, _ in verdicts(lines) if module_of(name) == module]
    return mine[::every]


def main() -> int:
    lines = sys.stdin.read().splitlines()
    if len(sys.argv) == 4 and sys.argv[1] == "--sample":
        print("\n".join(sample(lines, int(sys.argv[2]), sys.argv[3])))
        return 0
    by_module = parse(lines)
    if not by_module:
        print("no mutmut results: run `make mutate` first", file=sys.stderr)
        return 1
    rechecks = rechecked(lines)
    total: Counter[str] = Counter()
    for module in sorted(by_module):
        print(score_line(module, by_module[module], rechecks[module]))
        total.update(by_module[module])
    print(score_line("all", total, sum(rechecks.values())))
    left = survivors(lines)
    if left:
        print(f"\nsurvivors ({len(left)}; in out/mutate, `../../.venv/bin/mutmut show NAME` "
              "prints each diff):")
        print("\n".join(f"  {name}" for name in left))
    return 0


if __name__ == "__main__":
    sys.exit(main())
