"""Stored bytes and files that used to crash the device, ``stats`` or ``export``.

A damaged log must never stop the device: it is set aside and a fresh one made, or, for
what a person has to fix (a newer schema, a directory in its place), the device runs on
with rows waiting in memory, as the README promises. ``stats`` and ``export`` answer
every damaged file with one line, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.paths import REPO
from tests.support.sample_log import DAY, WALL, a_break, write_log
from unslump.cli.main import main
from unslump.core.records import (
    DeviceRecord,
)
from unslump.edges.clock import FakeClock
from unslump.edges.store.schema import APPLICATION_ID
from unslump.edges.store.sqlite import SqliteStore
from unslump.errors import ForeignLogError

CORRUPTIONS = 40
SCENARIO = REPO / "tests" / "scenarios" / "sit-press-stand.txt"


@pytest.fixture(autouse=True)
def root_handlers():
    """main() puts its own handler on the root logger, on the stderr capsys gave it: once
    that test is over the stream is closed, and a warning logged here would print
    "Logging error" into this test's stderr. Leave out handlers on closed streams while
    these tests run; put the root logger back as it was after each."""
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers[:] = [handler for handler in saved
                        if not (isinstance(handler, logging.StreamHandler)
                                and getattr(handler.stream, "closed", False))]
    yield
    root.handlers[:] = saved


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


def test_store_damage_malformed_time_is_exported_as_stored_with_a_warning(tmp_path, capsys):
    path = tmp_path / "unslump.db"
    write_log(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE breaks SET start_utc = 'garbage' WHERE id = 1")
    code = main(["export", "--format", "csv", "--db", str(path)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "row 1 of breaks" in err and "'garbage'" in err and err.count("\n") == 1
    assert "breaks,1,garbage," in out.replace("\r", "")


# -- stored values that are not what their column holds (all pass integrity_check) --------


BAD_VALUES = [
    # (table, column, value, where): the cases first, then each decoded column
    ("bouts", "seated_s", "abc", "id = 2"),
    ("bouts", "seated_s", 1e308, "id = 2"),
    ("reminders", "response_s", "slow", "id = 2"),
    ("breaks", "duration_s", "long", "id = 2"),
    ("breaks", "repetitions", 2.5, "id = 2"),
    ("reminders", "chimes", "many", "id = 2"),
    ("breaks", "reached", b"\xff\xfe", "id = 2"),
    ("bouts", "key", b"\x01", "id = 2"),
    ("bouts", "start_offset_min", 10**12, "id = 2"),
    ("reminders", "at_offset_min", "east", "id = 2"),
]


def _set_value(path: Path, table: str, column: str, value: object, where: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value,))
        (check,) = connection.execute("PRAGMA integrity_check").fetchone()
    assert check == "ok"


@pytest.mark.parametrize(("table", "column", "value", "where"), BAD_VALUES)
def test_store_damage_bad_value_is_left_out_with_one_warning_naming_the_row(
        tmp_path, capsys, caplog, table, column, value, where):
    from unslump.app.stats_views import stats_pages
    from unslump.config.file import Config

    path = tmp_path / "unslump.db"
    write_log(path)
    _set_value(path, table, column, value, where)
    with caplog.at_level(logging.WARNING):
        store = device_starts_and_reads(path)  # crashed: TypeError, OverflowError
        for _ in range(3):  # the stats pages opened three times
            pages = stats_pages(store, DAY, Config())
        assert store.healthy
        store.close()
    if table == "bouts":  # row 2 is yesterday's only bout: left out, the rest counted
        assert [hours for _, hours, _ in pages[1].days] == [10, 10, 10, 10, 10, 0, 10]
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1 and f"row 2 of {table}" in warned[0] and str(path) in warned[0]
    for args in (["stats", "--week", "--day", DAY.isoformat()],
                 ["export", "--format", "json"], ["export", "--format", "csv"]):
        code = main([*args, "--db", str(path)])
        err = capsys.readouterr().err
        assert code == 0, err
        assert "Traceback" not in err and err.count("\n") <= 1, err


CHECK_BREAKING = [
    # (table, column, value, where): past the schema's CHECK rules, as another tool with
    # CHECKs off (or PRAGMA ignore_check_constraints) would write them
    ("bouts", "seated_s", -60.0, "id IN (2, 3)"),
    ("breaks", "kind", "nap", "id = 2"),
    ("breaks", "completed", 7, "id = 4"),
    ("reminders", "outcome", "shrugged", "id = 2"),
]


def test_store_damage_values_breaking_a_check_rule_are_left_out_and_the_log_kept(
        tmp_path, capsys, caplog):
    """``integrity_check`` names such rows ("CHECK constraint failed in bouts"): that is
    not damage to the file. The log stays in place, one warning a table gives the count,
    the rows are left out of what is read, and an open row among them is closed at start
    like the rest."""
    from unslump.app.stats_views import stats_pages
    from unslump.config.file import Config
    from unslump.core.records import BoutRecord, EndedBy

    path = tmp_path / "unslump.db"
    write_log(path)
    with SqliteStore.open(path, clock=FakeClock(WALL)) as store:  # two open rows
        store.append(BoutRecord(WALL, WALL + timedelta(minutes=5), 300.0, key="b-bad",
                                ended_by=None))
        store.append(BoutRecord(WALL + timedelta(hours=1),
                                WALL + timedelta(hours=1, minutes=5), 300.0, key="b-good",
                                ended_by=None))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA ignore_check_constraints = ON")
        for table, column, value, where in CHECK_BREAKING:
            connection.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value,))
        connection.execute("UPDATE bouts SET seated_s = -1 WHERE key = 'b-bad'")
        bouts_before = connection.execute("SELECT COUNT(*) FROM bouts").fetchone()
    with caplog.at_level(logging.WARNING):
        store = device_starts_and_reads(path)  # today: the whole log set aside
        assert store.close_open(EndedBy.POWER_LOSS) == 2  # b-bad's rule is not ended_by's
        pages = stats_pages(store, DAY, Config())
        assert store.healthy
        store.close()
    assert not list(tmp_path.glob("unslump.db.corrupt-*"))
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM bouts").fetchone() == bouts_before
        assert connection.execute("SELECT ended_by FROM bouts WHERE key LIKE 'b-%'"
                                  ).fetchall() == [("power_loss",)] * 2
    # rows 2 and 3 are the two days before DAY's bouts: left out, the rest counted
    assert [hours for _, hours, _ in pages[1].days][:6] == [10, 10, 10, 10, 0, 0]
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    told = [line for line in warned if "CHECK" in line]
    assert len(told) == 3, warned
    for table, count in (("bouts", 3), ("breaks", 2), ("reminders", 1)):
        [line] = [line for line in told if f" of {table} " in line]
        assert f"{count} row{'s' if count > 1 else ''} of {table} " in line
        assert str(path) in line and "sqlite3" in line
    for args in (["stats", "--week", "--day", DAY.isoformat()],
                 ["export", "--format", "json"], ["export", "--format", "csv"]):
        code = main([*args, "--db", str(path)])
        err = capsys.readouterr().err
        assert code == 0, err
        assert "Traceback" not in err, err


def test_store_damage_bogus_notice_answer_shows_the_notice_again(tmp_path, caplog):
    from unslump.core.records import NoticeAnswer, NoticeRecord

    path = tmp_path / "unslump.db"
    write_log(path)
    with SqliteStore.open(path, clock=FakeClock(WALL)) as store:
        store.append(NoticeRecord(WALL, NoticeAnswer.UNDERSTOOD))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE device_events SET detail = 'bogus' WHERE what = 'notice'")
    with caplog.at_level(logging.WARNING):
        store = device_starts_and_reads(path)  # ValueError: 'bogus' is not a NoticeAnswer
        assert store.notice_answer() is None  # asked again: the safe reading
        store.close()
    [warned] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "of device_events" in warned and "'bogus'" in warned


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


# -- damage that reads as something a person must fix, and files that are not ours -------


def _schema_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(b"seated_s REAL")
    data[at + 1] = 0xFF  # a column name that is no longer UTF-8
    path.write_bytes(bytes(data))


def _version_flip(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 100663301")  # 5 with one header byte flipped


def _missing_column(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE breaks DROP COLUMN smooth")


def _missing_table(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE reminders")


def _unsupported_format(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[18:20] = b"\x09\x09"  # file format read/write versions SQLite does not know
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage_to", [_schema_byte, _version_flip, _missing_column,
                                       _missing_table, _unsupported_format])
def test_store_damage_taken_for_a_disk_fault_is_set_aside_with_one_warning(
        tmp_path, capsys, caplog, damage_to):
    path = tmp_path / "unslump.db"
    write_log(path)
    damage_to(path)
    damaged = path.read_bytes()
    with caplog.at_level(logging.INFO):
        store = device_starts_and_reads(path)  # used to keep rows in memory, retrying
        assert store.healthy and store.pending_rows == 0
        store.close()
    [aside] = tmp_path.glob("unslump.db.corrupt-*")
    assert aside.read_bytes() == damaged
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1 and "moved it aside" in warned[0] and "newer" not in warned[0]
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM device_events").fetchone() == (1,)
    for args in (["stats", "--week"], ["export", "--format", "json"]):
        code = main([*args, "--db", str(aside)])
        err = capsys.readouterr().err
        assert code == 1 and err.startswith(f"unslump: {aside}") and err.count("\n") == 1, err
        assert "newer" not in err


def _other_database(path: Path, wal: bool) -> None:
    """Another program's SQLite file at ``path`` (in WAL mode with its WAL kept, if asked)."""
    connection = sqlite3.connect(path, isolation_level=None)
    if wal:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.execute("INSERT INTO notes VALUES ('not yours')")
    if wal:  # a copy of the WAL before the close folds it in
        shutil.copy(path.with_name(path.name + "-wal"), path.with_name("kept-wal"))
    connection.close()


