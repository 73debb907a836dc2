"""Turning button edges into gestures: a press or a hold.

A press is decided when the release has settled (the contact stayed up for the debounce
time, ``[button] debounce_ms``), if the button was down for less than the hold time. A
hold is decided the moment the hold time is reached while the button is still down, by a
deadline the loop sleeps until; gpiozero's own hold thread is not used (it runs in real
time on its own thread, so it can neither be tested in virtual time nor ordered against
the other inputs).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


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
    """When the button went down (None when up), whether that press became a hold, whether
    it is stuck, whether it only wakes the panel, and when it came up if that release has
    not settled yet."""

    down_at: float | None = None
    held: bool = False
    stuck: bool = False
    waking: bool = False  # went down on a dark panel: it wakes it and is no gesture
    released_at: float | None = None  # came up; a press only once this has settled

    def deadline(self, hold_s: float, debounce_s: float) -> float | None:
        """When the release settles, or a hold (or, after it, being stuck) is decided."""
        if self.released_at is not None:
            return self.released_at + debounce_s
        if self.down_at is None or self.stuck:
            return None
        return self.down_at + (STUCK_S if self.held else hold_s)


def button_down(state: ButtonState, at: float, *, waking: bool = False) -> ButtonState:
    """The button went down.

    A down while a release is still settling is contact bounce: the press goes on as if
    the button had never come up. Otherwise a new press starts (a second down without an
    up, a missed edge, restarts it).
    """
    if state.released_at is not None:
        return replace(state, released_at=None)
    return ButtonState(down_at=at, waking=waking)


def button_up(state: ButtonState, at: float) -> ButtonState:
    """The button came up; the release counts once it has stayed up for the debounce time.

    Mechanical contacts bounce for a few milliseconds (down, up, down, up...); deciding
    at the first up would turn a release into a press and a pause 3 ms apart.
    """
    if state.down_at is None:
        return state
    return replace(state, released_at=at)


def button_due(state: ButtonState, at: float, hold_s: float,
               debounce_s: float) -> tuple[ButtonState, Gesture | Stuck | None]:
    """Decide what is due at ``at``: a settled release (a press unless it was a hold),
    a hold, or that the button is stuck."""
    deadline = state.deadline(hold_s, debounce_s)
    if deadline is None or at < deadline or state.down_at is None:
        return state, None
    if state.released_at is not None:
        press = None if state.held or state.waking else Press(state.released_at)
        return ButtonState(), press
    if state.held:
        return replace(state, stuck=True), Stuck(state.down_at)
    return replace(state, held=True), None if state.waking else Hold(deadline)
