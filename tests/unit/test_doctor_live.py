"""``unslump doctor --live``: MockFactory pins, the luma dummy panel and scripted answers.

A scripted builder answers the questions and acts on the pins (press, hold, sit, stand)
at set times on a fake clock; the tests check the prompts, the levels shown and what the
device concluded, as the builder would read them.
"""

from __future__ import annotations

import io
import queue
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory, MockPWMPin
from luma.core.device import dummy

from unslump.cli.doctor import command as doctor
from unslump.cli.doctor.live import LiveProbe, panel_pattern, run_live, service_environment
from unslump.cli.doctor.report import CommandOutput, Probe
from unslump.config.file import DisplayConfig
from unslump.core.effects import Play
from unslump.core.tones import Tone
from unslump.edges.audio.backends import RecordingAudio
from unslump.edges.audio.buzzer import BuzzerAudio
from unslump.edges.clock import FakeClock

Action = Callable[[], None]


class Builder:
    """The person at the bench: answers in order, acts on the pins at given times.

    ``acts`` are ``(seconds after the previous act or answer, action)`` and start once the
    sound has been asked about; the waiter lets the fake clock run to the next act,
    performs it, and hands over whatever event it caused.
    """

    def __init__(self, clock: FakeClock, factory: MockFactory, answers: list[str],
                 acts: list[tuple[float, Action]]) -> None:
        self.clock = clock
        self.factory = factory
        self.answers = list(answers)
        self.acts = list(acts)
        self.prompts: list[str] = []
        self.due = clock.monotonic()

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        self.due = self.clock.monotonic()  # a person acts after answering, not before
        return self.answers.pop(0)

    @property
    def acting(self) -> bool:
        """Hands on the button and the seat only once the sound has been asked about."""
        return any("chime?" in prompt for prompt in self.prompts)

    def waiter(self, events: queue.SimpleQueue, clock: object) -> Callable[[float], object]:
        def wait(until: float) -> object:
            if not events.empty():
                return events.get_nowait()
            now = self.clock.monotonic()
            timeout = until - now
            if self.acting and self.acts and self.due + self.acts[0][0] <= now + timeout:
                delay, act = self.acts.pop(0)
                self.due += delay
                self.clock.advance_to(self.due)
                act()
                return events.get_nowait() if not events.empty() else None
            self.clock.advance_to(until)
            return None

        return wait

    def pin(self, bcm: int, level: int) -> Action:
        return lambda: (self.factory.pin(bcm).drive_high if level else
                        self.factory.pin(bcm).drive_low)()

    def after_enter(self) -> None:
        """Acts are timed from now on (the builder pressed Enter)."""
        self.due = self.clock.monotonic()


def press_hold_sit_stand(b: Builder, seat_empty: int = 1) -> list[tuple[float, Action]]:
    seated = 1 - seat_empty
    return [
        (0.0, b.pin(27, seat_empty)),  # the seat as it is (MockPin pulls it when claimed)
        (1.0, b.pin(17, 0)), (0.3, b.pin(17, 1)),  # a press
        (1.0, b.pin(17, 0)), (2.6, b.pin(17, 1)),  # a hold
        (0.0, b.after_enter),
        (2.0, b.pin(27, seated)),  # sits, and stays
        (30.0, b.pin(27, seat_empty)),  # stands up, and stays away
    ]


