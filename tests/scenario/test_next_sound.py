"""The next planned sound, as the runtime passes it to the audio (which starts ahead)."""

from __future__ import annotations

import pytest

from unslump.config.file import Config
from unslump.core.modes import PAUSE_KEEP_S


def test_upcoming_seated_expects_the_reminder_then_its_repeats(make_device) -> None:
    config = Config()
    device = make_device()
    assert device.audio.expected is None  # nobody seated: no sound planned
    device.sit()
    device.run_for(config.seat.sit_confirm_s + 1)
    sat_at = device.origin  # the bout dates from the first contact, at t=0
    due = sat_at + config.reminder.remind_after_min * 60
    assert device.audio.expected == pytest.approx(due)
    device.run_until(config.reminder.remind_after_min * 60 + 1)
    assert device.runtime.state.name == "reminder"
    repeat = due + config.reminder.repeat_every_min * 60
    assert device.audio.expected == pytest.approx(repeat)


def test_upcoming_stretch_expects_its_next_cue_and_a_resume(make_device) -> None:
    device = make_device()
    device.press()
    at = device.clock.monotonic()
    expected = device.audio.expected
    assert expected is not None and at < expected <= at + 8.0  # the next cue of the plan
    device.press()  # pause
    paused_at = device.clock.monotonic()
    assert device.runtime.state.name == "paused"
    assert device.audio.expected == pytest.approx(paused_at - 0.1 + PAUSE_KEEP_S, abs=0.2)


def test_upcoming_nothing_planned_on_the_stats_pages(make_device) -> None:
    device = make_device()
    device.hold()
    assert device.runtime.state.name == "stats"
    assert device.audio.expected is None
