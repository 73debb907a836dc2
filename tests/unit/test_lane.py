"""The lane: sounds due together play one after another; a cut ends one and drops the rest."""

from __future__ import annotations

from unslump.core.effects import Play
from unslump.core.tones import Tone
from unslump.edges.audio.sequencer import Lane, Slot

HANG, INHALE, TICK = Play(Tone.HANG), Play(Tone.INHALE, 3.6), Play(Tone.TICK)


def test_lane_sounds_due_together_queue_in_the_order_asked() -> None:
    lane = Lane()
    assert lane.add(10.0, HANG, 0.4) == Slot(10.0, 10.4, HANG)
    assert lane.add(10.0, INHALE, 3.6) == Slot(10.4, 14.0, INHALE)
    assert lane.add(20.0, TICK, 0.04) == Slot(20.0, 20.04, TICK)  # a free lane: at once
    assert lane.free_at == 20.04


def test_lane_hands_out_each_slot_once_when_its_start_comes() -> None:
    lane = Lane()
    lane.add(0.0, HANG, 0.4)
    lane.add(0.0, INHALE, 3.6)
    assert [s.play for s in lane.due(0.0)] == [HANG]
    assert lane.next_start() == 0.4
    assert lane.due(0.3) == []
    assert [s.play for s in lane.due(0.4)] == [INHALE]
    assert lane.due(10.0) == [] and lane.next_start() is None


def test_lane_cut_ends_the_sound_under_way_and_drops_those_waiting() -> None:
    lane = Lane()
    lane.add(0.0, INHALE, 3.6)
    lane.add(0.0, TICK, 0.04)
    lane.due(0.0)
    pause = Play(Tone.PAUSE, cut=True)
    slot = lane.add(1.0, pause, 0.28)
    assert slot == Slot(1.0, 1.28, pause)  # at once, not after the out-breath
    assert [s.play for s in lane.slots] == [INHALE, pause]
    assert lane.slots[0].end == 1.0


def test_lane_forgets_what_is_over() -> None:
    lane = Lane()
    lane.add(0.0, HANG, 0.4)
    lane.add(5.0, TICK, 0.04)
    lane.due(5.0)
    lane.forget_before(6.0)
    assert lane.slots == []
    assert lane.add(6.0, HANG, 0.4).start == 6.0


def test_lane_a_late_start_moves_the_sounds_behind_it_so_none_is_cut() -> None:
    lane = Lane()
    first = lane.add(10.0, HANG, 0.4)
    lane.add(10.0, INHALE, 1.0)
    assert len(lane.due(10.6)) == 2  # a wake 0.6 s late finds both due
    moved = lane.began_late(first, 10.6)
    assert moved == Slot(10.6, 11.0, HANG)
    assert lane.next_start() == 11.0  # the in-breath waits for the bell to end
    assert lane.due(10.9) == [] and lane.due(11.0) == [Slot(11.0, 12.0, INHALE)]
    assert lane.began_late(lane.slots[1], 11.0) == lane.slots[1]  # on time: nothing moves
