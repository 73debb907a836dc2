"""Care for the OLED: off when nobody is there, dimmed when untouched, content nudged.

OLED pixels wear with the hours they are lit, so the panel switches off after the seat
has been empty for a while, lowers its contrast after some minutes without interaction,
and the idle screen moves by a pixel now and then.
"""

from __future__ import annotations

from dataclasses import dataclass

BRIGHT = 0xCF  # the SSD1306's usual contrast after luma's init
DIM = 0x10
# The idle screen's positions, a pixel apart, visited in turn.
SHIFTS: tuple[tuple[int, int], ...] = ((0, 0), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0))


@dataclass(frozen=True, slots=True)
class PanelState:
    """Is the panel lit, is it dimmed, and when was the device last touched."""

    on: bool = True
    dimmed: bool = False
    touched_at: float = 0.0

    @property
    def contrast(self) -> int:
        return DIM if self.dimmed else BRIGHT

    def touched(self, at: float) -> PanelState:
        """An interaction: light the panel fully."""
        return PanelState(on=True, dimmed=False, touched_at=at)


def shift_slot(at: float, every_s: float) -> int:
    return int(at // every_s)


def shift_for(slot: int) -> tuple[int, int]:
    return SHIFTS[slot % len(SHIFTS)]
