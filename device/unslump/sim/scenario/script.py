"""Reading a scenario file into timed actions, or one ``FILE:LINE: problem`` error.

Format, one command a line, ``#`` starts a comment::

    start 2026-11-24T09:00      # optional: local wall-clock time at t=0 [and a zone]
    0:00 sit                     # seat occupied
    0:45:30 press                # button pressed, released 100 ms later
    0:46 hold 3                  # button held for 3 seconds, then released
    0:50 stand                   # seat vacated
    1:00 walljump +5h            # the wall clock jumps; monotonic time goes on
    2:00 power-cut               # the device dies here: no stop, no final write
    2:05 boot                    # a fresh device starts on the same log and pins
    8:00 end                     # run to this time, then stop

``down`` and ``up`` drive the button one edge at a time, for the cases a press and a
hold cannot express. While the power is off, ``sit``, ``stand`` and the button still
move the pins (the person does not stop), and the next ``boot`` reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from unslump.errors import ScenarioError

PRESS_S = 0.1  # how long a scripted press keeps the button down

_TIME = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d)(\.\d{1,3})?)?$")
_DURATION = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)(s|m|h)?$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, None: 1}

# Every number is bounded, so that no file can hang the runner, overflow a datetime or
# cost minutes of CPU: a month of virtual time plays in a few seconds.
MAX_ELAPSED_H = 31 * 24
MAX_HOLD_S = 3600.0
MAX_JUMP_H = 365 * 24
START_YEARS = (1970, 2200)
MAX_COMMANDS = 100_000


class Action(StrEnum):
    """What a scenario line does to the device: a seat change or a button edge."""

    SIT = "sit"
    STAND = "stand"
    DOWN = "down"
    UP = "up"
    WALLJUMP = "walljump"
    POWER_CUT = "power-cut"
    BOOT = "boot"


@dataclass(frozen=True, slots=True)
class Move:
    """One edge or clock change at ``at`` seconds since the start."""

    at: float
    action: Action
    seconds: float = 0.0  # the jump, for walljump
    line: int = 0


@dataclass(frozen=True, slots=True)
class Script:
    """A parsed scenario: when it starts, its moves in time order, and when it ends."""

    start: datetime | None  # naive: local time in ``zone``, or in the process's TZ
    moves: tuple[Move, ...]  # sorted by time; presses and holds already split into edges
    end: float
    zone: str | None = None  # an IANA zone named on the start line, like Europe/Berlin


def parse_script(text: str, source: str) -> Script:
    """Parse a whole file; the first problem raises :class:`ScenarioError`."""
    start: datetime | None = None
    zone: str | None = None
    moves: list[Move] = []
    last_at = 0.0
    end: float | None = None
    powered = True
    commands = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        where = f"{source}:{number}"
        commands += 1
        if commands > MAX_COMMANDS:
            raise ScenarioError(f"{where}: more than {MAX_COMMANDS} commands; split the "
                                "scenario into several files")
        if end is not None:
            raise ScenarioError(f"{where}: nothing may follow 'end'")
        if words[0] == "start":
            start, zone = _parse_start(words, where, bool(moves))
            continue
        at = _parse_time(words[0], where)
        if at < last_at:
            raise ScenarioError(f"{where}: time {words[0]} is earlier than the line before")
        last_at = at
        if len(words) < 2:
            raise ScenarioError(f"{where}: a time needs a command after it (sit, stand, press, "
                                f"hold, down, up, walljump, power-cut, boot, end)")
        command, args = words[1], words[2:]
        if command == "end":
            _expect_args(args, 0, where, command)
            end = at
        elif command in (Action.POWER_CUT, Action.BOOT):
            _expect_args(args, 0, where, command)
            if powered != (command == Action.POWER_CUT):
                state = "on" if powered else "off"
                raise ScenarioError(f"{where}: '{command}' while the power is already {state}; "
                                    "power-cut and boot take turns")
            powered = command == Action.BOOT
            moves.append(Move(at, Action(command), line=number))
        else:
            moves += _parse_command(command, args, at, where, number)
    moves.sort(key=lambda s: s.at)
    _check_jumps(moves, source)
    final = end if end is not None else max((s.at for s in moves), default=0.0)
    return Script(start, tuple(moves), final, zone)


def read_script(path: Path) -> Script:
    """Read and parse a scenario file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the scenario file: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file; a scenario is UTF-8 text") from None
    return parse_script(text, str(path))


