"""Properties of sitting over random seat edges, checked against a plain reference model."""

from datetime import datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from unslump.config.file import Config
from unslump.core.effects import Log, Play
from unslump.core.events import DeadlineReached, SeatOccupied, SeatVacated
from unslump.core.machine import History, Now, initial_state, next_deadline, step
from unslump.core.records import BoutRecord
from unslump.core.tones import Tone

CONFIG = Config()
WALL = datetime(2026, 11, 24, 9, 0).astimezone()
SIT_S, STAND_S = CONFIG.seat.sit_confirm_s, CONFIG.seat.stand_confirm_s
BRIDGE_S = CONFIG.seat.dropout_bridge_s


def reference_seated_s(edges: list[tuple[float, bool]], end: float) -> float:
    """Confirmed seated time by the rule alone: a reading counts once it has held for its
    confirmation time, from its first edge; a contact's first edge is kept across losses
    of contact shorter than the bridge."""
    raw, raw_since, occupied, occupied_since, total = False, 0.0, False, 0.0, 0.0
    contact: float | None = None

    def settle(until: float) -> None:
        nonlocal occupied, occupied_since, total, contact
        first = contact if raw and contact is not None else raw_since
        if raw != occupied and until - first >= (SIT_S if raw else STAND_S):
            if occupied:
                total += raw_since - occupied_since
            occupied, occupied_since, contact = raw, first, None

    for at, reading in edges:
        settle(at)
        if reading != raw:
            if reading and not occupied:
                contact = contact if contact is not None and at - raw_since < BRIDGE_S else at
            raw, raw_since = reading, at
    settle(end)
    return total + (end - occupied_since if occupied else 0.0)


gaps = st.lists(st.tuples(st.floats(min_value=0.5, max_value=1800.0), st.booleans()),
                min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(gaps)
def test_sitting_properties_over_random_seat_edges(steps):
    state, _ = initial_state(CONFIG, Now(0.0, WALL), False, History())
    edges, at = [], 0.0
    reminder_while_vacant = []
    log: list = []

    def send(kind, t):
        nonlocal state
        state, out = step(state, kind(t, WALL + timedelta(seconds=t)), CONFIG)
        for effect in out:
            if isinstance(effect, Play) and effect.tone is Tone.REMINDER and \
                    not state.seat.occupied:
                reminder_while_vacant.append(t)
            if isinstance(effect, Log):
                log.append(effect.record)

    def run_to(until):
        while (due := next_deadline(state, CONFIG)) is not None and due <= until:
            send(DeadlineReached, due)

    for gap, reading in steps:
        at += gap
        run_to(at)
        send(SeatOccupied if reading else SeatVacated, at)
        edges.append((at, reading))
    end = at + 3600.0
    run_to(end)

    bouts = [r for r in log if isinstance(r, BoutRecord) and r.ended_by is not None]
    current = state.bout.sitting_s(end) if state.bout else 0.0
    seated = sum(b.seated_s for b in bouts) + current
    expected = reference_seated_s(edges, end)
    assert abs(seated - expected) < 1e-6
    assert end - seated >= 0.0  # away time is what is left of the elapsed time
    assert reminder_while_vacant == []
    for earlier, later in pairwise(bouts):  # never two bouts at once
        assert earlier.end <= later.start
    if state.bout is not None and bouts:
        assert bouts[-1].end <= state.bout.start_wall