INACTIVE = {
    ("systemctl", "is-active", "unslump"): CommandOutput(3, "inactive", ""),
    ("systemctl", "is-enabled", "unslump"): CommandOutput(0, "enabled", ""),
    ("systemctl", "show", "--property=Environment", "--value", "unslump"):
        CommandOutput(0, "LG_WD=/run/unslump SDL_AUDIODRIVER=alsa", ""),
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class ReferencePin(MockPWMPin):
    """A pin of the reference build: the seat wire has its 2.2 kOhm pull-up to 3V3, so the
    internal pull-down cannot take GPIO27 low while the switch is open."""

    EXTERNAL_PULL_UP = frozenset({27})

    def _set_pull(self, value):
        was = self._pull  # a switch seat is pulled up; the check swaps that for a moment
        super()._set_pull(value)
        fitted = int(self.info.name.removeprefix("GPIO")) in self.EXTERNAL_PULL_UP
        if value == "down" and was == "up" and fitted:
            self.drive_high()


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    made = MockFactory(pin_class=ReferencePin)
    yield made
    made.close()


@pytest.fixture
def panels() -> list[tuple[str, dummy]]:
    """Every panel the live check opened, with the controller it was opened as."""
    return []


def make_live(tmp_path: Path, clock: FakeClock, factory: MockFactory, builder: Builder,
              panels: list[tuple[str, dummy]], *, answers: dict | None = None,
              found: tuple[int, ...] = (0x3C,), audio: list | None = None) -> LiveProbe:
    def open_display(display: DisplayConfig) -> dummy:
        panels.append((display.type, dummy(mode="1")))
        return panels[-1][1]

    def open_audio(config, audio_clock, pin_factory):
        made = RecordingAudio(audio_clock)
        if audio is not None:
            audio.append(made)
        return made

    probe = Probe(dev_dir=tmp_path, env={"HOME": str(tmp_path)},
                  run_command=lambda argv: (answers or INACTIVE)[tuple(argv)],
                  open_display=open_display, make_pin_factory=lambda: factory,
                  open_mixer=lambda env: f"mixer opened ({env.get('SDL_AUDIODRIVER')})")
    return LiveProbe(probe=probe, clock=clock, ask=builder.ask,
                     scan_i2c=lambda port, addresses: [a for a in addresses if a in found],
                     open_audio=open_audio, make_waiter=builder.waiter, step_timeout_s=60)


def run(live: LiveProbe, config: str | None = None) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = run_live(config, live, out)
    return status, out.getvalue().splitlines()


def result(lines: list[str], name: str) -> str:
    (found,) = [line for line in lines if line.split(maxsplit=1)[1].startswith(f"{name}:")]
    return found


def test_doctor_live_whole_build_passes_and_shows_levels_and_conclusions(
    tmp_path, clock, factory, panels
):
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    played: list[RecordingAudio] = []
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels, audio=played))
    assert status == 0, lines
    assert result(lines, "live i2c") == ("ok    live i2c: scanned 0x3C and 0x3D: 0x3C answers; "
                                         "the config says 0x3C")
    assert result(lines, "live display") == ("ok    live display: ssd1306: the pattern shows "
                                             "as drawn")
    assert [kind for kind, _ in panels] == ["ssd1306"]
    assert played[0].tones == [Tone.REMINDER]
    assert result(lines, "live audio") == "ok    live audio: pygame: the chime was heard"
    assert "   button BCM 17: level 1 at rest (1 = high: released, the pull-up holds it)" in lines
    assert "   button BCM 17: level 0 (low): down" in lines
    assert "   button BCM 17: level 1 (high): up after 0.3 s" in lines
    assert "   button BCM 17: level 1 (high): up after 2.6 s" in lines
    assert result(lines, "live button") == (
        "ok    live button: the device saw a press (0.3 s), then a hold (2.6 s; a hold is "
        "2.0 s or longer)")
    assert ('   seat BCM 27: level 1 (high; pull up, seat_active = "low"): empty' in lines)
    assert ('   seat BCM 27: level 0 (low; pull up, seat_active = "low"): seated' in lines)
    assert result(lines, "live seat") == "ok    live seat: the device concluded: seated (held 5 s)"
    assert result(lines, "live stand") == ("ok    live stand: the device concluded: away "
                                           "(held 20 s)")
    assert result(lines, "live pull-up") == ("ok    live pull-up: BCM 27 stays high against "
                                             "the internal pull-down: the external pull-up "
                                             "is fitted")
    assert lines[-1] == "8 of 8 live checks passed"
    assert builder.prompts[0].startswith(">> Shown as ssd1306: is there one closed box")
    assert ">> Press the button once and let go. (waiting up to 60 s)" in lines
    assert ">> Hold the button down for 3 s, then let go. (waiting up to 60 s)" in lines
    assert ">> Sit down as you normally sit, and stay seated for 5 s. (waiting up to 60 s)" in lines


