"""A routine as plain values: what a routine file says, checked, in the core's terms.

The stretch is data, not code: a routine file (``device/unslump/config/routines/*.toml``,
or a user's own) lists its phases in order, each with its title, length, breath pacing, ticks, start
sound and cue lines per variant. The edge (:mod:`unslump.config.routine_file`) reads and checks
the file and hands the core these frozen values; :mod:`unslump.core.routine` plans and runs
any of them. Nothing here reads a file.

A length is seconds, or the name of a duration the file declares: the names that are
also ``[routine]`` keys (``setup_s``, ``inhale_s``, ...) take the config's value, so the
existing keys still set the shipped stretch's timing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from unslump.core.records import Variant
from unslump.core.tones import Tone

Amount = float | int | str
"""Seconds (or a count), or the name of a duration the routine file declares."""


class Breath(StrEnum):
    """How a phase is paced by breath."""

    NONE = "none"  # not paced by breath
    IN = "in"  # one in-breath lasting the whole phase
    OUT = "out"  # one out-breath lasting the whole phase
    CYCLES = "cycles"  # in and out breaths (the routine's inhale and exhale), repeated


@dataclass(frozen=True, slots=True)
class PhaseSpec:
    """One phase as the file declares it; the planner places it in routine time.

    Exactly one of ``length`` and ``breaths`` is set: ``breaths`` (with ``Breath.CYCLES``)
    makes the phase that many whole breaths long.
    """

    id: str  # e.g. "hang": the scenario runner prints it, the log's "reached" names it
    title: str  # the large-font name, at most 8 characters
    seated: tuple[str, ...]  # the cue lines, in the order shown, for each variant
    standing: tuple[str, ...]
    length: Amount | None = None
    breaths: Amount | None = None
    breath: Breath = Breath.NONE
    ticks: Amount | None = None  # evenly paced ticks through the phase (the uncurl's)
    practised: bool = False  # the practice level lengthens it and adds a tick a level
    head_down: bool = False  # the eyes are off the screen: cues spoken, not shown
    countdown: bool = False  # the screen counts down the seconds left
    sound: Tone | None = None  # the sound it starts with; None: its breath sound starts it
    pips: bool = False  # one soft pip per repetition done, after its sound
    completes: bool = False  # a repetition counts as done once this phase ends
    said_seated: tuple[str, ...] = ()  # what the voice says in the phase, for each variant
    said_standing: tuple[str, ...] = ()

    def cues(self, variant: Variant) -> tuple[str, ...]:
        """The screen cue lines for ``variant``, in the order they are shown."""
        return self.seated if variant is Variant.SEATED else self.standing

    def says(self, variant: Variant) -> tuple[str, ...]:
        """The spoken phrases for ``variant``, in order: the file's ``say`` lines (the first
        at the phase's start, the others only where the phase has room for them), else
        its first cue line."""
        said = self.said_seated if variant is Variant.SEATED else self.said_standing
        return said or self.cues(variant)[:1]


@dataclass(frozen=True, slots=True)
class RoutineSpec:
    """A whole routine: the phases played once, then the repeated ones ``repetitions``
    times. ``durations`` are the named lengths its phases may use."""

    name: str
    title: str
    once: tuple[PhaseSpec, ...]
    repeat: tuple[PhaseSpec, ...] = ()
    repetitions: int = 1
    inhale: Amount | None = None  # the in- and out-breath of a "cycles" phase
    exhale: Amount | None = None
    durations: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def phases(self) -> tuple[PhaseSpec, ...]:
        """Every distinct phase, in the order first played."""
        return self.once + self.repeat


@dataclass(frozen=True, slots=True)
class Routines:
    """The routines the device can guide: the one the button starts (``[routine] name``
    or ``path``), and the standing break for whom the stretch is not right."""

    stretch: RoutineSpec
    walk: RoutineSpec
