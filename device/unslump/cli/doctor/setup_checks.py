"""More ``unslump doctor`` checks: the service's own user and log, sound cards, I2S pins.

``doctor`` is usually run by the builder from a login shell, but the device runs as the
``unslump`` system user with its log in its own state directory. Checking the caller's
log and groups would report a setup nobody runs, so these checks ask systemd what the
service runs as and look at that. They read only: nothing here opens a part the
service may hold.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import sqlite3
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from unslump.cli.doctor.boot_config import BootLine, board_model, boot_lines
from unslump.cli.doctor.report import (
    ACTIVE,
    SERVICE,
    CheckResult,
    Probe,
)
from unslump.cli.stats import read_only_log
from unslump.config.file import SPARE_PINS, Config, find_config, load_config
from unslump.config.pins import default_pins
from unslump.edges.store.paths import chosen_db_path
from unslump.errors import ConfigError, ConfigValueError, StoreError, UsageError

DB_NAME = "unslump.db"
# dtoverlay names that claim the PCM/I2S pins (a sound card on BCM 18-21).
I2S_OVERLAY = re.compile(r"max98357a|hifiberry|iqaudio|justboom|i2s|rpi-dac|allo-|"
                         r"googlevoicehat|adau|pcm5102|audioinjector|dionaudio")
CARD_LINE = re.compile(r"^\s*(\d+) \[(\S+)\s*\]:\s*(.*)$")


@dataclass(frozen=True)
class ServiceUnit:
    """What systemd says the installed unit runs as, and where it keeps its state."""

    user: str
    state: Path  # the unit's StateDirectory, under /var/lib
    groups: tuple[str, ...]

    @property
    def db(self) -> Path:
        return self.state / DB_NAME


def service_unit(probe: Probe) -> ServiceUnit | None:
    """The installed unit's user, state directory and groups; None when not installed."""
    argv = ["systemctl", "show", "--property=LoadState", "--property=User",
            "--property=StateDirectory", "--property=SupplementaryGroups", SERVICE]
    try:
        shown = probe.run_command(argv)
    except (OSError, subprocess.TimeoutExpired):
        return None
    values = dict(line.partition("=")[::2] for line in shown.stdout.splitlines())
    if shown.returncode != 0 or values.get("LoadState") != "loaded" or not values.get("User"):
        return None
    state = values.get("StateDirectory", "").split()
    return ServiceUnit(values["User"], probe.state_root / (state[0] if state else SERVICE),
                       tuple(values.get("SupplementaryGroups", "").split()))


def groups_of(user: str) -> tuple[str, ...] | None:
    """The groups ``user`` belongs to (primary included); None when there is no such user."""
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return None
    return tuple(group.gr_name for group in grp.getgrall()
                 if user in group.gr_mem or group.gr_gid == entry.pw_gid)


def check_service_user(unit: ServiceUnit | None, probe: Probe,
                       lookup: Callable[[str], tuple[str, ...] | None] = groups_of
                       ) -> CheckResult:
    """The user the unit runs as exists and is in the groups the unit names."""
    if unit is None:
        return CheckResult("service user", True, "no unit installed (sudo make install "
                           "creates the user)")
    groups = lookup(unit.user)
    if groups is None:
        return CheckResult("service user", False, f"the unit runs as {unit.user}, but there "
                           "is no such user", "sudo make install creates it")
    missing = [group for group in unit.groups if group not in groups]
    if missing:
        return CheckResult(
            "service user", False, f"{unit.user} is not in {', '.join(missing)}",
            f"sudo usermod -aG {','.join(missing)} {unit.user}; then sudo systemctl "
            f"restart {SERVICE}")
    return CheckResult("service user", True, f"{unit.user} (groups: "
                       f"{', '.join(unit.groups) or 'none asked'})")


