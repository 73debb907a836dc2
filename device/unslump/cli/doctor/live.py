"""``unslump doctor --live``: test each part with the person who built it, one at a time.

Plain ``doctor`` looks at the setup without touching a part the service may hold. A
first build needs more: is the panel an SSD1306 or an SH1106 (they look alike and are
sold under each other's names), at which address does it answer, does the speaker
sound, and does the seat pin change when someone sits. Only a person can answer some of
that, so this command shows a test pattern and asks, plays a tone and asks, and asks the
builder to press, hold, sit and stand while it shows the raw pin levels and what the
device would conclude from them (through the same input adapter and the core's own seat
confirmation rule as the service).

It stops nothing: while the service runs it holds the panel, the pins and the speaker,
so the command refuses and says how to stop the service. Everything it talks to comes in
a :class:`LiveProbe`, so the tests drive it through MockFactory pins, the luma dummy
display and scripted answers.
"""

from __future__ import annotations

import queue
import shlex
import sys
import tomllib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from PIL import Image, ImageDraw

from unslump.app.assembly import queue_waiter
from unslump.cli.doctor.report import (
    ACTIVE,
    SERVICE,
    CheckResult,
    Probe,
    c_stderr_discarded,
    sdl_environment,
)
from unslump.cli.doctor.seat_advice import (
    SeatFamily,
    header_pin,
    never_held,
    no_change,
    seat_family,
    seated_while_empty,
)
from unslump.cli.doctor.setup_checks import check_config, check_service
from unslump.config.file import SYSTEM_CONFIG, Config, DisplayConfig, find_config
from unslump.config.panel_address import eight_bit_note
from unslump.core.button import ButtonState, Hold, Press, button_down, button_due, button_up
from unslump.core.effects import Play
from unslump.core.events import ButtonDown, ButtonUp, SeatOccupied, SeatVacated
from unslump.core.seat import Sat, SeatState, seat_due, seat_edge
from unslump.core.tones import Tone
from unslump.edges.audio.backends import Audio, make_audio
from unslump.edges.audio.buzzer import pin_errors
from unslump.edges.clock import Clock, SystemClock
from unslump.edges.display import oled as display_adapter
from unslump.edges.inputs.gpio import GpioInputs
from unslump.errors import ConfigError, DisplayError, InputError
from unslump.ports import QueueItem, Waiter
from unslump.render.fonts import load_font

PANEL_ADDRESSES = (0x3C, 0x3D)
LOOKALIKES = ("ssd1306", "sh1106")  # the pair sold under each other's names
STEP_TIMEOUT_S = 60.0  # how long each press, hold, sit or stand is waited for
TEST_TONE = Tone.REMINDER
EMPTY_SETTLE_S = 1.0  # an empty reading counts once it has held this long
PULL_SETTLE_S = 0.01  # long enough for a pin's level to follow a new pull resistor
COUNTDOWN_EVERY_S = 10.0  # how often the wait for an empty seat says how long is left

Ask = Callable[[str], str]
I2cScanner = Callable[[int, Sequence[int]], list[int]]
AudioOpener = Callable[[Config, Clock, Any], Audio]


def scan_i2c(port: int, addresses: Sequence[int]) -> list[int]:
    """The ``addresses`` that acknowledge a quick write on ``/dev/i2c-<port>``.

    The same probe ``i2cdetect`` uses for this range; smbus2 comes with luma.core.
    """
    from smbus2 import SMBus

    found = []
    with SMBus(port) as bus:
        for address in addresses:
            try:
                bus.write_quick(address)
            except OSError:
                continue
            found.append(address)
    return found


def open_configured_audio(config: Config, clock: Clock, pin_factory: Any) -> Audio:
    """The audio backend the config names, exactly as the service opens it."""
    return make_audio(config.audio, clock, buzzer_pin=config.pins.buzzer,
                      pin_factory=pin_factory)


def ask_on_terminal(prompt: str) -> str:
    """Read one answer from the terminal; no terminal (EOF) answers nothing."""
    try:
        return input(prompt)
    except EOFError:
        return ""


