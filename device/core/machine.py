"""The device's state machine: one event in, a new state and its effects out.

Everything the device decides is decided here, from timestamps carried by the events: a
hold, a confirmed seat change, the end of a bout, a reminder, the next phase of the
stretch. Each decision that waits for time is a deadline; :func:`next_deadline` tells the
loop how long it may sleep, and a :class:`DeadlineReached` event wakes the machine when
the time has come. Before any event is applied, every deadline that fell due before it
is handled in time order, so a late wake-up never reorders what happened.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from device.core.button import (
    STUCK_S,
    ButtonState,
    Gesture,
    Hold,
    Press,
    Stuck,
    button_down,
    button_due,
    button_up,
)
from device.core.effects import Effect, LoadStats, Log, Panel, Play, Show
from device.core.events import (
    ButtonDown,
    ButtonUp,
    DeadlineReached,
    Event,
    QuietSet,
    SeatOccupied,
    SeatVacated,
    SnoozeRequested,
    StatsLoaded,
    StretchRequested,
)
from device.core.panel import PanelState, shift_for, shift_slot
from device.core.practice import Practice
from device.core.quiet import is_quiet, seconds_until_loud
from device.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    DeviceRecord,
    EndedBy,
    ErrorRecord,
    NoticeAnswer,
    NoticeRecord,
    Record,
    ReminderOutcome,
    ReminderRecord,
    Variant,
)
from device.core.reminder import ReminderPlan, Reminding
from device.core.routine import (
    DONE_ASK_S,
    DONE_SHOW_S,
    RoutineEnd,
    RoutineState,
    plan_routine,
    plan_walk,
    routine_cut,
    routine_deadline,
    routine_due,
    routine_name,
    routine_press,
    routine_step_index,
    routine_stop,
    routine_view,
    start_routine,
)
from device.core.seat import Away, Bout, Left, Sat, SeatChange, SeatState, seat_due, seat_edge
from device.core.settings import CoreConfig
from device.core.tones import Tone
from device.core.views import (
    BlankView,
    DoneView,
    IdleView,
    NoticeView,
    ReminderView,
    SnoozedView,
    StatsSafetyView,
    View,
)
from device.errors import StuckDeadlineError

# Sums of float seconds land a hair short of a whole minute; this keeps the minute on
# which the loop was woken from being shown as the minute before (and waking again).
_ROUNDING_S = 1e-6

CHECKPOINT_S = 60.0
"""Open rows (the bout, a routine, a natural break) are brought forward this often, so a
power cut loses at most this much; each checkpoint is one small write."""

WALL_JUMP_S = 2.0
"""A change of wall time against monotonic time larger than this is a clock correction."""

SNOOZED_SHOW_S = 4.0
"""How long the snooze confirmation shows before the idle screen returns."""

QUIET_SWITCH_RECHECK_S = 60.0
"""While quiet mode is switched on, a held-back reminder looks again this often (the
switch has no end time of its own, unlike quiet hours)."""


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

    notice: NoticeAnswer | None = None  # the safety notice's answer (None: not answered)
    breaks_today: int = 0
    boot: str = "0"  # unique to this start of the device: prefixes the keys of its rows
    practice: Practice = field(default_factory=Practice)


@dataclass(frozen=True, slots=True)
class Idle:
    """Nothing is going on but sitting (or not)."""


@dataclass(frozen=True, slots=True)
class Guiding:
    """The stretch is under way; its row is brought forward at each phase change."""

    routine: RoutineState
    started_wall: datetime
    key: str = ""
    step: int = 0  # the plan step last written to the log


@dataclass(frozen=True, slots=True)
class Browsing:
    """The stats pages are open; they close by themselves at ``until``."""

    until: float
    pages: tuple[View, ...] = ()  # filled in when the log answers (StatsLoaded)
    page: int = 0


@dataclass(frozen=True, slots=True)
class Noticing:
    """The safety notice waits for its answer until ``until``; then back to idle."""

    until: float


@dataclass(frozen=True, slots=True)
class Finished:
    """The stretch just ended, or a snooze was taken; the result shows until ``until``.

    After a completed stretch ``asking`` is its row: a press answers "uncurl smooth?".
    """

    until: float
    view: DoneView | SnoozedView
    asking: BreakRecord | None = None


Mode = Idle | Reminding | Guiding | Browsing | Finished | Noticing

STATS_IDLE_S = 15.0  # the stats pages return to idle after this long untouched


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
    plan: ReminderPlan
    mode: Mode = field(default_factory=Idle)
    button: ButtonState = field(default_factory=ButtonState)
    bout: Bout | None = None
    away: Away | None = None
    empty_since: float | None = None  # the seat has been confirmed empty since
    panel: PanelState = field(default_factory=PanelState)
    shift_slot: int = 0
    notice: NoticeAnswer | None = None
    practice: Practice = field(default_factory=Practice)
    shown: View | None = None
    boot: str = "0"
    next_key: int = 0  # rows this start has opened so far (their keys count up)
    checkpoint_at: float | None = None  # when the open rows are next brought forward
    last_routine: tuple[float, float] | None = None  # (start, end) of the latest routine
    wall_offset: float = 0.0  # wall minus monotonic seconds, to notice a clock jump
    quiet_switch: bool = False  # quiet mode switched on from afar (MQTT), until switched off

    @property
    def name(self) -> str:
        """The state's one-word name, as printed by the scenario runner."""
        match self.mode:
            case Reminding():
                return "reminder"
            case Guiding(routine=routine):
                return routine_name(routine)
            case Noticing():
                return "notice"
            case Finished(view=SnoozedView()):
                return "snoozed"
            case Finished():
                return "done"
            case Browsing():
                return "stats"
        return "seated" if self.seat.occupied else "away"


