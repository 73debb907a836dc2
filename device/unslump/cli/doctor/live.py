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
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from PIL import Image, ImageDraw

from unslump.app.assembly import queue_waiter
from unslump.cli.doctor.command import (
    ACTIVE,
    SERVICE,
    CheckResult,
    Probe,
    _sdl_environment,
    check_config,
    check_service,
)
from unslump.config.file import Config, DisplayConfig
from unslump.config.pins import default_pins
from unslump.core.button import ButtonState, Hold, button_down, button_due, button_up
from unslump.core.effects import Play
from unslump.core.events import ButtonDown, ButtonUp, Event, SeatOccupied, SeatVacated
from unslump.core.seat import Sat, SeatState, seat_due, seat_edge
from unslump.core.tones import Tone
from unslump.edges.audio.backends import Audio, make_audio
from unslump.edges.audio.buzzer import pin_errors
from unslump.edges.clock import Clock, SystemClock
from unslump.edges.display import oled as display_adapter
from unslump.edges.inputs.gpio import GpioInputs
from unslump.errors import DisplayError, InputError
from unslump.ports import QueueItem, Waiter
from unslump.render.fonts import load_font

PANEL_ADDRESSES = (0x3C, 0x3D)
LOOKALIKES = ("ssd1306", "sh1106")  # the pair sold under each other's names
STEP_TIMEOUT_S = 60.0  # how long each press, hold, sit or stand is waited for
TEST_TONE = Tone.REMINDER

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

    def __init__(self, config: Config, live: LiveProbe, out: TextIO) -> None:
        self.config = config
        self.live = live
        self.out = out
        self.events: queue.SimpleQueue[QueueItem] = queue.SimpleQueue()
        self.wait = live.make_waiter(self.events, live.clock)
        self.results: list[CheckResult] = []

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
        if wanted in found:
            self.record(CheckResult("live i2c", True, f"scanned 0x3C and 0x3D: {shown} "
                                    f"answers; the config says {display.i2c_address}"))
            return wanted
        if found:
            self.record(CheckResult(
                "live i2c", False, f"scanned 0x3C and 0x3D: {shown} answers, not the "
                f"configured {display.i2c_address}",
                f'set [display] i2c_address = "0x{found[0]:02X}" (a module printed '
                "0x78 means 0x3C, 0x7A means 0x3D: the 8-bit write address)"))
            return found[0]
        self.record(CheckResult(
            "live i2c", False, "scanned 0x3C and 0x3D: nothing answers",
            "power off, then check VCC to 3V3 (pin 1), GND, SDA to pin 3 and SCL to pin "
            "5: the module's pin order varies, read the labels on its board"))
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
                    f"the configured {display.type}",
                    f'set [display] type = "{kind}", then sudo systemctl restart {SERVICE}'))
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
                self.live.probe.open_mixer(service_env)
            except (ImportError, RuntimeError, OSError) as exc:  # pygame.error: RuntimeError
                self.record(CheckResult(
                    "live audio", False, f"pygame cannot open the sound device as the "
                    f"service would ({exc})", "aplay -l should list your card; add the "
                    "config.txt lines for your speaker (hardware/README.md) and reboot"))
                return
        try:
            factory = self.pin_factory() if backend == "buzzer" else None
        except _factory_errors() as exc:
            self.record(CheckResult("live audio", False, f"buzzer: no pin factory ({exc})",
                                    "see the gpio access line of plain unslump doctor"))
            return
        self.say(f"Playing the reminder chime on {where}...")
        try:
            with _sdl_environment(service_env):
                self.play_through(self.live.open_audio(self.config, self.live.clock, factory))
        finally:
            if factory is not None:
                factory.close()
        if self.ask("Did you hear a two-note chime?"):
            self.record(CheckResult("live audio", True, f"{backend}: the chime was heard"))
            return
        buzzer = self.config.pins.buzzer
        fix = (f"check the piezo's wires (pin {header_pin(buzzer)} GPIO{buzzer} and a GND "
               "pin) and that it is a passive piezo disc, not an active or magnetic buzzer"
               if backend == "buzzer" else
               "aplay -l should list exactly one card; speaker-test -c 1 -t sine -f 440 -l 1 "
               "must sound; see the config.txt lines for your speaker in hardware/README.md")
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

    def next_event(self, kinds: tuple[type[Event], ...], until: float) -> Event | None:
        """The next input event of ``kinds`` before ``until`` (others are dropped)."""
        clock = self.live.clock
        while clock.monotonic() < until:
            item: QueueItem | None = self.wait(until)
            if isinstance(item, kinds):
                return item
        return None

    def drain(self) -> None:
        while not self.events.empty():
            self.events.get_nowait()

    def button_gesture(self, inputs: GpioInputs, prompt: str) -> tuple[float, str] | None:
        """Ask for a gesture: how long the button stayed down and what the core made of it.

        The edges go through the core's own button rule (a hold is decided when the hold
        time is reached, a press at release), so the verdict is the device's.
        """
        pin = self.config.pins.button
        self.drain()
        self.say(f">> {prompt} (waiting up to {self.live.step_timeout_s:.0f} s)")
        until = self.live.clock.monotonic() + self.live.step_timeout_s
        down = self.next_event((ButtonDown,), until)
        if down is None:
            return None
        self.say(f"   button BCM {pin}: level {inputs.levels()[0]} (low): down")
        up = self.next_event((ButtonUp,), down.at + self.live.step_timeout_s)
        if up is None:
            return None
        held = up.at - down.at
        self.say(f"   button BCM {pin}: level {inputs.levels()[0]} (high): up after "
                 f"{held:.1f} s")
        hold_s, debounce_s = self.config.button.hold_s, self.config.button.debounce_s
        state, hold = button_due(button_down(ButtonState(), down.at), up.at, hold_s,
                                 debounce_s)
        state = button_up(state, up.at)  # a press is decided once the release settles
        _, press = button_due(state, up.at + debounce_s, hold_s, debounce_s)
        gesture = hold or press
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
        self.live.ask(">> Stand up, off the chair, then press Enter. ")
        self.say(f"   {self.seat_reading(inputs)}")
        if inputs.seat_occupied():
            flip = "high" if pins.seat_active == "low" else "low"
            self.record(CheckResult(
                "live seat", False, "reads seated while nobody sits",
                f'the sensor works the other way round: set [pins] seat_active = "{flip}" '
                "(a normally-closed switch reads high when sat on; keep seat_pull "
                f'"{pins.seat_pull_resolved}")'))
            return
        sat = self.seat_change(inputs, True, "Sit down as you normally sit, and stay "
                               f"seated for {seat.sit_confirm_s:.0f} s.", seat.sit_confirm_s)
        if sat is None:
            return
        self.seat_change(inputs, False, "Stand up and step away from the chair for "
                         f"{seat.stand_confirm_s:.0f} s.", seat.stand_confirm_s)

    def seat_change(self, inputs: GpioInputs, sitting: bool, prompt: str,
                    confirm_s: float) -> bool | None:
        """Wait for the seat to change and hold; record what the core's rule concluded."""
        wanted, back = (SeatOccupied, SeatVacated) if sitting else (SeatVacated, SeatOccupied)
        seat = self.config.seat
        name = "live seat" if sitting else "live stand"
        seat_bcm = self.config.pins.seat
        self.drain()
        self.say(f">> {prompt} (waiting up to {self.live.step_timeout_s:.0f} s)")
        now = self.live.clock.monotonic()
        first = self.next_event((wanted,), now + self.live.step_timeout_s)
        if first is None:
            self.record(CheckResult(
                name, False, f"the seat pin did not change in {self.live.step_timeout_s:.0f} s"
                f" ({self.seat_reading(inputs)})",
                f"check the sensor's wires (COM to GND, NO to pin {header_pin(seat_bcm)} "
                f"GPIO{seat_bcm}) and that it sits under the sitting bones; a "
                "normally-closed sensor needs seat_active = \"high\""))
            return None
        self.say(f"   {self.seat_reading(inputs)}")
        bridge_s = seat.dropout_bridge_s
        state = seat_edge(SeatState(raw=not sitting, raw_since=now, occupied=not sitting),
                          sitting, first.at, bridge_s)
        flickers = 0
        end = first.at + confirm_s
        while (edge := self.next_event((wanted, back), end)) is not None:
            flickers += 1
            state = seat_edge(state, isinstance(edge, SeatOccupied), edge.at, bridge_s)
            self.say(f"   {self.seat_reading(inputs)}")
        state, change = seat_due(state, self.live.clock.monotonic(), seat.sit_confirm_s,
                                 seat.stand_confirm_s)
        verb = "seated" if sitting else "away"
        if change is not None and isinstance(change, Sat) == sitting:
            detail = f"the device concluded: {verb} (held {confirm_s:.0f} s"
            detail += f", {flickers} flicker(s) in between)" if flickers else ")"
            self.record(CheckResult(name, True, detail))
            return True
        self.record(CheckResult(
            name, False, f"not {verb}: the reading changed {flickers} time(s) within "
            f"{confirm_s:.0f} s", "mount the sensor under the sitting bones and firm it up; "
            "an FSR comparator: turn its trimmer so it switches with margin"))
        return False


def header_pin(bcm: int) -> int:
    """The physical header pin of GPIO ``bcm`` (from the pin map's header layout)."""
    return next(pin.number for pin in default_pins().header if pin.bcm == bcm)


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


def run_live(cli_config: str | None, live: LiveProbe, out: TextIO) -> int:
    """The live checks in build order; 0 when every part worked, 1 otherwise."""
    service = check_service(live.probe)
    if service.detail == ACTIVE:
        print(f"unslump doctor --live: the {SERVICE} service is running and holds the "
              f"display, the pins and the speaker; stop it first: sudo systemctl stop "
              f"{SERVICE} (and sudo systemctl start {SERVICE} when done)", file=out)
        return 1
    config_result, config = check_config(cli_config, live.probe.env)
    session = LiveSession(config, live, out)
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