@dataclass(frozen=True)
class LiveProbe:
    """What the live checks talk to; every field replaceable in tests."""

    probe: Probe = field(default_factory=Probe)
    clock: Clock = field(default_factory=SystemClock)
    ask: Ask = ask_on_terminal
    scan_i2c: I2cScanner = scan_i2c
    open_audio: AudioOpener = open_configured_audio
    make_waiter: Callable[[queue.SimpleQueue[QueueItem], Clock], Waiter] = queue_waiter
    step_timeout_s: float = STEP_TIMEOUT_S


def _factory_errors() -> tuple[type[BaseException], ...]:
    """What making the pin factory may raise: the pins' own errors, and an ImportError when
    gpiozero's lgpio back-end is not installed (one tuple an ``except`` can name)."""
    return (ImportError, *pin_errors())


def yes(answer: str) -> bool:
    return answer.strip().lower() in ("y", "yes")


class LiveSession:
    """One run of the live checks: prints as it goes and collects one result per part."""

    def __init__(self, config: Config, live: LiveProbe, out: TextIO,
                 config_path: Path | None = SYSTEM_CONFIG) -> None:
        self.config = config
        self.live = live
        self.out = out
        self.events: queue.SimpleQueue[QueueItem] = queue.SimpleQueue()
        self.wait = live.make_waiter(self.events, live.clock)
        self.results: list[CheckResult] = []
        self.config_path = config_path  # the file a fix edits; None: not known

    def set_then_again(self, name: str, value: str) -> str:
        """A fix that changes one key: the command, the file it edits, and what comes next.

        The service stays stopped, so the builder can run the live checks again at once.
        """
        where = "" if self.config_path is None else f" (edits {self.config_path})"
        named = "" if self.config_path in (None, SYSTEM_CONFIG) else f" --config {self.config_path}"
        return (f"sudo unslump config set {name} {value}{named}{where}, then run unslump "
                f"doctor --live again (sudo systemctl start {SERVICE} once all pass)")

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def ask(self, question: str) -> bool:
        return yes(self.live.ask(f">> {question} [y/n] "))

    def record(self, result: CheckResult) -> None:
        self.results.append(result)
        self.say(result.line())

    # -- the display --------------------------------------------------------------------

    def check_bus(self) -> int | None:
        """Which panel addresses answer; the address to use, or None when none does."""
        display = self.config.display
        if display.interface != "i2c":
            self.record(CheckResult("live i2c", True, f"not used (display on "
                                    f"{display.interface})"))
            return None
        wanted = int(display.i2c_address, 16)
        try:
            found = self.live.scan_i2c(display.i2c_port, PANEL_ADDRESSES)
        except OSError as exc:
            self.record(CheckResult(
                "live i2c", False, f"cannot scan /dev/i2c-{display.i2c_port} ({exc})",
                "enable I2C (sudo raspi-config nonint do_i2c 0, reboot); on permission "
                "denied: sudo usermod -aG i2c $USER, then log out and in"))
            return None
        shown = ", ".join(f"0x{address:02X}" for address in found) or "nothing"
        note = written_address_note(self.config_path)
        if wanted in found:
            self.record(CheckResult("live i2c", True, f"scanned 0x3C and 0x3D: {shown} "
                                    f"answers; the config says {display.i2c_address}"
                                    + (f" ({note})" if note else "")))
            return wanted
        if found:
            self.record(CheckResult(
                "live i2c", False, f"scanned 0x3C and 0x3D: {shown} answers, not the "
                f"configured {display.i2c_address}",
                self.set_then_again("display.i2c_address", f"0x{found[0]:02X}") +
                " (a module printed 0x78 means 0x3C, 0x7A means 0x3D: the 8-bit write "
                "address)"))
            return found[0]
        self.record(CheckResult(
            "live i2c", False, "scanned 0x3C and 0x3D: nothing answers",
            "power off, then check VCC to 3V3 (pin 1), GND, SDA to pin 3 and SCL to pin "
            "5: the module's pin order varies, read the labels on its board; a 2.42\" "
            "SSD1309 ships strapped for SPI: move its interface resistors to IIC, strap CS "
            "and DC to GND, RES to 3V3 through 10 kOhm with 100 nF to GND (hardware/README.md "
            "step 5)"))
        return None

    def check_panel(self, address: int) -> None:
        """Draw the test pattern as each look-alike controller and ask which one is right."""
        display = replace(self.config.display, i2c_address=f"0x{address:02X}")
        tries = [display.type]
        if display.type in LOOKALIKES:
            tries += [other for other in LOOKALIKES if other != display.type]
        for kind in tries:
            try:
                shown = self.show_pattern(replace(display, type=kind))
            except (DisplayError, OSError) as exc:  # OSError: the bus failed mid-frame
                self.record(CheckResult("live display", False, f"{kind}: {exc}",
                                        "check the wiring and [display] in the config"))
                return
            if not shown:
                continue
            if kind == display.type:
                self.record(CheckResult("live display", True, f"{kind}: the pattern shows "
                                        "as drawn"))
            else:
                self.record(CheckResult(
                    "live display", False, f"the panel is driven right as {kind}, not as "
                    f"the configured {display.type}", self.set_then_again("display.type",
                                                                          kind)))
            return
        self.record(CheckResult(
            "live display", False, f"the pattern did not show right as {' or '.join(tries)}",
            'a 2.42" panel is usually an SSD1309 (type = "ssd1309", RES/CS/DC strapped '
            "for I2C); a blank panel: check its power wires and the address"))

    def show_pattern(self, display: DisplayConfig) -> bool:
        """Show the pattern as ``display.type``; True when the builder says it looks right."""
        opener = self.live.probe.open_display or display_adapter.open_luma_device
        device = opener(display)
        try:
            device.display(panel_pattern(device.width, device.height, display.type))
            return self.ask(f"Shown as {display.type}: is there one closed box along all "
                            f"four edges, with '{display.type}' readable inside and no "
                            "noise strip at a side?")
        finally:
            device.persist = False  # the pattern must not stay lit
            device.cleanup()

    # -- the speaker --------------------------------------------------------------------

    def check_sound(self, service_env: dict[str, str]) -> None:
        backend = self.config.audio.backend
        if backend == "none":
            self.record(CheckResult("live audio", True, "off by config ([audio] backend = "
                                    '"none"): nothing to play'))
            return
        driver = service_env.get("SDL_AUDIODRIVER")
        where = (f"pygame ({'SDL_AUDIODRIVER=' + driver if driver else 'SDL default'}, as "
                 "the service)" if backend == "pygame"
                 else f"the buzzer on BCM {self.config.pins.buzzer}")
        if backend == "pygame":
            try:
                with c_stderr_discarded():  # ALSA's own "cannot find card" lines
                    self.live.probe.open_mixer(service_env)
            except (ImportError, RuntimeError, OSError) as exc:  # pygame.error: RuntimeError
                self.record(CheckResult(
                    "live audio", False, f"pygame cannot open the sound device as the "
                    f"service would ({exc})", "aplay -l should list your card; add the "
                    "config.txt lines for your speaker (hardware/README.md) and reboot; a "
                    "piezo or buzzer build: " + self.set_then_again("audio.backend",
                                                                   "buzzer")))
                return
        try:
            factory = self.pin_factory() if backend == "buzzer" else None
        except _factory_errors() as exc:
            self.record(CheckResult("live audio", False, f"buzzer: no pin factory ({exc})",
                                    "see the gpio access line of plain unslump doctor"))
            return
        self.say(f"Playing the reminder chime on {where}...")
        try:
            with sdl_environment(service_env), c_stderr_discarded():
                self.play_through(self.live.open_audio(self.config, self.live.clock, factory))
        finally:
            if factory is not None:
                factory.close()
        if self.ask("Did you hear a two-note chime?"):
            self.record(CheckResult("live audio", True, f"{backend}: the chime was heard"))
            return
        buzzer = self.config.pins.buzzer
        fix = (f"a piezo disc: pin {header_pin(buzzer)} (GPIO{buzzer}) through 220 Ohm to one "
               "lead, the other to GND; a magnetic buzzer: through the NPN driver from 5 V "
               "(check your transistor's pinout: BC337 and 2N2222 differ; swapped, it is "
               "nearly silent); an active buzzer (beeps on its own with DC) cannot play "
               "the tones" if backend == "buzzer" else
               "aplay -l should list exactly one card; speaker-test -c 1 -t sine -f 440 -l 1 "
               "must sound; see the config.txt lines for your speaker in hardware/README.md; "
               "a piezo or buzzer build: " + self.set_then_again("audio.backend", "buzzer"))
        self.record(CheckResult("live audio", False, f"{backend}: no chime heard", fix))

    def play_through(self, audio: Audio) -> None:
        """Play the test tone to its end, serving the adapter at its deadlines."""
        clock = self.live.clock
        try:
            audio.play(Play(TEST_TONE))
            while (due := audio.deadline()) is not None:
                self.wait(due)
                audio.service(clock.monotonic())
        finally:
            audio.close()

    # -- the button and the seat --------------------------------------------------------

    def pin_factory(self) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.live.probe.make_pin_factory()

    def check_inputs(self) -> None:
        try:
            factory = self.pin_factory()
        except _factory_errors() as exc:
            self.record(CheckResult("live inputs", False, f"no pin factory ({exc})",
                                    "see the gpio access line of plain unslump doctor"))
            return
        try:
            inputs = GpioInputs(self.config.pins, self.live.clock, self.events.put,
                                pin_factory=factory)
        except InputError as exc:
            factory.close()
            self.record(CheckResult("live inputs", False, str(exc)))
            return
        try:
            self.check_button(inputs)
            self.check_seat(inputs)
        finally:
            inputs.close()
            factory.close()

    def drain(self) -> None:
        while not self.events.empty():
            self.events.get_nowait()

    def button_gesture(self, inputs: GpioInputs, prompt: str) -> tuple[float, str] | None:
        """Ask for a gesture: how long the button stayed down and what the core made of it.

        Every edge goes through the core's own button rule, as in the service: a release
        counts once it has stayed up for the debounce time (a contact that bounces for a
        few milliseconds is one press), a hold is decided when the hold time is reached.
        """
        pin = self.config.pins.button
        hold_s, debounce_s = self.config.button.hold_s, self.config.button.debounce_s
        clock = self.live.clock
        self.drain()
        self.say(f">> {prompt} (waiting up to {self.live.step_timeout_s:.0f} s)")
        limit = clock.monotonic() + self.live.step_timeout_s
        state = ButtonState()
        first_down: float | None = None
        last_up = 0.0
        edges = 0
        gesture: Press | Hold | None = None
        while True:
            due = state.deadline(hold_s, debounce_s)
            item = self.wait(limit if due is None else min(due, limit))
            if isinstance(item, ButtonDown):
                edges += 1
                state = button_down(state, item.at)
                if first_down is None:
                    first_down = item.at
                    limit = item.at + self.live.step_timeout_s  # as long again to let go
                    self.say(f"   button BCM {pin}: level {inputs.levels()[0]} (low): down")
            elif isinstance(item, ButtonUp):
                edges += 1
                state, last_up = button_up(state, item.at), item.at
            state, decided = button_due(state, clock.monotonic(), hold_s, debounce_s)
            if isinstance(decided, Press | Hold):
                gesture = gesture or decided
            if gesture is not None and first_down is not None and state.down_at is None:
                break  # the release has settled: the gesture is complete
            if item is None and clock.monotonic() >= limit:
                return None
        held = last_up - first_down
        bounces = (f" ({edges - 2} contact bounce edge(s) ignored, as the device does)"
                   if edges > 2 else "")
        self.say(f"   button BCM {pin}: level {inputs.levels()[0]} (high): up after "
                 f"{held:.1f} s{bounces}")
        return held, "a hold" if isinstance(gesture, Hold) else "a press"

    def check_button(self, inputs: GpioInputs) -> None:
        pin, hold_s = self.config.pins.button, self.config.button.hold_s
        level = inputs.levels()[0]
        self.say(f"   button BCM {pin}: level {level} at rest (1 = high: released, the "
                 "pull-up holds it)")
        fix = (f"one leg to pin {header_pin(pin)} (GPIO{pin}), the other to a GND pin; a four-leg "
               "button: use two legs on the diagonal (legs side by side may be joined "
               "inside)")
        if level == 0:
            self.record(CheckResult("live button", False, f"BCM {pin} reads pressed before "
                                    "it is touched", fix))
            return
        press = self.button_gesture(inputs, "Press the button once and let go.")
        if press is None:
            self.record(CheckResult("live button", False, f"no change on BCM {pin}", fix))
            return
        hold = self.button_gesture(inputs, f"Hold the button down for {hold_s + 1:.0f} s, "
                                           "then let go.")
        if hold is None:
            self.record(CheckResult("live button", False, "the hold never came", fix))
            return
        seen = [press[1], hold[1]]
        detail = (f"the device saw {seen[0]} ({press[0]:.1f} s), then {seen[1]} ({hold[0]:.1f} "
                  f"s; a hold is {hold_s:.1f} s or longer)")
        self.record(CheckResult("live button", seen == ["a press", "a hold"], detail,
                                "press briefly, hold longer; [button] hold_s sets the time"))

    def seat_reading(self, inputs: GpioInputs) -> str:
        pins = self.config.pins
        level = inputs.levels()[1]
        state = "seated" if inputs.seat_occupied() else "empty"
        return (f"seat BCM {pins.seat}: level {level} ({'high' if level else 'low'}; pull "
                f"{pins.seat_pull_resolved}, seat_active = \"{pins.seat_active}\"): {state}")

    def check_seat(self, inputs: GpioInputs) -> None:
        pins, seat = self.config.pins, self.config.seat
        self.live.ask(">> Stand up and step away from the chair (out of a radar's range), "
                      "then press Enter. ")
        self.say(f"   {self.seat_reading(inputs)}")
        if inputs.seat_occupied() and not self.wait_for_empty(inputs):
            seen, fix = seated_while_empty(pins, self.live.step_timeout_s)
            self.record(CheckResult("live seat", False, seen, fix))
            return
        self.check_pull_up(inputs)
        sat = self.seat_change(inputs, True, "Sit down as you normally sit, and stay "
                               f"seated for {seat.sit_confirm_s:.0f} s.", seat.sit_confirm_s)
        if sat is None:
            return
        self.seat_change(inputs, False, "Stand up and step away from the chair for "
                         f"{seat.stand_confirm_s:.0f} s.", seat.stand_confirm_s)

    def check_pull_up(self, inputs: GpioInputs) -> None:
        """Is the external 2.2 kOhm pull-up of a switch seat fitted? Asked of the pin itself.

        A gold-contact switch on the Pi's internal pull-up alone (about 60 uA) works on
        the bench and goes intermittent over months. With the seat empty (the switch
        open), the internal pull-down is switched on for a moment: only an external
        pull-up keeps the pin high against it.
        """
        pins = self.config.pins
        if seat_family(pins) is not SeatFamily.OPEN_SWITCH or pins.seat_pull_resolved != "up":
            return
        clock = self.live.clock
        level = inputs.seat_level_with_pull(
            "down", lambda: self.wait(clock.monotonic() + PULL_SETTLE_S))
        self.wait(clock.monotonic() + PULL_SETTLE_S)  # the pull-up back before reading on
        self.drain()  # the edges the test itself made
        if level:
            self.record(CheckResult("live pull-up", True, f"BCM {pins.seat} stays high "
                                    "against the internal pull-down: the external pull-up "
                                    "is fitted"))
            return
        self.record(CheckResult(
            "live pull-up", True, f"BCM {pins.seat} went low against the internal "
            "pull-down: no external pull-up on the seat wire",
            "a microswitch: fit the 2.2 kOhm from pin 17 (3V3) to the seat wire at the Pi "
            "end (on the internal pull-up alone a gold contact goes intermittent over "
            "months); an FSR comparator module without its own pull-up is fine as it is",
            mark="WARN"))

    def wait_for_empty(self, inputs: GpioInputs) -> bool:
        """Wait, counting down, for a seat that reads seated to read empty and stay so.

        A radar's OUT stays high for its no-one delay after its builder leaves its
        range; judging the polarity at once would call a working radar inverted.
        """
        clock = self.live.clock
        until = clock.monotonic() + self.live.step_timeout_s
        tick = clock.monotonic()
        empty_since: float | None = None
        self.drain()
        while True:
            now = clock.monotonic()
            if empty_since is not None and now - empty_since >= EMPTY_SETTLE_S:
                self.say(f"   {self.seat_reading(inputs)}")
                return True
            if now >= until:
                return False
            if empty_since is None and now >= tick:
                self.say(f"   the seat reads seated; waiting for it to read empty (a radar "
                         f"holds OUT for its no-one delay): {until - now:.0f} s left")
                tick = now + COUNTDOWN_EVERY_S
            wake = until if empty_since is None else empty_since + EMPTY_SETTLE_S
            item = self.wait(min(wake, tick) if empty_since is None else wake)
            if isinstance(item, SeatVacated):
                empty_since = item.at
            elif isinstance(item, SeatOccupied):
                empty_since = None

    def seat_change(self, inputs: GpioInputs, sitting: bool, prompt: str,
                    confirm_s: float) -> bool | None:
        """Wait for the seat to change and hold; record what the core's rule concluded.

        Every edge goes through the core's seat functions, so the confirm time runs from
        the last edge, as in the service: a contact that bounces or a sitter who shifts
        restarts it, and the verdict is the one the device would reach.
        """
        seat = self.config.seat
        name = "live seat" if sitting else "live stand"
        clock = self.live.clock
        self.drain()
        self.say(f">> {prompt} (waiting up to {self.live.step_timeout_s:.0f} s)")
        first_until = clock.monotonic() + self.live.step_timeout_s
        state = SeatState(raw=not sitting, raw_since=clock.monotonic(), occupied=not sitting)
        edges = 0
        while True:
            state, change = seat_due(state, clock.monotonic(), seat.sit_confirm_s,
                                     seat.stand_confirm_s)
            if change is not None:
                break
            deadline = state.confirm_deadline(seat.sit_confirm_s, seat.stand_confirm_s)
            if deadline is None and clock.monotonic() >= first_until:
                break
            item = self.wait(first_until if deadline is None else deadline)
            if isinstance(item, SeatOccupied | SeatVacated):
                edges += 1
                state = seat_edge(state, isinstance(item, SeatOccupied), item.at,
                                  seat.dropout_bridge_s)
                if edges == 1:
                    self.say(f"   {self.seat_reading(inputs)}")
        verb = "seated" if sitting else "away"
        if change is not None and isinstance(change, Sat) == sitting:
            if edges > 1:
                self.say(f"   {self.seat_reading(inputs)}")
            detail = f"the device concluded: {verb} (held {confirm_s:.0f} s"
            detail += (f" after the last change, {edges - 1} flicker(s) or bounce(s) before "
                       "it)" if edges > 1 else ")")
            self.record(CheckResult(name, True, detail))
            return True
        if edges == 0:
            self.record(CheckResult(
                name, False, f"the seat pin did not change in {self.live.step_timeout_s:.0f} s"
                f" ({self.seat_reading(inputs)})", no_change(self.config.pins)))
            return None
        self.record(CheckResult(
            name, False, f"not {verb}: the reading changed {edges} time(s) and never held "
            f"{confirm_s:.0f} s", never_held(self.config.pins)))
        return False


