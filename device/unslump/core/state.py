"""The device's state as one immutable value, and what the machine and its modes share.

An :class:`Outcome` is a state and the effects that led to it: every handler takes one
and returns a new one, so effects are gathered in order without a list passed around to
be appended to. :class:`Mode` is here too, as the state's own part: the state holds a
mode and a mode reads the state, so the two are declared together (the modes themselves
are in :mod:`unslump.core.modes`) and the core has no import circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from unslump.core.button import ButtonState
from unslump.core.effects import Effect, Log
from unslump.core.panel import PanelState, shift_for
from unslump.core.practice import Practice
from unslump.core.quiet import is_quiet, seconds_until_loud
from unslump.core.records import (
    EndedBy,
    NoticeAnswer,
    Record,
)
from unslump.core.reminder import ReminderPlan
from unslump.core.seat import Away, Bout, SeatState
from unslump.core.settings import CoreConfig
from unslump.core.views import (
    IdleView,
    View,
)

CHECKPOINT_S = 60.0
"""Open rows (the bout, a routine, a natural break) are brought forward this often, so a
power cut loses at most this much; each checkpoint is one small write."""

QUIET_SWITCH_RECHECK_S = 60.0
"""While quiet mode is switched on, a held-back reminder looks again this often (the
switch has no end time of its own, unlike quiet hours)."""


@dataclass(frozen=True, slots=True)
class Now:
    """A moment: monotonic seconds and the wall time read at the same instant."""

    at: float
    wall: datetime

    def wall_at(self, at: float) -> datetime:
        """The wall time of an earlier (or later) monotonic instant, as seen from now."""
        return self.wall - timedelta(seconds=self.at - at)

    def moved_to(self, at: float) -> Now:
        return Now(at, self.wall_at(at))


@dataclass(frozen=True, slots=True)
class History:
    """What the core needs to know from the log at start."""

    notice: NoticeAnswer | None = None  # the safety notice's answer (None: not answered)
    breaks_today: int = 0
    boot: str = "0"  # unique to this start of the device: prefixes the keys of its rows
    practice: Practice = field(default_factory=Practice)


@dataclass(frozen=True, slots=True)
class DayTally:
    """Counts for the local day the idle screen shows."""

    day: date
    breaks: int = 0


@dataclass(frozen=True)
class DeviceState:
    """Everything the device knows, as one immutable value."""

    seat: SeatState
    tally: DayTally
    plan: ReminderPlan
    mode: Mode
    button: ButtonState = field(default_factory=ButtonState)
    bout: Bout | None = None
    away: Away | None = None
    empty_since: float | None = None  # the seat has been confirmed empty since
    panel: PanelState = field(default_factory=PanelState)
    shift_slot: int = 0
    notice: NoticeAnswer | None = None
    practice: Practice = field(default_factory=Practice)
    shown: View | None = None
    boot: str = "0"
    next_key: int = 0  # rows this start has opened so far (their keys count up)
    checkpoint_at: float | None = None  # when the open rows are next brought forward
    last_routine: tuple[float, float] | None = None  # (start, end) of the latest routine
    wall_offset: float = 0.0  # wall minus monotonic seconds, to notice a clock jump
    quiet_switch: bool = False  # quiet mode switched on from afar (MQTT), until switched off

    @property
    def name(self) -> str:
        """The state's one-word name, as printed by the scenario runner."""
        return self.mode.name(self)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A state and the effects, in order, that go with reaching it."""

    state: DeviceState
    effects: tuple[Effect, ...] = ()

    def emit(self, *effects: Effect) -> Outcome:
        return Outcome(self.state, self.effects + effects)

    def log(self, *records: Record) -> Outcome:
        return self.emit(*(Log(record) for record in records))

    def update(self, **changes: Any) -> Outcome:
        """The same effects, with these fields of the state changed."""
        return Outcome(replace(self.state, **changes), self.effects)

    def keyed(self) -> tuple[Outcome, str]:
        """A key for a new row: unique across starts (the boot) and within one (a count)."""
        state = self.state
        return self.update(next_key=state.next_key + 1), f"{state.boot}-{state.next_key}"


def quiet_for(state: DeviceState, now: Now, config: CoreConfig) -> float | None:
    """None while the device may make unasked-for sound; in quiet hours or with quiet mode
    switched on, the seconds until a held-back reminder should look again."""
    if state.quiet_switch:
        return QUIET_SWITCH_RECHECK_S
    if not is_quiet(now.wall, config.quiet):
        return None
    return seconds_until_loud(now.wall, config.quiet)


def open_rows(state: DeviceState, now: Now, ended_by: EndedBy | None,
              every: bool = False) -> tuple[Record, ...]:
    """The rows that are still open, as they stand at ``now``.

    With ``ended_by`` None they stay open (a checkpoint); otherwise they are closed by it.
    ``every`` adds the rows a checkpoint leaves out because they have not changed (a
    reminder's changes only when it chimes or ends); a clock correction rewrites them.
    """
    bout, away = state.bout, state.away
    rows: tuple[Record, ...] = ()
    if bout is not None:
        if ended_by is None:
            bout = settled_bout(bout, state.seat)
        rows += (bout.record_at(now.at, now.wall, ended_by),)
    rows += state.mode.open_rows(state, now, ended_by, every)
    if away is not None and away.ended_bout:
        rows += (away.record_at(now.at, now.wall, ended_by),)
    return rows


def settled_bout(bout: Bout, seat: SeatState) -> Bout:
    """The bout as it will stand if the seat's pending absence is confirmed.

    While leaving is being confirmed (the seat reads empty, ``stand_confirm_s`` has not
    passed) the bout still counts, but a confirmed leave is dated back to its first edge
    and takes those seconds away again. A checkpoint written meanwhile counts only up to
    that edge, so the day's total in the log never goes down (Home Assistant's
    ``total_increasing`` takes a drop for a meter reset). Should the person stay after
    all, the next checkpoint counts the seconds.
    """
    if seat.occupied and not seat.raw:
        return bout.pause(seat.raw_since)
    return bout


def checkpoint(out: Outcome, now: Now) -> Outcome:
    """Bring every open row forward to ``now``; the next checkpoint is a minute later."""
    return out.log(*open_rows(out.state, now, None)).update(checkpoint_at=now.at + CHECKPOINT_S)


# Sums of float seconds land a hair short of a whole minute; this keeps the minute on
# which the loop was woken from being shown as the minute before (and waking again).
_ROUNDING_S = 1e-6


class Mode:
    """The defaults: nothing happens, and the idle screen shows."""

    __slots__ = ()
    rests_panel: ClassVar[bool] = False  # the panel dims and darkens by itself in this mode
    label: ClassVar[str] = ""  # the scenario runner's name for the state, if fixed

    def name(self, state: DeviceState) -> str:
        return self.label or ("seated" if state.seat.occupied else "away")

    # Each default is its own method, so overriding one changes only that one: a mode
    # whose sounds or screen follow its timer says so (``next_sound_at = deadline``).

    def deadline(self, state: DeviceState, config: CoreConfig) -> float | None:
        """When this mode's own timer is due (handled by :meth:`on_deadline`): never."""
        return None

    def next_sound_at(self, state: DeviceState, config: CoreConfig) -> float | None:
        """When this mode next plans a sound, so the audio can be ready for it (and rest
        otherwise): a guess on the safe side, read by the loop with no clock and no I/O
        (quiet hours may still hold a reminder back; the audio is only early or late)."""
        return None

    def redraw_at(self, state: DeviceState, config: CoreConfig) -> float | None:
        """When this mode's screen changes by itself (a countdown, an animation): never."""
        return None

    def on_deadline(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """What this mode's deadline does: nothing."""
        return out

    def on_press(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """What a short press does in this mode: nothing."""
        return out

    def on_hold(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """What a hold does in this mode: nothing."""
        return out

    def on_stretch_requested(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """What a remote "start stretch" does in this mode: nothing."""
        return out

    def on_snooze_requested(self, out: Outcome, now: Now, config: CoreConfig) -> Outcome:
        """What a remote "snooze" does in this mode: nothing."""
        return out

    def on_stats_loaded(self, out: Outcome, pages: tuple[Any, ...]) -> Outcome:
        return out

    def on_left(self, out: Outcome, bout: Bout, left_at: float, now: Now,
                config: CoreConfig) -> Outcome:
        """The person left during ``bout`` (now paused; confirmed, dated from the first
        edge)."""
        return out

    def view(self, state: DeviceState, now: Now, config: CoreConfig) -> View:
        return IdleView(seated=state.seat.occupied, bout_min=bout_min(state, now),
                        remind_after_min=round(config.reminder.remind_after_min),
                        breaks_today=state.tally.breaks, shift=shift_for(state.shift_slot))

    def open_rows(self, state: DeviceState, now: Now, ended_by: EndedBy | None,
                  every: bool) -> tuple[Record, ...]:
        """This mode's open rows at ``now`` (see :func:`unslump.core.state.open_rows`)."""
        return ()

    def redated(self, shift: timedelta) -> Mode:
        """This mode with its wall times moved by a clock correction."""
        return self

    @property
    def break_since(self) -> float | None:
        """When the break under way in this mode began: while it runs, sitting does not
        count and an absence does not become a natural break."""
        return None


def bout_min(state: DeviceState, now: Now) -> int:
    """The bout's whole minutes of sitting at ``now``."""
    sitting_s = state.bout.sitting_s(now.at) if state.bout else 0.0
    return int((sitting_s + _ROUNDING_S) // 60)
