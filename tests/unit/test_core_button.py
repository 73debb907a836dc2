import pytest

from unslump.core.button import (
    STUCK_S,
    ButtonState,
    Hold,
    Press,
    Stuck,
    button_down,
    button_due,
    button_up,
)

HOLD_S = 2.0
DEBOUNCE_S = 0.03


class Button:
    """Raw edges in, gestures out, with every deadline handled in time order."""

    def __init__(self, debounce_s: float = DEBOUNCE_S, waking: bool = False):
        self.state = ButtonState()
        self.debounce_s = debounce_s
        self.waking = waking
        self.gestures: list[object] = []

    def run_to(self, at: float) -> None:
        while (due := self.state.deadline(HOLD_S, self.debounce_s)) is not None and due <= at:
            self.state, gesture = button_due(self.state, due, HOLD_S, self.debounce_s)
            if gesture is not None:
                self.gestures.append(gesture)

    def edges(self, *times_and_levels: tuple[float, str]) -> None:
        for at, level in times_and_levels:
            self.run_to(at)
            if level == "down":
                self.state = button_down(self.state, at, waking=self.waking)
            else:
                self.state = button_up(self.state, at)


def train(start: float, level: str, gaps_ms: list[float]) -> list[tuple[float, str]]:
    """A bounce train: ``level`` at ``start``, then alternating edges ``gaps_ms`` apart,
    ending on ``level`` (the contact settles where it was going)."""
    other = "up" if level == "down" else "down"
    edges, at = [(start, level)], start
    for index, gap in enumerate(gaps_ms):
        at += gap / 1000
        edges.append((at, other if index % 2 == 0 else level))
    assert edges[-1][1] == level, "a bounce train ends on the level it settles at"
    return edges


def test_core_button_short_press_is_decided_when_the_release_settles():
    button = Button()
    button.edges((10.0, "down"), (10.4, "up"))
    button.run_to(10.4 + DEBOUNCE_S - 0.001)
    assert button.gestures == []
    button.run_to(10.5)
    assert button.gestures == [Press(10.4)]
    assert button.state == ButtonState()


def test_core_button_the_issue_bounce_is_one_press_not_a_press_and_a_pause():
    # down 60.000, up 60.150, down 60.152, up 60.153: ordinary contact bounce
    button = Button()
    button.edges((60.0, "down"), (60.150, "up"), (60.152, "down"), (60.153, "up"))
    button.run_to(70.0)
    assert button.gestures == [Press(60.153)]


@pytest.mark.parametrize("gaps_ms", [[1, 1, 2, 1], [0.2, 0.5, 3, 0.4, 5, 2],
                                     [2] * 20, [9, 11, 8, 1]])
def test_core_button_bounce_on_press_and_release_gives_one_press(gaps_ms):
    button = Button()
    button.edges(*train(5.0, "down", gaps_ms), *train(5.3, "up", gaps_ms))
    button.run_to(10.0)
    assert [type(g) for g in button.gestures] == [Press]


@pytest.mark.parametrize("gaps_ms", [[1, 1, 2, 1], [0.3, 4, 0.2, 7, 1, 1], [2] * 14])
def test_core_button_bounce_on_a_hold_gives_one_hold_timed_from_the_first_contact(gaps_ms):
    button = Button()
    button.edges(*train(5.0, "down", gaps_ms), *train(8.0, "up", gaps_ms))
    button.run_to(20.0)
    assert button.gestures == [Hold(5.0 + HOLD_S)]


def test_core_button_bounce_while_held_neither_restarts_nor_ends_the_hold():
    button = Button()
    button.edges((0.0, "down"), (1.0, "up"), (1.002, "down"))  # a wobble mid-hold
    button.run_to(5.0)
    assert button.gestures == [Hold(HOLD_S)]


def test_core_button_two_real_presses_30_ms_apart_are_two_presses():
    button = Button()
    button.edges((0.0, "down"), (0.1, "up"), (0.1 + DEBOUNCE_S + 0.001, "down"),
                 (0.3, "up"))
    button.run_to(1.0)
    assert [type(g) for g in button.gestures] == [Press, Press]


def test_core_button_zero_debounce_decides_at_release():
    button = Button(debounce_s=0.0)
    button.edges((0.0, "down"), (0.1, "up"))
    button.run_to(0.1)
    assert button.gestures == [Press(0.1)]


def test_core_button_a_press_that_wakes_the_panel_is_no_gesture_even_when_it_bounces():
    button = Button(waking=True)
    button.edges(*train(0.0, "down", [1, 2, 1, 1]), *train(0.2, "up", [1, 1]))
    button.edges(*train(1.0, "down", [1, 2, 1, 1]), *train(4.0, "up", [1, 1]))
    button.run_to(10.0)
    assert button.gestures == []
    button.waking = False
    button.edges((11.0, "down"), (11.1, "up"))
    button.run_to(12.0)
    assert button.gestures == [Press(11.1)]


def test_core_button_hold_is_decided_at_the_deadline_while_still_down():
    state = button_down(ButtonState(), 10.0)
    assert state.deadline(HOLD_S, DEBOUNCE_S) == 12.0
    state, early = button_due(state, 11.9, HOLD_S, DEBOUNCE_S)
    assert early is None
    state, gesture = button_due(state, 12.0, HOLD_S, DEBOUNCE_S)
    assert gesture == Hold(12.0)
    assert state.deadline(HOLD_S, DEBOUNCE_S) == 70.0  # next, only whether it is stuck
    state = button_up(state, 13.0)
    state, after = button_due(state, 13.0 + DEBOUNCE_S, HOLD_S, DEBOUNCE_S)
    assert after is None  # the release of a hold is not also a press
    assert state == ButtonState()


def test_core_button_release_without_press_is_ignored():
    assert button_up(ButtonState(), 5.0) == ButtonState()


def test_core_button_stuck_after_a_minute_is_ignored_until_released():
    state = button_down(ButtonState(), 0.0)
    state, hold = button_due(state, 2.0, HOLD_S, DEBOUNCE_S)
    assert hold == Hold(2.0)
    assert state.deadline(HOLD_S, DEBOUNCE_S) == STUCK_S
    state, stuck = button_due(state, STUCK_S, HOLD_S, DEBOUNCE_S)
    assert stuck == Stuck(0.0)
    assert state.deadline(HOLD_S, DEBOUNCE_S) is None  # nothing to decide while it stays down
    state = button_up(state, 500.0)
    state, gesture = button_due(state, 500.0 + DEBOUNCE_S, HOLD_S, DEBOUNCE_S)
    assert gesture is None and state == ButtonState()