def check_service_store(db: str | None, config: Config, unit: ServiceUnit | None,
                        probe: Probe) -> CheckResult:
    """The log the device writes: the service's, when a unit is installed.

    ``--db`` or ``[store] path`` still win; otherwise the caller's own default would be
    checked, a file the service never touches. The service's state directory is private
    to its user and group (mode 0750), so from another user this says how to look instead.
    """
    if db or config.store.path or unit is None:
        return check_store(chosen_db_path(db, config.store.path, probe.env))
    folder = unit.db.parent
    if not folder.exists():
        return CheckResult("store", True, f"{unit.db} (not created yet: systemd makes {folder} "
                           f"for {unit.user} when the service starts)")
    if folder.is_dir() and not probe.access(folder, os.R_OK | os.X_OK):
        return CheckResult("store", True, f"{unit.db}: not tested, private to the service "
                           f"user {unit.user} (sudo unslump doctor checks it)", mark="SKIP")
    result = check_store(unit.db)
    return CheckResult(result.name, result.ok, f"{result.detail} (the service's log, "
                       f"user {unit.user})", result.fix, result.mark)


def sound_cards(probe: Probe) -> list[tuple[int, str]]:
    """ALSA's cards as (number, id), from ``/proc/asound/cards``."""
    try:
        text = (probe.proc_dir / "asound" / "cards").read_text(encoding="utf-8")
    except OSError:
        return []
    return [(int(match[1]), match[2]) for line in text.splitlines()
            if (match := CARD_LINE.match(line))]


def check_sound_cards(config: Config, probe: Probe) -> CheckResult:
    """Exactly one card for pygame: SDL opens ALSA's default, card 0."""
    cards = sound_cards(probe)
    listed = ", ".join(f"card {number}: {name}" for number, name in cards)
    if config.audio.backend != "pygame":
        return CheckResult("sound cards", True, f"{len(cards)} ({listed or 'none'}); not "
                           f'used with [audio] backend = "{config.audio.backend}"')
    if not cards:
        return CheckResult("sound cards", False, "none (aplay -l lists none either)",
                           "add the config.txt lines for your speaker (hardware/README.md), "
                           "reboot, then aplay -l")
    if len(cards) > 1:
        return CheckResult(
            "sound cards", True, f"{len(cards)} ({listed}); the device plays on card "
            f"{cards[0][0]} ({cards[0][1]})",
            "if that is not your speaker: dtparam=audio=off and ,noaudio on the "
            "vc4-kms-v3d line in /boot/firmware/config.txt, then reboot", mark="WARN")
    return CheckResult("sound cards", True, f"1 ({listed})")


def i2s_overlay_lines(probe: Probe) -> list[BootLine]:
    """The ``dtoverlay=`` lines of config.txt that put a sound card on the I2S pins."""
    try:
        text = probe.boot_config.read_text(encoding="utf-8")
    except OSError:
        return []
    return [line for line in boot_lines(text, board_model(probe.proc_dir))
            if line.text.startswith("dtoverlay=")
            and I2S_OVERLAY.search(line.text.split("=", 1)[1])]


def i2s_overlays(probe: Probe) -> list[str]:
    """The I2S overlay lines this Pi loads (those in another model's section left out)."""
    return [line.text for line in i2s_overlay_lines(probe) if line.applies]


def claims_sd_pin(overlay: str) -> bool:
    """max98357a without ``no-sdmode`` drives GPIO 4 (the amplifier's SD) itself."""
    name, _, params = overlay.split("=", 1)[1].partition(",")
    return name.strip() == "max98357a" and "no-sdmode" not in (p.strip() for p in
                                                                params.split(","))


