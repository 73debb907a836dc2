"""scripts/install.sh and uninstall.sh, staged into a temporary DESTDIR.

With DESTDIR set the scripts lay their files under it and only print the commands that
would change the live system (apt-get, useradd, venv, pip, systemctl). The commands that
only look (dpkg-query, apt-cache, getent, id, systemctl is-enabled/is-active) still run,
so each test puts fakes of them first on PATH and says what the "system" has: which
packages are installed, which the archive offers, whether the user exists, whether
systemd runs. That shows every decision the script takes on a Pi, without root or
network; the chroot matrix (make test-install) runs the same scripts for real.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.paths import REPO
from unslump.config.pins import default_pins

REPO = REPO
INSTALL = REPO / "scripts" / "install.sh"
UNINSTALL = REPO / "scripts" / "uninstall.sh"
UNIT = REPO / "systemd" / "unslump.service"
DEFAULT_TOML = '[pins]\nbutton = 17\n'
BASE_PACKAGES = ("python3-venv", "i2c-tools", "alsa-utils")
GLIB = "libglib2.0-0t64"  # Trixie's name; Bookworm's is libglib2.0-0
EVERYTHING = " ".join((*BASE_PACKAGES, GLIB, "python3-lgpio", "python3-pygame", "python3-pil"))

FAKES = {
    # dpkg-query -W -f=FORMAT PACKAGE: "installed" for the packages in $FAKE_INSTALLED.
    "dpkg-query": 'for a; do p=$a; done\n'
                  'case " $FAKE_INSTALLED " in *" $p "*) echo installed ;; *) exit 1 ;; esac\n',
    # apt-cache policy PACKAGE: a candidate for the packages in $FAKE_AVAILABLE.
    "apt-cache": 'case " $FAKE_AVAILABLE " in *" $2 "*) echo "  Candidate: 1.0-1" ;;\n'
                 '*) echo "  Candidate: (none)" ;; esac\n',
    "getent": '[ "$1" = passwd ] && [ "$FAKE_USER" = 1 ] && echo "unslump:x:999:999::/:/x"\n'
              '[ "$1" = group ] && [ "$FAKE_GROUPS" = 1 ] && echo "$2:x:99:"\n'
              '[ "$1" = group ] && [ "$FAKE_GROUPS" = 1 ] || [ "$FAKE_USER" = 1 ]\n',
    "id": '[ "$1" = -nG ] && { echo "unslump $FAKE_USER_GROUPS"; exit 0; }\n'
          'exec /usr/bin/id "$@"\n',
    "systemctl": 'echo "systemctl $*" >>"$FAKE_LOG"\n'
                 'case "$*" in *is-enabled*) [ "$FAKE_ENABLED" = 1 ] ;;\n'
                 '*is-active*) [ "$FAKE_ACTIVE" = 1 ] ;; esac\n',
}


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


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    """The looking-only system commands, answering from FAKE_* variables."""
    directory = tmp_path / "fake-bin"
    directory.mkdir()
    for name, body in FAKES.items():
        path = directory / name
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(0o755)
    return directory


@pytest.fixture
def system(fake_bin: Path, tmp_path: Path) -> dict[str, str]:
    """A Raspberry Pi OS card with nothing of ours yet, systemd running, arm64."""
    return {
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "UNSLUMP_ARCH": "arm64",
        "UNSLUMP_SYSTEMD_RUNNING": "1",
        "FAKE_INSTALLED": "",
        "FAKE_AVAILABLE": EVERYTHING,
        "FAKE_USER": "0",
        "FAKE_GROUPS": "1",
        "FAKE_USER_GROUPS": "gpio i2c audio",
        "FAKE_ENABLED": "0",
        "FAKE_ACTIVE": "0",
        "FAKE_LOG": str(tmp_path / "systemctl.log"),
    }


def run(script: Path, destdir: Path, system: dict[str, str], expect: int = 0,
        **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**system, "DESTDIR": str(destdir), **env}
    result = subprocess.run(["sh", str(script)], capture_output=True, text=True,
                            env=full_env, timeout=60, check=False)
    assert result.returncode == expect, result.stdout + result.stderr
    return result


def install(destdir: Path, defaults: Path, system: dict[str, str], expect: int = 0,
            **env: str) -> subprocess.CompletedProcess[str]:
    return run(INSTALL, destdir, system, expect, UNSLUMP_DEFAULTS_CMD=f"cat {defaults}", **env)


def tree(root: Path) -> set[str]:
    """Every file and link under root, as paths relative to it (directories left out)."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def apt_install_line(out: str) -> list[str]:
    lines = [line for line in out.splitlines() if line.startswith("dry-run: apt-get install")]
    assert len(lines) == 1, out
    return lines[0].split()