def test_doctor_live_refuses_while_the_service_holds_the_parts(tmp_path, clock, factory,
                                                               panels):
    builder = Builder(clock, factory, [], [])
    active = {("systemctl", "is-active", "unslump"): CommandOutput(0, "active", "")}
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels, answers=active))
    assert status == 1
    assert lines == ["unslump doctor --live: the unslump service is running and holds the "
                     "display, the pins and the speaker; stop it first: sudo systemctl stop "
                     "unslump (and sudo systemctl start unslump when done)"]
    assert panels == [] and builder.prompts == []


def test_doctor_live_sh1106_sold_as_ssd1306_is_found_by_the_second_pattern(
    tmp_path, clock, factory, panels
):
    builder = Builder(clock, factory, ["n", "y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels))
    assert status == 1
    assert [kind for kind, _ in panels] == ["ssd1306", "sh1106"]
    assert result(lines, "live display") == (
        "FAIL  live display: the panel is driven right as sh1106, not as the configured "
        "ssd1306. Fix: sudo unslump config set display.type sh1106 (edits "
        "/etc/unslump/config.toml), then run unslump doctor --live again (sudo systemctl "
        "start unslump once all pass)")
    assert builder.prompts[1].startswith(">> Shown as sh1106:")
    for _, panel in panels:  # nothing stays lit: cleanup cleared each pattern
        assert panel.image.getbbox() is None


def test_doctor_live_panel_at_the_other_address_names_it_and_the_printed_one(
    tmp_path, clock, factory, panels
):
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels, found=(0x3D,)))
    shown = result(lines, "live i2c")
    assert shown.startswith("FAIL  live i2c: scanned 0x3C and 0x3D: 0x3D answers, not the "
                            "configured 0x3C. Fix: sudo unslump config set "
                            "display.i2c_address 0x3D (edits /etc/unslump/config.toml)")
    assert "0x7A means 0x3D" in shown
    assert status == 1


def test_doctor_live_no_panel_answering_skips_the_pattern(tmp_path, clock, factory, panels):
    builder = Builder(clock, factory, ["y", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels, found=()))
    assert "FAIL  live i2c: scanned 0x3C and 0x3D: nothing answers" in result(lines, "live i2c")
    assert "pin order varies" in result(lines, "live i2c")
    assert ("a 2.42\" SSD1309 ships strapped for SPI: move its interface resistors to IIC, "
            "strap CS and DC to GND") in result(lines, "live i2c")
    assert panels == []
    assert status == 1


def test_doctor_live_spi_panel_gets_the_pattern_without_a_scan(tmp_path, clock, factory,
                                                               panels):
    config = tmp_path / "config.toml"
    config.write_text('[display]\ninterface = "spi"\ntype = "ssd1309"\n', encoding="utf-8")
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels, found=()),
                        str(config))
    assert status == 0, lines
    assert result(lines, "live i2c") == "ok    live i2c: not used (display on spi)"
    assert [kind for kind, _ in panels] == ["ssd1309"]  # no look-alike to try


def test_doctor_live_normally_closed_seat_with_the_default_level_gives_the_commands(
    tmp_path, clock, factory, panels
):
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder, seat_empty=0)[:5]  # an NC contact: closed
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels))
    assert status == 1
    assert '   seat BCM 27: level 0 (low; pull up, seat_active = "low"): seated' in lines
    shown = result(lines, "live seat")
    assert shown.startswith(
        "FAIL  live seat: reads seated while nobody sits (for 60 s; config: a normally-open "
        "switch (the microswitch) or an FSR comparator). Fix: the contact is closed with "
        "nobody on it")
    assert ("a normally-closed switch: sudo unslump config set pins.seat_active high, then "
            "sudo unslump config set pins.seat_pull up") in shown


def test_doctor_live_normally_closed_seat_configured_passes(tmp_path, clock, factory, panels):
    config = tmp_path / "config.toml"
    config.write_text('[pins]\nseat_active = "high"\nseat_pull = "up"\n', encoding="utf-8")
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder, seat_empty=0)
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels), str(config))
    assert status == 0, lines
    assert '   seat BCM 27: level 1 (high; pull up, seat_active = "high"): seated' in lines


