"""The guided lower-back stretch, as pure data and functions.

The stretch (a seated or standing low-back stretch recommended by a physical-therapy
association) is planned once at start as a fixed timeline of phases and sound cues in
*routine time*: seconds since the start, not counting pauses. A pause only moves
``origin`` (the instant routine time 0 fell on) later by the time spent paused, so every
remaining deadline shifts with it and nothing else has to be rescheduled.

Sound carries the routine, because in the fold and the hang the head hangs down and the
screen is out of sight: every phase starts with a sound of its own (no two alike), every
breath is paced by a sound that lasts it (rising in, falling out), the uncurl ticks once
per vertebra, each rest counts the repetitions done in soft pips, and the end resolves
downward. After a resume the current phase's sound plays again and the breath it was in
starts over. The screen repeats the same timeline, quantised so that it changes at most
``1 / FRAME_S`` times a second.

Nothing here reads a clock or does I/O: every instant is a monotonic float given by the
caller, which handles everything due (:func:`routine_due`) before it applies a press.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType

from device.core.effects import Effect, Play, Say
from device.core.practice import uncurl_for
from device.core.records import BreakKind, Variant
from device.core.settings import RoutineConfig
from device.core.tones import (
    BREATH_COVER,
    BREATH_TONES,
    MARK_MAX_S,
    PIP_SPACING_S,
    RECUE_LEAD_S,
    Tone,
)
from device.core.views import PausedView, RoutineView

DONE_SHOW_S = 4.0
"""How long the machine shows the DoneView after the routine ends."""

DONE_ASK_S = 8.0
"""How long "uncurl smooth?" waits for its press after a completed stretch."""

FRAME_S = 0.1
"""Routine-time spacing of animation frames: at most 10 redraws a second."""

PROGRESS_PX = 120
"""Inner width of every progress bar in pixels; progress is counted in these steps."""

BREATH_MIN_R = 2
BREATH_MAX_R = 10
"""Radius range of the breath indicator: smallest at empty lungs, largest at full."""

# Routine time is recovered as ``at - origin``; this absorbs the rounding of that
# subtraction so a view drawn exactly at a phase boundary shows the new phase.
_EPS = 1e-6


class Phase(StrEnum):
    SETUP = "setup"  # take the starting position (depends on the variant)
    INHALE = "inhale"  # breathe in, tall
    FOLD = "fold"  # breathe out and fold the trunk over the thighs
    HANG = "hang"  # hang loose for a few slow breaths
    INHALE_AGAIN = "inhale_again"  # breathe in, still folded
    RECOMMIT = "recommit"  # breathe out: hips soft again, abs in again
    UNCURL = "uncurl"  # roll up from the pelvis, one vertebra at a time
    REST = "rest"  # upright, before the next repetition
    # The standing break, for whom the stretch is not right (the notice was declined).
    STAND_UP = "stand_up"  # get up from the chair
    WALK = "walk"  # walk a few steps, arms easy
    LOOSEN = "loosen"  # roll the shoulders loose, standing tall


TITLES = MappingProxyType({
    Phase.SETUP: "SET UP",
    Phase.INHALE: "INHALE",
    Phase.FOLD: "FOLD",
    Phase.HANG: "HANG",
    Phase.INHALE_AGAIN: "INHALE",
    Phase.RECOMMIT: "RECOMMIT",
    Phase.UNCURL: "UNCURL",
    Phase.REST: "REST",
    Phase.STAND_UP: "STAND UP",
    Phase.WALK: "WALK",
    Phase.LOOSEN: "LOOSEN",
})
"""The phase names as shown in the large font (at most 8 characters, 64 px)."""

# The article's instructions in our own short words, one screen line each (<= 21 chars
# of the 6x12 font). A phase with several cues shows them in turn, each for an equal
# share of the phase. See the README table for which instruction lands where.
_SHARED_CUES: MappingProxyType[Phase, tuple[str, ...]] = MappingProxyType({
    Phase.STAND_UP: ("stand up, step away",),
    Phase.WALK: ("walk a few steps", "arms swing easy", "breathe slow and low"),
    Phase.LOOSEN: ("roll shoulders back", "shoulders loose", "tall, knees soft"),
    Phase.FOLD: ("out: fold over thighs", "back relaxed, long", "draw low abs in"),
    Phase.HANG: ("head hangs, rag doll", "shoulders loose", "hip fronts soft",
                 "slow, easy breaths"),
    Phase.INHALE_AGAIN: ("breathe in, stay down",),
    Phase.RECOMMIT: ("out: hip fronts soft", "abs in toward spine"),
    Phase.UNCURL: ("roll up from pelvis", "vertebra by vertebra", "feel where it clumps"),
})
_SEATED_CUES = MappingProxyType({
    Phase.SETUP: ("sit on front edge", "sit bones firm, even", "buttocks unclenched",
                  "a little rounding: ok"),
    Phase.INHALE: ("breathe in, sit tall",),
    Phase.REST: ("rest, sitting tall", "soft hips: abs do it", "loose shoulders: hips"),
})
_STANDING_CUES = MappingProxyType({
    Phase.SETUP: ("feet point forward", "feet soft, flat down", "a little rounding: ok"),
    Phase.INHALE: ("breathe in, grow tall",),
    Phase.REST: ("rest, standing tall", "soft hips: abs do it", "loose shoulders: hips"),
})
_VARIANT_CUES = MappingProxyType({Variant.SEATED: _SEATED_CUES,
                                  Variant.STANDING: _STANDING_CUES})


def cues_for(phase: Phase, variant: Variant) -> tuple[str, ...]:
    """The screen cue lines of ``phase`` for ``variant``, in the order they are shown."""
    return _VARIANT_CUES[variant].get(phase) or _SHARED_CUES[phase]


@dataclass(frozen=True, slots=True)
class Step:
    """One phase of the plan, placed in routine time.

    ``breathing`` is the (in, out) seconds of the breath pattern that repeats from the
    step's start, or None when the phase is not paced by breath: (length, 0) is one long
    in-breath, (0, length) one long out-breath, (inhale_s, exhale_s) the hang's cycles.
    """

    phase: Phase
    rep: int  # 1-based; 0 for the set-up and the standing break's steps
    start: float
    length: float
    breathing: tuple[float, float] | None = None
    ticks: int = 0  # evenly paced vertebra ticks (uncurl only)

    @property
    def end(self) -> float:
        return self.start + self.length


@dataclass(frozen=True, slots=True)
class Cue:
    """A tone to play at routine time ``offset`` (``length_s`` stretches a breath sound),
    or, with ``tone`` None, a phrase to speak: the screen cue shown from then on."""

    offset: float
    tone: Tone | None
    length_s: float | None = None
    text: str = ""

    def play(self) -> Play:
        assert self.tone is not None, "a spoken cue has no tone"
        return Play(self.tone, self.length_s)

    def effect(self) -> Play | Say:
        return Say(self.text) if self.tone is None else self.play()


PHASE_SOUNDS: MappingProxyType[Phase, Tone | None] = MappingProxyType({
    Phase.SETUP: Tone.SETUP,
    Phase.INHALE: None,  # its in-breath is its sound: the first breath after set-up or rest
    Phase.FOLD: Tone.FOLD,
    Phase.HANG: Tone.HANG,
    Phase.INHALE_AGAIN: Tone.HANG_END,
    Phase.RECOMMIT: Tone.RECOMMIT,
    Phase.UNCURL: Tone.UNCURL,
    Phase.REST: Tone.REST,
    Phase.STAND_UP: Tone.PHASE,
    Phase.WALK: Tone.SETUP,
    Phase.LOOSEN: Tone.REST,
})
"""The sound that starts each phase (before its breath sound, if it has one)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The whole routine, fixed at start: its phases and its sounds, in order."""

    steps: tuple[Step, ...]
    cues: tuple[Cue, ...]
    reps: int
    kind: BreakKind = BreakKind.GUIDED  # the stretch, or the standing break

    @property
    def total(self) -> float:
        return self.steps[-1].end


HEAD_DOWN = frozenset({Phase.FOLD, Phase.HANG, Phase.INHALE_AGAIN, Phase.RECOMMIT})
"""Phases folded over the thighs: their content cues are spoken (with voice on) and were
read in the set-up; the screen shows only the phase and the breath, large."""

_COUNTED_DOWN = frozenset({Phase.SETUP, Phase.REST, Phase.STAND_UP, Phase.WALK, Phase.LOOSEN})
"""Phases the eyes can follow: their screen counts down the seconds left."""

WALK_STEPS_S = ((Phase.STAND_UP, 10.0), (Phase.WALK, 150.0), (Phase.LOOSEN, 30.0))
"""The standing break: up, a few minutes' walk, shoulders loosened (3 min 10 s)."""


