"""Golden images of the basic screens; set UNSLUMP_REGEN_GOLDEN=1 to rewrite them."""

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from device.core.views import BlankView, IdleView, ReminderView
from device.render import Renderer

GOLDEN = Path(__file__).parent / "golden" / "basic"
CASES = {
    "idle-seated": IdleView(True, 23, 45, 2),
    "idle-away": IdleView(False, 0, 45, 1),
    "idle-over": IdleView(True, 52, 45, 0, shift=(2, 1)),
    "blank": BlankView(),
    "reminder": ReminderView(46, 2),
    "reminder-used-up": ReminderView(67, 0, snooze_refused=True),
}


@pytest.mark.parametrize("name", CASES)
def test_render_basic_screens_match_golden(name):
    image = Renderer()(CASES[name])
    assert image.mode == "1" and image.size == (128, 64)
    path = GOLDEN / f"{name}.png"
    if os.environ.get("UNSLUMP_REGEN_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        image.save(path)
    golden = Image.open(path).convert("1")
    assert ImageChops.difference(image, golden).getbbox() is None


def test_render_unknown_view_is_a_clear_error():
    with pytest.raises(TypeError, match="no screen is drawn for str"):
        Renderer()("not a view")