def check_i2s_pins(config: Config, probe: Probe) -> CheckResult:
    """[pins] clear of BCM 18-21 (and 4 for a max98357a in sdmode) while an I2S overlay
    owns them; an overlay in another model's section; max98357a without no-sdmode."""
    found = i2s_overlay_lines(probe)
    overlays = [line.text for line in found if line.applies]
    if not overlays:
        skipped = [line for line in found if not line.applies]
        if skipped:
            model = board_model(probe.proc_dir) or "this Pi"
            return CheckResult(
                "i2s pins", True, f"{skipped[0].text} is under [{skipped[0].section}] in "
                f"{probe.boot_config}, which the {model} skips: no I2S sound card",
                f"move the line below an [all] line at the end of {probe.boot_config}, "
                "then reboot", mark="WARN")
        return CheckResult("i2s pins", True, f"no I2S overlay in {probe.boot_config}")
    sdmode = [overlay for overlay in overlays if claims_sd_pin(overlay)]
    # PCM CLK, FS, DOUT and DIN; and the amplifier's SD when the overlay drives it
    i2s: tuple[int, ...] = (*default_pins().i2s_bcm, 20, *((4,) if sdmode else ()))
    used = {"button": config.pins.button, "seat": config.pins.seat}
    if config.audio.backend == "buzzer":
        used["buzzer"] = config.pins.buzzer
    clash = [f"{name} = {pin}" for name, pin in used.items() if pin in i2s]
    shown = ", ".join(map(str, sorted(i2s)))
    if clash:
        free = ", ".join(str(pin) for pin in SPARE_PINS if pin not in used.values())
        return CheckResult(
            "i2s pins", True, f"[pins] {', '.join(clash)} while {probe.boot_config} has "
            f"{overlays[0]}: the sound card takes that pin", f"move it to a free pin ({free}) "
            "in the config and on the header (hardware/pins.md)"
            + ("; or add ,no-sdmode to the overlay to free GPIO 4" if sdmode else ""),
            mark="WARN")
    if sdmode:
        return CheckResult(
            "i2s pins", True, f"{sdmode[0]} without no-sdmode: the overlay drives GPIO 4 "
            "for the amplifier's SD pin", f"make it dtoverlay=max98357a,no-sdmode in "
            f"{probe.boot_config} (SD left open: the board's pull-up keeps it on), then "
            "reboot", mark="WARN")
    return CheckResult("i2s pins", True, f"{overlays[0]}; [pins] clear of BCM {shown}")


__all__ = [
    "ServiceUnit",
    "check_i2s_pins",
    "check_service_store",
    "check_service_user",
    "check_sound_cards",
    "claims_sd_pin",
    "groups_of",
    "i2s_overlay_lines",
    "i2s_overlays",
    "service_unit",
    "sound_cards",
]


SECRET_KEYS = ("password_file", "key_file")
"""The [mqtt] files that hold a secret: the broker password, the TLS client key."""


def check_secret_files(config: Config,
                       stat_of: Callable[[Path], os.stat_result] = os.stat) -> list[CheckResult]:
    """A WARN for each secret file that users other than its owner (and the service's
    group) may read: the password in it opens the broker to anyone on the machine."""
    results = []
    for key in SECRET_KEYS:
        named = getattr(config.mqtt, key)
        if not named:
            continue
        path = Path(named).expanduser()
        try:
            info = stat_of(path)
        except OSError:
            continue  # the broker check says the file cannot be read
        mode = info.st_mode & 0o777
        readers = _other_readers(info)
        if readers is None:
            continue
        results.append(CheckResult(
            f"mqtt {key}", True, f"{path} (mode {mode:o}) can be read by {readers}",
            f"sudo chmod 600 {path} (or 640 with group {SERVICE}), so that only its owner "
            "and the service read it", mark="WARN"))
    return results


def _other_readers(info: os.stat_result) -> str | None:
    """Who besides the owner and the service's group may read the file, or None."""
    if info.st_mode & 0o004:
        return "every user"
    if not info.st_mode & 0o040:
        return None
    group = _group_name(info.st_gid)
    owner = _user_name(info.st_uid)
    if group in (SERVICE, owner):  # the service's group, or the owner's private group
        return None
    return f"the group {group}"


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def check_config(cli_path: str | None, env: Mapping[str, str]) -> tuple[CheckResult, Config]:
    """The config file found and valid; the defaults stand in when it is not."""
    path = None
    try:
        path = find_config(cli_path, env)
        config = load_config(path)
    except ConfigError as exc:
        named = path is not None and cli_path is not None
        return CheckResult("config", False, str(exc), config_fix(exc, path, named)), Config()
    if path is None:
        return CheckResult("config", True, "no config file; using the built-in defaults "
                           "(unslump config --defaults prints them)"), config
    return CheckResult("config", True, f"{path} is valid"), config


