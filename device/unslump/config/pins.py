"""The pin map: which wire of which part goes to which pin of the Pi's header.

It lives in one data file, ``device/unslump/config/pinmap.toml``, because two readers
must agree on it: the code takes its default pins from it
(``default_pins().button_bcm``) and the build guide's pin table and wiring diagram are
generated from it (``hardware/make_docs.py``).
A wiring mistake in that file would be copied faithfully into both, so the loader checks
what can be checked: every header pin exists, each BCM number matches the header pin it
is given with, and no BCM number or header pin is used twice.

Some parts come in variants (the seat sensor: a microswitch, an FSR mat with a
comparator, a radar module). Variants share a ``role``: a build has one of them, so they
may share header pins with each other, never with another part, and they must all use
the same GPIO, because the config has one default pin for the role.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from unslump.errors import ConfigError

PINMAP_RESOURCE = "pinmap.toml"
HEADER_PINS = 40
POWER_RAILS = ("3V3", "5V", "GND")


@dataclass(frozen=True)
class HeaderPin:
    """One pin of the 40-pin header: a GPIO (with its BCM number) or a power rail."""

    number: int
    bcm: int | None
    rail: str | None  # "3V3", "5V" or "GND" when the pin is not a GPIO

    @property
    def label(self) -> str:
        """What a pinout card prints on the pin: ``GPIO17`` or ``GND``."""
        return f"GPIO{self.bcm}" if self.bcm is not None else str(self.rail)


@dataclass(frozen=True)
class Wire:
    """One wire from a part's terminal to a header pin; no header: leave it unconnected."""

    part: str
    signal: str
    header: int | None
    bcm: int | None
    colour: str
    note: str
    # Parts on this wire at the Pi end, in order from the part to the pin ("1 kOhm",
    # "100 nF to GND"): the drawings put each on the wire.
    inline: tuple[str, ...] = ()
    joins: str = ""  # the part's other wire this one meets at the Pi end (a pull-up)

    @property
    def connected(self) -> bool:
        return self.header is not None


@dataclass(frozen=True)
class Part:
    """A component and its wires; ``when`` says which build needs it."""

    id: str
    name: str
    when: str
    wires: tuple[Wire, ...]
    role: str = ""  # parts sharing a role are alternatives; empty means the id

    @property
    def kind(self) -> str:
        """The role this part fills (its id when it has no alternatives)."""
        return self.role or self.id

    @property
    def gpio(self) -> Wire:
        """The part's one GPIO wire (the signal wire of a sensor)."""
        for wire in self.wires:
            if wire.bcm is not None:
                return wire
        raise KeyError(f"part {self.id!r} has no GPIO wire")

    def wire(self, signal: str) -> Wire:
        """The wire for ``signal`` (``"SIG"``, ``"GND"``...); KeyError if the part has none."""
        for wire in self.wires:
            if wire.signal == signal:
                return wire
        raise KeyError(f"part {self.id!r} has no {signal!r} wire")


