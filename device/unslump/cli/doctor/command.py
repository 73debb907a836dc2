"""``unslump doctor``: check the setup, one line per check, each failure with its fix.

The device degrades instead of dying (no display, no sound, a read-only disk: it keeps
going), which is right for a device nobody watches but hides a wrong setup from the
person who just built it. The doctor says plainly what works and what to do about what
does not, in the order a build goes: config, I2C and the display, GPIO, audio, the log,
the service.

Each check is a small function returning a :class:`CheckResult`. What they look at
(``/dev``, the environment, commands, the display and pin openers) comes in a
:class:`Probe`, so tests point them at a temporary directory and fakes. While the
service is running, the parts it holds all the time (the panel, a buzzer's pin) are not
opened: opening the panel resets it, and the pin would only report "busy". Nor is the
speaker, though the service does not hold it: the device opens it only to play a sound,
and a probe at that moment would take the sound's turn. ``doctor --live`` tests them.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any, TextIO

from gpiozero import PinUnknownPi

from unslump.cli.blank import add_config_option
from unslump.cli.doctor.report import (
    ACTIVE,
    I2C_GROUP_FIX,
    CheckResult,
    CommandOutput,
    Probe,
    c_stderr_discarded,
    factory_errors,
)
from unslump.cli.doctor.setup_checks import (
    check_config,
    check_i2s_pins,
    check_secret_files,
    check_service,
    check_service_store,
    check_service_user,
    check_sound_cards,
    check_store,
    service_unit,
)
from unslump.config.file import Config, DisplayConfig
from unslump.errors import DisplayError

# -- the checks ---------------------------------------------------------------------------




def check_i2c(display: DisplayConfig, probe: Probe) -> CheckResult:
    """The I2C bus of the display exists as a device node (I2C is enabled)."""
    if display.interface != "i2c":
        return CheckResult("i2c", True, f"not used (display on {display.interface})")
    node = probe.dev_dir / f"i2c-{display.i2c_port}"
    if node.exists() and not probe.access(node, os.R_OK | os.W_OK):
        return CheckResult("i2c", False, f"{node} present, but permission denied",
                           I2C_GROUP_FIX)
    if node.exists():
        return CheckResult("i2c", True, f"{node} present")
    return CheckResult(
        "i2c", False, f"{node} missing: I2C is not enabled",
        "sudo raspi-config nonint do_i2c 0 (or dtparam=i2c_arm=on in "
        "/boot/firmware/config.txt), then reboot")


def check_display(display: DisplayConfig, probe: Probe, service_active: bool) -> CheckResult:
    """The panel answers at its address (opened with luma, then let go without clearing)."""
    where = f"{display.type} at {display.i2c_address} on I2C bus {display.i2c_port}"
    if display.interface == "i2c" and not (probe.dev_dir / f"i2c-{display.i2c_port}").exists():
        return CheckResult("display", False, f"{where}: not tried, the I2C bus is missing",
                           "enable I2C first (see the i2c line)")
    if service_active:
        return CheckResult("display", True, f"{where}: not tested, held by the service "
                           "(unslump doctor --live tests it once the service is stopped)",
                           mark="SKIP")
    from unslump.edges.display import oled as display_adapter  # Pillow: not at `unslump` start

    opener = probe.open_display or display_adapter.open_luma_device
    try:
        device = opener(display)
    except DisplayError as exc:
        if "ermission denied" in str(exc):
            return CheckResult("display", False, f"{where}: permission denied", I2C_GROUP_FIX)
        return CheckResult(
            "display", False, f"{where}: no answer ({exc})",
            f"check the wiring (hardware/README.md) and the address: i2cdetect -y "
            f"{display.i2c_port} should show {display.i2c_address[2:].lower()}; set "
            "[display] i2c_address and type to match")
    device.persist = True  # let go without switching the panel off
    device.cleanup()
    return CheckResult("display", True, f"{where} answers")


def check_gpio_chip(probe: Probe) -> CheckResult:
    """A GPIO character device exists (its number moves between Pi models)."""
    chips = sorted(probe.dev_dir.glob("gpiochip*"))
    if chips:
        return CheckResult("gpio chip", True, ", ".join(str(chip) for chip in chips))
    return CheckResult(
        "gpio chip", False, f"no {probe.dev_dir}/gpiochip* device",
        "run on a Raspberry Pi with Raspberry Pi OS Trixie or Bookworm (its kernel provides "
        "/dev/gpiochip*), not in a chroot or container")


def check_gpio_factory(probe: Probe) -> CheckResult:
    """gpiozero's lgpio pin factory can be made (installed, and the chip is permitted)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # gpiozero's fallback warnings: we report here
            factory = probe.make_pin_factory()
        factory.close()
    except factory_errors() as exc:
        detail = f"the lgpio pin factory failed ({type(exc).__name__}: {exc})"
        if isinstance(exc, OSError) and str(exc.filename or "").startswith(".lgd-nfy"):
            return CheckResult(
                "gpio access", False, detail,
                "lgpio makes its notification pipe in the working directory, which must be "
                "writable: run the doctor from your home directory, or set LG_WD to a "
                "writable directory (the service sets LG_WD itself)")
        if isinstance(exc, PinUnknownPi):
            return CheckResult(
                "gpio access", False, detail,
                "this board is not recognised as a Raspberry Pi (gpiozero finds no revision "
                "in /proc/device-tree or /proc/cpuinfo): run the doctor on the Pi itself, "
                "not in a chroot or container; on a Pi model newer than the installed "
                "gpiozero, git pull and sudo make install again")
        return CheckResult(
            "gpio access", False, detail,
            "sudo apt install python3-lgpio (Raspberry Pi OS has it; on plain Debian add the "
            "Raspberry Pi archive), then sudo make install again; sudo usermod -aG gpio "
            "$USER and log in again; the working directory (or $LG_WD) must be writable")
    return CheckResult("gpio access", True, "lgpio pin factory ready")


