"""Where the break log lives by default.

Under systemd the unit's ``StateDirectory=`` creates a private, writable directory and
names it in ``$STATE_DIRECTORY``, which is the only place a hardened service may write.
Run by hand, the log follows the XDG base directory rules like any desktop program.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from unslump.config.path_text import path_problem, shown
from unslump.errors import UsageError

DB_NAME = "unslump.db"
SIMULATOR_DB_NAME = "simulator.db"
APP_DIR = "unslump"

SERVICE_UNITS = (Path("/etc/systemd/system/unslump.service"),
                 Path("/usr/lib/systemd/system/unslump.service"),
                 Path("/lib/systemd/system/unslump.service"))
"""Where ``make install`` (or a package) puts the unit: its presence means a service log."""

SERVICE_DB = Path("/var/lib") / APP_DIR / DB_NAME
"""The installed service's log: ``StateDirectory=unslump`` under systemd's /var/lib."""


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """``$STATE_DIRECTORY/unslump.db``, else ``$XDG_DATA_HOME/unslump/unslump.db``, else
    ``~/.local/share/unslump/unslump.db``.

    ``env`` defaults to ``os.environ``. ``STATE_DIRECTORY`` may list several directories
    separated by ``:`` (one per ``StateDirectory=`` entry): the first is ours. A relative
    ``XDG_DATA_HOME`` is ignored, as the XDG specification requires.
    """
    env = os.environ if env is None else env
    state = env.get("STATE_DIRECTORY", "").split(":")[0]
    if state:
        return Path(state) / DB_NAME
    data_home = env.get("XDG_DATA_HOME", "")
    if data_home and Path(data_home).is_absolute():
        return Path(data_home) / APP_DIR / DB_NAME
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return home / ".local" / "share" / APP_DIR / DB_NAME


def chosen_db_path(override: str | None, configured: str,
                   env: Mapping[str, str] | None = None) -> Path:
    """``--db``, else ``[store] path``, else :func:`default_db_path`: how every command
    (the device, the doctor) picks the log."""
    chosen = override or configured
    if override and (problem := path_problem(override)):
        raise UsageError(f"--db: {problem}")  # [store] path was checked at load
    return Path(chosen).expanduser() if chosen else default_db_path(env)


def writable_db_path(override: str) -> Path:
    """``--db`` for a log the command writes at once (``scenario``), checked before it runs.

    The device keeps rows in memory while its log cannot be written and retries (the disk
    may come back); a scenario lasts a moment, so a log it could not write would lose every
    row at the end. Refused here, in one line, as a configured path would be.
    """
    if problem := path_problem(override):
        raise UsageError(f"--db {shown(override)}: {problem}")
    path = Path(override).expanduser()
    if path.is_dir():
        raise UsageError(f"--db {shown(override)} is a directory; name a file in it, "
                         f"e.g. {shown(str(path / 'scenario.db'))}")
    if (above := next((p for p in path.parents if p.exists()), None)) and not above.is_dir():
        raise UsageError(f"--db {shown(override)}: {shown(str(above))} is a file, not a "
                         "folder; name a file in a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--db {shown(override)}: cannot make its folder "
                         f"({error.strerror}); name a file in a writable folder") from None
    if not os.access(path.parent, os.W_OK | os.X_OK) or (
            path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--db {shown(override)} is not writable by this user; name a file "
                         "in a writable folder")
    return path


def simulator_db_path(override: str | None, env: Mapping[str, str] | None = None) -> Path:
    """``--db``, else ``simulator.db`` beside the default log: the simulator's own log.

    ``[store] path`` names a device's log, and simulated sitting, stopped stretches and
    notice answers must never count in that device's stats, so the simulator leaves it
    alone; ``unslump stats --sim`` reads this file."""
    if override:
        return Path(override).expanduser()
    return default_db_path(env).with_name(SIMULATOR_DB_NAME)


def reader_db_path(override: str | None, configured: str,
                   env: Mapping[str, str] | None = None,
                   units: tuple[Path, ...] = SERVICE_UNITS,
                   service_db: Path = SERVICE_DB) -> Path:
    """The log that ``stats`` and ``export`` read: ``--db``, else ``[store] path``, else
    the service's log when the service is installed, else :func:`default_db_path`.

    Run by hand on an installed device (``sudo unslump stats``, or as a member of the
    ``unslump`` group), the caller's own default would be a log nobody writes.
    """
    if override or configured or not any(unit.exists() for unit in units):
        return chosen_db_path(override, configured, env)
    return service_db
