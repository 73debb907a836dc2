"""What a scenario prints about sound: every tone with its planned length, every phrase."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest

from unslump.config.file import AudioConfig, Config, RoutineConfig
from unslump.core.tones import BREATH_COVER, Tone
from unslump.edges.audio.synth import tone_duration
from unslump.edges.clock import Clock
from unslump.edges.store.memory import MemoryStore
from unslump.sim.scenario.runner import run_script
from unslump.sim.scenario.script import parse_script

STRETCH = """\
start 2026-11-24T09:00
0:00 sit
0:01 press
0:01:02 press
0:05 end
"""


def lines_of(config: Config) -> list[dict[str, object]]:
    out = io.StringIO()

    def open_store(clock: Clock) -> MemoryStore:
        return MemoryStore()

    run_script(parse_script(STRETCH, "test"), config, open_store, out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_scenario_tone_lines_carry_their_planned_length() -> None:
    lines = lines_of(Config())
    tones = [line for line in lines if line["kind"] == "tone"]
    names = {line["name"] for line in tones}
    assert {"setup", "inhale", "fold", "exhale", "hang", "hang_end", "recommit", "uncurl",
            "tick", "rest", "pip", "complete"} <= names
    cfg = RoutineConfig()
    for line in tones:
        if line["name"] == "inhale":
            assert line["duration_s"] == pytest.approx(cfg.inhale_s * BREATH_COVER)
        elif line["name"] == "exhale":
            assert line["duration_s"] == pytest.approx(cfg.exhale_s * BREATH_COVER)
        else:
            assert line["duration_s"] == pytest.approx(tone_duration(Tone(line["name"])),
                                                       abs=0.001)
    said = [line["text"] for line in lines if line["kind"] == "say"]
    assert "Head hangs, shoulders loose." in said
    assert "Soft hips let the belly hold your back." in said


def test_scenario_marks_style_prints_the_short_glides() -> None:
    config = replace(Config(), audio=AudioConfig(breath="marks"))
    breaths = [line for line in lines_of(config) if line["kind"] == "tone"
               and line["name"] in ("inhale", "exhale")]
    assert breaths and all(line["duration_s"] == pytest.approx(0.9) for line in breaths)
