import pytest

from unslump.errors import ScenarioError
from unslump.sim.scenario.script import PRESS_S, Action, parse_script


def test_scenario_script_parses_times_commands_and_comments():
    script = parse_script(
        "start 2026-11-24T09:00  # morning\n\n0:00 sit\n0:45:30 press\n0:46 hold 3\n"
        "0:50 stand\n1:00 walljump +5h\n1:00:00.250 down\n1:00:01 up\n8:00 end\n", "s.txt")
    assert script.start.isoformat() == "2026-11-24T09:00:00"
    assert script.end == 8 * 3600
    steps = [(s.at, s.action) for s in script.moves]
    assert steps[:6] == [(0, Action.SIT), (2730, Action.DOWN), (2730 + PRESS_S, Action.UP),
                         (2760, Action.DOWN), (2763, Action.UP), (3000, Action.STAND)]
    jump = next(s for s in script.moves if s.action is Action.WALLJUMP)
    assert jump.seconds == 5 * 3600
    assert (3600.25, Action.DOWN) in steps


def test_scenario_script_hours_may_exceed_a_day_and_durations_have_units():
    script = parse_script("0:00 hold 90s\n30:00 walljump -2m\n", "s")
    assert script.moves[1].at == 90
    assert script.moves[-1].seconds == -120
    assert script.end == 30 * 3600


@pytest.mark.parametrize(("text", "problem"), [
    ("0:00 sit\n0:00 dance\n", "s.txt:2: unknown command 'dance'"),
    ("0:10 sit\n0:05 stand\n", "s.txt:2: time 0:05 is earlier than the line before"),
    ("9 sit\n", "s.txt:1: '9' is not a time like H:MM"),
    ("0:61 sit\n", "s.txt:1: '0:61' is not a time"),
    ("0:00 hold\n", "s.txt:1: 'hold' takes one duration"),
    ("0:00 hold -3s\n", "s.txt:1: '-3s' is not a duration"),
    ("0:00 walljump soon\n", "s.txt:1: 'soon' is not a signed duration"),
    ("0:00 sit now\n", "s.txt:1: 'sit' takes no argument"),
    ("0:00 sit\nstart 2026-11-24T09:00\n", "s.txt:2: 'start' must come before"),
    ("start tomorrow\n", "s.txt:1: 'tomorrow' is not an ISO 8601 time"),
    ("1:00 end\n1:01 sit\n", "s.txt:2: nothing may follow 'end'"),
    ("0:00\n", "s.txt:1: a time needs a command after it"),
])
def test_scenario_script_malformed_line_names_file_and_line(text, problem):
    with pytest.raises(ScenarioError) as caught:
        parse_script(text, "s.txt")
    assert str(caught.value).startswith(problem)


@pytest.mark.parametrize(("text", "problem"), [
    ("0:00 walljump +999999999h\n", "s.txt:1: walljump +999999999h is out of range; allowed: "
                                    "-8760h to +8760h"),
    ("0:00 hold 999999999h\n", "s.txt:1: hold 999999999h is out of range; allowed: 0s to 1h"),
    ("0:00 hold 20000h\n", "s.txt:1: hold 20000h is out of range"),
    ("0:00 hold " + "9" * 400 + "\n", "is out of range"),
    ("start 9999-12-31T23:59\n", "s.txt:1: start 9999-12-31T23:59 is out of range; allowed: "
                                 "years 1970 to 2200"),
    ("99999999999999999999:00 sit\n", "s.txt:1: time 99999999999999999999:00 is out of range;"
                                      " allowed: up to 744:00 (31 days)"),
    ("0:00 sit\n2000:00 end\n", "s.txt:2: time 2000:00 is out of range"),
    ("743:59 hold 2m\n", "s.txt:1: hold 2m ends after 744:00"),
])
def test_scenario_script_every_number_is_bounded(text, problem):
    with pytest.raises(ScenarioError) as caught:
        parse_script(text, "s.txt")
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)


def test_scenario_script_largest_allowed_values_parse():
    script = parse_script("start 2200-01-01T00:00\n0:00 walljump -8760h\n0:00 hold 1h\n"
                          "744:00 end\n", "s")
    assert script.end == 744 * 3600


def test_scenario_script_too_many_lines_is_one_error():
    with pytest.raises(ScenarioError, match="s:100001: more than 100000 commands"):
        parse_script("0:00 sit\n" * 100_001, "s")


def test_scenario_script_walljumps_are_bounded_in_all():
    with pytest.raises(ScenarioError, match="s:3: the walljumps so far add up to \\+9000h"):
        parse_script("0:00 walljump +5000h\n0:01 walljump -1000h\n0:02 walljump +5000h\n", "s")
