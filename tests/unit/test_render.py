"""Golden images of the basic screens; set UNSLUMP_REGEN_GOLDEN=1 to rewrite them."""


import pytest

from tests.support.golden import assert_matches_golden
from tests.support.paths import TESTS
from unslump.core.views import BlankView, IdleView, ReminderView, SnoozedView
from unslump.render import Renderer

GOLDEN = TESTS / "golden" / "basic"
CASES = {
    "idle-seated": IdleView(True, 23, 45, 2),
    "idle-away": IdleView(False, 0, 45, 1),
    "idle-over": IdleView(True, 52, 45, 0, shift=(2, 1)),
    "blank": BlankView(),
    "reminder": ReminderView(46, 2),
    "reminder-used-up": ReminderView(67, 0, snooze_refused=True),
    "snoozed": SnoozedView(10, 1),
    "snoozed-last": SnoozedView(10, 0),
}


@pytest.mark.parametrize("name", CASES)
def test_render_basic_screens_match_golden(name):
    assert_matches_golden(Renderer()(CASES[name]), GOLDEN / f"{name}.png")


def test_render_unknown_view_is_a_clear_error():
    with pytest.raises(TypeError, match="no screen is drawn for str"):
        Renderer()("not a view")
