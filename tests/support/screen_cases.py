"""The screens the golden tests draw, as tables the 64-row and the 32-row tests share.

Each table names a case as its golden file is named; the 32-row tests draw the same views
on the compact panel (tests/golden/compact), so one table keeps both in step.
"""

from __future__ import annotations

from unslump.config.file import RoutineConfig
from unslump.config.routine_file import shipped_routines
from unslump.core.records import Variant
from unslump.core.routine import (
    plan_routine,
    plan_walk,
    routine_due,
    routine_press,
    routine_view,
    start_routine,
)
from unslump.core.views import (
    BlankView,
    DoneView,
    IdleView,
    NoticeView,
    PausedView,
    ReminderView,
    RoutineView,
    SnoozedView,
    StatsResponseView,
    StatsSafetyView,
    StatsStreakView,
    StatsTodayView,
    StatsWeekView,
)

BASIC_CASES = {
    "idle-seated": IdleView(True, 23, 45, 2),
    "idle-away": IdleView(False, 0, 45, 1),
    "idle-over": IdleView(True, 52, 45, 0, shift=(2, 1)),
    "blank": BlankView(),
    "reminder": ReminderView(46, 2),
    "reminder-used-up": ReminderView(67, 0, snooze_refused=True),
    "snoozed": SnoozedView(10, 1),
    "snoozed-last": SnoozedView(10, 0),
}


A_WEEK = (("T", 52, 3), ("F", 61, 5), ("S", 0, 0), ("S", 9, 1), ("M", 67, 4), ("T", 74, 6),
          ("W", 31, 2))
STATS_CASES = {
    "today": StatsTodayView(breaks_guided=2, breaks_natural=3, sitting_min=182, longest_min=70),
    "today-empty": StatsTodayView(breaks_guided=0, breaks_natural=0, sitting_min=0,
                                  longest_min=0),
    "today-busy": StatsTodayView(breaks_guided=12, breaks_natural=15, sitting_min=611,
                                 longest_min=45),
    "week": StatsWeekView(days=A_WEEK, level=3, smooth=4, stretches=5),
    "week-long": StatsWeekView(days=(("T", 127, 14), ("F", 98, 3), ("S", 0, 0), ("S", 0, 0),
                                     ("M", 105, 0), ("T", 88, 12), ("W", 4, 0))),
    "week-empty": StatsWeekView(days=tuple((letter, 0, 0) for letter in "TFSSMTW")),
    "streak": StatsStreakView(days=12, goal="no bout over 60 min"),
    "streak-one": StatsStreakView(days=1, goal="no bout over 60 min"),
    "streak-long": StatsStreakView(days=365, goal="max bout 480m, 10+ breaks"),
    "response": StatsResponseView(today_s=35, week_s=42),
    "response-slow": StatsResponseView(today_s=None, week_s=145),
    "safety-understood": StatsSafetyView(answer="understood"),
    "safety-declined": StatsSafetyView(answer="declined"),
}


CFG = RoutineConfig()
START = 50.0
STRETCH, WALK = shipped_routines().stretch, shipped_routines().walk
WALK_PHASES = [phase.id for phase in WALK.phases]
REP_PHASES = [phase.id for phase in STRETCH.phases]


def phase_view(variant: Variant, phase: str, share: float = 0.45) -> RoutineView:
    """The screen ``share`` of the way through ``phase`` (repetition 2 when it repeats)."""
    plan = plan_routine(STRETCH, CFG, variant)
    step = next(s for s in plan.stages if s.phase.id == phase and s.rep in (0, 2))
    state, _ = start_routine(plan, START)
    at = START + step.start + share * step.length
    state, _, _ = routine_due(state, at)
    view = routine_view(state, at)
    assert isinstance(view, RoutineView)
    assert view.phase == phase
    return view


def walk_view(phase: str) -> RoutineView:
    """The standing break, a third of the way through ``phase``."""
    plan = plan_walk(WALK)
    step = next(s for s in plan.stages if s.phase.id == phase)
    state, _ = start_routine(plan, START)
    at = START + step.start + step.length / 3
    state, _, _ = routine_due(state, at)
    view = routine_view(state, at)
    assert isinstance(view, RoutineView)
    return view


def paused_view(phase: str) -> PausedView:
    plan = plan_routine(STRETCH, CFG, Variant.SEATED)
    step = next(s for s in plan.stages if s.phase.id == phase and s.rep in (0, 2))
    state, _ = start_routine(plan, START)
    at = START + step.start + 1.0
    state, _, _ = routine_due(state, at)
    state, _ = routine_press(state, at)
    view = routine_view(state, at + 30)
    assert isinstance(view, PausedView)
    return view


SCREENS = {
    **{f"{variant}-{phase}": (lambda v=variant, p=phase: phase_view(v, p))
       for variant in Variant for phase in REP_PHASES},
    "notice": lambda: NoticeView(seconds_left=27),
    **{f"walk-{phase}": (lambda p=phase: walk_view(p)) for phase in WALK_PHASES},
    "done-walk": lambda: DoneView(repetitions=1, completed=True, reps=1, walk=True),
    "done-asking": lambda: DoneView(repetitions=3, completed=True, reps=3, asking=True),
    "done-longer": lambda: DoneView(repetitions=3, completed=True, reps=3, longer_uncurl_s=2.0),
    "paused-hang": lambda: paused_view("hang"),
    "paused-setup": lambda: paused_view("setup"),
    "done-completed": lambda: DoneView(repetitions=3, completed=True),
    "done-stopped": lambda: DoneView(repetitions=1, completed=False, reps=3),
    "done-stopped-early": lambda: DoneView(repetitions=0, completed=False, reps=3),
}


__all__ = ["A_WEEK", "BASIC_CASES", "CFG", "REP_PHASES", "SCREENS", "START", "STATS_CASES",
           "STRETCH", "WALK", "WALK_PHASES", "paused_view", "phase_view", "walk_view"]
