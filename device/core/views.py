"""What the screen should show, as small immutable values.

A view holds only what the picture depends on, rounded to what the 128x64 panel can
show, so two equal views are the same picture and the display redraws only on change.
Drawing a view is the job of ``device.adapters.render``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IdleView:
    """The resting screen: is someone seated, and for how long in this bout."""

    seated: bool
    bout_min: int  # whole minutes of the current sitting bout
    remind_after_min: int  # the reminder threshold, for the progress bar
    breaks_today: int = 0
    shift: tuple[int, int] = (0, 0)  # pixel offset against burn-in


@dataclass(frozen=True, slots=True)
class BlankView:
    """Nothing lit (the panel is off or the device is shutting down)."""


View = IdleView | BlankView
