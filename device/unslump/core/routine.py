"""A guided routine (the lower-back stretch, the standing break, or a user's own), as pure
data and functions.

What is guided comes from a routine file, read and checked at the edge and handed here
as a :class:`~unslump.core.routine_spec.RoutineSpec`: this module plans and runs any of
them, and knows no phase by name. A routine is planned once at start as a fixed timeline
of stages (its phases placed in time) and sound cues in *routine time*: seconds since
the start, not counting pauses. A pause only moves ``origin`` (the instant routine time
0 fell on) later by the time spent paused, so every remaining deadline shifts with it and
nothing else has to be rescheduled.

Sound carries the routine, because in a head-down phase (the stretch's fold and hang) the
screen is out of sight: every phase starts with a sound of its own (no two alike in a
file), every breath is paced by a sound that lasts it (rising in, falling out), a ticked
phase (the uncurl) ticks evenly, a phase with pips (the rest) counts the repetitions done,
and the end resolves downward. After a resume the current phase's sound plays again and
the breath it was in starts over. The screen repeats the same timeline, quantised so that
it changes at most ``1 / FRAME_S`` times a second.

Nothing here reads a clock or does I/O: every instant is a monotonic float given by the
caller, which handles everything due (:func:`routine_due`) before it applies a press.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from unslump.core.effects import Effect, Play, Say
from unslump.core.practice import uncurl_for
from unslump.core.records import BreakKind, Variant
from unslump.core.routine_spec import Amount, Breath, PhaseSpec, RoutineSpec
from unslump.core.settings import ROUTINE_DURATION_KEYS, RoutineConfig
from unslump.core.tones import (
    BREATH_COVER,
    BREATH_TONES,
    MARK_MAX_S,
    PIP_SPACING_S,
    RECUE_LEAD_S,
    Tone,
)
from unslump.core.views import PausedView, RoutineView

DONE_SHOW_S = 4.0
"""How long the machine shows the DoneView after the routine ends."""

DONE_ASK_S = 8.0
"""How long "uncurl smooth?" waits for its press after a completed stretch."""

FRAME_S = 0.1
"""Routine-time spacing of animation frames: at most 10 redraws a second."""

PROGRESS_STEPS = 120
"""How finely a phase's progress is counted: 0 at its start, this at its end (the
renderer maps steps to the bar's pixels)."""

BREATH_MIN = 2
BREATH_MAX = 10
"""Levels of the breath indicator: smallest at empty lungs, largest at full (the renderer
maps a level to the disc's radius)."""

# Routine time is recovered as ``at - origin``; this absorbs the rounding of that
# subtraction so a view drawn exactly at a phase boundary shows the new phase.
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Stage:
    """One phase of a routine file placed in routine time: its repetition, start and
    resolved length.

    ``breathing`` is the (in, out) seconds of the breath pattern that repeats from the
    stage's start, or None when the phase is not paced by breath: (length, 0) is one long
    in-breath, (0, length) one long out-breath, (inhale, exhale) the hang's cycles.
    """

    phase: PhaseSpec
    rep: int  # 1-based; 0 for the phases played once (the set-up, the standing break)
    start: float
    length: float
    breathing: tuple[float, float] | None = None
    ticks: int = 0  # evenly paced ticks (the uncurl's vertebrae)

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


@dataclass(frozen=True, slots=True)
class Plan:
    """The whole routine, fixed at start: its stages and its sounds, in order."""

    stages: tuple[Stage, ...]
    cues: tuple[Cue, ...]
    reps: int
    variant: Variant
    kind: BreakKind = BreakKind.GUIDED  # the stretch, or the standing break

    @property
    def total(self) -> float:
        return self.stages[-1].end

    @property
    def practised(self) -> bool:
        """Whether the practice level changes it (the stretch's uncurl): only then is
        "uncurl smooth?" asked at its end."""
        return any(stage.phase.practised for stage in self.stages)


def plan_walk(spec: RoutineSpec) -> Plan:
    """The standing break, in place of the stretch for whom it is not right: planned from
    its own file alone (the ``[routine]`` keys set the stretch, not the break)."""
    return _plan(spec, None, Variant.STANDING, BreakKind.WALK)


def plan_routine(spec: RoutineSpec, cfg: RoutineConfig, variant: Variant,
                 level: int = 0) -> Plan:
    """Lay out every phase and tone of the routine in routine time.

    ``level`` is the practice level (:mod:`unslump.core.practice`): each step makes the
    practised phase (the uncurl) longer, with one more tick.
    """
    return _plan(spec, cfg, variant, BreakKind.GUIDED, level)


