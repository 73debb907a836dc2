"""The guided stretch through the whole virtual device: pins, core, screens, tones, log."""

from datetime import datetime

import pytest

from unslump.config.file import ButtonConfig, Config, RoutineConfig
from unslump.core.panel import DIM
from unslump.core.records import BreakKind, EndedBy, NoticeAnswer, NoticeRecord, Variant
from unslump.core.routine import DONE_ASK_S, routine_total_s
from unslump.core.tones import RECUE_LEAD_S, Tone
from unslump.core.views import DoneView, IdleView, NoticeView, PausedView, RoutineView

FULL_S = routine_total_s(Config().routines.stretch, RoutineConfig())


def tones(device):
    return [tone for _, tone in device.audio.played]


def views(device, kind):
    return [v for v in device.screens if isinstance(v, kind)]


@pytest.fixture
def screens(monkeypatch):
    """Record every view the device shows."""
    from unslump.edges.display.oled import Screen

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


# -- What a guided break does to the sitting, the breaks and the day's tally ---------------

def idle_breaks(device):
    """Breaks today, as the idle screen shows them."""
    shown = device.runtime.state.shown
    assert isinstance(shown, IdleView), shown
    return shown.breaks_today


def test_guided_quiet_hours_keep_the_stretch_s_own_sounds(make_device, screens):
    """Quiet hours silence what nobody asked for; a stretch started at 21:00 is followed
    with the head down, so every one of its sounds still plays."""
    device = seated_device(make_device, screens,
                           wall_start=datetime(2026, 11, 24, 21, 0).astimezone())
    device.press()
    device.run_for(FULL_S + 1)
    played = tones(device)
    assert {Tone.SETUP, Tone.INHALE, Tone.EXHALE, Tone.FOLD, Tone.HANG, Tone.UNCURL,
            Tone.TICK, Tone.REST, Tone.PIP} <= set(played)
    assert played[-1] is Tone.COMPLETE


def test_guided_breaks_today_count_a_completed_stretch_once_and_a_stopped_one_not(
        make_device, screens):
    device = seated_device(make_device, screens)
    assert idle_breaks(device) == 0
    device.press()
    device.run_for(40)
    device.hold()  # stopped: no break
    device.run_for(10)
    assert idle_breaks(device) == 0
    device.press()
    device.run_for(FULL_S + DONE_ASK_S + 2)
    assert idle_breaks(device) == 1
    device.stand()  # a natural break on top
    device.run_for(5 * 60)
    device.sit()
    device.run_for(10)
    assert idle_breaks(device) == 2


def test_guided_sitting_after_a_completed_stretch_is_a_new_bout_that_counts(
        make_device, memory_store, screens):
    device = seated_device(make_device, screens)
    device.press()
    device.run_for(FULL_S + 1)
    ended = device.now
    device.run_until(ended + 20 * 60)
    bout = device.runtime.state.bout
    assert bout.sitting_s(device.clock.monotonic()) == pytest.approx(20 * 60, abs=1.5)
    assert memory_store.bouts[-1].seated_s == pytest.approx(20 * 60, abs=61)  # checkpointed
    device.run_until(ended + 46 * 60)  # the reminder counts from the stretch's end
    reminders = [t - device.origin for t, tone in device.audio.played if tone is Tone.REMINDER]
    assert reminders == [pytest.approx(ended + 45 * 60, abs=1.5)]


def test_guided_time_away_after_a_stopped_standing_stretch_is_not_sitting(
        make_device, memory_store, screens):
    device = seated_device(make_device, screens)  # 10 min seated
    device.stand()
    device.run_for(30)  # confirmed away: the bout pauses at 10:00
    device.press()  # the seat is empty: the standing variant
    assert device.runtime.state.mode.routine.variant is Variant.STANDING
    device.run_for(30)
    device.hold()  # stopped, still standing
    device.run_until(12 * 60)  # away until 12:00, under a natural break
    device.sit()
    device.run_until(20 * 60)
    bout = device.runtime.state.bout
    assert bout.start_at == device.origin  # one bout: the absence was short
    assert bout.sitting_s(device.clock.monotonic()) == pytest.approx(18 * 60)
    [stopped] = memory_store.breaks
    assert stopped.kind is BreakKind.GUIDED and not stopped.completed


def test_guided_standing_stretch_away_from_the_seat_is_one_break_not_two(
        make_device, memory_store, screens):
    """A completed standing stretch is the break; the absence around it is not logged
    again as a natural break when the person sits down."""
    device = seated_device(make_device, screens)
    device.stand()
    device.run_for(30)
    device.press()
    device.run_for(FULL_S + 1)  # over three minutes away: a natural break's length
    device.run_for(60)
    device.sit()
    device.run_for(60)
    [stretch] = memory_store.breaks
    assert (stretch.kind, stretch.variant, stretch.completed) == (
        BreakKind.GUIDED, Variant.STANDING, True)
    assert idle_breaks(device) == 1


