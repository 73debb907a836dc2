"""Generate the build guide's pin table, drawings and bill of materials from data.

The pin map (device/unslump/config/pinmap.toml) is the one source of truth for wiring: the
code reads its default pins from it, and this script turns it into the pin table (pins.md), one
wiring diagram per seat sensor variant (wiring*.svg), the seat input's Pi-end network
(seat-input.svg), the buzzer's two options with the transistor driver (buzzer-driver.svg)
and the header orientation (header.svg), so a pin moved in the data
file moves in every drawing. The bill of materials (bom.md) is made from bom.toml, its
totals added up from the rows. tests/unit/test_hardware_docs.py fails when a committed file
differs from what this script makes now.

Usage (from the repository root, with the project installed in .venv)::

    .venv/bin/python hardware/make_docs.py          # rewrite every generated file
    .venv/bin/python hardware/make_docs.py --check  # exit 1 if one is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docs_bom import BOM_TOML, bom_rows, build_total, load_bom, render_bom_md
from docs_common import GENERATED_NOTE, md_escape
from docs_drawings import (
    render_buzzer_driver_svg,
    render_header_svg,
    render_seat_input_powered_svg,
    render_seat_input_svg,
)
from docs_wiring import render_wiring_svg

from unslump.config.pins import PinMap, load_pinmap

HARDWARE_DIR = Path(__file__).resolve().parent
PINS_MD = HARDWARE_DIR / "pins.md"
WIRING_SVG = HARDWARE_DIR / "wiring.svg"
SEAT_INPUT_SVG = HARDWARE_DIR / "seat-input.svg"
HEADER_SVG = HARDWARE_DIR / "header.svg"
BUZZER_SVG = HARDWARE_DIR / "buzzer-driver.svg"
SEAT_POWERED_SVG = HARDWARE_DIR / "seat-input-powered.svg"
BOM_MD = HARDWARE_DIR / "bom.md"
# One wiring diagram per seat variant: the reference one is wiring.svg.
VARIANT_SVG = {"seat": WIRING_SVG, "seat-fsr": HARDWARE_DIR / "wiring-fsr.svg",
               "seat-radar": HARDWARE_DIR / "wiring-radar.svg"}


# ---------------------------------------------------------------- pins.md


def render_pins_md(pinmap: PinMap) -> str:
    """The pin table of the build guide, as Markdown."""
    lines = [
        "# Pin map",
        "",
        f"<!-- {GENERATED_NOTE} -->",
        "",
        "BCM is the GPIO number the software uses; *header* is the physical pin, counted",
        "from pin 1 (the square pad, at the SD-card end of the header; odd pins in the",
        "row nearer the middle of the board; see [header.svg](header.svg)). The seat",
        "sensor comes in variants: wire one of them. One drawing per variant:",
        "",
        *(f"- [{path.name}]({path.name}): {pinmap.part(part_id).name}"
          for part_id, path in VARIANT_SVG.items()),
        "- [seat-input.svg](seat-input.svg): the parts at the Pi end of the seat cable",
        "",
        "## By part",
        "",
        "| Part | Needed | Signal | BCM | Header pin | Wire | Note |",
        "|---|---|---|---|---|---|---|",
    ]
    for part in pinmap.parts:
        for wire in part.wires:
            bcm = str(wire.bcm) if wire.bcm is not None else "-"
            header = (f"{wire.header} ({pinmap.header[wire.header - 1].label})"
                      if wire.header is not None else "not connected")
            lines.append(f"| {part.name} | {part.when} | {wire.signal} | {bcm} | {header} "
                         f"| {wire.colour} | {md_escape(wire.note)} |")
    lines += [
        "",
        "## By header pin",
        "",
        "| Used by | Function | Pin | Pin | Function | Used by |",
        "|---:|---:|:---:|:---:|:---|:---|",
    ]
    users: dict[int, str] = {}
    for wire in pinmap.wires:
        if wire.header is not None:
            name = f"{wire.part}.{wire.signal}"
            users[wire.header] = (f"{users[wire.header]} / {name}" if wire.header in users
                                  else name)
    for odd in range(1, len(pinmap.header), 2):
        left, right = pinmap.header[odd - 1], pinmap.header[odd]
        lines.append(f"| {users.get(left.number, '')} | {left.label} | {left.number} "
                     f"| {right.number} | {right.label} | {users.get(right.number, '')} |")
    lines.append("")
    return "\n".join(lines)



# ---------------------------------------------------------------- command line


def generated(pinmap: PinMap | None = None) -> dict[Path, str]:
    """Every generated file and the text it should hold now."""
    pinmap = pinmap or load_pinmap()
    files = {PINS_MD: render_pins_md(pinmap)}
    for part_id, path in VARIANT_SVG.items():
        files[path] = render_wiring_svg(pinmap.build(part_id),
                                        f"Seat: {pinmap.part(part_id).when.split(': ')[1]}.")
    files[SEAT_INPUT_SVG] = render_seat_input_svg(pinmap)
    files[SEAT_POWERED_SVG] = render_seat_input_powered_svg(pinmap)
    files[HEADER_SVG] = render_header_svg(pinmap)
    files[BUZZER_SVG] = render_buzzer_driver_svg(pinmap)
    files[BOM_MD] = render_bom_md(*load_bom())
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a generated file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)}; run hardware/make_docs.py", file=sys.stderr)
        return 1
    for name in stale:
        print(f"wrote hardware/{name}")
    return 0


__all__ = [
    "BOM_TOML",
    "GENERATED_NOTE",
    "VARIANT_SVG",
    "bom_rows",
    "build_total",
    "generated",
    "load_bom",
    "main",
    "render_bom_md",
    "render_buzzer_driver_svg",
    "render_header_svg",
    "render_pins_md",
    "render_seat_input_powered_svg",
    "render_seat_input_svg",
    "render_wiring_svg",
]

if __name__ == "__main__":
    sys.exit(main())