def plan_walk(cfg: RoutineConfig) -> Plan:
    """The standing break, in place of the stretch for whom it is not right."""
    steps: list[Step] = []
    for phase, length in WALK_STEPS_S:
        start = steps[-1].end if steps else 0.0
        steps.append(Step(phase, 0, start, length))
    cues: list[Cue] = []
    for step in steps:
        cues.extend(_step_cues(step, cfg))
        cues.extend(_spoken_cues(step, Variant.STANDING))
    cues.append(Cue(steps[-1].end, Tone.COMPLETE))
    cues.sort(key=lambda cue: cue.offset)
    return Plan(tuple(steps), tuple(cues), 1, BreakKind.WALK)


def plan_routine(cfg: RoutineConfig, variant: Variant, level: int = 0) -> Plan:
    """Lay out every phase and tone of the routine in routine time.

    ``level`` is the practice level (:mod:`device.core.practice`): each step makes the
    uncurl longer, with one more vertebra tick.
    """
    uncurl_s, uncurl_ticks = uncurl_for(level, cfg.uncurl_s, cfg.uncurl_ticks)
    breath_s = cfg.inhale_s + cfg.exhale_s
    steps: list[Step] = []

    def add(phase: Phase, rep: int, length: float,
            breathing: tuple[float, float] | None = None, ticks: int = 0) -> None:
        start = steps[-1].end if steps else 0.0
        steps.append(Step(phase, rep, start, length, breathing, ticks))

    add(Phase.SETUP, 0, cfg.setup_s)
    for rep in range(1, cfg.repetitions + 1):
        add(Phase.INHALE, rep, cfg.inhale_s, breathing=(cfg.inhale_s, 0.0))
        add(Phase.FOLD, rep, cfg.exhale_s, breathing=(0.0, cfg.exhale_s))
        add(Phase.HANG, rep, cfg.hang_breaths * breath_s,
            breathing=(cfg.inhale_s, cfg.exhale_s))
        add(Phase.INHALE_AGAIN, rep, cfg.inhale_s, breathing=(cfg.inhale_s, 0.0))
        add(Phase.RECOMMIT, rep, cfg.exhale_s, breathing=(0.0, cfg.exhale_s))
        add(Phase.UNCURL, rep, uncurl_s, ticks=uncurl_ticks)
        add(Phase.REST, rep, cfg.rest_s)

    cues: list[Cue] = []
    for step in steps:
        cues.extend(_step_cues(step, cfg))
        cues.extend(_spoken_cues(step, variant))
    cues.append(Cue(steps[-1].end, Tone.COMPLETE))
    # in time order; at the same instant the tones first (stable sort), then the words
    cues.sort(key=lambda cue: cue.offset)
    return Plan(tuple(steps), tuple(cues), cfg.repetitions)


