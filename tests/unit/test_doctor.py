"""``unslump doctor``: one line per check, the fix on every failure, exit 1 on any."""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

import pytest
from gpiozero import TonalBuzzer
from gpiozero.pins.mock import MockFactory, MockPWMPin
from luma.core.device import dummy

from tests.support.doctor import (
    fake_systemctl,
    line_for,
    lines_of,
    no_systemctl,
)
from unslump.cli.doctor import command as doctor
from unslump.cli.doctor import report, setup_checks
from unslump.cli.doctor.report import CheckResult, CommandOutput, Probe
from unslump.config.file import Config, DisplayConfig
from unslump.edges.display import oled as display
from unslump.edges.store.paths import chosen_db_path
from unslump.errors import DisplayError


def write_config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_doctor_all_ok_prints_one_line_per_check_and_exits_0(
    probe: Probe, tmp_path: Path
) -> None:
    config = write_config(tmp_path, "[audio]\nvolume = 0.3\n")
    status, lines = lines_of(probe, config)
    assert status == 0
    names = [line.split(maxsplit=1)[1].split(":")[0] for line in lines]
    assert names == ["config", "i2c", "display", "gpio chip", "gpio access", "i2s pins",
                     "sound cards", "audio", "voice", "store", "service user", "service"]
    assert all(line.startswith("ok ") for line in lines), lines
    assert line_for(lines, "config") == f"ok    config: {config} is valid"
    assert "not installed as a service" in line_for(lines, "service")
    assert str(tmp_path / "data" / "unslump" / "unslump.db") in line_for(lines, "store")


def test_doctor_result_line_has_the_fix_only_on_failure() -> None:
    assert CheckResult("i2c", True, "present", "never shown").line() == "ok    i2c: present"
    assert (CheckResult("i2c", False, "missing", "enable it").line()
            == "FAIL  i2c: missing. Fix: enable it")


def test_doctor_missing_i2c_bus_fails_with_raspi_config_fix(probe: Probe) -> None:
    (probe.dev_dir / "i2c-1").unlink()
    status, lines = lines_of(probe)
    assert status == 1
    i2c = line_for(lines, "i2c")
    assert i2c.startswith("FAIL  i2c: ")
    assert "/i2c-1 missing" in i2c
    assert "sudo raspi-config nonint do_i2c 0" in i2c
    assert "dtparam=i2c_arm=on" in i2c
    assert line_for(lines, "display").startswith("FAIL  display: ")


def test_doctor_i2c_checks_the_configured_port(probe: Probe, tmp_path: Path) -> None:
    config = write_config(tmp_path, "[display]\ni2c_port = 3\n")
    status, lines = lines_of(probe, config)
    assert status == 1
    assert "/i2c-3 missing" in line_for(lines, "i2c")


def test_doctor_display_not_answering_fails_with_i2cdetect(
    probe: Probe, monkeypatch: pytest.MonkeyPatch
) -> None:
    def silent(config: DisplayConfig) -> None:
        raise DisplayError("cannot open the display (ssd1306 on /dev/i2c-1 at 0x3C)")

    monkeypatch.setattr(display, "open_luma_device", silent)
    status, lines = lines_of(probe)
    assert status == 1
    shown = line_for(lines, "display")
    assert shown.startswith("FAIL  display: ssd1306 at 0x3C on I2C bus 1: no answer")
    assert "i2cdetect -y 1 should show 3c" in shown
    assert line_for(lines, "i2c").startswith("ok ")


def test_doctor_display_probe_leaves_the_panel_lit(probe: Probe, panel: dummy) -> None:
    lines_of(probe)
    assert panel.persist  # cleanup was told not to switch the panel off


def test_doctor_without_gpio_chip_fails(probe: Probe) -> None:
    (probe.dev_dir / "gpiochip0").unlink()
    status, lines = lines_of(probe)
    assert status == 1
    assert line_for(lines, "gpio chip").startswith("FAIL  gpio chip: no ")


def test_doctor_gpio_chip_any_number_is_fine(probe: Probe) -> None:
    (probe.dev_dir / "gpiochip0").rename(probe.dev_dir / "gpiochip4")
    assert doctor.check_gpio_chip(probe).ok


def test_doctor_lgpio_missing_fails_with_the_install_fix(probe: Probe) -> None:
    def no_lgpio() -> MockFactory:
        raise ModuleNotFoundError("No module named 'lgpio'")

    status, lines = lines_of(replace(probe, make_pin_factory=no_lgpio))
    assert status == 1
    access = line_for(lines, "gpio access")
    assert access.startswith("FAIL  gpio access: ")
    assert "sudo apt install python3-lgpio" in access
    assert "gpio" in access.split("Fix:")[1]


