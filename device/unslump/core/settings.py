"""The settings the core decides with, as typed, frozen values.

The core never reads a file: the edge (:mod:`unslump.config.file`) parses the TOML, checks it,
and hands the core these dataclasses. Each key carries its default, a one-line meaning
and its allowed values (:func:`key`), so the same declaration gives the device its
defaults, validates a file at the edge and documents it (``unslump config --defaults``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import time
from typing import Any

from unslump.core.routine_spec import Routines

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def key(default: Any, doc: str, *, low: float | None = None, high: float | None = None,
        choices: tuple[Any, ...] | None = None, sets_file: bool = False) -> Any:
    """Declare a config key: its default, what it means, and what it may be.

    ``sets_file``: the key, when a config file gives it, sets the routine file's duration
    of the same name (its default is the shipped stretch's); ``config --defaults`` shows
    it commented out, so a copy of the defaults leaves a routine file's own values be.
    """
    meta = {"doc": doc, "low": low, "high": high, "choices": choices, "sets_file": sets_file}
    if isinstance(default, list | tuple):
        return field(default_factory=lambda: tuple(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ButtonConfig:
    """How the one button is read."""

    hold_s: float = key(2.0, "seconds the button must stay down to count as a hold",
                        low=0.5, high=10)
    # Contacts bounce for a few ms; gpiozero's bounce_time differs between pin libraries
    # (and MockPin ignores it), so debouncing is done in the core, on timestamps.
    debounce_ms: float = key(30.0, "a release counts once the contact stayed up this long; "
                             "a touch again sooner is contact bounce", low=0, high=200)

    @property
    def debounce_s(self) -> float:
        return self.debounce_ms / 1000


@dataclass(frozen=True)
class SeatConfig:
    """How a raw seat edge becomes sitting or standing."""

    sit_confirm_s: float = key(5.0, "contact before someone counts as seated (dropouts "
                               "shorter than dropout_bridge_s do not restart it)",
                               low=0, high=120)
    stand_confirm_s: float = key(20.0, "continuous absence before the seat counts as vacated",
                                 low=0, high=600)
    dropout_bridge_s: float = key(2.0, "a loss of contact shorter than this does not "
                                  "restart the sit confirmation (a sensor near its "
                                  "threshold drops out briefly)", low=0, high=10)
    natural_break_min: float = key(3.0, "an absence this long ends the bout as a natural break",
                                   low=0.5, high=120)


@dataclass(frozen=True)
class ReminderConfig:
    """When and how often to remind."""

    remind_after_min: float = key(45.0, "minutes of sitting in a bout before the reminder",
                                  low=1, high=480)
    repeat_every_min: float = key(5.0, "minutes between chimes while nobody responds",
                                  low=1, high=60)
    max_repeats: int = key(3, "chimes after the first before the reminder goes silent "
                           "(the screen stays)", low=0, high=10)
    snooze_min: float = key(10.0, "minutes a hold at the reminder snoozes it", low=1, high=120)
    max_snoozes: int = key(2, "snoozes in a row before snoozing is used up", low=0, high=10)


@dataclass(frozen=True)
class QuietConfig:
    """When the device stays silent and does not remind (sitting is still measured)."""

    start: time = key(time(20, 0), "quiet from this local time of day (HH:MM)")
    end: time = key(time(7, 0), "until this local time of day (HH:MM); equal to start "
                    "means never quiet")
    days: tuple[str, ...] = key((), "whole days that stay quiet", choices=WEEKDAYS)


@dataclass(frozen=True)
class ScreenConfig:
    """Care for the OLED, whose pixels wear with use."""

    off_after_min: float = key(2.0, "switch the panel off after the seat is empty this long",
                               low=0.5, high=120)
    dim_after_min: float = key(5.0, "lower the contrast after this long without interaction",
                               low=0.5, high=120)
    # Every nudge rewrites most of the panel (about 660 bytes on the bus against some 30
    # for a minute's update); twenty minutes spreads wear without dominating the traffic.
    shift_every_min: float = key(20.0, "move the idle content by a pixel this often",
                                 low=1, high=120)


SHIPPED_ROUTINES = ("lower-back", "standing-break")
"""The routine files shipped in ``device/unslump/config/routines/`` (a test holds the two
together)."""


@dataclass(frozen=True)
class RoutineConfig:
    """The guided routine; its lengths set the routine file's durations of the same name."""

    # The keys marked sets_file default to the shipped stretch's own values (a test holds
    # them to device/unslump/config/routines/lower-back.toml); given in a config file, each sets the
    # chosen routine file's duration (or repetitions) of the same name.
    name: str = key("lower-back", "the shipped routine the button starts",
                    choices=SHIPPED_ROUTINES)
    path: str = key("", "a routine file of your own instead (relative to this file; "
                    "check it with `unslump routine check FILE`); empty: [routine] name")
    variant: str = key("auto", "'auto' picks seated when the seat is occupied, else standing",
                       choices=("auto", "seated", "standing"))
    repetitions: int = key(3, "repetitions of the stretch", low=1, high=10, sets_file=True)
    notice_s: float = key(30.0, "how long the safety notice waits for its answer (press: "
                          "understood, hold: not for me) before returning to idle",
                          low=10, high=120)
    pause_limit_min: float = key(10.0, "a paused stretch not resumed within this many "
                                 "minutes ends, logged as stopped at the pause (standing "
                                 "up from the seat ends it at once)", low=1, high=240)
    progression: bool = key(True, "lengthen the uncurl step by step as smooth uncurls are "
                            "reported on distinct days (false: always the same stretch)")
    setup_s: float = key(8.0, "time to take the starting position", low=3, high=30,
                         sets_file=True)
    inhale_s: float = key(4.0, "one in-breath", low=2, high=10, sets_file=True)
    exhale_s: float = key(6.0, "one out-breath (folding, or recommitting)", low=2, high=12,
                          sets_file=True)
    hang_breaths: int = key(2, "slow breaths hanging folded", low=1, high=6, sets_file=True)
    uncurl_s: float = key(12.0, "rolling up from the pelvis, one vertebra at a time",
                          low=5, high=40, sets_file=True)
    uncurl_ticks: int = key(12, "soft ticks through the uncurl, one per vertebra", low=4,
                            high=24, sets_file=True)
    rest_s: float = key(5.0, "resting upright between repetitions", low=2, high=20,
                        sets_file=True)


ROUTINE_DURATION_KEYS = frozenset(
    f.name for f in fields(RoutineConfig) if f.metadata["sets_file"]) - {"repetitions"}
"""The [routine] keys a routine file's durations of the same name take their value from."""


@dataclass(frozen=True)
class CoreConfig:
    """The sections the core decides with; the edge's ``Config`` adds the hardware's."""

    button: ButtonConfig = field(default_factory=ButtonConfig)
    seat: SeatConfig = field(default_factory=SeatConfig)
    reminder: ReminderConfig = field(default_factory=ReminderConfig)
    quiet: QuietConfig = field(default_factory=QuietConfig)
    screen: ScreenConfig = field(default_factory=ScreenConfig)
    routine: RoutineConfig = field(default_factory=RoutineConfig)
    # Not a TOML section: the routine files as the edge read them ([routine] name or
    # path, and the standing break). Keyword-only with no default here, since the core
    # cannot read them; the edge's Config fills it with the shipped ones.
    routines: Routines = field(kw_only=True, metadata={"section": False})
