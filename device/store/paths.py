"""Where the break log lives by default.

Under systemd the unit's ``StateDirectory=`` creates a private, writable directory and
names it in ``$STATE_DIRECTORY``, which is the only place a hardened service may write.
Run by hand, the log follows the XDG base directory rules like any desktop program.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DB_NAME = "unslump.db"
APP_DIR = "unslump"


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
    return Path(chosen).expanduser() if chosen else default_db_path(env)
