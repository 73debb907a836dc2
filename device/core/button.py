"""Turning button edges into gestures: a press or a hold.

A press is decided at release, when the button was down for less than the hold time. A
hold is decided the moment the hold time is reached while the button is still down, by a
deadline the loop sleeps until; gpiozero's own hold thread is not used (it runs in real
time on its own thread, so it can neither be tested in virtual time nor ordered against
the other inputs).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Press:
    """A short press, decided at release."""

    at: float


@dataclass(frozen=True, slots=True)
class Hold:
    """The button has been down for the hold time (still down)."""

    at: float


Gesture = Press | Hold


# A button down for longer than this is stuck (a jammed cap, a shorted wire): it is
# ignored until it comes up, so it neither keeps the panel awake nor repeats a hold.
STUCK_S = 60.0


@dataclass(frozen=True, slots=True)
class Stuck:
    """The button has been down for ``STUCK_S`` since ``since``."""

    since: float


@dataclass(frozen=True, slots=True)
class ButtonState:
    """When the button went down (None when up), whether that press became a hold, and
    whether it is stuck."""

    down_at: float | None = None
    held: bool = False
    stuck: bool = False

    def hold_deadline(self, hold_s: float) -> float | None:
        """When a hold (or, after it, being stuck) will be decided, if the button is down."""
        if self.down_at is None or self.stuck:
            return None
        return self.down_at + (STUCK_S if self.held else hold_s)


def button_down(state: ButtonState, at: float) -> ButtonState:
    """The button went down; a second down without an up (a missed edge) restarts the press."""
    return ButtonState(down_at=at)


def button_up(state: ButtonState, at: float) -> tuple[ButtonState, Gesture | None]:
    """The button came up: a press if it was not already a hold."""
    if state.down_at is None:
        return state, None
    return ButtonState(), None if state.held else Press(at)


def button_due(state: ButtonState, at: float,
               hold_s: float) -> tuple[ButtonState, Gesture | Stuck | None]:
    """Decide a hold, or that the button is stuck, when its deadline has come."""
    deadline = state.hold_deadline(hold_s)
    if deadline is None or at < deadline or state.down_at is None:
        return state, None
    if state.held:
        return ButtonState(down_at=state.down_at, held=True, stuck=True), Stuck(state.down_at)
    return ButtonState(down_at=state.down_at, held=True), Hold(deadline)
