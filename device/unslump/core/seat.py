"""From raw seat edges to confirmed sitting, and from sitting to bouts and natural breaks.

A raw edge counts only once it has held: contact for ``sit_confirm_s``, absence for
``stand_confirm_s``. Shifting in the chair or leaning forward makes flickers shorter than
that, and they change nothing. A confirmed transition is dated from its first edge, so a
bout starts when the person sat down, not five seconds later.

Contact need not be unbroken to confirm sitting: a loss of contact shorter than
``dropout_bridge_s`` (a pressure sensor near its threshold, a radar output that flickers)
does not restart the confirmation, as an absence shorter than ``stand_confirm_s`` does
not end sitting. Many such dropouts in a short time mark the sensor as chattering, which
the machine reports once.

A bout runs from sitting down to a break. An absence shorter than ``natural_break_min``
pauses it (the time away is not sitting); a longer one ends it and, when the person comes
back, is logged as a natural break with its true length.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from unslump.core.records import BoutRecord, BreakKind, BreakRecord, EndedBy


@dataclass(frozen=True, slots=True)
class Sat:
    """Sitting confirmed; ``at`` is the first edge of the contact."""

    at: float


@dataclass(frozen=True, slots=True)
class Left:
    """Absence confirmed; ``at`` is the first edge of the absence."""

    at: float


SeatChange = Sat | Left


CHATTER_DROPOUTS = 20
CHATTER_WINDOW_S = 600.0
"""This many bridged dropouts within this many seconds (one every half minute) is a
sensor chattering, not a person shifting in the chair."""


@dataclass(frozen=True, slots=True)
class SeatState:
    """The last raw reading, since when, and the confirmed occupancy.

    ``contact_since`` is the first edge of the contact that may become sitting (kept
    across dropouts shorter than the bridge); None while seated or with no contact yet.
    ``dropouts`` counts the short dropouts since ``dropouts_from``; ``chattering`` is set,
    and stays set, once they come too often.
    """

    raw: bool = False
    raw_since: float = 0.0
    occupied: bool = False
    contact_since: float | None = None
    dropouts: int = 0
    dropouts_from: float = 0.0
    chattering: bool = False

    def confirm_deadline(self, sit_confirm_s: float, stand_confirm_s: float) -> float | None:
        """When the pending raw reading becomes confirmed, if it differs from the confirmed."""
        if self.raw == self.occupied:
            return None
        return self.first_edge + (sit_confirm_s if self.raw else stand_confirm_s)

    @property
    def first_edge(self) -> float:
        """The first edge of the pending reading: a contact's across bridged dropouts."""
        if self.raw and self.contact_since is not None:
            return self.contact_since
        return self.raw_since


def seat_edge(state: SeatState, occupied: bool, at: float,
              bridge_s: float = 0.0) -> SeatState:
    """A raw edge; a repeated reading (a missed opposite edge) keeps the earlier time.

    Contact back within ``bridge_s`` of its loss is a dropout: it keeps the pending
    contact's first edge, and it is counted towards :attr:`SeatState.chattering`.
    """
    if occupied == state.raw:
        return state
    if not occupied:
        return replace(state, raw=False, raw_since=at)
    dropout = at - state.raw_since < bridge_s
    state = _counted(state, at) if dropout else state
    contact = None
    if not state.occupied:
        contact = state.contact_since if dropout and state.contact_since is not None else at
    return replace(state, raw=True, raw_since=at, contact_since=contact)


def _counted(state: SeatState, at: float) -> SeatState:
    """One more short dropout, in a window of ``CHATTER_WINDOW_S``."""
    if at - state.dropouts_from > CHATTER_WINDOW_S:
        return replace(state, dropouts=1, dropouts_from=at)
    dropouts = state.dropouts + 1
    return replace(state, dropouts=dropouts,
                   chattering=state.chattering or dropouts >= CHATTER_DROPOUTS)


def seat_due(state: SeatState, at: float, sit_confirm_s: float,
             stand_confirm_s: float) -> tuple[SeatState, SeatChange | None]:
    """Confirm the pending reading if it has held long enough by ``at``."""
    deadline = state.confirm_deadline(sit_confirm_s, stand_confirm_s)
    if deadline is None or at < deadline:
        return state, None
    change = Sat(state.first_edge) if state.raw else Left(state.raw_since)
    return replace(state, occupied=state.raw, contact_since=None), change


@dataclass(frozen=True, slots=True)
class Bout:
    """A sitting bout: when it began, and its seated seconds by monotonic time."""

    start_at: float
    start_wall: datetime
    seated_s: float = 0.0  # seated seconds in the stretches already finished
    seated_since: float | None = None  # start of the current seated stretch, None while away
    key: str = ""  # names the bout's row in the log, from its first checkpoint to its end
    paused_at: float | None = None  # when the last seated stretch stopped counting
    stretch_from: float | None = None  # when that stretch began

    def sitting_s(self, now: float) -> float:
        """Seated seconds so far, counting the current stretch up to ``now``."""
        current = 0.0 if self.seated_since is None else max(0.0, now - self.seated_since)
        return self.seated_s + current

    def pause(self, at: float) -> Bout:
        """Stop counting (the person left, or a routine began) at ``at``.

        A leave is dated from its first edge, so it can be confirmed after the bout was
        already paused later (a routine started within the confirmation time): the
        stretch then ends at the earlier moment, and the seconds between are given back.
        """
        if self.seated_since is not None:
            at = max(at, self.seated_since)
            return replace(self, seated_s=self.sitting_s(at), seated_since=None, paused_at=at,
                           stretch_from=self.seated_since)
        if self.paused_at is None or self.stretch_from is None or at >= self.paused_at:
            return self
        back = max(at, self.stretch_from)
        return replace(self, seated_s=self.seated_s - (self.paused_at - back), paused_at=back)

    def resume(self, at: float) -> Bout:
        """Count again from ``at`` (the person is back within the bout)."""
        if self.seated_since is not None:
            return self
        return replace(self, seated_since=at)

    def record_at(self, at: float, wall: datetime, ended_by: EndedBy | None = None) -> BoutRecord:
        """The bout's row as it stands at ``at`` (open, or closed by ``ended_by``).

        Its end is the last second it counted: ``at`` while seated, the pause while the
        person is away or a routine runs. A bout over midnight is shared between the days
        by that span, so checkpoints taken while nobody sits do not move seconds into the
        new day that the close (dated when the person left) would take back.
        """
        until = at if self.seated_since is not None or self.paused_at is None \
            else min(at, self.paused_at)
        return BoutRecord(self.start_wall, wall - timedelta(seconds=at - until),
                          self.sitting_s(at), key=self.key, ended_by=ended_by)


@dataclass(frozen=True, slots=True)
class Away:
    """The seat has been confirmed empty since ``since``; ``ended_bout`` once it counts."""

    since: float
    since_wall: datetime
    ended_bout: bool = False
    key: str = ""  # the natural break's row, once the absence counts as one

    def break_deadline(self, natural_break_s: float) -> float | None:
        """When this absence becomes long enough to end the bout."""
        return None if self.ended_bout else self.since + natural_break_s

    def record_at(self, at: float, wall: datetime,
                  ended_by: EndedBy | None = None) -> BreakRecord:
        """The natural break's row, lasting until ``at`` (open, or closed by ``ended_by``)."""
        return BreakRecord(kind=BreakKind.NATURAL, start=self.since_wall, end=wall,
                           duration_s=at - self.since, key=self.key, ended_by=ended_by)
