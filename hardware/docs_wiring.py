"""The wiring diagram (wiring*.svg): the 40-pin header in the middle, every part beside it.

One diagram per build, each drawn from the pin map by hardware/make_docs.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from itertools import pairwise

from docs_common import GENERATED_NOTE, GPIO_HEX, RAIL_HEX, WIRE_HEX

from unslump.config.pins import HeaderPin, Part, PinMap, Wire

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
INLINE_W = 96  # room between a part and its lanes for the resistors and capacitors on a wire
INLINE_PITCH = 44  # distance between two parts on one wire


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
    left_lane_x0 = MARGIN + PART_W + 14 + INLINE_W
    block_x = left_lane_x0 + LANE * lanes_left + 8
    right_lane_x0 = block_x + BLOCK_W + 8 + LANE
    right_part_x = right_lane_x0 + LANE * lanes_right + 14 + INLINE_W
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
        out += _inline_parts(box)
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
        raise ValueError(f"device/unslump/config/pinmap.toml: {wire.part}.{wire.signal} has colour "
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
        # the parts on the wire are drawn on it; a wire that joins another is a resistor
        label = (f"pull-up to the {wire.joins} wire \u2192 pin {wire.header}" if wire.joins
                 else f"{wire.signal}{bcm} \u2192 pin {wire.header}")
        out.append(f'<text x="{x + inward * 10:.0f}" y="{y + 4:.0f}" font-size="11" '
                   f'text-anchor="{anchor}">{escape(label)}</text>')
    return out


def _ohms(text: str) -> str:
    return text.replace(" kOhm", " k\u03a9").replace(" Ohm", " \u03a9")


def _inline_parts(box: _PlacedPart) -> list[str]:
    """Each resistor and capacitor on a wire, drawn on it between the part and its lane,
    and a wire that meets another at the Pi end (a pull-up) joined to it there."""
    out = []
    away = 1 if box.side == "left" else -1  # from the part towards the header
    for wire in box.wires:
        if wire.header is None:
            continue
        x0, y = box.terminal(wire)
        for index, item in enumerate(wire.inline):
            x = x0 + away * (26 + INLINE_PITCH * index)
            if "nF" in item:  # a capacitor from this wire to GND, hanging below it
                out += [f'<circle cx="{x:.0f}" cy="{y:.0f}" r="2.5" fill="#202020"/>',
                        f'<line x1="{x:.0f}" y1="{y:.0f}" x2="{x:.0f}" y2="{y + 5:.0f}" '
                        'stroke="#202020" stroke-width="1.5"/>',
                        f'<line x1="{x - 6:.0f}" y1="{y + 5:.0f}" x2="{x + 6:.0f}" '
                        f'y2="{y + 5:.0f}" stroke="#202020" stroke-width="2"/>',
                        f'<line x1="{x - 6:.0f}" y1="{y + 8:.0f}" x2="{x + 6:.0f}" '
                        f'y2="{y + 8:.0f}" stroke="#202020" stroke-width="2"/>',
                        f'<text x="{x:.0f}" y="{y - 5:.0f}" font-size="8" '
                        f'text-anchor="middle">{escape(item.replace(" to GND", ""))}'
                        "\u2192GND</text>"]
            else:  # a resistor in the wire
                out += [f'<rect x="{x - 12:.0f}" y="{y - 5:.0f}" width="24" height="10" '
                        'fill="#ffffff" stroke="#202020" stroke-width="1.5"/>',
                        f'<text x="{x:.0f}" y="{y - 7:.0f}" font-size="8" '
                        f'text-anchor="middle">{escape(_ohms(item))}</text>']
        if wire.joins:
            other = next(w for w in box.wires if w.signal == wire.joins)
            x = x0 + away * 12
            _, y_other = box.terminal(other)
            out += [f'<line x1="{x:.0f}" y1="{y:.0f}" x2="{x:.0f}" y2="{y_other:.0f}" '
                    'stroke="#c00000" stroke-width="1.5" stroke-dasharray="3 2"/>',
                    f'<circle cx="{x:.0f}" cy="{y_other:.0f}" r="2.5" fill="#c00000"/>',
                    f'<circle cx="{x:.0f}" cy="{y:.0f}" r="2.5" fill="#c00000"/>']
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
               "dashed box: only for that option; boxes on a wire: resistors at the Pi end; "
               "see pins.md for every note</text>")
    return out