def _spoken_cues(step: Step, variant: Variant) -> list[Cue]:
    """Each screen cue of ``step`` as a phrase, spoken when it appears on the screen."""
    lines = cues_for(step.phase, variant)
    share = step.length / len(lines)
    # on the first animation frame that shows the line, so speaking never adds a wake-up
    return [Cue(step.start + math.ceil(i * share / FRAME_S - _EPS) * FRAME_S, None, text=line)
            for i, line in enumerate(lines) if line]


def _step_cues(step: Step, cfg: RoutineConfig) -> list[Cue]:
    """The tones of one step: its own start sound, then its pacing.

    Sounds due at the same instant are played one after the other by the audio adapter,
    so a phase sound and the breath sound that follows it are both planned at the start.
    """
    start = step.start
    mark = PHASE_SOUNDS[step.phase]
    cues = [] if mark is None else [Cue(start, mark)]
    if step.breathing is not None:
        cues += _breath_cues(step)
    if step.phase is Phase.UNCURL:
        # One tick in the middle of each vertebra's share: even pacing, and no tick
        # lands on the phase sound at the start or on the rest's sound at the end.
        spacing = step.length / step.ticks
        cues += [Cue(start + (i + 0.5) * spacing, Tone.TICK) for i in range(step.ticks)]
    if step.phase is Phase.REST:
        cues += _pips(step)
    return cues


