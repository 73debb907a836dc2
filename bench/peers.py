"""Target 7: Workrave and Safe Eyes beside our service, over the same idle minute.

``python -m bench.peers`` (``make bench-peers``) installs the Debian packages if missing
(``workrave``, ``safeeyes``, ``xvfb``; needs root or sudo), starts one Xvfb display and
one D-Bus session bus for the desktop apps, starts each peer and our service, lets them
settle, then reads every process tree's counters across one minute. Xvfb and the bus
daemon are shared scaffolding, measured in their own rows, not charged to any peer.

Our row is ``unslump run``, the service's own entry point, seated and idle (on mock pins,
no panel); beside it, in the same minute, the service ``make bench``'s idle row measures
(after a tone, on luma's dummy panel). The two must agree within ``AGREE`` on memory and
wake-ups, or one of the tables does not describe the service.

Figures go to ``out/bench/results.json`` (ignored by git), merged with ``make bench``'s;
``--record`` (``make bench-peers RECORD=1``) writes the tracked ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bench import proc
from bench.idle import Service
from bench.notify import CLOCK, NotifySocket, stop
from bench.results import Figure, machine, table, write

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "out" / "bench" / "results.json"  # ignored; --record writes the tracked one
RECORD = ROOT / "bench" / "results.json"
AGREE = 0.10
"""How far the ``unslump run`` row and the idle row's service may differ (memory, wake-ups)."""
OURS = "Unslump (`unslump run`, seated)"
IDLE_ROW = "Unslump (make bench's idle service, after a tone)"
KEYS = {OURS: "peer_unslump", IDLE_ROW: "peer_unslump_idle_service"}
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


def start_ours(name: str, start: Callable[[], Service]) -> tuple[Peer, Service | None]:
    """One of our services as a row, or a row saying why it did not start."""
    try:
        service = start()
    except Exception as exc:  # a row that says why, never a lost table
        return Peer(name, problem=f"{type(exc).__name__}: {exc}"), None
    return Peer(name, service.process), service


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
    entry, entry_service = start_ours(OURS, Service.start_entry_point)
    idle_row, idle_service = start_ours(IDLE_ROW, lambda: Service.start("dummy"))
    services = [s for s in (entry_service, idle_service) if s is not None]
    try:
        notify_wait.listen_for(SETTLE_S)
        rows = [entry, idle_row, *peers, *scaffolding]
        for peer in rows:
            if (process := running(peer)) is not None:
                peer.before = proc.sample_tree(process.pid)
        started = CLOCK.monotonic()
        notify_wait.listen_for(seconds)
        elapsed = CLOCK.monotonic() - started
        for peer in rows:
            if peer.before is not None and (process := running(peer)) is not None:
                peer.after = proc.sample_tree(process.pid)
    finally:
        for peer in [*peers, *scaffolding]:
            if peer.process is not None:
                stop(peer.process)
        for service in services:
            service.close()
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
        key = KEYS.get(peer.name) or "peer_" + "".join(
            c for c in peer.name.lower().split(" (")[0] if c.isalnum())
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
    return figures + agreement(details), details


def agreement(rows: PeerRows) -> list[Figure]:
    """Do the ``unslump run`` row and the idle row's service describe the same thing?"""
    ours, idle = rows.get(OURS, {}), rows.get(IDLE_ROW, {})
    if "rss_mib" not in ours or "rss_mib" not in idle:
        return []
    figures = []
    for key, what, slack in (("rss_mib", "resident memory", 0.0),
                             ("switches_per_min", "voluntary switches", 2.0)):
        a, b = float(str(ours[key])), float(str(idle[key]))
        # a count of a few a minute moves by one or two between any two minutes
        differ = max(0.0, abs(a - b) - slack) / max(a, b) if max(a, b) else 0.0
        figures.append(Figure(f"peer_unslump_agrees_{key.split('_')[0]}",
                              f"Peers: `unslump run` against the idle row's service, {what}",
                              round(differ * 100, 1), "% apart", AGREE * 100, "max",
                              f"{a:g} against {b:g}" + (f", {slack:g} of noise allowed"
                                                        if slack else "")))
    return figures


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="the measured span")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--record", action="store_true",
                        help="write the tracked record bench/results.json instead")
    args = parser.parse_args(argv)
    figures, rows, seconds = run(args.seconds)
    print(peer_table(rows))
    print()
    print(table([f for f in figures if f.key.startswith("peer_unslump_agrees")]))
    out = RECORD if args.record else args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    write(out, figures, machine(), {"peers": {"seconds": seconds, "rows": rows}})
    return 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["main", "peer_table", "run", "table"]
