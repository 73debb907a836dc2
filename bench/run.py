"""``make bench``: every target of the performance issue, measured here, in one table.

Prints a Markdown table (paste it into the README) and writes ``out/bench/results.json``
(ignored by git; ``--record``, or ``make bench RECORD=1``, updates the tracked
``bench/results.json`` on purpose), each figure as ``{value, unit, target, met}`` under a
header naming the machine and date.
``--only idle,bus`` runs some parts; ``--quick`` shortens the idle minute and the press
count for a smoke run (its figures are not the targets' and say so in the header).

Every part runs even when another fails: a part that raises is a row saying why (its
exception, one line) and the others' figures are still printed and written; the exit
status is then 1, so a broken part is seen, never silently lost.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as ``python bench/run.py``
    sys.path.insert(0, str(ROOT))

from bench import (  # noqa: E402
    audio,
    bus,
    export,
    idle,
    instructions,
    latency,
    memory,
    outbox,
    startup,
    virtual_time,
    wear,
)
from bench.results import Figure, machine, table, write  # noqa: E402

RESULTS = ROOT / "out" / "bench" / "results.json"  # ignored; RECORD=1 writes the tracked one
RECORD = ROOT / "bench" / "results.json"
PARTS = ("idle", "memory", "audio", "startup", "latency", "bus", "virtual_time", "wear",
         "outbox", "export", "instructions")
COSTLIER = 0.10
"""An instruction count this much above the recorded one is flagged."""


def measure(part: str, quick: bool) -> tuple[list[Figure], dict[str, object]]:
    if part == "idle":
        return idle.run(seconds=10.0 if quick else 60.0)
    if part == "memory":
        return memory.run()
    if part == "audio":
        return audio.run(repeat=5 if quick else 20, press_repeat=3 if quick else 7)
    if part == "startup":
        return startup.run(repeat=3 if quick else 10)
    if part == "latency":
        return latency.run(count=30 if quick else 300)
    if part == "bus":
        return bus.run()
    if part == "wear":
        return wear.run(hours=2.0 if quick else 8.0)
    if part == "outbox":
        return outbox.run(hours=2.0 if quick else 8.0, bulk=500 if quick else 5000)
    if part == "export":
        return export.run(rows=30_000 if quick else 300_000)
    if part == "instructions":
        return instructions.run(quick)
    return virtual_time.run(repeat=1 if quick else 3)


def _is_ours(path: Path) -> bool:
    path = path.resolve()
    return path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv")


def failed_part(part: str, exc: BaseException) -> Figure:
    """The row of a part that raised: what failed and where, in one line."""
    every = traceback.extract_tb(exc.__traceback__)
    ours = [frame for frame in every if _is_ours(Path(frame.filename))]
    frames = ours or every  # the project's own line where there is one
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    why = " ".join(str(exc).split()) or "no message"
    return Figure(f"{part}_failed", f"Part {part}", "failed", "",
                  note=f"{type(exc).__name__}: {why}{where}")


def measure_all(chosen: list[str], quick: bool) -> tuple[list[Figure], dict[str, object],
                                                         list[str]]:
    """Every chosen part's figures and details, and the parts that failed."""
    figures: list[Figure] = []
    details: dict[str, object] = {}
    failed: list[str] = []
    for part in chosen:
        print(f"measuring {part} ...", file=sys.stderr, flush=True)
        try:
            got, more = measure(part, quick)
        except Exception as exc:  # one part's failure must not lose the others
            traceback.print_exc(file=sys.stderr)
            figures.append(failed_part(part, exc))
            failed.append(part)
            continue
        figures += got
        details.update(more)
    return figures, details, failed


def costlier(figures: list[Figure], record: Path) -> list[str]:
    """Instruction counts more than ``COSTLIER`` above the recorded ones, said in words."""
    try:
        recorded = json.loads(record.read_text()).get("figures", {})
    except (OSError, json.JSONDecodeError):
        return []
    flagged = []
    for figure in figures:
        before = recorded.get(figure.key, {}).get("value")
        if (figure.key.startswith("instr_") and isinstance(before, int | float) and before > 0
                and isinstance(figure.value, int | float)
                and figure.value > before * (1 + COSTLIER)):
            flagged.append(f"{figure.key}: {figure.value:g} against {before:g} recorded "
                           f"(+{(figure.value / before - 1) * 100:.0f}%)")
    return flagged


def tree_figures(figures: list[Figure]) -> list[Figure]:
    """The service and its player together while a routine plays, when both were measured."""
    by_key = {figure.key: figure for figure in figures}
    service, player = by_key.get("rss_after_tone"), by_key.get("rss_player")
    if service is None or player is None:
        return []
    total = round(float(service.value) + float(player.value), 1)
    return [Figure("rss_tree_routine", "Memory: service + player while a routine plays",
                   total, "MiB", note="the player exists only around sounds")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated parts: {', '.join(PARTS)}")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--record", action="store_true",
                        help=f"write the tracked record {RECORD.relative_to(ROOT)} instead")
    args = parser.parse_args(argv)
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    chosen = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        parser.error(f"unknown part {', '.join(unknown)}: choose from {', '.join(PARTS)}")
    figures, details, failed = measure_all(chosen, args.quick)
    figures += tree_figures(figures)
    header = machine()
    if args.quick:
        header["mode"] = "quick smoke run: shortened, not the targets' conditions"
    print(f"Measured {header['date']} on {header['cpu']} ({header['cpus']} CPUs), "
          f"Linux {header['kernel']}, Python {header['python']}\n")
    print(table(figures))
    flagged = costlier(figures, RECORD)  # before a --record run replaces the record
    for line in flagged:
        print(f"\ncostlier than recorded: {line}")
    out = RECORD if args.record else args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    ran = tuple(f"{part}_failed" for part in chosen if part not in failed)
    write(out, figures, header, details, drop=ran)
    missed = [f.key for f in figures if f.met is False and f.value != "failed"]
    if missed:
        print(f"\nmissed: {', '.join(missed)}", file=sys.stderr)
    if failed:
        print(f"\nfailed parts (rows above say why): {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
