"""scripts/install.sh and uninstall.sh, staged into a temporary DESTDIR.

With DESTDIR set the scripts lay their files under it and only print the commands that
would change the live system (apt-get, useradd, venv, pip, systemctl), so these tests
check every file laid down and every command that would run, without root or network.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from device.pinmap import default_pins

REPO = Path(__file__).resolve().parent.parent
INSTALL = REPO / "scripts" / "install.sh"
UNINSTALL = REPO / "scripts" / "uninstall.sh"
UNIT = REPO / "systemd" / "unslump.service"
DEFAULT_TOML = '[pins]\nbutton = 17\n'


@pytest.fixture
def destdir(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    root.mkdir()
    return root


@pytest.fixture
def defaults_cmd(tmp_path: Path) -> Path:
    """Stands in for `unslump config --defaults`: prints whatever the file holds."""
    source = tmp_path / "defaults.toml"
    source.write_text(DEFAULT_TOML)
    return source


def run(script: Path, destdir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {"PATH": os.environ["PATH"], "DESTDIR": str(destdir), **env}
    result = subprocess.run(["sh", str(script)], capture_output=True, text=True,
                            env=full_env, timeout=30, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def install(destdir: Path, defaults: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run(INSTALL, destdir, UNSLUMP_DEFAULTS_CMD=f"cat {defaults}", **env)


def tree(root: Path) -> set[str]:
    """Every file and link under root, as paths relative to it (directories left out)."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def test_install_lays_down_exactly_the_unit_config_and_link(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    assert tree(destdir) == {
        "etc/systemd/system/unslump.service",
        "etc/unslump/config.toml",
        "usr/local/bin/unslump",
    }


