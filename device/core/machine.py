"""The device's state machine: one event in, a new state and its effects out.

Everything the device decides is decided here, from timestamps carried by the events: a
hold, a confirmed seat change, the end of a bout, the next frame. Each decision that waits
for time is a deadline; :func:`next_deadline` tells the loop how long it may sleep, and a
:class:`DeadlineReached` event wakes the machine when the time has come. Before any event
is applied, every deadline that fell due before it is handled in time order, so a late
wake-up never reorders what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from device.config import Config
from device.core.button import ButtonState, Gesture, button_down, button_due, button_up
from device.core.effects import Effect, Log, Show
from device.core.events import (
    ButtonDown,
    ButtonUp,
    DeadlineReached,
    Event,
    SeatOccupied,
    SeatVacated,
)
from device.core.records import BoutRecord, BreakKind, BreakRecord
from device.core.seat import Away, Bout, Left, Sat, SeatChange, SeatState, seat_due, seat_edge
from device.core.views import IdleView, View

# Sums of float seconds land a hair short of a whole minute; this keeps the minute on
# which the loop was woken from being shown as the minute before (and waking again).
_ROUNDING_S = 1e-6


@dataclass(frozen=True, slots=True)
class Now:
    """A moment: monotonic seconds and the wall time read at the same instant."""

    at: float
    wall: datetime

    def wall_at(self, at: float) -> datetime:
        """The wall time of an earlier (or later) monotonic instant, as seen from now."""
        return self.wall - timedelta(seconds=self.at - at)

    def moved_to(self, at: float) -> Now:
        return Now(at, self.wall_at(at))


@dataclass(frozen=True, slots=True)
class History:
    """What the core needs to know from the log at start."""

    notice_seen: bool = False
    breaks_today: int = 0


@dataclass(frozen=True, slots=True)
class Idle:
    """Nothing is going on but sitting (or not)."""


Mode = Idle


@dataclass(frozen=True, slots=True)
class DayTally:
    """Counts for the local day the idle screen shows."""

    day: date
    breaks: int = 0


@dataclass(frozen=True)
class DeviceState:
    """Everything the device knows, as one immutable value."""

    seat: SeatState
    tally: DayTally
    mode: Mode = field(default_factory=Idle)
    button: ButtonState = field(default_factory=ButtonState)
    bout: Bout | None = None
    away: Away | None = None
    notice_seen: bool = False
    shown: View | None = None

    @property
    def name(self) -> str:
        """The state's one-word name, as printed by the scenario runner."""
        return "seated" if self.seat.occupied else "away"


Outcome = tuple[DeviceState, list[Effect]]


def initial_state(config: Config, now: Now, seat_occupied: bool, history: History) -> Outcome:
    """The state at power-on: the seat as read from the pin, the day's tally from the log.

    A seat that is occupied at boot is a raw reading like any other: it is confirmed after
    ``sit_confirm_s`` and the bout dates from the start.
    """
    state = DeviceState(
        seat=SeatState(raw=seat_occupied, raw_since=now.at, occupied=False),
        tally=DayTally(now.wall.date(), history.breaks_today),
        notice_seen=history.notice_seen,
    )
    return _settle(state, now, config, [])


def step(state: DeviceState, event: Event, config: Config) -> Outcome:
    """Apply one event: first every deadline due before it, then the event itself."""
    now = Now(event.at, event.wall)
    effects: list[Effect] = []
    state = _catch_up(state, now, config, effects)
    match event:
        case ButtonDown():
            state = replace(state, button=button_down(state.button, now.at))
        case ButtonUp():
            button, gesture = button_up(state.button, now.at)
            state = _on_gesture(replace(state, button=button), gesture, now, config, effects)
        case SeatOccupied():
            state = replace(state, seat=seat_edge(state.seat, True, now.at))
        case SeatVacated():
            state = replace(state, seat=seat_edge(state.seat, False, now.at))
        case DeadlineReached():
            pass
    return _settle(state, now, config, effects)


def next_deadline(state: DeviceState, config: Config) -> float | None:
    """The earliest monotonic time at which the machine needs to be woken."""
    return _earliest(_state_deadline(state, config), _redraw_deadline(state))


def _settle(state: DeviceState, now: Now, config: Config, effects: list[Effect]) -> Outcome:
    """Handle what fell due at ``now`` itself, then bring the screen up to date."""
    state = _catch_up(state, now, config, effects)
    view = view_of(state, now, config)
    if view != state.shown:
        effects.append(Show(view))
        state = replace(state, shown=view)
    return state, effects