def test_doctor_live_flickering_seat_is_not_confirmed(tmp_path, clock, factory, panels):
    builder = Builder(clock, factory, ["y", "y", ""], [])
    acts = press_hold_sit_stand(builder)[:6]
    acts += [(2.0, builder.pin(27, 0)), (1.5, builder.pin(27, 1)), (1.0, builder.pin(27, 0)),
             (1.0, builder.pin(27, 1))]
    builder.acts = acts
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels))
    assert status == 1
    assert result(lines, "live seat").startswith(
        "FAIL  live seat: not seated: the reading changed 4 time(s) and never held 5 s. Fix: "
        "mount the sensor under the sitting bones")


def test_doctor_live_button_never_pressed_names_the_diagonal_legs(tmp_path, clock, factory,
                                                                  panels):
    builder = Builder(clock, factory, ["y", "y", ""], [])
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels))
    shown = result(lines, "live button")
    assert shown.startswith("FAIL  live button: no change on BCM 17. Fix: one leg to pin 11")
    assert "diagonal" in shown
    assert status == 1


def test_doctor_live_short_hold_is_called_a_press(tmp_path, clock, factory, panels):
    builder = Builder(clock, factory, ["y", "y", ""], [])
    acts = press_hold_sit_stand(builder)
    acts[4] = (1.2, builder.pin(17, 1))
    builder.acts = acts
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels))
    assert status == 1
    assert result(lines, "live button").startswith(
        "FAIL  live button: the device saw a press (0.3 s), then a press (1.2 s;")


def test_doctor_live_unheard_tone_gives_the_aplay_fix(tmp_path, clock, factory, panels):
    builder = Builder(clock, factory, ["y", "n", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels))
    assert status == 1
    shown = result(lines, "live audio")
    assert shown.startswith("FAIL  live audio: pygame: no chime heard. Fix: aplay -l")
    assert "speaker-test -c 1 -t sine -f 440 -l 1" in shown
    assert "Playing the reminder chime on pygame (SDL_AUDIODRIVER=alsa, as the service)..." in lines


def test_doctor_live_buzzer_plays_the_whole_score_on_the_pin(tmp_path, clock, factory, panels):
    config = tmp_path / "config.toml"
    config.write_text('[audio]\nbackend = "buzzer"\n', encoding="utf-8")
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    opened: list[BuzzerAudio] = []

    def open_buzzer(cfg, audio_clock, pin_factory):
        opened.append(BuzzerAudio(cfg.pins.buzzer, audio_clock, 0.5, pin_factory=pin_factory))
        return opened[-1]

    heard: list[float | None] = []

    def listening_waiter(events: queue.SimpleQueue, clock: object) -> Callable[[float], object]:
        wait = builder.waiter(events, clock)

        def listen(until: float) -> object:
            heard.append(factory.pin(12).frequency)  # what sounds while the loop waits
            return wait(until)

        return listen

    live = replace(make_live(tmp_path, clock, factory, builder, panels),
                   open_audio=open_buzzer, make_waiter=listening_waiter)
    start = clock.monotonic()
    status, lines = run(live, str(config))
    assert status == 0, lines
    assert "Playing the reminder chime on the buzzer on BCM 12..." in lines
    notes = [step.frequency for step in opened[0].score(Play(Tone.REMINDER)) if step.frequency]
    assert [f for f in heard[:len(notes)]] == pytest.approx(notes)  # each note reached the pin
    assert opened[0].silent  # closed after the score: the pin is quiet and free
    assert clock.monotonic() - start >= opened[0].score(Play(Tone.REMINDER))[0].duration


