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


@dataclass(frozen=True, slots=True)
class ButtonState:
    """When the button went down (None when up), and whether that press became a hold."""

    down_at: float | None = None
    held: bool = False

    def hold_deadline(self, hold_s: float) -> float | None:
        """When a hold will be decided, if the button is down and not yet held."""
        if self.down_at is None or self.held:
            return None
        return self.down_at + hold_s


def button_down(state: ButtonState, at: float) -> ButtonState:
    """The button went down; a second down without an up (a missed edge) restarts the press."""
    return ButtonState(down_at=at)


def button_up(state: ButtonState, at: float) -> tuple[ButtonState, Gesture | None]:
    """The button came up: a press if it was not already a hold."""
    if state.down_at is None:
        return state, None
    return ButtonState(), None if state.held else Press(at)


def button_due(state: ButtonState, at: float, hold_s: float) -> tuple[ButtonState, Gesture | None]:
    """Decide a hold whose deadline has come."""
    deadline = state.hold_deadline(hold_s)
    if deadline is None or at < deadline:
        return state, None
    return ButtonState(down_at=state.down_at, held=True), Hold(deadline)
