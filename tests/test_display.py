from luma.core.device import dummy

from device.adapters.display import Screen, luma_arguments
from device.clock import FakeClock
from device.config import DisplayConfig
from device.core.views import IdleView
from device.render import Renderer


def make_screen(persist=False):
    panel = dummy(width=128, height=64, mode="1")
    return Screen(lambda: panel, Renderer(), FakeClock(), persist=persist)


def test_display_redraws_only_when_the_view_changes():
    screen = make_screen()
    assert screen.show(IdleView(True, 3, 45))
    assert not screen.show(IdleView(True, 3, 45))
    assert screen.show(IdleView(True, 4, 45))
    assert screen.frames == 2


def test_display_close_blanks_the_panel_and_is_idempotent():
    screen = make_screen()
    screen.show(IdleView(True, 3, 45))
    assert screen.device.image.getbbox() is not None
    screen.close()
    screen.close()
    assert screen.device.image.getbbox() is None
    assert not screen.show(IdleView(True, 9, 45))


def test_display_persist_keeps_the_last_frame():
    screen = make_screen(persist=True)
    screen.show(IdleView(True, 3, 45))
    screen.close()
    assert screen.device.image.getbbox() is not None


def test_display_options_are_luma_options():
    from luma.core.cmdline import create_parser

    args = create_parser("t", autocomplete=False).parse_args(luma_arguments(DisplayConfig()))
    assert (args.display, args.interface, args.i2c_port, args.i2c_address) == (
        "ssd1306", "i2c", 1, "0x3C")
    assert (args.width, args.height, args.rotate) == (128, 64, 0)


def test_display_missing_panel_names_bus_and_address(monkeypatch):
    import pytest

    from device.adapters.display import open_luma_device
    from device.errors import DisplayError

    config = DisplayConfig(i2c_port=9)
    with pytest.raises(DisplayError, match=r"/dev/i2c-9 at 0x3C"):
        open_luma_device(config)
