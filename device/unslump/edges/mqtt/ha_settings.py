"""Settings changed from Home Assistant: the reminder interval, the snooze length and the
quiet window, kept on the device across restarts.

The config file gives the defaults; a value set from HA is stored beside the break log
(``ha-settings.json``) and laid over the config at every start, so the device keeps it
without HA and ``unslump config`` shows it as set from Home Assistant. Each value is
checked by the config's own rules (the key's range, ``HH:MM``), so HA cannot set what the
file could not. Only these four keys can be set this way: a broker is not a way to
reconfigure the device at large.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import time
from pathlib import Path
from typing import Any

from unslump.config.file import Config, parse_config
from unslump.errors import ConfigError

FILE_NAME = "ha-settings.json"
SOURCE = "Home Assistant"


@dataclass(frozen=True, slots=True)
class Setting:
    """One key HA may set: its command name (``<prefix>/cmd/<name>``) and config key."""

    name: str
    section: str
    key: str
    label: str


SETTINGS: tuple[Setting, ...] = (
    Setting("remind_after_min", "reminder", "remind_after_min", "Remind after"),
    Setting("snooze_min", "reminder", "snooze_min", "Snooze length"),
    Setting("quiet_start", "quiet", "start", "Quiet from"),
    Setting("quiet_end", "quiet", "end", "Quiet until"),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


def settings_path(db: Path) -> Path:
    """Where the values set from HA are kept: beside the break log (the state directory)."""
    return db.with_name(FILE_NAME)


def value_of(config: Config, setting: Setting) -> Any:
    """The setting's value in ``config``, as the state document and the file carry it."""
    value = getattr(getattr(config, setting.section), setting.key)
    return value.strftime("%H:%M") if isinstance(value, time) else value


def checked(setting: Setting, text: str) -> Any:
    """``text`` from HA as the key's value, or :class:`ConfigError` naming what is wrong."""
    raw: Any = text.strip()
    if setting.section == "reminder":
        try:
            raw = float(raw)
        except ValueError:
            raise ConfigError(f"{SOURCE}: [{setting.section}] {setting.key}: {text!r} is "
                              "not a number") from None
    parsed = parse_config({setting.section: {setting.key: raw}}, SOURCE)
    return value_of(parsed, setting)


def apply(config: Config, values: dict[str, Any]) -> Config:
    """``config`` with the values set from HA laid over it (each checked again)."""
    for name, value in values.items():
        setting = BY_NAME.get(name)
        if setting is None:
            continue
        parsed = parse_config({setting.section: {setting.key: value}}, SOURCE)
        section = replace(getattr(config, setting.section),
                          **{setting.key: getattr(getattr(parsed, setting.section),
                                                  setting.key)})
        config = replace(config, **{setting.section: section})
    return config


def load(path: Path) -> dict[str, Any]:
    """The values set from HA (none if the file is missing); a damaged file is an error
    naming it (delete it to go back to the config file's values)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: cannot read the settings set from Home Assistant "
                          f"({error}); delete the file to use the config file's") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: not a JSON object; delete the file to use the config "
                          "file's settings")
    return {name: value for name, value in data.items() if name in BY_NAME}


def save(path: Path, values: dict[str, Any]) -> None:
    """Write the file whole (a temporary file renamed over it: never half written)."""
    scratch = path.with_name(path.name + ".new")
    scratch.write_text(json.dumps(values, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(scratch, path)


def settled(config: Config, db: Path) -> Config:
    """``config`` with what HA set, for a device whose log is ``db``."""
    return apply(config, load(settings_path(db)))


def described(db: Path) -> list[str]:
    """``unslump config``'s lines for the values set from HA."""
    return [f"[{BY_NAME[name].section}] {BY_NAME[name].key} = {value!r}: set from "
            f"{SOURCE} ({settings_path(db)})"
            for name, value in sorted(load(settings_path(db)).items())]
