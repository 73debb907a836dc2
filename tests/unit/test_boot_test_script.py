"""scripts/boot-test.sh, the nspawn part of make test-install, on a stand-in systemd-nspawn.

The real boot takes minutes under qemu and root; here `systemd-nspawn`, `chroot` and
`dpkg` are fakes first on PATH, so what the script hands the container (the drop-ins)
and what it says when the boot cannot run are checked in milliseconds. The fake nspawn
copies the unit's drop-in directory as the container would have seen it, prints a
console line and exits as nspawn does when the container's init cannot start.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import REPO

REPO = REPO
BOOT_TEST = REPO / "scripts" / "boot-test.sh"

FAKES = {
    "dpkg": 'echo "$FAKE_HOST_ARCH"\n',
    # chroot ROOT dpkg --print-architecture answers the root's; anything else succeeds.
    "chroot": 'shift\n[ "$*" = "dpkg --print-architecture" ] && echo "$FAKE_ROOT_ARCH"\n'
              'case "$*" in "dpkg-query -W -f=\\${Version} systemd") echo 257.13-1 ;; esac\n'
              'exit 0\n',
    "systemd-nspawn": 'for a; do case $a in --directory=*) root=${a#--directory=} ;; esac; done\n'
                      'cp -r "$root/etc/systemd/system/unslump.service.d" "$FAKE_SEEN"\n'
                      'cp -r "$root/etc/systemd/system" "$FAKE_SEEN.units"\n'
                      'printf "%b\\n" "$FAKE_CONSOLE"\n'
                      'exit 1\n',
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An installed root, as far as boot-test.sh looks: the unit and its wants link."""
    root = tmp_path / "root"
    for directory in ("etc/systemd/system/multi-user.target.wants", "usr/local/sbin",
                      "var/log", "var/lib"):
        (root / directory).mkdir(parents=True)
    (root / "etc/systemd/system/unslump.service").write_text(
        (REPO / "systemd/unslump.service").read_text())
    (root / "etc/machine-id").write_text("0" * 32 + "\n")
    return root


def boot(root: Path, tmp_path: Path, root_arch: str, console: str = "") -> tuple[
        subprocess.CompletedProcess[str], Path]:
    fakes = tmp_path / "fake-bin"
    fakes.mkdir()
    for name, body in FAKES.items():
        (fakes / name).write_text("#!/bin/sh\n" + body)
        (fakes / name).chmod(0o755)
    logs = tmp_path / "logs"
    logs.mkdir()
    seen = tmp_path / "seen-dropins"
    env = {"PATH": f"{fakes}:{os.environ['PATH']}", "FAKE_HOST_ARCH": "amd64",
           "FAKE_ROOT_ARCH": root_arch, "FAKE_SEEN": str(seen), "FAKE_CONSOLE": console,
           "UNSLUMP_BOOT_POLL_S": "0.01"}
    result = subprocess.run(["sh", str(BOOT_TEST), str(root), str(logs)], capture_output=True,
                            text=True, env=env, timeout=60, check=False)
    return result, seen


def test_boot_test_emulated_lifts_private_network_for_the_boot_only(root, tmp_path):
    """Found by make test-install bookworm arm64: under qemu-user 7.2 every start failed
    at step NETWORK (225), since qemu's recvmsg() without an iovec returns 0, not EAGAIN."""
    _, seen = boot(root, tmp_path, "arm64")
    qemu = (seen / "boot-test-qemu.conf").read_text()
    assert "PrivateNetwork=no" in qemu.splitlines()
    assert "MemoryDenyWriteExecute=no" in qemu.splitlines()
    assert "Environment=GPIOZERO_PIN_FACTORY=mock" in (
        seen / "boot-test-mock-pins.conf").read_text().splitlines()
    # The unit itself keeps its network closed, and the drop-ins go after the test.
    unit = (root / "etc/systemd/system/unslump.service").read_text().splitlines()
    assert {"RestrictAddressFamilies=AF_UNIX", "IPAddressDeny=any"} <= set(unit)
    assert not (root / "etc/systemd/system/unslump.service.d").exists()
    assert not (root / "etc/systemd/system/unslump-boot-test.service").exists()