@dataclass(frozen=True)
class PinMap:
    """The whole map: the header's layout and every part wired to it."""

    header: tuple[HeaderPin, ...]
    parts: tuple[Part, ...]

    def part(self, part_id: str) -> Part:
        """The part called ``part_id``; KeyError if the map has none."""
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(f"the pin map has no part {part_id!r}")

    def bcm(self, part_id: str, signal: str = "SIG") -> int:
        """The BCM number of one part's GPIO wire."""
        bcm = self.part(part_id).wire(signal).bcm
        if bcm is None:
            raise KeyError(f"wire {part_id}.{signal} goes to a power pin, not a GPIO")
        return bcm

    @property
    def wires(self) -> tuple[Wire, ...]:
        """Every wire of every part, in file order."""
        return tuple(wire for part in self.parts for wire in part.wires)

    def variants(self, role: str) -> tuple[Part, ...]:
        """The parts that fill ``role``, the first one the reference build's."""
        return tuple(part for part in self.parts if part.kind == role)

    def build(self, *chosen: str) -> PinMap:
        """The map of one build: ``chosen`` part ids replace the others of their role.

        A role nobody chose keeps its first variant (the reference one).
        """
        picked = {self.part(part_id).kind: part_id for part_id in chosen}
        keep = []
        for part in self.parts:
            wanted = picked.get(part.kind, self.variants(part.kind)[0].id)
            if part.id == wanted:
                keep.append(part)
        return PinMap(self.header, tuple(keep))

    @property
    def button_bcm(self) -> int:
        return self.bcm("button")

    @property
    def seat_bcm(self) -> int:
        """The seat's GPIO, the same for every seat variant (the loader checks it)."""
        bcm = self.variants("seat")[0].gpio.bcm
        assert bcm is not None  # gpio is the wire that has one
        return bcm

    @property
    def buzzer_bcm(self) -> int:
        return self.bcm("buzzer")

    @property
    def i2s_bcm(self) -> tuple[int, int, int]:
        """The I2S amplifier's (BCLK, LRCLK, DIN) pins, fixed by the Pi's PCM block."""
        return (self.bcm("amp", "BCLK"), self.bcm("amp", "LRC"), self.bcm("amp", "DIN"))


def load_pinmap() -> PinMap:
    """Read and check the pin map shipped inside the package."""
    source = Path(__file__).with_name(PINMAP_RESOURCE)  # package data: see shipped_path
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"device/{PINMAP_RESOURCE}: not valid TOML: {exc}") from exc
    return parse_pinmap(data, f"device/{PINMAP_RESOURCE}")


@cache
def default_pins() -> PinMap:
    """The shipped pin map, read once (it is frozen, so sharing it is safe)."""
    return load_pinmap()


def parse_pinmap(data: Mapping[str, Any], source: str) -> PinMap:
    """Build a :class:`PinMap` from parsed TOML, raising ConfigError naming ``source``."""
    header = _parse_header(data.get("header"), source)
    raw_parts = data.get("part")
    if not isinstance(raw_parts, list) or not raw_parts:
        raise ConfigError(f"{source}: no [[part]] tables; add one per wired component")
    parts = tuple(_parse_part(raw, index, source) for index, raw in enumerate(raw_parts))
    pinmap = PinMap(header=header, parts=parts)
    _check(pinmap, source)
    return pinmap


def _parse_header(raw: Any, source: str) -> tuple[HeaderPin, ...]:
    pins = raw.get("pins") if isinstance(raw, Mapping) else None
    if not isinstance(pins, list) or len(pins) != HEADER_PINS:
        raise ConfigError(f"{source}: [header] pins must list all {HEADER_PINS} header pins, "
                          "pin 1 first")
    header = []
    for number, entry in enumerate(pins, start=1):
        if isinstance(entry, int) and not isinstance(entry, bool) and 0 <= entry <= 27:
            header.append(HeaderPin(number, bcm=entry, rail=None))
        elif entry in POWER_RAILS:
            header.append(HeaderPin(number, bcm=None, rail=entry))
        else:
            raise ConfigError(f"{source}: [header] pin {number} is {entry!r}; use a BCM "
                              f"number 0-27 or one of {', '.join(POWER_RAILS)}")
    return tuple(header)


