"""``unslump config set`` and the installed template: a builder's edits never leave a file
the service cannot start with, and every snippet of the guide applies as the guide says."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
from support.paths import REPO

from unslump.cli.main import main
from unslump.config.edit import render_template, set_key, validate_text
from unslump.config.file import load_config, render_defaults
from unslump.errors import ConfigError

GUIDES = (REPO / "hardware" / "README.md", REPO / "README.md")
SECTIONS = ("button", "seat", "reminder", "quiet", "screen", "routine", "pins", "display",
            "audio", "store", "mqtt")
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)


def installed(tmp_path: Path) -> Path:
    """The file as the install writes it."""
    path = tmp_path / "config.toml"
    path.write_text(render_template())
    return path


def config_snippets(text: str) -> list[str]:
    """The guide's TOML blocks that are config sections (a routine file's are not)."""
    found = []
    for kind, body in BLOCK.findall(text):
        lines = [line for line in body.splitlines() if line.strip() and
                 not line.lstrip().startswith("#")]
        header = re.match(r"\[(\w+)\]", lines[0]) if kind == "toml" and lines else None
        if header and header.group(1) in SECTIONS:
            found.append(body)
    return found


def set_commands(text: str) -> list[tuple[str, str]]:
    """Every ``unslump config set NAME VALUE`` the guide tells the builder to type."""
    found = []
    for kind, body in BLOCK.findall(text):
        for line in body.splitlines():
            command = line.split("#", 1)[0].strip() if kind in ("sh", "console") else ""
            if "unslump config set" not in command:
                continue
            words = shlex.split(command.removeprefix("$ ").removeprefix("sudo "))
            if words[:3] == ["unslump", "config", "set"]:
                assert len(words) == 5, line
                found.append((words[3], words[4]))
    return found


def test_config_template_is_the_defaults_with_every_line_commented_out():
    text = render_template()
    assert tomllib.loads(text) == {}
    validate_text(Path("config.toml"), text)
    for line in render_defaults().splitlines():
        if line.startswith("[") or (" = " in line and not line.startswith("#")):
            assert f"# {line}" in text.splitlines(), line


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.parent.name or "top")
def test_config_every_guide_snippet_pasted_into_the_installed_file_is_valid(tmp_path, guide):
    snippets = config_snippets(guide.read_text())
    assert snippets or (guide.name == "README.md" and guide.parent.name == "hardware")
    for snippet in snippets:
        path = installed(tmp_path)
        path.write_text(path.read_text() + "\n" + snippet)
        load_config(path)  # as the service reads it at start


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.parent.name or "top")
def test_config_every_guide_config_set_applies_and_reads_back(tmp_path, guide):
    commands = set_commands(guide.read_text())
    if guide.parent.name == "hardware":
        names = {name for name, _ in commands}
        assert {"pins.seat_active", "pins.seat_pull", "audio.backend"} <= names
    for name, value in commands:
        path = installed(tmp_path)
        set_key(path, name, value)
        section, key = name.split(".")
        got = getattr(getattr(load_config(path), section), key)
        assert str(got).lower() == value.strip('"').lower(), name


def test_config_the_guides_pasted_section_after_a_config_set_is_one_line_naming_both(tmp_path):
    path = installed(tmp_path)
    set_key(path, "audio.volume", "0.3")
    lines = path.read_text().splitlines()
    first = lines.index("[audio]") + 1
    path.write_text(path.read_text() + '\n[audio]\nbackend = "buzzer"\n')
    again = len(lines) + 2
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}: line {again}: [audio] is declared a second time (first at line {first}); "
        f"put these keys under the existing [audio] at line {first} and delete the second "
        "header, or use: unslump config set audio.KEY VALUE")


def test_config_a_key_given_twice_names_both_lines(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[pins]\nseat = 22\n# moved\nseat = 23\n")
    with pytest.raises(ConfigError, match=r"line 4: \[pins\] seat is set a second time "
                                          r"\(first at line 2\); change line 2 and delete "
                                          r"line 4$"):
        load_config(path)


def test_config_set_on_every_section_round_trips_keeping_comments_and_order(tmp_path):
    values = {
        "button.hold_s": ("3", 3.0), "seat.sit_confirm_s": ("8", 8.0),
        "reminder.remind_after_min": ("50", 50.0), "quiet.days": ("sat,sun", ("sat", "sun")),
        "quiet.start": ("21:30", "21:30"), "screen.off_after_min": ("4", 4.0),
        "routine.repetitions": ("4", 4), "pins.seat_active": ("high", "high"),
        "display.type": ("sh1106", "sh1106"), "audio.backend": ("buzzer", "buzzer"),
        "store.path": ("/var/tmp/u.db", "/var/tmp/u.db"), "mqtt.host": ("broker.lan", "broker.lan"),
    }
    path = installed(tmp_path)
    before = path.read_text().splitlines()
    for name, (text, _) in values.items():
        set_key(path, name, text)
    after = path.read_text().splitlines()
    assert after[:len(before)] == before  # every comment and line kept, in order
    config = load_config(path)
    assert {section for section in (name.split(".")[0] for name in values)} == set(SECTIONS)
    for name, (_, expected) in values.items():
        section, key = name.split(".")
        got = getattr(getattr(config, section), key)
        assert (f"{got:%H:%M}" if key == "start" else got) == expected, name
    set_key(path, "seat.sit_confirm_s", "6")  # again: the same line changes, no second one
    assert path.read_text().count("\nsit_confirm_s = ") == 1
    assert load_config(path).seat.sit_confirm_s == 6.0


def test_config_set_keeps_a_comment_on_the_line_it_changes(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("# mine\n[audio]\nbackend = \"pygame\"  # the USB speaker\nvolume = 0.4\n")
    change = set_key(path, "audio.backend", "buzzer")
    assert path.read_text() == ("# mine\n[audio]\nbackend = \"buzzer\"  # the USB speaker\n"
                                "volume = 0.4\n")
    assert change.summary() == (f'{path}: [audio] backend = "buzzer" (was "pygame"); restart '
                                "the service to use it: sudo systemctl restart unslump")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("audio.backend", "speaker", r"\[audio\] backend: 'speaker' is not allowed; allowed: "
                                 "'pygame', 'buzzer', 'none'"),
    ("pins.seat", "2", r"\[pins\] seat = 2: BCM 2 is I2C-1 SDA"),
    ("seat.sit_confirm_s", "-1", r"\[seat\] sit_confirm_s: -1 is out of range"),
    ("display.persist", "maybe", r"\[display\] persist: expected true or false"),
    ("audio.colour", "red", r"\[audio\] colour: unknown key; allowed: backend, breath"),
    ("sound.backend", "buzzer", r"unknown section \[sound\]; allowed: button, seat"),
    ("backend", "buzzer", r"name a key as SECTION.KEY"),
])
def test_config_set_refuses_a_bad_value_and_leaves_the_file_untouched(tmp_path, name, value,
                                                                     message):
    path = installed(tmp_path)
    before = path.read_bytes()
    with pytest.raises(ConfigError, match=message):
        set_key(path, name, value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # no temp left


def test_config_set_refuses_to_edit_a_file_with_a_pasted_duplicate(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[pins]\nseat = 22\n\n[pins]\nseat_active = \"high\"\n")
    before = path.read_bytes()
    with pytest.raises(ConfigError, match=r"line 4: \[pins\] is declared a second time "
                                          r"\(first at line 1\)"):
        set_key(path, "pins.seat", "23")
    assert path.read_bytes() == before


def test_config_set_with_no_file_writes_the_template_with_the_key(tmp_path):
    path = tmp_path / "new" / "config.toml"
    change = set_key(path, "audio.backend", "buzzer")
    assert change.created and path.stat().st_mode & 0o777 == 0o644
    assert path.read_text().startswith(render_template())
    assert load_config(path).audio.backend == "buzzer"


def test_config_set_on_the_command_line_exits_2_with_one_line(tmp_path, capsys):
    path = installed(tmp_path)
    assert main(["config", "--config", str(path), "set", "audio.backend", "buzzer"]) == 0
    assert capsys.readouterr().out.startswith(f'{path}: [audio] backend = "buzzer"')
    assert main(["config", "--config", str(path), "set", "audio.volume", "2"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"unslump: {path}: [audio] volume: 2 is out of range; allowed: 0 to 1"]
    assert main(["config", "--template"]) == 0
    assert capsys.readouterr().out == render_template()


def test_config_set_seat_active_says_what_auto_pull_now_means(tmp_path):
    path = installed(tmp_path)
    change = set_key(path, "pins.seat_active", "high")
    assert ('[pins] seat_active = "high" (was the default); seat_pull is "auto", which now '
            "means down; a normally-closed switch to GND needs: sudo unslump config set "
            "pins.seat_pull up; restart") in change.summary()
    set_key(path, "pins.seat_pull", "up")
    assert "seat_pull is" not in set_key(path, "pins.seat_active", "high").summary()


def test_config_the_service_never_imports_tomlkit():
    """Only `config set` needs the round-trip library: the running device reads its file
    with the standard library, and every module it does not load is memory it keeps."""
    import json
    import subprocess
    import sys

    code = ("import json, sys\n"
            "from unslump.cli.main import build_parser\n"
            "build_parser(['run']).parse_args(['run'])\n"
            "import unslump.config.file, unslump.app.assembly\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('tomlkit'))))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
