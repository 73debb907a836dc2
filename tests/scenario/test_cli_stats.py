"""`unslump stats` and `unslump export` on a real break log written by the SQLite store."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from unslump.cli.main import main
from unslump.cli.stats import register
from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    DeviceRecord,
    ErrorRecord,
    ReminderOutcome,
    ReminderRecord,
    Variant,
)
from unslump.edges.clock import FakeClock
from unslump.edges.store.queries import EXPORT_TABLES
from unslump.edges.store.schema import LATEST_VERSION, migrate
from unslump.edges.store.sqlite import SqliteStore
from unslump.errors import StoreError

LOCAL = timezone(timedelta(hours=1))
MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
WEDNESDAY = date(2026, 11, 25)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


def sat(start: datetime, end: datetime) -> BoutRecord:
    return BoutRecord(start, end, (end - start).total_seconds())


def stretch(start: datetime, completed: bool = True) -> BreakRecord:
    minutes = 4 if completed else 1
    return BreakRecord(BreakKind.GUIDED, start, start + timedelta(minutes=minutes), minutes * 60.0,
                       completed, Variant.SEATED, 3 if completed else 0,
                       None if completed else "fold")


def walk(start: datetime, minutes: int) -> BreakRecord:
    return BreakRecord(BreakKind.NATURAL, start, start + timedelta(minutes=minutes), minutes * 60.0)


TWO_DAYS = [
    DeviceRecord(at(MONDAY, 8, 50), "start"),
    sat(at(MONDAY, 9), at(MONDAY, 9, 48)),
    ReminderRecord(at(MONDAY, 9, 45), ReminderOutcome.STOOD_UP, 41.0),
    walk(at(MONDAY, 9, 48), 6),
    sat(at(TUESDAY, 8, 30), at(TUESDAY, 9, 40)),  # 70 min, the longest on Tuesday
    ReminderRecord(at(TUESDAY, 9, 15), ReminderOutcome.SNOOZED),
    ReminderRecord(at(TUESDAY, 9, 25), ReminderOutcome.ROUTINE, 18.0, chimes=2),
    stretch(at(TUESDAY, 9, 40)),
    sat(at(TUESDAY, 10), at(TUESDAY, 10, 45)),
    ReminderRecord(at(TUESDAY, 10, 45), ReminderOutcome.STOOD_UP, 30.0),
    stretch(at(TUESDAY, 10, 45), completed=False),
    walk(at(TUESDAY, 10, 47), 12),
    ErrorRecord(at(TUESDAY, 12), "display", "I2C write failed; retrying"),
    sat(at(TUESDAY, 23, 40), at(WEDNESDAY, 0, 20)),  # 20 min each side of midnight
    walk(at(WEDNESDAY, 0, 20), 480),
    DeviceRecord(at(WEDNESDAY, 8), "stop", "SIGTERM"),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "unslump.db"
    with SqliteStore.open(path, clock=FakeClock(wall_start=at(MONDAY, 8))) as store:
        for record in TWO_DAYS:
            store.append(record)
    return path


def run(*argv: str) -> int:
    """Parse ``argv`` the way the ``unslump`` command does, and run the handler."""
    version = argparse.ArgumentParser(add_help=False)
    version.add_argument("--version", action="version", version="unslump test")
    parser = argparse.ArgumentParser(prog="unslump", parents=[version])
    register(parser.add_subparsers(dest="command", required=True), [version])
    args = parser.parse_args(argv)
    return args.handler(args)


def test_cli_stats_day_json_has_every_key_and_its_value(db, capsys):
    assert run("stats", "--db", str(db), "--day", "2026-11-24", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "day": "2026-11-24",
        "breaks_guided": 1,
        "breaks_natural": 1,
        "routines_stopped": 1,
        "reminders": 3,
        "snoozes": 1,
        "sitting_s": (70 + 45 + 20) * 60.0,
        "longest_sit_s": 70 * 60.0,
        "bouts": 3,
        "median_response_s": 24.0,
        "bout_open": False,
    }


def test_cli_stats_day_json_median_is_null_without_reminders(db, capsys):
    assert run("stats", "--db", str(db), "--day", "2026-11-25", "--json") == 0
    day = json.loads(capsys.readouterr().out)
    assert day["median_response_s"] is None
    assert (day["sitting_s"], day["bouts"], day["breaks_natural"]) == (1200.0, 1, 1)


def test_cli_stats_day_table_shows_labels_and_display_units(db, capsys):
    assert run("stats", "--db", str(db), "--day", "2026-11-24") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2026-11-24 Tue"
    rows = {line[:20].strip(): line[20:].strip() for line in lines[1:]}
    assert rows["guided breaks"] == "1"
    assert rows["sitting"] == "2h15m"
    assert rows["longest bout"] == "1h10m"
    assert rows["median response"] == "24s"


def test_cli_stats_week_json_is_seven_days_oldest_first(db, capsys):
    assert run("stats", "--db", str(db), "--day", "2026-11-25", "--week", "--json") == 0
    week = json.loads(capsys.readouterr().out)
    assert [d["day"] for d in week] == [
        (WEDNESDAY - timedelta(days=back)).isoformat() for back in range(6, -1, -1)
    ]
    assert [d["bouts"] for d in week] == [0, 0, 0, 0, 1, 3, 1]
    assert week[4]["median_response_s"] == 41.0


def test_cli_stats_week_table_ends_with_the_week_totals(db, capsys):
    assert run("stats", "--db", str(db), "--day", "2026-11-25", "--week") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["day", "guided", "natural", "stopped", "remind", "snooze",
                                "sitting", "longest", "bouts", "response"]
    assert len(lines) == 2 + 7 + 2
    assert lines[2].startswith("2026-11-19 Thu")
    # 48 + 70 + 45 + 20 + 20 minutes; the median over all three answered reminders.
    assert lines[-1].split() == ["week", "1", "3", "1", "4", "1", "3h23m", "1h10m", "5", "30s"]


def test_cli_stats_no_log_yet_says_so_and_exits_0(tmp_path, capsys):
    """A fresh machine has nothing logged yet: that is news, not an error."""
    missing = tmp_path / "nothing.db"
    assert run("stats", "--db", str(missing)) == 0
    out = capsys.readouterr().out
    assert out == (f"no break log at {missing} yet: nothing is counted until the device has "
                   "run (off the Pi, try make run and then unslump stats --sim)\n")
    assert not missing.exists()


def test_cli_stats_sim_reads_the_simulators_own_log(tmp_path, monkeypatch, capsys):
    """``--sim`` reads simulator.db beside the default log, never the device's log."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    db = tmp_path / "unslump" / "simulator.db"
    db.parent.mkdir()
    SqliteStore.open(db, clock=FakeClock(wall_start=at(MONDAY, 8))).close()
    assert run("stats", "--sim", "--json") == 0
    assert json.loads(capsys.readouterr().out)["breaks_guided"] == 0
    assert not (tmp_path / "unslump" / "unslump.db").exists()


