"""Care for the OLED: off when nobody is there, dimmed when untouched, content nudged.

OLED pixels wear with the hours they are lit, so the panel switches off after the seat
has been empty for a while, lowers its contrast after some minutes without interaction,
and the idle screen moves by a pixel now and then.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
        return PanelState(touched_at=at)

    def dark_at(self, empty_since: float | None, off_after_s: float) -> float | None:
        """When the lit panel goes dark: once the seat has been empty (since
        ``empty_since``, None while someone sits) and the panel untouched that long."""
        if not self.on or empty_since is None:
            return None
        return max(empty_since, self.touched_at) + off_after_s

    def dim_at(self, dim_after_s: float) -> float | None:
        """When the lit panel dims: untouched that long."""
        return None if not self.on or self.dimmed else self.touched_at + dim_after_s

    def darkened(self) -> PanelState:
        return replace(self, on=False)

    def dimmed_down(self) -> PanelState:
        return replace(self, dimmed=True)


def shift_slot(at: float, every_s: float) -> int:
    return int(at // every_s)


def shift_for(slot: int) -> tuple[int, int]:
    return SHIFTS[slot % len(SHIFTS)]
