"""Stored bytes and files that used to crash the device, ``stats`` or ``export``.

A damaged log must never stop the device: it is set aside and a fresh one made, or, for
what a person has to fix (a newer schema, a directory in its place), the device runs on
with rows waiting in memory, as the README promises. ``stats`` and ``export`` answer
every damaged file with one line, never a traceback.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from unslump.cli.main import main
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
from unslump.edges.store.sqlite import SqliteStore

WALL = datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=1)))
DAY = WALL.date()
CORRUPTIONS = 40


def a_break(at: datetime = WALL) -> BreakRecord:
    return BreakRecord(BreakKind.GUIDED, at, at + timedelta(minutes=3), 180.0, True,
                       Variant.SEATED, 3)


def write_log(path: Path, days: int = 20) -> None:
    """A log with every kind of row over some weeks, folded into one file (no WAL)."""
    with SqliteStore.open(path, clock=FakeClock(WALL)) as store:
        for day in range(days):
            at = WALL - timedelta(days=day)
            store.append(DeviceRecord(at, "start"))
            store.append(BoutRecord(at - timedelta(hours=1), at, 3600.0))
            store.append(a_break(at))
            store.append(ReminderRecord(at, ReminderOutcome.ROUTINE, 12.0, 1))
            store.append(ErrorRecord(at, "display", "stopped answering"))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")


def run_cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run ``unslump ARGS`` in-process; an exception escaping main() is a traceback."""
    code = main(list(args))
    return code, capsys.readouterr().err


def assert_one_line_or_success(code: int, err: str) -> None:
    assert code in (0, 1, 2)
    if code:
        assert err.startswith("unslump: ") and err.count("\n") == 1, err
        assert "Traceback" not in err


def device_starts_and_reads(path: Path) -> SqliteStore:
    """What the device does with its log from power-on to opening the stats pages."""
    store = SqliteStore.open(path, clock=FakeClock(WALL), logger=logging.getLogger("t"))
    store.notice_answer()
    store.practice()
    store.breaks_on(DAY)
    store.append(DeviceRecord(WALL, "start"))
    store.day_summary(DAY)
    store.week_summary(DAY)
    store.response_times(DAY - timedelta(days=6), DAY)
    return store


# -- a malformed value in a row ---------------------------------------------------------


