import json
import subprocess
import sys
from typing import Any

import pytest
from luma.core.device import dummy

from tests.support.paths import REPO
from unslump.config.file import DisplayConfig
from unslump.core.views import IdleView
from unslump.edges.clock import FakeClock
from unslump.edges.display import oled as display
from unslump.edges.display.oled import Screen, create_driver, open_luma_device
from unslump.render import Renderer


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


ROOT = REPO
PANEL_TYPES = ("ssd1306", "sh1106", "ssd1309", "ssd1305")


def luma_command_line(config: DisplayConfig) -> list[str]:
    """``[display]`` in luma's command-line terms: what the device used to hand luma."""
    return ["--display", config.type, "--interface", config.interface,
            "--i2c-port", str(config.i2c_port), "--i2c-address", config.i2c_address,
            "--width", str(config.width), "--height", str(config.height),
            "--rotate", str(config.rotate)]


def luma_args(config: DisplayConfig) -> Any:
    from luma.core.cmdline import create_parser

    return create_parser("t", autocomplete=False).parse_args(luma_command_line(config))


class RecordingInterface:
    """A luma serial interface that keeps every command and data write, in order."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.writes: list[tuple[str, list[int]]] = []

    def command(self, *cmd: int) -> None:
        self.writes.append(("command", list(cmd)))

    def data(self, data: Any) -> None:
        self.writes.append(("data", list(data)))

    def cleanup(self) -> None:
        pass


@pytest.mark.parametrize("interface", ["i2c", "spi"])
@pytest.mark.parametrize("address", ["0x3C", "0x3D"])
def test_display_serial_interface_is_the_one_luma_builds(monkeypatch, interface, address):
    from luma.core import cmdline
    from luma.core.interface import serial

    for kind in ("i2c", "spi"):
        monkeypatch.setattr(serial, kind, lambda kind=kind, **options: (kind, options))
    config = DisplayConfig(interface=interface, i2c_port=3, i2c_address=address)
    args = luma_args(config)
    assert display.open_serial_interface(config) == getattr(
        cmdline.make_interface(args), args.interface)()


@pytest.mark.parametrize("height", [64, 32])
@pytest.mark.parametrize("rotate", [0, 2])
@pytest.mark.parametrize("partial", [True, False])
@pytest.mark.parametrize("kind", PANEL_TYPES)
def test_display_every_panel_type_gets_luma_init_and_first_frame(monkeypatch, kind, partial,
                                                                  rotate, height):
    """At both heights the config offers (128x32 is its own init: multiplex, COM pins)."""
    from luma.core import cmdline

    config = DisplayConfig(type=kind, partial=partial, rotate=rotate, height=height)
    ours, luma = RecordingInterface(), RecordingInterface()
    driver = create_driver(config, ours)

    class LumaInterfaces:
        def __init__(self, args: Any) -> None:
            self.i2c = self.spi = lambda: luma

    monkeypatch.setattr(cmdline, "make_interface", LumaInterfaces)
    stock = cmdline.create_device(luma_args(config))
    assert ours.writes == luma.writes  # the init, the cleared frame, display on
    assert (driver.size, driver.mode) == (stock.size, stock.mode) == ((128, height), "1")
    partial_driver = partial and kind in ("ssd1306", "sh1106")
    assert type(driver).__module__ == ("unslump.edges.display.page_diff" if partial_driver
                                       else "luma.oled.device")


def fresh_modules(code: str) -> list[str]:
    """The modules a new interpreter holds after ``code`` (run at the repository root)."""
    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nnames = sorted(sys.modules)\n"
         "import json\nprint(json.dumps(names))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


SERVICE_ON_A_FAKE_BUS = """
import smbus2
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from gpiozero.pins.mock import MockFactory
from unslump.edges.system.lean_imports import leave_freetype_out
leave_freetype_out()
from unslump.edges.display.oled import open_luma_device
from unslump.app.assembly import Edges, assemble
from unslump.edges.clock import FakeClock
from unslump.config.file import Config, DisplayConfig
from unslump.edges.system.sd_notify import Notifier

class Bus:
    def __init__(self, port):
        self.written = 0
    def write_i2c_block_data(self, address, register, data):
        self.written += len(data)
    def i2c_rdwr(self, *messages):
        self.written += sum(len(message) for message in messages)
    def close(self):
        pass

smbus2.SMBus = Bus
config = replace(Config(), display=DisplayConfig(type=%r))
clock = FakeClock()
edges = Edges(clock, lambda: open_luma_device(config.display), pin_factory=MockFactory(),
              notifier=Notifier(env={}))
with ExitStack() as stack:
    parts = assemble(stack, config, edges, Path(%r))
    parts.runtime.start(parts.inputs.seat_occupied())
    parts.run_until(clock, clock.monotonic() + 600)
    assert parts.screen.frames > 0
"""
# What luma.oled.device and luma's parser bring, none of it needed by a partial panel
LUMA_EXTRAS = ("luma.oled.device", "luma.core.cmdline", "luma.core.virtual",
               "luma.core.threadpool", "luma.core.bitmap_font", "luma.emulator", "cbor2",
               "curses")


def test_display_service_with_an_ssd1306_never_loads_luma_oled_devices_or_cbor2(tmp_path):
    loaded = fresh_modules(SERVICE_ON_A_FAKE_BUS % ("ssd1306", str(tmp_path / "log.db")))
    assert "unslump.edges.display.page_diff" in loaded and "luma.core.interface.serial" in loaded
    assert [name for name in loaded if name.startswith(LUMA_EXTRAS)] == []


def test_display_service_without_mqtt_never_loads_json(tmp_path):
    """json is for the MQTT outbox's payloads: a device without [mqtt] queues nothing."""
    loaded = fresh_modules(SERVICE_ON_A_FAKE_BUS % ("ssd1306", str(tmp_path / "log.db")))
    assert "unslump.edges.store.outbox" in loaded
    assert "json" not in loaded


def test_display_service_with_an_ssd1309_loads_luma_oleds_stock_driver(tmp_path):
    loaded = fresh_modules(SERVICE_ON_A_FAKE_BUS % ("ssd1309", str(tmp_path / "log.db")))
    assert "luma.oled.device" in loaded
    assert "luma.core.cmdline" not in loaded


def test_display_missing_panel_names_bus_and_address(monkeypatch):
    from unslump.errors import DisplayError

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
        from unslump.errors import DisplayError

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

