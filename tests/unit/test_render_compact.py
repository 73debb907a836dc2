"""The 32-row screens (``[display] height = 32``), pinned pixel for pixel by golden PNGs.

Every view the 64-row tests draw is drawn here too, through the same Renderer the device
builds from its config, plus the widest texts a routine file or a long day can produce.
Set ``UNSLUMP_REGEN_GOLDEN=1`` to (re)write tests/golden/compact/; look at each one
scaled up before committing it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image

from tests.support.golden import assert_matches_golden
from tests.support.paths import TESTS
from tests.support.screen_cases import BASIC_CASES, SCREENS, STATS_CASES, STRETCH
from unslump.app.gpio_retry import GpioUnavailableView, WaitRenderer
from unslump.config.file import Config, DisplayConfig
from unslump.core.views import (
    IdleView,
    PausedView,
    RoutineView,
    StatsResponseView,
    StatsTodayView,
    StatsWeekView,
    View,
)
from unslump.render import Renderer, layout_modules, panel_canvas
from unslump.render.canvas import Canvas

GOLDEN = TESTS / "golden" / "compact"
COMPACT = Canvas(128, 32)
SIZE = (COMPACT.width, COMPACT.height)
WIDEST = {
    # the longest title and count, and a 21-character cue with a three-digit countdown
    "routine-widest": lambda: RoutineView(phase="x", title="RECOMMIT", cue="abcdefghijklmnopqrstu",
                                          progress=60, rep=10, reps=10, breath=10,
                                          variant="seated", seconds_left=150),
    "routine-head-down-widest": lambda: RoutineView(phase="x", title="RECOMMIT", cue="",
                                                    progress=119, rep=10, reps=10, breath=10,
                                                    variant="standing"),
    "routine-many-vertebrae": lambda: RoutineView(phase="uncurl", title="UNCURL",
                                                  cue="vertebra by vertebra", progress=80,
                                                  rep=1, reps=3, breath=None,
                                                  variant="seated", ticks=(11, 20)),
    "paused-widest": lambda: PausedView(title="RECOMMIT", rep=10, reps=10),
    "idle-widest": lambda: IdleView(True, 480, 480, 99, shift=(1, 1)),
    "today-widest": lambda: StatsTodayView(breaks_guided=99, breaks_natural=99,
                                           sitting_min=1439, longest_min=1439),
    "response-widest": lambda: StatsResponseView(today_s=5999, week_s=5999),
}


def _cases() -> dict[str, Callable[[], object]]:
    cases: dict[str, Callable[[], object]] = {}
    for name, view in {**BASIC_CASES, **STATS_CASES}.items():
        cases[name] = lambda v=view: v
    cases.update(SCREENS)
    cases.update(WIDEST)
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    config = Config(display=DisplayConfig(height=32))
    return Renderer(canvas=panel_canvas(config))


@pytest.mark.parametrize("name", list(CASES))
def test_render_compact_screen_matches_golden(name: str, renderer: Renderer) -> None:
    view = CASES[name]()
    assert_matches_golden(renderer(view), GOLDEN / f"{name}.png", SIZE)


def test_render_compact_wait_screen_matches_golden() -> None:
    image = WaitRenderer(canvas=COMPACT)(GpioUnavailableView())
    assert_matches_golden(image, GOLDEN / "gpio-wait.png", SIZE)


def test_render_compact_layouts_draw_every_view_the_full_ones_do() -> None:
    def types(height: int) -> set[type]:
        return {view for module in layout_modules(height) for view in module.DRAWERS}

    assert types(32) == types(64)
    assert set(View.__args__) <= types(32)


def test_render_compact_draws_at_the_configured_size() -> None:
    image: Image.Image = Renderer(canvas=COMPACT)(IdleView(True, 3, 45))
    assert image.size == SIZE
    with pytest.raises(ValueError, match="no screens are drawn 48 pixels tall; use 64, 32"):
        Renderer(canvas=Canvas(128, 48))


def test_render_compact_assembled_device_draws_every_stretch_frame_at_32_rows(make_device):
    """The device as assembled for ``[display] height = 32``: through a reminder and a
    whole stretch, the panel always holds the 128x32 picture of the view the core shows,
    and every kind of stretch screen was among them."""
    config = Config(display=DisplayConfig(height=32))
    device = make_device(config=config)
    expected = Renderer(canvas=COMPACT)
    seen: set[str] = set()

    def check() -> None:
        view = device.runtime.state.shown
        assert device.panel.image.size == SIZE
        assert device.panel.image.tobytes() == expected(view).tobytes(), view
        seen.add(getattr(view, "phase", type(view).__name__))

    device.sit()
    device.run_until(46 * 60)
    check()
    device.press()
    for _ in range(4 * 60 * 2):
        device.run_for(0.5)
        check()
    phases = {phase.id for phase in STRETCH.phases}
    assert {"ReminderView", "DoneView", *phases} <= seen, seen


def test_render_compact_layouts_load_only_for_a_32_row_panel():
    """The 64-row service never imports the 32-row layouts (nor the other way round)."""
    import subprocess
    import sys

    probe = ("import sys; from unslump.render import Renderer; from unslump.render.canvas "
             "import Canvas; Renderer(canvas=Canvas(128, {h})); "
             "print(sorted(m for m in sys.modules if m.startswith('unslump.render.')))")
    loaded = {h: subprocess.run([sys.executable, "-c", probe.format(h=h)], check=True,
                                capture_output=True, text=True).stdout for h in (64, 32)}
    assert "compact" not in loaded[64] and "unslump.render.basic" in loaded[64]
    assert "unslump.render.compact_basic" in loaded[32] and "unslump.render.basic" not in loaded[32]


@pytest.mark.parametrize("height", [32, 64])
def test_render_week_marks_stay_clear_of_the_title(height: int) -> None:
    # The tallest bar with the most break marks leaves a blank row under the title's ink:
    # marks touching the title read as part of its letters.
    renderer = Renderer(canvas=panel_canvas(Config(display=DisplayConfig(height=height))))
    days = (("T", 127, 14),) * 7
    empty = renderer(StatsWeekView(days=tuple((d, 0, 0) for d, _, _ in days),
                                   smooth=4, stretches=5)).convert("1")
    full = renderer(StatsWeekView(days=days, smooth=4, stretches=5)).convert("1")
    title_bottom = max(y for y in range(height // 2) for x in range(128)
                       if empty.getpixel((x, y)))
    assert not any(full.getpixel((x, title_bottom + 1)) for x in range(128))
