"""Where a config file declares a section or a key (twice), by line number.

The guide shows whole sections to add (``[audio]`` with ``backend = "buzzer"``); pasted
below a file that already has that section, TOML refuses the file ("Cannot declare
('audio',) twice") and names only the second place. A person needs both places and what
to do: edit the first one. This reads the file as lines, with no TOML parser, so it
works on exactly the text that failed to parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(#.*)?$")
KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


@dataclass(frozen=True)
class Duplicate:
    """The first section or key declared twice: its name and both line numbers (from 1)."""

    section: str
    key: str | None  # None: the section header itself is repeated
    first_line: int
    again_line: int

    def message(self, source: str) -> str:
        """One line naming both places and the fix."""
        if self.key is None:
            return (f"{source}: line {self.again_line}: [{self.section}] is declared a second "
                    f"time (first at line {self.first_line}); put these keys under the "
                    f"existing [{self.section}] at line {self.first_line} and delete the "
                    f"second header, or use: unslump config set {self.section}.KEY VALUE")
        return (f"{source}: line {self.again_line}: [{self.section}] {self.key} is set a second "
                f"time (first at line {self.first_line}); change line {self.first_line} and "
                f"delete line {self.again_line}")


def find_duplicate(text: str) -> Duplicate | None:
    """The first repeated section header or repeated key within a section, if any."""
    headers: dict[str, int] = {}
    keys: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = HEADER.match(line)
        if header:
            section = header.group(1)
            if section in headers:
                return Duplicate(section, None, headers[section], number)
            headers[section] = number
            continue
        key = KEY.match(line)
        if key:
            where = (section, key.group(1))
            if where in keys:
                return Duplicate(section, key.group(1), keys[where], number)
            keys[where] = number
    return None


def find_line(text: str, section: str, key: str | None = None) -> int | None:
    """The line (from 1) where ``[section]`` is declared, or where its ``key`` is set;
    None when the file does not write it there (a default, a dotted or inline table)."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = HEADER.match(line)
        if header:
            current = header.group(1)
            if key is None and current == section:
                return number
            continue
        match = KEY.match(line)
        if key is not None and match and current == section and match.group(1) == key:
            return number
    return None


__all__ = ["Duplicate", "find_duplicate", "find_line"]