def _breath_cues(step: Step) -> list[Cue]:
    """An in-breath and an out-breath sound per breath of ``step``, each lasting its breath
    (``BREATH_COVER`` of it)."""
    assert step.breathing is not None
    in_s, out_s = step.breathing
    cycle = in_s + out_s
    cues: list[Cue] = []
    at = step.start
    while at < step.end - _EPS:
        if in_s > 0:
            cues.append(Cue(at, Tone.INHALE, round(in_s * BREATH_COVER, 3)))
        if out_s > 0:
            cues.append(Cue(at + in_s, Tone.EXHALE, round(out_s * BREATH_COVER, 3)))
        at += cycle
    return cues


def breath_plays(cfg: RoutineConfig) -> tuple[Play, ...]:
    """The breath sounds a routine with ``cfg`` asks for (the audio makes them ahead)."""
    return (Play(Tone.INHALE, round(cfg.inhale_s * BREATH_COVER, 3)),
            Play(Tone.EXHALE, round(cfg.exhale_s * BREATH_COVER, 3)))


def _pips(step: Step) -> list[Cue]:
    """One soft pip per repetition done, after the rest's own sound, all inside the rest."""
    room = max(step.length - MARK_MAX_S - 0.5, 0.0)
    spacing = min(PIP_SPACING_S, room / step.rep) if step.rep else PIP_SPACING_S
    first = step.start + MARK_MAX_S + 0.1
    return [Cue(first + i * spacing, Tone.PIP) for i in range(step.rep)]


@dataclass(frozen=True, slots=True)
class RoutineState:
    """A routine under way.

    ``origin`` is the monotonic instant routine time 0 fell on; each pause moves it later
    by the paused time, which shifts every remaining deadline at once. ``cursor`` indexes
    the next cue of the plan still to play; ``frame`` the next animation frame on the
    ``FRAME_S`` grid of routine time. ``resume_from`` is where the last resume went back
    to (the start of the breath it was in): routine time never reads earlier than it.
    """

    plan: Plan
    variant: Variant
    started_at: float
    origin: float
    paused_at: float | None = None
    cursor: int = 0
    frame: int = 0
    resume_from: float = 0.0  # routine time the screen holds at while a resume re-cues

    @property
    def finished(self) -> bool:
        return self.cursor >= len(self.plan.cues)


@dataclass(frozen=True, slots=True)
class RoutineEnd:
    """How a routine ended, for the break log."""

    completed: bool
    started_at: float
    ended_at: float
    variant: Variant
    repetitions_done: int
    reached: str  # e.g. "rep 2/3 uncurl", "setup"


def start_routine(cfg: RoutineConfig, at: float, variant: Variant,
                  level: int = 0, plan: Plan | None = None
                  ) -> tuple[RoutineState, list[Effect]]:
    """Begin at ``at`` with the set-up (or the first step of ``plan``, the standing break)."""
    plan = plan or plan_routine(cfg, variant, level)
    state = RoutineState(plan=plan, variant=variant, started_at=at, origin=at)
    state, effects, _ = routine_due(state, at, cfg)
    return state, effects


def routine_deadline(state: RoutineState, cfg: RoutineConfig) -> float | None:
    """The next cue or animation frame; None while paused (nothing moves) or when done."""
    if state.paused_at is not None or state.finished:
        return None
    next_cue = state.origin + state.plan.cues[state.cursor].offset
    next_frame = state.origin + state.frame * FRAME_S
    return min(next_cue, next_frame)


