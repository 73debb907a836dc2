"""Golden images of the basic screens; set UNSLUMP_REGEN_GOLDEN=1 to rewrite them."""


import pytest

from tests.support.golden import assert_matches_golden
from tests.support.paths import TESTS
from tests.support.screen_cases import BASIC_CASES
from unslump.render import Renderer

GOLDEN = TESTS / "golden" / "basic"
CASES = BASIC_CASES


@pytest.mark.parametrize("name", CASES)
def test_render_basic_screens_match_golden(name):
    assert_matches_golden(Renderer()(CASES[name]), GOLDEN / f"{name}.png")


def test_render_unknown_view_is_a_clear_error():
    with pytest.raises(TypeError, match="no screen is drawn for str"):
        Renderer()("not a view")
