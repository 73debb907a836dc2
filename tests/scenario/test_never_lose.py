"""Never lose a sitting minute: open rows on disk, closed at stop or at their last checkpoint.

Each story runs the real device (scenario harness, MockFactory pins, a real SQLite file,
a fake clock) and reads the answer back the way a user would: the stats, the export, the
stats pages on the panel.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.support.cli import lines_of, run_cli
from unslump.cli.stats import read_only_log
from unslump.config.file import Config
from unslump.core.day_stats import DaySummary
from unslump.core.machine import CHECKPOINT_S
from unslump.core.records import BreakKind, EndedBy, ReminderOutcome
from unslump.core.views import DoneView, StatsTodayView
from unslump.edges.clock import Clock
from unslump.edges.store import queries
from unslump.edges.store.sqlite import SqliteStore
from unslump.errors import ScenarioError
from unslump.sim.scenario.harness import VirtualDevice
from unslump.sim.scenario.runner import run_script
from unslump.sim.scenario.script import parse_script

DAY = date(2026, 11, 24)
MIN = 60.0
HEAD = "start 2026-11-24T09:00\n"


class Log:
    """A scenario's SQLite log, opened the way `unslump scenario --db` opens it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.opened: list[SqliteStore] = []

    def open(self, clock: Clock) -> SqliteStore:
        self.opened.append(SqliteStore.open(self.path, logging.getLogger("test"), clock))
        return self.opened[-1]

    def play(self, text: str, config: Config | None = None) -> list[dict]:
        out = io.StringIO()
        try:
            run_script(parse_script(HEAD + text, "story.scn"), config or Config(), self.open,
                       out)
        finally:
            for store in self.opened:
                store.close()
        return lines_of(out.getvalue())

    def day(self, day: date = DAY) -> DaySummary:
        with read_only_log(self.path) as connection:
            return queries.day_summary(connection, day)

    def export(self) -> dict[str, list[dict[str, object]]]:
        with read_only_log(self.path) as connection:
            return queries.export_rows(connection)


@pytest.fixture
def log(tmp_path: Path) -> Log:
    return Log(tmp_path / "unslump.db")


def test_never_lose_clean_stop_counts_the_bout_and_its_reminder_in_stats(tmp_path):
    """The issue's own story: 70 minutes seated, four chimes, then the device stops."""
    script = tmp_path / "story.scn"
    script.write_text(HEAD + "0:00 sit\n1:10 end\n")
    db = tmp_path / "log.db"
    played = run_cli("scenario", str(script), "--db", str(db))
    assert played.returncode == 0, played.stderr
    assert sum(1 for e in lines_of(played.stdout) if e.get("name") == "reminder") == 4
    shown = run_cli("stats", "--db", str(db), "--day", "2026-11-24", "--json")
    day = json.loads(shown.stdout)
    assert (day["sitting_s"], day["reminders"], day["bout_open"]) == (70 * MIN, 1, False)


def test_never_lose_power_cut_loses_at_most_one_checkpoint_and_marks_the_bout(log):
    lines = log.play("0:00 sit\n0:30:30 power-cut\n0:40 boot\n1:10 end\n")
    assert [e["what"] for e in lines if e["kind"] == "power"] == ["cut", "boot"]
    first, second = log.export()["bouts"]
    assert first["ended_by"] == "power_loss"
    assert 30.5 * MIN - CHECKPOINT_S <= first["seated_s"] <= 30.5 * MIN
    assert first["end"] == "2026-11-24T09:30:05+00:00"  # its last checkpoint
    assert (second["ended_by"], second["seated_s"]) == ("stop", 30 * MIN)  # seated at boot
    assert log.day()["sitting_s"] == first["seated_s"] + second["seated_s"]


def test_never_lose_a_chime_is_on_disk_from_the_first_chime_and_cut_short_by_power_loss(log):
    log.play("0:00 sit\n0:46 power-cut\n0:50 boot\n0:51 end\n")
    [reminder] = log.export()["reminders"]
    assert (reminder["outcome"], reminder["ended_by"]) == ("cut_short", "power_loss")
    assert reminder["at"] == "2026-11-24T09:45:00+00:00"
    assert log.day()["reminders"] == 1


