"""Which program holds a GPIO line, for the one-line error when a pin is busy.

lgpio refuses a line another process has claimed with its own ``lgpio.error('GPIO
busy')``, which names neither the pin nor the holder; the usual holder is a forgotten
``make run`` or ``unslump doctor --live`` in another SSH session. Linux shows a claimed
line as an open ``anon_inode:gpio-line`` file descriptor of the holder (and, from 6.7,
the line offsets in its ``fdinfo``); a program that opened the chip holds
``/dev/gpiochipN``. Reading ``/proc`` needs no root for one's own processes and names
the others' pids where it may.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
COMMAND_CHARS = 80


@dataclass(frozen=True)
class Holder:
    """A process that has GPIO lines or a GPIO chip open."""

    pid: int
    command: str
    exact: bool  # its fdinfo names the very line asked about

    def describe(self) -> str:
        return f"pid {self.pid} ({self.command})"


def pin_errors() -> tuple[type[BaseException], ...]:
    """What claiming a pin may raise: gpiozero's own errors, the OS's, and lgpio's.

    lgpio reports a pin held by another process as ``lgpio.error`` ("GPIO busy"), which
    gpiozero passes on unwrapped; lgpio exists only on a Pi, so it is looked up lazily.
    """
    from gpiozero import GPIOZeroError

    errors: tuple[type[BaseException], ...] = (GPIOZeroError, OSError)
    try:
        import lgpio
    except ImportError:
        return errors
    return (*errors, lgpio.error)


def _gpio_lines(fdinfo: Path) -> list[int] | None:
    """The line offsets a line-request descriptor holds (None: the kernel does not say)."""
    try:
        text = fdinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    lines = [int(value) for name, _, value in (row.partition(":") for row in text.splitlines())
             if name.strip() == "gpio-line" and value.strip().isdigit()]
    return lines or None


def _command(process: Path) -> str:
    try:
        raw = (process / "cmdline").read_bytes()
    except OSError:
        return "command unknown"
    command = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    return command[:COMMAND_CHARS] or "command unknown"


def pin_holders(bcm: int, proc: Path = PROC, own_pid: int | None = None) -> list[Holder]:
    """The processes (not this one) that may hold GPIO line ``bcm``; exact matches first."""
    own = os.getpid() if own_pid is None else own_pid
    found: list[Holder] = []
    for process in proc.iterdir() if proc.is_dir() else []:
        if not process.name.isdigit() or int(process.name) == own:
            continue
        exact = False
        candidate = False
        try:
            descriptors = list((process / "fd").iterdir())
        except OSError:  # another user's process: not readable without root
            continue
        for descriptor in descriptors:
            try:
                target = os.readlink(descriptor)
            except OSError:
                continue
            if "gpio-line" in target or "gpio-linehandle" in target:
                lines = _gpio_lines(process / "fdinfo" / descriptor.name)
                exact = exact or (lines is not None and bcm in lines)
                candidate = candidate or lines is None
            elif target.startswith("/dev/gpiochip"):
                candidate = True
        if exact or candidate:
            found.append(Holder(int(process.name), _command(process), exact))
    return sorted(found, key=lambda holder: (not holder.exact, holder.pid))


def busy_message(bcm: int, role: str, proc: Path = PROC) -> str:
    """One line: the pin, its job, what holds it and what to do."""
    holders = pin_holders(bcm, proc)
    if holders:
        named = ", ".join(holder.describe() for holder in holders[:3])
        held = f"held by {named}"
    else:
        held = ("held by another program (none of yours: sudo lsof /dev/gpiochip* names "
                "it)")
    return (f"BCM {bcm} for the {role} is busy: {held}; stop that program (a `make run` or "
            "`unslump doctor --live` left open in another session?), or stop the service "
            "(sudo systemctl stop unslump), then try again")


__all__ = ["Holder", "busy_message", "pin_errors", "pin_holders"]
