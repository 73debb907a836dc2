"""The machine driven by plain events and a plain clock value: no adapters at all."""

import math
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from unslump.config.file import Config
from unslump.core.effects import LoadStats, Log, Play, Show
from unslump.core.events import (
    ButtonDown,
    ButtonUp,
    DeadlineReached,
    QuietSet,
    SeatOccupied,
    SeatVacated,
    SnoozeRequested,
    StatsLoaded,
    StretchRequested,
)
from unslump.core.machine import (
    CHATTER_WARNING,
    History,
    Now,
    initial_state,
    next_deadline,
    shutdown,
    step,
)
from unslump.core.modes import SNOOZED_SHOW_S
from unslump.core.practice import UNCURL_STEP_S, Practice
from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    DeviceRecord,
    EndedBy,
    ErrorRecord,
    NoticeAnswer,
    NoticeRecord,
    ReminderOutcome,
    ReminderRecord,
    Variant,
)
from unslump.core.reminder import ReminderPlan
from unslump.core.routine import DONE_ASK_S, DONE_SHOW_S
from unslump.core.seat import CHATTER_DROPOUTS, CHATTER_WINDOW_S
from unslump.core.tones import Tone
from unslump.core.views import (
    DoneView,
    IdleView,
    NoticeView,
    ReminderView,
    SnoozedView,
    StatsSafetyView,
)

WALL = datetime(2026, 11, 24, 9, 0).astimezone()
CONFIG = Config()


class Driver:
    """Feeds events with a monotonic time and its matching wall time."""

    def __init__(self, seat_occupied: bool = False, history: History | None = None):
        self.wall_shift = timedelta(0)  # a clock correction moves the wall time by this
        self.state, self.effects = initial_state(CONFIG, Now(0.0, WALL), seat_occupied,
                                                 history or History())

    def send(self, kind, at: float):
        wall = WALL + timedelta(seconds=at) + self.wall_shift
        self.state, effects = step(self.state, kind(at, wall), CONFIG)
        self.effects += effects
        return effects

    def run_to(self, until: float):
        while (due := next_deadline(self.state, CONFIG)) is not None and due <= until:
            self.send(DeadlineReached, due)

    def logged(self, kind):
        """The rows of ``kind`` the core closed (open rows and checkpoints left out); rows
        that are never open (notice answers, device and error rows) are all here."""
        return [e.record for e in self.effects if isinstance(e, Log)
                and isinstance(e.record, kind) and getattr(e.record, "ended_by", True)]

    def checkpoints(self, kind):
        """The versions of open rows of ``kind`` the core wrote, in order."""
        return [e.record for e in self.effects if isinstance(e, Log)
                and isinstance(e.record, kind) and e.record.ended_by is None]

    def views(self):
        return [e.view for e in self.effects if isinstance(e, Show)]


def test_core_machine_starts_showing_idle_and_reads_the_seat_level():
    driver = Driver(seat_occupied=True)
    assert driver.views() == [IdleView(False, 0, 45, 0)]
    driver.run_to(5.0)
    assert driver.state.name == "seated"
    assert driver.state.bout.start_at == 0.0


def test_core_machine_idle_minutes_change_once_a_minute():
    driver = Driver()
    driver.send(SeatOccupied, 10.0)
    driver.run_to(10 + 3 * 60 + 30)
    minutes = [v.bout_min for v in driver.views() if v.seated]
    assert minutes == [0, 1, 2, 3]


def test_core_machine_short_absence_pauses_the_bout_without_counting_it():
    driver = Driver()
    driver.send(SeatOccupied, 0.0)
    driver.run_to(600.0)
    driver.send(SeatVacated, 600.0)
    driver.run_to(700.0)
    driver.send(SeatOccupied, 700.0)  # back after 100 s, under the 3 min natural break
    driver.run_to(1000.0)
    assert driver.state.bout.sitting_s(1000.0) == 900.0
    assert driver.logged(BoutRecord) == []


def test_core_machine_long_absence_ends_bout_and_logs_natural_break_on_return():
    driver = Driver()
    driver.send(SeatOccupied, 0.0)
    driver.run_to(1200.0)
    driver.send(SeatVacated, 1200.0)
    driver.run_to(1200 + 180)
    [bout] = driver.logged(BoutRecord)
    assert bout.seated_s == 1200.0
    assert bout.end == WALL + timedelta(seconds=1200)
    assert driver.logged(BreakRecord) == []
    driver.send(SeatOccupied, 1800.0)
    driver.run_to(1805.0)
    [pause] = driver.logged(BreakRecord)
    assert pause.kind is BreakKind.NATURAL
    assert pause.duration_s == 600.0
    assert driver.state.bout.start_at == 1800.0
    assert driver.views()[-1].breaks_today == 1


def test_core_machine_button_press_and_hold_are_decided_from_timestamps():
    driver = Driver()
    driver.send(ButtonDown, 1.0)
    assert next_deadline(driver.state, CONFIG) == 3.0
    driver.send(ButtonUp, 1.2)
    assert next_deadline(driver.state, CONFIG) == 1.2 + CONFIG.button.debounce_s
    driver.run_to(1.3)
    assert driver.state.button.down_at is None


