"""Figures with their targets: the table ``make bench`` prints and bench/results.json."""

from __future__ import annotations

import contextlib
import json
import os
import platform
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

Goal = Literal["max", "min", "info"]


@dataclass(frozen=True)
class Figure:
    """One measured number; ``met`` compares it with ``target`` in the direction ``goal``.

    ``goal`` is "max" (the value must not exceed the target), "min" (must reach it) or
    "info" (context for another figure: no target, ``met`` is None).
    """

    key: str
    label: str
    value: float | int | bool | str
    unit: str
    target: float | int | bool | None = None
    goal: Goal = "info"
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.goal == "info" or self.target is None:
            return None
        if isinstance(self.value, str):
            return False
        if isinstance(self.target, bool):
            return self.value == self.target
        return self.value <= self.target if self.goal == "max" else self.value >= self.target

    @property
    def margin(self) -> str:
        """How far inside or outside the target: "8.6x under", "3% over", "3.3x the target"."""
        if (self.met is None or self.target is None or isinstance(self.target, bool)
                or isinstance(self.value, str)):
            return ""
        value, target = float(self.value), float(self.target)
        if self.goal == "max":
            if not self.met:
                return f"{(value / target - 1) * 100:.1f}% over"
            return f"{target / value:.1f}x under" if value > 0 else "zero"
        if not self.met:
            return f"{(1 - value / target) * 100:.1f}% short"
        return f"{value / target:.1f}x the target"

    def as_json(self) -> dict[str, object]:
        return {"label": self.label, "value": self.value, "unit": self.unit,
                "target": self.target, "goal": self.goal, "met": self.met,
                "margin": self.margin, "note": self.note}


def machine() -> dict[str, str]:
    """Where the figures were taken: they mean little without it."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith(("model name", "Model")):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "host": platform.node(), "cpu": cpu, "cpus": str(_cpu_count()),
            "kernel": platform.release(), "python": platform.python_version(),
            "machine": platform.machine()}


def _cpu_count() -> int:
    return os.cpu_count() or 0


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def table(figures: list[Figure]) -> str:
    """A Markdown table: it prints readably and pastes into the README as it is."""
    rows = ["| Figure | Value | Target | Met | Margin |", "|---|---|---|---|---|"]
    for f in figures:
        sign = "=" if isinstance(f.target, bool) else "≤" if f.goal == "max" else "≥"
        target = "" if f.target is None else f"{sign} {_show(f.target)} {f.unit}".rstrip()
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        label = f"{f.label} ({f.note})" if f.note else f.label
        rows.append(f"| {label} | {_show(f.value)} {f.unit} | {target} | {met} | {f.margin} |")
    return "\n".join(rows)


def write(path: Path, figures: list[Figure], header: dict[str, str],
          extra: dict[str, object] | None = None, drop: tuple[str, ...] = ()) -> None:
    """Merge ``figures`` into ``path`` (a run of one part keeps the others' figures);
    ``drop`` names figures no longer true (a part that failed before and now ran)."""
    document: dict[str, object] = {"machine": header, "figures": {}}
    if path.exists():
        with contextlib.suppress(json.JSONDecodeError):
            document = json.loads(path.read_text())
    known = document.setdefault("figures", {})
    assert isinstance(known, dict)
    for key in drop:
        known.pop(key, None)
    for f in figures:
        known[f.key] = f.as_json()
    document["machine"] = header
    if extra:
        details = document.setdefault("details", {})
        assert isinstance(details, dict)
        details.update(extra)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")


__all__ = ["Figure", "machine", "table", "write"]
