"""The stretch as a practice, through the whole virtual device: a safety notice that is
answered, the standing break for whom the stretch is not right, and a level that grows
the uncurl over the weeks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from unslump.config.file import Config, RoutineConfig, parse_config
from unslump.core.practice import UNCURL_STEP_S
from unslump.core.records import BreakKind, NoticeAnswer, NoticeRecord
from unslump.core.routine import DONE_ASK_S, DONE_SHOW_S, plan_walk, routine_total_s
from unslump.core.tones import Tone
from unslump.core.views import DoneView, NoticeView, RoutineView, StatsSafetyView
from unslump.edges.store.memory import MemoryStore
from unslump.errors import ConfigError
from unslump.render.words import done_words
from unslump.sim.scenario.harness import VirtualDevice

DAY_S = 24 * 3600.0
MORNING = datetime(2026, 11, 24, 9, 0).astimezone()
ROUTINES = Config().routines
STRETCH_S = routine_total_s(ROUTINES.stretch, RoutineConfig())


def new_device(store: MemoryStore, config: Config | None = None) -> VirtualDevice:
    """A device whose owner has never answered the notice (a new log)."""
    return VirtualDevice.build(config or Config(), store, wall_start=MORNING)


def notices(store: MemoryStore) -> list[NoticeAnswer]:
    return [record.answer for record in store.records if isinstance(record, NoticeRecord)]


def test_practice_notice_waits_for_its_answer_then_a_press_starts_the_stretch():
    store = MemoryStore()
    device = new_device(store)
    device.sit()
    device.run_until(60)
    device.press()
    assert device.runtime.state.name == "notice"
    assert device.runtime.state.shown == NoticeView(seconds_left=30)
    device.run_for(25)  # it waits: no timer moves it on
    assert device.runtime.state.shown == NoticeView(seconds_left=5)
    device.press()  # understood
    assert device.runtime.state.name == "routine"
    assert notices(store) == [NoticeAnswer.UNDERSTOOD]
    assert Tone.PHASE in [tone for _, tone in device.audio.played]
    device.close()


def test_practice_unanswered_notice_returns_to_idle_and_logs_nothing():
    store = MemoryStore()
    device = new_device(store)
    device.sit()
    device.run_until(60)
    device.press()
    device.run_for(31)
    assert device.runtime.state.name == "seated"
    assert notices(store) == [] and store.breaks == []
    device.press()  # still unanswered: the notice again
    assert device.runtime.state.name == "notice"
    device.close()


def test_practice_hold_at_the_notice_turns_the_button_into_a_standing_break():
    store = MemoryStore()
    device = new_device(store)
    device.sit()
    device.run_until(60)
    device.press()
    device.hold()  # not for me
    assert notices(store) == [NoticeAnswer.DECLINED]
    shown = device.runtime.state.shown
    assert isinstance(shown, RoutineView) and shown.phase == "stand_up"
    device.run_for(plan_walk(ROUTINES.walk).total + 1)
    [walk] = store.breaks
    assert (walk.kind, walk.completed) == (BreakKind.WALK, True)
    assert device.runtime.state.shown == DoneView(1, True, 1, walk=True)
    device.run_for(10)
    device.press()  # from now on the button starts the standing break, no notice
    shown = device.runtime.state.shown
    assert isinstance(shown, RoutineView) and shown.title == "STAND UP"
    device.close()
    # the answer is in the log: a restart remembers it
    again = new_device(store)
    again.press()
    assert again.runtime.state.name == "routine"
    assert again.runtime.state.shown.title == "STAND UP"
    again.close()


def test_practice_standing_break_counts_as_a_guided_break():
    store = MemoryStore()
    store.append(NoticeRecord(MORNING, NoticeAnswer.DECLINED))
    device = new_device(store)
    device.press()
    device.run_for(plan_walk(ROUTINES.walk).total + 1)
    assert store.day_summary(MORNING.date())["breaks_guided"] == 1
    device.close()


def run_day(device: VirtualDevice, day: int, smooth: bool) -> float:
    """Sit, stretch (answering the notice on the first day), report the uncurl; return the
    uncurl's length that day."""
    device.run_until(day * DAY_S)
    device.sit()
    device.run_for(60)
    device.press()
    if device.runtime.state.name == "notice":
        device.press()
    plan = device.runtime.state.mode.routine.plan
    uncurl = next(stage.length for stage in plan.stages if stage.phase.id == "uncurl")
    device.run_for(plan.total + 1)
    assert device.runtime.state.shown.asking
    if smooth:
        device.press()
    else:
        device.run_for(DONE_ASK_S + 1)
    device.stand()
    device.run_for(60)
    return uncurl