def test_core_machine_an_event_after_a_missed_wakeup_handles_the_deadline_first():
    driver = Driver()
    driver.send(SeatOccupied, 0.0)
    driver.send(SeatVacated, 50.0)  # the 5 s confirmation fell due before this edge
    assert driver.state.seat.occupied
    assert driver.state.bout.start_at == 0.0


def test_core_machine_deadline_always_moves_past_the_time_handled():
    driver = Driver()
    driver.send(SeatOccupied, 0.3)
    for _ in range(500):
        due = next_deadline(driver.state, CONFIG)
        driver.send(DeadlineReached, due)
        assert next_deadline(driver.state, CONFIG) > due


def panel_effects(effects):
    from unslump.core.effects import PanelPower

    return [(e.on, e.contrast) for e in effects if isinstance(e, PanelPower)]


def test_core_machine_initial_state_says_how_the_panel_is_lit():
    from unslump.core.panel import BRIGHT

    driver = Driver()
    assert panel_effects(driver.effects) == [(True, BRIGHT)]


def test_core_machine_panel_goes_dark_dims_and_wakes_as_effects():
    from unslump.core.panel import BRIGHT, DIM

    driver = Driver()  # an empty seat: dark after off_after_min
    dark_at = CONFIG.screen.off_after_min * 60
    driver.run_to(dark_at)
    assert not driver.state.panel.on
    assert panel_effects(driver.effects)[-1] == (False, BRIGHT)
    driver.send(SeatOccupied, dark_at + 10)
    driver.run_to(dark_at + 10 + CONFIG.seat.sit_confirm_s)
    assert panel_effects(driver.effects)[-1] == (True, BRIGHT)
    sat = dark_at + 10 + CONFIG.seat.sit_confirm_s
    driver.run_to(sat + CONFIG.screen.dim_after_min * 60)
    assert driver.state.panel.dimmed
    assert panel_effects(driver.effects)[-1] == (True, DIM)
    effects = driver.send(ButtonDown, sat + CONFIG.screen.dim_after_min * 60 + 1)
    assert panel_effects(effects) == [(True, BRIGHT)]
    # each change is said once, not at every later step
    assert panel_effects(driver.send(ButtonUp, sat + CONFIG.screen.dim_after_min * 60 + 1.1)) \
        == []


# -- the modes, one behaviour each -----------------------------------------------------------

REMIND_AT = CONFIG.reminder.remind_after_min * 60


def seated_driver(notice=NoticeAnswer.UNDERSTOOD) -> Driver:
    driver = Driver(history=History(notice=notice))
    driver.send(SeatOccupied, 0.0)
    return driver


def press(driver: Driver, at: float) -> None:
    driver.send(ButtonDown, at)
    driver.send(ButtonUp, at + 0.1)
    driver.run_to(at + 0.2)


def hold(driver: Driver, at: float) -> None:
    driver.send(ButtonDown, at)
    driver.run_to(at + CONFIG.button.hold_s + 0.01)
    driver.send(ButtonUp, at + CONFIG.button.hold_s + 0.1)
    driver.run_to(at + CONFIG.button.hold_s + 0.2)


def finish_stretch(driver: Driver, at: float) -> float:
    """Press at ``at`` and run the whole stretch; returns when it ended."""
    press(driver, at)
    ended = driver.state.mode.routine.origin + driver.state.mode.routine.plan.total
    driver.run_to(ended)
    return ended


def test_core_modes_standing_up_just_before_the_chime_answers_it_at_once():
    """The leave is dated from its first edge, two seconds before the chime: the reminder
    was answered in no time, never in negative time."""
    driver = seated_driver()
    driver.run_to(REMIND_AT - 2.0)
    driver.send(SeatVacated, REMIND_AT - 2.0)
    driver.run_to(REMIND_AT)
    assert driver.state.name == "reminder"
    driver.run_to(REMIND_AT - 2.0 + CONFIG.seat.stand_confirm_s)
    [answered] = driver.logged(ReminderRecord)
    assert (answered.outcome, answered.response_s) == (ReminderOutcome.STOOD_UP, 0.0)


def test_core_modes_the_reminder_chimes_again_at_each_repeat_then_stays_on_screen_silent():
    driver = seated_driver()
    driver.run_to(REMIND_AT)
    assert driver.state.name == "reminder"
    assert driver.views()[-1] == ReminderView(round(REMIND_AT / 60), CONFIG.reminder.max_snoozes)
    repeat_s, repeats = CONFIG.reminder.repeat_every_min * 60, CONFIG.reminder.max_repeats
    driver.run_to(REMIND_AT + repeat_s - 0.1)
    assert [row.chimes for row in driver.checkpoints(ReminderRecord)] == [1]
    driver.run_to(REMIND_AT + (repeats + 2) * repeat_s)
    assert [row.chimes for row in driver.checkpoints(ReminderRecord)] == list(range(1, repeats + 2))
    assert driver.effects.count(Play(Tone.REMINDER)) == repeats + 1
    assert driver.state.name == "reminder"