def _parse_command(command: str, args: list[str], at: float, where: str,
                   line: int) -> list[Move]:
    simple = {"sit": Action.SIT, "stand": Action.STAND, "down": Action.DOWN, "up": Action.UP}
    if command in simple:
        _expect_args(args, 0, where, command)
        return [Move(at, simple[command], line=line)]
    if command == "press":
        _expect_args(args, 0, where, command)
        return [Move(at, Action.DOWN, line=line), Move(at + PRESS_S, Action.UP, line=line)]
    if command == "hold":
        _expect_args(args, 1, where, command)
        seconds = _parse_duration(args[0], where, signed=False)
        if seconds > MAX_HOLD_S:
            raise ScenarioError(f"{where}: hold {args[0]} is out of range; allowed: 0s to 1h")
        if at + seconds > MAX_ELAPSED_H * 3600:
            raise ScenarioError(f"{where}: hold {args[0]} ends after {MAX_ELAPSED_H}:00, the "
                                "longest a scenario may run")
        return [Move(at, Action.DOWN, line=line), Move(at + seconds, Action.UP, line=line)]
    if command == "walljump":
        _expect_args(args, 1, where, command)
        jump = _parse_duration(args[0], where, signed=True)
        if abs(jump) > MAX_JUMP_H * 3600:
            raise ScenarioError(f"{where}: walljump {args[0]} is out of range; allowed: "
                                f"-{MAX_JUMP_H}h to +{MAX_JUMP_H}h")
        return [Move(at, Action.WALLJUMP, jump, line)]
    raise ScenarioError(f"{where}: unknown command {command!r}; use sit, stand, press, hold, "
                        f"down, up, walljump, power-cut, boot or end")


def _check_jumps(moves: list[Move], source: str) -> None:
    """The wall clock may end up at most a year from where it started, however many jumps."""
    shift = 0.0
    for move in moves:
        if move.action is Action.WALLJUMP:
            shift += move.seconds
            if abs(shift) > MAX_JUMP_H * 3600:
                raise ScenarioError(f"{source}:{move.line}: the walljumps so far add up to "
                                    f"{shift / 3600:+.0f}h; allowed: -{MAX_JUMP_H}h to "
                                    f"+{MAX_JUMP_H}h in all")


def _expect_args(args: list[str], count: int, where: str, command: str) -> None:
    if len(args) != count:
        wanted = "no argument" if count == 0 else "one duration like 3s, 5m or 2h"
        raise ScenarioError(f"{where}: '{command}' takes {wanted}, got {' '.join(args)!r}")


def _parse_start(words: list[str], where: str,
                 after_steps: bool) -> tuple[datetime, str | None]:
    """``start TIME [ZONE]``: the local wall time at t=0, and the zone it is local to."""
    if after_steps:
        raise ScenarioError(f"{where}: 'start' must come before the first timed line")
    if len(words) not in (2, 3):
        raise ScenarioError(f"{where}: 'start' takes one ISO 8601 time like 2026-11-24T09:00, "
                            "and optionally a time zone like Europe/Berlin")
    zone = words[2] if len(words) == 3 else None
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ValueError, ZoneInfoNotFoundError):
            raise ScenarioError(f"{where}: {zone!r} is not a time zone like "
                                "Europe/Berlin") from None
    try:
        start = datetime.fromisoformat(words[1])
    except ValueError:
        raise ScenarioError(f"{where}: {words[1]!r} is not an ISO 8601 time "
                            f"like 2026-11-24T09:00") from None
    if not START_YEARS[0] <= start.year <= START_YEARS[1]:
        raise ScenarioError(f"{where}: start {words[1]} is out of range; allowed: years "
                            f"{START_YEARS[0]} to {START_YEARS[1]}")
    if zone is not None and start.tzinfo is not None:
        raise ScenarioError(f"{where}: give 'start' a UTC offset or a time zone, not both")
    return start, zone


def _parse_time(word: str, where: str) -> float:
    match = _TIME.match(word)
    if match is None:
        raise ScenarioError(f"{where}: {word!r} is not a time like H:MM, H:MM:SS "
                            f"or H:MM:SS.fff")
    hours, minutes, seconds, fraction = match.groups()
    if len(hours) > 4 or int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0) > (
            MAX_ELAPSED_H * 3600):
        raise ScenarioError(f"{where}: time {word} is out of range; allowed: up to "
                            f"{MAX_ELAPSED_H}:00 ({MAX_ELAPSED_H // 24} days)")
    return (int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)
            + float(fraction or 0))


def _parse_duration(word: str, where: str, *, signed: bool) -> float:
    match = _DURATION.match(word)
    if match is None or (match.group(1) and not signed):
        kind = "a signed duration like +5h or -90s" if signed else "a duration like 3, 90s or 5m"
        raise ScenarioError(f"{where}: {word!r} is not {kind}")
    sign, number, unit = match.groups()
    value = float(number) * _UNIT_S[unit]
    return -value if sign == "-" else value
