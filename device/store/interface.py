"""What the runtime may ask of a break log, whichever one it is given."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from device.core.records import NoticeAnswer, Record
from device.store.queries import DaySummary


class Store(Protocol):
    """Implemented by :class:`SqliteStore` (the device) and :class:`MemoryStore` (tests)."""

    @property
    def healthy(self) -> bool:
        """False while rows cannot reach the disk: show the warning mark."""
        ...

    def append(self, record: Record) -> None: ...

    def deadline(self) -> float | None:
        """Monotonic time of the next retry, for the loop's sleep; None if none is due."""
        ...

    def service(self, now: float) -> None: ...

    def notice_answer(self) -> NoticeAnswer | None: ...

    def practice(self) -> list[tuple[date, bool | None]]: ...

    def breaks_on(self, day: date) -> int: ...

    def day_summary(self, day: date) -> DaySummary: ...

    def response_times(self, first_day: date, last_day: date) -> list[float]: ...

    def week_summary(self, last_day: date) -> list[DaySummary]: ...

    def close(self) -> None: ...