def config_fix(exc: ConfigError, path: Path | None, named: bool = False) -> str:
    """What to do about a config the service would refuse: the command that changes the
    key (it checks the value and the whole file before writing), or the file to edit at
    the line the error names; then the doctor again. ``named``: the file was given with
    ``--config``, so the command names it too."""
    sudo = "sudo " if path is not None and not os.access(path, os.W_OK) else ""
    again = "then run unslump doctor again (the checks below use the defaults)"
    if isinstance(exc, ConfigValueError) and exc.key is not None:
        option = f" --config {path}" if named else ""
        return (f"{sudo}unslump config{option} set {exc.section}.{exc.key} VALUE (unslump "
                f"config --defaults says what each key takes), or edit that line in {path}; "
                f"{again}")
    where = path if path is not None else "the config file"
    return f"edit {where} at the line named ({sudo}nano {where}); {again}"


def check_store(path: Path) -> CheckResult:
    """The break log opens healthy, or (not created yet) its directory is writable.

    A log that does not exist yet is not created here: the doctor may run as another
    user than the service, and a file it created would then belong to the wrong one.
    """
    fix = ("make the directory writable by the user the device runs as, or set "
           "[store] path (or --db) to a writable place")
    if not path.exists():
        parent = path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return CheckResult("store", True, f"{path} (not created yet; {parent} is "
                               "writable)")
        return CheckResult("store", False, f"{path} cannot be created ({parent} is not "
                           "writable)", fix)
    if path.is_dir():
        return CheckResult("store", False, f"{path} is a directory, not a break log", fix)
    # Read-only, never SqliteStore.open: that would move a non-SQLite file aside and
    # create a log in its place, and the path may come from a config any user can write.
    try:
        with read_only_log(path) as connection:
            (check,) = connection.execute("PRAGMA quick_check(1)").fetchone()
    except (UsageError, StoreError, sqlite3.Error) as exc:
        return CheckResult("store", False, str(exc), "move the file aside (the device "
                           "does so itself for a damaged log) or fix [store] path")
    if check != "ok":
        return CheckResult("store", False, f"{path} is damaged ({' '.join(str(check).split())})",
                           "the device moves it aside and starts a new log when it starts")
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    if writable:
        return CheckResult("store", True, f"{path} opens and is writable")
    return CheckResult("store", False, f"{path} exists but cannot be written", fix)


def check_service(probe: Probe) -> CheckResult:
    """What systemd says about the unit, or that it is not installed as a service."""
    try:
        state = probe.run_command(["systemctl", "is-active", SERVICE])
    except FileNotFoundError:
        return CheckResult("service", True, "not installed as a service (no systemctl)")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return CheckResult("service", False, f"systemctl did not answer ({exc})",
                           "check systemd: systemctl status")
    if state.stdout == "active":
        return CheckResult("service", True, ACTIVE)
    if not state.stdout:  # systemd is not running here (a container, a chroot, an image)
        reason = state.stderr.splitlines()[0] if state.stderr else "no answer"
        if probe.unit_file.exists():
            return CheckResult(
                "service", False, f"{probe.unit_file} is installed, but systemd cannot be "
                f"reached ({reason}), so whether it runs is unknown",
                "expected in a chroot, a container or an image being built: the unit starts "
                "at the next boot; on the Pi itself, check systemctl status")
        return CheckResult("service", True, f"not installed, and systemd cannot be reached "
                           f"here ({reason})")
    if state.stdout != "failed" and not _unit_installed(probe):
        return CheckResult("service", True, "not installed as a service (sudo make install "
                           "sets it up)")
    return CheckResult(
        "service", False, f"{SERVICE} is {state.stdout}",
        f"see why with journalctl -u {SERVICE} -e; then sudo systemctl restart {SERVICE}")


def _unit_installed(probe: Probe) -> bool:
    """True when systemd knows the unit file (enabled or not)."""
    try:
        enabled = probe.run_command(["systemctl", "is-enabled", SERVICE])
    except (OSError, subprocess.TimeoutExpired):
        return False
    return enabled.returncode == 0 or enabled.stdout in ("disabled", "static", "masked")
