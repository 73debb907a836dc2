"""Plain ``doctor``: the service's user and log, sound cards, I2S pins, the i2c group, SKIP."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from unslump.cli.doctor import command as doctor
from unslump.cli.doctor.report import CheckResult, CommandOutput, Probe
from unslump.cli.doctor.setup_checks import (
    ServiceUnit,
    check_i2s_pins,
    check_secret_files,
    check_service_store,
    check_service_user,
    check_sound_cards,
    service_unit,
)
from unslump.config.file import Config, load_config
from unslump.edges.display import oled as display
from unslump.edges.store.sqlite import SqliteStore
from unslump.errors import DisplayError

SHOW = ("systemctl", "show", "--property=LoadState", "--property=User",
        "--property=StateDirectory", "--property=SupplementaryGroups", "unslump")
INSTALLED = CommandOutput(0, "LoadState=loaded\nUser=unslump\nStateDirectory=unslump\n"
                          "SupplementaryGroups=gpio i2c audio", "")
NOT_FOUND = CommandOutput(0, "LoadState=not-found\nUser=\nStateDirectory=\n"
                          "SupplementaryGroups=", "")

TWO_CARDS = """ 0 [vc4hdmi        ]: vc4-hdmi - vc4-hdmi
                      vc4-hdmi
 1 [UACDemoV10     ]: USB-Audio - UACDemoV1.0
                      Jieli Technology UACDemoV1.0 at usb-3f980000.usb-1, full speed
