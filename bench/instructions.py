"""Costs in instructions: what a run costs whatever the machine's load.

Seconds on a shared machine move two- to three-fold with the other work on it; the
instructions a run executes do not. Each workload runs in a fresh interpreter under
valgrind (``cachegrind`` with the cache simulation off: it only counts instructions,
``I refs``), once whole and once stopped just before the part being costed, and the
difference is the part's cost:

* ``ready``: ``bench.service --exit-at-ready``, exec to ``READY=1`` and a clean stop
  (nothing subtracted: the whole process is the cost of starting);
* ``idle_minute``: a seated device in virtual time, ten more idle minutes, per minute;
* ``routine``: one press and the whole default stretch, back to the idle screen;
* ``eight_hours``: ``tests/scenarios/eight-hours.txt`` through the scenario runner;
* ``press``: a seated device pressed once, to the settle that starts the stretch (the
  core's step, the set-up screen rendered, its first cue asked for);
* ``aplay_cue``: ``aplay -q`` playing the stretch's first cue as the service starts it
  on a press with no player running, the system's whole ALSA configuration read and its
  default device a ``file`` PCM into ``/dev/null``. With ``press``, the first cue's cost.

The virtual-time ones share one set-up (imports, a virtual device seated a minute), counted
once and subtracted from each. ``--quick`` counts the start and ``aplay`` only (each run
takes a minute or two of valgrind on a loaded machine).

``perf stat -e instructions`` would be faster, but most virtual machines (this one too)
expose no hardware counters; valgrind runs anywhere, some 50 times slower, so each
workload runs once. :func:`zero_2w_seconds` projects a count to a Raspberry Pi Zero 2 W.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "scenarios" / "eight-hours.txt"
IDLE_MINUTES = 10

A53_HZ = 1.0e9
"""The Zero 2 W's Cortex-A53 cores run at 1 GHz."""
A53_IPC = 0.5
"""Assumed instructions per cycle of CPython on the in-order, dual-issue A53: the
interpreter's dispatch is branchy and memory-bound, so about half its peak of 2."""
ARM64_PER_X86 = 1.15
"""Assumed arm64 instructions per x86-64 instruction for the same CPython work (a
load/store architecture takes a few more, simpler instructions)."""


def zero_2w_seconds(x86_instructions: float) -> float:
    """Seconds the same work would take on one core of a Zero 2 W, by the assumptions
    above (``ARM64_PER_X86``, ``A53_IPC``, ``A53_HZ``): an estimate, within perhaps 2x."""
    return x86_instructions * ARM64_PER_X86 / (A53_IPC * A53_HZ)


# -- the workloads, run inside the counted interpreter -----------------------------------

def _seated_device() -> object:
    from datetime import datetime

    from unslump.config.file import Config
    from unslump.core.records import NoticeAnswer, NoticeRecord
    from unslump.edges.store.memory import MemoryStore
    from unslump.sim.scenario.harness import VirtualDevice

    store = MemoryStore()
    wall = datetime(2026, 11, 24, 9, 0).astimezone()
    store.append(NoticeRecord(wall, NoticeAnswer.UNDERSTOOD))
    device = VirtualDevice.build(Config(), store, wall_start=wall)
    device.sit()
    device.run_until(60)  # seated and settled: the bout is under way
    return device


def idle_minute(whole: bool) -> None:
    device: Any = _seated_device()
    if whole:
        device.run_until(60 + IDLE_MINUTES * 60)
    device.close()


def routine(whole: bool) -> None:
    from unslump.config.file import Config
    from unslump.core.routine import routine_total_s

    device: Any = _seated_device()
    if whole:
        config = Config()
        device.press()
        device.run_for(routine_total_s(config.routines.stretch, config.routine) + 10)
    device.close()


def press(whole: bool) -> None:
    device: Any = _seated_device()
    if whole:
        device.press()
    device.close()


def eight_hours(whole: bool) -> None:
    import io

    from unslump.config.file import Config
    from unslump.edges.store.memory import MemoryStore
    from unslump.sim.scenario.runner import run_script
    from unslump.sim.scenario.script import parse_script

    script = parse_script(SCENARIO.read_text(), str(SCENARIO))
    if whole:
        run_script(script, Config(), lambda clock: MemoryStore(), io.StringIO())


WORKLOADS: dict[str, Callable[[bool], None]] = {
    "idle_minute": idle_minute, "routine": routine, "eight_hours": eight_hours,
    "press": press}


# -- counting from outside --------------------------------------------------------------

class NoCounter(RuntimeError):
    """valgrind is not installed (``apt-get install valgrind``)."""


