"""The helpers of make test-install that run on the host: test-install-deps.sh, log_rows.py.

`make test-install` itself needs root, an emulator and minutes; these parts decide what a
fresh host gets installed and whether an upgrade kept the break log, so they are checked
here with fakes first on PATH (apt-get, mount, update-binfmts answer from a directory
standing in for /proc/sys/fs/binfmt_misc) and with export files written by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO

DEPS = REPO / "scripts" / "test-install-deps.sh"
LOG_ROWS = REPO / "scripts" / "log_rows.py"
HOST_TOOLS = ("debootstrap", "qemu-aarch64-static", "qemu-arm-static", "update-binfmts",
              "systemd-nspawn", "git", "dpkg-deb", "pip")

# update-binfmts --enable NAME: the entry appears, if the format is known. It is on PATH
# when the host has binfmt-support, or once the fake apt-get has installed it.
UPDATE_BINFMTS = ('echo "update-binfmts $*" >>"$FAKE_LOG"\n'
                  '[ "$1" = --enable ] && [ "$FAKE_FORMATS" = known ] && '
                  ': >"$UNSLUMP_BINFMT_MISC/$2"\nexit 0\n')
FAKES = {
    "apt-get": 'echo "apt-get $*" >>"$FAKE_LOG"\n'
               'case " $* " in *" binfmt-support "*)\n'
               '  printf "#!/bin/sh\\n%s" "$FAKE_UPDATE_BINFMTS" >"$FAKE_BIN/update-binfmts"\n'
               '  /bin/chmod 755 "$FAKE_BIN/update-binfmts" ;; esac\n',
    # mount -t binfmt_misc binfmt_misc DIR: the kernel's table appears, if allowed.
    "mount": '[ "$FAKE_MOUNT" = ok ] || exit 32\n: >"$UNSLUMP_BINFMT_MISC/register"\n',
}


def deps(tmp_path: Path, present: tuple[str, ...], arch: str = "arm64", mount: str = "ok",
         formats: str = "known", table: tuple[str, ...] = ()) -> tuple[
             subprocess.CompletedProcess[str], list[str]]:
    """Run test-install-deps.sh on a host with only ``present`` of the tools."""
    fakes = tmp_path / "bin"
    fakes.mkdir()
    for name, body in FAKES.items():
        (fakes / name).write_text("#!/bin/sh\n" + body)
    for name in present:
        body = UPDATE_BINFMTS if name == "update-binfmts" else "exit 0\n"
        (fakes / name).write_text("#!/bin/sh\n" + body)
    for path in fakes.iterdir():
        path.chmod(0o755)
    binfmt = tmp_path / "binfmt_misc"
    binfmt.mkdir()
    for name in table:
        (binfmt / name).touch()
    log = tmp_path / "calls.log"
    log.touch()
    env = {"PATH": str(fakes), "FAKE_LOG": str(log), "FAKE_MOUNT": mount,
           "FAKE_BIN": str(fakes), "FAKE_UPDATE_BINFMTS": UPDATE_BINFMTS,
           "FAKE_FORMATS": formats, "UNSLUMP_BINFMT_MISC": str(binfmt)}
    result = subprocess.run(["/bin/sh", str(DEPS), arch], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    return result, log.read_text().splitlines()


def test_install_deps_fresh_host_gets_every_tool_and_the_binfmt_entry(tmp_path):
    """Found on a fresh machine: make test-install stopped at once for want of
    qemu-user-static and binfmt-support, and skipped the boot without systemd-container."""
    result, calls = deps(tmp_path, present=())
    assert result.returncode == 0, result.stderr
    install = [call for call in calls if " install " in call]
    assert len(install) == 1, calls
    assert set(install[0].split()) >= {"--no-install-recommends", "debootstrap",
                                       "qemu-user-static", "binfmt-support",
                                       "systemd-container", "git", "python3-pip"}
    assert "update-binfmts --enable qemu-aarch64" in calls
    assert (tmp_path / "binfmt_misc/register").exists()


def test_install_deps_everything_there_runs_no_apt_get(tmp_path):
    result, calls = deps(tmp_path, present=HOST_TOOLS, table=("register", "qemu-arm"),
                         arch="armhf")
    assert result.returncode == 0, result.stderr
    assert calls == []


def test_install_deps_armhf_enables_qemu_arm(tmp_path):
    result, calls = deps(tmp_path, present=HOST_TOOLS, table=("register",), arch="armhf")
    assert result.returncode == 0, result.stderr
    assert "update-binfmts --enable qemu-arm" in calls
    assert not any(call.startswith("apt-get") for call in calls)


def test_install_deps_binfmt_misc_not_mountable_is_one_line_and_exit_1(tmp_path):
    result, _ = deps(tmp_path, present=HOST_TOOLS, mount="denied")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(
        "test-install-deps: cannot mount binfmt_misc on ")


def test_install_deps_format_unknown_after_enable_is_exit_1(tmp_path):
    result, _ = deps(tmp_path, present=HOST_TOOLS, table=("register",), formats="unknown")
    assert result.returncode == 1
    assert "no binfmt_misc entry qemu-aarch64" in result.stderr


def test_install_deps_unknown_arch_is_refused(tmp_path):
    result, calls = deps(tmp_path, present=(), arch="riscv64")
    assert result.returncode == 2
    assert calls == []


# -- log_rows.py: did the upgrade keep the break log ---------------------------------------

OLD = {"bouts": [{"start": "2026-01-01T09:00:00+01:00", "seated_s": 2700}],
       "breaks": [{"start": "2026-01-01T09:45:00+01:00", "kind": "guided", "completed": True}],
       "reminders": []}


def log_rows(tmp_path: Path, *args: object) -> subprocess.CompletedProcess[str]:
    paths = []
    for index, arg in enumerate(args):
        if isinstance(arg, dict):
            path = tmp_path / f"export-{index}.json"
            path.write_text(json.dumps(arg))
            paths.append(str(path))
        else:
            paths.append(str(arg))
    return subprocess.run([sys.executable, str(LOG_ROWS), *paths], capture_output=True,
                          text=True, timeout=60, check=False)


def test_log_rows_count_says_total_and_tables_with_rows(tmp_path):
    result = log_rows(tmp_path, "count", OLD)
    assert result.returncode == 0
    assert result.stdout.strip() == "2 rows (bouts 1, breaks 1)"


def test_log_rows_kept_with_new_rows_and_a_new_column(tmp_path):
    new = {"bouts": [{**OLD["bouts"][0], "source": "seat"}],
           "breaks": [*OLD["breaks"], {"start": "2026-01-02T10:00:00+01:00",
                                       "kind": "natural", "completed": True}],
           "reminders": [], "device_events": [{"at": "2026-01-02T08:00:00+01:00"}]}
    result = log_rows(tmp_path, "kept", OLD, new)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("2 of 2 rows (bouts 1, breaks 1) kept; the log now holds "
                                    "4 rows")


@pytest.mark.parametrize("new", [
    {"bouts": [], "breaks": OLD["breaks"]},  # a row gone
    {"breaks": OLD["breaks"]},  # a table gone
    {"bouts": [{**OLD["bouts"][0], "seated_s": 62}], "breaks": OLD["breaks"]},  # changed
])
def test_log_rows_kept_fails_naming_the_lost_row(tmp_path, new):
    result = log_rows(tmp_path, "kept", OLD, new)
    assert result.returncode == 1
    assert result.stdout.startswith("1 of 2 rows")
    assert '  gone: bouts: {"seated_s": 2700' in result.stdout


def test_log_rows_one_new_row_matches_one_old_row_only(tmp_path):
    old = {"breaks": [OLD["breaks"][0], OLD["breaks"][0]]}
    result = log_rows(tmp_path, "kept", old, {"breaks": [OLD["breaks"][0]]})
    assert result.returncode == 1
    assert result.stdout.startswith("1 of 2 rows")


def test_log_rows_not_an_export_is_an_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    result = log_rows(tmp_path, "count", bad)
    assert result.returncode == 1
    assert "not an `unslump export --format json` output" in result.stderr
