"""``unslump config set SECTION.KEY VALUE``: change one key and keep the file valid.

A builder following the guide changes a key or two (the seat's polarity, the buzzer);
editing the TOML by hand invites a second ``[pins]`` section or a typo that stops the
service at its next start. This edits the file through tomlkit, which keeps every
comment and the order of what is there, checks the value and then the whole file as the
service would read it, and only then replaces the file (a temporary file renamed over
it, so a failure leaves the old file whole). The installed file is the template below:
every default commented out, so a section pasted from the guide is never a duplicate.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import time
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from unslump.config.file import SYSTEM_CONFIG, Config, parse_config, render_defaults
from unslump.config.lines import find_duplicate
from unslump.errors import ConfigError

SERVICE = "unslump"
TEMPLATE_HEAD = """\
# Unslump configuration: /etc/unslump/config.toml
#
# Every key is optional; below, each is shown at its default, commented out (a line
# starting with #), so the device runs on the defaults until you change one.
#
# Change a key (checked before the file is written; comments and order kept):
#   sudo unslump config set audio.backend buzzer
#   sudo unslump config set pins.seat_active high
# then: sudo systemctl restart unslump
#
# Or paste a whole section from the guide at the end of this file; each section may
# appear once, so paste a section only once. Check the file with: unslump config
"""


def render_template() -> str:
    """The file the install writes: the full default config, every line commented out."""
    body = render_defaults().splitlines()[2:]  # past the defaults' own title line
    lines = [TEMPLATE_HEAD]
    for line in body:
        if not line:
            lines.append("")
        elif line.startswith("#"):
            lines.append(line)
        else:
            lines.append(f"# {line}")
    return "\n".join(lines).rstrip("\n") + "\n"


@dataclass(frozen=True)
class Change:
    """What ``config set`` did to one file."""

    path: Path
    section: str
    key: str
    before: str | None  # the old value as TOML, None when the key was not in the file
    after: str
    created: bool  # the file did not exist and was written from the template
    hint: str = ""  # what the new value implies for another key, if anything

    def summary(self) -> str:
        was = f" (was {self.before})" if self.before is not None else " (was the default)"
        made = " (a new file from the template)" if self.created else ""
        hint = f"; {self.hint}" if self.hint else ""
        return (f"{self.path}: [{self.section}] {self.key} = {self.after}{was}{made}{hint}; "
                f"restart the service to use it: sudo systemctl restart {SERVICE}")


def target_path(found: Path | None, euid: int, home: Path) -> Path:
    """The file to edit: the one the device would read, else where a new one belongs."""
    if found is not None:
        return found
    return SYSTEM_CONFIG if euid == 0 else home / ".config" / "unslump" / "config.toml"


def split_name(name: str) -> tuple[str, str, Any]:
    """``"audio.backend"`` as (section, key, the key's declared type), or a ConfigError."""
    section, dot, key = name.partition(".")
    sections = {f.name: f for f in fields(Config) if f.metadata.get("section", True)}
    if not dot or not key:
        raise ConfigError(f"config set: {name!r}: name a key as SECTION.KEY, e.g. "
                          "audio.backend")
    if section not in sections:
        raise ConfigError(f"config set: unknown section [{section}]; allowed: "
                          f"{', '.join(sections)}")
    section_type = typing.get_type_hints(Config)[section]
    declared = {f.name for f in fields(section_type)}
    if key not in declared:
        raise ConfigError(f"config set: [{section}] {key}: unknown key; allowed: "
                          f"{', '.join(sorted(declared))}")
    return section, key, typing.get_type_hints(section_type)[key]


def typed_value(text: str, expected: Any) -> Any:
    """The value typed on the command line as the TOML value the key expects.

    Written as TOML (``true``, ``5``, ``"0x3C"``, ``["sat", "sun"]``) it is taken as
    such; a bare word for a text key (``buzzer``) is that text, and a bare ``sat,sun``
    for a list is split at the commas, so nobody has to quote for the shell.
    """
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text
    if typing.get_origin(expected) is tuple and not isinstance(value, list):
        return [item.strip() for item in str(value).split(",") if item.strip()]
    if expected is str or expected is time:
        return value if isinstance(value, str) else text
    if expected is bool and isinstance(value, str):
        words = {"yes": True, "on": True, "no": False, "off": False}
        return words.get(value.lower(), value)
    return value


def read_document(path: Path, text: str) -> tomlkit.TOMLDocument:
    """Parse ``text`` keeping its comments; a duplicate is named with both its lines."""
    duplicate = find_duplicate(text)
    if duplicate is not None:
        raise ConfigError(duplicate.message(str(path)))
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}; fix that line first "
                          "(unslump config names it)") from exc


def validate_text(path: Path, text: str) -> Config:
    """Check ``text`` exactly as the service would read it from ``path``."""
    duplicate = find_duplicate(text)
    if duplicate is not None:
        raise ConfigError(duplicate.message(str(path)))
    try:
        data: Mapping[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_config(data, str(path), base=path.parent)


def implied(config: Config, section: str, key: str) -> str:
    """A word on a key the change quietly affects: ``seat_pull = "auto"`` follows
    ``seat_active``, and a normally-closed switch needs the pull-up all the same."""
    pins = config.pins
    if (section, key) == ("pins", "seat_active") and pins.seat_pull == "auto":
        return (f'seat_pull is "auto", which now means {pins.seat_pull_resolved}; a '
                "normally-closed switch to GND needs: sudo unslump config set "
                "pins.seat_pull up")
    return ""


def set_key(path: Path, name: str, text: str) -> Change:
    """Set ``name`` (SECTION.KEY) to ``text`` in ``path`` and write it only if valid."""
    section, key, expected = split_name(name)
    created = not path.exists()
    try:
        before_text = render_template() if created else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from exc
    document = read_document(path, before_text)
    table = document.get(section)
    if table is None:  # a new section at the end, after a blank line
        table = tomlkit.table()
        if not tomlkit.dumps(document).endswith("\n\n"):
            document.add(tomlkit.nl())
        document.add(section, table)
    elif not isinstance(table, dict):
        raise ConfigError(f"{path}: {section} is not a section; make it [{section}]")
    before = shown(table[key]) if key in table else None
    table[key] = typed_value(text, expected)
    after_text = tomlkit.dumps(document)
    after_text += "" if after_text.endswith("\n") else "\n"
    config = validate_text(path, after_text)
    write_atomically(path, after_text)
    after = shown(table[key])
    return Change(path, section, key, before, after, created, implied(config, section, key))


def shown(item: Any) -> str:
    """A value as TOML, without the comment that may follow it on its line."""
    value = item.unwrap() if hasattr(item, "unwrap") else item
    return str(tomlkit.item(value).as_string())


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``; a failure anywhere leaves the old file as it was."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        handle, temporary = tempfile.mkstemp(prefix=".config.toml.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        hint = "; run it with sudo" if exc.errno in (1, 13) else ""
        raise ConfigError(f"{path}: cannot write: {exc.strerror}{hint}") from exc


__all__ = ["Change", "render_template", "set_key", "split_name", "target_path",
           "typed_value", "validate_text"]
