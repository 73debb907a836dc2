"""The device's state machine: one event in, a new state and its effects out.

Everything the device decides is decided here, from timestamps carried by the events: a
hold, a confirmed seat change, the end of a bout, a reminder, the next phase of the
stretch. Each decision that waits for time is a deadline; :func:`next_deadline` tells the
loop how long it may sleep, and a :class:`DeadlineReached` event wakes the machine when
the time has come. Before any event is applied, every deadline that fell due before it
is handled in time order, so a late wake-up never reorders what happened.

What a press, a hold or a deadline means depends on the mode; each mode is an object
that says so itself (:mod:`unslump.core.modes`). This module keeps what is the same in
every mode: the button, the seat and the bout, the panel, the checkpoints, the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from unslump.core.button import STUCK_S, Hold, Press, Stuck, button_down, button_due, button_up
from unslump.core.effects import Effect, Log, PanelPower, Play, Show
from unslump.core.events import (
    ButtonDown,
    ButtonUp,
    Event,
    QuietSet,
    SeatOccupied,
    SeatVacated,
    SnoozeRequested,
    StatsLoaded,
    StretchRequested,
)
from unslump.core.modes import SNOOZED_SHOW_S, STATS_IDLE_S, Idle
from unslump.core.panel import PanelState, shift_slot
from unslump.core.records import DeviceRecord, EndedBy, ErrorRecord
from unslump.core.reminder import ReminderPlan
from unslump.core.seat import (
    CHATTER_DROPOUTS,
    CHATTER_WINDOW_S,
    Away,
    Bout,
    Left,
    Sat,
    SeatState,
    seat_due,
    seat_edge,
)
from unslump.core.settings import CoreConfig
from unslump.core.state import (
    CHECKPOINT_S,
    DayTally,
    DeviceState,
    History,
    Now,
    Outcome,
    checkpoint,
    open_rows,
    quiet_for,
)
from unslump.core.tones import Tone
from unslump.core.views import BlankView, View
from unslump.errors import StuckDeadlineError

__all__ = ["CHECKPOINT_S", "SNOOZED_SHOW_S", "STATS_IDLE_S", "DeviceState", "History", "Now",
           "initial_state", "next_deadline", "shutdown", "step", "view_of"]

CHATTER_WARNING = (
    f"the seat sensor drops out briefly again and again ({CHATTER_DROPOUTS} times within "
    f"{CHATTER_WINDOW_S / 60:.0f} min); sitting still counts across dropouts under "
    "[seat] dropout_bridge_s, but check the sensor's wiring and threshold (`unslump "
    "doctor --live`)")
"""Logged once per start when the seat chatters (:attr:`SeatState.chattering`)."""

WALL_JUMP_S = 2.0
"""A change of wall time against monotonic time larger than this is a clock correction."""


def initial_state(config: CoreConfig, now: Now, seat_occupied: bool,
                  history: History) -> tuple[DeviceState, list[Effect]]:
    """The state at power-on: the seat as read from the pin, the day's tally from the log.

    A seat that is occupied at boot is a raw reading like any other: it is confirmed after
    ``sit_confirm_s`` and the bout dates from the start.
    """
    state = DeviceState(
        seat=SeatState(raw=seat_occupied, raw_since=now.at, occupied=False),
        tally=DayTally(now.wall.date(), history.breaks_today),
        plan=ReminderPlan.fresh(config.reminder),
        mode=Idle(),
        empty_since=now.at,
        panel=PanelState(touched_at=now.at),
        notice=history.notice,
        practice=history.practice,
        boot=history.boot,
        wall_offset=_wall_offset(now),
    )
    return _settle(Outcome(state), now, config, panel_before=None)


def shutdown(state: DeviceState, now: Now) -> list[Effect]:
    """The rows still open, closed at ``now`` because the device is stopping.

    The caller handles every deadline due up to ``now`` first (a :class:`DeadlineReached`
    step), so the rows are exactly as far as the device got.
    """
    return [Log(record) for record in open_rows(state, now, EndedBy.STOP)]


def step(state: DeviceState, event: Event, config: CoreConfig) -> tuple[DeviceState, list[Effect]]:
    """Apply one event: first every deadline due before it, then the event itself."""
    now = Now(event.at, event.wall)
    panel_before = state.panel  # before the deadlines too: they dim and darken it
    out = _catch_up(_follow_wall_jump(Outcome(state), now), now, config)
    state, mode = out.state, out.state.mode
    match event:
        case ButtonDown():
            out = out.update(button=button_down(state.button, now.at, waking=not state.panel.on),
                             panel=state.panel.touched(now.at))
        case ButtonUp():
            out = out.update(button=button_up(state.button, now.at))
        case SeatOccupied() | SeatVacated():
            seat = seat_edge(state.seat, isinstance(event, SeatOccupied), now.at,
                             config.seat.dropout_bridge_s)
            out = out.update(seat=seat)
            if seat.chattering and not state.seat.chattering:
                out = out.log(ErrorRecord(now.wall, "seat", CHATTER_WARNING))
        case StatsLoaded(pages=pages):
            out = mode.on_stats_loaded(out, pages)
        case StretchRequested():
            out = mode.on_stretch_requested(out, now, config)
        case SnoozeRequested():
            out = mode.on_snooze_requested(out, now, config)
        case QuietSet(on=on) if on != state.quiet_switch:
            out = out.log(DeviceRecord(now.wall, "quiet", "on" if on else "off")).update(
                quiet_switch=on)
    return _settle(out, now, config, panel_before)


def next_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    """The earliest monotonic time at which the machine needs to be woken."""
    redraw = state.mode.redraw_at(state, config) if state.panel.on else None
    return _earliest(_state_deadline(state, config), redraw)


def view_of(state: DeviceState, now: Now, config: CoreConfig) -> View:
    """The screen for the current state (blank while the panel is dark)."""
    return state.mode.view(state, now, config) if state.panel.on else BlankView()


def _settle(out: Outcome, now: Now, config: CoreConfig,
            panel_before: PanelState | None) -> tuple[DeviceState, list[Effect]]:
    """Handle what fell due at ``now`` itself, then bring panel and screen up to date.

    ``panel_before`` is the panel as it was before the event and its deadlines (None at
    power-on, when the hardware's state is unknown): a change in light or contrast since
    then goes out as one :class:`PanelPower` effect, so the OLED really sleeps and dims.
    """
    out = _catch_up(out, now, config)
    panel = out.state.panel
    if panel_before is None or (panel.on, panel.contrast) != (panel_before.on,
                                                               panel_before.contrast):
        out = out.emit(PanelPower(panel.on, panel.contrast))
    out = out.update(shift_slot=shift_slot(now.at, config.screen.shift_every_min * 60))
    view = view_of(out.state, now, config)
    if view != out.state.shown:
        out = out.emit(Show(view)).update(shown=view)
    effects = list(out.effects)
    if any(map(_unasked_sound, effects)) and quiet_for(out.state, now, config) is not None:
        effects = [effect for effect in effects if not _unasked_sound(effect)]
    return out.state, effects


def _unasked_sound(effect: Effect) -> bool:
    """Sounds the person did not ask for; quiet time silences these (the stretch they
    start themselves still speaks, since it is followed with the eyes closed)."""
    return isinstance(effect, Play) and effect.tone is Tone.REMINDER


def _catch_up(out: Outcome, now: Now, config: CoreConfig) -> Outcome:
    """Handle, in time order, every state deadline at or before ``now``."""
    while (due := _state_deadline(out.state, config)) is not None and due <= now.at:
        before = out.state
        out = _on_deadline(out, now.moved_to(due), config)
        if out.state == before:
            raise StuckDeadlineError(f"core deadline {due:.6f} was not cleared by handling it")
    state = _with_checkpoint(out.state, now)
    return replace(out, state=replace(state, tally=_tally_for(state.tally, now.wall.date())))


def _state_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    """The earliest deadline whose handling changes the state (and clears that deadline)."""
    return _earliest(*(due(state, config) for due, _ in _TIMERS))


def _on_deadline(out: Outcome, now: Now, config: CoreConfig) -> Outcome:
    """Fire, in their fixed order, the timers due at ``now``."""
    for due_at, fire in _TIMERS:
        due = due_at(out.state, config)
        if due is not None and due <= now.at:
            out = fire(out, now, config)
    return replace(out, state=_with_checkpoint(out.state, now))


def _on_button(out: Outcome, now: Now, config: CoreConfig) -> Outcome:
    """A press or a hold acts according to the mode (a press that woke the panel only
    woke it); a stuck button is logged once and ignored."""
    button, gesture = button_due(out.state.button, now.at, config.button.hold_s,
                                 config.button.debounce_s)
    out = out.update(button=button)
    match gesture:
        case Stuck():
            return out.log(ErrorRecord(now.wall, "button", f"stuck down for over "
                                       f"{STUCK_S:.0f} s; ignored until it is released"))
        case Press():
            return out.state.mode.on_press(out, now, config)
        case Hold():
            return out.state.mode.on_hold(out, now, config)
    return out


def _on_seat(out: Outcome, now: Now, config: CoreConfig) -> Outcome:
    """Follow a confirmed seat change into the bout, the reminder and the panel."""
    state = out.state
    seat, change = seat_due(state.seat, now.at, config.seat.sit_confirm_s,
                            config.seat.stand_confirm_s)
    out = out.update(seat=seat)
    match change:
        case Sat(at=sat_at):
            away, tally = state.away, state.tally
            if away is not None and away.ended_bout:
                out = out.log(away.record_at(sat_at, now.wall_at(sat_at), EndedBy.ENDED))
                tally = replace(tally, breaks=tally.breaks + 1)
            out = out.update(away=None, empty_since=None, tally=tally,
                             panel=state.panel.touched(now.at))
            return _sit_down(out, sat_at, now, config)
        case Left(at=left_at):
            bout = state.bout.pause(left_at) if state.bout else None
            out = out.update(bout=bout, away=Away(left_at, now.wall_at(left_at)),
                             empty_since=left_at)
            if bout is None:
                return out
            # The leave is dated back: the last checkpoint may be ahead of it.
            out = out.log(bout.record_at(now.at, now.wall))
            return out.state.mode.on_left(out, bout, left_at, now, config)
    return out


def _sit_down(out: Outcome, sat_at: float, now: Now, config: CoreConfig) -> Outcome:
    """Sitting is confirmed, dated from its first edge at ``sat_at``.

    A routine is never sitting: the seconds before it began count (the edge came just
    before the press), the seconds during it do not, and a bout only counts again from
    its end. Sitting down during a stretch starts no bout: the stretch is the break.
    """
    state = out.state
    began = under_way = state.mode.break_since
    ended: float | None = None
    if began is None and state.last_routine is not None:
        began, ended = state.last_routine
    before = began - sat_at if began is not None and sat_at < began else 0.0
    counts_from = None
    if under_way is None:
        counts_from = sat_at if ended is None else max(sat_at, ended)
    bout = state.bout
    fresh = bout is None
    if bout is None:
        if before == 0.0 and counts_from is None:
            return out
        out, key = out.keyed()
        bout = Bout(start_at=sat_at, start_wall=now.wall_at(sat_at), key=key)
    if before:
        bout = bout.resume(sat_at).pause(sat_at + before)
    if counts_from is not None:
        bout = bout.resume(counts_from)
    out = out.update(bout=bout)
    if fresh:
        out = out.log(bout.record_at(now.at, now.wall)).update(
            plan=ReminderPlan.fresh(config.reminder))
    return out


def _absence_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    """When the absence becomes a natural break; never while a break is under way."""
    if state.away is None or state.mode.break_since is not None:
        return None
    return state.away.break_deadline(config.seat.natural_break_min * 60)


def _end_bout_by_absence(out: Outcome, now: Now, config: CoreConfig) -> Outcome:
    """The absence is long enough: the bout ended when the person left."""
    state = out.state
    away = state.away
    if away is None:  # not due without an absence
        return out
    if state.bout is not None:
        bout = state.bout
        out = out.log(bout.record_at(away.since, away.since_wall, EndedBy.ENDED))
    # The absence is a natural break from now on: its row is open until the person is back.
    out, key = out.keyed()
    away = replace(away, ended_bout=True, key=key)
    return out.log(away.record_at(now.at, now.wall)).update(bout=None, away=away)


def _dark_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    """When the panel goes dark by itself, only in a mode where the panel rests."""
    if not state.mode.rests_panel:
        return None
    return state.panel.dark_at(state.empty_since, config.screen.off_after_min * 60)


def _dim_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    """When the panel dims by itself, only in a mode where the panel rests."""
    if not state.mode.rests_panel:
        return None
    return state.panel.dim_at(config.screen.dim_after_min * 60)


Due = Callable[[DeviceState, CoreConfig], float | None]
Fire = Callable[[Outcome, Now, CoreConfig], Outcome]
_TIMERS: tuple[tuple[Due, Fire], ...] = (
    (lambda s, c: s.button.deadline(c.button.hold_s, c.button.debounce_s), _on_button),
    (lambda s, c: s.seat.confirm_deadline(c.seat.sit_confirm_s, c.seat.stand_confirm_s),
     _on_seat),
    (_absence_deadline, _end_bout_by_absence),
    (lambda s, c: s.mode.deadline(s, c),
     lambda out, now, c: out.state.mode.on_deadline(out, now, c)),
    (_dark_deadline, lambda out, now, c: out.update(panel=out.state.panel.darkened())),
    (_dim_deadline, lambda out, now, c: out.update(panel=out.state.panel.dimmed_down())),
    (lambda s, c: s.checkpoint_at, lambda out, now, c: checkpoint(out, now)),
)
"""Every timer of the machine: when it is due, and what happens then; when several are due
at one instant they fire in this order, each seeing what the ones before it did."""


def _follow_wall_jump(out: Outcome, now: Now) -> Outcome:
    """Re-date what is open when the wall clock jumped (network time after a stale boot).

    The newest wall clock is taken as right: the open bout, absence, reminder and routine
    keep their monotonic start and get the wall time that goes with it, so a bout lands
    on the day it really happened instead of spreading over the jump. The rows are
    written again at once.
    """
    state = out.state
    offset = _wall_offset(now)
    jump = offset - state.wall_offset
    if abs(jump) <= WALL_JUMP_S:
        return out
    shift = timedelta(seconds=jump)
    bout = state.bout and replace(state.bout, start_wall=state.bout.start_wall + shift)
    away = state.away and replace(state.away, since_wall=state.away.since_wall + shift)
    out = out.update(bout=bout, away=away, mode=state.mode.redated(shift), wall_offset=offset)
    return out.log(*open_rows(out.state, now, None, every=True))


def _wall_offset(now: Now) -> float:
    return now.wall.timestamp() - now.at


def _with_checkpoint(state: DeviceState, now: Now) -> DeviceState:
    """Keep a checkpoint due while rows are open, and none while nothing is."""
    away = state.away
    if state.bout is None and state.mode.break_since is None and not (away and away.ended_bout):
        return state if state.checkpoint_at is None else replace(state, checkpoint_at=None)
    if state.checkpoint_at is None:
        return replace(state, checkpoint_at=now.at + CHECKPOINT_S)
    return state


def _tally_for(tally: DayTally, today: date) -> DayTally:
    """A new local day starts a fresh tally."""
    return tally if tally.day == today else DayTally(today)


def _earliest(*deadlines: float | None) -> float | None:
    present = [d for d in deadlines if d is not None]
    return min(present) if present else None
