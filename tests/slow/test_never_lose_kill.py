"""SIGKILL the real process mid-bout, start it again on the same log: the bout is closed at
its last checkpoint, with every second up to that checkpoint counted."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from unslump.cli.stats import read_only_uri

LONG_DAY = "start 2026-11-24T09:00\n0:00 sit\n400:00 end\n"  # checkpoints until killed
NEXT_MORNING = "start 2026-12-15T09:00\n0:01 end\n"


def scenario(path: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "unslump", "scenario", str(path), "--db",
                             str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def open_bout(db: Path) -> tuple[str, str, float, str | None] | None:
    """The newest bout row (key, end, seated_s, ended_by), read without writing anything."""
    if not db.exists():
        return None
    try:
        with sqlite3.connect(read_only_uri(db), uri=True) as connection:
            return connection.execute(
                "SELECT key, end_utc, seated_s, ended_by FROM bouts ORDER BY id DESC LIMIT 1"
            ).fetchone()
    except sqlite3.Error:  # the schema is still being created
        return None


def wait_for(check, seconds: float):
    """Poll ``check`` until it answers; the process under test sets the pace, not a sleep."""
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        answer = check()
        if answer:
            return answer
        time.sleep(0.005)
    raise AssertionError(f"nothing after {seconds} s")


def test_never_lose_kill_mid_bout_then_restart_closes_it_at_its_checkpoint(tmp_path):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    db = tmp_path / "unslump.db"
    long_day, next_morning = tmp_path / "long.scn", tmp_path / "next.scn"
    long_day.write_text(LONG_DAY)
    next_morning.write_text(NEXT_MORNING)

    running = scenario(long_day, db)
    try:
        wait_for(lambda: (row := open_bout(db)) and row[2] >= 3600 and row, 60)
        time.sleep(rng.uniform(0.0, 0.2))  # somewhere in the middle of writing
        running.send_signal(signal.SIGKILL)
        running.wait(timeout=10)
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == -signal.SIGKILL, f"seed {seed}: {running.stderr.read()}"
    key, end, seated_s, ended_by = open_bout(db)
    assert ended_by is None, f"seed {seed}: the bout was closed without a stop"

    restarted = scenario(next_morning, db)
    assert restarted.wait(timeout=60) == 0, restarted.stderr.read()
    with sqlite3.connect(read_only_uri(db), uri=True) as connection:
        row = connection.execute(
            "SELECT start_utc, end_utc, seated_s, ended_by FROM bouts WHERE key = ?", (key,)
        ).fetchone()
    start, closed_end, closed_seated_s, closed_by = row
    assert (closed_end, closed_seated_s, closed_by) == (end, seated_s, "power_loss"), seed
    span = datetime.fromisoformat(closed_end) - datetime.fromisoformat(start)
    assert span.total_seconds() == closed_seated_s, seed  # seated the whole time