def test_never_lose_reminder_row_is_updated_with_its_outcome(log):
    log.play("0:00 sit\n0:51 stand\n0:53 sit\n0:55 end\n")
    [reminder] = log.export()["reminders"]
    assert (reminder["outcome"], reminder["chimes"], reminder["ended_by"]) == (
        "stood_up", 2, "ended")
    assert reminder["response_s"] == pytest.approx(6 * MIN)


def test_never_lose_routine_in_progress_at_power_loss_is_a_stopped_routine(log):
    # the first press shows the safety notice, the second answers it and starts the stretch
    log.play("0:00 sit\n0:10 press\n0:10:02 press\n0:10:30 power-cut\n0:11 boot\n0:12 end\n")
    [stretch] = log.export()["breaks"]
    assert (stretch["kind"], stretch["completed"], stretch["ended_by"]) == (
        "guided", False, "power_loss")
    assert stretch["reached"] == "rep 1/3 hang"  # the last phase change it wrote
    assert log.day()["routines_stopped"] == 1


def test_never_lose_routine_in_progress_at_clean_stop_says_how_far_it_got(log):
    log.play("0:00 sit\n0:10 press\n0:10:02 press\n0:11 end\n")
    [stretch] = log.export()["breaks"]
    assert (stretch["completed"], stretch["ended_by"]) == (False, "stop")
    # set-up 8 s, then 40 s of breathing: the first uncurl began 48 s after the answer
    assert stretch["reached"] == "rep 1/3 uncurl"
    # the press is decided once its release has settled (the debounce time)
    assert stretch["duration_s"] == pytest.approx(MIN - 2.1 - Config().button.debounce_s)


def test_never_lose_absence_in_progress_is_a_natural_break_to_the_stop(log):
    log.play("0:00 sit\n0:30 stand\n0:50 end\n")
    bout, = log.export()["bouts"]
    [away] = log.export()["breaks"]
    assert (bout["seated_s"], bout["ended_by"]) == (30 * MIN, "ended")
    assert (away["kind"], away["ended_by"], away["duration_s"]) == ("natural", "stop", 20 * MIN)
    assert log.day()["breaks_natural"] == 1


def test_never_lose_absence_in_progress_at_power_loss_ends_at_its_last_checkpoint(log):
    log.play("0:00 sit\n0:30 stand\n0:50:40 power-cut\n0:51 boot\n0:52 end\n")
    [away] = log.export()["breaks"]
    assert away["ended_by"] == "power_loss"
    assert 20 * MIN <= away["duration_s"] <= 20 * MIN + 40
    assert log.day()["breaks_natural"] == 1


def test_never_lose_stats_while_running_say_the_bout_is_open(log):
    log.play("0:00 sit\n0:20:30 power-cut\n")  # the log as a running device leaves it
    day = log.day()
    assert day["bout_open"] is True
    assert 20.5 * MIN - CHECKPOINT_S <= day["sitting_s"] <= 20.5 * MIN


def test_never_lose_today_page_counts_the_bout_in_progress(tmp_path):
    """Seated 30 min, up for a natural break, seated 35 min: the page says 65, not 30."""
    store = SqliteStore.open(tmp_path / "log.db", logging.getLogger("test"))
    device = VirtualDevice.build(Config(), store,
                                 wall_start=datetime(2026, 11, 24, 9, 0).astimezone())
    try:
        device.sit()
        device.run_until(30 * MIN)
        device.stand()
        device.run_until(35 * MIN)
        device.sit()
        device.run_until(70 * MIN)
        device.hold()
        today = device.runtime.state.shown
        assert isinstance(today, StatsTodayView)
        assert (today.sitting_min, today.breaks_natural) == (65, 1)
    finally:
        device.close()
        store.close()


def test_never_lose_stopped_routine_screen_says_how_far_it_got(make_device):
    device = make_device()
    device.sit()
    device.run_until(MIN)
    device.press()
    device.run_for(90)  # into the second repetition
    device.hold()
    assert device.runtime.state.shown == DoneView(repetitions=1, completed=False, reps=3)


def test_never_lose_backward_wall_jump_keeps_the_bout_on_its_day(log):
    log.play("0:00 sit\n0:10 walljump -48h\n0:30 stand\n0:50 end\n")
    [bout] = log.export()["bouts"]
    assert bout["seated_s"] == 30 * MIN
    days = [date(2026, 11, 22), date(2026, 11, 23), DAY]
    assert sum(log.day(day)["sitting_s"] for day in days) == 30 * MIN


