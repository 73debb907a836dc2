"""Target 3: from exec to READY=1 on a real notify socket, the median of several starts.

The clock starts just before ``Popen`` (fork and exec included) and stops when the
datagram arrives, as systemd sees it. Measured for the headless service assembly (what
the Pi runs, minus real pins), for ``unslump run --simulate`` (which adds a front end),
and for a bare interpreter with the same site-packages, the floor under both.
"""

from __future__ import annotations

import os
import statistics
import subprocess
from pathlib import Path

from bench.idle import ROOT, service_env
from bench.notify import CLOCK, NotifySocket, python, stop
from bench.results import Figure

READY_LIMIT_S = 20.0


def time_to_ready(command: list[str], extra_env: dict[str, str] | None = None) -> float:
    """Seconds from just before exec to READY=1."""
    notify = NotifySocket()
    env = dict(service_env(notify), **(extra_env or {}))
    started = CLOCK.monotonic()
    process = subprocess.Popen([*command, "--db", str(notify.directory / "log.db")],
                               cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return notify.receive_until(b"READY=1", READY_LIMIT_S) - started
    finally:
        stop(process)
        notify.close()


def time_to_exit(command: list[str]) -> float:
    started = CLOCK.monotonic()
    subprocess.run(command, cwd=ROOT, check=True)
    return CLOCK.monotonic() - started


def unslump() -> list[str]:
    script = Path(python()).parent / "unslump"
    return [str(script)] if script.exists() else [python(), "-m", "unslump"]


def run(repeat: int = 10) -> tuple[list[Figure], dict[str, object]]:
    service = [time_to_ready([python(), "-m", "bench.service", "--no-tone"])
               for _ in range(repeat)]
    simulate = [time_to_ready([*unslump(), "run", "--simulate"], {"TERM": "dumb"})
                for _ in range(max(3, repeat // 2))]
    bare = [time_to_exit([python(), "-c", "pass"]) for _ in range(repeat)]
    figures = [
        Figure("startup_service", f"Start-up: exec to READY=1, median of {repeat}",
               round(statistics.median(service), 3), "s", 0.5, "max"),
        Figure("startup_simulate", "Start-up: unslump run --simulate to READY=1",
               round(statistics.median(simulate), 3), "s", note="front end included"),
        Figure("startup_interpreter", "Start-up: bare interpreter, exec to exit",
               round(statistics.median(bare), 3), "s"),
    ]
    return figures, {"startup": {"service_s": service, "simulate_s": simulate,
                                 "interpreter_s": bare, "cpus": os.cpu_count()}}
