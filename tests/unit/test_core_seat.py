from datetime import datetime

from unslump.core.seat import (
    CHATTER_DROPOUTS,
    CHATTER_WINDOW_S,
    Away,
    Bout,
    Left,
    Sat,
    SeatState,
    seat_due,
    seat_edge,
)

WALL = datetime(2026, 11, 24, 9, 0).astimezone()


def test_core_seat_contact_confirms_after_the_hold_time_dated_from_first_edge():
    state = seat_edge(SeatState(), True, 100.0)
    assert state.confirm_deadline(5, 20) == 105.0
    state, change = seat_due(state, 104.9, 5, 20)
    assert change is None
    state, change = seat_due(state, 105.0, 5, 20)
    assert change == Sat(100.0)
    assert state.occupied


def test_core_seat_flicker_shorter_than_confirmation_changes_nothing():
    state = SeatState(raw=True, raw_since=0.0, occupied=True)
    state = seat_edge(state, False, 50.0)
    state = seat_edge(state, True, 60.0)  # back after 10 s (< 20 s)
    assert state.confirm_deadline(5, 20) is None
    state, change = seat_due(state, 200.0, 5, 20)
    assert change is None and state.occupied


def test_core_seat_repeated_reading_keeps_the_first_edge_time():
    state = seat_edge(SeatState(), True, 10.0)
    assert seat_edge(state, True, 12.0).raw_since == 10.0


def test_core_seat_absence_confirmation_gives_left_at_first_edge():
    state = seat_edge(SeatState(raw=True, occupied=True), False, 300.0)
    state, change = seat_due(state, 320.0, 5, 20)
    assert change == Left(300.0)


def test_core_bout_counts_only_seated_stretches():
    bout = Bout(start_at=0.0, start_wall=WALL, seated_since=0.0)
    bout = bout.pause(600.0).resume(700.0)
    assert bout.sitting_s(1000.0) == 900.0
    assert bout.pause(1000.0).pause(1100.0).sitting_s(2000.0) == 900.0


def test_core_away_deadline_until_it_has_ended_the_bout():
    away = Away(since=100.0, since_wall=WALL)
    assert away.break_deadline(180.0) == 280.0
    assert Away(100.0, WALL, ended_bout=True).break_deadline(180.0) is None


def test_core_bout_leave_dated_before_a_later_pause_gives_the_seconds_back():
    """A routine paused the bout at 610 s; the leave it began with, confirmed later, is
    dated 600 s: those ten seconds were not sitting."""
    bout = Bout(start_at=0.0, start_wall=WALL, seated_since=0.0).pause(610.0)
    assert bout.pause(600.0).seated_s == 600.0
    assert bout.pause(620.0).seated_s == 610.0  # a later leave changes nothing


def test_core_bout_give_back_stops_at_the_stretch_s_start():
    bout = Bout(start_at=0.0, start_wall=WALL, seated_s=300.0, seated_since=400.0)
    paused = bout.pause(410.0)  # 310 s seated
    assert paused.pause(390.0).seated_s == 300.0  # only the stretch from 400 s is given back


def test_core_bout_the_same_leave_gives_its_seconds_back_once():
    bout = Bout(start_at=0.0, start_wall=WALL, seated_since=0.0).pause(610.0).pause(600.0)
    assert bout.pause(600.0).seated_s == 600.0
    assert bout.pause(595.0).seated_s == 595.0  # an even earlier edge: back to it


def test_core_bout_counts_nothing_at_the_instant_it_resumes():
    bout = Bout(start_at=10.0, start_wall=datetime(2026, 11, 24, 9, 0), seated_since=10.0)
    assert bout.sitting_s(10.0) == 0.0
    assert bout.sitting_s(10.5) == 0.5


def test_core_seat_a_short_dropout_keeps_the_contact_s_first_edge():
    state = seat_edge(SeatState(), True, 100.0, bridge_s=2.0)
    state = seat_edge(state, False, 103.0, bridge_s=2.0)
    state = seat_edge(state, True, 103.1, bridge_s=2.0)
    state, change = seat_due(state, 105.0, 5, 20)
    assert change == Sat(100.0) and state.occupied and state.contact_since is None


def test_core_seat_dropouts_come_too_often_only_in_a_burst():
    state, at = SeatState(raw=True, raw_since=0.0, occupied=True), 0.0
    for _ in range(CHATTER_DROPOUTS - 1):
        at += 10.0
        state = seat_edge(seat_edge(state, False, at, 2.0), True, at + 0.1, 2.0)
    assert not state.chattering
    quiet = seat_edge(seat_edge(state, False, at + CHATTER_WINDOW_S, 2.0), True,
                      at + CHATTER_WINDOW_S + 0.1, 2.0)
    assert not quiet.chattering  # a new window: the count starts over
    burst = seat_edge(seat_edge(state, False, at + 10.0, 2.0), True, at + 10.1, 2.0)
    assert burst.chattering
