"""A CPU-time limit per test while a mutant is switched on (``make mutate``, a pytest plugin).

A mutant can make a loop spin (a deadline that never comes, a counter that never
grows). mutmut ends such a run after 15 times the estimated time of the tests that reach
the function, plus 15 s; in ``make mutate`` those are the core's own unit tests, so that
is soon. A recheck (``make mutate-recheck``) runs the whole unit and scenario tiers,
whose whole-day tests run for a minute under a mutant; a wall-clock limit per test
(pytest-timeout) cannot tell a spinning loop from a busy machine: on two cores shared
with other work, or under mutmut's trampoline, the whole-day tests take several times
their quiet time, and a limit that fits the slowest machine no longer stops a spin soon.

So the limit is on the CPU time the test's own process spends (``ITIMER_PROF``, all its
threads): a spin burns it at full speed however loaded the machine is, a test waiting
for its turn on the CPU does not. It applies only while ``MUTANT_UNDER_TEST`` names a
mutant: the stats and clean runs execute unmutated code, which has no spin to stop, so
however slow the trampoline makes them they cannot fail here. A test that runs out fails
with :class:`CpuLimitExceeded`, which counts as the mutant killed. A mutant that hangs
without burning CPU (waiting forever on a queue) is left to mutmut's own wall timeout.

Loaded with ``-p tools.mutation_cpu_limit`` from ``[tool.mutmut] pytest_add_cli_args``.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import pytest

LIMIT_S = 300.0
"""CPU seconds per test phase. The slowest test, the practice level's ten smooth
mornings, spent 18.5 s of CPU without mutmut and 57 s with a mutant switched on (the
trampoline in every call of the core), measured on two cores under a load of 12-15;
300 leaves it five times that, and a spin still ends in five CPU minutes, not half an
hour of wall time."""


class CpuLimitExceeded(Exception):
    """A test spent more CPU than any test of the suite needs: the mutant made it spin."""


def mutant_switched_on(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """True while mutmut runs tests against one mutant (not the stats, clean or fail runs)."""
    return "__mutmut_" in environ.get("MUTANT_UNDER_TEST", "")


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CpuLimitExceeded` in the main thread once this process has spent
    ``seconds`` of CPU time inside the block."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise CpuLimitExceeded(f"the test spent over {seconds:.0f} s of CPU time: a mutant "
                               "that makes a loop spin")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@contextmanager
def _limited() -> Iterator[None]:
    if mutant_switched_on():
        with cpu_limit(LIMIT_S):
            yield
    else:
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    with _limited():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with _limited():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    with _limited():
        yield