def test_never_lose_forward_wall_jump_puts_the_bout_on_one_real_day(log):
    """A Pi without a clock boots with a stale date, then network time arrives."""
    log.play("0:00 sit\n0:05 walljump +50h\n0:20 stand\n0:30 end\n")
    [bout] = log.export()["bouts"]
    assert bout["start"].startswith("2026-11-26T11:")  # re-dated from monotonic time
    assert log.day(date(2026, 11, 26))["sitting_s"] == 20 * MIN
    assert log.day(DAY)["sitting_s"] == 0
    assert log.day(date(2026, 11, 25))["sitting_s"] == 0


def test_never_lose_memory_store_keeps_the_newest_version_of_each_row(memory_store, make_device):
    device = make_device()
    device.sit()
    device.run_until(46 * MIN)
    [bout] = memory_store.bouts
    [reminder] = memory_store.reminders
    assert bout.ended_by is None and bout.seated_s >= 45 * MIN
    assert reminder.outcome is None and reminder.ended_by is None
    device.runtime.stop()
    assert memory_store.bouts[0].ended_by is EndedBy.STOP
    assert memory_store.reminders[0].outcome is ReminderOutcome.CUT_SHORT


def test_never_lose_natural_break_counts_once_in_memory(memory_store, make_device):
    device = make_device()
    device.sit()
    device.run_until(10 * MIN)
    device.stand()
    device.run_until(20 * MIN)
    device.sit()
    device.run_until(21 * MIN)
    [away] = memory_store.breaks
    assert (away.kind, away.ended_by, away.duration_s) == (BreakKind.NATURAL, EndedBy.ENDED,
                                                          10 * MIN)


@pytest.mark.parametrize(("text", "problem"), [
    ("0:00 boot\n", "'boot' while the power is already on"),
    ("0:00 power-cut\n0:01 power-cut\n", "'power-cut' while the power is already off"),
    ("0:00 power-cut now\n", "'power-cut' takes no argument"),
])
def test_never_lose_power_directives_take_turns(text, problem):
    with pytest.raises(ScenarioError, match=problem):
        parse_script(text, "story.scn")


def test_never_lose_sitting_down_during_a_stretch_starts_no_bout_of_its_own(memory_store,
                                                                             make_device):
    """A standing stretch, then a seat: the only bout starts when the stretch ends."""
    device = make_device()
    device.press()  # nobody seated: the standing variant
    device.run_for(30)
    device.sit()
    device.run_for(600)  # the stretch completes while seated
    [bout] = memory_store.bouts
    assert bout.ended_by is None and bout.seated_s > 0
    assert device.runtime.state.bout.start_at > device.origin + 30


def idle_breaks_after(lines: list[dict], after_s: float, until_s: float = 1e9) -> list[int]:
    """Breaks today on every idle screen shown from ``after_s`` until ``until_s``."""
    return [line["view"]["breaks_today"] for line in lines
            if line["kind"] == "screen" and after_s <= line["t"] < until_s
            and line["view"]["type"] == "IdleView"]


def test_never_lose_breaks_today_are_read_back_from_the_log_at_boot(log):
    """A stopped stretch is no break, a completed one and a natural break are; the idle
    screen after a power cut says 2, and the next day's boot starts again at 0."""
    lines = log.play(
        "0:00 sit\n0:05 press\n0:05:05 press\n0:06 hold 3\n"  # the notice, a stopped stretch
        "0:10 press\n0:20 stand\n0:30 sit\n"  # a completed stretch, a natural break
        "0:35 power-cut\n0:36 boot\n0:40 stand\n"
        "24:30 power-cut\n24:31 boot\n24:33 end\n")
    assert set(idle_breaks_after(lines, 30.5 * MIN, 24 * 60 * MIN)) == {2}
    assert idle_breaks_after(lines, 36 * MIN)[0] == 2  # the first screen after the boot
    assert set(idle_breaks_after(lines, 24.5 * 60 * MIN)) == {0}
    day = log.day()  # the absence from 0:40 to the cut is a third, closed at its checkpoint
    assert (day["breaks_guided"], day["breaks_natural"], day["routines_stopped"]) == (1, 2, 1)
