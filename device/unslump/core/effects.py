"""What the core asks the outside world to do. The runtime carries each one out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from unslump.core.tones import Tone

if TYPE_CHECKING:  # annotations only: the player process needs Play, not every view and row
    from unslump.core.records import Record
    from unslump.core.views import View


@dataclass(frozen=True, slots=True)
class Show:
    """Put this view on the screen (the display skips it if nothing changed)."""

    view: View


@dataclass(frozen=True, slots=True)
class Play:
    """Play this tone now, after any sound still sounding (sounds due together queue).

    ``length_s`` is how long a breath sound should last (it stretches to pace the whole
    breath); None is the tone's own length. ``cut`` silences whatever is sounding or
    queued first (a pause or a stop must not wait behind a six-second out-breath).
    """

    tone: Tone
    length_s: float | None = None
    cut: bool = False


@dataclass(frozen=True, slots=True)
class Say:
    """Speak this short phrase (the routine's own words), if spoken cues are on.

    Tones carry the routine either way; a phrase is spoken over them, never instead.
    """

    text: str


@dataclass(frozen=True, slots=True)
class Log:
    """Write this row to the break log."""

    record: Record


@dataclass(frozen=True, slots=True)
class PanelPower:
    """Switch the panel on or off and set its contrast (0-255), to spare the OLED."""

    on: bool
    contrast: int = 0xCF


@dataclass(frozen=True, slots=True)
class LoadStats:
    """Read the stats pages from the log; the answer comes back as :class:`StatsLoaded`."""


Effect = Show | Play | Say | Log | PanelPower | LoadStats