Outcome = tuple[DeviceState, list[Effect]]


def initial_state(config: CoreConfig, now: Now, seat_occupied: bool, history: History) -> Outcome:
    """The state at power-on: the seat as read from the pin, the day's tally from the log.

    A seat that is occupied at boot is a raw reading like any other: it is confirmed after
    ``sit_confirm_s`` and the bout dates from the start.
    """
    state = DeviceState(
        seat=SeatState(raw=seat_occupied, raw_since=now.at, occupied=False),
        tally=DayTally(now.wall.date(), history.breaks_today),
        plan=ReminderPlan.fresh(config.reminder),
        empty_since=now.at,
        panel=PanelState(touched_at=now.at),
        notice=history.notice,
        practice=history.practice,
        boot=history.boot,
        wall_offset=_wall_offset(now),
    )
    return _settle(state, now, config, [], panel_before=None)


def shutdown(state: DeviceState, now: Now) -> list[Effect]:
    """The rows still open, closed at ``now`` because the device is stopping.

    The caller handles every deadline due up to ``now`` first (a :class:`DeadlineReached`
    step), so the rows are exactly as far as the device got.
    """
    return [Log(record) for record in _open_records(state, now, EndedBy.STOP)]


def step(state: DeviceState, event: Event, config: CoreConfig) -> Outcome:
    """Apply one event: first every deadline due before it, then the event itself."""
    now = Now(event.at, event.wall)
    effects: list[Effect] = []
    panel_before = state.panel  # before the deadlines too: they dim and darken it
    state = _follow_wall_jump(state, now, effects)
    state = _catch_up(state, now, config, effects)
    match event:
        case ButtonDown():
            state = replace(state, button=button_down(state.button, now.at,
                                                      waking=not state.panel.on),
                            panel=state.panel.touched(now.at))
        case ButtonUp():
            state = replace(state, button=button_up(state.button, now.at))
        case SeatOccupied():
            state = replace(state, seat=seat_edge(state.seat, True, now.at))
        case SeatVacated():
            state = replace(state, seat=seat_edge(state.seat, False, now.at))
        case StatsLoaded(pages=pages) if isinstance(state.mode, Browsing):
            state = replace(state, mode=replace(state.mode, pages=pages))
        case StretchRequested():
            state = _on_stretch_requested(state, now, config, effects)
        case SnoozeRequested() if isinstance(state.mode, Reminding):
            state = _snooze(state, state.mode, now, config, effects)
        case QuietSet(on=on) if on != state.quiet_switch:
            effects.append(Log(DeviceRecord(now.wall, "quiet", "on" if on else "off")))
            state = replace(state, quiet_switch=on)
        case StatsLoaded() | DeadlineReached() | SnoozeRequested() | QuietSet():
            pass
    return _settle(state, now, config, effects, panel_before)


def _on_stretch_requested(state: DeviceState, now: Now, config: CoreConfig,
                          effects: list[Effect]) -> DeviceState:
    """A stretch asked for from afar starts as a press would, from any mode but itself."""
    match state.mode:
        case Reminding() as reminding:
            state = _end_reminder(state, ReminderOutcome.ROUTINE, now.at - reminding.since,
                                  now, config, effects)
            return _start_routine(state, now, config, effects)
        case Idle() | Finished() | Browsing():
            return _start_routine(replace(state, mode=Idle()), now, config, effects)
    return state