def check_audio(config: Config, probe: Probe, service_active: bool) -> CheckResult:
    """The configured speaker opens: pygame's mixer, the buzzer's pin, or nothing."""
    backend = config.audio.backend
    if backend == "none":
        return CheckResult("audio", True, "off by config")
    if service_active and backend == "buzzer":  # its pin is claimed for the service's life
        return CheckResult("audio", True, f"{backend}: not tested, held by the service "
                           "(unslump doctor --live plays a tone once the service is "
                           "stopped)", mark="SKIP")
    if service_active:  # pygame: the service opens the speaker only to play a sound
        return CheckResult("audio", True, f"{backend}: not tested while the service runs "
                           "(it opens the speaker only to play a sound, and a probe now "
                           "could take that sound's turn; unslump doctor --live plays a "
                           "tone once the service is stopped)", mark="SKIP")
    if backend == "buzzer":
        return _check_buzzer(config.pins.buzzer, probe)
    try:
        with c_stderr_discarded():
            detail = probe.open_mixer(probe.env)
    except (ImportError, RuntimeError, OSError) as exc:  # pygame.error is a RuntimeError
        return CheckResult(
            "audio", False, f"pygame cannot open the sound device ({exc})",
            "check the sound card with aplay -l and SDL_AUDIODRIVER (alsa on the Pi); "
            'or set [audio] backend = "buzzer" or "none"')
    return CheckResult("audio", True, f"pygame: {detail}")


def check_voice(config: Config, probe: Probe) -> CheckResult:
    """Spoken cues: on and speakable, or off with how to turn them on."""
    from unslump.edges.audio.voice import ESPEAK  # here: `unslump run` imports this module

    audio = config.audio
    espeak = probe.find_program(ESPEAK)
    if not audio.voice:
        how = "" if espeak else " and espeak-ng (sudo apt install espeak-ng)"
        return CheckResult("voice", True, f"off; [audio] voice = true{how} speaks the cues")
    if audio.backend != "pygame":
        return CheckResult("voice", True, f"on, but the {audio.backend} backend cannot speak; "
                           "the cues stay tones")
    if espeak is None:
        return CheckResult("voice", False, "on, but espeak-ng is not installed: the cues "
                           "stay tones", "sudo apt install espeak-ng, then restart the "
                           "service (the phrases are rendered once at start)")
    return CheckResult("voice", True, f"espeak-ng at {espeak}, voice {audio.voice_name!r}")


def _check_buzzer(pin: int, probe: Probe) -> CheckResult:
    from gpiozero import TonalBuzzer

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            factory = probe.make_pin_factory()
        try:
            TonalBuzzer(pin, pin_factory=factory).close()
        finally:
            factory.close()
    except factory_errors() as exc:
        return CheckResult(
            "audio", False, f"buzzer: cannot claim BCM {pin} ({type(exc).__name__}: {exc})",
            "check [pins] buzzer, that no other program holds the pin, and the gpio "
            "access line")
    return CheckResult("audio", True, f"buzzer: BCM {pin} claimed and released")








