"""The device's modes: what a press, a hold, a remote command and the mode's own deadline do
in each, what its screen shows and which rows it keeps open.

A mode is a small immutable value (what it has to remember) whose methods answer the
machine, which asks the mode on and never asks which mode it is. Each mode declares its
timer once: :meth:`Mode.deadline` says when, and :meth:`Mode.on_deadline`, next to it,
what happens then. Every call into :mod:`unslump.core.routine` is made by :class:`Guiding`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

from unslump.core.effects import LoadStats, Play
from unslump.core.practice import UNCURL_STEP_S
from unslump.core.records import (
    BreakKind,
    BreakRecord,
    EndedBy,
    NoticeAnswer,
    NoticeRecord,
    Record,
    ReminderOutcome,
    ReminderRecord,
    Variant,
)
from unslump.core.reminder import ReminderPlan
from unslump.core.routine import (
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
    routine_next_cue,
    routine_press,
    routine_step_index,
    routine_stop,
    routine_view,
    start_routine,
)
from unslump.core.seat import Bout
from unslump.core.settings import CoreConfig
from unslump.core.state import (
    _ROUNDING_S,
    DeviceState,
    Mode,
    Now,
    Outcome,
    bout_min,
    checkpoint,
    quiet_for,
)
from unslump.core.tones import Tone
from unslump.core.views import (
    DoneView,
    IdleView,
    NoticeView,
    ReminderView,
    SnoozedView,
    StatsSafetyView,
    View,
)

PAUSE_KEEP_S = 30.0
"""A paused stretch is expected to resume within this long: the audio stays ready."""

SNOOZED_SHOW_S = 4.0
"""How long the snooze confirmation shows before the idle screen returns."""

STATS_IDLE_S = 15.0
"""The stats pages return to idle after this long untouched."""





@dataclass(frozen=True, slots=True)
class Idle(Mode):
    """Nothing is going on but sitting (or not); the bout's reminder is its timer. A press
    starts a break, a hold opens the stats pages."""

    rests_panel: ClassVar[bool] = True

    def deadline(self, state: DeviceState, config: CoreConfig) -> float | None:
        return state.plan.due_at(state.bout)

    next_sound_at = deadline

    def on_deadline(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """The bout has reached its reminder time: chime, unless quiet time holds it back."""
        state = out.state
        wait = quiet_for(state, now, config)
        if wait is not None:
            return out.update(plan=state.plan.held_back_until(now.at + wait))
        out, key = out.emit(Play(Tone.REMINDER)).keyed()
        chiming = Reminding(now.at, now.wall, key=key)
        return out.log(chiming.record()).update(
            mode=chiming, panel=state.panel.touched(now.at))

    def on_press(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        return Guiding.start(out, now, config)

    on_stretch_requested = on_press

    def on_hold(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        return _open_stats(out, now)

    def redraw_at(self, state: DeviceState, config: CoreConfig) -> float | None:
        """The next minute of sitting, or the next pixel nudge of the idle screen."""
        nudge = (state.shift_slot + 1) * config.screen.shift_every_min * 60
        minute = _next_minute_at(state)
        return nudge if minute is None else min(minute, nudge)


@dataclass(frozen=True, slots=True)
class Reminding(Mode):
    """The reminder shows, and chimes again every few minutes a limited number of times;
    standing up, starting the stretch or snoozing ends it."""

    since: float
    since_wall: datetime
    chimes: int = 1
    key: str = ""  # the reminder's row in the log, written at the first chime
    snooze_refused: bool = False  # a hold came after the snoozes were used up
    label: ClassVar[str] = "reminder"

    def deadline(self, state: DeviceState, config: CoreConfig) -> float | None:
        """The next repeat chime, or None once the repeats are used up (screen only)."""
        if self.chimes > config.reminder.max_repeats:
            return None
        return self.since + self.chimes * config.reminder.repeat_every_min * 60

    next_sound_at = deadline

    def on_deadline(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """Chime again; in quiet time the reminder ends as ignored instead."""
        wait = quiet_for(out.state, now, config)
        if wait is not None:
            return self._end(out, ReminderOutcome.IGNORED, None, not_before=now.at + wait)
        chimed = replace(self, chimes=self.chimes + 1)
        return out.emit(Play(Tone.REMINDER)).log(chimed.record()).update(
            mode=chimed)

    def on_press(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """Start the break; if the notice must be asked first, the reminder waits under
        it (its answer ends the reminder, silence leaves it as it was)."""
        if out.state.notice is None:
            return Noticing.ask(out, now, config, reminder=self)
        out = self._end(out, ReminderOutcome.ROUTINE, now.at - self.since)
        return Guiding.start(out, now, config)

    on_stretch_requested = on_press

    def on_hold(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """Snooze, while snoozes are left; after that the screen says there are none."""
        reminder = config.reminder
        if out.state.plan.snoozes >= reminder.max_snoozes:
            return out.update(mode=replace(self, snooze_refused=True))
        out = self._end(out.emit(Play(Tone.ACK)), ReminderOutcome.SNOOZED, None)
        plan = out.state.plan.snoozed(now.at, reminder)
        shown = SnoozedView(round(reminder.snooze_min), max(0, reminder.max_snoozes
                                                            - plan.snoozes))
        return out.update(plan=plan, mode=Finished(now.at + SNOOZED_SHOW_S, shown))

    on_snooze_requested = on_hold

    def on_left(self, out: Outcome, bout: Bout, left_at: float, now: Now,
                config: CoreConfig) -> Outcome:
        """Standing up answers the reminder (see :meth:`ReminderPlan.after_standing`)."""
        out = self._end(out, ReminderOutcome.STOOD_UP, max(0.0, left_at - self.since))
        return out.update(plan=out.state.plan.after_standing(bout, left_at, config.reminder))

    def answered(self, out: Outcome, asked_at: float) -> Outcome:
        """The break asked for at ``asked_at`` (through the notice) ends the reminder."""
        return self._end(out, ReminderOutcome.ROUTINE, asked_at - self.since)

    def _end(self, out: Outcome, outcome: ReminderOutcome, response_s: float | None,
             not_before: float | None = None) -> Outcome:
        plan = out.state.plan
        if not_before is not None:
            plan = plan.held_back_until(not_before)
        return out.log(self.record(outcome, response_s, EndedBy.ENDED)).update(
            mode=Idle(), plan=plan)

    def record(self, outcome: ReminderOutcome | None = None, response_s: float | None = None,
               ended_by: EndedBy | None = None) -> ReminderRecord:
        """The reminder's row: open (no outcome) while it shows, closed by ``ended_by``."""
        return ReminderRecord(self.since_wall, outcome, response_s, self.chimes, key=self.key,
                              ended_by=ended_by)

    def view(self, state: DeviceState, now: Now, config: CoreConfig) -> View:
        left = max(0, config.reminder.max_snoozes - state.plan.snoozes)
        return ReminderView(bout_min(state, now), left, self.snooze_refused)

    def redraw_at(self, state: DeviceState, config: CoreConfig) -> float | None:
        return _next_minute_at(state)

    def open_rows(self, state: DeviceState, now: Now, ended_by: EndedBy | None,
                  every: bool) -> tuple[Record, ...]:
        if ended_by is not None:
            return (self.record(ReminderOutcome.CUT_SHORT, None, ended_by),)
        return (self.record(),) if every else ()

    def redated(self, shift: timedelta) -> Mode:
        return replace(self, since_wall=self.since_wall + shift)