def test_doctor_audio_off_by_config_is_ok(probe: Probe, tmp_path: Path) -> None:
    config = write_config(tmp_path, '[audio]\nbackend = "none"\n')
    status, lines = lines_of(probe, config)
    assert status == 0
    assert line_for(lines, "audio") == "ok    audio: off by config"


def test_doctor_pygame_mixer_opens_on_the_env_driver(probe: Probe) -> None:
    real = replace(probe, open_mixer=report.open_pygame_mixer)
    before = os.environ.get("SDL_AUDIODRIVER")
    result = doctor.check_audio(Config(), real, service_active=False)
    assert result.ok, result.line()
    assert "dummy" in result.detail
    assert os.environ.get("SDL_AUDIODRIVER") == before


def test_doctor_pygame_without_sound_device_fails_with_fix(probe: Probe) -> None:
    real = replace(probe, open_mixer=report.open_pygame_mixer,
                   env={**probe.env, "SDL_AUDIODRIVER": "nosuchdriver"})
    result = doctor.check_audio(Config(), real, service_active=False)
    assert not result.ok
    assert "nosuchdriver" in result.detail
    assert "aplay -l" in result.fix


def test_doctor_buzzer_pin_is_claimed_and_released(probe: Probe, tmp_path: Path) -> None:
    config = write_config(tmp_path, '[audio]\nbackend = "buzzer"\n[pins]\nbuzzer = 13\n')
    status, lines = lines_of(probe, config)
    assert status == 0
    assert line_for(lines, "audio") == "ok    audio: buzzer: BCM 13 claimed and released"


def test_doctor_buzzer_pin_in_use_fails(probe: Probe, tmp_path: Path) -> None:
    shared = MockFactory(pin_class=MockPWMPin)
    holder = TonalBuzzer(12, pin_factory=shared)
    try:
        busy = replace(probe, make_pin_factory=lambda: shared)
        config = write_config(tmp_path, '[audio]\nbackend = "buzzer"\n')
        status, lines = lines_of(busy, config)
    finally:
        holder.close()
        shared.close()
    assert status == 1
    audio = line_for(lines, "audio")
    assert audio.startswith("FAIL  audio: buzzer: cannot claim BCM 12")
    assert "[pins] buzzer" in audio


def test_doctor_invalid_config_fails_naming_the_file_and_key(
    probe: Probe, tmp_path: Path
) -> None:
    config = write_config(tmp_path, "[display]\nbrightness = 3\n")
    status, lines = lines_of(probe, config)
    assert status == 1
    shown = line_for(lines, "config")
    assert shown.startswith(f"FAIL  config: {config}: line 2: [display] brightness: "
                            "unknown key")
    # The fix is a command that checks what it writes, naming the file that was given.
    assert shown.endswith(f"Fix: unslump config --config {config} set display.brightness "
                          "VALUE (unslump config --defaults says what each key takes), or "
                          f"edit that line in {config}; then run unslump doctor again (the "
                          "checks below use the defaults)")
    assert len(lines) == 12  # the other checks still run, on the defaults


def test_doctor_config_that_is_not_toml_says_which_file_to_edit(
    probe: Probe, tmp_path: Path
) -> None:
    config = write_config(tmp_path, "[display\n")
    status, lines = lines_of(probe, config)
    shown = line_for(lines, "config")
    assert status == 1 and "not valid TOML" in shown
    assert shown.endswith(f"Fix: edit {config} at the line named (nano {config}); then run "
                          "unslump doctor again (the checks below use the defaults)")