def _quiet(state: DeviceState, now: Now, config: CoreConfig) -> bool:
    """Quiet hours, or quiet mode switched on."""
    return state.quiet_switch or is_quiet(now.wall, config.quiet)


def _loud_in(state: DeviceState, now: Now, config: CoreConfig) -> float:
    """Seconds until a held-back reminder should look again."""
    if state.quiet_switch:
        return QUIET_SWITCH_RECHECK_S
    return seconds_until_loud(now.wall, config.quiet)


def next_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    """The earliest monotonic time at which the machine needs to be woken."""
    return _earliest(_state_deadline(state, config), _redraw_deadline(state, config))


def _settle(state: DeviceState, now: Now, config: CoreConfig, effects: list[Effect],
            panel_before: PanelState | None) -> Outcome:
    """Handle what fell due at ``now`` itself, then bring panel and screen up to date.

    ``panel_before`` is the panel as it was before the event and its deadlines (None at
    power-on, when the hardware's state is unknown): a change in light or contrast since
    then goes out as one :class:`Panel` effect, so the OLED really sleeps and dims.
    """
    state = _catch_up(state, now, config, effects)
    lit = (state.panel.on, state.panel.contrast)
    if panel_before is None or lit != (panel_before.on, panel_before.contrast):
        effects.append(Panel(*lit))
    state = replace(state, shift_slot=shift_slot(now.at, config.screen.shift_every_min * 60))
    view = view_of(state, now, config)
    if view != state.shown:
        effects.append(Show(view))
        state = replace(state, shown=view)
    if _quiet(state, now, config):
        effects[:] = [e for e in effects if not _unasked_sound(e)]
    return state, effects


def _unasked_sound(effect: Effect) -> bool:
    """Sounds the person did not ask for; quiet hours silence these (the stretch they
    start themselves still speaks, since it is followed with the eyes closed)."""
    return isinstance(effect, Play) and effect.tone is Tone.REMINDER


def _catch_up(state: DeviceState, now: Now, config: CoreConfig,
              effects: list[Effect]) -> DeviceState:
    """Handle, in time order, every state deadline at or before ``now``."""
    while (due := _state_deadline(state, config)) is not None and due <= now.at:
        before = state
        state = _on_deadline(state, now.moved_to(due), config, effects)
        if state == before:
            raise StuckDeadlineError(f"core deadline {due:.6f} was not cleared by handling it")
    state = _with_checkpoint(state, now)
    return replace(state, tally=_tally_for(state.tally, now.wall.date()))


def _follow_wall_jump(state: DeviceState, now: Now, effects: list[Effect]) -> DeviceState:
    """Re-date what is open when the wall clock jumped (network time after a stale boot).

    The newest wall clock is taken as right: the open bout, absence, reminder and routine
    keep their monotonic start and get the wall time that goes with it, so a bout lands
    on the day it really happened instead of spreading over the jump. The rows are
    written again at once.
    """
    offset = _wall_offset(now)
    jump = offset - state.wall_offset
    if abs(jump) <= WALL_JUMP_S:
        return state
    shift = timedelta(seconds=jump)
    bout = state.bout and replace(state.bout, start_wall=state.bout.start_wall + shift)
    away = state.away and replace(state.away, since_wall=state.away.since_wall + shift)
    mode = state.mode
    match mode:
        case Reminding():
            mode = replace(mode, since_wall=mode.since_wall + shift)
        case Guiding():
            mode = replace(mode, started_wall=mode.started_wall + shift)
    state = replace(state, bout=bout, away=away, mode=mode, wall_offset=offset)
    effects.extend(Log(record) for record in _open_records(state, now, None))
    if isinstance(mode, Reminding):
        effects.append(Log(_reminder_record(mode, None, None, None)))
    return state


def _wall_offset(now: Now) -> float:
    return now.wall.timestamp() - now.at


def _next_key(state: DeviceState) -> tuple[DeviceState, str]:
    """A key for a new row: unique across starts (the boot) and within one (a count)."""
    return replace(state, next_key=state.next_key + 1), f"{state.boot}-{state.next_key}"


def _has_open_rows(state: DeviceState) -> bool:
    away = state.away
    return (state.bout is not None or isinstance(state.mode, Guiding)
            or (away is not None and away.ended_bout))


