"""A break log in lists: the store the core and runtime tests run against.

It answers every question the SQLite store answers, through the same stats code, so a
test that passes here exercises the numbers the device will show. Set :attr:`healthy`
to False to see how the rest of the device reacts to a failing disk.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from unslump.core.day_stats import DaySummary
from unslump.core.practice import Practice, PracticeDay, practice_of
from unslump.core.records import (
    BoutRecord,
    BreakRecord,
    DeviceRecord,
    EndedBy,
    ErrorRecord,
    NoticeAnswer,
    NoticeRecord,
    Record,
    ReminderOutcome,
    ReminderRecord,
    replace_version,
)
from unslump.edges.store import queries
from unslump.errors import StoreError
from unslump.ports import ClosesOnExit


class MemoryStore(ClosesOnExit):
    """Keeps every appended record, in order, in :attr:`records` and per-kind lists."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.healthy = True
        self.closed = False

    @classmethod
    def open(cls) -> MemoryStore:
        """For symmetry with :meth:`SqliteStore.open`."""
        return cls()

    def append(self, record: Record) -> None:
        if self.closed:
            raise StoreError("memory break log: closed; make a new MemoryStore to append")
        if not replace_version(self.records, record):
            self.records.append(record)

    def close_open(self, ended_by: EndedBy) -> int:
        """Close every row left open (by a power cut) at its last checkpoint."""
        closed = 0
        for index, record in enumerate(self.records):
            match record:
                case ReminderRecord(ended_by=None):
                    record = replace(record, outcome=ReminderOutcome.CUT_SHORT,
                                     ended_by=ended_by)
                case BoutRecord(ended_by=None) | BreakRecord(ended_by=None):
                    record = replace(record, ended_by=ended_by)
                case _:
                    continue
            self.records[index] = record
            closed += 1
        return closed

    @property
    def bouts(self) -> list[BoutRecord]:
        return [r for r in self.records if isinstance(r, BoutRecord)]

    @property
    def breaks(self) -> list[BreakRecord]:
        return [r for r in self.records if isinstance(r, BreakRecord)]

    @property
    def reminders(self) -> list[ReminderRecord]:
        return [r for r in self.records if isinstance(r, ReminderRecord)]

    @property
    def notices(self) -> list[NoticeRecord]:
        return [r for r in self.records if isinstance(r, NoticeRecord)]

    @property
    def device_events(self) -> list[DeviceRecord]:
        return [r for r in self.records if isinstance(r, DeviceRecord)]

    @property
    def errors(self) -> list[ErrorRecord]:
        return [r for r in self.records if isinstance(r, ErrorRecord)]

    def deadline(self) -> float | None:
        """Nothing to retry: memory never refuses a row."""
        return None

    def service(self, now: float) -> None:
        """Nothing to retry."""

    def notice_answer(self) -> NoticeAnswer | None:
        answers = [r.answer for r in self.records if isinstance(r, NoticeRecord)]
        answer = answers[-1] if answers else None
        return None if answer is NoticeAnswer.RESET else answer

    def practice(self) -> Practice:
        return practice_of(queries.practice_records(self.records))

    def practice_days(self, first_day: date, last_day: date) -> list[PracticeDay]:
        return queries.practice_records(self.records, first_day, last_day)

    def breaks_on(self, day: date) -> int:
        return queries.count_breaks(day, self.breaks)

    def response_times(self, first_day: date, last_day: date) -> list[float]:
        return queries.response_times_in(first_day, last_day, queries.LogRows().add(self.records))

    def day_summary(self, day: date) -> DaySummary:
        return queries.summarize_days([day], queries.LogRows().add(self.records))[0]

    def week_summary(self, last_day: date) -> list[DaySummary]:
        days = queries.week_ending(last_day)
        return queries.summarize_days(days, queries.LogRows().add(self.records))

    def close(self) -> None:
        self.closed = True
