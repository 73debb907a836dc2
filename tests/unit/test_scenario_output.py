"""What ``unslump scenario`` prints for each effect: the line kinds the README lists."""

from datetime import UTC, datetime

import pytest

from unslump.core.effects import Log
from unslump.core.records import (
    BoutRecord,
    BreakKind,
    BreakRecord,
    ReminderOutcome,
    ReminderRecord,
)
from unslump.sim.scenario.output import describe

NINE = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TEN_PAST = datetime(2026, 11, 24, 9, 10, tzinfo=UTC)


@pytest.mark.parametrize(("record", "of"), [
    (BoutRecord(NINE, TEN_PAST, 600.0, key="k", ended_by=None), "bout"),
    (BreakRecord(BreakKind.NATURAL, NINE, TEN_PAST, 600.0, key="k", ended_by=None), "break"),
    (BreakRecord(BreakKind.GUIDED, NINE, TEN_PAST, 60.0, key="k", ended_by=None), "break"),
    (ReminderRecord(NINE, None, key="k", ended_by=None), "reminder"),
])
def test_scenario_output_an_open_row_is_a_checkpoint_line_of_its_table(record, of):
    [line] = describe(Log(record))
    assert (line["kind"], line["of"]) == ("checkpoint", of)


def test_scenario_output_an_open_break_keeps_its_type_as_the_closed_one_does():
    opened = BreakRecord(BreakKind.NATURAL, NINE, TEN_PAST, 600.0, key="k", ended_by=None)
    closed = BreakRecord(BreakKind.NATURAL, NINE, TEN_PAST, 600.0, key="k")
    [checkpoint], [row] = describe(Log(opened)), describe(Log(closed))
    assert (checkpoint["type"], row["type"]) == ("natural", "natural")
    assert checkpoint.keys() - {"of", "ended_by"} == row.keys() - {"ended_by"}


def test_scenario_output_a_closed_reminder_is_its_own_kind():
    [line] = describe(Log(ReminderRecord(NINE, ReminderOutcome.STOOD_UP, response_s=30.0)))
    assert (line["kind"], line["outcome"]) == ("reminder_end", "stood_up")
