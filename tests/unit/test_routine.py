"""The guided stretch in virtual time: phases, tones, pause, stop, notice and frame pacing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unslump.config.file import RoutineConfig
from unslump.config.routine_file import shipped_routines
from unslump.core.effects import Effect, Play, Say
from unslump.core.practice import MAX_LEVEL, UNCURL_STEP_S
from unslump.core.records import BreakKind, Variant
from unslump.core.routine import (
    BREATH_MAX,
    BREATH_MIN,
    DONE_SHOW_S,
    FRAME_S,
    PROGRESS_STEPS,
    RoutineEnd,
    RoutineState,
    breath_plays,
    plan_routine,
    plan_walk,
    routine_deadline,
    routine_due,
    routine_name,
    routine_press,
    routine_stop,
    routine_total_s,
    routine_view,
    spoken_s,
    start_routine,
)
from unslump.core.tones import BREATH_COVER, BREATH_TONES, RECUE_LEAD_S, Tone
from unslump.core.views import PausedView, RoutineView

START = 1000.0
CFG = RoutineConfig()
STRETCH, WALK = shipped_routines().stretch, shipped_routines().walk
HEAD_DOWN = {phase.id for phase in STRETCH.phases if phase.head_down}


def begin(cfg: RoutineConfig, at: float, variant: Variant,
          level: int = 0) -> tuple[RoutineState, list[Effect]]:
    """Start the shipped stretch as the machine does."""
    return start_routine(plan_routine(STRETCH, cfg, variant, level), at)
BREATHING = {"inhale", "fold", "hang", "inhale_again", "recommit"}


@dataclass
class Run:
    """What a fake device loop saw while driving one routine to its end."""

    end: RoutineEnd
    tones: list[tuple[float, Tone]] = field(default_factory=list)
    wakes: list[float] = field(default_factory=list)
    # (time, phase name or "paused") at every wake, and the views drawn
    phases: list[tuple[float, str]] = field(default_factory=list)
    views: list[tuple[float, object]] = field(default_factory=list)
    deadlines_while_paused: list[float | None] = field(default_factory=list)
    plays: list[tuple[float, Play]] = field(default_factory=list)


def _phase_of(view: object) -> str:
    if isinstance(view, PausedView):
        return "paused"
    assert isinstance(view, RoutineView)
    return view.phase


def _tones(at: float, effects: list[Effect]) -> list[tuple[float, Tone]]:
    return [(at, effect.tone) for effect in effects if isinstance(effect, Play)]


def sounds(effects: list[Effect]) -> list[Play]:
    return [effect for effect in effects if isinstance(effect, Play)]


def _plays(at: float, effects: list[Effect]) -> list[tuple[float, Play]]:
    return [(at, effect) for effect in effects if isinstance(effect, Play)]


def drive(cfg: RoutineConfig = CFG, variant: Variant = Variant.SEATED,
          level: int = 0, presses: tuple[float, ...] = ()) -> Run:
    """Run the routine as the device loop would: sleep until the deadline, handle it.

    ``presses`` are short presses, in seconds after the start; each is handled after
    everything due before it, as the machine does.
    """
    state, effects = begin(cfg, START, variant, level)
    tones = _tones(START, effects)
    plays = _plays(START, effects)
    run_views = [(START, routine_view(state, START))]
    wakes: list[float] = []
    paused_deadlines: list[float | None] = []
    pending = [START + p for p in presses]
    at = START
    for _ in range(100_000):
        deadline = routine_deadline(state)
        if pending and (deadline is None or pending[0] <= deadline):
            at = pending.pop(0)
            state, effects, end = routine_due(state, at)
            assert end is None
            tones += _tones(at, effects)
            plays += _plays(at, effects)
            state, effects = routine_press(state, at)
            tones += _tones(at, effects)
            plays += _plays(at, effects)
            if routine_name(state) == "paused":
                paused_deadlines.append(routine_deadline(state))
            run_views.append((at, routine_view(state, at)))
            continue
        assert deadline is not None, "a running routine always has a next deadline"
        assert deadline > at, f"deadline {deadline} does not advance past {at}"
        at = deadline
        wakes.append(at)
        state, effects, end = routine_due(state, at)
        tones += _tones(at, effects)
        plays += _plays(at, effects)
        after = routine_deadline(state)
        assert after is None or after > at, "the loop would spin"
        if end is not None:
            assert after is None
            return Run(end, tones, wakes, [(t, _phase_of(v)) for t, v in run_views],
                       run_views, paused_deadlines, plays)
        run_views.append((at, routine_view(state, at)))
    raise AssertionError("the routine never ended")


def phase_spans(run: Run) -> list[tuple[str, float]]:
    """Consecutive phases seen and how long each lasted (to the next phase or the end)."""
    spans: list[tuple[str, float]] = []
    starts: list[float] = []
    for at, phase in run.phases:
        if not spans or spans[-1][0] != phase:
            spans.append((phase, 0.0))
            starts.append(at)
    ends = [*starts[1:], run.end.ended_at]
    return [(phase, end - start) for (phase, _), start, end in zip(spans, starts, ends,
                                                                  strict=True)]


def expected_spans(cfg: RoutineConfig) -> list[tuple[str, float]]:
    rep = [("inhale", cfg.inhale_s), ("fold", cfg.exhale_s),
           ("hang", cfg.hang_breaths * (cfg.inhale_s + cfg.exhale_s)),
           ("inhale_again", cfg.inhale_s), ("recommit", cfg.exhale_s),
           ("uncurl", cfg.uncurl_s), ("rest", cfg.rest_s)]
    return [("setup", cfg.setup_s), *rep * cfg.repetitions]


def expected_tones(cfg: RoutineConfig) -> list[Tone]:
    def one_rep(rep: int) -> list[Tone]:
        return [Tone.INHALE, Tone.FOLD, Tone.EXHALE,
                Tone.HANG, *[Tone.INHALE, Tone.EXHALE] * cfg.hang_breaths,
                Tone.HANG_END, Tone.INHALE, Tone.RECOMMIT, Tone.EXHALE,
                Tone.UNCURL, *[Tone.TICK] * cfg.uncurl_ticks,
                Tone.REST, *[Tone.PIP] * rep]

    reps = [tone for rep in range(1, cfg.repetitions + 1) for tone in one_rep(rep)]
    return [Tone.SETUP, *reps, Tone.COMPLETE]


def test_routine_default_total_between_90s_and_5min() -> None:
    setup_and_reps = CFG.setup_s + CFG.repetitions * (
        2 * (CFG.inhale_s + CFG.exhale_s) + CFG.hang_breaths * (CFG.inhale_s + CFG.exhale_s)
        + CFG.uncurl_s + CFG.rest_s)
    assert routine_total_s(STRETCH, CFG) == setup_and_reps
    assert 90 <= routine_total_s(STRETCH, CFG) <= 300
    assert 90 <= routine_total_s(STRETCH, CFG, level=MAX_LEVEL) <= 300
    assert DONE_SHOW_S == 4.0


def test_routine_seated_run_phases_in_order_with_durations() -> None:
    run = drive(variant=Variant.SEATED)
    spans = phase_spans(run)
    assert [p for p, _ in spans] == [p for p, _ in expected_spans(CFG)]
    for (_, seen), (phase, want) in zip(spans, expected_spans(CFG), strict=True):
        assert abs(seen - want) < 1e-6, phase


def test_routine_standing_run_phases_and_cues_differ_only_in_setup_words() -> None:
    seated, standing = drive(variant=Variant.SEATED), drive(variant=Variant.STANDING)
    assert phase_spans(standing) == phase_spans(seated)
    setup_cues = {v.cue for _, v in standing.views
                  if isinstance(v, RoutineView) and v.phase == "setup"}
    assert setup_cues == {"feet point forward", "feet relaxed, flat", "some rounding is ok"}
    seated_cues = {v.cue for _, v in seated.views
                   if isinstance(v, RoutineView) and v.phase == "setup"}
    assert seated_cues == {"sit on front edge", "both sit bones down", "seat muscles relaxed",
                           "some rounding is ok"}
    assert {v.variant for _, v in standing.views if isinstance(v, RoutineView)} == {"standing"}


def test_routine_run_tones_in_order_and_complete_at_end() -> None:
    run = drive()
    tones = [tone for _, tone in run.tones]
    assert tones == expected_tones(CFG)
    assert tones.count(Tone.TICK) == CFG.uncurl_ticks * CFG.repetitions
    assert run.tones[-1] == (run.end.ended_at, Tone.COMPLETE)


def test_routine_run_every_phase_start_is_audible() -> None:
    run = drive()
    sounded = {at for at, _ in run.tones}
    starts = [at for (_, before), (at, phase) in pairwise(run.phases) if phase != before]
    assert starts, "the run has phase changes"
    assert all(at in sounded for at in [START, *starts])


def test_routine_run_ticks_evenly_paced_through_uncurl() -> None:
    run = drive()
    ticks = [at for at, tone in run.tones if tone is Tone.TICK][: CFG.uncurl_ticks]
    spacing = CFG.uncurl_s / CFG.uncurl_ticks
    gaps = [b - a for a, b in pairwise(ticks)]
    assert all(abs(gap - spacing) < 1e-9 for gap in gaps)
    uncurl_start = next(at for at, phase in run.phases if phase == "uncurl")
    assert abs(ticks[0] - (uncurl_start + spacing / 2)) < 1e-9


def test_routine_run_hang_breaths_paced_by_config() -> None:
    run = drive()
    hang_start = next(at for at, phase in run.phases if phase == "hang")
    hang_end = hang_start + CFG.hang_breaths * (CFG.inhale_s + CFG.exhale_s)
    in_hang = [(at - hang_start, tone) for at, tone in run.tones
               if hang_start <= at < hang_end]
    cycle = CFG.inhale_s + CFG.exhale_s
    want = [(0.0, Tone.HANG)]
    for breath in range(CFG.hang_breaths):
        want += [(breath * cycle, Tone.INHALE), (breath * cycle + CFG.inhale_s, Tone.EXHALE)]
    assert in_hang == want


def test_routine_run_ends_completed_with_record_fields() -> None:
    run = drive(variant=Variant.STANDING)
    assert run.end == RoutineEnd(completed=True, started_at=START,
                                 ended_at=START + routine_total_s(STRETCH, CFG),
                                 variant=Variant.STANDING, repetitions_done=3,
                                 reached="rep 3/3 rest")


def test_routine_frames_at_most_ten_a_second() -> None:
    run = drive()
    gaps = [b - a for a, b in pairwise(run.wakes)]
    assert min(gaps) >= FRAME_S - 1e-9
    for first in run.wakes:
        assert sum(1 for at in run.wakes if first <= at < first + 1.0) <= 10
    # and it does animate: a wake about every frame, not just at the cues
    total = routine_total_s(STRETCH, CFG)
    assert len(run.wakes) >= 0.9 * total / FRAME_S


def test_routine_pause_shifts_the_end_by_the_paused_time() -> None:
    plain = drive()
    paused = drive(presses=(5.0, 65.0))  # in the set-up: no breath to start over
    assert paused.end.ended_at == plain.end.ended_at + 60.0
    assert paused.end.completed
    during = [tone for at, tone in paused.tones if START + 5.0 <= at <= START + 65.0]
    assert during == [Tone.PAUSE, Tone.RESUME, Tone.SETUP]  # the phase is cued again
    assert paused.deadlines_while_paused == [None]
    resumed = [Tone.PAUSE, Tone.RESUME]
    assert [t for _, t in paused.tones if t not in resumed] == \
        [plain.tones[0][1], *(t for _, t in plain.tones)]
    shifted = [(at - 60.0 if at > START + 65 else at, t) for at, t in paused.tones
               if t not in resumed]
    assert shifted[2:] == plain.tones[1:]


def test_routine_resume_in_a_breath_recues_the_phase_then_restarts_that_breath() -> None:
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    hang = next(s for s in plan.stages if s.phase.id == "hang" and s.rep == 1)
    second_in = hang.start + CFG.inhale_s + CFG.exhale_s  # the hang's second in-breath
    state, _ = begin(CFG, START, Variant.SEATED)
    at = START + second_in + 2.5
    state, effects, _ = routine_due(state, at)
    state, effects = routine_press(state, at)
    assert effects == [Play(Tone.PAUSE, cut=True)]
    resume_at = at + 40.0
    state, effects = routine_press(state, resume_at)
    assert effects == [Play(Tone.RESUME), Play(Tone.HANG)]
    # the screen holds at the start of that breath until the breath sound restarts ...
    view = routine_view(state, resume_at)
    assert isinstance(view, RoutineView) and view.phase == "hang"
    assert view.breath == BREATH_MIN
    assert routine_deadline(state) == resume_at + RECUE_LEAD_S
    # ... and then the in-breath starts over, with the whole rest of the plan after it
    state, effects, _ = routine_due(state, resume_at + RECUE_LEAD_S)
    assert sounds(effects) == [Play(Tone.INHALE, CFG.inhale_s * BREATH_COVER)]
    assert state.origin + plan.total == resume_at + RECUE_LEAD_S - second_in + plan.total


def test_routine_resume_animates_again_one_frame_after_the_breath_restarts() -> None:
    """The screen moves on at the next frame, not where the pause left the frame count."""
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    hang = next(s for s in plan.stages if s.phase.id == "hang" and s.rep == 1)
    state, _ = begin(CFG, START, Variant.SEATED)
    at = START + hang.start + CFG.inhale_s + CFG.exhale_s + 2.5
    state, _, _ = routine_due(state, at)
    state, _ = routine_press(state, at)
    state, _ = routine_press(state, at + 40.0)
    recue = at + 40.0 + RECUE_LEAD_S
    state, _, _ = routine_due(state, recue)
    assert routine_deadline(state) == pytest.approx(recue + FRAME_S)


def test_routine_pause_on_the_instant_a_breath_starts_restarts_that_breath() -> None:
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    hang = next(s for s in plan.stages if s.phase.id == "hang" and s.rep == 1)
    second_in = hang.start + CFG.inhale_s + CFG.exhale_s
    state, _ = begin(CFG, START, Variant.SEATED)
    state, effects, _ = routine_due(state, START + second_in)
    assert Play(Tone.INHALE, CFG.inhale_s * BREATH_COVER) in effects
    state, _ = routine_press(state, START + second_in)
    resume_at = START + second_in + 30.0
    state, _ = routine_press(state, resume_at)
    assert state.origin == resume_at + RECUE_LEAD_S - second_in


def test_routine_breath_plays_are_the_configured_breaths_each_once() -> None:
    """What the audio renders ahead: every breath sound the routine will ask for."""
    cfg = RoutineConfig(inhale_s=3.0, exhale_s=5.0)
    assert breath_plays(STRETCH, cfg) == (Play(Tone.INHALE, round(3.0 * BREATH_COVER, 3)),
                                          Play(Tone.EXHALE, round(5.0 * BREATH_COVER, 3)))
    plan = plan_routine(STRETCH, cfg, Variant.STANDING)
    asked = {cue.play() for cue in plan.cues if cue.tone in BREATH_TONES}
    assert set(breath_plays(STRETCH, cfg)) == asked


def test_routine_total_grows_with_the_practice_level_by_each_repetition_s_uncurl() -> None:
    longer = routine_total_s(STRETCH, CFG, level=2) - routine_total_s(STRETCH, CFG)
    assert longer == pytest.approx(2 * UNCURL_STEP_S * CFG.repetitions)


def test_routine_resume_in_the_first_breath_of_a_phase_cues_the_phase_once() -> None:
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    fold = next(s for s in plan.stages if s.phase.id == "fold" and s.rep == 2)
    state, _ = begin(CFG, START, Variant.SEATED)
    at = START + fold.start + 1.0
    state, _, _ = routine_due(state, at)
    state, _ = routine_press(state, at)
    state, effects = routine_press(state, at + 10.0)
    assert effects == [Play(Tone.RESUME), Play(Tone.FOLD)]
    state, effects, _ = routine_due(state, at + 10.0 + RECUE_LEAD_S)
    assert sounds(effects) == [Play(Tone.EXHALE, CFG.exhale_s * BREATH_COVER)]  # no FOLD


def test_routine_pause_freezes_the_view_and_names_the_state() -> None:
    state, _ = begin(CFG, START, Variant.SEATED)
    at = START + 50.0  # in the uncurl of repetition 1: not paced by breath
    state, _, _ = routine_due(state, at)
    before = routine_view(state, at)
    assert isinstance(before, RoutineView)
    state, effects = routine_press(state, at)
    assert effects == [Play(Tone.PAUSE, cut=True)]
    assert routine_name(state) == "paused"
    assert routine_view(state, at + 5) == routine_view(state, at + 500) == \
        PausedView(title="UNCURL", rep=1, reps=3)
    assert routine_due(state, at + 500) == (state, [], None)
    state, effects = routine_press(state, at + 500)
    assert effects == [Play(Tone.RESUME), Play(Tone.UNCURL)]
    assert routine_name(state) == "routine"
    assert routine_view(state, at + 500) == before


def test_routine_stop_reports_completed_false_and_how_far() -> None:
    state, _ = begin(CFG, START, Variant.SEATED)
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    uncurl_2 = next(s for s in plan.stages if s.phase.id == "uncurl" and s.rep == 2)
    at = START + uncurl_2.start + 3.0
    state, _, _ = routine_due(state, at)
    effects, end = routine_stop(state, at)
    assert effects == [Play(Tone.STOP, cut=True)]
    assert end == RoutineEnd(completed=False, started_at=START, ended_at=at,
                             variant=Variant.SEATED, repetitions_done=1,
                             reached="rep 2/3 uncurl")


def test_routine_stop_names_a_two_word_phase_with_a_space() -> None:
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    again = next(s for s in plan.stages if s.phase.id == "inhale_again" and s.rep == 1)
    state, _ = begin(CFG, START, Variant.SEATED)
    _, end = routine_stop(state, START + again.start + 1.0)
    assert end.reached == "rep 1/3 inhale again"


def test_routine_stop_on_the_instant_the_uncurl_ends_counts_the_repetition_done() -> None:
    """The uncurl completes a repetition: stopped as it ends (the rest begins), it counts."""
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    uncurl_1 = next(s for s in plan.stages if s.phase.id == "uncurl" and s.rep == 1)
    state, _ = begin(CFG, START, Variant.SEATED)
    _, end = routine_stop(state, START + uncurl_1.end)
    assert (end.repetitions_done, end.reached) == (1, "rep 1/3 rest")


def test_routine_stop_in_setup_and_while_paused() -> None:
    state, _ = begin(CFG, START, Variant.STANDING)
    _, end = routine_stop(state, START + 5.0)
    assert (end.reached, end.repetitions_done, end.completed) == ("setup", 0, False)
    state, _, _ = routine_due(state, START + 2.0)
    state, _ = routine_press(state, START + 2.0)
    _, end = routine_stop(state, START + 200.0)  # paused in the set-up all along
    assert end.reached == "setup"
    assert end.ended_at == START + 200.0


def test_routine_practice_level_lengthens_the_uncurl_only() -> None:
    plain, practised = drive(), drive(level=3)
    uncurl = dict(phase_spans(plain))["uncurl"]
    assert dict(phase_spans(practised))["uncurl"] == uncurl + 3 * UNCURL_STEP_S
    ticks = [tone for _, tone in practised.tones if tone is Tone.TICK]
    assert len(ticks) == 3 * (CFG.uncurl_ticks + 3)
    others = [(p, s) for p, s in phase_spans(plain) if p != "uncurl"]
    assert [(p, s) for p, s in phase_spans(practised) if p != "uncurl"] == others


def test_routine_standing_break_walks_then_loosens_then_completes() -> None:
    state, effects = start_routine(plan_walk(WALK), START)
    assert state.plan.kind is BreakKind.WALK
    assert [s.phase.id for s in state.plan.stages] == ["stand_up", "walk", "loosen"]
    assert 120 <= state.plan.total <= 300  # a few minutes
    view = routine_view(state, START)
    assert (view.title, view.cue, view.rep) == ("STAND UP", "stand up, step away", 0)
    assert Play(Tone.PHASE) in effects


def test_routine_start_plays_a_phase_cue_and_waits_for_the_next_frame() -> None:
    state, effects = begin(CFG, START, Variant.SEATED)
    assert effects == [Play(Tone.SETUP), Say("Front edge of the seat, sit bones even.")]
    assert routine_deadline(state) == START + FRAME_S
    assert isinstance(state, RoutineState)
    assert routine_name(state) == "routine"


def test_routine_view_breath_grows_on_inhale_and_shrinks_on_exhale() -> None:
    run = drive()
    by_phase: dict[str, list[int | None]] = {}
    for _, view in run.views:
        if isinstance(view, RoutineView) and view.rep <= 1:  # set-up is rep 0
            by_phase.setdefault(view.phase, []).append(view.breath)
    for phase in ("inhale", "inhale_again"):
        sizes = by_phase[phase]
        assert sizes == sorted(sizes) and sizes[0] == BREATH_MIN
        assert sizes[-1] >= BREATH_MAX - 1
    for phase in ("fold", "recommit"):
        sizes = by_phase[phase]
        assert sizes == sorted(sizes, reverse=True) and sizes[0] == BREATH_MAX
    hang = by_phase["hang"]
    assert max(hang) == BREATH_MAX and min(hang) == BREATH_MIN
    for phase in ("setup", "uncurl", "rest"):
        assert set(by_phase[phase]) == {None}


def test_routine_view_progress_quantised_and_rising_within_a_phase() -> None:
    run = drive()
    last: tuple[str, int, int] | None = None
    for _, view in run.views:
        if not isinstance(view, RoutineView):
            continue
        assert 0 <= view.progress <= PROGRESS_STEPS
        if last and last[:2] == (view.phase, view.rep):
            assert view.progress >= last[2]
        last = (view.phase, view.rep, view.progress)


@pytest.mark.parametrize("uncurl_s", [CFG.uncurl_s, 18.0])  # a tick a second, and slower
def test_routine_view_uncurl_counts_vertebrae_with_the_ticks(uncurl_s: float) -> None:
    cfg = RoutineConfig(uncurl_s=uncurl_s)
    run = drive(cfg)
    counted = set()
    for at, view in run.views:
        if isinstance(view, RoutineView) and view.phase == "uncurl" and view.rep == 1:
            played = sum(1 for t, tone in run.tones if tone is Tone.TICK and t <= at)
            assert view.ticks == (played, cfg.uncurl_ticks)
            counted.add(played)
    assert counted == set(range(cfg.uncurl_ticks + 1))


def test_routine_view_at_the_very_end_shows_the_last_phase_s_last_line() -> None:
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    state, _ = begin(CFG, START, Variant.SEATED)
    view = routine_view(state, START + plan.total)
    last = plan.stages[-1]
    assert isinstance(view, RoutineView)
    assert (view.phase, view.rep) == (last.phase.id, CFG.repetitions)
    assert view.cue == last.phase.cues(Variant.SEATED)[-1]


def test_routine_view_head_down_shows_an_empty_line() -> None:
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    hang = next(s for s in plan.stages if s.phase.id == "hang")
    state, _ = begin(CFG, START, Variant.SEATED)
    view = routine_view(state, START + hang.start + 1.0)
    assert isinstance(view, RoutineView) and view.phase == "hang" and view.cue == ""


@settings(max_examples=15, deadline=None)
@given(
    inhale=st.floats(2, 10), exhale=st.floats(2, 12), breaths=st.integers(1, 6),
    uncurl=st.floats(5, 40), ticks=st.integers(4, 24), rest=st.floats(2, 20),
    setup=st.floats(3, 30), reps=st.integers(1, 4),
)
def test_routine_any_config_terminates_with_every_tone(
        inhale: float, exhale: float, breaths: int, uncurl: float, ticks: int, rest: float,
        setup: float, reps: int) -> None:
    cfg = RoutineConfig(inhale_s=inhale, exhale_s=exhale, hang_breaths=breaths,
                        uncurl_s=uncurl, uncurl_ticks=ticks, rest_s=rest, setup_s=setup,
                        repetitions=reps)
    run = drive(cfg, presses=(1.5, 2.75))  # paused and resumed in the set-up
    want = expected_tones(cfg)
    assert [t for _, t in run.tones] == [want[0], Tone.PAUSE, Tone.RESUME, *want]
    assert abs(run.end.ended_at - (START + routine_total_s(STRETCH, cfg) + 1.25)) < 1e-6
    assert run.end.repetitions_done == reps


def test_routine_no_two_phases_start_with_the_same_sound() -> None:
    run = drive()
    first_sound: dict[str, Tone] = {}
    starts = [(START, run.phases[0][1])] + [
        (at, phase) for (_, before), (at, phase) in pairwise(run.phases) if phase != before]
    for at, phase in starts:
        sound = next(tone for t, tone in run.tones if t == at)
        assert first_sound.setdefault(phase, sound) == sound, phase  # the same every time
    sounds = list(first_sound.values())
    assert len(set(sounds)) == len(sounds), first_sound
    assert run.tones[-1][1] is Tone.COMPLETE and Tone.COMPLETE not in sounds
    assert {phase.sound for phase in STRETCH.phases} - {None} <= set(sounds)


def test_routine_breath_sounds_last_their_breath() -> None:
    run = drive()
    breaths = [(at, play) for at, play in run.plays if play.tone in BREATH_TONES]
    assert len(breaths) == CFG.repetitions * (2 + 2 * CFG.hang_breaths + 2)
    for _at, play in breaths:
        breath_s = CFG.inhale_s if play.tone is Tone.INHALE else CFG.exhale_s
        assert play.length_s == pytest.approx(BREATH_COVER * breath_s)
        assert play.length_s >= 0.8 * breath_s
    others = [play for _, play in run.plays if play.tone not in BREATH_TONES]
    assert all(play.length_s is None for play in others)


def test_routine_each_rest_counts_the_repetitions_done_in_pips() -> None:
    run = drive()
    rests = [at for (_, before), (at, phase) in pairwise(run.phases)
             if phase == "rest" and before != "rest"]
    assert len(rests) == CFG.repetitions
    for rep, start in enumerate(rests, 1):
        pips = [at for at, tone in run.tones
                if tone is Tone.PIP and start <= at < start + CFG.rest_s]
        assert len(pips) == rep
        assert all(b - a >= 0.2 for a, b in pairwise(pips))  # counted, not blurred


@pytest.mark.parametrize("rest_s", [2.0, 3.0])
def test_routine_pips_fit_a_short_rest(rest_s: float) -> None:
    cfg = RoutineConfig(rest_s=rest_s, repetitions=10)
    plan = plan_routine(STRETCH, cfg, Variant.SEATED)
    last_rest = plan.stages[-1]
    pips = [c.offset for c in plan.cues if c.tone is Tone.PIP
            and last_rest.start <= c.offset < last_rest.end]
    assert len(pips) == 10
    assert max(pips) < last_rest.end - 0.3


@pytest.mark.parametrize("variant", list(Variant))
@pytest.mark.parametrize("level", [0, 6])
def test_routine_speaks_a_phrase_as_each_phase_starts_and_fills_at_most_half(
        variant: Variant, level: int) -> None:
    """With the head down the screen is out of sight and a line cannot say why: the voice
    says the phase's first phrase as it starts, the others only while speech fills at most
    half of the phase (spoken only with [audio] voice on; the tones carry it either way)."""
    plan = plan_routine(STRETCH, CFG, variant, level)
    said = [cue for cue in plan.cues if cue.tone is None]
    for stage in plan.stages:
        inside = [cue for cue in said if stage.start - 1e-9 <= cue.offset < stage.end]
        phrases = stage.phase.says(variant)
        assert inside and inside[0].offset == pytest.approx(stage.start)
        assert [cue.text for cue in inside] == list(phrases[:len(inside)])
        assert sum(spoken_s(cue.text) for cue in inside) <= stage.length / 2 + 1e-9
        for one, after in itertools.pairwise(inside):  # never two at once
            assert after.offset >= one.offset + spoken_s(one.text) - 1e-9
    hang = next(stage for stage in plan.stages if stage.phase.id == "hang")
    assert len([cue for cue in said if hang.start <= cue.offset < hang.end]) == 3
    uncurl = next(stage for stage in plan.stages if stage.phase.id == "uncurl")
    # the uncurl has room for its second phrase, where it clumps, at every level
    assert len([cue for cue in said if uncurl.start <= cue.offset < uncurl.end]) == 2


def test_routine_a_phase_made_short_drops_the_phrases_it_has_no_room_for() -> None:
    short = RoutineConfig(hang_breaths=1)  # a 10 s hang: room for its first phrase only
    plan = plan_routine(STRETCH, short, Variant.SEATED)
    hang = next(stage for stage in plan.stages if stage.phase.id == "hang")
    said = [cue.text for cue in plan.cues if cue.tone is None
            and hang.start <= cue.offset < hang.end]
    assert said == list(hang.phase.says(Variant.SEATED)[:1])