def panel_pattern(width: int, height: int, label: str) -> Image.Image:
    """A box on the panel's very edge with the driver's name inside.

    An SH1106 driven as an SSD1306 scrambles the box and shows a noise strip; an SSD1306
    driven as an SH1106 loses the box's right edge two columns off the panel. Drawn
    right, the box is closed on all four sides.
    """
    image = Image.new("1", (width, height))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=255)
    draw.rectangle((3, 3, 10, 10), fill=255)  # a mark in one corner: rotation shows
    font = load_font("large")
    left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
    draw.text(((width - right + left) // 2, (height - bottom + top) // 2 - 6), label,
              font=font, fill=255)
    small = load_font("small")
    hint = "closed box = right"
    left, top, right, bottom = draw.textbbox((0, 0), hint, font=small)
    draw.text(((width - right + left) // 2, height - 14), hint, font=small, fill=255)
    return image


def service_environment(probe: Probe) -> dict[str, str]:
    """The caller's environment with the service's own ``Environment=`` lines on top.

    A tone that plays from a login shell (PulseAudio or PipeWire in between) may not
    play under systemd, which talks to ALSA directly; the live test plays as the
    service does.
    """
    env = dict(probe.env)
    try:
        shown = probe.run_command(["systemctl", "show", "--property=Environment", "--value",
                                   SERVICE])
    except OSError:
        return env
    for item in shlex.split(shown.stdout) if shown.returncode == 0 else []:
        name, sep, value = item.partition("=")
        if sep:
            env[name] = value
    return env


def written_address_note(path: Path | None) -> str | None:
    """What a board's 8-bit address in the file means, when the file gives one."""
    if path is None:
        return None
    try:
        display = tomllib.loads(path.read_text(encoding="utf-8")).get("display", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    written = display.get("i2c_address") if isinstance(display, dict) else None
    return None if written is None else eight_bit_note(written)


def config_file(cli_config: str | None, env: Mapping[str, str]) -> Path | None:
    """The file the checks read (and a fix edits); the system one when none exists yet."""
    try:
        return find_config(cli_config, env) or SYSTEM_CONFIG
    except ConfigError:
        return None


def run_live(cli_config: str | None, live: LiveProbe, out: TextIO) -> int:
    """The live checks in build order; 0 when every part worked, 1 otherwise."""
    service = check_service(live.probe)
    if service.detail == ACTIVE:
        print(f"unslump doctor --live: the {SERVICE} service is running and holds the "
              f"display, the pins and the speaker; stop it first: sudo systemctl stop "
              f"{SERVICE} (and sudo systemctl start {SERVICE} when done)", file=out)
        return 1
    config_result, config = check_config(cli_config, live.probe.env)
    session = LiveSession(config, live, out, config_file(cli_config, live.probe.env))
    session.record(config_result)
    address = session.check_bus()
    if config.display.interface != "i2c":  # an SPI panel has no address to scan for
        session.check_panel(int(config.display.i2c_address, 16))
    elif address is not None:
        session.check_panel(address)
    session.check_sound(service_environment(live.probe))
    session.check_inputs()
    failed = [result for result in session.results if not result.ok]
    session.say(f"{len(session.results) - len(failed)} of {len(session.results)} live checks "
                "passed" + (": fix the FAIL lines above and run it again" if failed else ""))
    return 1 if failed else 0


def cmd_live(args: Any) -> int:
    """``unslump doctor --live``: needs a person at a terminal to answer."""
    if not sys.stdin.isatty():
        print("unslump doctor --live asks you to look, listen, press and sit: run it in a "
              "terminal (over SSH is fine), not from a script", file=sys.stderr)
        return 2
    try:
        return run_live(args.config, LiveProbe(), sys.stdout)
    except KeyboardInterrupt:  # every part was released on the way out (finally blocks)
        print("\nunslump doctor --live: stopped", file=sys.stderr)
        return 130


__all__ = [
    "LiveProbe",
    "LiveSession",
    "cmd_live",
    "panel_pattern",
    "run_live",
    "scan_i2c",
    "service_environment",
]