def test_core_modes_a_press_at_the_reminder_answers_it_with_the_stretch_in_its_own_time():
    driver = seated_driver()
    driver.run_to(REMIND_AT)
    press(driver, REMIND_AT + 30.0)
    assert driver.state.name == "routine"
    [answered] = driver.logged(ReminderRecord)
    assert (answered.outcome, answered.at, answered.chimes) == (
        ReminderOutcome.ROUTINE, at_wall(REMIND_AT), 1)
    assert answered.response_s == pytest.approx(driver.state.mode.routine.origin - REMIND_AT)


def test_core_modes_a_hold_at_the_reminder_snoozes_it_until_the_snoozes_are_used_up():
    driver = seated_driver()
    snooze_s, max_snoozes = CONFIG.reminder.snooze_min * 60, CONFIG.reminder.max_snoozes
    due = REMIND_AT
    for snoozed in range(1, max_snoozes + 1):
        driver.run_to(due)
        assert driver.state.name == "reminder"
        before = len(driver.effects)
        hold(driver, due + 30.0)
        assert Play(Tone.ACK) in driver.effects[before:]
        assert driver.logged(ReminderRecord)[-1].outcome is ReminderOutcome.SNOOZED
        assert driver.views()[-1] == SnoozedView(round(snooze_s / 60), max_snoozes - snoozed)
        assert driver.state.plan.snoozes == snoozed
        decided = driver.state.plan.not_before - snooze_s
        assert due + 30.0 < decided < due + 30.0 + CONFIG.button.hold_s + 0.2
        driver.run_to(decided + SNOOZED_SHOW_S - 0.1)
        assert driver.state.name == "snoozed"
        driver.run_to(decided + SNOOZED_SHOW_S + 0.1)
        assert driver.state.name == "seated"
        due = decided + snooze_s
    driver.run_to(due)
    before = len(driver.effects)
    hold(driver, due + 30.0)  # none left: the reminder stays and says so
    assert Play(Tone.ACK) not in driver.effects[before:]
    assert driver.state.name == "reminder"
    assert driver.views()[-1].snooze_refused
    assert len(driver.logged(ReminderRecord)) == max_snoozes


def test_core_modes_the_first_press_asks_the_notice_and_a_press_answers_understood():
    driver = seated_driver(notice=None)
    before = len(driver.effects)
    press(driver, 60.0)
    assert driver.state.name == "notice"
    assert Play(Tone.PHASE) in driver.effects[before:]
    assert driver.views()[-1] == NoticeView(seconds_left=round(CONFIG.routine.notice_s))
    press(driver, 65.0)
    [answer] = driver.logged(NoticeRecord)
    answered_at = driver.state.panel.touched_at
    assert (answer.answer, answer.at) == (NoticeAnswer.UNDERSTOOD, at_wall(answered_at))
    assert driver.state.notice is NoticeAnswer.UNDERSTOOD
    assert (driver.state.name, driver.state.mode.routine.plan.kind) == ("routine", BreakKind.GUIDED)


def test_core_modes_a_hold_at_the_notice_declines_it_and_starts_the_standing_break():
    driver = seated_driver(notice=None)
    press(driver, 60.0)
    hold(driver, 65.0)
    assert [row.answer for row in driver.logged(NoticeRecord)] == [NoticeAnswer.DECLINED]
    assert driver.state.notice is NoticeAnswer.DECLINED
    assert (driver.state.name, driver.state.mode.routine.plan.kind) == ("routine", BreakKind.WALK)


def test_core_modes_an_unanswered_notice_goes_back_to_idle_and_asks_again_next_time():
    driver = seated_driver(notice=None)
    press(driver, 60.0)
    asked_at = driver.state.panel.touched_at
    driver.run_to(asked_at + CONFIG.routine.notice_s - 0.1)
    assert driver.state.name == "notice"
    driver.run_to(asked_at + CONFIG.routine.notice_s + 0.1)
    assert (driver.state.name, driver.state.notice) == ("seated", None)
    assert driver.logged(NoticeRecord) == []


def test_core_modes_a_notice_asked_from_the_reminder_answers_it_from_the_press_that_asked():
    driver = seated_driver(notice=None)
    driver.run_to(REMIND_AT)
    press(driver, REMIND_AT + 20.0)
    asked_at = driver.state.mode.asked_at
    assert (driver.state.name, driver.state.mode.reminder.since) == ("notice", REMIND_AT)
    press(driver, REMIND_AT + 30.0)
    [answered] = driver.logged(ReminderRecord)
    assert (answered.outcome, answered.at) == (ReminderOutcome.ROUTINE, at_wall(REMIND_AT))
    assert answered.response_s == pytest.approx(asked_at - REMIND_AT)
    assert driver.state.name == "routine"


def test_core_modes_a_notice_left_unanswered_goes_back_to_the_reminder_as_it_was():
    driver = seated_driver(notice=None)
    driver.run_to(REMIND_AT)
    reminder = driver.state.mode
    press(driver, REMIND_AT + 20.0)
    asked_at = driver.state.mode.asked_at
    driver.run_to(asked_at + CONFIG.routine.notice_s + 0.1)
    assert driver.state.mode == reminder
    assert driver.state.panel.touched_at == pytest.approx(asked_at + CONFIG.routine.notice_s)
    assert driver.logged(ReminderRecord) == []


