"""What ``doctor --live`` tells a builder whose seat reading is wrong, sensor by sensor.

A microswitch, a normally-closed switch, an FSR comparator and an LD2410 radar fail in
different ways: a radar that reads "seated" while its builder stands beside it is seeing
him (its OUT is held for its no-one delay), not wired the wrong way round, and turning
``seat_active`` over would swap seated and empty for good. The config says which family
the seat is ([pins] seat_active and seat_pull, as the guide sets them for each sensor),
so the advice names that family's wires and adjustments, and the commands to type.
"""

from __future__ import annotations

from enum import Enum

from unslump.config.file import PinsConfig
from unslump.config.pins import default_pins


class SeatFamily(Enum):
    """The sensors the guide's settings of [pins] seat_active and seat_pull stand for."""

    OPEN_SWITCH = "a normally-open switch (the microswitch) or an FSR comparator"
    CLOSED_SWITCH = "a normally-closed switch or an FSR comparator that goes high"
    MODULE = "an LD2410 radar (or a module that drives its output high)"


def seat_family(pins: PinsConfig) -> SeatFamily:
    """The family the config's seat settings describe."""
    pull = pins.seat_pull_resolved
    if pins.seat_active == "high":
        return SeatFamily.CLOSED_SWITCH if pull == "up" else SeatFamily.MODULE
    return SeatFamily.OPEN_SWITCH


def header_pin(bcm: int) -> int:
    """The physical header pin of GPIO ``bcm`` (from the pin map's header layout)."""
    return next(pin.number for pin in default_pins().header if pin.bcm == bcm)


def _where(pins: PinsConfig) -> str:
    return f"pin {header_pin(pins.seat)} (GPIO{pins.seat})"


def seated_while_empty(pins: PinsConfig, waited_s: float) -> tuple[str, str]:
    """(what was seen, the fix) for a seat that never read empty with nobody on it."""
    family = seat_family(pins)
    seen = (f"reads seated while nobody sits (for {waited_s:.0f} s; config: "
            f"{family.value})")
    if family is SeatFamily.MODULE:
        return seen, (
            "the radar still sees someone: step well away (out of its range), shorten its "
            "farthest gate to 1 or 2 and its no-one delay to a few seconds in HLKRadarTool, "
            "and point it at the seat, not at a walkway; do not change seat_active for a "
            "radar (OUT is high while someone is there)")
    if family is SeatFamily.CLOSED_SWITCH:
        return seen, (
            "the contact is open with nobody on it: if it is a normally-open switch, "
            "sudo unslump config set pins.seat_active low; an FSR comparator: turn its "
            "trimmer until its LED changes only when you sit")
    return seen, (
        "the contact is closed with nobody on it: the sandwich presses the lever at rest "
        "(give it room) or NC is wired instead of NO; a normally-closed switch: sudo "
        "unslump config set pins.seat_active high, then sudo unslump config set "
        "pins.seat_pull up; an FSR comparator: turn its trimmer until its LED goes off "
        "with nobody sitting")


def no_change(pins: PinsConfig) -> str:
    """The fix for a seat pin that did not change when someone sat or stood."""
    family = seat_family(pins)
    where = _where(pins)
    if family is SeatFamily.MODULE:
        return (f"radar: VCC to pin 2 (5V), GND to pin 14, OUT to {where} through the 1 "
                "kOhm; sit within its range (its farthest gate) and wait for its no-one "
                "delay when you leave")
    switch = "NC" if family is SeatFamily.CLOSED_SWITCH else "NO"
    return (f"switch: COM to GND (pin 14), {switch} to {where} through the 1 kOhm, the "
            "2.2 kOhm pull-up from pin 17 (3V3), under the sitting bones; FSR comparator: "
            f"VCC to pin 17 (3V3), GND, DO to {where} through the 1 kOhm, and its LED "
            "should switch as you sit (turn the trimmer)")


def never_held(pins: PinsConfig) -> str:
    """The fix for a reading that kept changing and never held for the confirm time."""
    family = seat_family(pins)
    if family is SeatFamily.MODULE:
        return ("the radar loses you while you sit still: point it at the seat from under "
                "the desk or the chair's back, raise its still-presence sensitivity for "
                "the near gates in HLKRadarTool, and keep the cable's 1 kOhm and 100 nF")
    return ("mount the sensor under the sitting bones and firm it up (a switch's lever must "
            "stay pressed as you shift); an FSR comparator: turn its trimmer so it switches "
            "with margin")


__all__ = ["SeatFamily", "header_pin", "never_held", "no_change", "seat_family",
           "seated_while_empty"]