def _catch_up(state: DeviceState, now: Now, config: Config, effects: list[Effect]) -> DeviceState:
    """Handle, in time order, every state deadline at or before ``now``."""
    while (due := _state_deadline(state, config)) is not None and due <= now.at:
        state = _on_deadline(state, now.moved_to(due), config, effects)
    return replace(state, tally=_tally_for(state.tally, now.wall.date()))


def _state_deadline(state: DeviceState, config: Config) -> float | None:
    """The earliest deadline whose handling changes the state (and clears that deadline)."""
    seat = config.seat
    return _earliest(
        state.button.hold_deadline(config.button.hold_s),
        state.seat.confirm_deadline(seat.sit_confirm_s, seat.stand_confirm_s),
        state.away.break_deadline(seat.natural_break_min * 60) if state.away else None,
    )


def _redraw_deadline(state: DeviceState) -> float | None:
    """When the shown minute count next goes up (the idle screen changes once a minute)."""
    bout, shown = state.bout, state.shown
    if bout is None or bout.seated_since is None or not isinstance(shown, IdleView):
        return None
    return bout.seated_since + (shown.bout_min + 1) * 60 - bout.seated_s


def _on_deadline(state: DeviceState, now: Now, config: Config,
                 effects: list[Effect]) -> DeviceState:
    button, gesture = button_due(state.button, now.at, config.button.hold_s)
    state = _on_gesture(replace(state, button=button), gesture, now, config, effects)
    seat, change = seat_due(state.seat, now.at, config.seat.sit_confirm_s,
                            config.seat.stand_confirm_s)
    state = _on_seat_change(replace(state, seat=seat), change, now, effects)
    away = state.away
    due = away.break_deadline(config.seat.natural_break_min * 60) if away else None
    if away is not None and due is not None and due <= now.at:
        state = _end_bout_by_absence(state, away, now, effects)
    return state


def _on_gesture(state: DeviceState, gesture: Gesture | None, now: Now, config: Config,
                effects: list[Effect]) -> DeviceState:
    """Act on a press or a hold according to the mode."""
    return state


def _on_seat_change(state: DeviceState, change: SeatChange | None, now: Now,
                    effects: list[Effect]) -> DeviceState:
    """Follow a confirmed seat change into the bout and the natural-break bookkeeping."""
    match change:
        case Sat(at=sat_at):
            away = state.away
            if away is not None and away.ended_bout:
                effects.append(Log(_natural_break(away, sat_at, now)))
                state = replace(state, tally=replace(state.tally,
                                                     breaks=state.tally.breaks + 1))
            bout = state.bout
            if bout is None:
                bout = Bout(start_at=sat_at, start_wall=now.wall_at(sat_at), seated_since=sat_at)
            return replace(state, bout=bout.resume(sat_at), away=None)
        case Left(at=left_at):
            bout = state.bout.pause(left_at) if state.bout else None
            return replace(state, bout=bout, away=Away(left_at, now.wall_at(left_at)))
    return state


def _end_bout_by_absence(state: DeviceState, away: Away, now: Now,
                         effects: list[Effect]) -> DeviceState:
    """The absence is long enough: the bout ended when the person left."""
    if state.bout is not None:
        bout = state.bout
        record = BoutRecord(bout.start_wall, away.since_wall, bout.sitting_s(away.since))
        effects.append(Log(record))
    return replace(state, bout=None, away=replace(away, ended_bout=True))


def _natural_break(away: Away, back_at: float, now: Now) -> BreakRecord:
    return BreakRecord(kind=BreakKind.NATURAL, start=away.since_wall, end=now.wall_at(back_at),
                       duration_s=back_at - away.since)


def _tally_for(tally: DayTally, today: date) -> DayTally:
    """A new local day starts a fresh tally."""
    return tally if tally.day == today else DayTally(today)


def view_of(state: DeviceState, now: Now, config: Config) -> View:
    """The screen for the current state."""
    sitting_s = state.bout.sitting_s(now.at) if state.bout else 0.0
    return IdleView(
        seated=state.seat.occupied,
        bout_min=int((sitting_s + _ROUNDING_S) // 60),
        remind_after_min=round(config.reminder.remind_after_min),
        breaks_today=state.tally.breaks,
    )


def _earliest(*deadlines: float | None) -> float | None:
    present = [d for d in deadlines if d is not None]
    return min(present) if present else None