def test_doctor_store_existing_log_opens_healthy(probe: Probe, tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    from unslump.edges.store.sqlite import SqliteStore

    SqliteStore.open(db).close()
    status, lines = lines_of(probe, db=str(db))
    assert status == 0
    assert line_for(lines, "store") == f"ok    store: {db} opens and is writable"


def test_doctor_store_path_that_is_a_directory_fails(probe: Probe, tmp_path: Path) -> None:
    status, lines = lines_of(probe, db=str(tmp_path))
    assert status == 1
    shown = line_for(lines, "store")
    assert shown.startswith(f"FAIL  store: {tmp_path} is a directory")
    assert "Fix: " in shown


def test_doctor_store_not_created_yet_creates_nothing(probe: Probe, tmp_path: Path) -> None:
    db = tmp_path / "new" / "log.db"
    result = setup_checks.check_store(db)
    assert result.ok
    assert "not created yet" in result.detail
    assert not db.parent.exists()


def test_doctor_store_uses_state_directory(probe: Probe, tmp_path: Path) -> None:
    env = {**probe.env, "STATE_DIRECTORY": str(tmp_path / "state")}
    assert chosen_db_path(None, Config().store.path, env) == tmp_path / "state" / "unslump.db"
    configured = replace(Config(), store=replace(Config().store, path=str(tmp_path / "c.db")))
    assert chosen_db_path(None, configured.store.path, env) == tmp_path / "c.db"
    assert chosen_db_path("x.db", configured.store.path, env) == Path("x.db")


def test_doctor_service_active_is_ok_and_leaves_held_parts_alone(
    probe: Probe, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_open(config: DisplayConfig) -> None:
        raise AssertionError("opening the panel would reset the running device's screen")

    monkeypatch.setattr(display, "open_luma_device", must_not_open)
    running = replace(probe, run_command=fake_systemctl(
        {("systemctl", "is-active", "unslump"): CommandOutput(0, "active", "")}))
    status, lines = lines_of(running)
    assert status == 0
    assert line_for(lines, "service") == "ok    service: unslump is active"
    assert line_for(lines, "display").startswith("SKIP  display: ssd1306 at 0x3C on I2C bus 1: "
                                                 "not tested, held by the service")
    assert line_for(lines, "audio").startswith("SKIP  audio: pygame: not tested while the "
                                               "service runs (it opens the speaker only")


def test_doctor_service_failed_fails_with_journalctl(probe: Probe) -> None:
    failed = replace(probe, run_command=fake_systemctl(
        {("systemctl", "is-active", "unslump"): CommandOutput(3, "failed", "")}))
    status, lines = lines_of(failed)
    assert status == 1
    shown = line_for(lines, "service")
    assert shown.startswith("FAIL  service: unslump is failed")
    assert "journalctl -u unslump" in shown


def test_doctor_service_installed_but_stopped_fails(probe: Probe) -> None:
    stopped = replace(probe, run_command=fake_systemctl({
        ("systemctl", "is-active", "unslump"): CommandOutput(3, "inactive", ""),
        ("systemctl", "is-enabled", "unslump"): CommandOutput(0, "enabled", ""),
    }))
    result = setup_checks.check_service(stopped)
    assert not result.ok
    assert result.detail == "unslump is inactive"


def test_doctor_without_systemctl_is_not_a_service(probe: Probe) -> None:
    result = setup_checks.check_service(replace(probe, run_command=no_systemctl))
    assert result.ok
    assert result.detail == "not installed as a service (no systemctl)"


def test_doctor_runs_on_this_machine_without_fakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real probe, as the CLI builds it: no hardware needed, every check answers."""
    parser = argparse.ArgumentParser(prog="unslump")
    doctor.register(parser.add_subparsers(dest="command"), [])
    config = write_config(tmp_path, "")
    args = parser.parse_args(["doctor", "--config", config, "--db", str(tmp_path / "x.db")])
    status = args.handler(args)
    lines = capsys.readouterr().out.splitlines()
    if not doctor.on_a_pi(report.Probe()):
        assert lines.pop(0) == doctor.NOT_A_PI  # this machine is not a Pi: said first
    assert len(lines) == 12
    assert status == (0 if all(line.startswith("ok ") for line in lines) else 1)
    i2c = line_for(lines, "i2c")
    if Path("/dev/i2c-1").exists():
        assert i2c == "ok    i2c: /dev/i2c-1 present"
    else:
        assert i2c.startswith("FAIL  i2c: /dev/i2c-1 missing: I2C is not enabled. Fix: ")
        assert "sudo raspi-config nonint do_i2c 0" in i2c
        assert status == 1


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("content", ["passwd", "older schema", "newer schema", "garbage"])
def test_doctor_store_check_never_writes(probe: Probe, tmp_path: Path, content: str) -> None:
    import sqlite3

    db = tmp_path / "target"
    if content == "passwd":  # what a config any user can write could point root's doctor at
        db.write_text("root:x:0:0:root:/root:/bin/bash\n")
    elif content == "garbage":
        db.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    else:
        from unslump.edges.store.schema import migrate

        connection = sqlite3.connect(db, isolation_level=None)
        migrate(connection, db, target=1)
        if content == "newer schema":
            connection.execute("PRAGMA user_version = 99")
        connection.close()
    before = _tree(tmp_path)
    status, lines = lines_of(probe, db=str(db))
    assert _tree(tmp_path) == before  # nothing renamed, created, migrated or truncated
    shown = line_for(lines, "store")
    if content == "older schema":
        assert shown.startswith("ok")
    else:
        assert status == 1 and shown.startswith(f"FAIL  store: {db}")


def test_doctor_off_the_pi_says_so_first_and_points_to_make_run(probe):
    """On a laptop the Pi-only checks fail with Pi-only fixes: the first line says why,
    and how to try the device here instead."""
    (probe.proc_dir / "device-tree" / "model").unlink()
    _, lines = lines_of(probe)
    assert lines[0].startswith("note: this is not a Raspberry Pi")
    assert "make run" in lines[0]


def test_doctor_on_the_pi_has_no_note(probe):
    _, lines = lines_of(probe)
    assert not any("not a Raspberry Pi" in line for line in lines)
