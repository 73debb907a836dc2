"""Routine files: the shipped ones, the rules a file can break (one line each, exit 2),
``unslump routine check``, ``[routine] name`` / ``path``, and the README table against
the shipped stretch."""

from __future__ import annotations

import re
import shutil
from dataclasses import fields
from pathlib import Path

import pytest

from tests.support.paths import REPO, TESTS
from unslump.cli.main import main
from unslump.config.file import Config, RoutineConfig, load_config, parse_config
from unslump.config.routine_file import load_routine, shipped_path, shipped_routines
from unslump.core.records import Variant
from unslump.core.routine import plan_routine, routine_total_s
from unslump.core.settings import ROUTINE_DURATION_KEYS, SHIPPED_ROUTINES
from unslump.errors import ConfigError, RoutineFileError

REPO = REPO
TEST_ROUTINES = TESTS / "routines"
REACH = TEST_ROUTINES / "reach-and-rest.toml"

GOOD = """
name = "mine"
title = "my routine"
repetitions = 2
[durations]
hold_s = 30
[[once]]
id = "ready"
title = "READY"
length = 5
sound = "setup"
cues.both = ["get ready"]
[[repeat]]
id = "hold"
title = "HOLD"
length = "hold_s"
sound = "hang"
cues.seated = ["hold, seated"]
cues.standing = ["hold, standing"]
"""


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_routine_file_shipped_names_are_the_shipped_files() -> None:
    shipped = REPO / "device" / "unslump" / "config" / "routines"
    on_disk = sorted(p.stem for p in shipped.glob("*.toml"))
    assert sorted(SHIPPED_ROUTINES) == on_disk
    for name in SHIPPED_ROUTINES:
        assert load_routine(shipped_path(name)).name == name


def test_routine_file_config_defaults_are_the_shipped_stretchs_durations() -> None:
    """`unslump config --defaults` shows the [routine] lengths: they must be the file's."""
    stretch = shipped_routines().stretch
    defaults = RoutineConfig()
    assert set(stretch.durations) == ROUTINE_DURATION_KEYS
    for key in ROUTINE_DURATION_KEYS:
        assert getattr(defaults, key) == stretch.durations[key], key
    assert defaults.repetitions == stretch.repetitions
    assert Config().routines == shipped_routines()


def test_routine_file_a_good_file_loads_with_both_variants(tmp_path: Path) -> None:
    spec = load_routine(write(tmp_path, GOOD))
    assert [p.id for p in spec.phases] == ["ready", "hold"]
    assert spec.repeat[-1].completes  # the last repeated phase counts a repetition
    plan = plan_routine(spec, RoutineConfig(repetitions=2), Variant.STANDING)
    assert [(s.phase.id, s.rep, s.length) for s in plan.stages] == [
        ("ready", 0, 5.0), ("hold", 1, 30.0), ("hold", 2, 30.0)]
    assert spec.repeat[0].cues(Variant.STANDING) == ("hold, standing",)


