"""Target 7: Workrave and Safe Eyes beside our service, over the same idle minute.

``python -m bench.peers`` (``make bench-peers``) installs the Debian packages if missing
(``workrave``, ``safeeyes``, ``xvfb``; needs root or sudo), starts one Xvfb display and
one D-Bus session bus for the desktop apps, starts each peer and our service, lets them
settle, then reads every process tree's counters across one minute. Xvfb and the bus
daemon are shared scaffolding, measured in their own rows, not charged to any peer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench import proc
from bench.idle import Service
from bench.notify import CLOCK, NotifySocket, stop
from bench.results import Figure, machine, table, write

RESULTS = Path(__file__).resolve().parent / "results.json"
PACKAGES = {"workrave": "workrave", "safeeyes": "safeeyes", "Xvfb": "xvfb",
            "dbus-daemon": "dbus-daemon"}
DISPLAY = ":99"
SETTLE_S = 20.0  # desktop apps load plugins and settle for a while after start


@dataclass
class Peer:
    """One measured process tree (or why there is none)."""

    name: str
    process: subprocess.Popen[bytes] | None = None
    problem: str = ""
    before: proc.Sample | None = None
    after: proc.Sample | None = None


def install_missing() -> str:
    """apt-get the packages whose program is missing; returns apt's complaint, if any."""
    missing = sorted({package for program, package in PACKAGES.items()
                      if shutil.which(program) is None})
    if not missing:
        return ""
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    done = subprocess.run([*prefix, "apt-get", "install", "-y", "--no-install-recommends",
                           *missing], env=env, capture_output=True, text=True)
    return "" if done.returncode == 0 else f"apt-get install {' '.join(missing)} failed: " \
        f"{done.stderr.strip().splitlines()[-1:] or done.returncode}"


def launch(name: str, command: list[str], env: dict[str, str]) -> Peer:
    if shutil.which(command[0]) is None:
        return Peer(name, problem=f"{command[0]} is not installed")
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    return Peer(name, process)


PeerRows = dict[str, Mapping[str, object]]
"""Each peer's figures (or its problem), by name: the table's rows and results.json's."""


def running(peer: Peer) -> subprocess.Popen[bytes] | None:
    """The peer's process while it runs; one that ended says so in ``peer.problem``."""
    if peer.process is None:
        return None
    if peer.process.poll() is not None:
        peer.problem = peer.problem or f"exited with code {peer.process.returncode} " \
                                       f"before the minute began"
        return None
    return peer.process


def run(seconds: float = 60.0) -> tuple[list[Figure], PeerRows, float]:
    """The peers' figures, their rows, and the seconds measured."""
    complaint = install_missing()
    home = Path(tempfile.mkdtemp(prefix="bench-peers-home-"))
    env = dict(os.environ, DISPLAY=DISPLAY, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local/share"), XDG_RUNTIME_DIR=str(home / "run"))
    (home / "run").mkdir(mode=0o700)
    scaffolding = [launch("Xvfb (shared display)", ["Xvfb", DISPLAY, "-nolisten", "tcp"], env)]
    bus = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1",
                          "--print-pid=1"], env=env, capture_output=True, text=True) \
        if shutil.which("dbus-daemon") else None
    bus_pid = None
    if bus is not None and bus.returncode == 0:
        address, pid = bus.stdout.split()[:2]
        env["DBUS_SESSION_BUS_ADDRESS"], bus_pid = address, int(pid)
    notify_wait = NotifySocket()
    notify_wait.listen_for(1.0)  # let Xvfb open the display before the apps connect
    peers = [launch("Workrave", ["workrave"], env), launch("Safe Eyes", ["safeeyes"], env)]
    ours = Service.start("dummy")
    try:
        ours.notify.listen_for(SETTLE_S)
        rows = [Peer("Unslump (this service)", ours.process), *peers, *scaffolding]
        for peer in rows:
            if (process := running(peer)) is not None:
                peer.before = proc.sample_tree(process.pid)
        started = CLOCK.monotonic()
        ours.notify.listen_for(seconds)
        elapsed = CLOCK.monotonic() - started
        for peer in rows:
            if peer.before is not None and (process := running(peer)) is not None:
                peer.after = proc.sample_tree(process.pid)
    finally:
        for peer in [*peers, *scaffolding]:
            if peer.process is not None:
                stop(peer.process)
        ours.close()
        notify_wait.close()
        if bus_pid is not None:
            subprocess.run(["kill", str(bus_pid)], check=False)
        shutil.rmtree(home, ignore_errors=True)
    figures, table_rows = report(rows, elapsed, complaint)
    return figures, table_rows, elapsed


def report(rows: list[Peer], elapsed: float, complaint: str) -> tuple[list[Figure], PeerRows]:
    scale = 60.0 / elapsed
    figures: list[Figure] = []
    details: PeerRows = {}
    for peer in rows:
        key = "peer_" + "".join(c for c in peer.name.lower().split(" (")[0] if c.isalnum())
        if peer.before is None or peer.after is None:
            why = peer.problem or "not measured"
            if complaint and "not installed" in why:
                why += f" ({complaint})"
            figures.append(Figure(key, f"Peers: {peer.name}", "not run", "", note=why))
            details[peer.name] = {"problem": why}
            continue
        delta = peer.after - peer.before
        row: dict[str, float | int] = {
            "rss_mib": round(peer.after.rss_kib / 1024, 1),
            "cpu_s_per_min": round(delta.cpu_s * scale, 3),
            "run_s_per_min": round(delta.run_ns / 1e9 * scale, 4),
            "switches_per_min": round(delta.voluntary_switches * scale),
            "processes": len(proc.tree(peer.process.pid)) if peer.process else 0,
            "threads": peer.after.threads}
        details[peer.name] = row
        figures += [
            Figure(f"{key}_rss", f"Peers: {peer.name}, resident memory (tree)", row["rss_mib"],
                   "MiB"),
            Figure(f"{key}_cpu", f"Peers: {peer.name}, CPU time", row["cpu_s_per_min"],
                   "s/min"),
            Figure(f"{key}_switches", f"Peers: {peer.name}, voluntary context switches",
                   row["switches_per_min"], "/min"),
        ]
    return figures, details


def peer_table(rows: PeerRows) -> str:
    lines = ["| Process tree | RSS (MiB) | CPU (s/min) | Voluntary switches (/min) |",
             "|---|---|---|---|"]
    for name, row in rows.items():
        if "problem" in row:
            lines.append(f"| {name} | not run: {row['problem']} | | |")
        else:
            lines.append(f"| {name} | {row['rss_mib']} | {row['cpu_s_per_min']} | "
                         f"{row['switches_per_min']} |")
    return "\n".join(lines)


def main() -> int:
    figures, rows, seconds = run()
    print(peer_table(rows))
    write(RESULTS, figures, machine(), {"peers": {"seconds": seconds, "rows": rows}})
    return 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["main", "peer_table", "run", "table"]
