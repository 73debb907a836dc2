"""Any one stored value replaced by a random one: nothing that reads the log crashes.

Bytes on a card can be wrong and still pass ``integrity_check``; another program (a
``sqlite3`` shell, a sync tool) can write anything into any column, since SQLite keeps
what it is given whatever the declared type. Whatever the value, the device starts, the
stats pages open, the rows left open are closed (and queued for MQTT), ``stats`` and
``export`` end in success or one line. Derandomized, so CI runs the same cases every time.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.support.sample_log import DAY, WALL, write_log
from unslump.app.stats_views import stats_pages
from unslump.cli.main import main
from unslump.config.file import Config
from unslump.core.records import BoutRecord, EndedBy, NoticeAnswer, NoticeRecord
from unslump.edges.clock import FakeClock
from unslump.edges.store.sqlite import SqliteStore

VALUE_CASES = 200
FUZZ = settings(derandomize=True, deadline=timedelta(seconds=10), database=None,
                max_examples=VALUE_CASES,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])

TABLES = ("bouts", "breaks", "reminders", "device_events", "errors", "outbox")

values = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-2000, 2000),
    st.floats(allow_nan=False),  # SQLite stores NaN as NULL
    st.text(max_size=40),
    st.binary(max_size=40),
    st.sampled_from(["", "bogus", "abc", "slow", "1e308", "2026-11-24T08:00:00",
                     "9999-12-31T23:59:59.999999+00:00", "0001-01-01T00:00:00+00:00",
                     "guided", "natural", "walk", "declined", "understood", "reset",
                     "ended", "power_loss", "seated"]),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A week of every kind of row, a notice answer and a bout left open, MQTT on."""
    path = tmp_path_factory.mktemp("template") / "unslump.db"
    write_log(path, days=7)
    with SqliteStore.open(path, clock=FakeClock(WALL), outbox_cap=500) as store:
        store.append(NoticeRecord(WALL, NoticeAnswer.UNDERSTOOD))
        store.append(BoutRecord(WALL, WALL + timedelta(minutes=20), 1200.0, key="b-open",
                                ended_by=None))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    return path


def columns_of(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as connection:
        return {table: [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
                for table in TABLES}


@pytest.fixture(scope="module")
def columns(template: Path) -> dict[str, list[str]]:
    return columns_of(template)


def replace_one(path: Path, table: str, column: str, row: int, value: object) -> bool:
    """Put ``value`` in one cell, past the CHECKs (as a foreign writer would); False if
    SQLite itself refuses it (NOT NULL, the integer primary key, a unique key)."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA ignore_check_constraints = ON")
        key = "seq" if table == "outbox" else "id"
        ids = [r for (r,) in connection.execute(f"SELECT {key} FROM {table} ORDER BY {key}")]
        try:
            connection.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                               (value, ids[row % len(ids)]))
        except (sqlite3.IntegrityError, OverflowError):
            return False
    return True


def cli(args: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    text = err.getvalue()
    assert code in (0, 1, 2), text
    assert "Traceback" not in text, text
    if code:
        assert text.startswith("unslump: ") and text.count("\n") == 1, text


@FUZZ
@given(data=st.data())
def test_store_values_any_one_value_never_crashes_a_start_stats_export_or_the_pages(
        template: Path, columns: dict[str, list[str]], data: st.DataObject) -> None:
    table = data.draw(st.sampled_from(TABLES), label="table")
    column = data.draw(st.sampled_from(columns[table]), label="column")
    row = data.draw(st.integers(0, 60), label="row")
    value = data.draw(values, label="value")
    root = logging.getLogger()
    saved = root.handlers[:]
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "unslump.db"
        shutil.copy(template, path)
        assume(replace_one(path, table, column, row, value))
        for args in (["stats", "--week", "--day", DAY.isoformat()],
                     ["stats", "--json", "--day", DAY.isoformat()],
                     ["export", "--format", "json"], ["export", "--format", "csv"]):
            cli([*args, "--db", str(path)])
        root.handlers[:] = saved  # main() put its handler on a stderr now gone
        logger = logging.getLogger("fuzz.store")
        logger.propagate = False  # one warning a bad row is expected; not printed here
        store = SqliteStore.open(path, clock=FakeClock(WALL), logger=logger, outbox_cap=500)
        try:
            store.close_open(EndedBy.POWER_LOSS)
            store.notice_answer()
            store.practice()
            store.breaks_on(DAY)
            store.append(BoutRecord(WALL, WALL + timedelta(minutes=1), 60.0, key="b-new"))
            stats_pages(store, DAY, Config())
            store.outbox_waiting(0, 100)
            assert store.healthy
        finally:
            store.close()
