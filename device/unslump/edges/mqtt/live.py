"""The live state document (``<prefix>/state``) and the events, from the rows as they come.

Everything here is worked out from the records the runtime hands its sinks and from the
log's own stats (the same numbers the device's stats pages show), so Home Assistant and
the screen never disagree about the day.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from unslump.core.day_stats import DaySummary
from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    DeviceRecord,
    EndedBy,
    Record,
    ReminderRecord,
)


@dataclass(frozen=True, slots=True)
class LiveState:
    """What the state topic says; one retained JSON document."""

    seated: bool = False
    bout_min: float = 0.0
    sitting_today_min: float = 0.0
    breaks_guided_today: int = 0
    breaks_natural_today: int = 0
    reminders_today: int = 0
    last_response_s: float | None = None
    streak_days: int = 0
    practice_level: int = 0  # the stretch's level: each step lengthens the uncurl
    quiet: bool = False

    def document(self) -> dict[str, Any]:
        return asdict(self)

    def with_record(self, record: Record) -> LiveState:
        """The state after ``record`` (the day's totals come from :meth:`with_day`)."""
        match record:
            case BoutRecord(ended_by=None, seated_s=seated_s):
                return replace(self, seated=True, bout_min=round(seated_s / 60, 1))
            case BoutRecord():
                return replace(self, seated=False, bout_min=0.0)
            case ReminderRecord(response_s=response_s) if response_s is not None:
                return replace(self, last_response_s=round(response_s, 1))
            case DeviceRecord(what="quiet", detail=detail):
                return replace(self, quiet=detail == "on")
            case DeviceRecord(what="start"):
                return replace(self, seated=False, bout_min=0.0, quiet=False)
        return self

    def with_day(self, day: DaySummary, streak_days: int | None = None,
                 practice_level: int | None = None) -> LiveState:
        return replace(
            self, sitting_today_min=round(day["sitting_s"] / 60, 1),
            breaks_guided_today=day["breaks_guided"],
            breaks_natural_today=day["breaks_natural"], reminders_today=day["reminders"],
            streak_days=self.streak_days if streak_days is None else streak_days,
            practice_level=self.practice_level if practice_level is None else practice_level)


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
