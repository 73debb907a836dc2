from device.core.button import ButtonState, Hold, Press, button_down, button_due, button_up


def test_core_button_short_press_is_decided_at_release():
    state = button_down(ButtonState(), 10.0)
    state, gesture = button_up(state, 10.4)
    assert gesture == Press(10.4)
    assert state == ButtonState()


def test_core_button_hold_is_decided_at_the_deadline_while_still_down():
    state = button_down(ButtonState(), 10.0)
    assert state.hold_deadline(2.0) == 12.0
    state, early = button_due(state, 11.9, 2.0)
    assert early is None
    state, gesture = button_due(state, 12.0, 2.0)
    assert gesture == Hold(12.0)
    assert state.hold_deadline(2.0) == 70.0  # next, only whether it is stuck
    state, after = button_up(state, 13.0)
    assert after is None  # the release of a hold is not also a press


def test_core_button_release_without_press_is_ignored():
    _, gesture = button_up(ButtonState(), 5.0)
    assert gesture is None


def test_core_button_stuck_after_a_minute_is_ignored_until_released():
    from device.core.button import STUCK_S, Stuck

    state = button_down(ButtonState(), 0.0)
    state, hold = button_due(state, 2.0, 2.0)
    assert hold == Hold(2.0)
    assert state.hold_deadline(2.0) == STUCK_S
    state, stuck = button_due(state, STUCK_S, 2.0)
    assert stuck == Stuck(0.0)
    assert state.hold_deadline(2.0) is None  # nothing more to decide while it stays down
    state, gesture = button_up(state, 500.0)
    assert gesture is None and state == ButtonState()