def routine_next_cue(state: RoutineState) -> float | None:
    """When the next sound of the plan is due; None while paused or when all have played."""
    if state.paused_at is not None or state.finished:
        return None
    return state.origin + state.plan.cues[state.cursor].offset


def routine_due(state: RoutineState, at: float, cfg: RoutineConfig
                ) -> tuple[RoutineState, list[Effect], RoutineEnd | None]:
    """Play every cue due at or before ``at``; end the routine when its last rest is over.

    Afterwards :func:`routine_deadline` is strictly later than ``at`` (or None), so a loop
    that sleeps until it never spins.
    """
    if state.paused_at is not None or state.finished:
        return state, [], None
    plan, origin = state.plan, state.origin
    cursor = state.cursor
    effects: list[Effect] = []
    # Compared in absolute time, the same sum as the deadline: a loop woken exactly at
    # the deadline always gets that cue.
    while cursor < len(plan.cues) and origin + plan.cues[cursor].offset <= at:
        effects.append(plan.cues[cursor].effect())
        cursor += 1
    frame = max(state.frame, math.floor((at - origin) / FRAME_S))
    while origin + frame * FRAME_S <= at:
        frame += 1
    state = replace(state, cursor=cursor, frame=frame)
    if not state.finished:
        return state, effects, None
    end = RoutineEnd(completed=True, started_at=state.started_at, ended_at=origin + plan.total,
                     variant=state.variant, repetitions_done=plan.reps,
                     reached=_reached(plan, plan.steps[-1]))
    return state, effects, end


def routine_press(state: RoutineState, at: float, cfg: RoutineConfig
                  ) -> tuple[RoutineState, list[Effect]]:
    """A short press pauses, the next one resumes; the paused time shifts every deadline.

    A pause cuts the sound off. A resume plays the resume sound and the current phase's
    own sound, then the breath it was in starts over, ``RECUE_LEAD_S`` after the press:
    someone with the head down hears where they are before being paced again.
    The caller must have handled everything due up to ``at`` first (:func:`routine_due`).
    """
    if state.paused_at is None:
        return replace(state, paused_at=at), [Play(Tone.PAUSE, cut=True)]
    plan = state.plan
    elapsed = _elapsed(state, at)
    step = _step_at(plan, elapsed)
    effects: list[Effect] = [Play(Tone.RESUME)]
    mark = PHASE_SOUNDS[step.phase]
    if mark is not None:
        effects.append(Play(mark))
    breath = _breath_start(plan, step, elapsed)
    if breath is None:  # nothing to restart: the timeline goes on where it stopped
        resumed = replace(state, origin=state.origin + (at - state.paused_at), paused_at=None,
                          resume_from=elapsed)
        return resumed, effects
    cursor, offset = breath
    resumed = replace(state, origin=at + RECUE_LEAD_S - offset, paused_at=None, cursor=cursor,
                      frame=math.floor(offset / FRAME_S + _EPS) + 1, resume_from=offset)
    return resumed, effects


def _breath_start(plan: Plan, step: Step, elapsed: float) -> tuple[int, float] | None:
    """The cue index and routine time of the breath sound under way at ``elapsed``, if the
    step is paced by breath; None otherwise (or once the step's last breath is over)."""
    found = None
    for index, cue in enumerate(plan.cues):
        if cue.offset > elapsed + _EPS:
            break
        if cue.tone in BREATH_TONES and step.start - _EPS <= cue.offset:
            found = (index, cue.offset)
    return found


def routine_stop(state: RoutineState, at: float, cfg: RoutineConfig
                 ) -> tuple[list[Effect], RoutineEnd]:
    """A hold stops the routine where it is: a break that did not complete."""
    return [Play(Tone.STOP, cut=True)], routine_cut(state, at)