BAD = [
    # (what the file does wrong, a replacement in GOOD, the message's expected part)
    ("unknown key", ('sound = "hang"', 'sound = "hang"\ncolour = "red"'),
     r"repeat\[1\] \(hold\): colour: unknown key; allowed: id, title, length"),
    ("long title", ('title = "HOLD"', 'title = "HOLD TIGHT"'),
     r"repeat\[1\] \(hold\): title: 'HOLD TIGHT' is not allowed; allowed: at most 8"),
    ("long cue", ('"hold, seated"', '"hold it there, seated, please"'),
     r"cues.seated: 'hold it there, seated, please' is not allowed; allowed: 1 to 21"),
    ("one variant only", ('cues.standing = ["hold, standing"]\n', ''),
     r"repeat\[1\] \(hold\): cues: expected cues.both = \[lines\], or cues.seated and"),
    ("both and one variant", ('cues.standing = ["hold, standing"]', 'cues.both = ["hold"]'),
     r"repeat\[1\] \(hold\): cues: expected cues.both = \[lines\], or cues.seated and"),
    ("undeclared duration", ('length = "hold_s"', 'length = "hold_ss"'),
     r"length: 'hold_ss' is not a declared duration \(declared: hold_s\)"),
    ("sound not a phase sound", ('sound = "hang"', 'sound = "tick"'),
     r"sound: 'tick' is not allowed; allowed: phase, setup, fold"),
    ("two phases alike", ('sound = "hang"', 'sound = "setup"'),
     r"repeat\[1\] \(hold\): sound: 'setup' already starts phase 'ready'; each phase needs"),
    ("no sound, no in-breath", ('sound = "hang"\n', ''),
     r"repeat\[1\] \(hold\): sound: missing; a phase starts with a sound of its own"),
    ("length out of range", ("hold_s = 30", "hold_s = 9000"),
     r"durations.hold_s: 9000 is not allowed; allowed: seconds from 0.5 to 600"),
    ("a [routine] key's range", ("hold_s = 30", "hold_s = 30\nrest_s = 60"),
     r"durations.rest_s: 60 is not allowed; allowed: seconds from 2 to 20"),
    ("unknown top-level key", ("repetitions = 2", "repetitions = 2\ncolour = 1"),
     r"mine.toml: colour: unknown key; allowed: name, title, repetitions"),
    ("length and breaths", ('length = "hold_s"', 'length = "hold_s"\nbreaths = 2'),
     r"give exactly one of length"),
    ("cycles without the breath", ('length = "hold_s"', 'breaths = 2\nbreath = "cycles"'),
     r"inhale: missing; phase 'hold' has breath = \"cycles\""),
    ("not TOML", ('title = "my routine"', 'title = "my routine'),
     r"not valid TOML: .*\(at line 3, column \d+\)"),
]