def _with_checkpoint(state: DeviceState, now: Now) -> DeviceState:
    """Keep a checkpoint due while rows are open, and none while nothing is."""
    if not _has_open_rows(state):
        return state if state.checkpoint_at is None else replace(state, checkpoint_at=None)
    if state.checkpoint_at is None:
        return replace(state, checkpoint_at=now.at + CHECKPOINT_S)
    return state


def _checkpoint(state: DeviceState, now: Now, effects: list[Effect]) -> DeviceState:
    """Bring every open row forward to ``now``; the next checkpoint is a minute later."""
    effects.extend(Log(record) for record in _open_records(state, now, None))
    return replace(state, checkpoint_at=now.at + CHECKPOINT_S)


def _open_records(state: DeviceState, now: Now, ended_by: EndedBy | None) -> list[Record]:
    """The rows that are still open, as they stand at ``now``.

    With ``ended_by`` None they stay open (a checkpoint); otherwise they are closed by it.
    A reminder's row changes only when it chimes or ends, so a checkpoint leaves it out.
    """
    records: list[Record] = []
    bout = state.bout
    if bout is not None:
        records.append(_bout_record(bout, now.wall, bout.sitting_s(now.at), ended_by))
    mode = state.mode
    if isinstance(mode, Guiding):
        records.append(_guided_record(mode, routine_cut(mode.routine, now.at), now.wall,
                                      ended_by))
    away = state.away
    if away is not None and away.ended_bout:
        records.append(_natural_break(away, now.wall, now.at - away.since, ended_by))
    if isinstance(mode, Reminding) and ended_by is not None:
        records.append(_reminder_record(mode, ReminderOutcome.CUT_SHORT, None, ended_by))
    return records


def _bout_record(bout: Bout, end: datetime, seated_s: float,
                 ended_by: EndedBy | None) -> BoutRecord:
    return BoutRecord(bout.start_wall, end, seated_s, key=bout.key, ended_by=ended_by)


def _reminder_record(reminding: Reminding, outcome: ReminderOutcome | None,
                     response_s: float | None, ended_by: EndedBy | None) -> ReminderRecord:
    return ReminderRecord(reminding.since_wall, outcome, response_s, reminding.chimes,
                          key=reminding.key, ended_by=ended_by)


def _guided_record(guiding: Guiding, end: RoutineEnd, end_wall: datetime,
                   ended_by: EndedBy | None) -> BreakRecord:
    return BreakRecord(
        kind=guiding.routine.plan.kind, start=guiding.started_wall, end=end_wall,
        duration_s=end.ended_at - end.started_at, completed=end.completed,
        variant=end.variant, repetitions=end.repetitions_done,
        reached=None if end.completed else end.reached, key=guiding.key, ended_by=ended_by)


def _state_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    """The earliest deadline whose handling changes the state (and clears that deadline)."""
    seat = config.seat
    guiding = isinstance(state.mode, Guiding)
    return _earliest(
        state.button.deadline(config.button.hold_s, config.button.debounce_s),
        state.seat.confirm_deadline(seat.sit_confirm_s, seat.stand_confirm_s),
        None if guiding or state.away is None
        else state.away.break_deadline(seat.natural_break_min * 60),
        _mode_deadline(state, config),
        _panel_deadline(state, config),
        state.checkpoint_at,
    )


def _mode_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    match state.mode:
        case Idle():
            return state.plan.due_at(state.bout)
        case Reminding() as reminding:
            return reminding.next_chime(config.reminder)
        case Guiding(routine=routine):
            return routine_deadline(routine, config.routine)
        case Finished(until=until) | Browsing(until=until) | Noticing(until=until):
            return until
    return None


def _panel_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    """When the panel goes dark (empty seat) or dims (untouched); only while idle."""
    return _earliest(*_panel_deadlines(state, config))


def _panel_deadlines(state: DeviceState, config: CoreConfig) -> tuple[float | None, float | None]:
    """(dark, dim): the empty seat's dark timer counts from the last touch too."""
    panel = state.panel
    if not panel.on or not isinstance(state.mode, Idle):
        return None, None
    dark = None
    if not state.seat.occupied and state.empty_since is not None:
        dark = max(state.empty_since, panel.touched_at) + config.screen.off_after_min * 60
    dim = None if panel.dimmed else panel.touched_at + config.screen.dim_after_min * 60
    return dark, dim