def test_core_modes_standing_up_at_a_notice_over_the_reminder_answers_it_and_the_notice_stays():
    driver = seated_driver(notice=None)
    driver.run_to(REMIND_AT)
    press(driver, REMIND_AT + 20.0)
    driver.send(SeatVacated, REMIND_AT + 22.0)
    driver.run_to(REMIND_AT + 22.0 + CONFIG.seat.stand_confirm_s + 0.1)
    [answered] = driver.logged(ReminderRecord)
    assert (answered.outcome, answered.response_s) == (ReminderOutcome.STOOD_UP, 22.0)
    assert (driver.state.name, driver.state.mode.reminder) == ("notice", None)


def test_core_modes_stopping_during_a_reminder_closes_it_as_cut_short_by_the_stop():
    driver = seated_driver()
    driver.run_to(REMIND_AT + 30.0)
    rows = [e.record for e in shutdown(driver.state, Now(REMIND_AT + 30.0, WALL))]
    [reminder] = [row for row in rows if isinstance(row, ReminderRecord)]
    assert (reminder.outcome, reminder.ended_by) == (ReminderOutcome.CUT_SHORT, EndedBy.STOP)


def test_core_modes_a_clock_correction_during_a_reminder_redates_its_row():
    driver = seated_driver()
    driver.run_to(REMIND_AT + 30.0)
    hour = driver.wall_shift = timedelta(hours=1)
    effects = driver.send(DeadlineReached, REMIND_AT + 40.0)
    [rewritten] = [e.record for e in effects if isinstance(e, Log)
                   and isinstance(e.record, ReminderRecord)]
    assert rewritten.at == WALL + timedelta(seconds=REMIND_AT) + hour


def test_core_modes_a_remote_stretch_on_a_dark_panel_lights_it_for_the_notice():
    driver = Driver()  # nobody there, the notice never answered
    dark_at = CONFIG.screen.off_after_min * 60
    driver.run_to(dark_at + 1.0)
    assert not driver.state.panel.on
    driver.send(StretchRequested, dark_at + 5.0)
    assert driver.state.name == "notice"
    assert driver.state.panel.on
    assert isinstance(driver.views()[-1], NoticeView)


def test_core_modes_the_stretch_writes_its_row_at_phase_changes_not_every_frame():
    driver = seated_driver()
    driver.run_to(60.0)
    press(driver, 60.0)
    plan = driver.state.mode.routine.plan
    driver.run_to(60.0 + plan.total)
    minutes = math.ceil(plan.total / 60)
    assert len(plan.stages) <= len(driver.checkpoints(BreakRecord)) \
        <= len(plan.stages) + minutes + 1


def test_core_modes_a_completed_stretch_shows_done_and_a_hold_there_opens_the_stats():
    driver = seated_driver()
    ended = finish_stretch(driver, 60.0)
    assert driver.state.name == "done"
    hold(driver, ended + 1.0)
    assert driver.state.name == "stats"
    assert LoadStats() in driver.effects


def test_core_modes_a_press_on_the_snooze_confirmation_starts_the_stretch():
    driver = seated_driver()
    driver.run_to(REMIND_AT + 1.0)
    hold(driver, REMIND_AT + 1.0)
    assert driver.state.name == "snoozed"
    press(driver, REMIND_AT + 4.0)
    assert driver.state.name == "routine"


def test_core_modes_sitting_down_and_leaving_again_during_a_standing_stretch_starts_no_bout():
    driver = Driver(history=History(notice=NoticeAnswer.UNDERSTOOD))  # nobody seated
    press(driver, 10.0)
    assert driver.state.mode.routine.variant is Variant.STANDING
    driver.send(SeatOccupied, 20.0)
    driver.run_to(20.0 + CONFIG.seat.sit_confirm_s)
    driver.send(SeatVacated, 40.0)
    driver.run_to(40.0 + CONFIG.seat.stand_confirm_s)
    assert driver.state.name == "routine"
    assert driver.state.bout is None
    assert driver.logged(BoutRecord) == []


def test_core_modes_a_press_before_the_stats_arrive_stays_on_the_first_page():
    driver = seated_driver()
    hold(driver, 30.0)
    assert driver.state.name == "stats"
    press(driver, 33.0)  # the log has not answered yet
    pages = (IdleView(True, 0, 45, 0), IdleView(True, 1, 45, 0), IdleView(True, 2, 45, 0))
    driver.send(lambda at, wall: StatsLoaded(at, wall, pages), 34.0)
    assert driver.views()[-1] == pages[0]


def open_stats_on_safety_page(driver: Driver, at: float) -> None:
    """Hold at ``at`` to open the stats, the log answers with two pages, the last the
    safety notice's; a press turns to it."""
    hold(driver, at)
    pages = (IdleView(True, 0, 45, 0), StatsSafetyView("understood"))
    driver.send(lambda at, wall: StatsLoaded(at, wall, pages), at + 3.0)
    press(driver, at + 4.0)
    assert (driver.state.name, driver.views()[-1]) == ("stats", pages[1])