def test_store_damage_wal_of_another_database_is_moved_aside_not_replayed(tmp_path, caplog):
    path = tmp_path / "unslump.db"
    write_log(path)
    log_before = path.read_bytes()
    _other_database(tmp_path / "other.db", wal=True)
    foreign = (tmp_path / "kept-wal").read_bytes()
    path.with_name("unslump.db-wal").write_bytes(foreign)  # a stale WAL beside a restore
    with caplog.at_level(logging.WARNING):
        store = device_starts_and_reads(path)
        summary = store.day_summary(DAY)
        store.close()
    assert summary["bouts"] == 1 and summary["breaks_guided"] == 1  # the log's rows, kept
    [aside] = tmp_path.glob("unslump.db-wal.foreign-*")
    assert aside.read_bytes() == foreign  # the other database's file, unchanged
    [warned] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "another database's" in warned and "notes" in warned and aside.name in warned
    assert not list(tmp_path.glob("unslump.db.corrupt-*"))
    with sqlite3.connect(path) as connection:
        (rows,) = connection.execute("SELECT COUNT(*) FROM bouts").fetchone()
    assert rows == 20 and len(log_before) > 0


def test_store_damage_own_wal_after_a_power_cut_is_replayed(tmp_path):
    """The check must not take the log's own WAL (rows not yet folded in) for a stranger's."""
    path = tmp_path / "unslump.db"
    write_log(path, days=2)
    store = SqliteStore.open(path, clock=FakeClock(WALL))
    store.append(a_break(WALL + timedelta(hours=2)))
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-wal"):  # the files as a pulled plug leaves them
        shutil.copy(path.with_name(path.name + suffix), copy / ("unslump.db" + suffix))
    store.close()
    with SqliteStore.open(copy / "unslump.db", clock=FakeClock(WALL)) as reopened:
        assert reopened.day_summary(DAY)["breaks_guided"] == 2
    assert not list(copy.glob("*foreign*"))