def test_guided_notice_understood_once_is_not_asked_again_before_the_next_stretch(
        make_device, memory_store, screens):
    device = make_device(notice_answered=False)
    device.screens = screens
    device.sit()
    device.run_until(60)
    device.press()
    assert device.runtime.state.name == "notice"
    device.press()  # understood
    device.run_for(20)
    device.hold()  # stop this one
    device.run_for(10)
    device.press()  # the next stretch starts at once
    assert device.runtime.state.name == "routine"
    assert isinstance(device.runtime.state.shown, RoutineView)
    answers = [r.answer for r in memory_store.records if isinstance(r, NoticeRecord)]
    assert answers == [NoticeAnswer.UNDERSTOOD]


# -- A paused stretch ends by itself ------------------------------------------------------

def test_guided_paused_stretch_ends_when_the_person_stands_up(make_device, memory_store,
                                                              screens):
    """Paused, then up and away: the stretch is logged as stopped at the pause, the time
    seated in the pause counts, and the device goes back to resting (reminders, panel)."""
    device = seated_device(make_device, screens)  # seated since 0, the press at 10:00
    device.press()
    device.run_for(30)
    device.press()  # pause
    paused_at = device.now
    device.run_for(60)  # still seated, paused
    device.stand()
    left_at = device.now
    device.run_for(30)  # the seat is confirmed empty (20 s)
    assert device.runtime.state.name != "paused"
    [stretch] = memory_store.breaks
    assert not stretch.completed and stretch.ended_by is EndedBy.ENDED
    assert stretch.duration_s == pytest.approx(paused_at - 10 * 60, abs=0.5)
    bout = memory_store.bouts[-1]
    # the bout counts to the press, then from the pause until the person stood up
    assert bout.seated_s == pytest.approx(10 * 60 + (left_at - paused_at), abs=0.5)
    device.run_for(10 * 60)
    assert device.runtime.state.name == "away"
    assert not device.runtime.state.panel.on  # the panel sleeps as on any empty seat
    # away since standing up: a natural break from then, its row open until the return
    assert device.runtime.state.away.since - device.origin == pytest.approx(left_at)
    assert [b.kind for b in memory_store.breaks] == [BreakKind.GUIDED, BreakKind.NATURAL]


def test_guided_paused_stretch_ends_after_the_pause_limit_and_sitting_counts_again(
        make_device, memory_store, screens):
    """Paused and left seated for hours: after the pause limit the stretch is stopped at
    the pause, the sitting since then counts and the reminder comes as usual."""
    device = seated_device(make_device, screens)
    device.press()
    device.run_for(30)
    device.press()  # pause
    paused_at = device.now
    limit_s = RoutineConfig().pause_limit_min * 60
    device.run_for(limit_s - 1)
    assert device.runtime.state.name == "paused"
    device.run_for(2)
    assert device.runtime.state.name != "paused"
    [stretch] = memory_store.breaks
    assert not stretch.completed and stretch.ended_by is EndedBy.ENDED
    assert stretch.duration_s == pytest.approx(paused_at - 10 * 60, abs=0.5)
    device.run_for(6 * 60)
    assert device.runtime.state.panel.contrast == DIM  # untouched: it dims as usual
    device.run_until(4 * 3600)
    bout = device.runtime.state.bout
    # seated throughout: everything but the 30 s of stretch before the pause counts
    assert bout.sitting_s(device.clock.monotonic()) == pytest.approx(4 * 3600 - 30, abs=1)
    assert Tone.REMINDER in tones(device)


def test_guided_resumed_within_the_pause_limit_goes_on(make_device, memory_store, screens):
    device = seated_device(make_device, screens)
    device.press()
    device.run_for(30)
    device.press()  # pause
    device.run_for(RoutineConfig().pause_limit_min * 60 - 5)
    device.press()  # resume
    device.run_for(FULL_S)
    [stretch] = memory_store.breaks
    assert stretch.completed


def test_guided_stretch_started_while_away_closes_the_natural_break_at_its_start(
        make_device, memory_store, screens):
    """Away long enough for a natural break, then the stretch: the absence ended when the
    stretch began, and a clean stop leaves no row open."""
    device = seated_device(make_device, screens)
    device.stand()
    device.run_for(5 * 60)  # a natural break, its row open
    device.press()  # the panel is dark: this press only wakes it
    started = device.clock.wall()
    device.press()
    assert device.runtime.state.name == "routine"
    device.run_for(FULL_S + DONE_ASK_S + 2)
    device.runtime.stop()
    natural, stretch = sorted(memory_store.breaks, key=lambda b: b.kind is BreakKind.GUIDED)
    assert natural.kind is BreakKind.NATURAL and stretch.completed
    assert natural.ended_by is EndedBy.ENDED
    assert natural.end == stretch.start
    assert abs((natural.end - started).total_seconds()) < 0.5
    assert natural.duration_s == pytest.approx(5 * 60, abs=0.5)
    assert all(row.ended_by is not None for row in [*memory_store.breaks, *memory_store.bouts])
    assert idle_breaks(device) == 2