@pytest.mark.parametrize(("replace", "message"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_routine_file_broken_rule_is_one_line_naming_file_and_key(
        tmp_path: Path, replace: tuple[str, str], message: str) -> None:
    old, new = replace
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(RoutineFileError) as caught:
        load_routine(path)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: ")
    assert re.search(message, text), text


def test_routine_file_whole_routine_bounded_to_ten_minutes(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("repetitions = 2", "repetitions = 10")
                 .replace("hold_s = 30", "hold_s = 120"))
    with pytest.raises(RoutineFileError, match=r"'mine' adds up to 20.1 min .* 1 to 10 min"):
        load_routine(path)


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace('sound = "hang"', 'sound = "bell"'),
     r"sound: 'bell' is not allowed; allowed: phase, setup, fold, hang"),
    (GOOD.replace('title = "HOLD"', 'title = "HOLD ON TIGHT"'), r"title: 'HOLD ON TIGHT'"),
    (GOOD.replace('length = "hold_s"', 'length = "hold"'), r"'hold' is not a declared"),
])
def test_routine_file_check_command_exits_2_with_the_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str) -> None:
    path = write(tmp_path, text)
    assert main(["routine", "check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith(f"unslump: {path}: ") and re.search(message, line), line


def test_routine_file_check_command_summarises_a_good_file(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routine", "check", str(REACH)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{REACH}: valid",
                   "  reach-and-rest: reach and rest",
                   "  repeat x3: reach 20 s, rest 5 s",
                   "  total: 1 min 15 s",
                   "  seated: 3 cue lines shown",
                   "  standing: 3 cue lines shown"]


def test_routine_file_check_command_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routine", "check", "no-such.toml"]) == 2
    assert "no-such.toml: routine file not found" in capsys.readouterr().err


def test_routine_file_config_path_is_taken_beside_the_config(tmp_path: Path) -> None:
    shutil.copy(REACH, tmp_path / "reach.toml")
    config = load_config(write(tmp_path, '[routine]\npath = "reach.toml"\nrest_s = 3\n',
                               "config.toml"))
    assert config.routines.stretch.name == "reach-and-rest"
    assert config.routines.walk.name == "standing-break"  # the break is always shipped
    # the file's own durations, under the [routine] keys the config set itself
    assert (config.routine.rest_s, config.routine.repetitions) == (3.0, 3)
    assert routine_total_s(config.routines.stretch, config.routine) == 3 * (20 + 3)


def test_routine_file_config_key_the_routine_does_not_use_is_refused(tmp_path: Path) -> None:
    data = {"routine": {"path": str(REACH), "hang_breaths": 3}}
    with pytest.raises(ConfigError, match=r"config.toml: \[routine\] hang_breaths: the "
                                          r"routine 'reach-and-rest' declares no duration"):
        parse_config(data, "config.toml")


def test_routine_file_config_name_picks_a_shipped_routine() -> None:
    config = parse_config({"routine": {"name": "standing-break"}}, "config.toml")
    assert [p.id for p in config.routines.stretch.phases] == ["stand_up", "walk", "loosen"]
    with pytest.raises(ConfigError, match=r"\[routine\] name: 'mine' is not allowed"):
        parse_config({"routine": {"name": "mine"}}, "config.toml")


def test_routine_file_config_path_missing_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config.toml: \[routine\] path: .*gone.toml is "
                                          r"not a file; fix the path"):
        load_config(write(tmp_path, '[routine]\npath = "gone.toml"\n', "config.toml"))


def test_routine_file_config_fields_without_a_section_stay_out_of_the_toml() -> None:
    with pytest.raises(ConfigError, match=r"unknown section \[routines\]"):
        parse_config({"routines": {}}, "config.toml")
    assert [f.name for f in fields(Config) if not f.metadata.get("section", True)] == \
        ["routines"]


def _readme_rows() -> list[tuple[str, str, str]]:
    """(phase column, screen cue column, tone column) of the README's stretch table."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("| Instruction (our words")
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append((cells[1], cells[2], cells[3]))
    return rows


def _row_phases(column: str) -> tuple[set[str], str | None]:
    """The phase ids a README row is about, and its variant if it names one."""
    head = column.split("(")[0]
    ids = {word.strip().lower().replace(" ", "_") for word in head.split(",")}
    variant = next((v.value for v in Variant if f"({v.value})" in column), None)
    return ids, variant


def test_routine_file_readme_table_agrees_with_the_shipped_files() -> None:
    """Every cue the table quotes is the file's, under its phase; every cue and start sound
    of the shipped stretch is in the table (the walk's row lists a few, then "...")."""
    routines = shipped_routines()
    phases = {p.id: p for p in (*routines.stretch.phases, *routines.walk.phases)}
    quoted_by_phase: dict[str, set[str]] = {pid: set() for pid in phases}
    tones_by_phase: dict[str, str] = {pid: "" for pid in phases}
    for phase_col, cue_col, tone_col in _readme_rows():
        ids, variant = _row_phases(phase_col)
        if not ids <= set(phases):
            continue  # the notice, the practice level, pause: not phases of a file
        allowed = {line for pid in ids for v in Variant if variant in (None, v.value)
                   for line in (*phases[pid].cues(v), *phases[pid].says(v))}
        for quoted in re.findall(r'"([^"]+)"', cue_col):
            assert quoted in allowed, (phase_col, quoted)
            for pid in ids:
                quoted_by_phase[pid].add(quoted)
        for pid in ids:
            tones_by_phase[pid] += " " + tone_col
    for phase in routines.stretch.phases:
        for variant in Variant:
            missing = set(phase.cues(variant)) - quoted_by_phase[phase.id]
            assert not missing, (phase.id, variant, missing)
    for phase in phases.values():
        if phase.sound is not None:
            assert phase.sound.value.upper() in tones_by_phase[phase.id], phase.id


def test_routine_file_a_copy_of_the_defaults_leaves_the_files_lengths_be(
        tmp_path: Path) -> None:
    """`config --defaults` as a starting config, with a routine of one's own: the shipped
    stretch's lengths must not silently replace (or refuse) the file's."""
    from unslump.config.file import render_defaults

    text = render_defaults().replace('path = ""', f'path = "{REACH}"')
    config = load_config(write(tmp_path, text, "config.toml"))
    assert config.routines.stretch.name == "reach-and-rest"
    assert routine_total_s(config.routines.stretch, config.routine) == 75.0