def test_practice_ten_smooth_mornings_lengthen_the_uncurl_and_a_gap_steps_it_back():
    store = MemoryStore()
    device = new_device(store)
    base = RoutineConfig().uncurl_s
    lengths = [run_day(device, day, smooth=True) for day in range(10)]
    assert lengths == [base + UNCURL_STEP_S * min(day, 6) for day in range(10)]
    assert [b.smooth for b in store.breaks if b.kind is BreakKind.GUIDED] == [True] * 10
    after_gap = run_day(device, 10 + 15, smooth=False)  # 16 days away
    assert after_gap == base + UNCURL_STEP_S * 5  # one step back
    device.close()


def test_practice_level_survives_a_restart_and_silence_is_no_answer():
    store = MemoryStore()
    device = new_device(store)
    assert [run_day(device, day, smooth=day < 2) for day in range(4)] == [12.0, 14.0, 16.0,
                                                                        16.0]
    device.close()
    again = VirtualDevice.build(Config(), store, wall_start=MORNING)
    assert again.runtime.state.practice.level == 2
    again.close()


def stretch_to_the_question(device: VirtualDevice) -> None:
    """Sit, press, answer the notice if it asks, and follow the stretch to its end."""
    device.sit()
    device.run_for(60)
    device.press()
    if device.runtime.state.name == "notice":
        device.press()
    device.run_for(device.runtime.state.mode.routine.plan.total + 1)
    assert device.runtime.state.shown.asking


def test_practice_a_smooth_answer_that_raises_the_level_says_what_it_changes():
    store = MemoryStore()
    device = new_device(store)
    device.run_until(0)
    stretch_to_the_question(device)
    device.press()  # smooth: the level rises, so the screen says the uncurl grows
    shown = device.runtime.state.shown
    assert shown == DoneView(3, True, 3, longer_uncurl_s=UNCURL_STEP_S)
    assert done_words(shown)[2] == "uncurl now 2 s longer"
    assert device.runtime.state.practice.level == 1
    device.run_for(DONE_SHOW_S + 0.5)
    assert device.runtime.state.name == "seated"
    device.stand()
    device.run_for(60)
    stretch_to_the_question(device)  # the same day: the level moves once a day
    device.press()
    assert device.runtime.state.name == "seated"  # nothing to say: straight back
    assert device.runtime.state.practice.level == 1
    device.close()


def test_practice_progression_off_keeps_the_stretch_fixed():
    store = MemoryStore()
    config = replace(Config(), routine=RoutineConfig(progression=False))
    device = new_device(store, config)
    device.run_until(0)
    device.sit()
    device.run_for(60)
    device.press()
    device.press()
    device.run_for(STRETCH_S + 1)
    assert not device.runtime.state.shown.asking  # no question when nothing depends on it
    assert device.runtime.state.practice.level == 0
    device.close()


@pytest.mark.parametrize("routine", [
    {"repetitions": 1, "setup_s": 3, "inhale_s": 2, "exhale_s": 2, "hang_breaths": 1,
     "uncurl_s": 5, "rest_s": 2},  # 30 s
    {"repetitions": 10, "setup_s": 30, "inhale_s": 10, "exhale_s": 12, "hang_breaths": 6,
     "uncurl_s": 40, "rest_s": 20},  # 38 min
])
def test_practice_config_bounds_the_whole_stretch(routine):
    with pytest.raises(ConfigError,
                       match=r"\[routine\]: the routine 'lower-back' adds up to .* 1 to 10 min"):
        parse_config({"routine": routine}, "config.toml")


def test_practice_config_length_is_the_plans_length():
    for routine in (RoutineConfig(), RoutineConfig(repetitions=5, hang_breaths=4)):
        breath = routine.inhale_s + routine.exhale_s
        one = 2 * breath + routine.hang_breaths * breath + routine.uncurl_s + routine.rest_s
        assert routine_total_s(ROUTINES.stretch, routine) == \
            routine.setup_s + routine.repetitions * one


def test_practice_cli_reset_notice_asks_again_at_the_next_start(tmp_path, capsys):
    from unslump.cli.main import main
    from unslump.edges.store.sqlite import SqliteStore

    db = tmp_path / "log.db"
    with SqliteStore.open(db) as store:
        store.append(NoticeRecord(MORNING, NoticeAnswer.DECLINED))
    assert main(["routine", "reset-notice", "--db", str(db)]) == 0
    assert "was 'declined'" in capsys.readouterr().out
    with SqliteStore.open(db) as store:
        assert store.notice_answer() is None


def test_practice_a_hold_on_the_safety_page_asks_the_notice_again():
    store = MemoryStore()
    store.append(NoticeRecord(MORNING, NoticeAnswer.DECLINED))
    device = new_device(store)
    device.hold()  # the stats pages
    for _ in range(4):
        device.press()
    assert device.runtime.state.shown == StatsSafetyView(answer="declined")
    device.hold()
    assert notices(store) == [NoticeAnswer.DECLINED, NoticeAnswer.RESET]
    assert device.runtime.state.name == "away"
    device.press()
    assert device.runtime.state.name == "notice"  # asked again, here and after a restart
    device.close()
    assert store.notice_answer() is None