def test_doctor_live_buzzer_without_a_pin_factory_fails_in_one_line(tmp_path, clock, factory,
                                                                   panels):
    config = tmp_path / "config.toml"
    config.write_text('[audio]\nbackend = "buzzer"\n', encoding="utf-8")
    builder = Builder(clock, factory, ["y", ""], [])
    live = make_live(tmp_path, clock, factory, builder, panels)

    def no_lgpio():
        raise ModuleNotFoundError("No module named 'lgpio'")

    live = replace(live, probe=replace(live.probe, make_pin_factory=no_lgpio))
    status, lines = run(live, str(config))
    assert status == 1
    assert result(lines, "live audio") == ("FAIL  live audio: buzzer: no pin factory (No module "
                                           "named 'lgpio'). Fix: see the gpio access line of "
                                           "plain unslump doctor")
    assert result(lines, "live inputs").startswith("FAIL  live inputs: no pin factory")


def test_doctor_live_panel_failing_mid_frame_is_a_fail_line(tmp_path, clock, factory, panels):
    builder = Builder(clock, factory, ["y", ""], [])
    live = make_live(tmp_path, clock, factory, builder, panels)

    class BrokenBus(dummy):
        def display(self, image):
            raise OSError(121, "Remote I/O error")

    live = replace(live, probe=replace(live.probe, open_display=lambda cfg: BrokenBus(mode="1")))
    status, lines = run(live)
    assert status == 1
    assert result(lines, "live display").startswith("FAIL  live display: ssd1306: [Errno 121] "
                                                    "Remote I/O error")


def test_doctor_live_service_environment_puts_the_units_lines_on_top(tmp_path):
    probe = Probe(env={"HOME": "/home/pi", "SDL_AUDIODRIVER": "pulse"},
                  run_command=lambda argv: INACTIVE[tuple(argv)])
    env = service_environment(probe)
    assert env["SDL_AUDIODRIVER"] == "alsa" and env["HOME"] == "/home/pi"
    assert env["LG_WD"] == "/run/unslump"


def test_doctor_live_pattern_is_a_closed_box_with_the_driver_name(tmp_path):
    image = panel_pattern(128, 64, "sh1106")
    assert image.mode == "1" and image.size == (128, 64)
    for x, y in [(0, 0), (127, 0), (0, 63), (127, 63), (64, 0), (0, 32), (127, 32), (64, 63)]:
        assert image.getpixel((x, y)) == 255
    inside = image.crop((12, 12, 116, 52))
    assert inside.getbbox() is not None  # the name is drawn inside
    assert panel_pattern(128, 64, "ssd1306").tobytes() != image.tobytes()


def test_doctor_live_mixer_that_cannot_open_fails_before_asking(tmp_path, clock, factory,
                                                                panels):
    builder = Builder(clock, factory, ["y", ""], [])
    live = make_live(tmp_path, clock, factory, builder, panels)

    def no_card(env):
        raise RuntimeError("ALSA: Couldn't open audio device: No such file or directory")

    live = replace(live, probe=replace(live.probe, open_mixer=no_card))
    status, lines = run(live)
    assert status == 1
    assert result(lines, "live audio").startswith(
        "FAIL  live audio: pygame cannot open the sound device as the service would (ALSA: ")
    assert not any("chime?" in prompt for prompt in builder.prompts)


def test_doctor_live_without_a_terminal_exits_2(monkeypatch, capsys):
    import argparse

    parser = argparse.ArgumentParser(prog="unslump")
    doctor.register(parser.add_subparsers(dest="command"), [])
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    args = parser.parse_args(["doctor", "--live"])
    assert args.handler(args) == 2
    assert "run it in a terminal" in capsys.readouterr().err


def test_doctor_live_real_scan_of_a_missing_bus_fails_with_the_fix(tmp_path, clock, factory,
                                                                  panels):
    from unslump.cli.doctor.live import scan_i2c

    config = tmp_path / "config.toml"
    config.write_text("[display]\ni2c_port = 9\n", encoding="utf-8")
    builder = Builder(clock, factory, ["y", ""], [])
    live = replace(make_live(tmp_path, clock, factory, builder, panels), scan_i2c=scan_i2c)
    status, lines = run(live, str(config))
    assert status == 1
    assert result(lines, "live i2c").startswith("FAIL  live i2c: cannot scan /dev/i2c-9 (")
    assert "sudo usermod -aG i2c $USER" in result(lines, "live i2c")
    assert panels == []


