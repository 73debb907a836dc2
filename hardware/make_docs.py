"""Generate the build guide's pin table, drawings and bill of materials from data.

The pin map (device/pinmap.toml) is the one source of truth for wiring: the code reads
its default pins from it, and this script turns it into the pin table (pins.md), one
wiring diagram per seat sensor variant (wiring*.svg), the seat input's Pi-end network
(seat-input.svg) and the header orientation (header.svg), so a pin moved in the data
file moves in every drawing. The bill of materials (bom.md) is made from bom.toml, its
totals added up from the rows. tests/test_hardware_docs.py fails when a committed file
differs from what this script makes now.

Usage (from the repository root, with the project installed in .venv)::

    .venv/bin/python hardware/make_docs.py          # rewrite both files
    .venv/bin/python hardware/make_docs.py --check  # exit 1 if either is stale
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Any

from device.pinmap import HeaderPin, Part, PinMap, Wire, load_pinmap

HARDWARE_DIR = Path(__file__).resolve().parent
PINS_MD = HARDWARE_DIR / "pins.md"
WIRING_SVG = HARDWARE_DIR / "wiring.svg"
SEAT_INPUT_SVG = HARDWARE_DIR / "seat-input.svg"
HEADER_SVG = HARDWARE_DIR / "header.svg"
BOM_TOML = HARDWARE_DIR / "bom.toml"
BOM_MD = HARDWARE_DIR / "bom.md"
# One wiring diagram per seat variant: the reference one is wiring.svg.
VARIANT_SVG = {"seat": WIRING_SVG, "seat-fsr": HARDWARE_DIR / "wiring-fsr.svg",
               "seat-radar": HARDWARE_DIR / "wiring-radar.svg"}

GENERATED_NOTE = ("Generated from device/pinmap.toml by hardware/make_docs.py; "
                  "edit the data file and rerun the script, not this file.")

# Wire colours as drawn. Every wire also gets a dark outline, so white and yellow show.
WIRE_HEX = {
    "black": "#202020", "brown": "#8b4513", "red": "#e02020", "orange": "#ff8c00",
    "yellow": "#ffd700", "green": "#20a020", "blue": "#2060e0", "purple": "#8a2be2",
    "grey": "#909090", "white": "#ffffff",
}
RAIL_HEX = {"3V3": "#f0a020", "5V": "#d03030", "GND": "#202020"}
GPIO_HEX = "#3c8c3c"

# Layout, in SVG user units (pixels).
ROW = 26  # header row pitch
TOP = 96  # y of the first header row
BLOCK_W = 190  # width of the header block (labels sit inside it)
PART_W = 230
TERM = 20  # terminal pitch inside a part box
PART_HEAD = 40  # room for the part's name above its first terminal
PART_GAP = 18
LANE = 11  # spacing of the vertical wire lanes
MARGIN = 20


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
                         f"| {wire.colour} | {_md(wire.note)} |")
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


def _md(text: str) -> str:
    return text.replace("|", "\\|")


# ---------------------------------------------------------------- wiring.svg


@dataclass(frozen=True)
class _PlacedPart:
    part: Part
    side: str  # "left" or "right"
    x: float
    y: float
    wires: tuple[Wire, ...]  # in terminal order, top to bottom

    @property
    def height(self) -> float:
        return PART_HEAD + TERM * len(self.wires)

    def terminal(self, wire: Wire) -> tuple[float, float]:
        """Where the wire leaves the box: the edge facing the header."""
        index = self.wires.index(wire)
        x = self.x + PART_W if self.side == "left" else self.x
        return x, self.y + PART_HEAD + TERM * index + TERM / 2 - 4


def render_wiring_svg(pinmap: PinMap, subtitle: str = "") -> str:
    """A wiring diagram: the 40-pin header in the middle, every part beside it.

    ``pinmap`` should be one build (:meth:`PinMap.build`): variants of a role share pins.

    Odd pins are on the header's left edge and even pins on its right, as on the board.
    Each wire runs in its own vertical lane, so no two wires share a segment; a wire that
    has to reach the far column goes round the top or bottom of the header. Lanes are
    handed out to cross as few other wires as possible.
    """
    legs = _legs(pinmap)
    lanes_left = sum(1 for leg in legs if leg.side == "left")
    lanes_right = sum(1 for leg in legs if leg.side == "right")
    around = sum(1 for leg in legs if leg.side in ("top", "bottom"))
    left_lane_x0 = MARGIN + PART_W + 14
    block_x = left_lane_x0 + LANE * lanes_left + 8
    right_lane_x0 = block_x + BLOCK_W + 8 + LANE
    right_part_x = right_lane_x0 + LANE * lanes_right + 14
    width = right_part_x + PART_W + MARGIN

    top = TOP + LANE * around
    rows = len(pinmap.header) // 2
    header_bottom = top + ROW * rows
    placed = [_PlacedPart(p.part, p.side, MARGIN if p.side == "left" else right_part_x,
                          p.y + top - TOP, p.wires)
              for p in _stack_parts(pinmap, "left") + _stack_parts(pinmap, "right")]
    parts_bottom = max(p.y + p.height for p in placed)
    height = max(header_bottom + 16 + LANE * around, parts_bottom) + 70
    geometry = _Geometry(left_lane_x0, right_lane_x0 + LANE * (lanes_right - 1), top,
                         header_bottom, {pin.number: _pin_xy(pin.number, block_x, top)
                                         for pin in pinmap.header})
    routes = _best_routes(placed, legs, geometry)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif">',
        f"<!-- {GENERATED_NOTE} -->",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text x="{width / 2:.0f}" y="30" font-size="20" font-weight="bold" '
        'text-anchor="middle">Unslump wiring: Raspberry Pi 40-pin header</text>',
        f'<text x="{width / 2:.0f}" y="52" font-size="12" text-anchor="middle">Pin 1 is the '
        "square pad at the SD-card end of the header. BCM numbers shown as GPIOn."
        f"{escape(' ' + subtitle) if subtitle else ''}</text>",
    ]
    out += _header_block(pinmap, block_x, top)
    for wire, points in routes:
        out += _wire(wire, points)
    for box in placed:
        out += _part_box(box)
    out += _legend(height)
    out.append("</svg>")
    return "\n".join(out) + "\n"


Point = tuple[float, float]


@dataclass(frozen=True)
class _Leg:
    """One lane a wire needs: beside the header ("left"/"right") or round it."""

    wire: Wire
    role: str  # "near" (lane by its own part), "far" (lane by the far column), "round"
    side: str  # "left", "right", "top" or "bottom"


@dataclass(frozen=True)
class _Geometry:
    left_lane_x0: float  # x of the left lane nearest the parts
    right_lane_x0: float  # x of the right lane nearest the parts
    top: float
    header_bottom: float
    pin_xy: dict[int, Point]


def _legs(pinmap: PinMap) -> list[_Leg]:
    legs = []
    half = len(pinmap.header) // 2
    for wire in pinmap.wires:
        if wire.header is None:
            continue
        part_side = _side_of_part(pinmap, wire.part)
        legs.append(_Leg(wire, "near", part_side))
        pin_side = _pin_side(wire.header)
        if pin_side != part_side:
            legs.append(_Leg(wire, "round", "top" if wire.header <= half else "bottom"))
            legs.append(_Leg(wire, "far", pin_side))
    return legs


def _best_routes(placed: list[_PlacedPart], legs: list[_Leg],
                 geometry: _Geometry) -> list[tuple[Wire, list[Point]]]:
    """Route every wire, swapping lanes within each group while that removes crossings.

    Plain hill climbing: deterministic, and with a dozen wires a side it settles at once.
    """
    groups = {side: [leg for leg in legs if leg.side == side]
              for side in ("left", "right", "top", "bottom")}
    order = {side: list(group) for side, group in groups.items()}
    best = _crossings(_routes(placed, order, geometry))
    improved = True
    while improved:
        improved = False
        for group in order.values():
            for i in range(len(group)):
                for j in range(i + 1, len(group)):
                    group[i], group[j] = group[j], group[i]
                    score = _crossings(_routes(placed, order, geometry))
                    if score < best:
                        best, improved = score, True
                    else:
                        group[i], group[j] = group[j], group[i]
    return _routes(placed, order, geometry)


def _routes(placed: list[_PlacedPart], order: dict[str, list[_Leg]],
            geometry: _Geometry) -> list[tuple[Wire, list[Point]]]:
    slot = {(leg.wire, leg.role): index for group in order.values()
            for index, leg in enumerate(group)}
    routes = []
    for box in placed:
        for wire in box.wires:
            if wire.header is None:
                continue
            start = box.terminal(wire)
            end = geometry.pin_xy[wire.header]
            near_x = _lane_x(box.side, slot[wire, "near"], geometry)
            points = [start, (near_x, start[1])]
            if (wire, "round") in slot:
                index = slot[wire, "round"]
                upper = wire.header <= len(geometry.pin_xy) // 2  # type: ignore[operator]
                y = (geometry.top - 12 - LANE * index if upper
                     else geometry.header_bottom + 16 + LANE * index)
                far_side = "right" if box.side == "left" else "left"
                far_x = _lane_x(far_side, slot[wire, "far"], geometry)
                points += [(near_x, y), (far_x, y), (far_x, end[1])]
            else:
                points.append((near_x, end[1]))
            points.append(end)
            routes.append((wire, points))
    return routes


def _lane_x(side: str, index: int, geometry: _Geometry) -> float:
    if side == "left":
        return geometry.left_lane_x0 + LANE * index
    return geometry.right_lane_x0 - LANE * index


def _crossings(routes: list[tuple[Wire, list[Point]]]) -> int:
    """How many times two different wires cross (a shared stretch counts as ten)."""
    segments = [(index, a, b) for index, (_, points) in enumerate(routes)
                for a, b in pairwise(points) if a != b]
    count = 0
    for n, (wire_a, a1, a2) in enumerate(segments):
        for wire_b, b1, b2 in segments[n + 1:]:
            if wire_a != wire_b:
                count += _segment_cost(a1, a2, b1, b2)
    return count


def _segment_cost(a1: Point, a2: Point, b1: Point, b2: Point) -> int:
    a_flat, b_flat = a1[1] == a2[1], b1[1] == b2[1]
    if a_flat == b_flat:  # parallel: only a shared stretch matters
        axis = 1 if a_flat else 0
        if a1[axis] != b1[axis]:
            return 0
        other = 1 - axis
        lo = max(min(a1[other], a2[other]), min(b1[other], b2[other]))
        hi = min(max(a1[other], a2[other]), max(b1[other], b2[other]))
        return 10 if hi > lo else 0
    flat, upright = ((a1, a2), (b1, b2)) if a_flat else ((b1, b2), (a1, a2))
    x, y = upright[0][0], flat[0][1]
    inside_x = min(flat[0][0], flat[1][0]) < x < max(flat[0][0], flat[1][0])
    inside_y = min(upright[0][1], upright[1][1]) < y < max(upright[0][1], upright[1][1])
    return int(inside_x and inside_y)


def _pin_side(header: int) -> str:
    return "left" if header % 2 else "right"


def _side_of_part(pinmap: PinMap, part_id: str) -> str:
    """A part sits on the side where most of its wires land (ties go left)."""
    wires = [wire for wire in pinmap.part(part_id).wires if wire.header is not None]
    odd = sum(1 for wire in wires if wire.header % 2)  # type: ignore[operator]
    return "left" if odd * 2 >= len(wires) else "right"


def _pin_xy(number: int, block_x: float, top: float) -> tuple[float, float]:
    row = (number - 1) // 2
    x = block_x + 14 if number % 2 else block_x + BLOCK_W - 14
    return x, top + ROW * row + ROW / 2


def _stack_parts(pinmap: PinMap, side: str) -> list[_PlacedPart]:
    """Place the parts of one side top to bottom, each near the pins it uses."""
    parts = [part for part in pinmap.parts if _side_of_part(pinmap, part.id) == side]
    parts.sort(key=lambda part: sum(_pins(part)) / len(_pins(part)))
    placed: list[_PlacedPart] = []
    next_free = TOP - 10
    for part in parts:
        wires = tuple(sorted(part.wires, key=lambda wire: wire.header or HEADER_END))
        mean_y = sum(_pin_xy(pin, 0, TOP)[1] for pin in _pins(part)) / len(_pins(part))
        height = PART_HEAD + TERM * len(wires)
        y = max(next_free, mean_y - height / 2)
        placed.append(_PlacedPart(part, side, 0, y, wires))
        next_free = y + height + PART_GAP
    return placed


HEADER_END = 99  # sorts unconnected terminals after every header pin


def _pins(part: Part) -> list[int]:
    """The header pins ``part`` is wired to (unconnected terminals left out)."""
    return [wire.header for wire in part.wires if wire.header is not None]


def _header_block(pinmap: PinMap, block_x: float, top: float) -> list[str]:
    used = {wire.header for wire in pinmap.wires}
    rows = len(pinmap.header) // 2
    out = [f'<rect x="{block_x:.0f}" y="{top - 6:.0f}" width="{BLOCK_W}" '
           f'height="{ROW * rows + 12}" rx="8" fill="#1f4d2b" stroke="#0d2614"/>']
    for pin in pinmap.header:
        x, y = _pin_xy(pin.number, block_x, top)
        out.append(_pin_shape(pin, x, y, pin.number in used))
        inward = 1 if pin.number % 2 else -1
        anchor = "start" if inward == 1 else "end"
        weight = ' font-weight="bold"' if pin.number in used else ""
        colour = "#ffffff" if pin.number in used else "#a8c8b0"
        out.append(f'<text x="{x + inward * 14:.0f}" y="{y + 4:.0f}" font-size="11" '
                   f'text-anchor="{anchor}" fill="{colour}"{weight}>{pin.number} '
                   f"{escape(pin.label)}</text>" if inward == 1 else
                   f'<text x="{x + inward * 14:.0f}" y="{y + 4:.0f}" font-size="11" '
                   f'text-anchor="{anchor}" fill="{colour}"{weight}>{escape(pin.label)} '
                   f"{pin.number}</text>")
    return out


def _pin_shape(pin: HeaderPin, x: float, y: float, used: bool) -> str:
    fill = RAIL_HEX.get(pin.rail or "", GPIO_HEX)
    stroke = "#ffffff" if used else "#0d2614"
    width = 2 if used else 1
    if pin.number == 1:
        return (f'<rect x="{x - 7:.0f}" y="{y - 7:.0f}" width="14" height="14" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="{width}"/>')
    return (f'<circle cx="{x:.0f}" cy="{y:.0f}" r="7" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width}"/>')


def _wire(wire: Wire, points: list[tuple[float, float]]) -> list[str]:
    colour = WIRE_HEX.get(wire.colour)
    if colour is None:
        raise ValueError(f"device/pinmap.toml: {wire.part}.{wire.signal} has colour "
                         f"{wire.colour!r}; use one of {', '.join(sorted(WIRE_HEX))}")
    path = " ".join(f"{x:.0f},{y:.0f}" for x, y in points)
    title = f"{wire.part}.{wire.signal} to header pin {wire.header}"
    return [
        f'<g><title>{escape(title)}</title>',
        f'<polyline points="{path}" fill="none" stroke="#404040" stroke-width="5" '
        'stroke-linejoin="round" stroke-linecap="round"/>',
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3" '
        'stroke-linejoin="round" stroke-linecap="round"/>',
        "</g>",
    ]


def _part_box(box: _PlacedPart) -> list[str]:
    optional = box.part.when != "always"
    dash = ' stroke-dasharray="6 4"' if optional else ""
    fill = "#f4f4f4" if optional else "#e8f0fb"
    out = [f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{PART_W}" '
           f'height="{box.height:.0f}" rx="6" fill="{fill}" stroke="#333333" '
           f'stroke-width="1.5"{dash}/>',
           f'<text x="{box.x + 8:.0f}" y="{box.y + 17:.0f}" font-size="12" '
           f'font-weight="bold">{escape(box.part.name)}</text>',
           f'<text x="{box.x + 8:.0f}" y="{box.y + 31:.0f}" font-size="10" '
           f'fill="#555555">{escape("needed: " + box.part.when)}</text>']
    for wire in box.wires:
        x, y = box.terminal(wire)
        inward = -1 if box.side == "left" else 1
        anchor = "end" if box.side == "left" else "start"
        bcm = f" (GPIO{wire.bcm})" if wire.bcm is not None else ""
        if wire.header is None:  # an open terminal: a hollow ring, no wire
            out.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="4" fill="#ffffff" '
                       'stroke="#333333" stroke-width="1.5"/>')
            out.append(f'<text x="{x + inward * 10:.0f}" y="{y + 4:.0f}" font-size="11" '
                       f'text-anchor="{anchor}" font-style="italic">{escape(wire.signal)}: '
                       "leave unconnected</text>")
            continue
        out.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="4" fill="#333333"/>')
        out.append(f'<text x="{x + inward * 10:.0f}" y="{y + 4:.0f}" font-size="11" '
                   f'text-anchor="{anchor}">{escape(wire.signal + bcm)} '
                   f"\u2192 pin {wire.header}</text>")
    return out


def _legend(height: float) -> list[str]:
    y = height - 40
    items = [("3V3", RAIL_HEX["3V3"]), ("5V", RAIL_HEX["5V"]), ("GND", RAIL_HEX["GND"]),
             ("GPIO", GPIO_HEX)]
    out = []
    x = MARGIN
    for name, colour in items:
        out.append(f'<circle cx="{x + 7}" cy="{y:.0f}" r="7" fill="{colour}"/>')
        out.append(f'<text x="{x + 20}" y="{y + 4:.0f}" font-size="11">{name}</text>')
        x += 70
    out.append(f'<text x="{x + 10}" y="{y + 4:.0f}" font-size="11">white ring: pin in use; '
               "dashed box: only for that option; see pins.md for every note</text>")
    return out


# ---------------------------------------------------------------- seat-input.svg


def render_seat_input_svg(pinmap: PinMap) -> str:
    """The seat input's Pi-end network for the reference microswitch, as a schematic.

    A 2-3 m cable from an office chair picks up static and mains hum: the 1 kOhm in
    series limits what reaches the pin, the 100 nF shorts fast spikes to ground, and the
    2.2 kOhm pull-up sits on the cable side of the series resistor, so a closed switch
    still reads a clean 0 V at the pin. The pin numbers come from the pin map.
    """
    seat = pinmap.part("seat")
    signal, ground, pull = seat.gpio, seat.wire("COM"), seat.wire("PULL-UP")
    label = {wire.signal: f"pin {wire.header} {pinmap.header[wire.header - 1].label}"
             for wire in (signal, ground, pull) if wire.header is not None}
    rail, sig_y, gnd_y = 90, 190, 300
    node_a, node_b = 330, 170
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="410" viewBox="0 0 900 '
        '410" font-family="DejaVu Sans, Arial, sans-serif">',
        f"<!-- {GENERATED_NOTE} -->",
        '<rect x="0" y="0" width="900" height="410" fill="#ffffff"/>',
        '<text x="450" y="30" font-size="18" font-weight="bold" text-anchor="middle">Seat '
        "input: the microswitch, its cable and the parts at the Pi end</text>",
        '<rect x="120" y="52" width="300" height="290" rx="8" fill="#f4f8f4" '
        'stroke="#3c8c3c" stroke-dasharray="6 4"/>',
        '<text x="130" y="334" font-size="11" fill="#3c8c3c">at the Pi end (stripboard or '
        "heat-shrink)</text>",
    ]
    # header pins on the left
    for y, text, colour in ((rail, label["PULL-UP"], RAIL_HEX["3V3"]),
                            (sig_y, label[signal.signal], GPIO_HEX),
                            (gnd_y, label["COM"], RAIL_HEX["GND"])):
        out.append(f'<circle cx="40" cy="{y}" r="7" fill="{colour}"/>')
        out.append(f'<text x="52" y="{y - 12}" font-size="12" font-weight="bold">'
                   f"{escape(text)}</text>")
    line = 'stroke="#202020" stroke-width="2" fill="none"'
    out += [
        f'<polyline points="47,{rail} {node_a},{rail} {node_a},{rail + 22}" {line}/>',
        _resistor_v(node_a, rail + 22, "2.2 k\u03a9", "pull-up"),
        f'<polyline points="{node_a},{rail + 70} {node_a},{sig_y}" {line}/>',
        f'<polyline points="47,{sig_y} {node_b + 40},{sig_y}" {line}/>',
        _resistor_h(node_b + 40, sig_y, "1 k\u03a9", "series"),
        f'<polyline points="{node_b + 100},{sig_y} 520,{sig_y}" {line}/>',
        f'<circle cx="{node_a}" cy="{sig_y}" r="4" fill="#202020"/>',
        f'<circle cx="{node_b}" cy="{sig_y}" r="4" fill="#202020"/>',
        f'<polyline points="{node_b},{sig_y} {node_b},{sig_y + 40}" {line}/>',
        _capacitor(node_b, sig_y + 40, "100 nF"),
        f'<polyline points="{node_b},{sig_y + 60} {node_b},{gnd_y}" {line}/>',
        f'<circle cx="{node_b}" cy="{gnd_y}" r="4" fill="#202020"/>',
        f'<polyline points="47,{gnd_y} 520,{gnd_y}" {line}/>',
        # the connector
        f'<rect x="520" y="{sig_y - 30}" width="36" height="{gnd_y - sig_y + 60}" rx="4" '
        'fill="#dddddd" stroke="#333333"/>',
        f'<text x="538" y="{gnd_y + 48}" font-size="11" text-anchor="middle">connector'
        "</text>",
        f'<text x="538" y="{gnd_y + 62}" font-size="10" text-anchor="middle" '
        'fill="#555555">(3.5 mm jack or GX12)</text>',
        # the cable
        f'<path d="M556,{sig_y} C600,{sig_y - 20} 660,{sig_y + 20} 720,{sig_y}" {line}/>',
        f'<path d="M556,{gnd_y} C600,{gnd_y + 20} 660,{gnd_y - 20} 720,{gnd_y}" {line}/>',
        f'<text x="638" y="{(sig_y + gnd_y) // 2 - 8}" font-size="11" text-anchor="middle">'
        "2-3 m twisted pair</text>",
        f'<text x="638" y="{(sig_y + gnd_y) // 2 + 8}" font-size="10" text-anchor="middle" '
        'fill="#555555">down the gas-lift column</text>',
        # the switch
        f'<rect x="720" y="{sig_y - 40}" width="160" height="{gnd_y - sig_y + 80}" rx="6" '
        'fill="#e8f0fb" stroke="#333333" stroke-width="1.5"/>',
        f'<text x="800" y="{sig_y - 22}" font-size="12" font-weight="bold" '
        'text-anchor="middle">microswitch</text>',
        f'<text x="800" y="{sig_y - 8}" font-size="10" text-anchor="middle" '
        'fill="#555555">gold contacts, NO/COM</text>',
        f'<circle cx="732" cy="{sig_y}" r="4" fill="#333333"/>',
        f'<text x="742" y="{sig_y + 18}" font-size="11">NO</text>',
        f'<circle cx="732" cy="{gnd_y}" r="4" fill="#333333"/>',
        f'<text x="742" y="{gnd_y - 8}" font-size="11">COM</text>',
        f'<circle cx="800" cy="{(sig_y + gnd_y) // 2 + 20}" r="4" fill="#ffffff" '
        'stroke="#333333" stroke-width="1.5"/>',
        f'<text x="810" y="{(sig_y + gnd_y) // 2 + 24}" font-size="11" font-style="italic">'
        "NC: open</text>",
        f'<polyline points="732,{gnd_y} 732,{gnd_y - 40} 760,{sig_y + 22}" '
        'stroke="#333333" stroke-width="2" fill="none"/>',
        f'<text x="450" y="{gnd_y + 92}" font-size="11" text-anchor="middle">Sitting closes '
        f"NO to COM: the pin reads 0 V (seat_active = \"low\"). Open: the pull-up gives "
        "3.3 V. Nothing else needs power.</text>",
        "</svg>",
    ]
    return "\n".join(out) + "\n"


def _resistor_v(x: float, y: float, value: str, role: str) -> str:
    return (f'<rect x="{x - 8:.0f}" y="{y:.0f}" width="16" height="48" fill="#ffffff" '
            f'stroke="#202020" stroke-width="2"/><text x="{x + 14:.0f}" y="{y + 22:.0f}" '
            f'font-size="12">{escape(value)}</text><text x="{x + 14:.0f}" y="{y + 36:.0f}" '
            f'font-size="10" fill="#555555">{escape(role)}</text>')


def _resistor_h(x: float, y: float, value: str, role: str) -> str:
    return (f'<rect x="{x:.0f}" y="{y - 8:.0f}" width="60" height="16" fill="#ffffff" '
            f'stroke="#202020" stroke-width="2"/><text x="{x + 30:.0f}" y="{y - 14:.0f}" '
            f'font-size="12" text-anchor="middle">{escape(value)}</text><text '
            f'x="{x + 30:.0f}" y="{y + 24:.0f}" font-size="10" text-anchor="middle" '
            f'fill="#555555">{escape(role)}</text>')


def _capacitor(x: float, y: float, value: str) -> str:
    return (f'<line x1="{x - 14:.0f}" y1="{y:.0f}" x2="{x + 14:.0f}" y2="{y:.0f}" '
            f'stroke="#202020" stroke-width="3"/><line x1="{x - 14:.0f}" y1="{y + 20:.0f}" '
            f'x2="{x + 14:.0f}" y2="{y + 20:.0f}" stroke="#202020" stroke-width="3"/>'
            f'<text x="{x + 20:.0f}" y="{y + 14:.0f}" font-size="12">{escape(value)}</text>')


# ---------------------------------------------------------------- header.svg


def render_header_svg(pinmap: PinMap) -> str:
    """Where pin 1 is: a Zero 2 W and a Pi 3/4/5 seen from above, header at the top.

    On every 40-pin Pi, pin 1 (3V3) is at the SD-card end of the header, in the row nearer
    the middle of the board; pin 2 (5V) is beside it at the board's edge. Getting this
    backwards puts 5 V on a 3.3 V pin, so the drawing shows both boards.
    """
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="480" viewBox="0 0 900 '
        '480" font-family="DejaVu Sans, Arial, sans-serif">',
        f"<!-- {GENERATED_NOTE} -->",
        '<rect x="0" y="0" width="900" height="480" fill="#ffffff"/>',
        '<text x="450" y="30" font-size="18" font-weight="bold" text-anchor="middle">Finding '
        "pin 1: the boards seen from above (components up)</text>",
    ]
    out += _board(pinmap, 30, 110, 5.0, 65, 30, "Pi Zero 2 W",
                  bottom=[(12.4, "mini HDMI"), (41.4, "USB"), (54, "PWR IN")], right=[],
                  sd="microSD (slot at this end)")
    out += _board(pinmap, 470, 110, 4.5, 85, 56, "Pi 3, 4 and 5",
                  bottom=[(11, "power"), (30, "HDMI"), (54, "audio (3, 4)")],
                  right=[(28, "USB, Ethernet")], sd="microSD (underside, this end)")
    out.append('<text x="450" y="462" font-size="12" text-anchor="middle">Odd pins (1, 3, '
               "... 39) are the inner row, even pins (2, 4, ... 40) the row at the edge. "
               "Pin 1 has a square pad.</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _board(pinmap: PinMap, x0: float, y0: float, mm: float, width_mm: float,
           height_mm: float, title: str, bottom: list[tuple[float, str]],
           right: list[tuple[float, str]], sd: str) -> list[str]:
    w, h = width_mm * mm, height_mm * mm
    header_x = x0 + (32.5 - 25.4) * mm  # 50.8 mm long, centred between the holes
    pitch = 2.54 * mm
    out = [f'<rect x="{x0:.0f}" y="{y0:.0f}" width="{w:.0f}" height="{h:.0f}" rx="14" '
           'fill="#1f6b3a" stroke="#0d2614" stroke-width="2"/>',
           f'<text x="{x0 + 40 * mm:.0f}" y="{y0 + h - 7 * mm:.0f}" font-size="16" '
           f'fill="#ffffff" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
           f'<text x="{x0 + w / 2:.0f}" y="{y0 - 40:.0f}" font-size="11" '
           'text-anchor="middle">board edge</text>']
    for cx, cy in ((3.5, 3.5), (61.5, 3.5), (3.5, height_mm - 3.5),
                   (61.5, height_mm - 3.5)):  # the same holes on every 40-pin board
        out.append(f'<circle cx="{x0 + cx * mm:.0f}" cy="{y0 + cy * mm:.0f}" r="{1.4 * mm:.0f}" '
                   'fill="#ffffff" stroke="#c8a040" stroke-width="2"/>')
    for number in range(1, len(pinmap.header) + 1):
        column = (number - 1) // 2
        outer = number % 2 == 0
        cx = header_x + pitch / 2 + column * pitch
        cy = y0 + (1.2 * mm if outer else 1.2 * mm + pitch) + pitch / 2
        rail = pinmap.header[number - 1].rail
        fill = RAIL_HEX.get(rail or "", GPIO_HEX)
        if number == 1:
            out.append(f'<rect x="{cx - 5:.0f}" y="{cy - 5:.0f}" width="10" height="10" '
                       f'fill="{fill}" stroke="#ffffff" stroke-width="2"/>')
        else:
            out.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="4.5" fill="{fill}" '
                       'stroke="#0d2614"/>')
    first_x = header_x + pitch / 2
    last_x = header_x + pitch / 2 + 19 * pitch
    inner_y = y0 + 1.2 * mm + pitch * 1.5
    outer_y = y0 + 1.2 * mm + pitch / 2
    out += [
        f'<polyline points="{first_x:.0f},{inner_y + 8:.0f} {first_x:.0f},{inner_y + 40:.0f}"'
        ' stroke="#ffd700" stroke-width="2"/>',
        f'<text x="{first_x + 4:.0f}" y="{inner_y + 54:.0f}" font-size="12" '
        'fill="#ffd700" font-weight="bold">pin 1 (3V3)</text>',
        f'<polyline points="{first_x:.0f},{outer_y - 8:.0f} {first_x:.0f},{y0 - 22:.0f}" '
        'stroke="#d03030" stroke-width="2"/>',
        f'<text x="{first_x + 4:.0f}" y="{y0 - 26:.0f}" font-size="12" fill="#d03030" '
        'font-weight="bold">pin 2 (5V)</text>',
        f'<text x="{last_x:.0f}" y="{y0 - 26:.0f}" font-size="11" text-anchor="middle">pin 40'
        "</text>",
        f'<text x="{last_x:.0f}" y="{inner_y + 24:.0f}" font-size="11" text-anchor="middle" '
        'fill="#ffffff">pin 39</text>',
        f'<rect x="{x0 - 12:.0f}" y="{y0 + h / 2 - 28:.0f}" width="16" height="56" rx="2" '
        'fill="#c0c0c0" stroke="#555555" stroke-dasharray="4 2"/>',
        f'<text x="{x0 + 10:.0f}" y="{y0 + h + 40:.0f}" font-size="11">{escape(sd)} \u2190'
        "</text>",
    ]
    for at_mm, name in bottom:
        out.append(f'<rect x="{x0 + at_mm * mm - 16:.0f}" y="{y0 + h - 8:.0f}" width="32" '
                   'height="14" fill="#b0b0b0" stroke="#555555"/>')
        out.append(f'<text x="{x0 + at_mm * mm:.0f}" y="{y0 + h + 22:.0f}" font-size="10" '
                   f'text-anchor="middle">{escape(name)}</text>')
    for at_mm, name in right:
        out.append(f'<rect x="{x0 + w - 10:.0f}" y="{y0 + at_mm * mm - 80:.0f}" width="18" '
                   'height="160" fill="#b0b0b0" stroke="#555555"/>')
        out.append(f'<text x="{x0 + w - 14:.0f}" y="{y0 + at_mm * mm + 4:.0f}" '
                   f'font-size="11" text-anchor="end" fill="#ffffff">{escape(name)}</text>')
    return out


# ---------------------------------------------------------------- bom.md


@dataclass(frozen=True)
class BomRow:
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
            lines.append(f"| {_md(row.part)} | {row.qty} | {price} | {_md(row.note)} |")
    lines += ["", "## Totals", "", "| Build | Rough total |", "|---|---|"]
    for build in builds:
        low, high = build_total(rows, build["rows"])
        lines.append(f"| {_md(build['name'])} | {low:.0f}-{high:.0f} |")
    lines += ["", "Not counted: a soldering iron and solder, a multimeter, a USB card reader "
              "to flash the SD card.", ""]
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
    files[HEADER_SVG] = render_header_svg(pinmap)
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


if __name__ == "__main__":
    sys.exit(main())