def count(command: list[str], env: dict[str, str] | None = None) -> int:
    """Instructions ``command`` executes (its whole process), by valgrind's cachegrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise NoCounter("valgrind is not installed: apt-get install valgrind")
    done = subprocess.run([valgrind, "--tool=cachegrind", "--cache-sim=no",
                           "--cachegrind-out-file=/dev/null", *command], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=1800)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        tail = " ".join(done.stderr.strip().splitlines()[-2:])
        raise RuntimeError(f"{' '.join(command)} under valgrind: status {done.returncode}: "
                           f"{tail}")
    return int(found.group(1).replace(",", ""))


def workload_count(name: str, whole: bool = True) -> int:
    """Instructions of a fresh interpreter running workload ``name``."""
    return count([sys.executable, "-m", "bench.instructions", name]
                 + (["--whole"] if whole else []))


def ready_cost() -> int:
    env = {key: value for key, value in os.environ.items() if key != "NOTIFY_SOCKET"}
    env.update(SDL_AUDIODRIVER="dummy", SDL_VIDEODRIVER="dummy")
    with tempfile.TemporaryDirectory(prefix="bench-instr-") as scratch:
        return count([sys.executable, "-m", "bench.service", "--no-tone", "--exit-at-ready",
                      "--db", str(Path(scratch) / "log.db")], env)


SYSTEM_ALSA = Path("/usr/share/alsa/alsa.conf")


def aplay_cost() -> int:
    """``aplay -q`` playing the stretch's first cue into ``/dev/null``, with the system's
    ALSA configuration read first, as on the device."""
    from bench.alsa import file_pcm_config
    from unslump.config.file import Config
    from unslump.core.tones import Tone
    from unslump.edges.audio.first_cue import CUE_RATE
    from unslump.edges.audio.player_process import write_cues
    from unslump.edges.audio.synth import ToneSynth

    aplay = shutil.which("aplay")
    if aplay is None:
        raise NoCounter("aplay is not installed: sh scripts/ci-deps.sh (alsa-utils)")
    with tempfile.TemporaryDirectory(prefix="bench-instr-") as scratch:
        conf = Path(scratch) / "asound.conf"
        conf.write_text(file_pcm_config("/dev/null"))
        synth = ToneSynth(CUE_RATE, Config().audio.volume)
        wav = write_cues(Path(scratch), [Tone.SETUP], synth)[0]
        files = [str(SYSTEM_ALSA)] if SYSTEM_ALSA.exists() else []
        env = dict(os.environ, ALSA_CONFIG_PATH=":".join([*files, str(conf)]))
        return count([aplay, "-q", str(wav)], env)


def run(quick: bool = False) -> tuple[list[Any], dict[str, object]]:
    from bench.results import Figure
    from unslump.edges.audio.player_process import CUE_LEAD_S

    counts = {"ready": ready_cost(), "aplay_cue": aplay_cost()}
    if not quick:
        setup = workload_count("idle_minute", whole=False)
        counts["idle_minute"] = round((workload_count("idle_minute") - setup) / IDLE_MINUTES)
        counts["routine"] = workload_count("routine") - setup
        counts["eight_hours"] = workload_count("eight_hours") - setup
        counts["press"] = workload_count("press") - setup
        counts["first_cue"] = counts["press"] + counts["aplay_cue"]
    labels = {"ready": "exec to READY=1 (and a clean stop)",
              "idle_minute": "one seated idle minute (virtual time)",
              "routine": "one full routine, press to the idle screen (virtual time)",
              "eight_hours": "the 8-hour scenario (virtual time)",
              "press": "a press, to the settle that starts the stretch (virtual time)",
              "aplay_cue": "aplay playing the stretch's first cue (system ALSA config)",
              "first_cue": "first cue after a press, cold: the press and aplay"}
    lead = {"first_cue": f" + {CUE_LEAD_S * 1000:.0f} ms lead-in silence, fork/exec not "
                         "counted"}
    figures = [Figure(f"instr_{name}", f"Instructions: {labels[name]}",
                      round(value / 1e6, 1), "M instr",
                      note=f"Zero 2 W about {zero_2w_seconds(value) * 1000:.0f} ms"
                           f"{lead.get(name, '')}")
               for name, value in counts.items()]
    return figures, {"instructions": {
        "counts": counts, "counter": "valgrind cachegrind, I refs",
        "zero_2w_seconds": {name: zero_2w_seconds(v) for name, v in counts.items()},
        "assumptions": {"a53_hz": A53_HZ, "a53_ipc": A53_IPC,
                        "arm64_per_x86": ARM64_PER_X86}}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run one workload (under valgrind)")
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--whole", action="store_true",
                        help="run the costed part too (without: the set-up only)")
    args = parser.parse_args(argv)
    WORKLOADS[args.workload](args.whole)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