def test_doctor_live_ctrl_c_stops_with_one_line_and_frees_the_pins(monkeypatch, capsys,
                                                                  tmp_path, clock, factory,
                                                                  panels):
    import argparse

    from unslump.cli.doctor import live as doctor_live

    builder = Builder(clock, factory, ["y", "y"], [])

    def interrupted(prompt: str) -> str:
        if "Stand up" in prompt:
            raise KeyboardInterrupt
        return builder.ask(prompt)

    live = replace(make_live(tmp_path, clock, factory, builder, panels), ask=interrupted)
    monkeypatch.setattr(doctor_live, "LiveProbe", lambda: live)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    parser = argparse.ArgumentParser(prog="unslump")
    doctor.register(parser.add_subparsers(dest="command"), [])
    args = parser.parse_args(["doctor", "--live"])
    assert args.handler(args) == 130
    assert capsys.readouterr().err == "\nunslump doctor --live: stopped\n"
    factory.pin(17).drive_low()  # free again: a new claim of both pins works
    from unslump.config.file import Config
    from unslump.edges.inputs.gpio import GpioInputs

    GpioInputs(Config().pins, clock, lambda event: None, pin_factory=factory).close()


def test_doctor_live_is_wired_into_the_doctor_command(monkeypatch):
    import argparse

    parser = argparse.ArgumentParser(prog="unslump")
    doctor.register(parser.add_subparsers(dest="command"), [])
    called = {}

    def fake_run_live(config, live, out):
        called["config"] = config
        return 0

    monkeypatch.setattr("unslump.cli.doctor.live.run_live", fake_run_live)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    args = parser.parse_args(["doctor", "--live", "--config", "x.toml"])
    assert args.handler(args) == 0
    assert called == {"config": "x.toml"}


# -- contacts that bounce, and a radar that holds its OUT -----------------------------------

BOUNCE_S = 0.002


def bounced(b: Builder, bcm: int, level: int, after: float, bounces: int = 2
            ) -> list[tuple[float, Action]]:
    """One edge as a real contact makes it: ``level``, then back and forth 2 ms apart."""
    acts = [(after, b.pin(bcm, level))]
    for _ in range(bounces):
        acts += [(BOUNCE_S, b.pin(bcm, 1 - level)), (BOUNCE_S, b.pin(bcm, level))]
    return acts


def test_doctor_live_bouncing_button_is_a_press_then_a_hold_as_the_device_sees_it(
    tmp_path, clock, factory, panels
):
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = [
        (0.0, builder.pin(27, 1)),
        *bounced(builder, 17, 0, 1.0), *bounced(builder, 17, 1, 0.3),  # a press
        *bounced(builder, 17, 0, 1.0), *bounced(builder, 17, 1, 2.6),  # a hold
        (0.0, builder.after_enter),
        (2.0, builder.pin(27, 0)), (30.0, builder.pin(27, 1)),
    ]
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels))
    assert result(lines, "live button") == (
        "ok    live button: the device saw a press (0.3 s), then a hold (2.6 s; a hold is "
        "2.0 s or longer)")
    assert ("   button BCM 17: level 1 (high): up after 0.3 s (8 contact bounce edge(s) "
            "ignored, as the device does)") in lines
    assert status == 0, lines


def test_doctor_live_bouncing_seat_switch_is_confirmed_from_its_last_edge(
    tmp_path, clock, factory, panels
):
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = [*press_hold_sit_stand(builder)[:6],
                    *bounced(builder, 27, 0, 2.0, bounces=3),  # sits: the lever chatters
                    *bounced(builder, 27, 1, 30.0, bounces=3)]  # stands up
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels))
    assert result(lines, "live seat") == (
        "ok    live seat: the device concluded: seated (held 5 s after the last change, 6 "
        "flicker(s) or bounce(s) before it)")
    assert result(lines, "live stand").startswith("ok    live stand: the device concluded: away")
    assert status == 0, lines