@dataclass(frozen=True, slots=True)
class Guiding(Mode):
    """The stretch (or the standing break) is under way; its row is brought forward at
    each phase change (``step``: the plan step last written to the log)."""

    routine: RoutineState
    started_wall: datetime
    key: str = ""
    step: int = 0

    @staticmethod
    def start(out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """The button asked for a break: the notice first if it has no answer yet, then
        the stretch, or the standing break for whom the stretch is not right."""
        state, routine_cfg = out.state, config.routine
        if state.notice is None:
            return Noticing.ask(out, now, config)
        if state.notice is NoticeAnswer.DECLINED:
            routine, effects = start_routine(plan_walk(config.routines.walk), now.at)
        else:
            if routine_cfg.variant == "auto":
                variant = Variant.SEATED if state.seat.raw else Variant.STANDING
            else:
                variant = Variant(routine_cfg.variant)
            level = state.practice.on(now.wall.date()).level if routine_cfg.progression else 0
            plan = plan_routine(config.routines.stretch, routine_cfg, variant, level)
            routine, effects = start_routine(plan, now.at)
        out, key = out.emit(*effects).keyed()
        guiding = Guiding(routine, now.wall, key=key, step=routine_step_index(routine, now.at))
        bout = state.bout.pause(now.at) if state.bout else None
        return out.log(guiding.record(routine_cut(routine, now.at), now.wall, None)).update(
            mode=guiding, bout=bout, panel=state.panel.touched(now.at))

    def name(self, state: DeviceState) -> str:
        return routine_name(self.routine)

    def deadline(self, state: DeviceState, config: CoreConfig) -> float | None:
        """The next cue or frame; while paused, the end of the pause limit."""
        paused_at = self.routine.paused_at
        if paused_at is not None:
            return paused_at + config.routine.pause_limit_min * 60
        return routine_deadline(self.routine)

    def on_deadline(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """The next cue or frame; at a phase change how far it got goes to disk. A pause
        left for the whole pause limit ends the stretch (nobody is coming back to it)."""
        if self.routine.paused_at is not None:
            return self._end_paused(out, now, config)
        routine, effects, end = routine_due(self.routine, now.at)
        out = out.emit(*effects)
        if end is not None:
            return self._end(out, end, now, config)
        guiding = replace(self, routine=routine)
        index = routine_step_index(routine, now.at)
        if index != guiding.step:
            guiding = replace(guiding, step=index)
            out = out.log(guiding.record(routine_cut(routine, now.at), now.wall, None))
        return out.update(mode=guiding)

    def on_press(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """Pause, or resume."""
        routine, effects = routine_press(self.routine, now.at)
        return out.emit(*effects).update(mode=replace(self, routine=routine))

    def on_hold(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """Stop where it is: a break that did not complete."""
        effects, end = routine_stop(self.routine, now.at)
        return self._end(out.emit(*effects), end, now, config)

    def on_left(self, out: Outcome, bout: Bout, left_at: float, now: Now,
                config: CoreConfig) -> Outcome:
        """Standing up from a paused stretch ends it where it was paused; the time seated
        in the pause, until the person stood up, was sitting and counts."""
        paused_at = self.routine.paused_at
        if paused_at is None:
            return out
        out = self._end_paused(out, now, config)
        seated = bout.resume(paused_at).pause(left_at)
        return out.log(seated.record_at(now.at, now.wall)).update(bout=seated)

    def _end_paused(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """The stretch as stopped at its pause, logged so; the device goes straight back
        to idle with no sound and no result screen, since nobody is following it."""
        paused_at = self.routine.paused_at
        assert paused_at is not None, "only a paused stretch ends at its pause"
        out = self._end(out, routine_cut(self.routine, paused_at), now, config)
        return out.update(mode=Idle())

    def _end(self, out: Outcome, end: RoutineEnd, now: Now, config: CoreConfig) -> Outcome:
        """Log the guided break; a completed one also ends the bout (a new one starts if the
        person is still seated), a stopped one lets the bout go on."""
        record = self.record(end, now.wall_at(end.ended_at), EndedBy.ENDED)
        plan = self.routine.plan
        stretch = plan.kind is BreakKind.GUIDED
        asking = end.completed and stretch and config.routine.progression and plan.practised
        done = DoneView(end.repetitions_done, end.completed, plan.reps, walk=not stretch,
                        asking=asking)
        out = out.log(record).update(
            mode=Finished(now.at + (DONE_ASK_S if asking else DONE_SHOW_S), done,
                          record if asking else None),
            last_routine=(end.started_at, end.ended_at))
        if end.completed and stretch:
            out = out.update(practice=out.state.practice.practised(record.start.date(), None))
        state = out.state
        bout = state.bout
        if not end.completed and bout is not None:
            return out.update(bout=bout.resume(end.ended_at) if state.seat.occupied else bout)
        if end.completed:
            if bout is not None:
                out = out.log(bout.record_at(end.started_at, self.started_wall, EndedBy.ENDED))
            tally = replace(state.tally, breaks=state.tally.breaks + 1)
            away = state.away
            if away is not None and away.ended_bout:
                # A natural break was under way when the stretch began: it ended then.
                out = out.log(away.record_at(end.started_at, self.started_wall, EndedBy.ENDED))
                tally = replace(tally, breaks=tally.breaks + 1)
            out = out.update(bout=None, away=None, tally=tally)
        if not state.seat.occupied:
            return out
        # Seated at the end and no bout under way: the sitting from here on is a new bout.
        out, key = out.keyed()
        bout = Bout(end.ended_at, now.wall_at(end.ended_at), seated_since=end.ended_at, key=key)
        return out.log(bout.record_at(now.at, now.wall)).update(
            bout=bout, plan=ReminderPlan.fresh(config.reminder))

    def record(self, end: RoutineEnd, end_wall: datetime,
               ended_by: EndedBy | None) -> BreakRecord:
        return BreakRecord(
            kind=self.routine.plan.kind, start=self.started_wall, end=end_wall,
            duration_s=end.ended_at - end.started_at, completed=end.completed,
            variant=end.variant, repetitions=end.repetitions_done,
            reached=None if end.completed else end.reached, key=self.key, ended_by=ended_by)

    def view(self, state: DeviceState, now: Now, config: CoreConfig) -> View:
        return routine_view(self.routine, now.at)

    def open_rows(self, state: DeviceState, now: Now, ended_by: EndedBy | None,
                  every: bool) -> tuple[Record, ...]:
        return (self.record(routine_cut(self.routine, now.at), now.wall, ended_by),)

    def redated(self, shift: timedelta) -> Mode:
        return replace(self, started_wall=self.started_wall + shift)

    @property
    def break_since(self) -> float | None:
        return self.routine.started_at

    def next_sound_at(self, state: DeviceState, config: CoreConfig) -> float | None:
        if self.routine.paused_at is not None:
            return self.routine.paused_at + PAUSE_KEEP_S
        return routine_next_cue(self.routine)


@dataclass(frozen=True, slots=True)
class Timed(Mode):
    """A mode shown for a while: at ``until`` the device is idle again, lit as if just
    touched (nothing is logged for a question left unanswered)."""

    until: float

    def deadline(self, state: DeviceState, config: CoreConfig) -> float | None:
        return self.until

    def on_deadline(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        return out.update(mode=Idle(), panel=out.state.panel.touched(now.at))


@dataclass(frozen=True, slots=True)
class Noticing(Timed):
    """The safety notice waits for its answer before the first break: a press answers
    "understood", a hold "declined" (the standing break instead); the break then starts."""

    reminder: Reminding | None = None  # the reminder the press answered, waiting under it
    asked_at: float = 0.0  # when the press asked for the break (the reminder's response)
    label: ClassVar[str] = "notice"

    @staticmethod
    def ask(out: Outcome, now: Now, config: CoreConfig,
            reminder: Reminding | None = None) -> Outcome:
        noticing = Noticing(now.at + config.routine.notice_s, reminder, now.at)
        return out.emit(Play(Tone.PHASE)).update(mode=noticing,
                                                 panel=out.state.panel.touched(now.at))

    def on_deadline(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """Unanswered: back to the reminder as it was (nothing logged), else to idle."""
        if self.reminder is None:
            return Timed.on_deadline(self, out, now, config)
        return out.update(mode=self.reminder, panel=out.state.panel.touched(now.at))

    def on_press(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        return self._answered(out, NoticeAnswer.UNDERSTOOD, now, config)

    def on_hold(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        return self._answered(out, NoticeAnswer.DECLINED, now, config)

    def _answered(self, out: Outcome, answer: NoticeAnswer, now: Now,
                  config: CoreConfig) -> Outcome:
        """Either answer starts a break (the stretch, or the standing break for "not for
        me"), and that break answers the reminder the press came from."""
        out = out.log(NoticeRecord(now.wall, answer)).update(notice=answer)
        if self.reminder is not None:
            out = self.reminder.answered(out, self.asked_at)
        return Guiding.start(out, now, config)

    def on_left(self, out: Outcome, bout: Bout, left_at: float, now: Now,
                config: CoreConfig) -> Outcome:
        """Standing up answers the reminder under the notice; the notice stays."""
        if self.reminder is None:
            return out
        out = self.reminder.on_left(out, bout, left_at, now, config)
        return out.update(mode=replace(self, reminder=None))

    def open_rows(self, state: DeviceState, now: Now, ended_by: EndedBy | None,
                  every: bool) -> tuple[Record, ...]:
        if self.reminder is None:
            return ()
        return self.reminder.open_rows(state, now, ended_by, every)

    def redated(self, shift: timedelta) -> Mode:
        if self.reminder is None:
            return self
        return replace(self, reminder=replace(self.reminder,
                                              since_wall=self.reminder.since_wall + shift))

    def view(self, state: DeviceState, now: Now, config: CoreConfig) -> View:
        return NoticeView(seconds_left=max(0, math.ceil(self.until - now.at - _ROUNDING_S)))

    def redraw_at(self, state: DeviceState, config: CoreConfig) -> float | None:
        """The countdown's next second."""
        shown = state.shown
        return self.until - (shown.seconds_left - 1) if isinstance(shown, NoticeView) else None


@dataclass(frozen=True, slots=True)
class Finished(Timed):
    """The stretch just ended, or a snooze was taken: the result shows. After a completed
    stretch ``asking`` is its row, and a press answers "uncurl smooth?"; otherwise a press
    and a hold do what they do at idle."""

    result: DoneView | SnoozedView
    asking: BreakRecord | None = None

    def name(self, state: DeviceState) -> str:
        return "snoozed" if isinstance(self.result, SnoozedView) else "done"

    def on_press(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        if self.asking is None:
            return Guiding.start(out, now, config)
        # "Uncurl smooth?" answered yes: the row says so, and the practice may step up.
        # A step up is said on the screen in what it changes (the next uncurl is longer),
        # the one place a person learns what the level means; otherwise back to idle.
        before = out.state.practice
        practice = before.practised(self.asking.start.date(), smooth=True)
        out = out.emit(Play(Tone.ACK)).log(replace(self.asking, smooth=True)).update(
            mode=Idle(), practice=practice, panel=out.state.panel.touched(now.at))
        if practice.level > before.level and isinstance(self.result, DoneView):
            grown = replace(self.result, asking=False,
                            longer_uncurl_s=(practice.level - before.level) * UNCURL_STEP_S)
            out = out.update(mode=Finished(now.at + DONE_SHOW_S, grown))
        return out

    def on_hold(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        return _open_stats(out, now)

    def on_stretch_requested(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        return Guiding.start(out, now, config)

    def view(self, state: DeviceState, now: Now, config: CoreConfig) -> View:
        return self.result


@dataclass(frozen=True, slots=True)
class Browsing(Timed):
    """The stats pages are open, filled in when the log answers (StatsLoaded); a press
    turns the page, a hold closes them."""

    pages: tuple[View, ...] = ()
    page: int = 0
    label: ClassVar[str] = "stats"

    def on_press(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        page = (self.page + 1) % max(1, len(self.pages))
        return out.update(mode=replace(self, page=page, until=now.at + STATS_IDLE_S))

    def on_hold(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """On the safety page a hold asks the notice again before the next break."""
        page = self.pages[self.page] if self.page < len(self.pages) else None
        if not isinstance(page, StatsSafetyView):
            return out.update(mode=Idle())
        return out.emit(Play(Tone.ACK)).log(NoticeRecord(now.wall, NoticeAnswer.RESET)).update(
            mode=Idle(), notice=None)

    def on_stretch_requested(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        return Guiding.start(out, now, config)

    def on_stats_loaded(self, out: Outcome, pages: tuple[Any, ...]) -> Outcome:
        return out.update(mode=replace(self, pages=pages))

    def view(self, state: DeviceState, now: Now, config: CoreConfig) -> View:
        return self.pages[self.page] if self.pages else Mode.view(self, state, now, config)


def _open_stats(out: Outcome, now: Now) -> Outcome:
    """The pages count the bout under way: its row is brought up to now before reading."""
    return checkpoint(out, now).emit(LoadStats()).update(mode=Browsing(now.at + STATS_IDLE_S))




def _next_minute_at(state: DeviceState) -> float | None:
    """When the minute of sitting on the screen goes up by one."""
    bout, shown = state.bout, state.shown
    if bout is None or bout.seated_since is None or not isinstance(shown, IdleView
                                                                    | ReminderView):
        return None
    return bout.seated_since + (shown.bout_min + 1) * 60 - bout.seated_s