@pytest.mark.parametrize(("table", "column", "value"), [
    ("bouts", "start_utc", "yesterday-ish"),
    ("bouts", "end_offset_min", "east"),
    ("breaks", "end_utc", "2026-13-45T99:00:00"),
    ("breaks", "kind", "nap"),
    ("reminders", "at_utc", ""),
    ("reminders", "outcome", "shrugged"),
])
def test_store_damage_malformed_value_in_a_row_crashes_nothing(tmp_path, capsys, table,
                                                                column, value):
    path = tmp_path / "unslump.db"
    write_log(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA ignore_check_constraints = ON")
        connection.execute(f"UPDATE {table} SET {column} = ? WHERE id = 2", (value,))
    store = device_starts_and_reads(path)
    summary = store.day_summary(DAY)
    store.close()
    assert summary["day"] == DAY
    for args in (["stats", "--week"], ["stats", "--json"], ["export", "--format", "csv"],
                 ["export", "--format", "json", "--since", "2026-11-01"]):
        code, err = run_cli(*args, "--db", str(path), capsys=capsys)
        assert_one_line_or_success(code, err)


def test_store_damage_malformed_row_is_named_in_one_line(tmp_path, capsys):
    path = tmp_path / "unslump.db"
    write_log(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE breaks SET start_utc = 'garbage' WHERE id = 1")
    code, err = run_cli("export", "--format", "csv", "--db", str(path), capsys=capsys)
    assert code == 1
    assert f"{path}: row 1 of breaks" in err and "'garbage'" in err


# -- random damage to the file -----------------------------------------------------------


def damage(source: Path, target: Path, seed: int) -> str:
    """A copy of ``source`` damaged one of several ways; returns how."""
    rng = random.Random(seed)
    data = bytearray(source.read_bytes())
    page = 4096
    how = ["flip", "zero-page", "truncate", "header", "random-page"][seed % 5]
    if how == "flip":
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif how == "zero-page":
        start = rng.randrange(len(data) // page) * page
        data[start:start + page] = bytes(page)
    elif how == "truncate":
        data = data[:rng.randrange(16, len(data))]
    elif how == "header":
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(16, 100)] = rng.randrange(256)
    else:
        start = rng.randrange(len(data) // page) * page
        data[start:start + page] = rng.randbytes(page)
    target.write_bytes(bytes(data))
    return how


def test_store_damage_random_corruptions_never_stop_the_device_or_print_a_traceback(
        tmp_path, capsys):
    clean = tmp_path / "clean.db"
    write_log(clean)
    outcomes: dict[str, int] = {}
    for seed in range(CORRUPTIONS):
        folder = tmp_path / f"case{seed}"
        folder.mkdir()
        path = folder / "unslump.db"
        how = damage(clean, path, seed)
        for args in (["stats", "--week"], ["export", "--format", "json"]):
            code, err = run_cli(*args, "--db", str(path), capsys=capsys)
            assert_one_line_or_success(code, err)
            outcomes[f"{args[0]} exit {code}"] = outcomes.get(f"{args[0]} exit {code}", 0) + 1
        store = device_starts_and_reads(path)  # must not raise, whatever the damage
        store.append(a_break())
        healthy = store.healthy
        # unhealthy only for damage that reads as a newer schema: rows wait and retry
        assert healthy or (store.pending_rows == 2 and store.deadline() is not None), \
            f"seed {seed} ({how})"
        store.close()
        logged = capsys.readouterr().err  # the device's own journal lines
        assert all(line.startswith(("WARNING", "INFO")) for line in logged.splitlines()), \
            logged
        outcomes["device healthy" if healthy else "device waiting"] = outcomes.get(
            "device healthy" if healthy else "device waiting", 0) + 1
    print(f"{CORRUPTIONS} corruptions: {outcomes}")


# -- files that are not what they should be ------------------------------------------------


def test_store_damage_negative_schema_version_is_set_aside_not_a_disk_failure(tmp_path,
                                                                              capsys):
    path = tmp_path / "unslump.db"
    write_log(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = -3")
    code, err = run_cli("stats", "--db", str(path), capsys=capsys)
    assert code == 1 and "schema version -3" in err
    store = device_starts_and_reads(path)
    assert store.healthy
    store.close()
    assert list(tmp_path.glob("unslump.db.corrupt-*"))


@pytest.mark.parametrize("problem", ["newer schema", "directory"])
def test_store_damage_what_a_person_must_fix_degrades_instead_of_exiting(tmp_path, caplog,
                                                                         problem):
    path = tmp_path / "unslump.db"
    if problem == "directory":
        path.mkdir()
    else:
        write_log(path)
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA user_version = 99")
    with caplog.at_level(logging.WARNING):
        store = device_starts_and_reads(path)  # used to raise StoreError: exit 1, restart
    assert not store.healthy and store.pending_rows == 1
    assert store.deadline() is not None  # and it keeps trying, in case it is fixed
    store.close()
    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
                 and "not writable" in r.getMessage()]
    assert str(path) in warning
    assert ("newer than this Unslump" in warning) if problem != "directory" else (
        "is a directory" in warning)


def test_store_damage_unreadable_log_is_one_line(tmp_path):
    path = tmp_path / "unslump.db"
    write_log(path)
    path.chmod(0)
    result = subprocess.run([sys.executable, "-m", "unslump", "stats", "--db", str(path)],
                            capture_output=True, text=True, timeout=60,
                            preexec_fn=_without_root_file_access)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"unslump: {path}") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def _without_root_file_access() -> None:
    """Run as a user would: root keeps its uid but loses the right to read any file."""
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for capability in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