def _plan(spec: RoutineSpec, cfg: RoutineConfig | None, variant: Variant, kind: BreakKind,
          level: int = 0) -> Plan:
    stages = _stages(spec, cfg, level)
    cues: list[Cue] = []
    for stage in stages:
        cues.extend(_stage_cues(stage))
        cues.extend(_spoken_cues(stage, variant))
    cues.append(Cue(stages[-1].end, Tone.COMPLETE))
    # in time order; at the same instant the tones first (stable sort), then the words
    cues.sort(key=lambda cue: cue.offset)
    return Plan(stages, tuple(cues), _repetitions(spec, cfg), variant, kind)


def _repetitions(spec: RoutineSpec, cfg: RoutineConfig | None) -> int:
    """The config sets how often a routine with a repeated part repeats it."""
    return cfg.repetitions if cfg is not None and spec.repeat else spec.repetitions


def _stages(spec: RoutineSpec, cfg: RoutineConfig | None, level: int) -> tuple[Stage, ...]:
    """Every phase of the routine placed end to end in routine time; the variant changes
    only the words, never a length."""
    placed = [(phase, 0) for phase in spec.once]
    placed += [(phase, rep) for rep in range(1, _repetitions(spec, cfg) + 1)
               for phase in spec.repeat]
    stages: list[Stage] = []
    for phase, rep in placed:
        start = stages[-1].end if stages else 0.0
        stages.append(_stage(spec, cfg, phase, rep, start, level))
    return tuple(stages)


def _stage(spec: RoutineSpec, cfg: RoutineConfig | None, phase: PhaseSpec, rep: int,
           start: float, level: int) -> Stage:
    """``phase`` at ``start``, its named lengths resolved (the config's first)."""

    def amount(value: Amount | None) -> float:
        if value is None:
            return 0.0
        if not isinstance(value, str):
            return float(value)
        if cfg is not None and value in ROUTINE_DURATION_KEYS:
            return float(getattr(cfg, value))
        return spec.durations[value]

    breath_in, breath_out = amount(spec.inhale), amount(spec.exhale)
    if phase.breaths is not None:
        length = amount(phase.breaths) * (breath_in + breath_out)
    else:
        length = amount(phase.length)
    ticks = int(amount(phase.ticks))
    if phase.practised:
        length, ticks = uncurl_for(level, length, ticks)
    breathing = {Breath.NONE: None, Breath.IN: (length, 0.0), Breath.OUT: (0.0, length),
                 Breath.CYCLES: (breath_in, breath_out)}[phase.breath]
    return Stage(phase, rep, start, length, breathing, ticks)


SPOKEN_BASE_S = 0.45
SPOKEN_WORD_S = 0.42
"""A phrase's spoken length, estimated as ``SPOKEN_BASE_S`` plus this per word: espeak-ng
at 145 words a minute says the shipped phrases in 0.27 to 0.47 s a word, and the cache
keeps 60 ms of its silence (a test holds the estimate above every rendered phrase)."""

SPOKEN_SHARE = 0.5
"""The most of a phase that speech fills: the breath sounds and the quiet stay heard."""


def spoken_s(phrase: str) -> float:
    """The estimated seconds espeak-ng takes to say ``phrase`` (see ``SPOKEN_WORD_S``)."""
    return SPOKEN_BASE_S + SPOKEN_WORD_S * len(phrase.split())


def _spoken_cues(stage: Stage, variant: Variant) -> list[Cue]:
    """The phase's spoken phrases: the first as it starts, each further one spread over
    the phase, while together they fill at most ``SPOKEN_SHARE`` of it (a phase made
    short by the config keeps its first phrase or none); each waits for the one before."""
    phrases = stage.phase.says(variant)
    budget = stage.length * SPOKEN_SHARE
    cues: list[Cue] = []
    spoken, free_at = 0.0, stage.start
    for index, phrase in enumerate(phrases):
        spoken += spoken_s(phrase)
        if spoken > budget + _EPS:
            break
        at = max(stage.start + index * stage.length / len(phrases), free_at)
        # on an animation frame, so speaking never adds a wake-up
        at = stage.start + math.ceil((at - stage.start) / FRAME_S - _EPS) * FRAME_S
        cues.append(Cue(at, None, text=phrase))
        free_at = at + spoken_s(phrase)
    return cues


