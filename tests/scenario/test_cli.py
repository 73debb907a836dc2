"""The command line, end to end: scenarios, config checks, help and version."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import lines_of, run_cli
from tests.support.paths import TESTS
from unslump import __version__
from unslump.cli.main import main

SCENARIOS = TESTS / "scenarios"


def test_cli_scenario_sit_press_stand_prints_matching_state_lines():
    result = run_cli("scenario", str(SCENARIOS / "sit-press-stand.txt"))
    assert result.returncode == 0, result.stderr
    states = [(e["t"], e["state"]) for e in lines_of(result.stdout) if e["kind"] == "state"]
    assert states[0] == (0.0, "away")
    assert (5.0, "seated") in states  # sat at 0:00, confirmed 5 s later
    assert states[-1] == (20 * 60 + 20, "away")  # stood at 0:20, confirmed after 20 s


def test_cli_scenario_natural_break_is_printed_with_its_duration(tmp_path):
    db = tmp_path / "log.db"
    result = run_cli("scenario", str(SCENARIOS / "natural-break.txt"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    [pause] = [e for e in lines_of(result.stdout) if e["kind"] == "break"]
    assert (pause["type"], pause["completed"], pause["duration_s"]) == ("natural", True, 600.0)
    assert db.exists()


def test_cli_scenario_flicker_and_wall_jump_keep_sitting_time_honest():
    result = run_cli("scenario", str(SCENARIOS / "flicker-and-clock-jump.txt"))
    events = lines_of(result.stdout)
    states = [e["state"] for e in events if e["kind"] == "state"]
    assert states == ["away", "seated", "away"]  # the 8 s flicker changed nothing
    [bout] = [e for e in events if e["kind"] == "bout"]
    assert bout["seated_s"] == 30 * 60  # the +3 h wall jump added nothing
    # The corrected clock is taken as right: the bout is re-dated from monotonic time,
    # so it starts 30 min before it ended by the new clock (09:00), not at the stale 06:00.
    assert bout["start"].startswith("2026-11-24T09:00")
    assert bout["end"].startswith("2026-11-24T09:30")


def test_cli_scenario_frames_saves_each_distinct_screen_scaled(tmp_path):
    result = run_cli("scenario", str(SCENARIOS / "natural-break.txt"), "--frames", str(tmp_path))
    assert result.returncode == 0, result.stderr
    frames = sorted(tmp_path.glob("*.png"))
    screens = [e for e in lines_of(result.stdout) if e["kind"] == "screen"]
    assert len(frames) == len(screens) > 20
    from PIL import Image

    assert Image.open(frames[0]).size == (512, 256)


def test_cli_scenario_eight_hours_runs_in_virtual_time(capsys):
    assert main(["scenario", str(SCENARIOS / "eight-hours.txt")]) == 0
    events = lines_of(capsys.readouterr().out)
    assert events[-1]["t"] <= 8 * 3600
    assert sum(e["kind"] == "bout" for e in events) >= 2


def test_cli_malformed_scenario_stops_before_running_with_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("0:00 sit\n0:05 jump\n")
    assert main(["scenario", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"unslump: {bad}:2: unknown command 'jump'; use sit, stand, " \
        "press, hold, down, up, walljump, power-cut, boot or end"


def test_cli_bad_config_exits_2_with_one_line(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text("[seat]\nsit_confirm_s = -1\n")
    code = main(["scenario", str(SCENARIOS / "natural-break.txt"), "--config", str(config)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"unslump: {config}: line 2: [seat] sit_confirm_s: -1 is out of range; "
                   "allowed: 0 to 120"]


def test_cli_config_env_variable_is_used(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[routine]\nrepetitions = 0\n")
    result = run_cli("config", env={"UNSLUMP_CONFIG": str(config), "PATH": ""})
    assert result.returncode == 2
    assert "[routine] repetitions: 0 is out of range" in result.stderr


def test_cli_config_defaults_prints_every_section(capsys):
    assert main(["config", "--defaults"]) == 0
    out = capsys.readouterr().out
    for section in ("[pins]", "[seat]", "[reminder]", "[display]", "[audio]", "[routine]"):
        assert section in out


@pytest.mark.parametrize("command", [[], ["run"], ["scenario"], ["config"]])
def test_cli_every_command_has_help_and_version(command):
    helped = run_cli(*command, "--help")
    assert helped.returncode == 0 and "usage: unslump" in helped.stdout
    versioned = run_cli(*command, "--version")
    assert versioned.returncode == 0 and versioned.stdout.strip() == f"unslump {__version__}"


def test_cli_scenario_into_a_pipe_closed_early_ends_in_one_line(tmp_path):
    """`unslump scenario FILE | head -1`: no traceback, one line, a failure status."""
    running = subprocess.Popen([sys.executable, "-m", "unslump", "scenario",
                                str(SCENARIOS / "eight-hours.txt")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert running.stdout is not None and running.stderr is not None
    running.stdout.readline()
    running.stdout.close()  # what head does once it has its line
    err = running.stderr.read()
    assert running.wait(timeout=60) == 1
    assert err == "unslump: the output was closed before the end (broken pipe)\n"


def test_cli_scenario_missing_file_names_the_file_not_a_line(tmp_path):
    result = run_cli("scenario", str(tmp_path / "missing.scn"))
    assert result.returncode == 2
    assert result.stderr == (f"unslump: {tmp_path / 'missing.scn'}: cannot read the scenario "
                             "file: No such file or directory\n")


def test_cli_scenario_bouncing_button_gives_one_gesture_per_touch():
    result = run_cli("scenario", str(SCENARIOS / "bouncy-button.txt"))
    assert result.returncode == 0, result.stderr
    events = lines_of(result.stdout)
    states = [e["state"] for e in events if e["kind"] == "state"]
    assert states == ["away", "seated", "notice", "routine", "paused", "routine", "done",
                      "seated"]
    tones = [e["name"] for e in events if e["kind"] == "tone"]
    assert (tones.count("pause"), tones.count("resume"), tones.count("stop")) == (1, 1, 1)
    [stretch] = [e for e in events if e["kind"] == "break"]
    assert stretch["completed"] is False
    [stopped_at] = [e["t"] for e in events if e["kind"] == "tone" and e["name"] == "stop"]
    assert stopped_at == 182.0  # held from the first contact at 3:00, through its wobble


def first_chime(result: subprocess.CompletedProcess) -> tuple[float, str]:
    """When the first reminder chimed (seconds since the start) and its logged wall time."""
    assert result.returncode == 0, result.stderr
    events = lines_of(result.stdout)
    first = next(e["t"] for e in events if e["kind"] == "reminder")
    logged = next(e["at"] for e in events if e["kind"] == "reminder_end")
    return first, logged


def test_cli_scenario_start_names_a_zone_and_dst_moves_quiet_hours_end():
    import os

    result = run_cli("scenario", str(SCENARIOS / "spring-forward.txt"),
                     env={**os.environ, "TZ": "UTC"})
    # 07:00 CEST, 7 h after 23:00 CET; it was 08:00 (07:00 at the winter offset)
    assert first_chime(result) == (7 * 3600, "2026-03-29T07:00:00+02:00")


def test_cli_scenario_honours_tz_for_a_start_without_a_zone(tmp_path):
    import os

    script = tmp_path / "night.txt"
    script.write_text("start 2026-03-28T23:00\n0:00 sit\n7:30 stand\n8:30 end\n")
    result = run_cli("scenario", str(script), env={**os.environ, "TZ": "Europe/Berlin"})
    assert first_chime(result) == (7 * 3600, "2026-03-29T07:00:00+02:00")


def test_cli_scenario_unknown_zone_is_one_line(tmp_path):
    script = tmp_path / "mars.txt"
    script.write_text("start 2026-03-28T23:00 Mars/Olympus\n0:00 sit\n")
    result = run_cli("scenario", str(script))
    assert result.returncode == 2
    assert result.stderr == (f"unslump: {script}:1: 'Mars/Olympus' is not a time zone "
                             "like Europe/Berlin\n")


def test_cli_scenario_a_routine_file_of_its_own_runs_end_to_end():
    """Two phases three times, from tests/routines/ through [routine] path: no Python of
    its own. The screens, the sounds and the log all follow the file."""
    config = TESTS / "routines" / "reach-and-rest-config.toml"
    result = run_cli("scenario", str(SCENARIOS / "reach-and-rest.txt"), "--config",
                     str(config))
    assert result.returncode == 0, result.stderr
    events = lines_of(result.stdout)
    views = [e["view"] for e in events if e["kind"] == "screen"
             and e["view"]["type"] == "RoutineView"]
    shown = [(v["phase"], v["rep"]) for v in views]
    phases = [pair for i, pair in enumerate(shown) if i == 0 or shown[i - 1] != pair]
    assert phases == [("reach", 1), ("rest", 1), ("reach", 2), ("rest", 2), ("reach", 3),
                      ("rest", 3)]
    assert {v["title"] for v in views} == {"REACH", "REST"}
    assert {v["cue"] for v in views} == {"arms up, reach tall", "breathe easy",
                                         "rest, sitting tall"}
    start = next(e["t"] for e in events if e["kind"] == "state" and e["state"] == "routine")
    tones = [(round(e["t"] - start, 2), e["name"]) for e in events if e["kind"] == "tone"
             and e["t"] >= start]
    assert [name for _, name in tones] == [
        "uncurl", "rest", "pip", "uncurl", "rest", "pip", "pip", "uncurl", "rest", "pip", "pip",
        "pip", "complete"]
    assert [t for t, name in tones if name in ("uncurl", "rest", "complete")] == [
        0.0, 20.0, 25.0, 45.0, 50.0, 70.0, 75.0]
    [stretch] = [e for e in events if e["kind"] == "break"]
    assert (stretch["type"], stretch["completed"], stretch["repetitions"],
            stretch["duration_s"]) == ("guided", True, 3, 75.0)
    assert not any(e["kind"] == "screen" and e["view"].get("asking") for e in events)


def reminders_in(db: Path) -> list[dict]:
    exported = run_cli("export", "--db", str(db), "--format", "json")
    assert exported.returncode == 0, exported.stderr
    return json.loads(exported.stdout)["reminders"]


def test_cli_scenario_notice_unanswered_at_a_reminder_leaves_the_reminder_as_it_was(tmp_path):
    """The first stretch asked for at a reminder opens the notice; left unanswered, the
    reminder shows again and stays one row, answered later by standing up (it once logged
    a second reminder, and a "routine" answer for a stretch that never ran)."""
    db = tmp_path / "log.db"
    result = run_cli("scenario", str(SCENARIOS / "notice-at-reminder-unanswered.txt"),
                     "--db", str(db))
    assert result.returncode == 0, result.stderr
    events = lines_of(result.stdout)
    states = [e["state"] for e in events if e["kind"] == "state"]
    assert states == ["away", "seated", "reminder", "notice", "reminder", "away"]
    assert len([e for e in events if e["kind"] == "reminder"]) == 1  # one chime, not two
    [reminder] = reminders_in(db)
    assert (reminder["outcome"], reminder["response_s"]) == ("stood_up", 120.0)
    assert not [e for e in events if e["kind"] == "break" and e["type"] != "natural"]


def test_cli_scenario_notice_declined_at_a_reminder_answers_it_with_the_standing_break(
        tmp_path):
    db = tmp_path / "log.db"
    result = run_cli("scenario", str(SCENARIOS / "notice-at-reminder-declined.txt"),
                     "--db", str(db))
    assert result.returncode == 0, result.stderr
    events = lines_of(result.stdout)
    states = [e["state"] for e in events if e["kind"] == "state"]
    assert states[:5] == ["away", "seated", "reminder", "notice", "routine"]
    [reminder] = reminders_in(db)
    # answered by the press that asked for the break (30 s after the chime)
    assert reminder["outcome"] == "routine"
    assert reminder["response_s"] == pytest.approx(30.13)
    [walk] = [e for e in events if e["kind"] == "break"]
    assert (walk["type"], walk["completed"]) == ("walk", True)


def test_cli_scenario_checkpoint_lines_keep_their_kind_for_every_open_row():
    """An unfinished break's line is a checkpoint with its break's kind as "type" (the
    record's own kind once overwrote the line's, printing "guided" or "natural")."""
    result = run_cli("scenario", str(SCENARIOS / "notice-at-reminder-declined.txt"))
    assert result.returncode == 0, result.stderr
    events = lines_of(result.stdout)
    kinds = {e["kind"] for e in events}
    assert kinds <= {"state", "screen", "tone", "say", "reminder", "checkpoint", "break",
                     "bout", "reminder_end", "log", "panel", "power"}, kinds
    open_breaks = [e for e in events if e["kind"] == "checkpoint" and e["of"] == "break"]
    assert open_breaks and {e["type"] for e in open_breaks} == {"walk"}


def test_cli_scenario_standing_up_under_the_notice_answers_the_reminder(tmp_path):
    db = tmp_path / "log.db"
    result = run_cli("scenario", str(SCENARIOS / "notice-at-reminder-stood-up.txt"),
                     "--db", str(db))
    assert result.returncode == 0, result.stderr
    states = [e["state"] for e in lines_of(result.stdout) if e["kind"] == "state"]
    assert states == ["away", "seated", "reminder", "notice", "away"]
    [reminder] = reminders_in(db)
    assert reminder["outcome"] == "stood_up"