def _redraw_deadline(state: DeviceState, config: CoreConfig) -> float | None:
    """When the screen changes by itself: the next minute of sitting, the next nudge, the
    notice's next second."""
    if state.panel.on and isinstance(state.mode, Noticing) and isinstance(state.shown,
                                                                          NoticeView):
        return state.mode.until - (state.shown.seconds_left - 1)
    if not state.panel.on or not isinstance(state.mode, Idle | Reminding):
        return None
    bout, shown = state.bout, state.shown
    minute = None
    if bout is not None and bout.seated_since is not None and isinstance(shown, IdleView
                                                                           | ReminderView):
        minute = bout.seated_since + (shown.bout_min + 1) * 60 - bout.seated_s
    nudge = None
    if isinstance(state.mode, Idle):
        nudge = (state.shift_slot + 1) * config.screen.shift_every_min * 60
    return _earliest(minute, nudge)


def _on_deadline(state: DeviceState, now: Now, config: CoreConfig,
                 effects: list[Effect]) -> DeviceState:
    button, gesture = button_due(state.button, now.at, config.button.hold_s,
                                 config.button.debounce_s)
    state = replace(state, button=button)
    if isinstance(gesture, Stuck):
        effects.append(Log(ErrorRecord(now.wall, "button", f"stuck down for over "
                                       f"{STUCK_S:.0f} s; ignored until it is released")))
    else:
        state = _on_gesture(state, gesture, now, config, effects)
    seat, change = seat_due(state.seat, now.at, config.seat.sit_confirm_s,
                            config.seat.stand_confirm_s)
    state = _on_seat_change(replace(state, seat=seat), change, now, config, effects)
    away = state.away
    due = away.break_deadline(config.seat.natural_break_min * 60) if away else None
    if away is not None and due is not None and due <= now.at and not isinstance(state.mode,
                                                                                  Guiding):
        state = _end_bout_by_absence(state, away, now, config, effects)
    state = _on_mode_deadline(state, now, config, effects)
    state = _on_panel_deadline(state, now, config)
    if state.checkpoint_at is not None and state.checkpoint_at <= now.at:
        state = _checkpoint(state, now, effects)
    return _with_checkpoint(state, now)


def _on_mode_deadline(state: DeviceState, now: Now, config: CoreConfig,
                      effects: list[Effect]) -> DeviceState:
    due = _mode_deadline(state, config)
    if due is None or due > now.at:
        return state
    match state.mode:
        case Idle():
            return _remind(state, now, config, effects)
        case Reminding() as reminding:
            if _quiet(state, now, config):
                return _end_reminder(state, ReminderOutcome.IGNORED, None, now, config, effects)
            reminding = replace(reminding, chimes=reminding.chimes + 1)
            effects.append(Play(Tone.REMINDER))
            effects.append(Log(_reminder_record(reminding, None, None, None)))
            return replace(state, mode=reminding)
        case Guiding() as guiding:
            routine, routine_effects, end = routine_due(guiding.routine, now.at, config.routine)
            effects += routine_effects
            if end is not None:
                return _end_routine(replace(state, mode=replace(guiding, routine=routine)),
                                    guiding, end, now, config, effects)
            guiding = replace(guiding, routine=routine)
            index = routine_step_index(routine, now.at)
            if index != guiding.step:  # a phase change: how far it got is on disk
                guiding = replace(guiding, step=index)
                effects.append(Log(_guided_record(guiding, routine_cut(routine, now.at),
                                                  now.wall, None)))
            return replace(state, mode=guiding)
        case Finished() | Browsing() | Noticing():  # unanswered: nothing is logged
            return replace(state, mode=Idle(), panel=state.panel.touched(now.at))
    return state


def _on_panel_deadline(state: DeviceState, now: Now, config: CoreConfig) -> DeviceState:
    dark, dim = _panel_deadlines(state, config)
    if dark is not None and dark <= now.at:
        return replace(state, panel=replace(state.panel, on=False))
    if dim is not None and dim <= now.at:
        return replace(state, panel=replace(state.panel, dimmed=True))
    return state


def _remind(state: DeviceState, now: Now, config: CoreConfig, effects: list[Effect]) -> DeviceState:
    """The bout has reached its reminder time: chime, unless quiet hours hold it back."""
    if _quiet(state, now, config):
        wait = _loud_in(state, now, config)
        return replace(state, plan=state.plan.held_back_until(now.at + wait))
    effects.append(Play(Tone.REMINDER))
    state, key = _next_key(state)
    reminding = Reminding(now.at, now.wall, key=key)
    effects.append(Log(_reminder_record(reminding, None, None, None)))
    return replace(state, mode=reminding, panel=state.panel.touched(now.at))


