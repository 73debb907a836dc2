"""Schema migrations: old logs upgrade with their rows, new logs are refused clearly."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from unslump.edges.clock import FakeClock
from unslump.edges.store.schema import LATEST_VERSION, MIGRATIONS, migrate, schema_version
from unslump.edges.store.sqlite import SqliteStore, connect_file


def make_version_1(path: Path) -> None:
    """A log as the first release left it: schema 1 and a few rows."""
    connection = connect_file(path)
    assert migrate(connection, path, target=1) == [1]
    connection.execute(
        "INSERT INTO breaks (kind, start_utc, start_offset_min, end_utc, end_offset_min,"
        " duration_s, completed, variant, repetitions) VALUES"
        " ('guided', '2026-11-24T09:00:00.000000+00:00', 60,"
        "  '2026-11-24T09:05:00.000000+00:00', 60, 300.0, 1, 'seated', 6),"
        " ('natural', '2026-11-24T13:00:00.000000+00:00', 60,"
        "  '2026-11-24T13:04:00.000000+00:00', 60, 240.0, 1, NULL, NULL)"
    )
    connection.execute(
        "INSERT INTO meta (key, value) VALUES ('notice_seen', '2026-11-24T08:59:00+00:00')"
    )
    connection.close()


def columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        return {row[0] for row in connection.execute(query)}


def test_store_migrations_are_numbered_from_one_without_gaps():
    assert [step.version for step in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert LATEST_VERSION >= 2


def test_store_migrations_version_1_upgrades_with_rows_intact(tmp_path):
    path = tmp_path / "unslump.db"
    make_version_1(path)
    assert "reached" not in columns(path, "breaks")

    with SqliteStore.open(path, clock=FakeClock()) as store:
        # the old notice only showed for 8 s, never answered: the new one asks again
        assert store.notice_answer() is None
        assert store.breaks_on(date(2026, 11, 24)) == 2

    with sqlite3.connect(path) as connection:
        assert schema_version(connection) == LATEST_VERSION
        kept = connection.execute(
            "SELECT kind, duration_s, repetitions, reached FROM breaks ORDER BY id"
        ).fetchall()
    assert kept == [("guided", 300.0, 6, None), ("natural", 240.0, None, None)]
    assert "reached" in columns(path, "breaks")
    assert {"breaks_by_start", "bouts_by_start", "reminders_by_at"} <= indexes(path)


def test_store_migrations_opening_the_latest_is_a_no_op(tmp_path):
    path = tmp_path / "unslump.db"
    SqliteStore.open(path, clock=FakeClock()).close()
    with sqlite3.connect(path) as connection:
        before = connection.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    connection = connect_file(path)
    assert migrate(connection, path) == []
    connection.close()
    SqliteStore.open(path, clock=FakeClock()).close()
    with sqlite3.connect(path) as connection:
        after = connection.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
        assert schema_version(connection) == LATEST_VERSION
    assert after == before


def test_store_migrations_newer_version_degrades_and_is_left_alone(tmp_path, caplog):
    path = tmp_path / "unslump.db"
    SqliteStore.open(path, clock=FakeClock()).close()
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    store = SqliteStore.open(path, clock=FakeClock())  # no exit 1 and a restart loop
    assert not store.healthy
    store.close()
    message = " ".join(r.getMessage() for r in caplog.records)
    assert str(path) in message
    assert f"version {LATEST_VERSION + 1} is newer" in message
    assert path.exists()  # a newer log is left alone, never moved aside as corrupt
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION + 1,)


def test_store_migrations_failed_step_rolls_back_to_the_old_version(tmp_path, monkeypatch):
    path = tmp_path / "unslump.db"
    make_version_1(path)
    broken = MIGRATIONS[1].__class__(2, "broken", ("ALTER TABLE breaks ADD COLUMN x", "BOGUS"))
    monkeypatch.setattr("unslump.edges.store.schema.MIGRATIONS", (MIGRATIONS[0], broken))
    connection = connect_file(path)
    with pytest.raises(sqlite3.OperationalError):
        migrate(connection, path, target=2)
    assert schema_version(connection) == 1
    connection.close()
    assert "x" not in columns(path, "breaks")
