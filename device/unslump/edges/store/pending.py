"""Rows waiting for the disk to take them again, and when to try next.

A full SD card or a file system remounted read-only must not stop the device: the rows
wait here, in order, and are retried on a backoff so that a dead disk costs a few system
calls every few minutes rather than on every row. Memory stays bounded: past ``capacity``
the oldest rows are dropped and counted, since the newest ones matter most for today.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from unslump.core.records import Record, replace_version


class PendingRows:
    """A bounded FIFO of unwritten records with a retry deadline on a backoff."""

    def __init__(
        self, capacity: int = 1000, first_retry_s: float = 30.0, max_retry_s: float = 300.0
    ):
        if capacity < 1:
            raise ValueError(f"the retry buffer needs room for at least one row, not {capacity}")
        self._rows: deque[Record] = deque()
        self._capacity = capacity
        self._first_retry_s = first_retry_s
        self._max_retry_s = max_retry_s
        self._wait_s = first_retry_s
        self._due: float | None = None
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._rows)

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def due(self) -> float | None:
        """The monotonic time of the next retry, or None while nothing failed."""
        return self._due

    def push(self, record: Record) -> None:
        """Queue ``record`` behind the others, dropping the oldest when full.

        A newer version of a row already waiting (a checkpoint of the open bout) takes the
        older one's place, so a day of checkpoints costs one place, not one a minute.
        """
        if replace_version(self._rows, record):
            return
        if len(self._rows) >= self._capacity:
            self._rows.popleft()
            self.dropped += 1
        self._rows.append(record)

    def peek(self) -> Record:
        return self._rows[0]

    def pop(self) -> Record:
        return self._rows.popleft()

    def failed(self, now: float) -> None:
        """A write or open failed at ``now``: retry after the wait, then wait twice as long."""
        self._due = now + self._wait_s
        self._wait_s = min(self._wait_s * 2, self._max_retry_s)

    def recovered(self) -> int:
        """Everything is written: reset the backoff; return (and forget) the drop count."""
        self._due = None
        self._wait_s = self._first_retry_s
        dropped, self.dropped = self.dropped, 0
        return dropped