def _end_reminder(state: DeviceState, outcome: ReminderOutcome, response_s: float | None,
                  now: Now, config: CoreConfig, effects: list[Effect]) -> DeviceState:
    reminding = state.mode
    assert isinstance(reminding, Reminding)
    effects.append(Log(_reminder_record(reminding, outcome, response_s, EndedBy.ENDED)))
    plan = state.plan
    if outcome is ReminderOutcome.IGNORED:
        plan = plan.held_back_until(now.at + _loud_in(state, now, config))
    return replace(state, mode=Idle(), plan=plan)


def _on_gesture(state: DeviceState, gesture: Gesture | None, now: Now, config: CoreConfig,
                effects: list[Effect]) -> DeviceState:
    """Act on a press or a hold according to the mode (a press that woke the panel only
    woke it)."""
    if gesture is None:
        return state
    match state.mode, gesture:
        case Finished(asking=BreakRecord() as stretch), Press():
            return _smooth_reported(state, stretch, now, effects)
        case Noticing(), Press() | Hold():
            answer = NoticeAnswer.UNDERSTOOD if isinstance(gesture, Press) \
                else NoticeAnswer.DECLINED
            effects.append(Log(NoticeRecord(now.wall, answer)))
            return _start_routine(replace(state, mode=Idle(), notice=answer), now, config,
                                  effects)
        case Idle() | Finished(), Press():
            return _start_routine(replace(state, mode=Idle()), now, config, effects)
        case Idle() | Finished(), Hold():
            # The pages count the bout under way: bring its row up to now before reading.
            state = _checkpoint(state, now, effects)
            effects.append(LoadStats())
            return replace(state, mode=Browsing(now.at + STATS_IDLE_S))
        case Browsing() as browsing, Press():
            pages = max(1, len(browsing.pages))
            return replace(state, mode=replace(browsing, page=(browsing.page + 1) % pages,
                                               until=now.at + STATS_IDLE_S))
        case Browsing(pages=pages, page=page), Hold() if isinstance(
                pages[page] if page < len(pages) else None, StatsSafetyView):
            # on the safety page a hold asks the notice again before the next break
            effects.append(Play(Tone.ACK))
            effects.append(Log(NoticeRecord(now.wall, NoticeAnswer.RESET)))
            return replace(state, mode=Idle(), notice=None)
        case Browsing(), Hold():
            return replace(state, mode=Idle())
        case Reminding() as reminding, Press():
            state = _end_reminder(state, ReminderOutcome.ROUTINE, now.at - reminding.since,
                                  now, config, effects)
            return _start_routine(state, now, config, effects)
        case Reminding() as reminding, Hold():
            return _snooze(state, reminding, now, config, effects)
        case Guiding() as guiding, Press():
            routine, routine_effects = routine_press(guiding.routine, now.at, config.routine)
            effects += routine_effects
            return replace(state, mode=replace(guiding, routine=routine))
        case Guiding() as guiding, Hold():
            routine_effects, end = routine_stop(guiding.routine, now.at, config.routine)
            effects += routine_effects
            return _end_routine(state, guiding, end, now, config, effects)
    return state


def _snooze(state: DeviceState, reminding: Reminding, now: Now, config: CoreConfig,
            effects: list[Effect]) -> DeviceState:
    if state.plan.snoozes >= config.reminder.max_snoozes:
        return replace(state, mode=replace(reminding, snooze_refused=True))
    effects.append(Play(Tone.ACK))
    state = _end_reminder(state, ReminderOutcome.SNOOZED, None, now, config, effects)
    plan = state.plan.snoozed(now.at, config.reminder)
    shown = SnoozedView(round(config.reminder.snooze_min),
                        max(0, config.reminder.max_snoozes - plan.snoozes))
    return replace(state, plan=plan, mode=Finished(now.at + SNOOZED_SHOW_S, shown))


