"""Stats queries: a realistic day, a bout across midnight, days without reminders."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from unslump.core.day_stats import DailyGoal, DaySummary, median_or_none, streak_days
from unslump.core.practice import Practice, PracticeDay, practice_from
from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    EndedBy,
    ReminderOutcome,
    ReminderRecord,
    Variant,
)
from unslump.edges.clock import FakeClock
from unslump.edges.store import queries
from unslump.edges.store.memory import MemoryStore
from unslump.edges.store.sqlite import SqliteStore

LOCAL = timezone(timedelta(hours=1))
DAY = date(2026, 11, 24)
NEXT = date(2026, 11, 25)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


def bout(start: datetime, end: datetime, seated_s: float | None = None) -> BoutRecord:
    return BoutRecord(start, end, (end - start).total_seconds() if seated_s is None else seated_s)


def brk(kind: BreakKind, start: datetime, minutes: float, completed: bool = True) -> BreakRecord:
    variant = Variant.STANDING if kind == BreakKind.GUIDED else None
    end = start + timedelta(minutes=minutes)
    return BreakRecord(kind, start, end, minutes * 60, completed, variant)


A_WORKING_DAY = [
    bout(at(8, 55), at(9, 47)),  # 52 min
    ReminderRecord(at(9, 40), ReminderOutcome.STOOD_UP, 20.0),
    brk(BreakKind.NATURAL, at(9, 47), 5),
    bout(at(10, 0), at(11, 10)),  # 70 min: the longest
    ReminderRecord(at(10, 45), ReminderOutcome.SNOOZED),
    ReminderRecord(at(10, 55), ReminderOutcome.ROUTINE, 50.0, chimes=2),
    brk(BreakKind.GUIDED, at(11, 10), 6),
    bout(at(13, 0), at(14, 0)),  # 60 min
    ReminderRecord(at(13, 45), ReminderOutcome.STOOD_UP, 35.0),
    brk(BreakKind.GUIDED, at(14, 0), 1.5, completed=False),  # stopped part way
    brk(BreakKind.NATURAL, at(14, 2), 10),
    ReminderRecord(at(16, 0), ReminderOutcome.IGNORED, chimes=3),
    bout(at(23, 30), at(1, 0, NEXT), 5400.0),  # across midnight: 30 min + 60 min
    brk(BreakKind.NATURAL, at(1, 0, NEXT), 20),
]


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "unslump.db"
    with SqliteStore.open(path, clock=FakeClock(wall_start=at(8))) as store:
        for record in A_WORKING_DAY:
            store.append(record)
    return path


@pytest.fixture
def reader(log: Path):
    """A read-only connection: the queries must not need to write."""
    connection = sqlite3.connect(f"file:{log}?mode=ro", uri=True)
    yield connection
    connection.close()


def test_store_queries_day_summary_of_a_working_day(reader):
    summary = queries.day_summary(reader, DAY)
    assert summary == {
        "day": DAY,
        "breaks_guided": 1,
        "breaks_natural": 2,
        "routines_stopped": 1,
        "reminders": 5,
        "snoozes": 1,
        "sitting_s": (52 + 70 + 60 + 30) * 60.0,
        "longest_sit_s": 70 * 60.0,
        "bouts": 4,
        "median_response_s": 35.0,
        "bout_open": False,
    }


def test_store_queries_bout_across_midnight_is_split_by_wall_overlap(reader):
    after = queries.day_summary(reader, NEXT)
    assert after["bouts"] == 1
    assert after["sitting_s"] == pytest.approx(3600.0)
    assert after["longest_sit_s"] == pytest.approx(3600.0)
    assert after["breaks_natural"] == 1
    before = queries.day_summary(reader, DAY)
    assert before["sitting_s"] + after["sitting_s"] == pytest.approx(
        sum(r.seated_s for r in A_WORKING_DAY if isinstance(r, BoutRecord))
    )


def test_store_queries_seated_time_is_shared_in_proportion_when_the_wall_jumped():
    # 2 h of wall time but 1 h seated (the wall clock was corrected during the bout):
    # each day gets its share of the seated hour, never the wall-clock figure.
    jumped = bout(at(23, 0), at(1, 0, NEXT), 3600.0)
    assert queries.bout_share_s(jumped, DAY) == pytest.approx(1800.0)
    assert queries.bout_share_s(jumped, NEXT) == pytest.approx(1800.0)
    assert queries.bout_share_s(jumped, date(2026, 11, 26)) is None
    backwards = bout(at(23, 0), at(22, 0), 600.0)  # wall set back by more than the bout
    assert queries.bout_share_s(backwards, DAY) == 600.0


def test_store_queries_median_response_is_none_without_reminders(reader):
    summary = queries.day_summary(reader, NEXT)
    assert summary["reminders"] == 0
    assert summary["median_response_s"] is None
    empty = queries.day_summary(reader, date(2026, 11, 20))
    assert empty["bouts"] == 0
    assert empty["sitting_s"] == 0.0
    assert empty["median_response_s"] is None


def test_store_queries_median_response_is_none_when_no_one_stood_up():
    rows = queries.LogRows().add([ReminderRecord(at(10), ReminderOutcome.SNOOZED)])
    [summary] = queries.summarize_days([DAY], rows)
    assert summary["reminders"] == 1
    assert summary["median_response_s"] is None


def test_store_queries_week_summary_covers_seven_days_oldest_first(reader):
    week = queries.week_summary(reader, NEXT)
    assert [d["day"] for d in week] == [NEXT - timedelta(days=n) for n in range(6, -1, -1)]
    assert [d["bouts"] for d in week] == [0, 0, 0, 0, 0, 4, 1]
    assert week[-2] == queries.day_summary(reader, DAY)


def test_store_queries_breaks_on_agrees_with_day_summary(reader):
    for day in (DAY, NEXT, date(2026, 11, 23)):
        summary = queries.day_summary(reader, day)
        assert (
            queries.breaks_on(reader, day) == summary["breaks_guided"] + summary["breaks_natural"]
        )


def test_store_queries_day_follows_the_local_offset_of_each_moment(tmp_path):
    # 23:30 in New York is 04:30 UTC the next day; it still belongs to the 24th there.
    new_york = timezone(timedelta(hours=-5))
    late = datetime(2026, 11, 24, 23, 30, tzinfo=new_york)
    path = tmp_path / "unslump.db"
    with SqliteStore.open(path, clock=FakeClock(wall_start=late)) as store:
        store.append(brk(BreakKind.NATURAL, late, 4))
        store.append(ReminderRecord(late, ReminderOutcome.STOOD_UP, 12.0))
    with sqlite3.connect(path) as connection:
        assert queries.day_summary(connection, DAY)["breaks_natural"] == 1
        assert queries.day_summary(connection, DAY)["median_response_s"] == 12.0
        assert queries.day_summary(connection, NEXT)["reminders"] == 0
    connection.close()


# -- streaks, the week's response times, export -------------------------------------------


def a_day(bouts: int = 1, longest_min: float = 40, breaks: int = 2) -> DaySummary:
    return DaySummary(
        day=DAY, breaks_guided=breaks, breaks_natural=0, routines_stopped=0, reminders=0,
        snoozes=0, sitting_s=longest_min * 60 * bouts, longest_sit_s=longest_min * 60,
        bouts=bouts, median_response_s=None, bout_open=False,
    )


def test_store_queries_goal_judges_bouts_breaks_and_rest_days():
    goal = DailyGoal(max_bout_s=3600, min_breaks=3)
    assert goal.judge(a_day(longest_min=60, breaks=3)) is True
    assert goal.judge(a_day(longest_min=61, breaks=3)) is False
    assert goal.judge(a_day(longest_min=61, breaks=3), in_progress=True) is False  # for good
    assert goal.judge(a_day(breaks=2)) is False
    assert goal.judge(a_day(breaks=2), in_progress=True) is None  # the evening may reach 3
    assert goal.judge(a_day(bouts=0, longest_min=0)) is None  # nobody sat: a rest day


def test_store_queries_streak_counts_back_from_today_through_rest_days():
    goal = DailyGoal(max_bout_s=3600)
    met, failed, rest = a_day(), a_day(longest_min=90), a_day(bouts=0, longest_min=0)
    assert streak_days([met, met, rest, rest, met, failed, met], goal) == 3
    assert streak_days([failed, met, met], goal) == 0
    assert streak_days([rest, met, met], goal) == 2
    assert streak_days([met, *[rest] * 7, met], goal) == 1  # a week away ends it
    assert streak_days([], goal) == 0


def test_store_queries_streak_waits_for_todays_breaks_before_counting_it():
    goal = DailyGoal(min_breaks=3)
    assert streak_days([a_day(breaks=1), a_day(breaks=3)], goal) == 1
    assert streak_days([a_day(breaks=4), a_day(breaks=3)], goal) == 2
    assert streak_days([a_day(breaks=4), a_day(breaks=2), a_day(breaks=3)], goal) == 1


def test_store_queries_response_times_are_every_answer_in_the_days(reader):
    assert queries.response_times(reader, DAY, DAY) == [20.0, 50.0, 35.0]
    assert queries.response_times(reader, NEXT, NEXT) == []
    assert median_or_none(queries.response_times(reader, DAY, NEXT)) == 35.0
    assert median_or_none([]) is None


def test_store_queries_export_rows_are_local_times_and_plain_values(reader):
    tables = queries.export_rows(reader)
    assert list(tables) == list(queries.EXPORT_TABLES)
    assert [len(rows) for rows in tables.values()] == [4, 5, 5, 0, 0]
    assert tables["bouts"][3] == {
        "id": 4, "start": "2026-11-24T23:30:00+01:00", "end": "2026-11-25T01:00:00+01:00",
        "seated_s": 5400.0, "ended_by": "ended", "key": None,
    }
    assert tables["breaks"][2]["completed"] is False
    assert tables["reminders"][4]["response_s"] is None
    assert all(list(row) == list(queries.EXPORT_TABLES[name])
               for name, rows in tables.items() for row in rows)


def test_store_queries_export_since_keeps_a_bout_that_ends_on_the_day(reader):
    tables = queries.export_rows(reader, since=NEXT)
    assert [row["id"] for row in tables["bouts"]] == [4]  # started the evening before
    assert [row["kind"] for row in tables["breaks"]] == ["natural"]
    assert tables["reminders"] == []


# -- The figures a user reads, each pinned where a wrong sign or bound would change it ----


def test_store_queries_routines_stopped_counts_only_the_stopped_ones(tmp_path):
    path = tmp_path / "unslump.db"
    open_routine = replace(brk(BreakKind.GUIDED, at(16), 1), completed=False, ended_by=None)
    with SqliteStore.open(path, clock=FakeClock(wall_start=at(8))) as store:
        for record in (brk(BreakKind.GUIDED, at(9), 3), brk(BreakKind.GUIDED, at(10), 3),
                       brk(BreakKind.WALK, at(11), 3), brk(BreakKind.GUIDED, at(12), 1, False),
                       brk(BreakKind.NATURAL, at(13), 5, completed=False), open_routine):
            store.append(record)
    with sqlite3.connect(path) as connection:
        summary = queries.day_summary(connection, DAY)
    # three completed (the walk is one), one stopped; one still under way is not stopped
    assert (summary["breaks_guided"], summary["routines_stopped"]) == (3, 1)


def test_store_queries_goal_counts_natural_breaks_with_the_guided_ones():
    goal = DailyGoal(min_breaks=3)
    one_guided_two_natural = {**a_day(breaks=1), "breaks_natural": 2}
    assert goal.judge(one_guided_two_natural) is True
    assert goal.judge({**a_day(breaks=0), "breaks_natural": 2}) is False


def test_store_queries_week_page_keeps_its_oldest_day_s_rows(reader):
    week = queries.week_summary(reader, DAY + timedelta(days=6))
    assert week[0]["day"] == DAY
    assert week[0] == queries.day_summary(reader, DAY)
    assert week[1] == queries.day_summary(reader, NEXT)


def test_store_queries_streak_rests_up_to_six_days_in_a_row_not_seven():
    goal = DailyGoal(max_bout_s=3600)
    met, rest = a_day(), a_day(bouts=0, longest_min=0)
    assert streak_days([met, *[rest] * 6, met], goal) == 2
    assert streak_days([met, *[rest] * 7, met], goal) == 1
    assert streak_days([rest] * 7, goal, max_rest_days=7) == 0


def test_store_queries_streak_judges_only_today_as_in_progress():
    """Yesterday short of its breaks failed; only today may still reach them."""
    goal = DailyGoal(min_breaks=3)
    short = a_day(breaks=1)
    assert streak_days([a_day(breaks=3), short, a_day(breaks=3)], goal) == 1
    assert streak_days([short, a_day(breaks=3), a_day(breaks=3)], goal) == 2


def test_store_queries_export_says_which_routines_completed(reader):
    breaks = queries.export_rows(reader)["breaks"]
    assert [(row["kind"], row["completed"]) for row in breaks] == [
        ("natural", True), ("guided", True), ("guided", False), ("natural", True),
        ("natural", True)]


def test_store_queries_week_page_keeps_its_last_day_s_evening(reader):
    week = queries.week_summary(reader, DAY)
    assert week[-1] == queries.day_summary(reader, DAY)  # the bout at 23:30 included


def test_store_queries_streak_may_begin_with_six_rest_days():
    goal = DailyGoal(max_bout_s=3600)
    met, rest = a_day(), a_day(bouts=0, longest_min=0)
    assert streak_days([*[rest] * 6, met], goal) == 1
    assert streak_days([*[rest] * 7, met], goal) == 0


def test_store_queries_a_bout_just_opened_counts_on_its_day_only():
    """Its first row has no wall length yet (end == start) and no seconds."""
    opened = replace(bout(at(9), at(9), 0.0), ended_by=None)
    assert queries.bout_share_s(opened, DAY) == 0.0
    assert queries.bout_share_s(opened, NEXT) is None
    summary = queries.summarize_days([DAY], queries.LogRows(bouts=[opened]))[0]
    assert (summary["bouts"], summary["bout_open"]) == (1, True)


def test_store_queries_wall_set_back_keeps_the_bout_off_other_days():
    backwards = bout(at(23, 0), at(22, 0), 600.0)
    assert queries.bout_share_s(backwards, NEXT) is None
    assert queries.bout_share_s(backwards, DAY - timedelta(days=1)) is None


def test_store_queries_midnight_splits_even_a_second():
    ends_at_midnight = bout(at(23, 0), at(0, 0, NEXT))
    assert queries.bout_share_s(ends_at_midnight, NEXT) is None  # touches it, no overlap
    one_second_over = bout(at(23, 0), datetime(2026, 11, 25, 0, 0, 1, tzinfo=LOCAL))
    assert queries.bout_share_s(one_second_over, NEXT) == pytest.approx(1.0)
    across = bout(datetime(2026, 11, 24, 23, 59, 59, 500000, tzinfo=LOCAL),
                  datetime(2026, 11, 25, 0, 0, 0, 500000, tzinfo=LOCAL), 1.0)
    assert queries.bout_share_s(across, DAY) == pytest.approx(0.5)


def test_store_queries_a_day_without_sitting_is_all_zero_in_floats():
    """The stats JSON keeps one type per key: 0.0 seconds, not 0."""
    summary = queries.summarize_days([DAY], queries.LogRows())[0]
    assert (summary["sitting_s"], summary["longest_sit_s"], summary["bouts"]) == (0.0, 0.0, 0)
    assert type(summary["sitting_s"]) is float and type(summary["longest_sit_s"]) is float


def test_store_queries_a_newer_version_of_a_row_replaces_the_older_one():
    """A checkpoint still waiting for the disk and its row on disk are one bout."""
    first = replace(bout(at(9), at(9, 30)), key="b-1", ended_by=None)
    newer = replace(bout(at(9), at(9, 40)), key="b-1", ended_by=None)
    rows = queries.LogRows().add([first, newer])
    assert rows.bouts == [newer]
    summary = queries.summarize_days([DAY], rows)[0]
    assert (summary["bouts"], summary["sitting_s"]) == (1, 40 * 60.0)


# -- The practice: a summary kept at each start, then only the stretches after it ---------

def stretch(day: int, smooth: bool | None, key: str) -> BreakRecord:
    start = datetime(2026, 1, 1, 9, tzinfo=LOCAL) + timedelta(days=day)
    return BreakRecord(BreakKind.GUIDED, start, start + timedelta(minutes=3), 180.0, True,
                       Variant.SEATED, 3, smooth=smooth, key=key, ended_by=EndedBy.ENDED)


def replayed(records: list[BreakRecord]) -> Practice:
    return practice_from((r.start.date(), r.smooth) for r in records)


def test_store_queries_practice_kept_at_start_equals_a_full_replay(tmp_path):
    path = tmp_path / "unslump.db"
    first = [stretch(n, n % 2 == 0 or None, f"a-{n}") for n in range(0, 40, 2)]
    store = SqliteStore.open(path, clock=FakeClock())
    for record in first:
        store.append(record)
    store.close_open(EndedBy.POWER_LOSS)  # a start: the summary is kept through them
    with sqlite3.connect(path) as connection:
        (kept,) = connection.execute("SELECT value FROM meta WHERE key = 'practice'").fetchone()
    connection.close()
    assert int(kept.split()[1]) == replayed(first).level
    later = [stretch(n, True, f"b-{n}") for n in range(60, 64)]  # after a gap, this boot
    for record in later:
        store.append(record)
    store.append(replace(later[-1], smooth=None))  # a newer version of the same row
    expected = replayed([*first, *later[:-1], replace(later[-1], smooth=None)])
    assert store.practice() == expected
    assert MemoryStore().practice() == Practice()
    store.close()


@pytest.mark.parametrize("value", ["", "[]", "1 99 - -", "3 2 x -", "-5 0 - -",
                                   "1 2 2026-01-01", "9" * 400 + " 1 - -"])
def test_store_queries_practice_summary_unreadable_is_replayed_from_the_first_row(
        tmp_path, value):
    path = tmp_path / "unslump.db"
    rows = [stretch(n, True, f"a-{n}") for n in range(5)]
    store = SqliteStore.open(path, clock=FakeClock())
    for record in rows:
        store.append(record)
    store.close()
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('practice', ?)",
                           (value,))
    connection.close()
    store = SqliteStore.open(path, clock=FakeClock())
    assert store.practice() == replayed(rows)
    store.close()


def test_store_queries_practice_days_count_the_stretches_of_a_week(tmp_path):
    store = SqliteStore.open(tmp_path / "unslump.db", clock=FakeClock())
    rows = [stretch(n // 3, n % 3 == 0 or None, f"a-{n}") for n in range(30)]  # 3 a day
    for record in rows:
        store.append(record)
    first, last = date(2026, 1, 3), date(2026, 1, 9)
    days = store.practice_days(first, last)
    assert [item.day for item in days] == [first + timedelta(days=n) for n in range(7)]
    assert {(item.stretches, item.smooth) for item in days} == {(3, 1)}
    assert MemoryStore.practice_days(_memory(rows), first, last) == days
    store.close()


@pytest.mark.parametrize("smooth", [True, None], ids=["raised", "never-raised"])
def test_store_queries_practice_kept_at_start_is_read_back_by_the_next_start(tmp_path, smooth):
    """The kept summary is what spares a start the replay of years of stretches: the next
    start reads it back (level, days and the last row it covers), raised or not."""
    path = tmp_path / "unslump.db"
    rows = [stretch(n, smooth, f"a-{n}") for n in range(6)]
    store = SqliteStore.open(path, clock=FakeClock())
    for record in rows:
        store.append(record)
    store.close_open(EndedBy.POWER_LOSS)
    store.close()
    with sqlite3.connect(path) as connection:
        (last_id,) = connection.execute("SELECT MAX(id) FROM breaks").fetchone()
        kept = queries._kept_practice(connection)
    connection.close()
    assert kept == (replayed(rows), last_id)
    assert (kept[0].raised_on is None) is (smooth is None)


def test_store_queries_practice_days_leave_out_skips_only_the_rows_named(tmp_path):
    path = tmp_path / "unslump.db"
    rows = [stretch(n // 2, True, f"a-{n}") for n in range(4)]  # 2 a day, 2 days
    store = SqliteStore.open(path, clock=FakeClock())
    for record in rows:
        store.append(record)
    store.close()
    first, last = date(2026, 1, 1), date(2026, 1, 2)
    with sqlite3.connect(path) as connection:
        days = queries.practice_days(connection, first, last, leave_out={"a-0"})
    connection.close()
    assert days == [PracticeDay(first, 1, 1), PracticeDay(last, 2, 2)]


def test_store_queries_merge_practice_adds_up_a_day_both_histories_have():
    """The days on disk and the stretches still waiting for it are one history."""
    monday, tuesday, wednesday = (date(2026, 1, 5) + timedelta(days=n) for n in range(3))
    on_disk = [PracticeDay(monday, 1, 0), PracticeDay(tuesday, 2, 1)]
    waiting = [PracticeDay(wednesday, 1, 1), PracticeDay(tuesday, 1, 1)]
    assert queries.merge_practice(on_disk, waiting) == [
        PracticeDay(monday, 1, 0), PracticeDay(tuesday, 3, 2), PracticeDay(wednesday, 1, 1)]


def _memory(rows: list[BreakRecord]) -> MemoryStore:
    memory = MemoryStore()
    for record in rows:
        memory.append(record)
    return memory
