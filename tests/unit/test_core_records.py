"""Rows and their versions: what makes two records the same row."""

from datetime import datetime

from unslump.core.records import BoutRecord, BreakKind, BreakRecord, identity, replace_version

WALL = datetime(2026, 11, 24, 9, 0).astimezone()


def test_core_records_same_key_of_another_kind_is_another_row():
    bout = BoutRecord(WALL, WALL, 60.0, key="b-1")
    pause = BreakRecord(BreakKind.NATURAL, WALL, WALL, 240.0, key="b-1")
    assert identity(bout) != identity(pause)
    rows: list = [bout]
    assert not replace_version(rows, pause) and rows == [bout]
    newer = BoutRecord(WALL, WALL, 120.0, key="b-1")
    assert replace_version(rows, newer) and rows == [newer]


def test_core_records_unkeyed_rows_are_never_versions():
    assert identity(BoutRecord(WALL, WALL, 60.0)) is None
    assert not replace_version([BoutRecord(WALL, WALL, 60.0)], BoutRecord(WALL, WALL, 60.0))
