"""No word ever leaves the panel: every screen at both panel heights, with the longest
content it can be given, keeps every glyph inside the panel and a pixel clear of its edge.

Each text the drawers ask Pillow for is recorded and drawn again alone on a larger scratch
image, so a word cut off by the panel's edge (which the panel's own picture cannot show:
the cut part is simply missing) is seen whole, where it would have been. Shipped words must
also arrive whole: the renderer may wrap or shorten a routine file's own long cue by rule,
but none of ours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image, ImageDraw

from unslump.app.gpio_retry import GpioUnavailableView, WaitRenderer
from unslump.app.stats_views import goal_text
from unslump.config.routine_file import shipped_routines
from unslump.core.day_stats import DailyGoal
from unslump.core.practice import MAX_LEVEL
from unslump.core.records import Variant
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
from unslump.render import Renderer
from unslump.render.canvas import Canvas

HEIGHTS = (64, 32)
ROUTINES = shipped_routines()
PHASES = [*ROUTINES.stretch.phases, *ROUTINES.walk.phases]
MAX_REPS = 10  # [routine] repetitions: 1 to 10
MAX_REMIND_MIN = 480  # [reminder] remind_after_min: 1 to 480
MAX_SNOOZE_MIN = 120  # [reminder] snooze_min: 1 to 120
MAX_SNOOZES = 10  # [reminder] max_snoozes: 0 to 10
MAX_NOTICE_S = 120  # [routine] notice_s: 10 to 120
A_DAY_MIN = 24 * 60
LONG_WEEK = tuple((letter, 240, 40) for letter in "TFSSMTW")  # 24 h and 40 breaks a day


@dataclass(frozen=True)
class Drawn:
    """One text the screen asked for, and where its ink fell (on the panel's grid)."""

    value: str
    ink: tuple[int, int, int, int] | None  # left, top, right, bottom (exclusive)


class Recorder:
    """Wraps ``ImageDraw.text`` for one screen: each call is recorded with its ink box."""

    PAD = 200

    def __init__(self, panel: tuple[int, int]) -> None:
        self.panel = panel
        self.drawn: list[Drawn] = []

    def __call__(self, original: Callable[..., Any]) -> Callable[..., Any]:
        recorder = self

        def text(draw: ImageDraw.ImageDraw, xy: Any, value: str, *args: Any,
                 **kwargs: Any) -> Any:
            font = kwargs.get("font", args[1] if len(args) > 1 else None)
            width, height = draw.im.size
            pad = recorder.PAD
            scratch = Image.new("1", (width + 2 * pad, height + 2 * pad), 0)
            probe = ImageDraw.Draw(scratch)
            probe.fontmode = "1"
            original(probe, (xy[0] + pad, xy[1] + pad), value, font=font, fill=1)
            box = scratch.getbbox()
            ink = None if box is None else (box[0] - pad, box[1] - pad, box[2] - pad,
                                            box[3] - pad)
            if (width, height) == recorder.panel:  # not a scratch image (doubled figures)
                recorder.drawn.append(Drawn(value, ink))
            return original(draw, xy, value, *args, **kwargs)

        return text


def record(monkeypatch: pytest.MonkeyPatch, draw_screen: Callable[[], Image.Image],
           panel: tuple[int, int] = (128, 64)) -> tuple[Image.Image, list[Drawn]]:
    recorder = Recorder(panel)
    with monkeypatch.context() as patch:
        patch.setattr(ImageDraw.ImageDraw, "text", recorder(ImageDraw.ImageDraw.text))
        image = draw_screen()
    return image, recorder.drawn


# -- the longest content of every view ------------------------------------------------------


def routine_views() -> Iterator[tuple[str, object]]:
    """Every phase with every cue of both variants, the widest count and countdown."""
    for phase in PHASES:
        for variant in Variant:
            cues = phase.cues(variant) or ("",)
            for index, cue in enumerate(cues):
                for rep in (0, MAX_REPS):
                    yield (f"{phase.id}-{variant}-{index}-rep{rep}",
                           RoutineView(phase=phase.id, title=phase.title, cue=cue, progress=119,
                                       rep=rep, reps=MAX_REPS, breath=10, variant=str(variant),
                                       seconds_left=150))
            yield (f"{phase.id}-{variant}-head-down",
                   RoutineView(phase=phase.id, title=phase.title, cue="", progress=119,
                               rep=MAX_REPS, reps=MAX_REPS, breath=10, variant=str(variant)))
            yield (f"{phase.id}-{variant}-ticks",
                   RoutineView(phase=phase.id, title=phase.title, cue=cues[-1], progress=119,
                               rep=MAX_REPS, reps=MAX_REPS, breath=None, variant=str(variant),
                               ticks=(6, 12 + MAX_LEVEL)))
        yield f"paused-{phase.id}", PausedView(title=phase.title, rep=MAX_REPS, reps=MAX_REPS)
        yield f"paused-{phase.id}-setup", PausedView(title=phase.title, rep=0, reps=MAX_REPS)


def basic_views() -> Iterator[tuple[str, object]]:
    for seated in (True, False):
        for shift in ((-1, 1), (1, 1), (1, 0), (-1, 0)):
            yield (f"idle-{seated}-{shift}",
                   IdleView(seated, A_DAY_MIN, MAX_REMIND_MIN, 99, shift=shift))
            yield (f"idle-long-{seated}-{shift}",
                   IdleView(seated, 9 * A_DAY_MIN, MAX_REMIND_MIN, 999, shift=shift))
    yield "blank", BlankView()
    for left in (0, 1, MAX_SNOOZES):
        yield f"reminder-{left}", ReminderView(A_DAY_MIN, left)
        yield f"snoozed-{left}", SnoozedView(MAX_SNOOZE_MIN, left)
    yield "reminder-refused", ReminderView(9 * A_DAY_MIN, 0, snooze_refused=True)
    yield "notice", NoticeView(seconds_left=MAX_NOTICE_S)
    for reps in (1, MAX_REPS):
        yield f"done-{reps}", DoneView(repetitions=reps, completed=True, reps=reps)
        yield f"done-asking-{reps}", DoneView(reps, True, reps, asking=True)
        yield f"done-longer-{reps}", DoneView(reps, True, reps, longer_uncurl_s=2.0)
        yield f"stopped-{reps}", DoneView(reps - 1, False, reps)
    yield "done-walk", DoneView(1, True, 1, walk=True)


def stats_views() -> Iterator[tuple[str, object]]:
    yield "today", StatsTodayView(999, 999, A_DAY_MIN, A_DAY_MIN)
    yield "today-none", StatsTodayView(0, 0, 0, 0)
    yield "week", StatsWeekView(LONG_WEEK, level=MAX_LEVEL, smooth=99, stretches=99)
    yield "week-none", StatsWeekView(tuple((day, 0, 0) for day in "TFSSMTW"))
    goals = [goal_text(DailyGoal(max_bout_s=None if bout is None else bout * 60.0,
                                 min_breaks=breaks))
             for bout in (None, MAX_REMIND_MIN + 15) for breaks in (None, 99)
             if bout or breaks]
    for index, goal in enumerate(goals):
        yield f"streak-{index}", StatsStreakView(days=99999, goal=goal)
    yield "streak-one", StatsStreakView(days=1, goal=goals[0])
    yield "response", StatsResponseView(today_s=A_DAY_MIN * 60, week_s=A_DAY_MIN * 60 - 1)
    yield "response-none", StatsResponseView(today_s=None, week_s=None)
    for answer in ("understood", "declined", ""):
        yield f"safety-{answer or 'unanswered'}", StatsSafetyView(answer=answer)


VIEWS = dict([*routine_views(), *basic_views(), *stats_views()])


def drawer(height: int, view: object) -> Callable[[], Image.Image]:
    renderer = Renderer(canvas=Canvas(128, height))
    return lambda: renderer(view)  # type: ignore[arg-type]


# -- the checks ------------------------------------------------------------------------------


def problems(image: Image.Image, drawn: list[Drawn]) -> list[str]:
    """Each glyph run outside the panel, within a pixel of its edge, or on another run;
    and any lit pixel on the edge that is not part of a lit band (a row lit across the
    panel from edge to edge, as behind STAND UP)."""
    width, height = image.size
    found = []
    pixels = image.load()

    def band(y: int) -> bool:
        return bool(pixels[0, y] and pixels[width - 1, y])

    edge = {(x, y) for x in range(width) for y in (0, height - 1)}
    edge |= {(x, y) for y in range(height) for x in (0, width - 1)}
    lit = sorted((x, y) for x, y in edge if pixels[x, y] and not band(y))
    if lit:
        found.append(f"lit on the edge at {lit[:4]}")
    inked = [d for d in drawn if d.ink is not None]
    for item in inked:
        assert item.ink is not None
        left, top, right, bottom = item.ink
        if left < 0 or top < 0 or right > width or bottom > height:
            found.append(f"{item.value!r} is cut by the panel's edge (ink {item.ink})")
        elif left < 1 or top < 1 or right > width - 1 or bottom > height - 1:
            found.append(f"{item.value!r} touches the panel's edge (ink {item.ink})")
    for index, one in enumerate(inked):
        for other in inked[index + 1:]:
            assert one.ink is not None and other.ink is not None
            if (one.ink[0] < other.ink[2] and other.ink[0] < one.ink[2]
                    and one.ink[1] < other.ink[3] and other.ink[1] < one.ink[3]):
                found.append(f"{one.value!r} runs into {other.value!r}")
    return found


@pytest.mark.parametrize("height", HEIGHTS)
@pytest.mark.parametrize("name", list(VIEWS))
def test_render_fit_every_word_stays_on_the_panel(name: str, height: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    image, drawn = record(monkeypatch, drawer(height, VIEWS[name]), (128, height))
    assert problems(image, drawn) == []


@pytest.mark.parametrize("height", HEIGHTS)
def test_render_fit_the_gpio_wait_stays_on_the_panel(height: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = WaitRenderer(canvas=Canvas(128, height))
    image, drawn = record(monkeypatch, lambda: renderer(GpioUnavailableView()), (128, height))
    assert problems(image, drawn) == []


@pytest.mark.parametrize("height", HEIGHTS)
def test_render_fit_every_shipped_cue_is_drawn_whole(height: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Our own cues are written to fit: none is wrapped or shortened on either panel."""
    for phase in PHASES:
        for variant in Variant:
            for cue in phase.cues(variant):
                view = RoutineView(phase=phase.id, title=phase.title, cue=cue, progress=0,
                                   rep=MAX_REPS, reps=MAX_REPS, breath=10,
                                   variant=str(variant), seconds_left=150)
                _, drawn = record(monkeypatch, drawer(height, view), (128, height))
                assert cue in [d.value for d in drawn], (cue, [d.value for d in drawn])


def test_render_fit_sees_a_word_cut_by_the_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself: a line drawn past the right edge is reported, not missed."""
    def draw_past() -> Image.Image:
        image, draw = Canvas(128, 64).blank()
        draw.text((100, 20), "far too long", fill=255)
        return image

    image, drawn = record(monkeypatch, draw_past)
    assert f"'far too long' is cut by the panel's edge (ink {drawn[0].ink})" in problems(
        image, drawn)


@pytest.mark.parametrize("height", HEIGHTS)
def test_render_fit_a_long_cue_of_a_routine_file_is_shortened_by_rule(
        height: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cue too wide for the panel (a routine file of one's own, checked at 21
    characters of the larger font) is cut at a word and marked "..", never clipped."""
    cue = "breathe in through the nose, slowly"
    view = RoutineView(phase="x", title="RECOMMIT", cue=cue, progress=0, rep=MAX_REPS,
                       reps=MAX_REPS, breath=10, variant="seated", seconds_left=150)
    image, drawn = record(monkeypatch, drawer(height, view), (128, height))
    assert problems(image, drawn) == []
    [shown] = [d.value for d in drawn if d.value.startswith("breathe")]
    assert shown.endswith("..") and cue.startswith(shown[:-2]) and shown[-3] != " "


def test_render_fit_wrap_breaks_at_spaces_and_shortens_only_the_last_line() -> None:
    from unslump.render.canvas import wrap
    from unslump.render.fonts import Fonts

    _, draw = Canvas(128, 64).blank()
    small = Fonts.load().small
    assert wrap(draw, "standing breaks instead", small, 60, 2) == ["standing", "breaks.."]
    assert wrap(draw, "you chose the stretch", small, 126, 2) == ["you chose the stretch"]