def test_core_modes_a_hold_on_the_safety_page_asks_the_notice_again_before_the_next_break():
    driver = seated_driver()
    open_stats_on_safety_page(driver, 30.0)
    before = len(driver.effects)
    hold(driver, 40.0)
    assert Play(Tone.ACK) in driver.effects[before:]
    [reset] = driver.logged(NoticeRecord)
    assert reset.answer is NoticeAnswer.RESET
    assert (driver.state.name, driver.state.notice) == ("seated", None)
    press(driver, 50.0)
    assert driver.state.name == "notice"


def test_core_modes_a_hold_on_any_other_stats_page_closes_them_and_keeps_the_notice():
    driver = seated_driver()
    open_stats_on_safety_page(driver, 30.0)
    press(driver, 40.0)  # back round to the first page
    hold(driver, 45.0)
    assert (driver.state.name, driver.state.notice, driver.logged(NoticeRecord)) == (
        "seated", NoticeAnswer.UNDERSTOOD, [])


def test_core_machine_real_leaves_and_returns_are_never_counted_as_chatter():
    """Up and back again and again, each time for longer than the bridge: a restless
    afternoon, not a faulty sensor."""
    driver = seated_from_boot()
    away_s = CONFIG.seat.dropout_bridge_s + 1.0
    for n in range(2 * CHATTER_DROPOUTS):
        at = 10.0 + n * 10.0
        driver.send(SeatVacated, at)
        driver.send(SeatOccupied, at + away_s)
    assert (driver.state.seat.dropouts, driver.state.seat.chattering) == (0, False)
    assert driver.logged(ErrorRecord) == []


def test_core_machine_a_device_booted_long_after_power_on_starts_bright():
    """Monotonic time at boot is the uptime, not zero: the panel counts from boot."""
    boot = 10_000.0
    state, _ = initial_state(CONFIG, Now(boot, WALL), False, History())
    due = next_deadline(state, CONFIG)
    state, _ = step(state, DeadlineReached(due, WALL + timedelta(seconds=due - boot)), CONFIG)
    assert due == boot + CONFIG.screen.off_after_min * 60  # dark first, never dimmed at boot
    assert not state.panel.dimmed


def test_core_machine_quiet_switched_on_as_a_reminder_falls_due_silences_its_chime():
    """The chime fell due just before the command came in: the same step must not sound."""
    driver = seated_driver()
    driver.run_to(REMIND_AT - 1.0)
    effects = driver.send(lambda at, wall: QuietSet(at, wall, on=True), REMIND_AT + 0.5)
    assert not [e for e in effects if isinstance(e, Play)]
    assert [e for e in effects if isinstance(e, Log) and isinstance(e.record, ReminderRecord)]


def test_core_machine_sitting_confirmed_after_a_stretch_counts_from_its_end():
    """The seat's edge came 3 s before a standing stretch ended, confirmed after it: those
    seconds were the stretch, not sitting."""
    driver = Driver(history=History(notice=NoticeAnswer.UNDERSTOOD))
    ended = finish_stretch(driver, 10.0)
    driver.run_to(ended - 3.0)
    driver.send(SeatOccupied, ended - 3.0)
    driver.run_to(ended + 10.0)
    assert driver.state.bout.sitting_s(ended + 10.0) == pytest.approx(10.0)


def test_core_machine_sitting_down_just_before_a_press_counts_the_seconds_before_it():
    driver = Driver(history=History(notice=NoticeAnswer.UNDERSTOOD))
    driver.send(SeatOccupied, 100.0)
    press(driver, 102.0)  # the seat confirms 3 s into the stretch
    driver.run_to(110.0)
    assert driver.state.name == "routine"
    began = driver.state.mode.routine.started_at  # the press, decided at its release
    assert driver.state.bout.sitting_s(110.0) == pytest.approx(began - 100.0)


def test_core_machine_a_clock_correction_during_an_absence_redates_the_natural_break():
    driver = seated_driver()
    driver.run_to(600.0)
    driver.send(SeatVacated, 600.0)
    driver.run_to(600.0 + 300.0)  # a natural break by now
    hour = driver.wall_shift = timedelta(hours=1)
    driver.send(DeadlineReached, 1000.0)
    driver.send(SeatOccupied, 1100.0)
    driver.run_to(1100.0 + CONFIG.seat.sit_confirm_s)
    [pause] = [e.record for e in driver.effects if isinstance(e, Log)
               and isinstance(e.record, BreakRecord) and e.record.ended_by is EndedBy.ENDED]
    assert pause.start == WALL + timedelta(seconds=600.0) + hour


def test_core_machine_with_nothing_open_and_the_panel_dark_the_device_sleeps():
    """A standing stretch with nobody seated leaves no row open: no minute checkpoints."""
    driver = Driver(history=History(notice=NoticeAnswer.UNDERSTOOD))
    ended = finish_stretch(driver, 10.0)
    driver.run_to(ended + DONE_ASK_S + CONFIG.screen.off_after_min * 60 + 10.0)
    assert not driver.state.panel.on
    assert next_deadline(driver.state, CONFIG) is None