def test_install_unit_is_the_repository_unit(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    installed = destdir / "etc/systemd/system/unslump.service"
    assert installed.read_text() == UNIT.read_text()
    assert installed.stat().st_mode & 0o777 == 0o644


def test_install_prefix_is_rewritten_into_the_unit_and_link(destdir, defaults_cmd):
    result = install(destdir, defaults_cmd, PREFIX="/srv/unslump")
    unit = (destdir / "etc/systemd/system/unslump.service").read_text()
    assert "ExecStart=/srv/unslump/venv/bin/unslump run" in unit
    assert "ExecStopPost=/srv/unslump/venv/bin/unslump blank" in unit
    assert "/opt/unslump" not in unit
    assert os.readlink(destdir / "usr/local/bin/unslump") == "/srv/unslump/venv/bin/unslump"
    assert "dry-run: python3 -m venv --system-site-packages /srv/unslump/venv" in result.stdout


def test_install_link_points_at_the_venv_command(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    assert os.readlink(destdir / "usr/local/bin/unslump") == "/opt/unslump/venv/bin/unslump"


def test_install_writes_the_default_config(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    config = destdir / "etc/unslump/config.toml"
    assert config.read_text() == DEFAULT_TOML
    assert config.stat().st_mode & 0o777 == 0o644


def test_install_second_run_keeps_an_edited_config(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    config = destdir / "etc/unslump/config.toml"
    config.write_text("[pins]\nbutton = 22\n")
    defaults_cmd.write_text("[pins]\nbutton = 5\n")
    result = install(destdir, defaults_cmd)
    assert config.read_text() == "[pins]\nbutton = 22\n"
    assert "keeping the existing" in result.stdout


def test_install_twice_gives_the_same_files(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    first = {name: (destdir / name).read_bytes() for name in tree(destdir)
             if not (destdir / name).is_symlink()}
    install(destdir, defaults_cmd)
    assert {name: (destdir / name).read_bytes() for name in tree(destdir)
            if not (destdir / name).is_symlink()} == first
    assert tree(destdir) == set(first) | {"usr/local/bin/unslump"}


def test_install_failing_defaults_command_writes_no_config(destdir):
    result = run(INSTALL, destdir, UNSLUMP_DEFAULTS_CMD="false")
    assert not (destdir / "etc/unslump/config.toml").exists()
    assert list((destdir / "etc/unslump").iterdir()) == []  # no temp file left behind
    assert "warning: 'false' failed; no config written" in result.stdout
    assert (destdir / "etc/systemd/system/unslump.service").exists()


def test_install_empty_defaults_output_writes_no_config(destdir):
    run(INSTALL, destdir, UNSLUMP_DEFAULTS_CMD="true")
    assert not (destdir / "etc/unslump/config.toml").exists()


def test_install_system_commands_are_printed_not_run(destdir, defaults_cmd):
    out = install(destdir, defaults_cmd).stdout
    apt = next(line for line in out.splitlines() if line.startswith("dry-run: apt-get install"))
    for package in ("python3-venv", "python3-lgpio", "i2c-tools", "libsdl2-mixer-2.0-0"):
        assert package in apt.split()
    assert ("useradd --system --user-group --groups gpio,i2c,audio" in out
            or "usermod --append --groups gpio,i2c,audio unslump" in out)
    assert "dry-run: python3 -m venv --system-site-packages /opt/unslump/venv" in out
    assert "dry-run: /opt/unslump/venv/bin/pip install" in out
    assert str(REPO) in out
    order = [out.index(f"dry-run: systemctl {verb}")
             for verb in ("daemon-reload", "enable unslump.service", "restart unslump.service")]
    assert order == sorted(order)


def test_install_prints_the_next_steps(destdir, defaults_cmd):
    out = install(destdir, defaults_cmd).stdout
    assert "raspi-config nonint do_i2c 0" in out
    assert "hardware/pins.md" in out
    assert "unslump doctor" in out
    assert "dtoverlay=max98357a" in out


def test_install_relative_prefix_is_refused(destdir, defaults_cmd):
    result = subprocess.run(["sh", str(INSTALL)], capture_output=True, text=True, timeout=30,
                            env={"PATH": os.environ["PATH"], "DESTDIR": str(destdir),
                                 "PREFIX": "opt/unslump"}, check=False)
    assert result.returncode != 0
    assert "PREFIX must be an absolute path" in result.stderr
    assert tree(destdir) == set()


def test_install_uninstall_keeps_data_and_config_by_default(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    log = destdir / "var/lib/unslump/unslump.db"
    log.parent.mkdir(parents=True)
    log.write_bytes(b"breaks")
    result = run(UNINSTALL, destdir)
    assert tree(destdir) == {"etc/unslump/config.toml", "var/lib/unslump/unslump.db"}
    assert "dry-run: systemctl disable --now unslump.service" in result.stdout
    assert "userdel" not in result.stdout


def test_install_uninstall_purge_removes_data_config_and_user(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    log = destdir / "var/lib/unslump/unslump.db"
    log.parent.mkdir(parents=True)
    log.write_bytes(b"breaks")
    result = run(UNINSTALL, destdir, PURGE="1")
    assert tree(destdir) == set()
    assert "dry-run: userdel unslump" in result.stdout


def test_install_uninstall_twice_is_harmless(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    run(UNINSTALL, destdir)
    run(UNINSTALL, destdir)
    assert tree(destdir) == {"etc/unslump/config.toml"}


def test_install_uninstall_removes_a_staged_venv(destdir, defaults_cmd):
    install(destdir, defaults_cmd)
    venv_python = destdir / "opt/unslump/venv/bin/python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text("")
    run(UNINSTALL, destdir)
    assert not (destdir / "opt/unslump").exists()


def test_install_config_dir_is_readable_whatever_the_umask(destdir, defaults_cmd):
    full_env = {"PATH": os.environ["PATH"], "DESTDIR": str(destdir),
                "UNSLUMP_DEFAULTS_CMD": f"cat {defaults_cmd}"}
    result = subprocess.run(["sh", "-c", f"umask 077; sh {INSTALL}"], capture_output=True,
                            text=True, env=full_env, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert (destdir / "etc/unslump").stat().st_mode & 0o777 == 0o755
    assert (destdir / "etc/unslump/config.toml").stat().st_mode & 0o777 == 0o644
    assert (destdir / "etc/systemd/system/unslump.service").stat().st_mode & 0o777 == 0o644


def test_install_with_the_real_defaults_command_writes_valid_toml(destdir):
    """The stub above stands in for `unslump config --defaults`; this runs the real one."""
    result = run(INSTALL, destdir,
                 UNSLUMP_DEFAULTS_CMD=f"{sys.executable} -m device config --defaults")
    config = destdir / "etc/unslump/config.toml"
    assert config.exists(), result.stdout + result.stderr
    parsed = tomllib.loads(config.read_text())
    assert parsed["pins"]["button"] == default_pins().button_bcm
    assert parsed["pins"]["seat"] == default_pins().seat_bcm
