"""The panel's I2C address as people write it: ``0x3C``, ``0x3c``, ``3c``, or the ``0x78``
printed on many boards.

``i2cdetect`` prints ``3c``; a module's silkscreen often says ``0x78`` or ``0x7A``, the
same address shifted left by one with the write bit, the way some datasheets print it.
All of them mean one of the two addresses an SSD1306 or SH1106 can answer at, so the
config takes each spelling and the device uses the 7-bit one.
"""

from __future__ import annotations

EIGHT_BIT = {0x78: 0x3C, 0x7A: 0x3D}  # the write address printed on boards: 7-bit << 1


def canonical_address(raw: object) -> object:
    """``"0x3C"`` or ``"0x3D"`` for any spelling of them; anything else as it was given,
    so the error quotes the person's own text."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int):  # `i2c_address = 0x3C` unquoted is a TOML integer
        value = raw
    elif isinstance(raw, str):
        text = raw.strip().lower().removeprefix("0x")
        try:
            value = int(text, 16)
        except ValueError:
            return raw
    else:
        return raw
    value = EIGHT_BIT.get(value, value)
    return f"0x{value:02X}" if value in (0x3C, 0x3D) else raw


def eight_bit_note(raw: object) -> str | None:
    """A note when ``raw`` is a board's 8-bit address: what it means."""
    text = str(raw).strip().lower().removeprefix("0x")
    try:
        value = int(text, 16) if isinstance(raw, str) else int(str(raw))
    except ValueError:
        return None
    if value not in EIGHT_BIT:
        return None
    return (f"{raw} is the 8-bit write address printed on the board; the panel answers at "
            f"0x{EIGHT_BIT[value]:02X}")


__all__ = ["EIGHT_BIT", "canonical_address", "eight_bit_note"]
