"""Pulling the plug: a writer killed at random moments loses no row it reported written.

SIGKILL gives the process no chance to clean up, like a power cut for everything that
had already reached the kernel. (A real power cut also drops the kernel's unflushed
pages; ``synchronous=FULL`` is what covers that half, and it cannot be tested here.)
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.support.paths import SUPPORT

WRITER = SUPPORT / "store_writer.py"
KILLS = 50


def start_writer(path: Path, first: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(first)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def wait_then_kill(writer: subprocess.Popen[str], seconds: float) -> None:
    """Give the writer ``seconds`` more to run (it must not end on its own), then SIGKILL."""
    try:
        writer.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        return
    raise AssertionError(f"the writer ended on its own: {writer.stderr.read()}")


def breaks_on_disk(connection: sqlite3.Connection) -> set[int]:
    """The numbers in the log (none if the first writer was killed before the schema)."""
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    if "breaks" not in tables:
        return set()
    return {n for (n,) in connection.execute("SELECT repetitions FROM breaks")}


def test_store_kill_every_reported_row_survives_sigkill(tmp_path):
    path = tmp_path / "unslump.db"
    seed = int.from_bytes(os.urandom(4))
    chance = random.Random(seed)  # named in every failure, so a failing run can be replayed
    reported: set[int] = set()
    mid_write_kills = 0

    for kill in range(KILLS):
        writer = start_writer(path, first=kill * 1_000_000)
        # Most kills land in the append loop; every fifth may land while opening.
        if kill % 5:
            first_line = writer.stdout.readline()
            assert first_line.strip().isdigit(), writer.stderr.read()
            reported.add(int(first_line))
            mid_write_kills += 1
        wait_then_kill(writer, chance.uniform(0.002, 0.1))
        out, _ = writer.communicate()
        assert writer.returncode == -signal.SIGKILL, f"seed {seed}"
        # Only whole lines count: a number without its newline was not reported yet.
        reported.update(int(line) for line in out.split("\n")[:-1])

        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",), seed
            on_disk = breaks_on_disk(connection)
        connection.close()
        missing = reported - on_disk
        assert not missing, (f"seed {seed}, after kill {kill}: {len(missing)} reported rows "
                             "are missing")

    assert mid_write_kills == KILLS - KILLS // 5
    assert len(reported) > KILLS  # the writer really wrote between the kills