def routine_cut(state: RoutineState, at: float) -> RoutineEnd:
    """The routine as a break that did not complete, had it ended at ``at``.

    A hold ends it this way; a checkpoint writes it this way while it is under way, so a
    power cut leaves a stopped routine in the log that says how far it got.
    """
    elapsed = _elapsed(state, at)
    plan = state.plan
    done = sum(1 for step in plan.steps
               if step.phase is Phase.UNCURL and step.end <= elapsed + _EPS)
    return RoutineEnd(completed=False, started_at=state.started_at, ended_at=at,
                      variant=state.variant, repetitions_done=done,
                      reached=_reached(plan, _step_at(plan, elapsed)))


def routine_step_index(state: RoutineState, at: float) -> int:
    """Which step of the plan is under way at ``at``: it changes at each phase change."""
    return state.plan.steps.index(_step_at(state.plan, _elapsed(state, at)))


def routine_view(state: RoutineState, at: float, cfg: RoutineConfig
                 ) -> RoutineView | PausedView:
    """The screen for routine state ``state`` at ``at``."""
    plan = state.plan
    elapsed = _elapsed(state, at)
    step = _step_at(plan, elapsed)
    if state.paused_at is not None:
        return PausedView(title=TITLES[step.phase], rep=step.rep, reps=plan.reps)
    into = min(max(elapsed - step.start, 0.0), step.length)
    fraction = into / step.length
    progress = min(PROGRESS_PX, math.floor(fraction * PROGRESS_PX + _EPS))
    seconds_left = math.ceil(step.length - into - _EPS)
    cues = cues_for(step.phase, state.variant)
    cue = cues[min(len(cues) - 1, math.floor(fraction * len(cues) + _EPS))]
    if step.phase in HEAD_DOWN:
        cue = ""  # the eyes are off the screen: the phase and the breath only, large
    ticks = None
    if step.ticks:
        ticks = (min(step.ticks, math.floor(into / (step.length / step.ticks) + 0.5 + _EPS)),
                 step.ticks)
    return RoutineView(
        phase=step.phase.value,
        title=TITLES[step.phase],
        cue=cue,
        progress=progress,
        rep=step.rep,
        reps=plan.reps,
        breath=_breath_radius(step, into),
        variant=state.variant.value,
        ticks=ticks,
        seconds_left=seconds_left if step.phase in _COUNTED_DOWN else None,
    )


def routine_name(state: RoutineState) -> str:
    """The scenario runner's name for the state: "routine", or "paused"."""
    return "routine" if state.paused_at is None else "paused"


def routine_total_s(cfg: RoutineConfig, level: int = 0) -> float:
    """How long the whole routine lasts without pauses (set-up included)."""
    return plan_routine(cfg, Variant.SEATED, level).total


def _elapsed(state: RoutineState, at: float) -> float:
    """Routine time at ``at`` (frozen while paused), clamped to the plan."""
    now = state.paused_at if state.paused_at is not None else at
    return min(max(now - state.origin, state.resume_from, 0.0), state.plan.total)


def _step_at(plan: Plan, elapsed: float) -> Step:
    """The step under way at routine time ``elapsed`` (the last one once it is over)."""
    current = plan.steps[0]
    for step in plan.steps:
        if step.start <= elapsed + _EPS:
            current = step
        else:
            break
    return current


def _breath_radius(step: Step, into: float) -> int | None:
    """Indicator radius: grows through an in-breath, shrinks through an out-breath."""
    if step.breathing is None:
        return None
    in_s, out_s = step.breathing
    cycle = in_s + out_s
    # the very end of a step is the end of its last breath, not the start of a new one
    t = cycle if into >= step.length - _EPS else math.fmod(into, cycle)
    span = BREATH_MAX_R - BREATH_MIN_R
    if in_s > 0 and t <= in_s:
        return BREATH_MIN_R + math.floor(span * t / in_s + _EPS)
    return BREATH_MAX_R - math.floor(span * (t - in_s) / out_s + _EPS)


def _reached(plan: Plan, step: Step) -> str:
    """How far the routine got, for the log: "setup", "walk" or "rep 2/3 uncurl"."""
    name = step.phase.value.replace("_", " ")
    return name if step.rep == 0 else f"rep {step.rep}/{plan.reps} {name}"