def test_doctor_live_seat_shifting_before_it_settles_restarts_the_confirm_time(
    tmp_path, clock, factory, panels
):
    """Contact, 4 s, a lift of 1 s, then contact that stays: seated 5 s after the last edge,
    as the device decides (the first contact's 5 s would have fallen in the lift)."""
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = [*press_hold_sit_stand(builder)[:6],
                    (2.0, builder.pin(27, 0)), (4.0, builder.pin(27, 1)),
                    (1.0, builder.pin(27, 0)), (30.0, builder.pin(27, 1))]
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels))
    assert result(lines, "live seat") == (
        "ok    live seat: the device concluded: seated (held 5 s after the last change, 2 "
        "flicker(s) or bounce(s) before it)")
    assert status == 0, lines


RADAR = '[pins]\nseat_active = "high"\nseat_pull = "down"\n'


def test_doctor_live_radar_holding_out_is_waited_for_not_called_inverted(
    tmp_path, clock, factory, panels
):
    config = tmp_path / "config.toml"
    config.write_text(RADAR, encoding="utf-8")
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = [
        (0.0, builder.pin(27, 1)),  # the radar sees its builder at the bench
        (1.0, builder.pin(17, 0)), (0.3, builder.pin(17, 1)),
        (1.0, builder.pin(17, 0)), (2.6, builder.pin(17, 1)),
        (8.0, builder.pin(27, 0)),  # 8 s after Enter: the no-one delay is over
        (3.0, builder.pin(27, 1)),  # sits
        (12.0, builder.pin(27, 0)),  # stood up 5 s ago: OUT drops after its delay
    ]
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels), str(config))
    assert ("   the seat reads seated; waiting for it to read empty (a radar holds OUT for "
            "its no-one delay): 60 s left") in lines
    assert '   seat BCM 27: level 0 (low; pull down, seat_active = "high"): empty' in lines
    assert result(lines, "live seat") == "ok    live seat: the device concluded: seated (held 5 s)"
    assert result(lines, "live stand") == ("ok    live stand: the device concluded: away "
                                           "(held 20 s)")
    assert status == 0, lines


def test_doctor_live_radar_that_never_lets_go_gets_radar_advice_not_a_flip(
    tmp_path, clock, factory, panels
):
    config = tmp_path / "config.toml"
    config.write_text(RADAR, encoding="utf-8")
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = [(0.0, builder.pin(27, 1)), *press_hold_sit_stand(builder)[1:5]]
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels), str(config))
    countdown = [line for line in lines if "waiting for it to read empty" in line]
    assert [line.rsplit(": ", 1)[1] for line in countdown] == [
        "60 s left", "50 s left", "40 s left", "30 s left", "20 s left", "10 s left"]
    shown = result(lines, "live seat")
    assert shown.startswith("FAIL  live seat: reads seated while nobody sits (for 60 s; "
                            "config: an LD2410 radar")
    assert "do not change seat_active for a radar" in shown
    assert "HLKRadarTool" in shown
    assert status == 1


def test_doctor_live_alsa_probing_lines_stay_off_the_terminal(tmp_path, clock, factory, panels,
                                                            capfd):
    import os

    builder = Builder(clock, factory, ["y", "n", ""], [])
    live = make_live(tmp_path, clock, factory, builder, panels)

    def noisy_mixer(env):
        os.write(2, b"ALSA lib confmisc.c:855:(parse_card) cannot find card '0'\n")
        return "mixer opened"

    def noisy_audio(config, audio_clock, pin_factory):
        os.write(2, b"ALSA lib pcm.c:2721:(snd_pcm_open_noupdate) Unknown PCM default\n")
        return RecordingAudio(audio_clock)

    live = replace(live, probe=replace(live.probe, open_mixer=noisy_mixer),
                   open_audio=noisy_audio)
    status, lines = run(live)
    assert "ALSA lib" not in capfd.readouterr().err
    shown = result(lines, "live audio")
    assert shown.startswith("FAIL  live audio: pygame: no chime heard")
    assert ("a piezo or buzzer build: sudo unslump config set audio.backend buzzer (edits "
            "/etc/unslump/config.toml), then run unslump doctor --live again") in shown
    assert status == 1


