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


class FlakyPanel:
    """A panel whose opener fails until told otherwise, and whose bus can break."""

    def __init__(self):
        self.present = False
        self.broken = False
        self.device = dummy(width=128, height=64, mode="1")

    def open(self):
        from device.errors import DisplayError

        if not self.present:
            raise DisplayError("cannot open the display (ssd1306 on /dev/i2c-1 at 0x3C)")
        return self

    def display(self, image):
        if self.broken:
            raise OSError(121, "Remote I/O error")
        self.device.display(image)

    def __getattr__(self, name):
        return getattr(self.device, name)


def test_display_missing_at_start_is_retried_and_the_view_drawn_when_it_answers(caplog):
    clock, flaky = FakeClock(), FlakyPanel()
    screen = Screen(flaky.open, Renderer(), clock, retry_s=60.0)
    assert not screen.show(IdleView(True, 3, 45))
    assert screen.deadline() == clock.monotonic() + 60.0
    assert len([r for r in caplog.records if "running without it" in r.message]) == 1
    clock.advance(60)
    screen.service(clock.monotonic())  # still missing: one log line only
    assert len([r for r in caplog.records if "running without it" in r.message]) == 1
    flaky.present = True
    clock.advance(60)
    screen.service(clock.monotonic())
    assert screen.deadline() is None
    assert flaky.device.image.getbbox() is not None  # the wanted view, drawn at once


def test_display_failing_mid_run_keeps_the_device_going_and_recovers():
    clock, flaky = FakeClock(), FlakyPanel()
    flaky.present = True
    screen = Screen(flaky.open, Renderer(), clock, retry_s=30.0)
    screen.show(IdleView(True, 3, 45))
    flaky.broken = True
    assert not screen.show(IdleView(True, 4, 45))  # no exception reaches the loop
    assert screen.device is None and screen.deadline() is not None
    flaky.broken = False
    clock.advance(30)
    screen.service(clock.monotonic())
    assert screen.frames == 2  # the view of 4 min was drawn on recovery
