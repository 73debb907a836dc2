"""The stretch screens, pinned pixel for pixel by golden PNGs.

Set ``UNSLUMP_REGEN_GOLDEN=1`` to (re)write the PNGs in tests/golden/routine/ after a
deliberate change to a screen; look at each one scaled up before committing it.
"""

from __future__ import annotations

import pytest
from PIL import Image

from tests.support.golden import assert_matches_golden
from tests.support.paths import TESTS
from tests.support.screen_cases import SCREENS, STRETCH, WALK, phase_view
from unslump.core.records import Variant
from unslump.core.routine import PROGRESS_STEPS
from unslump.core.views import RoutineView
from unslump.render.canvas import Canvas, text_width
from unslump.render.fonts import Fonts
from unslump.render.routine_screens import DRAWERS, NOTICE_LINES

GOLDEN = TESTS / "golden" / "routine"
FULL = Canvas(128, 64)
WIDTH = FULL.width


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts.load()


def render(view: object, fonts: Fonts) -> Image.Image:
    return DRAWERS[type(view)](view, fonts, FULL)


@pytest.mark.parametrize("name", list(SCREENS))
def test_render_routine_screen_matches_golden(name: str, fonts: Fonts) -> None:
    assert_matches_golden(render(SCREENS[name](), fonts), GOLDEN / f"{name}.png")


def test_render_routine_every_cue_title_and_notice_line_fits(fonts: Fonts) -> None:
    _, draw = FULL.blank()
    phases = [*STRETCH.phases, *WALK.phases]
    for variant in Variant:
        for phase in phases:
            for cue in phase.cues(variant):
                assert text_width(draw, cue, fonts.body) <= WIDTH - 2, cue
    for title in (phase.title for phase in phases):
        # the title shares the top line with the "10/10" count on the right
        room = WIDTH - text_width(draw, "10/10", fonts.large) - 4
        assert text_width(draw, title, fonts.large) <= room, title
    for line in NOTICE_LINES:
        assert text_width(draw, line, fonts.body) <= WIDTH - 2, line


def test_render_routine_progress_bar_one_pixel_per_step(fonts: Fonts) -> None:
    view = phase_view(Variant.SEATED, "uncurl")
    lit_rows = []
    for progress in (0, 1, 60, PROGRESS_STEPS):
        image = render(RoutineView(**{**_fields(view), "progress": progress}), fonts)
        row = [image.getpixel((x, 59)) for x in range(WIDTH)]
        lit_rows.append(sum(1 for px in row if px))
    # the outline's two sides are always lit; the fill adds exactly `progress` pixels
    assert [lit - lit_rows[0] for lit in lit_rows] == [0, 1, 60, PROGRESS_STEPS]


def test_render_routine_breath_indicator_follows_radius(fonts: Fonts) -> None:
    view = phase_view(Variant.SEATED, "hang")
    small = render(RoutineView(**{**_fields(view), "breath": 2}), fonts)
    large = render(RoutineView(**{**_fields(view), "breath": 10}), fonts)
    assert _lit(large) > _lit(small)


def _fields(view: RoutineView) -> dict[str, object]:
    return {name: getattr(view, name) for name in RoutineView.__slots__}


def _lit(image: Image.Image) -> int:
    return image.convert("L").histogram()[255]
