"""What a path must be before anything opens it: checked where a person names one.

A NUL ends a path inside the kernel (Python refuses it with a traceback), a newline splits
every message that quotes it over two journal lines, and Linux takes at most 4,095 bytes
in a path and 255 in one name (``ENAMETOOLONG``). Named in the config or with ``--db``,
each is one line naming where it came from.
"""

from __future__ import annotations

PATH_MAX, NAME_MAX = 4096, 255  # Linux: a whole path with its NUL, one of its names (bytes)


def control_problem(text: str) -> str | None:
    """Why ``text`` cannot be shown on one line (a control character), or None."""
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return f"{shown(text)} holds a control character (a NUL, a newline, a tab); remove it"
    return None


def path_problem(text: str) -> str | None:
    """Why ``text`` cannot be a path on Linux, or None."""
    if problem := control_problem(text):
        return problem
    encoded = text.encode("utf-8", "surrogateescape")
    longest = max((len(part) for part in encoded.split(b"/")), default=0)
    if len(encoded) >= PATH_MAX or longest > NAME_MAX:
        return (f"{shown(text)} is too long for a path (at most {PATH_MAX - 1} bytes, "
                f"{NAME_MAX} a name); use a shorter one")
    return None


def shown(text: str) -> str:
    """``text`` quoted in a message, cut to a length a terminal line can hold."""
    return repr(text) if len(text) <= 60 else repr(text[:40]) + f"... ({len(text)} chars)"