def test_core_machine_breaks_today_start_again_from_zero_the_next_day():
    driver = Driver(history=History(breaks_today=2))
    day = 24 * 3600.0
    driver.run_to(day + 3600.0)
    driver.send(SeatOccupied, day + 3600.0)
    driver.run_to(day + 3600.0 + CONFIG.seat.sit_confirm_s)
    assert driver.views()[-1].breaks_today == 0


def stop_stretch(driver: Driver, at: float) -> float:
    """Press at ``at``, hold 30 s in: the stretch stops; returns when the hold decided."""
    press(driver, at)
    hold(driver, at + 30.0)
    return at + 30.0 + CONFIG.button.hold_s


def test_core_modes_a_completed_stretch_logs_its_row_closed_and_today_practised():
    driver = seated_driver()
    finish_stretch(driver, 60.0)
    [guided] = [row for row in driver.logged(BreakRecord) if row.kind is BreakKind.GUIDED]
    assert (guided.completed, guided.ended_by) == (True, EndedBy.ENDED)
    assert driver.state.practice.last_day == WALL.date()


def at_wall(seconds: float) -> datetime:
    """The wall time the driver gives ``seconds`` of monotonic time."""
    return WALL + timedelta(seconds=seconds)


def done_views(driver: Driver) -> list[DoneView]:
    return [view for view in driver.views() if isinstance(view, DoneView)]


def test_core_modes_a_completed_stretch_ends_the_bout_where_it_began_and_counts_one_break():
    """The bout's row closes at the stretch's start, the stretch's row spans the routine,
    the day counts one break, and the seated person has a new bout from the stretch's end."""
    driver = seated_driver()
    press(driver, 60.0)
    routine = driver.state.mode.routine
    began, ended = routine.origin, routine.origin + routine.plan.total
    driver.run_to(ended)
    [bout] = driver.logged(BoutRecord)
    assert (bout.start, bout.end, bout.seated_s, bout.ended_by) == (
        WALL, at_wall(began), pytest.approx(began), EndedBy.ENDED)
    [guided] = driver.logged(BreakRecord)
    assert (guided.start, guided.end, guided.duration_s, guided.repetitions) == (
        at_wall(began), at_wall(ended), routine.plan.total, routine.plan.reps)
    assert (driver.state.tally.breaks, driver.state.away) == (1, None)
    new = driver.state.bout
    assert (new.start_at, new.start_wall, new.seated_since, new.seated_s) == (
        ended, at_wall(ended), ended, 0.0)
    assert new.key not in ("", bout.key, guided.key)
    opened = driver.checkpoints(BoutRecord)[-1]
    assert (opened.key, opened.start, opened.end) == (new.key, at_wall(ended), at_wall(ended))
    assert driver.state.plan == ReminderPlan.fresh(CONFIG.reminder)


def test_core_modes_the_done_screen_says_how_far_the_stretch_got_and_asks_only_after_one():
    completed = seated_driver()
    press(completed, 60.0)
    routine = completed.state.mode.routine
    reps = routine.plan.reps
    completed.run_to(routine.origin + routine.plan.total)
    assert done_views(completed) == [DoneView(reps, True, reps, walk=False, asking=True)]
    assert completed.state.mode.asking is not None
    stopped = seated_driver()
    stop_stretch(stopped, 60.0)
    assert done_views(stopped) == [DoneView(0, False, reps, walk=False, asking=False)]
    walked = seated_driver(notice=NoticeAnswer.DECLINED)
    finish_stretch(walked, 60.0)
    [walk] = done_views(walked)
    assert (walk.completed, walk.walk, walk.asking) == (True, True, False)
    assert walk.repetitions == walk.reps > 0


def answer_smooth(driver: Driver, at: float) -> list:
    """Press at ``at`` to answer "uncurl smooth?" yes; returns the effects since."""
    before = len(driver.effects)
    press(driver, at)
    return driver.effects[before:]


def test_core_modes_yes_to_smooth_marks_the_row_raises_the_level_and_says_what_grew():
    yesterday = WALL.date() - timedelta(days=1)
    practice = Practice(1, yesterday, yesterday)
    driver = Driver(history=History(notice=NoticeAnswer.UNDERSTOOD, practice=practice))
    driver.send(SeatOccupied, 0.0)
    ended = finish_stretch(driver, 60.0)
    [asked] = done_views(driver)
    [guided] = driver.logged(BreakRecord)
    effects = answer_smooth(driver, ended + 2.0)
    [answered] = [row for row in driver.logged(BreakRecord) if row.smooth is not None]
    assert answered == replace(guided, smooth=True)
    assert Play(Tone.ACK) in effects
    assert driver.state.practice == Practice(2, WALL.date(), WALL.date())
    answered_at = driver.state.panel.touched_at  # the press, once the button settled
    assert ended + 2.0 < answered_at <= ended + 2.2
    assert done_views(driver)[-1] == replace(asked, asking=False, longer_uncurl_s=UNCURL_STEP_S)
    assert (driver.state.name, driver.state.mode.asking) == ("done", None)
    driver.run_to(answered_at + DONE_SHOW_S - 0.1)
    assert driver.state.name == "done"
    driver.run_to(answered_at + DONE_SHOW_S + 0.1)
    assert driver.state.name == "seated"