def _stage_cues(stage: Stage) -> list[Cue]:
    """The tones of one stage: its own start sound, then its pacing.

    Sounds due at the same instant are played one after the other by the audio adapter,
    so a phase sound and the breath sound that follows it are both planned at the start.
    """
    start = stage.start
    mark = stage.phase.sound
    cues = [] if mark is None else [Cue(start, mark)]
    if stage.breathing is not None:
        cues += _breath_cues(stage)
    if stage.ticks:
        # One tick in the middle of each vertebra's share: even pacing, and no tick
        # lands on the phase sound at the start or on the next phase's sound at the end.
        spacing = stage.length / stage.ticks
        cues += [Cue(start + (i + 0.5) * spacing, Tone.TICK) for i in range(stage.ticks)]
    if stage.phase.pips:
        cues += _pips(stage)
    return cues


def _breath_cues(stage: Stage) -> list[Cue]:
    """An in-breath and an out-breath sound per breath of ``stage``, each lasting its
    breath (``BREATH_COVER`` of it)."""
    assert stage.breathing is not None
    in_s, out_s = stage.breathing
    cycle = in_s + out_s
    cues: list[Cue] = []
    at = stage.start
    while at < stage.end - _EPS:
        if in_s > 0:
            cues.append(Cue(at, Tone.INHALE, round(in_s * BREATH_COVER, 3)))
        if out_s > 0:
            cues.append(Cue(at + in_s, Tone.EXHALE, round(out_s * BREATH_COVER, 3)))
        at += cycle
    return cues


def opening_tone(plan: Plan) -> Tone | None:
    """The tone ``plan`` starts with, if it starts with one: the sound a press that starts
    it waits for (the audio keeps it ready to play at once)."""
    first = next((cue for cue in plan.cues if cue.tone is not None), None)
    return first.tone if first is not None and first.offset == 0 else None


def breath_plays(spec: RoutineSpec, cfg: RoutineConfig) -> tuple[Play, ...]:
    """The breath sounds a routine with ``cfg`` asks for (the audio makes them ahead)."""
    return tuple(dict.fromkeys(cue.play() for stage in _stages(spec, cfg, 0)
                               if stage.breathing is not None for cue in _breath_cues(stage)))


def _pips(stage: Stage) -> list[Cue]:
    """One soft pip per repetition done, after the phase's own sound, all inside it."""
    room = max(stage.length - MARK_MAX_S - 0.5, 0.0)
    spacing = min(PIP_SPACING_S, room / stage.rep) if stage.rep else PIP_SPACING_S
    first = stage.start + MARK_MAX_S + 0.1
    return [Cue(first + i * spacing, Tone.PIP) for i in range(stage.rep)]


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


def start_routine(plan: Plan, at: float) -> tuple[RoutineState, list[Effect]]:
    """Begin ``plan`` (:func:`plan_routine`, or :func:`plan_walk`) at ``at`` with its
    first phase."""
    state = RoutineState(plan=plan, variant=plan.variant, started_at=at, origin=at)
    state, effects, _ = routine_due(state, at)
    return state, effects


def routine_deadline(state: RoutineState) -> float | None:
    """The next cue or animation frame; None while paused (nothing moves) or when done."""
    next_cue = routine_next_cue(state)
    return None if next_cue is None else min(next_cue, state.origin + state.frame * FRAME_S)


def routine_next_cue(state: RoutineState) -> float | None:
    """When the next sound of the plan is due; None while paused or when all have played."""
    if state.paused_at is not None or state.finished:
        return None
    return state.origin + state.plan.cues[state.cursor].offset


def routine_due(state: RoutineState, at: float
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
                     reached=_reached(plan, plan.stages[-1]))
    return state, effects, end


def routine_press(state: RoutineState, at: float) -> tuple[RoutineState, list[Effect]]:
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
    stage = _stage_at(plan, elapsed)
    effects: list[Effect] = [Play(Tone.RESUME)]
    if stage.phase.sound is not None:
        effects.append(Play(stage.phase.sound))
    breath = _breath_start(plan, stage, elapsed)
    if breath is None:  # nothing to restart: the timeline goes on where it stopped
        resumed = replace(state, origin=state.origin + (at - state.paused_at), paused_at=None,
                          resume_from=elapsed)
        return resumed, effects
    cursor, offset = breath
    resumed = replace(state, origin=at + RECUE_LEAD_S - offset, paused_at=None, cursor=cursor,
                      frame=math.floor(offset / FRAME_S + _EPS) + 1, resume_from=offset)
    return resumed, effects


def _breath_start(plan: Plan, stage: Stage, elapsed: float) -> tuple[int, float] | None:
    """The cue index and routine time of the breath sound under way at ``elapsed``, if the
    stage is paced by breath; None otherwise (or once the stage's last breath is over)."""
    found = None
    for index, cue in enumerate(plan.cues):
        if cue.offset > elapsed + _EPS:
            break
        if cue.tone in BREATH_TONES and stage.start - _EPS <= cue.offset:
            found = (index, cue.offset)
    return found


