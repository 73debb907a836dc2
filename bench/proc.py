"""What Linux says a process costs: /proc readers for one process or a process tree.

Context switches are summed over every thread (``/proc/PID/task/*/status``), because the
audio device, gpiozero and luma each may run threads of their own, and a thread that wakes
fifty times a second is exactly what the idle target is about.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    """One reading of a process tree's counters (cumulative since each process started)."""

    voluntary_switches: int
    cpu_s: float  # utime + stime, in clock ticks' resolution (10 ms)
    run_ns: int  # time on the CPU from schedstat, in nanoseconds
    rss_kib: int
    threads: int

    def __sub__(self, before: Sample) -> Sample:
        return Sample(self.voluntary_switches - before.voluntary_switches,
                      self.cpu_s - before.cpu_s, self.run_ns - before.run_ns,
                      self.rss_kib, self.threads)


def _status_field(path: Path, name: str) -> int:
    for line in path.read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def voluntary_switches(pid: int) -> int:
    """Voluntary context switches of every live thread of ``pid``."""
    total = 0
    for task in (PROC / str(pid) / "task").iterdir():
        try:
            total += _status_field(task / "status", "voluntary_ctxt_switches")
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended while we looked
    return total


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (ended threads included), in seconds."""
    stat = (PROC / str(pid) / "stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def run_nanoseconds(pid: int) -> int:
    """Time on the CPU of every live thread, from schedstat (nanosecond resolution)."""
    total = 0
    for task in (PROC / str(pid) / "task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def rss_kib(pid: int) -> int:
    """Resident memory (VmRSS) in KiB."""
    return _status_field(PROC / str(pid) / "status", "VmRSS")


def thread_count(pid: int) -> int:
    return sum(1 for _ in (PROC / str(pid) / "task").iterdir())


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from every thread's children list)."""
    found: list[int] = []
    for task in (PROC / str(pid) / "task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            todo += children(current)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return pids


def sample(pid: int) -> Sample:
    """Counters of one process."""
    return Sample(voluntary_switches(pid), cpu_seconds(pid), run_nanoseconds(pid),
                  rss_kib(pid), thread_count(pid))


def sample_tree(pid: int) -> Sample:
    """Counters summed over ``pid`` and its descendants (processes that vanish are skipped)."""
    total = Sample(0, 0.0, 0, 0, 0)
    for member in tree(pid):
        try:
            one = sample(member)
        except (FileNotFoundError, ProcessLookupError):
            continue
        total = Sample(total.voluntary_switches + one.voluntary_switches,
                       total.cpu_s + one.cpu_s, total.run_ns + one.run_ns,
                       total.rss_kib + one.rss_kib, total.threads + one.threads)
    return total


def thread_names(pid: int) -> dict[str, int]:
    """Each live thread's name and voluntary switches, to say who wakes the process."""
    names: dict[str, int] = {}
    for task in (PROC / str(pid) / "task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            names[f"{name}[{task.name}]"] = _status_field(task / "status",
                                                          "voluntary_ctxt_switches")
        except (FileNotFoundError, ProcessLookupError):
            continue
    return names


def tree_thread_names(pid: int) -> dict[str, int]:
    """:func:`thread_names` of ``pid`` and its descendants (a player's threads too)."""
    names: dict[str, int] = {}
    for member in tree(pid):
        try:
            names.update({f"{member}/{name}": count
                          for name, count in thread_names(member).items()})
        except (FileNotFoundError, ProcessLookupError):
            continue
    return names
