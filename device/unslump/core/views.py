"""What the screen should show, as small immutable values.

A view holds only what the picture depends on, rounded to steps no panel shows finer
(whole minutes, whole seconds, progress steps), so two equal views are the same picture and
the display redraws only on change. Pixels are none of the core's business: drawing a view
at the panel's size is the job of ``unslump.render``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IdleView:
    """The resting screen: is someone seated, and for how long in this bout."""

    seated: bool
    bout_min: int  # whole minutes of the current sitting bout
    remind_after_min: int  # the reminder threshold, for the progress bar
    breaks_today: int = 0
    shift: tuple[int, int] = (0, 0)  # pixel offset against burn-in


@dataclass(frozen=True, slots=True)
class BlankView:
    """Nothing lit (the panel is off or the device is shutting down)."""



# --- The guided stretch (drawn by unslump.render.routine_screens; built by core.routine) ---


@dataclass(frozen=True, slots=True)
class NoticeView:
    """The safety notice, waiting for its answer: press = understood, hold = not for me."""

    seconds_left: int  # whole seconds until it gives up and returns to idle


@dataclass(frozen=True, slots=True)
class RoutineView:
    """One phase of the stretch, quantised so it changes at most ~10 times a second."""

    phase: str  # the phase's id in its routine file, e.g. "hang"
    title: str  # the phase name shown in the large font, e.g. "HANG"
    cue: str  # one short line (at most 21 characters of the 6x12 font)
    progress: int  # steps through the phase, 0..routine.PROGRESS_STEPS
    rep: int  # repetition under way, 1-based; 0 during set-up
    reps: int
    breath: int | None  # breath level, routine.BREATH_MIN..BREATH_MAX; None when not paced
    variant: str  # "seated" or "standing"
    ticks: tuple[int, int] | None = None  # (vertebrae so far, of) during the uncurl
    seconds_left: int | None = None  # countdown shown in set-up and rest


@dataclass(frozen=True, slots=True)
class PausedView:
    """The stretch is paused: what it will go back to."""

    title: str
    rep: int  # 0 during set-up or the notice
    reps: int


@dataclass(frozen=True, slots=True)
class DoneView:
    """Shown for a few seconds after the stretch ends (completed or stopped)."""

    repetitions: int  # repetitions finished
    completed: bool
    reps: int = 0  # repetitions planned, for "stopped after rep 1 of 3"
    walk: bool = False  # the standing break, not the stretch
    asking: bool = False  # "uncurl smooth? press = yes"
    longer_uncurl_s: float = 0.0  # a "yes" raised the practice level: the uncurl grew by this


@dataclass(frozen=True, slots=True)
class SnoozedView:
    """Shown for a few seconds after a snooze: for how long, and how many are left."""

    minutes: int
    snoozes_left: int


RoutineScreen = NoticeView | RoutineView | PausedView | DoneView
"""Every view of the guided stretch (to be joined into ``View``)."""


# --- The reminder (built by unslump.core.machine; drawn by unslump.render.basic) ---


@dataclass(frozen=True, slots=True)
class ReminderView:
    """Time to stand up: how long seated, and what the button does now."""

    bout_min: int
    snoozes_left: int
    snooze_refused: bool = False  # a hold came with no snoozes left



# --- The stats pages (drawn by unslump.render.stats; built by unslump.app.stats_views) ---

STATS_PAGES = 5


@dataclass(frozen=True, slots=True)
class StatsTodayView:
    """Page 1: today's breaks by kind, minutes seated, and the longest bout."""

    breaks_guided: int
    breaks_natural: int
    sitting_min: int  # whole minutes seated today
    longest_min: int  # whole minutes of today's longest bout (its share of today)
    page: int = 1
    pages: int = STATS_PAGES


@dataclass(frozen=True, slots=True)
class StatsWeekView:
    """Page 2: seven days ending today, oldest first, as bars with a mark per break."""

    days: tuple[tuple[str, int, int], ...]  # (weekday letter, sitting tenths of hours, breaks)
    level: int = 0  # the practice level (the uncurl's length)
    smooth: int = 0  # stretches this week whose uncurl was reported smooth
    stretches: int = 0  # stretches completed this week
    page: int = 2
    pages: int = STATS_PAGES


@dataclass(frozen=True, slots=True)
class StatsStreakView:
    """Page 3: consecutive days meeting the daily goal, and the goal in words."""

    days: int
    goal: str  # at most 25 characters of the 5x8 font, e.g. "no bout over 60 min"
    page: int = 3
    pages: int = STATS_PAGES


@dataclass(frozen=True, slots=True)
class StatsResponseView:
    """Page 4: median whole seconds from the reminder chime to standing up."""

    today_s: int | None  # None when no reminder was answered today
    week_s: int | None  # over every answered reminder of the last seven days
    page: int = 4
    pages: int = STATS_PAGES


@dataclass(frozen=True, slots=True)
class StatsSafetyView:
    """Page 5: the safety notice's answer; a hold here asks it again before the next break."""

    answer: str  # "understood", "declined" or "" (not answered yet)
    page: int = 5
    pages: int = STATS_PAGES


StatsScreen = (StatsTodayView | StatsWeekView | StatsStreakView | StatsResponseView
               | StatsSafetyView)
"""Every stats page (to be joined into ``View``)."""


View = IdleView | BlankView | ReminderView | SnoozedView | RoutineScreen | StatsScreen
"""Every screen the core can ask for."""
