"""Sitting detection, reminders and natural breaks, through the whole virtual device."""

import random
from dataclasses import replace
from datetime import datetime, time

import pytest

from unslump.config.file import ButtonConfig, Config, QuietConfig
from unslump.core.machine import SNOOZED_SHOW_S
from unslump.core.panel import BRIGHT, DIM
from unslump.core.records import BreakKind, ReminderOutcome
from unslump.core.tones import Tone
from unslump.core.views import BlankView, IdleView, ReminderView, SnoozedView
from unslump.edges.clock import local_zone

MIN = 60.0


def chimes(device):
    return [t - device.origin for t, tone in device.audio.played if tone is Tone.REMINDER]


def test_sitting_flicker_changes_nothing(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(10 * MIN)
    device.stand()
    device.run_until(10 * MIN + 8)  # leaning forward for 8 s
    device.sit()
    device.run_until(20 * MIN)
    assert device.runtime.state.name == "seated"
    assert device.runtime.state.bout.sitting_s(device.clock.monotonic()) == 20 * MIN
    [bout] = memory_store.bouts  # one bout, still open, brought forward each minute
    assert bout.ended_by is None and bout.seated_s == pytest.approx(20 * MIN, abs=60)
    assert memory_store.breaks == []


def test_sitting_short_absence_keeps_the_bout_but_not_the_time_away(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(30 * MIN)
    device.stand()
    device.run_until(32 * MIN)  # two minutes away: under natural_break_min
    device.sit()
    device.run_until(40 * MIN)
    bout = device.runtime.state.bout
    assert bout.start_at == device.origin
    assert bout.sitting_s(device.clock.monotonic()) == 38 * MIN
    assert memory_store.breaks == []


def test_sitting_natural_break_ends_bout_and_is_logged_with_its_length(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(30 * MIN)
    device.stand()
    device.run_until(42 * MIN)
    [bout] = memory_store.bouts
    assert bout.seated_s == 30 * MIN
    device.sit()
    device.run_until(43 * MIN)
    [pause] = memory_store.breaks
    assert (pause.kind, pause.duration_s) == (BreakKind.NATURAL, 12 * MIN)
    assert device.runtime.state.bout.start_at == device.origin + 42 * MIN


def test_sitting_reminder_escalates_then_keeps_the_screen_silent(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(80 * MIN)
    assert chimes(device) == [45 * MIN, 50 * MIN, 55 * MIN, 60 * MIN]  # first + 3 repeats
    assert isinstance(device.runtime.state.shown, ReminderView)
    device.stand()
    device.run_until(81 * MIN)
    [reminder] = memory_store.reminders
    assert reminder.outcome is ReminderOutcome.STOOD_UP
    assert reminder.response_s == 35 * MIN  # from the first chime to the first edge
    assert reminder.chimes == 4


def test_sitting_reminder_stops_as_soon_as_the_seat_is_confirmed_vacated(make_device):
    device = make_device()
    device.sit()
    device.run_until(47 * MIN)
    device.stand()
    device.run_until(60 * MIN)
    assert chimes(device) == [45 * MIN]


def test_sitting_snooze_then_snoozing_used_up(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(45 * MIN + 1)
    device.hold()
    assert device.runtime.state.name == "snoozed"
    assert device.runtime.state.shown == SnoozedView(minutes=10, snoozes_left=1)
    device.run_for(SNOOZED_SHOW_S)
    assert device.runtime.state.name == "seated"
    device.run_until(56 * MIN)
    assert chimes(device) == [45 * MIN, 55 * MIN + 3]  # 10 min from the hold at 45:03
    device.hold()
    device.run_until(67 * MIN)
    assert len(chimes(device)) == 3
    device.hold()  # a third hold in a row: snoozing is used up
    assert device.runtime.state.name == "reminder"
    assert device.runtime.state.shown.snooze_refused
    outcomes = [r.outcome for r in memory_store.reminders]
    # the third is showing: on disk since its first chime, with no outcome yet
    assert outcomes == [ReminderOutcome.SNOOZED, ReminderOutcome.SNOOZED, None]


def test_sitting_press_at_reminder_starts_the_routine(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(46 * MIN)
    device.press()
    assert device.runtime.state.name == "routine"
    [reminder] = memory_store.reminders
    assert reminder.outcome is ReminderOutcome.ROUTINE
    # the press is decided once its release has settled
    assert reminder.response_s == pytest.approx(MIN + 0.1 + ButtonConfig().debounce_s)


def test_sitting_quiet_hours_measure_but_never_sound(make_device, memory_store):
    device = make_device(wall_start=datetime(2026, 11, 24, 19, 30).astimezone())
    device.sit()
    device.run_until(3 * 60 * MIN)  # 19:30 to 22:30, all but 30 min quiet
    assert chimes(device) == []
    assert device.runtime.state.bout.sitting_s(device.clock.monotonic()) == 180 * MIN
    device.stand()
    device.run_until(3 * 60 * MIN + 10 * MIN)
    assert memory_store.bouts[0].seated_s == 180 * MIN


def test_sitting_quiet_days_stay_quiet_all_day(make_device):
    config = Config(quiet=QuietConfig(days=("tue",)))  # 2026-11-24 is a Tuesday
    device = make_device(config)
    device.sit()
    device.run_until(2 * 60 * MIN)
    assert chimes(device) == []


def test_sitting_reminder_waits_for_the_end_of_quiet_hours(make_device):
    device = make_device(wall_start=datetime(2026, 11, 24, 6, 30).astimezone())
    device.sit()
    device.run_until(60 * MIN)  # 45 min seated at 07:15 wall: quiet ended at 07:00
    assert chimes(device)[0] == 45 * MIN


@pytest.mark.parametrize("jump_s", [5 * 3600, -3600])
def test_sitting_wall_jump_neither_adds_time_nor_moves_the_reminder(make_device, memory_store,
                                                                    jump_s):
    device = make_device(wall_start=datetime(2026, 11, 24, 11, 0).astimezone())
    device.sit()
    device.run_until(10 * MIN)
    device.walljump(jump_s)
    device.run_until(49 * MIN)
    assert chimes(device) == [45 * MIN]
    device.run_until(50 * MIN)
    device.stand()
    device.run_until(55 * MIN)
    assert memory_store.bouts[0].seated_s == 50 * MIN


def test_sitting_idle_screen_changes_once_a_minute(make_device):
    device = make_device()
    device.sit()
    before = device.screen.frames
    device.run_until(10 * MIN + 30)
    # the confirmation, then one per minute, and one nudge of the content at 10 min
    assert device.screen.frames - before <= 12


def test_sitting_panel_goes_dark_on_an_empty_seat_and_wakes_on_sitting(make_device):
    device = make_device()
    device.run_until(3 * MIN)
    assert isinstance(device.runtime.state.shown, BlankView)
    assert not device.runtime.state.panel.on
    device.sit()
    device.run_until(3 * MIN + 6)
    assert device.runtime.state.panel.on
    assert isinstance(device.runtime.state.shown, IdleView)


def test_sitting_press_on_a_dark_panel_only_wakes_it(make_device):
    device = make_device()
    device.run_until(3 * MIN)
    device.press()
    assert device.runtime.state.panel.on
    assert device.runtime.state.name == "away"  # no routine started


def test_sitting_contrast_drops_untouched_and_content_shifts(make_device):
    device = make_device()
    device.sit()
    device.run_until(6 * MIN)
    assert device.runtime.state.panel.dimmed
    shifts = set()
    for minute in range(7, 44, 3):  # before the reminder at 45 min
        device.run_until(minute * MIN)
        shifts.add(device.runtime.state.shown.shift)
    assert len(shifts) > 1


# -- The reminder's timing after a stand and after a short absence -------------------------

def test_sitting_short_stand_at_a_reminder_brings_the_next_one_a_repeat_of_sitting_later(
        make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_until(46 * MIN)
    device.stand()  # confirmed 20 s later, dated from this edge: 46 min seated
    device.run_until(46 * MIN + 40)
    device.sit()  # back within the bout: the stand answered the reminder, it was no break
    device.run_until(55 * MIN)
    assert chimes(device) == [45 * MIN, 51 * MIN + 40]  # 46 + 5 min of sitting
    assert [r.outcome for r in memory_store.reminders] == [ReminderOutcome.STOOD_UP, None]
    assert memory_store.breaks == []


def test_sitting_short_absence_moves_the_reminder_by_the_time_away(make_device):
    device = make_device()
    device.sit()
    device.run_until(30 * MIN)
    device.stand()
    device.run_until(32 * MIN)  # two minutes away: the bout pauses
    device.sit()
    device.run_until(48 * MIN)
    assert chimes(device) == [47 * MIN]  # 45 min of sitting, not of the clock


# -- Quiet hours: start == end, and a reminder that is showing when they begin -------------

def test_sitting_quiet_start_equal_to_end_never_holds_a_reminder(make_device):
    never = Config(quiet=QuietConfig(start=time(19, 0), end=time(19, 0)))
    device = make_device(never, wall_start=datetime(2026, 11, 24, 19, 30).astimezone())
    device.sit()
    device.run_until(49 * MIN)  # 20:19: inside the default quiet hours, not these
    assert chimes(device) == [45 * MIN]


def test_sitting_reminder_showing_when_quiet_hours_begin_goes_silent_until_morning(
        make_device, memory_store):
    device = make_device(wall_start=datetime(2026, 11, 24, 19, 10).astimezone())
    device.sit()
    device.run_until(52 * MIN)  # chimed at 19:55; its first repeat would be at 20:00
    assert chimes(device) == [45 * MIN]
    [reminder] = memory_store.reminders
    assert (reminder.outcome, reminder.chimes) == (ReminderOutcome.IGNORED, 1)
    assert device.runtime.state.name == "seated"
    assert isinstance(device.runtime.state.shown, IdleView)
    device.run_until((11 * 60 + 54) * MIN)  # 07:04 the next morning, seated all night
    assert chimes(device) == [45 * MIN, (11 * 60 + 50) * MIN]  # again at 07:00 sharp


# -- What reaches the panel: dark after someone leaves, dim after a touch ------------------

@pytest.fixture
def glass(make_device):
    """A device whose luma panel records what it is told: light on/off and contrast."""
    device = make_device()
    panel, said = device.panel, []
    show, hide, contrast = panel.show, panel.hide, panel.contrast
    panel.show = lambda: (said.append("on"), show())
    panel.hide = lambda: (said.append("off"), hide())
    panel.contrast = lambda level: (said.append(level), contrast(level))
    device.said = said
    return device


def test_sitting_panel_goes_dark_two_minutes_after_the_seat_empties(glass):
    device = glass
    device.sit()
    device.run_until(10 * MIN)
    device.stand()  # confirmed 20 s later, dated from this edge
    device.run_until(12 * MIN - 1)
    assert "off" not in device.said and device.runtime.state.panel.on
    device.run_until(12 * MIN + 1)
    assert device.said[-2:] == ["off", DIM]  # the bout's dim is kept while dark
    assert isinstance(device.runtime.state.shown, BlankView)
    assert device.panel.image.getbbox() is None  # nothing lit on the glass
    device.sit()
    device.run_until(12 * MIN + 4)
    assert device.said[-1] == DIM  # a flicker of the seat wakes nothing
    device.run_until(12 * MIN + 6)  # sitting confirmed: light, full contrast, idle screen
    assert device.said[-2:] == ["on", BRIGHT]
    assert isinstance(device.runtime.state.shown, IdleView)


def test_sitting_panel_dims_five_minutes_after_the_last_touch_not_before(glass):
    device = glass
    device.sit()  # confirmed at 5 s: a touch
    device.run_until(5 * MIN + 4)
    assert DIM not in device.said and not device.runtime.state.panel.dimmed
    device.run_until(5 * MIN + 6)
    assert device.said[-1] == DIM
    device.hold()  # the stats pages: a touch brightens at once
    assert device.said[-1] == BRIGHT
    device.run_until(7 * MIN)  # the pages closed by themselves: idle, touched then
    closed_at = device.runtime.state.panel.touched_at - device.origin
    assert device.runtime.state.name == "seated"
    device.run_until(closed_at + 5 * MIN - 1)
    assert device.said[-1] == BRIGHT
    device.run_until(closed_at + 5 * MIN + 1)
    assert device.said[-1] == DIM


# -- A seat sensor near its threshold ------------------------------------------------------

def flicker_seat(device, until, contact, dropout, seed):
    """Seated until ``until`` on a sensor that drops out now and then: contact for a
    random ``contact`` (low, high) seconds, then no contact for a random ``dropout``."""
    rng = random.Random(seed)
    device.sit()
    while device.now < until:
        device.run_for(rng.uniform(*contact))
        device.stand()
        device.run_for(rng.uniform(*dropout))
        device.sit()
    device.run_until(until)


@pytest.mark.parametrize(("contact", "dropout"), [((3.0, 4.9), (0.05, 0.2)),
                                                  ((0.2, 1.5), (0.2, 1.5))],
                         ids=["short-dropouts", "chatter"])
def test_sitting_a_seat_that_drops_out_briefly_still_counts(make_device, memory_store,
                                                            contact, dropout):
    device = make_device()
    flicker_seat(device, 3600, contact, dropout, seed=28)
    state = device.runtime.state
    assert state.bout is not None and state.bout.start_at == device.origin
    assert state.bout.sitting_s(device.clock.monotonic()) == pytest.approx(device.now, abs=2)
    assert chimes(device)[0] == pytest.approx(45 * MIN, abs=2)
    [warning] = [e for e in memory_store.errors if e.source == "seat"]  # said once
    assert "drops out" in warning.message


def test_sitting_a_few_dropouts_while_sitting_down_give_no_warning(make_device, memory_store):
    device = make_device()
    device.sit()
    device.run_for(1)
    device.stand()  # settling in the chair: two brief losses of contact
    device.run_for(0.3)
    device.sit()
    device.run_for(2)
    device.stand()
    device.run_for(0.5)
    device.sit()
    device.run_for(3)  # 5 s since the first contact
    assert device.runtime.state.seat.occupied
    assert device.runtime.state.bout.start_at == device.origin
    device.run_until(60 * MIN)
    assert memory_store.errors == []


def test_sitting_a_dropout_longer_than_the_bridge_restarts_the_sit_confirmation(make_device):
    device = make_device()
    device.sit()
    device.run_for(3)
    device.stand()
    device.run_for(Config().seat.dropout_bridge_s + 0.5)
    device.sit()
    restarted = device.now
    device.run_for(4.9)
    assert not device.runtime.state.seat.occupied
    device.run_for(0.2)
    assert device.runtime.state.bout.start_at == device.origin + restarted


def test_sitting_quiet_hours_ending_in_the_skipped_spring_hour_end_when_the_clock_passes_it(
        make_device):
    """Quiet until 02:30, on the night Berlin's clocks jump from 02:00 to 03:00: seated
    from 23:00, the reminder chimes at 03:00 CEST (3 h on), not the next night."""
    config = replace(Config(), quiet=QuietConfig(start=time(20, 0), end=time(2, 30)))
    with local_zone("Europe/Berlin"):
        # a naive start: the fake wall clock follows the zone, as the real one does
        device = make_device(config, wall_start=datetime(2026, 3, 28, 23, 0))
        device.sit()
        device.run_until(4 * 3600)
    assert chimes(device)[0] == pytest.approx(3 * 3600, abs=1)