def test_store_damage_old_wal_of_the_log_beside_a_restored_backup_is_moved_aside(tmp_path,
                                                                                  caplog):
    """SQLite ties no WAL to its database file: a backup taken with the service stopped,
    restored over the log after a power cut, would have the lost session's WAL replayed
    into it (pages of another state of the file). A log stopped cleanly has no WAL, so
    one beside it is set aside, and the backup is read as it was."""
    path = tmp_path / "unslump.db"
    write_log(path, days=2)
    backup = tmp_path / "backup.db"
    shutil.copy(path, backup)  # the service stopped: the log is one file
    store = SqliteStore.open(path, clock=FakeClock(WALL))  # it runs on, writes, and then
    for hours in range(2, 40):  # the power goes: its WAL stays beside the log
        store.append(a_break(WALL + timedelta(hours=hours)))
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(path.with_name("unslump.db-wal"), restored / "unslump.db-wal")
    stale = (restored / "unslump.db-wal").read_bytes()
    store.close()
    shutil.copy(backup, restored / "unslump.db")  # the backup put back over the log
    with caplog.at_level(logging.WARNING), SqliteStore.open(
            restored / "unslump.db", clock=FakeClock(WALL)) as reopened:
        assert reopened.day_summary(DAY)["breaks_guided"] == 1  # the backup's rows
        assert reopened.healthy
    [aside] = restored.glob("unslump.db-wal.foreign-*")
    assert aside.read_bytes() == stale
    [warned] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "stopped cleanly" in warned and aside.name in warned
    assert not list(restored.glob("unslump.db.corrupt-*"))


def test_store_damage_a_shell_writing_after_a_clean_stop_is_the_logs_own(tmp_path, caplog):
    """A sqlite3 shell still open on the stopped log (deleting a bad row, as the warnings
    advise) writes into the file itself (a clean stop leaves it out of WAL mode): the
    next start finds the file changed, checks it in full and keeps the change."""
    path = tmp_path / "unslump.db"
    write_log(path, days=3)
    SqliteStore.open(path, clock=FakeClock(WALL)).close()  # a clean stop
    shell = sqlite3.connect(path, isolation_level=None)
    shell.execute("DELETE FROM breaks WHERE id = 1")
    assert not path.with_name("unslump.db-wal").exists()
    with caplog.at_level(logging.WARNING), SqliteStore.open(
            path, clock=FakeClock(WALL)) as store:
        assert store.healthy
    shell.close()
    assert not list(tmp_path.glob("*foreign*")) and not list(tmp_path.glob("*corrupt*"))
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM breaks").fetchone() == (2,)