def routine_stop(state: RoutineState, at: float) -> tuple[list[Effect], RoutineEnd]:
    """A hold stops the routine where it is: a break that did not complete."""
    return [Play(Tone.STOP, cut=True)], routine_cut(state, at)


def routine_cut(state: RoutineState, at: float) -> RoutineEnd:
    """The routine as a break that did not complete, had it ended at ``at``.

    A hold ends it this way; a checkpoint writes it this way while it is under way, so a
    power cut leaves a stopped routine in the log that says how far it got.
    """
    elapsed = _elapsed(state, at)
    plan = state.plan
    done = sum(1 for stage in plan.stages
               if stage.phase.completes and stage.rep and stage.end <= elapsed + _EPS)
    return RoutineEnd(completed=False, started_at=state.started_at, ended_at=at,
                      variant=state.variant, repetitions_done=done,
                      reached=_reached(plan, _stage_at(plan, elapsed)))


def routine_step_index(state: RoutineState, at: float) -> int:
    """Which stage of the plan is under way at ``at``: it changes at each phase change."""
    return state.plan.stages.index(_stage_at(state.plan, _elapsed(state, at)))


def routine_view(state: RoutineState, at: float) -> RoutineView | PausedView:
    """The screen for routine state ``state`` at ``at``."""
    plan = state.plan
    elapsed = _elapsed(state, at)
    stage = _stage_at(plan, elapsed)
    phase = stage.phase
    if state.paused_at is not None:
        return PausedView(title=phase.title, rep=stage.rep, reps=plan.reps)
    into = min(max(elapsed - stage.start, 0.0), stage.length)
    fraction = into / stage.length
    progress = min(PROGRESS_STEPS, math.floor(fraction * PROGRESS_STEPS + _EPS))
    seconds_left = math.ceil(stage.length - into - _EPS)
    cues = phase.cues(state.variant)
    cue = cues[min(len(cues) - 1, math.floor(fraction * len(cues) + _EPS))]
    if phase.head_down:
        cue = ""  # the eyes are off the screen: the phase and the breath only, large
    ticks = None
    if stage.ticks:
        ticks = (min(stage.ticks, math.floor(into / (stage.length / stage.ticks) + 0.5 + _EPS)),
                 stage.ticks)
    return RoutineView(
        phase=phase.id,
        title=phase.title,
        cue=cue,
        progress=progress,
        rep=stage.rep,
        reps=plan.reps,
        breath=_breath_radius(stage, into),
        variant=state.variant.value,
        ticks=ticks,
        seconds_left=seconds_left if phase.countdown else None,
    )


def routine_name(state: RoutineState) -> str:
    """The scenario runner's name for the state: "routine", or "paused"."""
    return "routine" if state.paused_at is None else "paused"


def routine_total_s(spec: RoutineSpec, cfg: RoutineConfig, level: int = 0) -> float:
    """How long the whole routine lasts without pauses (set-up included)."""
    return _stages(spec, cfg, level)[-1].end


def _elapsed(state: RoutineState, at: float) -> float:
    """Routine time at ``at`` (frozen while paused), clamped to the plan."""
    now = state.paused_at if state.paused_at is not None else at
    return min(max(now - state.origin, state.resume_from), state.plan.total)


def _stage_at(plan: Plan, elapsed: float) -> Stage:
    """The stage under way at routine time ``elapsed`` (the last one once it is over)."""
    current = plan.stages[0]
    for stage in plan.stages:
        if stage.start <= elapsed + _EPS:
            current = stage
        else:
            break
    return current


def _breath_radius(stage: Stage, into: float) -> int | None:
    """Indicator radius: grows through an in-breath, shrinks through an out-breath."""
    if stage.breathing is None:
        return None
    in_s, out_s = stage.breathing
    cycle = in_s + out_s
    t = math.fmod(into, cycle)
    span = BREATH_MAX - BREATH_MIN
    if in_s > 0 and t <= in_s:
        return BREATH_MIN + math.floor(span * t / in_s + _EPS)
    return BREATH_MAX - math.floor(span * (t - in_s) / out_s + _EPS)


def _reached(plan: Plan, stage: Stage) -> str:
    """How far the routine got, for the log: "setup", "walk" or "rep 2/3 uncurl"."""
    name = stage.phase.id.replace("_", " ")
    return name if stage.rep == 0 else f"rep {stage.rep}/{plan.reps} {name}"
