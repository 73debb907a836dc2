"""The button and the seat sensor, read through gpiozero.

gpiozero callbacks run on gpiozero's own threads (with the mock factory, on the thread
that drives the pin), so they decide nothing: each stamps an event with the one clock and
hands it to the loop. The seat's state at start is read from the pin, because gpiozero
fires no callback for the level a pin already has.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gpiozero import BadPinFactory, Button, DigitalInputDevice, GPIOZeroError, PinFactoryFallback

from unslump.config.file import PinsConfig
from unslump.core.events import ButtonDown, ButtonUp, Event, SeatOccupied, SeatVacated
from unslump.edges.system.gpio_holders import PROC, busy_message, pin_errors
from unslump.errors import GpioBusyError, GpioUnavailableError, InputError
from unslump.ports import Clock

EventSink = Callable[[Event], None]


def drive_mock_seat(factory: Any, pins: PinsConfig, occupied: bool) -> None:
    """Put a MockFactory seat pin at the level a closed (or open) seat switch gives.

    The simulator, the virtual device and the benchmarks all stand in for the switch;
    which level means "occupied" follows ``[pins] seat_active``, as the real input does.
    """
    pin = factory.pin(pins.seat)
    contact_is_low = pins.seat_active == "low"
    (pin.drive_low if occupied == contact_is_low else pin.drive_high)()


def seat_pull_arguments(pins: PinsConfig) -> dict[str, Any]:
    """gpiozero's ``pull_up``/``active_state`` for the seat pin's configured pull.

    With no pull (a module that drives its output), gpiozero needs the active level
    itself; with a pull, it derives the level from the pull and :func:`seat_inverted`
    says whether that is the opposite of ``seat_active``.
    """
    pull = pins.seat_pull_resolved
    if pull == "off":
        return {"pull_up": None, "active_state": pins.seat_active == "high"}
    return {"pull_up": pull == "up"}


def seat_inverted(pins: PinsConfig) -> bool:
    """True when gpiozero's "active" (set by the pull) means the seat is empty."""
    pull = pins.seat_pull_resolved
    if pull == "off":
        return False
    active_level = "low" if pull == "up" else "high"
    return active_level != pins.seat_active


class CoreTimedButton(Button):  # type: ignore[misc]  # gpiozero ships no types
    """A gpiozero Button whose hold thread is stopped at once.

    Holds are decided in the core from the press time and a deadline. gpiozero starts a
    hold thread for every Button regardless, and that thread wakes ten times a second
    for the life of the device; an idle companion should be asleep.
    """

    def __init__(self, pin: int, **kwargs: Any) -> None:
        super().__init__(pin, **kwargs)
        self._hold_thread.stop()


class GpioInputs:
    """The device's two inputs on gpiozero; events go to ``sink`` stamped by ``clock``."""

    def __init__(self, pins: PinsConfig, clock: Clock, sink: EventSink,
                 pin_factory: Any = None, proc: Path = PROC) -> None:
        self._clock = clock
        self._proc = proc  # where a busy pin's holder is looked up
        self._sink = sink
        self._devices: list[Any] = []
        button = self._claim(pins.button, "button", CoreTimedButton,
                             pull_up=True, pin_factory=pin_factory)
        seat = self._claim(pins.seat, "seat sensor", DigitalInputDevice,
                           pin_factory=pin_factory, **seat_pull_arguments(pins))
        button.when_pressed = lambda: self._emit(ButtonDown)
        button.when_released = lambda: self._emit(ButtonUp)
        # gpiozero ties "active" to the pull (a pull-up means active low); a normally-closed
        # switch pulled up is seated when the pin goes high, so the edges are swapped.
        self._seat_inverted = seat_inverted(pins)
        sat, left = (SeatVacated, SeatOccupied) if self._seat_inverted else (SeatOccupied,
                                                                              SeatVacated)
        seat.when_activated = lambda: self._emit(sat)
        seat.when_deactivated = lambda: self._emit(left)
        self._button = button
        self._seat = seat

    def _claim(self, pin: int, role: str, kind: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                # gpiozero warns once per library it fails to load; the error says it all.
                warnings.simplefilter("ignore", PinFactoryFallback)
                device = kind(pin, **kwargs)
        except BadPinFactory as exc:
            self.close()
            raise GpioUnavailableError(
                "no GPIO library could be loaded (gpiozero needs lgpio on a Pi): install "
                "python3-lgpio, or run `unslump run --simulate` off the Pi") from exc
        except GPIOZeroError as exc:
            self.close()
            raise InputError(f"cannot use BCM {pin} for the {role}: {exc}; check [pins] in "
                             f"the config and that no other program holds the pin") from exc
        except pin_errors() as exc:  # lgpio's own error, passed through by gpiozero
            self.close()
            if "busy" in str(exc).lower():
                raise GpioBusyError(busy_message(pin, role, self._proc)) from exc
            raise InputError(f"cannot use BCM {pin} for the {role}: {exc}; check [pins] in "
                             f"the config") from exc
        self._devices.append(device)
        return device

    def _emit(self, kind: type[Event]) -> None:
        self._sink(kind(self._clock.monotonic(), self._clock.wall()))

    def seat_occupied(self) -> bool:
        """The seat sensor's level right now (read at start: no edge announces it)."""
        return bool(self._seat.is_active) != self._seat_inverted

    def levels(self) -> tuple[int, int]:
        """The raw (button, seat) pin levels, 1 high and 0 low, for ``doctor --live``."""
        return int(self._button.pin.state), int(self._seat.pin.state)

    def seat_level_with_pull(self, pull: str, settle: Callable[[], object]) -> int:
        """The seat pin's level with its internal resistor switched to ``pull`` for a
        moment (``settle`` waits that moment), then put back.

        ``doctor --live`` uses it to find the external pull-up: with 2.2 kOhm to 3V3 the
        internal pull-down (about 50 kOhm) cannot take the pin low. The edges it may
        cause reach the event sink like any other; the caller drops them.
        """
        pin = self._seat.pin
        before = pin.pull
        pin.pull = pull
        try:
            settle()
            return int(pin.state)
        finally:
            pin.pull = before

    def close(self) -> None:
        """Release both pins; safe to call twice."""
        while self._devices:
            self._devices.pop().close()