def stage_venv(destdir: Path) -> None:
    """A venv that exists and runs, as a first real install leaves it."""
    python = destdir / "opt/unslump/venv/bin/python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\nexit 0\n")
    python.chmod(0o755)


# -- files laid down ---------------------------------------------------------------------


def test_install_lays_down_exactly_the_unit_config_and_link(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    assert tree(destdir) == {
        "etc/systemd/system/unslump.service",
        "etc/unslump/config.toml",
        "usr/local/bin/unslump",
    }


def test_install_unit_is_the_repository_unit(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    installed = destdir / "etc/systemd/system/unslump.service"
    assert installed.read_text() == UNIT.read_text()
    assert installed.stat().st_mode & 0o777 == 0o644


def test_install_prefix_is_rewritten_into_the_unit_and_link(destdir, defaults_cmd, system):
    result = install(destdir, defaults_cmd, system, PREFIX="/srv/unslump")
    unit = (destdir / "etc/systemd/system/unslump.service").read_text()
    assert "ExecStart=/srv/unslump/venv/bin/unslump run" in unit
    assert "ExecStopPost=/srv/unslump/venv/bin/unslump blank" in unit
    assert "/opt/unslump" not in unit
    assert os.readlink(destdir / "usr/local/bin/unslump") == "/srv/unslump/venv/bin/unslump"
    assert "dry-run: python3 -m venv --system-site-packages /srv/unslump/venv" in result.stdout


def test_install_link_points_at_the_venv_command(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    assert os.readlink(destdir / "usr/local/bin/unslump") == "/opt/unslump/venv/bin/unslump"


def test_install_writes_the_default_config(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    config = destdir / "etc/unslump/config.toml"
    assert config.read_text() == DEFAULT_TOML
    assert config.stat().st_mode & 0o777 == 0o644


def test_install_second_run_keeps_an_edited_config(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    config = destdir / "etc/unslump/config.toml"
    config.write_text("[pins]\nbutton = 22\n")
    defaults_cmd.write_text("[pins]\nbutton = 5\n")
    result = install(destdir, defaults_cmd, system)
    assert config.read_text() == "[pins]\nbutton = 22\n"
    assert "keeping the existing" in result.stdout


def test_install_failing_defaults_command_writes_no_config(destdir, system):
    result = run(INSTALL, destdir, system, UNSLUMP_DEFAULTS_CMD="false")
    assert not (destdir / "etc/unslump/config.toml").exists()
    assert list((destdir / "etc/unslump").iterdir()) == []  # no temp file left behind
    assert "warning: 'false' failed; no config written" in result.stdout
    assert (destdir / "etc/systemd/system/unslump.service").exists()


def test_install_empty_defaults_output_writes_no_config(destdir, system):
    run(INSTALL, destdir, system, UNSLUMP_DEFAULTS_CMD="true")
    assert not (destdir / "etc/unslump/config.toml").exists()


def test_install_relative_prefix_is_refused(destdir, defaults_cmd, system):
    result = install(destdir, defaults_cmd, system, expect=1, PREFIX="opt/unslump")
    assert "PREFIX must be an absolute path" in result.stderr
    assert tree(destdir) == set()


def test_install_config_dir_is_readable_whatever_the_umask(destdir, defaults_cmd, system):
    env = {**system, "DESTDIR": str(destdir), "UNSLUMP_DEFAULTS_CMD": f"cat {defaults_cmd}"}
    result = subprocess.run(["sh", "-c", f"umask 077; sh {INSTALL}"], capture_output=True,
                            text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert (destdir / "etc/unslump").stat().st_mode & 0o777 == 0o755
    assert (destdir / "etc/unslump/config.toml").stat().st_mode & 0o777 == 0o644
    assert (destdir / "etc/systemd/system/unslump.service").stat().st_mode & 0o777 == 0o644


def test_install_with_the_real_template_command_writes_every_default_commented_out(destdir,
                                                                                  system):
    """The stub above stands in for `unslump config --template`; this runs the real one.

    Nothing in the file is set, so any section the guide shows can be pasted once."""
    result = run(INSTALL, destdir, system,
                 UNSLUMP_DEFAULTS_CMD=f"{sys.executable} -m unslump config --template")
    config = destdir / "etc/unslump/config.toml"
    assert config.exists(), result.stdout + result.stderr
    text = config.read_text()
    assert tomllib.loads(text) == {}
    assert f"# button = {default_pins().button_bcm}" in text.splitlines()
    assert "# [audio]" in text.splitlines()
    config.write_text(text + '\n[audio]\nbackend = "buzzer"\n')  # as the guide's snippet
    assert tomllib.loads(config.read_text()) == {"audio": {"backend": "buzzer"}}


def test_install_stops_on_an_invalid_existing_config_naming_the_line(destdir, defaults_cmd,
                                                                      system):
    config = destdir / "etc/unslump/config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[audio]\nvolume = 0.2\n\n[audio]\nbackend = \"buzzer\"\n")
    result = install(destdir, defaults_cmd, system, expect=1,
                     UNSLUMP_CHECK_CMD=f"{sys.executable} -m unslump config --config")
    assert (f"unslump: {config}: line 4: [audio] is declared a second time (first at line 1)"
            in result.stderr)
    assert ("not valid (the line above says where); fix it (sudo unslump config set "
            "SECTION.KEY VALUE, or edit it), then run this again. The service was not "
            "restarted") in result.stderr
    assert "5/6" not in result.stdout  # no unit written, nothing enabled or restarted


def test_install_keeps_a_valid_existing_config_after_checking_it(destdir, defaults_cmd, system):
    config = destdir / "etc/unslump/config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[pins]\nbutton = 22\n")
    install(destdir, defaults_cmd, system,
            UNSLUMP_CHECK_CMD=f"{sys.executable} -m unslump config --config")
    assert config.read_text() == "[pins]\nbutton = 22\n"


def test_install_prints_the_next_steps(destdir, defaults_cmd, system):
    out = install(destdir, defaults_cmd, system).stdout
    assert "raspi-config nonint do_i2c 0" in out
    assert "hardware/pins.md" in out
    assert "unslump doctor" in out
    assert "dtoverlay=max98357a,no-sdmode" in out


# -- system packages ---------------------------------------------------------------------


def test_install_arm64_takes_only_runtime_packages_without_recommends(destdir, defaults_cmd,
                                                                     system):
    """64-bit: pygame and Pillow wheels bundle their libraries (but GLib); no SDL, no -dev."""
    words = apt_install_line(install(destdir, defaults_cmd, system).stdout)
    assert "--no-install-recommends" in words
    packages = words[words.index("--no-install-recommends") + 1:]
    assert sorted(packages) == sorted((*BASE_PACKAGES, GLIB, "python3-lgpio"))


def test_install_arm64_glib_for_the_pygame_wheel_by_bookworms_name(destdir, defaults_cmd,
                                                                  system):
    """The wheel's fluidsynth needs libgthread-2.0: without it pygame.mixer cannot load."""
    words = apt_install_line(install(
        destdir, defaults_cmd, system,
        FAKE_AVAILABLE=EVERYTHING.replace(GLIB, "libglib2.0-0")).stdout)
    assert "libglib2.0-0" in words
    assert GLIB not in words


def test_install_arm64_glib_already_there_by_either_name(destdir, defaults_cmd, system):
    for name in (GLIB, "libglib2.0-0"):
        out = install(destdir, defaults_cmd, system,
                      FAKE_INSTALLED=" ".join((*BASE_PACKAGES, "python3-lgpio", name))).stdout
        assert "dry-run: apt-get" not in out


def test_install_armhf_takes_pygame_and_pillow_from_debian(destdir, defaults_cmd, system):
    """32-bit: PyPI has no armhf wheels for pygame and Pillow; Debian's builds instead."""
    words = apt_install_line(install(destdir, defaults_cmd, system, UNSLUMP_ARCH="armhf").stdout)
    assert {"python3-pygame", "python3-pil", "python3-lgpio"} <= set(words)
    assert not [w for w in words if w.endswith("-dev") or w.startswith(("gcc", "libsdl"))]
    assert not [w for w in words if w.startswith("libglib")]  # apt brings Debian's deps


def test_install_pip_takes_wheels_only(destdir, defaults_cmd, system):
    out = install(destdir, defaults_cmd, system).stdout
    pip = next(line for line in out.splitlines() if "venv/bin/pip install" in line)
    assert "--only-binary :all:" in pip


def test_install_everything_present_runs_no_apt_get(destdir, defaults_cmd, system):
    out = install(destdir, defaults_cmd, system, FAKE_INSTALLED=EVERYTHING).stdout
    assert "dry-run: apt-get" not in out
    assert "all already installed; apt-get not run" in out


def test_install_apt_update_failure_is_a_warning(destdir, defaults_cmd, system):
    """An offline Pi: the lists already there may still have what is missing."""
    result = install(destdir, defaults_cmd, system, UNSLUMP_DRYRUN_FAIL="apt-get update")
    assert "warning: apt-get update failed" in result.stdout
    assert "dry-run: apt-get install" in result.stdout
    assert (destdir / "etc/systemd/system/unslump.service").exists()


def test_install_apt_install_failure_stops_naming_the_packages(destdir, defaults_cmd, system):
    result = install(destdir, defaults_cmd, system, expect=1,
                     UNSLUMP_DRYRUN_FAIL="apt-get install")
    assert (f"apt-get could not install python3-venv i2c-tools alsa-utils {GLIB} python3-lgpio"
            in result.stderr)


def test_install_without_python3_lgpio_in_apt_falls_back_to_the_pypi_wheel(
        destdir, defaults_cmd, system):
    """Plain Debian: no python3-lgpio; the install goes on and tries PyPI's real wheel."""
    out = install(destdir, defaults_cmd, system,
                  FAKE_AVAILABLE=" ".join(BASE_PACKAGES)).stdout
    assert "python3-lgpio" not in apt_install_line(out)
    assert "python3-lgpio is not in the apt sources" in out
    assert "--only-binary :all: lgpio>=0.2.2" in out  # not the empty 0.0.0.x placeholders


def test_install_lgpio_already_installed_asks_nothing_more(destdir, defaults_cmd, system):
    out = install(destdir, defaults_cmd, system, FAKE_INSTALLED="python3-lgpio").stdout
    assert "python3-lgpio" not in apt_install_line(out)
    assert "lgpio>=" not in out


# -- building from a clean copy -------------------------------------------------------------


def test_install_pip_builds_from_a_temporary_copy_not_the_checkout(destdir, defaults_cmd,
                                                                 system):
    out = install(destdir, defaults_cmd, system).stdout
    pip = next(line for line in out.splitlines() if "venv/bin/pip install" in line)
    source = Path(pip.split()[-1])
    assert "unslump-src." in source.name
    assert REPO not in source.parents and source != REPO
    assert not source.exists()  # removed when the install ends


def test_install_stale_build_dir_in_the_checkout_is_reported_not_touched(tmp_path, defaults_cmd,
                                                                       system):
    """A root-owned build/ from an older install is named, and left to its owner."""
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO / "scripts", checkout / "scripts")
    shutil.copytree(REPO / "systemd", checkout / "systemd")
    shutil.copytree(REPO / "device", checkout / "device",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, checkout / name)
    (checkout / "build/lib/unslump").mkdir(parents=True)
    (checkout / "build/lib/unslump/deleted_module.py").write_text("")
    destdir = tmp_path / "root"
    destdir.mkdir()
    out = run(checkout / "scripts/install.sh", destdir, system,
              UNSLUMP_DEFAULTS_CMD=f"cat {defaults_cmd}").stdout
    assert "build is left over from an older install" in out
    assert (checkout / "build/lib/unslump/deleted_module.py").exists()


# -- systemd ----------------------------------------------------------------------------------


def test_install_with_systemd_running_reloads_enables_and_restarts(destdir, defaults_cmd,
                                                                  system):
    out = install(destdir, defaults_cmd, system).stdout
    order = [out.index(f"dry-run: systemctl {verb}")
             for verb in ("daemon-reload", "enable unslump.service", "restart unslump.service")]
    assert order == sorted(order)


def test_install_without_systemd_enables_offline_and_skips_reload_and_restart(
        destdir, defaults_cmd, system):
    """A chroot, an image being built, a container: the steps that need PID 1 are skipped."""
    out = install(destdir, defaults_cmd, system, UNSLUMP_SYSTEMD_RUNNING="0").stdout
    assert f"dry-run: systemctl --root={destdir} enable unslump.service" in out
    assert "daemon-reload" not in out
    assert "dry-run: systemctl restart" not in out
    assert "systemd is not running here" in out
    assert "it starts at the next boot" in out


def test_install_without_systemctl_links_the_unit_by_hand(destdir, defaults_cmd, system,
                                                          fake_bin, tmp_path):
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    for tool in ("sh", "dirname", "cat", "sed", "mkdir", "chmod", "mv", "ln", "rm", "cmp",
                 "readlink", "mktemp", "find", "sort", "xargs", "sha256sum", "cut", "tar",
                 "awk", "python3", "printf", "basename"):
        found = shutil.which(tool)
        if found:
            (bare / tool).symlink_to(found)
    env = {**system, "PATH": f"{fake_bin}:{bare}", "UNSLUMP_SYSTEMD_RUNNING": "0"}
    (fake_bin / "systemctl").unlink()
    out = install(destdir, defaults_cmd, env).stdout
    wants = destdir / "etc/systemd/system/multi-user.target.wants/unslump.service"
    assert os.readlink(wants) == "/etc/systemd/system/unslump.service"
    assert "linked" in out


# -- a second run ---------------------------------------------------------------------------


def test_install_second_run_changes_nothing_and_says_so(destdir, defaults_cmd, system):
    stage_venv(destdir)
    present = {**system, "FAKE_INSTALLED": EVERYTHING, "FAKE_USER": "1"}
    first = install(destdir, defaults_cmd, present).stdout
    assert "changed: " in first
    before = {name: (destdir / name).read_bytes() for name in tree(destdir)
              if not (destdir / name).is_symlink()}
    second = install(destdir, defaults_cmd, {**present, "FAKE_ENABLED": "1",
                                             "FAKE_ACTIVE": "1"}).stdout
    assert "nothing changed: everything was already in place" in second
    assert "pip not run" in second
    assert "dry-run:" not in second  # not one system-changing command
    assert "service running; nothing changed, so not restarted" in second
    assert {name: (destdir / name).read_bytes() for name in tree(destdir)
            if not (destdir / name).is_symlink()} == before


def test_install_second_run_after_a_source_change_reinstalls_and_restarts(
        destdir, defaults_cmd, system, tmp_path):
    stage_venv(destdir)
    present = {**system, "FAKE_INSTALLED": EVERYTHING, "FAKE_USER": "1", "FAKE_ENABLED": "1",
               "FAKE_ACTIVE": "1"}
    install(destdir, defaults_cmd, present)
    (destdir / "opt/unslump/venv/.unslump-source").write_text("from an older checkout\n")
    out = install(destdir, defaults_cmd, present).stdout
    assert "venv/bin/pip install" in out
    assert "dry-run: systemctl restart unslump.service" in out


def test_install_missing_group_membership_is_added(destdir, defaults_cmd, system):
    out = install(destdir, defaults_cmd, system, FAKE_USER="1", FAKE_USER_GROUPS="gpio").stdout
    assert "dry-run: usermod --append --groups gpio,i2c,audio unslump" in out


# -- uninstall ------------------------------------------------------------------------------


def put_log(destdir: Path) -> None:
    log = destdir / "var/lib/unslump/unslump.db"
    log.parent.mkdir(parents=True)
    log.write_bytes(b"breaks")


def test_install_uninstall_keeps_data_and_config_by_default(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    put_log(destdir)
    result = run(UNINSTALL, destdir, {**system, "FAKE_ENABLED": "1"})
    assert tree(destdir) == {"etc/unslump/config.toml", "var/lib/unslump/unslump.db"}
    assert "dry-run: systemctl disable --now unslump.service" in result.stdout
    assert "userdel" not in result.stdout
    assert "kept /var/lib/unslump" in result.stdout


def test_install_uninstall_purge_removes_data_config_and_user(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    put_log(destdir)
    result = run(UNINSTALL, destdir, {**system, "FAKE_USER": "1"}, PURGE="1")
    assert tree(destdir) == set()
    assert "dry-run: userdel unslump" in result.stdout
    assert "the user unslump" in result.stdout.split("removed:")[1].splitlines()[0]


def test_install_uninstall_reports_only_what_it_removed(destdir, defaults_cmd, system):
    """Nothing installed: a purge says there was nothing, instead of "purged"."""
    result = run(UNINSTALL, destdir, system, PURGE="1")
    assert "removed:" not in result.stdout
    assert "not there (nothing to remove)" in result.stdout
    assert "the user unslump" in result.stdout
    assert "userdel" not in result.stdout


def test_install_uninstall_twice_is_harmless(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    run(UNINSTALL, destdir, system)
    second = run(UNINSTALL, destdir, system)
    assert tree(destdir) == {"etc/unslump/config.toml"}
    assert "removed:" not in second.stdout


def test_install_uninstall_removes_a_staged_venv(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    stage_venv(destdir)
    result = run(UNINSTALL, destdir, system)
    assert not (destdir / "opt/unslump").exists()
    assert "/opt/unslump/venv" in result.stdout.split("removed:")[1]


def test_install_uninstall_without_systemd_disables_offline(destdir, defaults_cmd, system):
    install(destdir, defaults_cmd, system)
    result = run(UNINSTALL, destdir, {**system, "UNSLUMP_SYSTEMD_RUNNING": "0",
                                      "FAKE_ENABLED": "1"})
    assert f"dry-run: systemctl --root={destdir} disable unslump.service" in result.stdout
    assert "daemon-reload" not in result.stdout


# -- the scripts themselves -----------------------------------------------------------------


def test_install_scripts_are_shellcheck_clean():
    """shellcheck comes from scripts/ci-deps.sh (make test installs it when missing)."""
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.fail("shellcheck not found: run scripts/ci-deps.sh (apt-get install shellcheck)")
    scripts = sorted(str(p.relative_to(REPO)) for p in (REPO / "scripts").glob("*.sh"))
    result = subprocess.run([shellcheck, "-x", *scripts], cwd=REPO, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_install_dep_sources_names_where_each_package_came_from():
    result = subprocess.run([sys.executable, "-B", str(REPO / "scripts/dep_sources.py"),
                             "gpiozero", "no-such-dist"],
                            capture_output=True, text=True, timeout=60, check=True)
    lines = result.stdout.splitlines()
    gpiozero = next(line for line in lines if line.strip().startswith("gpiozero "))
    assert gpiozero.endswith(": PyPI wheel (venv)")
    assert any(line.strip().startswith("colorzero ") for line in lines)  # its dependency
    assert "  no-such-dist: not installed" in lines


def test_install_service_that_fails_to_start_is_a_warning(destdir, defaults_cmd, system):
    """Everything is installed by then; the doctor says what the service lacks."""
    result = install(destdir, defaults_cmd, system,
                     UNSLUMP_DRYRUN_FAIL="systemctl restart")
    assert "warning: the service did not start" in result.stdout
    assert "unslump doctor" in result.stdout


def test_install_second_run_with_the_pypi_lgpio_runs_no_apt_get(destdir, defaults_cmd, system):
    """Plain Debian, after a first run fell back to PyPI's lgpio: nothing to ask apt."""
    python = destdir / "opt/unslump/venv/bin/python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\nexit 0\n")  # `import lgpio` succeeds
    python.chmod(0o755)
    out = install(destdir, defaults_cmd, system,
                  FAKE_INSTALLED=" ".join((*BASE_PACKAGES, GLIB))).stdout
    assert "dry-run: apt-get" not in out
    assert "PyPI's wheel already in the venv" in out


def test_install_lgpio_in_the_venv_is_looked_up_not_imported(destdir, defaults_cmd, system,
                                                            tmp_path):
    """Importing lgpio makes its notification pipe in the working directory: the checkout.

    Found by make test-install on Bookworm armhf: the second run left a root-owned
    .lgd-nfy0 in the user's clone.
    """
    module_dir = tmp_path / "site"
    module_dir.mkdir()
    (module_dir / "lgpio.py").write_text("open('.lgd-nfy0', 'w').close()\n")
    python = destdir / "opt/unslump/venv/bin/python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\nPYTHONPATH={module_dir} exec {sys.executable} \"$@\"\n")
    python.chmod(0o755)
    workdir = tmp_path / "checkout-cwd"
    workdir.mkdir()
    env = {**system, "DESTDIR": str(destdir), "UNSLUMP_DEFAULTS_CMD": f"cat {defaults_cmd}",
           "FAKE_INSTALLED": " ".join((*BASE_PACKAGES, GLIB))}
    result = subprocess.run(["sh", str(INSTALL)], capture_output=True, text=True, env=env,
                            cwd=workdir, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PyPI's wheel already in the venv" in result.stdout
    assert list(workdir.iterdir()) == []