def _start_routine(state: DeviceState, now: Now, config: CoreConfig,
                   effects: list[Effect]) -> DeviceState:
    """The button asked for a break: the notice first if it has no answer yet, then the
    stretch, or the standing break for whom the stretch is not right."""
    if state.notice is None:
        effects.append(Play(Tone.PHASE))
        return replace(state, mode=Noticing(now.at + config.routine.notice_s),
                       panel=state.panel.touched(now.at))
    if state.notice is NoticeAnswer.DECLINED:
        routine, routine_effects = start_routine(plan_walk(config.routines.walk), now.at)
    else:
        chosen = config.routine.variant
        if chosen == "auto":
            variant = Variant.SEATED if state.seat.raw else Variant.STANDING
        else:
            variant = Variant(chosen)
        level = state.practice.on(now.wall.date()).level if config.routine.progression else 0
        plan = plan_routine(config.routines.stretch, config.routine, variant, level)
        routine, routine_effects = start_routine(plan, now.at)
    effects += routine_effects
    state, key = _next_key(state)
    guiding = Guiding(routine, now.wall, key=key, step=routine_step_index(routine, now.at))
    effects.append(Log(_guided_record(guiding, routine_cut(routine, now.at), now.wall, None)))
    bout = state.bout.pause(now.at) if state.bout else None
    return replace(state, mode=guiding, bout=bout, panel=state.panel.touched(now.at))


def _smooth_reported(state: DeviceState, stretch: BreakRecord, now: Now,
                     effects: list[Effect]) -> DeviceState:
    """"Uncurl smooth?" answered yes: the row says so, and the practice may step up."""
    effects.append(Play(Tone.ACK))
    effects.append(Log(replace(stretch, smooth=True)))
    practice = state.practice.practised(stretch.start.date(), smooth=True)
    return replace(state, mode=Idle(), practice=practice, panel=state.panel.touched(now.at))


def _end_routine(state: DeviceState, guiding: Guiding, end: RoutineEnd, now: Now,
                 config: CoreConfig, effects: list[Effect]) -> DeviceState:
    """Log the guided break; a completed one also ends the bout (a new one starts if the
    person is still seated), a stopped one lets the bout go on."""
    record = _guided_record(guiding, end, now.wall_at(end.ended_at), EndedBy.ENDED)
    effects.append(Log(record))
    plan = guiding.routine.plan
    stretch = plan.kind is BreakKind.GUIDED
    asking = end.completed and stretch and config.routine.progression and plan.practised
    done = DoneView(end.repetitions_done, end.completed, plan.reps, walk=not stretch,
                    asking=asking)
    state = replace(state, mode=Finished(now.at + (DONE_ASK_S if asking else DONE_SHOW_S),
                                         done, record if asking else None),
                    panel=state.panel.touched(now.at),
                    last_routine=(end.started_at, end.ended_at))
    if end.completed and stretch:
        state = replace(state, practice=state.practice.practised(record.start.date(), None))
    bout = state.bout
    if not end.completed and bout is not None:
        return replace(state, bout=bout.resume(end.ended_at) if state.seat.occupied else bout)
    if end.completed:
        if bout is not None:
            effects.append(Log(_bout_record(bout, guiding.started_wall, bout.seated_s,
                                            EndedBy.ENDED)))
        tally = replace(state.tally, breaks=state.tally.breaks + 1)
        state = replace(state, bout=None, away=None, tally=tally,
                        plan=ReminderPlan.fresh(config.reminder))
    if not state.seat.occupied:
        return state
    # Seated at the end and no bout under way: the sitting from here on is a new bout.
    state, key = _next_key(state)
    new_bout = Bout(end.ended_at, now.wall_at(end.ended_at), seated_since=end.ended_at, key=key)
    effects.append(Log(_bout_record(new_bout, now.wall, new_bout.sitting_s(now.at), None)))
    return replace(state, bout=new_bout, plan=ReminderPlan.fresh(config.reminder))


def _on_seat_change(state: DeviceState, change: SeatChange | None, now: Now, config: CoreConfig,
                    effects: list[Effect]) -> DeviceState:
    """Follow a confirmed seat change into the bout, the reminder and the panel."""
    match change:
        case Sat(at=sat_at):
            away = state.away
            tally = state.tally
            if away is not None and away.ended_bout:
                effects.append(Log(_natural_break(away, now.wall_at(sat_at), sat_at - away.since,
                                                  EndedBy.ENDED)))
                tally = replace(tally, breaks=tally.breaks + 1)
            state = replace(state, away=None, empty_since=None, tally=tally,
                            panel=state.panel.touched(now.at))
            return _sit_down(state, sat_at, now, config, effects)
        case Left(at=left_at):
            bout = state.bout.pause(left_at) if state.bout else None
            if bout is not None:  # the leave is dated back: the last checkpoint may be ahead
                effects.append(Log(_bout_record(bout, now.wall, bout.sitting_s(now.at), None)))
            state = replace(state, bout=bout, away=Away(left_at, now.wall_at(left_at)),
                            empty_since=left_at)
            if isinstance(state.mode, Reminding) and bout is not None:
                reminding = state.mode
                state = _end_reminder(state, ReminderOutcome.STOOD_UP,
                                      max(0.0, left_at - reminding.since), now, config, effects)
                state = replace(state, plan=state.plan.after_standing(bout, left_at,
                                                                      config.reminder))
            return state
    return state