def test_boot_test_native_keeps_the_whole_sandbox(root, tmp_path):
    _, seen = boot(root, tmp_path, "amd64")
    assert sorted(p.name for p in seen.iterdir()) == ["boot-test-mock-pins.conf"]


def test_boot_test_nspawn_that_cannot_start_is_a_one_line_skip(root, tmp_path):
    """test-install.sh reports the last stderr line as the reason: it must say it all."""
    result, _ = boot(root, tmp_path, "arm64",
                     console="Failed to mount cgroup hierarchy: Operation not permitted")
    assert result.returncode == 77, result.stdout + result.stderr
    reason = result.stderr.splitlines()[-1]
    assert reason.startswith("systemd-nspawn exited with status 1 after ")
    assert "before the root's systemd 257.13-1 ran any unit" in reason
    assert "Failed to mount cgroup hierarchy: Operation not permitted" in reason


def test_boot_test_systemd_that_cannot_spawn_names_that_line(root, tmp_path):
    """Found by make test-install trixie armhf: systemd 257 under qemu-user 7.2 fails
    every unit at 'Failed to spawn executor: Invalid argument' and then stands still; the
    skip said only that no unit ran (the console, with --console=pipe, was empty)."""
    console = ("\\033[0;1;31mFAILED\\033[0m Failed to mount dev-hugepages.mount\\n"
               "dev-hugepages.mount: Failed to spawn executor: Invalid argument\\n"
               "run-lock.mount: Failed to spawn executor: Invalid argument\\n"
               "Container unslump-boot-test terminated by signal KILL.")
    result, _ = boot(root, tmp_path, "arm64", console=console)
    assert result.returncode == 77, result.stdout + result.stderr
    reason = result.stderr.splitlines()[-1]
    assert "root's systemd 257.13-1 ran any unit: 'dev-hugepages.mount: Failed to spawn " \
           "executor: Invalid argument' (every unit alike, under qemu-user" in reason
    assert "\\033" not in reason and "\x1b" not in reason


def test_boot_test_emulated_systemd_257_lifts_mount_namespaces_and_credentials(root, tmp_path):
    """Found booting Trixie under Trixie's qemu-user 10.0: systemd 257 then spawns its
    units, but every mount namespace fails (226/NAMESPACE, the unit's ProtectSystem= and
    PrivateTmp= alike) and so do credentials (journald never starts); logind restarts for
    ever. All of it for the boot only: nothing stays in the root."""
    stock = root / "usr/lib/systemd/system"
    stock.mkdir(parents=True)
    (stock / "systemd-journald.service").write_text("[Service]\nImportCredential=journal.*\n")
    (stock / "getty@.service").write_text("[Service]\nExecStart=/sbin/agetty\n")
    _, seen = boot(root, tmp_path, "arm64")
    qemu = (seen / "boot-test-qemu.conf").read_text().splitlines()
    assert {"ProtectSystem=no", "PrivateTmp=no", "ProtectHome=no", "PrivateMounts=no"} <= set(qemu)
    units = Path(f"{seen}.units")
    journald = (units / "systemd-journald.service.d/boot-test-qemu-credentials.conf").read_text()
    assert "ImportCredential=" in journald.splitlines()
    assert not (units / "getty@.service.d").exists()
    assert os.readlink(units / "systemd-logind.service") == "/dev/null"
    left = {p.name for p in (root / "etc/systemd/system").iterdir()}
    assert left == {"multi-user.target.wants", "unslump.service"}
    # The unit file itself keeps its whole sandbox.
    unit = (root / "etc/systemd/system/unslump.service").read_text().splitlines()
    assert {"ProtectSystem=strict", "PrivateTmp=yes"} <= set(unit)