def test_core_modes_yes_to_smooth_on_a_day_already_raised_goes_straight_back():
    raised = Practice(2, WALL.date(), WALL.date())
    driver = Driver(history=History(notice=NoticeAnswer.UNDERSTOOD, practice=raised))
    driver.send(SeatOccupied, 0.0)
    ended = finish_stretch(driver, 60.0)
    answer_smooth(driver, ended + 2.0)
    assert driver.state.practice == raised
    assert driver.state.name == "seated"
    [answered] = [row for row in driver.logged(BreakRecord) if row.smooth is not None]
    assert answered.smooth is True


def pause_stretch(driver: Driver, at: float) -> tuple[float, float]:
    """Press at ``at`` to start the stretch and again 30 s in to pause it; returns when
    it began and when it paused."""
    press(driver, at)
    began = driver.state.mode.routine.origin
    press(driver, at + 30.0)
    paused_at = driver.state.mode.routine.paused_at
    assert (driver.state.name, paused_at) == ("paused", pytest.approx(began + 30.0))
    return began, paused_at


def test_core_modes_standing_up_from_a_paused_stretch_ends_it_at_the_pause():
    """The stretch's row stops at the pause; the minute seated in the pause was sitting,
    counted until the person stood up, and the device is away, not paused."""
    driver = seated_driver()
    began, paused_at = pause_stretch(driver, 60.0)
    left_at = paused_at + 60.0
    driver.send(SeatVacated, left_at)
    driver.run_to(left_at + CONFIG.seat.stand_confirm_s + 0.1)
    [stretch] = driver.logged(BreakRecord)
    assert (stretch.completed, stretch.start, stretch.end, stretch.ended_by) == (
        False, at_wall(began), at_wall(paused_at), EndedBy.ENDED)
    assert driver.state.name == "away"
    bout = driver.state.bout
    assert (bout.key, bout.seated_since, bout.paused_at) == ("0-0", None, left_at)
    assert bout.seated_s == pytest.approx(began + (left_at - paused_at))
    checkpoint = driver.checkpoints(BoutRecord)[-1]
    assert (checkpoint.key, checkpoint.end) == ("0-0", at_wall(left_at))
    assert checkpoint.seated_s == pytest.approx(bout.seated_s)


def test_core_modes_a_pause_left_for_its_whole_limit_ends_the_stretch_and_sitting_counts():
    driver = seated_driver()
    began, paused_at = pause_stretch(driver, 60.0)
    limit_s = CONFIG.routine.pause_limit_min * 60.0
    driver.run_to(paused_at + limit_s - 1.0)
    assert driver.state.name == "paused"
    driver.run_to(paused_at + limit_s + 1.0)
    [stretch] = driver.logged(BreakRecord)
    assert (stretch.completed, stretch.start, stretch.end) == (
        False, at_wall(began), at_wall(paused_at))
    assert driver.state.name == "seated"
    assert not any(isinstance(view, DoneView) for view in driver.views())  # nobody to show it
    bout = driver.state.bout
    assert (bout.key, bout.seated_since) == ("0-0", paused_at)
    assert driver.state.tally.breaks == 0


def test_core_modes_a_stopped_stretch_lets_the_same_bout_count_on_from_the_stop():
    driver = seated_driver()
    stopped = stop_stretch(driver, 60.0)
    bout = driver.state.bout
    assert (bout.key, bout.start_at, bout.seated_since) == ("0-0", 0.0, stopped)
    assert bout.sitting_s(stopped + 10.0) == pytest.approx(60.13 + 10.0)
    assert driver.state.tally.breaks == 0
    assert driver.logged(BoutRecord) == []


def test_core_modes_a_stretch_begun_during_a_counted_absence_closes_that_break_at_its_start():
    """Away long enough to end the bout, then a stretch: the natural break ends where the
    stretch began, and the day counts both."""
    driver = seated_driver()
    driver.run_to(600.0)
    driver.send(SeatVacated, 600.0)
    counted = 600.0 + CONFIG.seat.natural_break_min * 60.0
    driver.run_to(counted + 10.0)
    assert driver.state.away.ended_bout
    press(driver, counted + 20.0)  # the first press lights the dark panel
    press(driver, counted + 25.0)
    began = driver.state.mode.routine.origin
    driver.run_to(began + driver.state.mode.routine.plan.total)
    [natural] = [row for row in driver.logged(BreakRecord) if row.kind is BreakKind.NATURAL]
    assert (natural.start, natural.end, natural.ended_by) == (
        at_wall(600.0), at_wall(began), EndedBy.ENDED)
    assert (driver.state.tally.breaks, driver.state.away, driver.state.bout) == (2, None, None)


