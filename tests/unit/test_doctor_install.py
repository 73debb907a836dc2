"""``unslump doctor`` on the systems the install reaches: Trixie and Bookworm, chroots and
images without a running systemd, boards gpiozero does not know, a service that runs.

Uses the healthy probe of tests/support/doctor.py and changes one thing per test.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from gpiozero import PinUnknownPi

from tests.support.doctor import fake_systemctl, line_for, lines_of
from unslump.cli.doctor import command as doctor
from unslump.cli.doctor import setup_checks
from unslump.cli.doctor.report import CommandOutput, Probe
from unslump.config.file import DisplayConfig
from unslump.edges.display import oled as display

NO_SYSTEMD = {  # systemctl where PID 1 is not systemd: nothing on stdout
    ("systemctl", "is-active", "unslump"): CommandOutput(
        1, "", "System has not been booted with systemd as init system (PID 1). Can't operate."),
}
RUNNING = {("systemctl", "is-active", "unslump"): CommandOutput(0, "active", "")}


def test_doctor_install_audio_probe_keeps_alsa_noise_out_of_the_output(
        probe: Probe, capfd: pytest.CaptureFixture[str]) -> None:
    """ALSA writes to file descriptor 2 itself while SDL looks for a card."""

    def noisy_mixer(env: object) -> str:
        os.write(2, b"ALSA lib confmisc.c:855:(parse_card) cannot find card '0'\n")
        raise RuntimeError("ALSA: Couldn't open audio device: No such file or directory")

    _, lines = lines_of(replace(probe, open_mixer=noisy_mixer))
    captured = capfd.readouterr()
    assert "ALSA lib" not in captured.err + captured.out
    assert line_for(lines, "audio").startswith("FAIL  audio: pygame cannot open")


def test_doctor_install_unknown_board_is_not_blamed_on_lgpio(probe: Probe) -> None:
    def unknown_board() -> None:
        raise PinUnknownPi("unable to locate Pi revision in /proc/device-tree or /proc/cpuinfo")

    result = doctor.check_gpio_factory(replace(probe, make_pin_factory=unknown_board))
    assert not result.ok
    assert "apt install python3-lgpio" not in result.fix
    assert "not recognised as a Raspberry Pi" in result.fix


def test_doctor_install_advice_names_trixie_and_bookworm(probe: Probe, tmp_path: Path) -> None:
    empty = tmp_path / "empty-dev"
    empty.mkdir()
    result = doctor.check_gpio_chip(replace(probe, dev_dir=empty))
    assert "Trixie or Bookworm" in result.fix
    source = Path(doctor.__file__).read_text()
    assert "Bookworm" not in source.replace("Trixie or Bookworm", "")


def test_doctor_install_systemd_unreachable_with_the_unit_installed_is_not_ok(
        probe: Probe, tmp_path: Path) -> None:
    """A chroot or an image: the unit is there, but nobody can say whether it runs."""
    unit = tmp_path / "unslump.service"
    unit.write_text("[Service]\n")
    result = setup_checks.check_service(replace(probe, run_command=fake_systemctl(NO_SYSTEMD),
                                          unit_file=unit))
    assert not result.ok
    assert "systemd cannot be reached" in result.detail
    assert "installed" in result.detail
    assert "next boot" in result.fix


def test_doctor_install_systemd_unreachable_without_the_unit_says_so(
        probe: Probe, tmp_path: Path) -> None:
    result = setup_checks.check_service(replace(probe, run_command=fake_systemctl(NO_SYSTEMD),
                                          unit_file=tmp_path / "none.service"))
    assert result.ok
    assert "systemd cannot be reached" in result.detail
    assert "not installed" in result.detail


def test_doctor_install_service_running_without_the_i2c_bus_fails_the_display(
        probe: Probe, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bus node is checked even while the service runs; only the panel is left alone."""

    def must_not_open(config: DisplayConfig) -> None:
        raise AssertionError("opening the panel would reset the running device's screen")

    monkeypatch.setattr(display, "open_luma_device", must_not_open)
    (probe.dev_dir / "i2c-1").unlink()
    status, lines = lines_of(replace(probe, run_command=fake_systemctl(RUNNING)))
    assert status == 1
    assert line_for(lines, "display").startswith("FAIL  display:")
    assert "the running service holds it" not in line_for(lines, "display")


def test_doctor_install_service_running_does_not_claim_it_holds_the_speaker(
        probe: Probe) -> None:
    """The device opens audio only to play a sound: the line says that, not "held"."""
    running = replace(probe, run_command=fake_systemctl(RUNNING),
                      open_mixer=lambda env: pytest.fail("a probe could take a sound's turn"))
    _, lines = lines_of(running)
    audio = line_for(lines, "audio")
    assert audio.startswith("SKIP  audio: pygame: not tested while the service runs")
    assert "only to play a sound" in audio
    assert "held" not in audio


def test_doctor_install_lgpio_failing_on_an_unwritable_directory_is_a_line_not_a_traceback(
        probe: Probe, monkeypatch: pytest.MonkeyPatch) -> None:
    """lgpio opens its notification pipe in the working directory when it is imported.

    Run from a directory the user cannot write (the service user in /), the import raises
    FileNotFoundError, an OSError and not an ImportError, in the check and again where
    the check asks which errors lgpio has.
    """
    import builtins

    def unwritable() -> None:
        raise FileNotFoundError(2, "No such file or directory", ".lgd-nfy-3")

    real_import = builtins.__import__

    def failing_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "lgpio":
            raise FileNotFoundError(2, "No such file or directory", ".lgd-nfy-3")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    result = doctor.check_gpio_factory(replace(probe, make_pin_factory=unwritable))
    assert not result.ok
    assert "LG_WD" in result.fix
    assert "writable" in result.fix
