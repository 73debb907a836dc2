"""The retry buffer: bounded, ordered, and backing off from 30 s to 5 min."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from unslump.core.records import BoutRecord, DeviceRecord
from unslump.edges.store.pending import PendingRows


def row(number: int) -> DeviceRecord:
    moment = datetime(2026, 11, 24, tzinfo=UTC) + timedelta(seconds=number)
    return DeviceRecord(moment, "start", str(number))


def test_store_pending_keeps_order_and_drops_the_oldest_when_full():
    pending = PendingRows(capacity=3)
    for number in range(5):
        pending.push(row(number))
    assert [r.detail for r in pending] == ["2", "3", "4"]
    assert pending.dropped == 2
    assert pending.pop().detail == "2"
    assert pending.peek().detail == "3"
    assert len(pending) == 2


def test_store_pending_backs_off_then_resets_on_recovery():
    pending = PendingRows(first_retry_s=30, max_retry_s=100)
    assert pending.due is None
    dues = []
    for now in (0.0, 10.0, 20.0, 30.0):
        pending.failed(now)
        dues.append(pending.due)
    assert dues == [30.0, 70.0, 120.0, 130.0]
    pending.push(row(0))
    pending.push(row(1))
    pending.dropped = 4
    assert pending.recovered() == 4
    assert pending.dropped == 0
    assert pending.due is None
    pending.failed(200.0)
    assert pending.due == 230.0


def test_store_pending_needs_room_for_a_row():
    with pytest.raises(ValueError, match="at least one row"):
        PendingRows(capacity=0)


def test_store_pending_a_checkpoint_takes_the_place_of_the_older_version():
    start = datetime(2026, 11, 24, 9, tzinfo=UTC)
    pending = PendingRows(capacity=3)
    pending.push(row(0))
    for minute in range(1, 300):  # five hours of checkpoints of one open bout
        pending.push(BoutRecord(start, start + timedelta(minutes=minute), minute * 60.0,
                                key="b-0", ended_by=None))
    pending.push(row(1))
    assert len(pending) == 3 and pending.dropped == 0
    bout = list(pending)[1]
    assert isinstance(bout, BoutRecord) and bout.seated_s == 299 * 60.0
