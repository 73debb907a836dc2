"""The machine driven by plain events and a plain clock value: no adapters at all."""

import math
from datetime import datetime, timedelta

from device.config import Config
from device.core.effects import LoadStats, Log, Show
from device.core.events import (
    ButtonDown,
    ButtonUp,
    DeadlineReached,
    SeatOccupied,
    SeatVacated,
    StatsLoaded,
    StretchRequested,
)
from device.core.machine import History, Now, initial_state, next_deadline, shutdown, step
from device.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    EndedBy,
    NoticeAnswer,
    ReminderOutcome,
    ReminderRecord,
    Variant,
)
from device.core.views import IdleView, NoticeView

WALL = datetime(2026, 11, 24, 9, 0).astimezone()
CONFIG = Config()


class Driver:
    """Feeds events with a monotonic time and its matching wall time."""

    def __init__(self, seat_occupied: bool = False, history: History | None = None):
        self.state, self.effects = initial_state(CONFIG, Now(0.0, WALL), seat_occupied,
                                                 history or History())

    def send(self, kind, at: float):
        self.state, effects = step(self.state, kind(at, WALL + timedelta(seconds=at)), CONFIG)
        self.effects += effects
        return effects

    def run_to(self, until: float):
        while (due := next_deadline(self.state, CONFIG)) is not None and due <= until:
            self.send(DeadlineReached, due)

    def logged(self, kind):
        """The rows of ``kind`` the core closed (open rows and checkpoints left out)."""
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
    from device.core.effects import PanelPower

    return [(e.on, e.contrast) for e in effects if isinstance(e, PanelPower)]


def test_core_machine_initial_state_says_how_the_panel_is_lit():
    from device.core.panel import BRIGHT

    driver = Driver()
    assert panel_effects(driver.effects) == [(True, BRIGHT)]


def test_core_machine_panel_goes_dark_dims_and_wakes_as_effects():
    from device.core.panel import BRIGHT, DIM

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


def test_core_modes_stopping_during_a_reminder_closes_it_as_cut_short_by_the_stop():
    driver = seated_driver()
    driver.run_to(REMIND_AT + 30.0)
    rows = [e.record for e in shutdown(driver.state, Now(REMIND_AT + 30.0, WALL))]
    [reminder] = [row for row in rows if isinstance(row, ReminderRecord)]
    assert (reminder.outcome, reminder.ended_by) == (ReminderOutcome.CUT_SHORT, EndedBy.STOP)


def test_core_modes_a_clock_correction_during_a_reminder_redates_its_row():
    driver = seated_driver()
    driver.run_to(REMIND_AT + 30.0)
    hour = timedelta(hours=1)
    at = REMIND_AT + 40.0
    driver.state, effects = step(driver.state, DeadlineReached(at, WALL + timedelta(
        seconds=at) + hour), CONFIG)
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
