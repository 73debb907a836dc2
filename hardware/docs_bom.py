"""The bill of materials (bom.md) from bom.toml, each build's total added up from its rows.

Totals typed by hand drift from the rows they sum; here a price changed in the data
changes every total with it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docs_common import md_escape

BOM_TOML = Path(__file__).resolve().parent / "bom.toml"

@dataclass(frozen=True)
class BomRow:
    """One line of the bill of materials, as bom.toml gives it."""

    id: str
    part: str
    qty: int
    low: float
    high: float
    note: str


def load_bom(path: Path = BOM_TOML) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sections and the builds of bom.toml, every build's rows checked to exist."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sections, builds = data["section"], data["build"]
    known = {row["id"] for section in sections for row in section["row"]}
    for build in builds:
        missing = [row for row in build["rows"] if row not in known]
        if missing:
            raise ValueError(f"{path.name}: build {build['name']!r} names unknown rows "
                             f"{', '.join(missing)}")
    return sections, builds


def bom_rows(sections: list[dict[str, Any]]) -> dict[str, BomRow]:
    return {row["id"]: BomRow(row["id"], row["part"], int(row["qty"]), float(row["price"][0]),
                              float(row["price"][1]), row.get("note", ""))
            for section in sections for row in section["row"]}


def build_total(rows: dict[str, BomRow], ids: list[str]) -> tuple[float, float]:
    """A build's rough total: each row's quantity times its price range, added up."""
    return (sum(rows[i].qty * rows[i].low for i in ids),
            sum(rows[i].qty * rows[i].high for i in ids))


def _money(value: float) -> str:
    return f"{value:.0f}" if value >= 1 or value == 0 else f"{value:.2f}"


def render_bom_md(sections: list[dict[str, Any]], builds: list[dict[str, Any]]) -> str:
    rows = bom_rows(sections)
    lines = [
        "# Bill of materials",
        "",
        "<!-- Generated from hardware/bom.toml by hardware/make_docs.py; edit the data "
        "file and rerun the script, not this file. -->",
        "",
        "Rough single-unit retail prices in US dollars (euros are about the same number);",
        "they vary by shop and year, so read them as \"which parts cost what\", not as",
        "quotes. Why each option exists is in [README.md](README.md); where each wire goes",
        "is in [pins.md](pins.md). The totals below are added up from these rows.",
    ]
    for section in sections:
        lines += ["", f"## {section['title']}", ""]
        if section.get("note"):
            lines += [section["note"], ""]
        lines += ["| Part | Qty | Rough price each | Notes |", "|---|---|---|---|"]
        for raw in section["row"]:
            row = rows[raw["id"]]
            price = (_money(row.low) if row.low == row.high
                     else f"{_money(row.low)}-{_money(row.high)}")
            lines.append(f"| {md_escape(row.part)} | {row.qty} | {price} "
                         f"| {md_escape(row.note)} |")
    lines += ["", "## Totals", "", "| Build | Rough total |", "|---|---|"]
    for build in builds:
        low, high = build_total(rows, build["rows"])
        lines.append(f"| {md_escape(build['name'])} | {low:.0f}-{high:.0f} |")
    lines += ["", "Not counted: a soldering iron and solder, a multimeter, a USB card reader "
              "to flash the SD card.", ""]
    return "\n".join(lines)