def test_doctor_live_fix_names_the_file_given_with_config(tmp_path, clock, factory, panels):
    config = tmp_path / "mine.toml"
    config.write_text("", encoding="utf-8")
    builder = Builder(clock, factory, ["n", "y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels), str(config))
    assert (f"Fix: sudo unslump config set display.type sh1106 --config {config} (edits "
            f"{config}), then run unslump doctor --live again") in result(lines, "live display")
    assert status == 1


def test_doctor_live_seat_without_its_external_pull_up_is_a_warning(tmp_path, clock, panels):
    bare = MockFactory(pin_class=MockPWMPin)  # no 2.2 kOhm: the pull-down takes it low
    builder = Builder(clock, bare, ["y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    status, lines = run(make_live(tmp_path, clock, bare, builder, panels))
    shown = result(lines, "live pull-up")
    assert shown.startswith("WARN  live pull-up: BCM 27 went low against the internal "
                            "pull-down: no external pull-up on the seat wire. Fix: a "
                            "microswitch: fit the 2.2 kOhm from pin 17 (3V3)")
    assert result(lines, "live seat").startswith("ok    live seat")  # its edges were dropped
    assert status == 0
    bare.close()


def test_doctor_live_radar_seat_gets_no_pull_up_check(tmp_path, clock, factory, panels):
    config = tmp_path / "config.toml"
    config.write_text(RADAR, encoding="utf-8")
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = [*press_hold_sit_stand(builder)[1:5], (0.0, builder.after_enter),
                    (2.0, builder.pin(27, 1)), (30.0, builder.pin(27, 0))]
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels), str(config))
    assert not [line for line in lines if "pull-up:" in line]
    assert status == 0, lines


def test_doctor_live_pin_held_by_another_program_is_one_line(tmp_path, clock, panels,
                                                             monkeypatch):
    import sys
    import types

    class LgpioError(Exception):
        pass

    class Busy(MockFactory):
        def pin(self, spec, **kwargs):
            if spec == 17:
                raise LgpioError("GPIO busy")
            return super().pin(spec, **kwargs)

    lgpio = types.ModuleType("lgpio")
    lgpio.error = LgpioError
    monkeypatch.setitem(sys.modules, "lgpio", lgpio)
    busy = Busy(pin_class=MockPWMPin)
    builder = Builder(clock, busy, ["y", "y"], [])
    status, lines = run(make_live(tmp_path, clock, busy, builder, panels))
    assert result(lines, "live inputs").startswith("FAIL  live inputs: BCM 17 for the button "
                                                   "is busy: held by ")
    assert "stop the service (sudo systemctl stop unslump), then try again" in lines[-2]
    assert status == 1
    busy.close()


def test_doctor_live_board_address_0x78_is_explained(tmp_path, clock, factory, panels):
    config = tmp_path / "config.toml"
    config.write_text('[display]\ni2c_address = "0x78"\n', encoding="utf-8")
    builder = Builder(clock, factory, ["y", "y", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels), str(config))
    assert result(lines, "live i2c") == (
        "ok    live i2c: scanned 0x3C and 0x3D: 0x3C answers; the config says 0x3C (0x78 is "
        "the 8-bit write address printed on the board; the panel answers at 0x3C)")
    assert status == 0, lines


def test_doctor_live_unheard_buzzer_advice_covers_the_documented_magnetic_buzzer(
    tmp_path, clock, factory, panels
):
    config = tmp_path / "config.toml"
    config.write_text('[audio]\nbackend = "buzzer"\n', encoding="utf-8")
    builder = Builder(clock, factory, ["y", "n", ""], [])
    builder.acts = press_hold_sit_stand(builder)
    status, lines = run(make_live(tmp_path, clock, factory, builder, panels), str(config))
    shown = result(lines, "live audio")
    assert shown.startswith("FAIL  live audio: buzzer: no chime heard. Fix: a piezo disc: pin "
                            "32 (GPIO12) through 220 Ohm to one lead")
    assert ("a magnetic buzzer: through the NPN driver from 5 V (check your transistor's "
            "pinout: BC337 and 2N2222 differ") in shown
    assert "not an active or magnetic buzzer" not in shown
    assert status == 1