def test_cli_stats_default_db_follows_the_state_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path))
    assert run("stats", "--json") == 0
    assert f"no break log at {tmp_path / 'unslump.db'} yet" in capsys.readouterr().out


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "24/11/2026"])
def test_cli_stats_bad_day_exits_2_with_one_line(db, capsys, day):
    assert run("stats", "--db", str(db), "--day", day) == 2
    assert capsys.readouterr().err == f"unslump: --day {day!r}: not a date; use YYYY-MM-DD\n"


def test_cli_stats_leaves_a_closed_log_and_its_directory_untouched(db, capsys):
    before = db.read_bytes()
    # the log and the note its clean stop left beside it (clean_stop), nothing else
    assert sorted(p.name for p in db.parent.iterdir()) == ["unslump.db", "unslump.db-verified"]
    assert run("stats", "--db", str(db), "--week") == 0
    assert run("export", "--db", str(db), "--format", "json") == 0
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["unslump.db", "unslump.db-verified"]


def test_cli_stats_reads_beside_a_running_device(db, capsys):
    with SqliteStore.open(db, clock=FakeClock(wall_start=at(WEDNESDAY, 9))) as device:
        device.append(walk(at(WEDNESDAY, 9), 5))  # committed to the WAL, not the main file
        assert run("stats", "--db", str(db), "--day", "2026-11-25", "--json") == 0
        assert json.loads(capsys.readouterr().out)["breaks_natural"] == 2
        device.append(walk(at(WEDNESDAY, 10), 5))  # the device still writes after the read
    with SqliteStore.open(db) as reopened:
        assert reopened.day_summary(WEDNESDAY)["breaks_natural"] == 3


