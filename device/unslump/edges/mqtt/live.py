"""The live state document (``<prefix>/state``) and the events, from the rows as they come
and from the device's state after every step.

The day's numbers are worked out from the log's own stats (the same numbers the device's
stats pages show), so Home Assistant and the screen never disagree about the day. What
the log does not say (someone on the seat right now, the mode, quiet time, the next
reminder) is read from the core's state each time the loop commits one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from unslump.config.file import Config
from unslump.core.day_stats import DaySummary
from unslump.core.quiet import is_quiet, seconds_until_loud
from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    DeviceRecord,
    EndedBy,
    Record,
    ReminderRecord,
)
from unslump.core.settings import CoreConfig
from unslump.core.state import DeviceState, Now

MODES = ("away", "seated", "reminder", "snoozed", "notice", "stretch", "done")
"""The states of the Mode sensor (an HA ``enum``): what the device is doing."""

_MODE_OF_NAME = {"routine": "stretch", "paused": "stretch", "reminder": "reminder",
                 "snoozed": "snoozed", "notice": "notice", "done": "done"}


def mode_of(state: DeviceState) -> str:
    """The Mode sensor's state: the core's state name, with the stats pages (a look at the
    screen, not a mode of its own) and a paused stretch folded into what goes on, and
    "snoozed" for as long as the snoozed reminder waits (not only while the screen says
    so)."""
    name = _MODE_OF_NAME.get(state.name)
    if name is not None:
        return name
    if not state.seat.occupied:
        return "away"
    return "snoozed" if state.plan.snoozes and state.bout is not None else "seated"


def moment(wall: datetime | None) -> str | None:
    """An HA timestamp: ISO 8601 with the offset, to the nearest second (so a value worked
    out again from monotonic time does not flicker by a microsecond)."""
    if wall is None:
        return None
    return (wall + timedelta(microseconds=500_000)).replace(microsecond=0).isoformat()


def next_reminder(state: DeviceState, now: Now, config: CoreConfig) -> datetime | None:
    """When the next reminder will chime if the person stays seated; None when none is
    planned (away, a reminder showing, a stretch, quiet mode switched on)."""
    if state.quiet_switch or mode_of(state) not in ("seated", "snoozed"):
        return None
    due = state.plan.due_at(state.bout)
    if due is None:
        return None
    wall = now.wall_at(max(due, now.at))
    if is_quiet(wall, config.quiet):
        wall += timedelta(seconds=seconds_until_loud(wall, config.quiet))
    return wall


@dataclass(frozen=True, slots=True)
class LiveState:
    """What the state topic says; one retained JSON document."""

    seated: bool = False  # someone is on the seat (confirmed), as the seat sensor says
    bout_open: bool = False  # a sitting bout is under way (short absences keep it open)
    mode: str = "away"
    quiet_now: bool = False  # no reminders now: quiet hours, or quiet mode switched on
    quiet: bool = False  # quiet mode switched on (the switch, an override)
    bout_min: float = 0.0
    sitting_today_min: float = 0.0
    longest_sit_today_min: float = 0.0
    bouts_today: int = 0
    breaks_guided_today: int = 0
    breaks_natural_today: int = 0
    stretches_stopped_today: int = 0
    reminders_today: int = 0
    snoozes_today: int = 0
    last_response_s: float | None = None
    median_response_s: float | None = None
    streak_days: int = 0
    practice_level: int = 0  # the stretch's level: each step lengthens the uncurl
    last_break_at: str | None = None
    last_stood_up_at: str | None = None
    next_reminder_at: str | None = None
    outbox_rows: int = 0  # rows waiting for the broker (diagnostic)
    started_at: str | None = None  # diagnostic
    reconnects: int = 0  # broker connections after the first, since the start (diagnostic)
    log_problem: bool = False  # the break log cannot be written (diagnostic)
    remind_after_min: float = 45.0  # the settings HA may change (config, or set from HA)
    snooze_min: float = 10.0
    quiet_start: str = "20:00"
    quiet_end: str = "07:00"

    def document(self) -> dict[str, Any]:
        return asdict(self)

    def with_record(self, record: Record) -> LiveState:
        """The state after ``record`` (the day's totals come from :meth:`with_day`)."""
        match record:
            case BoutRecord(ended_by=None, seated_s=seated_s):
                return replace(self, bout_min=round(seated_s / 60, 1))
            case BoutRecord():
                return replace(self, bout_min=0.0)
            case BreakRecord(ended_by=ended_by, end=end) if ended_by is not None:
                return replace(self, last_break_at=moment(end))
            case ReminderRecord(response_s=response_s) if response_s is not None:
                return replace(self, last_response_s=round(response_s, 1))
            case DeviceRecord(what="start", at=at):
                return replace(self, bout_min=0.0, started_at=moment(at))
        return self

    def with_day(self, day: DaySummary, streak_days: int | None = None,
                 practice_level: int | None = None) -> LiveState:
        median = day["median_response_s"]
        return replace(
            self, sitting_today_min=round(day["sitting_s"] / 60, 1),
            longest_sit_today_min=round(day["longest_sit_s"] / 60, 1),
            bouts_today=day["bouts"], breaks_guided_today=day["breaks_guided"],
            breaks_natural_today=day["breaks_natural"],
            stretches_stopped_today=day["routines_stopped"], reminders_today=day["reminders"],
            snoozes_today=day["snoozes"],
            median_response_s=None if median is None else round(median, 1),
            streak_days=self.streak_days if streak_days is None else streak_days,
            practice_level=self.practice_level if practice_level is None else practice_level)

    def with_device(self, state: DeviceState, now: Now, config: CoreConfig) -> LiveState:
        """What the core's state says now: the seat, the bout, the mode, quiet time."""
        stood = self.last_stood_up_at
        if state.empty_since is not None:
            stood = moment(now.wall_at(state.empty_since))
        return replace(
            self, seated=state.seat.occupied, bout_open=state.bout is not None,
            mode=mode_of(state), quiet=state.quiet_switch,
            quiet_now=state.quiet_switch or is_quiet(now.wall, config.quiet),
            next_reminder_at=moment(next_reminder(state, now, config)),
            last_stood_up_at=stood)

    def with_settings(self, config: Config) -> LiveState:
        """The values of the settings Home Assistant may change, as the device uses them."""
        return replace(self, remind_after_min=config.reminder.remind_after_min,
                       snooze_min=config.reminder.snooze_min,
                       quiet_start=config.quiet.start.strftime("%H:%M"),
                       quiet_end=config.quiet.end.strftime("%H:%M"))

    def with_history(self, last_break: datetime | None, last_leave: datetime | None,
                     responses: list[float]) -> LiveState:
        """What a restart would otherwise forget, from the log: the last reminder's
        response, the last break, and when a bout last ended with the person leaving."""
        return replace(
            self,
            last_response_s=round(responses[-1], 1) if responses else self.last_response_s,
            last_break_at=moment(last_break) if last_break else self.last_break_at,
            last_stood_up_at=moment(last_leave) if last_leave else self.last_stood_up_at)


def event_of(record: Record, previous: Record | None) -> tuple[str, str] | None:
    """The Home Assistant event (entity, event type) a record announces, if any.

    ``previous`` is the last version of the same row seen, so a row re-written at a
    checkpoint announces nothing new.
    """
    match record:
        case ReminderRecord(outcome=None, chimes=chimes):
            before = previous.chimes if isinstance(previous, ReminderRecord) else 0
            return ("reminder", "chimed") if chimes > before else None
        case ReminderRecord(outcome=outcome) if outcome is not None:
            seen = isinstance(previous, ReminderRecord) and previous.outcome is not None
            return None if seen else ("reminder", str(outcome))
        case BreakRecord(kind=BreakKind.GUIDED, ended_by=ended_by) if ended_by is not None:
            if isinstance(previous, BreakRecord) and previous.ended_by is not None:
                return None
            if ended_by is EndedBy.POWER_LOSS:
                return None
            return ("routine", "completed" if record.completed else "stopped")
    return None