def run_checks(cli_config: str | None, db: str | None, probe: Probe) -> list[CheckResult]:
    """Every check, in the order a build goes."""
    config_result, config = check_config(cli_config, probe.env)
    service = check_service(probe)
    active = service.detail == ACTIVE
    unit = service_unit(probe)
    return [
        config_result,
        check_i2c(config.display, probe),
        check_display(config.display, probe, active),
        check_gpio_chip(probe),
        check_gpio_factory(probe),
        check_i2s_pins(config, probe),
        check_sound_cards(config, probe),
        check_audio(config, probe, active),
        check_voice(config, probe),
        check_service_store(db, config, unit, probe),
        check_service_user(unit, probe),
        service,
        *check_secret_files(config),
        *_broker_checks(config, db, unit, probe),
    ]


def _broker_checks(config: Config, db: str | None, unit: Any, probe: Probe) -> list[CheckResult]:
    """The MQTT broker's lines, only when ``[mqtt]`` is configured (paho is imported then)."""
    if not config.mqtt.enabled:
        return []
    try:
        from unslump.cli.doctor.broker import check_broker
    except ModuleNotFoundError as missing:
        if not (missing.name or "").startswith("paho"):
            raise
        return [CheckResult("mqtt broker", False, "[mqtt] host is set but paho-mqtt is not "
                            "installed", "install Unslump with its mqtt extra (pip install "
                            "'unslump[mqtt]'), or remove [mqtt] from the config")]
    from unslump.edges.store.paths import chosen_db_path

    path = (unit.db if unit is not None and not (db or config.store.path)
            else chosen_db_path(db, config.store.path, probe.env))
    return check_broker(config, path)


NOT_A_PI = ("note: this is not a Raspberry Pi (no Pi model in /proc/device-tree/model), so "
            "the checks of I2C, GPIO, sound and the service fail here; to try Unslump on "
            "this machine, run make run in the checkout (the simulator)")


def on_a_pi(probe: Probe) -> bool:
    """True when the board names itself a Raspberry Pi (device tree, else cpuinfo)."""
    for name in ("device-tree/model", "cpuinfo"):
        try:
            if "Raspberry Pi" in (probe.proc_dir / name).read_text(errors="replace"):
                return True
        except OSError:
            continue
    return False


def doctor(cli_config: str | None, db: str | None, probe: Probe, out: TextIO) -> int:
    """Print one line per check; exit status 0 when every check passed, else 1. Off the
    Pi a first line says so, and where to try the device instead."""
    if not on_a_pi(probe):
        print(NOT_A_PI, file=out)
    results = run_checks(cli_config, db, probe)
    for result in results:
        print(result.line(), file=out)
    return 0 if all(result.ok for result in results) else 1


def cmd_doctor(args: argparse.Namespace) -> int:
    if args.live:
        from unslump.cli.doctor.live import cmd_live

        return cmd_live(args)
    return doctor(args.config, args.db, Probe(), sys.stdout)


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``doctor`` to the ``unslump`` subcommands (``commands`` from add_subparsers)."""
    parser = commands.add_parser(
        "doctor", parents=parents,
        help="check the setup: config, I2C and display, GPIO, audio, store, service",
        description="Check the setup, one line per check, each failure with its fix. "
                    "Exits 0 when every check passes, 1 otherwise.")
    add_config_option(parser)
    parser.add_argument("--db", metavar="PATH",
                        help="break log to check (default: [store] path, else "
                             "$STATE_DIRECTORY/unslump.db, else "
                             "$XDG_DATA_HOME/unslump/unslump.db)")
    parser.add_argument("--live", action="store_true",
                        help="test each part with you: a test pattern, the I2C scan, a "
                             "tone, the button and the seat (stop the service first)")
    parser.set_defaults(handler=cmd_doctor)


__all__ = [
    "CheckResult",
    "CommandOutput",
    "Probe",
    "check_audio",
    "check_config",
    "check_display",
    "check_gpio_chip",
    "check_gpio_factory",
    "check_i2c",
    "check_service",
    "check_store",
    "check_voice",
    "cmd_doctor",
    "doctor",
    "register",
    "run_checks",
]