def _parse_part(raw: Any, index: int, source: str) -> Part:
    where = f"{source}: part #{index + 1}"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where} is not a table")
    part_id = _text(raw, "id", where)
    where = f"{source}: part {part_id!r}"
    raw_wires = raw.get("wire")
    if not isinstance(raw_wires, list) or not raw_wires:
        raise ConfigError(f"{where} has no [[part.wire]] entries")
    wires = tuple(_parse_wire(wire, part_id, where) for wire in raw_wires)
    unknown = set(raw) - {"id", "role", "name", "when", "wire"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    role = raw.get("role", "")
    if not isinstance(role, str):
        raise ConfigError(f"{where}: 'role' must be a string")
    return Part(id=part_id, name=_text(raw, "name", where), when=_text(raw, "when", where),
                wires=wires, role=role)


def _parse_wire(raw: Any, part_id: str, where: str) -> Wire:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: a wire is not a table")
    signal = _text(raw, "signal", where)
    where = f"{where}, wire {signal!r}"
    header = raw.get("header")
    if header is None and raw.get("colour") != "none":
        raise ConfigError(f"{where}: no header pin; give one, or colour = \"none\" for a "
                          "terminal left unconnected")
    if header is not None and (not isinstance(header, int) or isinstance(header, bool)
                               or not 1 <= header <= HEADER_PINS):
        raise ConfigError(f"{where}: header = {header!r}; a header pin is 1-{HEADER_PINS}")
    bcm = raw.get("bcm")
    if bcm is not None and (not isinstance(bcm, int) or isinstance(bcm, bool)):
        raise ConfigError(f"{where}: bcm = {bcm!r}; a BCM number is an integer")
    if bcm is not None and header is None:
        raise ConfigError(f"{where}: bcm = {bcm} without a header pin")
    unknown = set(raw) - {"signal", "header", "bcm", "colour", "note", "inline", "joins"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    inline = raw.get("inline", [])
    if not isinstance(inline, list) or not all(isinstance(item, str) and item
                                               for item in inline):
        raise ConfigError(f"{where}: inline = {inline!r}; a list of parts, e.g. [\"1 kOhm\"]")
    return Wire(part=part_id, signal=signal, header=header, bcm=bcm,
                colour=_text(raw, "colour", where), note=str(raw.get("note", "")),
                inline=tuple(inline), joins=str(raw.get("joins", "")))


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: {key!r} must be a non-empty string")
    return value


def _check(pinmap: PinMap, source: str) -> None:
    """Cross-check wires against the header and against each other."""
    part_ids = [part.id for part in pinmap.parts]
    for part_id in part_ids:
        if part_ids.count(part_id) > 1:
            raise ConfigError(f"{source}: part {part_id!r} is defined twice")
    kind = {part.id: part.kind for part in pinmap.parts}
    for part in pinmap.parts:
        first = pinmap.variants(part.kind)[0]
        if part is not first and _gpio_bcm(part) != _gpio_bcm(first):
            raise ConfigError(f"{source}: {part.id} puts its {part.kind} signal on BCM "
                              f"{_gpio_bcm(part)}, {first.id} on BCM {_gpio_bcm(first)}; "
                              f"variants of one role share the pin the config defaults to")
    bcm_owner: dict[int, Wire] = {}
    header_owner: dict[int, Wire] = {}
    for wire in pinmap.wires:
        name = f"{wire.part}.{wire.signal}"
        if wire.header is None:
            continue
        pin = pinmap.header[wire.header - 1]
        if wire.bcm is not None and pin.bcm != wire.bcm:
            raise ConfigError(f"{source}: {name} says BCM {wire.bcm} on header pin "
                              f"{wire.header}, but pin {wire.header} is {pin.label}; "
                              "fix the bcm or the header number")
        if wire.bcm is None and pin.bcm is not None:
            raise ConfigError(f"{source}: {name} goes to header pin {wire.header} "
                              f"({pin.label}) without a bcm; add bcm = {pin.bcm}")
        if wire.bcm is not None and wire.bcm in bcm_owner:
            other = bcm_owner[wire.bcm]
            if kind[other.part] != kind[wire.part]:
                raise ConfigError(f"{source}: BCM {wire.bcm} is used twice "
                                  f"({other.part}.{other.signal} and {name}); move one")
        if wire.header in header_owner and (
                kind[header_owner[wire.header].part] != kind[wire.part]):
            other = header_owner[wire.header]
            raise ConfigError(f"{source}: header pin {wire.header} is used twice "
                              f"({other.part}.{other.signal} and {name}); move one")
        if wire.bcm is not None:
            bcm_owner.setdefault(wire.bcm, wire)
        header_owner.setdefault(wire.header, wire)


def _gpio_bcm(part: Part) -> int | None:
    return next((wire.bcm for wire in part.wires if wire.bcm is not None), None)
