"""Routine files: a TOML file read, checked key by key, and handed to the core as values.

A routine (the shipped lower-back stretch, the standing break, or a user's own) is data:
its phases in order with their lengths, breath pacing, ticks, start sounds and cue lines
per variant (see ``device/unslump/config/routines/lower-back.toml``, which documents the
format). This module is the only place that reads one; the core gets a frozen
:class:`~unslump.core.routine_spec.RoutineSpec` and never a path. Every rule a file can
break is one line naming the file, the phase and the key, and what is allowed, so
``unslump routine check FILE`` and the service's start-up say the same thing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import Field, fields, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from unslump.core.records import Variant
from unslump.core.routine import plan_routine
from unslump.core.routine_spec import Amount, Breath, PhaseSpec, Routines, RoutineSpec
from unslump.core.settings import ROUTINE_DURATION_KEYS, SHIPPED_ROUTINES, RoutineConfig
from unslump.core.tones import PHASE_MARKS
from unslump.errors import RoutineFileError

STRETCH = "lower-back"
WALK = "standing-break"
"""The shipped routines: the default stretch, and the break for whom it is not right."""

ROUTINE_MIN_S, ROUTINE_MAX_S = 60.0, 600.0
"""A routine as a whole lasts 1 to 10 minutes: shorter is a blink, longer a session."""

TITLE_MAX = 8  # characters of the large font beside the repetition count
CUE_MAX = 21  # characters of the 6x12 font across the 128-pixel screen
CUES_MAX = 8  # cue lines per phase and variant: each gets an equal share of the phase
SAY_MAX = 80  # characters of one spoken phrase (a sentence, not a screen line)
SAYS_MAX = 4  # spoken phrases per phase and variant
LENGTH_RANGE = (0.5, 600.0)  # seconds of one phase, or of one named duration
COUNT_RANGE = (1, 48)  # breaths of a "cycles" phase, ticks of a ticked phase
REPETITIONS_RANGE = (1, 10)

_TOP_KEYS = ("name", "title", "repetitions", "inhale", "exhale", "durations", "once", "repeat")
_PHASE_KEYS = ("id", "title", "length", "breaths", "breath", "ticks", "practised",
               "head_down", "countdown", "sound", "pips", "completes", "cues", "say")
_FLAGS = ("practised", "head_down", "countdown", "pips", "completes")
_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")
_ID = re.compile(r"[a-z][a-z0-9_]{0,19}")
_DURATION = re.compile(r"[a-z][a-z0-9_]{0,31}")


def shipped_path(name: str) -> Path:
    """The file of the shipped routine ``name`` (package data, also in an installed wheel).

    Package data sits beside the modules as plain files (pip installs no zipped package),
    so the path is found from this module's own. ``importlib.resources`` would find the
    same file, but importing it loads tempfile, shutil, zipfile, bz2 and lzma: about a
    MiB of the service's memory for good, for three file names.
    """
    return Path(__file__).parent / "routines" / f"{name}.toml"


@cache
def shipped_routines() -> Routines:
    """The default stretch and the standing break, as shipped.

    Read once per process (every ``Config()`` starts from them, and reading and checking
    both costs some 5 ms): the files are package data and the values frozen, so the
    memo holds nothing that could change.
    """
    return Routines(stretch=load_routine(shipped_path(STRETCH)),
                    walk=load_routine(shipped_path(WALK)))


def load_routine(path: Path) -> RoutineSpec:
    """Read and check the routine file at ``path``; :class:`RoutineFileError` says why not."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RoutineFileError(f"{path}: routine file not found; fix the path (shipped "
                               f"routines: {', '.join(SHIPPED_ROUTINES)})") from None
    except OSError as exc:
        raise RoutineFileError(f"{path}: cannot read routine file: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RoutineFileError(f"{path}: not valid TOML: {exc}") from exc
    except RecursionError:
        raise RoutineFileError(f"{path}: not valid TOML: nested too deeply") from None
    spec = parse_routine(data, str(path))
    check_length(spec, config_for(spec, RoutineConfig(), given=()), str(path))
    return spec


def parse_routine(data: Mapping[str, Any], source: str) -> RoutineSpec:
    """Turn a parsed routine table into a :class:`RoutineSpec`, naming ``source`` in errors."""
    _known(data, _TOP_KEYS, source)
    name = _text(data, "name", source, required=True)
    if not _NAME.fullmatch(name):
        raise RoutineFileError(f"{source}: name: {name!r} is not allowed; allowed: lowercase "
                               "letters, digits and '-', starting with a letter (<= 32)")
    title = _text(data, "title", source, required=True)
    durations = _durations(data.get("durations", {}), source)
    once = _phases(data, "once", durations, source)
    repeat = _phases(data, "repeat", durations, source)
    if not once and not repeat:
        raise RoutineFileError(f"{source}: no phases; add at least one [[once]] or [[repeat]] "
                               "table")
    reps = data.get("repetitions", 1)
    if not repeat and "repetitions" in data:
        raise RoutineFileError(f"{source}: repetitions: there is no [[repeat]] phase to "
                               "repeat; remove it or add [[repeat]] tables")
    _whole(reps, REPETITIONS_RANGE, f"{source}: repetitions")
    phases = once + repeat
    cycles = [p for p in phases if p.breath is Breath.CYCLES]
    pacing: dict[str, Amount] = {}
    for key in ("inhale", "exhale"):
        if key in data:
            pacing[key] = _amount(data[key], durations, LENGTH_RANGE, f"{source}: {key}")
        elif cycles:
            raise RoutineFileError(f"{source}: {key}: missing; phase {cycles[0].id!r} has "
                                   "breath = \"cycles\", paced by the routine's inhale and "
                                   "exhale (seconds, or a duration's name)")
    _distinct_sounds(once, repeat, source)
    if repeat and not any(p.completes for p in repeat):
        repeat = (*repeat[:-1], replace(repeat[-1], completes=True))
    return RoutineSpec(name=name, title=title, once=once, repeat=repeat, repetitions=reps,
                       inhale=pacing.get("inhale"), exhale=pacing.get("exhale"),
                       durations=MappingProxyType(durations))


def config_for(spec: RoutineSpec, routine: RoutineConfig, given: Collection[str]
               ) -> RoutineConfig:
    """The [routine] section that runs ``spec``: the file's durations for the [routine]
    keys of the same name, except the keys the config file itself set (``given``)."""
    values: dict[str, Any] = {}
    hints = {f.name: f for f in fields(RoutineConfig)}
    for key, value in spec.durations.items():
        if key in ROUTINE_DURATION_KEYS and key not in given:
            values[key] = int(value) if hints[key].type in (int, "int") else value
    if spec.repeat and "repetitions" not in given:
        values["repetitions"] = spec.repetitions
    return replace(routine, **values)


def check_overrides(spec: RoutineSpec, given: Collection[str], source: str) -> None:
    """A [routine] length key the chosen file does not use would silently do nothing."""
    for key in sorted(set(given) & ROUTINE_DURATION_KEYS):
        if key not in spec.durations:
            declared = ", ".join(spec.durations) or "none"
            raise RoutineFileError(
                f"{source}: [routine] {key}: the routine {spec.name!r} declares no duration "
                f"{key!r} (it declares: {declared}); remove the key or declare it in the file")


def check_length(spec: RoutineSpec, routine: RoutineConfig, where: str) -> None:
    """The routine as a whole between 1 and 10 minutes, at the first practice level: each
    length in its range can still add up to a 22-second blink or a 40-minute session."""
    total = plan_routine(spec, routine, Variant.SEATED).total
    if not ROUTINE_MIN_S <= total <= ROUTINE_MAX_S:
        raise RoutineFileError(
            f"{where}: the routine {spec.name!r} adds up to {total / 60:.1f} min (its phases "
            f"x repetitions); allowed {ROUTINE_MIN_S / 60:.0f} to {ROUTINE_MAX_S / 60:.0f} min")


def _durations(table: Any, source: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise RoutineFileError(f"{source}: durations must be a table of name = seconds")
    limits: Mapping[str, Field[Any]] = {f.name: f for f in fields(RoutineConfig)}
    durations: dict[str, float] = {}
    for name, value in table.items():
        where = f"{source}: durations.{name}"
        if not _DURATION.fullmatch(name):
            raise RoutineFileError(f"{where}: not a duration name; allowed: lowercase "
                                   "letters, digits and '_', starting with a letter")
        if name in ROUTINE_DURATION_KEYS:
            # the same name as a [routine] key: the same rule as that key
            meta = limits[name].metadata
            integral = limits[name].type in (int, "int")
            low, high = meta["low"], meta["high"]
            if integral:
                _whole(value, (low, high), where)
            else:
                _number(value, (low, high), where)
        else:
            _number(value, LENGTH_RANGE, where)
        durations[name] = float(value)
    return durations


def _phases(data: Mapping[str, Any], group: str, durations: Mapping[str, float],
            source: str) -> tuple[PhaseSpec, ...]:
    tables = data.get(group, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RoutineFileError(f"{source}: {group} must be a list of phase tables "
                               f"([[{group}]])")
    return tuple(_phase(table, f"{source}: {group}[{i + 1}]", group, durations)
                 for i, table in enumerate(tables))


def _phase(table: Mapping[str, Any], where: str, group: str,
           durations: Mapping[str, float]) -> PhaseSpec:
    phase_id = _text(table, "id", where, required=True)
    if not _ID.fullmatch(phase_id):
        raise RoutineFileError(f"{where}: id: {phase_id!r} is not allowed; allowed: "
                               "lowercase letters, digits and '_', starting with a letter")
    where = f"{where} ({phase_id})"
    _known(table, _PHASE_KEYS, where)
    title = _text(table, "title", where, required=True)
    if len(title) > TITLE_MAX or not title.isascii() or not title.isprintable():
        raise RoutineFileError(f"{where}: title: {title!r} is not allowed; allowed: at most "
                               f"{TITLE_MAX} printable ASCII characters (the large font)")
    breath = Breath(_choice(table, "breath", where, [b.value for b in Breath]) or "none")
    length, breaths = table.get("length"), table.get("breaths")
    if (length is None) == (breaths is None):
        raise RoutineFileError(f"{where}: give exactly one of length (seconds, or a duration's "
                               "name) and breaths (with breath = \"cycles\")")
    if breaths is not None and breath is not Breath.CYCLES:
        raise RoutineFileError(f"{where}: breaths: only with breath = \"cycles\"; use length")
    flags = {}
    for flag in _FLAGS:
        value = table.get(flag, False)
        if not isinstance(value, bool):
            raise RoutineFileError(f"{where}: {flag}: expected true or false, got {value!r}")
        flags[flag] = value
    if flags["completes"] and group != "repeat":
        raise RoutineFileError(f"{where}: completes: only a [[repeat]] phase completes a "
                               "repetition")
    sound_name = _choice(table, "sound", where, [t.value for t in PHASE_MARKS])
    if sound_name is None and breath in (Breath.NONE, Breath.OUT):
        raise RoutineFileError(f"{where}: sound: missing; a phase starts with a sound of its "
                               "own unless it starts with an in-breath (breath = \"in\" or "
                               f"\"cycles\"); allowed: {', '.join(PHASE_MARKS)}")
    seated, standing = _cues(table.get("cues"), where)
    said_seated, said_standing = _said(table.get("say"), where)
    ticks = table.get("ticks")
    return PhaseSpec(
        id=phase_id, title=title, seated=seated, standing=standing,
        said_seated=said_seated, said_standing=said_standing,
        length=None if length is None else _amount(length, durations, LENGTH_RANGE,
                                                    f"{where}: length"),
        breaths=None if breaths is None else _amount(breaths, durations, COUNT_RANGE,
                                                     f"{where}: breaths", whole=True),
        breath=breath,
        ticks=None if ticks is None else _amount(ticks, durations, COUNT_RANGE,
                                                 f"{where}: ticks", whole=True),
        sound=None if sound_name is None else next(t for t in PHASE_MARKS if t == sound_name),
        **flags,
    )


def _cues(raw: Any, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(seated, standing) cue lines: from ``both``, or from ``seated`` and ``standing``."""
    shape = ("cues: expected cues.both = [lines], or cues.seated and cues.standing "
             f"(1 to {CUES_MAX} lines of at most {CUE_MAX} characters)")
    if not isinstance(raw, dict) or set(raw) not in ({"both"}, {"seated", "standing"}):
        raise RoutineFileError(f"{where}: {shape}")
    lines = {key: _lines(value, f"{where}: cues.{key}") for key, value in raw.items()}
    if "both" in lines:
        return lines["both"], lines["both"]
    return lines[Variant.SEATED.value], lines[Variant.STANDING.value]


def _said(raw: Any, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(seated, standing) spoken phrases, shaped like the cues; none when ``say`` is absent
    (the voice then says the first cue line)."""
    if raw is None:
        return (), ()
    shape = ("say: expected say.both = [phrases], or say.seated and say.standing "
             f"(1 to {SAYS_MAX} phrases of at most {SAY_MAX} characters)")
    if not isinstance(raw, dict) or set(raw) not in ({"both"}, {"seated", "standing"}):
        raise RoutineFileError(f"{where}: {shape}")
    lines: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        if not isinstance(value, list) or not 1 <= len(value) <= SAYS_MAX or any(
                not isinstance(line, str) or not 1 <= len(line) <= SAY_MAX
                or not line.isprintable() for line in value):
            raise RoutineFileError(f"{where}: say.{key}: {shape}")
        lines[key] = tuple(value)
    if "both" in lines:
        return lines["both"], lines["both"]
    return lines[Variant.SEATED.value], lines[Variant.STANDING.value]


def _lines(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= CUES_MAX:
        raise RoutineFileError(f"{where}: expected a list of 1 to {CUES_MAX} lines")
    for line in raw:
        if not isinstance(line, str) or not 1 <= len(line) <= CUE_MAX or not line.isascii() \
                or not line.isprintable():
            raise RoutineFileError(f"{where}: {line!r} is not allowed; allowed: 1 to {CUE_MAX} "
                                   "printable ASCII characters (one screen line)")
    return tuple(raw)


def _amount(raw: Any, durations: Mapping[str, float], limits: tuple[float, float], where: str,
            whole: bool = False) -> Amount:
    """Seconds (or a count) in range, or the name of a declared duration."""
    if isinstance(raw, str):
        if raw not in durations:
            declared = ", ".join(durations) or "none"
            raise RoutineFileError(f"{where}: {raw!r} is not a declared duration (declared: "
                                   f"{declared}); declare it in [durations] or give a number")
        if whole and not float(durations[raw]).is_integer():
            raise RoutineFileError(f"{where}: the duration {raw!r} is {durations[raw]}; a "
                                   "count must be a whole number")
        return raw
    if whole:
        _whole(raw, limits, where)
        return int(raw)
    _number(raw, limits, where)
    return float(raw)


def _number(raw: Any, limits: tuple[float, float], where: str) -> None:
    low, high = limits
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not low <= raw <= high:
        raise RoutineFileError(f"{where}: {raw!r} is not allowed; allowed: seconds from "
                               f"{low:g} to {high:g}, or a declared duration's name")


def _whole(raw: Any, limits: tuple[float, float], where: str) -> None:
    low, high = limits
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        raise RoutineFileError(f"{where}: {raw!r} is not allowed; allowed: a whole number "
                               f"from {low:g} to {high:g}")


def _known(table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise RoutineFileError(f"{where}: {key}: unknown key; allowed: {', '.join(allowed)}")


def _text(table: Mapping[str, Any], key: str, where: str, required: bool = False) -> str:
    value = table.get(key)
    if value is None and required:
        raise RoutineFileError(f"{where}: {key}: missing; it is required")
    if not isinstance(value, str) or not value:
        raise RoutineFileError(f"{where}: {key}: expected a non-empty string, got {value!r}")
    return value


def _choice(table: Mapping[str, Any], key: str, where: str, allowed: list[str]
            ) -> str | None:
    """The value of ``key``, one of ``allowed``; None when the table does not give it."""
    value = table.get(key)
    if value is None:
        return None
    if value not in allowed:
        raise RoutineFileError(f"{where}: {key}: {value!r} is not allowed; allowed: "
                               f"{', '.join(allowed)}")
    return str(value)


def _distinct_sounds(once: tuple[PhaseSpec, ...], repeat: tuple[PhaseSpec, ...],
                     source: str) -> None:
    """With the head down the sound says which phase began: no two may start alike."""
    placed = [(f"once[{i + 1}]", p) for i, p in enumerate(once)]
    placed += [(f"repeat[{i + 1}]", p) for i, p in enumerate(repeat)]
    seen: dict[str, str] = {}
    for where, phase in placed:
        if phase.sound is None:
            continue
        if phase.sound in seen:
            free = ", ".join(t for t in PHASE_MARKS if t not in seen)
            raise RoutineFileError(
                f"{source}: {where} ({phase.id}): sound: {phase.sound.value!r} already "
                f"starts phase {seen[phase.sound]!r}; each phase needs its own (unused: "
                f"{free})")
        seen[phase.sound] = phase.id