def test_cli_stats_reads_an_older_schema_without_upgrading_the_file(tmp_path, capsys):
    path = tmp_path / "old.db"
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, path, target=1)
    connection.execute(
        "INSERT INTO breaks (kind, start_utc, start_offset_min, end_utc, end_offset_min,"
        " duration_s, completed) VALUES ('natural', '2026-11-24T09:00:00.000000+00:00', 60,"
        " '2026-11-24T09:05:00.000000+00:00', 60, 300, 1)"
    )
    connection.close()
    assert run("stats", "--db", str(path), "--day", "2026-11-24", "--json") == 0
    assert json.loads(capsys.readouterr().out)["breaks_natural"] == 1
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone() == (1,)
    check.close()


def test_cli_stats_newer_schema_is_a_store_error_naming_the_file(db):
    connection = sqlite3.connect(db)
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    connection.close()
    newer = f"{db}: schema version {LATEST_VERSION + 1} is newer"
    with pytest.raises(StoreError, match=re.escape(newer)):
        run("stats", "--db", str(db))


def test_cli_stats_not_a_database_is_a_store_error_naming_the_file(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("these are not the rows you are looking for\n" * 40)
    with pytest.raises(StoreError, match=re.escape("notes.db: cannot read it as a break log")):
        run("stats", "--db", str(text))


def test_cli_export_json_has_every_table_and_local_times(db, capsys):
    assert run("export", "--db", str(db), "--format", "json") == 0
    tables = json.loads(capsys.readouterr().out)
    assert list(tables) == ["bouts", "breaks", "reminders", "device_events", "errors"]
    assert [len(rows) for rows in tables.values()] == [4, 5, 4, 2, 1]
    assert tables["bouts"][0] == {"id": 1, "start": "2026-11-23T09:00:00+01:00",
                                  "end": "2026-11-23T09:48:00+01:00", "seated_s": 2880.0,
                                  "ended_by": "ended", "key": None}
    stopped = tables["breaks"][2]
    assert (stopped["kind"], stopped["completed"], stopped["reached"]) == ("guided", False, "fold")
    assert tables["device_events"][1] == {"id": 2, "at": "2026-11-25T08:00:00+01:00",
                                          "what": "stop", "detail": "SIGTERM"}


def test_cli_export_csv_is_one_sheet_with_a_table_column(db, capsys):
    assert run("export", "--db", str(db), "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4 + 5 + 4 + 2 + 1
    assert [row["table"] for row in rows[:5]] == ["bouts"] * 4 + ["breaks"]
    reminder = next(row for row in rows if row["table"] == "reminders" and row["id"] == "3")
    assert (reminder["at"], reminder["outcome"], reminder["response_s"], reminder["chimes"]) == (
        "2026-11-24T09:25:00+01:00", "routine", "18.0", "2")
    assert reminder["start"] == reminder["seated_s"] == ""
    [error] = [row for row in rows if row["table"] == "errors"]
    assert error["message"] == "I2C write failed; retrying"


def test_cli_export_since_keeps_rows_on_and_after_the_day(db, capsys):
    assert run("export", "--db", str(db), "--format", "json", "--since", "2026-11-25") == 0
    tables = json.loads(capsys.readouterr().out)
    # The bout across midnight ends on the 25th, so it is kept.
    assert [row["start"] for row in tables["bouts"]] == ["2026-11-24T23:40:00+01:00"]
    assert [row["start"] for row in tables["breaks"]] == ["2026-11-25T00:20:00+01:00"]
    assert tables["reminders"] == [] and tables["errors"] == []
    assert [row["what"] for row in tables["device_events"]] == ["stop"]


def test_cli_export_out_writes_the_file_and_nothing_to_stdout(db, tmp_path, capsys):
    out = tmp_path / "breaks.csv"
    assert run("export", "--db", str(db), "--format", "csv", "--since", "2026-11-24",
               "--out", str(out)) == 0
    assert capsys.readouterr().out == ""
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert {row["table"] for row in rows} == {"bouts", "breaks", "reminders", "device_events",
                                              "errors"}
    assert all(row["start"] >= "2026-11-24" or row["at"] >= "2026-11-24" for row in rows)


def test_cli_export_bad_since_exits_2_with_one_line(db, capsys):
    assert run("export", "--db", str(db), "--format", "csv", "--since", "2026-02-30") == 2
    assert capsys.readouterr().err == (
        "unslump: --since '2026-02-30': not a date; use YYYY-MM-DD\n"
    )


def test_cli_export_missing_db_exits_2(tmp_path, capsys):
    assert run("export", "--db", str(tmp_path / "gone.db"), "--format", "json") == 2
    assert "no break log here yet" in capsys.readouterr().err


def test_cli_stats_subcommands_inherit_the_version_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        run("export", "--version")
    assert exit_.value.code == 0
    assert capsys.readouterr().out == "unslump test\n"


def test_cli_stats_through_the_unslump_command(tmp_path):
    import json
    import subprocess
    import sys

    from unslump.core.records import BreakKind, BreakRecord
    from unslump.edges.store.sqlite import SqliteStore

    db = tmp_path / "log.db"
    start = datetime(2026, 11, 24, 10, 0).astimezone()
    with SqliteStore.open(db) as store:
        store.append(BreakRecord(BreakKind.NATURAL, start, start + timedelta(minutes=5), 300.0))
    result = subprocess.run([sys.executable, "-m", "unslump", "stats", "--db", str(db),
                             "--day", "2026-11-24", "--json"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    day = json.loads(result.stdout)
    assert (day["day"], day["breaks_natural"], day["median_response_s"]) == (
        "2026-11-24", 1, None)


def test_cli_stats_and_export_follow_the_config_store_path(db, tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\npath = "{db}"\n')
    assert main(["stats", "--config", str(config), "--day", "2026-11-24", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["breaks_guided"] == 1
    assert main(["export", "--config", str(config), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["bouts"]) == 4


def test_cli_stats_bad_config_is_one_line_and_exit_2(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text("[store]\npath = 3\n")
    assert main(["stats", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("unslump: ") and "\n" not in err and "path" in err


def test_cli_export_a_damaged_schema_is_one_line_not_a_traceback(db, capsys):
    """A flipped byte in a column's name (found by the random corruptions)."""
    with sqlite3.connect(db) as connection:
        connection.execute("ALTER TABLE breaks RENAME COLUMN end_offset_min TO end_offset_mim")
    connection.close()
    assert main(["export", "--db", str(db), "--format", "json"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "column breaks.end_offset_min missing" in err


def test_cli_export_carries_every_stored_column(tmp_path, capsys):
    """The export's columns are the schema's (a time is stored as two columns, _utc and
    _offset_min, and exported as one); it once left out the "uncurl smooth?" answer."""
    path = tmp_path / "unslump.db"
    with SqliteStore.open(path, clock=FakeClock(wall_start=at(MONDAY, 8))) as store:
        store.append(replace(stretch(at(MONDAY, 9)), smooth=True))
    connection = sqlite3.connect(path)
    try:
        tables = {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        tables -= {"meta", "outbox"}
        stored = {}
        for table in tables:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            stored[table] = {column.removesuffix("_utc") for column in columns
                             if not column.endswith("_offset_min")}
    finally:
        connection.close()
    assert run("export", "--db", str(path), "--format", "json") == 0
    exported = json.loads(capsys.readouterr().out)
    assert set(exported) == tables
    for table, rows in exported.items():
        assert set(EXPORT_TABLES[table]) == stored[table], table
        assert all(set(row) == stored[table] for row in rows), table
    assert exported["breaks"][0]["smooth"] is True
    assert run("export", "--db", str(path), "--format", "csv") == 0
    [row] = [r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))
             if r["table"] == "breaks"]
    assert row["smooth"] == "True"
