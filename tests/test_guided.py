"""The guided stretch through the whole virtual device: pins, core, screens, tones, log."""

import pytest

from device.config import ButtonConfig, Config, RoutineConfig
from device.core.records import BreakKind, EndedBy, Variant
from device.core.routine import DONE_ASK_S, routine_total_s
from device.core.tones import RECUE_LEAD_S, Tone
from device.core.views import DoneView, NoticeView, PausedView, RoutineView

FULL_S = routine_total_s(Config().routines.stretch, RoutineConfig())


def tones(device):
    return [tone for _, tone in device.audio.played]


def views(device, kind):
    return [v for v in device.screens if isinstance(v, kind)]


@pytest.fixture
def screens(monkeypatch):
    """Record every view the device shows."""
    from device.adapters.display import Screen

    shown = []
    original = Screen.show

    def show(self, view):
        if original(self, view):
            shown.append(view)
            return True
        return False

    monkeypatch.setattr(Screen, "show", show)
    return shown


def seated_device(make_device, screens, **kwargs):
    device = make_device(**kwargs)
    device.screens = screens
    device.sit()
    device.run_until(10 * 60)
    return device


def test_guided_full_routine_seated_logs_a_completed_break_and_resets_the_bout(
        make_device, memory_store, screens):
    device = seated_device(make_device, screens)
    device.press()
    device.run_for(FULL_S + 1)
    [stretch] = memory_store.breaks
    assert stretch.kind is BreakKind.GUIDED and stretch.completed
    assert (stretch.variant, stretch.repetitions) == (Variant.SEATED, 3)
    assert 90 <= stretch.duration_s <= 300
    played = tones(device)
    assert played.count(Tone.TICK) == 3 * RoutineConfig().uncurl_ticks
    assert played[-1] is Tone.COMPLETE
    assert Tone.INHALE in played and Tone.EXHALE in played
    assert views(device, NoticeView) == []  # answered once, the notice does not come back
    assert {v.variant for v in views(device, RoutineView)} == {"seated"}
    bout, after = memory_store.bouts  # the completed stretch ended it; a new one is open
    # the press is decided once its release has settled
    assert bout.seated_s == pytest.approx(10 * 60 + 0.1 + ButtonConfig().debounce_s)
    assert bout.ended_by is EndedBy.ENDED and after.ended_by is None
    assert device.runtime.state.bout.sitting_s(device.clock.monotonic()) < 10
    assert device.runtime.state.shown == DoneView(3, True, 3, asking=True)
    device.run_for(DONE_ASK_S + 1)  # no answer: back to idle, the row says nothing
    assert device.runtime.state.name == "seated"
    assert memory_store.breaks[0].smooth is None


def test_guided_standing_when_the_seat_is_empty(make_device, memory_store, screens):
    device = make_device()
    device.screens = screens
    device.press()
    device.run_for(FULL_S + 1)
    [stretch] = memory_store.breaks
    assert stretch.variant is Variant.STANDING and stretch.completed
    assert {v.variant for v in views(device, RoutineView)} == {"standing"}


def test_guided_config_can_force_the_variant(make_device, memory_store, screens):
    config = Config(routine=RoutineConfig(variant="standing"))
    device = seated_device(make_device, screens, config=config)
    device.press()
    device.run_for(FULL_S + 1)
    assert memory_store.breaks[0].variant is Variant.STANDING


def test_guided_pause_freezes_timers_and_resume_continues(make_device, memory_store, screens):
    device = seated_device(make_device, screens)
    device.press()
    device.run_for(22)  # set-up 8 s, in 4 s, fold 6 s, the hang's first in 4 s
    device.press()  # pause
    assert device.runtime.state.name == "paused"
    before = len(device.audio.played)
    device.run_for(120)
    assert isinstance(device.runtime.state.shown, PausedView)
    assert len(device.audio.played) == before  # no tones while paused
    device.press()  # resume
    assert device.runtime.state.name == "routine"
    device.run_for(FULL_S - 22 + 2)
    [stretch] = memory_store.breaks
    assert stretch.completed
    # paused just after the hang's first out-breath began: that breath starts over,
    # RECUE_LEAD_S after the press, once the hang has been cued again
    assert stretch.duration_s == pytest.approx(FULL_S + 120 + 0.2 + RECUE_LEAD_S, abs=0.5)
    played = tones(device)
    resumed = played.index(Tone.RESUME)
    assert played[resumed - 1] is Tone.PAUSE
    assert played[resumed + 1: resumed + 3] == [Tone.HANG, Tone.EXHALE]


def test_guided_hold_stops_and_logs_how_far_it_got(make_device, memory_store, screens):
    device = seated_device(make_device, screens)
    device.press()
    device.run_for(80)
    device.hold()
    [stretch] = memory_store.breaks
    assert not stretch.completed
    assert stretch.reached and stretch.repetitions is not None
    assert Tone.STOP in tones(device)
    [bout] = memory_store.bouts  # a stopped stretch does not end the bout
    assert bout.ended_by is None
    assert device.runtime.state.bout.seated_since is not None


def test_guided_animation_stays_at_or_under_ten_frames_a_second(make_device, screens):
    device = seated_device(make_device, screens)
    start_frames = device.screen.frames
    device.press()
    device.run_for(FULL_S)
    assert (device.screen.frames - start_frames) / FULL_S <= 10.0
