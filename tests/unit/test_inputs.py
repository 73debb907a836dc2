import queue

import pytest
from gpiozero.pins.mock import MockFactory

from unslump.config.file import Config, PinsConfig
from unslump.core.events import ButtonDown, ButtonUp, SeatOccupied, SeatVacated
from unslump.edges.clock import FakeClock
from unslump.edges.inputs.gpio import GpioInputs
from unslump.errors import InputError


@pytest.fixture
def factory():
    return MockFactory()


def test_inputs_callbacks_only_enqueue_events_stamped_by_the_clock(factory):
    clock, events = FakeClock(), queue.SimpleQueue()
    inputs = GpioInputs(Config().pins, clock, events.put, pin_factory=factory)
    clock.advance(3)
    factory.pin(17).drive_low()
    clock.advance(0.25)
    factory.pin(17).drive_high()
    factory.pin(27).drive_low()
    factory.pin(27).drive_high()
    got = [events.get_nowait() for _ in range(4)]
    assert [type(e) for e in got] == [ButtonDown, ButtonUp, SeatOccupied, SeatVacated]
    assert got[0].at == 1003.0 and got[1].at == 1003.25
    assert got[0].wall == clock.wall() - (clock.wall() - got[0].wall)
    inputs.close()


def test_inputs_seat_state_at_start_is_read_not_assumed(factory):
    # MockPin applies the pull-up when the device claims it, so the switch is closed
    # afterwards; what matters is that the level is read, with no edge needed.
    inputs = GpioInputs(Config().pins, FakeClock(), lambda e: None, pin_factory=factory)
    assert not inputs.seat_occupied()
    factory.pin(27).drive_low()
    assert inputs.seat_occupied()
    inputs.close()


def test_inputs_active_high_seat_uses_pull_down(factory):
    pins = PinsConfig(seat_active="high")
    inputs = GpioInputs(pins, FakeClock(), lambda e: None, pin_factory=factory)
    assert not inputs.seat_occupied()
    factory.pin(27).drive_high()
    assert inputs.seat_occupied()
    inputs.close()


def test_inputs_button_hold_thread_is_stopped(factory):
    inputs = GpioInputs(Config().pins, FakeClock(), lambda e: None, pin_factory=factory)
    button = inputs._devices[0]
    assert not button._hold_thread.is_alive()
    inputs.close()


def test_inputs_pin_in_use_names_the_pin_and_the_fix(factory):
    first = GpioInputs(Config().pins, FakeClock(), lambda e: None, pin_factory=factory)
    with pytest.raises(InputError, match=r"BCM 17 for the button.*\[pins\]"):
        GpioInputs(Config().pins, FakeClock(), lambda e: None, pin_factory=factory)
    first.close()


def test_inputs_close_is_idempotent_and_frees_the_pins(factory):
    inputs = GpioInputs(Config().pins, FakeClock(), lambda e: None, pin_factory=factory)
    inputs.close()
    inputs.close()  # a second close is harmless
    heard: list[object] = []
    again = GpioInputs(Config().pins, FakeClock(), heard.append, pin_factory=factory)
    factory.pin(Config().pins.button).drive_low()  # the freed pin works for the new owner
    again.close()
    assert [type(event).__name__ for event in heard] == ["ButtonDown"]


def test_inputs_missing_gpio_library_says_what_to_install(monkeypatch):
    from gpiozero import BadPinFactory

    import unslump.edges.inputs.gpio as inputs_module

    def no_library(*args, **kwargs):
        raise BadPinFactory("Unable to load any default pin factory!")

    monkeypatch.setattr(inputs_module, "CoreTimedButton", no_library)
    with pytest.raises(InputError, match=r"install python3-lgpio.*--simulate"):
        GpioInputs(Config().pins, FakeClock(), lambda e: None)


# -- a pin another program holds ----------------------------------------------------------

class LgpioError(Exception):
    """Stands in for ``lgpio.error``, which gpiozero passes through unwrapped."""


class BusyFactory(MockFactory):
    """A pin factory whose ``busy`` pin is claimed by another process, as lgpio says it."""

    def __init__(self, busy: int) -> None:
        super().__init__()
        self.busy = busy

    def pin(self, spec, **kwargs):
        if spec == self.busy:
            raise LgpioError("GPIO busy")
        return super().pin(spec, **kwargs)


def fake_proc(root, pid: int, command: list[str], target: str, fdinfo: str | None):
    """A /proc entry for a process with one GPIO descriptor open."""
    process = root / str(pid)
    (process / "fd").mkdir(parents=True)
    (process / "fdinfo").mkdir()
    (process / "fd" / "7").symlink_to(target)
    if fdinfo is not None:
        (process / "fdinfo" / "7").write_text(fdinfo)
    (process / "cmdline").write_bytes(b"\0".join(c.encode() for c in command) + b"\0")


@pytest.fixture
def lgpio_module(monkeypatch):
    import sys
    import types

    module = types.ModuleType("lgpio")
    module.error = LgpioError
    monkeypatch.setitem(sys.modules, "lgpio", module)
    return module


def test_inputs_busy_pin_is_one_line_naming_the_pin_and_its_holder(lgpio_module, tmp_path):
    proc = tmp_path / "proc"
    fake_proc(proc, 4242, ["/usr/bin/python3", "-m", "unslump", "run"], "anon_inode:gpio-line",
              "pos:\t0\nflags:\t02\ngpio-chip:\tgpiochip0\ngpio-line:\t17\ngpio-line:\t27\n")
    fake_proc(proc, 5000, ["/usr/bin/other"], "anon_inode:gpio-line",
              "gpio-chip:\tgpiochip0\ngpio-line:\t5\n")  # holds another line: not named
    with pytest.raises(InputError) as caught:
        GpioInputs(Config().pins, FakeClock(), lambda e: None, pin_factory=BusyFactory(17),
                   proc=proc)
    assert type(caught.value).__name__ == "GpioBusyError"
    assert str(caught.value) == (
        "BCM 17 for the button is busy: held by pid 4242 (/usr/bin/python3 -m unslump run); "
        "stop that program (a `make run` or `unslump doctor --live` left open in another "
        "session?), or stop the service (sudo systemctl stop unslump), then try again")


def test_inputs_busy_pin_without_line_details_names_who_has_the_chip_open(lgpio_module,
                                                                          tmp_path):
    proc = tmp_path / "proc"
    fake_proc(proc, 77, ["make", "run"], "/dev/gpiochip0", None)
    factory = BusyFactory(27)
    with pytest.raises(InputError, match=r"^BCM 27 for the seat sensor is busy: held by pid "
                                         r"77 \(make run\);"):
        GpioInputs(Config().pins, FakeClock(), lambda e: None, pin_factory=factory, proc=proc)
    factory.pin(17).drive_low()  # the button claimed first was released again
    GpioInputs(PinsConfig(seat=22), FakeClock(), lambda e: None, pin_factory=factory).close()


def test_inputs_busy_pin_with_no_visible_holder_says_how_to_find_it(lgpio_module, tmp_path):
    with pytest.raises(InputError, match=r"held by another program \(none of yours: sudo "
                                         r"lsof /dev/gpiochip\* names it\)"):
        GpioInputs(Config().pins, FakeClock(), lambda e: None, pin_factory=BusyFactory(17),
                   proc=tmp_path)
