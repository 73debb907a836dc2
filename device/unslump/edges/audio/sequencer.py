"""One sound at a time, in the order asked: how every backend turns cues into playback.

The core asks for sounds the moment they are due, and several can be due together (a
phase sound and the breath sound that follows it, the resume sound and the phase it cues
again). Played over each other they blur; a one-pitch piezo would simply drop all but
the last. So each backend keeps a :class:`Lane`: a sound starts when it is due or when
the one before it ends, whichever is later, and nothing is dropped. A ``cut`` (pause,
stop) ends the sound under way and drops what waits behind it, since it would be stale.

Pure bookkeeping on times the caller gives: the pygame player, the buzzer and the demo's
WAV mixer all use it, so the WAV sounds the way the speaker plays.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from unslump.core.effects import Play


@dataclass(frozen=True, slots=True)
class Slot:
    """``play`` sounds from ``start`` to ``end`` (earlier than its own length if cut)."""

    start: float
    end: float
    play: Play


class Lane:
    """The sounds asked for so far, laid end to end.

    Owned by one adapter; ``slots`` grows as sounds are added, and ``due(now)`` hands out
    those whose start has come, each once.
    """

    def __init__(self) -> None:
        self.slots: list[Slot] = []
        self._handed = 0  # slots[:_handed] have been handed out by due()

    @property
    def free_at(self) -> float:
        """When the last sound asked for ends (-inf when nothing was ever asked)."""
        return self.slots[-1].end if self.slots else float("-inf")

    def add(self, at: float, play: Play, length: float) -> Slot:
        """Queue ``play`` (``length`` seconds long), asked for at ``at``; returns its slot."""
        if play.cut:
            self.cut(at)
        slot = Slot(max(at, self.free_at), max(at, self.free_at) + length, play)
        self.slots.append(slot)
        return slot

    def cut(self, at: float) -> Slot | None:
        """Stop at ``at``: the sound under way ends there, those not started are dropped.

        Returns the slot that was cut short, if one was sounding.
        """
        while self.slots and self.slots[-1].start > at:
            self.slots.pop()  # not started by ``at``: it never sounds
        self._handed = min(self._handed, len(self.slots))
        if self.slots and self.slots[-1].end > at:
            self.slots[-1] = replace(self.slots[-1], end=at)
            return self.slots[-1]
        return None

    def due(self, now: float) -> list[Slot]:
        """The slots whose start is at or before ``now`` and that were not handed out yet."""
        start = self._handed
        while self._handed < len(self.slots) and self.slots[self._handed].start <= now:
            self._handed += 1
        return self.slots[start:self._handed]

    def began_late(self, slot: Slot, at: float) -> Slot:
        """``slot`` (handed out by :meth:`due`) really began at ``at``, maybe later than
        planned: it and every slot behind it move later by as much, and those are due
        again only when their new start comes; returns the slot as it now stands. A wake
        delayed by a busy CPU then plays each sound whole instead of the next one cutting
        into it on the one channel.
        """
        late = at - slot.start
        index = self.slots.index(slot)
        if late <= 0:
            return slot
        for later in range(index, len(self.slots)):
            moved = self.slots[later]
            self.slots[later] = replace(moved, start=moved.start + late, end=moved.end + late)
        self._handed = index + 1
        return self.slots[index]

    def next_start(self) -> float | None:
        """When the next slot not yet handed out starts, or None."""
        return self.slots[self._handed].start if self._handed < len(self.slots) else None

    def forget_before(self, now: float) -> None:
        """Drop slots over before ``now`` (a long-running lane stays small)."""
        keep = 0
        while keep < self._handed and self.slots[keep].end < now:
            keep += 1
        if keep:
            del self.slots[:keep]
            self._handed -= keep