def _sit_down(state: DeviceState, sat_at: float, now: Now, config: CoreConfig,
              effects: list[Effect]) -> DeviceState:
    """Sitting is confirmed, dated from its first edge at ``sat_at``.

    A routine is never sitting: the seconds before it began count (the edge came just
    before the press), the seconds during it do not, and a bout only counts again from
    its end. Sitting down during a stretch starts no bout: the stretch is the break.
    """
    began: float | None = None
    ended: float | None = None
    if isinstance(state.mode, Guiding):
        began = state.mode.routine.started_at
    elif state.last_routine is not None:
        began, ended = state.last_routine
    before = began - sat_at if began is not None and sat_at < began else 0.0
    counts_from = None
    if not isinstance(state.mode, Guiding):
        counts_from = sat_at if ended is None else max(sat_at, ended)
    bout = state.bout
    fresh = bout is None
    if bout is None:
        if before == 0.0 and counts_from is None:
            return state
        state, key = _next_key(state)
        bout = Bout(start_at=sat_at, start_wall=now.wall_at(sat_at), key=key)
    if before:
        bout = bout.resume(sat_at).pause(sat_at + before)
    if counts_from is not None:
        bout = bout.resume(counts_from)
    state = replace(state, bout=bout)
    if fresh:
        effects.append(Log(_bout_record(bout, now.wall, bout.sitting_s(now.at), None)))
        state = replace(state, plan=ReminderPlan.fresh(config.reminder))
    return state


def _end_bout_by_absence(state: DeviceState, away: Away, now: Now, config: CoreConfig,
                         effects: list[Effect]) -> DeviceState:
    """The absence is long enough: the bout ended when the person left."""
    if state.bout is not None:
        bout = state.bout
        effects.append(Log(_bout_record(bout, away.since_wall, bout.sitting_s(away.since),
                                        EndedBy.ENDED)))
    # The absence is a natural break from now on: its row is open until the person is back.
    state, key = _next_key(state)
    away = replace(away, ended_bout=True, key=key)
    effects.append(Log(_natural_break(away, now.wall, now.at - away.since, None)))
    return replace(state, bout=None, away=away, plan=ReminderPlan.fresh(config.reminder))


def _natural_break(away: Away, end: datetime, duration_s: float,
                   ended_by: EndedBy | None) -> BreakRecord:
    return BreakRecord(kind=BreakKind.NATURAL, start=away.since_wall, end=end,
                       duration_s=duration_s, key=away.key, ended_by=ended_by)


def _tally_for(tally: DayTally, today: date) -> DayTally:
    """A new local day starts a fresh tally."""
    return tally if tally.day == today else DayTally(today)


def view_of(state: DeviceState, now: Now, config: CoreConfig) -> View:
    """The screen for the current state (blank while the panel is dark)."""
    if not state.panel.on:
        return BlankView()
    sitting_s = state.bout.sitting_s(now.at) if state.bout else 0.0
    bout_min = int((sitting_s + _ROUNDING_S) // 60)
    match state.mode:
        case Reminding() as reminding:
            left = max(0, config.reminder.max_snoozes - state.plan.snoozes)
            return ReminderView(bout_min, left, reminding.snooze_refused)
        case Guiding(routine=routine):
            return routine_view(routine, now.at, config.routine)
        case Finished(view=done):
            return done
        case Noticing(until=until):
            return NoticeView(seconds_left=max(0, math.ceil(until - now.at - _ROUNDING_S)))
        case Browsing(pages=pages, page=page) if pages:
            return pages[page]
    return IdleView(
        seated=state.seat.occupied,
        bout_min=bout_min,
        remind_after_min=round(config.reminder.remind_after_min),
        breaks_today=state.tally.breaks,
        shift=shift_for(state.shift_slot),
    )


def _earliest(*deadlines: float | None) -> float | None:
    present = [d for d in deadlines if d is not None]
    return min(present) if present else None