"""


def systemctl(show: CommandOutput, active: str = "inactive"):
    def run(argv: Sequence[str]) -> CommandOutput:
        if tuple(argv) == SHOW:
            return show
        if tuple(argv[:2]) == ("systemctl", "is-active"):
            return CommandOutput(0 if active == "active" else 3, active, "")
        return CommandOutput(0, "enabled", "")

    return run


@pytest.fixture
def probe(tmp_path: Path) -> Probe:
    (tmp_path / "proc" / "asound").mkdir(parents=True)
    (tmp_path / "proc" / "asound" / "cards").write_text(TWO_CARDS)
    return Probe(dev_dir=tmp_path / "dev", env={"HOME": str(tmp_path)},
                 run_command=systemctl(INSTALLED), proc_dir=tmp_path / "proc",
                 boot_config=tmp_path / "config.txt", state_root=tmp_path / "var-lib")


def config_with(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "unslump.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_doctor_result_warn_shows_its_fix_and_skip_shows_none():
    assert (CheckResult("x", True, "two cards", "turn one off", mark="WARN").line()
            == "WARN  x: two cards. Fix: turn one off")
    assert (CheckResult("x", True, "held by the service", "never", mark="SKIP").line()
            == "SKIP  x: held by the service")


def test_doctor_service_unit_is_read_from_systemd(probe):
    unit = service_unit(probe)
    assert unit == ServiceUnit("unslump", probe.state_root / "unslump", ("gpio", "i2c", "audio"))
    assert service_unit(replace(probe, run_command=systemctl(NOT_FOUND))) is None


def test_doctor_service_user_in_every_group_is_ok(probe):
    unit = service_unit(probe)
    result = check_service_user(unit, probe, lookup=lambda user: ("unslump", "gpio", "i2c",
                                                                  "audio"))
    assert result.line() == "ok    service user: unslump (groups: gpio, i2c, audio)"


def test_doctor_service_user_missing_a_group_gives_usermod(probe):
    result = check_service_user(service_unit(probe), probe,
                                lookup=lambda user: ("unslump", "gpio"))
    assert result.line() == ("FAIL  service user: unslump is not in i2c, audio. Fix: sudo "
                             "usermod -aG i2c,audio unslump; then sudo systemctl restart "
                             "unslump")


def test_doctor_service_user_that_does_not_exist_fails(probe):
    result = check_service_user(service_unit(probe), probe, lookup=lambda user: None)
    assert not result.ok and "no such user" in result.detail


def test_doctor_checks_the_services_log_not_the_callers(probe, tmp_path):
    state = probe.state_root / "unslump"
    state.mkdir(parents=True)
    SqliteStore.open(state / "unslump.db").close()
    result = check_service_store(None, Config(), service_unit(probe), probe)
    assert result.line() == (f"ok    store: {state / 'unslump.db'} opens and is writable "
                             "(the service's log, user unslump)")
    mine = check_service_store(str(tmp_path / "mine.db"), Config(), service_unit(probe), probe)
    assert str(tmp_path / "mine.db") in mine.detail  # --db still wins


def test_doctor_services_private_log_is_skipped_with_sudo_hint(probe):
    (probe.state_root / "unslump").mkdir(parents=True)
    private = replace(probe, access=lambda path, mode: False)
    result = check_service_store(None, Config(), service_unit(private), private)
    assert result.line() == (f"SKIP  store: {probe.state_root / 'unslump' / 'unslump.db'}: not "
                             "tested, private to the service user unslump (sudo unslump "
                             "doctor checks it)")


def test_doctor_services_log_before_the_first_start_is_left_to_systemd(probe):
    result = check_service_store(None, Config(), service_unit(probe), probe)
    assert result.line() == (f"ok    store: {probe.state_root / 'unslump' / 'unslump.db'} (not "
                             f"created yet: systemd makes {probe.state_root / 'unslump'} for "
                             "unslump when the service starts)")
    assert not (probe.state_root / "unslump").exists()


def test_doctor_two_sound_cards_warn_naming_card_0(probe):
    result = check_sound_cards(Config(), probe)
    assert result.line() == (
        "WARN  sound cards: 2 (card 0: vc4hdmi, card 1: UACDemoV10); the device plays on "
        "card 0 (vc4hdmi). Fix: if that is not your speaker: dtparam=audio=off and ,noaudio "
        "on the vc4-kms-v3d line in /boot/firmware/config.txt, then reboot")


def test_doctor_no_sound_card_fails_for_pygame_only(probe, tmp_path):
    (probe.proc_dir / "asound" / "cards").write_text("--- no soundcards ---\n")
    assert check_sound_cards(Config(), probe).line().startswith("FAIL  sound cards: none")
    buzzer = config_with(tmp_path, '[audio]\nbackend = "buzzer"\n')
    assert check_sound_cards(buzzer, probe).line() == (
        'ok    sound cards: 0 (none); not used with [audio] backend = "buzzer"')


def test_doctor_pins_on_i2s_while_an_overlay_is_set_warn(probe, tmp_path):
    probe.boot_config.write_text("[all]\n# dtoverlay=hifiberry-dac\n"
                                 "dtoverlay=max98357a,no-sdmode\n")
    clashing = config_with(tmp_path, "[pins]\nseat = 19\n")
    assert check_i2s_pins(clashing, probe).line() == (
        f"WARN  i2s pins: [pins] seat = 19 while {probe.boot_config} has "
        "dtoverlay=max98357a,no-sdmode: the sound card takes that pin. Fix: move it to a free "
        "pin (22, 23, 24, 25, 5, 6, 16, 26) in the config and on the header (hardware/pins.md)")
    assert check_i2s_pins(Config(), probe).line() == (
        "ok    i2s pins: dtoverlay=max98357a,no-sdmode; [pins] clear of BCM 18, 19, 20, 21")


def test_doctor_commented_overlay_is_no_overlay(probe, tmp_path):
    probe.boot_config.write_text("#dtoverlay=max98357a\n")
    assert check_i2s_pins(config_with(tmp_path, "[pins]\nseat = 19\n"), probe).mark == ""


def test_doctor_i2c_permission_denied_gives_the_i2c_group_fix(probe):
    probe.dev_dir.mkdir()
    (probe.dev_dir / "i2c-1").touch()
    denied = replace(probe, access=lambda path, mode: not mode & os.W_OK)
    result = doctor.check_i2c(Config().display, denied)
    assert result.line().startswith(f"FAIL  i2c: {probe.dev_dir / 'i2c-1'} present, but "
                                    "permission denied. Fix: sudo usermod -aG i2c $USER")


def test_doctor_display_permission_denied_gives_the_i2c_group_fix(probe, monkeypatch):
    probe.dev_dir.mkdir()
    (probe.dev_dir / "i2c-1").touch()

    def denied(config):
        raise DisplayError("cannot open the display (ssd1306 on /dev/i2c-1 at 0x3C): I2C "
                           "device permission denied: /dev/i2c-1")

    monkeypatch.setattr(display, "open_luma_device", denied)
    result = doctor.check_display(Config().display, probe, service_active=False)
    assert "Fix: sudo usermod -aG i2c $USER" in result.line()


def test_doctor_while_the_service_runs_says_skip_for_untested_parts(probe, tmp_path):
    probe.dev_dir.mkdir(exist_ok=True)
    (probe.dev_dir / "i2c-1").touch()  # a missing bus fails the display even then
    running = replace(probe, run_command=systemctl(INSTALLED, active="active"),
                      open_mixer=lambda env: pytest.fail("the service holds the sound card"))
    out = io.StringIO()
    doctor.doctor(None, str(tmp_path / "x.db"), replace(
        running, open_display=lambda cfg: pytest.fail("the service holds the panel")), out)
    lines = out.getvalue().splitlines()
    skipped = [line.split(":")[0] for line in lines if line.startswith("SKIP")]
    assert skipped == ["SKIP  display", "SKIP  audio"]
    assert "ok    service: unslump is active" in lines


# -- config.txt as the firmware reads it: sdmode, GPIO 4, model sections --------------------

PI_OS_TAIL = "[cm4]\notg_mode=1\n\n[pi4]\narm_boost=1\n\n"  # what Pi OS ships at the end


def on_model(probe: Probe, model: str) -> Probe:
    (probe.proc_dir / "device-tree").mkdir(exist_ok=True)
    (probe.proc_dir / "device-tree" / "model").write_bytes(model.encode() + b"\0")
    return probe


def test_doctor_max98357a_without_no_sdmode_warns_that_it_drives_gpio_4(probe, tmp_path):
    probe.boot_config.write_text("dtparam=audio=off\ndtoverlay=max98357a\n")
    assert check_i2s_pins(Config(), probe).line() == (
        "WARN  i2s pins: dtoverlay=max98357a without no-sdmode: the overlay drives GPIO 4 for "
        f"the amplifier's SD pin. Fix: make it dtoverlay=max98357a,no-sdmode in "
        f"{probe.boot_config} (SD left open: the board's pull-up keeps it on), then reboot")


def test_doctor_seat_on_gpio_4_clashes_with_max98357a_in_sdmode(probe, tmp_path):
    probe.boot_config.write_text("dtoverlay=max98357a,sdmode-pin=4\n")
    result = check_i2s_pins(config_with(tmp_path, "[pins]\nseat = 4\n"), probe)
    assert result.line().startswith(
        f"WARN  i2s pins: [pins] seat = 4 while {probe.boot_config} has dtoverlay=max98357a,"
        "sdmode-pin=4: the sound card takes that pin. Fix: move it to a free pin")
    assert result.line().endswith("; or add ,no-sdmode to the overlay to free GPIO 4")
    probe.boot_config.write_text("dtoverlay=max98357a,no-sdmode\n")
    assert check_i2s_pins(config_with(tmp_path, "[pins]\nseat = 4\n"), probe).mark == ""


def test_doctor_overlay_under_pi4_is_skipped_by_a_zero_2_w(probe, tmp_path):
    probe.boot_config.write_text(PI_OS_TAIL + "dtoverlay=max98357a,no-sdmode\n")
    zero = on_model(probe, "Raspberry Pi Zero 2 W Rev 1.0")
    assert check_i2s_pins(Config(), zero).line() == (
        "WARN  i2s pins: dtoverlay=max98357a,no-sdmode is under [pi4] in "
        f"{probe.boot_config}, which the Raspberry Pi Zero 2 W Rev 1.0 skips: no I2S sound "
        f"card. Fix: move the line below an [all] line at the end of {probe.boot_config}, "
        "then reboot")
    pi4 = on_model(probe, "Raspberry Pi 4 Model B Rev 1.5")
    assert check_i2s_pins(Config(), pi4).line() == (
        "ok    i2s pins: dtoverlay=max98357a,no-sdmode; [pins] clear of BCM 18, 19, 20, 21")


def test_doctor_overlay_after_all_applies_to_every_model(probe, tmp_path):
    probe.boot_config.write_text(PI_OS_TAIL + "[all]\ndtoverlay=max98357a,no-sdmode\n")
    zero = on_model(probe, "Raspberry Pi Zero 2 W Rev 1.0")
    clashing = config_with(tmp_path, "[pins]\nseat = 19\n")
    assert check_i2s_pins(clashing, zero).mark == "WARN"
    assert check_i2s_pins(Config(), zero).line().startswith("ok    i2s pins: dtoverlay=max98357a")
def _secret(tmp_path: Path, mode: int) -> Config:
    secret = tmp_path / "mqtt-password"
    secret.write_text("hunter2\n")
    secret.chmod(mode)
    return replace(Config(), mqtt=replace(Config().mqtt, host="broker.lan", username="desk",
                                          password_file=str(secret)))


@pytest.mark.parametrize("mode", [0o644, 0o604, 0o666])
def test_doctor_world_readable_password_file_warns_with_chmod(tmp_path, mode):
    config = _secret(tmp_path, mode)
    [result] = check_secret_files(config)
    assert result.line() == (
        f"WARN  mqtt password_file: {config.mqtt.password_file} (mode {mode:o}) can be read "
        f"by every user. Fix: sudo chmod 600 {config.mqtt.password_file} (or 640 with group "
        "unslump), so that only its owner and the service read it")


def test_doctor_group_readable_password_file_warns_unless_the_group_is_the_services(tmp_path):
    config = _secret(tmp_path, 0o640)
    path = Path(config.mqtt.password_file)
    info = os.stat(path)

    def in_group(gid: int):
        def stat_of(part: Path) -> os.stat_result:
            return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink,
                                   info.st_uid, gid, info.st_size, 0, 0, 0))
        return stat_of

    import grp

    others = next(g for g in grp.getgrall() if g.gr_name not in ("unslump", "root")
                  and g.gr_gid != info.st_gid)
    [result] = check_secret_files(config, stat_of=in_group(others.gr_gid))
    assert f"can be read by the group {others.gr_name}" in result.line()
    assert check_secret_files(_secret(tmp_path, 0o600)) == []
    assert check_secret_files(Config()) == []


def test_doctor_lists_the_password_warning(tmp_path, probe):
    config = tmp_path / "config.toml"
    secret = tmp_path / "mqtt-password"
    secret.write_text("hunter2\n")
    secret.chmod(0o644)
    config.write_text(f'[mqtt]\nhost = "127.0.0.1"\nport = 9\nusername = "desk"\n'
                      f'password_file = "{secret}"\n')
    lines = [r.line() for r in doctor.run_checks(str(config), None, probe)]
    assert any(line.startswith("WARN  mqtt password_file:") for line in lines)
