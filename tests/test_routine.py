"""The guided stretch in virtual time: phases, tones, pause, stop, notice and frame pacing."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from device.config import RoutineConfig
from device.core.effects import Effect, Play
from device.core.records import Variant
from device.core.routine import (
    BREATH_MAX_R,
    BREATH_MIN_R,
    DONE_SHOW_S,
    FRAME_S,
    PROGRESS_PX,
    Phase,
    RoutineEnd,
    RoutineState,
    plan_routine,
    routine_deadline,
    routine_due,
    routine_name,
    routine_press,
    routine_stop,
    routine_total_s,
    routine_view,
    start_routine,
)
from device.core.tones import Tone
from device.core.views import NoticeView, PausedView, RoutineView

START = 1000.0
CFG = RoutineConfig()
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


def _phase_of(view: object) -> str:
    if isinstance(view, NoticeView):
        return "notice"
    if isinstance(view, PausedView):
        return "paused"
    assert isinstance(view, RoutineView)
    return view.phase


def _tones(at: float, effects: list[Effect]) -> list[tuple[float, Tone]]:
    return [(at, effect.tone) for effect in effects if isinstance(effect, Play)]


def drive(cfg: RoutineConfig = CFG, variant: Variant = Variant.SEATED,
          show_notice: bool = False, presses: tuple[float, ...] = ()) -> Run:
    """Run the routine as the device loop would: sleep until the deadline, handle it.

    ``presses`` are short presses, in seconds after the start; each is handled after
    everything due before it, as the machine does.
    """
    state, effects = start_routine(cfg, START, variant, show_notice)
    tones = _tones(START, effects)
    run_views = [(START, routine_view(state, START, cfg))]
    wakes: list[float] = []
    paused_deadlines: list[float | None] = []
    pending = [START + p for p in presses]
    at = START
    for _ in range(100_000):
        deadline = routine_deadline(state, cfg)
        if pending and (deadline is None or pending[0] <= deadline):
            at = pending.pop(0)
            state, effects, end = routine_due(state, at, cfg)
            assert end is None
            tones += _tones(at, effects)
            state, effects = routine_press(state, at, cfg)
            tones += _tones(at, effects)
            if routine_name(state) == "paused":
                paused_deadlines.append(routine_deadline(state, cfg))
            run_views.append((at, routine_view(state, at, cfg)))
            continue
        assert deadline is not None, "a running routine always has a next deadline"
        assert deadline > at, f"deadline {deadline} does not advance past {at}"
        at = deadline
        wakes.append(at)
        state, effects, end = routine_due(state, at, cfg)
        tones += _tones(at, effects)
        after = routine_deadline(state, cfg)
        assert after is None or after > at, "the loop would spin"
        if end is not None:
            assert after is None
            return Run(end, tones, wakes, [(t, _phase_of(v)) for t, v in run_views],
                       run_views, paused_deadlines)
        run_views.append((at, routine_view(state, at, cfg)))
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


def expected_spans(cfg: RoutineConfig, show_notice: bool) -> list[tuple[str, float]]:
    rep = [("inhale", cfg.inhale_s), ("fold", cfg.exhale_s),
           ("hang", cfg.hang_breaths * (cfg.inhale_s + cfg.exhale_s)),
           ("inhale_again", cfg.inhale_s), ("recommit", cfg.exhale_s),
           ("uncurl", cfg.uncurl_s), ("rest", cfg.rest_s)]
    head = [("notice", cfg.notice_s)] if show_notice else []
    return [*head, ("setup", cfg.setup_s), *rep * cfg.repetitions]


def expected_tones(cfg: RoutineConfig, show_notice: bool) -> list[Tone]:
    one_rep = [Tone.INHALE, Tone.EXHALE, Tone.PHASE,
               *[Tone.INHALE, Tone.EXHALE] * cfg.hang_breaths,
               Tone.PHASE, Tone.INHALE, Tone.EXHALE, Tone.PHASE, *[Tone.TICK] * cfg.uncurl_ticks,
               Tone.PHASE]
    head = [Tone.PHASE] if show_notice else []
    return [*head, Tone.PHASE, *one_rep * cfg.repetitions, Tone.COMPLETE]


def test_routine_default_total_between_90s_and_5min() -> None:
    setup_and_reps = CFG.setup_s + CFG.repetitions * (
        2 * (CFG.inhale_s + CFG.exhale_s) + CFG.hang_breaths * (CFG.inhale_s + CFG.exhale_s)
        + CFG.uncurl_s + CFG.rest_s)
    assert routine_total_s(CFG) == setup_and_reps
    assert 90 <= routine_total_s(CFG) <= 300
    assert 90 <= routine_total_s(CFG, show_notice=True) <= 300
    assert DONE_SHOW_S == 4.0


def test_routine_seated_run_phases_in_order_with_durations() -> None:
    run = drive(variant=Variant.SEATED)
    spans = phase_spans(run)
    assert [p for p, _ in spans] == [p for p, _ in expected_spans(CFG, False)]
    for (_, seen), (phase, want) in zip(spans, expected_spans(CFG, False), strict=True):
        assert abs(seen - want) < 1e-6, phase


def test_routine_standing_run_phases_and_cues_differ_only_in_setup_words() -> None:
    seated, standing = drive(variant=Variant.SEATED), drive(variant=Variant.STANDING)
    assert phase_spans(standing) == phase_spans(seated)
    setup_cues = {v.cue for _, v in standing.views
                  if isinstance(v, RoutineView) and v.phase == "setup"}
    assert setup_cues == {"feet point forward", "feet soft, flat down"}
    seated_cues = {v.cue for _, v in seated.views
                   if isinstance(v, RoutineView) and v.phase == "setup"}
    assert seated_cues == {"sit on front edge", "sit bones firm, even", "buttocks unclenched"}
    assert {v.variant for _, v in standing.views if isinstance(v, RoutineView)} == {"standing"}


def test_routine_run_tones_in_order_and_complete_at_end() -> None:
    run = drive()
    tones = [tone for _, tone in run.tones]
    assert tones == expected_tones(CFG, False)
    assert tones.count(Tone.TICK) == CFG.uncurl_ticks * CFG.repetitions
    assert run.tones[-1] == (run.end.ended_at, Tone.COMPLETE)


def test_routine_run_every_phase_start_is_audible() -> None:
    run = drive(show_notice=True)
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
    want = [(0.0, Tone.PHASE)]
    for breath in range(CFG.hang_breaths):
        want += [(breath * cycle, Tone.INHALE), (breath * cycle + CFG.inhale_s, Tone.EXHALE)]
    assert in_hang == want


def test_routine_run_ends_completed_with_record_fields() -> None:
    run = drive(variant=Variant.STANDING)
    assert run.end == RoutineEnd(completed=True, started_at=START,
                                 ended_at=START + routine_total_s(CFG),
                                 variant=Variant.STANDING, repetitions_done=3,
                                 reached="rep 3/3 rest")


def test_routine_frames_at_most_ten_a_second() -> None:
    run = drive(show_notice=True)
    gaps = [b - a for a, b in pairwise(run.wakes)]
    assert min(gaps) >= FRAME_S - 1e-9
    for first in run.wakes:
        assert sum(1 for at in run.wakes if first <= at < first + 1.0) <= 10
    # and it does animate: a wake about every frame, not just at the cues
    total = routine_total_s(CFG, show_notice=True)
    assert len(run.wakes) >= 0.9 * total / FRAME_S


def test_routine_pause_shifts_the_end_by_the_paused_time() -> None:
    plain = drive()
    paused = drive(presses=(30.0, 90.0))
    assert paused.end.ended_at == plain.end.ended_at + 60.0
    assert paused.end.completed
    during = [tone for at, tone in paused.tones if START + 30.0 <= at <= START + 90.0]
    assert during == [Tone.PAUSE, Tone.RESUME]
    assert paused.deadlines_while_paused == [None]
    # the same tones in the same order, just 60 s later after the resume
    assert [t for _, t in paused.tones if t not in (Tone.PAUSE, Tone.RESUME)] == \
        [t for _, t in plain.tones]
    shifted = [(at - 60.0 if at > START + 90 else at, t) for at, t in paused.tones
               if t not in (Tone.PAUSE, Tone.RESUME)]
    assert shifted == plain.tones


def test_routine_pause_freezes_the_view_and_names_the_state() -> None:
    state, _ = start_routine(CFG, START, Variant.SEATED, False)
    at = START + 27.0  # in the hang of repetition 1
    state, _, _ = routine_due(state, at, CFG)
    before = routine_view(state, at, CFG)
    assert isinstance(before, RoutineView)
    state, effects = routine_press(state, at, CFG)
    assert effects == [Play(Tone.PAUSE)]
    assert routine_name(state) == "paused"
    assert routine_view(state, at + 5, CFG) == routine_view(state, at + 500, CFG) == \
        PausedView(title="HANG", rep=1, reps=3)
    assert routine_due(state, at + 500, CFG) == (state, [], None)
    state, effects = routine_press(state, at + 500, CFG)
    assert effects == [Play(Tone.RESUME)]
    assert routine_name(state) == "routine"
    assert routine_view(state, at + 500, CFG) == before


def test_routine_stop_reports_completed_false_and_how_far() -> None:
    state, _ = start_routine(CFG, START, Variant.SEATED, False)
    plan = plan_routine(CFG, Variant.SEATED, False)
    uncurl_2 = next(s for s in plan.steps if s.phase is Phase.UNCURL and s.rep == 2)
    at = START + uncurl_2.start + 3.0
    state, _, _ = routine_due(state, at, CFG)
    effects, end = routine_stop(state, at, CFG)
    assert effects == [Play(Tone.STOP)]
    assert end == RoutineEnd(completed=False, started_at=START, ended_at=at,
                             variant=Variant.SEATED, repetitions_done=1,
                             reached="rep 2/3 uncurl")


def test_routine_stop_in_setup_and_while_paused() -> None:
    state, _ = start_routine(CFG, START, Variant.STANDING, True)
    _, end = routine_stop(state, START + 9.0, CFG)
    assert (end.reached, end.repetitions_done, end.completed) == ("setup", 0, False)
    state, _, _ = routine_due(state, START + 2.0, CFG)
    state, _ = routine_press(state, START + 2.0, CFG)
    _, end = routine_stop(state, START + 200.0, CFG)  # paused in the notice all along
    assert end.reached == "notice"
    assert end.ended_at == START + 200.0


def test_routine_notice_only_when_asked() -> None:
    without = drive(show_notice=False)
    with_notice = drive(show_notice=True)
    assert "notice" not in {phase for _, phase in without.phases}
    assert phase_spans(with_notice)[0] == ("notice", CFG.notice_s)
    assert phase_spans(with_notice)[1:] == phase_spans(without)
    first = with_notice.views[0][1]
    assert first == NoticeView(seconds_left=round(CFG.notice_s), progress=PROGRESS_PX)


def test_routine_start_plays_a_phase_cue_and_waits_for_the_next_frame() -> None:
    state, effects = start_routine(CFG, START, Variant.SEATED, False)
    assert effects == [Play(Tone.PHASE)]
    assert routine_deadline(state, CFG) == START + FRAME_S
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
        assert sizes == sorted(sizes) and sizes[0] == BREATH_MIN_R
        assert sizes[-1] >= BREATH_MAX_R - 1
    for phase in ("fold", "recommit"):
        sizes = by_phase[phase]
        assert sizes == sorted(sizes, reverse=True) and sizes[0] == BREATH_MAX_R
    hang = by_phase["hang"]
    assert max(hang) == BREATH_MAX_R and min(hang) == BREATH_MIN_R
    for phase in ("setup", "uncurl", "rest"):
        assert set(by_phase[phase]) == {None}


def test_routine_view_progress_quantised_and_rising_within_a_phase() -> None:
    run = drive()
    last: tuple[str, int, int] | None = None
    for _, view in run.views:
        if not isinstance(view, RoutineView):
            continue
        assert 0 <= view.progress <= PROGRESS_PX
        if last and last[:2] == (view.phase, view.rep):
            assert view.progress >= last[2]
        last = (view.phase, view.rep, view.progress)


def test_routine_view_uncurl_counts_vertebrae_with_the_ticks() -> None:
    run = drive()
    for at, view in run.views:
        if isinstance(view, RoutineView) and view.phase == "uncurl" and view.rep == 1:
            played = sum(1 for t, tone in run.tones if tone is Tone.TICK and t <= at)
            assert view.ticks == (played, CFG.uncurl_ticks)


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
    run = drive(cfg, presses=(1.5, 3.25))
    assert [t for _, t in run.tones if t not in (Tone.PAUSE, Tone.RESUME)] == \
        expected_tones(cfg, False)
    assert abs(run.end.ended_at - (START + routine_total_s(cfg) + 1.75)) < 1e-6
    assert run.end.repetitions_done == reps