def test_core_modes_a_stopped_stretch_is_not_practice_and_asks_nothing():
    driver = seated_driver()
    stopped = stop_stretch(driver, 60.0)
    assert driver.state.name == "done"
    assert driver.state.practice == Practice()
    assert driver.state.mode.asking is None
    driver.run_to(stopped + DONE_SHOW_S + 0.1)  # the short result screen, no question
    assert driver.state.name == "seated"


def test_core_modes_the_uncurl_question_waits_its_own_longer_time():
    driver = seated_driver()
    ended = finish_stretch(driver, 60.0)
    driver.run_to(ended + DONE_SHOW_S + 0.1)
    assert driver.state.name == "done"
    driver.run_to(ended + DONE_ASK_S + 0.1)
    assert driver.state.name == "seated"


def test_core_modes_a_press_on_a_stopped_stretch_s_result_starts_another():
    driver = seated_driver()
    stopped = stop_stretch(driver, 60.0)
    press(driver, stopped + 1.0)
    assert driver.state.name == "routine"


def test_core_modes_leaving_during_a_completed_stretch_ends_the_bout_for_good():
    driver = seated_driver()
    driver.run_to(600.0)
    press(driver, 600.0)
    driver.send(SeatVacated, 610.0)
    ended = driver.state.mode.routine.origin + driver.state.mode.routine.plan.total
    driver.run_to(ended + DONE_ASK_S + 1.0)
    assert driver.state.bout is None
    driver.send(SeatOccupied, ended + 600.0)
    driver.run_to(ended + 600.0 + CONFIG.seat.sit_confirm_s)
    assert driver.state.bout.start_at == ended + 600.0


def test_core_modes_after_a_completed_stretch_the_new_bout_has_every_snooze_again():
    driver = seated_driver()
    driver.run_to(REMIND_AT + 1.0)
    hold(driver, REMIND_AT + 1.0)  # snoozed once
    assert driver.state.plan.snoozes == 1
    finish_stretch(driver, REMIND_AT + 60.0)
    assert driver.state.bout is not None  # still seated: a new bout
    assert driver.state.plan == ReminderPlan.fresh(CONFIG.reminder)


def quiet(on: bool):
    return lambda at, wall: QuietSet(at, wall, on=on)


def test_core_machine_quiet_switched_from_afar_is_logged_once_per_change():
    driver = seated_driver()
    driver.send(quiet(True), 10.0)
    driver.send(quiet(True), 20.0)  # already on: nothing new
    driver.send(quiet(False), 30.0)
    assert driver.logged(DeviceRecord) == [DeviceRecord(at_wall(10.0), "quiet", "on"),
                                          DeviceRecord(at_wall(30.0), "quiet", "off")]
    assert driver.state.quiet_switch is False


def test_core_machine_a_snooze_asked_from_afar_snoozes_the_reminder_as_a_hold_does():
    driver = seated_driver()
    driver.run_to(REMIND_AT)
    effects = driver.send(SnoozeRequested, REMIND_AT + 30.0)
    assert Play(Tone.ACK) in effects
    [snoozed] = driver.logged(ReminderRecord)
    assert snoozed.outcome is ReminderOutcome.SNOOZED
    assert driver.state.plan.snoozes == 1
    assert driver.views()[-1] == SnoozedView(round(CONFIG.reminder.snooze_min),
                                             CONFIG.reminder.max_snoozes - 1)


def drop_out(driver: Driver, at: float) -> None:
    """The seat loses contact for half a second: a dropout, not a leave."""
    driver.send(SeatVacated, at)
    driver.send(SeatOccupied, at + 0.5)


def seated_from_boot() -> Driver:
    """Seated as the device starts: the level read at start, no edge (an edge within the
    bridge time of the start would count as a dropout)."""
    return Driver(seat_occupied=True, history=History(notice=NoticeAnswer.UNDERSTOOD))


def test_core_machine_a_seat_dropping_out_again_and_again_is_reported_once_as_chattering():
    driver = seated_from_boot()
    for n in range(CHATTER_DROPOUTS - 1):
        drop_out(driver, 10.0 + n * 20.0)
    assert (driver.logged(ErrorRecord), driver.state.seat.chattering) == ([], False)
    last = 10.0 + (CHATTER_DROPOUTS - 1) * 20.0
    drop_out(driver, last)
    assert driver.logged(ErrorRecord) == [ErrorRecord(at_wall(last + 0.5), "seat", CHATTER_WARNING)]
    drop_out(driver, last + 20.0)
    assert len(driver.logged(ErrorRecord)) == 1
    driver.run_to(last + 60.0)
    assert (driver.state.bout.key, driver.state.bout.sitting_s(last + 60.0)) == (
        "0-0", pytest.approx(last + 60.0))  # sitting counts across the dropouts


def test_core_machine_dropouts_sparser_than_the_window_never_count_as_chattering():
    driver = seated_from_boot()
    spacing = CHATTER_WINDOW_S / (CHATTER_DROPOUTS - 1) + 1.0  # at most 19 in any window
    for n in range(3 * CHATTER_DROPOUTS):
        drop_out(driver, 10.0 + n * spacing)
    assert (driver.logged(ErrorRecord), driver.state.seat.chattering) == ([], False)