def _page_whose_loss_is_damage(path: Path) -> int:
    """The offset of a page of ``path`` that, zeroed, only ``integrity_check`` finds."""
    data = path.read_bytes()
    page = 4096
    for start in range(len(data) - page, page - 1, -page):
        trial = path.with_name("trial.db")
        trial.write_bytes(data[:start] + bytes(page) + data[start + page:])
        with contextlib.closing(sqlite3.connect(trial)) as connection:
            try:
                (result,) = connection.execute("PRAGMA integrity_check(1)").fetchone()
            except sqlite3.DatabaseError:
                result = "ok"  # the schema's page: any read finds that; not the case here
        trial.unlink()
        if result != "ok":
            return start
    raise AssertionError("no page of the log is checked")


def test_store_damage_after_a_clean_stop_damage_while_off_is_still_found(tmp_path, caplog):
    """A start after a clean stop skips the integrity check only for a file that is byte
    for byte as the stop left it: a page lost while the device was off is found at the
    next start and the file set aside, as after any other stop."""
    path = tmp_path / "unslump.db"
    write_log(path)
    SqliteStore.open(path, clock=FakeClock(WALL)).close()  # checked and noted
    assert path.with_name("unslump.db-verified").exists()
    start = _page_whose_loss_is_damage(path)
    with path.open("r+b") as file:  # the card loses a page; the note stays as it was
        file.seek(start)
        file.write(bytes(4096))
    with caplog.at_level(logging.WARNING):
        store = device_starts_and_reads(path)
        assert store.healthy
        store.close()
    [aside] = tmp_path.glob("unslump.db.corrupt-*")
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1 and "is corrupt" in warned[0] and aside.name in warned[0]


@pytest.mark.parametrize("wal", [False, True])
def test_store_damage_store_path_at_another_programs_database_is_refused(tmp_path, capsys,
                                                                          wal):
    other = tmp_path / "notes.db"
    _other_database(other, wal)
    before = other.read_bytes()
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\npath = "{other}"\n[audio]\nbackend = "none"\n')
    code = main(["scenario", str(SCENARIO), "--config", str(config), "--db", str(other)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"unslump: {other} is another program's SQLite database")
    assert err.count("\n") == 1 and "notes" in err
    assert other.read_bytes() == before
    with pytest.raises(ForeignLogError):
        SqliteStore.open(other, clock=FakeClock(WALL))
    assert other.read_bytes() == before
    with sqlite3.connect(other) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]


def test_store_damage_new_log_carries_unslumps_application_id(tmp_path):
    path = tmp_path / "unslump.db"
    write_log(path, days=1)
    with sqlite3.connect(path) as connection:
        (app,) = connection.execute("PRAGMA application_id").fetchone()
    assert app == APPLICATION_ID


@pytest.mark.parametrize("args", [
    ["stats", "--day", "9999-12-31"],
    ["stats", "--day", "0001-01-01"],
    ["stats", "--week", "--day", "0001-01-03"],
    ["stats", "--week", "--json", "--day", "9999-12-30"],
    ["export", "--format", "csv", "--since", "0001-01-01"],
])
def test_store_damage_days_at_the_end_of_the_calendar_are_one_line(tmp_path, capsys, args):
    path = tmp_path / "unslump.db"
    write_log(path, days=1)
    code = main([*args, "--db", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "out of range" in err and err.count("\n") == 1, err


class _Reported:
    """A connection whose integrity check reports ``lines``."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def execute(self, sql: str) -> list[tuple[str]]:
        assert sql.startswith("PRAGMA integrity_check(")
        return [(line,) for line in self.lines]


def test_store_damage_check_rows_beside_real_damage_still_set_the_file_aside():
    from unslump.edges.store.integrity import findings

    check = "CHECK constraint failed in bouts"
    assert findings(_Reported(["ok"])).damage is None
    only_rules = findings(_Reported([check, check, "CHECK constraint failed in breaks"]))
    assert only_rules.damage is None and only_rules.check_rows == {"bouts": 2, "breaks": 1}
    mixed = findings(_Reported([check, "row 5 missing from index\nbouts_by_start"]))
    assert mixed.damage == "integrity_check: row 5 missing from index bouts_by_start"
    assert not mixed.check_rows
