"""No usable GPIO library: the device stays up, says so, and starts once the pins load.

Driven the way the service does it (unslump.app.assembly.run_device calls wait_until_gpio_loads):
gpiozero's real "no pin factory" error, the real sd_notify client on an AF_UNIX datagram
socket, luma's dummy panel, a real SQLite log file, and a fake clock that the scripted
wait moves on, so a ten-minute wait takes no real time.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero import BadPinFactory, Device
from gpiozero.pins.mock import MockFactory
from luma.core.device import dummy

import unslump.edges.inputs.gpio as inputs_module
from unslump.app.gpio_retry import (
    MESSAGE,
    RETRY_S,
    GpioUnavailableView,
    WaitRenderer,
    wait_until_gpio_loads,
)
from unslump.config.file import Config
from unslump.edges.clock import FakeClock
from unslump.edges.store.sqlite import SqliteStore
from unslump.edges.system.sd_notify import Notifier
from unslump.errors import GpioUnavailableError
from unslump.ports import Stop


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    address = str(tmp_path / "notify")
    sock.bind(address)
    sock.setblocking(False)
    yield sock, address
    sock.close()


def datagrams(sock: socket.socket) -> list[str]:
    out = []
    while True:
        try:
            out.append(sock.recv(4096).decode())
        except BlockingIOError:
            return out


class Gpio:
    """gpiozero with no library until ``loads_after`` probes have failed.

    The pins themselves are a fresh MockFactory (restored afterwards); only the first
    claim of each probe, the button's, raises what gpiozero raises when no pin library
    loads.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, loads_after: int | None) -> None:
        self.probes = 0
        real = inputs_module.CoreTimedButton
        monkeypatch.setattr(Device, "pin_factory", MockFactory())

        def button(pin: int, **kwargs):
            self.probes += 1
            if loads_after is None or self.probes <= loads_after:
                raise BadPinFactory("Unable to load any default pin factory!")
            return real(pin, **kwargs)

        monkeypatch.setattr(inputs_module, "CoreTimedButton", button)


class ScriptedWait:
    """The loop's wait in virtual time: every call moves the clock to its deadline."""

    def __init__(self, clock: FakeClock, stop_after_s: float | None = None,
                 sock: socket.socket | None = None) -> None:
        self.clock = clock
        self.sock = sock
        self.sent: list[str] = []  # what reached the notify socket, read as systemd would
        self.start = clock.monotonic()
        self.stop_after_s = stop_after_s
        self.timeouts: list[float | None] = []

    def __call__(self, until: float | None):
        assert until is not None, "the wait must always have a deadline (retry, watchdog)"
        self.timeouts.append(until - self.clock.monotonic())
        if self.sock is not None:
            self.sent += datagrams(self.sock)
        self.clock.advance_to(until)
        elapsed = self.clock.monotonic() - self.start
        if self.stop_after_s is not None and elapsed >= self.stop_after_s:
            return Stop("SIGTERM")
        return None


def run_wait(tmp_path: Path, address: str, clock: FakeClock, wait: ScriptedWait,
             panel) -> str | None:
    env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "30000000"}
    with Notifier(env=env, pid=1) as notifier:
        return wait_until_gpio_loads(Config(), clock, notifier, wait, lambda: panel,
                                     tmp_path / "unslump.db")


def error_rows(db: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(db) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        table = next(name for name in tables if "error" in name)
        return [" ".join(str(v) for v in row)
                for row in connection.execute(f"SELECT * FROM {table}")]


def test_gpio_wait_stays_up_reports_and_starts_when_the_library_loads(
        monkeypatch, tmp_path, notify_socket):
    sock, address = notify_socket
    gpio = Gpio(monkeypatch, loads_after=2)  # the pre-probe and the first try fail
    clock = FakeClock()
    wait = ScriptedWait(clock, sock=sock)
    panel = dummy(width=128, height=64, mode="1")

    assert run_wait(tmp_path, address, clock, wait, panel) is None

    sent = wait.sent + datagrams(sock)
    assert sent[:2] == ["READY=1", f"STATUS={MESSAGE}"]
    assert "WATCHDOG=1" in sent  # fed while waiting: 60 s of wait, a 30 s watchdog
    assert sent[-1] == "STATUS=running"
    assert gpio.probes == 3  # the retry a minute later loads
    assert clock.monotonic() - wait.start == pytest.approx(RETRY_S)
    assert max(t for t in wait.timeouts if t is not None) <= 10.0 + 1e-9  # watchdog / 3
    assert any("no GPIO library could be loaded" in row for row in error_rows(
        tmp_path / "unslump.db"))


def test_gpio_wait_shows_the_message_on_the_panel(monkeypatch, tmp_path, notify_socket):
    _, address = notify_socket
    Gpio(monkeypatch, loads_after=None)
    clock = FakeClock()
    frames = []

    class Panel:
        """luma's dummy, keeping each frame it is sent."""

        def __init__(self) -> None:
            self._panel = dummy(width=128, height=64, mode="1")

        def display(self, image) -> None:
            frames.append(image.copy())
            self._panel.display(image)

        def __getattr__(self, name):
            return getattr(self._panel, name)

    run_wait(tmp_path, address, clock, ScriptedWait(clock, stop_after_s=1), Panel())
    expected = WaitRenderer()(GpioUnavailableView())
    assert frames[0].tobytes() == expected.tobytes()
    assert sum(expected.convert("L").point(lambda v: v > 0 and 1).getdata()) > 100
    assert not frames[-1].getbbox()  # blanked when the wait ends


def test_gpio_wait_ends_on_a_stop_with_its_reason(monkeypatch, tmp_path, notify_socket):
    sock, address = notify_socket
    gpio = Gpio(monkeypatch, loads_after=None)
    clock = FakeClock()
    panel = dummy(width=128, height=64, mode="1")
    wait = ScriptedWait(clock, stop_after_s=10 * RETRY_S, sock=sock)
    assert run_wait(tmp_path, address, clock, wait, panel) == "SIGTERM"
    assert gpio.probes == 2 + 9  # two looks at the start, then one a minute until the stop
    assert wait.sent.count("WATCHDOG=1") >= 10 * RETRY_S / 10 - 1


def test_gpio_wait_not_entered_when_the_pins_load(monkeypatch, tmp_path, notify_socket):
    sock, address = notify_socket
    Gpio(monkeypatch, loads_after=0)
    clock = FakeClock()
    wait = ScriptedWait(clock)
    panel = dummy(width=128, height=64, mode="1")
    assert run_wait(tmp_path, address, clock, wait, panel) is None
    assert wait.timeouts == []
    assert datagrams(sock) == []
    assert not (tmp_path / "unslump.db").exists()


def test_gpio_wait_error_is_its_own_kind_of_input_error(monkeypatch):
    Gpio(monkeypatch, loads_after=None)
    with pytest.raises(GpioUnavailableError, match="install python3-lgpio"):
        inputs_module.GpioInputs(Config().pins, FakeClock(), lambda e: None)


def test_gpio_wait_store_reopens_with_the_record(monkeypatch, tmp_path, notify_socket):
    """The log written during the wait opens again as the device's own store."""
    _, address = notify_socket
    Gpio(monkeypatch, loads_after=2)
    clock = FakeClock()
    run_wait(tmp_path, address, clock, ScriptedWait(clock),
             dummy(width=128, height=64, mode="1"))
    with SqliteStore.open(tmp_path / "unslump.db", clock=clock) as store:
        assert store.healthy
